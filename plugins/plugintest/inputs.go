package plugintest

import (
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/plugins/sdk"
)

// Sample returns a valid value for every field of a form, optional ones
// included, relative to call's date: the fullest valid input.
func Sample(fields []sdk.Field, call sdk.Call) map[string]any {
	values := map[string]any{}
	for _, f := range fields {
		if v, ok := sampleValue(f, values, call); ok {
			values[f.Key] = v
		}
	}
	return values
}

func sampleValue(f sdk.Field, values map[string]any, call sdk.Call) (any, bool) {
	today := call.Today()
	switch f.Type {
	case sdk.TypeString, sdk.TypeText:
		s := "Тест"
		if f.Type == sdk.TypeText {
			s = "Проверочный текст"
		}
		for len([]rune(s)) < f.MinLen {
			s += "т"
		}
		if f.MaxLen > 0 && len([]rune(s)) > f.MaxLen {
			s = string([]rune(s)[:f.MaxLen])
		}
		return s, true
	case sdk.TypePlace:
		return "Москва", true
	case sdk.TypeEnum:
		opts, ok := f.Choices(values)
		if !ok || len(opts) == 0 {
			return nil, false // e.g. no breeds listed for the species
		}
		return opts[0].Key, true
	case sdk.TypeDate:
		d := today
		switch {
		case f.NotPast:
			d = today.AddDate(0, 0, 30)
		case f.NotFuture:
			d = today.AddDate(-5, 0, 0)
		}
		if earliest, err := sdk.ParseDate(f.MinDate, call.Location()); err == nil && d.Before(earliest) {
			d = earliest
		}
		return d.Format(time.DateOnly), true
	case sdk.TypeTime:
		return "12:30", true
	case sdk.TypeNumber:
		switch {
		case f.Min != nil && f.Max != nil:
			return (*f.Min + *f.Max) / 2, true
		case f.Min != nil:
			return *f.Min + 1, true
		case f.Max != nil:
			return *f.Max - 1, true
		}
		return 1.0, true
	}
	return nil, false
}

// fieldCase is one bad value of a field and the problem it must raise.
type fieldCase struct {
	name    string
	key     string
	value   any
	remove  bool
	problem string
}

