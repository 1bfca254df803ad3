package astars_test

import (
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/plugins/plugintest"
	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/products/astars"
)

func TestContract(t *testing.T) {
	plugintest.Run(t, astars.New())
}

// person is valid birth data; each case changes one thing.
func person(edit func(map[string]any)) map[string]any {
	p := map[string]any{"name": "Анна", "birth_date": "1990-11-05", "birth_time": "07:15", "birth_place": "Казань"}
	if edit != nil {
		edit(p)
	}
	return p
}

func TestValidateSubject(t *testing.T) {
	remote := plugintest.Connect(t, astars.New())
	call := plugintest.Call("ru")
	today := call.Today()
	field := func(code string) string { return sdk.Code(sdk.ScopeSubjects, code) }

	cases := []struct {
		name   string
		person map[string]any
		field  string
		code   string
	}{
		{"valid", person(nil), "", ""},
		{"without time and place (seed 002: optional)", map[string]any{"name": "Анна", "birth_date": "1990-11-05"}, "", ""},
		{"place resolved to coordinates", person(func(p map[string]any) {
			p["birth_place"] = map[string]any{"name": "Казань", "lat": 55.79, "lon": 49.12}
		}), "", ""},
		{"latitude out of range", person(func(p map[string]any) {
			p["birth_place"] = map[string]any{"name": "Казань", "lat": 95.0, "lon": 49.12}
		}), "birth_place", field(sdk.ProblemValueInvalid)},
		{"place object without a name", person(func(p map[string]any) {
			p["birth_place"] = map[string]any{"lat": 55.79, "lon": 49.12}
		}), "birth_place", field(sdk.ProblemValueInvalid)},
		{"birth date required (seed 002)", person(func(p map[string]any) { delete(p, "birth_date") }), "birth_date", field(sdk.ProblemFieldRequired)},
		{"born today", person(func(p map[string]any) { p["birth_date"] = today.Format(time.DateOnly) }), "", ""},
		{"born tomorrow", person(func(p map[string]any) { p["birth_date"] = today.AddDate(0, 0, 1).Format(time.DateOnly) }), "birth_date", field(sdk.ProblemDateInFuture)},
		{"born 1900-01-01", person(func(p map[string]any) { p["birth_date"] = "1900-01-01" }), "", ""},
		{"born 1899-12-31", person(func(p map[string]any) { p["birth_date"] = "1899-12-31" }), "birth_date", field(sdk.ProblemDateTooEarly)},
		{"birth time 23:59", person(func(p map[string]any) { p["birth_time"] = "23:59" }), "", ""},
		{"birth time 24:00", person(func(p map[string]any) { p["birth_time"] = "24:00" }), "birth_time", field(sdk.ProblemTimeInvalid)},
		{"name of 100 letters", person(func(p map[string]any) { p["name"] = strings.Repeat("ж", 100) }), "", ""},
		{"name of 101 letters", person(func(p map[string]any) { p["name"] = strings.Repeat("ж", 101) }), "name", field(sdk.ProblemTooLong)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs, err := remote.ValidateSubject(t.Context(), call, "person", c.person)
			plugintest.Expect(t, vs, err, c.field, c.code)
		})
	}
}

