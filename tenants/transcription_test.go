package tenants

import (
	"bytes"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The Jet Money packages are the business's contract; a wrong quota sells
// the wrong thing. They are checked three ways: the YAML against the table
// below, written by hand from the annexes of seeds 003 and 004, and — where
// the seeds are on disk — the table against the seeds' own annex rows, parsed
// here independently of the YAML.

// seedsDir holds the seed documents in the workplace; SEEDS_DIR overrides it.
func seedsDir() string {
	if d := os.Getenv("SEEDS_DIR"); d != "" {
		return d
	}
	return "/work/shared/seeds"
}

type wantPackage struct {
	code, title string
	term        Term
	quotas      map[string]int
	software    bool
}

// q builds quotas in the order the licence annex prints the services.
func q(vet, video, owner, lab, diet int) map[string]int {
	m := map[string]int{}
	for k, n := range map[string]int{"vet_consultation": vet, "video_consultation": video,
		"owner_rights_transport": owner, "lab_results": lab, "diet_selection": diet} {
		if n > 0 {
			m[k] = n
		}
	}
	return m
}

var (
	d21 = Term{Days: 21}
	m1  = Term{Months: 1}
	m3  = Term{Months: 3}
)

// Seed 003, annex 1, p. 1.
var wantSubscription = []wantPackage{
	{"КЕША", "КЕША", m1, q(1, 0, 0, 0, 0), false},
	{"КЕША+", "КЕША +", m1, q(1, 0, 1, 0, 0), false},
	{"ФЕНИКС", "ФЕНИКС", m1, q(1, 1, 0, 0, 0), false},
	{"ФЕНИКС+", "ФЕНИКС +", m1, q(1, 1, 2, 0, 0), false},
	{"БОБ", "БОБ", m1, q(2, 1, 0, 0, 0), false},
	{"БОБ+", "БОБ +", m1, q(2, 1, 3, 0, 0), false},
	{"СЭМ", "СЭМ", m1, q(2, 2, 0, 0, 0), false},
	{"СЭМ+", "СЭМ +", m1, q(2, 2, 4, 0, 0), false},
}

// Seed 004, annex 1, p. 1. Columns of q: oral vet consultation, video,
// owner rights and transport, lab results, diet. Every row lists remote
// access to the software; for PET4, PET9 and PET13_3 it stands on the row's
// continuation after a page break.
var wantLicence = []wantPackage{
	{"PET1+", "PET1+", d21, q(1, 0, 0, 0, 0), true},
	{"PET2+", "PET2+", d21, q(0, 1, 0, 0, 0), true},
	{"PET3+", "PET3+", d21, q(1, 0, 1, 0, 0), true},
	{"PET4+", "PET4+", d21, q(1, 0, 2, 0, 0), true},
	{"PET1", "PET1", m1, q(1, 0, 0, 0, 0), true},
	{"PET1_3", "PET1_3", m3, q(3, 1, 3, 0, 1), true},
	{"PET2", "PET2", m1, q(1, 0, 1, 0, 0), true},
	{"PET2_3", "PET2_3", m3, q(3, 2, 3, 0, 1), true},
	{"PET3", "PET3", m1, q(2, 0, 1, 0, 0), true},
	{"PET3_3", "PET3_3", m3, q(3, 2, 3, 1, 1), true},
	{"PET4", "PET4", m1, q(2, 0, 2, 0, 0), true},
	{"PET4_3", "PET4_3", m3, q(4, 3, 3, 1, 1), true},
	{"PET5", "PET5", m1, q(3, 0, 2, 0, 0), true},
	{"PET5_3", "PET5_3", m3, q(4, 3, 3, 1, 2), true},
	{"PET6", "PET6", m1, q(3, 1, 2, 0, 0), true},
	{"PET6_3", "PET6_3", m3, q(4, 4, 3, 2, 2), true},
	{"PET7", "PET7", m1, q(3, 1, 3, 0, 0), true},
	{"PET7_3", "PET7_3", m3, q(5, 4, 4, 3, 2), true},
	{"PET8", "PET8", m1, q(3, 2, 3, 0, 0), true},
	{"PET8_3", "PET8_3", m3, q(5, 5, 4, 3, 2), true},
	{"PET9", "PET9", m1, q(4, 2, 3, 0, 1), true},
	{"PET9_3", "PET9_3", m3, q(6, 5, 4, 3, 3), true},
	{"PET10", "PET10", m1, q(4, 3, 3, 0, 1), true},
	{"PET10_3", "PET10_3", m3, q(6, 6, 4, 3, 3), true},
	{"PET11", "PET11", m1, q(4, 3, 4, 0, 1), true},
	{"PET11_3", "PET11_3", m3, q(7, 6, 4, 4, 3), true},
	{"PET12", "PET12", m1, q(5, 4, 4, 0, 2), true},
	{"PET12_3", "PET12_3", m3, q(7, 7, 4, 4, 3), true},
	{"PET13", "PET13", m1, q(5, 4, 5, 0, 2), true},
	{"PET13_3", "PET13_3", m3, q(7, 6, 4, 5, 4), true},
	{"PET14", "PET14", m1, q(6, 4, 5, 0, 3), true},
	{"PET14_3", "PET14_3", m3, q(7, 7, 4, 5, 4), true},
	{"PET15", "PET15", m1, q(6, 5, 5, 0, 3), true},
	{"PET16", "PET16", m1, q(7, 5, 5, 0, 3), true},
	{"PET17", "PET17", m1, q(7, 6, 5, 0, 4), true},
	{"PET18", "PET 18", m1, q(7, 6, 6, 0, 4), true},
	{"PET19", "PET 19", m1, q(8, 7, 4, 5, 5), true},
	{"PET20", "PET 20", m1, q(8, 8, 4, 5, 5), true},
}

func TestTranscriptionYAML(t *testing.T) {
	reg := mustLoad(t)
	for _, tc := range []struct {
		offer string
		want  []wantPackage
	}{
		{"subscription", wantSubscription},
		{"licence", wantLicence},
	} {
		t.Run(tc.offer, func(t *testing.T) {
			o, ok := reg.Offer("jetmoney", tc.offer)
			if !ok {
				t.Fatalf("offer jetmoney/%s not loaded", tc.offer)
			}
			if len(o.Packages) != len(tc.want) {
				t.Fatalf("%d packages, want %d", len(o.Packages), len(tc.want))
			}
			for i, w := range tc.want {
				t.Run(w.code, func(t *testing.T) {
					got := o.Packages[i]
					if got.Code != w.code || got.Title != w.title {
						t.Errorf("package %d is %q (%q), want %q (%q)", i+1, got.Code, got.Title, w.code, w.title)
					}
					if got.Term != w.term {
						t.Errorf("term %+v, want %+v", got.Term, w.term)
					}
					if !maps.Equal(got.Quotas, w.quotas) {
						t.Errorf("quotas %v, want %v", got.Quotas, w.quotas)
					}
					if got.SoftwareAccess != w.software {
						t.Errorf("software_access %v, want %v", got.SoftwareAccess, w.software)
					}
					if got.Price != nil {
						t.Errorf("price %d, want null: set per certificate (annex 1, p. 2)", *got.Price)
					}
				})
			}
		})
	}
}

// TestTranscriptionSeeds reads the annex tables of seeds 003 and 004 and
// compares every row with the hand-written table above.
func TestTranscriptionSeeds(t *testing.T) {
	for _, tc := range []struct {
		seed string
		want []wantPackage
	}{
		{"003_*.txt", wantSubscription},
		{"004_*.txt", wantLicence},
	} {
		t.Run(tc.seed, func(t *testing.T) {
			text := readSeed(t, tc.seed)
			got := parseAnnex(t, text)
			if len(got) != len(tc.want) {
				t.Fatalf("seed annex has %d rows, the table %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				t.Run(w.code, func(t *testing.T) {
					if g.code != w.code || g.title != w.title || g.term != w.term ||
						!maps.Equal(g.quotas, w.quotas) || g.software != w.software {
						t.Errorf("seed row %d: %+v\ntable:      %+v", i+1, g, w)
					}
				})
			}
		})
	}
}

