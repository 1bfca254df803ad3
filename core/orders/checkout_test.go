package orders_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/orders/orderstest"
	"github.com/consult/platform/core/platform/errs"
)

const (
	a = orderstest.TenantA
	b = orderstest.TenantB
)

// fieldCodes returns "field:code" of each field error of err.
func fieldCodes(err error) []string {
	var out []string
	for _, f := range errs.As(err).Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

// countAll returns the rows of every orders table.
func countAll(t *testing.T, e *orderstest.Env) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range orderstest.Tables {
		out[table] = e.Count(t, table, "")
	}
	return out
}

// Seed 000, ⑥: «Без установки данного чек-бокса оплата невозможна».
func TestPlaceWithoutConsentWritesNothing(t *testing.T) {
	e := orderstest.New(t)
	e.Promo(t, a, orders.PromoInput{Code: "SPRING", Percent: 10, TotalLimit: 5})
	before := countAll(t, e)
	in := orderstest.Checkout("+79991234567")
	in.Consent = false
	in.PromoCode = "spring"
	in.IdempotencyKey = "key-without-consent"
	for _, variant := range []struct {
		name   string
		change func(*orders.PlaceInput)
	}{
		{"everything else valid", func(*orders.PlaceInput) {}},
		{"everything else invalid too", func(in *orders.PlaceInput) { in.FirstName, in.Phone, in.OfferID = "", "nope", "none" }},
	} {
		t.Run(variant.name, func(t *testing.T) {
			in := in
			variant.change(&in)
			_, err := e.Service.Place(orderstest.Ctx(a), in)
			if !errors.Is(err, orders.ErrInvalid) || errs.KindOf(err) != errs.KindInvalid {
				t.Fatalf("err = %v, want orders.invalid (422)", err)
			}
			if got := fieldCodes(err); !slices.Equal(got, []string{"consent:orders.consent_required"}) {
				t.Fatalf("fields = %v", got)
			}
			if after := countAll(t, e); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("rows %v, were %v", after, before)
			}
			if n := e.Count(t, "promo_codes", "used <> 0"); n != 0 {
				t.Fatalf("%d promo codes counted a use", n)
			}
		})
	}
}

func TestPlaceValidation(t *testing.T) {
	e := orderstest.New(t)
	tests := []struct {
		name   string
		change func(*orders.PlaceInput)
		want   []string
	}{
		{"names required", func(in *orders.PlaceInput) { in.FirstName, in.Surname = " ", "" },
			[]string{"first_name:orders.field_required", "surname:orders.field_required"}},
		{"name too long", func(in *orders.PlaceInput) { in.Surname = strings.Repeat("Я", 101) },
			[]string{"surname:orders.too_long"}},
		{"name with a control character", func(in *orders.PlaceInput) { in.FirstName = "Иван\x00" },
			[]string{"first_name:orders.text_invalid"}},
		{"phone required", func(in *orders.PlaceInput) { in.Phone = "" }, []string{"phone:orders.field_required"}},
		{"phone invalid", func(in *orders.PlaceInput) { in.Phone = "12345" }, []string{"phone:orders.phone_invalid"}},
		{"receipt e-mail invalid", func(in *orders.PlaceInput) { in.ReceiptEmail = "ivan@" },
			[]string{"receipt_email:orders.email_invalid"}},
		{"no documents", func(in *orders.PlaceInput) { in.ConsentDocs = nil }, []string{"consent_docs:orders.consent_docs_invalid"}},
		{"document without version", func(in *orders.PlaceInput) { in.ConsentDocs = []orders.DocVersion{{ID: "offer"}} },
			[]string{"consent_docs:orders.consent_docs_invalid"}},
		{"documents without the offer's", func(in *orders.PlaceInput) {
			in.ConsentDocs = []orders.DocVersion{{ID: "privacy", Version: "2026-01-01"}}
		}, []string{"consent_docs:orders.consent_docs_invalid"}},
		{"package missing", func(in *orders.PlaceInput) { in.PackageCode = "" }, []string{"package:orders.field_required"}},
		{"unknown package", func(in *orders.PlaceInput) { in.PackageCode = "nope" }, []string{"package:orders.package_unknown"}},
		{"unknown offer", func(in *orders.PlaceInput) { in.OfferID = "nope" }, []string{"package:orders.package_unknown"}},
		{"package priced per certificate", func(in *orders.PlaceInput) { in.PackageCode = orderstest.PackageCert },
			[]string{"package:orders.package_not_for_sale"}},
		{"idempotency key invalid", func(in *orders.PlaceInput) { in.IdempotencyKey = "short" },
			[]string{"idempotency_key:orders.idempotency_key_invalid"}},
		{"several at once", func(in *orders.PlaceInput) { in.FirstName, in.Phone, in.ReceiptEmail = "", "x", "y" },
			[]string{"first_name:orders.field_required", "phone:orders.phone_invalid", "receipt_email:orders.email_invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := orderstest.Checkout("+79991234567")
			tt.change(&in)
			_, err := e.Service.Place(orderstest.Ctx(a), in)
			if errs.KindOf(err) != errs.KindInvalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			if got := fieldCodes(err); !slices.Equal(got, tt.want) {
				t.Fatalf("fields = %v, want %v", got, tt.want)
			}
		})
	}
	if n := e.Count(t, "orders", ""); n != 0 {
		t.Fatalf("%d orders written", n)
	}
}

