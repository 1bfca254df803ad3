package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/core/orders/yookassa/yookassafake"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
)

// TestYooKassaPurchase buys through YooKassa against the real binary, with
// the local fake as the bank and the test playing a reverse proxy at
// 127.0.0.1 (http.trusted_proxies) that reports the sender's address in
// X-Forwarded-For: the order is placed and its payment created at the
// tenant's shop; forged notifications — from outside YooKassa's networks,
// or claiming success the bank does not confirm — change nothing; the
// bank's success and its notification pay the order and issue exactly one
// certificate; repeated notifications change nothing (SECURITY.md 17).
func TestYooKassaPurchase(t *testing.T) {
	fake, base := fakeYooKassa(t)
	dbURL := dbtest.URL(t)
	s := startServer(t, dbURL, "PLATFORM_PAYMENTS__TENANTS__VETPET__SHOP_ID="+fakeShop, "PLATFORM_YOOKASSA_SECRET_VETPET="+fakeSecret,
		"PLATFORM_PAYMENTS__YOOKASSA__BASE_URL="+base, "PLATFORM_HTTP__TRUSTED_PROXIES=127.0.0.1")
	const host = "vetpet.localhost"
	const phone = "+79991234567"

	status, body := s.postJSON(t, host, "/api/v1/orders", `{"offer_id":"retail","package_code":"diet_consultation",`+
		`"first_name":"Анна","surname":"Иванова","phone":"`+phone+`","consent":true}`)
	var placed struct {
		ID         string `json:"id"`
		Status     string `json:"status"`
		PaymentURL string `json:"payment_url"`
	}
	if err := json.Unmarshal(body, &placed); err != nil || status != 201 {
		t.Fatalf("order = %d %s", status, body)
	}
	payments := fake.Payments()
	if placed.Status != "pending_payment" || len(payments) != 1 || placed.PaymentURL != payments[0].ConfirmationURL ||
		!strings.HasPrefix(placed.PaymentURL, strings.TrimSuffix(base, "/v3")+"/checkout/") {
		t.Fatalf("order %s, payments %+v", body, payments)
	}
	p := payments[0]
	if p.ShopID != fakeShop || p.IdempotenceKey != "order-"+placed.ID || p.Metadata["order_id"] != placed.ID || p.Amount.Value != "549.00" ||
		p.Receipt == nil || p.Receipt.Customer.Phone != "79991234567" || p.Receipt.Items[0].PaymentMode != "full_prepayment" {
		t.Fatalf("payment at the bank %+v", p)
	}

	hook := "http://" + s.addr + "/api/v1/payments/yookassa/notifications"
	notify := func(forwardedFor, claim string) int {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		code, err := fake.Notify(ctx, yookassafake.Notification{URL: hook, Host: host, Event: "payment.succeeded",
			ObjectID: p.ID, ForwardedFor: forwardedFor, Status: claim})
		if err != nil {
			t.Fatal(err)
		}
		return code
	}
	orderStatus := func() string {
		t.Helper()
		_, b := s.get(t, host, "/api/v1/orders/"+placed.ID)
		var o struct{ Status string }
		_ = json.Unmarshal(b, &o)
		return o.Status
	}
	d, err := db.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	certificates := func() int {
		t.Helper()
		var n int
		if err := d.NewSelect().Table("certificates").ColumnExpr("count(*)").
			Where("tenant_id = 'vetpet' AND source = 'order' AND source_key = ?", placed.ID).Scan(context.Background(), &n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	forged := []struct {
		name, from, claim string
		want              int
	}{
		{"from outside YooKassa's networks", "203.0.113.9", "succeeded", 403},
		{"YooKassa's address written before our proxy's entry", "185.71.76.10, 203.0.113.9", "succeeded", 403},
		{"from inside, claiming a success the bank does not confirm", "185.71.76.10", "succeeded", 200},
	}
	for _, tt := range forged {
		t.Run("forged: "+tt.name, func(t *testing.T) {
			if code := notify(tt.from, tt.claim); code != tt.want {
				t.Fatalf("status %d, want %d", code, tt.want)
			}
			if st := orderStatus(); st != "pending_payment" || certificates() != 0 {
				t.Fatalf("order %s, %d certificates", st, certificates())
			}
		})
	}

	if err := fake.Succeed(p.ID); err != nil {
		t.Fatal(err)
	}
	for i, from := range []string{"185.71.76.10", "77.75.154.200", "2a02:5180::5"} { // the first pays, the rest repeat
		if code := notify(from, ""); code != 200 {
			t.Fatalf("notification %d: status %d", i, code)
		}
		if st := orderStatus(); st != "paid" {
			t.Fatalf("notification %d: order %s", i, st)
		}
	}
	if n := certificates(); n != 1 {
		t.Fatalf("%d certificates, want exactly 1", n)
	}
	if text := outboxText(t, s, host, phone, "certificates.issued"); text == "" {
		t.Fatal("no certificate message")
	}
}
