package web

import "testing"

func TestCountriesAlphabetical(t *testing.T) {
	for _, tt := range []struct{ lang, first, want string }{
		{"ru", "RU", "Россия"},
		{"en", "RU", "Russia"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			list := countries(tt.lang)
			if len(list) < 200 {
				t.Fatalf("%d countries", len(list))
			}
			found := false
			for i, c := range list {
				if c.Region == tt.first {
					found = c.Name == tt.want && c.Code == "+7"
				}
				if i > 0 && list[i-1].Name == c.Name && list[i-1].Region == c.Region {
					t.Fatalf("duplicate %s", c.Region)
				}
			}
			if !found {
				t.Fatalf("%s is not listed as %q +7", tt.first, tt.want)
			}
		})
	}
	// Russian collation: Австралия before Австрия before Россия before Япония.
	names := map[string]int{}
	for i, c := range countries("ru") {
		names[c.Name] = i
	}
	if !(names["Австралия"] < names["Австрия"] && names["Австрия"] < names["Россия"] && names["Россия"] < names["Япония"]) {
		t.Fatalf("not in Russian alphabetical order: %v", []int{names["Австралия"], names["Австрия"], names["Россия"], names["Япония"]})
	}
}
