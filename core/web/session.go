package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/platform/errs"
)

// SessionCookie holds the session token for pages. The __Host- prefix
// pins it to this exact host, path / and Secure (SECURITY.md 8). Browsers
// count http://*.localhost as a secure context, so the same cookie works on
// the dev hosts; production is served over HTTPS.
const SessionCookie = "__Host-session"

// Accounts is the part of the auth service the HTTP layer uses.
type Accounts interface {
	StartPhoneLogin(ctx context.Context, phone string, cl auth.Client) (auth.CodeSent, error)
	VerifyPhoneLogin(ctx context.Context, phone, code string, cl auth.Client) (auth.Login, error)
	StartEmailLogin(ctx context.Context, email string, cl auth.Client) (auth.CodeSent, error)
	VerifyEmailLogin(ctx context.Context, email, code string, cl auth.Client) (auth.Login, error)
	LoginWithPassword(ctx context.Context, email, password string, cl auth.Client) (auth.Login, error)
	RequestPasswordReset(ctx context.Context, email string, cl auth.Client) error
	ResetPassword(ctx context.Context, token, newPassword string, cl auth.Client) (auth.Login, error)
	ChangePassword(ctx context.Context, userID, current, newPassword string) error
	Authenticate(ctx context.Context, token string) (auth.User, auth.Session, error)
	Logout(ctx context.Context, token string) error
	Sessions(ctx context.Context, userID, currentSessionID string) ([]auth.Session, error)
	EndSession(ctx context.Context, userID, sessionID string) error
	EndOtherSessions(ctx context.Context, userID, currentSessionID string) (int, error)
	Profile(ctx context.Context, userID string) (auth.User, error)
	UpdateProfile(ctx context.Context, userID string, p auth.ProfilePatch) (auth.User, error)
	SetAvatar(ctx context.Context, userID, avatarID string) error
	StartAccountDeletion(ctx context.Context, userID string, cl auth.Client) (auth.CodeSent, error)
	ConfirmAccountDeletion(ctx context.Context, userID, code string) error
}

// Locals keys of the signed-in caller.
const (
	localUser    = "user"
	localSession = "session"
	localToken   = "token"
	localBearer  = "bearer"
)

var (
	errUnauthenticated = errs.E(errs.KindUnauthorized, "auth.unauthenticated")
	errCSRF            = errs.E(errs.KindForbidden, "auth.csrf_invalid")
)

// authenticate resolves the caller from a bearer token (API clients) or the
// session cookie (pages). An invalid or expired token makes the request
// anonymous; the cookie is cleared so the browser stops sending it.
func (s *Server) authenticate(c *fiber.Ctx) error {
	if isPartnerAPI(c) {
		return c.Next() // its bearer is an API key, checked by partnerAuth (api_partner.go)
	}
	token, bearer := bearerToken(c)
	if !bearer {
		token = c.Cookies(SessionCookie)
	}
	if token == "" || s.Accounts == nil {
		return c.Next()
	}
	user, sess, err := s.Accounts.Authenticate(c.UserContext(), token)
	switch {
	case err == nil:
		c.Locals(localUser, &user)
		c.Locals(localSession, &sess)
		c.Locals(localToken, token)
		c.Locals(localBearer, bearer)
	case errs.KindOf(err) == errs.KindUnauthorized || errs.KindOf(err) == errs.KindNotFound:
		if !bearer {
			s.clearSessionCookie(c)
		}
		if bearer {
			return err // an API client must learn its token is dead
		}
	default:
		return err
	}
	return c.Next()
}

func bearerToken(c *fiber.Ctx) (string, bool) {
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:]), true
	}
	return "", false
}

func currentUser(c *fiber.Ctx) *auth.User {
	u, _ := c.Locals(localUser).(*auth.User)
	return u
}

func currentSession(c *fiber.Ctx) *auth.Session {
	s, _ := c.Locals(localSession).(*auth.Session)
	return s
}

// requireUser lets only signed-in callers through: 401 for the API, the
// login page (with a way back) for pages.
func requireUser(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Next()
	}
	if isAPI(c) {
		return errUnauthenticated
	}
	return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
}

// setSessionCookie starts the page session after a login.
func (s *Server) setSessionCookie(c *fiber.Ctx, l auth.Login) {
	// Max-Age, not Expires: the session's end is business time (a dev
	// clock may be set in the past), the browser counts real seconds.
	maxAge := int(l.Session.ExpiresAt.Sub(s.Clock.Now()) / time.Second)
	if maxAge < 1 {
		maxAge = 1
	}
	c.Cookie(&fiber.Cookie{
		Name: SessionCookie, Value: l.Token, Path: "/",
		MaxAge: maxAge, Secure: true, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		Secure: true, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
}

// csrfToken is the token pages send back in X-CSRF-Token: bound to the
// session, so a token stolen from one session is useless in another.
func (s *Server) csrfToken(sessionID string) string {
	m := hmac.New(sha256.New, s.CSRFKey)
	m.Write([]byte("csrf:" + sessionID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfProtect guards state-changing requests (SECURITY.md 8, ASVS 4.2):
//   - a cross-site request (Sec-Fetch-Site or an Origin of another host) is
//     refused outright;
//   - a request authenticated by the session cookie must carry the
//     session's token in X-CSRF-Token (or the _csrf form field);
//   - bearer-token requests are not ambient, so they need no token;
//   - anonymous requests (login forms) are JSON-only (decodeJSON refuses
//     anything else): a cross-site page cannot send JSON without a CORS
//     preflight, which we never allow.
func (s *Server) csrfProtect(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if site := c.Get("Sec-Fetch-Site"); site == "cross-site" {
		return errCSRF
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || !strings.EqualFold(u.Host, string(c.Request().Host())) {
			return errCSRF
		}
	}
	if bearer, _ := c.Locals(localBearer).(bool); bearer {
		return c.Next()
	}
	if sess := currentSession(c); sess != nil {
		got := c.Get("X-CSRF-Token")
		if got == "" {
			got = c.FormValue("_csrf")
		}
		want := s.csrfToken(sess.ID)
		if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return errCSRF
		}
		return c.Next()
	}
	return c.Next()
}
