// Package catalogtest builds the catalogue service over a fresh, migrated
// test database (dbtest: SQLite, or PostgreSQL when PLATFORM_TEST_PG is
// set) holding the real tenant data — VetPet, Astars, Jet Money with their
// offers — as `platform sync` applies it, with a fake clock. The tests of
// core/catalog and core/catalog/catalogdb share it.
package catalogtest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/catalog/catalogdb"
	"github.com/consult/platform/core/media/mediadb"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/products"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

// Start is the fake clock's first instant: 1 December 2026, 12:00 Moscow,
// after the demo articles' publication dates.
var Start = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// Env is a catalogue over a test database.
type Env struct {
	DB      *db.DB
	Store   *catalogdb.Store
	Service *catalog.Service
	Clock   *clock.Fake
	// Tenants are the tenant data files, as loaded.
	Tenants *tenants.Registry
}

// Packages of the tenant data that tests refer to (tenants/*/offers).
var (
	VetDiet     = catalog.PackageRef{OfferID: "retail", Code: "diet_consultation"} // seed 000, fig. 3: 549 ₽
	VetHappyPet = catalog.PackageRef{OfferID: "retail", Code: "happy_pet"}
	AstarsChart = catalog.PackageRef{OfferID: "retail", Code: "natal_chart_full"} // seed 002, fig. 3
)

// New returns a catalogue over a fresh database with the tenant data
// synced.
func New(tb testing.TB) *Env {
	tb.Helper()
	d := dbtest.New(tb)
	reg, err := tenants.Load(tenants.Files(), products.ServiceKinds)
	if err != nil {
		tb.Fatal(err)
	}
	specs := map[string]json.RawMessage{}
	for _, name := range products.Names() {
		spec, _ := products.Spec(name)
		if specs[name], err = json.Marshal(spec); err != nil {
			tb.Fatal(err)
		}
	}
	in := tenantsdb.Input{Tenants: reg.Tenants(), File: reg.File, Products: specs, Source: "test"}
	if _, err := tenantsdb.Sync(context.Background(), d, in, Start); err != nil {
		tb.Fatal(err)
	}
	clk := clock.NewFake(Start)
	store := catalogdb.New(d)
	svc := catalog.New(store, catalog.Deps{Offers: tenantsdb.NewStore(d), Images: mediadb.NewStore(d), Clock: clk})
	return &Env{DB: d, Store: store, Service: svc, Clock: clk, Tenants: reg}
}

// Ctx returns a context scoped to tenant.
func Ctx(tenant string) context.Context { return tenancy.With(context.Background(), tenant) }

// Site returns the first site of tenant from the data files.
func (e *Env) Site(tb testing.TB, tenant string) tenants.Site {
	tb.Helper()
	t, ok := e.Tenants.Tenant(tenant)
	if !ok || len(t.Sites) == 0 {
		tb.Fatalf("no tenant %s with a site", tenant)
	}
	return t.Sites[0]
}
