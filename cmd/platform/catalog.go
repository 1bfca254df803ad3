package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"slices"
	"time"

	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/catalog/catalogdb"
	"github.com/consult/platform/core/media/mediadb"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

// newCatalog builds the catalogue service over d: buildServices and
// seed-demo share it.
func newCatalog(d *db.DB, clk clock.Clock) *catalog.Service {
	return catalog.New(catalogdb.New(d), catalog.Deps{Offers: tenantsdb.NewStore(d), Images: mediadb.NewStore(d), Clock: clk})
}

// demoFile is a tenant's demo catalogue in its data folder
// (tenants/<id>/catalog.yaml). The tenants loader reads only tenant.yaml
// and offers/, so the file is not tenant data that sync applies.
const demoFile = "catalog.yaml"

// dataFS is the tenant data loadData reads: the embedded files, or dir.
func dataFS(dir string) fs.FS {
	if dir == "" {
		return tenants.Files()
	}
	return os.DirFS(dir)
}

// seedOutcome is what seeding did for one tenant.
type seedOutcome struct {
	Tenant string
	Report catalog.SeedReport
	NoFile bool // the tenant has no demo catalogue
}

func (o seedOutcome) String() string {
	r := o.Report
	switch {
	case o.NoFile:
		return o.Tenant + ": no demo catalogue"
	case !r.Seeded:
		return o.Tenant + ": the catalogue has content, left as it is"
	default:
		return fmt.Sprintf("%s: seeded %d services, %d specialists, %d articles, %d FAQ items",
			o.Tenant, r.Services, r.Specialists, r.Articles, r.FAQItems)
	}
}

// seedDemos writes the demo catalogue of each tenant that has one into
// its catalogue, where that is empty (catalog.Service.SeedDemo never
// overwrites an admin's edits). The tenants' data must be synced first:
// the demo names their packages.
func seedDemos(ctx context.Context, svc *catalog.Service, fsys fs.FS, tenantIDs []string) ([]seedOutcome, error) {
	var out []seedOutcome
	for _, id := range tenantIDs {
		data, err := fs.ReadFile(fsys, path.Join(id, demoFile))
		if errors.Is(err, fs.ErrNotExist) {
			out = append(out, seedOutcome{Tenant: id, NoFile: true})
			continue
		}
		if err != nil {
			return out, fmt.Errorf("demo catalogue of %s: %w", id, err)
		}
		content, err := catalog.ParseContent(data)
		if err != nil {
			return out, fmt.Errorf("%s/%s: %w", id, demoFile, err)
		}
		rep, err := svc.SeedDemo(tenancy.With(ctx, id), content)
		if err != nil {
			return out, fmt.Errorf("%s/%s: %w", id, demoFile, err)
		}
		out = append(out, seedOutcome{Tenant: id, Report: rep})
	}
	return out, nil
}

// seedAtStart seeds the demo catalogues when `serve` starts in dev, so a
// newcomer's sites show specialists, articles and a FAQ. A broken demo file
// is logged, not fatal: the platform serves without it.
func seedAtStart(ctx context.Context, svc *catalog.Service, fsys fs.FS, in tenantsdb.Input, log *slog.Logger) {
	ids := make([]string, 0, len(in.Tenants))
	for _, t := range in.Tenants {
		ids = append(ids, t.ID)
	}
	outcomes, err := seedDemos(ctx, svc, fsys, ids)
	for _, o := range outcomes {
		if o.Report.Seeded {
			log.Info("demo catalogue seeded", "tenant", o.Tenant, "specialists", o.Report.Specialists,
				"articles", o.Report.Articles, "faq", o.Report.FAQItems)
		}
	}
	if err != nil {
		log.Warn("demo catalogue not seeded", "err", err)
	}
}

// seedDemoCmd runs `platform seed-demo`: migrate, apply the data files,
// then seed the demo catalogues (of one tenant with --tenant) into empty
// catalogues. In prod too, on request: it never overwrites content.
func seedDemoCmd(ctx context.Context, args, environ []string, stdout io.Writer) error {
	f := newFlags("seed-demo", false)
	dir := f.fs.String("dir", "", "folder holding tenants/<id>/… data files (default: the files embedded in the binary)")
	only := f.fs.String("tenant", "", "seed only this tenant (default: every tenant with a demo catalogue)")
	cfg, err := f.parse(args, environ)
	if err != nil {
		return err
	}
	in, err := loadData(ctx, *dir)
	if err != nil {
		return err
	}
	var ids []string
	for _, t := range in.Tenants {
		ids = append(ids, t.ID)
	}
	if *only != "" {
		if !slices.Contains(ids, *only) {
			return usageError{fmt.Sprintf("platform seed-demo: no tenant %q (tenants: %v)", *only, ids)}
		}
		ids = []string{*only}
	}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	if _, err := tenantsdb.Sync(ctx, d, in, time.Now()); err != nil {
		return err
	}
	outcomes, err := seedDemos(ctx, newCatalog(d, clock.System{}), dataFS(*dir), ids)
	for _, o := range outcomes {
		fmt.Fprintln(stdout, o)
	}
	return err
}
