package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/config"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/i18n"
	"github.com/consult/platform/core/platform/rbac"
	"github.com/consult/platform/core/platform/rbac/rbacdb"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/core/subjects"
	"github.com/consult/platform/core/web"
	"github.com/consult/platform/plugins/host"
	"github.com/consult/platform/tenants/tenantsdb"
)

// serve runs the platform until ctx ends (SIGINT/SIGTERM), then shuts down
// in order: HTTP first (in-flight requests finish), then the plugin
// processes (none left running), then the database.
func serve(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	cfg, err := newFlags("serve", true).parse(args, environ)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)
	var clk clock.Clock = clock.System{}
	if cfg.Clock != "" {
		start, _ := cfg.ClockStart() // validated by parse
		clk = clock.StartingAt(start)
		log.Warn("dev clock: business time starts at a fixed instant", "start", start.Format(time.RFC3339))
	}
	bootStart := time.Now()

	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer func() {
		if err := d.Close(); err != nil {
			log.Warn("close database", "err", err)
		}
	}()
	applied, err := d.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) > 0 {
		log.Info("database migrated", "db", d.URL, "applied", len(applied))
	}
	in, err := loadData(ctx, cfg.Data.Dir)
	if err != nil {
		return err
	}
	rep, err := tenantsdb.Sync(ctx, d, in, time.Now())
	if err != nil {
		return err
	}
	log.Info("tenant data applied", "source", in.Source, "changes", len(rep.Changes))

	live, err := tenantsdb.NewLive(ctx, d)
	if err != nil {
		return err
	}
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBackground()
	go live.Run(bgCtx, cfg.Data.ReloadInterval, log)

	bundle, err := i18n.New(configs.FS)
	if err != nil {
		return err
	}

	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("locate own binary for plugin processes: %w", err)
	}
	plugins := host.New(hostConfig(cfg, exe, log))
	if err := plugins.Start(ctx); err != nil {
		return err
	}
	pluginsStopped := false
	stopPlugins := func() {
		if pluginsStopped {
			return
		}
		pluginsStopped = true
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := plugins.Stop(sctx); err != nil {
			log.Warn("stop plugins", "err", err)
		}
	}
	defer stopPlugins()

	svc, err := buildServices(cfg, environ, d, bundle, live, plugins,
		func(name string) (subjects.Validator, error) { return plugins.Product(name) }, clk, log)
	if err != nil {
		return err
	}
	if cfg.Env == config.EnvDev {
		seedAtStart(ctx, svc.catalog, dataFS(cfg.Data.Dir), in, log)
	}
	var background sync.WaitGroup
	background.Add(2)
	go func() { defer background.Done(); svc.worker.Run(bgCtx) }()
	go func() { defer background.Done(); housekeeping(bgCtx, svc, live, log) }()
	stopWork := func() {
		stopBackground()
		background.Wait() // the worker records in-flight sends before the database closes
	}
	defer stopWork()

	watcher, err := rbacdb.NewWatcher(bgCtx, d, rbacdb.WatcherOptions{Logger: log})
	if err != nil {
		return err
	}
	enforcer, err := rbac.New(ctx, rbacdb.New(d), rbac.Options{Watcher: watcher, Logger: log})
	if err != nil {
		return err
	}
	defer func() { enforcer.Close(); watcher.Close() }()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	deps := web.Deps{
		Config: cfg, Log: log, Clock: clk, Version: versionString(), DB: d,
		Directory: live, Offers: tenantsdb.NewStore(d), Products: productsAdapter{plugins},
		I18n: bundle, Registerer: reg, Gatherer: reg,
		Accounts: svc.accounts, Subjects: svc.subjects, Avatars: svc.avatars, CSRFKey: svc.keys.CSRF, RBAC: enforcer, Access: enforcer,
		Certificates: svc.commerce.certificates,
		Catalog:      svc.catalog,
		Partners:     svc.partners,
		DevOutbox:    devOutbox(cfg, svc),
	}
	// Only real values go into the interfaces: a nil *Service inside an
	// interface would look wired.
	if svc.commerce.orders != nil {
		deps.Orders = svc.commerce.orders
		deps.Promos = svc.commerce.orders
	}
	if svc.commerce.sandbox != nil {
		deps.Sandbox = svc.commerce.sandbox
	}
	if svc.commerce.yookassa != nil && svc.commerce.orders != nil {
		deps.YooKassa = svc.commerce.orders
	}
	srv, err := web.New(deps)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.App().Listener(ln) }()

	printURLs(stdout, ln.Addr().String(), live.Current())
	log.Info("platform started", "addr", ln.Addr().String(), "env", cfg.Env, "version", versionString(),
		"startup", time.Since(bootStart).Round(time.Millisecond).String())

	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-serveErr:
		if err != nil {
			return fmt.Errorf("http: %w", err)
		}
	}
	shCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.HTTP.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shCtx); err != nil && !errors.Is(err, context.Canceled) {
		log.Warn("http shutdown", "err", err)
	}
	stopWork()
	stopPlugins()
	log.Info("stopped")
	return nil
}

// devOutbox exposes the dev outbox only in dev: in prod its routes do not
// exist (issue 3, "absent in prod").
func devOutbox(cfg config.Config, svc *services) web.DevOutbox {
	if cfg.Env != config.EnvDev {
		return nil
	}
	return svc.outbox
}

// housekeeping runs the hourly per-tenant chores: expired codes, sessions
// and activation counters are deleted so personal data does not outlive its
// purpose, and orders left unpaid are expired or reconciled with the bank.
func housekeeping(ctx context.Context, svc *services, live *tenantsdb.Live, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		seen := map[string]bool{}
		for _, e := range live.Current().Sites() {
			if seen[e.TenantID] {
				continue
			}
			seen[e.TenantID] = true
			tctx := tenancy.With(ctx, e.TenantID)
			chores := []struct {
				name string
				run  func(context.Context) (int, error)
			}{
				{"expired auth rows", svc.accounts.Purge},
				{"certificate activation counters", svc.commerce.certificates.Purge},
			}
			if svc.commerce.orders != nil {
				chores = append(chores, struct {
					name string
					run  func(context.Context) (int, error)
				}{"stale orders", svc.commerce.orders.ExpireStale}, struct {
					name string
					run  func(context.Context) (int, error)
				}{"promo guess counters", svc.commerce.orders.PurgeGuesses})
			}
			for _, c := range chores {
				if n, err := c.run(tctx); err != nil && ctx.Err() == nil {
					log.Warn("housekeeping failed", "chore", c.name, "tenant", e.TenantID, "err", err)
				} else if n > 0 {
					log.Info("housekeeping", "chore", c.name, "tenant", e.TenantID, "rows", n)
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// printURLs tells a newcomer where the sites are.
func printURLs(w io.Writer, addr string, dir *tenantsdb.Directory) {
	_, port, _ := net.SplitHostPort(addr)
	var lines []string
	for _, e := range dir.Sites() {
		for _, h := range e.Hosts {
			if strings.HasSuffix(h, ".localhost") {
				lines = append(lines, fmt.Sprintf("  %-12s http://%s:%s", e.Site.ID, h, port))
			}
		}
	}
	sort.Strings(lines)
	fmt.Fprintf(w, "Platform is running. Open:\n%s\n(Ctrl+C stops it.)\n", strings.Join(lines, "\n"))
}

func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
