package sdk

import (
	"slices"
	"strings"
	"testing"
)

func ptr(f float64) *float64 { return &f }

func t2(ru, en string) Text { return Text{"ru": ru, "en": en} }

// validSpec is a small correct spec; each case breaks one thing.
func validSpec() Spec {
	return Spec{
		Product: "demo",
		Title:   t2("Демо", "Demo"),
		ServiceKinds: []ServiceKind{{
			Key: "ask", Title: t2("Вопрос", "Question"), Delivery: []Delivery{DeliveryChat},
			SLAClass: SLAStudy24h, NeedsSubject: true, SubjectKind: "pet",
		}},
		SubjectKinds: []SubjectKind{{
			Key: "pet", Title: t2("Питомец", "Pet"), LabelField: "name",
			Fields: []Field{
				{Key: "species", Title: t2("Вид", "Species"), Type: TypeEnum, Required: true,
					Options: []Option{{Key: "cat", Title: t2("Кошка", "Cat")}}},
				{Key: "breed", Title: t2("Порода", "Breed"), Type: TypeEnum, DependsOn: "species",
					OptionsBy: map[string][]Option{"cat": {{Key: "siamese", Title: t2("Сиамская", "Siamese")}}}},
				{Key: "name", Title: t2("Кличка", "Name"), Type: TypeString, Required: true, MaxLen: 50},
				{Key: "weight", Title: t2("Вес", "Weight"), Type: TypeNumber, Min: ptr(0.01), Max: ptr(150)},
			},
		}},
		Attachments:   AttachmentRules{Extensions: []string{"pdf"}, MaxSize: 1 << 20, MaxFiles: 3},
		DocumentKinds: []DocumentKind{{Key: DocKindConsultationResult, Title: t2("Итог", "Result")}},
	}
}

func TestProblems(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Spec)
		want string // part of an expected problem; "" for none
	}{
		{"valid", func(*Spec) {}, ""},
		{"bad product id", func(s *Spec) { s.Product = "Vet Pet" }, "not a key"},
		{"title without English", func(s *Spec) { s.Title = Text{"ru": "Демо"} }, `no "en" text`},
		{"no service kinds", func(s *Spec) { s.ServiceKinds = nil }, "no service kinds"},
		{"duplicate service kind", func(s *Spec) { s.ServiceKinds = append(s.ServiceKinds, s.ServiceKinds[0]) }, "twice"},
		{"unknown delivery", func(s *Spec) { s.ServiceKinds[0].Delivery = []Delivery{"pigeon"} }, "unknown delivery"},
		{"unknown SLA class", func(s *Spec) { s.ServiceKinds[0].SLAClass = "asap" }, "unknown SLA class"},
		{"needs subject without a kind", func(s *Spec) { s.ServiceKinds[0].SubjectKind = "" }, "names no subject kind"},
		{"unknown subject kind", func(s *Spec) { s.ServiceKinds[0].SubjectKind = "horse" }, "unknown subject kind"},
		{"enum without options", func(s *Spec) { s.SubjectKinds[0].Fields[0].Options = nil }, "no options"},
		{"breeds keyed by a missing species", func(s *Spec) {
			s.SubjectKinds[0].Fields[1].OptionsBy["dog"] = []Option{{Key: "pug", Title: t2("Мопс", "Pug")}}
		}, `keyed by "dog"`},
		{"depends on a later field", func(s *Spec) { s.SubjectKinds[0].Fields[1].DependsOn = "name" }, "not an earlier plain enum"},
		{"option without a Russian title", func(s *Spec) { s.SubjectKinds[0].Fields[0].Options[0].Title = Text{"en": "Cat"} }, `no "ru" text`},
		{"text without max_len", func(s *Spec) { s.SubjectKinds[0].Fields[2].MaxLen = 0 }, "needs max_len"},
		{"min above max", func(s *Spec) { s.SubjectKinds[0].Fields[3].Min = ptr(200) }, "min > max"},
		{"min on a text field", func(s *Spec) { s.SubjectKinds[0].Fields[2].Min = ptr(1) }, "min/max on a string"},
		{"label field missing", func(s *Spec) { s.SubjectKinds[0].LabelField = "nick" }, "label field"},
		{"unknown field type", func(s *Spec) { s.SubjectKinds[0].Fields[2].Type = "colour" }, "unknown type"},
		{"extension with a dot", func(s *Spec) { s.Attachments.Extensions = []string{".PDF"} }, "lower case"},
		{"documents needed, none allowed", func(s *Spec) {
			s.ServiceKinds[0].NeedsDocuments = true
			s.Attachments = AttachmentRules{}
		}, "no attachment is allowed"},
		{"bad min_date", func(s *Spec) {
			s.SubjectKinds[0].Fields = append(s.SubjectKinds[0].Fields,
				Field{Key: "born", Title: t2("Дата", "Date"), Type: TypeDate, MinDate: "01.01.1950"})
		}, "not a date"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := validSpec()
			c.edit(&s)
			got := s.Problems()
			if c.want == "" {
				if len(got) > 0 {
					t.Fatalf("problems in a valid spec: %v", got)
				}
				return
			}
			if !slices.ContainsFunc(got, func(e error) bool { return strings.Contains(e.Error(), c.want) }) {
				t.Fatalf("problems %v, want one about %q", got, c.want)
			}
		})
	}
}

func TestTextIn(t *testing.T) {
	cases := []struct {
		text Text
		lang string
		want string
	}{
		{t2("Кошка", "Cat"), "en", "Cat"},
		{t2("Кошка", "Cat"), "ru", "Кошка"},
		{Text{"ru": "Кошка"}, "en", "Кошка"},
		{Text{"en": "Cat"}, "ru", "Cat"},
		{nil, "ru", ""},
	}
	for _, c := range cases {
		if got := c.text.In(c.lang); got != c.want {
			t.Errorf("%v.In(%s) = %q, want %q", c.text, c.lang, got, c.want)
		}
	}
}
