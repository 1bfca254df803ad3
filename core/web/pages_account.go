package web

import (
	"encoding/json"
	"html/template"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/plugins/sdk"
)

// safeNext keeps a post-login redirect on this site: only a local path is
// accepted, never //host or a scheme (open-redirect, ASVS 5.1.5).
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/profile"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/profile"
	}
	return next
}

type loginPage struct {
	Countries     []country
	DefaultRegion string
	Next          string
	Tab           string
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	si := site(c)
	region := si.Tenant.PhoneRegion
	if region == "" {
		region = "RU"
	}
	tab := "phone"
	if c.Query("tab") == "email" {
		tab = "email"
	}
	return s.renderPage(c, "login", fiber.Map{"Title": s.i18n.T(langOf(c), "login.title", nil),
		"Login": loginPage{Countries: countries(langOf(c)), DefaultRegion: region, Next: safeNext(c.Query("next")), Tab: tab}})
}

// emailLinkPage is where the link of a login e-mail lands. It signs in only
// on a click (a POST), because mail scanners open links on their own.
func (s *Server) emailLinkPage(c *fiber.Ctx) error {
	return s.renderPage(c, "email_link", fiber.Map{"Title": s.i18n.T(langOf(c), "login.title", nil),
		"Email": c.Query("email"), "Code": c.Query("code")})
}

func (s *Server) resetPage(c *fiber.Ctx) error {
	return s.renderPage(c, "reset", fiber.Map{"Title": s.i18n.T(langOf(c), "reset.title", nil), "Token": c.Query("token")})
}

// schemaJSON embeds a form schema for app.js as non-executable JSON.
func schemaJSON(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", errs.Internal(err)
	}
	return template.JS(b), nil // #nosec G203 -- json.Marshal escapes <, > and & for script context
}

func (s *Server) profilePage(c *fiber.Ctx) error {
	si := site(c)
	spec, _ := s.Products.Spec(si.Site.Product)
	fields, err := schemaJSON(nonNil(spec.ProfileFields))
	if err != nil {
		return err
	}
	return s.renderPage(c, "profile", fiber.Map{"Title": s.i18n.T(langOf(c), "profile.title", nil), "Fields": fields})
}

func (s *Server) subjectsPage(c *fiber.Ctx) error {
	si := site(c)
	spec, _ := s.Products.Spec(si.Site.Product)
	if len(spec.SubjectKinds) == 0 {
		return errs.ErrNotFound
	}
	kinds, err := schemaJSON(spec.SubjectKinds)
	if err != nil {
		return err
	}
	title := s.i18n.T(langOf(c), "subjects.menu."+spec.SubjectKinds[0].Key, nil)
	return s.renderPage(c, "subjects", fiber.Map{"Title": title, "Kinds": kinds})
}

// subjectsURL is the cabinet page of a subject kind: /pets for VetPet's
// pets, /subjects for any other kind.
func subjectsURL(kind string) string {
	if kind == "pet" {
		return "/pets"
	}
	return "/subjects"
}

// hasSubjects reports whether the site's product keeps subjects (pets).
func (s *Server) hasSubjects(si *siteInfo) (sdk.SubjectKind, bool) {
	spec, ok := s.Products.Spec(si.Site.Product)
	if !ok || len(spec.SubjectKinds) == 0 {
		return sdk.SubjectKind{}, false
	}
	return spec.SubjectKinds[0], true
}
