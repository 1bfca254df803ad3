package auth

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/consult/platform/core/platform/tenancy"
)

// touchEvery is how stale last_seen_at may get before a request writes it
// again: one write a minute per active session instead of one per request.
// The idle timeout therefore ends a session up to a minute early, never
// late.
const touchEvery = time.Minute

// maxUserAgent bounds the stored User-Agent, which the client controls;
// maxIP the address, which a trusted proxy's header may carry.
const (
	maxUserAgent = 512
	maxIP        = 64
)

// absolute returns the absolute lifetime of a session of kind: 12 hours
// for staff (SECURITY.md 8), longer for customers, as documented.
func (s *Service) absolute(kind Kind) time.Duration {
	if kind == KindStaff {
		return s.cfg.SessionAbsoluteStaff
	}
	return s.cfg.SessionAbsoluteCustomer
}

// startSession creates a session with a new token for acct. Every login
// makes a new token, never reusing one the client already had (rotation,
// SECURITY.md 8); the account's ended sessions are swept on the way. It
// runs inside the caller's transaction.
func (s *Service) startSession(ctx context.Context, acct Account, cl Client, now time.Time) (Login, error) {
	token, hash, err := newToken()
	if err != nil {
		return Login{}, err
	}
	id, err := newID()
	if err != nil {
		return Login{}, err
	}
	if err := s.store.DeleteStaleSessions(ctx, acct.ID, now.Add(-s.cfg.SessionIdle), now); err != nil {
		return Login{}, err
	}
	sess := Session{ID: id, UserID: acct.ID, TenantID: acct.TenantID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.absolute(acct.Kind)), IP: clip(cl.IP, maxIP), UserAgent: clip(cl.UserAgent, maxUserAgent), Current: true}
	if err := s.store.CreateSession(ctx, sess, hash); err != nil {
		return Login{}, err
	}
	return Login{User: acct.User, Token: token, Session: sess}, nil
}

// live reports whether a session is within both timeouts at now.
func (s *Service) live(sess Session, now time.Time) bool {
	return now.Before(sess.ExpiresAt) && now.Before(sess.LastSeenAt.Add(s.cfg.SessionIdle))
}

// Authenticate returns the account and session a token opens, or
// ErrSessionInvalid: unknown, logged out, idle for SessionIdle, past its
// absolute end, or of an erased account (SECURITY.md 8). An ended session
// is deleted on the spot. Session.Current is true.
func (s *Service) Authenticate(ctx context.Context, token string) (User, Session, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return User{}, Session{}, err
	}
	if token == "" || len(token) > maxTokenLen {
		return User{}, Session{}, ErrSessionInvalid
	}
	sess, acct, err := s.store.SessionByToken(ctx, tokenHash(token))
	if err != nil {
		return User{}, Session{}, err
	}
	now := s.now()
	if !s.live(sess, now) {
		if _, err := s.store.DeleteSession(ctx, sess.UserID, sess.ID); err != nil {
			return User{}, Session{}, err
		}
		s.log.InfoContext(ctx, "auth: session ended by timeout", "tenant", tenantID, "user", sess.UserID)
		return User{}, Session{}, ErrSessionInvalid
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if err := s.store.TouchSession(ctx, sess.ID, now, now.Add(-touchEvery)); err != nil {
			return User{}, Session{}, err
		}
		sess.LastSeenAt = now
	}
	sess.Current = true
	return acct.User, sess, nil
}

// Logout ends the session of token on the server (SECURITY.md 8): the
// token opens nothing afterwards. Logging out a token that opens nothing
// is not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	if _, err := tenancy.From(ctx); err != nil {
		return err
	}
	if token == "" || len(token) > maxTokenLen {
		return nil
	}
	sess, _, err := s.store.SessionByToken(ctx, tokenHash(token))
	if errors.Is(err, ErrSessionInvalid) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.store.DeleteSession(ctx, sess.UserID, sess.ID)
	return err
}

// Sessions lists the account's live sessions, newest first, marking
// currentSessionID as Current, so the owner can see and end the others
// (SECURITY.md 7: "offered for revocation").
func (s *Service) Sessions(ctx context.Context, userID, currentSessionID string) ([]Session, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return nil, err
	}
	all, err := s.store.Sessions(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]Session, 0, len(all))
	for _, se := range all {
		if !s.live(se, now) {
			continue
		}
		se.Current = se.ID == currentSessionID
		out = append(out, se)
	}
	return out, nil
}

// EndSession ends one session of the account; ErrNotFound when it has no
// such session (another account's session is not found either).
func (s *Service) EndSession(ctx context.Context, userID, sessionID string) error {
	if _, err := tenancy.From(ctx); err != nil {
		return err
	}
	ok, err := s.store.DeleteSession(ctx, userID, sessionID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	return nil
}

// EndOtherSessions ends every session of the account except
// currentSessionID and returns how many it ended.
func (s *Service) EndOtherSessions(ctx context.Context, userID, currentSessionID string) (int, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return 0, err
	}
	if currentSessionID == "" {
		// An empty id would end the caller's own session too: that is
		// what a logout is for, not this.
		return 0, ErrSessionInvalid
	}
	return s.store.DeleteSessions(ctx, userID, currentSessionID)
}

// clip makes a client-supplied string storable: valid UTF-8 without NUL
// (PostgreSQL text refuses both), at most n bytes, cut on a rune boundary.
func clip(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\x00", "")
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
