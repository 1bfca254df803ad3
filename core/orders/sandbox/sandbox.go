// Package sandbox is the built-in test bank: a real payment provider of the
// orders port (orders.Provider) whose payments live in its own table,
// sandbox_payments, and whose "bank page" — /sandbox/pay/{id}, served by the
// web layer — offers Pay and Decline. Submitting it calls Complete, which
// settles the payment once and then notifies the checkout the way a real
// provider's webhook would: the checkout re-fetches the payment through
// GetPayment and acts on that, exactly as it does for YooKassa.
//
// Anyone who holds a payment's id can settle it: the sandbox takes no money
// and must never be wired into a production deployment.
//
// Every method works in the tenant of the context, through db.Tenant and
// TenantRead scopes with tenant_id = ? in every query (migrations/README.md).
package sandbox

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
)

// Name is the provider's key in orders.provider and notification routes.
const Name = "sandbox"

// PagePrefix is where the test bank's payment page is served; a payment's
// confirmation URL is PagePrefix + its id.
const PagePrefix = "/sandbox/pay/"

// Error codes (texts in configs/locales/orders.*.toml).
const (
	CodeCompleted     = "orders.sandbox_payment_completed" // Conflict: paid or declined already
	CodeResultInvalid = "orders.sandbox_result_invalid"    // field "result"
)

// Errors Complete returns besides orders.ErrPaymentUnknown.
var (
	ErrCompleted = errs.E(errs.KindConflict, CodeCompleted)
	ErrResult    = errs.Invalid(orders.CodeInvalid, errs.FieldError{Field: "result", Code: CodeResultInvalid})
)

// Notify delivers the provider's notification about a payment to the
// checkout: the lead wires it to orders.Service.HandleNotification.
type Notify func(ctx context.Context, provider, providerPaymentID string) error

// Provider is the sandbox test bank.
type Provider struct {
	db    *db.DB
	clock clock.Clock
	// Notify is called after a payment is settled and committed. Set it
	// once, before the provider serves (the checkout it calls is built
	// with this provider, so it cannot be passed to New).
	Notify Notify
}

var _ orders.Provider = (*Provider)(nil)

// New returns the sandbox over d.
func New(d *db.DB, c clock.Clock) *Provider {
	if d == nil || c == nil {
		panic("sandbox: New needs a database and a clock")
	}
	return &Provider{db: d, clock: c}
}

// Name implements orders.Provider.
func (p *Provider) Name() string { return Name }

// Record is a sandbox payment with what its page shows.
type Record struct {
	orders.Payment
	Description string
	ReturnURL   string
	CreatedAt   time.Time
	CompletedAt *time.Time
}

// paymentRow is one payment (table sandbox_payments).
type paymentRow struct {
	bun.BaseModel  `bun:"table:sandbox_payments"`
	TenantID       string     `bun:"tenant_id,pk"`
	ID             string     `bun:"id,pk"`
	OrderID        string     `bun:"order_id"`
	Amount         int64      `bun:"amount"`
	Currency       string     `bun:"currency"`
	Description    string     `bun:"description"`
	ReturnURL      string     `bun:"return_url"`
	IdempotenceKey string     `bun:"idempotence_key"`
	Status         string     `bun:"status"`
	CreatedAt      time.Time  `bun:"created_at"`
	CompletedAt    *time.Time `bun:"completed_at"`
}

func (r paymentRow) record() Record {
	rec := Record{
		Payment: orders.Payment{ProviderPaymentID: r.ID, OrderID: r.OrderID, Amount: r.Amount, Currency: r.Currency,
			ConfirmationURL: PagePrefix + r.ID, Status: orders.PaymentStatus(r.Status)},
		Description: r.Description, ReturnURL: r.ReturnURL, CreatedAt: r.CreatedAt.UTC(),
	}
	if r.CompletedAt != nil {
		t := r.CompletedAt.UTC()
		rec.CompletedAt = &t
	}
	return rec
}

var currency = regexp.MustCompile(`^[A-Z]{3}$`)

