package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/consult/platform/core/platform/dbtest"
)

// signInByPhone signs phone in through the login page, reading the code
// from the dev outbox, and lands on next, waiting for landed (a selector of
// that page: polling across a navigation fails).
func signInByPhone(p page, s *server, base, host, phone, next, landed string) {
	p.t.Helper()
	p.do(
		chromedp.Navigate(base+"/login?lang=ru&next="+next),
		chromedp.WaitVisible(chromedp.CSS(`[data-form="phone-start"] [name="phone"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-form="phone-start"] [name="phone"]`), strings.TrimPrefix(phone, "+7")),
		chromedp.Click(chromedp.CSS(`[data-form="phone-start"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-form="phone-verify"] [name="code"]`)),
	)
	code := codeIn(p.t, outboxText(p.t, s, host, phone, "auth.login_code"))
	p.do(
		chromedp.SendKeys(chromedp.CSS(`[data-form="phone-verify"] [name="code"]`), code),
		chromedp.Click(chromedp.CSS(`[data-form="phone-verify"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(landed)),
	)
}

// TestBrowserBuy is issue 4's path in a real browser: a new customer goes
// from the home page to a paid certificate in «Мои услуги» — sign in, pick
// a package, try a promo code that does not exist and see why, try to pay
// without the consent and be stopped, pay in the sandbox bank, watch the
// order page turn paid, and find the package with what is left of it.
func TestBrowserBuy(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, dbtest.URL(t))
	port := s.addr[strings.LastIndexByte(s.addr, ':')+1:]
	const host = "vetpet.localhost"
	base := "http://" + host + ":" + port
	p := page{t, ctx}

	t.Run("empty «Мои услуги» links to the catalogue", func(t *testing.T) {
		signInByPhone(p, s, base, host, "+79991234567", "/my/services", `[data-page="services"]`)
		p.do(chromedp.WaitVisible(chromedp.CSS(`[data-empty] a[href="/#services"]`)))
	})

	t.Run("from the home page to the checkout", func(t *testing.T) {
		p.do(
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(chromedp.CSS(`a[data-order="diet_consultation"]`)),
			chromedp.Click(chromedp.CSS(`a[data-order="diet_consultation"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="checkout"]`)),
		)
		p.poll(`document.querySelector('[data-form="checkout"] [name="phone"]').value === "+79991234567"`)
		if total := p.text(`[data-total]`); !strings.Contains(total, "549") {
			t.Fatalf("checkout total %q", total)
		}
	})

	t.Run("an unknown promo code says why", func(t *testing.T) {
		p.do(
			chromedp.Click(chromedp.CSS(`[data-action="show-promo"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[name="promo_code"]`)),
			chromedp.SendKeys(chromedp.CSS(`[name="promo_code"]`), "NOSUCHCODE"),
			chromedp.Click(chromedp.CSS(`[data-action="apply-promo"]`)),
		)
		p.poll(`document.querySelector("[data-promo-note]").textContent.includes("Такого промокода нет")`)
		p.do(chromedp.Click(chromedp.CSS(`[data-action="show-promo"]`))) // close it: order without a code
	})

	t.Run("without the consent there is no payment", func(t *testing.T) {
		p.do(
			chromedp.SendKeys(chromedp.CSS(`[data-form="checkout"] [name="first_name"]`), "Анна"),
			chromedp.SendKeys(chromedp.CSS(`[data-form="checkout"] [name="surname"]`), "Петрова"),
			chromedp.Click(chromedp.CSS(`[data-form="checkout"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="checkout"] .field-error`)),
		)
		if msg := p.text(`[data-form="checkout"] .field-error`); !strings.Contains(msg, "согласия") {
			t.Fatalf("the field error %q does not name the consent", msg)
		}
		if path := eval[string](p, `location.pathname`); path != "/checkout" {
			t.Fatalf("left the checkout for %s", path)
		}
	})

	t.Run("pay in the sandbox bank", func(t *testing.T) {
		p.do(
			chromedp.Click(chromedp.CSS(`[data-form="checkout"] [name="consent"]`)),
			chromedp.Click(chromedp.CSS(`[data-form="checkout"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-page="sandbox"] button[value="succeeded"]`)),
		)
		if amount := p.text(`[data-page="sandbox"] .price`); !strings.Contains(amount, "549") {
			t.Fatalf("the bank asks for %q", amount)
		}
		p.do(chromedp.Click(chromedp.CSS(`[data-page="sandbox"] button[value="succeeded"]`)))
		p.do(chromedp.WaitVisible(chromedp.CSS(`[data-page="order"]`)))
		p.poll(`document.querySelector("[data-status]").dataset.status === "paid"`)
		p.do(
			chromedp.WaitVisible(chromedp.CSS(`[data-when="paid"] a[href="/my/services"]`)),
			chromedp.Click(chromedp.CSS(`[data-when="paid"] a[href="/my/services"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-certificate]`)),
		)
	})

	// Paid on 15 January (the server's clock): the term runs from the 16th
	// to 15 February inclusive (offers 3.4, 6.1), 31 days.
	t.Run("the certificate is in «Мои услуги» with what is left", func(t *testing.T) {
		card := eval[string](p, `document.querySelector("[data-certificate]").innerText`)
		for _, want := range []string{"Онлайн-консультация диетолога", "Сертификат №", "Индивидуальный подбор питания", "остался 31 день"} {
			if !strings.Contains(card, want) {
				t.Errorf("card lacks %q: %s", want, card)
			}
		}
		if left := p.text(`[data-certificate] [data-remaining]`); !strings.HasPrefix(left, "1 / 1") {
			t.Errorf("remaining %q", left)
		}
		// Signed in, the header carries the account links; on a phone they
		// wrap instead of widening the page.
		p.do(chromedp.EmulateViewport(375, 740), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-certificate]`)))
		if eval[bool](p, `document.documentElement.scrollWidth > window.innerWidth`) {
			t.Errorf("«Мои услуги» scrolls sideways on a 375 px screen; too wide: %s", eval[string](p, overflowing))
		}
		sms := outboxText(t, s, host, "+79991234567", "certificates.issued")
		number := eval[string](p, `document.querySelector("[data-certificate]").dataset.certificate`)
		if !strings.Contains(sms, number) {
			t.Errorf("the SMS %q does not carry the number %s", sms, number)
		}
	})
}

