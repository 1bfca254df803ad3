package subjects_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/core/subjects"
	"github.com/consult/platform/core/subjects/subjectsdb"
	"github.com/consult/platform/plugins/host"
	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/products"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

// t0 is the business instant of the tests: 2026-01-15 14:00 Moscow.
var t0 = time.Date(2026, 1, 15, 11, 0, 0, 0, time.UTC)

// newDB returns a migrated database holding the tenants alpha and beta:
// subjects has a foreign key to tenants.
func newDB(tb testing.TB) *db.DB {
	tb.Helper()
	d := dbtest.New(tb)
	mk := func(id string) tenants.Tenant {
		return tenants.Tenant{
			ID: id, Kind: tenants.KindVendor, Name: tenants.Text{"ru": id, "en": id},
			Timezone: "Europe/Moscow", DefaultLocale: "ru", PhoneRegion: "RU", Products: []string{"vetpet", "astars"},
		}
	}
	in := tenantsdb.Input{
		Tenants: []tenants.Tenant{mk("alpha"), mk("beta")},
		File:    func(string, string) ([]byte, error) { return nil, errors.New("no files") },
		Source:  "test",
	}
	if _, err := tenantsdb.Sync(context.Background(), d, in, t0); err != nil {
		tb.Fatal(err)
	}
	return d
}

// builtinSpecs serves the built-in products' specs, as host.Manager does
// from its cache.
type builtinSpecs struct{}

func (builtinSpecs) Spec(product string) (sdk.Spec, bool) { return products.Spec(product) }

// realProducts returns the real built-in products in-process.
func realProducts(product string) (subjects.Validator, error) {
	p, ok := products.Builtin()[product]
	if !ok {
		return nil, host.ErrUnknownProduct
	}
	return p, nil
}

type env struct {
	svc   *subjects.Service
	store *subjectsdb.Store
	clock *clock.Fake
	alpha context.Context
	beta  context.Context
}

func newEnv(tb testing.TB, validators func(string) (subjects.Validator, error)) env {
	tb.Helper()
	if validators == nil {
		validators = realProducts
	}
	c := clock.NewFake(t0)
	store := subjectsdb.NewStore(newDB(tb))
	return env{
		svc:   subjects.NewService(store, builtinSpecs{}, validators, c),
		store: store,
		clock: c,
		alpha: tenancy.With(context.Background(), "alpha"),
		beta:  tenancy.With(context.Background(), "beta"),
	}
}

func call(tenant string) sdk.Call { return sdk.Call{Tenant: tenant, Locale: "ru", Now: t0} }

// pet is a valid VetPet pet; edit changes one thing.
func pet(edit func(map[string]any)) map[string]any {
	p := map[string]any{
		"species": "dog", "breed": "labrador", "name": "Рекс", "sex": "male",
		"birth_date": "2020-05-01", "weight_kg": 32.5,
	}
	if edit != nil {
		edit(p)
	}
	return p
}

// fieldCodes returns the field → code pairs of an Invalid error.
func fieldCodes(err error) map[string]string {
	out := map[string]string{}
	for _, f := range errs.As(err).Fields {
		out[f.Field] = f.Code
	}
	return out
}

