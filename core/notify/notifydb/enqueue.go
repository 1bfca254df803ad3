// Package notifydb is the outbox of notifications on bun: messages are
// enqueued inside the caller's transaction and claimed by workers
// (notify.Worker over Store); in dev it also keeps the dev outbox.
package notifydb

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/consult/platform/core/notify"
)

// Enqueue writes msgs into the outbox using q — pass the transaction of the
// event that causes them, so the message exists if and only if the event
// committed. A message whose DedupeKey is already in the outbox for its
// tenant is skipped.
func Enqueue(ctx context.Context, q bun.IDB, now time.Time, msgs ...notify.Message) error {
	for _, m := range msgs {
		if m.TenantID == "" || m.To == "" || m.Kind == "" {
			return fmt.Errorf("notify: message without tenant, recipient or kind")
		}
		switch m.Channel {
		case notify.SMS, notify.Email, notify.Cabinet:
		default:
			return fmt.Errorf("notify: unknown channel %q", m.Channel)
		}
		if m.Channel == notify.Cabinet && m.Sensitive {
			// The row is the cabinet notification, and a sensitive body is
			// erased on delivery: it would be gone the moment it arrived.
			return fmt.Errorf("notify: %s: a cabinet message cannot be sensitive", m.Kind)
		}
		id, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("notify: message id: %w", err)
		}
		row := &messageRow{
			ID: id.String(), TenantID: m.TenantID, Channel: string(m.Channel), Recipient: m.To, Subject: m.Subject,
			Body: m.Text, HTML: m.HTML, Kind: m.Kind, Sensitive: m.Sensitive,
			Status: StatusPending, NextAttemptAt: now.UTC(), CreatedAt: now.UTC(),
		}
		if m.DedupeKey != "" {
			row.DedupeKey = &m.DedupeKey
		}
		ins := q.NewInsert().Model(row)
		if row.DedupeKey != nil {
			ins = ins.On("CONFLICT (tenant_id, dedupe_key) DO NOTHING")
		}
		if _, err := ins.Exec(ctx); err != nil {
			return fmt.Errorf("notify: enqueue %s: %w", m.Kind, err)
		}
	}
	return nil
}

// Message statuses.
const (
	StatusPending = "pending" // waiting for its next attempt
	StatusSent    = "sent"    // accepted by the provider
	StatusFailed  = "failed"  // gave up: permanent error or attempts exhausted
)

// messageRow is one outbox row.
type messageRow struct {
	bun.BaseModel `bun:"table:notifications"`
	TenantID      string     `bun:"tenant_id,pk"`
	ID            string     `bun:"id,pk"` // UUIDv7: time-ordered, made here, same on both dialects
	Channel       string     `bun:"channel"`
	Recipient     string     `bun:"recipient"`
	Subject       string     `bun:"subject"`
	Body          string     `bun:"body"`
	HTML          string     `bun:"html"`
	Kind          string     `bun:"kind"`
	DedupeKey     *string    `bun:"dedupe_key"`
	Sensitive     bool       `bun:"sensitive"`
	Status        string     `bun:"status"`
	Attempts      int        `bun:"attempts"`
	NextAttemptAt time.Time  `bun:"next_attempt_at"`
	LockedUntil   *time.Time `bun:"locked_until"`
	LastError     string     `bun:"last_error"`
	ProviderID    string     `bun:"provider_id"`
	CreatedAt     time.Time  `bun:"created_at"`
	SentAt        *time.Time `bun:"sent_at"`
}
