package vetpet_test

import (
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/plugins/plugintest"
	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/products/vetpet"
)

func TestContract(t *testing.T) {
	plugintest.Run(t, vetpet.New())
}

// pet is a valid pet; each case changes one thing.
func pet(edit func(map[string]any)) map[string]any {
	p := map[string]any{
		"species": "dog", "breed": "labrador", "name": "Рекс", "sex": "male",
		"birth_date": "2020-05-01", "weight_kg": 32.5,
	}
	if edit != nil {
		edit(p)
	}
	return p
}

func TestValidateSubject(t *testing.T) {
	remote := plugintest.Connect(t, vetpet.New())
	call := plugintest.Call("ru")
	today := call.Today()
	field := func(code string) string { return sdk.Code(sdk.ScopeSubjects, code) }

	cases := []struct {
		name  string
		pet   map[string]any
		field string // "" when the pet is valid
		code  string
	}{
		{"valid", pet(nil), "", ""},
		{"only species and name", map[string]any{"species": "fish", "name": "Немо"}, "", ""},
		{"weight 0 refused", pet(func(p map[string]any) { p["weight_kg"] = 0.0 }), "weight_kg", field(sdk.ProblemNumberTooSmall)},
		{"weight below 10 g refused", pet(func(p map[string]any) { p["weight_kg"] = 0.009 }), "weight_kg", field(sdk.ProblemNumberTooSmall)},
		{"weight 10 g accepted", pet(func(p map[string]any) { p["weight_kg"] = 0.01 }), "", ""},
		{"weight 150 kg accepted", pet(func(p map[string]any) { p["weight_kg"] = 150.0 }), "", ""},
		{"weight above 150 kg refused", pet(func(p map[string]any) { p["weight_kg"] = 150.01 }), "weight_kg", field(sdk.ProblemNumberTooLarge)},
		{"weight negative refused", pet(func(p map[string]any) { p["weight_kg"] = -3.0 }), "weight_kg", field(sdk.ProblemNumberTooSmall)},
		{"weight with a decimal comma accepted", pet(func(p map[string]any) { p["weight_kg"] = "4,5" }), "", ""},
		{"weight as words refused", pet(func(p map[string]any) { p["weight_kg"] = "четыре" }), "weight_kg", field(sdk.ProblemNumberInvalid)},
		{"name of 50 letters accepted", pet(func(p map[string]any) { p["name"] = strings.Repeat("ы", 50) }), "", ""},
		{"name of 51 letters refused", pet(func(p map[string]any) { p["name"] = strings.Repeat("ы", 51) }), "name", field(sdk.ProblemTooLong)},
		{"name missing", pet(func(p map[string]any) { delete(p, "name") }), "name", field(sdk.ProblemFieldRequired)},
		{"species missing", pet(func(p map[string]any) { delete(p, "species"); delete(p, "breed") }), "species", field(sdk.ProblemFieldRequired)},
		{"species off the list", pet(func(p map[string]any) { p["species"] = "dragon"; delete(p, "breed") }), "species", field(sdk.ProblemOptionUnknown)},
		{"a cat breed for a dog", pet(func(p map[string]any) { p["breed"] = "maine_coon" }), "breed", field(sdk.ProblemOptionUnknown)},
		{"a breed for a ferret (no list)", pet(func(p map[string]any) { p["species"] = "ferret" }), "breed", field(sdk.ProblemOptionUnknown)},
		{"mixed-breed cat", pet(func(p map[string]any) { p["species"], p["breed"] = "cat", "mixed" }), "", ""},
		{"sex off the list", pet(func(p map[string]any) { p["sex"] = "кобель" }), "sex", field(sdk.ProblemOptionUnknown)},
		{"born today", pet(func(p map[string]any) { p["birth_date"] = today.Format(time.DateOnly) }), "", ""},
		{"born tomorrow", pet(func(p map[string]any) { p["birth_date"] = today.AddDate(0, 0, 1).Format(time.DateOnly) }), "birth_date", field(sdk.ProblemDateInFuture)},
		{"born in 1949", pet(func(p map[string]any) { p["birth_date"] = "1949-12-31" }), "birth_date", field(sdk.ProblemDateTooEarly)},
		{"birth date as the guide's dd.mm.yyyy", pet(func(p map[string]any) { p["birth_date"] = "01.05.2020" }), "birth_date", field(sdk.ProblemDateInvalid)},
		{"unknown field", pet(func(p map[string]any) { p["colour"] = "рыжий" }), "colour", field(sdk.ProblemFieldUnknown)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs, err := remote.ValidateSubject(t.Context(), call, "pet", c.pet)
			plugintest.Expect(t, vs, err, c.field, c.code)
		})
	}
}

