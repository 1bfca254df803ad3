// Package plugintest is the contract every product passes: Run serves a
// product over real gRPC in-process (go-plugin's TestPluginGRPCConn, the
// same server and client code as a plugin process, without the process)
// and checks what the platform relies on — a complete, well-formed spec in
// Russian and English; subjects and requests accepted when right and
// refused with the right field and code when wrong; documents complete in
// both languages; the call's tenant, locale and deadline crossing the wire.
//
// Good and bad inputs are derived from the product's own schema, so a new
// field or service kind is covered without touching this package. Products
// add their own tables for rules a schema cannot express.
package plugintest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/plugins/sdk"
	"github.com/hashicorp/go-plugin"
)

// Call is the call context the suite sends, in the given locale.
func Call(locale string) sdk.Call {
	return sdk.Call{
		Tenant:    "contract-tenant",
		Locale:    locale,
		Timezone:  "Europe/Moscow",
		Now:       now(),
		Settings:  map[string]string{"brand": "Contract Brand"},
		RequestID: "contract-request",
	}
}

// Connect serves p over in-process gRPC and returns the client side, as
// the host would see it. The connection closes when the test ends.
func Connect(tb testing.TB, p sdk.Product) sdk.Product {
	tb.Helper()
	client, _ := plugin.TestPluginGRPCConn(tb, false, sdk.PluginSets(p, nil)[sdk.ProtocolVersion])
	// Close asks the server to stop through go-plugin's controller, as a
	// host does; stopping the server here as well would race with that.
	tb.Cleanup(func() { _ = client.Close() })
	raw, err := client.Dispense(sdk.PluginName)
	if err != nil {
		tb.Fatalf("dispense: %v", err)
	}
	remote, ok := raw.(sdk.Product)
	if !ok {
		tb.Fatalf("dispensed %T, not an sdk.Product", raw)
	}
	return remote
}

// Run runs the contract suite against p.
func Run(t *testing.T, p sdk.Product) {
	t.Helper()
	pr := &probe{Product: p}
	remote := Connect(t, pr)
	ctx := t.Context()

	spec, err := remote.Describe(ctx, Call("ru"))
	if err != nil {
		t.Fatalf("Describe over gRPC: %v", err)
	}

	t.Run("describe", func(t *testing.T) { checkSpec(t, spec) })
	t.Run("describe survives the wire", func(t *testing.T) {
		local, err := p.Describe(ctx, Call("ru"))
		if err != nil {
			t.Fatalf("Describe in-process: %v", err)
		}
		if a, b := normal(t, local), normal(t, spec); !reflect.DeepEqual(a, b) {
			t.Errorf("spec changed crossing the wire:\n in-process: %v\n over gRPC:  %v", a, b)
		}
	})
	t.Run("call and deadline cross the wire", func(t *testing.T) { checkCall(t, remote, pr) })
	t.Run("expired deadline fails", func(t *testing.T) { checkExpired(t, remote, spec) })
	t.Run("subjects", func(t *testing.T) { checkSubjects(t, remote, spec) })
	t.Run("requests", func(t *testing.T) { checkRequests(t, remote, spec) })
	t.Run("documents", func(t *testing.T) { checkDocuments(t, remote, spec) })
}

func checkSpec(t *testing.T, spec sdk.Spec) {
	for _, p := range spec.Problems() {
		t.Error(p)
	}
	if len(spec.ServiceKinds) == 0 {
		t.Error("no service kinds")
	}
	if !spec.HasDocumentKind(sdk.DocKindConsultationResult) {
		t.Errorf("no %q document kind: the platform issues one for every rendered service", sdk.DocKindConsultationResult)
	}
	for _, k := range spec.ServiceKinds {
		if k.NeedsDocuments && spec.Attachments.MaxFiles < 1 {
			t.Errorf("service kind %s needs documents but no file may be attached", k.Key)
		}
	}
}

