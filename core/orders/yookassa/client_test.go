package yookassa_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/orders/yookassa"
	"github.com/consult/platform/core/orders/yookassa/yookassafake"
	"github.com/consult/platform/core/platform/tenancy"
)

const (
	shopA   = "100500"
	secretA = "live_secretAAAA"
	shopB   = "100600"
	secretB = "live_secretBBBB"
	email   = "anna@example.com"
	phone   = "+79991234567"
)

// syncBuffer collects log output from concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type env struct {
	fake *yookassafake.Server
	srv  *httptest.Server
	logs *syncBuffer
}

func newEnv(t *testing.T, shops ...yookassafake.Shop) *env {
	t.Helper()
	if len(shops) == 0 {
		shops = []yookassafake.Shop{{ID: shopA, SecretKey: secretA}, {ID: shopB, SecretKey: secretB}}
	}
	e := &env{fake: yookassafake.New(shops...), logs: &syncBuffer{}}
	e.srv = httptest.NewServer(e.fake)
	t.Cleanup(e.srv.Close)
	// Every test ends with the logs free of secrets and personal data
	// (SECURITY.md 22).
	t.Cleanup(func() {
		for _, s := range []string{secretA, secretB, email, phone, strings.TrimPrefix(phone, "+")} {
			if strings.Contains(e.logs.String(), s) {
				t.Errorf("the logs show %q:\n%s", s, e.logs.String())
			}
		}
	})
	return e
}

