package catalog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/consult/platform/core/media"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/tenants"
)

// Offers reads the tenant's live offers with their packages
// (tenantsdb.Store satisfies it).
type Offers interface {
	Offers(ctx context.Context, ids ...string) ([]tenants.Offer, error)
}

// Images keeps pictures (mediadb.Store satisfies it): the specialists'
// photos and the articles' covers, processed like avatars — sniffed,
// decoded, downscaled and re-encoded — before they get here.
type Images interface {
	Replace(ctx context.Context, rec media.Record) error
	Get(ctx context.Context, kind, id string) (media.Record, error)
	DeleteAllOf(ctx context.Context, kind, ownerID string) (int, error)
}

// Media kinds of the catalogue's pictures; the owner is the specialist's
// or article's id, so Replace keeps exactly one of each.
const (
	KindSpecialistPhoto = "specialist_photo"
	KindArticleCover    = "article_cover"
)

// Deps are the service's collaborators besides its store.
type Deps struct {
	Offers Offers
	Images Images
	Clock  clock.Clock // the only source of business time
}

// Service reads and edits the catalogue. It is safe for concurrent use.
type Service struct {
	store  Store
	offers Offers
	images Images
	clock  clock.Clock
}

// New returns the service. It panics when a dependency is missing: a
// misconfigured service must not start.
func New(store Store, deps Deps) *Service {
	if store == nil || deps.Offers == nil || deps.Images == nil || deps.Clock == nil {
		panic("catalog: New needs a store, offers, images and a clock")
	}
	return &Service{store: store, offers: deps.Offers, images: deps.Images, clock: deps.Clock}
}

// now is the business instant in UTC, to the microsecond both databases
// keep, so what a method returns equals what a later read returns.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// newID returns a UUIDv7: time-ordered, so "newest first" is "largest id
// first" and ids make stable keys for paging.
func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", errs.Internal(fmt.Errorf("catalog: id: %w", err))
	}
	return id.String(), nil
}

// errNoActor is a caller's bug: an admin route that forgot who signed in.
// The audit trail must name someone.
var errNoActor = errors.New("catalog: change without an actor")

// audit returns the trail entry of a change.
func (s *Service) audit(actor, action, entity, entityID, summary string) (AuditEntry, error) {
	if actor == "" {
		return AuditEntry{}, errs.Internal(errNoActor)
	}
	id, err := newID()
	if err != nil {
		return AuditEntry{}, err
	}
	if len([]rune(summary)) > 200 {
		summary = string([]rune(summary)[:200])
	}
	return AuditEntry{ID: id, ActorID: actor, Action: action, Entity: entity, EntityID: entityID, Summary: summary,
		At: s.now()}, nil
}

// Audit returns the trail of admin changes, newest first.
func (s *Service) Audit(ctx context.Context, p PageRequest) (Page[AuditEntry], error) {
	limit, after, err := p.page()
	if err != nil {
		return Page[AuditEntry]{}, err
	}
	afterID := ""
	if after != nil {
		afterID = after.ID
	}
	list, err := s.store.Audit(ctx, afterID, limit)
	if err != nil {
		return Page[AuditEntry]{}, err
	}
	return paginate(list, limit, func(a AuditEntry) Cursor { return Cursor{ID: a.ID} }), nil
}