// badValues derives, from a form's schema, one wrong input per rule: each
// required field missing, each enum off its list, each bound crossed by
// one, malformed dates, times and numbers, and an unknown field.
func badValues(fields []sdk.Field, call sdk.Call) []fieldCase {
	today := call.Today()
	var cs []fieldCase
	add := func(f sdk.Field, name string, v any, problem string) {
		cs = append(cs, fieldCase{name: f.Key + "/" + name, key: f.Key, value: v, problem: problem})
	}
	for _, f := range fields {
		if f.Required {
			cs = append(cs, fieldCase{name: f.Key + "/missing", key: f.Key, remove: true, problem: sdk.ProblemFieldRequired})
			add(f, "blank", "   ", sdk.ProblemFieldRequired)
		}
		switch f.Type {
		case sdk.TypeString, sdk.TypeText, sdk.TypePlace:
			if f.MaxLen > 0 {
				add(f, "too long", strings.Repeat("я", f.MaxLen+1), sdk.ProblemTooLong)
			}
			if f.Type != sdk.TypePlace {
				add(f, "not a string", 42.0, sdk.ProblemValueInvalid)
			}
		case sdk.TypeEnum:
			add(f, "unknown option", "no_such_option", sdk.ProblemOptionUnknown)
		case sdk.TypeDate:
			add(f, "malformed", "31.12.2020", sdk.ProblemDateInvalid)
			if f.NotFuture {
				add(f, "tomorrow", today.AddDate(0, 0, 1).Format(time.DateOnly), sdk.ProblemDateInFuture)
			}
			if f.NotPast {
				add(f, "yesterday", today.AddDate(0, 0, -1).Format(time.DateOnly), sdk.ProblemDateInPast)
			}
			if earliest, err := sdk.ParseDate(f.MinDate, call.Location()); err == nil {
				add(f, "before min", earliest.AddDate(0, 0, -1).Format(time.DateOnly), sdk.ProblemDateTooEarly)
			}
		case sdk.TypeTime:
			add(f, "malformed", "25:61", sdk.ProblemTimeInvalid)
		case sdk.TypeNumber:
			add(f, "not a number", "много", sdk.ProblemNumberInvalid)
			if f.Min != nil {
				add(f, "below min", *f.Min-max(1, abs(*f.Min)), sdk.ProblemNumberTooSmall)
			}
			if f.Max != nil {
				add(f, "above max", *f.Max+max(1, abs(*f.Max)/100), sdk.ProblemNumberTooLarge)
			}
		}
	}
	cs = append(cs, fieldCase{name: "unknown field", key: "no_such_field", value: "x", problem: sdk.ProblemFieldUnknown})
	return cs
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// apply returns a copy of values with c applied.
func (c fieldCase) apply(values map[string]any) map[string]any {
	out := make(map[string]any, len(values)+1)
	for k, v := range values {
		out[k] = v
	}
	if c.remove {
		delete(out, c.key)
	} else {
		out[c.key] = c.value
	}
	return out
}

func checkSubjects(t *testing.T, remote sdk.Product, spec sdk.Spec) {
	call := Call("ru")
	t.Run("unknown kind", func(t *testing.T) {
		vs, err := remote.ValidateSubject(t.Context(), call, "no_such_kind", map[string]any{"name": "x"})
		expectOnly(t, vs, err, want{"kind", sdk.CodeSubjectKindUnknown})
	})
	for _, sk := range spec.SubjectKinds {
		good := Sample(sk.Fields, call)
		t.Run(sk.Key+"/valid", func(t *testing.T) {
			vs, err := remote.ValidateSubject(t.Context(), call, sk.Key, good)
			expectNone(t, vs, err)
		})
		t.Run(sk.Key+"/only required", func(t *testing.T) {
			req := map[string]any{}
			for _, f := range sk.Fields {
				if f.Required {
					req[f.Key] = good[f.Key]
				}
			}
			vs, err := remote.ValidateSubject(t.Context(), call, sk.Key, req)
			expectNone(t, vs, err)
		})
		for _, c := range badValues(sk.Fields, call) {
			t.Run(sk.Key+"/"+c.name, func(t *testing.T) {
				vs, err := remote.ValidateSubject(t.Context(), call, sk.Key, c.apply(good))
				expectOnly(t, vs, err, want{c.key, sdk.Code(sdk.ScopeSubjects, c.problem)})
			})
		}
	}
}

// goodRequest is the fullest valid request for kind.
func goodRequest(spec sdk.Spec, kind sdk.ServiceKind, call sdk.Call) sdk.Request {
	r := sdk.Request{
		ServiceKind: kind.Key,
		Question:    "Вопрос для проверки контракта продукта.",
		Fields:      Sample(kind.Fields, call),
	}
	if len(kind.Fields) == 0 {
		r.Fields = nil
	}
	if sk, ok := spec.SubjectKind(kind.SubjectKind); ok {
		r.SubjectKind, r.Subject = sk.Key, Sample(sk.Fields, call)
	}
	if a := spec.Attachments; len(a.Extensions) > 0 {
		r.Attachments = []sdk.Attachment{{Name: "document." + a.Extensions[0], ContentType: "application/octet-stream", Size: min(1024, a.MaxSize)}}
	}
	return r
}

func checkRequests(t *testing.T, remote sdk.Product, spec sdk.Spec) {
	call := Call("ru")
	t.Run("unknown service kind", func(t *testing.T) {
		r := goodRequest(spec, spec.ServiceKinds[0], call)
		r.ServiceKind = "no_such_service"
		vs, err := remote.ValidateRequest(t.Context(), call, r)
		expectOnly(t, vs, err, want{"service_kind", sdk.CodeServiceKindUnknown})
	})
	for _, kind := range spec.ServiceKinds {
		good := goodRequest(spec, kind, call)
		t.Run(kind.Key+"/valid", func(t *testing.T) {
			vs, err := remote.ValidateRequest(t.Context(), call, good)
			expectNone(t, vs, err)
		})
		type requestCase struct {
			name string
			edit func(*sdk.Request)
			want want
		}
		cases := []requestCase{
			{"no question", func(r *sdk.Request) { r.Question = " \n " }, want{"question", sdk.CodeQuestionRequired}},
			{"question too long", func(r *sdk.Request) { r.Question = strings.Repeat("в", sdk.QuestionMaxLen+1) },
				want{"question", sdk.CodeQuestionTooLong}},
			{"preferred time malformed", func(r *sdk.Request) { r.PreferredTime = "завтра в обед" },
				want{"preferred_time", sdk.CodePreferredTimeInvalid}},
			{"preferred time past", func(r *sdk.Request) { r.PreferredTime = now().Add(-time.Hour).Format(time.RFC3339) },
				want{"preferred_time", sdk.CodePreferredTimePast}},
		}
		if kind.NeedsSubject {
			cases = append(cases, requestCase{"no subject", func(r *sdk.Request) { r.SubjectKind, r.Subject = "", nil },
				want{"subject", sdk.CodeSubjectRequired}})
		}
		if kind.SubjectKind != "" {
			cases = append(cases, requestCase{"subject of another kind", func(r *sdk.Request) { r.SubjectKind = "no_such_kind" },
				want{"subject_kind", sdk.CodeSubjectKindMismatch}})
			sk, _ := spec.SubjectKind(kind.SubjectKind)
			for _, f := range sk.Fields {
				if f.Required {
					cases = append(cases, requestCase{"subject without " + f.Key, func(r *sdk.Request) { delete(r.Subject, f.Key) },
						want{"subject." + f.Key, sdk.Code(sdk.ScopeSubjects, sdk.ProblemFieldRequired)}})
				}
			}
		}
		if kind.NeedsDocuments {
			cases = append(cases, requestCase{"no documents", func(r *sdk.Request) { r.Attachments = nil },
				want{"attachments", sdk.CodeDocumentsRequired}})
		}
		if a := spec.Attachments; len(a.Extensions) > 0 {
			cases = append(cases,
				requestCase{"attachment of a refused type", func(r *sdk.Request) { r.Attachments[0].Name = "setup.exe" },
					want{"attachments.0", sdk.CodeAttachmentTypeRefused}},
				requestCase{"attachment too large", func(r *sdk.Request) { r.Attachments[0].Size = a.MaxSize + 1 },
					want{"attachments.0", sdk.CodeAttachmentTooLarge}},
				requestCase{"empty attachment", func(r *sdk.Request) { r.Attachments[0].Size = 0 },
					want{"attachments.0", sdk.CodeAttachmentInvalid}},
				requestCase{"too many attachments", func(r *sdk.Request) {
					for len(r.Attachments) <= a.MaxFiles {
						r.Attachments = append(r.Attachments, r.Attachments[0])
					}
				}, want{"attachments", sdk.CodeTooManyAttachments}},
			)
		}
		for _, c := range badValues(kind.Fields, call) {
			cases = append(cases, requestCase{"field " + c.name, func(r *sdk.Request) { r.Fields = c.apply(r.Fields) },
				want{"fields." + c.key, sdk.Code(sdk.ScopeRequests, c.problem)}})
		}
		for _, c := range cases {
			t.Run(kind.Key+"/"+c.name, func(t *testing.T) {
				r := goodRequest(spec, kind, call)
				c.edit(&r)
				vs, err := remote.ValidateRequest(t.Context(), call, r)
				expectOnly(t, vs, err, c.want)
			})
		}
	}
}

// now is the business instant of every contract call: inputs are built
// relative to it, so the suite does not depend on the day it runs.
func now() time.Time {
	return time.Date(2026, time.June, 15, 12, 0, 0, 0, time.FixedZone("MSK", 3*3600))
}
