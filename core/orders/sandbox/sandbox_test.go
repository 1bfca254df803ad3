package sandbox_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/orders/orderstest"
	"github.com/consult/platform/core/orders/sandbox"
	"github.com/consult/platform/core/platform/errs"
)

const (
	a = orderstest.TenantA
	b = orderstest.TenantB
)

func request(orderID string) orders.PaymentRequest {
	return orders.PaymentRequest{OrderID: orderID, Amount: 54900, Currency: "RUB", Description: "Заказ 1",
		ReturnURL: "https://alpha.example/orders/" + orderID, IdempotenceKey: orders.PaymentKey(orderID)}
}

func TestCreatePayment(t *testing.T) {
	e := orderstest.New(t)
	ctx := orderstest.Ctx(a)
	p, err := e.Sandbox.CreatePayment(ctx, request("o1"))
	if err != nil {
		t.Fatal(err)
	}
	if p.ProviderPaymentID == "" || p.ConfirmationURL != sandbox.PagePrefix+p.ProviderPaymentID ||
		p.Status != orders.PaymentPending || p.OrderID != "o1" || p.Amount != 54900 || p.Currency != "RUB" {
		t.Fatalf("payment %+v", p)
	}
	got, err := e.Sandbox.GetPayment(ctx, p.ProviderPaymentID)
	if err != nil || got != p {
		t.Fatalf("get %+v, %v", got, err)
	}
	t.Run("the same key returns the same payment", func(t *testing.T) {
		again, err := e.Sandbox.CreatePayment(ctx, request("o1"))
		if err != nil || again != p {
			t.Fatalf("again %+v, %v", again, err)
		}
	})
	t.Run("the same key for another payment is refused", func(t *testing.T) {
		req := request("o1")
		req.Amount = 100
		if _, err := e.Sandbox.CreatePayment(ctx, req); err == nil {
			t.Fatal("accepted")
		}
	})
	t.Run("parallel requests with one key make one payment", func(t *testing.T) {
		var wg sync.WaitGroup
		ids := make([]string, 10)
		for i := range ids {
			wg.Go(func() {
				p, err := e.Sandbox.CreatePayment(ctx, request("o2"))
				if err != nil {
					t.Errorf("create: %v", err)
				}
				ids[i] = p.ProviderPaymentID
			})
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] || id == "" {
				t.Fatalf("ids %v", ids)
			}
		}
		if n := e.Count(t, "sandbox_payments", "order_id = 'o2'"); n != 1 {
			t.Fatalf("%d payments", n)
		}
	})
	t.Run("bad requests", func(t *testing.T) {
		for name, change := range map[string]func(*orders.PaymentRequest){
			"no order":    func(r *orders.PaymentRequest) { r.OrderID = "" },
			"no key":      func(r *orders.PaymentRequest) { r.IdempotenceKey = "" },
			"zero amount": func(r *orders.PaymentRequest) { r.Amount = 0 },
			"currency":    func(r *orders.PaymentRequest) { r.Currency = "rub" },
		} {
			req := request("o3")
			change(&req)
			if _, err := e.Sandbox.CreatePayment(ctx, req); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
	})
	t.Run("unknown payment", func(t *testing.T) {
		if _, err := e.Sandbox.GetPayment(ctx, "nope"); !errors.Is(err, orders.ErrPaymentUnknown) {
			t.Fatalf("err = %v", err)
		}
	})
}

