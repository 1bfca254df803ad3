package rbacdb_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/casbin/casbin/v2/model"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/rbac"
	"github.com/consult/platform/core/platform/rbac/rbacdb"
)

// seed is the starting content of every adapter case.
var seed = [][]string{
	{"user:1", "role:customer", "A"},
	{"user:1", "role:support", "B"},
	{"user:2", "role:tenant_admin", "A"},
	{"user:3", "role:vendor_admin", "*"},
}

func newModel(tb testing.TB) model.Model {
	tb.Helper()
	conf, err := configs.FS.ReadFile(rbac.ModelPath)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := model.NewModelFromString(string(conf))
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func newAdapter(tb testing.TB, rules ...[]string) (*db.DB, *rbacdb.Adapter) {
	tb.Helper()
	d := dbtest.New(tb)
	a := rbacdb.New(d)
	if len(rules) > 0 {
		if err := a.AddPoliciesCtx(context.Background(), "g", "g", rules); err != nil {
			tb.Fatalf("seed: %v", err)
		}
	}
	return d, a
}

// stored returns every row of casbin_rules as "ptype, v0, v1, …", sorted.
func stored(tb testing.TB, d *db.DB) []string {
	tb.Helper()
	rows, err := d.QueryContext(context.Background(), "SELECT ptype, v0, v1, v2, v3, v4, v5 FROM casbin_rules")
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		v := make([]string, 7)
		if err := rows.Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]); err != nil {
			tb.Fatal(err)
		}
		for len(v) > 1 && v[len(v)-1] == "" {
			v = v[:len(v)-1]
		}
		out = append(out, strings.Join(v, ", "))
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func lines(rules ...[]string) []string {
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = "g, " + strings.Join(r, ", ")
	}
	slices.Sort(out)
	return out
}

func without(rules [][]string, drop ...[]string) [][]string {
	var out [][]string
	for _, r := range rules {
		if !slices.ContainsFunc(drop, func(d []string) bool { return slices.Equal(d, r) }) {
			out = append(out, r)
		}
	}
	return out
}

func with(rules [][]string, add ...[]string) [][]string {
	return append(slices.Clone(rules), add...)
}

