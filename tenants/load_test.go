package tenants

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// fakeKinds stands in for the product plugins: the service kinds each
// product defines.
func fakeKinds(product string) ([]string, bool) {
	switch product {
	case "vetpet":
		return []string{"vet_consultation", "video_consultation", "second_opinion", "owner_rights_transport", "diet_selection", "lab_results"}, true
	case "astars":
		return []string{"natal_chart", "monthly_forecast", "event_date_selection", "compatibility", "audio_consultation", "written_consultation"}, true
	}
	return nil, false
}

func mustLoad(tb testing.TB) *Registry {
	tb.Helper()
	reg, err := Load(Files(), fakeKinds)
	if err != nil {
		tb.Fatalf("Load(Files()):\n%v", err)
	}
	return reg
}

func TestLoadEmbedded(t *testing.T) {
	reg := mustLoad(t)

	var ids []string
	for _, tn := range reg.Tenants() {
		ids = append(ids, tn.ID)
	}
	if want := []string{"astars", "jetmoney", "vetpet"}; !slices.Equal(ids, want) {
		t.Fatalf("tenants %v, want %v", ids, want)
	}

	for _, tc := range []struct {
		tenant, site string
		kind         Kind
		hosts        []string
		offers       []string
		packages     []int
	}{
		{"vetpet", "vetpet", KindVendor, []string{"vet-pet.online", "www.vet-pet.online", "vetpet.localhost"}, []string{"retail"}, []int{2}},
		{"astars", "astars", KindVendor, []string{"astars.online", "astars.localhost"}, []string{"retail"}, []int{2}},
		{"jetmoney", "jetmoney", KindPartner, []string{"jetmoney.localhost"}, []string{"subscription", "licence"}, []int{8, 38}},
		{"jetmoney", "smsfinance", KindPartner, []string{"smsfinance.jetmoney.localhost"}, []string{"subscription", "licence"}, []int{8, 38}},
		{"jetmoney", "vivus", KindPartner, []string{"vivus.jetmoney.localhost"}, []string{"subscription", "licence"}, []int{8, 38}},
		{"jetmoney", "kontaktkredit", KindPartner, []string{"kontaktkredit.jetmoney.localhost"}, []string{"subscription"}, []int{8}},
	} {
		t.Run(tc.site, func(t *testing.T) {
			tn, ok := reg.Tenant(tc.tenant)
			if !ok {
				t.Fatalf("tenant %q missing", tc.tenant)
			}
			if tn.Kind != tc.kind {
				t.Errorf("kind %q, want %q", tn.Kind, tc.kind)
			}
			i := slices.IndexFunc(tn.Sites, func(s Site) bool { return s.ID == tc.site })
			if i < 0 {
				t.Fatalf("site %q missing", tc.site)
			}
			s := tn.Sites[i]
			if got := append(slices.Clone(s.Domains), s.DevHost); !slices.Equal(got, tc.hosts) {
				t.Errorf("hosts %v, want %v", got, tc.hosts)
			}
			offers := reg.SiteOffers(tc.tenant, tc.site)
			var got []string
			var counts []int
			for _, o := range offers {
				got = append(got, o.ID)
				counts = append(counts, len(o.Packages))
			}
			if !slices.Equal(got, tc.offers) || !slices.Equal(counts, tc.packages) {
				t.Errorf("offers %v with %v packages, want %v with %v", got, counts, tc.offers, tc.packages)
			}
		})
	}

	t.Run("executors", func(t *testing.T) {
		for _, tc := range []struct{ offer, executor, inn string }{
			{"subscription", "ip_gamova", "500118103050"},
			{"licence", "millenial_group", "9729317186"},
		} {
			o, _ := reg.Offer("jetmoney", tc.offer)
			tn, _ := reg.Tenant("jetmoney")
			i := slices.IndexFunc(tn.LegalEntities, func(e LegalEntity) bool { return e.ID == o.Executor })
			if o.Executor != tc.executor || i < 0 || tn.LegalEntities[i].INN != tc.inn {
				t.Errorf("offer %s: executor %q, want %q with ИНН %s", tc.offer, o.Executor, tc.executor, tc.inn)
			}
		}
	})

	t.Run("retail prices", func(t *testing.T) {
		for _, tc := range []struct {
			tenant, code string
			price        int64
		}{
			{"vetpet", "diet_consultation", 54900}, // seed 000, fig. 3: 549 руб
			{"vetpet", "happy_pet", 49900},         // seed 000, fig. 30: 499 Р
			{"astars", "natal_chart_full", 999900}, // seed 002, fig. 3: 9999 ₽
			{"astars", "personality_core", 249900}, // seed 002, fig. 26: 2499 ₽
		} {
			o, _ := reg.Offer(tc.tenant, "retail")
			i := slices.IndexFunc(o.Packages, func(p Package) bool { return p.Code == tc.code })
			if i < 0 || o.Packages[i].Price == nil || *o.Packages[i].Price != tc.price {
				t.Errorf("%s/%s: want price %d kopecks", tc.tenant, tc.code, tc.price)
			}
		}
	})

	t.Run("refund policies", func(t *testing.T) {
		sub, _ := reg.Offer("jetmoney", "subscription")
		lic, _ := reg.Offer("jetmoney", "licence")
		ast, _ := reg.Offer("astars", "retail")
		for _, tc := range []struct {
			name string
			ok   bool
		}{
			{"003 3.8.1: 14 days, not activated", sub.Refund.FullRefund.WithinDays == 14 && slices.Equal(sub.Refund.FullRefund.Conditions, []string{"not_activated"})},
			{"003 3.8.3: proportional after the window", sub.Refund.AfterWindow.Rule == "proportional_remaining_term"},
			{"003 3.8.2.3, 3.8.4: 10 calendar days", sub.Refund.Decision.Days == 10 && sub.Refund.Payout.Unit == "calendar_days"},
			{"004 3.8.1: 30 days, not expired, no service used", lic.Refund.FullRefund.WithinDays == 30 && slices.Equal(lic.Refund.FullRefund.Conditions, []string{"not_expired", "no_service_used"})},
			{"004: nothing after the window", lic.Refund.AfterWindow.Rule == "none"},
			{"004 3.8.2.3: 7 working days, receipt counts as next working day", lic.Refund.Decision.Days == 7 && lic.Refund.Decision.Unit == "working_days" && lic.Refund.ReceiptNextWorkingDay},
			{"004 3.8.2.1: no e-wallets", !lic.Refund.Application.EWalletsAllowed},
			{"002: unused, 30 days, paying card only", ast.Refund.FullRefund.WithinDays == 30 && ast.Refund.Application.ToCardThatPaid},
		} {
			if !tc.ok {
				t.Errorf("refund policy: %s", tc.name)
			}
		}
	})
}

