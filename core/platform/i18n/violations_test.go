package i18n_test

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/consult/platform/core/platform/i18n"
	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/products"
)

// The product SDK and the products report problems with a customer's input
// as sdk.Violation{Field, Code, Params}; the web layer shows Code's text
// with Params as the template data. These tests keep every such code
// localised and every text renderable with the params it really gets.

// violationCode is the shape of a code the products emit.
var violationCode = regexp.MustCompile(`^(subjects|requests|profile|documents|fields)\.[a-z_]+$`)

// violationSources are the folders (from the module root) whose Go source
// emits violation codes.
var violationSources = []string{"plugins/sdk", "products"}

const (
	modulePath = "github.com/consult/platform"
	sdkPath    = modulePath + "/plugins/sdk"
)

// TestViolationCodesAreLocalised finds every violation code in the source
// of the SDK and the products and requires a text in every language:
//   - a string literal of the code's shape, unless it stands where a
//     field path goes ("fields.period_to" is a Violation's Field: the
//     value of Field:, the field argument of HasViolation, or a constant
//     used there);
//   - a call Code(scope, problem) / sdk.Code(...): each argument is its
//     constant, or, when it is a variable (as inside CheckFields), every
//     constant of the SDK named Scope… or Problem… respectively.
//
// TestViolationTextsRender checks the other way that the scan is whole:
// every code the real validators emit must be among the ones found here.
func TestViolationCodesAreLocalised(t *testing.T) {
	b := newBundle(t)
	codes := scanViolationCodes(t, moduleRoot(t))
	for _, want := range []string{"subjects.field_required", "requests.too_long", "requests.question_too_long",
		"requests.preferred_time_outside_hours", "requests.period_invalid"} {
		if _, ok := codes[want]; !ok {
			t.Errorf("the scan did not find %q: it is broken", want)
		}
	}
	for _, code := range slices.Sorted(maps.Keys(codes)) {
		for _, lang := range i18n.Supported() {
			if !b.Has(lang, code) {
				t.Errorf("%s: no text for violation code %q (emitted at %s)", lang, code, strings.Join(codes[code], ", "))
			}
		}
	}
	t.Logf("%d violation codes checked", len(codes))
}

