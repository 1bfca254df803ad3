package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/auth/authdb"
	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/catalog/catalogdb"
	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/certificates/certificatesdb"
	"github.com/consult/platform/core/media"
	"github.com/consult/platform/core/media/mediadb"
	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/notify/notifydb"
	"github.com/consult/platform/core/notify/notifysetup"
	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/orders/ordersdb"
	"github.com/consult/platform/core/orders/sandbox"
	"github.com/consult/platform/core/partners"
	"github.com/consult/platform/core/partners/partnersdb"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/config"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/i18n"
	"github.com/consult/platform/core/platform/rbac"
	"github.com/consult/platform/core/platform/rbac/rbacdb"
	"github.com/consult/platform/core/subjects"
	"github.com/consult/platform/core/subjects/subjectsdb"
	"github.com/consult/platform/core/web"
	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/products"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

// fakeProducts serves the built-in products' real specs with a plugin
// state the test chooses.
type fakeProducts struct{ states []web.PluginState }

func (f *fakeProducts) Spec(product string) (sdk.Spec, bool) { return products.Spec(product) }
func (f *fakeProducts) PluginStates() []web.PluginState      { return f.states }

type pingFunc func(context.Context) error

func (p pingFunc) Ping(ctx context.Context) error { return p(ctx) }

type env struct {
	certs    *certificates.Service
	catalog  *catalog.Service
	partners *partners.Service
	orders   *orders.Service
	enforcer *rbac.Enforcer
	srv      *web.Server
	db       *db.DB
	products *fakeProducts
	dbDown   bool
	worker   *notify.Worker
	outbox   *notifydb.Store
	clock    *clock.Fake
}

// newEnv starts a server over a fresh database holding the real tenant
// data, exactly as `platform serve` applies it.
func newEnv(t testing.TB) *env { return newEnvWith(t, nil) }

