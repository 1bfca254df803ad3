// Package catalog keeps what a branded site shows besides its offers: the
// details of the services it sells, its specialists, articles, FAQ,
// customers' reviews and its contacts (DOMAIN.md "Branded sites": home page
// with a services carousel, specialists with profile pages, blog / useful
// articles / vet tips, FAQ, contacts, reviews). The tenant admin edits all
// of it; visitors read the published part.
//
// Everything belongs to one tenant: the store takes the tenant from the
// context and fails closed without one, so another tenant's specialist or
// article is "not found", never "forbidden" (SECURITY.md 10). Packages
// themselves — titles, prices, terms, quotas — stay tenant data from the
// offer files (tenants/<t>/offers); the catalogue only adds what a page
// needs around them. Legal documents are tenant data too and are not
// modelled here.
package catalog

import (
	"time"

	"github.com/consult/platform/tenants"
)

// PackageRef names a package of one of the tenant's offers.
type PackageRef struct {
	OfferID string
	Code    string
}

// ServiceDetails is what the catalogue adds to a package: the long
// description of its page, its formats and its place in the lists.
type ServiceDetails struct {
	OfferID     string
	PackageCode string
	// Description is the service page's text in Markdown (plain paragraphs
	// are Markdown too); RenderMarkdown turns it into safe HTML.
	Description string
	// Formats are the ways the service is delivered, as the codes the
	// offer files use (tenants.DeliveryFormats): Astars offers an audio or
	// a written consultation (seed 002, «Консультации»:
	// «Аудиоконсультация», «Письменная консультация»). Empty: the
	// package's own formats from the offer file apply.
	Formats []string
	// SortOrder places the service in lists, smallest first.
	SortOrder int
	// Featured puts the service into the home page's carousel (seed 000,
	// «Главная страница», fig. 2).
	Featured  bool
	UpdatedAt time.Time
}

// Ref returns the package the details are about.
func (d ServiceDetails) Ref() PackageRef { return PackageRef{OfferID: d.OfferID, Code: d.PackageCode} }

// Offering is one package of a site's offers as the catalogue shows it —
// a service card: the offer file's data (title, price, term, quotas) with
// the catalogue's details, when the admin wrote some.
type Offering struct {
	OfferID    string
	OfferTitle tenants.Text
	Product    string
	Currency   string
	Package    tenants.Package
	// Details carry only OfferID and PackageCode when HasDetails is false.
	Details    ServiceDetails
	HasDetails bool
}

// Ref returns the offering's package.
func (s Offering) Ref() PackageRef { return PackageRef{OfferID: s.OfferID, Code: s.Package.Code} }

// Formats returns the formats the customer chooses from: the catalogue's
// when it names some, otherwise the offer file's.
func (s Offering) Formats() []string {
	if len(s.Details.Formats) > 0 {
		return s.Details.Formats
	}
	return s.Package.Formats
}

