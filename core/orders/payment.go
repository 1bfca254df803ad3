package orders

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/consult/platform/core/platform/i18n"
	"github.com/consult/platform/core/platform/tenancy"
)

// Order returns one of the tenant's orders; ErrNotFound when there is none.
// Who may see it (its buyer, the tenant's staff) is the caller's check.
func (s *Service) Order(ctx context.Context, id string) (Order, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return Order{}, err
	}
	return s.store.Order(ctx, id)
}

// Events returns an order's history, oldest first.
func (s *Service) Events(ctx context.Context, orderID string) ([]OrderEvent, error) {
	if _, err := s.Order(ctx, orderID); err != nil {
		return nil, err
	}
	return s.store.Events(ctx, orderID)
}

// StartPayment sends the customer to pay an order: created moves to
// pending_payment, the tenant's provider creates the payment (with the
// order's idempotence key, SECURITY.md 15), and the order keeps the
// provider's payment id and confirmation URL, which the returned order's
// PaymentURL holds. Called again for an order already waiting, it returns
// the same URL; after a failure half-way it asks the provider again with
// the same key, which answers with the same payment.
//
// The move to pending_payment is made before the provider is called, so a
// notification that overtakes our own bookkeeping still finds the order
// waiting for a payment. No transaction is open during the call.
//
// Errors: ErrNotFound, ErrAlreadyPaid, ErrNotPayable (canceled, expired),
// ErrPaymentUnavailable when the provider fails (try again).
func (s *Service) StartPayment(ctx context.Context, orderID, returnURL string) (Order, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Order{}, err
	}
	o, err := s.store.Order(ctx, orderID)
	if err != nil {
		return Order{}, err
	}
	if o.Status == StatusCreated {
		prov, err := s.provider(tenantID)
		if err != nil {
			return Order{}, err
		}
		if _, err := s.store.Transition(ctx, Transition{OrderID: o.ID, From: StatusCreated, To: StatusPendingPayment,
			Event: EventStartPayment, At: s.now(), Provider: prov.Name()}); err != nil {
			return Order{}, err
		}
		// Moved by us or by a concurrent call: read what it is now.
		if o, err = s.store.Order(ctx, orderID); err != nil {
			return Order{}, err
		}
	}
	if err := payable(o); err != nil {
		return Order{}, err
	}
	if o.PaymentURL != "" {
		return o, nil // started before: the same payment
	}
	prov, ok := s.providers[o.Provider]
	if !ok {
		return Order{}, fmt.Errorf("orders: order %s waits for provider %q, which is not running", o.ID, o.Provider)
	}
	p, err := prov.CreatePayment(ctx, PaymentRequest{
		OrderID: o.ID, Amount: o.Total, Currency: o.Currency, Description: s.description(o),
		ReturnURL: returnURL, IdempotenceKey: PaymentKey(o.ID), Receipt: receiptOf(o),
	})
	if err != nil {
		s.log.Warn("orders: provider could not create a payment", "provider", prov.Name(), "order", o.ID, "err", err)
		return Order{}, ErrPaymentUnavailable.Because(err)
	}
	if p.OrderID != o.ID || p.Amount != o.Total || p.Currency != o.Currency {
		return Order{}, fmt.Errorf("orders: %s created payment %s for order %q, %d %s; asked for order %s, %d %s",
			prov.Name(), p.ProviderPaymentID, p.OrderID, p.Amount, p.Currency, o.ID, o.Total, o.Currency)
	}
	if _, err := s.store.SetPayment(ctx, o.ID, p.ProviderPaymentID, p.ConfirmationURL, s.now()); err != nil {
		return Order{}, err
	}
	// Read what it is now: a notification may have moved it on first.
	if o, err = s.store.Order(ctx, orderID); err != nil {
		return Order{}, err
	}
	if err := payable(o); err != nil {
		return Order{}, err
	}
	if o.ProviderPaymentID != p.ProviderPaymentID {
		return Order{}, fmt.Errorf("orders: order %s has payment %s, provider answered %s", o.ID, o.ProviderPaymentID, p.ProviderPaymentID)
	}
	return o, nil
}

// payable returns nil for an order waiting for its payment, else why it
// cannot be paid.
func payable(o Order) error {
	switch o.Status {
	case StatusPendingPayment:
		return nil
	case StatusPaid, StatusRefunded:
		return ErrAlreadyPaid
	case StatusCanceled, StatusExpired:
		return ErrNotPayable
	}
	return fmt.Errorf("orders: order %s is %s after the start of its payment", o.ID, o.Status)
}

