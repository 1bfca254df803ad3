package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/tenants"
)

//go:embed templates static
var assets embed.FS

// pages renders the server-side pages from the embedded templates.
type pages struct {
	engine *html.Engine
	static fs.FS
	md     goldmark.Markdown
}

func newPages(tr Translator) (*pages, error) {
	sub, err := fs.Sub(assets, "templates")
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, err
	}
	engine := html.NewFileSystem(http.FS(sub), ".html")
	engine.AddFuncMap(map[string]any{
		"t": func(lang, id string) string { return tr.T(lang, id, nil) },
		"tp": func(lang, id string, count int) string {
			return tr.Plural(lang, id, count, map[string]any{"Count": count})
		},
		"term":  func(lang string, t tenants.Term) string { return termText(tr, lang, t) },
		"money": func(kopecks *int64, currency string) string { return formatMoney(*kopecks, currency) },
		"text":  func(lang string, t sdk.Text) string { return t.In(lang) },
		// tel links a phone: html/template lets only http(s) and mailto
		// through an href and would print #ZgotmplZ, so the link is built
		// of the number's "+" and digits alone and marked safe.
		"tel": func(e164 string) template.URL {
			return template.URL("tel:" + strings.Map(func(r rune) rune { // #nosec G203 -- "+" and digits only
				if r == '+' || r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, e164))
		},
		// dict passes several values to a sub-template: dict "Card" . "Lang" $.Lang.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		// days renders a day range from dayRanges: "mon-fri" → "пн–пт".
		"days": func(lang, r string) string {
			from, to, ok := strings.Cut(r, "-")
			if !ok {
				return tr.T(lang, "weekday."+from, nil)
			}
			return tr.T(lang, "weekday."+from, nil) + "–" + tr.T(lang, "weekday."+to, nil)
		},
	})
	// Embedded templates cannot change at run time; reloading would only
	// re-parse the same bytes.
	engine.Reload(false)
	if err := engine.Load(); err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	md := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough))
	return &pages{engine: engine, static: static, md: md}, nil
}

// termText renders a package term: "21 день", "3 месяца".
func termText(tr Translator, lang string, t tenants.Term) string {
	if t.Months > 0 {
		return tr.Plural(lang, "units.months", t.Months, map[string]any{"Count": t.Months})
	}
	return tr.Plural(lang, "units.days", t.Days, map[string]any{"Count": t.Days})
}

// formatMoney prints kopecks as roubles the Russian way: "9 999 ₽",
// "549,50 ₽". Integer arithmetic only: money is never a float.
func formatMoney(kopecks int64, currency string) string {
	neg := kopecks < 0
	if neg {
		kopecks = -kopecks
	}
	whole, frac := kopecks/100, kopecks%100
	digits := strconv.FormatInt(whole, 10)
	var b strings.Builder
	if neg {
		b.WriteString("−")
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString("\u00a0")
		}
		b.WriteRune(r)
	}
	if frac != 0 {
		fmt.Fprintf(&b, ",%02d", frac)
	}
	sign := currency
	if currency == "RUB" {
		sign = "₽"
	}
	return b.String() + "\u00a0" + sign
}

// pageData is what every page template receives.
type pageData struct {
	Lang      string
	Langs     []string
	Path      string
	BrandName string
	Tagline   string
	TenantID  string
	Legal     string // the operator named in the footer
	Contacts  contactsJSON
	Documents []documentJSON
	// FooterDocuments leaves out the documents listed on another's page.
	FooterDocuments []documentJSON
	Year            int
	Title           string
	Page            any
	// Signed-in state for the header, and the forms' CSRF token.
	UserName      string
	CSRF          string
	SubjectsTitle string // "Мои питомцы" when the product keeps subjects
	SubjectsURL   string
	Dev           bool
	// CatalogNav names the catalogue's sections in the header; nil
	// without the catalogue (pages_catalog.go).
	CatalogNav *catalogNav
}

