package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/tenants/tenantsdb"
)

func migrateCmd(ctx context.Context, args, environ []string, stdout io.Writer) error {
	cfg, err := newFlags("migrate", false).parse(args, environ)
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	applied, err := d.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(stdout, "%s: schema is up to date\n", d.URL)
		return nil
	}
	fmt.Fprintf(stdout, "%s: applied %d migrations:\n  %s\n", d.URL, len(applied), strings.Join(applied, "\n  "))
	return nil
}

func syncCmd(ctx context.Context, args, environ []string, stdout io.Writer) error {
	f := newFlags("sync", false)
	dir := f.fs.String("dir", "", "folder holding tenants/<id>/… data files (default: the files embedded in the binary)")
	check := f.fs.Bool("check", false, "validate the data files and exit without touching the database")
	cfg, err := f.parse(args, environ)
	if err != nil {
		return err
	}
	in, err := loadData(ctx, *dir)
	if err != nil {
		return err
	}
	if *check {
		n := 0
		for _, t := range in.Tenants {
			n += len(t.Offers)
		}
		fmt.Fprintf(stdout, "data files are valid: %d tenants, %d offers, %d products\n", len(in.Tenants), n, len(in.Products))
		return nil
	}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	rep, err := tenantsdb.Sync(ctx, d, in, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, rep.String())
	return nil
}
