package orders_test

import (
	"strings"
	"testing"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/orders/sandbox"
	"github.com/consult/platform/core/platform/i18n"
)

// Every code the checkout answers, every refusal and every status has a
// text in every language, and the texts render with the data they get.
func TestMessages(t *testing.T) {
	b, err := i18n.New(configs.FS)
	if err != nil {
		t.Fatal(err)
	}
	type msg struct {
		id   string
		data map[string]any
	}
	msgs := []msg{
		{orders.RefusalUnknown, nil},
		{orders.RefusalNotStarted, map[string]any{"From": "01.03.2026"}},
		{orders.RefusalExpired, map[string]any{"Until": "31.03.2026"}},
		{orders.RefusalExhausted, nil},
		{orders.RefusalCustomerLimit, map[string]any{"Limit": 2}},
		{orders.RefusalNotApplicable, nil},
		{orders.CodeTooLong, map[string]any{"Max": 100}},
		{orders.CodePromoCodeFormat, map[string]any{"Max": 32}},
		{orders.CodePromoPercentRange, map[string]any{"Min": 1, "Max": 100}},
		{"orders.payment_description", map[string]any{"Number": "260115-123456", "Package": "КЕША +"}},
		{sandbox.CodeCompleted, nil},
		{sandbox.CodeResultInvalid, nil},
		{"orders.sandbox_title", nil}, {"orders.sandbox_notice", nil}, {"orders.sandbox_pay", nil}, {"orders.sandbox_decline", nil},
	}
	for _, s := range orders.Statuses() {
		msgs = append(msgs, msg{"orders.status_" + string(s), nil})
	}
	for _, r := range orders.Refusals() {
		found := false
		for _, m := range msgs {
			found = found || m.id == r
		}
		if !found {
			t.Errorf("refusal %s has no case here", r)
		}
	}
	for _, m := range msgs {
		for _, lang := range i18n.Supported() {
			if !b.Has(lang, m.id) {
				t.Errorf("%s: no text for %s", lang, m.id)
				continue
			}
			text := b.T(lang, m.id, m.data)
			if strings.Contains(text, "<no value>") || strings.Contains(text, "{{") {
				t.Errorf("%s %s renders %q", lang, m.id, text)
			}
			for _, v := range m.data {
				if s, ok := v.(string); ok && !strings.Contains(text, s) {
					t.Errorf("%s %s: %q does not show %q", lang, m.id, text, s)
				}
			}
		}
	}
	for _, tt := range []struct {
		limit int
		want  string
	}{{1, "не больше 1 раза."}, {2, "не больше 2 раз."}, {5, "не больше 5 раз."}, {21, "не больше 21 раза."}} {
		if got := b.T("ru", orders.RefusalCustomerLimit, map[string]any{"Limit": tt.limit}); !strings.HasSuffix(got, tt.want) {
			t.Errorf("limit %d: %q", tt.limit, got)
		}
	}
}