func TestCreateListGetUpdateDelete(t *testing.T) {
	e := newEnv(t, nil)
	ctx := e.alpha

	rex, err := e.svc.Create(ctx, "u1", "vetpet", "pet", pet(nil), call("alpha"))
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute + 123456789) // a wall clock's nanoseconds
	murka, err := e.svc.Create(ctx, "u1", "vetpet", "pet",
		map[string]any{"species": "cat", "breed": "abyssinian", "name": "  Мурка ", "sex": "", "weight_kg": "4,5"}, call(""))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("created", func(t *testing.T) {
		if rex.ID == "" || rex.TenantID != "alpha" || rex.OwnerID != "u1" || rex.Product != "vetpet" || rex.Kind != "pet" ||
			rex.Label != "Рекс" || !rex.CreatedAt.Equal(t0) || !rex.UpdatedAt.Equal(t0) {
			t.Fatalf("created %+v", rex)
		}
	})
	t.Run("fields are normalised", func(t *testing.T) {
		want := map[string]any{"species": "cat", "breed": "abyssinian", "name": "Мурка", "weight_kg": 4.5}
		if fmt.Sprint(murka.Fields) != fmt.Sprint(want) || murka.Label != "Мурка" {
			t.Fatalf("fields %v label %q, want %v", murka.Fields, murka.Label, want)
		}
	})
	t.Run("list newest first", func(t *testing.T) {
		list, err := e.svc.List(ctx, "u1")
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != murka.ID || list[1].ID != rex.ID {
			t.Fatalf("list %+v", list)
		}
		if fmt.Sprint(list[1].Fields) != fmt.Sprint(rex.Fields) || !list[1].CreatedAt.Equal(t0) {
			t.Fatalf("stored %+v, created %+v", list[1], rex)
		}
	})
	t.Run("get", func(t *testing.T) {
		got, err := e.svc.Get(ctx, "u1", rex.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(rex) {
			t.Fatalf("got %+v\nwant %+v", got, rex)
		}
	})
	t.Run("get returns what create returned, to the microsecond", func(t *testing.T) {
		got, err := e.svc.Get(ctx, "u1", murka.ID)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(murka) || !got.CreatedAt.Equal(t0.Add(time.Minute+123456000)) {
			t.Fatalf("got %+v, %v\nwant %+v", got, err, murka)
		}
	})
	t.Run("update replaces every field", func(t *testing.T) {
		e.clock.Advance(time.Hour)
		got, err := e.svc.Update(ctx, "u1", rex.ID, map[string]any{"species": "dog", "breed": "beagle", "name": "Рекс II"}, call("alpha"))
		if err != nil {
			t.Fatal(err)
		}
		stored, err := e.svc.Get(ctx, "u1", rex.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]any{"species": "dog", "breed": "beagle", "name": "Рекс II"}
		if fmt.Sprint(stored.Fields) != fmt.Sprint(want) || stored.Label != "Рекс II" ||
			!stored.CreatedAt.Equal(t0) || !stored.UpdatedAt.Equal(t0.Add(time.Hour+time.Minute+123456000)) ||
			fmt.Sprint(got) != fmt.Sprint(stored) {
			t.Fatalf("stored %+v, returned %+v", stored, got)
		}
	})
	t.Run("invalid update changes nothing", func(t *testing.T) {
		_, err := e.svc.Update(ctx, "u1", rex.ID, map[string]any{"species": "cat", "breed": "beagle", "name": "Рекс"}, call("alpha"))
		if fieldCodes(err)["breed"] != "subjects.option_unknown" {
			t.Fatalf("err %v", err)
		}
		stored, _ := e.svc.Get(ctx, "u1", rex.ID)
		if stored.Fields["breed"] != "beagle" {
			t.Fatalf("stored %+v", stored)
		}
	})
	t.Run("delete", func(t *testing.T) {
		if err := e.svc.Delete(ctx, "u1", rex.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Get(ctx, "u1", rex.ID); !errors.Is(err, subjects.ErrNotFound) {
			t.Fatalf("get after delete: %v", err)
		}
		if err := e.svc.Delete(ctx, "u1", rex.ID); !errors.Is(err, subjects.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		list, _ := e.svc.List(ctx, "u1")
		if len(list) != 1 || list[0].ID != murka.ID {
			t.Fatalf("list %+v", list)
		}
	})
}

// TestValidation runs the real VetPet and Astars products in-process.
func TestValidation(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct {
		name    string
		product string
		kind    string
		fields  map[string]any
		code    string            // "" when accepted
		want    map[string]string // field → code
		data    map[string]any    // template data of the first field error
	}{
		{name: "good pet", product: "vetpet", kind: "pet", fields: pet(nil)},
		{name: "only species and name", product: "vetpet", kind: "pet", fields: map[string]any{"species": "fish", "name": "Немо"}},
		{name: "good person", product: "astars", kind: "person",
			fields: map[string]any{"name": "Анна", "birth_date": "1990-03-08", "birth_time": "07:30",
				"birth_place": map[string]any{"name": " Казань ", "lat": 55.79, "lon": "49,12"}}},
		{name: "unknown species", product: "vetpet", kind: "pet", fields: pet(func(p map[string]any) { p["species"] = "dragon" }),
			code: "subjects.invalid", want: map[string]string{"species": "subjects.option_unknown"}},
		{name: "dog breed for a cat", product: "vetpet", kind: "pet",
			fields: pet(func(p map[string]any) { p["species"] = "cat"; p["breed"] = "labrador" }),
			code:   "subjects.invalid", want: map[string]string{"breed": "subjects.option_unknown"}},
		{name: "weight 0", product: "vetpet", kind: "pet", fields: pet(func(p map[string]any) { p["weight_kg"] = 0.0 }),
			code: "subjects.invalid", want: map[string]string{"weight_kg": "subjects.number_too_small"},
			data: map[string]any{"Min": "0.01"}},
		{name: "future birth date", product: "vetpet", kind: "pet",
			fields: pet(func(p map[string]any) { p["birth_date"] = t0.AddDate(0, 0, 2).Format(time.DateOnly) }),
			code:   "subjects.invalid", want: map[string]string{"birth_date": "subjects.date_in_future"}},
		{name: "missing name", product: "vetpet", kind: "pet", fields: pet(func(p map[string]any) { delete(p, "name") }),
			code: "subjects.invalid", want: map[string]string{"name": "subjects.field_required"}},
		{name: "blank name", product: "vetpet", kind: "pet", fields: pet(func(p map[string]any) { p["name"] = "   " }),
			code: "subjects.invalid", want: map[string]string{"name": "subjects.field_required"}},
		{name: "several problems at once", product: "vetpet", kind: "pet",
			fields: pet(func(p map[string]any) { delete(p, "name"); p["weight_kg"] = 151.0 }),
			code:   "subjects.invalid", want: map[string]string{"name": "subjects.field_required", "weight_kg": "subjects.number_too_large"}},
		{name: "unknown field refused", product: "vetpet", kind: "pet", fields: pet(func(p map[string]any) { p["owner_id"] = "u2" }),
			code: "subjects.invalid", want: map[string]string{"owner_id": "subjects.field_unknown"}},
		{name: "no fields", product: "vetpet", kind: "pet", fields: nil,
			code: "subjects.invalid", want: map[string]string{"species": "subjects.field_required", "name": "subjects.field_required"}},
		{name: "unknown kind", product: "vetpet", kind: "person", fields: pet(nil),
			code: "subjects.kind_unknown", want: map[string]string{"kind": "subjects.kind_unknown"}},
		{name: "unknown product", product: "nope", kind: "pet", fields: pet(nil), code: "products.not_found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.svc.Create(e.alpha, "validation", tc.product, tc.kind, tc.fields, call("alpha"))
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v %v", err, fieldCodes(err))
				}
				if got.Label != tc.fields["name"] {
					t.Fatalf("label %q", got.Label)
				}
				return
			}
			e := errs.As(err)
			if err == nil || e.Code != tc.code {
				t.Fatalf("err %v, want code %s", err, tc.code)
			}
			if tc.code != "products.not_found" && e.Kind != errs.KindInvalid {
				t.Fatalf("kind %v", e.Kind)
			}
			if tc.want != nil && fmt.Sprint(fieldCodes(err)) != fmt.Sprint(tc.want) {
				t.Fatalf("field errors %v, want %v", fieldCodes(err), tc.want)
			}
			if tc.data != nil && fmt.Sprint(e.Fields[0].Data) != fmt.Sprint(tc.data) {
				t.Fatalf("data %v, want %v", e.Fields[0].Data, tc.data)
			}
		})
	}
	t.Run("refused subjects are not stored", func(t *testing.T) {
		list, err := e.svc.List(e.alpha, "validation")
		if err != nil || len(list) != 3 {
			t.Fatalf("stored %d subjects (want the 3 good ones), %v", len(list), err)
		}
		for _, s := range list {
			if s.Product == "astars" && fmt.Sprint(s.Fields["birth_place"]) != fmt.Sprint(map[string]any{"name": "Казань", "lat": 55.79, "lon": 49.12}) {
				t.Fatalf("place stored as %v", s.Fields["birth_place"])
			}
		}
	})
}

