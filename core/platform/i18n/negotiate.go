package i18n

import (
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// Choice is what a request says about its language, from the most to the
// least explicit.
type Choice struct {
	User           string   // the signed-in user's saved language
	Query          string   // ?lang=
	Cookie         string   // the remembered ?lang
	AcceptLanguage string   // the browser's header
	SiteDefault    string   // the site's locale
	Supported      []string // languages to choose from; empty means Supported()
}

// Limits on outside input: real values are far shorter, and parsing work
// stays bounded whatever a client sends (SECURITY.md item 23).
const (
	maxTagLen     = 64
	maxHeaderLen  = 4096
	maxHeaderTags = 32
)

// Negotiate picks the language of a response: the user's choice, then
// ?lang (over the cookie), then the cookie, then Accept-Language by q-value,
// then the site default, then Default. Values that do not parse or are not
// supported are skipped; a region variant ("en-US") picks its base language.
// The result is an entry of Supported (Default if Supported has no usable
// entry at all).
func Negotiate(c Choice) string {
	supported := c.Supported
	if len(supported) == 0 {
		supported = Supported()
	}
	bases := make([]string, len(supported))
	for i, s := range supported {
		bases[i] = baseOf(s) // "" for an unusable entry: never matched
	}
	pick := func(v string) (string, bool) {
		b := baseOf(v)
		if b == "" {
			return "", false
		}
		if i := slices.Index(bases, b); i >= 0 {
			return supported[i], true
		}
		return "", false
	}
	for _, v := range []string{c.User, c.Query, c.Cookie} {
		if l, ok := pick(v); ok {
			return l
		}
	}
	for _, t := range acceptLanguage(c.AcceptLanguage) {
		if l, ok := pick(t); ok {
			return l
		}
	}
	if l, ok := pick(c.SiteDefault); ok {
		return l
	}
	if l, ok := pick(Default); ok {
		return l
	}
	for i, b := range bases {
		if b != "" {
			return supported[i]
		}
	}
	return Default
}

// baseOf returns the base language of a tag ("en" for "en-US"), or "" when
// v is not a usable language tag.
func baseOf(v string) string {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > maxTagLen {
		return ""
	}
	t, err := language.Parse(v)
	if err != nil {
		return ""
	}
	b, conf := t.Base()
	if conf == language.No || b.String() == "und" {
		return ""
	}
	return b.String()
}

// acceptLanguage returns the tags of an Accept-Language header, highest
// q-value first, ties in header order, q=0 dropped. Each entry is parsed
// on its own with x/text, so one malformed entry does not void the rest
// (language.ParseAcceptLanguage fails the whole header).
func acceptLanguage(h string) []string {
	if h == "" || len(h) > maxHeaderLen {
		return nil
	}
	type entry struct {
		tag string
		q   float32
	}
	var es []entry
	for part := range strings.SplitSeq(h, ",") {
		if len(es) == maxHeaderTags {
			break
		}
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		tags, qs, err := language.ParseAcceptLanguage(part)
		if err != nil || len(tags) != 1 || qs[0] <= 0 {
			continue
		}
		es = append(es, entry{tags[0].String(), qs[0]})
	}
	slices.SortStableFunc(es, func(a, b entry) int {
		switch {
		case a.q > b.q:
			return -1
		case a.q < b.q:
			return 1
		}
		return 0
	})
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.tag
	}
	return out
}
