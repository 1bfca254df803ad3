package ordersdb_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/orders/orderstest"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/errs"
)

const (
	a = orderstest.TenantA
	b = orderstest.TenantB
)

// fixture is one tenant's order with a promo use, a started payment and
// history.
type fixture struct {
	order orders.Order
	promo orders.Promo
}

func setup(t *testing.T, e *orderstest.Env, tenant string) fixture {
	t.Helper()
	p := e.Promo(t, tenant, orders.PromoInput{Code: "SHARED", Percent: 10, TotalLimit: 5})
	in := orderstest.Checkout("+79991234567")
	in.PromoCode, in.IdempotencyKey = "shared", "shared-key-0001"
	o := e.Place(t, tenant, in)
	o, err := e.Service.StartPayment(orderstest.Ctx(tenant), o.ID, "https://x.example/")
	if err != nil {
		t.Fatal(err)
	}
	return fixture{order: o, promo: p}
}

// Every store method, called in tenant b, neither sees nor changes tenant
// a's rows (SECURITY.md 12); on PostgreSQL row-level security backs the
// WHERE clauses, on SQLite they are the only wall.
func TestTenantIsolation(t *testing.T) {
	e := orderstest.New(t)
	fa := setup(t, e, a)
	s, ctx := e.Store, orderstest.Ctx(b)
	now := orderstest.Start.Add(time.Hour)
	snapshot := func() string {
		var out string
		for _, table := range orderstest.Tables {
			var rows []map[string]any
			if err := e.DB.NewSelect().TableExpr(table).Where("tenant_id = ?", a).OrderExpr("1, 2").Scan(context.Background(), &rows); err != nil {
				t.Fatal(err)
			}
			out += fmt.Sprint(table, rows)
		}
		return out
	}
	before := snapshot()

	tests := []struct {
		name string
		call func() error // nil when b saw and changed nothing of a's
	}{
		{"Order", func() error { return want(s.Order(ctx, fa.order.ID))(orders.ErrNotFound) }},
		{"OrderByKey", func() error { return want(s.OrderByKey(ctx, fa.order.IdempotencyKey))(orders.ErrNotFound) }},
		{"NumberTaken", func() error { return falseOK(s.NumberTaken(ctx, fa.order.Number)) }},
		{"Transition", func() error {
			return falseOK(s.Transition(ctx, orders.Transition{OrderID: fa.order.ID, From: orders.StatusPendingPayment,
				To: orders.StatusPaid, Event: orders.EventPaymentSucceeded, At: now, PaymentID: fa.order.ProviderPaymentID}))
		}},
		{"SetPayment", func() error { return falseOK(s.SetPayment(ctx, fa.order.ID, "p2", "u", now)) }},
		{"RecordEvent", func() error {
			// b has no such order: the composite foreign key refuses it.
			if err := s.RecordEvent(ctx, orders.OrderEvent{ID: "ev-b", OrderID: fa.order.ID, Event: orders.EventAnomaly, At: now}); err == nil {
				return errors.New("recorded an event on another tenant's order")
			}
			return nil
		}},
		{"Events", func() error { return empty(s.Events(ctx, fa.order.ID)) }},
		{"StaleOrders", func() error { return empty(s.StaleOrders(ctx, orders.StatusPendingPayment, now.Add(time.Hour), 10)) }},
		{"Promo", func() error { return want(s.Promo(ctx, fa.promo.ID))(orders.ErrPromoNotFound) }},
		{"PromoByCode", func() error { return want(s.PromoByCode(ctx, "SHARED", false))(orders.ErrPromoNotFound) }},
		{"PromoByCode locking", func() error {
			return s.InTx(ctx, func(ctx context.Context) error {
				return want(s.PromoByCode(ctx, "SHARED", true))(orders.ErrPromoNotFound)
			})
		}},
		{"Promos", func() error { return empty(s.Promos(ctx)) }},
		{"DisablePromo", func() error {
			if err := s.DisablePromo(ctx, fa.promo.ID, now); !errors.Is(err, orders.ErrPromoNotFound) {
				return fmt.Errorf("err = %v", err)
			}
			return nil
		}},
		{"CustomerUses", func() error {
			n, err := s.CustomerUses(ctx, fa.promo.ID, fa.order.Phone)
			if err != nil || n != 0 {
				return fmt.Errorf("%d, %v", n, err)
			}
			return nil
		}},
		{"UsePromo", func() error {
			return falseOK(s.UsePromo(ctx, orders.PromoUse{PromoID: fa.promo.ID, OrderID: fa.order.ID, Customer: "+79990000000", At: now}))
		}},
		{"ReleasePromo", func() error { return falseOK(s.ReleasePromo(ctx, fa.order.ID, now)) }},
		{"CreatePromo with a's code", func() error {
			// Codes are per tenant: b may have its own SHARED.
			return s.CreatePromo(ctx, orders.Promo{ID: "promo-b", Code: "shared", Kind: orders.PromoPercent, Percent: 5, CreatedAt: now})
		}},
		{"CreateOrder with a's key and number", func() error {
			o := fa.order
			o.ID, o.PromoID, o.PromoCode, o.Status, o.Provider, o.ProviderPaymentID, o.PaymentURL = "order-b", "", "", orders.StatusCreated, "", "", ""
			return s.CreateOrder(ctx, o)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
		})
	}
	if after := snapshot(); after != before {
		t.Fatalf("tenant a's rows changed:\n%s\n%s", before, after)
	}
	if got, err := s.Order(orderstest.Ctx(b), "order-b"); err != nil || got.Number != fa.order.Number {
		t.Fatalf("b's own order: %+v, %v", got, err)
	}
}