// scanViolationCodes returns the violation codes of violationSources under
// the module root, each with where it is emitted.
func scanViolationCodes(tb testing.TB, root string) map[string][]string {
	tb.Helper()
	fset := token.NewFileSet()
	pkgs := map[string][]*ast.File{} // import path → files
	for _, src := range violationSources {
		err := filepath.WalkDir(filepath.Join(root, src), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
			if err != nil {
				tb.Logf("skipping %s: %v", p, err) // someone's file mid-edit: not ours to fail on
				return nil
			}
			rel, _ := filepath.Rel(root, filepath.Dir(p))
			pkg := modulePath + "/" + filepath.ToSlash(rel)
			pkgs[pkg] = append(pkgs[pkg], f)
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	consts := map[string]map[string]string{} // import path → constant → value
	for pkg, files := range pkgs {
		consts[pkg] = stringConsts(files)
	}
	sdkConsts := consts[sdkPath]
	if len(sdkConsts) == 0 {
		tb.Fatalf("no constants found in %s: the scan is broken", sdkPath)
	}
	prefixed := func(prefix string) []string {
		var out []string
		for name, v := range sdkConsts {
			if strings.HasPrefix(name, prefix) {
				out = append(out, v)
			}
		}
		return out
	}
	scopes, problems := prefixed("Scope"), prefixed("Problem")

	codes := map[string][]string{}
	note := func(code string, pos token.Pos) {
		p := fset.Position(pos)
		rel, _ := filepath.Rel(root, p.Filename)
		codes[code] = append(codes[code], rel+":"+strconv.Itoa(p.Line))
	}
	// fieldPaths are the literals that stand where a field path goes, and
	// fieldConsts the constants (import path, name) that do.
	fieldPaths := map[*ast.BasicLit]bool{}
	fieldConsts := map[[2]string]bool{}
	type scanned struct {
		pkg     string
		f       *ast.File
		imports map[string]string
	}
	var all []scanned
	for pkg, files := range pkgs {
		for _, f := range files {
			all = append(all, scanned{pkg, f, importNames(f)})
		}
	}
	for _, sf := range all {
		pkg, imports := sf.pkg, sf.imports
		// resolve returns the constant value of e: a literal, a constant
		// of this package or of a scanned package it imports.
		resolve := func(e ast.Expr) (string, bool) {
			switch x := e.(type) {
			case *ast.BasicLit:
				if x.Kind == token.STRING {
					s, err := strconv.Unquote(x.Value)
					return s, err == nil
				}
			case *ast.Ident:
				s, ok := consts[pkg][x.Name]
				return s, ok
			case *ast.SelectorExpr:
				if id, ok := x.X.(*ast.Ident); ok {
					s, ok := consts[imports[id.Name]][x.Sel.Name]
					return s, ok
				}
			}
			return "", false
		}
		isFunc := func(e ast.Expr, name string) bool {
			switch x := e.(type) {
			case *ast.Ident:
				return pkg == sdkPath && x.Name == name
			case *ast.SelectorExpr:
				id, ok := x.X.(*ast.Ident)
				return ok && imports[id.Name] == sdkPath && x.Sel.Name == name
			}
			return false
		}
		fieldPath := func(e ast.Expr) {
			switch x := e.(type) {
			case *ast.BasicLit:
				fieldPaths[x] = true
			case *ast.Ident:
				fieldConsts[[2]string{pkg, x.Name}] = true
			case *ast.SelectorExpr:
				if id, ok := x.X.(*ast.Ident); ok {
					fieldConsts[[2]string{imports[id.Name], x.Sel.Name}] = true
				}
			}
		}
		ast.Inspect(sf.f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.KeyValueExpr:
				if k, ok := x.Key.(*ast.Ident); ok && k.Name == "Field" {
					fieldPath(x.Value)
				}
			case *ast.CallExpr:
				switch {
				case isFunc(x.Fun, "HasViolation") && len(x.Args) == 2:
					fieldPath(x.Args[1])
				case isFunc(x.Fun, "Code") && len(x.Args) == 2:
					ss, ps := scopes, problems
					if s, ok := resolve(x.Args[0]); ok {
						ss = []string{s}
					}
					if p, ok := resolve(x.Args[1]); ok {
						ps = []string{p}
					}
					for _, s := range ss {
						for _, p := range ps {
							note(s+"."+p, x.Pos())
						}
					}
				}
			}
			return true
		})
	}
	for _, sf := range all {
		// A constant that names a field path declares no code.
		for _, decl := range sf.f.Decls {
			if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.CONST {
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if lit, ok := valueAt(vs, i).(*ast.BasicLit); ok && fieldConsts[[2]string{sf.pkg, n.Name}] {
							fieldPaths[lit] = true
						}
					}
				}
			}
		}
		ast.Inspect(sf.f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && !fieldPaths[lit] {
				if s, err := strconv.Unquote(lit.Value); err == nil && violationCode.MatchString(s) {
					note(s, lit.Pos())
				}
			}
			return true
		})
	}
	for code := range codes {
		if !violationCode.MatchString(code) {
			tb.Errorf("%q (at %s) is not of the violation codes' shape", code, strings.Join(codes[code], ", "))
		}
	}
	return codes
}

func valueAt(vs *ast.ValueSpec, i int) ast.Expr {
	if i < len(vs.Values) {
		return vs.Values[i]
	}
	return nil
}

