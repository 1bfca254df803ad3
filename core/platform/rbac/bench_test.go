package rbac_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/rbac"
	"github.com/consult/platform/core/platform/rbac/rbacdb"
)

// BenchmarkAllowed measures checks against 100k stored assignments spread
// over 100 tenants (DEPENDENCIES.md measured 17 µs uncached, 0.4 µs cached
// on the bare casbin enforcer), and the time to load them.
//
//	go test -run '^$' -bench Allowed -benchtime 3s ./core/platform/rbac/
func BenchmarkAllowed(b *testing.B) {
	const assignments, tenants = 100_000, 100
	ctx := context.Background()
	a := rbacdb.New(dbtest.New(b))
	rules := make([][]string, 0, assignments)
	for i := range assignments - 10 {
		role := rbac.Customer
		switch {
		case i%50 == 0:
			role = rbac.TenantAdmin
		case i%20 == 0:
			role = rbac.Support
		case i%10 == 0:
			role = rbac.Specialist
		}
		rules = append(rules, []string{fmt.Sprintf("user:u%d", i), "role:" + string(role), fmt.Sprintf("t%d", i%tenants)})
	}
	for i := range 10 {
		rules = append(rules, []string{fmt.Sprintf("user:v%d", i), "role:vendor_admin", rbac.VendorWide})
	}
	if err := a.AddPoliciesCtx(ctx, "g", "g", rules); err != nil {
		b.Fatal(err)
	}
	// A mix of allows and denies across users and tenants.
	type check struct{ user, tenant, object, action string }
	checks := make([]check, 1000)
	for i := range checks {
		u := (i * 97) % (assignments - 10)
		checks[i] = check{fmt.Sprintf("u%d", u), fmt.Sprintf("t%d", (u+i%2)%tenants), []string{"orders", "staff", "support.tickets", "consultations.queue"}[i%4], rbac.Read}
	}

	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			e, err := rbac.New(ctx, a, rbac.Options{})
			if err != nil {
				b.Fatal(err)
			}
			e.Close()
		}
	})
	for _, bc := range []struct {
		name      string
		cacheSize int
	}{{"cached", 0}, {"uncached", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			e, err := rbac.New(ctx, a, rbac.Options{CacheSize: bc.cacheSize})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			allowedN := 0
			for _, c := range checks { // warm the cache, count allows
				if ok, _ := e.Allowed(ctx, c.user, c.tenant, c.object, c.action); ok {
					allowedN++
				}
			}
			if allowedN == 0 || allowedN == len(checks) {
				b.Fatalf("%d of %d checks allowed: want a mix", allowedN, len(checks))
			}
			i := 0
			for b.Loop() {
				c := checks[i%len(checks)]
				if _, err := e.Allowed(ctx, c.user, c.tenant, c.object, c.action); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
