package catalogdb

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/catalog"
)

// Row structs of the catalogue's tables; they never leave this package.

type serviceRow struct {
	bun.BaseModel `bun:"table:catalog_services"`
	TenantID      string    `bun:"tenant_id,pk"`
	OfferID       string    `bun:"offer_id,pk"`
	PackageCode   string    `bun:"package_code,pk"`
	Description   string    `bun:"description"`
	Formats       string    `bun:"formats"` // JSON array (jsonb on PostgreSQL)
	SortOrder     int       `bun:"sort_order"`
	Featured      bool      `bun:"featured"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

type specialistRow struct {
	bun.BaseModel   `bun:"table:catalog_specialists,alias:s"`
	TenantID        string    `bun:"tenant_id,pk"`
	ID              string    `bun:"id,pk"`
	Slug            string    `bun:"slug"`
	Name            string    `bun:"name"`
	CareerStartYear *int      `bun:"career_start_year"`
	About           string    `bun:"about"`
	Education       string    `bun:"education"`
	PhotoID         string    `bun:"photo_id"`
	Published       bool      `bun:"published"`
	SortOrder       int       `bun:"sort_order"`
	CreatedAt       time.Time `bun:"created_at"`
	UpdatedAt       time.Time `bun:"updated_at"`
}

// Kinds of specialist tags.
const (
	tagSpecialisation = "specialisation"
	tagAnimal         = "animal"
)

type tagRow struct {
	bun.BaseModel `bun:"table:catalog_specialist_tags"`
	TenantID      string `bun:"tenant_id,pk"`
	SpecialistID  string `bun:"specialist_id,pk"`
	Kind          string `bun:"kind,pk"`
	Position      int    `bun:"position,pk"`
	Value         string `bun:"value"`
	ValueKey      string `bun:"value_key"`
}

type specialistPackageRow struct {
	bun.BaseModel `bun:"table:catalog_specialist_packages"`
	TenantID      string `bun:"tenant_id,pk"`
	SpecialistID  string `bun:"specialist_id,pk"`
	Position      int    `bun:"position"`
	OfferID       string `bun:"offer_id,pk"`
	PackageCode   string `bun:"package_code,pk"`
}

type articleRow struct {
	bun.BaseModel `bun:"table:catalog_articles"`
	TenantID      string     `bun:"tenant_id,pk"`
	ID            string     `bun:"id,pk"`
	Slug          string     `bun:"slug"`
	Title         string     `bun:"title"`
	Summary       string     `bun:"summary"`
	Body          string     `bun:"body"`
	Category      string     `bun:"category"`
	CoverID       string     `bun:"cover_id"`
	PublishedAt   *time.Time `bun:"published_at"`
	CreatedAt     time.Time  `bun:"created_at"`
	UpdatedAt     time.Time  `bun:"updated_at"`
}

type faqRow struct {
	bun.BaseModel `bun:"table:catalog_faq"`
	TenantID      string    `bun:"tenant_id,pk"`
	ID            string    `bun:"id,pk"`
	Question      string    `bun:"question"`
	Answer        string    `bun:"answer"`
	Position      int       `bun:"position"`
	Published     bool      `bun:"published"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

type reviewRow struct {
	bun.BaseModel `bun:"table:catalog_reviews"`
	TenantID      string     `bun:"tenant_id,pk"`
	ID            string     `bun:"id,pk"`
	AuthorID      string     `bun:"author_id"`
	AuthorName    string     `bun:"author_name"`
	Rating        int        `bun:"rating"`
	Body          string     `bun:"body"`
	Target        string     `bun:"target"`
	SpecialistID  *string    `bun:"specialist_id"`
	OfferID       *string    `bun:"offer_id"`
	PackageCode   *string    `bun:"package_code"`
	Status        string     `bun:"status"`
	RejectReason  string     `bun:"reject_reason"`
	CreatedAt     time.Time  `bun:"created_at"`
	ModeratedAt   *time.Time `bun:"moderated_at"`
	ModeratedBy   string     `bun:"moderated_by"`
}

type contactsRow struct {
	bun.BaseModel `bun:"table:catalog_contacts"`
	TenantID      string    `bun:"tenant_id,pk"`
	SiteID        string    `bun:"site_id,pk"`
	Contacts      string    `bun:"contacts"` // tenants.Contacts as JSON
	UpdatedAt     time.Time `bun:"updated_at"`
	UpdatedBy     string    `bun:"updated_by"`
}

type auditRow struct {
	bun.BaseModel `bun:"table:catalog_audit"`
	TenantID      string    `bun:"tenant_id,pk"`
	ID            string    `bun:"id,pk"`
	ActorID       string    `bun:"actor_id"`
	Action        string    `bun:"action"`
	Entity        string    `bun:"entity"`
	EntityID      string    `bun:"entity_id"`
	Summary       string    `bun:"summary"`
	CreatedAt     time.Time `bun:"created_at"`
}

func toServiceRow(tenantID string, d catalog.ServiceDetails) (serviceRow, error) {
	formats := d.Formats
	if formats == nil {
		formats = []string{}
	}
	b, err := json.Marshal(formats)
	if err != nil {
		return serviceRow{}, fmt.Errorf("formats: %w", err)
	}
	return serviceRow{TenantID: tenantID, OfferID: d.OfferID, PackageCode: d.PackageCode, Description: d.Description,
		Formats: string(b), SortOrder: d.SortOrder, Featured: d.Featured, UpdatedAt: d.UpdatedAt.UTC()}, nil
}

func (r serviceRow) details() (catalog.ServiceDetails, error) {
	formats := []string{}
	if err := json.Unmarshal([]byte(r.Formats), &formats); err != nil {
		return catalog.ServiceDetails{}, fmt.Errorf("service %s/%s: formats: %w", r.OfferID, r.PackageCode, err)
	}
	return catalog.ServiceDetails{OfferID: r.OfferID, PackageCode: r.PackageCode, Description: r.Description,
		Formats: formats, SortOrder: r.SortOrder, Featured: r.Featured, UpdatedAt: r.UpdatedAt.UTC()}, nil
}

func toSpecialistRow(tenantID string, sp catalog.Specialist) specialistRow {
	r := specialistRow{TenantID: tenantID, ID: sp.ID, Slug: sp.Slug, Name: sp.Name, About: sp.About, Education: sp.Education,
		PhotoID: sp.PhotoID, Published: sp.Published, SortOrder: sp.SortOrder, CreatedAt: sp.CreatedAt.UTC(),
		UpdatedAt: sp.UpdatedAt.UTC()}
	if sp.CareerStartYear != 0 {
		y := sp.CareerStartYear
		r.CareerStartYear = &y
	}
	return r
}

func (r specialistRow) specialist() catalog.Specialist {
	sp := catalog.Specialist{ID: r.ID, Slug: r.Slug, Name: r.Name, About: r.About, Education: r.Education, PhotoID: r.PhotoID,
		Published: r.Published, SortOrder: r.SortOrder, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		Specialisations: []string{}, Animals: []string{}, Packages: []catalog.PackageRef{}}
	if r.CareerStartYear != nil {
		sp.CareerStartYear = *r.CareerStartYear
	}
	return sp
}

func toArticleRow(tenantID string, a catalog.Article) articleRow {
	r := articleRow{TenantID: tenantID, ID: a.ID, Slug: a.Slug, Title: a.Title, Summary: a.Summary, Body: a.Body,
		Category: a.Category, CoverID: a.CoverID, CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC()}
	if a.PublishedAt != nil {
		t := a.PublishedAt.UTC()
		r.PublishedAt = &t
	}
	return r
}

func (r articleRow) article() catalog.Article {
	a := catalog.Article{ID: r.ID, Slug: r.Slug, Title: r.Title, Summary: r.Summary, Body: r.Body, Category: r.Category,
		CoverID: r.CoverID, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.PublishedAt != nil {
		t := r.PublishedAt.UTC()
		a.PublishedAt = &t
	}
	return a
}

func (r faqRow) item() catalog.FAQItem {
	return catalog.FAQItem{ID: r.ID, Question: r.Question, Answer: r.Answer, Position: r.Position, Published: r.Published,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// reviewTarget is the value of target: one pending review per author and
// target (catalog_reviews_pending_key).
func reviewTarget(r catalog.Review) string {
	switch {
	case r.SpecialistID != "":
		return "specialist:" + r.SpecialistID
	case r.Package != nil:
		return "package:" + r.Package.OfferID + "/" + r.Package.Code
	default:
		return ""
	}
}

func toReviewRow(tenantID string, r catalog.Review) reviewRow {
	row := reviewRow{TenantID: tenantID, ID: r.ID, AuthorID: r.AuthorID, AuthorName: r.AuthorName, Rating: r.Rating,
		Body: r.Text, Target: reviewTarget(r), Status: string(r.Status), RejectReason: r.RejectReason,
		CreatedAt: r.CreatedAt.UTC(), ModeratedBy: r.ModeratedBy}
	if r.SpecialistID != "" {
		id := r.SpecialistID
		row.SpecialistID = &id
	}
	if r.Package != nil {
		o, c := r.Package.OfferID, r.Package.Code
		row.OfferID, row.PackageCode = &o, &c
	}
	if r.ModeratedAt != nil {
		t := r.ModeratedAt.UTC()
		row.ModeratedAt = &t
	}
	return row
}

func (r reviewRow) review() catalog.Review {
	out := catalog.Review{ID: r.ID, AuthorID: r.AuthorID, AuthorName: r.AuthorName, Rating: r.Rating, Text: r.Body,
		Status: catalog.ReviewStatus(r.Status), RejectReason: r.RejectReason, CreatedAt: r.CreatedAt.UTC(),
		ModeratedBy: r.ModeratedBy}
	if r.SpecialistID != nil {
		out.SpecialistID = *r.SpecialistID
	}
	if r.OfferID != nil && r.PackageCode != nil {
		out.Package = &catalog.PackageRef{OfferID: *r.OfferID, Code: *r.PackageCode}
	}
	if r.ModeratedAt != nil {
		t := r.ModeratedAt.UTC()
		out.ModeratedAt = &t
	}
	return out
}

func toAuditRow(tenantID string, a catalog.AuditEntry) auditRow {
	return auditRow{TenantID: tenantID, ID: a.ID, ActorID: a.ActorID, Action: a.Action, Entity: a.Entity,
		EntityID: a.EntityID, Summary: a.Summary, CreatedAt: a.At.UTC()}
}

func (r auditRow) entry() catalog.AuditEntry {
	return catalog.AuditEntry{ID: r.ID, ActorID: r.ActorID, Action: r.Action, Entity: r.Entity, EntityID: r.EntityID,
		Summary: r.Summary, At: r.CreatedAt.UTC()}
}
