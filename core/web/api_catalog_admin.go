package web

import (
	"bytes"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/media"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/tenants"
)

// The tenant admin's catalogue API (/api/v1/admin/catalog/…). Routes are
// guarded by casbin (catalogRoutes); the tenant is the site's, so an admin
// of one tenant reaches only that tenant's rows — another's answer 404.
// Every change names the admin in the audit trail.

func actor(c *fiber.Ctx) string { return currentUser(c).ID }

type serviceDetailsJSON struct {
	OfferID     string    `json:"offer_id"`
	PackageCode string    `json:"package_code"`
	Description string    `json:"description"`
	Formats     []string  `json:"formats"`
	SortOrder   int       `json:"sort_order"`
	Featured    bool      `json:"featured"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// putServiceDetails is PUT /admin/catalog/services/{offer}/{code}: the
// details of a package, replaced whole.
func (s *Server) putServiceDetails(c *fiber.Ctx) error {
	ref, err := packageParam(c)
	if err != nil {
		return err
	}
	var in struct {
		Description string   `json:"description"`
		Formats     []string `json:"formats"`
		SortOrder   int      `json:"sort_order"`
		Featured    bool     `json:"featured"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.Catalog.PutServiceDetails(c.UserContext(), actor(c), catalog.ServiceDetails{OfferID: ref.OfferID,
		PackageCode: ref.Code, Description: in.Description, Formats: in.Formats, SortOrder: in.SortOrder, Featured: in.Featured})
	if err != nil {
		return err
	}
	return c.JSON(serviceDetailsJSON{OfferID: d.OfferID, PackageCode: d.PackageCode, Description: d.Description,
		Formats: nonNil(d.Formats), SortOrder: d.SortOrder, Featured: d.Featured, UpdatedAt: d.UpdatedAt})
}

