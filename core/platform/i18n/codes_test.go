package i18n_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/consult/platform/core/platform/i18n"
)

const errsPath = "github.com/consult/platform/core/platform/errs"

// TestSourceCodesAreLocalised is where an unknown message id is reported:
// T answers it with the id itself rather than panic in production, so this
// test finds every code the Go source hands to the errs package —
// errs.E(kind, "x.y"), errs.Wrap(kind, "x.y", err), errs.Invalid("x.y"),
// errs.Error{Code: "x.y"}, errs.FieldError{Code: "x.y"}, as a literal or a
// constant of the same package — and requires a text in every language.
func TestSourceCodesAreLocalised(t *testing.T) {
	root := moduleRoot(t)
	b := newBundle(t)
	codes := map[string][]string{} // code → where
	fset := token.NewFileSet()
	pkgs := map[string][]*ast.File{} // directory → files
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Logf("skipping %s: %v", p, err) // someone's file mid-edit: not ours to fail on
			return nil
		}
		pkgs[filepath.Dir(p)] = append(pkgs[filepath.Dir(p)], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir, files := range pkgs {
		consts := stringConsts(files)
		inErrs := strings.HasSuffix(filepath.ToSlash(dir), "core/platform/errs")
		for _, f := range files {
			name := errsName(f)
			if name == "" && !inErrs {
				continue
			}
			for _, c := range findCodes(f, name, consts) {
				pos := fset.Position(c.pos)
				rel, _ := filepath.Rel(root, pos.Filename)
				codes[c.code] = append(codes[c.code], rel+":"+strconv.Itoa(pos.Line))
			}
		}
	}
	if len(codes) == 0 {
		t.Fatal("found no codes at all: the scan is broken")
	}
	for code, where := range codes {
		for _, lang := range i18n.Supported() {
			if !b.Has(lang, code) {
				t.Errorf("%s: no text for %q (used at %s)", lang, code, strings.Join(where, ", "))
			}
		}
	}
	t.Logf("%d codes checked", len(codes))
}

type codeUse struct {
	code string
	pos  token.Pos
}

// errsName returns the name a file imports the errs package under.
func errsName(f *ast.File) string {
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == errsPath {
			if imp.Name != nil {
				return imp.Name.Name
			}
			return "errs"
		}
	}
	return ""
}

// stringConsts returns the package-level string constants of a package.
func stringConsts(files []*ast.File) map[string]string {
	out := map[string]string{}
	for _, f := range files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							out[n.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		}
	}
	return out
}

// findCodes lists the codes f passes to the errs package, imported as name
// ("" inside the errs package itself, where the calls are unqualified).
func findCodes(f *ast.File, name string, consts map[string]string) []codeUse {
	var out []codeUse
	value := func(e ast.Expr) {
		switch v := e.(type) {
		case *ast.BasicLit:
			if s, err := strconv.Unquote(v.Value); err == nil && v.Kind == token.STRING && s != "" {
				out = append(out, codeUse{s, v.Pos()})
			}
		case *ast.Ident:
			if s, ok := consts[v.Name]; ok && s != "" {
				out = append(out, codeUse{s, v.Pos()})
			}
		}
	}
	is := func(e ast.Expr, names ...string) bool {
		var sel string
		switch x := e.(type) {
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); !ok || id.Name != name || name == "" {
				return false
			}
			sel = x.Sel.Name
		case *ast.Ident:
			if name != "" {
				return false
			}
			sel = x.Name
		default:
			return false
		}
		for _, n := range names {
			if sel == n {
				return true
			}
		}
		return false
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			switch {
			case is(x.Fun, "E", "Wrap") && len(x.Args) >= 2:
				value(x.Args[1])
			case is(x.Fun, "Invalid") && len(x.Args) >= 1:
				value(x.Args[0])
			}
		case *ast.CompositeLit:
			if is(x.Type, "Error", "FieldError") {
				for _, el := range x.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Code" {
							value(kv.Value)
						}
					}
				}
			}
		}
		return true
	})
	return out
}

func moduleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}
