package auth_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/auth/authtest"
	"github.com/consult/platform/core/platform/errs"
)

// serviceCalls calls every exported method of the service for the account
// and session of l (of tenant A).
func serviceCalls(l auth.Login) map[string]func(ctx context.Context, s *auth.Service) (any, error) {
	id := l.User.ID
	return map[string]func(ctx context.Context, s *auth.Service) (any, error){
		"StartPhoneLogin": func(ctx context.Context, s *auth.Service) (any, error) { return s.StartPhoneLogin(ctx, phone, cl) },
		"VerifyPhoneLogin": func(ctx context.Context, s *auth.Service) (any, error) {
			return s.VerifyPhoneLogin(ctx, phone, "000000", cl)
		},
		"StartEmailLogin": func(ctx context.Context, s *auth.Service) (any, error) { return s.StartEmailLogin(ctx, email, cl) },
		"VerifyEmailLogin": func(ctx context.Context, s *auth.Service) (any, error) {
			return s.VerifyEmailLogin(ctx, email, "000000", cl)
		},
		"LoginWithPassword": func(ctx context.Context, s *auth.Service) (any, error) {
			return s.LoginWithPassword(ctx, email, "a long password", cl)
		},
		"RequestPasswordReset": func(ctx context.Context, s *auth.Service) (any, error) {
			return nil, s.RequestPasswordReset(ctx, email, cl)
		},
		"ResetPassword": func(ctx context.Context, s *auth.Service) (any, error) {
			return s.ResetPassword(ctx, "token", "a long password", cl)
		},
		"ChangePassword": func(ctx context.Context, s *auth.Service) (any, error) {
			return nil, s.ChangePassword(ctx, id, "a long password", "another long password")
		},
		"Authenticate": func(ctx context.Context, s *auth.Service) (any, error) {
			u, _, err := s.Authenticate(ctx, l.Token)
			return u, err
		},
		"Logout":   func(ctx context.Context, s *auth.Service) (any, error) { return nil, s.Logout(ctx, l.Token) },
		"Sessions": func(ctx context.Context, s *auth.Service) (any, error) { return s.Sessions(ctx, id, l.Session.ID) },
		"EndSession": func(ctx context.Context, s *auth.Service) (any, error) {
			return nil, s.EndSession(ctx, id, l.Session.ID)
		},
		"EndOtherSessions": func(ctx context.Context, s *auth.Service) (any, error) {
			return s.EndOtherSessions(ctx, id, "another session")
		},
		"Profile": func(ctx context.Context, s *auth.Service) (any, error) { return s.Profile(ctx, id) },
		"UpdateProfile": func(ctx context.Context, s *auth.Service) (any, error) {
			return s.UpdateProfile(ctx, id, auth.ProfilePatch{Name: ptr("Hijacked")})
		},
		"SetAvatar": func(ctx context.Context, s *auth.Service) (any, error) { return nil, s.SetAvatar(ctx, id, "hijacked") },
		"StartAccountDeletion": func(ctx context.Context, s *auth.Service) (any, error) {
			return s.StartAccountDeletion(ctx, id, cl)
		},
		"ConfirmAccountDeletion": func(ctx context.Context, s *auth.Service) (any, error) {
			return nil, s.ConfirmAccountDeletion(ctx, id, "000000")
		},
		"CreateStaff": func(ctx context.Context, s *auth.Service) (any, error) {
			return s.CreateStaff(ctx, "staff@example.com", "Staff")
		},
		"Purge": func(ctx context.Context, s *auth.Service) (any, error) { return s.Purge(ctx) },
	}
}

// Every exported method of the service is in serviceCalls, so a new one
// cannot skip the tests below.
func TestEveryServiceMethodIsCovered(t *testing.T) {
	calls := serviceCalls(auth.Login{})
	typ := reflect.TypeFor[*auth.Service]()
	for i := range typ.NumMethod() {
		if _, ok := calls[typ.Method(i).Name]; !ok {
			t.Errorf("serviceCalls lacks %s", typ.Method(i).Name)
		}
	}
	if len(calls) != typ.NumMethod() {
		t.Errorf("serviceCalls has %d calls for %d methods", len(calls), typ.NumMethod())
	}
}

