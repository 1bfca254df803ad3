// Package orderstest builds the checkout over a fresh, migrated test
// database (dbtest: SQLite, or PostgreSQL when PLATFORM_TEST_PG is set):
// two tenants with a small catalogue synced the way the data files arrive,
// a fake clock, the real message texts, the sandbox test bank wired to the
// service's notifications, and a scriptable fake provider for what a real
// bank might answer.
package orderstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/orders/ordersdb"
	"github.com/consult/platform/core/orders/sandbox"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/i18n"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

// Start is the fake clock's first instant (14:00 in Moscow): whole
// seconds, so times survive the databases' microsecond precision.
var Start = time.Date(2026, 1, 15, 11, 0, 0, 0, time.UTC)

// Tenants the environment creates: two, so isolation is checked both ways.
const (
	TenantA = "alpha"
	TenantB = "beta"
)

// The catalogue every tenant gets.
const (
	OfferRetail = "retail" // document "offer"
	OfferOther  = "other"  // document "offer_other"

	PackageDiet  = "diet"  // 549 ₽
	PackageHappy = "happy" // 499 ₽
	PackageCert  = "cert"  // price per certificate (nil)
	PackageOther = "cheap" // in OfferOther: 150 kopecks

	PriceDiet  int64 = 54900
	PriceHappy int64 = 49900
	PriceOther int64 = 150
)

// Docs are the documents a checkout of OfferRetail accepts.
var Docs = []orders.DocVersion{{ID: "offer", Version: "2026-01-01"}, {ID: "privacy", Version: "2026-01-01"}}

func price(k int64) *int64 { return &k }

// Env is a checkout over a test database.
type Env struct {
	DB      *db.DB
	Store   *ordersdb.Store
	Clock   *clock.Fake
	Texts   *i18n.Bundle
	Sandbox *sandbox.Provider
	Fake    *Fake
	Service *orders.Service
	Logs    *Logs

	// Provider names the provider new payments go to (sandbox by default);
	// set it before calling StartPayment, never concurrently with it.
	Provider string
	// OnPaid, when set, runs inside the hook after it counted the call.
	OnPaid func(ctx context.Context, o orders.Order) error
	paid   atomic.Int64
}

// New returns an environment with TenantA and TenantB.
func New(tb testing.TB) *Env {
	tb.Helper()
	d := dbtest.New(tb)
	Tenants(tb, d, TenantA, TenantB)
	texts, err := i18n.New(configs.FS)
	if err != nil {
		tb.Fatal(err)
	}
	e := &Env{DB: d, Store: ordersdb.New(d), Clock: clock.NewFake(Start), Texts: texts, Logs: &Logs{}, Provider: sandbox.Name}
	e.Sandbox = sandbox.New(d, e.Clock)
	e.Fake = NewFake()
	e.Service = e.NewService(e.Store)
	e.Sandbox.Notify = func(ctx context.Context, provider, id string) error {
		_, err := e.Service.HandleNotification(ctx, provider, id)
		return err
	}
	return e
}