// Every method in tenant b neither sees nor settles tenant a's payment,
// and the idempotence key is per tenant.
func TestTenantIsolation(t *testing.T) {
	e := orderstest.New(t)
	p, err := e.Sandbox.CreatePayment(orderstest.Ctx(a), request("o1"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := orderstest.Ctx(b)
	if _, err := e.Sandbox.GetPayment(ctx, p.ProviderPaymentID); !errors.Is(err, orders.ErrPaymentUnknown) {
		t.Errorf("GetPayment: %v", err)
	}
	if _, err := e.Sandbox.Payment(ctx, p.ProviderPaymentID); !errors.Is(err, orders.ErrPaymentUnknown) {
		t.Errorf("Payment: %v", err)
	}
	if _, err := e.Sandbox.Complete(ctx, p.ProviderPaymentID, "succeeded"); !errors.Is(err, orders.ErrPaymentUnknown) {
		t.Errorf("Complete: %v", err)
	}
	if own, err := e.Sandbox.CreatePayment(ctx, request("o1")); err != nil || own.ProviderPaymentID == p.ProviderPaymentID {
		t.Errorf("CreatePayment: %+v, %v", own, err)
	}
	if got, _ := e.Sandbox.GetPayment(orderstest.Ctx(a), p.ProviderPaymentID); got.Status != orders.PaymentPending {
		t.Errorf("tenant a's payment is %s", got.Status)
	}
	for name, call := range map[string]func() error{
		"CreatePayment": func() error { _, err := e.Sandbox.CreatePayment(t.Context(), request("x")); return err },
		"GetPayment":    func() error { _, err := e.Sandbox.GetPayment(t.Context(), "x"); return err },
		"Complete":      func() error { _, err := e.Sandbox.Complete(t.Context(), "x", "succeeded"); return err },
	} {
		if err := call(); !errors.Is(err, errs.ErrTenantMissing) {
			t.Errorf("%s without a tenant: %v", name, err)
		}
	}
}

// Twenty submissions of the page at once settle the payment once and
// notify once; the notification runs after the commit, so the checkout's
// re-fetch sees the settled payment.
func TestCompleteOnce(t *testing.T) {
	e := orderstest.New(t)
	ctx := orderstest.Ctx(a)
	p, err := e.Sandbox.CreatePayment(ctx, request("o1"))
	if err != nil {
		t.Fatal(err)
	}
	var notified atomic.Int32
	e.Sandbox.Notify = func(ctx context.Context, provider, id string) error {
		notified.Add(1)
		seen, err := e.Sandbox.GetPayment(ctx, id)
		if err != nil || seen.Status == orders.PaymentPending || provider != sandbox.Name {
			t.Errorf("notified %s about %+v, %v", provider, seen, err)
		}
		return nil
	}
	var (
		wg        sync.WaitGroup
		done, dup atomic.Int32
	)
	for i := range 20 {
		wg.Go(func() {
			result := "succeeded"
			if i%2 == 1 {
				result = "canceled"
			}
			_, err := e.Sandbox.Complete(ctx, p.ProviderPaymentID, result)
			switch {
			case err == nil:
				done.Add(1)
			case errors.Is(err, sandbox.ErrCompleted):
				dup.Add(1)
			default:
				t.Errorf("complete: %v", err)
			}
		})
	}
	wg.Wait()
	if done.Load() != 1 || dup.Load() != 19 || notified.Load() != 1 {
		t.Fatalf("settled %d, refused %d, notified %d", done.Load(), dup.Load(), notified.Load())
	}
}

func TestCompleteReportsARefusedNotification(t *testing.T) {
	e := orderstest.New(t)
	ctx := orderstest.Ctx(a)
	p, err := e.Sandbox.CreatePayment(ctx, request("o1"))
	if err != nil {
		t.Fatal(err)
	}
	e.Sandbox.Notify = func(context.Context, string, string) error { return errors.New("shop is down") }
	rec, err := e.Sandbox.Complete(ctx, p.ProviderPaymentID, "succeeded")
	if err == nil || !strings.Contains(err.Error(), "shop is down") || rec.Status != orders.PaymentSucceeded {
		t.Fatalf("%+v, %v", rec, err)
	}
	if got, _ := e.Sandbox.GetPayment(ctx, p.ProviderPaymentID); got.Status != orders.PaymentSucceeded {
		t.Fatalf("payment is %s", got.Status)
	}
}

// The sandbox flow end to end through the checkout: place with a promo,
// start the payment, open the page, pay; the order is paid and the
// certificate hook ran once.
func TestThroughTheCheckout(t *testing.T) {
	e := orderstest.New(t)
	e.Promo(t, a, orders.PromoInput{Code: "HALF", Percent: 50})
	ctx := orderstest.Ctx(a)
	in := orderstest.Checkout("+79991234567")
	in.PromoCode, in.ReceiptEmail = "half", "ivan@example.ru"
	o := e.Place(t, a, in)
	o, err := e.Service.StartPayment(ctx, o.ID, "https://alpha.example/orders/"+o.ID)
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimPrefix(o.PaymentURL, sandbox.PagePrefix)
	page, err := e.Sandbox.Payment(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if page.Amount != 27450 || page.Status != orders.PaymentPending || !strings.Contains(page.Description, o.Number) {
		t.Fatalf("page %+v", page)
	}
	if _, err := e.Sandbox.Complete(ctx, id, "succeeded"); err != nil {
		t.Fatal(err)
	}
	paid, err := e.Service.Order(ctx, o.ID)
	if err != nil || paid.Status != orders.StatusPaid || paid.Total != 27450 || e.PaidCalls() != 1 {
		t.Fatalf("order %+v, %v; OnPaid %d", paid, err, e.PaidCalls())
	}
}
