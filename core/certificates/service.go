package certificates

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/consult/platform/core/platform/clock"
)

// Texts localises message texts; *i18n.Bundle satisfies it.
type Texts interface {
	T(lang, id string, data map[string]any) string
}

// Config holds the rules' numbers; DefaultConfig gives the values.
type Config struct {
	// FailuresPerUser and FailuresPerIP bound failed activations in
	// FailureWindow, counted in the database so that every node shares
	// them. A number has 60 random bits, so the limits make guessing
	// hopeless; they also stop a customer from probing other people's
	// numbers.
	FailuresPerUser int
	FailuresPerIP   int
	FailureWindow   time.Duration
}

// DefaultConfig returns 10 failures per account and 30 per address an hour.
func DefaultConfig() Config {
	return Config{FailuresPerUser: 10, FailuresPerIP: 30, FailureWindow: time.Hour}
}

// Validate reports the first impossible value.
func (c Config) Validate() error {
	if c.FailuresPerUser < 1 || c.FailuresPerIP < 1 || c.FailureWindow <= 0 {
		return errors.New("certificates: activation limits must be positive")
	}
	return nil
}

// Deps are the service's collaborators besides its store.
type Deps struct {
	Clock clock.Clock // the only source of business time
	Texts Texts
	// Rand is where certificate numbers come from; nil means crypto/rand.
	Rand io.Reader
	// PhoneRegion returns the tenant's default region ("RU") for phones
	// written without a country code; nil or "" means RU.
	PhoneRegion func(tenantID string) string
}

// Service runs certificates. It is safe for concurrent use.
type Service struct {
	store Store
	cfg   Config
	clock clock.Clock
	texts Texts
	rand  io.Reader
	// phoneRegion: see Deps.PhoneRegion.
	phoneRegion func(tenantID string) string
}

// New returns the service. It panics when a dependency is missing or cfg
// is impossible: a misconfigured service must not start.
func New(store Store, cfg Config, deps Deps) *Service {
	if store == nil || deps.Clock == nil || deps.Texts == nil {
		panic("certificates: New needs a store, a clock and texts")
	}
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	s := &Service{store: store, cfg: cfg, clock: deps.Clock, texts: deps.Texts, rand: deps.Rand, phoneRegion: deps.PhoneRegion}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	return s
}

// now is the business instant in UTC, to the microsecond both databases
// keep, so what a method returns equals what a later read returns.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// region is the tenant's default phone region.
func (s *Service) region(tenantID string) string {
	if s.phoneRegion != nil {
		if r := s.phoneRegion(tenantID); r != "" {
			return r
		}
	}
	return "RU"
}

// newID returns a UUIDv7: time-ordered, made here, the same on both
// databases.
func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("certificates: id: %w", err)
	}
	return id.String(), nil
}