// NewService builds a service over store with the environment's clock,
// catalogue, providers and hooks.
func (e *Env) NewService(store orders.Store) *orders.Service {
	tenantsStore := tenantsdb.NewStore(e.DB)
	return orders.New(store, orders.DefaultConfig(), orders.Deps{
		Clock: e.Clock, Texts: e.Texts,
		Catalog: orders.CatalogFunc(func(ctx context.Context, offerID string) (tenants.Offer, bool, error) {
			offers, err := tenantsStore.Offers(ctx, offerID)
			if err != nil || len(offers) == 0 {
				return tenants.Offer{}, false, err
			}
			return offers[0], true, nil
		}),
		Providers:   []orders.Provider{e.Sandbox, e.Fake},
		ProviderFor: func(string) string { return e.Provider },
		PhoneRegion: func(string) string { return "RU" },
		Zone:        func(string) *time.Location { return clock.Moscow },
		OnPaid: func(ctx context.Context, o orders.Order) error {
			e.paid.Add(1)
			if e.OnPaid != nil {
				return e.OnPaid(ctx, o)
			}
			return nil
		},
		Logger: slog.New(slog.NewJSONHandler(e.Logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
}

// PaidCalls returns how many times the OnPaid hook ran (rolled-back runs
// included).
func (e *Env) PaidCalls() int { return int(e.paid.Load()) }

// Tenants syncs tenants with the test catalogue through tenantsdb.Sync, the
// way the data files arrive.
func Tenants(tb testing.TB, d *db.DB, ids ...string) {
	tb.Helper()
	in := tenantsdb.Input{
		File:     func(string, string) ([]byte, error) { return []byte("x"), nil },
		Products: map[string]json.RawMessage{"vetpet": json.RawMessage(`{"id":"vetpet"}`)},
		Source:   "orderstest",
	}
	for _, id := range ids {
		in.Tenants = append(in.Tenants, tenants.Tenant{
			ID: id, Kind: tenants.KindVendor, Name: tenants.Text{"ru": id, "en": id},
			Timezone: "Europe/Moscow", DefaultLocale: "ru", PhoneRegion: "RU", Products: []string{"vetpet"},
			Sites: []tenants.Site{{
				ID: id, Domains: []string{id + ".example"}, Locale: "ru", Product: "vetpet", Offers: []string{OfferRetail, OfferOther},
				Brand: tenants.Brand{Name: tenants.Text{"ru": id}, Logo: "logo.svg"},
				Documents: []tenants.LegalDoc{
					{ID: "offer", Title: tenants.Text{"ru": "Оферта"}, Version: "2026-01-01", File: "legal/offer.md"},
					{ID: "offer_other", Title: tenants.Text{"ru": "Оферта 2"}, Version: "2026-01-01", File: "legal/offer2.md"},
					{ID: "privacy", Title: tenants.Text{"ru": "Политика"}, Version: "2026-01-01", File: "legal/privacy.md"},
				},
			}},
			Offers: []tenants.Offer{
				{ID: OfferRetail, Title: tenants.Text{"ru": "Консультации"}, Product: "vetpet", ContractType: tenants.ContractRetail,
					Document: "offer", Currency: "RUB", Packages: []tenants.Package{
						{Code: PackageDiet, Title: "Онлайн-консультация диетолога", Term: tenants.Term{Months: 1},
							Quotas: map[string]int{"diet_selection": 1}, Price: price(PriceDiet)},
						{Code: PackageHappy, Title: "Счастливый питомец", Term: tenants.Term{Months: 1},
							Quotas: map[string]int{"vet_consultation": 1}, Price: price(PriceHappy)},
						{Code: PackageCert, Title: "КЕША", Term: tenants.Term{Days: 21},
							Quotas: map[string]int{"vet_consultation": 1}},
					}},
				{ID: OfferOther, Title: tenants.Text{"ru": "Другое"}, Product: "vetpet", ContractType: tenants.ContractRetail,
					Document: "offer_other", Currency: "RUB", Packages: []tenants.Package{
						{Code: PackageOther, Title: "Дёшево", Term: tenants.Term{Days: 1},
							Quotas: map[string]int{"vet_consultation": 1}, Price: price(PriceOther)},
					}},
			},
		})
	}
	if _, err := tenantsdb.Sync(context.Background(), d, in, Start); err != nil {
		tb.Fatal(err)
	}
}

// Ctx returns a context scoped to tenant.
func Ctx(tenant string) context.Context { return tenancy.With(context.Background(), tenant) }

// Checkout returns a valid checkout of PackageDiet by phone.
func Checkout(phone string) orders.PlaceInput {
	return orders.PlaceInput{
		OfferID: OfferRetail, PackageCode: PackageDiet, FirstName: "Иван", Surname: "Петров", Phone: phone,
		Consent: true, ConsentDocs: Docs,
	}
}

// Phone returns a distinct valid Russian mobile number for i.
func Phone(i int) string { return fmt.Sprintf("+7 999 %03d-%02d-%02d", i/10000%1000, i/100%100, i%100) }

// Tables are every table the orders migration creates.
var Tables = []string{"orders", "order_events", "promo_codes", "promo_usages", "sandbox_payments"}

// Count returns the rows of table matching the condition, across tenants,
// read as the owner: a test inspecting the result.
func (e *Env) Count(tb testing.TB, table, where string, args ...any) int {
	tb.Helper()
	q := e.DB.NewSelect().TableExpr(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	n, err := q.Count(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return int(n)
}

// Place places a checkout and fails the test on an error.
func (e *Env) Place(tb testing.TB, tenant string, in orders.PlaceInput) orders.Order {
	tb.Helper()
	o, err := e.Service.Place(Ctx(tenant), in)
	if err != nil {
		tb.Fatalf("place: %v", err)
	}
	return o
}

// Promo creates a promo code and fails the test on an error.
func (e *Env) Promo(tb testing.TB, tenant string, in orders.PromoInput) orders.Promo {
	tb.Helper()
	p, err := e.Service.CreatePromo(Ctx(tenant), in)
	if err != nil {
		tb.Fatalf("create promo: %v", err)
	}
	return p
}

// Logs is a concurrency-safe log sink.
type Logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// Records returns the log records written so far.
func (l *Logs) Records() []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	dec := json.NewDecoder(bytes.NewReader(l.buf.Bytes()))
	for dec.More() {
		var m map[string]any
		if dec.Decode(&m) != nil {
			break
		}
		out = append(out, m)
	}
	return out
}

// Errors returns the messages logged at error level.
func (l *Logs) Errors() []string {
	var out []string
	for _, r := range l.Records() {
		if r["level"] == "ERROR" {
			out = append(out, fmt.Sprint(r["msg"]))
		}
	}
	return out
}

// Fake is a scriptable provider ("fake") that keeps its payments in memory:
// tests set what GetPayment answers and make CreatePayment fail.
type Fake struct {
	mu       sync.Mutex
	payments map[string]orders.Payment
	requests []orders.PaymentRequest
	fails    int
	n        int
}

// FakeName is the fake provider's name.
const FakeName = "fake"

var _ orders.Provider = (*Fake)(nil)

// NewFake returns an empty fake provider.
func NewFake() *Fake { return &Fake{payments: map[string]orders.Payment{}} }

// Name implements orders.Provider.
func (f *Fake) Name() string { return FakeName }

// FailNext makes the next n CreatePayment calls fail.
func (f *Fake) FailNext(n int) {
	f.mu.Lock()
	f.fails = n
	f.mu.Unlock()
}

// CreatePayment implements orders.Provider, idempotently by key.
func (f *Fake) CreatePayment(_ context.Context, req orders.PaymentRequest) (orders.Payment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, req)
	if f.fails > 0 {
		f.fails--
		return orders.Payment{}, fmt.Errorf("fake: connection reset")
	}
	id := "fake-" + req.IdempotenceKey
	if p, ok := f.payments[id]; ok {
		return p, nil
	}
	f.n++
	p := orders.Payment{ProviderPaymentID: id, OrderID: req.OrderID, Amount: req.Amount, Currency: req.Currency,
		ConfirmationURL: "https://bank.example/pay/" + id, Status: orders.PaymentPending}
	f.payments[id] = p
	return p, nil
}

// GetPayment implements orders.Provider.
func (f *Fake) GetPayment(_ context.Context, id string) (orders.Payment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.payments[id]
	if !ok {
		return orders.Payment{}, orders.ErrPaymentUnknown
	}
	return p, nil
}

// Set changes what the bank says about a payment.
func (f *Fake) Set(id string, change func(*orders.Payment)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.payments[id]
	change(&p)
	f.payments[id] = p
}

// Requests returns the CreatePayment requests received, failed ones too.
func (f *Fake) Requests() []orders.PaymentRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]orders.PaymentRequest(nil), f.requests...)
}

// Created returns how many distinct payments the fake created.
func (f *Fake) Created() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}