// CreatePayment implements orders.Provider: a new pending payment, or the
// one created earlier with the same idempotence key. The same key for
// another order or amount is refused, as YooKassa refuses it.
func (p *Provider) CreatePayment(ctx context.Context, req orders.PaymentRequest) (orders.Payment, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return orders.Payment{}, err
	}
	if req.OrderID == "" || req.IdempotenceKey == "" || req.Amount <= 0 || !currency.MatchString(req.Currency) {
		return orders.Payment{}, fmt.Errorf("sandbox: bad payment request for order %q: %d %q, key %q",
			req.OrderID, req.Amount, req.Currency, req.IdempotenceKey)
	}
	// Two attempts: a concurrent request with the same key may win the
	// insert, and the second attempt then finds its payment.
	for range 2 {
		var out paymentRow
		err := p.db.Tenant(ctx, func(ctx context.Context, q bun.IDB) error {
			err := q.NewSelect().Model(&out).Where("tenant_id = ? AND idempotence_key = ?", tenantID, req.IdempotenceKey).Scan(ctx)
			if err == nil || !db.IsNoRows(err) {
				return err
			}
			id, err := uuid.NewV7()
			if err != nil {
				return err
			}
			out = paymentRow{TenantID: tenantID, ID: id.String(), OrderID: req.OrderID, Amount: req.Amount,
				Currency: req.Currency, Description: req.Description, ReturnURL: req.ReturnURL,
				IdempotenceKey: req.IdempotenceKey, Status: string(orders.PaymentPending), CreatedAt: p.clock.Now().UTC()}
			_, err = q.NewInsert().Model(&out).Exec(ctx)
			return err
		})
		if db.IsUniqueViolation(err) {
			continue
		}
		if err != nil {
			return orders.Payment{}, fmt.Errorf("sandbox: create payment: %w", err)
		}
		if out.OrderID != req.OrderID || out.Amount != req.Amount || out.Currency != req.Currency {
			return orders.Payment{}, fmt.Errorf("sandbox: idempotence key %q was used for another payment", req.IdempotenceKey)
		}
		return out.record().Payment, nil
	}
	return orders.Payment{}, fmt.Errorf("sandbox: create payment: key %q keeps colliding", req.IdempotenceKey)
}

// GetPayment implements orders.Provider.
func (p *Provider) GetPayment(ctx context.Context, providerPaymentID string) (orders.Payment, error) {
	rec, err := p.Payment(ctx, providerPaymentID)
	if err != nil {
		return orders.Payment{}, err
	}
	return rec.Payment, nil
}

// Payment returns a payment with what its page shows (amount, description,
// where to return); orders.ErrPaymentUnknown when the tenant has none by id.
func (p *Provider) Payment(ctx context.Context, id string) (Record, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Record{}, err
	}
	var row paymentRow
	err = p.db.TenantRead(ctx, func(ctx context.Context, q bun.IDB) error {
		return q.NewSelect().Model(&row).Where("tenant_id = ? AND id = ?", tenantID, id).Scan(ctx)
	})
	if db.IsNoRows(err) {
		return Record{}, orders.ErrPaymentUnknown
	}
	if err != nil {
		return Record{}, fmt.Errorf("sandbox: payment: %w", err)
	}
	return row.record(), nil
}

// Complete settles a pending payment as the page's form says — result
// "succeeded" (Pay) or "canceled" (Decline) — in one guarded UPDATE … WHERE
// status = 'pending', and after that commits, notifies the checkout as a
// real provider would. A payment settled already is not changed, nor
// notified again: ErrCompleted. orders.ErrPaymentUnknown when the tenant
// has no such payment, ErrResult for another result. When the checkout
// fails to take the notification, the payment stays settled and the error
// is returned; orders.Service.Reconcile (or its expiry sweep) catches up.
func (p *Provider) Complete(ctx context.Context, id, result string) (Record, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Record{}, err
	}
	status := orders.PaymentStatus(result)
	if status != orders.PaymentSucceeded && status != orders.PaymentCanceled {
		return Record{}, ErrResult
	}
	var row paymentRow
	err = p.db.Tenant(ctx, func(ctx context.Context, q bun.IDB) error {
		res, err := q.NewUpdate().Model((*paymentRow)(nil)).
			Set("status = ?, completed_at = ?", string(status), p.clock.Now().UTC()).
			Where("tenant_id = ? AND id = ? AND status = ?", tenantID, id, string(orders.PaymentPending)).
			Exec(ctx)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		err = q.NewSelect().Model(&row).Where("tenant_id = ? AND id = ?", tenantID, id).Scan(ctx)
		switch {
		case db.IsNoRows(err):
			return orders.ErrPaymentUnknown
		case err != nil:
			return err
		case n == 0:
			return ErrCompleted
		}
		return nil
	})
	if err != nil {
		if errs.KindOf(err) == errs.KindInternal {
			return Record{}, fmt.Errorf("sandbox: complete: %w", err)
		}
		return Record{}, err
	}
	rec := row.record()
	if p.Notify != nil {
		if err := p.Notify(ctx, Name, id); err != nil {
			return rec, fmt.Errorf("sandbox: payment %s is %s, but the shop did not take the notification: %w", id, status, err)
		}
	}
	return rec, nil
}