func (s *Server) deleteServiceDetails(c *fiber.Ctx) error {
	ref, err := packageParam(c)
	if err != nil {
		return err
	}
	if err := s.Catalog.DeleteServiceDetails(c.UserContext(), actor(c), ref); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// adminSpecialistJSON adds what only the admin sees.
type adminSpecialistJSON struct {
	specialistJSON
	ID        string    `json:"id"`
	Published bool      `json:"published"`
	SortOrder int       `json:"sort_order"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toAdminSpecialistJSON(sp catalog.Specialist) adminSpecialistJSON {
	return adminSpecialistJSON{specialistJSON: toSpecialistJSON(sp, false), ID: sp.ID, Published: sp.Published,
		SortOrder: sp.SortOrder, CreatedAt: sp.CreatedAt, UpdatedAt: sp.UpdatedAt}
}

// specialistIn is a specialist as the admin sends it: every field, for
// a create or a whole replacement.
type specialistIn struct {
	Slug            string           `json:"slug"`
	Name            string           `json:"name"`
	Specialisations []string         `json:"specialisations"`
	Animals         []string         `json:"animals"`
	CareerStartYear int              `json:"career_start_year"`
	About           string           `json:"about"`
	Education       string           `json:"education"`
	Packages        []packageRefJSON `json:"packages"`
	Published       bool             `json:"published"`
	SortOrder       int              `json:"sort_order"`
}

func (in specialistIn) toSpecialist(id string) catalog.Specialist {
	sp := catalog.Specialist{ID: id, Slug: in.Slug, Name: in.Name, Specialisations: in.Specialisations, Animals: in.Animals,
		CareerStartYear: in.CareerStartYear, About: in.About, Education: in.Education, Published: in.Published,
		SortOrder: in.SortOrder}
	for _, p := range in.Packages {
		sp.Packages = append(sp.Packages, catalog.PackageRef{OfferID: p.OfferID, Code: p.PackageCode})
	}
	return sp
}

// adminSpecialists lists every specialist, published or not, in order.
func (s *Server) adminSpecialists(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	page, err := s.Catalog.Specialists(c.UserContext(), catalog.SpecialistFilter{Unpublished: true,
		Specialisation: c.Query("specialisation"), Animal: c.Query("animal")}, p)
	if err != nil {
		return err
	}
	out := make([]adminSpecialistJSON, 0, len(page.Items))
	for _, sp := range page.Items {
		out = append(out, toAdminSpecialistJSON(sp))
	}
	return c.JSON(fiber.Map{"specialists": out, "next_cursor": nextCursor(page.Next)})
}

func (s *Server) adminSpecialist(c *fiber.Ctx) error {
	sp, err := s.Catalog.SpecialistByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toAdminSpecialistJSON(sp))
}

func (s *Server) createSpecialist(c *fiber.Ctx) error {
	var in specialistIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sp, err := s.Catalog.CreateSpecialist(c.UserContext(), actor(c), in.toSpecialist(""))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAdminSpecialistJSON(sp))
}

func (s *Server) updateSpecialist(c *fiber.Ctx) error {
	var in specialistIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sp, err := s.Catalog.UpdateSpecialist(c.UserContext(), actor(c), in.toSpecialist(c.Params("id")))
	if err != nil {
		return err
	}
	return c.JSON(toAdminSpecialistJSON(sp))
}

func (s *Server) deleteSpecialist(c *fiber.Ctx) error {
	if err := s.Catalog.DeleteSpecialist(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// readPicture takes an uploaded picture as the multipart field or as the
// raw body, and returns it processed — sniffed by its magic bytes,
// decoded, downscaled, re-encoded — never as sent (SECURITY.md 14). At
// most two decode at a time per node: a large photo costs ~200 MB for a
// moment.
func (s *Server) readPicture(c *fiber.Ctx, field string) (media.Image, error) {
	var data []byte
	if fh, err := c.FormFile(field); err == nil {
		if fh.Size > maxAvatarBytes {
			return media.Image{}, media.ErrTooLarge.With(map[string]any{"MaxMB": maxAvatarBytes >> 20})
		}
		f, err := fh.Open()
		if err != nil {
			return media.Image{}, errs.Wrap(errs.KindBadRequest, "errors.bad_request", err)
		}
		defer f.Close()
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(f); err != nil {
			return media.Image{}, errs.Wrap(errs.KindBadRequest, "errors.bad_request", err)
		}
		data = buf.Bytes()
	} else {
		data = c.Body()
	}
	select {
	case s.avatarSlots <- struct{}{}:
	case <-c.UserContext().Done():
		return media.Image{}, errs.ErrUnavailable
	}
	defer func() { <-s.avatarSlots }()
	return media.ProcessAvatar(bytes.NewReader(data), maxAvatarBytes)
}

func (s *Server) putSpecialistPhoto(c *fiber.Ctx) error {
	img, err := s.readPicture(c, "photo")
	if err != nil {
		return err
	}
	sp, err := s.Catalog.PutSpecialistPhoto(c.UserContext(), actor(c), c.Params("id"), img)
	if err != nil {
		return err
	}
	return c.JSON(toAdminSpecialistJSON(sp))
}

func (s *Server) deleteSpecialistPhoto(c *fiber.Ctx) error {
	sp, err := s.Catalog.DeleteSpecialistPhoto(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toAdminSpecialistJSON(sp))
}

// adminArticleJSON adds what only the admin sees: the id, drafts'
// null published_at, the body in lists.
type adminArticleJSON struct {
	articleJSON
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toAdminArticleJSON(a catalog.Article) adminArticleJSON {
	out := adminArticleJSON{articleJSON: toArticleJSON(a, false), ID: a.ID, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	out.Body = a.Body
	return out
}

type articleIn struct {
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	Summary  string `json:"summary"`
	Body     string `json:"body"`
	Category string `json:"category"`
	// PublishedAt is RFC 3339; null or absent keeps it a draft.
	PublishedAt *time.Time `json:"published_at"`
}

func (in articleIn) toArticle(id string) catalog.Article {
	return catalog.Article{ID: id, Slug: in.Slug, Title: in.Title, Summary: in.Summary, Body: in.Body, Category: in.Category,
		PublishedAt: in.PublishedAt}
}

// adminArticles lists every article — drafts and scheduled ones too —
// newest created first.
func (s *Server) adminArticles(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	page, err := s.Catalog.Articles(c.UserContext(), catalog.ArticleFilter{Drafts: true, Category: c.Query("category")}, p)
	if err != nil {
		return err
	}
	out := make([]adminArticleJSON, 0, len(page.Items))
	for _, a := range page.Items {
		out = append(out, toAdminArticleJSON(a))
	}
	return c.JSON(fiber.Map{"articles": out, "next_cursor": nextCursor(page.Next)})
}

func (s *Server) adminArticle(c *fiber.Ctx) error {
	a, err := s.Catalog.ArticleByID(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toAdminArticleJSON(a))
}

func (s *Server) createArticle(c *fiber.Ctx) error {
	var in articleIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.Catalog.CreateArticle(c.UserContext(), actor(c), in.toArticle(""))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAdminArticleJSON(a))
}

func (s *Server) updateArticle(c *fiber.Ctx) error {
	var in articleIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.Catalog.UpdateArticle(c.UserContext(), actor(c), in.toArticle(c.Params("id")))
	if err != nil {
		return err
	}
	return c.JSON(toAdminArticleJSON(a))
}

func (s *Server) deleteArticle(c *fiber.Ctx) error {
	if err := s.Catalog.DeleteArticle(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) putArticleCover(c *fiber.Ctx) error {
	img, err := s.readPicture(c, "cover")
	if err != nil {
		return err
	}
	a, err := s.Catalog.PutArticleCover(c.UserContext(), actor(c), c.Params("id"), img)
	if err != nil {
		return err
	}
	return c.JSON(toAdminArticleJSON(a))
}

func (s *Server) deleteArticleCover(c *fiber.Ctx) error {
	a, err := s.Catalog.DeleteArticleCover(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toAdminArticleJSON(a))
}

type adminFAQJSON struct {
	faqJSON
	Published bool      `json:"published"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toAdminFAQJSON(it catalog.FAQItem) adminFAQJSON {
	return adminFAQJSON{faqJSON: toFAQJSON(it), Published: it.Published, UpdatedAt: it.UpdatedAt}
}

func adminFAQList(list []catalog.FAQItem) fiber.Map {
	out := make([]adminFAQJSON, 0, len(list))
	for _, it := range list {
		out = append(out, toAdminFAQJSON(it))
	}
	return fiber.Map{"faq": out}
}

// faqIn is a question as the admin sends it. Published defaults to true:
// a question added is meant to be seen.
type faqIn struct {
	Question  string `json:"question"`
	Answer    string `json:"answer"`
	Published *bool  `json:"published"`
}

func (in faqIn) toItem(id string) catalog.FAQItem {
	return catalog.FAQItem{ID: id, Question: in.Question, Answer: in.Answer, Published: in.Published == nil || *in.Published}
}

func (s *Server) adminFAQ(c *fiber.Ctx) error {
	list, err := s.Catalog.AllFAQ(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(adminFAQList(list))
}

func (s *Server) createFAQ(c *fiber.Ctx) error {
	var in faqIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	it, err := s.Catalog.CreateFAQ(c.UserContext(), actor(c), in.toItem(""))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAdminFAQJSON(it))
}

func (s *Server) updateFAQ(c *fiber.Ctx) error {
	var in faqIn
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	it, err := s.Catalog.UpdateFAQ(c.UserContext(), actor(c), in.toItem(c.Params("id")))
	if err != nil {
		return err
	}
	return c.JSON(toAdminFAQJSON(it))
}

func (s *Server) deleteFAQ(c *fiber.Ctx) error {
	if err := s.Catalog.DeleteFAQ(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// reorderFAQ is PUT /admin/catalog/faq/order {"ids": [...]}: every
// question's id once, in the new order.
func (s *Server) reorderFAQ(c *fiber.Ctx) error {
	var in struct {
		IDs []string `json:"ids"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	list, err := s.Catalog.ReorderFAQ(c.UserContext(), actor(c), in.IDs)
	if err != nil {
		return err
	}
	return c.JSON(adminFAQList(list))
}

// adminContactsJSON is the site's contacts as the admin edits them: the
// texts in every language, and whether they differ from the data file's.
type adminContactsJSON struct {
	Contacts   tenants.Contacts `json:"contacts"`
	Customised bool             `json:"customised"`
}

func adminContactsOf(ct tenants.Contacts, custom bool) adminContactsJSON {
	ct.Phones, ct.Hours, ct.Social = nonNil(ct.Phones), nonNil(ct.Hours), nonNil(ct.Social)
	for i := range ct.Hours {
		ct.Hours[i].Days = nonNil(ct.Hours[i].Days)
	}
	return adminContactsJSON{Contacts: ct, Customised: custom}
}

func (s *Server) adminContacts(c *fiber.Ctx) error {
	ct, custom, err := s.Catalog.AdminContacts(c.UserContext(), site(c).Site)
	if err != nil {
		return err
	}
	return c.JSON(adminContactsOf(ct, custom))
}

// putContacts is PUT /admin/catalog/contacts: the contacts of this site
// (the Host's), replaced whole.
func (s *Server) putContacts(c *fiber.Ctx) error {
	var in tenants.Contacts
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ct, err := s.Catalog.PutContacts(c.UserContext(), actor(c), site(c).Site.ID, in)
	if err != nil {
		return err
	}
	return c.JSON(adminContactsOf(ct, true))
}

// resetContacts is DELETE /admin/catalog/contacts: back to the data
// file's contacts.
func (s *Server) resetContacts(c *fiber.Ctx) error {
	ct, err := s.Catalog.ResetContacts(c.UserContext(), actor(c), site(c).Site)
	if err != nil {
		return err
	}
	return c.JSON(adminContactsOf(ct, false))
}

type adminReviewJSON struct {
	reviewJSON
	Status       string     `json:"status"`
	RejectReason string     `json:"reject_reason,omitempty"`
	ModeratedAt  *time.Time `json:"moderated_at"`
}

func toAdminReviewJSON(r catalog.Review) adminReviewJSON {
	return adminReviewJSON{reviewJSON: toReviewJSON(r), Status: string(r.Status), RejectReason: r.RejectReason,
		ModeratedAt: r.ModeratedAt}
}

// adminReviews is the moderation queue: ?status=pending (the default),
// published, rejected or all.
func (s *Server) adminReviews(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	f := reviewFilter(c)
	switch st := strings.TrimSpace(c.Query("status", string(catalog.ReviewPending))); st {
	case "all":
		f.Statuses = []catalog.ReviewStatus{catalog.ReviewPending, catalog.ReviewPublished, catalog.ReviewRejected}
	default:
		f.Statuses = []catalog.ReviewStatus{catalog.ReviewStatus(st)}
	}
	page, err := s.Catalog.Reviews(c.UserContext(), f, p)
	if err != nil {
		return err
	}
	out := make([]adminReviewJSON, 0, len(page.Items))
	for _, r := range page.Items {
		out = append(out, toAdminReviewJSON(r))
	}
	return c.JSON(fiber.Map{"reviews": out, "next_cursor": nextCursor(page.Next)})
}

func (s *Server) publishReview(c *fiber.Ctx) error {
	r, err := s.Catalog.PublishReview(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(toAdminReviewJSON(r))
}

func (s *Server) rejectReview(c *fiber.Ctx) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, err := s.Catalog.RejectReview(c.UserContext(), actor(c), c.Params("id"), in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(toAdminReviewJSON(r))
}

type auditJSON struct {
	ID       string    `json:"id"`
	ActorID  string    `json:"actor_id"`
	Action   string    `json:"action"`
	Entity   string    `json:"entity"`
	EntityID string    `json:"entity_id"`
	Summary  string    `json:"summary"`
	At       time.Time `json:"at"`
}

// catalogAudit is GET /admin/catalog/audit: who changed what, newest first.
func (s *Server) catalogAudit(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	page, err := s.Catalog.Audit(c.UserContext(), p)
	if err != nil {
		return err
	}
	out := make([]auditJSON, 0, len(page.Items))
	for _, a := range page.Items {
		out = append(out, auditJSON{ID: a.ID, ActorID: a.ActorID, Action: a.Action, Entity: a.Entity, EntityID: a.EntityID,
			Summary: a.Summary, At: a.At})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"entries": out, "next_cursor": nextCursor(page.Next)})
}