func checkCall(t *testing.T, remote sdk.Product, pr *probe) {
	deadline := time.Now().Add(time.Minute)
	ctx, cancel := context.WithDeadline(t.Context(), deadline)
	defer cancel()
	sent := Call("en")
	if _, err := remote.Describe(ctx, sent); err != nil {
		t.Fatalf("Describe: %v", err)
	}
	got, gotDeadline, ok := pr.last()
	if !ok {
		t.Fatal("the product saw no deadline; the caller's deadline must cross the wire")
	}
	// gRPC sends the remaining time, rounded up to its unit: the server's
	// deadline is the client's give or take that rounding, never later.
	if gotDeadline.After(deadline.Add(time.Second)) {
		t.Errorf("product's deadline %v is after the caller's %v", gotDeadline, deadline)
	}
	if got.Tenant != sent.Tenant || got.Locale != sent.Locale || got.Timezone != sent.Timezone ||
		got.RequestID != sent.RequestID || !got.Now.Equal(sent.Now) || !reflect.DeepEqual(got.Settings, sent.Settings) {
		t.Errorf("call changed crossing the wire:\n sent %+v\n got  %+v", sent, got)
	}
}

func checkExpired(t *testing.T, remote sdk.Product, spec sdk.Spec) {
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	calls := map[string]func() error{
		"Describe": func() error { _, err := remote.Describe(ctx, Call("ru")); return err },
		"ValidateRequest": func() error {
			_, err := remote.ValidateRequest(ctx, Call("ru"), sdk.Request{ServiceKind: spec.ServiceKinds[0].Key})
			return err
		},
		"ValidateSubject": func() error {
			_, err := remote.ValidateSubject(ctx, Call("ru"), "", nil)
			return err
		},
		"RenderDocument": func() error {
			_, err := remote.RenderDocument(ctx, Call("ru"), sdk.DocumentInput{Kind: sdk.DocKindConsultationResult})
			return err
		},
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s with an expired context: got %v, want context.DeadlineExceeded", name, err)
		}
	}
}

// probe records the call context a product receives.
type probe struct {
	sdk.Product
	mu       sync.Mutex
	call     sdk.Call
	deadline time.Time
	hasDL    bool
}

func (p *probe) record(ctx context.Context, call sdk.Call) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.call = call
	p.deadline, p.hasDL = ctx.Deadline()
}

func (p *probe) last() (sdk.Call, time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.call, p.deadline, p.hasDL
}

func (p *probe) Describe(ctx context.Context, call sdk.Call) (sdk.Spec, error) {
	p.record(ctx, call)
	return p.Product.Describe(ctx, call)
}

// normal turns v into plain JSON values without empty members, so that a
// nil slice and an empty one compare equal (protobuf does not tell them
// apart).
func normal(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return prune(out)
}

func prune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e = prune(e); isEmpty(e) {
				delete(x, k)
			} else {
				x[k] = e
			}
		}
	case []any:
		for i := range x {
			x[i] = prune(x[i])
		}
	}
	return v
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	case string:
		return x == ""
	case bool:
		return !x
	case float64:
		return x == 0
	}
	return false
}

// want is one expected violation.
type want struct{ field, code string }

// Expect fails t unless a validation call returned no error and exactly
// the violation {field, code} — or none at all when field is "". Products
// use it for their own validation tables.
func Expect(t testing.TB, vs []sdk.Violation, err error, field, code string) {
	t.Helper()
	if err != nil {
		t.Fatalf("error: %v", err)
	}
	if field == "" {
		if len(vs) > 0 {
			t.Errorf("valid input refused: %+v", vs)
		}
		return
	}
	if len(vs) != 1 || vs[0].Field != field || vs[0].Code != code {
		t.Errorf("violations %+v, want exactly {%s %s}", vs, field, code)
	}
}

func expectOnly(t *testing.T, vs []sdk.Violation, err error, w want) {
	t.Helper()
	Expect(t, vs, err, w.field, w.code)
}

func expectNone(t *testing.T, vs []sdk.Violation, err error) {
	t.Helper()
	Expect(t, vs, err, "", "")
}

