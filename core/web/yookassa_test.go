package web_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/core/web"
)

// notifier records what the notification route hands to orders.
type notifier struct {
	mu    sync.Mutex
	calls []string // tenant/provider/id
	err   error
}

func (n *notifier) HandleNotification(ctx context.Context, provider, id string) (orders.Order, error) {
	tenant, _ := tenancy.From(ctx)
	n.mu.Lock()
	defer n.mu.Unlock()
	n.calls = append(n.calls, tenant+"/"+provider+"/"+id)
	if n.err != nil {
		return orders.Order{}, n.err
	}
	return orders.Order{ID: "o1", Status: orders.StatusPaid}, nil
}

func (n *notifier) take() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := n.calls
	n.calls, n.err = nil, nil
	return out
}

const (
	notificationPath = "/api/v1/payments/yookassa/notifications"
	paymentID        = "2c7a0c49-000f-5000-8000-1b4b6ab0f3b6"
	succeeded        = `{"type":"notification","event":"payment.succeeded","object":{"id":"` + paymentID + `","status":"succeeded","paid":true}}`
)

// The route takes only YooKassa's networks, reads only the event and the
// id, hands the id to orders in the tenant of the Host, and answers so that
// YooKassa stops (200) or delivers again (5xx).
func TestYooKassaNotifications(t *testing.T) {
	n := &notifier{}
	// app.Test connects from 0.0.0.0: trusting it as a proxy lets the
	// X-Forwarded-For header play the sender's address.
	e := newEnvWith(t, func(d *web.Deps) {
		d.YooKassa = n
		d.Config.HTTP.TrustedProxies = []string{"0.0.0.0"}
	})
	from := func(ip string) []string { return []string{"X-Forwarded-For", ip} }
	tests := []struct {
		name, host, body string
		headers          []string
		err              error
		want             int
		calls            []string
	}{
		{name: "from YooKassa", host: "vetpet.localhost", body: succeeded, headers: from("185.71.76.10"), want: 200,
			calls: []string{"vetpet/yookassa/" + paymentID}},
		{name: "from YooKassa over IPv6", host: "vetpet.localhost", body: succeeded, headers: from("2a02:5180::10"), want: 200,
			calls: []string{"vetpet/yookassa/" + paymentID}},
		{name: "the tenant is the Host's", host: "astars.localhost", body: succeeded, headers: from("77.75.156.35"), want: 200,
			calls: []string{"astars/yookassa/" + paymentID}},
		{name: "canceled", host: "vetpet.localhost", body: `{"type":"notification","event":"payment.canceled","object":{"id":"p-1"}}`,
			headers: from("185.71.77.1"), want: 200, calls: []string{"vetpet/yookassa/p-1"}},
		{name: "from outside YooKassa's networks", host: "vetpet.localhost", body: succeeded, headers: from("185.71.76.32"), want: 403},
		{name: "a forged entry before our proxy's", host: "vetpet.localhost", body: succeeded, headers: from("185.71.76.10, 203.0.113.9"), want: 403},
		{name: "an event we do not act on", host: "vetpet.localhost", body: `{"type":"notification","event":"refund.succeeded","object":{"id":"r-1"}}`,
			headers: from("185.71.76.10"), want: 200},
		{name: "not a notification", host: "vetpet.localhost", body: `{"type":"error","event":"payment.succeeded","object":{"id":"x"}}`,
			headers: from("185.71.76.10"), want: 400},
		{name: "an id that is no id", host: "vetpet.localhost", body: `{"type":"notification","event":"payment.succeeded","object":{"id":"../x"}}`,
			headers: from("185.71.76.10"), want: 400},
		{name: "not JSON", host: "vetpet.localhost", body: succeeded, headers: append(from("185.71.76.10"), "Content-Type", "text/plain"), want: 400},
		{name: "YooKassa cannot be asked: deliver again", host: "vetpet.localhost", body: succeeded, headers: from("185.71.76.10"),
			err: orders.ErrPaymentUnavailable, want: 503, calls: []string{"vetpet/yookassa/" + paymentID}},
		{name: "processing failed: deliver again", host: "vetpet.localhost", body: succeeded, headers: from("185.71.76.10"),
			err: errors.New("database gone"), want: 500, calls: []string{"vetpet/yookassa/" + paymentID}},
		{name: "no such payment at the tenant's shop", host: "vetpet.localhost", body: succeeded, headers: from("185.71.76.10"),
			err: orders.ErrPaymentUnknown, want: 404, calls: []string{"vetpet/yookassa/" + paymentID}},
		{name: "an unknown site", host: "nowhere.localhost", body: succeeded, headers: from("185.71.76.10"), want: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n.mu.Lock()
			n.err = tt.err
			n.mu.Unlock()
			r := e.call(t, "POST", tt.host, notificationPath, tt.body, tt.headers...)
			calls := n.take()
			if r.status != tt.want {
				t.Fatalf("status %d, want %d: %s", r.status, tt.want, r.body)
			}
			if len(calls) != len(tt.calls) || len(calls) > 0 && calls[0] != tt.calls[0] {
				t.Fatalf("orders got %v, want %v", calls, tt.calls)
			}
		})
	}
}

// From a peer we do not trust as a proxy, X-Forwarded-For is a claim of
// the sender's and changes nothing (SECURITY.md 5).
func TestYooKassaNotificationIgnoresUntrustedForwardedFor(t *testing.T) {
	n := &notifier{}
	e := newEnvWith(t, func(d *web.Deps) { d.YooKassa = n })
	for _, xff := range []string{"185.71.76.10", "2a02:5180::10", "185.71.76.10, 185.71.77.1"} {
		r := e.call(t, "POST", "vetpet.localhost", notificationPath, succeeded, "X-Forwarded-For", xff)
		if r.status != 403 || len(n.take()) != 0 {
			t.Fatalf("%s: status %d: %s", xff, r.status, r.body)
		}
	}
}

// Without a YooKassa shop the route does not exist.
func TestYooKassaNotificationRouteOnlyWithAShop(t *testing.T) {
	e := newEnvWith(t, func(d *web.Deps) { d.YooKassa = nil })
	if r := e.call(t, "POST", "vetpet.localhost", notificationPath, succeeded, "X-Forwarded-For", "185.71.76.10"); r.status != 404 {
		t.Fatalf("status %d", r.status)
	}
}
