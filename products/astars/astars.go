// Package astars is the Astars product (astars.online): consultations with
// astrologers, natal charts, monthly forecasts, event-date selection and
// compatibility readings about a person and their birth data. Its data is
// product.yaml beside this file; the Go code adds the rules a schema cannot
// say (a chart needs a birth place, a period must be a period) and the sun
// sign printed in documents.
package astars

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/consult/platform/plugins/sdk"
)

//go:embed product.yaml
var productYAML []byte

// data is product.yaml decoded.
type data struct {
	// SharedFields only hold the YAML anchors the spec reuses.
	SharedFields  map[string]sdk.Field                `yaml:"shared_fields"`
	Spec          sdk.Spec                            `yaml:"spec"`
	Zodiac        []sign                              `yaml:"zodiac"`
	SunSignLabel  sdk.Text                            `yaml:"sun_sign_label"`
	MaxPeriodDays int                                 `yaml:"max_period_days"`
	Documents     map[string]sdk.ConsultationTemplate `yaml:"documents"`
}

// sign is a zodiac sign starting on From ("01-20", month-day).
type sign struct {
	Key   string   `yaml:"key"`
	From  string   `yaml:"from"`
	Title sdk.Text `yaml:"title"`
}

// load decodes the embedded file once: it is compiled in and immutable, so
// every Product shares one copy.
var load = sync.OnceValues(func() (*data, error) {
	var d data
	if err := sdk.DecodeYAML(productYAML, &d); err != nil {
		return nil, fmt.Errorf("astars: product.yaml: %w", err)
	}
	problems := append(d.Spec.Problems(), sdk.CheckTemplates(d.Spec, d.Documents)...)
	problems = append(problems, sdk.CheckText("sun_sign_label", d.SunSignLabel)...)
	if len(d.Zodiac) != 12 {
		problems = append(problems, fmt.Errorf("zodiac: %d signs, want 12", len(d.Zodiac)))
	}
	for i, s := range d.Zodiac {
		if _, err := time.Parse("01-02", s.From); err != nil {
			problems = append(problems, fmt.Errorf("zodiac %s: from %q is not MM-DD", s.Key, s.From))
		}
		if i > 0 && s.From <= d.Zodiac[i-1].From {
			problems = append(problems, fmt.Errorf("zodiac %s: signs out of order", s.Key))
		}
		problems = append(problems, sdk.CheckText("zodiac "+s.Key, s.Title)...)
	}
	if d.MaxPeriodDays <= 0 {
		problems = append(problems, fmt.Errorf("max_period_days must be positive"))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("astars: product.yaml: %v", problems)
	}
	return &d, nil
})

// Product is Astars behind the sdk.Product interface.
type Product struct {
	d *data
}

var _ sdk.Product = (*Product)(nil)

// New returns the Astars product. It panics if the embedded product.yaml is
// invalid — a build defect that this package's tests catch first.
func New() *Product {
	d, err := load()
	if err != nil {
		panic(err)
	}
	return &Product{d: d}
}

// Spec returns the product's spec without a plugin round trip (for data
// loaders that validate offers against the service kinds).
func (p *Product) Spec() sdk.Spec { return p.d.Spec }

// Describe returns the spec.
func (p *Product) Describe(context.Context, sdk.Call) (sdk.Spec, error) { return p.d.Spec, nil }

// ValidateSubject checks a person's birth data: a name, a birth date (not
// in the future, not before 1900), an optional birth time and place.
func (p *Product) ValidateSubject(_ context.Context, call sdk.Call, kind string, fields map[string]any) ([]sdk.Violation, error) {
	return sdk.CheckSubject(p.d.Spec, call, kind, fields), nil
}

// Violation codes of Astars' own rules.
const (
	// CodePeriodInvalid: the period ends before it starts or is longer
	// than allowed (params: max_days).
	CodePeriodInvalid = "requests.period_invalid"
)

// ValidateRequest checks a request with the shared rules and Astars' own:
// a birth place for chart-based readings, and for an event date a period
// that starts no later than it ends and spans at most max_period_days.
func (p *Product) ValidateRequest(_ context.Context, call sdk.Call, req sdk.Request) ([]sdk.Violation, error) {
	vs := sdk.CheckRequest(p.d.Spec, call, req)
	if sdk.HasViolation(vs, "service_kind") {
		return vs, nil
	}
	// A natal chart and a compatibility reading are drawn from the chart's
	// houses, which depend on where the person was born: without the place
	// the astrologer cannot start. The birth time stays optional: a chart
	// without it is drawn for noon (the birth time field's hint says so).
	needsPlace := req.ServiceKind == "natal_chart" || req.ServiceKind == "compatibility"
	if needsPlace && req.SubjectKind == "person" && len(req.Subject) > 0 && !sdk.HasViolation(vs, "subject.birth_place") {
		if v, ok := req.Subject["birth_place"]; !ok || sdk.FormatValue(sdk.Field{Type: sdk.TypePlace}, v, nil, call) == "" {
			vs = append(vs, sdk.Violation{Field: "subject.birth_place", Code: sdk.Code(sdk.ScopeSubjects, sdk.ProblemFieldRequired)})
		}
	}
	if req.ServiceKind == "event_date_selection" && !sdk.HasViolation(vs, "fields.period_from") && !sdk.HasViolation(vs, "fields.period_to") {
		from, _ := req.Fields["period_from"].(string)
		to, _ := req.Fields["period_to"].(string)
		f, ferr := sdk.ParseDate(from, call.Location())
		t, terr := sdk.ParseDate(to, call.Location())
		if ferr == nil && terr == nil && (t.Before(f) || t.Sub(f) > time.Duration(p.d.MaxPeriodDays)*24*time.Hour) {
			vs = append(vs, sdk.Violation{Field: "fields.period_to", Code: CodePeriodInvalid,
				Params: map[string]string{"MaxDays": strconv.Itoa(p.d.MaxPeriodDays)}})
		}
	}
	return vs, nil
}

// RenderDocument builds "Результат консультации астролога": the
// consultation's details, the birth data with the sun sign, the client's
// question, the astrologer's answer and the caveat that astrology is not
// medical, legal or financial advice.
func (p *Product) RenderDocument(_ context.Context, call sdk.Call, in sdk.DocumentInput) (sdk.Document, error) {
	t := p.d.Documents[in.Kind]
	var extra []sdk.Row
	if s, ok := in.Subject["birth_date"].(string); ok {
		if born, err := sdk.ParseDate(s, call.Location()); err == nil {
			extra = append(extra, sdk.Row{Label: p.d.SunSignLabel.In(call.Lang()), Value: p.sunSign(born).Title.In(call.Lang())})
		}
	}
	return t.Render(p.d.Spec, call, in, extra)
}

// sunSign returns the sign whose period holds the date; dates before the
// first sign of the year (Aquarius, 20 January) belong to the last
// (Capricorn, from 22 December).
func (p *Product) sunSign(born time.Time) sign {
	md := born.Format("01-02")
	s := p.d.Zodiac[len(p.d.Zodiac)-1]
	for _, z := range p.d.Zodiac {
		if z.From <= md {
			s = z
		}
	}
	return s
}
