// Package web is the platform's HTTP server: the JSON API under /api/v1,
// the server-rendered pages of every branded site, and the operational
// endpoints (/healthz, /readyz, /metrics). The request's Host selects the
// site and so the tenant; handlers pass c.UserContext(), which carries the
// tenant, into the core.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/config"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

// Translator localises message ids (configs/locales).
type Translator interface {
	T(lang, id string, data map[string]any) string
	Plural(lang, id string, count any, data map[string]any) string
}

// Directory resolves a request Host to its tenant and site.
type Directory interface {
	Current() *tenantsdb.Directory
}

// OfferStore reads the tenant's offers and files (tenant from the context).
type OfferStore interface {
	Offers(ctx context.Context, ids ...string) ([]tenants.Offer, error)
	File(ctx context.Context, name string) (tenantsdb.File, error)
}

// Pinger reports whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are what the server needs, wired by cmd/platform.
type Deps struct {
	Config    config.Config
	Log       *slog.Logger
	Clock     clock.Clock
	Version   string
	DB        Pinger
	Directory Directory
	Offers    OfferStore
	Products  Products
	I18n      Translator
	Accounts  Accounts
	Subjects  Subjects
	Avatars   Avatars
	RBAC      Roles
	Access    Access
	// Certificates is nil until checkout is wired (cmd/platform).
	Certificates Certificates
	// Orders is nil when no payment provider is configured (prod without
	// any YooKassa shop); Sandbox only in dev.
	Orders    Orders
	Promos    Promos // the orders service too; nil with Orders
	Sandbox   SandboxBank
	YooKassa  PaymentNotifications // YooKassa's notifications; nil (no route) when no tenant has a shop
	DevOutbox DevOutbox            // dev only; nil in prod, and its routes do not exist
	// Partners serves partners' API keys and their certificates API.
	Partners Partners
	// Catalog is the catalogue: services' details, specialists, articles,
	// FAQ, reviews, contacts; nil leaves its routes out.
	Catalog Catalog
	// CSRFKey signs the per-session CSRF tokens (from the environment).
	CSRFKey    []byte
	Registerer prometheus.Registerer
	Gatherer   prometheus.Gatherer
}

// Server is the HTTP side of the platform.
type Server struct {
	Deps
	app     *fiber.App
	log     *slog.Logger
	i18n    Translator
	metrics *httpMetrics
	pages   *pages
	started time.Time
	// avatarSlots bounds concurrent avatar decoding (memory-heavy).
	avatarSlots chan struct{}
	notifyNets  notificationNets // where YooKassa notifications may come from
	proxies     proxyList        // http.trusted_proxies, for clientIP
}

// New builds the server and its routes.
func New(d Deps) (*Server, error) {
	s := &Server{Deps: d, log: d.Log, i18n: d.I18n, started: time.Now(), avatarSlots: make(chan struct{}, 2)}
	pg, err := newPages(d.I18n)
	if err != nil {
		return nil, err
	}
	s.pages = pg
	s.metrics, err = newHTTPMetrics(d.Registerer)
	if err != nil {
		return nil, err
	}
	h := d.Config.HTTP
	fc := fiber.Config{
		AppName:               "platform",
		ServerHeader:          "",
		DisableStartupMessage: true,
		BodyLimit:             h.BodyLimit,
		ReadTimeout:           h.ReadTimeout,
		WriteTimeout:          h.WriteTimeout,
		IdleTimeout:           h.IdleTimeout,
		ErrorHandler:          s.errorHandler,
		Views:                 pg.engine,
		// Strings from the request are kept beyond the handler (logs,
		// errors); fiber reuses its buffers otherwise (DEPENDENCIES.md).
		Immutable: true,
		// Client IPs feed rate limits: X-Forwarded-For is believed only
		// from configured proxies (SECURITY.md 5).
		EnableTrustedProxyCheck: true,
		TrustedProxies:          h.TrustedProxies,
	}
	if len(h.TrustedProxies) > 0 {
		fc.ProxyHeader = fiber.HeaderXForwardedFor
	}
	s.proxies = parseProxies(h.TrustedProxies)
	if d.YooKassa != nil {
		if s.notifyNets, err = newNotificationNets(d.Config); err != nil {
			return nil, err
		}
	}
	s.app = fiber.New(fc)
	s.routes()
	return s, nil
}

// App returns the fiber application, for tests (app.Test) and Listen.
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on addr until Shutdown.
func (s *Server) Listen(addr string) error { return s.app.Listen(addr) }

// Shutdown stops accepting connections and waits for in-flight requests
// until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }

// Locals keys.
const (
	localRequestID = "request_id"
	localSite      = "site"
	localTenant    = "tenant"
	localLang      = "lang"
	localRoute     = "route"
)

// requestIDMiddleware names every request; a well-formed id from a proxy is
// kept so logs join up across hops.
func requestIDMiddleware(c *fiber.Ctx) error {
	id := c.Get(fiber.HeaderXRequestID)
	if !validRequestID(id) {
		var b [12]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Locals(localRequestID, id)
	c.Set(fiber.HeaderXRequestID, id)
	return c.Next()
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// securityHeaders sets the headers every answer carries. Pages use no
// inline script or style, so the CSP can be strict.
func securityHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	return c.Next()
}

// siteInfo is the resolved site of a request.
type siteInfo struct {
	Tenant tenants.Tenant
	Site   tenants.Site
}

// resolveSite picks the site by Host and scopes the request to its tenant;
// an unknown host answers 404 tenants.site_not_found.
func (s *Server) resolveSite(c *fiber.Ctx) error {
	t, st, ok := s.Directory.Current().Resolve(c.Hostname())
	if !ok {
		return errSiteNotFound
	}
	c.Locals(localSite, &siteInfo{Tenant: t, Site: st})
	c.Locals(localTenant, t.ID)
	c.SetUserContext(tenancy.With(c.UserContext(), t.ID))
	return c.Next()
}

func site(c *fiber.Ctx) *siteInfo {
	si, _ := c.Locals(localSite).(*siteInfo)
	return si
}

func isAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }

// routeOf is the matched route template, never the raw path: paths can
// carry identifiers and personal data. Routes record their template when
// they run (see handle); anything else is "unmatched".
func routeOf(c *fiber.Ctx) string {
	if r, ok := c.Locals(localRoute).(string); ok {
		return r
	}
	return "unmatched"
}

// handle registers h for method and path, recording the route template for
// logs and metrics.
func (s *Server) handle(r fiber.Router, method, path string, h ...fiber.Handler) {
	full := path
	if g, ok := r.(*fiber.Group); ok {
		full = g.Prefix + path
	}
	mark := func(c *fiber.Ctx) error {
		c.Locals(localRoute, full)
		return c.Next()
	}
	r.Add(method, path, append([]fiber.Handler{mark}, h...)...)
}

// accessLog writes one line per request: no query string, no raw path.
func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	tenant, _ := c.Locals(localTenant).(string)
	route := routeOf(c)
	status := c.Response().StatusCode()
	s.metrics.observe(c.Method(), route, status, time.Since(start))
	if route == "/healthz" || route == "/metrics" {
		return nil
	}
	s.log.LogAttrs(c.UserContext(), slog.LevelInfo, "http",
		slog.String("request_id", requestID(c)),
		slog.String("tenant", tenant),
		slog.String("method", c.Method()),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)))
	return nil
}