// importNames maps the names a file imports packages under to their paths.
func importNames(f *ast.File) map[string]string {
	out := map[string]string{}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		name := p[strings.LastIndex(p, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		out[name] = p
	}
	return out
}

// The scan's rules on a small tree: literal codes count wherever they
// stand except where a field path goes, and Code(scope, problem) with a
// variable expands over the SDK's Scope… or Problem… constants.
func TestScanViolationCodes(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"plugins/sdk/codes.go": `package sdk
const (
	ScopeSubjects = "subjects"
	ScopeRequests = "requests"
	ProblemA = "a_wrong"
	ProblemB = "b_wrong"
	CodeKind = "subjects.kind_unknown"
	fieldX = "fields.x"
)
func Code(scope, problem string) string { return scope + "." + problem }
func check(scope string) []Violation {
	return []Violation{{Field: "fields.y", Code: Code(scope, ProblemA)}, {Field: fieldX, Code: CodeKind}}
}
`,
		"products/p/p.go": `package p
import kit "` + sdkPath + `"
const (
	CodeOwn = "requests.own_rule"
	fieldV  = "fields.v"
)
func rules(vs []kit.Violation) []kit.Violation {
	if !kit.HasViolation(vs, "fields.z") && !kit.HasViolation(vs, fieldV) {
		vs = append(vs, kit.Violation{Field: "fields.w", Code: kit.Code(kit.ScopeSubjects, kit.ProblemB)})
		vs = append(vs, kit.Violation{Field: "question", Code: "requests.inline"})
	}
	return vs
}
`,
		"products/p/p_test.go": `package p
const inTest = "requests.from_a_test"
`,
	}
	for name, src := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := slices.Sorted(maps.Keys(scanViolationCodes(t, root)))
	want := []string{"requests.a_wrong", "requests.inline", "requests.own_rule",
		"subjects.a_wrong", "subjects.b_wrong", "subjects.kind_unknown"}
	if !slices.Equal(got, want) {
		t.Fatalf("scan = %v, want %v", got, want)
	}
}

// testNow is the business instant of the sample calls: a Thursday, 14:00
// Moscow (inside VetPet's service hours).
var testNow = time.Date(2026, 1, 15, 14, 0, 0, 0, time.FixedZone("MSK", 3*60*60))

// validator is something that checks subjects and requests of a spec: a
// built-in product, or the SDK's shared rules on their own.
type validator struct {
	name    string
	spec    sdk.Spec
	subject func(call sdk.Call, kind string, fields map[string]any) ([]sdk.Violation, error)
	request func(call sdk.Call, req sdk.Request) ([]sdk.Violation, error)
}

func validators(tb testing.TB) []validator {
	tb.Helper()
	ctx := context.Background()
	var out []validator
	builtin := products.Builtin()
	for _, name := range slices.Sorted(maps.Keys(builtin)) {
		p := builtin[name]
		spec, err := p.Describe(ctx, sdk.Call{Locale: "ru", Now: testNow})
		if err != nil {
			tb.Fatalf("%s: Describe: %v", name, err)
		}
		out = append(out, validator{
			name: name,
			spec: spec,
			subject: func(call sdk.Call, kind string, fields map[string]any) ([]sdk.Violation, error) {
				return p.ValidateSubject(ctx, call, kind, fields)
			},
			request: func(call sdk.Call, req sdk.Request) ([]sdk.Violation, error) {
				return p.ValidateRequest(ctx, call, req)
			},
		})
	}
	// No built-in product has, say, a number among a service's extra
	// fields or a service without a subject; the SDK's rules on a spec
	// with every kind of field and bound reach the codes they miss.
	rules := rulesSpec()
	if problems := rules.Problems(); len(problems) > 0 {
		tb.Fatalf("the sample spec has problems: %v", problems)
	}
	out = append(out, validator{
		name: "sdk",
		spec: rules,
		subject: func(call sdk.Call, kind string, fields map[string]any) ([]sdk.Violation, error) {
			return sdk.CheckSubject(rules, call, kind, fields), nil
		},
		request: func(call sdk.Call, req sdk.Request) ([]sdk.Violation, error) {
			return sdk.CheckRequest(rules, call, req), nil
		},
	})
	return out
}

