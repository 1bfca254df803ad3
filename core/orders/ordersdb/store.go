// Package ordersdb is the orders store (orders.Store) on bun, for SQLite and
// PostgreSQL. Row structs and converters live only here.
//
// Every method reads the tenant from the context (tenancy.From, failing
// closed), writes tenant_id = ? into every WHERE and every insert, and runs
// through db.(*DB).Tenant or TenantRead, so that on PostgreSQL row-level
// security is the second wall (migrations/README.md, SECURITY.md 12).
// Inside orders.Store.InTx those scopes nest into the one transaction —
// and so do the stores an orders.Deps.OnPaid hook calls.
//
// State changes are guarded updates (… WHERE status = ?, … WHERE used <
// total_limit, … WHERE released_at IS NULL) whose affected-row count says
// who won, so concurrent callers on either database cannot both win
// (SECURITY.md 18).
package ordersdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/platform/db"
)

// Store implements orders.Store.
type Store struct {
	db *db.DB
}

var _ orders.Store = (*Store)(nil)

// New returns a store over d.
func New(d *db.DB) *Store { return &Store{db: d} }

// affected returns the rows a statement changed.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// InTx implements orders.Store.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, _ bun.IDB, _ string) error { return fn(ctx) })
}

// CreateOrder implements orders.Store. A unique violation on the
// idempotency key (PostgreSQL names the index orders_idempotency_key,
// SQLite the column orders.idempotency_key) is the key's conflict.
func (s *Store) CreateOrder(ctx context.Context, o orders.Order) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		row, err := toOrderRow(tenantID, o)
		if err != nil {
			return err
		}
		if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) && strings.Contains(err.Error(), "idempotency_key") {
				return orders.ErrIdempotencyConflict.Because(err)
			}
			return fmt.Errorf("ordersdb: create order: %w", err)
		}
		return nil
	})
}

// order finds one order by column = value.
func (s *Store) order(ctx context.Context, column, value string) (orders.Order, error) {
	var row orderRow
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model(&row).Where("tenant_id = ?", tenantID).Where("? = ?", bun.Ident(column), value).Scan(ctx)
	})
	if db.IsNoRows(err) {
		return orders.Order{}, orders.ErrNotFound
	}
	if err != nil {
		return orders.Order{}, fmt.Errorf("ordersdb: order by %s: %w", column, err)
	}
	return toOrder(row)
}

// Order implements orders.Store.
func (s *Store) Order(ctx context.Context, id string) (orders.Order, error) {
	return s.order(ctx, "id", id)
}

// OrderByKey implements orders.Store.
func (s *Store) OrderByKey(ctx context.Context, key string) (orders.Order, error) {
	return s.order(ctx, "idempotency_key", key)
}

// NumberTaken implements orders.Store.
func (s *Store) NumberTaken(ctx context.Context, number string) (bool, error) {
	var taken bool
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) (err error) {
		taken, err = q.NewSelect().Model((*orderRow)(nil)).Where("tenant_id = ? AND number = ?", tenantID, number).Exists(ctx)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("ordersdb: number taken: %w", err)
	}
	return taken, nil
}

// Transition implements orders.Store: one guarded UPDATE, and the event
// only when it changed the row.
func (s *Store) Transition(ctx context.Context, t orders.Transition) (bool, error) {
	var moved bool
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		at := t.At.UTC()
		u := q.NewUpdate().Model((*orderRow)(nil)).
			Set("status = ?", string(t.To)).Set("updated_at = ?", at).
			Where("tenant_id = ? AND id = ? AND status = ?", tenantID, t.OrderID, string(t.From))
		if t.To == orders.StatusPaid {
			u = u.Set("paid_at = ?", at)
		}
		if t.Provider != "" {
			u = u.Set("provider = ?", t.Provider)
		}
		if t.PaymentID != "" {
			u = u.Set("provider_payment_id = ?", t.PaymentID).
				Where("(provider_payment_id IS NULL OR provider_payment_id = ?)", t.PaymentID)
		}
		n, err := affected(u.Exec(ctx))
		if err != nil {
			return fmt.Errorf("ordersdb: %s → %s: %w", t.From, t.To, err)
		}
		if n == 0 {
			return nil
		}
		moved = true
		id, err := newEventID()
		if err != nil {
			return err
		}
		return insertEvent(ctx, q, tenantID, orders.OrderEvent{ID: id, OrderID: t.OrderID, Event: t.Event,
			From: t.From, To: t.To, PaymentID: t.PaymentID, Note: t.Note, At: at})
	})
	return moved, err
}