// description is what the payer sees at the bank, in Russian (the
// language of the receipt), cut to the provider's limit.
func (s *Service) description(o Order) string {
	d := s.texts.T(i18n.Default, "orders.payment_description", map[string]any{"Number": o.Number, "Package": o.PackageTitle})
	if utf8.RuneCountInString(d) > maxDescription {
		d = string([]rune(d)[:maxDescription-1]) + "…"
	}
	return d
}

// receiptOf is the receipt data of an order (54-FZ): one line, the package
// as printed when ordered, at the price paid; sent to the receipt e-mail the
// customer asked for («Мне нужен чек»), else to the order's phone.
func receiptOf(o Order) *Receipt {
	title := o.PackageTitle
	if utf8.RuneCountInString(title) > maxDescription {
		title = string([]rune(title)[:maxDescription-1]) + "…"
	}
	return &Receipt{Email: o.ReceiptEmail, Phone: o.Phone,
		Items: []ReceiptItem{{Description: title, Quantity: 1, Price: o.Total, Currency: o.Currency}}}
}

// HandleNotification acts on a provider's notification about one of its
// payments. It never trusts the notification: it fetches the payment from
// the provider (SECURITY.md 17), checks it against the order it names
// (provider, payment, amount, currency), and applies the guarded move the
// payment's status calls for. Duplicates and out-of-order reports change
// nothing and answer the order as it is. Money taken for an order that is
// canceled or expired, or a payment that does not match its order, changes
// nothing either: it is logged at error level and recorded in the order's
// history (EventAnomaly) for a human.
//
// The move to paid runs OnPaid in its transaction: of any number of
// concurrent deliveries, exactly one makes the move and runs it.
//
// Errors: ErrProviderUnknown, ErrPaymentUnknown (the provider has no such
// payment, or it names no order of the tenant), ErrPaymentUnavailable when
// the provider cannot be asked (the provider retries its notification).
func (s *Service) HandleNotification(ctx context.Context, provider, providerPaymentID string) (Order, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return Order{}, err
	}
	prov, ok := s.providers[provider]
	if !ok {
		return Order{}, ErrProviderUnknown
	}
	p, err := s.fetch(ctx, prov, providerPaymentID)
	if err != nil {
		return Order{}, err
	}
	return s.apply(ctx, prov.Name(), p)
}

// Reconcile asks the provider about an order's payment and applies the
// answer as HandleNotification does: for a notification that never came.
func (s *Service) Reconcile(ctx context.Context, orderID string) (Order, error) {
	o, err := s.Order(ctx, orderID)
	if err != nil || o.ProviderPaymentID == "" {
		return o, err
	}
	prov, ok := s.providers[o.Provider]
	if !ok {
		return Order{}, ErrProviderUnknown
	}
	p, err := s.fetch(ctx, prov, o.ProviderPaymentID)
	if err != nil {
		return Order{}, err
	}
	return s.apply(ctx, prov.Name(), p)
}

// fetch gets a payment from its provider.
func (s *Service) fetch(ctx context.Context, prov Provider, paymentID string) (Payment, error) {
	if paymentID == "" {
		return Payment{}, ErrPaymentUnknown
	}
	p, err := prov.GetPayment(ctx, paymentID)
	switch {
	case errors.Is(err, ErrPaymentUnknown):
		return Payment{}, err
	case err != nil:
		s.log.Warn("orders: provider could not be asked about a payment", "provider", prov.Name(), "payment", paymentID, "err", err)
		return Payment{}, ErrPaymentUnavailable.Because(err)
	case p.ProviderPaymentID != paymentID:
		return Payment{}, fmt.Errorf("orders: %s answered payment %s when asked for %s", prov.Name(), p.ProviderPaymentID, paymentID)
	}
	return p, nil
}

// maxApplyRounds bounds the re-reads when a concurrent delivery moves the
// order between our read and our guarded update: each lost race re-reads
// a state that moved on, and the machine has no cycles.
const maxApplyRounds = 4

