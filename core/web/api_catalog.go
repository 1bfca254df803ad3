package web

import (
	"context"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/media"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/rbac"
	"github.com/consult/platform/tenants"
)

// CatalogContent is what visitors read from the catalogue
// (*catalog.Service): the public API below and the site's pages call it.
// Every list's zero filter is the public one — published items only — so
// a page cannot show a draft by leaving a field out.
type CatalogContent interface {
	// Services are the packages of the site's offers (f.OfferIDs =
	// site.Offers) with their catalogue details, in the admin's order.
	Services(ctx context.Context, f catalog.ServiceFilter) ([]catalog.Offering, error)
	// ServiceOf is one of them, or catalog.ErrServiceNotFound.
	ServiceOf(ctx context.Context, offerIDs []string, ref catalog.PackageRef) (catalog.Offering, error)
	Specialists(ctx context.Context, f catalog.SpecialistFilter, p catalog.PageRequest) (catalog.Page[catalog.Specialist], error)
	Specialist(ctx context.Context, slug string) (catalog.Specialist, error)
	SpecialistPhoto(ctx context.Context, slug string) (media.Image, error)
	Articles(ctx context.Context, f catalog.ArticleFilter, p catalog.PageRequest) (catalog.Page[catalog.Article], error)
	Article(ctx context.Context, slug string) (catalog.Article, error)
	ArticleCover(ctx context.Context, slug string) (media.Image, error)
	FAQ(ctx context.Context) ([]catalog.FAQItem, error)
	Reviews(ctx context.Context, f catalog.ReviewFilter, p catalog.PageRequest) (catalog.Page[catalog.Review], error)
	// Contacts are the site's: the admin's, or its data file's.
	Contacts(ctx context.Context, site tenants.Site) (tenants.Contacts, error)
	SubmitReview(ctx context.Context, au catalog.Author, in catalog.ReviewInput) (catalog.Review, error)
}

// CatalogEditor is what the tenant admin changes (the admin API). Every
// method takes the admin's user id for the audit trail.
type CatalogEditor interface {
	PutServiceDetails(ctx context.Context, actor string, d catalog.ServiceDetails) (catalog.ServiceDetails, error)
	DeleteServiceDetails(ctx context.Context, actor string, ref catalog.PackageRef) error
	SpecialistByID(ctx context.Context, id string) (catalog.Specialist, error)
	CreateSpecialist(ctx context.Context, actor string, in catalog.Specialist) (catalog.Specialist, error)
	UpdateSpecialist(ctx context.Context, actor string, in catalog.Specialist) (catalog.Specialist, error)
	DeleteSpecialist(ctx context.Context, actor, id string) error
	PutSpecialistPhoto(ctx context.Context, actor, id string, img media.Image) (catalog.Specialist, error)
	DeleteSpecialistPhoto(ctx context.Context, actor, id string) (catalog.Specialist, error)
	ArticleByID(ctx context.Context, id string) (catalog.Article, error)
	CreateArticle(ctx context.Context, actor string, in catalog.Article) (catalog.Article, error)
	UpdateArticle(ctx context.Context, actor string, in catalog.Article) (catalog.Article, error)
	DeleteArticle(ctx context.Context, actor, id string) error
	PutArticleCover(ctx context.Context, actor, id string, img media.Image) (catalog.Article, error)
	DeleteArticleCover(ctx context.Context, actor, id string) (catalog.Article, error)
	AllFAQ(ctx context.Context) ([]catalog.FAQItem, error)
	CreateFAQ(ctx context.Context, actor string, in catalog.FAQItem) (catalog.FAQItem, error)
	UpdateFAQ(ctx context.Context, actor string, in catalog.FAQItem) (catalog.FAQItem, error)
	DeleteFAQ(ctx context.Context, actor, id string) error
	ReorderFAQ(ctx context.Context, actor string, ids []string) ([]catalog.FAQItem, error)
	AdminContacts(ctx context.Context, site tenants.Site) (tenants.Contacts, bool, error)
	PutContacts(ctx context.Context, actor, siteID string, c tenants.Contacts) (tenants.Contacts, error)
	ResetContacts(ctx context.Context, actor string, site tenants.Site) (tenants.Contacts, error)
	PublishReview(ctx context.Context, actor, id string) (catalog.Review, error)
	RejectReview(ctx context.Context, actor, id, reason string) (catalog.Review, error)
	Audit(ctx context.Context, p catalog.PageRequest) (catalog.Page[catalog.AuditEntry], error)
}

