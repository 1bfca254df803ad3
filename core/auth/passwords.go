package auth

import (
	"context"
	"errors"
	"time"

	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
)

// checkPasswordLen applies SECURITY.md 6: a length range and nothing else
// (no composition rules), counted in characters.
func (s *Service) checkPasswordLen(field, password string) error {
	switch n := passwordLen(password); {
	case n < s.cfg.PasswordMinLen:
		return passwordInvalid(field, CodePasswordTooShort, map[string]any{"Min": s.cfg.PasswordMinLen})
	case n > s.cfg.PasswordMaxLen:
		return passwordInvalid(field, CodePasswordTooLong, map[string]any{"Max": s.cfg.PasswordMaxLen})
	}
	return nil
}

// LoginWithPassword signs in with an e-mail and a password. An unknown
// address, an account without a password, a wrong password and an account
// in soft lockout all answer ErrCredentialsInvalid after the same argon2id
// work (SECURITY.md 6), so neither the answer nor its time tells whether
// the address has an account. A malformed address is ErrEmailInvalid: that
// says nothing about accounts.
func (s *Service) LoginWithPassword(ctx context.Context, email, password string, cl Client) (Login, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Login{}, err
	}
	_, key, err := NormalizeEmail(email)
	if err != nil {
		return Login{}, err
	}
	if passwordLen(password) > s.cfg.PasswordMaxLen {
		// No such password can exist; refusing before hashing keeps a
		// megabyte "password" from costing more than a real one.
		return Login{}, ErrCredentialsInvalid
	}
	now := s.now()
	acct, err := s.store.UserByEmail(ctx, key)
	if errors.Is(err, ErrNotFound) || (err == nil && acct.PasswordHash == "") {
		if _, _, err := s.verify(ctx, password, s.dummyHash()); err != nil && ctx.Err() != nil {
			return Login{}, err
		}
		return Login{}, ErrCredentialsInvalid
	}
	if err != nil {
		return Login{}, err
	}
	// The attempt is counted before the hash is checked, so parallel
	// guesses cannot slip past the cap between a check and a count; a
	// success clears the count again.
	allowed, err := s.store.ReserveLoginAttempt(ctx, acct.ID, now.Add(-time.Hour), now, s.cfg.FailuresPerHour)
	if err != nil {
		return Login{}, err
	}
	ok, current, err := s.verify(ctx, password, acct.PasswordHash)
	if err != nil {
		return Login{}, errs.Internal(err)
	}
	if !allowed || !ok {
		s.log.InfoContext(ctx, "auth: password refused", "tenant", tenantID, "user", acct.ID, "locked", !allowed)
		return Login{}, ErrCredentialsInvalid
	}
	rehash := ""
	if !current {
		// The stored hash predates today's parameters: replace it while
		// the password is at hand.
		if rehash, err = s.hash(ctx, password); err != nil {
			return Login{}, err
		}
	}
	var login Login
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.ClearLoginFailures(ctx, acct.ID); err != nil {
			return err
		}
		if rehash != "" {
			if err := s.store.SetPasswordHash(ctx, acct.ID, rehash, now); err != nil {
				return err
			}
		}
		login, err = s.startSession(ctx, acct, cl, now)
		return err
	})
	if err != nil {
		return Login{}, err
	}
	s.log.InfoContext(ctx, "auth: signed in", "tenant", tenantID, "user", acct.ID, "method", "password")
	return login, nil
}

// RequestPasswordReset e-mails a single-use link to set a new password
// (SECURITY.md 7; the guides' «Забыли пароль?» flow, except that a link is
// sent, never a password). It returns nil whether or not the address has
// an account, and also when the account asked too recently or too often
// (the same cooldown and hourly cap as codes): an error there would tell
// that the account exists. Only a malformed address is an error.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, cl Client) error {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return err
	}
	_, key, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	acct, err := s.store.UserByEmail(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	token, hash, err := newToken()
	if err != nil {
		return err
	}
	id, err := newID()
	if err != nil {
		return err
	}
	now := s.now()
	sent := false
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.LockDestination(ctx, "reset:"+acct.ID); err != nil {
			return err
		}
		n, last, err := s.store.ResetStats(ctx, acct.ID, now.Add(-time.Hour))
		if err != nil {
			return err
		}
		if n >= s.cfg.CodesPerPhonePerHour || (!last.IsZero() && now.Before(last.Add(s.cfg.ResendCooldown))) {
			return nil
		}
		r := Reset{ID: id, TenantID: tenantID, UserID: acct.ID, TokenHash: hash, IP: clip(cl.IP, maxIP),
			CreatedAt: now, ExpiresAt: now.Add(s.cfg.ResetTTL)}
		if err := s.store.CreateReset(ctx, r); err != nil {
			return err
		}
		sent = true
		return s.store.Enqueue(ctx, now, s.resetMessage(tenantID, acct.Email, token, cl))
	})
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "auth: password reset requested", "tenant", tenantID, "user", acct.ID, "sent", sent)
	return nil
}