func readSeed(t *testing.T, pattern string) string {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(seedsDir(), pattern))
	if len(matches) != 1 {
		t.Skipf("seed %s not found in %s (set SEEDS_DIR)", pattern, seedsDir())
	}
	b, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	annexItemRE = regexp.MustCompile(`^(.+?) – (\d+)$`)
	annexKinds  = map[string]string{
		"Консультация ветеринара":                               "vet_consultation",
		"Устная консультация ветеринара":                        "vet_consultation",
		"Видео-консультация":                                    "video_consultation",
		"Консультация по правам владельца и перевозке животных": "owner_rights_transport",
		"Консультации по правам владельца и перевозке животных": "owner_rights_transport",
		"Расшифровка результатов анализов":                      "lab_results",
		"Индивидуальный подбор питания":                         "diet_selection",
	}
	annexTerms = map[string]Term{"21 календарный день": d21, "1 месяц": m1, "3 месяца": m3}
)

const softwareItem = "Удаленный доступ к программному обеспечению"

// parseAnnex reads the "Наименование / Перечень и количество Услуг / Срок
// действия" table: one tab-separated row per package, the name in <b> or
// <i>; a line that starts with a tab continues the row above across a page
// break.
func parseAnnex(t *testing.T, text string) []wantPackage {
	t.Helper()
	lines := strings.Split(text, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "Наименование\tПеречень и количество Услуг\tСрок действия") {
			start = i + 1
		}
	}
	if start < 0 {
		t.Fatal("annex table header not found")
	}
	type row struct{ name, items, term string }
	var rows []row
	for _, l := range lines[start:] {
		if strings.HasPrefix(l, "2. Стоимость") {
			break
		}
		if strings.TrimSpace(l) == "" {
			continue
		}
		cells := strings.Split(l, "\t")
		if len(cells) != 3 {
			t.Fatalf("annex line with %d cells: %q", len(cells), l)
		}
		if strings.TrimSpace(cells[0]) == "" {
			if len(rows) == 0 || strings.TrimSpace(cells[2]) != "" {
				t.Fatalf("continuation line without a row: %q", l)
			}
			rows[len(rows)-1].items += " " + cells[1]
			continue
		}
		rows = append(rows, row{cells[0], cells[1], strings.TrimSpace(cells[2])})
	}
	tags := regexp.MustCompile(`</?[bi]>`)
	var out []wantPackage
	for _, r := range rows {
		title := strings.TrimSpace(tags.ReplaceAllString(r.name, ""))
		p := wantPackage{code: strings.ReplaceAll(title, " ", ""), title: title, quotas: map[string]int{}}
		term, ok := annexTerms[r.term]
		if !ok {
			t.Fatalf("%s: unknown term %q", title, r.term)
		}
		p.term = term
		for _, item := range strings.Split(" "+r.items, " - ") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			if item == softwareItem {
				p.software = true
				continue
			}
			m := annexItemRE.FindStringSubmatch(item)
			if m == nil {
				t.Fatalf("%s: cannot read item %q", title, item)
			}
			kind, ok := annexKinds[m[1]]
			if !ok {
				t.Fatalf("%s: unknown service %q", title, m[1])
			}
			if _, dup := p.quotas[kind]; dup {
				t.Fatalf("%s: %s listed twice", title, kind)
			}
			p.quotas[kind], _ = strconv.Atoi(m[2]) // the pattern admits digits only
		}
		out = append(out, p)
	}
	return out
}

