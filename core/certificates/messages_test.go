package certificates_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/platform/i18n"
)

// Every certificates text renders in every language with the fields the
// code gives it: no "<no value>", no raw id, and the number where a
// message delivers it.
func TestTextsRender(t *testing.T) {
	texts, err := i18n.New(configs.FS)
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{
		"Brand": "VetPet", "Number": "K7QM-3XPA-9TRW-C", "Package": "PET 18", "Link": "https://vet-pet.online",
		"Paid": "15.01.2026", "From": "16.01.2026", "Till": "15.02.2026", "Phone": "+7********02",
		"Date": "2026-02-15", "RetryAfter": 125, "Minutes": 3,
	}
	carriesNumber := map[string]bool{
		"certificates.sms_issued": true, "certificates.email_issued_body": true, "certificates.cabinet_issued_body": true,
		"certificates.sms_transferred_to": true, "certificates.sms_transferred_from": true,
		"certificates.cabinet_transferred_body": true,
	}
	n := 0
	for _, lang := range i18n.Supported() {
		for _, id := range texts.IDs(lang) {
			if !strings.HasPrefix(id, "certificates.") {
				continue
			}
			n++
			got := texts.T(lang, id, data)
			if got == id || strings.Contains(got, "<no value>") || strings.Contains(got, "{{") {
				t.Errorf("%s %s: %q", lang, id, got)
			}
			if carriesNumber[id] && !strings.Contains(got, "K7QM-3XPA-9TRW-C") {
				t.Errorf("%s %s lacks the number: %q", lang, id, got)
			}
			// Without a brand or a link (optional in Client) the texts
			// still read, and start with a capital.
			bare := map[string]any{}
			for k, v := range data {
				bare[k] = v
			}
			delete(bare, "Brand")
			delete(bare, "Link")
			got = texts.T(lang, id, bare)
			if first, _ := utf8.DecodeRuneInString(got); strings.Contains(got, "<no value>") || strings.Contains(got, "  ") ||
				!unicode.IsUpper(first) {
				t.Errorf("%s %s without brand and link: %q", lang, id, got)
			}
		}
	}
	if n < 2*20 {
		t.Fatalf("only %d certificates texts", n)
	}
	if got := texts.T("ru", "certificates.too_many_attempts", map[string]any{"Minutes": 21}); !strings.Contains(got, "21 минуту.") {
		t.Errorf("plural: %q", got)
	}
	if got := texts.T("ru", "certificates.too_many_attempts", map[string]any{"Minutes": 3}); !strings.Contains(got, "3 минуты.") {
		t.Errorf("plural: %q", got)
	}
}
