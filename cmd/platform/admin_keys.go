package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/certificates/certificatesdb"
	"github.com/consult/platform/core/partners"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/config"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/i18n"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants/tenantsdb"
)

// createAPIKeyCmd runs `platform admin create-api-key`: a partner API key
// for a tenant, made without an account (the audit records "cli"), for
// scripts, the demo, and a partner's first integration before any tenant
// admin exists. The secret is printed once and stored nowhere; --quiet
// prints it alone, for `KEY=$(platform admin create-api-key … --quiet)`.
func createAPIKeyCmd(ctx context.Context, args, environ []string, stdout io.Writer) error {
	f := newFlags("admin create-api-key", false)
	tenant := f.fs.String("tenant", "", "tenant the key belongs to (jetmoney, vetpet, astars, …)")
	name := f.fs.String("name", "", `what the key is for, e.g. "CRM"`)
	quiet := f.fs.Bool("quiet", false, "print the secret only")
	cfg, err := f.parse(args, environ)
	if err != nil {
		return err
	}
	if *tenant == "" || *name == "" {
		return usageError{"platform admin create-api-key: --tenant and --name are required"}
	}
	d, live, err := openSynced(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	t, ok := live.Current().Tenant(*tenant)
	if !ok {
		return fmt.Errorf("admin: no tenant %q", *tenant)
	}
	bundle, err := i18n.New(configs.FS)
	if err != nil {
		return err
	}
	clk := clock.System{}
	certs := certificates.New(certificatesdb.New(d), certificates.DefaultConfig(), certificates.Deps{Clock: clk, Texts: bundle})
	k, err := buildPartners(d, certs, clk, nil).CreateKey(tenancy.With(ctx, t.ID), *name, partners.CreatedByCLI)
	if err != nil {
		return err
	}
	if *quiet {
		fmt.Fprintln(stdout, k.Secret)
		return nil
	}
	fmt.Fprintf(stdout, "created API key %q (%s…) for %s, key id %s\n", k.Name, k.Prefix, t.ID, k.ID)
	fmt.Fprintf(stdout, "secret (shown only now; store it in the partner's system): %s\n", k.Secret)
	fmt.Fprintf(stdout, "use: POST %s/api/v1/partner/certificates with \"Authorization: Bearer <secret>\" and an Idempotency-Key per sale\n",
		signInBase(cfg, t))
	return nil
}

// openSynced opens the database, migrates it and applies the data files,
// so that an admin command finds the tenants it names.
func openSynced(ctx context.Context, cfg config.Config) (*db.DB, *tenantsdb.Live, error) {
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, nil, err
	}
	live, err := func() (*tenantsdb.Live, error) {
		if _, err := d.Migrate(ctx); err != nil {
			return nil, err
		}
		in, err := loadData(ctx, cfg.Data.Dir)
		if err != nil {
			return nil, err
		}
		if _, err := tenantsdb.Sync(ctx, d, in, time.Now()); err != nil {
			return nil, err
		}
		return tenantsdb.NewLive(ctx, d)
	}()
	if err != nil {
		_ = d.Close()
		return nil, nil, err
	}
	return d, live, nil
}