// laxValidator accepts anything, as a careless external plugin might.
type laxValidator struct{}

func (laxValidator) ValidateSubject(context.Context, sdk.Call, string, map[string]any) ([]sdk.Violation, error) {
	return nil, nil
}

// downValidator fails every check as a plugin client whose process died.
type downValidator struct{}

func (downValidator) ValidateSubject(context.Context, sdk.Call, string, map[string]any) ([]sdk.Violation, error) {
	return nil, host.ErrUnavailable
}

func TestServiceRefusesUnknownFieldsWhateverThePluginSays(t *testing.T) {
	e := newEnv(t, func(string) (subjects.Validator, error) { return laxValidator{}, nil })
	_, err := e.svc.Create(e.alpha, "u1", "vetpet", "pet", pet(func(p map[string]any) { p["<script>"] = "x"; p["note"] = "y" }), call("alpha"))
	want := map[string]string{"<script>": "subjects.field_unknown", "note": "subjects.field_unknown"}
	if errs.As(err).Code != subjects.CodeInvalid || fmt.Sprint(fieldCodes(err)) != fmt.Sprint(want) {
		t.Fatalf("err %v %v, want %v", err, fieldCodes(err), want)
	}
}

func TestPluginDownPassesThrough(t *testing.T) {
	cases := []struct {
		name       string
		validators func(string) (subjects.Validator, error)
	}{
		{"the call fails", func(string) (subjects.Validator, error) { return downValidator{}, nil }},
		{"no live client", func(string) (subjects.Validator, error) { return nil, host.ErrUnavailable }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, realProducts)
			existing, err := e.svc.Create(e.alpha, "u1", "vetpet", "pet", pet(nil), call("alpha"))
			if err != nil {
				t.Fatal(err)
			}
			down := newEnvOn(e, tc.validators)
			_, err = down.Create(e.alpha, "u1", "vetpet", "pet", pet(nil), call("alpha"))
			if !errors.Is(err, host.ErrUnavailable) || errs.KindOf(err) != errs.KindUnavailable || errs.As(err).Code != "products.unavailable" {
				t.Fatalf("create: %v (kind %v)", err, errs.KindOf(err))
			}
			_, err = down.Update(e.alpha, "u1", existing.ID, pet(nil), call("alpha"))
			if !errors.Is(err, host.ErrUnavailable) {
				t.Fatalf("update: %v", err)
			}
			// Reading and deleting need no plugin.
			if list, err := down.List(e.alpha, "u1"); err != nil || len(list) != 1 {
				t.Fatalf("list while down: %d, %v", len(list), err)
			}
			if err := down.Delete(e.alpha, "u1", existing.ID); err != nil {
				t.Fatalf("delete while down: %v", err)
			}
		})
	}
}

