package auth

import (
	"context"
	"crypto/hmac"
	"errors"
	"strings"
	"time"
	"unicode"

	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/platform/tenancy"
)

// StartPhoneLogin sends a login code by SMS to phone (seeds 000/002
// «Авторизация»: «Отправить код»). The number is read in the tenant's
// region and stored in E.164.
//
// Errors: ErrPhoneInvalid; ErrResendTooSoon or ErrTooManyRequests with
// Data["RetryAfter"] in seconds; ErrSMSBudgetExhausted. When refused,
// nothing is written and no SMS leaves.
func (s *Service) StartPhoneLogin(ctx context.Context, phone string, cl Client) (CodeSent, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return CodeSent{}, err
	}
	e164, err := NormalizePhone(phone, s.region(tenantID))
	if err != nil {
		return CodeSent{}, err
	}
	return s.sendCode(ctx, codeTarget{tenantID: tenantID, purpose: PurposeLoginPhone, channel: notify.SMS, dest: e164, to: e164}, cl)
}

// VerifyPhoneLogin checks the code sent to phone and signs in, creating
// the customer at the first login. Errors: ErrPhoneInvalid, ErrCodeInvalid
// (see codeInvalid for its Data).
func (s *Service) VerifyPhoneLogin(ctx context.Context, phone, code string, cl Client) (Login, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Login{}, err
	}
	e164, err := NormalizePhone(phone, s.region(tenantID))
	if err != nil {
		return Login{}, err
	}
	t := codeTarget{tenantID: tenantID, purpose: PurposeLoginPhone, dest: e164}
	return s.loginWithCode(ctx, t, code, cl, func(ctx context.Context) (Account, error) {
		return s.store.UserByPhone(ctx, e164)
	}, Account{User: User{Phone: e164}})
}

// StartEmailLogin sends a login code, with a link that fills it in, to
// email. It never sends a password (SECURITY.md 7), and it answers the same
// whether or not the address has an account. Errors as StartPhoneLogin,
// with ErrEmailInvalid for a malformed address.
func (s *Service) StartEmailLogin(ctx context.Context, email string, cl Client) (CodeSent, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return CodeSent{}, err
	}
	addr, key, err := NormalizeEmail(email)
	if err != nil {
		return CodeSent{}, err
	}
	return s.sendCode(ctx, codeTarget{tenantID: tenantID, purpose: PurposeLoginEmail, channel: notify.Email, dest: key, to: addr}, cl)
}

// VerifyEmailLogin checks the code sent to email and signs in, creating
// the customer at the first login.
func (s *Service) VerifyEmailLogin(ctx context.Context, email, code string, cl Client) (Login, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Login{}, err
	}
	addr, key, err := NormalizeEmail(email)
	if err != nil {
		return Login{}, err
	}
	t := codeTarget{tenantID: tenantID, purpose: PurposeLoginEmail, dest: key}
	return s.loginWithCode(ctx, t, code, cl, func(ctx context.Context) (Account, error) {
		return s.store.UserByEmail(ctx, key)
	}, Account{User: User{Email: addr}, EmailKey: key})
}

// codeTarget is where a code goes and what it is for.
type codeTarget struct {
	tenantID string
	purpose  Purpose
	channel  notify.Channel
	dest     string // the key codes are found and throttled by: E.164 or e-mail key
	to       string // the recipient as written: E.164 or the address
	userID   string // the account a deletion code acts on
}

// sendCode throttles, stores and enqueues one code, all in one
// transaction: the outbox message exists if and only if the code row
// committed (SECURITY.md 19), and a refused request writes nothing.
func (s *Service) sendCode(ctx context.Context, t codeTarget, cl Client) (CodeSent, error) {
	code, err := newCode()
	if err != nil {
		return CodeSent{}, err
	}
	id, err := newID()
	if err != nil {
		return CodeSent{}, err
	}
	now, ip := s.now(), clip(cl.IP, maxIP)
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.LockDestination(ctx, t.dest); err != nil {
			return err
		}
		st, err := s.store.CodeStats(ctx, t.dest, ip, now.Add(-time.Hour), now.Add(-24*time.Hour))
		if err != nil {
			return err
		}
		if err := s.throttle(t, st, now); err != nil {
			return err
		}
		c := Code{ID: id, TenantID: t.tenantID, Purpose: t.purpose, Channel: t.channel, Destination: t.dest,
			UserID: t.userID, Hash: s.codeHash(t.tenantID, t.purpose, t.dest, code), IP: ip,
			CreatedAt: now, ExpiresAt: now.Add(s.cfg.CodeTTL)}
		if err := s.store.CreateCode(ctx, c); err != nil {
			return err
		}
		return s.store.Enqueue(ctx, now, s.codeMessage(t.tenantID, t.purpose, t.channel, t.to, code, cl))
	})
	if err != nil {
		return CodeSent{}, err
	}
	s.log.InfoContext(ctx, "auth: code sent", "tenant", t.tenantID, "purpose", string(t.purpose), "channel", string(t.channel))
	return CodeSent{ResendAfter: s.cfg.ResendCooldown, ExpiresIn: s.cfg.CodeTTL}, nil
}

