package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/config"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/i18n"
	"github.com/consult/platform/core/platform/rbac"
	"github.com/consult/platform/core/platform/rbac/rbacdb"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/core/subjects"
	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/products"
	"github.com/consult/platform/tenants"
)

// adminCmd runs `platform admin <command>`: operations for the people who
// run the platform, such as creating the first vendor admin.
func adminCmd(ctx context.Context, args, environ []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "create-api-key" {
		return createAPIKeyCmd(ctx, args[1:], environ, stdout)
	}
	if len(args) == 0 || args[0] != "create-user" {
		return usageError{"usage: platform admin create-user --tenant <id> --email <address> --name <name> --role <role> [--db <url>]\n" +
			"       platform admin create-api-key --tenant <id> --name <name> [--quiet] [--db <url>]"}
	}
	f := newFlags("admin create-user", false)
	tenant := f.fs.String("tenant", "", "tenant the user belongs to (vetpet, astars, jetmoney, …)")
	email := f.fs.String("email", "", "the user's e-mail; they sign in with a code sent to it")
	name := f.fs.String("name", "", "the user's name")
	role := f.fs.String("role", "", "customer, specialist, support, tenant_admin or vendor_admin (vendor-wide)")
	cfg, err := f.parse(args[1:], environ)
	if err != nil {
		return err
	}
	r, err := rbac.ParseRole(*role)
	if err != nil || *tenant == "" || *email == "" || *name == "" {
		return usageError{"platform admin create-user: --tenant, --email, --name and a valid --role are required (roles: customer, specialist, support, tenant_admin, vendor_admin)"}
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
	builtin := products.Builtin()
	svc, err := buildServices(cfg, environ, d, bundle, live, builtinSpecs{},
		func(name string) (subjects.Validator, error) {
			if p, ok := builtin[name]; ok {
				return p, nil
			}
			return nil, errs.E(errs.KindNotFound, "products.not_found")
		}, clock.System{}, newLogger(cfg.Log, io.Discard))
	if err != nil {
		return err
	}
	enf, err := rbac.New(ctx, rbacdb.New(d), rbac.Options{})
	if err != nil {
		return err
	}
	defer enf.Close()

	user, err := svc.accounts.CreateStaff(tenancy.With(ctx, t.ID), *email, *name)
	if err != nil {
		var e *errs.Error
		if errors.As(err, &e) && e.Kind == errs.KindConflict {
			return fmt.Errorf("admin: %s already has an account on %s", *email, t.ID)
		}
		return err
	}
	scope := t.ID
	if r == rbac.VendorAdmin {
		scope = rbac.VendorWide // vendor admins act in every tenant
	}
	if err := enf.Assign(ctx, user.ID, scope, r); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s (%s) in %s with role %s (scope %s), user id %s\n",
		user.Email, user.Name, t.ID, r, scope, user.ID)
	fmt.Fprintf(stdout, "sign in at %s/login → E-mail → \"sign in with a code\"%s\n", signInBase(cfg, t), devHint(cfg))
	return nil
}

// signInBase is where the new user signs in: the dev host in dev, the
// first production domain otherwise.
func signInBase(cfg config.Config, t tenants.Tenant) string {
	if len(t.Sites) == 0 {
		return ""
	}
	site := t.Sites[0]
	if cfg.Env == config.EnvDev || len(site.Domains) == 0 {
		_, port, _ := net.SplitHostPort(cfg.Addr)
		dev := site.DevHost
		if dev == "" {
			dev = site.ID + ".localhost"
		}
		return "http://" + dev + ":" + port
	}
	return "https://" + site.Domains[0]
}

func devHint(cfg config.Config) string {
	if cfg.Env == config.EnvDev {
		return " (the code is at /dev/outbox)"
	}
	return ""
}

// builtinSpecs serves the built-in products' specs in process, for
// commands that start no plugin processes.
type builtinSpecs struct{}

func (builtinSpecs) Spec(product string) (sdk.Spec, bool) { return products.Spec(product) }