// Specialist is a vet or an astrologer as the site presents them (seed 000,
// «Раздел „Наши ветеринары"», fig. 4–5; seed 002, «Специалисты», fig. 4–5).
type Specialist struct {
	ID              string
	Slug            string // the profile page's address: /specialists/<slug>
	Name            string
	Specialisations []string // «Терапия, визуальная диагностика…»; «Любовь», «Карьера и деньги»…
	// CareerStartYear is the year the specialist began practising (0:
	// unknown). The pages show years of experience computed from it, so
	// «Опыт работы: 12 лет» does not go stale as the years pass.
	CareerStartYear int
	// ExperienceYears is computed by the service when it reads a
	// specialist (0 when CareerStartYear is unknown); it is never stored.
	ExperienceYears int
	Animals         []string // VetPet: «Кошки», «Птицы», «Собаки» (seed 000, fig. 5)
	About           string   // Markdown
	Education       string   // Markdown
	Packages        []PackageRef
	// PhotoID is the media id of the photo (empty: none; pages show the
	// initials). It changes with every upload, so URLs carrying it may be
	// cached for long.
	PhotoID   string
	Published bool
	SortOrder int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Article is a blog post, a useful article or a vet tip (seed 000,
// «Полезное»: «Советы ветеринаров» and the blog; seed 002, «Блог»).
type Article struct {
	ID       string
	Slug     string
	Title    string
	Summary  string
	Body     string // Markdown
	Category string // a code: "blog", "vet_tips"…
	CoverID  string // media id of the cover picture; empty: none
	// PublishedAt is when the article appears on the site: nil is a
	// draft; a future instant publishes it then, without another edit.
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// FAQItem is one question of the FAQ with its answer, in the order the
// admin set (seed 000, «Список часто задаваемых вопросов», fig. 7).
type FAQItem struct {
	ID       string
	Question string
	Answer   string // Markdown
	Position int    // 1-based place in the list
	// Published hides an item from visitors while it is being written.
	Published bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ReviewStatus is where a review stands in moderation.
type ReviewStatus string

// Review statuses: a customer's review waits for the tenant admin, who
// publishes or rejects it; only published reviews are shown.
const (
	ReviewPending   ReviewStatus = "pending"
	ReviewPublished ReviewStatus = "published"
	ReviewRejected  ReviewStatus = "rejected"
)

// Valid reports whether s is one of the three statuses.
func (s ReviewStatus) Valid() bool {
	return s == ReviewPending || s == ReviewPublished || s == ReviewRejected
}

// Review is what a customer wrote after a service (seed 000: «возможность
// ознакомиться с отзывами клиентов и оставить отзыв после получения
// услуги»). It is about the service as a whole, a specialist or a package.
type Review struct {
	ID         string
	AuthorID   string // the customer's user id
	AuthorName string
	Rating     int // 1–5
	Text       string
	// SpecialistID and SpecialistSlug are set for a review of a
	// specialist; Package for a review of a package; neither for a review
	// of the service as a whole.
	SpecialistID   string
	SpecialistSlug string
	Package        *PackageRef
	Status         ReviewStatus
	RejectReason   string
	CreatedAt      time.Time
	ModeratedAt    *time.Time
	ModeratedBy    string
}

// AuditEntry records one change an admin made to the catalogue: who, what,
// when.
type AuditEntry struct {
	ID       string
	ActorID  string // the admin's user id, or SystemActor
	Action   string // create, update, delete, reorder, photo, cover, publish, reject, seed
	Entity   string // service, specialist, article, faq, review, contacts, catalog
	EntityID string
	Summary  string // a short human description: the slug, the question, the package
	At       time.Time
}

// SystemActor is the actor of changes the platform makes by itself: the
// demo content's seeding.
const SystemActor = "system:demo"

// Limits of list pages.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// PageRequest asks for one page of a list: at most Limit items after the
// position Cursor names (empty: from the start).
type PageRequest struct {
	Limit  int
	Cursor string
}

// Page is one page of a list. Next is the cursor of the following page,
// empty on the last one.
type Page[T any] struct {
	Items []T
	Next  string
}

// ServiceFilter chooses services.
type ServiceFilter struct {
	// OfferIDs are the offers the site sells (tenants.Site.Offers), in the
	// site's order: another site of the same tenant may sell others.
	OfferIDs []string
	// Featured keeps only the services of the home carousel.
	Featured bool
	// Packages, when not nil, keeps only these packages (a specialist's).
	Packages []PackageRef
}

// SpecialistFilter chooses specialists. The zero value lists the published
// ones.
type SpecialistFilter struct {
	Specialisation string // one of the specialist's specialisations, any case
	Animal         string // one of the animals they work with, any case
	// Unpublished includes unpublished specialists: admin lists only.
	Unpublished bool
}

// ArticleFilter chooses articles. The zero value lists the published ones,
// newest first.
type ArticleFilter struct {
	Category string
	// Drafts lists every article — drafts and scheduled ones too — newest
	// created first: admin lists only.
	Drafts bool
}

// ReviewFilter chooses reviews. The zero value lists the published ones,
// newest first.
type ReviewFilter struct {
	SpecialistSlug string
	Package        *PackageRef
	// Statuses, when not empty, lists reviews in these statuses: admin
	// lists only.
	Statuses []ReviewStatus
}
