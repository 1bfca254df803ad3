package ordersdb

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/tenants"
)

// promoRow is one promo code (table promo_codes).
type promoRow struct {
	bun.BaseModel    `bun:"table:promo_codes"`
	TenantID         string     `bun:"tenant_id,pk"`
	ID               string     `bun:"id,pk"`
	Code             string     `bun:"code"`
	CodeKey          string     `bun:"code_key"`
	Kind             string     `bun:"kind"`
	Percent          int        `bun:"percent"`
	Amount           int64      `bun:"amount"`
	Currency         string     `bun:"currency"`
	ValidFrom        *string    `bun:"valid_from"`
	ValidUntil       *string    `bun:"valid_until"`
	TotalLimit       *int       `bun:"total_limit"`
	PerCustomerLimit *int       `bun:"per_customer_limit"`
	Used             int        `bun:"used"`
	Targets          string     `bun:"targets"` // JSON array
	CreatedAt        time.Time  `bun:"created_at"`
	DisabledAt       *time.Time `bun:"disabled_at"`
}

// orderRow is one order (table orders).
type orderRow struct {
	bun.BaseModel     `bun:"table:orders"`
	TenantID          string     `bun:"tenant_id,pk"`
	ID                string     `bun:"id,pk"`
	Number            string     `bun:"number"`
	OfferID           string     `bun:"offer_id"`
	PackageCode       string     `bun:"package_code"`
	PackageTitle      string     `bun:"package_title"`
	PackageSpec       string     `bun:"package_spec"` // JSON tenants.Package
	ListPrice         int64      `bun:"list_price"`
	Discount          int64      `bun:"discount"`
	Total             int64      `bun:"total"`
	Currency          string     `bun:"currency"`
	PromoID           *string    `bun:"promo_id"`
	PromoCode         string     `bun:"promo_code"`
	FirstName         string     `bun:"first_name"`
	Surname           string     `bun:"surname"`
	Phone             string     `bun:"phone"`
	ReceiptEmail      string     `bun:"receipt_email"`
	UserID            *string    `bun:"user_id"`
	ConsentAt         time.Time  `bun:"consent_at"`
	ConsentDocs       string     `bun:"consent_docs"` // JSON array
	Status            string     `bun:"status"`
	Provider          string     `bun:"provider"`
	ProviderPaymentID *string    `bun:"provider_payment_id"`
	PaymentURL        string     `bun:"payment_url"`
	IdempotencyKey    *string    `bun:"idempotency_key"`
	RequestHash       string     `bun:"request_hash"`
	CreatedAt         time.Time  `bun:"created_at"`
	UpdatedAt         time.Time  `bun:"updated_at"`
	PaidAt            *time.Time `bun:"paid_at"`
}

// eventRow is one line of an order's history (table order_events).
type eventRow struct {
	bun.BaseModel `bun:"table:order_events"`
	TenantID      string    `bun:"tenant_id,pk"`
	ID            string    `bun:"id,pk"`
	OrderID       string    `bun:"order_id"`
	Event         string    `bun:"event"`
	FromStatus    string    `bun:"from_status"`
	ToStatus      string    `bun:"to_status"`
	PaymentID     string    `bun:"payment_id"`
	Note          string    `bun:"note"`
	At            time.Time `bun:"at"`
}

// usageRow is one order's promo use (table promo_usages).
type usageRow struct {
	bun.BaseModel `bun:"table:promo_usages"`
	TenantID      string     `bun:"tenant_id,pk"`
	OrderID       string     `bun:"order_id,pk"`
	PromoID       string     `bun:"promo_id"`
	Customer      string     `bun:"customer"`
	CreatedAt     time.Time  `bun:"created_at"`
	ReleasedAt    *time.Time `bun:"released_at"`
}