// newEnvWith is newEnv with a chance to change the server's dependencies.
func newEnvWith(t testing.TB, adjust func(*web.Deps)) *env {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	reg, err := tenants.Load(tenants.Files(), products.ServiceKinds)
	if err != nil {
		t.Fatal(err)
	}
	specs := map[string]json.RawMessage{}
	for _, name := range products.Names() {
		spec, _ := products.Spec(name)
		specs[name], _ = json.Marshal(spec)
	}
	in := tenantsdb.Input{Tenants: reg.Tenants(), File: reg.File, Products: specs, Source: "test"}
	if _, err := tenantsdb.Sync(ctx, d, in, time.Now()); err != nil {
		t.Fatal(err)
	}
	live, err := tenantsdb.NewLive(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := i18n.New(configs.FS)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{db: d, products: &fakeProducts{states: []web.PluginState{
		{Product: "astars", PID: 101, Status: "running"}, {Product: "vetpet", PID: 102, Status: "running"},
	}}, clock: clock.NewFake(time.Date(2026, 1, 15, 11, 0, 0, 0, time.UTC))}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	builtin := products.Builtin()
	subjectsSvc := subjects.NewService(subjectsdb.NewStore(d), e.products,
		func(name string) (subjects.Validator, error) { return builtin[name], nil }, e.clock)
	avatars := media.NewAvatars(mediadb.NewStore(d), e.clock)
	acfg := auth.DefaultConfig()
	acfg.CodeKey = bytes.Repeat([]byte{1}, 32)
	accounts := auth.New(authdb.New(d), acfg, auth.Deps{Clock: e.clock, Texts: bundle,
		OnErase: func(ctx context.Context, userID string) error {
			if _, err := subjectsSvc.DeleteAllOf(ctx, userID); err != nil {
				return err
			}
			return avatars.DeleteAllOf(ctx, userID)
		},
		PhoneRegion: func(string) string { return "RU" },
		ProfileFields: func(tenantID string) []sdk.Field {
			product := "vetpet"
			if tenantID == "astars" {
				product = "astars"
			}
			spec, _ := products.Spec(product)
			return spec.ProfileFields
		}, Logger: log})
	e.outbox = notifydb.NewStore(d)
	senders, err := notifysetup.Senders(cfg.Notify, "dev", e.outbox, e.clock, log)
	if err != nil {
		t.Fatal(err)
	}
	e.worker = notify.NewWorker(e.outbox, senders, e.clock, log, notifysetup.WorkerOptions(cfg.Notify.Worker))
	e.certs = certificates.New(certificatesdb.New(d), certificates.DefaultConfig(),
		certificates.Deps{Clock: e.clock, Texts: bundle})
	e.catalog = catalog.New(catalogdb.New(d), catalog.Deps{Offers: tenantsdb.NewStore(d), Images: mediadb.NewStore(d), Clock: e.clock})
	e.partners = partners.New(partnersdb.New(d), partners.Deps{Clock: e.clock, Certificates: e.certs,
		Offers: tenantsdb.NewStore(d), Logger: log})
	bank := sandbox.New(d, e.clock)
	offerStore := tenantsdb.NewStore(d)
	e.orders = orders.New(ordersdb.New(d), orders.DefaultConfig(), orders.Deps{Clock: e.clock, Texts: bundle,
		Catalog: orders.CatalogFunc(func(ctx context.Context, offerID string) (tenants.Offer, bool, error) {
			offers, err := offerStore.Offers(ctx, offerID)
			if err != nil || len(offers) == 0 {
				return tenants.Offer{}, false, err
			}
			return offers[0], true, nil
		}),
		Providers: []orders.Provider{bank}, PhoneRegion: func(string) string { return "RU" },
		OnPaid: func(ctx context.Context, o orders.Order) error {
			_, _, err := e.certs.Issue(ctx, certificates.IssueInput{OfferID: o.OfferID, Package: o.Package,
				Currency: o.Currency, PricePaid: o.Total, PaidAt: *o.PaidAt, Source: certificates.SourceOrder,
				SourceKey: o.ID, Holder: certificates.Holder{UserID: o.UserID, Phone: o.Phone}, Locale: "ru"})
			return err
		}, Logger: log})
	bank.Notify = func(ctx context.Context, provider, id string) error {
		_, err := e.orders.HandleNotification(ctx, provider, id)
		return err
	}
	e.enforcer, err = rbac.New(context.Background(), rbacdb.New(d), rbac.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.enforcer.Close)
	reg2 := prometheus.NewRegistry()
	deps := web.Deps{
		Accounts: accounts, Subjects: subjectsSvc, Avatars: avatars,
		DevOutbox: e.outbox, CSRFKey: bytes.Repeat([]byte{2}, 32),
		Certificates: e.certs, Catalog: e.catalog, Access: e.enforcer, RBAC: e.enforcer, Partners: e.partners,
		Orders: e.orders, Promos: e.orders, Sandbox: bank, YooKassa: e.orders,
		Config: cfg, Log: log,
		Clock: e.clock, Version: "test",
		DB: pingFunc(func(ctx context.Context) error {
			if e.dbDown {
				return context.DeadlineExceeded
			}
			return d.Ping(ctx)
		}),
		Directory: live, Offers: tenantsdb.NewStore(d), Products: e.products, I18n: bundle,
		Registerer: reg2, Gatherer: reg2,
	}
	if adjust != nil {
		adjust(&deps)
	}
	srv, err := web.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	return e
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) do(t *testing.T, method, host, target string, headers ...string) response {
	t.Helper()
	return e.call(t, method, host, target, "", headers...)
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return v
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func TestSiteResolvedByHost(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		host, tenant, site string
	}{
		{"vetpet.localhost", "vetpet", "vetpet"},
		{"vet-pet.online", "vetpet", "vetpet"},
		{"WWW.Vet-Pet.Online", "vetpet", "vetpet"},
		{"astars.localhost:8080", "astars", "astars"},
		{"astars.online", "astars", "astars"},
		{"jetmoney.localhost", "jetmoney", "jetmoney"},
		{"smsfinance.jetmoney.localhost", "jetmoney", "smsfinance"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			r := e.do(t, "GET", tt.host, "/api/v1/site")
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			got := decode[struct {
				Tenant struct{ ID string } `json:"tenant"`
				Site   struct{ ID string } `json:"site"`
				Brand  struct{ Name string }
				Locale string
			}](t, r)
			if got.Tenant.ID != tt.tenant || got.Site.ID != tt.site || got.Brand.Name == "" || got.Locale != "ru" {
				t.Fatalf("site = %+v", got)
			}
		})
	}
}

