package notifydb

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/platform/tenancy"
)

// devRow is one entry of the dev outbox.
type devRow struct {
	bun.BaseModel `bun:"table:dev_outbox"`
	TenantID      string    `bun:"tenant_id,pk"`
	ID            string    `bun:"id,pk"` // UUIDv7: newest-first order breaks ties by it
	Channel       string    `bun:"channel"`
	Recipient     string    `bun:"recipient"`
	RecipientKey  string    `bun:"recipient_key"`
	Subject       string    `bun:"subject"`
	Body          string    `bun:"body"`
	Kind          string    `bun:"kind"`
	Status        string    `bun:"status"`
	CreatedAt     time.Time `bun:"created_at"`
}

// MaxDevMessages caps one DevMessages answer.
const MaxDevMessages = 200

// RecordDev stores m in the dev outbox. The worker calls it outside any
// request, so the tenant comes from the message; the write still goes
// through the tenant scope, so on PostgreSQL row-level security checks
// that the row is the message's tenant's.
func (s *Store) RecordDev(ctx context.Context, m notify.Message, status string, at time.Time) (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("notifydb: dev outbox id: %w", err)
	}
	row := &devRow{
		TenantID: m.TenantID, ID: id.String(), Channel: string(m.Channel), Recipient: m.To,
		RecipientKey: notify.RecipientKey(m.To), Subject: m.Subject, Body: m.Text, Kind: m.Kind,
		Status: status, CreatedAt: at.UTC(),
	}
	err = s.db.Tenant(tenancy.With(ctx, m.TenantID), func(ctx context.Context, q bun.IDB) error {
		_, err := q.NewInsert().Model(row).Exec(ctx)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("notifydb: record in the dev outbox: %w", err)
	}
	return row.ID, nil
}

// SetDevStatus updates the status of a dev outbox entry of tenantID.
func (s *Store) SetDevStatus(ctx context.Context, tenantID, id, status string) error {
	err := s.db.Tenant(tenancy.With(ctx, tenantID), func(ctx context.Context, q bun.IDB) error {
		_, err := q.NewUpdate().Model((*devRow)(nil)).Set("status = ?", status).
			Where("tenant_id = ? AND id = ?", tenantID, id).Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("notifydb: dev outbox status: %w", err)
	}
	return nil
}

// DevMessages returns the dev outbox of the tenant in ctx, newest first:
// the messages to recipient to (every recipient when to is empty), at most
// limit (1…MaxDevMessages; other values mean MaxDevMessages). A phone
// matches by its digits and an e-mail address regardless of case, so
// "+7 999 123-45-67" finds what was sent to +79991234567. Without a tenant
// in ctx it fails closed with errs.ErrTenantMissing.
func (s *Store) DevMessages(ctx context.Context, to string, limit int) ([]notify.DevMessage, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxDevMessages {
		limit = MaxDevMessages
	}
	var rows []devRow
	err = s.db.TenantRead(ctx, func(ctx context.Context, q bun.IDB) error {
		sel := q.NewSelect().Model(&rows).Where("tenant_id = ?", tenantID)
		if key := notify.RecipientKey(to); key != "" {
			sel = sel.Where("recipient_key = ?", key)
		}
		return sel.OrderExpr("created_at DESC, id DESC").Limit(int64(limit)).Scan(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("notifydb: dev outbox: %w", err)
	}
	out := make([]notify.DevMessage, len(rows))
	for i, r := range rows {
		out[i] = notify.DevMessage{
			ID: r.ID, Channel: notify.Channel(r.Channel), To: r.Recipient, Subject: r.Subject, Text: r.Body,
			Kind: r.Kind, CreatedAt: r.CreatedAt, Status: r.Status,
		}
	}
	return out, nil
}
