package tenantsdb_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

var t0 = time.Date(2026, 1, 15, 11, 0, 0, 0, time.UTC)

func price(k int64) *int64 { return &k }

// fixture returns two tenants, each with one site, one offer and files, so
// that isolation can be checked in both directions.
func fixture() tenantsdb.Input {
	mk := func(id string, pkgs ...tenants.Package) tenants.Tenant {
		return tenants.Tenant{
			ID: id, Kind: tenants.KindVendor, Name: tenants.Text{"ru": id, "en": id},
			Timezone: "Europe/Moscow", DefaultLocale: "ru", PhoneRegion: "RU", Products: []string{"vetpet"},
			Sites: []tenants.Site{{
				ID: id, Domains: []string{id + ".example"}, Locale: "ru", Product: "vetpet", Offers: []string{"retail"},
				Brand:     tenants.Brand{Name: tenants.Text{"ru": id}, Logo: "logo.svg"},
				Documents: []tenants.LegalDoc{{ID: "offer", Title: tenants.Text{"ru": "Оферта"}, Version: "2026-01-01", File: "legal/offer.md"}},
			}},
			Offers: []tenants.Offer{{
				ID: "retail", Title: tenants.Text{"ru": "Услуги"}, Product: "vetpet", ContractType: tenants.ContractRetail,
				Currency: "RUB", Packages: pkgs,
			}},
		}
	}
	a := mk("alpha",
		tenants.Package{Code: "A1", Title: "A 1", Term: tenants.Term{Days: 21}, Quotas: map[string]int{"vet_consultation": 1}, Price: price(54900)},
		tenants.Package{Code: "A2", Title: "A 2", Term: tenants.Term{Months: 1}, Quotas: map[string]int{"diet_selection": 2}},
	)
	b := mk("beta",
		tenants.Package{Code: "B1", Title: "B 1", Term: tenants.Term{Months: 3}, Quotas: map[string]int{"lab_results": 1}, Price: price(49900)},
	)
	return tenantsdb.Input{
		Tenants: []tenants.Tenant{a, b},
		File: func(tenantID, name string) ([]byte, error) {
			return []byte(tenantID + ":" + name), nil
		},
		Products: map[string]json.RawMessage{"vetpet": json.RawMessage(`{"id":"vetpet"}`)},
		Source:   "test",
	}
}