func TestAdapterWrites(t *testing.T) {
	newRule := []string{"user:4", "role:specialist", "C"}
	tests := []struct {
		name    string
		run     func(ctx context.Context, a *rbacdb.Adapter) error
		wantErr error // matched with errors.Is; nil means success
		want    [][]string
	}{
		{"add", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.AddPolicyCtx(ctx, "g", "g", newRule)
		}, nil, with(seed, newRule)},
		{"add existing is a no-op", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.AddPolicy("g", "g", seed[0])
		}, nil, seed},
		{"add batch with one existing", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.AddPolicies("g", "g", [][]string{seed[1], newRule})
		}, nil, with(seed, newRule)},
		{"add p rule refused", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.AddPolicy("p", "p", []string{"role:customer", "*", "orders", "read"})
		}, rbacdb.ErrSharedRules, seed},
		{"add too many fields refused", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.AddPolicy("g", "g", []string{"1", "2", "3", "4", "5", "6", "7"})
		}, errAny, seed},
		{"remove", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.RemovePolicyCtx(ctx, "g", "g", seed[0])
		}, nil, without(seed, seed[0])},
		{"remove missing is a no-op", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.RemovePolicy("g", "g", newRule)
		}, nil, seed},
		{"remove matches the whole rule", func(ctx context.Context, a *rbacdb.Adapter) error {
			long := []string{"user:1", "role:customer", "A", "x"}
			if err := a.AddPolicy("g", "g", long); err != nil {
				return err
			}
			return a.RemovePolicy("g", "g", seed[0])
		}, nil, with(without(seed, seed[0]), []string{"user:1", "role:customer", "A", "x"})},
		{"remove batch", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.RemovePolicies("g", "g", [][]string{seed[0], seed[2]})
		}, nil, without(seed, seed[0], seed[2])},
		{"remove p rule refused", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.RemovePolicy("p", "p", []string{"role:customer", "*", "orders", "read"})
		}, rbacdb.ErrSharedRules, seed},
		{"remove filtered by user", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.RemoveFilteredPolicy("g", "g", 0, "user:1")
		}, nil, without(seed, seed[0], seed[1])},
		{"remove filtered by domain, empty value matches any", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.RemoveFilteredPolicyCtx(ctx, "g", "g", 1, "", "A")
		}, nil, without(seed, seed[0], seed[2])},
		{"remove filtered out of range refused", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.RemoveFilteredPolicy("g", "g", 5, "a", "b")
		}, errAny, seed},
		{"update", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.UpdatePolicy("g", "g", seed[0], newRule)
		}, nil, with(without(seed, seed[0]), newRule)},
		{"update missing is not found", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.UpdatePolicyCtx(ctx, "g", "g", newRule, []string{"user:5", "role:customer", "A"})
		}, errs.ErrNotFound, seed},
		{"update onto an existing rule is a conflict", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.UpdatePolicy("g", "g", seed[0], seed[2])
		}, errs.E(errs.KindConflict, "errors.conflict"), seed},
		{"update batch is all or nothing", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.UpdatePolicies("g", "g", [][]string{seed[0], newRule}, [][]string{{"user:1", "role:customer", "C"}, {"user:6", "role:customer", "C"}})
		}, errs.ErrNotFound, seed},
		{"update batch", func(ctx context.Context, a *rbacdb.Adapter) error {
			return a.UpdatePoliciesCtx(ctx, "g", "g", [][]string{seed[0], seed[1]}, [][]string{{"user:1", "role:customer", "C"}, {"user:1", "role:support", "C"}})
		}, nil, with(without(seed, seed[0], seed[1]), []string{"user:1", "role:customer", "C"}, []string{"user:1", "role:support", "C"})},
		{"update filtered returns the old rules", func(ctx context.Context, a *rbacdb.Adapter) error {
			old, err := a.UpdateFilteredPolicies("g", "g", [][]string{newRule}, 0, "user:1")
			if err != nil {
				return err
			}
			if got, want := lines(old...), lines(seed[0], seed[1]); !slices.Equal(got, want) {
				return fmt.Errorf("old rules = %v, want %v", got, want)
			}
			return nil
		}, nil, with(without(seed, seed[0], seed[1]), newRule)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, a := newAdapter(t, seed...)
			err := tt.run(context.Background(), a)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr == errAny && err == nil:
				t.Fatal("want an error, got none")
			case tt.wantErr != nil && tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if got, want := stored(t, d), lines(tt.want...); !slices.Equal(got, want) {
				t.Fatalf("stored rules:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// errAny marks a case where any error will do.
var errAny = errors.New("any error")

func TestAdapterLoad(t *testing.T) {
	tests := []struct {
		name         string
		filter       any // nil: LoadPolicy
		want         [][]string
		wantFiltered bool
	}{
		{"everything", nil, seed, false},
		{"zero filter", rbac.Filter{}, seed, false},
		{"vendor-wide and tenant A", rbac.Filter{Domains: []string{"*", "A"}}, [][]string{seed[0], seed[2], seed[3]}, true},
		{"pointer filter, tenant B only", &rbac.Filter{Domains: []string{"B"}}, [][]string{seed[1]}, true},
		{"one user in A", rbac.Filter{Domains: []string{"A"}, Subjects: []string{"user:1"}}, [][]string{seed[0]}, true},
		{"unknown tenant", rbac.Filter{Domains: []string{"Z"}}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, a := newAdapter(t, seed...)
			m := newModel(t)
			var err error
			if tt.filter == nil {
				err = a.LoadPolicy(m)
			} else {
				err = a.LoadFilteredPolicy(m, tt.filter)
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := m.GetPolicy("g", "g")
			if g, w := lines(got...), lines(tt.want...); !slices.Equal(g, w) {
				t.Fatalf("loaded %q, want %q", g, w)
			}
			if a.IsFiltered() != tt.wantFiltered {
				t.Fatalf("IsFiltered = %v, want %v", a.IsFiltered(), tt.wantFiltered)
			}
		})
	}
	t.Run("wrong filter type", func(t *testing.T) {
		_, a := newAdapter(t)
		if err := a.LoadFilteredPolicy(newModel(t), "A"); err == nil {
			t.Fatal("a string filter was accepted")
		}
	})
}

func TestAdapterGroupingRules(t *testing.T) {
	_, a := newAdapter(t, seed...)
	got, err := a.GroupingRules(context.Background(), "g", rbac.Filter{Subjects: []string{"user:1", "user:3"}, Domains: []string{"B", "*"}})
	if err != nil {
		t.Fatal(err)
	}
	if g, w := lines(got...), lines(seed[1], seed[3]); !slices.Equal(g, w) {
		t.Fatalf("got %q, want %q", g, w)
	}
	if _, err := a.GroupingRules(context.Background(), "p", rbac.Filter{}); !errors.Is(err, rbacdb.ErrSharedRules) {
		t.Fatalf("ptype p: err = %v", err)
	}
}

// The shared rules must never reach the table: not through SavePolicy of a
// model that holds them, and not through SQL either.
func TestSharedRulesNeverStored(t *testing.T) {
	ctx := context.Background()
	t.Run("SavePolicy writes only the g section", func(t *testing.T) {
		d, a := newAdapter(t, seed...)
		m := newModel(t)
		if err := m.AddPolicy("p", "p", []string{"role:customer", "*", "orders", "read"}); err != nil {
			t.Fatal(err)
		}
		next := [][]string{seed[0], {"user:7", "role:customer", "D"}}
		if err := m.AddPolicies("g", "g", next); err != nil {
			t.Fatal(err)
		}
		if err := a.SavePolicyCtx(ctx, m); err != nil {
			t.Fatal(err)
		}
		if got, want := stored(t, d), lines(next...); !slices.Equal(got, want) {
			t.Fatalf("stored %q, want %q", got, want)
		}
	})
	t.Run("SavePolicy after a filtered load is refused", func(t *testing.T) {
		d, a := newAdapter(t, seed...)
		m := newModel(t)
		if err := a.LoadFilteredPolicy(m, rbac.Filter{Domains: []string{"A"}}); err != nil {
			t.Fatal(err)
		}
		if err := a.SavePolicy(m); err == nil {
			t.Fatal("a filtered policy was saved")
		}
		if got, want := stored(t, d), lines(seed...); !slices.Equal(got, want) {
			t.Fatalf("stored %q, want %q", got, want)
		}
	})
	t.Run("the table refuses p rows", func(t *testing.T) {
		d, _ := newAdapter(t)
		_, err := d.ExecContext(ctx, "INSERT INTO casbin_rules (ptype, v0, v1, v2, v3) VALUES ('p', 'role:customer', '*', 'orders', 'read')")
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "check") {
			t.Fatalf("insert of a p row: err = %v, want a CHECK violation", err)
		}
	})
}

// Batches larger than one INSERT statement go through in one transaction.
func TestAdapterLargeBatch(t *testing.T) {
	d, a := newAdapter(t)
	rules := make([][]string, 2500)
	for i := range rules {
		rules[i] = []string{fmt.Sprintf("user:%d", i), "role:customer", "A"}
	}
	ctx := context.Background()
	if err := a.AddPoliciesCtx(ctx, "g", "g", rules); err != nil {
		t.Fatal(err)
	}
	if n := len(stored(t, d)); n != len(rules) {
		t.Fatalf("stored %d rules, want %d", n, len(rules))
	}
	if err := a.RemovePoliciesCtx(ctx, "g", "g", rules[:1200]); err != nil {
		t.Fatal(err)
	}
	m := newModel(t)
	if err := a.LoadPolicyCtx(ctx, m); err != nil {
		t.Fatal(err)
	}
	got, _ := m.GetPolicy("g", "g")
	if len(got) != 1300 {
		t.Fatalf("loaded %d rules, want 1300", len(got))
	}
}
