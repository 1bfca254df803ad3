package orders

import (
	"context"

	"github.com/consult/platform/core/platform/tenancy"
)

// expireBatch bounds the orders one ExpireStale call looks at per status.
const expireBatch = 100

// ExpireStale expires the tenant's orders that were not paid in time and
// gives their promo uses back, and returns how many it expired. Run it
// periodically for every tenant.
//
//   - created for longer than CreatedTTL: the customer never went to pay.
//   - pending_payment for longer than PendingTTL: the provider is asked
//     first; a payment it settled is applied as a notification would be
//     (a late success pays the order), and only a payment still pending —
//     or none, when its creation failed — expires the order.
//
// A provider that cannot be asked leaves the order for the next run.
func (s *Service) ExpireStale(ctx context.Context) (int, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return 0, err
	}
	now := s.now()
	expired := 0
	created, err := s.store.StaleOrders(ctx, StatusCreated, now.Add(-s.cfg.CreatedTTL), expireBatch)
	if err != nil {
		return 0, err
	}
	pending, err := s.store.StaleOrders(ctx, StatusPendingPayment, now.Add(-s.cfg.PendingTTL), expireBatch)
	if err != nil {
		return 0, err
	}
	for _, o := range append(created, pending...) {
		if o.ProviderPaymentID != "" {
			prov, ok := s.providers[o.Provider]
			if !ok {
				s.log.Error("orders: cannot expire an order whose provider is not running", "order", o.ID, "provider", o.Provider)
				continue
			}
			p, err := s.fetch(ctx, prov, o.ProviderPaymentID)
			if err != nil {
				s.log.Warn("orders: stale order left for the next run", "order", o.ID, "err", err)
				continue
			}
			if p.Status != PaymentPending {
				if _, err := s.apply(ctx, prov.Name(), p); err != nil {
					return expired, err
				}
				continue
			}
		}
		ok, err := s.expire(ctx, o)
		if err != nil {
			return expired, err
		}
		if ok {
			expired++
		}
	}
	return expired, nil
}

// expire moves one order to expired and releases its promo use, in one
// transaction; false when the order moved on meanwhile.
func (s *Service) expire(ctx context.Context, o Order) (bool, error) {
	var moved bool
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		now := s.now()
		ok, err := s.store.Transition(ctx, Transition{OrderID: o.ID, From: o.Status, To: StatusExpired, Event: EventExpire, At: now})
		if err != nil || !ok {
			return err
		}
		moved = true
		_, err = s.store.ReleasePromo(ctx, o.ID, now)
		return err
	})
	return moved, err
}
