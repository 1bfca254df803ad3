// Package mediadb is the bun store of core/media: pictures in the
// tenant-owned table media, their bytes in the row (an avatar is tens of
// kilobytes, and one database is one thing to back up and keep in Russia
// under 152-FZ).
package mediadb

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/media"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/tenancy"
)

// Store keeps pictures. Every method is scoped to the tenant in the
// context twice: tenant_id = ? in every WHERE and insert (both databases),
// and db.Tenant / TenantRead scopes, under which PostgreSQL's row-level
// security hides other tenants' rows as well.
type Store struct {
	db *db.DB
}

var _ media.Store = (*Store)(nil)

// NewStore returns a store over d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

type mediaRow struct {
	bun.BaseModel `bun:"table:media"`
	TenantID      string    `bun:"tenant_id,pk"`
	ID            string    `bun:"id,pk"`
	OwnerID       string    `bun:"owner_id"`
	Kind          string    `bun:"kind"`
	ContentType   string    `bun:"content_type"`
	Bytes         []byte    `bun:"bytes"`
	Width         int       `bun:"width"`
	Height        int       `bun:"height"`
	CreatedAt     time.Time `bun:"created_at"`
}

// Replace stores rec and deletes the owner's other pictures of its kind in
// one transaction, serialised per owner and kind: SQLite's immediate
// transactions serialise every writer; on PostgreSQL a transaction-scoped
// advisory lock does, so two uploads at once leave one picture rather
// than a unique-key error (media_avatar_owner_key).
func (s *Store) Replace(ctx context.Context, rec media.Record) error {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return err
	}
	row := mediaRow{
		TenantID: tenantID, ID: rec.ID, OwnerID: rec.OwnerID, Kind: rec.Kind, ContentType: rec.Image.ContentType,
		Bytes: rec.Image.Bytes, Width: rec.Image.Width, Height: rec.Image.Height, CreatedAt: rec.CreatedAt.UTC(),
	}
	err = s.db.Tenant(ctx, func(ctx context.Context, q bun.IDB) error {
		if s.db.Dialect == db.Postgres {
			if _, err := q.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", lockKey(tenantID, rec.OwnerID, rec.Kind)); err != nil {
				return fmt.Errorf("lock owner: %w", err)
			}
		}
		if _, err := q.NewDelete().Model((*mediaRow)(nil)).
			Where("tenant_id = ? AND owner_id = ? AND kind = ?", tenantID, rec.OwnerID, rec.Kind).Exec(ctx); err != nil {
			return fmt.Errorf("delete previous: %w", err)
		}
		_, err := q.NewInsert().Model(&row).Exec(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("media: replace %s: %w", rec.Kind, err)
	}
	return nil
}

// lockKey is the advisory lock of one owner's pictures of one kind: FNV-1a
// of a name space, the tenant, the owner and the kind. A colliding key only
// makes two uploads wait for each other.
func lockKey(tenantID, ownerID, kind string) int64 {
	h := fnv.New64a()
	for _, part := range []string{"media", tenantID, ownerID, kind} {
		_, _ = h.Write([]byte(part))
		_, _ = h.Write([]byte{0})
	}
	return int64(h.Sum64())
}

// Get returns the tenant's picture id of kind, or media.ErrNotFound.
func (s *Store) Get(ctx context.Context, kind, id string) (media.Record, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return media.Record{}, err
	}
	var row mediaRow
	err = s.db.TenantRead(ctx, func(ctx context.Context, q bun.IDB) error {
		return q.NewSelect().Model(&row).Where("tenant_id = ? AND kind = ? AND id = ?", tenantID, kind, id).Scan(ctx)
	})
	if db.IsNoRows(err) {
		return media.Record{}, media.ErrNotFound
	}
	if err != nil {
		return media.Record{}, fmt.Errorf("media: get: %w", err)
	}
	return media.Record{
		ID: row.ID, TenantID: row.TenantID, OwnerID: row.OwnerID, Kind: row.Kind, CreatedAt: row.CreatedAt.UTC(),
		Image: media.Image{Bytes: row.Bytes, ContentType: row.ContentType, Width: row.Width, Height: row.Height},
	}, nil
}

// DeleteAllOf removes the owner's pictures of kind and returns how many.
func (s *Store) DeleteAllOf(ctx context.Context, kind, ownerID string) (int, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.db.Tenant(ctx, func(ctx context.Context, q bun.IDB) error {
		res, err := q.NewDelete().Model((*mediaRow)(nil)).
			Where("tenant_id = ? AND owner_id = ? AND kind = ?", tenantID, ownerID, kind).Exec(ctx)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("media: delete: %w", err)
	}
	return int(n), nil
}