// throttle applies SECURITY.md 4 in order of the shortest wait: the resend
// cooldown per destination, the hourly cap per destination, the hourly cap
// per IP, and the tenant's daily SMS budget.
func (s *Service) throttle(t codeTarget, st CodeStats, now time.Time) error {
	if !st.LastToDestination.IsZero() {
		if wait := st.LastToDestination.Add(s.cfg.ResendCooldown).Sub(now); wait > 0 {
			return tooSoon(ceilSeconds(wait))
		}
	}
	if st.ToDestination >= s.cfg.CodesPerPhonePerHour {
		return tooMany(ceilSeconds(st.OldestToDest.Add(time.Hour).Sub(now)))
	}
	if st.FromIP >= s.cfg.CodesPerIPPerHour {
		return tooMany(ceilSeconds(st.OldestFromIP.Add(time.Hour).Sub(now)))
	}
	if t.channel == notify.SMS && st.SMS >= s.cfg.DailySMSBudget {
		// Logged for the operator: an exhausted budget is either a
		// flood or a tenant outgrowing its limit.
		s.log.Warn("auth: daily SMS budget exhausted", "tenant", t.tenantID, "budget", s.cfg.DailySMSBudget)
		return ErrSMSBudgetExhausted
	}
	return nil
}

// checkCode tries code against the newest code of t. It must run inside
// InTx, and the transaction must commit even when the code is refused, so
// that a wrong guess stays counted: checkCode therefore reports a refusal
// as ok=false with requestNew, and returns an error only for faults.
//
// A wrong guess is counted by one guarded UPDATE (attempts < max), so 50
// concurrent wrong guesses count at most max (SECURITY.md 2); the right code
// is consumed by another (used_at IS NULL AND attempts < max AND
// expires_at > now), so of 16 concurrent right guesses exactly one wins
// (SECURITY.md 3), and after max wrong guesses even the right code fails.
func (s *Service) checkCode(ctx context.Context, t codeTarget, code string, now time.Time) (ok, requestNew bool, err error) {
	c, err := s.store.LatestCode(ctx, t.purpose, t.dest)
	if errors.Is(err, ErrNotFound) {
		return false, true, nil
	}
	if err != nil {
		return false, false, err
	}
	if c.UserID != t.userID || c.UsedAt != nil || !now.Before(c.ExpiresAt) || c.Attempts >= s.cfg.MaxAttempts {
		return false, true, nil
	}
	want := s.codeHash(t.tenantID, t.purpose, t.dest, cleanCode(code))
	if !hmac.Equal([]byte(want), []byte(c.Hash)) {
		n, err := s.store.CountWrongGuess(ctx, c.ID, now, s.cfg.MaxAttempts)
		if err != nil {
			return false, false, err
		}
		return false, n >= s.cfg.MaxAttempts, nil
	}
	used, err := s.store.ConsumeCode(ctx, c.ID, now, s.cfg.MaxAttempts)
	if err != nil || !used {
		return false, true, err
	}
	return true, false, nil
}

// cleanCode drops the spaces people type or paste into a code ("123 456");
// anything else that is not six digits simply will not match.
func cleanCode(code string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, code)
}

// redeem checks code against t and, when it is right, runs fn in the
// same transaction as its consumption, so the code is used if and only if
// what it was for happened. A refused code still commits, keeping the
// wrong guess counted, and answers codeInvalid.
func (s *Service) redeem(ctx context.Context, t codeTarget, code string, now time.Time, fn func(ctx context.Context) error) error {
	var refused error
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		ok, requestNew, err := s.checkCode(ctx, t, code, now)
		if err != nil {
			return err
		}
		if !ok {
			refused = codeInvalid(requestNew)
			return nil
		}
		return fn(ctx)
	})
	if err != nil {
		return err
	}
	if refused != nil {
		s.log.InfoContext(ctx, "auth: code refused", "tenant", t.tenantID, "purpose", string(t.purpose))
	}
	return refused
}

// loginWithCode verifies a login code and signs in the account find
// returns, creating fresh (a customer) when there is none: the first login
// is the registration (seeds 000/002 «Авторизация»). Consuming the code,
// creating the account and the session are one transaction.
func (s *Service) loginWithCode(ctx context.Context, t codeTarget, code string, cl Client,
	find func(ctx context.Context) (Account, error), fresh Account) (Login, error) {
	now := s.now()
	var login Login
	err := s.redeem(ctx, t, code, now, func(ctx context.Context) error {
		acct, err := find(ctx)
		created := false
		if errors.Is(err, ErrNotFound) {
			acct, err = s.createAccount(ctx, fresh, KindCustomer, cl.Locale, now)
			created = true
		}
		if err != nil {
			return err
		}
		login, err = s.startSession(ctx, acct, cl, now)
		login.Created = created
		return err
	})
	if err != nil {
		return Login{}, err
	}
	s.log.InfoContext(ctx, "auth: signed in", "tenant", t.tenantID, "user", login.User.ID, "method", string(t.purpose), "created", login.Created)
	return login, nil
}

// createAccount inserts a new account of kind from the template a.
func (s *Service) createAccount(ctx context.Context, a Account, kind Kind, locale string, now time.Time) (Account, error) {
	id, err := newID()
	if err != nil {
		return Account{}, err
	}
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Account{}, err
	}
	a.ID, a.TenantID, a.Kind, a.Locale, a.CreatedAt = id, tenantID, kind, lang(locale), now
	if a.Fields == nil {
		a.Fields = map[string]any{}
	}
	if err := s.store.CreateUser(ctx, a); err != nil {
		return Account{}, err
	}
	return a, nil
}
