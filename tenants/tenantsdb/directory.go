package tenantsdb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/tenants"
)

// Directory is an in-memory snapshot of the live tenants and sites, keyed
// by host, so that resolving a request's site costs no query.
type Directory struct {
	// Version is the id of the last data sync the snapshot includes; a node
	// reloads when the database has a newer one.
	Version int64
	tenants map[string]*tenants.Tenant
	hosts   map[string]siteRef
	sites   []SiteEntry
}

type siteRef struct {
	tenant *tenants.Tenant
	site   *tenants.Site
}

// SiteEntry is a live site with its tenant id and host names.
type SiteEntry struct {
	TenantID string
	Site     tenants.Site
	Hosts    []string
}

// Resolve returns the tenant and site selected by a request Host.
func (d *Directory) Resolve(host string) (tenants.Tenant, tenants.Site, bool) {
	ref, ok := d.hosts[tenants.Host(host)]
	if !ok {
		return tenants.Tenant{}, tenants.Site{}, false
	}
	return *ref.tenant, *ref.site, true
}

// Tenant returns a live tenant by id.
func (d *Directory) Tenant(id string) (tenants.Tenant, bool) {
	t, ok := d.tenants[id]
	if !ok {
		return tenants.Tenant{}, false
	}
	return *t, true
}

// Sites lists the live sites, ordered by tenant and site id.
func (d *Directory) Sites() []SiteEntry { return d.sites }

// LoadDirectory reads the live tenants, sites and hosts of every tenant:
// system work that runs as the connection's own role, outside any tenant
// scope, because the Host decides the tenant only after this lookup.
func LoadDirectory(ctx context.Context, d *db.DB) (*Directory, error) {
	dir := &Directory{tenants: map[string]*tenants.Tenant{}, hosts: map[string]siteRef{}}
	err := d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		version, err := syncVersion(ctx, tx)
		if err != nil {
			return err
		}
		dir.Version = version
		var trows []tenantRow
		if err := tx.NewSelect().Model(&trows).Where("retired_at IS NULL").Order("id").Scan(ctx); err != nil {
			return err
		}
		for _, r := range trows {
			var t tenants.Tenant
			if err := json.Unmarshal([]byte(r.Spec), &t); err != nil {
				return fmt.Errorf("tenant %s: decode: %w", r.ID, err)
			}
			dir.tenants[t.ID] = &t
		}
		var hrows []hostRow
		if err := tx.NewSelect().Model(&hrows).Order("host").Scan(ctx); err != nil {
			return err
		}
		hostsOf := map[string][]string{}
		for _, h := range hrows {
			hostsOf[h.TenantID+"/"+h.SiteID] = append(hostsOf[h.TenantID+"/"+h.SiteID], h.Host)
		}
		var srows []siteRow
		if err := tx.NewSelect().Model(&srows).Where("retired_at IS NULL").Order("tenant_id", "id").Scan(ctx); err != nil {
			return err
		}
		for _, r := range srows {
			t := dir.tenants[r.TenantID]
			if t == nil {
				continue // the tenant is retired, and its sites with it
			}
			site := new(tenants.Site)
			if err := json.Unmarshal([]byte(r.Spec), site); err != nil {
				return fmt.Errorf("site %s: decode: %w", r.ID, err)
			}
			hosts := hostsOf[r.TenantID+"/"+r.ID]
			for _, h := range hosts {
				dir.hosts[h] = siteRef{tenant: t, site: site}
			}
			dir.sites = append(dir.sites, SiteEntry{TenantID: t.ID, Site: *site, Hosts: hosts})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load directory: %w", err)
	}
	return dir, nil
}

// SyncVersion returns the id of the newest data sync (0 when none ran).
func SyncVersion(ctx context.Context, d *db.DB) (int64, error) {
	return syncVersion(ctx, d.DB)
}

func syncVersion(ctx context.Context, q bun.IDB) (int64, error) {
	var v int64
	err := q.NewSelect().Model((*syncRow)(nil)).ColumnExpr("COALESCE(MAX(id), 0)").Scan(ctx, &v)
	if err != nil {
		return 0, fmt.Errorf("sync version: %w", err)
	}
	return v, nil
}

// LastSync returns when the newest data sync was applied.
func LastSync(ctx context.Context, d *db.DB) (time.Time, bool, error) {
	var row syncRow
	err := d.NewSelect().Model(&row).Order("id DESC").Limit(1).Scan(ctx)
	if db.IsNoRows(err) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	return row.AppliedAt, true, nil
}