// ResetPassword sets a new password with a reset token and signs in. The
// token works once and only within ResetTTL; using it ends every other
// session of the account, voids its other reset tokens, lifts a soft
// lockout and e-mails a notice (SECURITY.md 7). Errors: ErrPasswordInvalid
// (the token is then still usable), ErrResetTokenInvalid.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string, cl Client) (Login, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Login{}, err
	}
	if err := s.checkPasswordLen("password", newPassword); err != nil {
		return Login{}, err
	}
	if token == "" || len(token) > maxTokenLen {
		return Login{}, ErrResetTokenInvalid
	}
	hash := tokenHash(token)
	now := s.now()
	// A cheap look first: only a live token earns the argon2id work, so
	// made-up tokens cannot buy CPU and memory.
	if _, err := s.store.ResetUser(ctx, hash, now); err != nil {
		return Login{}, err
	}
	pwHash, err := s.hash(ctx, newPassword)
	if err != nil {
		return Login{}, err
	}
	var (
		login Login
		acct  Account
	)
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		userID, err := s.store.ConsumeReset(ctx, hash, now)
		if err != nil {
			return err
		}
		if acct, err = s.store.User(ctx, userID); err != nil {
			if errors.Is(err, ErrNotFound) {
				return ErrResetTokenInvalid
			}
			return err
		}
		if err := s.store.SetPasswordHash(ctx, acct.ID, pwHash, now); err != nil {
			return err
		}
		acct.PasswordHash, acct.HasPassword = pwHash, true
		if err := s.store.ClearLoginFailures(ctx, acct.ID); err != nil {
			return err
		}
		if _, err := s.store.DeleteSessions(ctx, acct.ID, ""); err != nil {
			return err
		}
		if err := s.store.DeleteResets(ctx, acct.ID); err != nil {
			return err
		}
		if login, err = s.startSession(ctx, acct, cl, now); err != nil {
			return err
		}
		if acct.Email == "" {
			return nil
		}
		return s.store.Enqueue(ctx, now, s.passwordChangedMessage(tenantID, acct.Email, cl.Locale, cl.Brand))
	})
	if err != nil {
		return Login{}, err
	}
	s.log.InfoContext(ctx, "auth: password reset", "tenant", tenantID, "user", acct.ID)
	return login, nil
}

// ChangePassword sets a new password for a signed-in account. When the
// account has a password, current must match it (a wrong one is an
// Invalid error on field "current_password" and counts toward the soft
// lockout, SECURITY.md 6); an account that only ever used codes sets its
// first password without one. The account's sessions stay: the caller may
// offer EndOtherSessions. A notice goes to the account's e-mail, if any.
func (s *Service) ChangePassword(ctx context.Context, userID, current, newPassword string) error {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return err
	}
	if err := s.checkPasswordLen("password", newPassword); err != nil {
		return err
	}
	acct, err := s.store.User(ctx, userID)
	if err != nil {
		return err
	}
	now := s.now()
	if acct.PasswordHash != "" {
		wrong := passwordInvalid("current_password", CodeCurrentPassword, nil)
		if passwordLen(current) > s.cfg.PasswordMaxLen {
			return wrong
		}
		allowed, err := s.store.ReserveLoginAttempt(ctx, acct.ID, now.Add(-time.Hour), now, s.cfg.FailuresPerHour)
		if err != nil {
			return err
		}
		ok, _, err := s.verify(ctx, current, acct.PasswordHash)
		if err != nil {
			return errs.Internal(err)
		}
		if !allowed || !ok {
			s.log.InfoContext(ctx, "auth: current password refused", "tenant", tenantID, "user", acct.ID, "locked", !allowed)
			return wrong
		}
	}
	pwHash, err := s.hash(ctx, newPassword)
	if err != nil {
		return err
	}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.SetPasswordHash(ctx, acct.ID, pwHash, now); err != nil {
			return err
		}
		if err := s.store.ClearLoginFailures(ctx, acct.ID); err != nil {
			return err
		}
		if acct.Email == "" {
			return nil
		}
		return s.store.Enqueue(ctx, now, s.passwordChangedMessage(tenantID, acct.Email, acct.Locale, ""))
	})
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "auth: password changed", "tenant", tenantID, "user", acct.ID)
	return nil
}
