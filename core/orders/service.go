package orders

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"time"

	"github.com/google/uuid"

	"github.com/consult/platform/core/platform/clock"
)

// Config holds the checkout's time limits.
type Config struct {
	// CreatedTTL is how long an order may wait for its payment to start
	// before ExpireStale expires it and frees its promo use.
	CreatedTTL time.Duration
	// PendingTTL is how long a started payment may stay unsettled. Past it,
	// ExpireStale asks the provider once more and expires the order only
	// if the payment is still pending; money that arrives later is an
	// anomaly for a human (logged loudly, recorded in the history).
	PendingTTL time.Duration
	// PromoGuessesPerIP bounds the unknown promo codes one address may type
	// in PromoGuessWindow; past it every promo code from there, right or
	// wrong, is ErrPromoTooManyAttempts until the window ends, so a script
	// cannot walk the code space through the quote. Zero takes the default.
	PromoGuessesPerIP int
	PromoGuessWindow  time.Duration
}

// DefaultConfig returns the production limits: an hour to start paying, a
// day to finish (a bank's 3-D Secure or an SBP transfer may take a while);
// 20 unknown promo codes an hour per address — a customer mistyping a code
// from a flyer needs a few, a guesser needs millions.
func DefaultConfig() Config {
	return Config{CreatedTTL: time.Hour, PendingTTL: 24 * time.Hour, PromoGuessesPerIP: 20, PromoGuessWindow: time.Hour}
}

// Texts renders messages (core/platform/i18n.Bundle).
type Texts interface {
	T(lang, id string, data map[string]any) string
}

// Deps are the service's collaborators besides its store.
type Deps struct {
	Clock   clock.Clock // the only source of business time
	Texts   Texts       // the payment description
	Catalog Catalog
	// Providers are the payment providers the platform runs, by Name.
	Providers []Provider
	// ProviderFor names the provider a tenant's orders are paid with; nil
	// means the only one in Providers.
	ProviderFor func(tenantID string) string
	// PhoneRegion returns the tenant's default region ("RU") for numbers
	// written without a country code; nil or "" means RU.
	PhoneRegion func(tenantID string) string
	// Zone returns the tenant's time zone (tenants.Tenant.Timezone), in
	// which promo dates and order numbers are read; nil means Moscow.
	Zone func(tenantID string) *time.Location
	// OnPaid runs when an order becomes paid, inside the transaction of that
	// move: stores that open a db.Tenant scope with the ctx it receives join
	// it, so the certificate and the paid order commit together or not at
	// all, and only the one caller that made the move runs it. An error
	// rolls the move back (the provider's next notification retries).
	OnPaid func(ctx context.Context, o Order) error
	Logger *slog.Logger // nil discards
}

// Service is the checkout. It is safe for concurrent use.
type Service struct {
	store       Store
	cfg         Config
	clock       clock.Clock
	texts       Texts
	catalog     Catalog
	providers   map[string]Provider
	providerFor func(tenantID string) string
	phoneRegion func(tenantID string) string
	zone        func(tenantID string) *time.Location
	onPaid      func(ctx context.Context, o Order) error
	log         *slog.Logger
}

// New returns the service. It panics when a dependency is missing: a
// checkout without a store, clock, texts, catalog or provider must not start.
func New(store Store, cfg Config, deps Deps) *Service {
	if store == nil || deps.Clock == nil || deps.Texts == nil || deps.Catalog == nil || len(deps.Providers) == 0 {
		panic("orders: New needs a store, a clock, texts, a catalog and a payment provider")
	}
	if cfg.CreatedTTL <= 0 || cfg.PendingTTL <= 0 || cfg.PromoGuessesPerIP < 0 || cfg.PromoGuessWindow < 0 {
		panic("orders: CreatedTTL and PendingTTL must be positive, the promo guess limits not negative")
	}
	if cfg.PromoGuessesPerIP == 0 {
		cfg.PromoGuessesPerIP = DefaultConfig().PromoGuessesPerIP
	}
	if cfg.PromoGuessWindow == 0 {
		cfg.PromoGuessWindow = DefaultConfig().PromoGuessWindow
	}
	s := &Service{
		store: store, cfg: cfg, clock: deps.Clock, texts: deps.Texts, catalog: deps.Catalog,
		providers: map[string]Provider{}, providerFor: deps.ProviderFor, phoneRegion: deps.PhoneRegion,
		zone: deps.Zone, onPaid: deps.OnPaid, log: deps.Logger,
	}
	for _, p := range deps.Providers {
		if _, dup := s.providers[p.Name()]; dup {
			panic("orders: two providers named " + p.Name())
		}
		s.providers[p.Name()] = p
	}
	if s.providerFor == nil && len(s.providers) > 1 {
		panic("orders: several providers need ProviderFor")
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return s
}

// now is the business instant in UTC, as stored.
func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// location returns the tenant's zone.
func (s *Service) location(tenantID string) *time.Location {
	if s.zone != nil {
		if loc := s.zone(tenantID); loc != nil {
			return loc
		}
	}
	return clock.Moscow
}

func (s *Service) region(tenantID string) string {
	if s.phoneRegion == nil {
		return ""
	}
	return s.phoneRegion(tenantID)
}

// provider returns the provider that pays the tenant's orders.
func (s *Service) provider(tenantID string) (Provider, error) {
	if s.providerFor == nil {
		for _, p := range s.providers {
			return p, nil
		}
	}
	name := s.providerFor(tenantID)
	if p, ok := s.providers[name]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("orders: tenant %q is paid with provider %q, which is not running", tenantID, name)
}

// newID returns a UUIDv7: time-ordered, made here, the same on both
// databases.
func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("orders: id: %w", err)
	}
	return id.String(), nil
}

// numberDigits is the random part of an order number: with the date in
// front, a tenant taking 10,000 orders a day draws a taken number once in
// a hundred orders, and NumberTaken makes it draw again.
const numberDigits = 6

// newNumber returns an order number for the day of now in loc: YYMMDD-NNNNNN,
// short enough to read over the phone and telling the support desk the day.
func newNumber(now time.Time, loc *time.Location) (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("orders: number: %w", err)
	}
	return fmt.Sprintf("%s-%0*d", now.In(loc).Format("060102"), numberDigits, n.Int64()), nil
}
