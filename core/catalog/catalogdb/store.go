// Package catalogdb is the bun store of core/catalog: the tenant-owned
// catalog_* tables of migration 20261122000800_catalog.
package catalogdb

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/tenants"
)

// Store keeps the catalogue. Every method is scoped to the tenant in the
// context twice: tenant_id = ? in every WHERE and insert (both databases),
// and db.WithTenant / WithTenantRead scopes, under which PostgreSQL's
// row-level security hides other tenants' rows as well.
type Store struct {
	db *db.DB
}

var _ catalog.Store = (*Store)(nil)

// New returns a store over d.
func New(d *db.DB) *Store { return &Store{db: d} }

// Atomic runs fn in one tenant transaction; the store's methods (and
// other stores over the same database) join it through fn's ctx.
func (s *Store) Atomic(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, _ bun.IDB, _ string) error { return fn(ctx) })
}

// write and read run fn in the tenant's scope, joining an enclosing
// transaction of Atomic.
func (s *Store) write(ctx context.Context, fn func(ctx context.Context, q bun.IDB, tenantID string) error) error {
	return s.db.WithTenant(ctx, fn)
}

func (s *Store) read(ctx context.Context, fn func(ctx context.Context, q bun.IDB, tenantID string) error) error {
	return s.db.WithTenantRead(ctx, fn)
}

// lock serialises, on PostgreSQL, the transactions of one tenant that
// touch name, until the transaction ends: READ COMMITTED would otherwise
// let two of them read the same FAQ positions or both find the catalogue
// empty. SQLite's immediate transactions serialise every writer already.
func (s *Store) lock(ctx context.Context, q bun.IDB, tenantID, name string) error {
	if s.db.Dialect != db.Postgres {
		return nil
	}
	h := fnv.New64a()
	for _, part := range []string{"catalog", tenantID, name} {
		_, _ = h.Write([]byte(part))
		_, _ = h.Write([]byte{0})
	}
	if _, err := q.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", int64(h.Sum64())); err != nil {
		return fmt.Errorf("lock %s: %w", name, err)
	}
	return nil
}

// audit writes the trail entry of the change the enclosing transaction
// makes.
func audit(ctx context.Context, q bun.IDB, tenantID string, a catalog.AuditEntry) error {
	row := toAuditRow(tenantID, a)
	if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// affected returns the rows a statement changed.
func affected(res interface{ RowsAffected() (int64, error) }, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Audit returns the trail newest first (ids are UUIDv7) after the entry
// after, at most limit+1 entries.
func (s *Store) Audit(ctx context.Context, after string, limit int) ([]catalog.AuditEntry, error) {
	var rows []auditRow
	err := s.read(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		sel := q.NewSelect().Model(&rows).Where("tenant_id = ?", tenantID)
		if after != "" {
			sel = sel.Where("id < ?", after)
		}
		return sel.Order("id DESC").Limit(int64(limit) + 1).Scan(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: audit: %w", err)
	}
	out := make([]catalog.AuditEntry, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.entry())
	}
	return out, nil
}

// Empty reports whether the tenant has no service details, specialists,
// articles or FAQ items, after taking the seeding lock.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	empty := true
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		if err := s.lock(ctx, q, tenantID, "seed"); err != nil {
			return err
		}
		for _, model := range []any{(*serviceRow)(nil), (*specialistRow)(nil), (*articleRow)(nil), (*faqRow)(nil)} {
			found, err := q.NewSelect().Model(model).Where("tenant_id = ?", tenantID).Exists(ctx)
			if err != nil {
				return err
			}
			if found {
				empty = false
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("catalog: empty: %w", err)
	}
	return empty, nil
}

// Contacts returns the admin's contacts of the site, if any.
func (s *Store) Contacts(ctx context.Context, siteID string) (tenants.Contacts, bool, error) {
	var rows []contactsRow
	err := s.read(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model(&rows).Where("tenant_id = ? AND site_id = ?", tenantID, siteID).Scan(ctx)
	})
	if err != nil {
		return tenants.Contacts{}, false, fmt.Errorf("catalog: contacts: %w", err)
	}
	if len(rows) == 0 {
		return tenants.Contacts{}, false, nil
	}
	var c tenants.Contacts
	if err := json.Unmarshal([]byte(rows[0].Contacts), &c); err != nil {
		return tenants.Contacts{}, false, fmt.Errorf("catalog: contacts of %s: %w", siteID, err)
	}
	return c, true, nil
}

// PutContacts inserts or replaces the site's contacts.
func (s *Store) PutContacts(ctx context.Context, siteID string, c tenants.Contacts, at time.Time, a catalog.AuditEntry) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("catalog: encode contacts: %w", err)
	}
	err = s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		row := contactsRow{TenantID: tenantID, SiteID: siteID, Contacts: string(b), UpdatedAt: at.UTC(), UpdatedBy: a.ActorID}
		if _, err := q.NewInsert().Model(&row).
			On("CONFLICT (tenant_id, site_id) DO UPDATE").
			Set("contacts = EXCLUDED.contacts, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by").
			Exec(ctx); err != nil {
			return err
		}
		return audit(ctx, q, tenantID, a)
	})
	if err != nil {
		return fmt.Errorf("catalog: put contacts: %w", err)
	}
	return nil
}

// DeleteContacts removes the site's contacts; none is no error.
func (s *Store) DeleteContacts(ctx context.Context, siteID string, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		if _, err := q.NewDelete().Model((*contactsRow)(nil)).
			Where("tenant_id = ? AND site_id = ?", tenantID, siteID).Exec(ctx); err != nil {
			return err
		}
		return audit(ctx, q, tenantID, a)
	})
	if err != nil {
		return fmt.Errorf("catalog: delete contacts: %w", err)
	}
	return nil
}