// TestBrowserActivatePartnerCertificate: a partner's client gets a
// certificate through the partner API (Jet Money's CRM), reads its number
// in the SMS, signs in on the partner's site and activates it by typing the
// number — loosely, in lower case without dashes — and finds the package
// in «Мои услуги».
func TestBrowserActivatePartnerCertificate(t *testing.T) {
	ctx := browser(t)
	dbURL := dbtest.URL(t)
	out, err := command(t, nil, "admin", "create-api-key", "--db", dbURL, "--tenant", "jetmoney", "--name", "CRM", "--quiet")
	if err != nil {
		t.Fatalf("create-api-key: %v\n%s", err, out)
	}
	s := startServer(t, dbURL)
	port := s.addr[strings.LastIndexByte(s.addr, ':')+1:]
	const host, phone = "jetmoney.localhost", "+79991230002"
	base := "http://" + host + ":" + port
	status, _, body := partnerCall(t, s, "POST", host, "/api/v1/partner/certificates",
		`{"package_code":"PET1+","price_paid":99000,"phone":"`+phone+`","name":"Анна","external_id":"JM-200"}`,
		"Authorization", "Bearer "+strings.TrimSpace(out), "Idempotency-Key", "jm-order-200")
	if status != 201 {
		t.Fatalf("partner issue = %d %s", status, body)
	}
	sms := outboxText(t, s, host, phone, "certificates.issued")
	number := certificateNumber.FindString(sms)
	if number == "" {
		t.Fatalf("no certificate number in the SMS %q", sms)
	}
	p := page{t, ctx}
	signInByPhone(p, s, base, host, phone, "/my/services", `[data-page="services"]`)
	p.do(chromedp.WaitVisible(chromedp.CSS(`[data-empty]`)))
	p.do(
		chromedp.Navigate(base+"/activate"),
		chromedp.WaitVisible(chromedp.CSS(`[data-form="activate"] [name="number"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-form="activate"] [name="number"]`), "ZZZZ-ZZZZ-ZZZZ-Z"),
		chromedp.Click(chromedp.CSS(`[data-form="activate"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-form="activate"] .form-error`)),
	)
	if msg := p.text(`[data-form="activate"] .form-error`); !strings.Contains(msg, "не найден") {
		t.Errorf("a wrong number says %q", msg)
	}
	p.do(
		chromedp.SetValue(chromedp.CSS(`[data-form="activate"] [name="number"]`), strings.ToLower(strings.ReplaceAll(number, "-", ""))),
		chromedp.Click(chromedp.CSS(`[data-form="activate"] button[type="submit"]`)),
	)
	p.do(chromedp.WaitVisible(chromedp.CSS(`[data-certificate="` + number + `"]`)))
	if card := p.text(`[data-certificate]`); !strings.Contains(card, "PET") {
		t.Errorf("card %q lacks the package", card)
	}
}

// certificateNumber finds a certificate number (four groups, the last one
// the check symbol) in a message.
var certificateNumber = regexp.MustCompile(`\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]\b`)
