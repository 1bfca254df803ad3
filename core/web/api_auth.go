package web

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/platform/errs"
)

// decodeJSON reads a JSON body strictly: unknown fields are an error, so a
// client that sends tenant_id or role learns it is not accepted
// (SECURITY.md 11) instead of believing it worked.
//
// JSON only: besides being the API's format, it is what keeps anonymous
// forms safe from cross-site posting (see csrfProtect).
func decodeJSON(c *fiber.Ctx, v any) error {
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return errs.E(errs.KindBadRequest, "errors.json_required")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errs.Wrap(errs.KindBadRequest, "errors.bad_request", err)
	}
	return nil
}

// client describes the caller for limits and message texts.
func (s *Server) client(c *fiber.Ctx) auth.Client {
	cl := auth.Client{IP: s.clientIP(c), UserAgent: truncate(c.Get(fiber.HeaderUserAgent), 256), Locale: langOf(c)}
	if si := site(c); si != nil {
		cl.Brand = si.Site.Brand.Name.In(cl.Locale)
		cl.BaseURL = s.siteBaseURL(c, si)
	}
	return cl
}

// siteBaseURL is where links in messages (sign-in, password reset) point.
// In prod it is the site's canonical HTTPS domain, never the request's Host
// header: only known hosts reach us, but the port and scheme a request
// claims are the sender's to choose (reset-link poisoning, ASVS 5.1). A dev
// site has no domain of its own, so there the request's base URL is used.
func (s *Server) siteBaseURL(c *fiber.Ctx, si *siteInfo) string {
	if s.Config.Env != "dev" && len(si.Site.Domains) > 0 {
		return "https://" + si.Site.Domains[0]
	}
	return c.BaseURL()
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

type codeSentJSON struct {
	ResendAfter int `json:"resend_after"` // seconds
	ExpiresIn   int `json:"expires_in"`   // seconds
}

func toCodeSent(cs auth.CodeSent) codeSentJSON {
	return codeSentJSON{ResendAfter: int(cs.ResendAfter / time.Second), ExpiresIn: int(cs.ExpiresIn / time.Second)}
}

type loginJSON struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Created   bool      `json:"created"`
	User      userJSON  `json:"user"`
	CSRFToken string    `json:"csrf_token"`
}

// signedIn answers a successful login: the bearer token for API clients
// and the session cookie for pages (a new one: the old session is not
// reused, SECURITY.md 8).
func (s *Server) signedIn(c *fiber.Ctx, l auth.Login) error {
	// A browser that was signed in (perhaps as someone else) gives up that
	// session: one cookie, one live session.
	if old := c.Cookies(SessionCookie); old != "" && old != l.Token {
		if err := s.Accounts.Logout(c.UserContext(), old); err != nil && errs.KindOf(err) == errs.KindInternal {
			return err
		}
	}
	s.setSessionCookie(c, l)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(loginJSON{Token: l.Token, ExpiresAt: l.Session.ExpiresAt, Created: l.Created,
		User: toUserJSON(l.User), CSRFToken: s.csrfToken(l.Session.ID)})
}

// rateLimited adds Retry-After for throttling errors (SECURITY.md 4).
func rateLimited(c *fiber.Ctx, err error) error {
	if e := errs.As(err); e.Kind == errs.KindTooMany {
		if ra, ok := e.Data["RetryAfter"]; ok {
			c.Set(fiber.HeaderRetryAfter, toString(ra))
		}
	}
	return err
}

func (s *Server) phoneStart(c *fiber.Ctx) error {
	var in struct {
		Phone string `json:"phone"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cs, err := s.Accounts.StartPhoneLogin(c.UserContext(), in.Phone, s.client(c))
	if err != nil {
		return rateLimited(c, err)
	}
	return c.JSON(toCodeSent(cs))
}

func (s *Server) phoneVerify(c *fiber.Ctx) error {
	var in struct {
		Phone string `json:"phone"`
		Code  string `json:"code"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	l, err := s.Accounts.VerifyPhoneLogin(c.UserContext(), in.Phone, in.Code, s.client(c))
	if err != nil {
		return rateLimited(c, err)
	}
	return s.signedIn(c, l)
}

func (s *Server) emailStart(c *fiber.Ctx) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cs, err := s.Accounts.StartEmailLogin(c.UserContext(), in.Email, s.client(c))
	if err != nil {
		return rateLimited(c, err)
	}
	return c.JSON(toCodeSent(cs))
}

func (s *Server) emailVerify(c *fiber.Ctx) error {
	var in struct {
		Email string `json:"email"`
		Code  string `json:"code"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	l, err := s.Accounts.VerifyEmailLogin(c.UserContext(), in.Email, in.Code, s.client(c))
	if err != nil {
		return rateLimited(c, err)
	}
	return s.signedIn(c, l)
}

func (s *Server) passwordLogin(c *fiber.Ctx) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	l, err := s.Accounts.LoginWithPassword(c.UserContext(), in.Email, in.Password, s.client(c))
	if err != nil {
		return rateLimited(c, err)
	}
	return s.signedIn(c, l)
}

// passwordForgot always answers 202: whether the address has an account is
// nobody's business (SECURITY.md 6).
func (s *Server) passwordForgot(c *fiber.Ctx) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.Accounts.RequestPasswordReset(c.UserContext(), in.Email, s.client(c)); err != nil {
		return rateLimited(c, err)
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"status": "sent_if_known"})
}

func (s *Server) passwordReset(c *fiber.Ctx) error {
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	l, err := s.Accounts.ResetPassword(c.UserContext(), in.Token, in.Password, s.client(c))
	if err != nil {
		return rateLimited(c, err)
	}
	return s.signedIn(c, l)
}

func (s *Server) passwordChange(c *fiber.Ctx) error {
	var in struct {
		Current  string `json:"current"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.Accounts.ChangePassword(c.UserContext(), currentUser(c).ID, in.Current, in.Password); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) logout(c *fiber.Ctx) error {
	if tok, _ := c.Locals(localToken).(string); tok != "" {
		if err := s.Accounts.Logout(c.UserContext(), tok); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

type sessionJSON struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
	Current    bool      `json:"current"`
}

func (s *Server) listSessions(c *fiber.Ctx) error {
	list, err := s.Accounts.Sessions(c.UserContext(), currentUser(c).ID, currentSession(c).ID)
	if err != nil {
		return err
	}
	out := make([]sessionJSON, 0, len(list))
	for _, se := range list {
		out = append(out, sessionJSON{ID: se.ID, CreatedAt: se.CreatedAt, LastSeenAt: se.LastSeenAt,
			ExpiresAt: se.ExpiresAt, IP: se.IP, UserAgent: se.UserAgent, Current: se.Current})
	}
	return c.JSON(fiber.Map{"sessions": out})
}

func (s *Server) endSession(c *fiber.Ctx) error {
	if err := s.Accounts.EndSession(c.UserContext(), currentUser(c).ID, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) endOtherSessions(c *fiber.Ctx) error {
	n, err := s.Accounts.EndOtherSessions(c.UserContext(), currentUser(c).ID, currentSession(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ended": n})
}
