package web

import (
	_ "embed"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/consult/platform/core/platform/errs"
)

// routes wires every endpoint. Operational endpoints and static assets
// answer on any Host; everything else belongs to the site the Host names.
func (s *Server) routes() {
	app := s.app
	app.Use(requestIDMiddleware, s.accessLog, recover.New(recover.Config{EnableStackTrace: s.Config.Env == "dev"}), securityHeaders)

	s.handle(app, fiber.MethodGet, "/healthz", s.healthz)
	s.handle(app, fiber.MethodGet, "/readyz", s.readyz)
	s.handle(app, fiber.MethodGet, "/metrics", s.metricsHandler())
	s.handle(app, fiber.MethodGet, "/static/*", s.staticAsset)
	s.handle(app, fiber.MethodGet, "/api/v1/openapi.yaml", s.openAPI)

	app.Use(s.resolveSite, negotiateLang, s.authenticate, s.csrfProtect)

	api := app.Group("/api/v1")
	s.handle(api, fiber.MethodGet, "/site", s.getSite)
	s.handle(api, fiber.MethodGet, "/offers", s.getOffers)
	s.handle(api, fiber.MethodGet, "/products", s.getProducts)
	if s.Catalog != nil {
		s.catalogRoutes(api) // issue 4: catalogue and content
	}

	// Accounts (issue 3): login by phone or e-mail, sessions, profile.
	s.handle(api, fiber.MethodPost, "/auth/phone/start", s.phoneStart)
	s.handle(api, fiber.MethodPost, "/auth/phone/verify", s.phoneVerify)
	s.handle(api, fiber.MethodPost, "/auth/email/start", s.emailStart)
	s.handle(api, fiber.MethodPost, "/auth/email/verify", s.emailVerify)
	s.handle(api, fiber.MethodPost, "/auth/password/login", s.passwordLogin)
	s.handle(api, fiber.MethodPost, "/auth/password/forgot", s.passwordForgot)
	s.handle(api, fiber.MethodPost, "/auth/password/reset", s.passwordReset)
	s.handle(api, fiber.MethodPost, "/auth/logout", s.logout)
	s.handle(api, fiber.MethodGet, "/me", requireUser, s.getMe)
	s.handle(api, fiber.MethodPatch, "/me", requireUser, s.patchMe)
	s.handle(api, fiber.MethodDelete, "/me", requireUser, s.deleteMe)
	s.handle(api, fiber.MethodPost, "/me/deletion", requireUser, s.startDeletion)
	s.handle(api, fiber.MethodPost, "/me/password", requireUser, s.passwordChange)
	s.handle(api, fiber.MethodGet, "/me/avatar", requireUser, s.getAvatar)
	s.handle(api, fiber.MethodPut, "/me/avatar", requireUser, s.putAvatar)
	s.handle(api, fiber.MethodGet, "/me/sessions", requireUser, s.listSessions)
	s.handle(api, fiber.MethodDelete, "/me/sessions/:id", requireUser, s.endSession)
	s.handle(api, fiber.MethodPost, "/me/sessions/end-others", requireUser, s.endOtherSessions)
	s.handle(api, fiber.MethodGet, "/me/subjects", requireUser, s.listSubjects)
	s.handle(api, fiber.MethodPost, "/me/subjects", requireUser, s.createSubject)
	s.handle(api, fiber.MethodGet, "/me/subjects/:id", requireUser, s.getSubject)
	s.handle(api, fiber.MethodPatch, "/me/subjects/:id", requireUser, s.updateSubject)
	s.handle(api, fiber.MethodDelete, "/me/subjects/:id", requireUser, s.deleteSubject)
	if s.Certificates != nil {
		s.handle(api, fiber.MethodGet, "/me/certificates", requireUser, s.myCertificates)
		s.handle(api, fiber.MethodPost, "/me/certificates/:number/transfer", requireUser, s.transferCertificate)
		s.handle(api, fiber.MethodPost, "/certificates/activate", requireUser, s.activateCertificate)
		// offer 5.3.4: the call centre identifies a caller by certificate.
		s.handle(api, fiber.MethodGet, "/support/certificates/:number", s.requirePermission("customers", "read"), s.supportCertificate)
	}
	if s.Orders != nil {
		s.handle(api, fiber.MethodPost, "/orders/quote", s.quoteOrder)
		s.handle(api, fiber.MethodPost, "/orders", s.placeOrder)
		s.handle(api, fiber.MethodGet, "/orders/:id", s.getOrder)
		if s.YooKassa != nil {
			s.handle(api, fiber.MethodPost, "/payments/yookassa/notifications", s.yookassaNotification)
		}
	}
	if s.Promos != nil {
		s.promoRoutes(api)
	}
	if s.Partners != nil {
		s.partnerRoutes(api) // issue 4: partners' API keys and certificates
	}
	if s.Sandbox != nil {
		s.handle(app, fiber.MethodGet, "/sandbox/pay/:id", s.sandboxPage)
		s.handle(app, fiber.MethodPost, "/sandbox/pay/:id", s.sandboxSubmit)
	}
	if s.DevOutbox != nil {
		s.handle(api, fiber.MethodGet, "/dev/outbox", s.devOutbox)
		s.handle(app, fiber.MethodGet, "/dev/outbox", s.devOutboxPage)
	}

	s.handle(app, fiber.MethodGet, "/login", s.loginPage)
	s.handle(app, fiber.MethodGet, "/login/email", s.emailLinkPage)
	s.handle(app, fiber.MethodGet, "/password/reset", s.resetPage)
	s.handle(app, fiber.MethodGet, "/profile", requireUser, s.profilePage)
	s.handle(app, fiber.MethodGet, "/pets", requireUser, s.subjectsPage)
	s.handle(app, fiber.MethodGet, "/subjects", requireUser, s.subjectsPage)

	if s.Catalog != nil {
		s.catalogPages(app) // issue 4: services, specialists, blog, FAQ, contacts
	}
	s.shopRoutes(app)

	s.handle(app, fiber.MethodGet, "/", s.home)
	s.handle(app, fiber.MethodGet, "/brand/logo", s.logo)
	s.handle(app, fiber.MethodGet, "/brand/theme.css", s.themeCSS)
	s.handle(app, fiber.MethodGet, "/legal/:doc", s.legalDoc)

	// Anything else on a known site: a localised 404 in the site's brand.
	app.Use(func(c *fiber.Ctx) error {
		return errs.E(errs.KindNotFound, "errors.route_not_found")
	})
}

// staticAsset serves the embedded CSS and images shared by every site.
func (s *Server) staticAsset(c *fiber.Ctx) error {
	name := path.Clean(c.Params("*"))
	if name == "." || strings.HasPrefix(name, "..") || strings.HasPrefix(name, "/") {
		return errs.ErrNotFound
	}
	b, err := fs.ReadFile(s.pages.static, name)
	if err != nil {
		return errs.ErrNotFound
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = fiber.MIMEOctetStream
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(b)
}

//go:embed openapi.yaml
var openAPISpec []byte

// OpenAPI returns the API description, for tests that validate responses.
func OpenAPI() []byte { return openAPISpec }

func (s *Server) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
	return c.Send(openAPISpec)
}