// TestTenantComesOnlyFromHost: forwarded headers from an untrusted client
// cannot move a request to another tenant (SECURITY.md 5, 11).
func TestTenantComesOnlyFromHost(t *testing.T) {
	e := newEnv(t)
	for _, h := range []string{"X-Forwarded-Host", "Forwarded", "X-Original-Host", "X-Host"} {
		t.Run(h, func(t *testing.T) {
			value := "astars.localhost"
			if h == "Forwarded" {
				value = "host=astars.localhost"
			}
			got := decode[struct {
				Tenant struct{ ID string } `json:"tenant"`
			}](t, e.do(t, "GET", "vetpet.localhost", "/api/v1/site", h, value))
			if got.Tenant.ID != "vetpet" {
				t.Fatalf("%s moved the request to tenant %q", h, got.Tenant.ID)
			}
		})
	}
}

func TestUnknownHostIs404Localised(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, host, target, acceptLang string
		wantMessagePart                string
	}{
		{"russian by default", "unknown.localhost", "/api/v1/site", "", "Сайт"},
		{"english by Accept-Language", "unknown.localhost", "/api/v1/offers", "en-US,en;q=0.9", "Site"},
		{"english by ?lang", "evil.example", "/api/v1/site?lang=en", "", "Site"},
		{"page route too", "unknown.localhost", "/", "", "Сайт"},
		{"no host", "", "/api/v1/site", "", "Сайт"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "GET", tt.host, tt.target, "Accept-Language", tt.acceptLang)
			if r.status != 404 {
				t.Fatalf("status = %d, want 404", r.status)
			}
			if strings.HasPrefix(tt.target, "/api/") {
				got := decode[apiError](t, r)
				if got.Error.Code != "tenants.site_not_found" || !strings.Contains(got.Error.Message, tt.wantMessagePart) {
					t.Fatalf("error = %+v", got.Error)
				}
			} else if !strings.Contains(string(r.body), tt.wantMessagePart) {
				t.Fatalf("page body = %s", r.body)
			}
		})
	}
}

type offersBody struct {
	Offers []struct {
		ID           string `json:"id"`
		ContractType string `json:"contract_type"`
		Executor     *struct {
			Name string `json:"name"`
			INN  string `json:"inn"`
		} `json:"executor"`
		Packages []struct {
			Code     string         `json:"code"`
			Title    string         `json:"title"`
			Term     map[string]int `json:"term"`
			Quotas   map[string]int `json:"quotas"`
			Price    *int64         `json:"price"`
			Currency string         `json:"currency"`
		} `json:"packages"`
	} `json:"offers"`
}

