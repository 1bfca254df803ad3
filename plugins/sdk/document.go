package sdk

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/consult/platform/core/platform/errs"
)

// Document kinds the platform asks for.
const (
	// DocKindConsultationResult is the result of a rendered service, kept
	// in the customer's "Документы" (seed 000, "Раздел «Документы»").
	DocKindConsultationResult = "consultation_result"
)

// ConsultationTemplate holds a product's texts for a consultation-result
// document; the layout is shared by every product, the words are the
// product's (in its product.yaml).
type ConsultationTemplate struct {
	Title    Text `yaml:"title"`
	Headings struct {
		Details  Text `yaml:"details"`
		Subject  Text `yaml:"subject"`
		Question Text `yaml:"question"`
		Answer   Text `yaml:"answer"`
		Notice   Text `yaml:"notice"`
	} `yaml:"headings"`
	Labels struct {
		Number     Text `yaml:"number"`
		Date       Text `yaml:"date"`
		Service    Text `yaml:"service"`
		Specialist Text `yaml:"specialist"`
		Customer   Text `yaml:"customer"`
	} `yaml:"labels"`
	// Notice is the product's caveat printed under the answer.
	Notice Text `yaml:"notice"`
	// Footer is printed on every page; "{brand}" is replaced by the
	// call's "brand" setting (the site's name), or the product's title.
	Footer Text `yaml:"footer"`
}

// Problems lists the texts missing from the template in some locale.
func (t ConsultationTemplate) Problems() []error {
	var p problems
	for name, txt := range map[string]Text{
		"title": t.Title, "footer": t.Footer, "notice": t.Notice,
		"headings.details": t.Headings.Details, "headings.subject": t.Headings.Subject,
		"headings.question": t.Headings.Question, "headings.answer": t.Headings.Answer,
		"headings.notice": t.Headings.Notice,
		"labels.number":   t.Labels.Number, "labels.date": t.Labels.Date,
		"labels.service": t.Labels.Service, "labels.specialist": t.Labels.Specialist,
		"labels.customer": t.Labels.Customer,
	} {
		p.text("template "+name, txt, true)
	}
	return p.errs
}

// Render builds a consultation-result document in the call's language:
// details (number, date, service, specialist, customer), the subject's
// fields as the spec labels them plus the product's extra rows, the
// question, the answer, the product's notice. An input without the
// answer, the specialist, the customer or the date is refused with an
// errs.KindInvalid error: a half-empty document must not reach a customer.
func (t ConsultationTemplate) Render(spec Spec, call Call, in DocumentInput, extraRows []Row) (Document, error) {
	if err := CheckDocumentInput(spec, in); err != nil {
		return Document{}, err
	}
	lang := call.Lang()
	kind, _ := spec.ServiceKind(in.ServiceKind)
	brand := call.Settings["brand"]
	if brand == "" {
		brand = spec.Title.In(lang)
	}

	details := Section{Heading: t.Headings.Details.In(lang), Rows: []Row{
		{Label: t.Labels.Date.In(lang), Value: FormatDate(in.Date.In(call.Location()), lang)},
		{Label: t.Labels.Service.In(lang), Value: kind.Title.In(lang)},
		{Label: t.Labels.Specialist.In(lang), Value: strings.TrimSpace(in.Specialist)},
		{Label: t.Labels.Customer.In(lang), Value: strings.TrimSpace(in.Customer)},
	}}
	if n := strings.TrimSpace(in.Number); n != "" {
		details.Rows = append([]Row{{Label: t.Labels.Number.In(lang), Value: n}}, details.Rows...)
	}
	doc := Document{
		Kind:     in.Kind,
		Locale:   lang,
		Title:    t.Title.In(lang),
		Sections: []Section{details},
		Footer:   strings.ReplaceAll(t.Footer.In(lang), "{brand}", brand),
	}
	if sk, ok := spec.SubjectKind(in.SubjectKind); ok && len(in.Subject) > 0 {
		rows := append(SubjectRows(sk, in.Subject, call), extraRows...)
		doc.Sections = append(doc.Sections, Section{Heading: t.Headings.Subject.In(lang), Rows: rows})
	}
	if q := strings.TrimSpace(in.Question); q != "" {
		doc.Sections = append(doc.Sections, Section{Heading: t.Headings.Question.In(lang), Body: q})
	}
	doc.Sections = append(doc.Sections,
		Section{Heading: t.Headings.Answer.In(lang), Body: strings.TrimSpace(in.Answer)},
		Section{Heading: t.Headings.Notice.In(lang), Body: t.Notice.In(lang)},
	)
	return doc, nil
}

