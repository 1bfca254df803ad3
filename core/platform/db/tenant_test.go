package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
)

var (
	errRollback = errors.New("rollback")
	errBoom     = errors.New("boom")
)

// scopeDB returns a fresh database with the README's example_items table
// holding alpha's a1 and a2 and beta's b1, written as the owner.
func scopeDB(t *testing.T) *db.DB {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	applyTemplate(t, d)
	now := time.Date(2026, 1, 15, 11, 0, 0, 0, time.UTC)
	for _, id := range []string{"alpha", "beta"} {
		if _, err := d.NewRaw(`INSERT INTO tenants (id, kind, name, timezone, default_locale, phone_region, spec, digest, created_at, updated_at)
			VALUES (?, 'vendor', '{}', 'Europe/Moscow', 'ru', 'RU', '{}', 'd', ?, ?)`, id, now, now).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range [][2]string{{"alpha", "a1"}, {"alpha", "a2"}, {"beta", "b1"}} {
		if _, err := d.NewRaw(`INSERT INTO example_items (tenant_id, id, note, created_at) VALUES (?, ?, 'seed', ?)`, r[0], r[1], now).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// count counts example_items through q, filtered by where when given.
func count(t *testing.T, ctx context.Context, q bun.IDB, where string, args ...any) int {
	t.Helper()
	query := "SELECT count(*) FROM example_items"
	if where != "" {
		query += " WHERE " + where
	}
	var n int
	if err := q.NewRaw(query, args...).Scan(ctx, &n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// pgError returns err's SQLSTATE and message, or "" when it has none.
func pgError(err error) (code, msg string) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code, pgErr.Message
	}
	return "", ""
}

// insertItem inserts one example_items row through q.
func insertItem(ctx context.Context, q bun.IDB, tenantID, id string) error {
	_, err := q.NewRaw(`INSERT INTO example_items (tenant_id, id, note, created_at) VALUES (?, ?, 'test', ?)`,
		tenantID, id, time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)).Exec(ctx)
	return err
}

func TestTenantFailsClosed(t *testing.T) {
	d := dbtest.New(t)
	helpers := map[string]func(context.Context, func(context.Context, bun.IDB) error) error{
		"Tenant": d.Tenant, "TenantRead": d.TenantRead,
	}
	contexts := map[string]context.Context{
		"no tenant":    context.Background(),
		"empty tenant": tenancy.With(context.Background(), ""),
	}
	for helper, run := range helpers {
		for name, ctx := range contexts {
			t.Run(helper+"/"+name, func(t *testing.T) {
				called := false
				err := run(ctx, func(context.Context, bun.IDB) error { called = true; return nil })
				if !errors.Is(err, errs.ErrTenantMissing) || called {
					t.Fatalf("err = %v, fn called = %v; want ErrTenantMissing before any query", err, called)
				}
			})
		}
	}
}

// TestTenantScope proves both walls on PostgreSQL and states what SQLite,
// which has only the first, does in the same situations.
func TestTenantScope(t *testing.T) {
	ctx := context.Background()
	alpha := tenancy.With(ctx, "alpha")
	tests := []struct {
		name string
		run  func(t *testing.T, d *db.DB, pg bool)
	}{
		{"reads without WHERE see only the scope's tenant", func(t *testing.T, d *db.DB, pg bool) {
			var all, own int
			err := d.TenantRead(alpha, func(ctx context.Context, q bun.IDB) error {
				all, own = count(t, ctx, q, ""), count(t, ctx, q, "tenant_id = ?", "alpha")
				return nil
			})
			wantAll := 3 // SQLite: no second wall, the WHERE is all there is
			if pg {
				wantAll = 2
			}
			if err != nil || all != wantAll || own != 2 {
				t.Fatalf("count(*) = %d (want %d), with WHERE %d (want 2), err %v", all, wantAll, own, err)
			}
		}},
		{"a write for the scope's tenant commits", func(t *testing.T, d *db.DB, pg bool) {
			err := d.Tenant(alpha, func(ctx context.Context, q bun.IDB) error { return insertItem(ctx, q, "alpha", "a3") })
			if err != nil || count(t, ctx, d.DB, "tenant_id = 'alpha' AND id = 'a3'") != 1 {
				t.Fatalf("insert own row: %v", err)
			}
		}},
		{"an insert for another tenant is refused by WITH CHECK", func(t *testing.T, d *db.DB, pg bool) {
			err := d.Tenant(alpha, func(ctx context.Context, q bun.IDB) error { return insertItem(ctx, q, "beta", "b9") })
			written := count(t, ctx, d.DB, "tenant_id = 'beta' AND id = 'b9'")
			if !pg {
				if err != nil || written != 1 {
					t.Fatalf("SQLite has no second wall: the insert should pass (the store's tenant_id guards it); err %v, rows %d", err, written)
				}
				return
			}
			if code, msg := pgError(err); code != "42501" || !strings.Contains(msg, "row-level security") || written != 0 {
				t.Fatalf("err %v (%s), rows %d; want a row-level security refusal and no row", err, code, written)
			}
		}},
		{"an update cannot move a row to another tenant", func(t *testing.T, d *db.DB, pg bool) {
			err := d.Tenant(alpha, func(ctx context.Context, q bun.IDB) error {
				if _, err := q.ExecContext(ctx, "UPDATE example_items SET tenant_id = 'beta' WHERE id = 'a1'"); err != nil {
					return err
				}
				return errRollback
			})
			if !pg {
				if err != errRollback {
					t.Fatalf("SQLite: %v, want the update to pass", err)
				}
				return
			}
			if code, msg := pgError(err); code != "42501" || !strings.Contains(msg, "row-level security") {
				t.Fatalf("err %v; want a row-level security refusal", err)
			}
		}},
		{"updates and deletes without WHERE reach the scope's rows only", func(t *testing.T, d *db.DB, pg bool) {
			var updated, deleted int64
			err := d.Tenant(alpha, func(ctx context.Context, q bun.IDB) error {
				res, err := q.ExecContext(ctx, "UPDATE example_items SET note = 'x'")
				if err != nil {
					return err
				}
				updated, _ = res.RowsAffected()
				if res, err = q.ExecContext(ctx, "DELETE FROM example_items"); err != nil {
					return err
				}
				deleted, _ = res.RowsAffected()
				return errRollback
			})
			want := int64(3)
			if pg {
				want = 2
			}
			if err != errRollback || updated != want || deleted != want {
				t.Fatalf("updated %d, deleted %d, want %d each; err %v", updated, deleted, want, err)
			}
			if n := count(t, ctx, d.DB, ""); n != 3 {
				t.Fatalf("%d rows after the rollback, want 3", n)
			}
		}},
		{"inside, the role is platform_tenant: not superuser, no BYPASSRLS, owner of nothing", func(t *testing.T, d *db.DB, pg bool) {
			var readQ, writeQ bun.IDB
			var role struct {
				Current, Session string
				Super, Bypass    bool
				Owns             int
			}
			read := func(ctx context.Context, q bun.IDB) error {
				readQ = q
				if !pg {
					return nil
				}
				return q.NewRaw(`SELECT current_user AS current, session_user AS session, rolsuper AS super, rolbypassrls AS bypass,
					(SELECT count(*) FROM pg_class WHERE relowner = r.oid) AS owns FROM pg_roles r WHERE rolname = current_user`).Scan(ctx, &role)
			}
			if err := d.TenantRead(alpha, read); err != nil {
				t.Fatal(err)
			}
			if err := d.Tenant(alpha, func(_ context.Context, q bun.IDB) error { writeQ = q; return nil }); err != nil {
				t.Fatal(err)
			}
			_, writeTx := writeQ.(bun.Tx)
			_, readTx := readQ.(bun.Tx)
			if !writeTx || readTx != pg {
				t.Fatalf("Tenant ran on %T, TenantRead on %T: want a transaction for writes, and for reads only on PostgreSQL", writeQ, readQ)
			}
			if pg && (role.Current != db.TenantRole || role.Session == db.TenantRole || role.Super || role.Bypass || role.Owns != 0) {
				t.Fatalf("role inside the scope: %+v", role)
			}
		}},
		{"the role without a tenant sees nothing", func(t *testing.T, d *db.DB, pg bool) {
			if err := d.TenantRead(tenancy.With(ctx, ""), func(context.Context, bun.IDB) error { return nil }); !errors.Is(err, errs.ErrTenantMissing) {
				t.Fatalf("the helper without a tenant: %v", err)
			}
			if !pg {
				return
			}
			// Bypass the helper: the role alone, with the setting never set
			// (or left empty by an earlier transaction), then set to ''.
			err := d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				if _, err := tx.ExecContext(ctx, "SET LOCAL ROLE "+db.TenantRole); err != nil {
					return err
				}
				if n := count(t, ctx, tx, ""); n != 0 {
					t.Errorf("role without platform.tenant_id sees %d rows", n)
				}
				if _, err := tx.ExecContext(ctx, "SELECT set_config(?, '', true)", db.TenantSetting); err != nil {
					return err
				}
				if n := count(t, ctx, tx, ""); n != 0 {
					t.Errorf("role with an empty platform.tenant_id sees %d rows", n)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"the scope ends with its transaction", func(t *testing.T, d *db.DB, pg bool) {
			d.SetMaxOpenConns(1) // the next query reuses the scope's connection
			_ = d.TenantRead(alpha, func(ctx context.Context, q bun.IDB) error { return nil })
			_ = d.Tenant(alpha, func(ctx context.Context, q bun.IDB) error { return insertItem(ctx, q, "alpha", "a1") }) // duplicate: fails
			if inUse := d.Stats().InUse; inUse != 0 {
				t.Fatalf("%d connections still in use after the scopes returned", inUse)
			}
			if n := count(t, ctx, d.DB, ""); n != 3 {
				t.Fatalf("the connection's own role sees %d rows after a scope, want all 3", n)
			}
			if !pg {
				return
			}
			var after struct{ User, Tenant string }
			if err := d.NewRaw("SELECT current_user AS user, coalesce(current_setting(?, true), '') AS tenant", db.TenantSetting).Scan(ctx, &after); err != nil {
				t.Fatal(err)
			}
			if after.User == db.TenantRole || after.Tenant != "" {
				t.Fatalf("after the scope the pooled connection is %+v", after)
			}
		}},
		{"the tenant id is a value, never SQL", func(t *testing.T, d *db.DB, pg bool) {
			for _, evil := range []string{`x'; RESET ROLE; --`, `alpha' OR '1'='1`, `a\'; SELECT 1; --`} {
				var inside struct{ User, Tenant string }
				var all, own int
				err := d.TenantRead(tenancy.With(ctx, evil), func(ctx context.Context, q bun.IDB) error {
					own = count(t, ctx, q, "tenant_id = ?", evil)
					if !pg {
						return nil
					}
					all = count(t, ctx, q, "")
					return q.NewRaw("SELECT current_user AS user, current_setting(?) AS tenant", db.TenantSetting).Scan(ctx, &inside)
				})
				if err != nil || own != 0 || all != 0 {
					t.Fatalf("tenant %q: err %v, rows %d/%d", evil, err, own, all)
				}
				if pg && (inside.User != db.TenantRole || inside.Tenant != evil) {
					t.Fatalf("tenant %q: inside the scope %+v", evil, inside)
				}
			}
			err := d.TenantRead(tenancy.With(ctx, "alpha\x00"), func(ctx context.Context, q bun.IDB) error {
				return q.NewRaw("SELECT count(*) FROM example_items WHERE tenant_id = ?", "alpha\x00").Scan(ctx, new(int))
			})
			if err == nil {
				t.Fatal("a tenant id with a NUL byte was accepted")
			}
		}},
		{"an error rolls the scope's writes back", func(t *testing.T, d *db.DB, pg bool) {
			err := d.Tenant(alpha, func(ctx context.Context, q bun.IDB) error {
				if err := insertItem(ctx, q, "alpha", "a4"); err != nil {
					return err
				}
				return errBoom
			})
			if !errors.Is(err, errBoom) || count(t, ctx, d.DB, "id = 'a4'") != 0 {
				t.Fatalf("err %v; want errBoom and no row", err)
			}
		}},
		{"a read-only scope refuses writes", func(t *testing.T, d *db.DB, pg bool) {
			err := d.TenantRead(alpha, func(ctx context.Context, q bun.IDB) error {
				return d.Tenant(ctx, func(context.Context, bun.IDB) error { return nil })
			})
			if err == nil || !strings.Contains(err.Error(), "read-only") {
				t.Fatalf("Tenant nested in TenantRead: %v", err)
			}
			if !pg {
				return // SQLite reads run outside a transaction; the database does not refuse
			}
			err = d.TenantRead(alpha, func(ctx context.Context, q bun.IDB) error { return insertItem(ctx, q, "alpha", "a5") })
			if code, _ := pgError(err); code != "25006" {
				t.Fatalf("insert in TenantRead: %v, want read_only_sql_transaction", err)
			}
		}},
		{"nested scopes share one transaction", func(t *testing.T, d *db.DB, pg bool) {
			err := d.Tenant(alpha, func(ctx context.Context, q bun.IDB) error {
				if err := insertItem(ctx, q, "alpha", "a6"); err != nil {
					return err
				}
				// A second connection would not see a6, and on SQLite would
				// wait for this transaction's write lock.
				if err := d.TenantRead(ctx, func(ctx context.Context, inner bun.IDB) error {
					if n := count(t, ctx, inner, "id = 'a6'"); n != 1 {
						t.Errorf("nested read sees a6 %d times", n)
					}
					return nil
				}); err != nil {
					return err
				}
				if err := d.Tenant(ctx, func(ctx context.Context, inner bun.IDB) error { return insertItem(ctx, inner, "alpha", "a7") }); err != nil {
					return err
				}
				err := d.TenantRead(tenancy.With(ctx, "beta"), func(context.Context, bun.IDB) error { return nil })
				if err == nil || !strings.Contains(err.Error(), "nested") {
					t.Errorf("beta's scope inside alpha's: %v", err)
				}
				return nil
			})
			if err != nil || count(t, ctx, d.DB, "id IN ('a6', 'a7')") != 2 {
				t.Fatalf("nested scopes: %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := scopeDB(t)
			tt.run(t, d, d.Dialect == db.Postgres)
		})
	}
}
