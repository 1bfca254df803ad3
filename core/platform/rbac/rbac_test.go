package rbac_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/i18n"
	"github.com/consult/platform/core/platform/rbac"
	"github.com/consult/platform/core/platform/rbac/rbacdb"
)

func newEnforcer(tb testing.TB, opts rbac.Options) (*rbac.Enforcer, *rbacdb.Adapter) {
	tb.Helper()
	a := rbacdb.New(dbtest.New(tb))
	e, err := rbac.New(context.Background(), a, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(e.Close)
	return e, a
}

func assign(tb testing.TB, e *rbac.Enforcer, user, tenant string, role rbac.Role) {
	tb.Helper()
	if err := e.Assign(context.Background(), user, tenant, role); err != nil {
		tb.Fatalf("Assign(%s, %s, %s): %v", user, tenant, role, err)
	}
}

func allowed(tb testing.TB, e *rbac.Enforcer, user, tenant, object, action string) bool {
	tb.Helper()
	ok, err := e.Allowed(context.Background(), user, tenant, object, action)
	if err != nil {
		tb.Fatalf("Allowed(%s, %s, %s, %s): %v", user, tenant, object, action, err)
	}
	return ok
}

// grants returns the permissions user holds in tenant.
func grants(tb testing.TB, e *rbac.Enforcer, user, tenant string) []rbac.Permission {
	tb.Helper()
	var out []rbac.Permission
	for _, p := range rbac.Vocabulary() {
		if allowed(tb, e, user, tenant, p.Object, p.Action) {
			out = append(out, p)
		}
	}
	return out
}

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want rbac.Role
		ok   bool
	}{
		{"customer", rbac.Customer, true},
		{"specialist", rbac.Specialist, true},
		{"support", rbac.Support, true},
		{"tenant_admin", rbac.TenantAdmin, true},
		{"vendor_admin", rbac.VendorAdmin, true},
		{"", "", false},
		{"admin", "", false},
		{"Customer", "", false},
		{"role:customer", "", false},
		{" customer", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := rbac.ParseRole(tt.in)
			if tt.ok {
				if err != nil || got != tt.want {
					t.Fatalf("ParseRole(%q) = %q, %v", tt.in, got, err)
				}
				return
			}
			if errs.KindOf(err) != errs.KindInvalid || errs.As(err).Code != "rbac.role_unknown" {
				t.Fatalf("ParseRole(%q) error = %v, want invalid rbac.role_unknown", tt.in, err)
			}
		})
	}
}

// A role granted in tenant A gives nothing in tenant B, for every role that
// can be held in a tenant and every permission there is.
func TestTenantIsolation(t *testing.T) {
	e, _ := newEnforcer(t, rbac.Options{})
	for _, role := range []rbac.Role{rbac.Customer, rbac.Specialist, rbac.Support, rbac.TenantAdmin} {
		t.Run(string(role), func(t *testing.T) {
			user := "u-" + string(role)
			assign(t, e, user, "tenantA", role)
			if len(grants(t, e, user, "tenantA")) == 0 {
				t.Fatal("the role gives nothing even in its own tenant")
			}
			if g := grants(t, e, user, "tenantB"); len(g) != 0 {
				t.Fatalf("role %s held in tenantA grants %v in tenantB", role, g)
			}
			if g := grants(t, e, user, rbac.VendorWide); len(g) != 0 {
				t.Fatalf("role %s held in tenantA grants %v vendor-wide", role, g)
			}
			roles, err := e.Roles(context.Background(), user, "tenantB")
			if err != nil || len(roles) != 0 {
				t.Fatalf("Roles in tenantB = %v, %v", roles, err)
			}
		})
	}
}

