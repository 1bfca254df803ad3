package tenants

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

func TestSiteByHost(t *testing.T) {
	reg := mustLoad(t)
	for _, tc := range []struct {
		host, tenant, site string // tenant "" when the host must not resolve
	}{
		{"vet-pet.online", "vetpet", "vetpet"},
		{"www.vet-pet.online", "vetpet", "vetpet"},
		{"vet-pet.online:443", "vetpet", "vetpet"},
		{"WWW.Vet-Pet.Online:8443", "vetpet", "vetpet"},
		{"vet-pet.online.", "vetpet", "vetpet"},
		{"astars.online", "astars", "astars"},
		{"ASTARS.ONLINE", "astars", "astars"},
		{"vetpet.localhost", "vetpet", "vetpet"},
		{"vetpet.localhost:8080", "vetpet", "vetpet"},
		{"astars.localhost", "astars", "astars"},
		{"jetmoney.localhost", "jetmoney", "jetmoney"},
		{"smsfinance.jetmoney.localhost", "jetmoney", "smsfinance"},
		{"vivus.jetmoney.localhost:3000", "jetmoney", "vivus"},
		{"KontaktKredit.JetMoney.localhost", "jetmoney", "kontaktkredit"},
		{"www.astars.online", "", ""}, // the seed prints no www alias for Astars
		{"example.com", "", ""},
		{"", "", ""},
		{"localhost", "", ""},
		{"vet-pet.online.example.com", "", ""},
		{"evil-vet-pet.online", "", ""},
		{"evil.vetpet.localhost", "", ""},
		{"\u212Aontaktkredit.jetmoney.localhost", "", ""}, // Kelvin sign lower-cases to k
		{"vet-pet.online\x00", "", ""},
		{"[::1]:8080", "", ""},
		{"127.0.0.1:8080", "", ""},
	} {
		t.Run(tc.host, func(t *testing.T) {
			tn, s, ok := reg.SiteByHost(tc.host)
			if ok != (tc.tenant != "") {
				t.Fatalf("SiteByHost(%q) ok = %v, want %v", tc.host, ok, !ok)
			}
			if ok && (tn.ID != tc.tenant || s.ID != tc.site) {
				t.Errorf("SiteByHost(%q) = %s/%s, want %s/%s", tc.host, tn.ID, s.ID, tc.tenant, tc.site)
			}
		})
	}
}

func TestRegistryLookups(t *testing.T) {
	reg := mustLoad(t)
	if _, ok := reg.Tenant("nope"); ok {
		t.Error("Tenant(nope) found")
	}
	if _, ok := reg.Offer("vetpet", "licence"); ok {
		t.Error("a tenant sees another tenant's offer")
	}
	if _, ok := reg.Offer("nope", "retail"); ok {
		t.Error("Offer of an unknown tenant found")
	}
	if got := reg.SiteOffers("jetmoney", "nope"); got != nil {
		t.Errorf("SiteOffers of an unknown site = %v", got)
	}
	if got := reg.SiteOffers("vetpet", "jetmoney"); got != nil {
		t.Errorf("SiteOffers across tenants = %v", got)
	}
	ts := reg.Tenants()
	ts[0].ID = "changed"
	if reg.Tenants()[0].ID == "changed" {
		t.Error("Tenants() hands out the registry's own slice")
	}
	if !slices.IsSortedFunc(reg.Tenants(), func(a, b Tenant) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("Tenants() not sorted by id")
	}
}

