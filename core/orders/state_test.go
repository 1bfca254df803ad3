package orders_test

import (
	"testing"

	"github.com/consult/platform/core/orders"
)

// Every status × every event: the moves the machine allows, and nothing
// else. Whatever is not listed leaves the order where it is, which is how
// duplicate and out-of-order reports change nothing.
func TestStateMachine(t *testing.T) {
	const (
		created  = orders.StatusCreated
		pending  = orders.StatusPendingPayment
		paid     = orders.StatusPaid
		canceled = orders.StatusCanceled
		expired  = orders.StatusExpired
		refunded = orders.StatusRefunded
	)
	allowed := map[orders.Status]map[orders.Event]orders.Status{
		created: {orders.EventStartPayment: pending, orders.EventExpire: expired},
		pending: {orders.EventPaymentSucceeded: paid, orders.EventPaymentCanceled: canceled, orders.EventExpire: expired},
		paid:    {orders.EventRefund: refunded},
	}
	for _, from := range orders.Statuses() {
		for _, ev := range orders.Events() {
			t.Run(string(from)+"/"+string(ev), func(t *testing.T) {
				want, wantOK := allowed[from][ev]
				got, ok := orders.Next(from, ev)
				if ok != wantOK || got != want {
					t.Fatalf("Next(%s, %s) = %q, %v; want %q, %v", from, ev, got, ok, want, wantOK)
				}
			})
		}
	}
	t.Run("terminal statuses have no way out", func(t *testing.T) {
		for _, s := range []orders.Status{canceled, expired, refunded} {
			for _, ev := range append(orders.Events(), orders.EventPlaced, orders.EventAnomaly) {
				if to, ok := orders.Next(s, ev); ok {
					t.Errorf("%s --%s--> %s", s, ev, to)
				}
			}
		}
	})
	t.Run("placed and anomaly never move an order", func(t *testing.T) {
		for _, s := range orders.Statuses() {
			for _, ev := range []orders.Event{orders.EventPlaced, orders.EventAnomaly} {
				if _, ok := orders.Next(s, ev); ok {
					t.Errorf("%s moves on %s", s, ev)
				}
			}
		}
	})
}
