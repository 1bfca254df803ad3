package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/plugins/sdk"
)

// Service is the accounts core. It is safe for concurrent use.
type Service struct {
	store         Store
	cfg           Config
	clock         clock.Clock
	texts         Texts
	phoneRegion   func(tenantID string) string
	profileFields func(tenantID string) []sdk.Field
	onErase       func(ctx context.Context, userID string) error
	log           *slog.Logger

	dummyOnce sync.Once
	dummy     string // argon2id hash of nothing anyone knows, for unknown users

	// argon bounds the argon2id computations running at once: each takes
	// 19 MiB for ~30 ms, so a burst of password requests must queue
	// rather than take the node's memory.
	argon chan struct{}
}

// New returns the service. It panics when a dependency is missing or cfg
// breaks a rule (Config.Validate): a misconfigured accounts core must not
// start. Call cfg.Validate first to report the problem as an error.
func New(store Store, cfg Config, deps Deps) *Service {
	if store == nil || deps.Clock == nil || deps.Texts == nil {
		panic("auth: New needs a store, a clock and texts")
	}
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	s := &Service{
		store: store, cfg: cfg, clock: deps.Clock, texts: deps.Texts,
		phoneRegion: deps.PhoneRegion, profileFields: deps.ProfileFields, onErase: deps.OnErase, log: deps.Logger,
	}
	s.cfg.CodeKey = append([]byte(nil), cfg.CodeKey...)
	s.argon = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return s
}

// now is the business instant, in UTC as stored.
func (s *Service) now() time.Time { return s.clock.Now().UTC() }

func (s *Service) region(tenantID string) string {
	if s.phoneRegion == nil {
		return ""
	}
	return s.phoneRegion(tenantID)
}

// dummyHash is hashed against when the account is unknown or has no
// password, so that such a login costs the same argon2id work as a wrong
// password (SECURITY.md 6: unknown user and wrong password answer alike,
// in time too). Made once, lazily, so New stays cheap.
func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() {
		h, err := HashPassword(rand.Text())
		if err != nil {
			// Since Go 1.24 crypto/rand never returns an error (it
			// crashes the process instead), so this cannot happen.
			panic(err)
		}
		s.dummy = h
	})
	return s.dummy
}

// hash is HashPassword within the service's bound on concurrent argon2id
// work; it gives up when ctx ends while waiting.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer s.release()
	return HashPassword(password)
}

// verify is VerifyPassword within the same bound.
func (s *Service) verify(ctx context.Context, password, encoded string) (ok, current bool, err error) {
	if err := s.acquire(ctx); err != nil {
		return false, false, err
	}
	defer s.release()
	return VerifyPassword(password, encoded)
}

func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.argon <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) release() { <-s.argon }

// Purge deletes the tenant's stale rows: codes older than a day (the SMS
// budget's window), used or expired reset tokens and ended sessions. Codes
// hold phone numbers and IP addresses, so keeping them no longer than the
// throttles need is also data minimisation (152-FZ art. 5). Run it
// periodically per tenant; it returns how many rows it deleted.
func (s *Service) Purge(ctx context.Context) (int, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return 0, err
	}
	now := s.now()
	return s.store.Purge(ctx, now.Add(-24*time.Hour), now.Add(-s.cfg.SessionIdle), now)
}

// newID returns a UUIDv7: time-ordered, made here, the same on both
// databases (as notifydb does).
func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("auth: id: %w", err)
	}
	return id.String(), nil
}

// newCode returns six uniformly random decimal digits from crypto/rand
// (SECURITY.md 1).
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("auth: code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// codeHash is the keyed hash a code is stored as (SECURITY.md 3). It
// covers the tenant, purpose and destination, so a code is bound to its
// flow and phone (SECURITY.md 1) even if rows were mixed up.
func (s *Service) codeHash(tenantID string, purpose Purpose, destination, code string) string {
	m := hmac.New(sha256.New, s.cfg.CodeKey)
	for _, part := range []string{tenantID, string(purpose), destination, code} {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil))
}

// tokenBytes is the entropy of session and reset tokens: 256 bits, twice
// the floor of SECURITY.md 8.
const tokenBytes = 32

// maxTokenLen bounds a presented token before hashing: a real one is 43
// characters.
const maxTokenLen = 128

// newToken returns a secret token, base64url without padding, and the
// SHA-256 it is stored as. A token has full entropy, so an unkeyed fast
// hash is enough: nobody can brute-force 2^256.
func newToken() (token, hash string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, tokenHash(token), nil
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// lang returns the message language of a client: "en" or the default "ru".
func lang(locale string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(locale)), "en") {
		return "en"
	}
	return "ru"
}

// ceilSeconds rounds a wait up to whole seconds, at least one, for
// Retry-After.
func ceilSeconds(d time.Duration) int {
	if d <= 0 {
		return 1
	}
	return int((d + time.Second - 1) / time.Second)
}