// rulesSpec is a spec with a field of every type and every bound, used as
// a subject's fields and as a service's extra fields.
func rulesSpec() sdk.Spec {
	text := func(s string) sdk.Text { return sdk.Text{"ru": s, "en": s} }
	num := func(f float64) *float64 { return &f }
	fields := []sdk.Field{
		{Key: "name", Title: text("name"), Type: sdk.TypeString, Required: true, MinLen: 2, MaxLen: 21},
		{Key: "note", Title: text("note"), Type: sdk.TypeText, MaxLen: 5},
		{Key: "color", Title: text("color"), Type: sdk.TypeEnum, Options: []sdk.Option{{Key: "red", Title: text("red")}}},
		{Key: "born", Title: text("born"), Type: sdk.TypeDate, MinDate: "2000-01-01", NotFuture: true},
		{Key: "due", Title: text("due"), Type: sdk.TypeDate, NotPast: true},
		{Key: "at", Title: text("at"), Type: sdk.TypeTime},
		{Key: "weight", Title: text("weight"), Type: sdk.TypeNumber, Min: num(0.5), Max: num(150)},
		{Key: "place", Title: text("place"), Type: sdk.TypePlace, MaxLen: 3},
	}
	return sdk.Spec{
		Product: "rules",
		Title:   text("rules"),
		ServiceKinds: []sdk.ServiceKind{
			{Key: "with_subject", Title: text("with subject"), Delivery: []sdk.Delivery{sdk.DeliveryChat},
				SLAClass: sdk.SLAStudy24h, NeedsSubject: true, SubjectKind: "thing", Fields: fields},
			{Key: "no_subject", Title: text("no subject"), Delivery: []sdk.Delivery{sdk.DeliveryWritten},
				SLAClass: sdk.SLADocuments48h, NeedsDocuments: true},
		},
		SubjectKinds:  []sdk.SubjectKind{{Key: "thing", Title: text("thing"), LabelField: "name", Fields: fields}},
		ProfileFields: []sdk.Field{},
		Attachments:   sdk.AttachmentRules{Extensions: []string{"pdf"}, MaxSize: 1 << 20, MaxFiles: 1},
	}
}