func TestSyncIsIdempotentAndReportsChanges(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	in := fixture()

	first, err := tenantsdb.Sync(ctx, d, in, t0)
	if err != nil {
		t.Fatal(err)
	}
	count := func(rep tenantsdb.Report, action, kind string) int {
		n := 0
		for _, c := range rep.Changes {
			if c.Action == action && c.Kind == kind {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		kind string
		want int
	}{{"product", 1}, {"tenant", 2}, {"site", 2}, {"host", 4}, {"file", 4}, {"offer", 2}, {"package", 3}} {
		t.Run("first/"+tc.kind, func(t *testing.T) {
			if got := count(first, "created", tc.kind); got != tc.want {
				t.Errorf("created %s = %d, want %d\n%s", tc.kind, got, tc.want, first)
			}
		})
	}
	v1, err := tenantsdb.SyncVersion(ctx, d)
	if err != nil || v1 == 0 {
		t.Fatalf("version after first sync = %d, %v", v1, err)
	}

	second, err := tenantsdb.Sync(ctx, d, in, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if second.Changed() {
		t.Fatalf("second sync changed:\n%s", second)
	}
	if v2, _ := tenantsdb.SyncVersion(ctx, d); v2 != v1 {
		t.Fatalf("a sync that changed nothing recorded version %d (was %d)", v2, v1)
	}

	// Change one package, drop another: exactly those two rows change.
	in.Tenants[0].Offers[0].Packages[0].Quotas = map[string]int{"vet_consultation": 2}
	in.Tenants[0].Offers[0].Packages = in.Tenants[0].Offers[0].Packages[:1]
	third, err := tenantsdb.Sync(ctx, d, in, t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []tenantsdb.Change{
		{Kind: "package", Key: "alpha/retail/A1", Action: "updated"},
		{Kind: "package", Key: "alpha/retail/A2", Action: "retired"},
	}
	if fmt.Sprint(third.Changes) != fmt.Sprint(want) {
		t.Fatalf("third sync changes = %v, want %v", third.Changes, want)
	}
	offers, err := tenantsdb.NewStore(d).Offers(tenancy.With(ctx, "alpha"), "retail")
	if err != nil {
		t.Fatal(err)
	}
	if len(offers) != 1 || len(offers[0].Packages) != 1 || offers[0].Packages[0].Quotas["vet_consultation"] != 2 {
		t.Fatalf("offers after update = %+v", offers)
	}

	// The retired package returns when the data has it again.
	in.Tenants[0].Offers[0].Packages = fixture().Tenants[0].Offers[0].Packages
	fourth, err := tenantsdb.Sync(ctx, d, in, t0.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if count(fourth, "updated", "package") != 2 {
		t.Fatalf("fourth sync changes = %v", fourth.Changes)
	}
	offers, err = tenantsdb.NewStore(d).Offers(tenancy.With(ctx, "alpha"), "retail")
	if err != nil || len(offers[0].Packages) != 2 {
		t.Fatalf("offers after restore = %+v, %v", offers, err)
	}
}

func TestSyncFailureWritesNothing(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	in := fixture()
	in.File = func(tenantID, name string) ([]byte, error) {
		if tenantID == "beta" {
			return nil, errors.New("unreadable")
		}
		return []byte("x"), nil
	}
	if _, err := tenantsdb.Sync(ctx, d, in, t0); err == nil {
		t.Fatal("sync with an unreadable file succeeded")
	}
	dir, err := tenantsdb.LoadDirectory(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(dir.Sites()) != 0 || dir.Version != 0 {
		t.Fatalf("a failed sync left %d sites, version %d", len(dir.Sites()), dir.Version)
	}
}

func TestDirectoryResolvesHosts(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	if _, err := tenantsdb.Sync(ctx, d, fixture(), t0); err != nil {
		t.Fatal(err)
	}
	dir, err := tenantsdb.LoadDirectory(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host, tenant string
		ok           bool
	}{
		{"alpha.example", "alpha", true},
		{"ALPHA.example:8080", "alpha", true},
		{"alpha.localhost", "alpha", true},
		{"beta.localhost:8080", "beta", true},
		{"gamma.localhost", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			tenant, site, ok := dir.Resolve(tt.host)
			if ok != tt.ok || tenant.ID != tt.tenant || (ok && site.ID != tt.tenant) {
				t.Fatalf("Resolve(%q) = %q, %q, %v", tt.host, tenant.ID, site.ID, ok)
			}
		})
	}
}

// TestTenantIsolation proves that every store method reads only the
// context's tenant, answers "not found" for another tenant's rows, and
// refuses to run without a tenant.
func TestTenantIsolation(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	if _, err := tenantsdb.Sync(ctx, d, fixture(), t0); err != nil {
		t.Fatal(err)
	}
	s := tenantsdb.NewStore(d)
	alpha := tenancy.With(ctx, "alpha")

	t.Run("own rows are visible", func(t *testing.T) {
		if _, err := s.Site(alpha, "alpha"); err != nil {
			t.Fatal(err)
		}
		offers, err := s.SiteOffers(alpha, "alpha")
		if err != nil || len(offers) != 1 || len(offers[0].Packages) != 2 {
			t.Fatalf("own offers = %+v, %v", offers, err)
		}
		f, err := s.File(alpha, "logo.svg")
		if err != nil || string(f.Content) != "alpha:logo.svg" || f.ContentType != "image/svg+xml" {
			t.Fatalf("own file = %+v, %v", f, err)
		}
	})
	t.Run("foreign site is not found", func(t *testing.T) {
		if _, err := s.Site(alpha, "beta"); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("Site(beta) from alpha: %v", err)
		}
		if _, err := s.SiteOffers(alpha, "beta"); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("SiteOffers(beta) from alpha: %v", err)
		}
	})
	t.Run("same offer id in another tenant yields own packages only", func(t *testing.T) {
		offers, err := s.Offers(alpha, "retail")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range offers[0].Packages {
			if p.Code == "B1" {
				t.Fatal("alpha sees beta's package B1")
			}
		}
	})
	t.Run("foreign file is not found", func(t *testing.T) {
		// Both tenants have logo.svg; alpha must get its own, never beta's.
		f, err := s.File(tenancy.With(ctx, "beta"), "logo.svg")
		if err != nil || string(f.Content) != "beta:logo.svg" {
			t.Fatalf("beta logo = %q, %v", f.Content, err)
		}
		if _, err := s.File(alpha, "missing.svg"); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("missing file: %v", err)
		}
	})
	t.Run("no tenant fails closed", func(t *testing.T) {
		calls := map[string]func() error{
			"Site":       func() error { _, err := s.Site(ctx, "alpha"); return err },
			"SiteOffers": func() error { _, err := s.SiteOffers(ctx, "alpha"); return err },
			"Offers":     func() error { _, err := s.Offers(ctx, "retail"); return err },
			"File":       func() error { _, err := s.File(ctx, "logo.svg"); return err },
		}
		for name, call := range calls {
			if err := call(); !errors.Is(err, errs.ErrTenantMissing) {
				t.Errorf("%s without tenant: %v, want ErrTenantMissing", name, err)
			}
		}
	})
}