// want checks that a lookup failed with the sentinel.
func want[T any](_ T, err error) func(error) error {
	return func(sentinel error) error {
		if !errors.Is(err, sentinel) {
			return fmt.Errorf("err = %v, want %v", err, sentinel)
		}
		return nil
	}
}

func falseOK(ok bool, err error) error {
	if err != nil || ok {
		return fmt.Errorf("%v, %v; want false, nil", ok, err)
	}
	return nil
}

func empty[T any](list []T, err error) error {
	if err != nil || len(list) != 0 {
		return fmt.Errorf("%v, %v; want nothing", list, err)
	}
	return nil
}

func TestTenantMissing(t *testing.T) {
	e := orderstest.New(t)
	s, ctx := e.Store, t.Context()
	now := orderstest.Start
	calls := map[string]func() error{
		"InTx":         func() error { return s.InTx(ctx, func(context.Context) error { return nil }) },
		"CreateOrder":  func() error { return s.CreateOrder(ctx, orders.Order{}) },
		"Order":        func() error { _, err := s.Order(ctx, "x"); return err },
		"OrderByKey":   func() error { _, err := s.OrderByKey(ctx, "x"); return err },
		"NumberTaken":  func() error { _, err := s.NumberTaken(ctx, "x"); return err },
		"Transition":   func() error { _, err := s.Transition(ctx, orders.Transition{}); return err },
		"SetPayment":   func() error { _, err := s.SetPayment(ctx, "x", "p", "u", now); return err },
		"RecordEvent":  func() error { return s.RecordEvent(ctx, orders.OrderEvent{}) },
		"Events":       func() error { _, err := s.Events(ctx, "x"); return err },
		"StaleOrders":  func() error { _, err := s.StaleOrders(ctx, orders.StatusCreated, now, 1); return err },
		"CreatePromo":  func() error { return s.CreatePromo(ctx, orders.Promo{}) },
		"Promo":        func() error { _, err := s.Promo(ctx, "x"); return err },
		"PromoByCode":  func() error { _, err := s.PromoByCode(ctx, "X", true); return err },
		"Promos":       func() error { _, err := s.Promos(ctx); return err },
		"DisablePromo": func() error { return s.DisablePromo(ctx, "x", now) },
		"CustomerUses": func() error { _, err := s.CustomerUses(ctx, "x", "y"); return err },
		"UsePromo":     func() error { _, err := s.UsePromo(ctx, orders.PromoUse{}); return err },
		"ReleasePromo": func() error { _, err := s.ReleasePromo(ctx, "x", now); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, errs.ErrTenantMissing) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// The guarded UPDATE at the heart of every move, for every status × every
// move of the machine: it changes the order only from the move's own
// status, and records exactly one event when it does.
func TestTransitionIsGuarded(t *testing.T) {
	e := orderstest.New(t)
	type move struct {
		from, to orders.Status
		ev       orders.Event
	}
	var moves []move
	for _, from := range orders.Statuses() {
		for _, ev := range orders.Events() {
			if to, ok := orders.Next(from, ev); ok {
				moves = append(moves, move{from, to, ev})
			}
		}
	}
	for i, status := range orders.Statuses() {
		o := e.Place(t, a, orderstest.Checkout(orderstest.Phone(i)))
		if _, err := e.DB.NewUpdate().Table("orders").Set("status = ?", string(status)).
			Set("paid_at = ?", paidAt(status)).Where("id = ?", o.ID).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, m := range moves {
			t.Run(fmt.Sprintf("%s/%s→%s", status, m.from, m.to), func(t *testing.T) {
				err := e.Store.InTx(orderstest.Ctx(a), func(ctx context.Context) error {
					events := e.Count(t, "order_events", "order_id = ?", o.ID)
					moved, err := e.Store.Transition(ctx, orders.Transition{OrderID: o.ID, From: m.from, To: m.to, Event: m.ev,
						At: orderstest.Start.Add(time.Minute)})
					if err != nil {
						return err
					}
					got, err := e.Store.Order(ctx, o.ID)
					if err != nil {
						return err
					}
					wantStatus, wantEvents := status, events
					if status == m.from {
						wantStatus, wantEvents = m.to, events+1
					}
					if moved != (status == m.from) || got.Status != wantStatus {
						t.Errorf("moved %v, status %s; want %v, %s", moved, got.Status, status == m.from, wantStatus)
					}
					if n, err := countIn(ctx, e, o.ID); err != nil || n != wantEvents {
						t.Errorf("%d events, want %d (%v)", n, wantEvents, err)
					}
					return errRollback
				})
				if !errors.Is(err, errRollback) {
					t.Fatal(err)
				}
			})
		}
	}
}

var errRollback = errors.New("roll back")

func paidAt(s orders.Status) any {
	if s == orders.StatusPaid || s == orders.StatusRefunded {
		return orderstest.Start
	}
	return nil
}

// countIn counts an order's events inside the test's transaction.
func countIn(ctx context.Context, e *orderstest.Env, orderID string) (int, error) {
	events, err := e.Store.Events(ctx, orderID)
	return len(events), err
}

// A payment id guards the move: an order that has a payment does not take
// another one's report.
func TestTransitionKeepsThePayment(t *testing.T) {
	e := orderstest.New(t)
	ctx := orderstest.Ctx(a)
	o := e.Place(t, a, orderstest.Checkout("+79991234567"))
	start := orders.Transition{OrderID: o.ID, From: orders.StatusCreated, To: orders.StatusPendingPayment,
		Event: orders.EventStartPayment, At: orderstest.Start, Provider: "fake"}
	if ok, err := e.Store.Transition(ctx, start); !ok || err != nil {
		t.Fatalf("start: %v, %v", ok, err)
	}
	if ok, err := e.Store.SetPayment(ctx, o.ID, "pay-1", "https://bank/1", orderstest.Start); !ok || err != nil {
		t.Fatalf("set payment: %v, %v", ok, err)
	}
	if ok, err := e.Store.SetPayment(ctx, o.ID, "pay-2", "https://bank/2", orderstest.Start); ok || err != nil {
		t.Fatalf("second payment: %v, %v", ok, err)
	}
	pay := orders.Transition{OrderID: o.ID, From: orders.StatusPendingPayment, To: orders.StatusPaid,
		Event: orders.EventPaymentSucceeded, At: orderstest.Start, PaymentID: "pay-2"}
	if ok, err := e.Store.Transition(ctx, pay); ok || err != nil {
		t.Fatalf("paid by another payment: %v, %v", ok, err)
	}
	pay.PaymentID = "pay-1"
	if ok, err := e.Store.Transition(ctx, pay); !ok || err != nil {
		t.Fatalf("paid: %v, %v", ok, err)
	}
	got, _ := e.Store.Order(ctx, o.ID)
	if got.Status != orders.StatusPaid || got.ProviderPaymentID != "pay-1" || got.PaymentURL != "https://bank/1" ||
		got.PaidAt == nil || got.Provider != "fake" {
		t.Fatalf("order %+v", got)
	}
}

func TestPromoStore(t *testing.T) {
	e := orderstest.New(t)
	ctx := orderstest.Ctx(a)
	first := e.Promo(t, a, orders.PromoInput{Code: "First", Amount: 5000, ValidFrom: "2026-01-01", ValidUntil: "2026-12-31",
		TotalLimit: 2, PerCustomerLimit: 1, Targets: []orders.PromoTarget{{OfferID: orderstest.OfferRetail, PackageCode: orderstest.PackageDiet}}})
	e.Clock.Advance(time.Second)
	second := e.Promo(t, a, orders.PromoInput{Code: "SECOND", Percent: 15})

	got, err := e.Store.PromoByCode(ctx, "FIRST", false)
	if err != nil || !reflect.DeepEqual(got, first) {
		t.Fatalf("by code\n%+v, %v\nwant\n%+v", got, err, first)
	}
	list, err := e.Service.Promos(ctx)
	if err != nil || len(list) != 2 || list[0].ID != second.ID || list[1].ID != first.ID {
		t.Fatalf("promos %+v, %v", list, err)
	}
	t.Run("the code is unique in any case", func(t *testing.T) {
		if _, err := e.Service.CreatePromo(ctx, orders.PromoInput{Code: "first", Percent: 1}); !errors.Is(err, orders.ErrPromoCodeTaken) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("disable keeps the first time", func(t *testing.T) {
		p, err := e.Service.DisablePromo(ctx, second.ID)
		if err != nil || p.DisabledAt == nil {
			t.Fatalf("%+v, %v", p, err)
		}
		e.Clock.Advance(time.Hour)
		again, err := e.Service.DisablePromo(ctx, second.ID)
		if err != nil || !again.DisabledAt.Equal(*p.DisabledAt) {
			t.Fatalf("%+v, %v", again, err)
		}
		if _, err := e.Service.DisablePromo(ctx, "nope"); !errors.Is(err, orders.ErrPromoNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("uses are counted and released once", func(t *testing.T) {
		o := e.Place(t, a, orderstest.Checkout("+79991234567"))
		use := orders.PromoUse{PromoID: first.ID, OrderID: o.ID, Customer: o.Phone, At: orderstest.Start}
		if ok, err := e.Store.UsePromo(ctx, use); !ok || err != nil {
			t.Fatalf("use: %v, %v", ok, err)
		}
		check := func(t *testing.T, used, customer int) {
			t.Helper()
			p, err := e.Store.Promo(ctx, first.ID)
			if err != nil || p.Used != used {
				t.Fatalf("used %d, %v; want %d", p.Used, err, used)
			}
			if n, err := e.Store.CustomerUses(ctx, first.ID, o.Phone); err != nil || n != customer {
				t.Fatalf("customer uses %d, %v; want %d", n, err, customer)
			}
		}
		check(t, 1, 1)
		var released []bool
		for range 2 {
			ok, err := e.Store.ReleasePromo(ctx, o.ID, orderstest.Start)
			if err != nil {
				t.Fatal(err)
			}
			released = append(released, ok)
		}
		if fmt.Sprint(released) != "[true false]" {
			t.Fatalf("released %v", released)
		}
		check(t, 0, 0)
		if ok, err := e.Store.ReleasePromo(ctx, "no-such-order", orderstest.Start); ok || err != nil {
			t.Fatalf("release without a use: %v, %v", ok, err)
		}
	})
	t.Run("the guarded counter stops at the limit", func(t *testing.T) {
		var ids []string
		for i := range 3 {
			ids = append(ids, e.Place(t, a, orderstest.Checkout(orderstest.Phone(i))).ID)
		}
		var got []bool
		for i, id := range ids {
			ok, err := e.Store.UsePromo(ctx, orders.PromoUse{PromoID: first.ID, OrderID: id, Customer: orderstest.Phone(i), At: orderstest.Start})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ok)
		}
		if fmt.Sprint(got) != "[true true false]" {
			t.Fatalf("uses %v", got)
		}
		if ok, _ := e.Store.UsePromo(ctx, orders.PromoUse{PromoID: second.ID, OrderID: ids[2], Customer: "x", At: orderstest.Start}); ok {
			t.Fatal("a disabled promo counted a use")
		}
	})
}

// TestRowLevelSecurity runs raw queries that forget their WHERE inside
// tenant b's scope. On PostgreSQL the policies hide tenant a's rows and
// refuse to write one; on SQLite nothing does, which is why the store's own
// tenant_id = ? (TestTenantIsolation) is mandatory on both.
func TestRowLevelSecurity(t *testing.T) {
	e := orderstest.New(t)
	setup(t, e, a)
	o := e.Place(t, a, orderstest.Checkout("+79991234568"))
	pg := e.DB.Dialect == db.Postgres
	for _, table := range orderstest.Tables {
		t.Run(table, func(t *testing.T) {
			owned := e.Count(t, table, "tenant_id = ?", a)
			if owned == 0 {
				t.Fatalf("the fixture has no %s row of tenant a", table)
			}
			var seen int
			err := e.DB.Tenant(orderstest.Ctx(b), func(ctx context.Context, q bun.IDB) error {
				return q.NewRaw("SELECT count(*) FROM ?", bun.Ident(table)).Scan(ctx, &seen)
			})
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 0, false: owned}[pg]; seen != want {
				t.Fatalf("tenant b sees %d rows of %s, want %d", seen, table, want)
			}
		})
	}
	t.Run("writing another tenant's row", func(t *testing.T) {
		err := e.DB.Tenant(orderstest.Ctx(b), func(ctx context.Context, q bun.IDB) error {
			res, err := q.NewRaw("UPDATE orders SET status = 'paid', paid_at = ? WHERE id = ?", orderstest.Start, o.ID).Exec(ctx)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); pg && n != 0 {
				return fmt.Errorf("updated %d rows of tenant a", n)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
	})
}