// A user whose id is a role name gains nothing from it; one whose id
// would read as a role subject is refused outright.
func TestUserNamedLikeRole(t *testing.T) {
	e, _ := newEnforcer(t, rbac.Options{})
	ctx := context.Background()
	assign(t, e, "tenant_admin", "tenantA", rbac.Customer)
	t.Run("id tenant_admin", func(t *testing.T) {
		got := grants(t, e, "tenant_admin", "tenantA")
		var want []rbac.Permission
		for _, p := range rbac.Vocabulary() {
			if expect(rbac.Customer, p) {
				want = append(want, p)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("a customer with id tenant_admin holds %v", got)
		}
		roles, _ := e.Roles(ctx, "tenant_admin", "tenantA")
		if !slices.Equal(roles, []rbac.Role{rbac.Customer}) {
			t.Fatalf("Roles = %v", roles)
		}
	})
	for _, id := range []string{"role:tenant_admin", "role:vendor_admin", "user:1", "vendor_admin:"} {
		t.Run("id "+id, func(t *testing.T) {
			if ok, err := e.Allowed(ctx, id, "tenantA", "staff", rbac.Manage); ok || !errors.Is(err, rbac.ErrIDInvalid) {
				t.Fatalf("Allowed = %v, %v; want false, ErrIDInvalid", ok, err)
			}
			if err := e.Assign(ctx, id, "tenantA", rbac.Customer); !errors.Is(err, rbac.ErrIDInvalid) || errs.KindOf(err) != errs.KindInvalid {
				t.Fatalf("Assign: %v, want ErrIDInvalid", err)
			}
			if _, err := e.Roles(ctx, id, "tenantA"); !errors.Is(err, rbac.ErrIDInvalid) {
				t.Fatalf("Roles: %v, want ErrIDInvalid", err)
			}
		})
	}
}

func TestInvalidIDs(t *testing.T) {
	e, _ := newEnforcer(t, rbac.Options{})
	ctx := context.Background()
	tests := []struct {
		name, user, tenant string
	}{
		{"empty user", "", "tenantA"},
		{"empty tenant", "u1", ""},
		{"colon in user", "a:b", "tenantA"},
		{"comma in user", "a,b", "tenantA"},
		{"comma in tenant", "u1", "a,b"},
		{"colon in tenant", "u1", "role:x"},
		{"cache-key separator", "u$$tenantA", "tenantB"},
		{"wildcard in tenant", "u1", "a*"},
		{"space", "u 1", "tenantA"},
		{"newline", "u1\n", "tenantA"},
		{"quote", `u"1`, "tenantA"},
		{"too long", strings.Repeat("u", 129), "tenantA"},
		{"non-ascii", "юзер", "tenantA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ok, err := e.Allowed(ctx, tt.user, tt.tenant, "orders", rbac.Read); ok || !errors.Is(err, rbac.ErrIDInvalid) {
				t.Fatalf("Allowed = %v, %v; want ErrIDInvalid", ok, err)
			}
			if err := e.Assign(ctx, tt.user, tt.tenant, rbac.Customer); !errors.Is(err, rbac.ErrIDInvalid) {
				t.Fatalf("Assign: %v; want ErrIDInvalid", err)
			}
			if err := e.Revoke(ctx, tt.user, tt.tenant, rbac.Customer); !errors.Is(err, rbac.ErrIDInvalid) {
				t.Fatalf("Revoke: %v; want ErrIDInvalid", err)
			}
		})
	}
}