// Catalog is the catalogue service (*catalog.Service).
type Catalog interface {
	CatalogContent
	CatalogEditor
}

// catalogRoutes registers the catalogue's API (issue 4): public reads
// for every visitor of the site, reviews from signed-in customers, and the
// admin's editing behind casbin — catalog:write for content,
// reviews:manage for moderation (configs/rbac/policy.csv).
func (s *Server) catalogRoutes(api fiber.Router) {
	s.handle(api, fiber.MethodGet, "/catalog/services", s.catalogServices)
	s.handle(api, fiber.MethodGet, "/catalog/services/:offer/:code", s.catalogService)
	s.handle(api, fiber.MethodGet, "/catalog/specialists", s.catalogSpecialists)
	s.handle(api, fiber.MethodGet, "/catalog/specialists/:slug", s.catalogSpecialist)
	s.handle(api, fiber.MethodGet, "/catalog/specialists/:slug/photo", s.catalogSpecialistPhoto)
	s.handle(api, fiber.MethodGet, "/catalog/articles", s.catalogArticles)
	s.handle(api, fiber.MethodGet, "/catalog/articles/:slug", s.catalogArticle)
	s.handle(api, fiber.MethodGet, "/catalog/articles/:slug/cover", s.catalogArticleCover)
	s.handle(api, fiber.MethodGet, "/catalog/faq", s.catalogFAQ)
	s.handle(api, fiber.MethodGet, "/catalog/reviews", s.catalogReviews)
	s.handle(api, fiber.MethodPost, "/catalog/reviews", requireUser, s.submitReview)
	s.handle(api, fiber.MethodGet, "/catalog/contacts", s.catalogContacts)
	s.handle(api, fiber.MethodGet, "/catalog/documents", s.catalogDocuments)

	write := s.requirePermission("catalog", "write")
	s.handle(api, fiber.MethodPut, "/admin/catalog/services/:offer/:code", write, s.putServiceDetails)
	s.handle(api, fiber.MethodDelete, "/admin/catalog/services/:offer/:code", write, s.deleteServiceDetails)
	s.handle(api, fiber.MethodGet, "/admin/catalog/specialists", write, s.adminSpecialists)
	s.handle(api, fiber.MethodPost, "/admin/catalog/specialists", write, s.createSpecialist)
	s.handle(api, fiber.MethodGet, "/admin/catalog/specialists/:id", write, s.adminSpecialist)
	s.handle(api, fiber.MethodPut, "/admin/catalog/specialists/:id", write, s.updateSpecialist)
	s.handle(api, fiber.MethodDelete, "/admin/catalog/specialists/:id", write, s.deleteSpecialist)
	s.handle(api, fiber.MethodPut, "/admin/catalog/specialists/:id/photo", write, s.putSpecialistPhoto)
	s.handle(api, fiber.MethodDelete, "/admin/catalog/specialists/:id/photo", write, s.deleteSpecialistPhoto)
	s.handle(api, fiber.MethodGet, "/admin/catalog/articles", write, s.adminArticles)
	s.handle(api, fiber.MethodPost, "/admin/catalog/articles", write, s.createArticle)
	s.handle(api, fiber.MethodGet, "/admin/catalog/articles/:id", write, s.adminArticle)
	s.handle(api, fiber.MethodPut, "/admin/catalog/articles/:id", write, s.updateArticle)
	s.handle(api, fiber.MethodDelete, "/admin/catalog/articles/:id", write, s.deleteArticle)
	s.handle(api, fiber.MethodPut, "/admin/catalog/articles/:id/cover", write, s.putArticleCover)
	s.handle(api, fiber.MethodDelete, "/admin/catalog/articles/:id/cover", write, s.deleteArticleCover)
	s.handle(api, fiber.MethodGet, "/admin/catalog/faq", write, s.adminFAQ)
	s.handle(api, fiber.MethodPost, "/admin/catalog/faq", write, s.createFAQ)
	s.handle(api, fiber.MethodPut, "/admin/catalog/faq/order", write, s.reorderFAQ) // before /faq/:id
	s.handle(api, fiber.MethodPut, "/admin/catalog/faq/:id", write, s.updateFAQ)
	s.handle(api, fiber.MethodDelete, "/admin/catalog/faq/:id", write, s.deleteFAQ)
	s.handle(api, fiber.MethodGet, "/admin/catalog/contacts", write, s.adminContacts)
	s.handle(api, fiber.MethodPut, "/admin/catalog/contacts", write, s.putContacts)
	s.handle(api, fiber.MethodDelete, "/admin/catalog/contacts", write, s.resetContacts)
	s.handle(api, fiber.MethodGet, "/admin/catalog/audit", write, s.catalogAudit)

	moderate := s.requirePermission("reviews", "manage")
	s.handle(api, fiber.MethodGet, "/admin/catalog/reviews", moderate, s.adminReviews)
	s.handle(api, fiber.MethodPost, "/admin/catalog/reviews/:id/publish", moderate, s.publishReview)
	s.handle(api, fiber.MethodPost, "/admin/catalog/reviews/:id/reject", moderate, s.rejectReview)
}

