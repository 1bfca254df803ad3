package orders

import (
	"context"
	"time"
)

// Store keeps orders, their history and promo codes. Every method works in
// the tenant of ctx and fails closed without one; a row of another tenant
// is never seen, changed or counted (SECURITY.md 12). Methods called with
// the ctx InTx hands its function run in that one transaction.
type Store interface {
	// InTx runs fn in one read-write transaction of the tenant in ctx.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	// CreateOrder inserts o; ErrIdempotencyConflict when the tenant already
	// has an order with its IdempotencyKey.
	CreateOrder(ctx context.Context, o Order) error
	// Order returns one order; ErrNotFound when the tenant has none by id.
	Order(ctx context.Context, id string) (Order, error)
	// OrderByKey returns the order placed with an idempotency key;
	// ErrNotFound when there is none.
	OrderByKey(ctx context.Context, key string) (Order, error)
	// NumberTaken reports whether the tenant has an order numbered number.
	NumberTaken(ctx context.Context, number string) (bool, error)
	// Transition moves the order from t.From to t.To in one guarded UPDATE
	// … WHERE status = t.From (and, when t.PaymentID is set, the order has
	// no other payment), records the event when it moved, and reports
	// whether it moved. paid_at is set on the move to paid.
	Transition(ctx context.Context, t Transition) (bool, error)
	// SetPayment records the provider's payment and confirmation URL on an
	// order in pending_payment that has no other payment, and reports
	// whether it did.
	SetPayment(ctx context.Context, orderID, paymentID, url string, at time.Time) (bool, error)
	// RecordEvent appends a line to an order's history.
	RecordEvent(ctx context.Context, e OrderEvent) error
	// Events returns an order's history, oldest first.
	Events(ctx context.Context, orderID string) ([]OrderEvent, error)
	// StaleOrders returns up to limit orders in status created before
	// before, oldest first.
	StaleOrders(ctx context.Context, status Status, before time.Time, limit int) ([]Order, error)

	// CreatePromo inserts p; ErrPromoCodeTaken when the tenant has a promo
	// with the same code in any case (disabled ones included).
	CreatePromo(ctx context.Context, p Promo) error
	// Promo returns one promo by id; ErrPromoNotFound when there is none.
	Promo(ctx context.Context, id string) (Promo, error)
	// PromoByCode returns the promo whose code, upper-cased, is key
	// (disabled ones included); ErrPromoNotFound when there is none. With
	// lock, inside InTx, the row stays locked until the transaction ends
	// (SELECT … FOR UPDATE on PostgreSQL; SQLite's write transactions are
	// serial already), so limit checks and the use that follows are one.
	PromoByCode(ctx context.Context, key string, lock bool) (Promo, error)
	// Promos lists the tenant's promos, newest first.
	Promos(ctx context.Context) ([]Promo, error)
	// DisablePromo marks a promo disabled (keeping the first time it was);
	// ErrPromoNotFound when there is none.
	DisablePromo(ctx context.Context, id string, at time.Time) error
	// CustomerUses counts the customer's uses of the promo that still hold.
	CustomerUses(ctx context.Context, promoID, customer string) (int, error)
	// UsePromo counts one use in one guarded UPDATE … WHERE used <
	// total_limit and records it for the order; false, counting nothing,
	// when the promo is disabled or used up.
	UsePromo(ctx context.Context, u PromoUse) (bool, error)
	// ReleasePromo gives back the order's promo use, once: it marks the use
	// released and uncounts it; false when there was none to release.
	ReleasePromo(ctx context.Context, orderID string, at time.Time) (bool, error)

	// CountPromoGuess counts one unknown promo code typed by subject
	// ("ip:<addr>") in a window that starts with the first, atomically and
	// only while fewer than max are counted; it reports whether it counted
	// and when the window began (db.FailureCounter).
	CountPromoGuess(ctx context.Context, subject string, now time.Time, window time.Duration, max int) (bool, time.Time, error)
	// ForgivePromoGuess takes back one count (the code turned out to exist).
	ForgivePromoGuess(ctx context.Context, subject string) error
	// PurgePromoGuesses deletes the counters whose window began at or
	// before endedBy and returns how many went.
	PurgePromoGuesses(ctx context.Context, endedBy time.Time) (int, error)
}

// Transition is one guarded move of an order.
type Transition struct {
	OrderID   string
	From, To  Status
	Event     Event
	At        time.Time
	Provider  string // set on the order when not ""
	PaymentID string // guards (no other payment) and is set when not ""
	Note      string
}

// PromoUse is one order's use of a promo.
type PromoUse struct {
	PromoID  string
	OrderID  string
	Customer string // E.164 phone
	At       time.Time
}