func TestOffersOfEachSite(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		host       string
		wantOffers map[string]int // offer id → packages
	}{
		{"jetmoney.localhost", map[string]int{"subscription": 8, "licence": 38}},
		{"kontaktkredit.jetmoney.localhost", map[string]int{"subscription": 8}},
		{"vetpet.localhost", map[string]int{"retail": 2}},
		{"astars.localhost", map[string]int{"retail": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			got := decode[offersBody](t, e.do(t, "GET", tt.host, "/api/v1/offers"))
			counts := map[string]int{}
			for _, o := range got.Offers {
				counts[o.ID] = len(o.Packages)
				if o.Executor == nil || o.Executor.INN == "" {
					t.Errorf("offer %s has no executor", o.ID)
				}
			}
			if len(counts) != len(tt.wantOffers) {
				t.Fatalf("offers = %v, want %v", counts, tt.wantOffers)
			}
			for id, n := range tt.wantOffers {
				if counts[id] != n {
					t.Errorf("offer %s has %d packages, want %d", id, counts[id], n)
				}
			}
		})
	}
	t.Run("package shape", func(t *testing.T) {
		got := decode[offersBody](t, e.do(t, "GET", "jetmoney.localhost", "/api/v1/offers"))
		byCode := map[string]int{}
		for oi, o := range got.Offers {
			for pi, p := range o.Packages {
				byCode[p.Code] = oi*100 + pi
			}
		}
		find := func(code string) (term, quotas map[string]int, price *int64) {
			i, ok := byCode[code]
			if !ok {
				t.Fatalf("package %s missing", code)
			}
			p := got.Offers[i/100].Packages[i%100]
			return p.Term, p.Quotas, p.Price
		}
		// offer 003, annex 1: КЕША + — one vet consultation and one owner
		// rights / transport consultation, 1 month, price per certificate.
		term, quotas, price := find("КЕША+")
		if term["months"] != 1 || quotas["vet_consultation"] != 1 || quotas["owner_rights_transport"] != 1 || len(quotas) != 2 || price != nil {
			t.Errorf("КЕША+ = %v %v %v", term, quotas, price)
		}
		// offer 004, annex 1: PET1+ — 21 calendar days.
		if term, _, _ := find("PET1+"); term["days"] != 21 {
			t.Errorf("PET1+ term = %v", term)
		}
		if _, quotas, _ := find("PET18"); quotas["vet_consultation"] != 7 || quotas["owner_rights_transport"] != 6 {
			t.Errorf("PET18 quotas = %v", quotas)
		}
	})
	t.Run("retail prices in kopecks", func(t *testing.T) {
		got := decode[offersBody](t, e.do(t, "GET", "vetpet.localhost", "/api/v1/offers"))
		prices := map[int64]bool{}
		for _, p := range got.Offers[0].Packages {
			if p.Price == nil || p.Currency != "RUB" {
				t.Fatalf("retail package %s without price", p.Code)
			}
			prices[*p.Price] = true
		}
		// seed 000: dietitian consultation 549 ₽, "Счастливый питомец" 499 ₽.
		if !prices[54900] || !prices[49900] {
			t.Fatalf("prices = %v", prices)
		}
	})
}

// TestRoutesAreTenantIsolated checks every site route from every host:
// what one site answers never carries another tenant's data.
func TestRoutesAreTenantIsolated(t *testing.T) {
	e := newEnv(t)
	hosts := map[string]string{"vetpet.localhost": "vetpet", "astars.localhost": "astars", "jetmoney.localhost": "jetmoney"}
	logos := map[string]string{}
	for host, tenant := range hosts {
		t.Run(host, func(t *testing.T) {
			site := decode[struct {
				Tenant struct{ ID string } `json:"tenant"`
			}](t, e.do(t, "GET", host, "/api/v1/site"))
			if site.Tenant.ID != tenant {
				t.Fatalf("site tenant = %s", site.Tenant.ID)
			}
			offers := decode[offersBody](t, e.do(t, "GET", host, "/api/v1/offers"))
			for _, o := range offers.Offers {
				if tenant != "jetmoney" && o.ContractType != "retail" || tenant == "jetmoney" && o.ContractType == "retail" {
					t.Errorf("%s sells %s (%s)", host, o.ID, o.ContractType)
				}
			}
			logo := e.do(t, "GET", host, "/brand/logo")
			if logo.status != 200 {
				t.Fatalf("logo status %d", logo.status)
			}
			logos[host] = string(logo.body)
			home := e.do(t, "GET", host, "/")
			if home.status != 200 {
				t.Fatalf("home status %d", home.status)
			}
			for other := range hosts {
				if other != host && strings.Contains(string(home.body), other) {
					t.Errorf("home of %s mentions %s", host, other)
				}
			}
		})
	}
	if logos["vetpet.localhost"] == logos["astars.localhost"] {
		t.Error("two tenants serve the same logo")
	}
	t.Run("another site's legal document is not found", func(t *testing.T) {
		// Astars publishes no copy of the Jet Money licence offer; VetPet and
		// Jet Money do.
		if r := e.do(t, "GET", "astars.localhost", "/legal/licence"); r.status != 404 {
			t.Fatalf("status %d", r.status)
		}
	})
}

