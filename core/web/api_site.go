package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/tenants"
)

var errSiteNotFound = errs.E(errs.KindNotFound, "tenants.site_not_found")

// siteResponse is GET /api/v1/site: who this site is and how to reach it,
// in the negotiated language.
type siteResponse struct {
	Tenant    tenantJSON     `json:"tenant"`
	Site      siteJSON       `json:"site"`
	Brand     brandJSON      `json:"brand"`
	Locale    string         `json:"locale"`
	Contacts  contactsJSON   `json:"contacts"`
	Documents []documentJSON `json:"documents"`
}

type tenantJSON struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

type siteJSON struct {
	ID            string   `json:"id"`
	Product       string   `json:"product"`
	DefaultLocale string   `json:"default_locale"`
	Locales       []string `json:"locales"`
	Domains       []string `json:"domains"`
}

type brandJSON struct {
	Name    string        `json:"name"`
	Tagline string        `json:"tagline"`
	LogoURL string        `json:"logo_url"`
	Theme   tenants.Theme `json:"theme"`
}

type contactsJSON struct {
	Phones  []phoneJSON  `json:"phones"`
	Email   string       `json:"email,omitempty"`
	Address string       `json:"address,omitempty"`
	Hours   []hoursJSON  `json:"hours"`
	Social  []socialJSON `json:"social"`
}

type phoneJSON struct {
	Number string `json:"number"` // E.164
	// Display is the number as people read it: +7 800 600-99-93.
	Display string `json:"display"`
	Label   string `json:"label"`
}

type hoursJSON struct {
	Days []string `json:"days"`
	// DayRanges are the days compressed for reading: ["mon-fri", "sun"].
	DayRanges []string `json:"day_ranges"`
	Open      string   `json:"open"`
	Close     string   `json:"close"`
	Label     string   `json:"label"`
}

type socialJSON struct {
	Network string `json:"network"`
	URL     string `json:"url"`
}

type documentJSON struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Version string `json:"version"`
	URL     string `json:"url"`
	// ListedIn names the document whose page lists this one instead of
	// the footer (VetPet's partner agreements, seed 000 «Важная информация»).
	ListedIn string `json:"listed_in,omitempty"`
}

func (s *Server) getSite(c *fiber.Ctx) error {
	si := site(c)
	lang := langOf(c)
	r := toSiteResponse(si, lang)
	if s.Catalog != nil {
		// The admin may have changed the contacts (catalog); without
		// that, these are the data file's.
		ct, err := s.Catalog.Contacts(c.UserContext(), si.Site)
		if err != nil {
			return err
		}
		r.Contacts = toContacts(ct, lang)
	}
	return c.JSON(r)
}

func toSiteResponse(si *siteInfo, lang string) siteResponse {
	st := si.Site
	locales := st.Locales
	if len(locales) == 0 {
		locales = []string{st.Locale}
	}
	r := siteResponse{
		Tenant: tenantJSON{ID: si.Tenant.ID, Kind: string(si.Tenant.Kind), Name: si.Tenant.Name.In(lang)},
		Site:   siteJSON{ID: st.ID, Product: st.Product, DefaultLocale: st.Locale, Locales: locales, Domains: nonNil(st.Domains)},
		Brand: brandJSON{Name: st.Brand.Name.In(lang), Tagline: st.Brand.Tagline.In(lang),
			LogoURL: "/brand/logo", Theme: st.Brand.Theme},
		Locale:    lang,
		Contacts:  toContacts(st.Contacts, lang),
		Documents: toDocuments(st.Documents, lang),
	}
	return r
}

func toContacts(ct tenants.Contacts, lang string) contactsJSON {
	out := contactsJSON{Email: ct.Email, Address: ct.Address.In(lang), Phones: []phoneJSON{}, Hours: []hoursJSON{}, Social: []socialJSON{}}
	for _, p := range ct.Phones {
		out.Phones = append(out.Phones, phoneJSON{Number: p.Number, Display: displayPhone(p.Number), Label: p.Label.In(lang)})
	}
	for _, h := range ct.Hours {
		out.Hours = append(out.Hours, hoursJSON{Days: h.Days, DayRanges: dayRanges(h.Days), Open: h.Open, Close: h.Close, Label: h.Label.In(lang)})
	}
	for _, so := range ct.Social {
		out.Social = append(out.Social, socialJSON{Network: so.Network, URL: so.URL})
	}
	return out
}

func toDocuments(docs []tenants.LegalDoc, lang string) []documentJSON {
	out := make([]documentJSON, 0, len(docs))
	for _, d := range docs {
		out = append(out, documentJSON{ID: d.ID, Title: d.Title.In(lang), Version: d.Version, URL: "/legal/" + d.ID, ListedIn: d.ListedIn})
	}
	return out
}

// footerDocuments are the documents the footer links to; the others are
// listed on the page of the document they belong to.
func footerDocuments(docs []documentJSON) []documentJSON {
	out := make([]documentJSON, 0, len(docs))
	for _, d := range docs {
		if d.ListedIn == "" {
			out = append(out, d)
		}
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
