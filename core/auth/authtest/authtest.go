// Package authtest builds the accounts core over a fresh, migrated test
// database (dbtest: SQLite, or PostgreSQL when PLATFORM_TEST_PG is set),
// with a fake clock and the real message texts, for the tests of core/auth
// and of the layers built on it.
package authtest

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/auth/authdb"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/i18n"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

// Start is the fake clock's first instant: whole seconds, so times survive
// the databases' microsecond precision unchanged.
var Start = time.Date(2026, 1, 15, 11, 0, 0, 0, time.UTC)

// Key is a CodeKey for tests; production keys come from a secret.
var Key = []byte("authtest-code-key-0123456789abcdef")

// Tenants the environment creates: two, so isolation can be checked both
// ways.
const (
	TenantA = "alpha"
	TenantB = "beta"
)

// Env is a service over a test database.
type Env struct {
	DB      *db.DB
	Store   *authdb.Store
	Clock   *clock.Fake
	Texts   *i18n.Bundle
	Config  auth.Config
	Service *auth.Service
	// ProfileFields are the extra profile fields every tenant's product
	// has; tests may set them before calling UpdateProfile.
	ProfileFields []sdk.Field
	// OnErase, when set before NewService, is the service's deletion hook.
	OnErase func(ctx context.Context, userID string) error
}

// Option changes the configuration before the service is built.
type Option func(*auth.Config)

// New returns an environment with TenantA and TenantB.
func New(tb testing.TB, opts ...Option) *Env {
	tb.Helper()
	d := dbtest.New(tb)
	Tenants(tb, d, TenantA, TenantB)
	texts, err := i18n.New(configs.FS)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := auth.DefaultConfig()
	cfg.CodeKey = Key
	for _, o := range opts {
		o(&cfg)
	}
	e := &Env{DB: d, Store: authdb.New(d), Clock: clock.NewFake(Start), Texts: texts, Config: cfg}
	e.Service = e.NewService(e.Store)
	return e
}

// NewService builds a service over store with the environment's clock,
// texts and configuration, for tests that wrap the store.
func (e *Env) NewService(store auth.Store) *auth.Service {
	return auth.New(store, e.Config, auth.Deps{
		Clock: e.Clock, Texts: e.Texts,
		PhoneRegion:   func(string) string { return "RU" },
		ProfileFields: func(string) []sdk.Field { return e.ProfileFields },
		OnErase:       e.OnErase,
	})
}

// Tenants inserts minimal tenant rows (users and codes refer to them) via
// tenantsdb.Sync, the way the data files arrive.
func Tenants(tb testing.TB, d *db.DB, ids ...string) {
	tb.Helper()
	in := tenantsdb.Input{
		File:   func(string, string) ([]byte, error) { return nil, nil },
		Source: "authtest",
	}
	for _, id := range ids {
		in.Tenants = append(in.Tenants, tenants.Tenant{
			ID: id, Kind: tenants.KindVendor, Name: tenants.Text{"ru": id, "en": id},
			Timezone: "Europe/Moscow", DefaultLocale: "ru", PhoneRegion: "RU",
		})
	}
	if _, err := tenantsdb.Sync(context.Background(), d, in, Start); err != nil {
		tb.Fatal(err)
	}
}

// Ctx returns a context scoped to tenant.
func Ctx(tenant string) context.Context { return tenancy.With(context.Background(), tenant) }

// Client is a caller of the login flows.
func Client(ip string) auth.Client {
	return auth.Client{IP: ip, UserAgent: "authtest", Locale: "ru", Brand: "VetPet", BaseURL: "https://vet-pet.example"}
}

// Message is an outbox row as the tests read it.
type Message struct {
	TenantID  string `bun:"tenant_id"`
	ID        string `bun:"id"`
	Channel   string `bun:"channel"`
	Recipient string `bun:"recipient"`
	Subject   string `bun:"subject"`
	Body      string `bun:"body"`
	Kind      string `bun:"kind"`
	Sensitive bool   `bun:"sensitive"`
}

// Outbox returns the tenant's outbox messages, oldest first. It reads as
// the owner, outside any tenant scope: a test inspecting the result.
func (e *Env) Outbox(tb testing.TB, tenant string) []Message {
	tb.Helper()
	var out []Message
	err := e.DB.NewRaw(`SELECT tenant_id, id, channel, recipient, subject, body, kind, sensitive
		FROM notifications WHERE tenant_id = ? ORDER BY id`, tenant).Scan(context.Background(), &out)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// Count returns the rows of table (and optional condition) across tenants.
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

var sixDigits = regexp.MustCompile(`\b[0-9]{6}\b`)

// LastCode returns the code in the newest message of tenant to recipient.
func (e *Env) LastCode(tb testing.TB, tenant, recipient string) string {
	tb.Helper()
	msgs := e.Outbox(tb, tenant)
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Recipient == recipient {
			if code := sixDigits.FindString(msgs[i].Body); code != "" {
				return code
			}
		}
	}
	tb.Fatalf("no code sent to %s in tenant %s", recipient, tenant)
	return ""
}

// PhoneLogin signs in by phone through the whole code flow.
func (e *Env) PhoneLogin(tb testing.TB, tenant, phone string) auth.Login {
	tb.Helper()
	ctx, cl := Ctx(tenant), Client("192.0.2.1")
	if _, err := e.Service.StartPhoneLogin(ctx, phone, cl); err != nil {
		tb.Fatalf("start phone login: %v", err)
	}
	e64, err := auth.NormalizePhone(phone, "RU")
	if err != nil {
		tb.Fatal(err)
	}
	l, err := e.Service.VerifyPhoneLogin(ctx, phone, e.LastCode(tb, tenant, e64), cl)
	if err != nil {
		tb.Fatalf("verify phone login: %v", err)
	}
	return l
}
