package i18n_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/consult/platform/core/platform/i18n"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name string
		c    i18n.Choice
		want string
	}{
		{"nothing stated", i18n.Choice{}, "ru"},
		{"site default", i18n.Choice{SiteDefault: "en"}, "en"},
		{"user beats everything", i18n.Choice{User: "en", Query: "ru", Cookie: "ru", AcceptLanguage: "ru", SiteDefault: "ru"}, "en"},
		{"query beats cookie", i18n.Choice{Query: "en", Cookie: "ru"}, "en"},
		{"cookie beats accept-language", i18n.Choice{Cookie: "en", AcceptLanguage: "ru"}, "en"},
		{"accept-language beats site default", i18n.Choice{AcceptLanguage: "en", SiteDefault: "ru"}, "en"},
		{"invalid user value skipped", i18n.Choice{User: "klingon!", Query: "en"}, "en"},
		{"?lang=de ignored", i18n.Choice{Query: "de", AcceptLanguage: "en"}, "en"},
		{"?lang=de ignored, cookie used", i18n.Choice{Query: "de", Cookie: "en"}, "en"},
		{"?lang in other case", i18n.Choice{Query: "EN"}, "en"},
		{"?lang region variant", i18n.Choice{Query: "en-US"}, "en"},
		{"browser en-US first", i18n.Choice{AcceptLanguage: "en-US,en;q=0.9,ru;q=0.8"}, "en"},
		{"q-values reorder", i18n.Choice{AcceptLanguage: "en;q=0.5,ru;q=0.8"}, "ru"},
		{"q-value ties keep header order", i18n.Choice{AcceptLanguage: "en;q=0.7,ru;q=0.7"}, "en"},
		{"unsupported first, supported later", i18n.Choice{AcceptLanguage: "de-DE,de;q=0.9,en;q=0.3"}, "en"},
		{"ru;q=0 means not russian", i18n.Choice{AcceptLanguage: "ru;q=0", SiteDefault: "en"}, "en"},
		{"ru;q=0 alone falls to default", i18n.Choice{AcceptLanguage: "ru;q=0,en;q=0"}, "ru"},
		{"q=0 excluded, rest used", i18n.Choice{AcceptLanguage: "en;q=0, ru;q=0.1", SiteDefault: "en"}, "ru"},
		{"garbage header", i18n.Choice{AcceptLanguage: "!!!,@@@;q=x", SiteDefault: "en"}, "en"},
		{"one bad entry does not void the rest", i18n.Choice{AcceptLanguage: "xx-!!, en;q=0.4"}, "en"},
		{"bad weight skipped", i18n.Choice{AcceptLanguage: "ru;q=abc, en;q=0.2"}, "en"},
		{"wildcard is no choice", i18n.Choice{AcceptLanguage: "*", SiteDefault: "en"}, "en"},
		{"empty header", i18n.Choice{AcceptLanguage: "", SiteDefault: "en"}, "en"},
		{"spaces", i18n.Choice{AcceptLanguage: "  en-GB ; q=0.8 , ru ; q=0.9 "}, "ru"},
		{"oversized header ignored", i18n.Choice{AcceptLanguage: strings.Repeat("en,", 2000), SiteDefault: "ru"}, "ru"},
		{"invalid site default", i18n.Choice{SiteDefault: "zz-invalid-!"}, "ru"},
		{"site supports only russian", i18n.Choice{Query: "en", AcceptLanguage: "en", Supported: []string{"ru"}}, "ru"},
		{"site supports only english", i18n.Choice{Supported: []string{"en"}}, "en"},
		{"site's own variant returned as written", i18n.Choice{AcceptLanguage: "en-US", Supported: []string{"ru", "en-GB"}}, "en-GB"},
		{"garbage in supported never returned", i18n.Choice{Query: "x", Supported: []string{"!!", "en"}}, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := i18n.Negotiate(tt.c); got != tt.want {
				t.Fatalf("Negotiate(%+v) = %q, want %q", tt.c, got, tt.want)
			}
		})
	}
}

func TestSupported(t *testing.T) {
	if got := i18n.Supported(); !slices.Equal(got, []string{"ru", "en"}) {
		t.Fatalf("Supported() = %v", got)
	}
	i18n.Supported()[0] = "xx" // callers get their own copy
	if i18n.Supported()[0] != "ru" {
		t.Fatal("Supported() shares its slice")
	}
}

// FuzzNegotiate feeds outside input (SECURITY.md item 23): query, cookie
// and header come from the client. The answer is always a supported
// language, the same for the same input, and an explicit supported ?lang
// wins when no user preference exists.
func FuzzNegotiate(f *testing.F) {
	f.Add("", "", "", "", "")
	f.Add("en", "de", "ru", "en-US,en;q=0.9,ru;q=0.8", "ru")
	f.Add("", "", "", "ru;q=0", "en")
	f.Add("", "EN-us", "", "*;q=0.1, zz", "xx")
	f.Add("", "", "", strings.Repeat("a-", 600), "")
	f.Add("", "", "", "en;q=1e9,ru;q=-1,;;;,q=", "")
	f.Fuzz(func(t *testing.T, user, query, cookie, accept, site string) {
		c := i18n.Choice{User: user, Query: query, Cookie: cookie, AcceptLanguage: accept, SiteDefault: site}
		got := i18n.Negotiate(c)
		if !slices.Contains(i18n.Supported(), got) {
			t.Fatalf("Negotiate(%+v) = %q, not supported", c, got)
		}
		if again := i18n.Negotiate(c); again != got {
			t.Fatalf("not deterministic: %q then %q", got, again)
		}
		if user == "" && slices.Contains(i18n.Supported(), query) && got != query {
			t.Fatalf("?lang=%s lost to %q", query, got)
		}
	})
}
