package ordersdb

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/platform/db"
)

// newEventID returns a UUIDv7 for an event row the store records itself.
func newEventID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("ordersdb: id: %w", err)
	}
	return id.String(), nil
}

// CreatePromo implements orders.Store.
func (s *Store) CreatePromo(ctx context.Context, p orders.Promo) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		row, err := toPromoRow(tenantID, p)
		if err != nil {
			return err
		}
		if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) {
				return orders.ErrPromoCodeTaken.Because(err)
			}
			return fmt.Errorf("ordersdb: create promo: %w", err)
		}
		return nil
	})
}

// promo finds one promo by column = value, locking its row with lock.
func (s *Store) promo(ctx context.Context, column, value string, lock bool) (orders.Promo, error) {
	var row promoRow
	scope := s.db.WithTenantRead
	if lock {
		scope = s.db.WithTenant
	}
	err := scope(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		sel := q.NewSelect().Model(&row).Where("tenant_id = ?", tenantID).Where("? = ?", bun.Ident(column), value)
		if lock && s.db.Dialect == db.Postgres {
			// SQLite has no FOR UPDATE; its immediate write transaction
			// already holds the database's one write lock.
			sel = sel.For("UPDATE")
		}
		return sel.Scan(ctx)
	})
	if db.IsNoRows(err) {
		return orders.Promo{}, orders.ErrPromoNotFound
	}
	if err != nil {
		return orders.Promo{}, fmt.Errorf("ordersdb: promo by %s: %w", column, err)
	}
	return toPromo(row)
}

// Promo implements orders.Store.
func (s *Store) Promo(ctx context.Context, id string) (orders.Promo, error) {
	return s.promo(ctx, "id", id, false)
}

// PromoByCode implements orders.Store.
func (s *Store) PromoByCode(ctx context.Context, key string, lock bool) (orders.Promo, error) {
	if key == "" {
		return orders.Promo{}, orders.ErrPromoNotFound
	}
	return s.promo(ctx, "code_key", key, lock)
}

// Promos implements orders.Store.
func (s *Store) Promos(ctx context.Context) ([]orders.Promo, error) {
	var rows []promoRow
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model(&rows).Where("tenant_id = ?", tenantID).OrderExpr("created_at DESC, id DESC").Scan(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("ordersdb: promos: %w", err)
	}
	out := make([]orders.Promo, 0, len(rows))
	for _, r := range rows {
		p, err := toPromo(r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// DisablePromo implements orders.Store.
func (s *Store) DisablePromo(ctx context.Context, id string, at time.Time) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		if _, err := q.NewUpdate().Model((*promoRow)(nil)).Set("disabled_at = ?", at.UTC()).
			Where("tenant_id = ? AND id = ? AND disabled_at IS NULL", tenantID, id).Exec(ctx); err != nil {
			return fmt.Errorf("ordersdb: disable promo: %w", err)
		}
		exists, err := q.NewSelect().Model((*promoRow)(nil)).Where("tenant_id = ? AND id = ?", tenantID, id).Exists(ctx)
		if err != nil {
			return fmt.Errorf("ordersdb: disable promo: %w", err)
		}
		if !exists {
			return orders.ErrPromoNotFound
		}
		return nil
	})
}

// CustomerUses implements orders.Store.
func (s *Store) CustomerUses(ctx context.Context, promoID, customer string) (int, error) {
	var n int64
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) (err error) {
		n, err = q.NewSelect().Model((*usageRow)(nil)).
			Where("tenant_id = ? AND promo_id = ? AND customer = ? AND released_at IS NULL", tenantID, promoID, customer).
			Count(ctx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("ordersdb: customer uses: %w", err)
	}
	return int(n), nil
}

// UsePromo implements orders.Store. The guarded UPDATE is the arbiter: of
// concurrent transactions only as many as the cap leaves find a row to
// change (on PostgreSQL a waiting UPDATE re-checks the WHERE against the
// committed row).
func (s *Store) UsePromo(ctx context.Context, u orders.PromoUse) (bool, error) {
	var used bool
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		n, err := affected(q.NewUpdate().Model((*promoRow)(nil)).Set("used = used + 1").
			Where("tenant_id = ? AND id = ? AND disabled_at IS NULL", tenantID, u.PromoID).
			Where("(total_limit IS NULL OR used < total_limit)").
			Exec(ctx))
		if err != nil {
			return fmt.Errorf("ordersdb: use promo: %w", err)
		}
		if n == 0 {
			return nil
		}
		row := usageRow{TenantID: tenantID, OrderID: u.OrderID, PromoID: u.PromoID, Customer: u.Customer, CreatedAt: u.At.UTC()}
		if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
			return fmt.Errorf("ordersdb: record promo use: %w", err)
		}
		used = true
		return nil
	})
	return used, err
}

// ReleasePromo implements orders.Store: the use is marked released by a
// guarded UPDATE … WHERE released_at IS NULL, and only the call that did
// it uncounts the use.
func (s *Store) ReleasePromo(ctx context.Context, orderID string, at time.Time) (bool, error) {
	var released bool
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		var use usageRow
		err := q.NewSelect().Model(&use).Where("tenant_id = ? AND order_id = ?", tenantID, orderID).Scan(ctx)
		if db.IsNoRows(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ordersdb: promo use: %w", err)
		}
		n, err := affected(q.NewUpdate().Model((*usageRow)(nil)).Set("released_at = ?", at.UTC()).
			Where("tenant_id = ? AND order_id = ? AND released_at IS NULL", tenantID, orderID).Exec(ctx))
		if err != nil {
			return fmt.Errorf("ordersdb: release promo use: %w", err)
		}
		if n == 0 {
			return nil
		}
		if _, err := q.NewUpdate().Model((*promoRow)(nil)).Set("used = used - 1").
			Where("tenant_id = ? AND id = ? AND used > 0", tenantID, use.PromoID).Exec(ctx); err != nil {
			return fmt.Errorf("ordersdb: uncount promo use: %w", err)
		}
		released = true
		return nil
	})
	return released, err
}
