package orders_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/orders/orderstest"
	"github.com/consult/platform/core/orders/sandbox"
)

// started places an order of tenant a and starts its payment with the
// environment's provider.
func started(t *testing.T, e *orderstest.Env, phone string, change ...func(*orders.PlaceInput)) orders.Order {
	t.Helper()
	in := orderstest.Checkout(phone)
	for _, c := range change {
		c(&in)
	}
	o := e.Place(t, a, in)
	o, err := e.Service.StartPayment(orderstest.Ctx(a), o.ID, "https://alpha.example/orders/"+o.ID)
	if err != nil {
		t.Fatalf("start payment: %v", err)
	}
	return o
}

// eventsOf returns the events of an order as "event:from>to".
func eventsOf(t *testing.T, e *orderstest.Env, id string) []string {
	t.Helper()
	events, err := e.Service.Events(orderstest.Ctx(a), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range events {
		out = append(out, string(ev.Event)+":"+string(ev.From)+">"+string(ev.To))
	}
	return out
}

func TestStartPayment(t *testing.T) {
	e := orderstest.New(t)
	o := started(t, e, "+79991234567")
	if o.Status != orders.StatusPendingPayment || o.Provider != sandbox.Name || o.ProviderPaymentID == "" ||
		o.PaymentURL != sandbox.PagePrefix+o.ProviderPaymentID {
		t.Fatalf("order %+v", o)
	}
	rec, err := e.Sandbox.Payment(orderstest.Ctx(a), o.ProviderPaymentID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Amount != o.Total || rec.OrderID != o.ID || rec.Status != orders.PaymentPending ||
		rec.Description != "Заказ "+o.Number+": Онлайн-консультация диетолога" || rec.ReturnURL != "https://alpha.example/orders/"+o.ID {
		t.Fatalf("sandbox payment %+v", rec)
	}
	t.Run("again: the same payment", func(t *testing.T) {
		again, err := e.Service.StartPayment(orderstest.Ctx(a), o.ID, "https://alpha.example/x")
		if err != nil || again.PaymentURL != o.PaymentURL || again.ProviderPaymentID != o.ProviderPaymentID {
			t.Fatalf("again %+v, %v", again, err)
		}
		if n := e.Count(t, "sandbox_payments", ""); n != 1 {
			t.Fatalf("%d sandbox payments", n)
		}
	})
	t.Run("in parallel: one payment", func(t *testing.T) {
		o := e.Place(t, a, orderstest.Checkout("+79991234568"))
		var wg sync.WaitGroup
		urls := make([]string, 10)
		for i := range urls {
			wg.Go(func() {
				got, err := e.Service.StartPayment(orderstest.Ctx(a), o.ID, "https://alpha.example/")
				if err != nil {
					t.Errorf("start: %v", err)
				}
				urls[i] = got.PaymentURL
			})
		}
		wg.Wait()
		if urls[0] == "" || slices.ContainsFunc(urls, func(u string) bool { return u != urls[0] }) {
			t.Fatalf("urls %v", urls)
		}
		if n := e.Count(t, "sandbox_payments", "order_id = ?", o.ID); n != 1 {
			t.Fatalf("%d sandbox payments", n)
		}
	})
	t.Run("events", func(t *testing.T) {
		want := []string{"placed:>created", "payment_started:created>pending_payment"}
		if got := eventsOf(t, e, o.ID); !slices.Equal(got, want) {
			t.Fatalf("events %v", got)
		}
	})
	t.Run("unknown order", func(t *testing.T) {
		if _, err := e.Service.StartPayment(orderstest.Ctx(a), "nope", ""); !errors.Is(err, orders.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("another tenant's order", func(t *testing.T) {
		if _, err := e.Service.StartPayment(orderstest.Ctx(b), o.ID, ""); !errors.Is(err, orders.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
}

// SECURITY.md 15: the provider fails, the order waits without a payment,
// and the retry asks with the same idempotence key.
func TestStartPaymentRetriesWithTheSameKey(t *testing.T) {
	e := orderstest.New(t)
	e.Provider = orderstest.FakeName
	o := e.Place(t, a, orderstest.Checkout("+79991234567"))
	e.Fake.FailNext(1)
	_, err := e.Service.StartPayment(orderstest.Ctx(a), o.ID, "https://alpha.example/")
	if !errors.Is(err, orders.ErrPaymentUnavailable) {
		t.Fatalf("err = %v", err)
	}
	waiting, _ := e.Service.Order(orderstest.Ctx(a), o.ID)
	if waiting.Status != orders.StatusPendingPayment || waiting.PaymentURL != "" || waiting.Provider != orderstest.FakeName {
		t.Fatalf("after the failure %+v", waiting)
	}
	got, err := e.Service.StartPayment(orderstest.Ctx(a), o.ID, "https://alpha.example/")
	if err != nil || got.PaymentURL == "" {
		t.Fatalf("retry: %+v, %v", got, err)
	}
	reqs := e.Fake.Requests()
	if len(reqs) != 2 || reqs[0].IdempotenceKey != orders.PaymentKey(o.ID) || reqs[1].IdempotenceKey != reqs[0].IdempotenceKey ||
		reqs[1].Amount != o.Total || reqs[1].Currency != "RUB" || reqs[1].OrderID != o.ID {
		t.Fatalf("requests %+v", reqs)
	}
	if e.Fake.Created() != 1 {
		t.Fatalf("%d payments created", e.Fake.Created())
	}
}

// The sandbox end to end: the page's Pay button settles the payment, the
// sandbox notifies like a bank, the service re-fetches and pays the order,
// the certificate hook runs once; a second submission changes nothing.
func TestSandboxPay(t *testing.T) {
	e := orderstest.New(t)
	var mu sync.Mutex
	var paidOrders []orders.Order
	e.OnPaid = func(_ context.Context, o orders.Order) error {
		mu.Lock()
		paidOrders = append(paidOrders, o)
		mu.Unlock()
		return nil
	}
	o := started(t, e, "+79991234567")
	e.Clock.Advance(3 * time.Minute)
	rec, err := e.Sandbox.Complete(orderstest.Ctx(a), o.ProviderPaymentID, "succeeded")
	if err != nil || rec.Status != orders.PaymentSucceeded {
		t.Fatalf("complete: %+v, %v", rec, err)
	}
	paid, err := e.Service.Order(orderstest.Ctx(a), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	paidAt := orderstest.Start.Add(3 * time.Minute)
	if paid.Status != orders.StatusPaid || paid.PaidAt == nil || !paid.PaidAt.Equal(paidAt) {
		t.Fatalf("order %+v", paid)
	}
	if len(paidOrders) != 1 || paidOrders[0].ID != o.ID || paidOrders[0].Status != orders.StatusPaid {
		t.Fatalf("OnPaid saw %+v", paidOrders)
	}
	want := []string{"placed:>created", "payment_started:created>pending_payment", "payment_succeeded:pending_payment>paid"}
	if got := eventsOf(t, e, o.ID); !slices.Equal(got, want) {
		t.Fatalf("events %v", got)
	}

	t.Run("a second Complete changes nothing", func(t *testing.T) {
		for _, result := range []string{"succeeded", "canceled"} {
			_, err := e.Sandbox.Complete(orderstest.Ctx(a), o.ProviderPaymentID, result)
			if !errors.Is(err, sandbox.ErrCompleted) {
				t.Fatalf("%s: err = %v", result, err)
			}
		}
		if rec, _ := e.Sandbox.Payment(orderstest.Ctx(a), o.ProviderPaymentID); rec.Status != orders.PaymentSucceeded ||
			!rec.CompletedAt.Equal(paidAt) {
			t.Fatalf("payment %+v", rec)
		}
		if got := eventsOf(t, e, o.ID); !slices.Equal(got, want) || e.PaidCalls() != 1 {
			t.Fatalf("events %v, OnPaid %d", got, e.PaidCalls())
		}
	})
	t.Run("paying again is refused", func(t *testing.T) {
		if _, err := e.Service.StartPayment(orderstest.Ctx(a), o.ID, ""); !errors.Is(err, orders.ErrAlreadyPaid) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("bad result", func(t *testing.T) {
		o := started(t, e, "+79991234568")
		if _, err := e.Sandbox.Complete(orderstest.Ctx(a), o.ProviderPaymentID, "maybe"); !errors.Is(err, sandbox.ErrResult) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown payment", func(t *testing.T) {
		if _, err := e.Sandbox.Complete(orderstest.Ctx(a), "nope", "succeeded"); !errors.Is(err, orders.ErrPaymentUnknown) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestSandboxDecline(t *testing.T) {
	e := orderstest.New(t)
	p := e.Promo(t, a, orders.PromoInput{Code: "ONE", Percent: 10, TotalLimit: 1})
	o := started(t, e, "+79991234567", func(in *orders.PlaceInput) { in.PromoCode = "one" })
	if _, err := e.Sandbox.Complete(orderstest.Ctx(a), o.ProviderPaymentID, "canceled"); err != nil {
		t.Fatal(err)
	}
	got, _ := e.Service.Order(orderstest.Ctx(a), o.ID)
	if got.Status != orders.StatusCanceled || got.PaidAt != nil || e.PaidCalls() != 0 {
		t.Fatalf("order %+v, OnPaid %d", got, e.PaidCalls())
	}
	// The promo use is given back: the only use is free again.
	if e.Count(t, "promo_codes", "id = ? AND used = 0", p.ID) != 1 ||
		e.Count(t, "promo_usages", "order_id = ? AND released_at IS NOT NULL", o.ID) != 1 {
		t.Fatal("the promo use was not released")
	}
	started(t, e, "+79991234568", func(in *orders.PlaceInput) { in.PromoCode = "one" })
	if _, err := e.Service.StartPayment(orderstest.Ctx(a), o.ID, ""); !errors.Is(err, orders.ErrNotPayable) {
		t.Fatalf("paying a canceled order: %v", err)
	}
}

// SECURITY.md 17 and 18: twenty deliveries of the one notification of a
// paid payment, at once: the order is paid once and OnPaid runs once.
func TestConcurrentNotificationsPayOnce(t *testing.T) {
	e := orderstest.New(t)
	o := started(t, e, "+79991234567")
	e.Sandbox.Notify = nil // the bank settles; the deliveries come below
	if _, err := e.Sandbox.Complete(orderstest.Ctx(a), o.ProviderPaymentID, "succeeded"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			got, err := e.Service.HandleNotification(orderstest.Ctx(a), sandbox.Name, o.ProviderPaymentID)
			if err != nil || got.Status != orders.StatusPaid {
				t.Errorf("notification: %s, %v", got.Status, err)
			}
		})
	}
	wg.Wait()
	if e.PaidCalls() != 1 {
		t.Fatalf("OnPaid ran %d times", e.PaidCalls())
	}
	if n := e.Count(t, "order_events", "order_id = ? AND event = ?", o.ID, orders.EventPaymentSucceeded); n != 1 {
		t.Fatalf("%d payment_succeeded events", n)
	}
	if errs := e.Logs.Errors(); len(errs) != 0 {
		t.Fatalf("errors logged: %v", errs)
	}
}

// A failing OnPaid (the certificate could not be issued) rolls the move
// back: the order stays pending, and the next delivery pays it.
func TestOnPaidFailureRollsBack(t *testing.T) {
	e := orderstest.New(t)
	o := started(t, e, "+79991234567")
	e.Sandbox.Notify = nil
	if _, err := e.Sandbox.Complete(orderstest.Ctx(a), o.ProviderPaymentID, "succeeded"); err != nil {
		t.Fatal(err)
	}
	e.OnPaid = func(context.Context, orders.Order) error { return errors.New("certificates are down") }
	if _, err := e.Service.HandleNotification(orderstest.Ctx(a), sandbox.Name, o.ProviderPaymentID); err == nil {
		t.Fatal("no error")
	}
	if got, _ := e.Service.Order(orderstest.Ctx(a), o.ID); got.Status != orders.StatusPendingPayment || got.PaidAt != nil {
		t.Fatalf("order %+v", got)
	}
	if n := e.Count(t, "order_events", "order_id = ? AND event = ?", o.ID, orders.EventPaymentSucceeded); n != 0 {
		t.Fatalf("%d events survived the rollback", n)
	}
	e.OnPaid = nil
	if got, err := e.Service.HandleNotification(orderstest.Ctx(a), sandbox.Name, o.ProviderPaymentID); err != nil || got.Status != orders.StatusPaid {
		t.Fatalf("retry: %s, %v", got.Status, err)
	}
}

// Out-of-order and duplicate reports change nothing; money for an order
// that cannot take it is logged loudly and recorded for a human.
func TestOutOfOrderNotifications(t *testing.T) {
	e := orderstest.New(t)
	e.Provider = orderstest.FakeName
	notify := func(t *testing.T, o orders.Order) orders.Order {
		t.Helper()
		got, err := e.Service.HandleNotification(orderstest.Ctx(a), orderstest.FakeName, o.ProviderPaymentID)
		if err != nil {
			t.Fatalf("notification: %v", err)
		}
		return got
	}
	set := func(o orders.Order, s orders.PaymentStatus) {
		e.Fake.Set(o.ProviderPaymentID, func(p *orders.Payment) { p.Status = s })
	}

	t.Run("pending changes nothing", func(t *testing.T) {
		o := started(t, e, "+79991230001")
		if got := notify(t, o); got.Status != orders.StatusPendingPayment {
			t.Fatalf("status %s", got.Status)
		}
	})
	t.Run("canceled after paid changes nothing", func(t *testing.T) {
		o := started(t, e, "+79991230002")
		set(o, orders.PaymentSucceeded)
		notify(t, o)
		set(o, orders.PaymentCanceled)
		if got := notify(t, o); got.Status != orders.StatusPaid {
			t.Fatalf("status %s", got.Status)
		}
		want := []string{"placed:>created", "payment_started:created>pending_payment", "payment_succeeded:pending_payment>paid"}
		if got := eventsOf(t, e, o.ID); !slices.Equal(got, want) {
			t.Fatalf("events %v", got)
		}
	})
	t.Run("canceled twice", func(t *testing.T) {
		o := started(t, e, "+79991230003")
		set(o, orders.PaymentCanceled)
		notify(t, o)
		if got := notify(t, o); got.Status != orders.StatusCanceled || len(eventsOf(t, e, o.ID)) != 3 {
			t.Fatalf("status %s", got.Status)
		}
	})
	// Each case prepares an order and returns the payment the notification
	// names.
	anomalies := []struct {
		name    string
		prepare func(o orders.Order) string
		status  orders.Status
		note    string
	}{
		{"succeeded after canceled", func(o orders.Order) string {
			set(o, orders.PaymentCanceled)
			notify(t, o)
			set(o, orders.PaymentSucceeded)
			return o.ProviderPaymentID
		}, orders.StatusCanceled, "for an order that is canceled"},
		{"succeeded after expired", func(o orders.Order) string {
			e.Clock.Advance(25 * time.Hour)
			if n, err := e.Service.ExpireStale(orderstest.Ctx(a)); err != nil || n < 1 {
				t.Fatalf("expire: %d, %v", n, err)
			}
			set(o, orders.PaymentSucceeded)
			return o.ProviderPaymentID
		}, orders.StatusExpired, "for an order that is expired"},
		{"another amount", func(o orders.Order) string {
			e.Fake.Set(o.ProviderPaymentID, func(p *orders.Payment) { p.Status, p.Amount = orders.PaymentSucceeded, 100 })
			return o.ProviderPaymentID
		}, orders.StatusPendingPayment, "the payment is 100 RUB, the order 54900 RUB"},
		{"a second payment for the order", func(o orders.Order) string {
			other := started(t, e, orderstest.Phone(99))
			e.Fake.Set(other.ProviderPaymentID, func(p *orders.Payment) { p.Status, p.OrderID = orders.PaymentSucceeded, o.ID })
			return other.ProviderPaymentID
		}, orders.StatusPendingPayment, "this is another one"},
	}
	for i, tt := range anomalies {
		t.Run(tt.name, func(t *testing.T) {
			o := started(t, e, orderstest.Phone(10+i))
			o.ProviderPaymentID = tt.prepare(o)
			loud, paid := len(e.Logs.Errors()), e.PaidCalls()
			got := notify(t, o)
			if got.Status != tt.status || e.PaidCalls() != paid {
				t.Fatalf("status %s (want %s), OnPaid %d → %d", got.Status, tt.status, paid, e.PaidCalls())
			}
			if errs := e.Logs.Errors(); len(errs) != loud+1 || !strings.Contains(errs[len(errs)-1], "needs a human") {
				t.Fatalf("errors logged: %v", errs)
			}
			events, _ := e.Service.Events(orderstest.Ctx(a), got.ID)
			last := events[len(events)-1]
			if last.Event != orders.EventAnomaly || last.From != tt.status || last.To != tt.status || !strings.Contains(last.Note, tt.note) {
				t.Fatalf("last event %+v", last)
			}
		})
	}
}

func TestNotificationErrors(t *testing.T) {
	e := orderstest.New(t)
	o := started(t, e, "+79991234567")
	tests := []struct {
		name, provider, payment string
		ctx                     context.Context
		want                    error
	}{
		{"unknown provider", "paypal", o.ProviderPaymentID, orderstest.Ctx(a), orders.ErrProviderUnknown},
		{"unknown payment", sandbox.Name, "nope", orderstest.Ctx(a), orders.ErrPaymentUnknown},
		{"empty payment", sandbox.Name, "", orderstest.Ctx(a), orders.ErrPaymentUnknown},
		{"another tenant's payment", sandbox.Name, o.ProviderPaymentID, orderstest.Ctx(b), orders.ErrPaymentUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.Service.HandleNotification(tt.ctx, tt.provider, tt.payment); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("a payment whose order is unknown", func(t *testing.T) {
		e.Provider = orderstest.FakeName
		o := started(t, e, "+79991234568")
		e.Fake.Set(o.ProviderPaymentID, func(p *orders.Payment) { p.OrderID, p.Status = "nope", orders.PaymentSucceeded })
		if _, err := e.Service.HandleNotification(orderstest.Ctx(a), orderstest.FakeName, o.ProviderPaymentID); !errors.Is(err, orders.ErrPaymentUnknown) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestExpireStale(t *testing.T) {
	e := orderstest.New(t)
	e.Promo(t, a, orders.PromoInput{Code: "HOLD", Percent: 10, TotalLimit: 10})
	withPromo := func(in *orders.PlaceInput) { in.PromoCode = "hold" }
	ctx := orderstest.Ctx(a)

	unstarted := e.Place(t, a, func() orders.PlaceInput { in := orderstest.Checkout("+79991230001"); withPromo(&in); return in }())
	waiting := started(t, e, "+79991230002", withPromo) // the bank still waits
	settled := started(t, e, "+79991230003", withPromo) // paid, notification lost
	e.Sandbox.Notify = nil
	if _, err := e.Sandbox.Complete(ctx, settled.ProviderPaymentID, "succeeded"); err != nil {
		t.Fatal(err)
	}
	other := e.Place(t, b, orderstest.Checkout("+79991230004")) // another tenant's

	check := func(t *testing.T, want map[string]orders.Status) {
		t.Helper()
		for id, status := range want {
			got, err := e.Store.Order(orderstest.Ctx(a), id)
			if err != nil {
				got, err = e.Store.Order(orderstest.Ctx(b), id)
			}
			if err != nil || got.Status != status {
				t.Errorf("order %s: %s, %v; want %s", id, got.Status, err, status)
			}
		}
	}
	expire := func(t *testing.T, want int) {
		t.Helper()
		if n, err := e.Service.ExpireStale(ctx); err != nil || n != want {
			t.Fatalf("ExpireStale = %d, %v; want %d", n, err, want)
		}
	}

	e.Clock.Advance(59 * time.Minute)
	expire(t, 0)
	check(t, map[string]orders.Status{unstarted.ID: orders.StatusCreated, waiting.ID: orders.StatusPendingPayment})

	e.Clock.Advance(2 * time.Minute) // past CreatedTTL
	expire(t, 1)
	check(t, map[string]orders.Status{unstarted.ID: orders.StatusExpired, waiting.ID: orders.StatusPendingPayment,
		settled.ID: orders.StatusPendingPayment, other.ID: orders.StatusCreated})
	if e.Count(t, "promo_usages", "order_id = ? AND released_at IS NOT NULL", unstarted.ID) != 1 {
		t.Fatal("the expired order's promo use was not released")
	}

	e.Clock.Advance(24 * time.Hour) // past PendingTTL
	expire(t, 1)
	check(t, map[string]orders.Status{waiting.ID: orders.StatusExpired, settled.ID: orders.StatusPaid, other.ID: orders.StatusCreated})
	if e.PaidCalls() != 1 {
		t.Fatalf("OnPaid ran %d times", e.PaidCalls())
	}
	if e.Count(t, "promo_codes", "tenant_id = ? AND used = 1", a) != 1 {
		t.Fatal("the promo counter should hold only the paid order's use")
	}
	expire(t, 0)

	t.Run("reconcile pays a lost notification", func(t *testing.T) {
		o := started(t, e, "+79991230005")
		if _, err := e.Sandbox.Complete(ctx, o.ProviderPaymentID, "succeeded"); err != nil {
			t.Fatal(err)
		}
		if got, err := e.Service.Reconcile(ctx, o.ID); err != nil || got.Status != orders.StatusPaid {
			t.Fatalf("reconcile: %s, %v", got.Status, err)
		}
	})
}
