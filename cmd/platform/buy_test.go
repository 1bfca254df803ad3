package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/core/platform/dbtest"
)

// TestBuyAndActivate walks the purchase of issue 4 against the real
// binary: a quote, an order refused without consent, an order with it, the
// sandbox bank's page and its Pay button, the paid order, and the customer
// activating the certificate that came by SMS.
func TestBuyAndActivate(t *testing.T) {
	s := startServer(t, dbtest.URL(t))
	const host = "vetpet.localhost"
	get := func(path string, headers ...string) (int, []byte) {
		req, _ := http.NewRequest("GET", "http://"+s.addr+path, nil)
		req.Host = host
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	status, body := get("/api/v1/offers")
	var offers struct {
		Offers []struct {
			ID       string `json:"id"`
			Packages []struct {
				Code  string `json:"code"`
				Price int64  `json:"price"`
			} `json:"packages"`
		} `json:"offers"`
	}
	if err := json.Unmarshal(body, &offers); err != nil || status != 200 {
		t.Fatalf("offers = %d %s", status, body)
	}
	offer, pkg := offers.Offers[0].ID, offers.Offers[0].Packages[0]
	if status, body := s.postJSON(t, host, "/api/v1/orders/quote", `{"offer_id":"`+offer+`","package_code":"`+pkg.Code+`","promo_code":"NOPE"}`); status != 200 ||
		!strings.Contains(string(body), `"promo_refusal"`) || !strings.Contains(string(body), fmt.Sprintf(`"total":%d`, pkg.Price)) {
		t.Fatalf("quote = %d %s", status, body)
	}
	order := `{"offer_id":"` + offer + `","package_code":"` + pkg.Code + `","first_name":"Анна","surname":"Иванова","phone":"+79991234567"`
	if status, body := s.postJSON(t, host, "/api/v1/orders", order+`,"consent":false}`); status != 422 || !strings.Contains(string(body), "orders.consent_required") {
		t.Fatalf("order without consent = %d %s", status, body)
	}
	status, body = s.postJSON(t, host, "/api/v1/orders", order+`,"consent":true}`)
	var placed struct {
		ID         string `json:"id"`
		Status     string `json:"status"`
		PaymentURL string `json:"payment_url"`
	}
	if err := json.Unmarshal(body, &placed); err != nil || status != 201 || placed.Status != "pending_payment" || !strings.Contains(placed.PaymentURL, "/sandbox/pay/") {
		t.Fatalf("order = %d %s", status, body)
	}
	payPath := placed.PaymentURL[strings.Index(placed.PaymentURL, "/sandbox/pay/"):]
	if status, body := get(payPath); status != 200 || !strings.Contains(string(body), `value="succeeded"`) {
		t.Fatalf("sandbox page = %d", status)
	}
	form, _ := http.NewRequest("POST", "http://"+s.addr+payPath, strings.NewReader("result=succeeded"))
	form.Host = host
	form.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Fatalf("pay = %d", res.StatusCode)
	}
	waitFor(t, "the order is paid", 10*time.Second, func() bool {
		_, b := get("/api/v1/orders/" + placed.ID)
		return strings.Contains(string(b), `"status":"paid"`)
	})
	// The certificate came by SMS; the buyer signs in and activates it.
	text := outboxText(t, s, host, "+79991234567", "certificates.issued")
	number := regexp.MustCompile(`[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]`).FindString(text)
	if number == "" {
		t.Fatalf("no certificate number in %q", text)
	}
	if status, body := s.postJSON(t, host, "/api/v1/auth/phone/start", `{"phone":"+79991234567"}`); status != 200 {
		t.Fatalf("login start = %d %s", status, body)
	}
	code := codeIn(t, outboxText(t, s, host, "+79991234567", "auth.login_code"))
	_, body = s.postJSON(t, host, "/api/v1/auth/phone/verify", `{"phone":"+79991234567","code":"`+code+`"}`)
	var login struct{ Token string }
	_ = json.Unmarshal(body, &login)
	req, _ := http.NewRequest("POST", "http://"+s.addr+"/api/v1/certificates/activate", strings.NewReader(`{"number":"`+number+`"}`))
	req.Host = host
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+login.Token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("activate = %d", res.StatusCode)
	}
	if status, body := get("/api/v1/me/certificates", "Authorization", "Bearer "+login.Token); status != 200 || !strings.Contains(string(body), number) {
		t.Fatalf("my certificates = %d %s", status, body)
	}
}
