package web_test

import (
	"html"
	"strings"
	"testing"
)

// page GETs a page with the signed-in cookie (or none) and returns the text.
func (e *env) page(t *testing.T, host, path string, s *signedIn) (int, string) {
	t.Helper()
	var h []string
	if s != nil {
		h = []string{"Cookie", s.cookie}
	}
	r := e.do(t, "GET", host, path, h...)
	return r.status, html.UnescapeString(string(r.body))
}

func TestShopPages(t *testing.T) {
	e := newEnv(t)
	const host = "vetpet.localhost"
	anna := e.login(t, host, "+79991234567")
	bob := e.login(t, host, "+79997654321")
	cert := e.issue(t, "order-p", "+79991234567")
	if r := e.call(t, "POST", host, "/api/v1/certificates/activate", `{"number":"`+cert.Number+`"}`, "Authorization", "Bearer "+anna.token); r.status != 200 {
		t.Fatalf("activate = %d %s", r.status, r.body)
	}
	tests := []struct {
		name, path string
		who        *signedIn
		status     int
		want       []string
		absent     []string
	}{
		{"home links every package to its checkout", "/", nil, 200,
			[]string{`href="/checkout?offer=retail&package=diet_consultation"`, "Заказать"}, nil},
		{"checkout of a guest", "/checkout?offer=retail&package=diet_consultation", nil, 200,
			[]string{"Оформление заказа", "Онлайн-консультация диетолога", "549\u00a0₽", `name="consent"`, "Есть промокод?",
				"Мне нужен чек", `href="/legal/offer"`, "/login?next="}, []string{"shop.checkout", "shop.consent", "shop.pay"}},
		{"checkout fills in the signed-in customer", "/checkout?offer=retail&package=diet_consultation", &anna, 200,
			[]string{`value="+79991234567"`}, []string{"/login?next="}},
		{"checkout of an unknown package", "/checkout?offer=retail&package=nope", nil, 404, nil, nil},
		{"checkout of an offer another site sells", "/checkout?offer=jetmoney_subscription&package=PET18", nil, 404, nil, nil},
		{"my services need a session", "/my/services", nil, 303, nil, nil},
		{"my services with a package", "/my/services", &anna, 200,
			[]string{cert.Number, cert.PackageTitle, "Осталось", "Индивидуальный подбор питания", "Передать другому человеку", "Действует"}, []string{"Вы ещё не приобрели"}},
		{"my services, empty", "/my/services", &bob, 200,
			[]string{"Вы ещё не приобрели ни одной услуги.", `href="/#services"`, "Приобрести пакет"}, []string{cert.Number}},
		{"activation page fills the number from the link", "/activate?number=" + cert.Number, &bob, 200,
			[]string{"Активация сертификата", `value="` + cert.Number + `"`}, nil},
		{"an unknown order", "/orders/01900000-0000-7000-8000-000000000000", nil, 404, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.page(t, host, tt.path, tt.who)
			if status != tt.status {
				t.Fatalf("status = %d, want %d", status, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, a := range tt.absent {
				if i := strings.Index(body, a); i >= 0 {
					t.Errorf("page shows %q: …%s…", a, body[max(0, i-80):min(len(body), i+40)])
				}
			}
		})
	}
	t.Run("the order page after placing", func(t *testing.T) {
		r := e.call(t, "POST", host, "/api/v1/orders", orderBody+`}`)
		id := decode[struct{ ID string }](t, r).ID
		status, body := e.page(t, host, "/orders/"+id, nil)
		if status != 200 || !strings.Contains(body, "Ожидает оплаты") || !strings.Contains(body, `data-waiting="true"`) {
			t.Fatalf("order page = %d %s", status, body)
		}
	})
}