// vendor_admin is held in "*" only, and then everywhere; nothing else may
// be held in "*".
func TestScope(t *testing.T) {
	e, _ := newEnforcer(t, rbac.Options{})
	ctx := context.Background()
	tests := []struct {
		name   string
		tenant string
		role   rbac.Role
		want   error
	}{
		{"vendor_admin vendor-wide", rbac.VendorWide, rbac.VendorAdmin, nil},
		{"vendor_admin in a tenant", "tenantA", rbac.VendorAdmin, rbac.ErrScopeInvalid},
		{"tenant_admin vendor-wide", rbac.VendorWide, rbac.TenantAdmin, rbac.ErrScopeInvalid},
		{"customer vendor-wide", rbac.VendorWide, rbac.Customer, rbac.ErrScopeInvalid},
		{"unknown role", "tenantA", rbac.Role("root"), rbac.ErrRoleUnknown},
		{"empty role", "tenantA", rbac.Role(""), rbac.ErrRoleUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.Assign(ctx, "u1", tt.tenant, tt.role)
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, tt.want) || errs.KindOf(err) != errs.KindInvalid {
				t.Fatalf("Assign: %v, want %v", err, tt.want)
			}
			if err := e.Revoke(ctx, "u1", tt.tenant, tt.role); !errors.Is(err, tt.want) {
				t.Fatalf("Revoke: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVendorAdminEverywhere(t *testing.T) {
	e, _ := newEnforcer(t, rbac.Options{})
	assign(t, e, "boss", rbac.VendorWide, rbac.VendorAdmin)
	for _, tenant := range []string{"vetpet", "astars", "jetmoney", "never-seen-before", rbac.VendorWide} {
		t.Run(tenant, func(t *testing.T) {
			if got, all := grants(t, e, "boss", tenant), rbac.Vocabulary(); !slices.Equal(got, all) {
				t.Fatalf("vendor_admin holds %d of %d permissions in %s", len(got), len(all), tenant)
			}
			roles, err := e.Roles(context.Background(), "boss", tenant)
			if err != nil || !slices.Equal(roles, []rbac.Role{rbac.VendorAdmin}) {
				t.Fatalf("Roles = %v, %v", roles, err)
			}
		})
	}
}

// A revoke takes effect before Revoke returns, although the decision was
// cached (DEPENDENCIES.md: cached enforcers keep stale allows).
func TestRevokeIsImmediate(t *testing.T) {
	e, _ := newEnforcer(t, rbac.Options{})
	ctx := context.Background()
	for _, tt := range []struct {
		tenant string
		role   rbac.Role
	}{
		{"tenantA", rbac.TenantAdmin},
		{"tenantA", rbac.Support},
		{rbac.VendorWide, rbac.VendorAdmin},
	} {
		t.Run(string(tt.role), func(t *testing.T) {
			user := "r-" + string(tt.role)
			assign(t, e, user, tt.tenant, tt.role)
			for range 3 { // warm the cache
				if !allowed(t, e, user, "tenantA", "orders", rbac.Read) {
					t.Fatal("not allowed after Assign")
				}
			}
			if err := e.Revoke(ctx, user, tt.tenant, tt.role); err != nil {
				t.Fatal(err)
			}
			if allowed(t, e, user, "tenantA", "orders", rbac.Read) {
				t.Fatal("still allowed after Revoke: stale cache")
			}
			if err := e.Revoke(ctx, user, tt.tenant, tt.role); err != nil {
				t.Fatalf("second Revoke: %v", err)
			}
		})
	}
}

// Checks racing a revoke: once Revoke has returned, no check may allow,
// including one whose decision was computed from the old policy just
// before (it must not land in the cache after the invalidation).
func TestRevokeUnderConcurrentChecks(t *testing.T) {
	e, _ := newEnforcer(t, rbac.Options{})
	ctx := context.Background()
	for round := range 20 {
		user := fmt.Sprintf("c%d", round)
		assign(t, e, user, "tenantA", rbac.Support)
		var revoked atomic.Bool
		var stale atomic.Int64
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for range 4 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					after := revoked.Load()
					ok, err := e.Allowed(ctx, user, "tenantA", "support.tickets", rbac.Read)
					if err != nil {
						t.Error(err)
						return
					}
					if after && ok {
						stale.Add(1)
					}
				}
			})
		}
		if err := e.Revoke(ctx, user, "tenantA", rbac.Support); err != nil {
			t.Fatal(err)
		}
		revoked.Store(true)
		for range 200 {
			if allowed(t, e, user, "tenantA", "support.tickets", rbac.Read) {
				stale.Add(1)
			}
		}
		close(stop)
		wg.Wait()
		if n := stale.Load(); n > 0 {
			t.Fatalf("round %d: %d checks allowed after Revoke returned", round, n)
		}
	}
}