// dataCopy returns the embedded data as a MapFS to break in tests.
func dataCopy(tb testing.TB) fstest.MapFS {
	tb.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(Files(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(Files(), p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// edit replaces the first occurrence of old in a file of m.
func edit(tb testing.TB, m fstest.MapFS, file, old, new string) {
	tb.Helper()
	f, ok := m[file]
	if !ok {
		tb.Fatalf("no file %s", file)
	}
	s := string(f.Data)
	if !strings.Contains(s, old) {
		tb.Fatalf("%s does not contain %q", file, old)
	}
	f.Data = []byte(strings.Replace(s, old, new, 1))
}

// lineOf returns the 1-based line of the nth (1-based) line of file that
// contains marker.
func lineOf(tb testing.TB, m fstest.MapFS, file, marker string, nth int) int {
	tb.Helper()
	for i, l := range strings.Split(string(m[file].Data), "\n") {
		if strings.Contains(l, marker) {
			if nth--; nth == 0 {
				return i + 1
			}
		}
	}
	tb.Fatalf("%s has no line %q", file, marker)
	return 0
}

func TestLoadRejects(t *testing.T) {
	const (
		sub  = "jetmoney/offers/subscription.yaml"
		lic  = "jetmoney/offers/licence.yaml"
		jm   = "jetmoney/tenant.yaml"
		vp   = "vetpet/tenant.yaml"
		as   = "astars/tenant.yaml"
		ast  = "astars/offers/retail.yaml"
		vpro = "vetpet/offers/retail.yaml"
	)
	tests := []struct {
		name     string
		file     string // where the problem must be reported
		old, new string // the edit that breaks the data
		marker   string // text on the line the problem must point at
		nth      int    // which line containing marker (1 when 0)
		reason   string // a part of the reason
	}{
		{"unknown field", sub, "    title: КЕША +\n", "    title: КЕША +\n    colour: red\n", "colour: red", 0, `unknown field "colour"`},
		{"unknown top-level field", jm, "kind: partner\n", "kind: partner\nregion: moscow\n", "region: moscow", 0, `unknown field "region"`},
		{"term with days and months", sub, "    title: ФЕНИКС\n    term: {months: 1}", "    title: ФЕНИКС\n    term: {days: 21, months: 1}", "term: {days: 21, months: 1}", 0, "exactly one of days or months, not both"},
		{"term with neither", sub, "    title: БОБ\n    term: {months: 1}", "    title: БОБ\n    term: {}", "term: {}", 0, "exactly one of days or months"},
		{"term of zero", lic, "    title: PET2+\n    term: {days: 21}", "    title: PET2+\n    term: {days: 0}", "term: {days: 0}", 0, "exactly one of days or months"},
		{"negative term", lic, "    title: PET3+\n    term: {days: 21}", "    title: PET3+\n    term: {days: -21}", "term: {days: -21}", 0, "must not be negative"},
		{"duplicate package code", sub, "code: КЕША+", "code: КЕША", "code: КЕША", 2, `package code "КЕША" already used by package 1`},
		{"code with a space", lic, "code: PET18", "code: PET 18", "code: PET 18", 0, "must not contain spaces"},
		{"empty title", lic, "title: PET 19", "title: \"\"", `title: ""`, 0, "title must be set"},
		{"unknown service kind", sub, "quotas: {vet_consultation: 1, video_consultation: 1}", "quotas: {vet_consultation: 1, video_call: 1}", "video_call: 1", 0, `unknown service kind "video_call"`},
		{"astars kind on vetpet", vpro, "quotas: {diet_selection: 1}", "quotas: {natal_chart: 1}", "quotas: {natal_chart: 1}", 0, `unknown service kind "natal_chart"`},
		{"quota below one", lic, "title: PET1\n    term: {months: 1}\n    quotas: {vet_consultation: 1}", "title: PET1\n    term: {months: 1}\n    quotas: {vet_consultation: 0}", "quotas: {vet_consultation: 0}", 0, "must be at least 1"},
		{"no quotas", lic, "title: PET1\n    term: {months: 1}\n    quotas: {vet_consultation: 1}", "title: PET1\n    term: {months: 1}\n    quotas: {}", "quotas: {}", 0, "quotas must list at least one"},
		{"price of zero", vpro, "price: 49900", "price: 0", "price: 0", 0, "price must be null"},
		{"executor missing", sub, "executor: ip_gamova", "executor: ip_nobody", "executor: ip_nobody", 0, `executor "ip_nobody" is not a legal entity`},
		{"executor without details", lic, "executor: millenial_group", "executor: jetmoney_mfc", "executor: jetmoney_mfc", 0, "must have its ИНН, ОГРН/ОГРНИП and address"},
		{"bad INN checksum", jm, `inn: "500118103050"`, `inn: "500118103051"`, `inn: "500118103051"`, 0, "check digits do not match"},
		{"INN of the wrong length", vp, `inn: "9729317186"`, `inn: "972931718"`, `inn: "972931718"`, 0, "must be 10 digits"},
		{"bad OGRN checksum", as, `ogrn: "1217700619828"`, `ogrn: "1217700619827"`, `ogrn: "1217700619827"`, 0, "ОГРН \"1217700619827\": check digit"},
		{"bad OGRNIP checksum", jm, `ogrnip: "321508100470506"`, `ogrnip: "321508100470507"`, `ogrnip: "321508100470507"`, 0, "check digit does not match"},
		{"bad KPP", jm, `kpp: "772901001"`, `kpp: "77290100"`, `kpp: "77290100"`, 0, "КПП"},
		{"duplicate host across tenants", vp, "domains: [vet-pet.online, www.vet-pet.online]", "domains: [vet-pet.online, astars.online]", "domains: [vet-pet.online, astars.online]", 0, `host "astars.online" already serves site "astars" (astars/tenant.yaml:`},
		{"duplicate dev host", vp, "dev_host: vetpet.localhost", "dev_host: vivus.jetmoney.localhost", "dev_host: vivus.jetmoney.localhost", 0, `already serves site "vivus"`},
		{"duplicate site id", vp, "  - id: vetpet\n", "  - id: vivus\n", "- id: vivus", 0, `site id "vivus" already used at jetmoney/tenant.yaml:`},
		{"upper-case domain", as, "domains: [astars.online]", "domains: [Astars.online]", "domains: [Astars.online]", 0, "must be lower case"},
		{"dev host outside localhost", as, "dev_host: astars.localhost", "dev_host: astars.example.com", "dev_host: astars.example.com", 0, "must end in .localhost"},
		{"missing document file", vp, "file: legal/privacy.md", "file: legal/nope.md", "file: legal/nope.md", 0, `file "legal/nope.md" does not exist`},
		{"document outside the tenant", vp, "file: legal/privacy.md", "file: ../astars/legal/privacy.md", "file: ../astars/legal/privacy.md", 0, "clean relative path"},
		{"missing logo", as, "logo: logo.svg", "logo: astars.svg", "logo: astars.svg", 0, `file "astars.svg" does not exist`},
		{"site sells an unknown offer", as, "offers: [retail]", "offers: [retail, gift]", "offers: [retail, gift]", 0, `offer "gift" is not in astars/offers`},
		{"site product not of the tenant", as, "    product: astars", "    product: vetpet", "product: vetpet", 0, `product "vetpet" is not one of the tenant's products`},
		{"unknown product", ast, "product: astars", "product: tarot", "product: tarot", 0, `unknown product "tarot"`},
		{"offer document not published", sub, "document: offer_subscription", "document: offer_missing", "document: offer_missing", 0, `does not publish its document "offer_missing"`},
		{"currency", ast, "currency: RUB", "currency: USD", "currency: USD", 0, `currency "USD" must be RUB`},
		{"refund condition", sub, "conditions: [not_activated]", "conditions: [not_used]", "conditions: [not_used]", 0, `"not_used" must be one of`},
		{"refund rule", lic, "rule: none", "rule: partial", "rule: partial", 0, `after_window rule "partial"`},
		{"refund deadline unit", lic, "unit: working_days", "unit: business_days", "unit: business_days", 0, `unit "business_days"`},
		{"refund clause missing", sub, `clause: "3.8.3"`, `clause: ""`, `clause: ""`, 0, "clause must cite"},
		{"text without ru", as, "  ru: Астарс\n  en: Astars\n", "  en: Astars\n", "name:", 1, "text must have a ru value"},
		{"folder is not the id", as, "id: astars\n", "id: astarz\n", "id: astarz", 0, `must equal its folder name "astars"`},
		{"offer id is not the file name", ast, "id: retail", "id: shop", "id: shop", 0, `must equal its file name "retail"`},
		{"bad timezone", jm, "timezone: Europe/Moscow", "timezone: Europe/Moskva", "timezone: Europe/Moskva", 0, "does not load"},
		{"bad hours", vp, `close: "21:00"`, `close: "08:00"`, `close: "08:00"`, 0, "must be after open"},
		{"software access outside a licence", sub, "    title: СЭМ\n", "    title: СЭМ\n    software_access: true\n", "software_access: true", 0, "licence offers only"},
		{"YAML scanner error", sub, "currency: RUB", "currency: RUB: x", "currency: RUB: x", 0, "mapping values are not allowed"},
		{"YAML duplicate key", sub, "currency: RUB", "currency: RUB\ncurrency: RUB", "currency: RUB", 2, "already defined"},
		{"YAML node content", sub, "currency: RUB", "currency: ]", "currency: ]", 0, "did not find expected node content"},
		{"YAML syntax", sub, "currency: RUB", "currency: [RUB", "currency: [RUB", 0, "did not find expected"},
		{"wrong type", sub, "term: {months: 1}", "term: {months: one}", "term: {months: one}", 0, "cannot unmarshal"},
		{"listed_in unknown", vp, "listed_in: partner_rules", "listed_in: partners", "listed_in: partners", 0, `listed_in "partners"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := dataCopy(t)
			file := tc.file
			edit(t, m, file, tc.old, tc.new)
			nth := tc.nth
			if nth == 0 {
				nth = 1
			}
			line := lineOf(t, m, file, tc.marker, nth)

			reg, err := Load(m, fakeKinds)
			if reg != nil {
				t.Error("Load returned a registry along with the problems: data must not be half-applied")
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want *LoadError", err)
			}
			for _, p := range le.Problems {
				if p.File == file && p.Line == line && strings.Contains(p.Reason, tc.reason) {
					return
				}
			}
			t.Errorf("no problem %s:%d: …%s…; got:\n%v", file, line, tc.reason, err)
		})
	}
}

func TestLoadReportsAllProblems(t *testing.T) {
	t.Run("tenant.yaml and its offers both broken", func(t *testing.T) {
		m := dataCopy(t)
		edit(t, m, "astars/tenant.yaml", "kind: vendor", "kind: [vendor")
		edit(t, m, "astars/offers/retail.yaml", "currency: RUB", "currency: RUB: x")
		_, err := Load(m, fakeKinds)
		for _, want := range []string{"astars/tenant.yaml:", "astars/offers/retail.yaml:"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("want a problem in %s, got:\n%v", want, err)
			}
		}
	})
	m := dataCopy(t)
	edit(t, m, "jetmoney/offers/subscription.yaml", "code: КЕША+", "code: КЕША")
	edit(t, m, "jetmoney/offers/licence.yaml", "term: {days: 21}", "term: {}")
	edit(t, m, "vetpet/tenant.yaml", `inn: "9729317186"`, `inn: "9729317187"`)
	_, err := Load(m, fakeKinds)
	var le *LoadError
	if !errors.As(err, &le) || len(le.Problems) != 3 {
		t.Fatalf("want exactly 3 problems, got %v", err)
	}
	want := []string{
		"jetmoney/offers/licence.yaml:",
		"jetmoney/offers/subscription.yaml:",
		"vetpet/tenant.yaml:",
	}
	lines := strings.Split(err.Error(), "\n")
	for i, prefix := range want {
		if !strings.HasPrefix(lines[i], prefix) {
			t.Errorf("line %d = %q, want it to start with %q (sorted file:line: reason)", i, lines[i], prefix)
		}
	}
}

func TestLoadFiles(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(fstest.MapFS)
		file   string
		reason string
	}{
		{"missing tenant.yaml", func(m fstest.MapFS) { delete(m, "astars/tenant.yaml"); m["astars/README"] = &fstest.MapFile{} }, "astars/tenant.yaml", "missing"},
		{"empty offer", func(m fstest.MapFS) { m["astars/offers/gift.yaml"] = &fstest.MapFile{Data: []byte("# nothing\n")} }, "astars/offers/gift.yaml", "empty file"},
		{"stray .yml", func(m fstest.MapFS) { m["astars/offers/gift.yml"] = &fstest.MapFile{Data: []byte("id: gift\n")} }, "astars/offers/gift.yml", "must end in .yaml"},
		{"two documents", func(m fstest.MapFS) {
			f := m["astars/offers/retail.yaml"]
			f.Data = append(f.Data, []byte("---\nid: again\n")...)
		}, "astars/offers/retail.yaml", "only one YAML document"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := dataCopy(t)
			tc.change(m)
			_, err := Load(m, fakeKinds)
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want *LoadError", err)
			}
			for _, p := range le.Problems {
				if p.File == tc.file && strings.Contains(p.Reason, tc.reason) {
					return
				}
			}
			t.Errorf("no problem in %s about %q; got:\n%v", tc.file, tc.reason, err)
		})
	}
}

// The source tree itself loads too (platform sync --dir tenants): the Go
// package folders beside the tenant folders are not tenants.
func TestLoadSourceTree(t *testing.T) {
	m := dataCopy(t)
	m["tenantsdb/sync.go"] = &fstest.MapFile{Data: []byte("package tenantsdb\n")}
	m["testdata/fuzz/FuzzHost/x"] = &fstest.MapFile{Data: []byte("go test fuzz v1\n")}
	m["model.go"] = &fstest.MapFile{Data: []byte("package tenants\n")}
	if _, err := Load(m, fakeKinds); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(os.DirFS("."), fakeKinds); err != nil {
		t.Fatalf("Load(os.DirFS(\".\")): %v", err)
	}
}

func TestLoadNeedsKinds(t *testing.T) {
	if _, err := Load(Files(), nil); err == nil {
		t.Fatal("Load with no ServiceKinds succeeded")
	}
}

func TestLoadErrorFormat(t *testing.T) {
	e := &LoadError{Problems: []Problem{
		{File: "a/tenant.yaml", Line: 7, Reason: "bad"},
		{File: "a/tenant.yaml", Reason: "missing"},
	}}
	if got, want := e.Error(), "a/tenant.yaml:7: bad\na/tenant.yaml: missing"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