// pathParam returns a path parameter decoded: package codes are Cyrillic
// and carry "+" (КЕША+), which clients percent-encode. A malformed
// escape names nothing: 404.
func pathParam(c *fiber.Ctx, name string) (string, error) {
	v, err := url.PathUnescape(c.Params(name))
	if err != nil {
		return "", errs.ErrNotFound
	}
	return v, nil
}

// packageParam is the {offer}/{code} of a service route.
func packageParam(c *fiber.Ctx) (catalog.PackageRef, error) {
	offer, err := pathParam(c, "offer")
	if err != nil {
		return catalog.PackageRef{}, err
	}
	code, err := pathParam(c, "code")
	if err != nil {
		return catalog.PackageRef{}, err
	}
	return catalog.PackageRef{OfferID: offer, Code: code}, nil
}

// pageOf reads ?limit= and ?cursor=; bad values are a localised 422.
func pageOf(c *fiber.Ctx) (catalog.PageRequest, error) {
	return catalog.ParsePage(c.Query("limit"), c.Query("cursor"))
}

// catalogServiceJSON is a service card: the package as its offer file
// describes it, with the catalogue's details.
type catalogServiceJSON struct {
	OfferID         string         `json:"offer_id"`
	OfferTitle      string         `json:"offer_title"`
	PackageCode     string         `json:"package_code"`
	Title           string         `json:"title"`
	Summary         string         `json:"summary,omitempty"` // the offer file's short description
	Price           *int64         `json:"price"`             // kopecks; null when set per certificate
	Currency        string         `json:"currency"`
	Term            tenants.Term   `json:"term"`
	Quotas          map[string]int `json:"quotas"`
	Formats         []string       `json:"formats"`
	Description     string         `json:"description"` // Markdown
	DescriptionHTML string         `json:"description_html,omitempty"`
	Featured        bool           `json:"featured"`
	SortOrder       int            `json:"sort_order"`
}

func toCatalogService(o catalog.Offering, lang string, withHTML bool) catalogServiceJSON {
	out := catalogServiceJSON{OfferID: o.OfferID, OfferTitle: o.OfferTitle.In(lang), PackageCode: o.Package.Code,
		Title: o.Package.Title, Summary: o.Package.Description.In(lang), Price: o.Package.Price, Currency: o.Currency,
		Term: o.Package.Term, Quotas: o.Package.Quotas, Formats: nonNil(o.Formats()), Description: o.Details.Description,
		Featured: o.Details.Featured, SortOrder: o.Details.SortOrder}
	if out.Quotas == nil {
		out.Quotas = map[string]int{}
	}
	if withHTML && o.Details.Description != "" {
		out.DescriptionHTML = string(catalog.RenderMarkdown(o.Details.Description))
	}
	return out
}