func checkDocuments(t *testing.T, remote sdk.Product, spec sdk.Spec) {
	kind := spec.ServiceKinds[0]
	for _, k := range spec.ServiceKinds {
		if k.SubjectKind != "" {
			kind = k
			break
		}
	}
	in := sdk.DocumentInput{
		ServiceKind: kind.Key,
		Number:      "C-0001",
		Specialist:  "Иванова Анна Сергеевна",
		Customer:    "Петров Пётр Петрович",
		Question:    "Вопрос клиента для проверки документа.",
		Answer:      "Развёрнутый ответ специалиста для проверки документа.",
		Date:        now(),
	}
	if sk, ok := spec.SubjectKind(kind.SubjectKind); ok {
		in.SubjectKind, in.Subject = sk.Key, Sample(sk.Fields, Call("ru"))
	}
	for _, dk := range spec.DocumentKinds {
		titles := map[string]string{}
		for _, lang := range sdk.Locales {
			t.Run(dk.Key+"/"+lang, func(t *testing.T) {
				in := in
				in.Kind = dk.Key
				doc, err := remote.RenderDocument(t.Context(), Call(lang), in)
				if err != nil {
					t.Fatalf("RenderDocument: %v", err)
				}
				checkDocument(t, doc, in, lang)
				titles[lang] = doc.Title
			})
		}
		if titles["ru"] != "" && titles["ru"] == titles["en"] {
			t.Errorf("%s: the same title %q in ru and en", dk.Key, titles["ru"])
		}
	}

	cases := []struct {
		name  string
		edit  func(*sdk.DocumentInput)
		code  string
		field string
	}{
		{"unknown kind", func(in *sdk.DocumentInput) { in.Kind = "no_such_document" }, sdk.CodeDocumentKindUnknown, ""},
		{"no answer", func(in *sdk.DocumentInput) { in.Answer = "  " }, sdk.CodeDocumentInvalid, "answer"},
		{"no specialist", func(in *sdk.DocumentInput) { in.Specialist = "" }, sdk.CodeDocumentInvalid, "specialist"},
		{"no date", func(in *sdk.DocumentInput) { in.Date = time.Time{} }, sdk.CodeDocumentInvalid, "date"},
		{"unknown service kind", func(in *sdk.DocumentInput) { in.ServiceKind = "no_such_service" }, sdk.CodeDocumentInvalid, "service_kind"},
	}
	for _, c := range cases {
		t.Run("refused/"+c.name, func(t *testing.T) {
			in := in
			in.Kind = sdk.DocKindConsultationResult
			c.edit(&in)
			_, err := remote.RenderDocument(t.Context(), Call("ru"), in)
			e := errs.As(err)
			if err == nil || e.Kind != errs.KindInvalid || e.Code != c.code {
				t.Fatalf("got %v, want an invalid error %s", err, c.code)
			}
			if c.field != "" && !slices.ContainsFunc(e.Fields, func(f errs.FieldError) bool { return f.Field == c.field }) {
				t.Errorf("fields %+v do not name %q", e.Fields, c.field)
			}
		})
	}
}

func checkDocument(t *testing.T, doc sdk.Document, in sdk.DocumentInput, lang string) {
	t.Helper()
	if doc.Kind != in.Kind || doc.Locale != lang {
		t.Errorf("kind/locale %q/%q, want %q/%q", doc.Kind, doc.Locale, in.Kind, lang)
	}
	if strings.TrimSpace(doc.Title) == "" || strings.TrimSpace(doc.Footer) == "" {
		t.Errorf("title %q, footer %q: both required", doc.Title, doc.Footer)
	}
	if strings.Contains(doc.Footer, "{") || !strings.Contains(doc.Footer, "Contract Brand") {
		t.Errorf("footer %q: want the call's brand filled in", doc.Footer)
	}
	if len(doc.Sections) < 3 {
		t.Errorf("%d sections; want at least details, answer and notice", len(doc.Sections))
	}
	text := doc.Title
	for i, s := range doc.Sections {
		if strings.TrimSpace(s.Heading) == "" {
			t.Errorf("section %d has no heading", i)
		}
		if strings.TrimSpace(s.Body) == "" && len(s.Rows) == 0 {
			t.Errorf("section %q is empty", s.Heading)
		}
		for _, r := range s.Rows {
			if strings.TrimSpace(r.Label) == "" || strings.TrimSpace(r.Value) == "" {
				t.Errorf("section %q: row %+v half empty", s.Heading, r)
			}
			text += "\n" + r.Label + " " + r.Value
		}
		text += "\n" + s.Heading + "\n" + s.Body
	}
	for _, must := range []string{in.Answer, in.Question, in.Specialist, in.Customer, in.Number} {
		if !strings.Contains(text, must) {
			t.Errorf("the document does not show %q", must)
		}
	}
	if lang == "en" && strings.ContainsFunc(doc.Title, isCyrillic) {
		t.Errorf("English title %q has Cyrillic letters", doc.Title)
	}
	if lang == "ru" && !strings.ContainsFunc(doc.Title, isCyrillic) {
		t.Errorf("Russian title %q has no Cyrillic letters", doc.Title)
	}
}

func isCyrillic(r rune) bool { return r >= 0x0400 && r <= 0x04FF }
