package rbacdb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/casbin/casbin/v2/persist"

	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/rbac"
	"github.com/consult/platform/core/platform/rbac/rbacdb"
)

// eventually polls cond until it holds or the deadline passes.
func eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func allowed(tb testing.TB, e *rbac.Enforcer, user, tenant, object, action string) bool {
	tb.Helper()
	ok, err := e.Allowed(context.Background(), user, tenant, object, action)
	if err != nil {
		tb.Fatalf("Allowed: %v", err)
	}
	return ok
}

func node(tb testing.TB, d *db.DB, w persist.Watcher) *rbac.Enforcer {
	tb.Helper()
	e, err := rbac.New(context.Background(), rbacdb.New(d), rbac.Options{Watcher: w})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(e.Close)
	return e
}

// Two nodes in one process over one database, on either dialect.
func TestTwoNodesOnLocalBus(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	bus := rbac.NewLocalBus()
	a, b := node(t, d, bus.Watcher()), node(t, d, bus.Watcher())
	steps := []struct {
		name string
		do   func() error
		want bool // b's answer for u1 reading tickets in tenantA
	}{
		{"assign through a", func() error { return a.Assign(ctx, "u1", "tenantA", rbac.Support) }, true},
		{"revoke through a", func() error { return a.Revoke(ctx, "u1", "tenantA", rbac.Support) }, false},
		{"a late add message for the revoked rule changes nothing", func() error {
			other := bus.Watcher()
			defer other.Close()
			return other.UpdateForAddPolicy("g", "g", "user:u1", "role:support", "tenantA")
		}, false},
		{"assign through b", func() error { return b.Assign(ctx, "u1", "tenantA", rbac.Support) }, true},
		{"a reload message keeps it", func() error {
			other := bus.Watcher()
			defer other.Close()
			return other.Update()
		}, true},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if err := s.do(); err != nil {
				t.Fatal(err)
			}
			for name, e := range map[string]*rbac.Enforcer{"a": a, "b": b} {
				if got := allowed(t, e, "u1", "tenantA", "support.tickets", rbac.Read); got != s.want {
					t.Fatalf("node %s: allowed = %v, want %v", name, got, s.want)
				}
			}
		})
	}
}

func TestNewWatcherPicksTheDialect(t *testing.T) {
	d := dbtest.New(t)
	w, err := rbacdb.NewWatcher(context.Background(), d, rbacdb.WatcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	_, local := w.(*rbac.LocalWatcher)
	_, pg := w.(*rbacdb.PGWatcher)
	if dbtest.Postgres() != pg || dbtest.Postgres() == local {
		t.Fatalf("NewWatcher on %s returned %T", d.Dialect, w)
	}
	if !dbtest.Postgres() {
		if _, err := rbacdb.NewPGWatcher(context.Background(), d, rbacdb.WatcherOptions{}); err == nil {
			t.Fatal("NewPGWatcher accepted SQLite")
		}
	}
}

// pgNodes returns two enforcers on one PostgreSQL database, each with its
// own connection pool and LISTEN/NOTIFY watcher, as two servers would be.
func pgNodes(t *testing.T) (d *db.DB, a, b *rbac.Enforcer) {
	t.Helper()
	ctx := context.Background()
	d = dbtest.New(t)
	d2, err := db.Open(ctx, d.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d2.Close() })
	wa, err := rbacdb.NewPGWatcher(ctx, d, rbacdb.WatcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(wa.Close)
	wb, err := rbacdb.NewPGWatcher(ctx, d2, rbacdb.WatcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(wb.Close)
	return d, node(t, d, wa), node(t, d2, wb)
}

// TestPGWatcher is the one test that needs PostgreSQL itself: SQLite has
// no LISTEN/NOTIFY (its single node needs none). CI runs it.
func TestPGWatcher(t *testing.T) {
	if !dbtest.Postgres() {
		t.Skipf("LISTEN/NOTIFY needs PostgreSQL: set %s (CI runs both)", dbtest.EnvPG)
	}
	t.Run("two enforcers", testPGTwoEnforcers)
	t.Run("reconnect reloads", testPGReconnectReloads)
	t.Run("messages", testPGMessages)
}

func testPGTwoEnforcers(t *testing.T) {
	_, a, b := pgNodes(t)
	ctx := context.Background()
	if err := a.Assign(ctx, "u1", "tenantA", rbac.TenantAdmin); err != nil {
		t.Fatal(err)
	}
	eventually(t, "b sees the assignment made through a", func() bool {
		return allowed(t, b, "u1", "tenantA", "staff", rbac.Manage)
	})
	if allowed(t, b, "u1", "tenantB", "staff", rbac.Manage) {
		t.Fatal("b: the role reaches tenantB")
	}
	if err := a.Revoke(ctx, "u1", "tenantA", rbac.TenantAdmin); err != nil {
		t.Fatal(err)
	}
	eventually(t, "b sees the revoke made through a", func() bool {
		return !allowed(t, b, "u1", "tenantA", "staff", rbac.Manage)
	})
	if err := b.Assign(ctx, "boss", rbac.VendorWide, rbac.VendorAdmin); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a sees the assignment made through b", func() bool {
		return allowed(t, a, "boss", "tenantZ", "plugins", rbac.Manage)
	})
}

