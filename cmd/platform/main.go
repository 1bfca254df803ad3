// Command platform is the one binary of the consultation platform: it
// serves every branded site (the default), migrates the database, applies
// the tenant and product data files, and re-executes itself as a product
// plugin process.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…"; builds
// without it report the VCS revision Go recorded.
var version = ""

func main() {
	// A plugin process must not install the host's signal handling or
	// print anything before go-plugin's handshake.
	if len(os.Args) > 1 && os.Args[1] == "plugin" {
		if err := runPlugin(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "platform plugin:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var usage usageError
		if errors.As(err, &usage) {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "platform:", err)
		os.Exit(1)
	}
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

const usageText = `usage: platform [command] [flags]

commands:
  serve     run the platform (default)       --addr, --db
  migrate   apply pending database migrations  --db
  sync      apply tenant, product and offer data files to the database
            --db, --dir (a folder with tenants/<id>/…; default: embedded)
            --check (validate the files only)
  admin     create-user --tenant <id> --email <e-mail> --name <name> --role <role>
            (roles: customer, specialist, support, tenant_admin, vendor_admin)
            create-api-key --tenant <id> --name <name> [--quiet]
            (a partner API key; its secret is printed once)
  seed-demo write the demo catalogue (specialists, articles, FAQ) of each tenant
            that has one (tenants/<id>/catalog.yaml) into an empty catalogue;
            never overwrites content (serve does this by itself in dev)
            --db, --dir, --tenant <id>
  plugin    serve a built-in product plugin (internal: started by serve)
  version   print the version

environment: PLATFORM_ADDR, PLATFORM_DB, PLATFORM_ENV (dev|prod),
PLATFORM_CLOCK (dev only), PLATFORM_<SECTION>__<KEY> (see configs/platform.yaml)`

// run executes one command; main and the end-to-end tests call it.
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, environ, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, args, environ, stdout)
	case "sync":
		return syncCmd(ctx, args, environ, stdout)
	case "admin":
		return adminCmd(ctx, args, environ, stdout)
	case "seed-demo":
		return seedDemoCmd(ctx, args, environ, stdout)
	case "version":
		fmt.Fprintln(stdout, "platform", versionString())
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usageText)
		return nil
	default:
		return usageError{fmt.Sprintf("platform: unknown command %q\n\n%s", cmd, usageText)}
	}
}

func versionString() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}
