package tenantsdb

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants"
)

// Errors the store returns.
var (
	ErrSiteNotFound = errs.E(errs.KindNotFound, "tenants.site_not_found")
	ErrFileNotFound = errs.E(errs.KindNotFound, "errors.not_found")
)

// Store reads a tenant's sites, offers and files. Every method is scoped
// to the tenant in the context, twice: its queries say tenant_id = ? (the
// first wall, on both databases), and they run through db.TenantRead, so on
// PostgreSQL row-level security hides other tenants' rows too (the second
// wall). Sync and LoadDirectory are system work across all tenants and run
// as the connection's own role instead.
type Store struct {
	db *db.DB
}

// NewStore returns a store over d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// File is a stored tenant file.
type File struct {
	Name        string
	ContentType string
	Content     []byte
	Digest      string
}

// File returns the tenant's file by name, or ErrFileNotFound.
func (s *Store) File(ctx context.Context, name string) (File, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return File{}, err
	}
	var row fileRow
	err = s.db.TenantRead(ctx, func(ctx context.Context, q bun.IDB) error {
		return q.NewSelect().Model(&row).Where("tenant_id = ? AND name = ?", tenantID, name).Scan(ctx)
	})
	if db.IsNoRows(err) {
		return File{}, ErrFileNotFound
	}
	if err != nil {
		return File{}, fmt.Errorf("tenant file: %w", err)
	}
	return File{Name: row.Name, ContentType: row.ContentType, Content: row.Content, Digest: row.Digest}, nil
}

// Site returns one of the tenant's live sites.
func (s *Store) Site(ctx context.Context, siteID string) (tenants.Site, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return tenants.Site{}, err
	}
	var row siteRow
	err = s.db.TenantRead(ctx, func(ctx context.Context, q bun.IDB) error {
		return q.NewSelect().Model(&row).Where("tenant_id = ? AND id = ? AND retired_at IS NULL", tenantID, siteID).Scan(ctx)
	})
	if db.IsNoRows(err) {
		return tenants.Site{}, ErrSiteNotFound
	}
	if err != nil {
		return tenants.Site{}, fmt.Errorf("site: %w", err)
	}
	var site tenants.Site
	if err := json.Unmarshal([]byte(row.Spec), &site); err != nil {
		return tenants.Site{}, fmt.Errorf("site %s: decode: %w", siteID, err)
	}
	return site, nil
}

// SiteOffers returns the live offers a site sells, in the site's order,
// each with its live packages in the order of the offer file.
// Both reads share one tenant scope (one transaction on PostgreSQL).
func (s *Store) SiteOffers(ctx context.Context, siteID string) ([]tenants.Offer, error) {
	var out []tenants.Offer
	err := s.db.TenantRead(ctx, func(ctx context.Context, _ bun.IDB) error {
		site, err := s.Site(ctx, siteID)
		if err != nil {
			return err
		}
		out, err = s.Offers(ctx, site.Offers...)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Offers returns the tenant's live offers with the given ids, in that
// order; unknown or retired ids are left out.
func (s *Store) Offers(ctx context.Context, ids ...string) ([]tenants.Offer, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return []tenants.Offer{}, nil
	}
	var out []tenants.Offer
	err = s.db.TenantRead(ctx, func(ctx context.Context, q bun.IDB) (err error) {
		out, err = offers(ctx, q, tenantID, ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// offers is the body of Offers, on q: the tenant's live offers with the
// given ids and their live packages.
func offers(ctx context.Context, q bun.IDB, tenantID string, ids []string) ([]tenants.Offer, error) {
	var offerRows []offerRow
	if err := q.NewSelect().Model(&offerRows).
		Where("tenant_id = ? AND retired_at IS NULL", tenantID).
		Where("id IN (?)", bunIn(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("offers: %w", err)
	}
	var pkgRows []packageRow
	if err := q.NewSelect().Model(&pkgRows).Column("offer_id", "position", "spec").
		Where("tenant_id = ? AND retired_at IS NULL", tenantID).
		Where("offer_id IN (?)", bunIn(ids)).
		Order("offer_id", "position").Scan(ctx); err != nil {
		return nil, fmt.Errorf("packages: %w", err)
	}
	byID := make(map[string]*tenants.Offer, len(offerRows))
	for _, r := range offerRows {
		var o tenants.Offer
		if err := json.Unmarshal([]byte(r.Spec), &o); err != nil {
			return nil, fmt.Errorf("offer %s: decode: %w", r.ID, err)
		}
		o.Packages = []tenants.Package{}
		byID[r.ID] = &o
	}
	sort.SliceStable(pkgRows, func(i, j int) bool { return pkgRows[i].Position < pkgRows[j].Position })
	for _, r := range pkgRows {
		o := byID[r.OfferID]
		if o == nil {
			continue
		}
		var p tenants.Package
		if err := json.Unmarshal([]byte(r.Spec), &p); err != nil {
			return nil, fmt.Errorf("package %s/%s: decode: %w", r.OfferID, r.Code, err)
		}
		o.Packages = append(o.Packages, p)
	}
	out := make([]tenants.Offer, 0, len(ids))
	for _, id := range ids {
		if o := byID[id]; o != nil {
			out = append(out, *o)
		}
	}
	return out, nil
}

// bunIn wraps a slice for an IN (?) placeholder.
func bunIn(ids []string) any { return bun.List(ids) }