func (s *Server) basePage(c *fiber.Ctx, title string) pageData {
	si := site(c)
	lang := langOf(c)
	d := pageData{Lang: lang, Path: c.Path(), Year: s.Clock.Now().In(time.UTC).Year(), Title: title}
	if si == nil {
		return d
	}
	d.Langs = si.Site.Locales
	if len(d.Langs) == 0 {
		d.Langs = []string{si.Site.Locale}
	}
	d.BrandName = si.Site.Brand.Name.In(lang)
	d.Tagline = si.Site.Brand.Tagline.In(lang)
	d.TenantID = si.Tenant.ID
	d.Contacts = toContacts(s.siteContacts(c, si), lang) // the admin's edits show (catalogue)
	d.CatalogNav = s.catalogNavOf(si, lang)
	d.Documents = toDocuments(si.Site.Documents, lang)
	d.FooterDocuments = footerDocuments(d.Documents)
	d.Dev = s.Config.Env == "dev"
	if u := currentUser(c); u != nil {
		d.UserName = u.Name
		if d.UserName == "" {
			d.UserName = u.Phone
		}
		if d.UserName == "" {
			d.UserName = u.Email
		}
		d.CSRF = s.csrfToken(currentSession(c).ID)
		if kind, ok := s.hasSubjects(si); ok {
			d.SubjectsTitle = s.i18n.T(lang, "subjects.menu."+kind.Key, nil)
			d.SubjectsURL = subjectsURL(kind.Key)
		}
	}
	if len(si.Tenant.LegalEntities) > 0 {
		d.Legal = si.Tenant.LegalEntities[0].Name.In(lang)
	}
	if d.Title == "" {
		d.Title = d.BrandName
	}
	return d
}

// renderPage renders a page into the site's layout.
func (s *Server) renderPage(c *fiber.Ctx, name string, page any) error {
	d := s.basePage(c, "")
	if m, ok := page.(fiber.Map); ok {
		if t, ok := m["Title"].(string); ok {
			d.Title = t
		}
	}
	d.Page = page
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Render(name, d, "layouts/base")
}

// homeService is one service of a package with its count, titled as its
// product names it.
type homeService struct {
	Title string
	Count int
}

var hexColour = regexp.MustCompile(`^#[0-9a-fA-F]{3,8}$`)

// themeCSS serves the site's colours as CSS custom properties, so pages
// need no inline style and the CSP stays strict. Values that are not hex
// colours are dropped: tenant data must not inject CSS.
func (s *Server) themeCSS(c *fiber.Ctx) error {
	th := site(c).Site.Brand.Theme
	var b bytes.Buffer
	b.WriteString(":root{")
	for _, v := range []struct{ name, value string }{
		{"--brand-primary", th.Primary}, {"--brand-accent", th.Accent},
		{"--brand-bg", th.Background}, {"--brand-text", th.Text},
	} {
		if hexColour.MatchString(v.value) {
			fmt.Fprintf(&b, "%s:%s;", v.name, v.value)
		}
	}
	b.WriteString("}\n")
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(b.Bytes())
}

// logo serves the site's logo. SVG is served sandboxed so a script inside
// a tenant's file can never run in our origin.
func (s *Server) logo(c *fiber.Ctx) error {
	name := site(c).Site.Brand.Logo
	if name == "" {
		return errs.ErrNotFound
	}
	return s.sendTenantFile(c, name)
}

func (s *Server) sendTenantFile(c *fiber.Ctx, name string) error {
	f, err := s.Offers.File(c.UserContext(), name)
	if err != nil {
		return err
	}
	etag := `"` + f.Digest[:16] + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.ContentType)
	if strings.HasPrefix(f.ContentType, "image/svg") {
		c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	}
	return c.Send(f.Content)
}

type legalPage struct {
	Title    string
	Version  string
	HTML     template.HTML
	Children []documentJSON // documents listed on this one's page
}

// legalDoc renders one of the site's legal documents from its Markdown.
// goldmark escapes raw HTML by default, so a document cannot inject markup.
func (s *Server) legalDoc(c *fiber.Ctx) error {
	si := site(c)
	lang := langOf(c)
	id := c.Params("doc")
	for _, d := range si.Site.Documents {
		if d.ID != id {
			continue
		}
		f, err := s.Offers.File(c.UserContext(), d.File)
		if err != nil {
			return err
		}
		var out bytes.Buffer
		if err := s.pages.md.Convert(f.Content, &out); err != nil {
			return errs.Internal(fmt.Errorf("render %s: %w", d.File, err))
		}
		title := d.Title.In(lang)
		page := legalPage{Title: title, Version: d.Version, HTML: template.HTML(out.String())} // #nosec G203 -- goldmark output with raw HTML escaped
		for _, child := range toDocuments(si.Site.Documents, lang) {
			if child.ListedIn == d.ID {
				page.Children = append(page.Children, child)
			}
		}
		return s.renderPage(c, "legal", fiber.Map{"Title": title, "Doc": page})
	}
	return errs.ErrNotFound
}
