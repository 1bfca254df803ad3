// Package certificatestest builds the certificates service over a fresh,
// migrated test database (dbtest: SQLite, or PostgreSQL when
// PLATFORM_TEST_PG is set) with two tenants that sell a small offer, a
// fake clock and the real message texts, for
// the tests of core/certificates and of the layers built on it
// (consultations reserve and write off units).
package certificatestest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/auth/authdb"
	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/certificates/certificatesdb"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/i18n"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

// Start is the fake clock's first instant, 15 January 2026 14:00 Moscow:
// whole seconds, so times survive the databases' precision unchanged.
var Start = time.Date(2026, 1, 15, 11, 0, 0, 0, time.UTC)

// Tenants the environment creates: two, so isolation can be checked both
// ways. Both sell Offer.
const (
	TenantA = "alpha"
	TenantB = "beta"
	Offer   = "licence"
)

// Service kinds of the fixture's packages (products/vetpet).
const (
	Vet   = "vet_consultation"
	Video = "video_consultation"
	Diet  = "diet_selection"
)

// Packages of Offer, shaped like seed 004's annex 1: 21 days, 1 month and
// 3 months.
var Packages = []tenants.Package{
	{Code: "PET1+", Title: "PET1+", Term: tenants.Term{Days: 21}, Quotas: map[string]int{Vet: 1}},
	{Code: "PET1", Title: "PET1", Term: tenants.Term{Months: 1}, Quotas: map[string]int{Vet: 1}},
	{Code: "PET1_3", Title: "PET1_3", Term: tenants.Term{Months: 3}, Quotas: map[string]int{Vet: 3, Video: 1, Diet: 1}},
}

// Package returns the fixture package with code.
func Package(code string) tenants.Package {
	for _, p := range Packages {
		if p.Code == code {
			return p
		}
	}
	panic("certificatestest: no package " + code)
}

// Env is a service over a test database.
type Env struct {
	DB      *db.DB
	Store   *certificatesdb.Store
	Users   *authdb.Store
	Clock   *clock.Fake
	Texts   *i18n.Bundle
	Config  certificates.Config
	Service *certificates.Service
	keys    atomic.Int64
}

// Option changes the configuration before the service is built.
type Option func(*certificates.Config)

// New returns an environment with TenantA and TenantB.
func New(tb testing.TB, opts ...Option) *Env {
	tb.Helper()
	d := dbtest.New(tb)
	Tenants(tb, d, TenantA, TenantB)
	texts, err := i18n.New(configs.FS)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := certificates.DefaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	e := &Env{DB: d, Store: certificatesdb.New(d), Users: authdb.New(d), Clock: clock.NewFake(Start), Texts: texts, Config: cfg}
	e.Service = e.NewService(e.Store)
	return e
}

// NewService builds a service over store with the environment's clock,
// texts and configuration, for tests that wrap the store.
func (e *Env) NewService(store certificates.Store) *certificates.Service {
	return certificates.New(store, e.Config, certificates.Deps{Clock: e.Clock, Texts: e.Texts})
}

// Tenants inserts minimal tenants selling Offer via tenantsdb.Sync, the
// way the data files arrive (certificates refer to their packages).
func Tenants(tb testing.TB, d *db.DB, ids ...string) {
	tb.Helper()
	in := tenantsdb.Input{
		File:     func(string, string) ([]byte, error) { return nil, nil },
		Products: map[string]json.RawMessage{"vetpet": json.RawMessage(`{"product":"vetpet"}`)},
		Source:   "certificatestest",
	}
	for _, id := range ids {
		in.Tenants = append(in.Tenants, tenants.Tenant{
			ID: id, Kind: tenants.KindPartner, Name: tenants.Text{"ru": id, "en": id},
			Timezone: "Europe/Moscow", DefaultLocale: "ru", PhoneRegion: "RU",
			Offers: []tenants.Offer{{ID: Offer, Title: tenants.Text{"ru": "Лицензия"}, Product: "vetpet",
				ContractType: tenants.ContractLicence, Currency: "RUB", Packages: Packages}},
		})
	}
	if _, err := tenantsdb.Sync(context.Background(), d, in, Start); err != nil {
		tb.Fatal(err)
	}
}

// Ctx returns a context scoped to tenant.
func Ctx(tenant string) context.Context { return tenancy.With(context.Background(), tenant) }

// Customer creates a customer account of tenant with phone (E.164) and
// returns it as the web layer would pass it.
func (e *Env) Customer(tb testing.TB, tenant, phone string) certificates.Customer {
	tb.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	a := auth.Account{User: auth.User{ID: id, TenantID: tenant, Kind: auth.KindCustomer, Phone: phone, Locale: "ru",
		CreatedAt: e.Clock.Now()}}
	if err := e.Users.CreateUser(Ctx(tenant), a); err != nil {
		tb.Fatal(err)
	}
	return certificates.Customer{UserID: id, Phone: phone}
}

// Input returns a valid partner issue of package code, paid now, for a
// holder with a phone and an e-mail, with a fresh source key.
func (e *Env) Input(code string) certificates.IssueInput {
	return certificates.IssueInput{
		OfferID: Offer, Package: Package(code), Currency: "RUB", PricePaid: 149900, PaidAt: e.Clock.Now(),
		Zone: clock.Moscow, Source: certificates.SourcePartner, SourceKey: fmt.Sprintf("key-%d", e.keys.Add(1)),
		Holder: certificates.Holder{Phone: "+79991234567", Email: "buyer@example.com", Name: "Иван"},
		Brand:  "VetPet", BaseURL: "https://vet-pet.example", Locale: "ru",
	}
}

// Issue issues in through the service in tenant and fails the test on an
// error.
func (e *Env) Issue(tb testing.TB, tenant string, in certificates.IssueInput) certificates.Certificate {
	tb.Helper()
	c, created, err := e.Service.Issue(Ctx(tenant), in)
	if err != nil || !created {
		tb.Fatalf("issue: created %v, err %v", created, err)
	}
	return c
}

// Bound issues package code in tenant bound to a new customer's account
// and returns both.
func (e *Env) Bound(tb testing.TB, tenant, code, phone string) (certificates.Certificate, certificates.Customer) {
	tb.Helper()
	cust := e.Customer(tb, tenant, phone)
	in := e.Input(code)
	in.Holder.UserID, in.Holder.Phone = cust.UserID, phone
	return e.Issue(tb, tenant, in), cust
}

// Message is an outbox row as the tests read it.
type Message struct {
	TenantID  string `bun:"tenant_id"`
	Channel   string `bun:"channel"`
	Recipient string `bun:"recipient"`
	Subject   string `bun:"subject"`
	Body      string `bun:"body"`
	Kind      string `bun:"kind"`
	Sensitive bool   `bun:"sensitive"`
}

// Outbox returns the tenant's outbox messages of kind ("" for all), oldest
// first. It reads as the owner, outside any tenant scope.
func (e *Env) Outbox(tb testing.TB, tenant, kind string) []Message {
	tb.Helper()
	q := e.DB.NewSelect().TableExpr("notifications").
		Column("tenant_id", "channel", "recipient", "subject", "body", "kind", "sensitive").
		Where("tenant_id = ?", tenant).OrderExpr("id")
	if kind != "" {
		q = q.Where("kind = ?", kind)
	}
	var out []Message
	if err := q.Scan(context.Background(), &out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// Count returns the rows of table matching where across tenants.
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