// catalogServices is GET /api/v1/catalog/services: the site's services
// (?featured=true: the home carousel's).
func (s *Server) catalogServices(c *fiber.Ctx) error {
	si := site(c)
	list, err := s.Catalog.Services(c.UserContext(), catalog.ServiceFilter{OfferIDs: si.Site.Offers,
		Featured: c.QueryBool("featured")})
	if err != nil {
		return err
	}
	lang := langOf(c)
	out := make([]catalogServiceJSON, 0, len(list))
	for _, o := range list {
		out = append(out, toCatalogService(o, lang, false))
	}
	return c.JSON(fiber.Map{"services": out})
}

func (s *Server) catalogService(c *fiber.Ctx) error {
	ref, err := packageParam(c)
	if err != nil {
		return err
	}
	o, err := s.Catalog.ServiceOf(c.UserContext(), site(c).Site.Offers, ref)
	if err != nil {
		return err
	}
	return c.JSON(toCatalogService(o, langOf(c), true))
}

type packageRefJSON struct {
	OfferID     string `json:"offer_id"`
	PackageCode string `json:"package_code"`
}

// specialistJSON is a specialist as visitors see them.
type specialistJSON struct {
	Slug            string           `json:"slug"`
	Name            string           `json:"name"`
	Specialisations []string         `json:"specialisations"`
	Animals         []string         `json:"animals"`
	CareerStartYear *int             `json:"career_start_year"`
	ExperienceYears *int             `json:"experience_years"`
	About           string           `json:"about"`
	AboutHTML       string           `json:"about_html,omitempty"`
	Education       string           `json:"education"`
	EducationHTML   string           `json:"education_html,omitempty"`
	Packages        []packageRefJSON `json:"packages"`
	PhotoURL        *string          `json:"photo_url"`
	// Services are the specialist's packages that this site sells, as
	// cards (detail only).
	Services []catalogServiceJSON `json:"services,omitempty"`
}

func toSpecialistJSON(sp catalog.Specialist, withHTML bool) specialistJSON {
	out := specialistJSON{Slug: sp.Slug, Name: sp.Name, Specialisations: nonNil(sp.Specialisations),
		Animals: nonNil(sp.Animals), About: sp.About, Education: sp.Education, Packages: []packageRefJSON{}}
	if sp.CareerStartYear != 0 {
		y, n := sp.CareerStartYear, sp.ExperienceYears
		out.CareerStartYear, out.ExperienceYears = &y, &n
	}
	for _, p := range sp.Packages {
		out.Packages = append(out.Packages, packageRefJSON{OfferID: p.OfferID, PackageCode: p.Code})
	}
	if sp.PhotoID != "" {
		u := "/api/v1/catalog/specialists/" + url.PathEscape(sp.Slug) + "/photo?v=" + url.QueryEscape(sp.PhotoID)
		out.PhotoURL = &u
	}
	if withHTML {
		if sp.About != "" {
			out.AboutHTML = string(catalog.RenderMarkdown(sp.About))
		}
		if sp.Education != "" {
			out.EducationHTML = string(catalog.RenderMarkdown(sp.Education))
		}
	}
	return out
}

// catalogSpecialists is GET /api/v1/catalog/specialists, paged, with
// ?specialisation= and ?animal= filters (any case).
func (s *Server) catalogSpecialists(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	page, err := s.Catalog.Specialists(c.UserContext(), catalog.SpecialistFilter{
		Specialisation: c.Query("specialisation"), Animal: c.Query("animal")}, p)
	if err != nil {
		return err
	}
	out := make([]specialistJSON, 0, len(page.Items))
	for _, sp := range page.Items {
		out = append(out, toSpecialistJSON(sp, false))
	}
	return c.JSON(fiber.Map{"specialists": out, "next_cursor": nextCursor(page.Next)})
}

// nextCursor is null on the last page.
func nextCursor(next string) *string {
	if next == "" {
		return nil
	}
	return &next
}

func (s *Server) catalogSpecialist(c *fiber.Ctx) error {
	slug, err := pathParam(c, "slug")
	if err != nil {
		return err
	}
	sp, err := s.Catalog.Specialist(c.UserContext(), slug)
	if err != nil {
		return err
	}
	out := toSpecialistJSON(sp, true)
	if len(sp.Packages) > 0 {
		services, err := s.Catalog.Services(c.UserContext(), catalog.ServiceFilter{OfferIDs: site(c).Site.Offers,
			Packages: sp.Packages})
		if err != nil {
			return err
		}
		lang := langOf(c)
		for _, o := range services {
			out.Services = append(out.Services, toCatalogService(o, lang, false))
		}
	}
	return c.JSON(out)
}