// client returns a client of shop A with fast retries; change adjusts the
// configuration.
func (e *env) client(t *testing.T, change ...func(*yookassa.Config)) *yookassa.Client {
	t.Helper()
	cfg := yookassa.Config{ShopID: shopA, SecretKey: secretA, BaseURL: e.srv.URL + "/v3", Receipts: true,
		Backoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond, Timeout: 5 * time.Second,
		Logger: slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	for _, c := range change {
		c(&cfg)
	}
	c, err := yookassa.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func request(orderID string) orders.PaymentRequest {
	return orders.PaymentRequest{OrderID: orderID, Amount: 54900, Currency: "RUB", Description: "Заказ 260115-000001: Онлайн-консультация диетолога",
		ReturnURL: "https://vet-pet.online/", IdempotenceKey: orders.PaymentKey(orderID),
		Receipt: &orders.Receipt{Email: email, Phone: phone,
			Items: []orders.ReceiptItem{{Description: "Онлайн-консультация диетолога", Quantity: 1, Price: 54900, Currency: "RUB"}}}}
}

// posts returns the POST requests the fake received.
func (e *env) posts() []yookassafake.Request {
	var out []yookassafake.Request
	for _, r := range e.fake.Requests() {
		if r.Method == "POST" {
			out = append(out, r)
		}
	}
	return out
}

func TestCreatePayment(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	ctx := context.Background()
	p, err := c.CreatePayment(ctx, request("o1"))
	if err != nil {
		t.Fatal(err)
	}
	if p.ProviderPaymentID == "" || p.OrderID != "o1" || p.Amount != 54900 || p.Currency != "RUB" || p.Status != orders.PaymentPending ||
		!strings.HasPrefix(p.ConfirmationURL, e.srv.URL+"/checkout/payments/v2/contract?orderId=") {
		t.Fatalf("payment %+v", p)
	}
	t.Run("the body is the documented one", func(t *testing.T) {
		posts := e.posts()
		if len(posts) != 1 || posts[0].Path != "/v3/payments" || posts[0].IdempotenceKey != "order-o1" {
			t.Fatalf("requests %+v", posts)
		}
		var body map[string]any
		if err := json.Unmarshal(posts[0].Body, &body); err != nil {
			t.Fatal(err)
		}
		want := `{"amount":{"currency":"RUB","value":"549.00"},"capture":true,` +
			`"confirmation":{"return_url":"https://vet-pet.online/","type":"redirect"},` +
			`"description":"Заказ 260115-000001: Онлайн-консультация диетолога","metadata":{"order_id":"o1"},` +
			`"receipt":{"customer":{"email":"anna@example.com"},"items":[{"amount":{"currency":"RUB","value":"549.00"},` +
			`"description":"Онлайн-консультация диетолога","payment_mode":"full_prepayment","payment_subject":"service",` +
			`"quantity":1,"vat_code":1}]}}`
		if got, _ := json.Marshal(body); string(got) != want {
			t.Fatalf("body\n got %s\nwant %s", got, want)
		}
	})
	t.Run("the fake holds it as sent", func(t *testing.T) {
		fp, ok := e.fake.Payment(p.ProviderPaymentID)
		if !ok || fp.ShopID != shopA || !fp.Capture || fp.Amount.Value != "549.00" || fp.Metadata["order_id"] != "o1" ||
			fp.ReturnURL != "https://vet-pet.online/" || fp.Receipt == nil {
			t.Fatalf("fake payment %+v", fp)
		}
	})
	t.Run("get", func(t *testing.T) {
		got, err := c.GetPayment(ctx, p.ProviderPaymentID)
		if err != nil || got != p {
			t.Fatalf("get %+v, %v", got, err)
		}
	})
	t.Run("again with the same key: the same payment", func(t *testing.T) {
		again, err := c.CreatePayment(ctx, request("o1"))
		if err != nil || again != p || len(e.fake.Payments()) != 1 {
			t.Fatalf("again %+v, %v; %d payments", again, err, len(e.fake.Payments()))
		}
	})
	t.Run("the same key with another body is refused", func(t *testing.T) {
		req := request("o1")
		req.Amount, req.Receipt.Items[0].Price = 100, 100
		_, err := c.CreatePayment(ctx, req)
		var ae *yookassa.APIError
		if !errors.As(err, &ae) || ae.Status != 400 || ae.Code != "invalid_request" || ae.Parameter != "Idempotence-Key" {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestPaymentStatuses(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	ctx := context.Background()
	tests := []struct {
		name   string
		settle func(id string) error
		want   orders.PaymentStatus
	}{
		{"pending", func(string) error { return nil }, orders.PaymentPending},
		{"succeeded", e.fake.Succeed, orders.PaymentSucceeded},
		{"canceled", func(id string) error { return e.fake.Cancel(id, "card_expired") }, orders.PaymentCanceled},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := c.CreatePayment(ctx, request(tt.name+string(rune('a'+i))))
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.settle(p.ProviderPaymentID); err != nil {
				t.Fatal(err)
			}
			got, err := c.GetPayment(ctx, p.ProviderPaymentID)
			if err != nil || got.Status != tt.want || got.OrderID != p.OrderID || got.Amount != 54900 {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
	}
	t.Run("waiting for capture is pending, and logged", func(t *testing.T) {
		// Our client always captures; a payment made elsewhere without
		// capture shows what happens should YooKassa hold one.
		req, _ := http.NewRequest("POST", e.srv.URL+"/v3/payments", strings.NewReader(
			`{"amount":{"value":"10.00","currency":"RUB"},"capture":false,"confirmation":{"type":"redirect","return_url":"https://x.example/"},"metadata":{"order_id":"held"}}`))
		req.SetBasicAuth(shopA, secretA)
		req.Header.Set("Idempotence-Key", "held-1")
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var obj struct{ ID string }
		_ = json.NewDecoder(res.Body).Decode(&obj)
		res.Body.Close()
		if err := e.fake.Succeed(obj.ID); err != nil {
			t.Fatal(err)
		}
		if p, _ := e.fake.Payment(obj.ID); p.Status != "waiting_for_capture" {
			t.Fatalf("fake status %s", p.Status)
		}
		got, err := c.GetPayment(ctx, obj.ID)
		if err != nil || got.Status != orders.PaymentPending || got.OrderID != "held" {
			t.Fatalf("got %+v, %v", got, err)
		}
		if !strings.Contains(e.logs.String(), "waits for capture") {
			t.Fatalf("not logged:\n%s", e.logs.String())
		}
	})
}

func TestReceipt(t *testing.T) {
	long := strings.Repeat("Ж", 140)
	tests := []struct {
		name    string
		cfg     func(*yookassa.Config)
		req     func(*orders.PaymentRequest)
		shop    yookassafake.Shop
		check   func(t *testing.T, r *yookassafake.Receipt)
		wantErr string // the client refuses before sending
		wantAPI string // YooKassa's (the fake's) refusal: the parameter
	}{
		{name: "to the receipt e-mail", check: func(t *testing.T, r *yookassafake.Receipt) {
			if r.Customer.Email != email || r.Customer.Phone != "" || len(r.Items) != 1 || r.TaxSystemCode != 0 {
				t.Fatalf("receipt %+v", r)
			}
			it := r.Items[0]
			if it.Description != "Онлайн-консультация диетолога" || it.Quantity != "1" || it.Amount.Value != "549.00" ||
				it.Amount.Currency != "RUB" || it.VATCode != 1 || it.PaymentSubject != "service" || it.PaymentMode != "full_prepayment" {
				t.Fatalf("item %+v", it)
			}
		}},
		{name: "to the phone without a plus when no e-mail was asked for",
			req: func(r *orders.PaymentRequest) { r.Receipt.Email = "" },
			check: func(t *testing.T, r *yookassafake.Receipt) {
				if r.Customer.Phone != "79991234567" || r.Customer.Email != "" {
					t.Fatalf("customer %+v", r.Customer)
				}
			}},
		{name: "the tenant's VAT rate and tax system",
			cfg: func(c *yookassa.Config) { c.VATCode, c.TaxSystemCode = 11, 2 },
			check: func(t *testing.T, r *yookassafake.Receipt) {
				if r.Items[0].VATCode != 11 || r.TaxSystemCode != 2 {
					t.Fatalf("receipt %+v", r)
				}
			}},
		{name: "a long title is cut to 128 characters",
			req: func(r *orders.PaymentRequest) { r.Receipt.Items[0].Description = long },
			check: func(t *testing.T, r *yookassafake.Receipt) {
				if d := []rune(r.Items[0].Description); len(d) != 128 || d[127] != '…' {
					t.Fatalf("description of %d characters", len(d))
				}
			}},
		{name: "several units at a unit price",
			req: func(r *orders.PaymentRequest) { r.Receipt.Items[0].Quantity, r.Receipt.Items[0].Price = 3, 18300 },
			check: func(t *testing.T, r *yookassafake.Receipt) {
				if r.Items[0].Quantity != "3" || r.Items[0].Amount.Value != "183.00" {
					t.Fatalf("item %+v", r.Items[0])
				}
			}},
		{name: "receipts off: none sent", cfg: func(c *yookassa.Config) { c.Receipts = false },
			check: func(t *testing.T, r *yookassafake.Receipt) {
				if r != nil {
					t.Fatalf("receipt %+v", r)
				}
			}},
		{name: "receipts off at a shop that needs them: YooKassa refuses", cfg: func(c *yookassa.Config) { c.Receipts = false },
			shop: yookassafake.Shop{ID: shopA, SecretKey: secretA, ReceiptsRequired: true}, wantAPI: "receipt"},
		{name: "no receipt data", req: func(r *orders.PaymentRequest) { r.Receipt = nil }, wantErr: "no receipt data"},
		{name: "no contact", req: func(r *orders.PaymentRequest) { r.Receipt.Email, r.Receipt.Phone = "", "" }, wantErr: "e-mail or phone"},
		{name: "lines that do not add up", req: func(r *orders.PaymentRequest) { r.Receipt.Items[0].Price = 50000 }, wantErr: "sum to 50000"},
		{name: "a line in another currency", req: func(r *orders.PaymentRequest) { r.Receipt.Items[0].Currency = "USD" }, wantErr: "currency"},
		{name: "no lines", req: func(r *orders.PaymentRequest) { r.Receipt.Items = nil }, wantErr: "1 to 100 lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shop := tt.shop
			if shop.ID == "" {
				shop = yookassafake.Shop{ID: shopA, SecretKey: secretA}
			}
			e := newEnv(t, shop)
			var cfg []func(*yookassa.Config)
			if tt.cfg != nil {
				cfg = append(cfg, tt.cfg)
			}
			req := request("o1")
			if tt.req != nil {
				tt.req(&req)
			}
			p, err := e.client(t, cfg...).CreatePayment(context.Background(), req)
			switch {
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if n := len(e.fake.Requests()); n != 0 {
					t.Fatalf("%d requests sent", n)
				}
				return
			case tt.wantAPI != "":
				var ae *yookassa.APIError
				if !errors.As(err, &ae) || ae.Status != 400 || ae.Parameter != tt.wantAPI {
					t.Fatalf("err = %v", err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			fp, _ := e.fake.Payment(p.ProviderPaymentID)
			tt.check(t, fp.Receipt)
		})
	}
}

// SECURITY.md 15: a lost answer (YooKassa did the work, then failed) is
// retried with the same key and body, and one payment exists.
func TestRetriesReuseTheKey(t *testing.T) {
	tests := []struct {
		name     string
		failure  yookassafake.Failure
		failures int
		minWait  time.Duration
	}{
		{"500 before the work", yookassafake.Failure{Status: 500}, 1, 0},
		{"500 after the work", yookassafake.Failure{Status: 500, Processed: true}, 1, 0},
		{"503 twice", yookassafake.Failure{Status: 503}, 2, 0},
		{"202 processing, retry_after honoured", yookassafake.Failure{Status: 202, RetryAfter: 15 * time.Millisecond}, 2, 30 * time.Millisecond},
		{"202 after the work", yookassafake.Failure{Status: 202, Processed: true, RetryAfter: 5 * time.Millisecond}, 1, 5 * time.Millisecond},
		{"429 with Retry-After", yookassafake.Failure{Status: 429, RetryAfter: time.Second}, 1, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.client(t, func(c *yookassa.Config) { c.MaxBackoff = 2 * time.Second })
			e.fake.FailNext(tt.failures, tt.failure)
			start := time.Now()
			p, err := c.CreatePayment(context.Background(), request("o1"))
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d < tt.minWait {
				t.Fatalf("done in %s, YooKassa asked to wait %s", d, tt.minWait)
			}
			posts := e.posts()
			if len(posts) != tt.failures+1 {
				t.Fatalf("%d requests, want %d", len(posts), tt.failures+1)
			}
			for _, r := range posts {
				if r.IdempotenceKey != "order-o1" || !bytes.Equal(r.Body, posts[0].Body) {
					t.Fatalf("a retry changed the key or body: %+v", r)
				}
			}
			if ps := e.fake.Payments(); len(ps) != 1 || ps[0].ID != p.ProviderPaymentID {
				t.Fatalf("payments %+v, answered %s", ps, p.ProviderPaymentID)
			}
		})
	}
	t.Run("network errors", func(t *testing.T) {
		e := newEnv(t)
		var dropped atomic.Int32
		flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if dropped.Add(1) == 1 {
				// The connection dies before any answer.
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
				return
			}
			e.fake.ServeHTTP(w, r)
		}))
		t.Cleanup(flaky.Close)
		c := e.client(t, func(c *yookassa.Config) { c.BaseURL = flaky.URL + "/v3" })
		if _, err := c.CreatePayment(context.Background(), request("o1")); err != nil {
			t.Fatal(err)
		}
		if dropped.Load() != 2 || len(e.fake.Payments()) != 1 {
			t.Fatalf("%d attempts, %d payments", dropped.Load(), len(e.fake.Payments()))
		}
	})
	t.Run("bounded", func(t *testing.T) {
		e := newEnv(t)
		c := e.client(t, func(c *yookassa.Config) { c.MaxAttempts = 3 })
		e.fake.FailNext(10, yookassafake.Failure{Status: 500})
		_, err := c.CreatePayment(context.Background(), request("o1"))
		var ae *yookassa.APIError
		if !errors.As(err, &ae) || ae.Status != 500 || ae.Code != "internal_server_error" {
			t.Fatalf("err = %v", err)
		}
		if n := len(e.posts()); n != 3 {
			t.Fatalf("%d attempts", n)
		}
	})
	t.Run("no sleeping past the deadline", func(t *testing.T) {
		e := newEnv(t)
		c := e.client(t, func(c *yookassa.Config) { c.MaxBackoff = time.Minute })
		e.fake.FailNext(5, yookassafake.Failure{Status: 429, RetryAfter: 30 * time.Second})
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		if _, err := c.CreatePayment(ctx, request("o1")); err == nil {
			t.Fatal("succeeded")
		}
		if d := time.Since(start); d > 250*time.Millisecond {
			t.Fatalf("returned after %s", d)
		}
	})
	t.Run("the whole call is bounded", func(t *testing.T) {
		e := newEnv(t)
		c := e.client(t, func(c *yookassa.Config) {
			c.MaxAttempts, c.Backoff, c.MaxBackoff, c.MaxElapsed = 1000, 40*time.Millisecond, 40*time.Millisecond, 200*time.Millisecond
		})
		e.fake.FailNext(1000, yookassafake.Failure{Status: 500})
		start := time.Now()
		if _, err := c.CreatePayment(context.Background(), request("o1")); err == nil {
			t.Fatal("succeeded")
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("returned after %s", d)
		}
	})
	t.Run("client errors are not retried", func(t *testing.T) {
		e := newEnv(t)
		req := request("o1")
		req.Description = "" // fine; an invalid amount is caught by the fake:
		req.Currency, req.Receipt.Items[0].Currency = "USD", "USD"
		_, err := e.client(t).CreatePayment(context.Background(), req)
		var ae *yookassa.APIError
		if !errors.As(err, &ae) || ae.Status != 400 || ae.Parameter != "amount.currency" {
			t.Fatalf("err = %v", err)
		}
		if n := len(e.posts()); n != 1 {
			t.Fatalf("%d attempts", n)
		}
	})
}

func TestErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	t.Run("401 bad credentials: said clearly, not retried", func(t *testing.T) {
		c := e.client(t, func(c *yookassa.Config) { c.SecretKey = "live_wrong" })
		_, err := c.CreatePayment(ctx, request("o1"))
		var ae *yookassa.APIError
		if !errors.As(err, &ae) || ae.Status != 401 || ae.Code != "invalid_credentials" ||
			!strings.Contains(err.Error(), "check the shop id and its secret key") || !strings.Contains(err.Error(), shopA) {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(err.Error(), "live_wrong") {
			t.Fatalf("the error shows the secret: %v", err)
		}
		if n := len(e.fake.Requests()); n != 1 {
			t.Fatalf("%d attempts", n)
		}
	})
	c := e.client(t)
	p, err := c.CreatePayment(ctx, request("o2"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("404 is ErrPaymentUnknown", func(t *testing.T) {
		_, err := c.GetPayment(ctx, "2c7a0c49-000f-5000-8000-1b4b6ab0f3b6")
		if !errors.Is(err, orders.ErrPaymentUnknown) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("another shop's payment is unknown", func(t *testing.T) {
		b := e.client(t, func(c *yookassa.Config) { c.ShopID, c.SecretKey = shopB, secretB })
		if _, err := b.GetPayment(ctx, p.ProviderPaymentID); !errors.Is(err, orders.ErrPaymentUnknown) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a malformed id never reaches a URL", func(t *testing.T) {
		before := len(e.fake.Requests())
		for _, id := range []string{"", "../refunds/x", "a/b", "id?x=1", strings.Repeat("a", 65)} {
			if _, err := c.GetPayment(ctx, id); !errors.Is(err, orders.ErrPaymentUnknown) {
				t.Fatalf("%q: err = %v", id, err)
			}
		}
		if len(e.fake.Requests()) != before {
			t.Fatal("a request was sent")
		}
	})
	t.Run("bad requests are refused before sending", func(t *testing.T) {
		for name, change := range map[string]func(*orders.PaymentRequest){
			"no order":         func(r *orders.PaymentRequest) { r.OrderID = "" },
			"no key":           func(r *orders.PaymentRequest) { r.IdempotenceKey = "" },
			"long key":         func(r *orders.PaymentRequest) { r.IdempotenceKey = strings.Repeat("k", 65) },
			"zero":             func(r *orders.PaymentRequest) { r.Amount = 0 },
			"negative":         func(r *orders.PaymentRequest) { r.Amount = -100 },
			"currency":         func(r *orders.PaymentRequest) { r.Currency = "rub" },
			"no return":        func(r *orders.PaymentRequest) { r.ReturnURL = "" },
			"long description": func(r *orders.PaymentRequest) { r.Description = strings.Repeat("x", 129) },
		} {
			req := request("o3")
			change(&req)
			before := len(e.fake.Requests())
			if _, err := c.CreatePayment(ctx, req); err == nil {
				t.Errorf("%s: accepted", name)
			}
			if len(e.fake.Requests()) != before {
				t.Errorf("%s: sent", name)
			}
		}
	})
}

func TestConfig(t *testing.T) {
	for name, cfg := range map[string]yookassa.Config{
		"no shop":         {SecretKey: "x"},
		"shop not digits": {ShopID: "shop-1", SecretKey: "x"},
		"no secret":       {ShopID: "1"},
		"vat 13":          {ShopID: "1", SecretKey: "x", VATCode: 13},
		"tax system 7":    {ShopID: "1", SecretKey: "x", TaxSystemCode: 7},
		"base URL":        {ShopID: "1", SecretKey: "x", BaseURL: "ftp://x"},
	} {
		if _, err := yookassa.New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), `"x"`) {
			t.Errorf("%s: the error shows the secret: %v", name, err)
		}
	}
}

func TestRefunds(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	ctx := context.Background()
	p, err := c.CreatePayment(ctx, request("o1"))
	if err != nil {
		t.Fatal(err)
	}
	refund := func(key string, amount int64) yookassa.RefundRequest {
		return yookassa.RefundRequest{PaymentID: p.ProviderPaymentID, Amount: amount, Currency: "RUB",
			Description: "Возврат по заявлению", IdempotenceKey: key,
			Receipt: &orders.Receipt{Email: email, Items: []orders.ReceiptItem{{Description: "Онлайн-консультация диетолога",
				Quantity: 1, Price: amount, Currency: "RUB"}}}}
	}
	t.Run("a pending payment cannot be refunded", func(t *testing.T) {
		_, err := c.CreateRefund(ctx, refund("r0", 100))
		var ae *yookassa.APIError
		if !errors.As(err, &ae) || ae.Status != 400 || ae.Parameter != "payment_id" {
			t.Fatalf("err = %v", err)
		}
	})
	if err := e.fake.Succeed(p.ProviderPaymentID); err != nil {
		t.Fatal(err)
	}
	r1, err := c.CreateRefund(ctx, refund("r1", 20000))
	if err != nil {
		t.Fatal(err)
	}
	if r1.ID == "" || r1.PaymentID != p.ProviderPaymentID || r1.Amount != 20000 || r1.Currency != "RUB" || r1.Status != yookassa.RefundSucceeded {
		t.Fatalf("refund %+v", r1)
	}
	t.Run("the body and its receipt", func(t *testing.T) {
		refunds := e.fake.Refunds()
		if len(refunds) != 1 || refunds[0].Amount.Value != "200.00" || refunds[0].IdempotenceKey != "r1" ||
			refunds[0].Receipt == nil || refunds[0].Receipt.Items[0].Amount.Value != "200.00" || refunds[0].Description != "Возврат по заявлению" {
			t.Fatalf("refunds %+v", refunds)
		}
	})
	t.Run("get", func(t *testing.T) {
		got, err := c.GetRefund(ctx, r1.ID)
		if err != nil || got != r1 {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("the same key: the same refund, once, even after a lost answer", func(t *testing.T) {
		e.fake.FailNext(1, yookassafake.Failure{Status: 500, Processed: true})
		again, err := c.CreateRefund(ctx, refund("r1", 20000))
		if err != nil || again.ID != r1.ID || len(e.fake.Refunds()) != 1 {
			t.Fatalf("again %+v, %v; %d refunds", again, err, len(e.fake.Refunds()))
		}
	})
	t.Run("the same key with another amount is refused", func(t *testing.T) {
		_, err := c.CreateRefund(ctx, refund("r1", 100))
		var ae *yookassa.APIError
		if !errors.As(err, &ae) || ae.Parameter != "Idempotence-Key" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("never more than was paid", func(t *testing.T) {
		_, err := c.CreateRefund(ctx, refund("r2", 34901))
		var ae *yookassa.APIError
		if !errors.As(err, &ae) || ae.Parameter != "amount.value" {
			t.Fatalf("err = %v", err)
		}
		if _, err := c.CreateRefund(ctx, refund("r3", 34900)); err != nil {
			t.Fatalf("the rest: %v", err)
		}
	})
	t.Run("pending, then settled", func(t *testing.T) {
		e.fake.PendRefunds(true)
		defer e.fake.PendRefunds(false)
		p2, err := c.CreatePayment(ctx, request("o2"))
		if err != nil {
			t.Fatal(err)
		}
		_ = e.fake.Succeed(p2.ProviderPaymentID)
		req := refund("r4", 54900)
		req.PaymentID = p2.ProviderPaymentID
		r, err := c.CreateRefund(ctx, req)
		if err != nil || r.Status != yookassa.RefundPending {
			t.Fatalf("refund %+v, %v", r, err)
		}
		if err := e.fake.SetRefundStatus(r.ID, "canceled"); err != nil {
			t.Fatal(err)
		}
		if got, err := c.GetRefund(ctx, r.ID); err != nil || got.Status != yookassa.RefundCanceled || got.CancellationReason == "" {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("unknown refund", func(t *testing.T) {
		for _, id := range []string{"2c7a0c49-000f-5000-8000-1b4b6ab0f3b6", "../payments"} {
			if _, err := c.GetRefund(ctx, id); !errors.Is(err, yookassa.ErrRefundUnknown) {
				t.Fatalf("%q: err = %v", id, err)
			}
		}
	})
	t.Run("another shop's refund is unknown", func(t *testing.T) {
		b := e.client(t, func(c *yookassa.Config) { c.ShopID, c.SecretKey = shopB, secretB })
		if _, err := b.GetRefund(ctx, r1.ID); !errors.Is(err, yookassa.ErrRefundUnknown) {
			t.Fatalf("err = %v", err)
		}
	})
}

// The provider sends each tenant's payments to the tenant's own shop.
func TestProviderPicksTheTenantsShop(t *testing.T) {
	e := newEnv(t)
	a := e.client(t)
	b := e.client(t, func(c *yookassa.Config) { c.ShopID, c.SecretKey = shopB, secretB })
	prov := yookassa.NewProvider(map[string]*yookassa.Client{"alpha": a, "beta": b})
	if prov.Name() != "yookassa" || strings.Join(prov.Tenants(), ",") != "alpha,beta" {
		t.Fatalf("provider %s %v", prov.Name(), prov.Tenants())
	}
	alpha, beta, gamma := tenancy.With(context.Background(), "alpha"), tenancy.With(context.Background(), "beta"), tenancy.With(context.Background(), "gamma")
	p, err := prov.CreatePayment(alpha, request("o1"))
	if err != nil {
		t.Fatal(err)
	}
	if fp, _ := e.fake.Payment(p.ProviderPaymentID); fp.ShopID != shopA {
		t.Fatalf("created in shop %s", fp.ShopID)
	}
	if got, err := prov.GetPayment(alpha, p.ProviderPaymentID); err != nil || got.OrderID != "o1" {
		t.Fatalf("get %+v, %v", got, err)
	}
	if _, err := prov.GetPayment(beta, p.ProviderPaymentID); !errors.Is(err, orders.ErrPaymentUnknown) {
		t.Fatalf("another tenant: err = %v", err)
	}
	if _, err := prov.GetPayment(gamma, p.ProviderPaymentID); !errors.Is(err, orders.ErrPaymentUnknown) {
		t.Fatalf("a tenant without a shop: err = %v", err)
	}
	if _, err := prov.CreatePayment(gamma, request("o2")); err == nil || !strings.Contains(err.Error(), "payments.tenants.gamma.shop_id") {
		t.Fatalf("a tenant without a shop: err = %v", err)
	}
	if _, err := prov.CreatePayment(context.Background(), request("o3")); err == nil {
		t.Fatal("no tenant: accepted")
	}
	if c, ok := prov.Shop("beta"); !ok || c.ShopID() != shopB {
		t.Fatal("Shop(beta)")
	}
}

// Parallel starts of one order's payment (a double click, two tabs) send
// one key, and YooKassa makes one payment.
func TestParallelCreatesOnePayment(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	var wg sync.WaitGroup
	ids := make([]string, 20)
	for i := range ids {
		wg.Go(func() {
			p, err := c.CreatePayment(context.Background(), request("o1"))
			if err != nil {
				t.Errorf("create: %v", err)
			}
			ids[i] = p.ProviderPaymentID
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("ids %v", ids)
		}
	}
	if n := len(e.fake.Payments()); n != 1 {
		t.Fatalf("%d payments", n)
	}
}
