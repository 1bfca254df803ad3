package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/plugins/sdk"
)

// Config holds the rules' numbers. DefaultConfig gives the values of
// SECURITY.md; CodeKey has no default and must come from a secret.
type Config struct {
	CodeTTL              time.Duration // SECURITY.md 1: 10 minutes at most
	MaxAttempts          int           // SECURITY.md 2: wrong guesses per code
	ResendCooldown       time.Duration // SECURITY.md 4; the guides' «Отправить повторно» after 30 s
	CodesPerPhonePerHour int           // SECURITY.md 4, per destination (phone or e-mail)
	CodesPerIPPerHour    int           // SECURITY.md 4
	DailySMSBudget       int           // SECURITY.md 4: SMS per tenant in any 24 hours
	// SessionIdle ends a session nobody used for that long; the absolute
	// caps end it regardless (SECURITY.md 8).
	SessionIdle             time.Duration
	SessionAbsoluteStaff    time.Duration
	SessionAbsoluteCustomer time.Duration
	PasswordMinLen          int // SECURITY.md 6, in characters
	PasswordMaxLen          int
	FailuresPerHour         int           // SECURITY.md 6: soft lockout past this many failures
	ResetTTL                time.Duration // SECURITY.md 7
	// CodeKey keys the HMAC-SHA256 that stores codes (SECURITY.md 3): a
	// leaked table of 6-digit hashes is useless without it. At least 32
	// bytes, from a secret, the same on every node.
	CodeKey []byte
	// EmailLinkPath and ResetPath are the site pages the e-mailed links
	// open, under Client.BaseURL. The login link carries ?email=…&code=…,
	// the reset link ?token=….
	EmailLinkPath string
	ResetPath     string
}

// DefaultConfig returns the values of SECURITY.md 1–8. The customers'
// 30-day absolute session is the documented exception of item 8.
func DefaultConfig() Config {
	return Config{
		CodeTTL:                 10 * time.Minute,
		MaxAttempts:             5,
		ResendCooldown:          30 * time.Second,
		CodesPerPhonePerHour:    5,
		CodesPerIPPerHour:       20,
		DailySMSBudget:          2000,
		SessionIdle:             30 * time.Minute,
		SessionAbsoluteStaff:    12 * time.Hour,
		SessionAbsoluteCustomer: 30 * 24 * time.Hour,
		PasswordMinLen:          8,
		PasswordMaxLen:          256,
		FailuresPerHour:         100,
		ResetTTL:                30 * time.Minute,
		EmailLinkPath:           "/login/email",
		ResetPath:               "/password/reset",
	}
}

// Validate reports a configuration that would weaken a rule.
func (c Config) Validate() error {
	var problems []error
	bad := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	if len(c.CodeKey) < 32 {
		bad("auth: CodeKey has %d bytes, want at least 32", len(c.CodeKey))
	}
	if c.CodeTTL <= 0 || c.CodeTTL > 10*time.Minute {
		bad("auth: CodeTTL %v, want (0, 10m] (SECURITY.md 1)", c.CodeTTL)
	}
	if c.MaxAttempts < 1 || c.MaxAttempts > 5 {
		bad("auth: MaxAttempts %d, want 1..5 (SECURITY.md 2)", c.MaxAttempts)
	}
	if c.ResendCooldown <= 0 || c.CodesPerPhonePerHour < 1 || c.CodesPerIPPerHour < 1 || c.DailySMSBudget < 1 {
		bad("auth: resend cooldown, hourly caps and SMS budget must be positive (SECURITY.md 4)")
	}
	if c.SessionIdle <= 0 || c.SessionAbsoluteStaff <= 0 || c.SessionAbsoluteCustomer <= 0 {
		bad("auth: session timeouts must be positive (SECURITY.md 8)")
	}
	if c.SessionAbsoluteStaff > 12*time.Hour {
		bad("auth: SessionAbsoluteStaff %v exceeds the 12h cap of SECURITY.md 8", c.SessionAbsoluteStaff)
	}
	if c.PasswordMinLen < 8 || c.PasswordMaxLen < 64 || c.PasswordMaxLen < c.PasswordMinLen {
		bad("auth: password lengths %d..%d, want min ≥ 8 and max ≥ 64 (SECURITY.md 6)", c.PasswordMinLen, c.PasswordMaxLen)
	}
	if c.FailuresPerHour < 1 || c.FailuresPerHour > 100 {
		bad("auth: FailuresPerHour %d, want 1..100 (SECURITY.md 6)", c.FailuresPerHour)
	}
	if c.ResetTTL <= 0 || c.ResetTTL > time.Hour {
		bad("auth: ResetTTL %v, want (0, 1h] (SECURITY.md 7: short-lived)", c.ResetTTL)
	}
	if c.EmailLinkPath == "" || c.ResetPath == "" {
		bad("auth: EmailLinkPath and ResetPath are required")
	}
	return errors.Join(problems...)
}

// Texts localises message texts; *i18n.Bundle satisfies it.
type Texts interface {
	T(lang, id string, data map[string]any) string
}

// Deps are the service's collaborators besides its store.
type Deps struct {
	Clock clock.Clock // the only source of business time
	Texts Texts
	// PhoneRegion returns the tenant's default region ("RU") for numbers
	// written without a country code; "" means RU.
	PhoneRegion func(tenantID string) string
	// ProfileFields returns the extra profile fields of the tenant's
	// product (sdk.Spec.ProfileFields); nil or empty means none.
	ProfileFields func(tenantID string) []sdk.Field
	Logger        *slog.Logger // nil discards
	// OnErase erases what other domains keep about a user (pets, avatar)
	// when the account is deleted. It runs inside the deletion's own
	// transaction — stores that open a db.Tenant scope with the context it
	// receives join that transaction — so the account and everything tied
	// to it go together or not at all (152-FZ: nothing half-erased).
	OnErase func(ctx context.Context, userID string) error
}