// Every method fails closed without a tenant and writes nothing.
func TestServiceFailsClosedWithoutTenant(t *testing.T) {
	e := authtest.New(t)
	l := withPassword(t, e, email, "a long password")
	before := len(e.Outbox(t, authtest.TenantA))
	for name, call := range serviceCalls(l) {
		t.Run(name, func(t *testing.T) {
			if _, err := call(context.Background(), e.Service); !errors.Is(err, errs.ErrTenantMissing) {
				t.Fatalf("err = %v, want %s", err, errs.ErrTenantMissing.Code)
			}
		})
	}
	if after := len(e.Outbox(t, authtest.TenantA)); after != before {
		t.Fatalf("outbox grew from %d to %d", before, after)
	}
	if _, _, err := e.Service.Authenticate(ctxA, l.Token); err != nil {
		t.Fatalf("the session was touched: %v", err)
	}
}

// SECURITY.md 10–12: tenant A's account is invisible from tenant B. Calls
// that name it by id answer auth.not_found (404, not 403); its token, codes
// and password open nothing on B; nothing of A changes.
func TestServiceTenantIsolation(t *testing.T) {
	e := authtest.New(t)
	l := withPassword(t, e, email, "a long password")
	if _, err := e.Service.UpdateProfile(ctxA, l.User.ID, auth.ProfilePatch{Name: ptr("Анна"), Phone: ptr(phone)}); err != nil {
		t.Fatal(err)
	}
	want := map[string]error{
		"VerifyPhoneLogin":       auth.ErrCodeInvalid,
		"VerifyEmailLogin":       auth.ErrCodeInvalid,
		"LoginWithPassword":      auth.ErrCredentialsInvalid,
		"ResetPassword":          auth.ErrResetTokenInvalid,
		"ChangePassword":         auth.ErrNotFound,
		"Authenticate":           auth.ErrSessionInvalid,
		"EndSession":             auth.ErrNotFound,
		"Profile":                auth.ErrNotFound,
		"UpdateProfile":          auth.ErrNotFound,
		"SetAvatar":              auth.ErrNotFound,
		"StartAccountDeletion":   auth.ErrNotFound,
		"ConfirmAccountDeletion": auth.ErrNotFound,
	}
	for name, call := range serviceCalls(l) {
		t.Run(name, func(t *testing.T) {
			got, err := call(ctxB, e.Service)
			if w, ok := want[name]; ok && !errors.Is(err, w) {
				t.Fatalf("err = %v, want %v", err, w)
			}
			switch v := got.(type) {
			case auth.User:
				if v.ID == l.User.ID {
					t.Fatalf("tenant B got A's account")
				}
			case []auth.Session:
				if len(v) != 0 {
					t.Fatalf("tenant B listed A's sessions: %+v", v)
				}
			case int:
				if v != 0 {
					t.Fatalf("tenant B ended %d of A's sessions", v)
				}
			}
		})
	}
	u, s, err := e.Service.Authenticate(ctxA, l.Token)
	if err != nil || u.Name != "Анна" || u.AvatarID != "" || s.ID != l.Session.ID {
		t.Fatalf("tenant A's account after B's calls: %+v, %+v, %v", u, s, err)
	}
	if _, err := e.Service.LoginWithPassword(ctxA, email, "a long password", cl); err != nil {
		t.Fatalf("A's password after B's calls: %v", err)
	}
	for _, m := range e.Outbox(t, authtest.TenantB) {
		if m.Kind == auth.KindPasswordReset || m.Kind == auth.KindDeleteCode {
			t.Fatalf("tenant B sent %s for A's account", m.Kind)
		}
	}
}
