package yookassafake_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/consult/platform/core/orders/yookassa/yookassafake"
)

const (
	shop   = "100500"
	secret = "live_s3cret"
)

type answer struct {
	status int
	body   map[string]any
}

func post(t *testing.T, srv *httptest.Server, path, key, body string, change ...func(*http.Request)) answer {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
	req.SetBasicAuth(shop, secret)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotence-Key", key)
	}
	for _, c := range change {
		c(req)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	return answer{res.StatusCode, m}
}

const valid = `{"amount":{"value":"549.00","currency":"RUB"},"capture":true,
 "confirmation":{"type":"redirect","return_url":"https://vet-pet.online/"},
 "description":"Заказ 1","metadata":{"order_id":"o1"},
 "receipt":{"customer":{"phone":"79991234567"},"items":[{"description":"Диетолог","quantity":"1.00",
  "amount":{"value":"549.00","currency":"RUB"},"vat_code":"1","payment_subject":"service","payment_mode":"full_prepayment"}]}}`

// The fake refuses what the API reference refuses, naming the parameter,
// so a client that sends the wrong shape fails its tests.
func TestValidation(t *testing.T) {
	fake := yookassafake.New(yookassafake.Shop{ID: shop, SecretKey: secret, ReceiptsRequired: true})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	sub := func(old, new string) string {
		if !strings.Contains(valid, old) {
			t.Fatalf("%q not in the valid body", old)
		}
		return strings.Replace(valid, old, new, 1)
	}
	tests := []struct {
		name, body, param string
		status            int
	}{
		{"valid, quantity and vat_code as strings", valid, "", 200},
		{"quantity and vat_code as numbers", sub(`"quantity":"1.00"`, `"quantity":1`), "", 200},
		{"amount with three decimals", sub(`"value":"549.00","currency":"RUB"},"capture"`, `"value":"549.001","currency":"RUB"},"capture"`), "amount.value", 400},
		{"amount as a number", sub(`"value":"549.00","currency":"RUB"},"capture"`, `"value":549,"currency":"RUB"},"capture"`), "", 400},
		{"zero amount", sub(`"value":"549.00","currency":"RUB"},"capture"`, `"value":"0.00","currency":"RUB"},"capture"`), "amount.value", 400},
		{"another currency", sub(`"currency":"RUB"},"capture"`, `"currency":"USD"},"capture"`), "amount.currency", 400},
		{"no confirmation", sub(`"confirmation":{"type":"redirect","return_url":"https://vet-pet.online/"},`, ``), "confirmation", 400},
		{"no return URL", sub(`"return_url":"https://vet-pet.online/"`, `"return_url":""`), "confirmation.return_url", 400},
		{"description of 129", sub(`"description":"Заказ 1"`, `"description":"`+strings.Repeat("я", 129)+`"`), "description", 400},
		{"unknown field", sub(`"capture":true`, `"capture":true,"amount_kopecks":54900`), "", 400},
		{"no receipt at a 54-FZ shop", sub(`,
 "receipt":{"customer":{"phone":"79991234567"},"items":[{"description":"Диетолог","quantity":"1.00",
  "amount":{"value":"549.00","currency":"RUB"},"vat_code":"1","payment_subject":"service","payment_mode":"full_prepayment"}]}`, ``), "receipt", 400},
		{"no customer contact", sub(`"customer":{"phone":"79991234567"}`, `"customer":{}`), "receipt.customer", 400},
		{"phone with a plus", sub(`"phone":"79991234567"`, `"phone":"+79991234567"`), "receipt.customer.phone", 400},
		{"bad e-mail", sub(`"phone":"79991234567"`, `"email":"anna"`), "receipt.customer.email", 400},
		{"no items", sub(`"items":[{"description":"Диетолог","quantity":"1.00",
  "amount":{"value":"549.00","currency":"RUB"},"vat_code":"1","payment_subject":"service","payment_mode":"full_prepayment"}]`, `"items":[]`), "receipt.items", 400},
		{"item description of 129", sub(`"description":"Диетолог"`, `"description":"`+strings.Repeat("я", 129)+`"`), "receipt.items[0].description", 400},
		{"zero quantity", sub(`"quantity":"1.00"`, `"quantity":"0"`), "receipt.items[0].quantity", 400},
		{"vat_code 13", sub(`"vat_code":"1"`, `"vat_code":13`), "receipt.items[0].vat_code", 400},
		{"payment_subject unknown", sub(`"payment_subject":"service"`, `"payment_subject":"consultation"`), "receipt.items[0].payment_subject", 400},
		{"payment_mode unknown", sub(`"payment_mode":"full_prepayment"`, `"payment_mode":"prepaid"`), "receipt.items[0].payment_mode", 400},
		{"items that do not add up", sub(`"quantity":"1.00"`, `"quantity":"2"`), "receipt", 400},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := post(t, srv, "/v3/payments", "k"+string(rune('A'+i)), tt.body)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %v", a.status, tt.status, a.body)
			}
			if tt.status == 400 {
				if a.body["type"] != "error" || a.body["code"] != "invalid_request" || a.body["id"] == "" {
					t.Fatalf("error body %v", a.body)
				}
				if tt.param != "" && a.body["parameter"] != tt.param {
					t.Fatalf("parameter %v, want %s", a.body["parameter"], tt.param)
				}
			}
		})
	}
	t.Run("the request's own rules", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			key    string
			change func(*http.Request)
			status int
			code   string
		}{
			{"no Idempotence-Key", "", nil, 400, "invalid_request"},
			{"a key of 65", strings.Repeat("k", 65), nil, 400, "invalid_request"},
			{"not JSON", "x1", func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, 415, "invalid_request"},
			{"wrong secret", "x2", func(r *http.Request) { r.SetBasicAuth(shop, "live_other") }, 401, "invalid_credentials"},
			{"unknown shop", "x3", func(r *http.Request) { r.SetBasicAuth("1", secret) }, 401, "invalid_credentials"},
			{"no credentials", "x4", func(r *http.Request) { r.Header.Del("Authorization") }, 401, "invalid_credentials"},
		} {
			a := post(t, srv, "/v3/payments", tt.key, valid, func(r *http.Request) {
				if tt.change != nil {
					tt.change(r)
				}
			})
			if a.status != tt.status || a.body["code"] != tt.code {
				t.Errorf("%s: %d %v", tt.name, a.status, a.body)
			}
		}
	})
}