func TestValidateRequest(t *testing.T) {
	remote := plugintest.Connect(t, vetpet.New())
	call := plugintest.Call("ru") // 2026-06-15 12:00 Moscow
	scan := []sdk.Attachment{{Name: "рентген.JPG", ContentType: "image/jpeg", Size: 2 << 20}}
	at := func(hm string) string { return "2026-06-16T" + hm + ":00+03:00" }

	cases := []struct {
		name  string
		req   sdk.Request
		field string
		code  string
	}{
		{"consultation by phone at an agreed time",
			sdk.Request{ServiceKind: "vet_consultation", SubjectKind: "pet", Subject: pet(nil), Question: "Чем кормить щенка?", PreferredTime: at("10:00")}, "", ""},
		{"opening hour accepted (5.3.1)",
			sdk.Request{ServiceKind: "video_consultation", SubjectKind: "pet", Subject: pet(nil), Question: "Хромает", PreferredTime: at("09:00")}, "", ""},
		{"before opening refused (5.3.1)",
			sdk.Request{ServiceKind: "video_consultation", SubjectKind: "pet", Subject: pet(nil), Question: "Хромает", PreferredTime: at("08:59")},
			"preferred_time", vetpet.CodePreferredTimeOutsideHours},
		{"at closing time refused (5.3.1)",
			sdk.Request{ServiceKind: "vet_consultation", SubjectKind: "pet", Subject: pet(nil), Question: "Кашляет", PreferredTime: at("21:00")},
			"preferred_time", vetpet.CodePreferredTimeOutsideHours},
		{"hours are Moscow hours: 06:30 UTC is 09:30 MSK",
			sdk.Request{ServiceKind: "vet_consultation", SubjectKind: "pet", Subject: pet(nil), Question: "Кашляет", PreferredTime: "2026-06-16T06:30:00Z"}, "", ""},
		{"vet consultation must name a pet",
			sdk.Request{ServiceKind: "vet_consultation", Question: "Чем кормить?"}, "subject", sdk.CodeSubjectRequired},
		{"second opinion without documents (art. 1)",
			sdk.Request{ServiceKind: "second_opinion", SubjectKind: "pet", Subject: pet(nil), Question: "Верен ли диагноз?"}, "attachments", sdk.CodeDocumentsRequired},
		{"second opinion with an X-ray",
			sdk.Request{ServiceKind: "second_opinion", SubjectKind: "pet", Subject: pet(nil), Question: "Верен ли диагноз?", Attachments: scan}, "", ""},
		{"lab results without documents",
			sdk.Request{ServiceKind: "lab_results", SubjectKind: "pet", Subject: pet(nil), Question: "Что значат анализы?"}, "attachments", sdk.CodeDocumentsRequired},
		{"an archive is not an accepted format (9.3)",
			sdk.Request{ServiceKind: "second_opinion", SubjectKind: "pet", Subject: pet(nil), Question: "Диагноз?",
				Attachments: []sdk.Attachment{{Name: "снимки.zip", Size: 1000}}}, "attachments.0", sdk.CodeAttachmentTypeRefused},
		{"owner rights without a pet",
			sdk.Request{ServiceKind: "owner_rights_transport", Question: "Какие документы нужны для вывоза кошки в Турцию?"}, "", ""},
		{"diet selection needs the weight",
			sdk.Request{ServiceKind: "diet_selection", SubjectKind: "pet", Subject: pet(func(p map[string]any) { delete(p, "weight_kg") }), Question: "Подберите рацион"},
			"subject.weight_kg", sdk.Code(sdk.ScopeSubjects, sdk.ProblemFieldRequired)},
		{"diet selection with the weight",
			sdk.Request{ServiceKind: "diet_selection", SubjectKind: "pet", Subject: pet(nil), Question: "Подберите рацион"}, "", ""},
		{"a pet with a bad weight inside a request",
			sdk.Request{ServiceKind: "vet_consultation", SubjectKind: "pet", Subject: pet(func(p map[string]any) { p["weight_kg"] = 0.0 }), Question: "?"},
			"subject.weight_kg", sdk.Code(sdk.ScopeSubjects, sdk.ProblemNumberTooSmall)},
		{"an Astars service kind is unknown here",
			sdk.Request{ServiceKind: "natal_chart", Question: "?"}, "service_kind", sdk.CodeServiceKindUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs, err := remote.ValidateRequest(t.Context(), call, c.req)
			plugintest.Expect(t, vs, err, c.field, c.code)
		})
	}
}

func TestDocumentShowsAge(t *testing.T) {
	cases := []struct {
		born, lang, want string
	}{
		{"2025-06-10", "ru", "1 год"},
		{"2024-06-10", "ru", "2 года"},
		{"2021-06-10", "ru", "5 лет"},
		{"2015-06-10", "ru", "11 лет"},
		{"2005-06-10", "ru", "21 год"},
		{"2024-03-20", "ru", "2 года 2 месяца"},
		{"2025-11-16", "ru", "6 месяцев"},
		{"2026-06-01", "ru", "меньше месяца"},
		{"2025-06-10", "en", "1 year"},
		{"2024-04-10", "en", "2 years 2 months"},
		{"2026-05-10", "en", "1 month"},
	}
	p := vetpet.New()
	for _, c := range cases {
		t.Run(c.lang+"/"+c.born, func(t *testing.T) {
			doc, err := p.RenderDocument(t.Context(), plugintest.Call(c.lang), sdk.DocumentInput{
				Kind: sdk.DocKindConsultationResult, ServiceKind: "vet_consultation",
				Specialist: "Врач", Customer: "Клиент", Answer: "Ответ",
				SubjectKind: "pet", Subject: pet(func(p map[string]any) { p["birth_date"] = c.born }),
				Date: time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC),
			})
			if err != nil {
				t.Fatal(err)
			}
			var got string
			for _, r := range doc.Sections[1].Rows {
				if r.Label == "Возраст" || r.Label == "Age" {
					got = r.Value
				}
			}
			if got != c.want {
				t.Errorf("age %q, want %q", got, c.want)
			}
		})
	}
}
