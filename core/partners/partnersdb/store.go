// Package partnersdb is the partners store (partners.Store) on bun, for
// SQLite and PostgreSQL. Row structs and converters live only here.
//
// Every method reads the tenant from the context (tenancy.From, failing
// closed), writes tenant_id = ? into every WHERE and every insert, and runs
// through db.(*DB).WithTenant or WithTenantRead, so that on PostgreSQL
// row-level security is the second wall (migrations/README.md,
// SECURITY.md 12).
package partnersdb

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/partners"
	"github.com/consult/platform/core/platform/db"
)

// Store implements partners.Store.
type Store struct {
	db *db.DB
}

var _ partners.Store = (*Store)(nil)

// New returns a store over d.
func New(d *db.DB) *Store { return &Store{db: d} }

// keyRow is one API key (table partner_keys).
type keyRow struct {
	bun.BaseModel `bun:"table:partner_keys"`
	TenantID      string     `bun:"tenant_id,pk"`
	ID            string     `bun:"id,pk"`
	Name          string     `bun:"name"`
	Prefix        string     `bun:"prefix"`
	SecretHash    string     `bun:"secret_hash"`
	CreatedBy     string     `bun:"created_by"`
	CreatedAt     time.Time  `bun:"created_at"`
	LastUsedAt    *time.Time `bun:"last_used_at"`
	RevokedAt     *time.Time `bun:"revoked_at"`
	RevokedBy     *string    `bun:"revoked_by"`
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func toKey(r keyRow) partners.Key {
	k := partners.Key{ID: r.ID, TenantID: r.TenantID, Name: r.Name, Prefix: r.Prefix, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), LastUsedAt: utcPtr(r.LastUsedAt), RevokedAt: utcPtr(r.RevokedAt)}
	if r.RevokedBy != nil {
		k.RevokedBy = *r.RevokedBy
	}
	return k
}

// CreateKey implements partners.Store.
func (s *Store) CreateKey(ctx context.Context, k partners.Key, secretHash string) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		row := keyRow{TenantID: tenantID, ID: k.ID, Name: k.Name, Prefix: k.Prefix, SecretHash: secretHash,
			CreatedBy: k.CreatedBy, CreatedAt: k.CreatedAt.UTC()}
		if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
			return fmt.Errorf("partnersdb: create key: %w", err)
		}
		return nil
	})
}

// Keys implements partners.Store.
func (s *Store) Keys(ctx context.Context) ([]partners.Key, error) {
	var rows []keyRow
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model(&rows).Where("tenant_id = ?", tenantID).OrderExpr("created_at DESC, id DESC").Scan(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("partnersdb: keys: %w", err)
	}
	out := make([]partners.Key, len(rows))
	for i, r := range rows {
		out[i] = toKey(r)
	}
	return out, nil
}

// key reads one key by column = value.
func (s *Store) key(ctx context.Context, q bun.IDB, tenantID, column, value string) (partners.Key, error) {
	var row keyRow
	err := q.NewSelect().Model(&row).Where("tenant_id = ?", tenantID).Where("? = ?", bun.Ident(column), value).Scan(ctx)
	if db.IsNoRows(err) {
		return partners.Key{}, partners.ErrKeyNotFound
	}
	if err != nil {
		return partners.Key{}, fmt.Errorf("partnersdb: key by %s: %w", column, err)
	}
	return toKey(row), nil
}

// Key implements partners.Store.
func (s *Store) Key(ctx context.Context, id string) (partners.Key, error) {
	var k partners.Key
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) (err error) {
		k, err = s.key(ctx, q, tenantID, "id", id)
		return err
	})
	return k, err
}

// KeyByHash implements partners.Store: an indexed lookup on
// (tenant_id, secret_hash), inside the tenant of the request's Host.
func (s *Store) KeyByHash(ctx context.Context, secretHash string) (partners.Key, error) {
	var k partners.Key
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) (err error) {
		k, err = s.key(ctx, q, tenantID, "secret_hash", secretHash)
		return err
	})
	return k, err
}

// RevokeKey implements partners.Store: the guard revoked_at IS NULL makes
// the first revocation the one recorded, however many race.
func (s *Store) RevokeKey(ctx context.Context, id, by string, now time.Time) (partners.Key, bool, error) {
	var (
		k       partners.Key
		revoked bool
	)
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		res, err := q.NewUpdate().Model((*keyRow)(nil)).Set("revoked_at = ?", now.UTC()).Set("revoked_by = ?", by).
			Where("tenant_id = ? AND id = ? AND revoked_at IS NULL", tenantID, id).Exec(ctx)
		if err != nil {
			return fmt.Errorf("partnersdb: revoke key: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("partnersdb: revoke key: %w", err)
		}
		revoked = n == 1
		k, err = s.key(ctx, q, tenantID, "id", id)
		return err
	})
	if err != nil {
		return partners.Key{}, false, err
	}
	return k, revoked, nil
}

// TouchKey implements partners.Store; the guard keeps concurrent requests
// from writing the same minute twice.
func (s *Store) TouchKey(ctx context.Context, id string, now, staleBefore time.Time) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		_, err := q.NewUpdate().Model((*keyRow)(nil)).Set("last_used_at = ?", now.UTC()).
			Where("tenant_id = ? AND id = ?", tenantID, id).
			Where("(last_used_at IS NULL OR last_used_at <= ?)", staleBefore.UTC()).Exec(ctx)
		if err != nil {
			return fmt.Errorf("partnersdb: touch key: %w", err)
		}
		return nil
	})
}