// sendPicture answers a catalogue picture; pictures are public. The URLs
// the API gives carry the picture's id (?v=), which changes with every
// upload, so those may be cached for a day; a bare URL only briefly.
func sendPicture(c *fiber.Ctx, img media.Image) error {
	c.Set(fiber.HeaderContentType, img.ContentType)
	if c.Query("v") != "" {
		c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	return c.Send(img.Bytes)
}

func (s *Server) catalogSpecialistPhoto(c *fiber.Ctx) error {
	slug, err := pathParam(c, "slug")
	if err != nil {
		return err
	}
	img, err := s.Catalog.SpecialistPhoto(c.UserContext(), slug)
	if err != nil {
		return err
	}
	return sendPicture(c, img)
}

// articleJSON is an article as visitors see it; the body only on its page.
type articleJSON struct {
	Slug        string     `json:"slug"`
	Title       string     `json:"title"`
	Summary     string     `json:"summary"`
	Category    string     `json:"category"`
	PublishedAt *time.Time `json:"published_at"`
	CoverURL    *string    `json:"cover_url"`
	Body        string     `json:"body,omitempty"`
	BodyHTML    string     `json:"body_html,omitempty"`
}

func toArticleJSON(a catalog.Article, withBody bool) articleJSON {
	out := articleJSON{Slug: a.Slug, Title: a.Title, Summary: a.Summary, Category: a.Category, PublishedAt: a.PublishedAt}
	if a.CoverID != "" {
		u := "/api/v1/catalog/articles/" + url.PathEscape(a.Slug) + "/cover?v=" + url.QueryEscape(a.CoverID)
		out.CoverURL = &u
	}
	if withBody {
		out.Body = a.Body
		out.BodyHTML = string(catalog.RenderMarkdown(a.Body))
	}
	return out
}

// catalogArticles is GET /api/v1/catalog/articles: published articles,
// newest first, paged; ?category=blog|vet_tips|….
func (s *Server) catalogArticles(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	page, err := s.Catalog.Articles(c.UserContext(), catalog.ArticleFilter{Category: c.Query("category")}, p)
	if err != nil {
		return err
	}
	out := make([]articleJSON, 0, len(page.Items))
	for _, a := range page.Items {
		out = append(out, toArticleJSON(a, false))
	}
	return c.JSON(fiber.Map{"articles": out, "next_cursor": nextCursor(page.Next)})
}

func (s *Server) catalogArticle(c *fiber.Ctx) error {
	slug, err := pathParam(c, "slug")
	if err != nil {
		return err
	}
	a, err := s.Catalog.Article(c.UserContext(), slug)
	if err != nil {
		return err
	}
	return c.JSON(toArticleJSON(a, true))
}

func (s *Server) catalogArticleCover(c *fiber.Ctx) error {
	slug, err := pathParam(c, "slug")
	if err != nil {
		return err
	}
	img, err := s.Catalog.ArticleCover(c.UserContext(), slug)
	if err != nil {
		return err
	}
	return sendPicture(c, img)
}

type faqJSON struct {
	ID         string `json:"id"`
	Question   string `json:"question"`
	Answer     string `json:"answer"`
	AnswerHTML string `json:"answer_html"`
	Position   int    `json:"position"`
}

func toFAQJSON(it catalog.FAQItem) faqJSON {
	return faqJSON{ID: it.ID, Question: it.Question, Answer: it.Answer,
		AnswerHTML: string(catalog.RenderMarkdown(it.Answer)), Position: it.Position}
}

// catalogFAQ is GET /api/v1/catalog/faq: the published questions in the
// admin's order (seed 000, fig. 7).
func (s *Server) catalogFAQ(c *fiber.Ctx) error {
	list, err := s.Catalog.FAQ(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]faqJSON, 0, len(list))
	for _, it := range list {
		out = append(out, toFAQJSON(it))
	}
	return c.JSON(fiber.Map{"faq": out})
}