func TestProducts(t *testing.T) {
	e := newEnv(t)
	type body struct {
		Products []struct {
			Product      string `json:"product"`
			Available    bool   `json:"available"`
			ServiceKinds []struct {
				Key string `json:"key"`
			} `json:"service_kinds"`
			SubjectKinds []struct {
				Key string `json:"key"`
			} `json:"subject_kinds"`
		} `json:"products"`
	}
	got := decode[body](t, e.do(t, "GET", "vetpet.localhost", "/api/v1/products"))
	if len(got.Products) == 0 || got.Products[0].Product != "vetpet" || !got.Products[0].Available {
		t.Fatalf("products = %+v", got.Products)
	}
	keys := map[string]bool{}
	for _, k := range got.Products[0].ServiceKinds {
		keys[k.Key] = true
	}
	for _, k := range []string{"vet_consultation", "video_consultation", "second_opinion", "owner_rights_transport", "diet_selection", "lab_results"} {
		if !keys[k] {
			t.Errorf("vetpet lacks service kind %s", k)
		}
	}
	if len(got.Products[0].SubjectKinds) == 0 || got.Products[0].SubjectKinds[0].Key != "pet" {
		t.Errorf("vetpet subject kinds = %+v", got.Products[0].SubjectKinds)
	}

	e.products.states[1].Status = "restarting"
	got = decode[body](t, e.do(t, "GET", "vetpet.localhost", "/api/v1/products"))
	if got.Products[0].Available {
		t.Fatal("vetpet available while its plugin restarts")
	}
}

func TestReadyz(t *testing.T) {
	e := newEnv(t)
	type body struct {
		Status   string `json:"status"`
		Database struct{ Status string }
		Plugins  []web.PluginState
	}
	tests := []struct {
		name       string
		setup      func()
		wantCode   int
		wantStatus string
	}{
		{"all up", func() {}, 200, "ok"},
		{"plugin restarting degrades", func() { e.products.states[0].Status = "restarting" }, 200, "degraded"},
		{"database down fails readiness", func() { e.dbDown = true }, 503, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.setup()
			r := e.do(t, "GET", "anything", "/readyz")
			got := decode[body](t, r)
			if r.status != tt.wantCode || got.Status != tt.wantStatus || len(got.Plugins) != 2 {
				t.Fatalf("readyz = %d %+v", r.status, got)
			}
		})
	}
	if r := e.do(t, "GET", "", "/healthz"); r.status != 200 {
		t.Fatalf("healthz = %d", r.status)
	}
}

func TestErrorsAreOneShapeAndLocalised(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, target, lang string
		wantStatus         int
		wantCode, wantMsg  string
	}{
		{"unknown API route, ru", "/api/v1/nothing", "", 404, "errors.route_not_found", "нет"},
		{"unknown API route, en", "/api/v1/nothing", "en", 404, "errors.route_not_found", "no such"},
		{"wrong method", "/api/v1/site", "en", 405, "errors.method_not_allowed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := "GET"
			if tt.wantStatus == 405 {
				method = "DELETE"
			}
			r := e.do(t, method, "vetpet.localhost", tt.target, "Accept-Language", tt.lang)
			if r.status != tt.wantStatus && !(tt.wantStatus == 405 && r.status == 404) {
				t.Fatalf("status = %d, want %d (%s)", r.status, tt.wantStatus, r.body)
			}
			got := decode[apiError](t, r)
			if got.Error.Code == "" || got.Error.Message == "" || got.Error.Message == got.Error.Code {
				t.Fatalf("error = %+v", got.Error)
			}
			if tt.wantStatus == 404 && (got.Error.Code != tt.wantCode || !strings.Contains(strings.ToLower(got.Error.Message), tt.wantMsg)) {
				t.Fatalf("error = %+v", got.Error)
			}
		})
	}
	t.Run("unknown page is a branded 404 page", func(t *testing.T) {
		r := e.do(t, "GET", "vetpet.localhost", "/no-such-page")
		if r.status != 404 || !strings.Contains(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "/brand/logo") {
			t.Fatalf("404 page = %d %s", r.status, r.header.Get("Content-Type"))
		}
	})
}

