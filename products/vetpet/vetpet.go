// Package vetpet is the VetPet product (vet-pet.online): online veterinary
// consultations, video consultations and second opinions about a
// customer's pets. Its data — service kinds, the pet's form with species
// and breeds, document texts — is product.yaml beside this file; the Go
// code adds the rules a schema cannot say and the document's extras.
package vetpet

import (
	"context"
	_ "embed"
	"fmt"
	"sync"
	"time"

	"github.com/consult/platform/plugins/sdk"
)

//go:embed product.yaml
var productYAML []byte

// data is product.yaml decoded.
type data struct {
	Spec         sdk.Spec                            `yaml:"spec"`
	ServiceHours serviceHours                        `yaml:"service_hours"`
	Documents    map[string]sdk.ConsultationTemplate `yaml:"documents"`
	AgeLabel     sdk.Text                            `yaml:"age_label"`
}

// serviceHours are the daily hours a specialist calls in (offer 003, 5.3.1).
type serviceHours struct {
	From string `yaml:"from"` // "09:00"
	To   string `yaml:"to"`   // "21:00"
	Zone string `yaml:"zone"` // IANA zone the hours are in
	loc  *time.Location
}

// load decodes the embedded file once: it is compiled in and immutable, so
// every Product shares one copy.
var load = sync.OnceValues(func() (*data, error) {
	var d data
	if err := sdk.DecodeYAML(productYAML, &d); err != nil {
		return nil, fmt.Errorf("vetpet: product.yaml: %w", err)
	}
	problems := append(d.Spec.Problems(), sdk.CheckTemplates(d.Spec, d.Documents)...)
	problems = append(problems, sdk.CheckText("age_label", d.AgeLabel)...)
	loc, err := time.LoadLocation(d.ServiceHours.Zone)
	if err != nil {
		problems = append(problems, fmt.Errorf("service_hours zone: %w", err))
	}
	d.ServiceHours.loc = loc
	for _, hm := range []string{d.ServiceHours.From, d.ServiceHours.To} {
		if _, err := time.Parse("15:04", hm); err != nil {
			problems = append(problems, fmt.Errorf("service_hours: %q is not HH:MM", hm))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("vetpet: product.yaml: %v", problems)
	}
	return &d, nil
})

// Product is VetPet behind the sdk.Product interface.
type Product struct {
	d *data
}

var _ sdk.Product = (*Product)(nil)

// New returns the VetPet product. It panics if the embedded product.yaml is
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

// ValidateSubject checks a pet's fields: species from the list, a breed of
// that species, a name, and optional sex, birth date (not in the future)
// and weight (10 g – 150 kg).
func (p *Product) ValidateSubject(_ context.Context, call sdk.Call, kind string, fields map[string]any) ([]sdk.Violation, error) {
	return sdk.CheckSubject(p.d.Spec, call, kind, fields), nil
}

// ValidateRequest checks a request with the shared rules and VetPet's own:
//   - a preferred contact time falls within service hours, 09:00–21:00
//     Moscow (offer 003, 5.3.1: services are rendered daily in those hours
//     at a time agreed with the specialist);
//   - a diet selection names the pet's weight: a ration is calculated per
//     kilogram of body weight, the specialist cannot start without it.
func (p *Product) ValidateRequest(_ context.Context, call sdk.Call, req sdk.Request) ([]sdk.Violation, error) {
	vs := sdk.CheckRequest(p.d.Spec, call, req)
	if sdk.HasViolation(vs, "service_kind") {
		return vs, nil
	}
	if req.ServiceKind == "diet_selection" && req.SubjectKind == "pet" && len(req.Subject) > 0 &&
		!sdk.HasViolation(vs, "subject.weight_kg") {
		if _, ok := sdk.Number(req.Subject["weight_kg"]); !ok {
			vs = append(vs, sdk.Violation{Field: "subject.weight_kg", Code: sdk.Code(sdk.ScopeSubjects, sdk.ProblemFieldRequired)})
		}
	}
	if req.PreferredTime != "" && !sdk.HasViolation(vs, "preferred_time") {
		t, _ := time.Parse(time.RFC3339, req.PreferredTime) // parsed by CheckRequest already
		if h := p.d.ServiceHours; !h.contains(t) {
			vs = append(vs, sdk.Violation{Field: "preferred_time", Code: CodePreferredTimeOutsideHours,
				Params: map[string]string{"From": h.From, "To": h.To}})
		}
	}
	return vs, nil
}

// CodePreferredTimeOutsideHours refuses a contact time outside 09:00–21:00
// Moscow (params: from, to).
const CodePreferredTimeOutsideHours = "requests.preferred_time_outside_hours"

// contains reports whether t falls in [From, To) in the hours' zone: a
// consultation must start before closing time.
func (h serviceHours) contains(t time.Time) bool {
	hm := t.In(h.loc).Format("15:04")
	return hm >= h.From && hm < h.To
}

// RenderDocument builds "Заключение ветеринарного специалиста": the
// consultation's details, the patient with its age on the day of the
// consultation, the owner's question, the specialist's conclusion and the
// caveat that a remote consultation does not replace an examination.
func (p *Product) RenderDocument(_ context.Context, call sdk.Call, in sdk.DocumentInput) (sdk.Document, error) {
	t := p.d.Documents[in.Kind]
	var extra []sdk.Row
	if s, ok := in.Subject["birth_date"].(string); ok {
		if born, err := sdk.ParseDate(s, call.Location()); err == nil && !in.Date.IsZero() {
			if age := formatAge(born, in.Date.In(call.Location()), call.Lang()); age != "" {
				extra = append(extra, sdk.Row{Label: p.d.AgeLabel.In(call.Lang()), Value: age})
			}
		}
	}
	return t.Render(p.d.Spec, call, in, extra)
}
