package catalog

import (
	"context"
	"fmt"
	"maps"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/consult/platform/core/platform/i18n"
	"github.com/consult/platform/tenants"
)

// Contacts are a site's contacts as visitors see them: what the admin set
// for the site, or else what its data file says (tenants/<t>/tenant.yaml,
// sites[].contacts — seed 000, «Контакты», fig. 8). They keep the data
// file's shape, so a page renders either the same way.
func (s *Service) Contacts(ctx context.Context, site tenants.Site) (tenants.Contacts, error) {
	c, _, err := s.AdminContacts(ctx, site)
	return c, err
}

// AdminContacts returns the site's contacts and whether the admin changed
// them (false: they are the data file's).
func (s *Service) AdminContacts(ctx context.Context, site tenants.Site) (tenants.Contacts, bool, error) {
	c, ok, err := s.store.Contacts(ctx, site.ID)
	if err != nil {
		return tenants.Contacts{}, false, err
	}
	if !ok {
		return site.Contacts, false, nil
	}
	return c, true, nil
}

// PutContacts replaces the site's contacts with c, checked and cleaned
// (Invalid CodeInvalid with a field error per problem), and returns them.
// Phones are stored in E.164; links must be https.
func (s *Service) PutContacts(ctx context.Context, actor, siteID string, c tenants.Contacts) (tenants.Contacts, error) {
	c, err := validateContacts(c)
	if err != nil {
		return tenants.Contacts{}, err
	}
	a, err := s.audit(actor, "update", "contacts", siteID, siteID)
	if err != nil {
		return tenants.Contacts{}, err
	}
	if err := s.store.PutContacts(ctx, siteID, c, s.now(), a); err != nil {
		return tenants.Contacts{}, err
	}
	return c, nil
}

// ResetContacts drops the admin's contacts of the site, which shows its
// data file's again, and returns those.
func (s *Service) ResetContacts(ctx context.Context, actor string, site tenants.Site) (tenants.Contacts, error) {
	a, err := s.audit(actor, "delete", "contacts", site.ID, site.ID)
	if err != nil {
		return tenants.Contacts{}, err
	}
	if err := s.store.DeleteContacts(ctx, site.ID, a); err != nil {
		return tenants.Contacts{}, err
	}
	return site.Contacts, nil
}

var clockRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$`)

// Limits of contacts.
const (
	maxLabel   = 100
	maxAddress = 500
	maxURL     = 500
	maxEmail   = 254 // RFC 5321's path limit
)

// validateContacts checks what an admin writes the same way the tenants
// loader checks the data files (tenants/validate.go), and cleans it: phones
// to E.164 (written as people write them, «8 800 600 99 93» included),
// texts trimmed, labels only in the languages the platform speaks.
func validateContacts(in tenants.Contacts) (tenants.Contacts, error) {
	var c checker
	out := tenants.Contacts{Phones: []tenants.Phone{}, Hours: []tenants.Hours{}, Social: []tenants.Social{}}
	if len(in.Phones) > MaxContactsItems {
		c.add("phones", CodeTooMany, map[string]any{"Max": MaxContactsItems})
	} else {
		for i, p := range in.Phones {
			f := fmt.Sprintf("phones[%d]", i)
			num, ok := e164(p.Number)
			if !ok {
				c.add(f+".number", CodePhoneInvalid, nil)
			}
			out.Phones = append(out.Phones, tenants.Phone{Number: num, Label: c.localised(f+".label", p.Label, false, maxLabel)})
		}
	}
	if e := strings.TrimSpace(in.Email); e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e || a.Name != "" || len(e) > maxEmail {
			c.add("email", CodeEmailInvalid, nil)
		}
		out.Email = e
	}
	out.Address = c.localised("address", in.Address, false, maxAddress)
	if len(in.Hours) > MaxContactsItems {
		c.add("hours", CodeTooMany, map[string]any{"Max": MaxContactsItems})
	} else {
		for i, h := range in.Hours {
			out.Hours = append(out.Hours, c.hours(fmt.Sprintf("hours[%d]", i), h))
		}
	}
	if len(in.Social) > MaxContactsItems {
		c.add("social", CodeTooMany, map[string]any{"Max": MaxContactsItems})
	} else {
		networks := tenants.SocialNetworks()
		for i, so := range in.Social {
			f := fmt.Sprintf("social[%d]", i)
			so.Network = strings.TrimSpace(so.Network)
			if !slices.Contains(networks, so.Network) {
				c.add(f+".network", CodeValueUnknown, nil)
			}
			so.URL = strings.TrimSpace(so.URL)
			if !httpsURL(so.URL) {
				c.add(f+".url", CodeURLInvalid, nil)
			}
			out.Social = append(out.Social, so)
		}
	}
	return out, c.err()
}

// hours checks one span of service hours: at least one weekday, each
// once; HH:MM times, close after open (24:00 is midnight at the end).
func (c *checker) hours(f string, h tenants.Hours) tenants.Hours {
	weekdays := tenants.Weekdays()
	out := tenants.Hours{Days: []string{}, Open: strings.TrimSpace(h.Open), Close: strings.TrimSpace(h.Close)}
	if len(h.Days) == 0 {
		c.add(f+".days", CodeFieldRequired, nil)
	}
	for j, d := range h.Days {
		d = strings.ToLower(strings.TrimSpace(d))
		if !slices.Contains(weekdays, d) || slices.Contains(out.Days, d) {
			c.add(fmt.Sprintf("%s.days[%d]", f, j), CodeDayInvalid, nil)
			continue
		}
		out.Days = append(out.Days, d)
	}
	okOpen := clockRE.MatchString(out.Open) && out.Open != "24:00"
	okClose := clockRE.MatchString(out.Close)
	if !okOpen {
		c.add(f+".open", CodeTimeInvalid, nil)
	}
	if !okClose {
		c.add(f+".close", CodeTimeInvalid, nil)
	}
	if okOpen && okClose && out.Open >= out.Close {
		c.add(f+".close", CodeHoursInvalid, nil)
	}
	out.Label = c.localised(f+".label", h.Label, false, maxLabel)
	return out
}

// localised checks a text in several languages: only languages the
// platform speaks, each value one cleaned text of at most max characters;
// required means a Russian value must be there, as in the data files.
func (c *checker) localised(f string, t tenants.Text, required bool, max int) tenants.Text {
	out := tenants.Text{}
	for _, lang := range slices.Sorted(maps.Keys(t)) {
		v := t[lang]
		if !slices.Contains(i18n.Supported(), lang) {
			c.add(f+"."+sanitizeKey(lang), CodeLanguageInvalid, nil)
			continue
		}
		if v = c.text(f+"."+lang, v, false, max); v != "" {
			out[lang] = v
		}
	}
	if required && out["ru"] == "" {
		c.add(f+".ru", CodeFieldRequired, nil)
	}
	return out
}

// sanitizeKey keeps a client's map key printable and short in a field
// name that is echoed back.
func sanitizeKey(k string) string {
	if len(k) > 10 || !utf8.ValidString(k) {
		return "?"
	}
	return k
}

// e164 returns a phone number in E.164, accepting the ways people write
// Russian numbers («8 800 600 99 93», «+7 (495) 139-68-25»).
func e164(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > 40 {
		return raw, false
	}
	n, err := phonenumbers.Parse(raw, "RU")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return raw, false
	}
	return phonenumbers.Format(n, phonenumbers.E164), true
}

// httpsURL reports whether s is an absolute https link to a host, without
// credentials: the pages put it in an href, so nothing else may pass —
// javascript:, data:, http: or a relative path.
func httpsURL(s string) bool {
	if s == "" || len(s) > maxURL {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && u.Opaque == ""
}