// SetPayment implements orders.Store.
func (s *Store) SetPayment(ctx context.Context, orderID, paymentID, url string, at time.Time) (bool, error) {
	var n int64
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) (err error) {
		n, err = affected(q.NewUpdate().Model((*orderRow)(nil)).
			Set("provider_payment_id = ?, payment_url = ?, updated_at = ?", paymentID, url, at.UTC()).
			Where("tenant_id = ? AND id = ? AND status = ?", tenantID, orderID, string(orders.StatusPendingPayment)).
			Where("(provider_payment_id IS NULL OR provider_payment_id = ?)", paymentID).
			Exec(ctx))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("ordersdb: set payment: %w", err)
	}
	return n == 1, nil
}

// RecordEvent implements orders.Store.
func (s *Store) RecordEvent(ctx context.Context, e orders.OrderEvent) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return insertEvent(ctx, q, tenantID, e)
	})
}

func insertEvent(ctx context.Context, q bun.IDB, tenantID string, e orders.OrderEvent) error {
	row := eventRow{TenantID: tenantID, ID: e.ID, OrderID: e.OrderID, Event: string(e.Event), FromStatus: string(e.From),
		ToStatus: string(e.To), PaymentID: e.PaymentID, Note: e.Note, At: e.At.UTC()}
	if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
		return fmt.Errorf("ordersdb: record event: %w", err)
	}
	return nil
}

// Events implements orders.Store. Ids are UUIDv7, so they break ties of
// events recorded in the same microsecond in the order they were made.
func (s *Store) Events(ctx context.Context, orderID string) ([]orders.OrderEvent, error) {
	var rows []eventRow
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model(&rows).Where("tenant_id = ? AND order_id = ?", tenantID, orderID).
			Order("at", "id").Scan(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("ordersdb: events: %w", err)
	}
	out := make([]orders.OrderEvent, len(rows))
	for i, r := range rows {
		out[i] = toEvent(r)
	}
	return out, nil
}

// StaleOrders implements orders.Store.
func (s *Store) StaleOrders(ctx context.Context, status orders.Status, before time.Time, batch int) ([]orders.Order, error) {
	var rows []orderRow
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model(&rows).
			Where("tenant_id = ? AND status = ? AND created_at < ?", tenantID, string(status), before.UTC()).
			Order("created_at", "id").Limit(int64(batch)).Scan(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("ordersdb: stale orders: %w", err)
	}
	out := make([]orders.Order, 0, len(rows))
	for _, r := range rows {
		o, err := toOrder(r)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// promoGuesses counts unknown promo codes per client address.
var promoGuesses = db.FailureCounter{Table: "promo_guess_limits"}

// CountPromoGuess implements orders.Store.
func (s *Store) CountPromoGuess(ctx context.Context, subject string, now time.Time, window time.Duration, max int) (bool, time.Time, error) {
	var (
		ok    bool
		since time.Time
	)
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		var err error
		ok, since, err = promoGuesses.Count(ctx, q, tenantID, subject, now, window, max)
		return err
	})
	if err != nil {
		return false, time.Time{}, fmt.Errorf("ordersdb: %w", err)
	}
	return ok, since, nil
}

// ForgivePromoGuess implements orders.Store.
func (s *Store) ForgivePromoGuess(ctx context.Context, subject string) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		if err := promoGuesses.Forgive(ctx, q, tenantID, subject); err != nil {
			return fmt.Errorf("ordersdb: %w", err)
		}
		return nil
	})
}

// PurgePromoGuesses implements orders.Store.
func (s *Store) PurgePromoGuesses(ctx context.Context, endedBy time.Time) (int, error) {
	var n int
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		var err error
		n, err = promoGuesses.Purge(ctx, q, tenantID, endedBy)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("ordersdb: %w", err)
	}
	return n, nil
}