// noSpecs is a host whose plugins never answered their first Describe.
type noSpecs struct{}

func (noSpecs) Spec(string) (sdk.Spec, bool) { return sdk.Spec{}, false }

func TestWithoutAPlugin(t *testing.T) {
	down := func(string) (subjects.Validator, error) { return nil, host.ErrUnavailable }
	cases := []struct {
		name       string
		specs      subjects.Specs
		validators func(string) (subjects.Validator, error)
		kind       string
		want       string
	}{
		// The spec is cached across restarts: a kind that cannot exist is
		// refused as such even while the plugin is down.
		{"unknown kind while the plugin is down", builtinSpecs{}, down, "dragon", "subjects.kind_unknown"},
		{"no spec yet, plugin down", noSpecs{}, down, "pet", "products.unavailable"},
		{"no spec yet, plugin up", noSpecs{}, realProducts, "pet", "products.unavailable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			svc := subjects.NewService(e.store, tc.specs, tc.validators, e.clock)
			_, err := svc.Create(e.alpha, "u1", "vetpet", tc.kind, pet(nil), call(""))
			if errs.As(err).Code != tc.want {
				t.Fatalf("%v, want %s", err, tc.want)
			}
		})
	}
}

// newEnvOn returns a service over e's store with other validators.
func newEnvOn(e env, validators func(string) (subjects.Validator, error)) *subjects.Service {
	return subjects.NewService(e.store, builtinSpecs{}, validators, e.clock)
}

