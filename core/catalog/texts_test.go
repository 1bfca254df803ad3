package catalog_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/platform/i18n"
)

// TestCodesHaveTexts: every "catalog.…" code the package's source names —
// field problems that reach the client through checker.add, which the
// platform-wide scan of errs calls cannot see — has a text in every
// language, and the texts render with the data the code gives them.
func TestCodesHaveTexts(t *testing.T) {
	texts, err := i18n.New(configs.FS)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && strings.HasPrefix(s, "catalog.") && !strings.ContainsAny(s, " %") {
					codes[s] = true
				}
			}
			return true
		})
	}
	if len(codes) < 30 {
		t.Fatalf("found %d codes: the scan is broken", len(codes))
	}
	data := map[string]any{"Max": 200, "Min": 1950}
	for code := range codes {
		for _, lang := range i18n.Supported() {
			if !texts.Has(lang, code) {
				t.Errorf("%s: no text for %s", lang, code)
				continue
			}
			if got := texts.T(lang, code, data); strings.Contains(got, "<no value>") || strings.Contains(got, "{{") {
				t.Errorf("%s %s: %q", lang, code, got)
			}
		}
	}
	// The pages' labels: «Опыт работы: 12 лет» (seed 000, fig. 5).
	for count, want := range map[int]string{1: "1 год", 3: "3 года", 12: "12 лет", 21: "21 год"} {
		if got := texts.Plural("ru", "catalog.experience", count, nil); !strings.HasSuffix(got, want) {
			t.Errorf("experience %d = %q, want …%q", count, got, want)
		}
	}
}
