package catalog

import (
	"context"
	"time"

	"github.com/consult/platform/tenants"
)

// Store persists the catalogue. Every method takes the tenant from ctx and
// fails closed without one (errs.ErrTenantMissing); no method reads or
// writes another tenant's rows. Every admin change takes the AuditEntry to
// write in the same transaction as the change, so the trail cannot miss a
// change or record one that did not happen.
type Store interface {
	// Atomic runs fn in one transaction of the tenant in ctx: the store's
	// methods — and the image store's, which shares the database — called
	// with the ctx fn receives join it, so fn's writes commit or roll back
	// together.
	Atomic(ctx context.Context, fn func(ctx context.Context) error) error

	// ServiceDetails returns the details of every package of the tenant
	// that has some.
	ServiceDetails(ctx context.Context) ([]ServiceDetails, error)
	// PutServiceDetails inserts or replaces the details of d's package.
	PutServiceDetails(ctx context.Context, d ServiceDetails, a AuditEntry) error
	// DeleteServiceDetails removes the details of ref, or returns
	// ErrServiceNotFound when it has none.
	DeleteServiceDetails(ctx context.Context, ref PackageRef, a AuditEntry) error

	// Specialists returns specialists in (SortOrder, ID) order after q.After.
	Specialists(ctx context.Context, q SpecialistQuery) ([]Specialist, error)
	// SpecialistByID and SpecialistBySlug return a specialist, published
	// or not, or ErrSpecialistNotFound.
	SpecialistByID(ctx context.Context, id string) (Specialist, error)
	SpecialistBySlug(ctx context.Context, slug string) (Specialist, error)
	// CreateSpecialist inserts sp; ErrSlugTaken when the slug is in use.
	CreateSpecialist(ctx context.Context, sp Specialist, a AuditEntry) error
	// UpdateSpecialist replaces everything of sp.ID but its photo and
	// creation time; ErrSpecialistNotFound, ErrSlugTaken.
	UpdateSpecialist(ctx context.Context, sp Specialist, a AuditEntry) error
	// SetSpecialistPhoto sets (or, with "", clears) the photo id;
	// ErrSpecialistNotFound.
	SetSpecialistPhoto(ctx context.Context, id, photoID string, at time.Time, a AuditEntry) error
	// DeleteSpecialist removes the specialist with their lists and
	// reviews; ErrSpecialistNotFound.
	DeleteSpecialist(ctx context.Context, id string, a AuditEntry) error

	// Articles returns articles in q's order after q.After.
	Articles(ctx context.Context, q ArticleQuery) ([]Article, error)
	// ArticleByID and ArticleBySlug return an article, published or not,
	// or ErrArticleNotFound.
	ArticleByID(ctx context.Context, id string) (Article, error)
	ArticleBySlug(ctx context.Context, slug string) (Article, error)
	// CreateArticle inserts ar; ErrSlugTaken.
	CreateArticle(ctx context.Context, ar Article, a AuditEntry) error
	// UpdateArticle replaces everything of ar.ID but its cover and
	// creation time; ErrArticleNotFound, ErrSlugTaken.
	UpdateArticle(ctx context.Context, ar Article, a AuditEntry) error
	// SetArticleCover sets (or clears) the cover id; ErrArticleNotFound.
	SetArticleCover(ctx context.Context, id, coverID string, at time.Time, a AuditEntry) error
	// DeleteArticle removes the article; ErrArticleNotFound.
	DeleteArticle(ctx context.Context, id string, a AuditEntry) error

	// FAQ returns every FAQ item in position order.
	FAQ(ctx context.Context) ([]FAQItem, error)
	// CreateFAQ appends it at the end of the list (its Position is
	// ignored), unless the FAQ has limit items: ErrFAQFull. It returns the
	// position given.
	CreateFAQ(ctx context.Context, it FAQItem, limit int, a AuditEntry) (int, error)
	// UpdateFAQ replaces the question, answer, published flag and update
	// time of it.ID; ErrFAQNotFound.
	UpdateFAQ(ctx context.Context, it FAQItem, a AuditEntry) error
	// DeleteFAQ removes the item and closes the gap; ErrFAQNotFound.
	DeleteFAQ(ctx context.Context, id string, a AuditEntry) error
	// ReorderFAQ puts the items in the order of ids, which must name
	// every item exactly once: otherwise an Invalid CodeOrderMismatch.
	ReorderFAQ(ctx context.Context, ids []string, a AuditEntry) error

	// Reviews returns reviews newest first after q.After.
	Reviews(ctx context.Context, q ReviewQuery) ([]Review, error)
	// ReviewByID returns a review in any status, or ErrReviewNotFound.
	ReviewByID(ctx context.Context, id string) (Review, error)
	// CreateReview inserts r; ErrReviewPending when its author has a
	// pending review of the same target.
	CreateReview(ctx context.Context, r Review) error
	// ModerateReview sets the status, reason and moderation time and
	// actor of r.ID (never back to pending); ErrReviewNotFound.
	ModerateReview(ctx context.Context, r Review, a AuditEntry) error
	// DeleteReviewsBy removes every review of the author and returns how
	// many.
	DeleteReviewsBy(ctx context.Context, authorID string) (int, error)

	// Contacts returns the contacts the admin set for the site, with ok
	// false when they set none.
	Contacts(ctx context.Context, siteID string) (c tenants.Contacts, ok bool, err error)
	// PutContacts inserts or replaces the site's contacts.
	PutContacts(ctx context.Context, siteID string, c tenants.Contacts, at time.Time, a AuditEntry) error
	// DeleteContacts removes them (the site falls back to its data file's);
	// having none is no error.
	DeleteContacts(ctx context.Context, siteID string, a AuditEntry) error

	// Audit returns the trail newest first after the entry id after ("":
	// from the newest), at most limit+1 entries.
	Audit(ctx context.Context, after string, limit int) ([]AuditEntry, error)

	// Empty reports whether the tenant's catalogue has no service
	// details, specialists, articles or FAQ items. On PostgreSQL it also
	// serialises concurrent seeders of the tenant until ctx's transaction
	// ends, so call it inside Atomic.
	Empty(ctx context.Context) (bool, error)
}

// SpecialistQuery is a page of specialists for the store.
type SpecialistQuery struct {
	Unpublished bool
	// SpecialisationKey and AnimalKey are Key()-normalised values.
	SpecialisationKey string
	AnimalKey         string
	After             *Cursor
	Limit             int // the store returns up to Limit+1, so the caller sees whether more follow
}

// ArticleQuery is a page of articles for the store: published ones
// (PublishedBy set) newest published first, or every one (Drafts) newest
// created first.
type ArticleQuery struct {
	Drafts      bool
	PublishedBy time.Time // with !Drafts: published at or before this instant
	Category    string
	After       *Cursor
	Limit       int
}

// ReviewQuery is a page of reviews for the store, newest first.
type ReviewQuery struct {
	Statuses     []ReviewStatus
	SpecialistID string
	Package      *PackageRef
	After        *Cursor
	Limit        int
}