func TestIdempotence(t *testing.T) {
	fake := yookassafake.New(yookassafake.Shop{ID: shop, SecretKey: secret})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	first := post(t, srv, "/v3/payments", "key-1", valid)
	// The same data with other spacing and key order is the same request.
	same := post(t, srv, "/v3/payments", "key-1", `{"capture":true,"amount":{"currency":"RUB","value":"549.00"},`+valid[strings.Index(valid, `"confirmation"`):])
	if first.status != 200 || same.status != 200 || first.body["id"] != same.body["id"] || len(fake.Payments()) != 1 {
		t.Fatalf("first %v, again %v, %d payments", first, same, len(fake.Payments()))
	}
	other := post(t, srv, "/v3/payments", "key-1", strings.Replace(valid, `"Заказ 1"`, `"Заказ 2"`, 1))
	if other.status != 400 || other.body["parameter"] != "Idempotence-Key" {
		t.Fatalf("other body: %v", other)
	}
	if p, _ := fake.Payment(first.body["id"].(string)); p.IdempotenceKey != "key-1" || p.Status != "pending" {
		t.Fatalf("payment %+v", p)
	}
}

// The payer's page settles the payment and returns them to the shop.
func TestCheckoutPage(t *testing.T) {
	fake := yookassafake.New(yookassafake.Shop{ID: shop, SecretKey: secret})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	a := post(t, srv, "/v3/payments", "k", valid)
	conf := a.body["confirmation"].(map[string]any)["confirmation_url"].(string)
	if !strings.HasPrefix(conf, srv.URL+"/") {
		t.Fatalf("confirmation_url %s", conf)
	}
	res, err := http.Get(conf)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), "549.00 RUB") || !strings.Contains(string(page), `value="succeeded"`) {
		t.Fatalf("page %d %s", res.StatusCode, page)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = client.PostForm(conf, url.Values{"result": {"succeeded"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 303 || res.Header.Get("Location") != "https://vet-pet.online/" {
		t.Fatalf("submit %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if p, _ := fake.Payment(a.body["id"].(string)); p.Status != "succeeded" || !p.Paid {
		t.Fatalf("payment %+v", p)
	}
}

func TestNotify(t *testing.T) {
	fake := yookassafake.New(yookassafake.Shop{ID: shop, SecretKey: secret})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	id := post(t, srv, "/v3/payments", "k", valid).body["id"].(string)
	type got struct {
		host, xff, ctype string
		body             map[string]any
	}
	seen := make(chan got, 2)
	shopSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b map[string]any
		_ = json.NewDecoder(r.Body).Decode(&b)
		seen <- got{r.Host, r.Header.Get("X-Forwarded-For"), r.Header.Get("Content-Type"), b}
	}))
	defer shopSrv.Close()
	status, err := fake.Notify(context.Background(), yookassafake.Notification{URL: shopSrv.URL + "/hook", Host: "vetpet.localhost",
		Event: "payment.succeeded", ObjectID: id, ForwardedFor: "185.71.76.5", Status: "succeeded"})
	if err != nil || status != 200 {
		t.Fatalf("notify %d %v", status, err)
	}
	g := <-seen
	obj, _ := g.body["object"].(map[string]any)
	if g.host != "vetpet.localhost" || g.xff != "185.71.76.5" || g.ctype != "application/json" || g.body["type"] != "notification" ||
		g.body["event"] != "payment.succeeded" || obj["id"] != id || obj["status"] != "succeeded" {
		t.Fatalf("notification %+v", g)
	}
	// The forged status went into the body only: the record still says pending.
	if p, _ := fake.Payment(id); p.Status != "pending" {
		t.Fatalf("payment %+v", p)
	}
}