func TestValidateRequest(t *testing.T) {
	remote := plugintest.Connect(t, astars.New())
	call := plugintest.Call("ru") // 2026-06-15
	period := func(from, to string) map[string]any {
		return map[string]any{"event_type": "wedding", "period_from": from, "period_to": to}
	}
	partner := map[string]any{"partner_name": "Иван", "partner_birth_date": "1988-02-29"}

	cases := []struct {
		name  string
		req   sdk.Request
		field string
		code  string
	}{
		{"natal chart",
			sdk.Request{ServiceKind: "natal_chart", SubjectKind: "person", Subject: person(nil), Question: "Мои сильные стороны?"}, "", ""},
		{"natal chart without birth time: drawn for noon",
			sdk.Request{ServiceKind: "natal_chart", SubjectKind: "person", Subject: person(func(p map[string]any) { delete(p, "birth_time") }), Question: "?"}, "", ""},
		{"natal chart without birth place",
			sdk.Request{ServiceKind: "natal_chart", SubjectKind: "person", Subject: person(func(p map[string]any) { delete(p, "birth_place") }), Question: "?"},
			"subject.birth_place", sdk.Code(sdk.ScopeSubjects, sdk.ProblemFieldRequired)},
		{"written consultation without birth place",
			sdk.Request{ServiceKind: "written_consultation", SubjectKind: "person", Subject: person(func(p map[string]any) { delete(p, "birth_place") }), Question: "?"}, "", ""},
		{"a pet is not an Astars subject",
			sdk.Request{ServiceKind: "natal_chart", SubjectKind: "pet", Subject: map[string]any{"name": "Мурка"}, Question: "?"},
			"subject_kind", sdk.CodeSubjectKindMismatch},
		{"event date within a week",
			sdk.Request{ServiceKind: "event_date_selection", SubjectKind: "person", Subject: person(nil), Question: "?", Fields: period("2026-07-01", "2026-07-07")}, "", ""},
		{"event date on one day",
			sdk.Request{ServiceKind: "event_date_selection", SubjectKind: "person", Subject: person(nil), Question: "?", Fields: period("2026-07-01", "2026-07-01")}, "", ""},
		{"period ends before it starts",
			sdk.Request{ServiceKind: "event_date_selection", SubjectKind: "person", Subject: person(nil), Question: "?", Fields: period("2026-07-07", "2026-07-01")},
			"fields.period_to", astars.CodePeriodInvalid},
		{"period of 366 days",
			sdk.Request{ServiceKind: "event_date_selection", SubjectKind: "person", Subject: person(nil), Question: "?", Fields: period("2026-07-01", "2027-07-02")}, "", ""},
		{"period of 367 days",
			sdk.Request{ServiceKind: "event_date_selection", SubjectKind: "person", Subject: person(nil), Question: "?", Fields: period("2026-07-01", "2027-07-03")},
			"fields.period_to", astars.CodePeriodInvalid},
		{"compatibility with a partner",
			sdk.Request{ServiceKind: "compatibility", SubjectKind: "person", Subject: person(nil), Question: "?", Fields: partner}, "", ""},
		{"compatibility without the partner's birth date",
			sdk.Request{ServiceKind: "compatibility", SubjectKind: "person", Subject: person(nil), Question: "?", Fields: map[string]any{"partner_name": "Иван"}},
			"fields.partner_birth_date", sdk.Code(sdk.ScopeRequests, sdk.ProblemFieldRequired)},
		{"audio consultation needs birth data",
			sdk.Request{ServiceKind: "audio_consultation", Question: "?"}, "subject", sdk.CodeSubjectRequired},
		{"a VetPet service kind is unknown here",
			sdk.Request{ServiceKind: "second_opinion", Question: "?"}, "service_kind", sdk.CodeServiceKindUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs, err := remote.ValidateRequest(t.Context(), call, c.req)
			plugintest.Expect(t, vs, err, c.field, c.code)
		})
	}
}

func TestDocumentShowsSunSign(t *testing.T) {
	cases := []struct{ born, lang, want string }{
		{"1990-01-01", "ru", "Козерог"},
		{"1990-01-19", "ru", "Козерог"},
		{"1990-01-20", "ru", "Водолей"},
		{"1990-03-20", "ru", "Рыбы"},
		{"1990-03-21", "ru", "Овен"},
		{"1990-11-05", "ru", "Скорпион"},
		{"1990-12-21", "ru", "Стрелец"},
		{"1990-12-22", "en", "Capricorn"},
		{"1988-02-29", "en", "Pisces"},
	}
	p := astars.New()
	for _, c := range cases {
		t.Run(c.born, func(t *testing.T) {
			doc, err := p.RenderDocument(t.Context(), plugintest.Call(c.lang), sdk.DocumentInput{
				Kind: sdk.DocKindConsultationResult, ServiceKind: "natal_chart",
				Specialist: "София", Customer: "Анна", Answer: "Ответ",
				SubjectKind: "person", Subject: person(func(p map[string]any) { p["birth_date"] = c.born }),
				Date: time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC),
			})
			if err != nil {
				t.Fatal(err)
			}
			rows := doc.Sections[1].Rows
			if got := rows[len(rows)-1].Value; got != c.want {
				t.Errorf("sun sign %q, want %q", got, c.want)
			}
		})
	}
}