func TestLanguageNegotiation(t *testing.T) {
	e := newEnv(t)
	locale := func(r response) string {
		return decode[struct {
			Locale string `json:"locale"`
		}](t, r).Locale
	}
	tests := []struct {
		name    string
		target  string
		headers []string
		want    string
	}{
		{"site default", "/api/v1/site", nil, "ru"},
		{"accept-language", "/api/v1/site", []string{"Accept-Language", "en-GB,en;q=0.9"}, "en"},
		{"query beats accept-language", "/api/v1/site?lang=ru", []string{"Accept-Language", "en"}, "ru"},
		{"cookie beats accept-language", "/api/v1/site", []string{"Accept-Language", "en", "Cookie", "lang=ru"}, "ru"},
		{"unsupported query ignored", "/api/v1/site?lang=de", []string{"Accept-Language", "en"}, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := locale(e.do(t, "GET", "astars.localhost", tt.target, tt.headers...)); got != tt.want {
				t.Fatalf("locale = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("page ?lang is remembered in a cookie", func(t *testing.T) {
		r := e.do(t, "GET", "astars.localhost", "/?lang=en")
		if !strings.Contains(r.header.Get("Set-Cookie"), "lang=en") || !strings.Contains(string(r.body), `<html lang="en">`) {
			t.Fatalf("set-cookie = %q", r.header.Get("Set-Cookie"))
		}
	})
}

// TestResponsesMatchOpenAPI validates real responses against the
// published document.
func TestResponsesMatchOpenAPI(t *testing.T) {
	e := newEnv(t)
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(web.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi document: %v", err)
	}
	login := e.login(t, "vetpet.localhost", "+79991234567")
	if r := e.call(t, "POST", "vetpet.localhost", "/api/v1/me/subjects", `{"kind":"pet","fields":{"species":"dog","name":"Шарик"}}`,
		"Authorization", "Bearer "+login.token); r.status != 201 {
		t.Fatalf("create pet = %d %s", r.status, r.body)
	}
	tests := []struct{ host, path string }{
		{"vetpet.localhost", "/me"}, {"vetpet.localhost", "/me/sessions"}, {"vetpet.localhost", "/me/subjects"},
		{"vetpet.localhost", "/site"}, {"astars.localhost", "/site"}, {"jetmoney.localhost", "/site"},
		{"vetpet.localhost", "/offers"}, {"astars.localhost", "/offers"}, {"jetmoney.localhost", "/offers"},
		{"vetpet.localhost", "/products"}, {"astars.localhost", "/products"},
		{"unknown.localhost", "/site"},
	}
	for _, tt := range tests {
		t.Run(tt.host+tt.path, func(t *testing.T) {
			var auth []string
			if tt.host == "vetpet.localhost" { // the token belongs to VetPet only
				auth = []string{"Authorization", "Bearer " + login.token}
			}
			r := e.do(t, "GET", tt.host, "/api/v1"+tt.path, auth...)
			item := doc.Paths.Find(tt.path)
			if item == nil {
				t.Fatalf("%s is not in the OpenAPI document", tt.path)
			}
			req := httptest.NewRequest("GET", "http://"+tt.host+"/api/v1"+tt.path, nil)
			in := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{
					Request: req,
					Route:   &routers.Route{Spec: doc, Path: tt.path, PathItem: item, Method: "GET", Operation: item.Get},
				},
				Status:  r.status,
				Header:  r.header,
				Body:    io.NopCloser(bytes.NewReader(r.body)),
				Options: &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
			}
			if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
				t.Fatalf("response does not match the document: %v\n%s", err, r.body)
			}
		})
	}
}