// CheckDocumentInput refuses a document input that cannot make a
// complete document.
func CheckDocumentInput(spec Spec, in DocumentInput) error {
	if !spec.HasDocumentKind(in.Kind) {
		return errs.E(errs.KindInvalid, CodeDocumentKindUnknown)
	}
	var fields []errs.FieldError
	need := func(ok bool, field string) {
		if !ok {
			fields = append(fields, errs.FieldError{Field: field, Code: "documents.field_required"})
		}
	}
	_, known := spec.ServiceKind(in.ServiceKind)
	need(known, "service_kind")
	need(strings.TrimSpace(in.Specialist) != "", "specialist")
	need(strings.TrimSpace(in.Customer) != "", "customer")
	need(strings.TrimSpace(in.Answer) != "", "answer")
	need(!in.Date.IsZero(), "date")
	if in.SubjectKind != "" {
		_, ok := spec.SubjectKind(in.SubjectKind)
		need(ok, "subject_kind")
	}
	if len(fields) > 0 {
		return errs.Invalid(CodeDocumentInvalid, fields...)
	}
	return nil
}

// SubjectRows prints a subject's filled fields as the spec labels them:
// enum values by their titles, dates in words, numbers with the locale's
// decimal mark.
func SubjectRows(sk SubjectKind, values map[string]any, call Call) []Row {
	lang := call.Lang()
	var rows []Row
	for _, f := range sk.Fields {
		v, ok := values[f.Key]
		if !ok || isBlank(v) {
			continue
		}
		if s := FormatValue(f, v, values, call); s != "" {
			rows = append(rows, Row{Label: f.Title.In(lang), Value: s})
		}
	}
	return rows
}

// FormatValue prints one field value for a reader in the call's language.
func FormatValue(f Field, v any, values map[string]any, call Call) string {
	lang := call.Lang()
	switch f.Type {
	case TypeEnum:
		s, _ := v.(string)
		opts, _ := f.Choices(values)
		if o, ok := findOption(opts, s); ok {
			return o.Title.In(lang)
		}
		return s
	case TypeDate:
		s, _ := v.(string)
		if d, err := ParseDate(s, call.Location()); err == nil {
			return FormatDate(d, lang)
		}
		return s
	case TypeNumber:
		if n, ok := Number(v); ok {
			s := strconv.FormatFloat(n, 'f', -1, 64)
			if lang == "ru" {
				s = strings.Replace(s, ".", ",", 1)
			}
			return s
		}
	case TypePlace:
		if m, ok := v.(map[string]any); ok {
			name, _ := m["name"].(string)
			return strings.TrimSpace(name)
		}
	}
	if s, ok := v.(string); ok {
		return strings.TrimSpace(s)
	}
	return fmt.Sprint(v)
}

var monthsGenitiveRU = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня",
	"июля", "августа", "сентября", "октября", "ноября", "декабря"}

// FormatDate prints a date in words: "5 марта 2026 г." in Russian (month
// in the genitive, as documents write it), "5 March 2026" otherwise.
func FormatDate(t time.Time, lang string) string {
	if lang == "ru" {
		return fmt.Sprintf("%d %s %d г.", t.Day(), monthsGenitiveRU[t.Month()-1], t.Year())
	}
	return t.Format("2 January 2006")
}

// CheckTemplates lists the problems of a product's document texts: a
// template for every document kind of the spec, each complete in every
// locale.
func CheckTemplates(spec Spec, templates map[string]ConsultationTemplate) []error {
	var errs []error
	for _, k := range spec.DocumentKinds {
		t, ok := templates[k.Key]
		if !ok {
			errs = append(errs, fmt.Errorf("no texts for document kind %q", k.Key))
			continue
		}
		errs = append(errs, t.Problems()...)
	}
	return errs
}