func TestOwnership(t *testing.T) {
	e := newEnv(t, nil)
	a, err := e.svc.Create(e.alpha, "userA", "vetpet", "pet", pet(nil), call("alpha"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		ctx  context.Context
		user string
	}{
		{"another user of the tenant", e.alpha, "userB"},
		{"the same user id in another tenant", e.beta, "userA"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := e.svc.Get(tc.ctx, tc.user, a.ID); !errors.Is(err, subjects.ErrNotFound) || errs.KindOf(err) != errs.KindNotFound {
				t.Errorf("get: %v", err)
			}
			if _, err := e.svc.Update(tc.ctx, tc.user, a.ID, pet(func(p map[string]any) { p["name"] = "Чужой" }), call("")); !errors.Is(err, subjects.ErrNotFound) {
				t.Errorf("update: %v", err)
			}
			if err := e.svc.Delete(tc.ctx, tc.user, a.ID); !errors.Is(err, subjects.ErrNotFound) {
				t.Errorf("delete: %v", err)
			}
			if n, err := e.svc.DeleteAllOf(tc.ctx, tc.user); err != nil || n != 0 {
				t.Errorf("delete all: %d, %v", n, err)
			}
			if list, err := e.svc.List(tc.ctx, tc.user); err != nil || len(list) != 0 {
				t.Errorf("list: %+v, %v", list, err)
			}
		})
	}
	t.Run("the owner's subject is intact", func(t *testing.T) {
		got, err := e.svc.Get(e.alpha, "userA", a.ID)
		if err != nil || got.Label != "Рекс" {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
}

func TestTenantRequired(t *testing.T) {
	e := newEnv(t, func(string) (subjects.Validator, error) {
		t.Error("the plugin was reached without a tenant")
		return laxValidator{}, nil
	})
	ctx := context.Background()
	checks := map[string]error{}
	_, checks["list"] = e.svc.List(ctx, "u1")
	_, checks["get"] = e.svc.Get(ctx, "u1", "x")
	_, checks["create"] = e.svc.Create(ctx, "u1", "vetpet", "pet", pet(nil), call(""))
	_, checks["update"] = e.svc.Update(ctx, "u1", "x", pet(nil), call(""))
	checks["delete"] = e.svc.Delete(ctx, "u1", "x")
	_, checks["delete all"] = e.svc.DeleteAllOf(ctx, "u1")
	for name, err := range checks {
		t.Run(name, func(t *testing.T) {
			if !errors.Is(err, errs.ErrTenantMissing) {
				t.Fatalf("%v", err)
			}
		})
	}
	t.Run("a call for another tenant", func(t *testing.T) {
		_, err := e.svc.Create(e.alpha, "u1", "vetpet", "pet", pet(nil), call("beta"))
		if errs.KindOf(err) != errs.KindInternal {
			t.Fatalf("%v", err)
		}
	})
	t.Run("no owner", func(t *testing.T) {
		_, err := e.svc.Create(e.alpha, "", "vetpet", "pet", pet(nil), call(""))
		if errs.KindOf(err) != errs.KindInternal {
			t.Fatalf("%v", err)
		}
	})
}

func TestLimit(t *testing.T) {
	e := newEnv(t, nil)
	for i := range subjects.MaxPerOwner {
		if _, err := e.svc.Create(e.alpha, "u1", "vetpet", "pet", pet(func(p map[string]any) { p["name"] = fmt.Sprint("Питомец ", i) }), call("")); err != nil {
			t.Fatalf("subject %d: %v", i+1, err)
		}
	}
	t.Run("the next one is refused", func(t *testing.T) {
		_, err := e.svc.Create(e.alpha, "u1", "vetpet", "pet", pet(nil), call(""))
		if !errors.Is(err, subjects.ErrLimitReached) || errs.KindOf(err) != errs.KindConflict ||
			errs.As(err).Data["Max"] != subjects.MaxPerOwner {
			t.Fatalf("%v", err)
		}
	})
	t.Run("others are not limited by it", func(t *testing.T) {
		if _, err := e.svc.Create(e.alpha, "u2", "vetpet", "pet", pet(nil), call("")); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Create(e.beta, "u1", "vetpet", "pet", pet(nil), call("")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("list holds all of them", func(t *testing.T) {
		list, err := e.svc.List(e.alpha, "u1")
		if err != nil || len(list) != subjects.MaxPerOwner || list[0].Label != fmt.Sprint("Питомец ", subjects.MaxPerOwner-1) {
			t.Fatalf("%d subjects, first %q, %v", len(list), list[0].Label, err)
		}
	})
	t.Run("a deleted one frees a place", func(t *testing.T) {
		list, _ := e.svc.List(e.alpha, "u1")
		if err := e.svc.Delete(e.alpha, "u1", list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Create(e.alpha, "u1", "vetpet", "pet", pet(nil), call("")); err != nil {
			t.Fatal(err)
		}
	})
}

// TestLimitRace: creates racing for the owner's last place — exactly one
// wins, on both databases (SECURITY.md 18: guarded writes).
func TestLimitRace(t *testing.T) {
	e := newEnv(t, func(string) (subjects.Validator, error) { return laxValidator{}, nil })
	for i := range subjects.MaxPerOwner - 1 {
		if _, err := e.svc.Create(e.alpha, "u1", "vetpet", "pet", pet(func(p map[string]any) { p["name"] = fmt.Sprint(i) }), call("")); err != nil {
			t.Fatal(err)
		}
	}
	const racers = 16
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		won, hit int
		other    []error
	)
	for range racers {
		wg.Go(func() {
			_, err := e.svc.Create(e.alpha, "u1", "vetpet", "pet", pet(nil), call(""))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, subjects.ErrLimitReached):
				hit++
			default:
				other = append(other, err)
			}
		})
	}
	wg.Wait()
	if won != 1 || hit != racers-1 || len(other) > 0 {
		t.Fatalf("%d won, %d refused at the limit, other errors %v", won, hit, other)
	}
	if list, _ := e.svc.List(e.alpha, "u1"); len(list) != subjects.MaxPerOwner {
		t.Fatalf("%d subjects stored", len(list))
	}
}

func TestDeleteAllOf(t *testing.T) {
	e := newEnv(t, nil)
	for _, owner := range []string{"u1", "u1", "u1", "u2"} {
		if _, err := e.svc.Create(e.alpha, owner, "vetpet", "pet", pet(nil), call("")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.Create(e.beta, "u1", "vetpet", "pet", pet(nil), call("")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		ctx   context.Context
		owner string
		want  int
	}{
		{"the owner's subjects", e.alpha, "u1", 3},
		{"again: nothing left", e.alpha, "u1", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := e.svc.DeleteAllOf(tc.ctx, tc.owner)
			if err != nil || n != tc.want {
				t.Fatalf("deleted %d, %v; want %d", n, err, tc.want)
			}
		})
	}
	t.Run("others keep theirs", func(t *testing.T) {
		if list, err := e.svc.List(e.alpha, "u2"); err != nil || len(list) != 1 {
			t.Fatalf("u2 in alpha: %d, %v", len(list), err)
		}
		if list, err := e.svc.List(e.beta, "u1"); err != nil || len(list) != 1 {
			t.Fatalf("u1 in beta: %d, %v", len(list), err)
		}
	})
}