// After its connection drops, a watcher reconnects and has its node reload:
// notifications sent meanwhile are lost, so only a reload can catch up.
func testPGReconnectReloads(t *testing.T) {
	d, _, b := pgNodes(t)
	ctx := context.Background()
	// Written behind the nodes' backs: no notification at all.
	if _, err := d.ExecContext(ctx, "INSERT INTO casbin_rules (ptype, v0, v1, v2) VALUES ('g', 'user:u9', 'role:support', 'tenantA')"); err != nil {
		t.Fatal(err)
	}
	if allowed(t, b, "u9", "tenantA", "support.tickets", rbac.Read) {
		t.Fatal("b knew of a silent insert before any reload")
	}
	listeners := func() []int {
		rows, err := d.QueryContext(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var pids []int
		for rows.Next() {
			var pid int
			if err := rows.Scan(&pid); err != nil {
				t.Fatal(err)
			}
			pids = append(pids, pid)
		}
		return pids
	}
	before := listeners()
	if len(before) != 2 {
		t.Fatalf("%d listening connections, want 2", len(before))
	}
	for _, pid := range before {
		if _, err := d.ExecContext(ctx, "SELECT pg_terminate_backend(?)", pid); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "b reloads after reconnecting", func() bool {
		return allowed(t, b, "u9", "tenantA", "support.tickets", rbac.Read)
	})
	eventually(t, "both watchers listen again", func() bool { return len(listeners()) == 2 })
}

// A watcher skips its own messages and turns an oversized change into a
// reload request.
func testPGMessages(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	wa, err := rbacdb.NewPGWatcher(ctx, d, rbacdb.WatcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer wa.Close()
	wb, err := rbacdb.NewPGWatcher(ctx, d, rbacdb.WatcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	got := make(chan rbac.Message, 8)
	if err := wa.SetUpdateCallback(func(s string) { got <- rbac.DecodeMessage(s) }); err != nil {
		t.Fatal(err)
	}
	if err := wa.UpdateForAddPolicy("g", "g", "user:own", "role:customer", "A"); err != nil {
		t.Fatal(err)
	}
	if err := wb.UpdateForRemovePolicy("g", "g", "user:1", "role:customer", "A"); err != nil {
		t.Fatal(err)
	}
	big := make([][]string, 400)
	for i := range big {
		big[i] = []string{fmt.Sprintf("user:%d", i), "role:customer", "tenant-with-a-long-name"}
	}
	if err := wb.UpdateForAddPolicies("g", "g", big...); err != nil {
		t.Fatal(err)
	}
	want := []string{"remove user:1", "reload"}
	for i, w := range want {
		select {
		case m := <-got:
			desc := m.Op
			if len(m.Rules) > 0 {
				desc += " " + m.Rules[0][0]
			}
			if desc != w {
				t.Fatalf("message %d = %q, want %q (own messages must be skipped)", i, desc, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("message %d (%s) never arrived", i, w)
		}
	}
	if _, err := rbacdb.NewPGWatcher(ctx, d, rbacdb.WatcherOptions{Channel: "bad channel; DROP"}); err == nil || !strings.Contains(err.Error(), "channel") {
		t.Fatalf("bad channel name: err = %v", err)
	}
}
