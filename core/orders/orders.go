// Package orders is the checkout of the branded sites: an order for one
// package of an offer, priced on the server from the offer data, with an
// optional promo code, the customer's mandatory consent to personal-data
// processing, and its payment through a provider behind one port.
//
// The customer's path is the guides' «Оформление заказа» / «Оформить заказ»
// window (seed 000 «Купить», fig. 30; seed 002, fig. 26): name, surname,
// phone, promo code, «Мне нужен чек» with an e-mail, and the consent
// checkbox without which «оплата невозможна». Quote shows the price a promo
// code gives (or why it is refused), Place creates the order, StartPayment
// sends the customer to the provider, and HandleNotification applies what the
// provider says happened — always re-fetched from the provider, never taken
// from the notification (SECURITY.md 17).
//
// An order moves through created → pending_payment → paid | canceled |
// expired (paid → refunded comes with refunds). Every move is a guarded
// UPDATE … WHERE status = <from>, so duplicate and out-of-order events change
// nothing, and the move to paid runs the OnPaid hook in the same transaction,
// so a paid order issues exactly one certificate.
//
// Money is integer kopecks everywhere (int64); there are no floats.
package orders

import (
	"context"
	"time"

	"github.com/consult/platform/tenants"
)

// Status is where an order stands; see Next for the moves between them.
type Status string

const (
	// StatusCreated: placed, priced, promo use counted; payment not started.
	StatusCreated Status = "created"
	// StatusPendingPayment: the customer was sent to the provider.
	StatusPendingPayment Status = "pending_payment"
	// StatusPaid: the provider confirmed the money; a certificate was issued.
	StatusPaid Status = "paid"
	// StatusCanceled: the provider reported the payment canceled (declined,
	// abandoned at the bank); the promo use is released.
	StatusCanceled Status = "canceled"
	// StatusExpired: not paid in time; the promo use is released.
	StatusExpired Status = "expired"
	// StatusRefunded: the money went back (the refunds issue).
	StatusRefunded Status = "refunded"
)

// Statuses lists every status, in the order of the machine.
func Statuses() []Status {
	return []Status{StatusCreated, StatusPendingPayment, StatusPaid, StatusCanceled, StatusExpired, StatusRefunded}
}

// Order is a customer's purchase of one package.
type Order struct {
	ID     string // UUIDv7; the capability an anonymous buyer holds to pay
	Number string // human readable: YYMMDD-NNNNNN (date in the tenant's zone)

	OfferID      string
	PackageCode  string
	PackageTitle string // as printed when ordered
	// Package is the package as sold — title, term, quotas, price — when
	// the order was placed: the certificate is issued from this snapshot,
	// not from the offer data as it may be by the time the money arrives.
	Package tenants.Package

	ListPrice int64  // kopecks, from the offer data at the time of the order
	Discount  int64  // kopecks
	Total     int64  // kopecks: ListPrice − Discount, what the customer pays
	Currency  string // ISO 4217 of the offer
	PromoID   string // "" without a promo code
	PromoCode string // as the promo defines it ("" without one)

	FirstName    string
	Surname      string
	Phone        string // E.164
	ReceiptEmail string // "" when no receipt was asked for («Мне нужен чек»)
	UserID       string // the signed-in customer, "" for a guest

	ConsentAt   time.Time
	ConsentDocs []DocVersion // the documents and editions the customer accepted

	Status            Status
	Provider          string // the payment provider's Name, once payment started
	ProviderPaymentID string // the provider's payment, once created
	PaymentURL        string // where the customer confirms the payment

	IdempotencyKey string // "" when the client sent none
	// RequestHash fingerprints the normalised request, so that a replay with
	// the same key but another body is refused (SECURITY.md 16).
	RequestHash string

	CreatedAt time.Time
	UpdatedAt time.Time
	PaidAt    *time.Time
}

// DocVersion is one legal document and the edition the customer accepted
// (tenants.LegalDoc ID and Version).
type DocVersion struct {
	ID      string `json:"id"`
	Version string `json:"version"`
}

// Event names a move of the machine, as recorded in order_events.
type Event string

const (
	// EventPlaced records the creation (from nothing to created); it is not
	// a move of the machine.
	EventPlaced           Event = "placed"
	EventStartPayment     Event = "payment_started"
	EventPaymentSucceeded Event = "payment_succeeded"
	EventPaymentCanceled  Event = "payment_canceled"
	EventExpire           Event = "expired"
	EventRefund           Event = "refunded"
	// EventAnomaly records, without a move, a provider report that needs a
	// human: money taken for a canceled or expired order, an amount that
	// does not match, another payment for the same order.
	EventAnomaly Event = "payment_anomaly"
)

// Events lists the events that move the machine.
func Events() []Event {
	return []Event{EventStartPayment, EventPaymentSucceeded, EventPaymentCanceled, EventExpire, EventRefund}
}

// OrderEvent is one line of an order's history.
type OrderEvent struct {
	ID        string
	OrderID   string
	Event     Event
	From      Status // "" for EventPlaced
	To        Status // equal to From for EventAnomaly
	PaymentID string // the provider payment the event is about, if any
	Note      string // for humans: why an anomaly was recorded
	At        time.Time
}

// Catalog finds a live offer of the tenant in ctx with its live packages;
// ok is false when the tenant has no such offer (or it was retired). The
// lead wires it to tenants/tenantsdb (Store.Offers), restricted to the
// offers the request's site sells.
type Catalog interface {
	Offer(ctx context.Context, offerID string) (offer tenants.Offer, ok bool, err error)
}

// CatalogFunc adapts a function to Catalog.
type CatalogFunc func(ctx context.Context, offerID string) (tenants.Offer, bool, error)

// Offer implements Catalog.
func (f CatalogFunc) Offer(ctx context.Context, offerID string) (tenants.Offer, bool, error) {
	return f(ctx, offerID)
}

// findPackage returns the offer's package with code.
func findPackage(o tenants.Offer, code string) (tenants.Package, bool) {
	for _, p := range o.Packages {
		if p.Code == code {
			return p, true
		}
	}
	return tenants.Package{}, false
}