// nullable maps "" to NULL.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// limit maps a cap of 0 (none) to NULL.
func limit(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// utc returns a copy of t in UTC, for both databases alike.
func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func toPromoRow(tenantID string, p orders.Promo) (promoRow, error) {
	targets := p.Targets
	if targets == nil {
		targets = []orders.PromoTarget{}
	}
	buf, err := json.Marshal(targets)
	if err != nil {
		return promoRow{}, fmt.Errorf("ordersdb: promo targets: %w", err)
	}
	return promoRow{
		TenantID: tenantID, ID: p.ID, Code: p.Code, CodeKey: orders.PromoKey(p.Code), Kind: string(p.Kind),
		Percent: p.Percent, Amount: p.Amount, Currency: p.Currency,
		ValidFrom: nullable(p.ValidFrom), ValidUntil: nullable(p.ValidUntil),
		TotalLimit: limit(p.TotalLimit), PerCustomerLimit: limit(p.PerCustomerLimit), Used: p.Used,
		Targets: string(buf), CreatedAt: p.CreatedAt.UTC(), DisabledAt: utc(p.DisabledAt),
	}, nil
}

func toPromo(r promoRow) (orders.Promo, error) {
	var targets []orders.PromoTarget
	if err := json.Unmarshal([]byte(r.Targets), &targets); err != nil {
		return orders.Promo{}, fmt.Errorf("ordersdb: promo %s targets: %w", r.ID, err)
	}
	return orders.Promo{
		ID: r.ID, Code: r.Code, Kind: orders.PromoKind(r.Kind), Percent: r.Percent, Amount: r.Amount, Currency: r.Currency,
		ValidFrom: deref(r.ValidFrom), ValidUntil: deref(r.ValidUntil),
		TotalLimit: deref(r.TotalLimit), PerCustomerLimit: deref(r.PerCustomerLimit), Used: r.Used,
		Targets: targets, CreatedAt: r.CreatedAt.UTC(), DisabledAt: utc(r.DisabledAt),
	}, nil
}

func toOrderRow(tenantID string, o orders.Order) (orderRow, error) {
	docs := o.ConsentDocs
	if docs == nil {
		docs = []orders.DocVersion{}
	}
	buf, err := json.Marshal(docs)
	if err != nil {
		return orderRow{}, fmt.Errorf("ordersdb: consent docs: %w", err)
	}
	spec, err := json.Marshal(o.Package)
	if err != nil {
		return orderRow{}, fmt.Errorf("ordersdb: package: %w", err)
	}
	return orderRow{
		TenantID: tenantID, ID: o.ID, Number: o.Number, OfferID: o.OfferID, PackageCode: o.PackageCode,
		PackageTitle: o.PackageTitle, PackageSpec: string(spec), ListPrice: o.ListPrice, Discount: o.Discount, Total: o.Total, Currency: o.Currency,
		PromoID: nullable(o.PromoID), PromoCode: o.PromoCode, FirstName: o.FirstName, Surname: o.Surname, Phone: o.Phone,
		ReceiptEmail: o.ReceiptEmail, UserID: nullable(o.UserID), ConsentAt: o.ConsentAt.UTC(), ConsentDocs: string(buf),
		Status: string(o.Status), Provider: o.Provider, ProviderPaymentID: nullable(o.ProviderPaymentID),
		PaymentURL: o.PaymentURL, IdempotencyKey: nullable(o.IdempotencyKey), RequestHash: o.RequestHash,
		CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(), PaidAt: utc(o.PaidAt),
	}, nil
}

func toOrder(r orderRow) (orders.Order, error) {
	var docs []orders.DocVersion
	if err := json.Unmarshal([]byte(r.ConsentDocs), &docs); err != nil {
		return orders.Order{}, fmt.Errorf("ordersdb: order %s consent docs: %w", r.ID, err)
	}
	var pkg tenants.Package
	if err := json.Unmarshal([]byte(r.PackageSpec), &pkg); err != nil {
		return orders.Order{}, fmt.Errorf("ordersdb: order %s package: %w", r.ID, err)
	}
	return orders.Order{
		ID: r.ID, Number: r.Number, OfferID: r.OfferID, PackageCode: r.PackageCode, PackageTitle: r.PackageTitle, Package: pkg,
		ListPrice: r.ListPrice, Discount: r.Discount, Total: r.Total, Currency: r.Currency,
		PromoID: deref(r.PromoID), PromoCode: r.PromoCode, FirstName: r.FirstName, Surname: r.Surname, Phone: r.Phone,
		ReceiptEmail: r.ReceiptEmail, UserID: deref(r.UserID), ConsentAt: r.ConsentAt.UTC(), ConsentDocs: docs,
		Status: orders.Status(r.Status), Provider: r.Provider, ProviderPaymentID: deref(r.ProviderPaymentID),
		PaymentURL: r.PaymentURL, IdempotencyKey: deref(r.IdempotencyKey), RequestHash: r.RequestHash,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), PaidAt: utc(r.PaidAt),
	}, nil
}

func toEvent(r eventRow) orders.OrderEvent {
	return orders.OrderEvent{
		ID: r.ID, OrderID: r.OrderID, Event: orders.Event(r.Event), From: orders.Status(r.FromStatus),
		To: orders.Status(r.ToStatus), PaymentID: r.PaymentID, Note: r.Note, At: r.At.UTC(),
	}
}