func TestPages(t *testing.T) {
	e := newEnv(t)
	t.Run("home in the brand", func(t *testing.T) {
		r := e.do(t, "GET", "vetpet.localhost", "/")
		body := html.UnescapeString(string(r.body))
		for _, want := range []string{"ВетПет", "549\u00a0₽", "499\u00a0₽", "/brand/theme.css", "/legal/", "Контакты", "+7 800 600-99-93", "пн–вс"} {
			if !strings.Contains(body, want) {
				t.Errorf("home lacks %q", want)
			}
		}
		if strings.Contains(body, "home.") || strings.Contains(body, "nav.") {
			t.Error("home shows an untranslated message id")
		}
	})
	t.Run("english home", func(t *testing.T) {
		body := html.UnescapeString(string(e.do(t, "GET", "jetmoney.localhost", "/?lang=en").body))
		for _, want := range []string{"КЕША +", "PET 18", "Price set in the certificate", "1 month", "21 days"} {
			if !strings.Contains(body, want) {
				t.Errorf("english jetmoney home lacks %q", want)
			}
		}
	})
	t.Run("documents listed in another stay out of the footer", func(t *testing.T) {
		site := decode[struct {
			Documents []struct {
				URL      string `json:"url"`
				ListedIn string `json:"listed_in"`
			}
		}](t, e.do(t, "GET", "vetpet.localhost", "/api/v1/site"))
		children := map[string][]string{}
		for _, d := range site.Documents {
			if d.ListedIn != "" {
				children[d.ListedIn] = append(children[d.ListedIn], d.URL)
			}
		}
		if len(children) == 0 {
			t.Fatal("fixture: VetPet lists no documents inside another (seed 000, partner agreements)")
		}
		home := html.UnescapeString(string(e.do(t, "GET", "vetpet.localhost", "/").body))
		footer := home[strings.Index(home, "site-footer"):]
		for parent, urls := range children {
			page := string(e.do(t, "GET", "vetpet.localhost", "/legal/"+parent).body)
			for _, u := range urls {
				if strings.Contains(footer, `href="`+u+`"`) {
					t.Errorf("footer links %s, which belongs under %s", u, parent)
				}
				if !strings.Contains(page, `href="`+u+`"`) {
					t.Errorf("page of %s does not list %s", parent, u)
				}
			}
		}
	})
	t.Run("theme css is the site's colours only", func(t *testing.T) {
		r := e.do(t, "GET", "astars.localhost", "/brand/theme.css")
		if r.status != 200 || !strings.Contains(string(r.body), "--brand-primary:#") {
			t.Fatalf("theme = %d %s", r.status, r.body)
		}
	})
	t.Run("svg logo is sandboxed", func(t *testing.T) {
		r := e.do(t, "GET", "astars.localhost", "/brand/logo")
		if r.header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(r.header.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("logo headers = %v", r.header)
		}
		etag := r.header.Get("ETag")
		if again := e.do(t, "GET", "astars.localhost", "/brand/logo", "If-None-Match", etag); again.status != 304 {
			t.Fatalf("conditional logo = %d", again.status)
		}
	})
	t.Run("legal document renders", func(t *testing.T) {
		site := decode[struct {
			Documents []struct{ URL, Title string }
		}](t, e.do(t, "GET", "jetmoney.localhost", "/api/v1/site"))
		if len(site.Documents) == 0 {
			t.Fatal("jetmoney publishes no documents")
		}
		for _, d := range site.Documents {
			r := e.do(t, "GET", "jetmoney.localhost", d.URL)
			if r.status != 200 || !strings.Contains(string(r.body), "<h1>") {
				t.Errorf("%s = %d", d.URL, r.status)
			}
		}
	})
	t.Run("security headers", func(t *testing.T) {
		r := e.do(t, "GET", "vetpet.localhost", "/")
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Content-Security-Policy": "default-src 'self'"} {
			if !strings.Contains(r.header.Get(h), want) {
				t.Errorf("%s = %q", h, r.header.Get(h))
			}
		}
		if r.header.Get("X-Request-Id") == "" {
			t.Error("no request id")
		}
	})
	t.Run("static asset, no traversal", func(t *testing.T) {
		if r := e.do(t, "GET", "x", "/static/app.css"); r.status != 200 {
			t.Fatalf("app.css = %d", r.status)
		}
		if r := e.do(t, "GET", "x", "/static/../openapi.yaml"); r.status != 404 {
			t.Fatalf("traversal = %d", r.status)
		}
	})
}

func TestMetricsUseRouteTemplates(t *testing.T) {
	e := newEnv(t)
	e.do(t, "GET", "jetmoney.localhost", "/legal/subscription")
	e.do(t, "GET", "jetmoney.localhost", "/no/such/path/+79991234567")
	body := string(e.do(t, "GET", "", "/metrics").body)
	if !strings.Contains(body, `route="/legal/:doc"`) {
		t.Errorf("metrics lack the route template:\n%s", body)
	}
	for _, raw := range []string{"/legal/subscription", "79991234567"} {
		if strings.Contains(body, raw) {
			t.Errorf("metrics carry the raw path %q", raw)
		}
	}
}