// badValues returns values of fields that each break one rule of a field
// (or of a form: an unknown key), each with the other values it needs to
// be checked (the parent of a dependent list). Required fields left out
// add their own violations.
func badValues(fields []sdk.Field, today time.Time) []map[string]any {
	day := func(d time.Time) string { return d.Format(time.DateOnly) }
	out := []map[string]any{{}, {"no_such_field": "x"}}
	for _, f := range fields {
		var bad []any
		switch f.Type {
		case sdk.TypeString, sdk.TypeText:
			bad = append(bad, 42)
		case sdk.TypeEnum:
			bad = append(bad, "no_such_option", 42)
		case sdk.TypeDate:
			bad = append(bad, "31.12.2020", 20201231)
			if f.MinDate != "" {
				earliest, _ := time.Parse(time.DateOnly, f.MinDate)
				bad = append(bad, day(earliest.AddDate(0, 0, -1)))
			}
			if f.NotFuture {
				bad = append(bad, day(today.AddDate(0, 0, 1)))
			}
			if f.NotPast {
				bad = append(bad, day(today.AddDate(0, 0, -1)))
			}
		case sdk.TypeTime:
			bad = append(bad, "25:61", 1430)
		case sdk.TypeNumber:
			bad = append(bad, "a lot", []any{1})
			if f.Min != nil {
				bad = append(bad, *f.Min-0.001)
			}
			if f.Max != nil {
				bad = append(bad, *f.Max+1)
			}
		case sdk.TypePlace:
			bad = append(bad, 42, map[string]any{"name": "Tver", "lat": 95.0}, map[string]any{"name": "Tver", "alt": 1.0},
				map[string]any{"lat": 56.9})
		}
		if f.Type == sdk.TypeString || f.Type == sdk.TypeText || f.Type == sdk.TypePlace {
			if f.MaxLen > 0 {
				bad = append(bad, strings.Repeat("я", f.MaxLen+1))
			}
			if f.MinLen > 1 {
				bad = append(bad, strings.Repeat("я", f.MinLen-1))
			}
		}
		for _, v := range bad {
			m := map[string]any{f.Key: v}
			if f.DependsOn != "" {
				for _, g := range fields {
					if g.Key == f.DependsOn && len(g.Options) > 0 {
						m[g.Key] = g.Options[0].Key
					}
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// badRequests returns requests to spec that each break some rule.
func badRequests(spec sdk.Spec, call sdk.Call) []sdk.Request {
	today := call.Today()
	day := func(days int) string { return today.AddDate(0, 0, days).Format(time.DateOnly) }
	out := []sdk.Request{{ServiceKind: "no_such_service", Question: "?"}}
	a := spec.Attachments
	ext := "pdf"
	if len(a.Extensions) > 0 {
		ext = a.Extensions[0]
	}
	for _, k := range spec.ServiceKinds {
		// The subject the service takes, for the requests that are not
		// about the subject.
		var subjectKind string
		var subject map[string]any
		if k.SubjectKind != "" {
			subjectKind, subject = k.SubjectKind, map[string]any{"name": "Мурка"}
		}
		base := func() sdk.Request {
			return sdk.Request{ServiceKind: k.Key, Question: "Что делать?", SubjectKind: subjectKind, Subject: subject}
		}
		r := base()
		r.Question, r.SubjectKind, r.Subject = " ", "", nil
		out = append(out, r)
		r = base()
		r.Question = strings.Repeat("я", sdk.QuestionMaxLen+1)
		out = append(out, r)
		r = base()
		r.SubjectKind, r.Subject = "no_such_kind", map[string]any{"name": "x"}
		out = append(out, r)
		if sk, ok := spec.SubjectKind(k.SubjectKind); ok {
			for _, values := range badValues(sk.Fields, today) {
				r = base()
				r.Subject = values
				out = append(out, r)
			}
		}
		for _, values := range badValues(k.Fields, today) {
			r = base()
			r.Fields = values
			out = append(out, r)
		}
		for _, files := range [][]sdk.Attachment{
			slices.Repeat([]sdk.Attachment{{Name: "scan." + ext, Size: 1}}, a.MaxFiles+1),
			{{Name: "", Size: 1}},
			{{Name: "empty." + ext, Size: 0}},
			{{Name: "setup.exe", Size: 1}},
			{{Name: "README", Size: 1}},
			{{Name: "huge." + ext, Size: a.MaxSize + 1}},
		} {
			r = base()
			r.Attachments = files
			out = append(out, r)
		}
		for _, at := range []string{
			"tomorrow at noon",
			call.Instant().Add(-time.Hour).Format(time.RFC3339),
			time.Date(today.Year(), today.Month(), today.Day()+1, 3, 0, 0, 0, call.Location()).Format(time.RFC3339),
		} {
			r = base()
			r.PreferredTime = at
			out = append(out, r)
		}
		// Periods: every pair of date fields given reversed, and a year
		// and a half apart (Astars' event date: at most max_period_days).
		var dates []string
		for _, f := range k.Fields {
			if f.Type == sdk.TypeDate {
				dates = append(dates, f.Key)
			}
		}
		for i := range dates {
			for j := i + 1; j < len(dates); j++ {
				for _, span := range [][2]string{{day(10), day(5)}, {day(1), day(550)}} {
					r = base()
					r.Fields = map[string]any{dates[i]: span[0], dates[j]: span[1]}
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// sample is one violation a validator really returned, and for what.
type sample struct {
	v     sdk.Violation
	where string
}

// violationSamples runs every validator on bad input and returns the
// violations by code.
func violationSamples(t *testing.T) map[string][]sample {
	t.Helper()
	call := sdk.Call{Tenant: "test", Locale: "ru", Now: testNow}
	out := map[string][]sample{}
	add := func(where string, vs []sdk.Violation, err error) {
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		for _, v := range vs {
			if !slices.ContainsFunc(out[v.Code], func(s sample) bool { return maps.Equal(s.v.Params, v.Params) }) {
				out[v.Code] = append(out[v.Code], sample{v, where + ", field " + v.Field})
			}
		}
	}
	for _, val := range validators(t) {
		vs, err := val.subject(call, "no_such_kind", map[string]any{"name": "x"})
		add(val.name+" ValidateSubject(no_such_kind)", vs, err)
		for _, sk := range val.spec.SubjectKinds {
			for _, values := range badValues(sk.Fields, call.Today()) {
				vs, err := val.subject(call, sk.Key, values)
				add(fmt.Sprintf("%s ValidateSubject(%s, %v)", val.name, sk.Key, values), vs, err)
			}
		}
		for _, req := range badRequests(val.spec, call) {
			vs, err := val.request(call, req)
			add(fmt.Sprintf("%s ValidateRequest(%s)", val.name, req.ServiceKind), vs, err)
		}
	}
	return out
}

// TestViolationTextsRender renders, in every language, every violation the
// built-in products and the SDK's rules return for deliberately bad input,
// with the violation's own Params as the web layer passes them: each code
// has a text of its own in each language, and no text shows "<no value>"
// (a field the params lack: a key's case differs) or an unfilled "{{".
// Every code the scan finds must turn up here, so each text is tried with
// the params the validators really give; and every code turning up here
// must have been found by the scan.
func TestViolationTextsRender(t *testing.T) {
	b := newBundle(t)
	scanned := scanViolationCodes(t, moduleRoot(t))
	samples := violationSamples(t)
	for _, code := range slices.Sorted(maps.Keys(samples)) {
		if _, ok := scanned[code]; !ok {
			t.Errorf("validators emit %q (%s), which the source scan does not find: extend scanViolationCodes", code, samples[code][0].where)
		}
		for _, s := range samples[code] {
			data := make(map[string]any, len(s.v.Params))
			for k, v := range s.v.Params {
				data[k] = v
			}
			for _, lang := range i18n.Supported() {
				if !b.Has(lang, code) {
					t.Errorf("%s: no text for %q (%s)", lang, code, s.where)
					continue
				}
				got := b.T(lang, code, data)
				switch {
				case got == code:
					t.Errorf("%s: %q did not render (%s)", lang, code, s.where)
				case strings.Contains(got, "<no value>"), strings.Contains(got, "{{"), strings.Contains(got, "}}"):
					t.Errorf("%s: %q with params %v renders %q (%s)", lang, code, s.v.Params, got, s.where)
				case lang == "en" && strings.IndexFunc(got, isCyrillic) >= 0:
					t.Errorf("en: %q renders Russian: %q", code, got)
				case lang == "ru" && strings.IndexFunc(got, isCyrillic) < 0:
					t.Errorf("ru: %q renders no Russian: %q", code, got)
				}
			}
		}
	}
	for _, code := range slices.Sorted(maps.Keys(scanned)) {
		if strings.HasPrefix(code, "documents.") {
			continue // RenderDocument's errors, not violations: TestSourceCodesAreLocalised covers them
		}
		if _, ok := samples[code]; !ok {
			t.Errorf("no bad input makes a validator return %q (emitted at %s): add one to badValues or badRequests",
				code, strings.Join(scanned[code], ", "))
		}
	}
	t.Logf("%d violation codes rendered from real validators", len(samples))
}

func isCyrillic(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }

// The texts read the plural form from the SDK's own param (a string, as
// Params are), and say the limit the way the customer reads it.
func TestViolationTexts(t *testing.T) {
	b := newBundle(t)
	tests := []struct {
		lang, code string
		params     map[string]any
		want       string
	}{
		{"ru", "subjects.too_long", map[string]any{"Max": "50"}, "Слишком длинный текст — сократите его до 50 символов."},
		{"ru", "subjects.too_long", map[string]any{"Max": "21"}, "Слишком длинный текст — сократите его до 21 символа."},
		{"ru", "requests.too_short", map[string]any{"Min": "3"}, "Слишком короткий текст — введите не меньше 3 символов."},
		{"ru", "requests.too_many_attachments", map[string]any{"Max": "1"}, "Можно приложить не больше 1 файла — уберите лишние."},
		{"ru", "requests.too_many_attachments", map[string]any{"Max": "10"}, "Можно приложить не больше 10 файлов — уберите лишние."},
		{"ru", "requests.question_too_long", map[string]any{"Max": "4000"},
			"Вопрос слишком длинный — сократите его до 4000 символов. Подробности можно приложить файлом."},
		{"ru", "requests.period_invalid", map[string]any{"MaxDays": "366"},
			"Проверьте период: он должен заканчиваться не раньше, чем начинается, и длиться не больше 366 дней."},
		{"ru", "requests.period_invalid", map[string]any{"MaxDays": "31"},
			"Проверьте период: он должен заканчиваться не раньше, чем начинается, и длиться не больше 31 дня."},
		{"ru", "subjects.number_too_large", map[string]any{"Max": "150"}, "Укажите число не больше 150."},
		{"ru", "subjects.date_too_early", map[string]any{"Min": "1900-01-01"}, "Укажите дату не раньше 1900-01-01."},
		{"ru", "requests.attachment_type_refused", map[string]any{"Ext": "exe", "Allowed": "pdf, jpg"},
			"Файлы «.exe» не принимаются. Приложите файл в одном из форматов: pdf, jpg."},
		{"ru", "requests.attachment_type_refused", map[string]any{"Ext": "", "Allowed": "pdf, jpg"},
			"Файлы без расширения не принимаются. Приложите файл в одном из форматов: pdf, jpg."},
		{"ru", "requests.preferred_time_outside_hours", map[string]any{"From": "09:00", "To": "21:00"},
			"Специалисты на связи с 09:00 до 21:00 по московскому времени — выберите время в этих пределах."},
		{"en", "subjects.too_long", map[string]any{"Max": "1"}, "Too long — please shorten it to 1 character."},
		{"en", "requests.too_many_attachments", map[string]any{"Max": "5"}, "You can attach at most 5 files — please remove the extra ones."},
		{"en", "requests.attachment_type_refused", map[string]any{"Ext": "exe", "Allowed": "pdf, jpg"},
			".exe files are not accepted. Please attach a file in one of these formats: pdf, jpg."},
		{"en", "requests.period_invalid", map[string]any{"MaxDays": "366"},
			"Please check the period: it must not end before it starts and may last at most 366 days."},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.code, func(t *testing.T) {
			if got := b.T(tt.lang, tt.code, tt.params); got != tt.want {
				t.Fatalf("T(%v) = %q, want %q", tt.params, got, tt.want)
			}
		})
	}
}

var templateAction = regexp.MustCompile(`\{\{.*?\}\}`)
var templateFieldRef = regexp.MustCompile(`\.([A-Za-z_][A-Za-z0-9_]*)`)

// The conventions ask for capitalised template fields ({{.Count}}), the
// SDK's violation Params included.
func TestTemplateFieldsAreCapitalised(t *testing.T) {
	for lang, msgs := range parseLocales(t) {
		for id, m := range msgs {
			for _, form := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
				for _, action := range templateAction.FindAllString(form, -1) {
					for _, sm := range templateFieldRef.FindAllStringSubmatch(action, -1) {
						field := sm[1]
						if unicode.IsUpper(rune(field[0])) {
							continue
						}
						t.Errorf("%s: %q shows {{.%s}}: template fields are capitalised", lang, id, field)
					}
				}
			}
		}
	}
}
