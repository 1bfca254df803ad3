package partners

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/tenants"
)

// Certificates is the part of the certificates service partners use;
// *certificates.Service satisfies it.
type Certificates interface {
	Issue(ctx context.Context, in certificates.IssueInput) (certificates.Certificate, bool, error)
	BySource(ctx context.Context, source certificates.Source, key string) (certificates.Certificate, error)
	List(ctx context.Context, f certificates.ListFilter) (certificates.Page, error)
}

// Offers reads the tenant's live offers with their live packages;
// tenantsdb.Store satisfies it.
type Offers interface {
	Offers(ctx context.Context, ids ...string) ([]tenants.Offer, error)
}

// Deps are the service's collaborators besides its store.
type Deps struct {
	Clock        clock.Clock // the only source of business time
	Certificates Certificates
	Offers       Offers
	Logger       *slog.Logger // nil discards
}

// Service runs partners' keys and sales. It is safe for concurrent use.
type Service struct {
	store  Store
	clock  clock.Clock
	certs  Certificates
	offers Offers
	log    *slog.Logger
	zones  sync.Map // IANA name → *time.Location
}

// New returns the service. It panics when a dependency is missing: a
// misconfigured service must not start.
func New(store Store, deps Deps) *Service {
	if store == nil || deps.Clock == nil || deps.Certificates == nil || deps.Offers == nil {
		panic("partners: New needs a store, a clock, certificates and offers")
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Service{store: store, clock: deps.Clock, certs: deps.Certificates, offers: deps.Offers, log: log}
}

// now is the business instant in UTC, to the microsecond both databases
// keep.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// zone loads the tenant's zone once; an unknown or empty name is Moscow,
// where both offers count time (003 and 004, 5.3.1).
func (s *Service) zone(name string) *time.Location {
	if name == "" {
		return clock.Moscow
	}
	if z, ok := s.zones.Load(name); ok {
		return z.(*time.Location)
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return clock.Moscow
	}
	s.zones.Store(name, z)
	return z
}

// newID returns a UUIDv7: time-ordered, made here, the same on both
// databases.
func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("partners: id: %w", err)
	}
	return id.String(), nil
}
