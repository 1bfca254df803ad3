// Package subjectsdb is the bun store of core/subjects: one row per subject
// in the tenant-owned table subjects, its fields as JSON.
package subjectsdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/core/subjects"
)

// Store keeps subjects. Every method is scoped to the tenant in the
// context twice: tenant_id = ? in every WHERE and insert (both databases),
// and db.Tenant / TenantRead scopes, under which PostgreSQL's row-level
// security hides other tenants' rows as well.
type Store struct {
	db *db.DB
}

var _ subjects.Store = (*Store)(nil)

// NewStore returns a store over d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// subjectRow is one row of subjects. Fields is JSON text (jsonb on
// PostgreSQL, text on SQLite; both take and give JSON text): a subject's
// schema belongs to its product, so its values are never columns.
type subjectRow struct {
	bun.BaseModel `bun:"table:subjects"`
	TenantID      string    `bun:"tenant_id,pk"`
	ID            string    `bun:"id,pk"`
	OwnerID       string    `bun:"owner_id"`
	Product       string    `bun:"product"`
	Kind          string    `bun:"kind"`
	Label         string    `bun:"label"`
	Fields        string    `bun:"fields"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

func toRow(tenantID string, s subjects.Subject) (subjectRow, error) {
	fields := s.Fields
	if fields == nil {
		fields = map[string]any{}
	}
	buf, err := json.Marshal(fields)
	if err != nil {
		return subjectRow{}, fmt.Errorf("subject %s: encode fields: %w", s.ID, err)
	}
	return subjectRow{
		TenantID: tenantID, ID: s.ID, OwnerID: s.OwnerID, Product: s.Product, Kind: s.Kind, Label: s.Label,
		Fields: string(buf), CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC(),
	}, nil
}

func toSubject(r subjectRow) (subjects.Subject, error) {
	fields := map[string]any{}
	if err := json.Unmarshal([]byte(r.Fields), &fields); err != nil {
		return subjects.Subject{}, fmt.Errorf("subject %s: decode fields: %w", r.ID, err)
	}
	return subjects.Subject{
		ID: r.ID, TenantID: r.TenantID, OwnerID: r.OwnerID, Product: r.Product, Kind: r.Kind,
		Fields: fields, Label: r.Label, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}, nil
}

// List returns the owner's subjects, newest first (ids are UUIDv7, so
// they order subjects created within one clock tick).
func (s *Store) List(ctx context.Context, ownerID string) ([]subjects.Subject, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return nil, err
	}
	var rows []subjectRow
	err = s.db.TenantRead(ctx, func(ctx context.Context, q bun.IDB) error {
		return q.NewSelect().Model(&rows).
			Where("tenant_id = ? AND owner_id = ?", tenantID, ownerID).
			Order("created_at DESC", "id DESC").Scan(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("subjects: list: %w", err)
	}
	out := make([]subjects.Subject, 0, len(rows))
	for _, r := range rows {
		sub, err := toSubject(r)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, nil
}

// Get returns the owner's subject id, or subjects.ErrNotFound.
func (s *Store) Get(ctx context.Context, ownerID, id string) (subjects.Subject, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return subjects.Subject{}, err
	}
	var row subjectRow
	err = s.db.TenantRead(ctx, func(ctx context.Context, q bun.IDB) error {
		return q.NewSelect().Model(&row).
			Where("tenant_id = ? AND owner_id = ? AND id = ?", tenantID, ownerID, id).Scan(ctx)
	})
	if db.IsNoRows(err) {
		return subjects.Subject{}, subjects.ErrNotFound
	}
	if err != nil {
		return subjects.Subject{}, fmt.Errorf("subjects: get: %w", err)
	}
	return toSubject(row)
}

// Create inserts sub unless its owner already has limit subjects
// (subjects.ErrLimitReached). The count and the insert run in one
// transaction, serialised per owner: SQLite's immediate transactions
// serialise every writer; on PostgreSQL, whose READ COMMITTED would let two
// transactions both count max-1, a transaction-scoped advisory lock on
// (tenant, owner) does.
func (s *Store) Create(ctx context.Context, sub subjects.Subject, limit int) error {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return err
	}
	row, err := toRow(tenantID, sub)
	if err != nil {
		return err
	}
	err = s.db.Tenant(ctx, func(ctx context.Context, q bun.IDB) error {
		if s.db.Dialect == db.Postgres {
			if _, err := q.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", ownerLockKey(tenantID, sub.OwnerID)); err != nil {
				return fmt.Errorf("lock owner: %w", err)
			}
		}
		n, err := q.NewSelect().Model((*subjectRow)(nil)).
			Where("tenant_id = ? AND owner_id = ?", tenantID, sub.OwnerID).Count(ctx)
		if err != nil {
			return fmt.Errorf("count: %w", err)
		}
		if n >= int64(limit) {
			return subjects.ErrLimitReached
		}
		_, err = q.NewInsert().Model(&row).Exec(ctx)
		return err
	})
	if err != nil {
		if errors.Is(err, subjects.ErrLimitReached) {
			return err
		}
		return fmt.Errorf("subjects: create: %w", err)
	}
	return nil
}

// ownerLockKey is the advisory lock of one owner's subjects: FNV-1a of a
// name space, the tenant and the owner. Another key that collides with it
// only makes the two wait for each other, never corrupts anything.
func ownerLockKey(tenantID, ownerID string) int64 {
	h := fnv.New64a()
	for _, part := range []string{"subjects", tenantID, ownerID} {
		_, _ = h.Write([]byte(part))
		_, _ = h.Write([]byte{0})
	}
	return int64(h.Sum64())
}

// Update replaces the fields, label and update time of the owner's subject
// sub.ID, or returns subjects.ErrNotFound.
func (s *Store) Update(ctx context.Context, sub subjects.Subject) error {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return err
	}
	row, err := toRow(tenantID, sub)
	if err != nil {
		return err
	}
	var n int64
	err = s.db.Tenant(ctx, func(ctx context.Context, q bun.IDB) error {
		res, err := q.NewUpdate().Model(&row).Column("fields", "label", "updated_at").
			Where("tenant_id = ? AND owner_id = ? AND id = ?", tenantID, sub.OwnerID, sub.ID).Exec(ctx)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("subjects: update: %w", err)
	}
	if n == 0 {
		return subjects.ErrNotFound
	}
	return nil
}

// Delete removes the owner's subject id, or returns subjects.ErrNotFound.
func (s *Store) Delete(ctx context.Context, ownerID, id string) error {
	n, err := s.delete(ctx, ownerID, &id)
	if err != nil {
		return err
	}
	if n == 0 {
		return subjects.ErrNotFound
	}
	return nil
}

// DeleteAllOf removes every subject of the owner and returns how many.
func (s *Store) DeleteAllOf(ctx context.Context, ownerID string) (int, error) {
	return s.delete(ctx, ownerID, nil)
}

// delete removes the owner's subject id, or all of them when id is nil,
// and returns how many rows went.
func (s *Store) delete(ctx context.Context, ownerID string, id *string) (int, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.db.Tenant(ctx, func(ctx context.Context, q bun.IDB) error {
		del := q.NewDelete().Model((*subjectRow)(nil)).Where("tenant_id = ? AND owner_id = ?", tenantID, ownerID)
		if id != nil {
			del = del.Where("id = ?", *id)
		}
		res, err := del.Exec(ctx)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("subjects: delete: %w", err)
	}
	return int(n), nil
}