func TestCustomerCannotReachStaffObjects(t *testing.T) {
	e, _ := newEnforcer(t, rbac.Options{})
	assign(t, e, "cust", "tenantA", rbac.Customer)
	staffObjects := []string{"staff", "api_keys", "reports", "customers", "consultations.queue",
		"certificates.partner", "promo_codes", "tenants", "products", "plugins"}
	for _, p := range rbac.Vocabulary() {
		if !slices.Contains(staffObjects, p.Object) && p.Action != rbac.Manage {
			continue
		}
		t.Run(p.String(), func(t *testing.T) {
			if allowed(t, e, "cust", "tenantA", p.Object, p.Action) {
				t.Fatalf("customer may %s", p)
			}
		})
	}
}

func TestRoles(t *testing.T) {
	e, _ := newEnforcer(t, rbac.Options{})
	assign(t, e, "multi", "tenantA", rbac.TenantAdmin)
	assign(t, e, "multi", "tenantA", rbac.Customer)
	assign(t, e, "multi", "tenantB", rbac.Specialist)
	assign(t, e, "multi", rbac.VendorWide, rbac.VendorAdmin)
	tests := []struct {
		tenant string
		want   []rbac.Role
	}{
		{"tenantA", []rbac.Role{rbac.Customer, rbac.TenantAdmin, rbac.VendorAdmin}},
		{"tenantB", []rbac.Role{rbac.Specialist, rbac.VendorAdmin}},
		{"tenantC", []rbac.Role{rbac.VendorAdmin}},
		{rbac.VendorWide, []rbac.Role{rbac.VendorAdmin}},
	}
	for _, tt := range tests {
		t.Run(tt.tenant, func(t *testing.T) {
			got, err := e.Roles(context.Background(), "multi", tt.tenant)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("Roles = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestRequire(t *testing.T) {
	e, _ := newEnforcer(t, rbac.Options{})
	ctx := context.Background()
	assign(t, e, "sup", "tenantA", rbac.Support)
	if err := e.Require(ctx, "sup", "tenantA", "certificates", rbac.Read); err != nil {
		t.Fatalf("Require allowed: %v", err)
	}
	err := e.Require(ctx, "sup", "tenantA", "refunds", rbac.Manage)
	if !errors.Is(err, rbac.ErrForbidden) || errs.KindOf(err) != errs.KindForbidden {
		t.Fatalf("Require denied: %v, want ErrForbidden", err)
	}
}

// A typo in a service is a bug to surface, not a silent deny.
func TestUnknownPermissionIsAnError(t *testing.T) {
	e, _ := newEnforcer(t, rbac.Options{})
	for _, p := range []rbac.Permission{{Object: "order", Action: rbac.Read}, {Object: "orders", Action: "delete"}, {Object: "reports", Action: rbac.Write}} {
		t.Run(p.String(), func(t *testing.T) {
			ok, err := e.Allowed(context.Background(), "u1", "tenantA", p.Object, p.Action)
			if ok || errs.KindOf(err) != errs.KindInternal {
				t.Fatalf("Allowed = %v, %v; want an internal error", ok, err)
			}
		})
	}
}

// A node serving some tenants loads only their assignments and vendor-wide
// ones, and says so rather than deny quietly for another tenant.
func TestFilteredNode(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	a := rbacdb.New(d)
	full, err := rbac.New(ctx, a, rbac.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	assign(t, full, "u1", "tenantA", rbac.Support)
	assign(t, full, "u1", "tenantB", rbac.Support)
	assign(t, full, "boss", rbac.VendorWide, rbac.VendorAdmin)

	node, err := rbac.New(ctx, rbacdb.New(d), rbac.Options{Tenants: []string{"tenantA"}})
	if err != nil {
		t.Fatal(err)
	}
	defer node.Close()
	if !allowed(t, node, "u1", "tenantA", "support.tickets", rbac.Read) {
		t.Fatal("served tenant: denied")
	}
	if !allowed(t, node, "boss", "tenantA", "plugins", rbac.Manage) || !allowed(t, node, "boss", rbac.VendorWide, "plugins", rbac.Manage) {
		t.Fatal("vendor-wide assignment not loaded")
	}
	if _, err := node.Allowed(ctx, "u1", "tenantB", "support.tickets", rbac.Read); errs.KindOf(err) != errs.KindInternal {
		t.Fatalf("tenant not served: err = %v, want internal", err)
	}
	if _, err := rbac.New(ctx, a, rbac.Options{Tenants: []string{"a,b"}}); err == nil {
		t.Fatal("an invalid tenant in Options.Tenants was accepted")
	}
}

// Rows the store holds but Assign would refuse are not trusted: a role in
// "*" would otherwise apply in every tenant.
func TestInvalidStoredAssignmentsIgnored(t *testing.T) {
	ctx := context.Background()
	a := rbacdb.New(dbtest.New(t))
	bad := [][]string{
		{"user:x", "role:support", "*"},
		{"user:y", "role:vendor_admin", "tenantA"},
		{"role:customer", "role:tenant_admin", "tenantA"},
		{"user:z", "role:root", "tenantA"},
		{"user:a,b", "role:customer", "tenantA"},
	}
	if err := a.AddPoliciesCtx(ctx, "g", "g", append(bad, []string{"user:ok", "role:support", "tenantA"})); err != nil {
		t.Fatal(err)
	}
	e, err := rbac.New(ctx, a, rbac.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, u := range []string{"x", "y", "z"} {
		if g := grants(t, e, u, "tenantA"); len(g) != 0 {
			t.Errorf("user %s holds %v from an invalid row", u, g)
		}
	}
	if !allowed(t, e, "ok", "tenantA", "support.tickets", rbac.Read) {
		t.Fatal("the valid row was dropped too")
	}
}

func TestPolicyFileRefused(t *testing.T) {
	model, err := configs.FS.ReadFile(rbac.ModelPath)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, policy string
	}{
		{"rule in a tenant domain", "p, role:customer, vetpet, orders, read\n"},
		{"unknown object", "p, role:customer, *, order, read\n"},
		{"unknown action", "p, role:customer, *, orders, delete\n"},
		{"unknown role", "p, role:root, *, orders, read\n"},
		{"user subject", "p, user:1, *, orders, read\n"},
		{"grouping rule", "g, user:1, role:customer, vetpet\n"},
		{"short rule", "p, role:customer, *, orders\n"},
		{"duplicate", "p, role:customer, *, orders, read\np, role:customer, *, orders, read\n"},
		{"empty", "# nothing\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{rbac.ModelPath: {Data: model}, rbac.PolicyPath: {Data: []byte(tt.policy)}}
			if _, err := rbac.New(context.Background(), rbacdb.New(dbtest.New(t)), rbac.Options{FS: fsys}); err == nil {
				t.Fatal("New accepted the policy")
			}
		})
	}
}

// The package's error codes are message ids with a text in every language.
func TestErrorCodesLocalised(t *testing.T) {
	b, err := i18n.New(configs.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []*errs.Error{rbac.ErrRoleUnknown, rbac.ErrForbidden, rbac.ErrIDInvalid, rbac.ErrScopeInvalid} {
		for _, lang := range i18n.Supported() {
			if !b.Has(lang, e.Code) {
				t.Errorf("%s: no text for %s", lang, e.Code)
			}
		}
	}
}