// reviewJSON is a review as visitors see it: the author's name, never
// their account.
type reviewJSON struct {
	ID          string    `json:"id"`
	AuthorName  string    `json:"author_name"`
	Rating      int       `json:"rating"`
	Text        string    `json:"text"`
	Specialist  string    `json:"specialist,omitempty"` // slug
	OfferID     string    `json:"offer_id,omitempty"`
	PackageCode string    `json:"package_code,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

func toReviewJSON(r catalog.Review) reviewJSON {
	out := reviewJSON{ID: r.ID, AuthorName: r.AuthorName, Rating: r.Rating, Text: r.Text, Specialist: r.SpecialistSlug,
		CreatedAt: r.CreatedAt}
	if r.Package != nil {
		out.OfferID, out.PackageCode = r.Package.OfferID, r.Package.Code
	}
	return out
}

// reviewFilter reads the filters both review lists share: ?specialist=
// (a slug) and ?offer_id= with ?package_code=.
func reviewFilter(c *fiber.Ctx) catalog.ReviewFilter {
	f := catalog.ReviewFilter{SpecialistSlug: c.Query("specialist")}
	if offer, code := c.Query("offer_id"), c.Query("package_code"); offer != "" || code != "" {
		f.Package = &catalog.PackageRef{OfferID: offer, Code: code}
	}
	return f
}

// catalogReviews is GET /api/v1/catalog/reviews: published reviews,
// newest first, paged.
func (s *Server) catalogReviews(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	page, err := s.Catalog.Reviews(c.UserContext(), reviewFilter(c), p)
	if err != nil {
		return err
	}
	out := make([]reviewJSON, 0, len(page.Items))
	for _, r := range page.Items {
		out = append(out, toReviewJSON(r))
	}
	return c.JSON(fiber.Map{"reviews": out, "next_cursor": nextCursor(page.Next)})
}

// submitReview is POST /api/v1/catalog/reviews: a signed-in customer's
// review, pending until the tenant admin publishes it.
func (s *Server) submitReview(c *fiber.Ctx) error {
	var in struct {
		AuthorName  string `json:"author_name"`
		Rating      int    `json:"rating"`
		Text        string `json:"text"`
		Specialist  string `json:"specialist"`
		OfferID     string `json:"offer_id"`
		PackageCode string `json:"package_code"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u := currentUser(c)
	ri := catalog.ReviewInput{AuthorName: in.AuthorName, Rating: in.Rating, Text: in.Text, SpecialistSlug: in.Specialist}
	if in.OfferID != "" || in.PackageCode != "" {
		ri.Package = &catalog.PackageRef{OfferID: in.OfferID, Code: in.PackageCode}
	}
	customer, err := s.isCustomer(c, u)
	if err != nil {
		return err
	}
	// Without an author_name the review is signed with the first name
	// only: a public page needs no more of a customer's personal data.
	r, err := s.Catalog.SubmitReview(c.UserContext(), catalog.Author{UserID: u.ID, Name: u.Name, Customer: customer}, ri)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAdminReviewJSON(r))
}

// isCustomer reports whether u is only a customer of this site's tenant:
// a customer account holding no staff role here. Staff who signed up by
// phone are customer accounts too, but their reviews would be the
// service praising itself.
func (s *Server) isCustomer(c *fiber.Ctx, u *auth.User) (bool, error) {
	if u.Kind != auth.KindCustomer {
		return false, nil
	}
	if s.RBAC == nil {
		return true, nil
	}
	roles, err := s.RBAC.Roles(c.UserContext(), u.ID, site(c).Tenant.ID)
	if err != nil {
		return false, err
	}
	for _, r := range roles {
		if r != rbac.Customer {
			return false, nil
		}
	}
	return true, nil
}

// catalogContacts is GET /api/v1/catalog/contacts: the site's contacts
// (seed 000, «Контакты»), as GET /site shows them.
func (s *Server) catalogContacts(c *fiber.Ctx) error {
	ct, err := s.Catalog.Contacts(c.UserContext(), site(c).Site)
	if err != nil {
		return err
	}
	return c.JSON(toContacts(ct, langOf(c)))
}

// catalogDocuments is GET /api/v1/catalog/documents: the site's legal
// documents with the version an order records; they are tenant data
// (tenant.yaml), rendered at /legal/{id}.
func (s *Server) catalogDocuments(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"documents": toDocuments(site(c).Site.Documents, langOf(c))})
}