func TestPlace(t *testing.T) {
	e := orderstest.New(t)
	in := orderstest.Checkout("8 (999) 123-45-67")
	in.FirstName, in.Surname = "  Анна ", " Иванова"
	in.ReceiptEmail = "Anna@Example.RU"
	o := e.Place(t, a, in)

	want := orders.Order{
		ID: o.ID, Number: o.Number, OfferID: orderstest.OfferRetail, PackageCode: orderstest.PackageDiet,
		PackageTitle: "Онлайн-консультация диетолога", Package: o.Package, ListPrice: orderstest.PriceDiet, Total: orderstest.PriceDiet,
		Currency: "RUB", FirstName: "Анна", Surname: "Иванова", Phone: "+79991234567", ReceiptEmail: "Anna@example.ru",
		ConsentAt: orderstest.Start, ConsentDocs: orderstest.Docs, Status: orders.StatusCreated, RequestHash: o.RequestHash,
		CreatedAt: orderstest.Start, UpdatedAt: orderstest.Start,
	}
	if !reflect.DeepEqual(o, want) {
		t.Fatalf("order\n%+v\nwant\n%+v", o, want)
	}
	// The package as sold, for the certificate.
	if p := o.Package; p.Code != orderstest.PackageDiet || p.Term.Months != 1 || p.Quotas["diet_selection"] != 1 ||
		p.Price == nil || *p.Price != orderstest.PriceDiet || p.Title != o.PackageTitle {
		t.Fatalf("package %+v", p)
	}
	// The date part is the day in Moscow: 14:00 on 15 January 2026.
	if !strings.HasPrefix(o.Number, "260115-") || len(o.Number) != len("260115-123456") {
		t.Fatalf("number %q", o.Number)
	}
	stored, err := e.Service.Order(orderstest.Ctx(a), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(stored, o) {
		t.Fatalf("stored\n%+v\nplaced\n%+v", stored, o)
	}
	events, err := e.Service.Events(orderstest.Ctx(a), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Event != orders.EventPlaced || events[0].From != "" || events[0].To != orders.StatusCreated {
		t.Fatalf("events %+v", events)
	}
	t.Run("a signed-in customer's order", func(t *testing.T) {
		if _, err := e.DB.NewRaw(`INSERT INTO users (tenant_id, id, kind, locale, created_at, updated_at)
			VALUES (?, 'user-1', 'customer', 'ru', ?, ?)`, a, orderstest.Start, orderstest.Start).Exec(t.Context()); err != nil {
			t.Fatal(err)
		}
		in := orderstest.Checkout("+79991234569")
		in.UserID = "user-1"
		if o := e.Place(t, a, in); o.UserID != "user-1" {
			t.Fatalf("user %q", o.UserID)
		}
		// The user is tenant a's: tenant b cannot point an order at it.
		if _, err := e.Service.Place(orderstest.Ctx(b), in); err == nil {
			t.Fatal("tenant b placed an order for tenant a's user")
		}
	})
	t.Run("the order number is read in the tenant's zone", func(t *testing.T) {
		e.Clock.Set(time.Date(2026, 1, 15, 21, 30, 0, 0, time.UTC)) // 00:30 on the 16th in Moscow
		if o := e.Place(t, a, orderstest.Checkout("+79991234568")); !strings.HasPrefix(o.Number, "260116-") {
			t.Fatalf("number %q", o.Number)
		}
	})
}

func TestPlaceIsIdempotent(t *testing.T) {
	e := orderstest.New(t)
	in := orderstest.Checkout("+79991234567")
	in.IdempotencyKey = "0b9f7e1e-6f0c-4c59-9d6e-2a2f7c1f0a11"
	first := e.Place(t, a, in)

	t.Run("the same request returns the same order", func(t *testing.T) {
		again := in
		again.Phone = "8 999 123 45 67" // the same number, typed otherwise
		if o := e.Place(t, a, again); o.ID != first.ID {
			t.Fatalf("second order %s, first %s", o.ID, first.ID)
		}
	})
	t.Run("the same key with another body is refused", func(t *testing.T) {
		other := in
		other.PackageCode = orderstest.PackageHappy
		if _, err := e.Service.Place(orderstest.Ctx(a), other); !errors.Is(err, orders.ErrIdempotencyConflict) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("the key is per tenant", func(t *testing.T) {
		if o := e.Place(t, b, in); o.ID == first.ID {
			t.Fatal("tenant b got tenant a's order")
		}
	})
	t.Run("parallel requests with one key make one order", func(t *testing.T) {
		in := in
		in.IdempotencyKey = "parallel-key-0001"
		var (
			wg  sync.WaitGroup
			mu  sync.Mutex
			ids = map[string]int{}
		)
		for range 20 {
			wg.Go(func() {
				o, err := e.Service.Place(orderstest.Ctx(a), in)
				if err != nil {
					t.Errorf("place: %v", err)
					return
				}
				mu.Lock()
				ids[o.ID]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if len(ids) != 1 {
			t.Fatalf("orders %v", ids)
		}
		if n := e.Count(t, "orders", "tenant_id = ? AND idempotency_key = ?", a, in.IdempotencyKey); n != 1 {
			t.Fatalf("%d rows", n)
		}
	})
	if n := e.Count(t, "orders", "tenant_id = ?", a); n != 2 {
		t.Fatalf("tenant a has %d orders, want 2", n)
	}
}

func TestPlaceWithPromo(t *testing.T) {
	e := orderstest.New(t)
	p := e.Promo(t, a, orders.PromoInput{Code: "Spring-26", Percent: 10, PerCustomerLimit: 1})

	in := orderstest.Checkout("+79991234567")
	in.PromoCode = " spring-26 " // codes are case-insensitive
	o := e.Place(t, a, in)
	if o.ListPrice != 54900 || o.Discount != 5490 || o.Total != 49410 || o.PromoID != p.ID || o.PromoCode != "Spring-26" {
		t.Fatalf("order %+v", o)
	}
	if n := e.Count(t, "promo_codes", "id = ? AND used = 1", p.ID); n != 1 {
		t.Fatal("the use was not counted")
	}
	t.Run("the customer's limit", func(t *testing.T) {
		in := in
		in.Phone = "8 999 123-45-67" // the same customer
		_, err := e.Service.Place(orderstest.Ctx(a), in)
		if !errors.Is(err, orders.ErrPromoCustomerLimit) {
			t.Fatalf("err = %v", err)
		}
		if got := fieldCodes(err); !slices.Equal(got, []string{"promo_code:" + orders.RefusalCustomerLimit}) {
			t.Fatalf("fields %v", got)
		}
		if data := errs.As(err).Data; data["Limit"] != 1 {
			t.Fatalf("data %v", data)
		}
	})
	t.Run("another customer", func(t *testing.T) {
		e.Place(t, a, func() orders.PlaceInput { in := in; in.Phone = "+79991234599"; return in }())
	})
	t.Run("unknown code", func(t *testing.T) {
		in := in
		in.PromoCode = "NOSUCH"
		if _, err := e.Service.Place(orderstest.Ctx(a), in); !errors.Is(err, orders.ErrPromoUnknown) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("what cannot be a code is unknown, not dropped", func(t *testing.T) {
		in := in
		in.PromoCode = "x"
		if _, err := e.Service.Place(orderstest.Ctx(a), in); !errors.Is(err, orders.ErrPromoUnknown) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("another tenant's code is unknown", func(t *testing.T) {
		in := in
		in.Phone = "+79991234598"
		if _, err := e.Service.Place(orderstest.Ctx(b), in); !errors.Is(err, orders.ErrPromoUnknown) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a refused code places nothing", func(t *testing.T) {
		e.Promo(t, a, orders.PromoInput{Code: "OLD", Percent: 5, ValidUntil: "2026-01-14"})
		before := countAll(t, e)
		in := in
		in.Phone, in.PromoCode = "+79991234597", "old"
		_, err := e.Service.Place(orderstest.Ctx(a), in)
		if !errors.Is(err, orders.ErrPromoExpired) || errs.As(err).Data["Until"] != "14.01.2026" {
			t.Fatalf("err = %v", err)
		}
		if after := countAll(t, e); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("rows %v, were %v", after, before)
		}
	})
	t.Run("a disabled code is unknown", func(t *testing.T) {
		if _, err := e.Service.DisablePromo(orderstest.Ctx(a), p.ID); err != nil {
			t.Fatal(err)
		}
		in := in
		in.Phone = "+79991234596"
		if _, err := e.Service.Place(orderstest.Ctx(a), in); !errors.Is(err, orders.ErrPromoUnknown) {
			t.Fatalf("err = %v", err)
		}
	})
}

// SECURITY.md 18: 20 orders race for a promo with 5 uses left; exactly 5
// get it, and the counter never passes the limit.
func TestPromoTotalLimitUnderConcurrency(t *testing.T) {
	e := orderstest.New(t)
	p := e.Promo(t, a, orders.PromoInput{Code: "RACE", Amount: 10000, TotalLimit: 7})
	for i := range 2 { // two uses taken already: 5 left
		in := orderstest.Checkout(orderstest.Phone(900 + i))
		in.PromoCode = "race"
		e.Place(t, a, in)
	}
	var (
		wg                sync.WaitGroup
		mu                sync.Mutex
		placed, exhausted int
		unexpected        []error
	)
	for i := range 20 {
		wg.Go(func() {
			in := orderstest.Checkout(orderstest.Phone(i))
			in.PromoCode = "RACE"
			in.IdempotencyKey = fmt.Sprintf("race-key-%04d", i)
			_, err := e.Service.Place(orderstest.Ctx(a), in)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				placed++
			case errors.Is(err, orders.ErrPromoExhausted):
				exhausted++
			default:
				unexpected = append(unexpected, err)
			}
		})
	}
	wg.Wait()
	if len(unexpected) > 0 || placed != 5 || exhausted != 15 {
		t.Fatalf("placed %d, exhausted %d, other errors %v", placed, exhausted, unexpected)
	}
	if n := e.Count(t, "promo_codes", "id = ? AND used = 7", p.ID); n != 1 {
		t.Fatal("the counter is not at the limit")
	}
	if n := e.Count(t, "promo_usages", "promo_id = ? AND released_at IS NULL", p.ID); n != 7 {
		t.Fatalf("%d uses recorded", n)
	}
	if n := e.Count(t, "orders", "promo_id = ?", p.ID); n != 7 {
		t.Fatalf("%d orders with the promo", n)
	}
}

// One customer sending ten orders at once gets a once-per-customer code
// once.
func TestPromoCustomerLimitUnderConcurrency(t *testing.T) {
	e := orderstest.New(t)
	p := e.Promo(t, a, orders.PromoInput{Code: "ONCE", Percent: 50, PerCustomerLimit: 1})
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		placed int
	)
	for i := range 10 {
		wg.Go(func() {
			in := orderstest.Checkout("+79991234567")
			in.PromoCode = "once"
			in.IdempotencyKey = fmt.Sprintf("once-key-%04d", i)
			_, err := e.Service.Place(orderstest.Ctx(a), in)
			if err != nil && !errors.Is(err, orders.ErrPromoCustomerLimit) {
				t.Errorf("place: %v", err)
			}
			if err == nil {
				mu.Lock()
				placed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if placed != 1 || e.Count(t, "promo_usages", "promo_id = ?", p.ID) != 1 {
		t.Fatalf("placed %d", placed)
	}
}

func TestQuote(t *testing.T) {
	e := orderstest.New(t)
	e.Promo(t, a, orders.PromoInput{Code: "MARCH", Percent: 20, ValidFrom: "2026-03-01", ValidUntil: "2026-03-31", PerCustomerLimit: 1})
	e.Promo(t, a, orders.PromoInput{Code: "DIETONLY", Amount: 5000,
		Targets: []orders.PromoTarget{{OfferID: orderstest.OfferRetail, PackageCode: orderstest.PackageDiet}}})
	ctx := orderstest.Ctx(a)
	quote := func(t *testing.T, in orders.QuoteInput) orders.Quote {
		t.Helper()
		if in.OfferID == "" {
			in.OfferID, in.PackageCode = orderstest.OfferRetail, orderstest.PackageDiet
		}
		q, err := e.Service.Quote(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}

	// The clock reads UTC; the dates are Moscow's (UTC+3).
	tests := []struct {
		name     string
		at       time.Time
		in       orders.QuoteInput
		refusal  string
		discount int64
	}{
		{"no promo", orderstest.Start, orders.QuoteInput{}, "", 0},
		{"unknown code", orderstest.Start, orders.QuoteInput{PromoCode: "NOPE"}, orders.RefusalUnknown, 0},
		{"28 Feb 23:59:59 Moscow", time.Date(2026, 2, 28, 20, 59, 59, 0, time.UTC), orders.QuoteInput{PromoCode: "march"}, orders.RefusalNotStarted, 0},
		{"1 Mar 00:00 Moscow, still 28 Feb in UTC", time.Date(2026, 2, 28, 21, 0, 0, 0, time.UTC), orders.QuoteInput{PromoCode: "march"}, "", 10980},
		{"31 Mar 23:59:59 Moscow", time.Date(2026, 3, 31, 20, 59, 59, 0, time.UTC), orders.QuoteInput{PromoCode: "march"}, "", 10980},
		{"1 Apr 00:00 Moscow, still 31 Mar in UTC", time.Date(2026, 3, 31, 21, 0, 0, 0, time.UTC), orders.QuoteInput{PromoCode: "march"}, orders.RefusalExpired, 0},
		{"for the package", orderstest.Start, orders.QuoteInput{PromoCode: "dietonly"}, "", 5000},
		{"for another package", orderstest.Start, orders.QuoteInput{OfferID: orderstest.OfferRetail, PackageCode: orderstest.PackageHappy, PromoCode: "dietonly"},
			orders.RefusalNotApplicable, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.Clock.Set(tt.at)
			q := quote(t, tt.in)
			if q.Refusal != tt.refusal || q.Discount != tt.discount || q.Total != q.List-q.Discount {
				t.Fatalf("quote %+v; want refusal %q, discount %d", q, tt.refusal, tt.discount)
			}
		})
	}
	t.Run("the customer's limit shows when the phone is given", func(t *testing.T) {
		e.Clock.Set(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
		in := orderstest.Checkout("+79991234567")
		in.PromoCode = "MARCH"
		e.Place(t, a, in)
		if q := quote(t, orders.QuoteInput{PromoCode: "march", Phone: "8 999 123 45 67"}); q.Refusal != orders.RefusalCustomerLimit {
			t.Fatalf("quote %+v", q)
		}
		if q := quote(t, orders.QuoteInput{PromoCode: "march", Phone: "+79990000000"}); q.Refusal != "" {
			t.Fatalf("quote %+v", q)
		}
		if q := quote(t, orders.QuoteInput{PromoCode: "march"}); q.Refusal != "" {
			t.Fatalf("quote %+v", q)
		}
	})
	t.Run("package errors fail the quote", func(t *testing.T) {
		for code, want := range map[string]error{orderstest.PackageCert: orders.ErrPackageNotForSale, "nope": orders.ErrInvalid} {
			_, err := e.Service.Quote(ctx, orders.QuoteInput{OfferID: orderstest.OfferRetail, PackageCode: code})
			if !errors.Is(err, want) {
				t.Errorf("%s: err = %v, want %v", code, err, want)
			}
		}
	})
}

func TestTenantMissing(t *testing.T) {
	e := orderstest.New(t)
	ctx := t.Context()
	for name, call := range map[string]func() error{
		"Quote":              func() error { _, err := e.Service.Quote(ctx, orders.QuoteInput{}); return err },
		"Place":              func() error { _, err := e.Service.Place(ctx, orderstest.Checkout("+79991234567")); return err },
		"Order":              func() error { _, err := e.Service.Order(ctx, "x"); return err },
		"Events":             func() error { _, err := e.Service.Events(ctx, "x"); return err },
		"StartPayment":       func() error { _, err := e.Service.StartPayment(ctx, "x", ""); return err },
		"HandleNotification": func() error { _, err := e.Service.HandleNotification(ctx, "sandbox", "x"); return err },
		"Reconcile":          func() error { _, err := e.Service.Reconcile(ctx, "x"); return err },
		"ExpireStale":        func() error { _, err := e.Service.ExpireStale(ctx); return err },
		"CreatePromo":        func() error { _, err := e.Service.CreatePromo(ctx, orders.PromoInput{}); return err },
		"Promos":             func() error { _, err := e.Service.Promos(ctx); return err },
		"DisablePromo":       func() error { _, err := e.Service.DisablePromo(ctx, "x"); return err },
	} {
		if err := call(); !errors.Is(err, errs.ErrTenantMissing) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
