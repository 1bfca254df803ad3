package notifydb

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/platform/db"
)

// Store is the outbox for notify.Worker and, in dev, the dev outbox.
//
// Claim and the Mark methods are system work across tenants: the worker
// delivers every tenant's messages in time order, so they run as the
// connection's own role (exempt from row-level security) and key every
// write by (tenant_id, id). The dev outbox is tenant data and goes through
// the tenant scope (db.Tenant / db.TenantRead), as migrations/README.md
// asks.
type Store struct {
	db *db.DB
}

var (
	_ notify.Store       = (*Store)(nil)
	_ notify.DevRecorder = (*Store)(nil)
	_ notify.DevReader   = (*Store)(nil)
)

// NewStore returns the outbox store over d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// Claim leases up to limit due messages until now+lease and counts the
// attempt, in one short transaction. On PostgreSQL the due rows are
// selected FOR UPDATE SKIP LOCKED, so concurrent workers on other nodes
// take disjoint batches without waiting for each other; a worker that
// reads a row just after another one's claim committed sees its live
// lease and leaves it. On SQLite (one node) the transaction is immediate
// (the database's _txlock), so claims simply take turns.
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]notify.Delivery, error) {
	if limit <= 0 {
		return nil, nil
	}
	now = now.UTC()
	var rows []messageRow
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var due []struct {
			TenantID string `bun:"tenant_id"`
			ID       string `bun:"id"`
		}
		sel := tx.NewSelect().Model((*messageRow)(nil)).Column("tenant_id", "id").
			Where("status = ?", StatusPending).
			Where("next_attempt_at <= ?", now).
			Where("(locked_until IS NULL OR locked_until <= ?)", now).
			OrderExpr("next_attempt_at, id").
			Limit(int64(limit))
		if s.db.Dialect == db.Postgres {
			sel = sel.For("UPDATE SKIP LOCKED")
		}
		if err := sel.Scan(ctx, &due); err != nil {
			return fmt.Errorf("select due: %w", err)
		}
		if len(due) == 0 {
			return nil
		}
		keys := make([][]string, len(due))
		for i, k := range due {
			keys[i] = []string{k.TenantID, k.ID}
		}
		_, err := tx.NewUpdate().Model((*messageRow)(nil)).
			Set("locked_until = ?", now.Add(lease)).
			Set("attempts = attempts + 1").
			Where("(tenant_id, id) IN ?", bun.Tuple(keys)).
			Returning("*").
			Exec(ctx, &rows)
		if err != nil {
			return fmt.Errorf("lease: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("notifydb: claim: %w", err)
	}
	out := make([]notify.Delivery, len(rows))
	for i, r := range rows {
		out[i] = toDelivery(r)
	}
	return out, nil
}

// MarkSent records the provider's acceptance. The body (and HTML) of a
// Sensitive message is erased in the same statement: a delivered login
// code has no reason to stay in the database (notify.Message.Sensitive).
func (s *Store) MarkSent(ctx context.Context, d notify.Delivery, providerID string, at time.Time) error {
	at = at.UTC()
	q := s.db.NewUpdate().Model((*messageRow)(nil)).
		Set("status = ?", StatusSent).
		Set("provider_id = ?", providerID).
		Set("sent_at = ?", at).
		Set("locked_until = NULL").
		Set("last_error = ''")
	return s.finish(ctx, eraseSensitive(q), d)
}

// MarkRetry releases the lease and schedules the next attempt.
func (s *Store) MarkRetry(ctx context.Context, d notify.Delivery, next time.Time, reason string) error {
	q := s.db.NewUpdate().Model((*messageRow)(nil)).
		Set("next_attempt_at = ?", next.UTC()).
		Set("locked_until = NULL").
		Set("last_error = ?", reason)
	return s.finish(ctx, q, d)
}

// MarkFailed gives up on the message. A Sensitive body is erased here too:
// nobody will send it, and an undelivered code is still a code.
func (s *Store) MarkFailed(ctx context.Context, d notify.Delivery, _ time.Time, reason string) error {
	q := s.db.NewUpdate().Model((*messageRow)(nil)).
		Set("status = ?", StatusFailed).
		Set("locked_until = NULL").
		Set("last_error = ?", reason)
	return s.finish(ctx, eraseSensitive(q), d)
}

func eraseSensitive(q *bun.UpdateQuery) *bun.UpdateQuery {
	return q.Set("body = CASE WHEN sensitive THEN '' ELSE body END").
		Set("html = CASE WHEN sensitive THEN '' ELSE html END")
}

// finish applies q to the claimed row only while the claim still holds
// it: pending, and its attempt count unchanged since the claim (the
// fencing token). Otherwise the lease expired and a later attempt owns
// the row; this one's outcome is dropped with notify.ErrLeaseLost.
func (s *Store) finish(ctx context.Context, q *bun.UpdateQuery, d notify.Delivery) error {
	res, err := q.Where("tenant_id = ? AND id = ?", d.TenantID, d.ID).
		Where("status = ?", StatusPending).
		Where("attempts = ?", d.Attempt).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("notifydb: mark %s: %w", d.ID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return notify.ErrLeaseLost
	}
	return nil
}

func toDelivery(r messageRow) notify.Delivery {
	m := notify.Message{
		TenantID: r.TenantID, Channel: notify.Channel(r.Channel), To: r.Recipient, Subject: r.Subject,
		Text: r.Body, HTML: r.HTML, Kind: r.Kind, Sensitive: r.Sensitive,
	}
	if r.DedupeKey != nil {
		m.DedupeKey = *r.DedupeKey
	}
	return notify.Delivery{ID: r.ID, Attempt: r.Attempts, Message: m}
}