// apply makes the move a provider's payment calls for, in one transaction.
func (s *Service) apply(ctx context.Context, provider string, p Payment) (Order, error) {
	var out Order
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		for range maxApplyRounds {
			o, err := s.store.Order(ctx, p.OrderID)
			if errors.Is(err, ErrNotFound) {
				return ErrPaymentUnknown.Because(fmt.Errorf("%s payment %s names order %q", provider, p.ProviderPaymentID, p.OrderID))
			}
			if err != nil {
				return err
			}
			out = o
			res, err := s.step(ctx, provider, o, p)
			switch {
			case err != nil:
				return err
			case res == raced:
				continue // a concurrent delivery moved it first: decide again
			case res == unchanged:
				return nil
			}
			if out, err = s.store.Order(ctx, o.ID); err != nil {
				return err
			}
			if out.Status == StatusPaid && s.onPaid != nil {
				if err := s.onPaid(ctx, out); err != nil {
					return fmt.Errorf("orders: order %s paid: %w", out.ID, err)
				}
			}
			return nil
		}
		return fmt.Errorf("orders: order %s kept moving under payment %s", p.OrderID, p.ProviderPaymentID)
	})
	if err != nil {
		return Order{}, err
	}
	return out, nil
}

// outcome is what one step of apply did.
type outcome int

const (
	unchanged outcome = iota // nothing to do, or an anomaly recorded
	moved                    // the order moved
	raced                    // a concurrent transaction moved it first
)

// step decides and makes one move for payment p of order o.
func (s *Service) step(ctx context.Context, provider string, o Order, p Payment) (outcome, error) {
	var ev Event
	switch p.Status {
	case PaymentSucceeded:
		ev = EventPaymentSucceeded
	case PaymentCanceled:
		ev = EventPaymentCanceled
	default:
		return unchanged, nil // still pending: nothing happened yet
	}
	if note := mismatch(o, provider, p); note != "" {
		if ev != EventPaymentSucceeded {
			s.log.Warn("orders: notification about a payment that does not match its order", "order", o.ID,
				"provider", provider, "payment", p.ProviderPaymentID, "problem", note)
			return unchanged, nil
		}
		return unchanged, s.anomaly(ctx, o, p, note)
	}
	to, ok := Next(o.Status, ev)
	if !ok {
		if ev == EventPaymentSucceeded && o.Status != StatusPaid && o.Status != StatusRefunded {
			return unchanged, s.anomaly(ctx, o, p, "the provider took the money for an order that is "+string(o.Status))
		}
		// A duplicate, or a report the order has moved past.
		s.log.Info("orders: notification changes nothing", "order", o.ID, "status", o.Status, "payment_status", p.Status)
		return unchanged, nil
	}
	ok, err := s.store.Transition(ctx, Transition{OrderID: o.ID, From: o.Status, To: to, Event: ev, At: s.now(),
		PaymentID: p.ProviderPaymentID})
	switch {
	case err != nil:
		return unchanged, err
	case !ok:
		return raced, nil
	}
	if releasesPromo(to) {
		if _, err := s.store.ReleasePromo(ctx, o.ID, s.now()); err != nil {
			return unchanged, err
		}
	}
	return moved, nil
}

// mismatch says how payment p does not belong to order o, or "".
func mismatch(o Order, provider string, p Payment) string {
	switch {
	case o.Provider != "" && o.Provider != provider:
		return fmt.Sprintf("the order is paid with %s, the payment is at %s", o.Provider, provider)
	case o.ProviderPaymentID != "" && o.ProviderPaymentID != p.ProviderPaymentID:
		return fmt.Sprintf("the order has payment %s, this is another one", o.ProviderPaymentID)
	case p.Amount != o.Total || p.Currency != o.Currency:
		return fmt.Sprintf("the payment is %d %s, the order %d %s", p.Amount, p.Currency, o.Total, o.Currency)
	}
	return ""
}

// anomaly logs loudly and records, without a move, a payment report that
// needs a human (money taken that the order cannot take).
func (s *Service) anomaly(ctx context.Context, o Order, p Payment, note string) error {
	s.log.Error("orders: payment needs a human: money taken, order not moved", "order", o.ID, "number", o.Number,
		"status", o.Status, "provider", o.Provider, "payment", p.ProviderPaymentID, "payment_status", p.Status,
		"amount", p.Amount, "currency", p.Currency, "problem", note)
	id, err := newID()
	if err != nil {
		return err
	}
	return s.store.RecordEvent(ctx, OrderEvent{ID: id, OrderID: o.ID, Event: EventAnomaly, From: o.Status, To: o.Status,
		PaymentID: p.ProviderPaymentID, Note: note, At: s.now()})
}
