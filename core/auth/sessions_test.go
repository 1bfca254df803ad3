package auth_test

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/auth/authtest"
)

// SECURITY.md 8: a new ≥256-bit token at every login, idle and absolute
// timeouts on the injected clock, logout on the server.
func TestSessions(t *testing.T) {
	t.Run("rotation: every login gets a new token", func(t *testing.T) {
		e := authtest.New(t)
		a := e.PhoneLogin(t, authtest.TenantA, phone)
		e.Clock.Advance(time.Minute)
		b := e.PhoneLogin(t, authtest.TenantA, phone)
		if a.Token == b.Token || a.Session.ID == b.Session.ID || a.User.ID != b.User.ID {
			t.Fatalf("logins share a token or session: %+v / %+v", a.Session, b.Session)
		}
		raw, err := base64.RawURLEncoding.DecodeString(a.Token)
		if err != nil || len(raw) < 32 {
			t.Fatalf("token %q: %d bytes, %v; want ≥ 32 random bytes, base64url", a.Token, len(raw), err)
		}
		if n := e.Count(t, "auth_sessions", "token_hash = ?", a.Token); n != 0 {
			t.Fatal("the token itself is stored")
		}
		if a.Session.ExpiresAt != a.Session.CreatedAt.Add(30*24*time.Hour) {
			t.Fatalf("customer session ends %v, want 30 days after %v", a.Session.ExpiresAt, a.Session.CreatedAt)
		}
	})

	tests := []struct {
		name  string
		steps []time.Duration // advance, then Authenticate
		valid []bool          // after each step
	}{
		{"idle: 29m59s later still valid", []time.Duration{30*time.Minute - time.Second}, []bool{true}},
		{"idle: 30m later ended", []time.Duration{30 * time.Minute}, []bool{false}},
		{"idle: 31m later ended", []time.Duration{31 * time.Minute}, []bool{false}},
		{"use keeps it alive", []time.Duration{20 * time.Minute, 20 * time.Minute, 20 * time.Minute}, []bool{true, true, true}},
		{"ended stays ended", []time.Duration{31 * time.Minute, time.Minute}, []bool{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := authtest.New(t)
			l := e.PhoneLogin(t, authtest.TenantA, phone)
			for i, step := range tt.steps {
				e.Clock.Advance(step)
				u, s, err := e.Service.Authenticate(ctxA, l.Token)
				if tt.valid[i] {
					if err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
					if u.ID != l.User.ID || s.ID != l.Session.ID || !s.Current {
						t.Fatalf("step %d: user %s session %+v", i, u.ID, s)
					}
					continue
				}
				if !errors.Is(err, auth.ErrSessionInvalid) {
					t.Fatalf("step %d: err = %v, want %s", i, err, auth.CodeSessionInvalid)
				}
			}
		})
	}

	t.Run("LastSeenAt is written at most once a minute", func(t *testing.T) {
		e := authtest.New(t)
		l := e.PhoneLogin(t, authtest.TenantA, phone)
		e.Clock.Advance(30 * time.Second)
		_, s, err := e.Service.Authenticate(ctxA, l.Token)
		if err != nil || !s.LastSeenAt.Equal(l.Session.LastSeenAt) {
			t.Fatalf("after 30s: last seen %v (was %v), %v", s.LastSeenAt, l.Session.LastSeenAt, err)
		}
		e.Clock.Advance(30 * time.Second)
		_, s, err = e.Service.Authenticate(ctxA, l.Token)
		if err != nil || !s.LastSeenAt.Equal(e.Clock.Now()) {
			t.Fatalf("after 60s: last seen %v, want %v, %v", s.LastSeenAt, e.Clock.Now(), err)
		}
	})

	t.Run("absolute: staff sessions end after 12 hours however busy", func(t *testing.T) {
		e := authtest.New(t)
		staff, err := e.Service.CreateStaff(ctxA, "vet@example.com", "Доктор Айболит")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Service.StartEmailLogin(ctxA, "vet@example.com", cl); err != nil {
			t.Fatal(err)
		}
		l, err := e.Service.VerifyEmailLogin(ctxA, "vet@example.com", e.LastCode(t, authtest.TenantA, "vet@example.com"), cl)
		if err != nil {
			t.Fatal(err)
		}
		if l.Created || l.User.ID != staff.ID || l.User.Kind != auth.KindStaff {
			t.Fatalf("staff login = %+v", l)
		}
		if l.Session.ExpiresAt != l.Session.CreatedAt.Add(12*time.Hour) {
			t.Fatalf("staff session ends %v", l.Session.ExpiresAt)
		}
		for elapsed := time.Duration(0); elapsed < 12*time.Hour-20*time.Minute; elapsed += 20 * time.Minute {
			e.Clock.Advance(20 * time.Minute)
			if _, _, err := e.Service.Authenticate(ctxA, l.Token); err != nil {
				t.Fatalf("after %v: %v", elapsed+20*time.Minute, err)
			}
		}
		e.Clock.Set(l.Session.CreatedAt.Add(12*time.Hour - time.Second))
		if _, _, err := e.Service.Authenticate(ctxA, l.Token); err != nil {
			t.Fatalf("at 12h−1s: %v", err)
		}
		e.Clock.Advance(time.Second)
		if _, _, err := e.Service.Authenticate(ctxA, l.Token); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Fatalf("at 12h: %v", err)
		}
	})

	t.Run("absolute: customer sessions end after 30 days", func(t *testing.T) {
		// A long idle timeout, so a few requests keep the session alive
		// until the absolute end is what ends it.
		e := authtest.New(t, func(c *auth.Config) { c.SessionIdle = 24 * time.Hour })
		l := e.PhoneLogin(t, authtest.TenantA, phone)
		for e.Clock.Now().Add(23 * time.Hour).Before(l.Session.ExpiresAt) {
			e.Clock.Advance(23 * time.Hour)
			if _, _, err := e.Service.Authenticate(ctxA, l.Token); err != nil {
				t.Fatalf("at %v: %v", e.Clock.Now().Sub(l.Session.CreatedAt), err)
			}
		}
		e.Clock.Set(l.Session.ExpiresAt.Add(-time.Second))
		if _, _, err := e.Service.Authenticate(ctxA, l.Token); err != nil {
			t.Fatalf("at 30 days − 1s: %v", err)
		}
		e.Clock.Set(l.Session.ExpiresAt)
		if _, _, err := e.Service.Authenticate(ctxA, l.Token); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Fatalf("at 30 days: %v", err)
		}
	})

	t.Run("logout kills the session on the server", func(t *testing.T) {
		e := authtest.New(t)
		l := e.PhoneLogin(t, authtest.TenantA, phone)
		if err := e.Service.Logout(ctxA, l.Token); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.Service.Authenticate(ctxA, l.Token); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Fatalf("after logout: %v", err)
		}
		if n := e.Count(t, "auth_sessions", ""); n != 0 {
			t.Fatalf("%d session rows after logout", n)
		}
		if err := e.Service.Logout(ctxA, l.Token); err != nil {
			t.Fatalf("a second logout: %v", err)
		}
	})

	t.Run("list and end sessions", func(t *testing.T) {
		e := authtest.New(t)
		a := e.PhoneLogin(t, authtest.TenantA, phone)
		e.Clock.Advance(time.Minute)
		b := e.PhoneLogin(t, authtest.TenantA, phone)
		e.Clock.Advance(time.Minute)
		c := e.PhoneLogin(t, authtest.TenantA, phone)
		list, err := e.Service.Sessions(ctxA, a.User.ID, c.Session.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[0].ID != c.Session.ID || !list[0].Current || list[1].Current || list[2].ID != a.Session.ID {
			t.Fatalf("sessions = %+v", list)
		}
		if list[0].IP != "192.0.2.1" || list[0].UserAgent != "authtest" {
			t.Fatalf("session details = %+v", list[0])
		}
		if err := e.Service.EndSession(ctxA, a.User.ID, b.Session.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.Service.Authenticate(ctxA, b.Token); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Fatalf("ended session: %v", err)
		}
		if err := e.Service.EndSession(ctxA, a.User.ID, b.Session.ID); !errors.Is(err, auth.ErrNotFound) {
			t.Fatalf("ending it again: %v", err)
		}
		other := e.PhoneLogin(t, authtest.TenantA, "+79997654321")
		if err := e.Service.EndSession(ctxA, other.User.ID, c.Session.ID); !errors.Is(err, auth.ErrNotFound) {
			t.Fatalf("another account's session: %v", err)
		}
		n, err := e.Service.EndOtherSessions(ctxA, a.User.ID, c.Session.ID)
		if err != nil || n != 1 {
			t.Fatalf("EndOtherSessions = %d, %v; want 1", n, err)
		}
		if _, _, err := e.Service.Authenticate(ctxA, a.Token); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Fatalf("other session: %v", err)
		}
		if _, _, err := e.Service.Authenticate(ctxA, c.Token); err != nil {
			t.Fatalf("current session: %v", err)
		}
		if _, _, err := e.Service.Authenticate(ctxA, other.Token); err != nil {
			t.Fatalf("another account's session: %v", err)
		}
		if _, err := e.Service.EndOtherSessions(ctxA, a.User.ID, ""); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Fatalf("without a current session: %v", err)
		}
	})

	t.Run("garbage tokens", func(t *testing.T) {
		e := authtest.New(t)
		for _, tok := range []string{"", "x", string(make([]byte, 4096))} {
			if _, _, err := e.Service.Authenticate(ctxA, tok); !errors.Is(err, auth.ErrSessionInvalid) {
				t.Fatalf("token of %d bytes: %v", len(tok), err)
			}
		}
	})

	t.Run("purge removes ended sessions and old codes", func(t *testing.T) {
		e := authtest.New(t)
		l := e.PhoneLogin(t, authtest.TenantA, phone)
		e.PhoneLogin(t, authtest.TenantB, phone)
		e.Clock.Advance(25 * time.Hour)
		n, err := e.Service.Purge(ctxA)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 { // tenant A's code and session
			t.Fatalf("purged %d rows, want 2", n)
		}
		if got := e.Count(t, "auth_sessions", "tenant_id = ?", authtest.TenantB); got != 1 {
			t.Fatalf("tenant B's session was purged by A's purge")
		}
		if _, _, err := e.Service.Authenticate(ctxA, l.Token); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Fatal(err)
		}
	})
}