func TestFile(t *testing.T) {
	reg := mustLoad(t)
	for _, tc := range []struct {
		tenant, name string
		err          error  // nil when the file must be served
		contains     string // a part of the served file
	}{
		{"vetpet", "legal/privacy.md", nil, "152-ФЗ"},
		{"vetpet", "logo.svg", nil, "<svg"},
		{"vetpet", "legal/partners/jetmoney-licence-offer.md", nil, "Лицензиар"},
		{"jetmoney", "logos/vivus.svg", nil, "VIVUS"},
		{"jetmoney", "legal/subscription-offer.md", nil, "КЕША"},
		{"astars", "legal/refund-form.md", nil, "30 дней"},
		{"vetpet", "../astars/logo.svg", fs.ErrInvalid, ""},
		{"vetpet", "legal/../tenant.yaml", fs.ErrInvalid, ""},
		{"vetpet", "./logo.svg", fs.ErrInvalid, ""},
		{"vetpet", "/etc/passwd", fs.ErrInvalid, ""},
		{"vetpet", `legal\privacy.md`, fs.ErrInvalid, ""},
		{"vetpet", "", fs.ErrInvalid, ""},
		{"../vetpet", "logo.svg", fs.ErrInvalid, ""},
		{"vetpet/../astars", "logo.svg", fs.ErrInvalid, ""},
		{"vetpet", "tenant.yaml", fs.ErrNotExist, ""},                              // exists, but the data publishes it nowhere
		{"vetpet", "offers/retail.yaml", fs.ErrNotExist, ""},                       // likewise
		{"astars", "legal/partners/jetmoney-licence-offer.md", fs.ErrNotExist, ""}, // vetpet's file, not astars'
		{"nope", "logo.svg", fs.ErrNotExist, ""},
	} {
		t.Run(tc.tenant+"/"+tc.name, func(t *testing.T) {
			b, err := reg.File(tc.tenant, tc.name)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("File(%q, %q) err = %v, want %v", tc.tenant, tc.name, err, tc.err)
				}
				if b != nil {
					t.Error("File returned data with an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("File(%q, %q): %v", tc.tenant, tc.name, err)
			}
			if !strings.Contains(string(b), tc.contains) {
				t.Errorf("File(%q, %q) does not contain %q", tc.tenant, tc.name, tc.contains)
			}
		})
	}
}

// FuzzHost checks Host → site resolution on arbitrary Host headers
// (SECURITY.md item 23): it never panics, it only ever answers with a host
// the data lists for that very site, and letter case never changes the answer.
func FuzzHost(f *testing.F) {
	reg := mustLoad(f)
	for _, h := range []string{
		"vet-pet.online", "www.vet-pet.online:443", "ASTARS.ONLINE.", "smsfinance.jetmoney.localhost:8080",
		"", ":", "[::1]:80", "vet-pet.online:", "\u212Aontaktkredit.jetmoney.localhost", " vetpet.localhost ",
		"vet-pet.online:443:443", "xn--80ak6aa92e.xn--p1ai", "vetpet.localhost\x00",
	} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, host string) {
		tn, s, ok := reg.SiteByHost(host)
		if !ok {
			return
		}
		for i := 0; i < len(host); i++ {
			if host[i] >= 0x80 {
				t.Fatalf("non-ASCII host %q resolved to %s/%s", host, tn.ID, s.ID)
			}
		}
		h := Host(host)
		if !slices.Contains(s.Domains, h) && s.DevHost != h {
			t.Fatalf("host %q (normalised %q) resolved to site %s, which does not list it", host, h, s.ID)
		}
		if !slices.ContainsFunc(tn.Sites, func(x Site) bool { return x.ID == s.ID }) {
			t.Fatalf("site %s returned with tenant %s, which does not own it", s.ID, tn.ID)
		}
		for _, variant := range []string{strings.ToUpper(host), strings.ToLower(host)} {
			tn2, s2, ok2 := reg.SiteByHost(variant)
			if !ok2 || tn2.ID != tn.ID || s2.ID != s.ID {
				t.Fatalf("%q → %s/%s but %q → %s/%s (ok=%v)", host, tn.ID, s.ID, variant, tn2.ID, s2.ID, ok2)
			}
		}
	})
}

func TestDefaultDevHost(t *testing.T) {
	m := dataCopy(t)
	edit(t, m, "astars/tenant.yaml", "    dev_host: astars.localhost\n", "")
	reg, err := Load(m, fakeKinds)
	if err != nil {
		t.Fatal(err)
	}
	_, s, ok := reg.SiteByHost("astars.localhost")
	if !ok || s.DevHost != "astars.localhost" {
		t.Errorf("site without dev_host: SiteByHost(astars.localhost) = %q, %v; want dev host <site id>.localhost", s.DevHost, ok)
	}
}