// TestLegalVerbatim proves the Markdown offers keep every word of the seeds,
// in order: only the formatting may differ.
func TestLegalVerbatim(t *testing.T) {
	for _, tc := range []struct{ seed, file string }{
		{"003_*.txt", "jetmoney/legal/subscription-offer.md"},
		{"004_*.txt", "jetmoney/legal/licence-offer.md"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			seed := words(joinContinuations(readSeed(t, tc.seed)))
			b, err := fs.ReadFile(Files(), tc.file)
			if err != nil {
				t.Fatal(err)
			}
			md := words(string(b))
			for i := 0; i < len(seed) && i < len(md); i++ {
				if seed[i] != md[i] {
					t.Fatalf("word %d differs: seed %q, markdown %q (…%s…)", i, seed[i], md[i],
						strings.Join(md[max(0, i-8):min(len(md), i+4)], " "))
				}
			}
			if len(seed) != len(md) {
				t.Fatalf("seed has %d words, markdown %d", len(seed), len(md))
			}
		})
	}
}

// TestPartnerCopies keeps the partner offers VetPet publishes identical to
// the ones the Jet Money sites publish.
func TestPartnerCopies(t *testing.T) {
	for _, tc := range []struct{ copy, original string }{
		{"vetpet/legal/partners/jetmoney-subscription-offer.md", "jetmoney/legal/subscription-offer.md"},
		{"vetpet/legal/partners/jetmoney-licence-offer.md", "jetmoney/legal/licence-offer.md"},
	} {
		t.Run(tc.copy, func(t *testing.T) {
			a, err1 := fs.ReadFile(Files(), tc.copy)
			b, err2 := fs.ReadFile(Files(), tc.original)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s differs from %s: copy the original over it", tc.copy, tc.original)
			}
		})
	}
}

// joinContinuations moves a table row's continuation line (after a page
// break) back into the row, before its last cell, where the Markdown has it.
func joinContinuations(text string) string {
	lines := strings.Split(text, "\n")
	last := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "\t- ") && last >= 0 {
			prev := lines[last]
			k := strings.LastIndex(prev, "\t")
			lines[last] = prev[:k] + " " + strings.TrimSpace(l) + prev[k:]
			lines[i] = ""
			continue
		}
		if strings.TrimSpace(l) != "" {
			last = i
		}
	}
	return strings.Join(lines, "\n")
}

var (
	mdLinkRE = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	htmlRE   = regexp.MustCompile(`</?[bi]>`)
)

// words strips Markdown and the seeds' markup and splits into words.
func words(text string) []string {
	text = mdLinkRE.ReplaceAllString(text, "$1")
	text = htmlRE.ReplaceAllString(text, " ")
	text = strings.Map(func(r rune) rune {
		if strings.ContainsRune("*#|<>", r) {
			return ' '
		}
		return r
	}, text)
	var out []string
	for _, w := range strings.Fields(text) {
		if w != "-" && w != "---" {
			out = append(out, w)
		}
	}
	return out
}
