package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/auth/authdb"
	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/media"
	"github.com/consult/platform/core/media/mediadb"
	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/notify/notifydb"
	"github.com/consult/platform/core/notify/notifysetup"
	"github.com/consult/platform/core/partners"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/config"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/i18n"
	"github.com/consult/platform/core/subjects"
	"github.com/consult/platform/core/subjects/subjectsdb"
	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/tenants/tenantsdb"
)

// services are the domain services, wired by hand (DESIGN.md).
type services struct {
	keys     config.Keys
	accounts *auth.Service
	subjects *subjects.Service
	avatars  *media.Avatars
	outbox   *notifydb.Store
	worker   *notify.Worker
	commerce *commerce
	catalog  *catalog.Service
	partners *partners.Service
}

// specSource gives the cached spec of a product (the plugin host, or the
// built-in products in process for commands that start no plugins).
type specSource interface {
	Spec(product string) (sdk.Spec, bool)
}

func buildServices(cfg config.Config, environ []string, d *db.DB, bundle *i18n.Bundle, live *tenantsdb.Live,
	specs specSource, products func(string) (subjects.Validator, error), clk clock.Clock, log *slog.Logger) (*services, error) {
	keys, err := config.LoadKeys(cfg.Env, environ, devSecretPath(cfg))
	if err != nil {
		return nil, err
	}
	acfg := auth.DefaultConfig()
	acfg.CodeKey = keys.Codes
	if err := acfg.Validate(); err != nil {
		return nil, err
	}
	tenantProduct := func(tenantID string) string {
		if t, ok := live.Current().Tenant(tenantID); ok && len(t.Products) > 0 {
			return t.Products[0]
		}
		return ""
	}
	subjectsSvc := subjects.NewService(subjectsdb.NewStore(d), specs, products, clk)
	avatars := media.NewAvatars(mediadb.NewStore(d), clk)
	catalogSvc := newCatalog(d, clk)
	com, err := buildCommerce(cfg, d, bundle, live, clk, log)
	if err != nil {
		return nil, err
	}
	accounts := auth.New(authdb.New(d), acfg, auth.Deps{
		OnErase: eraser(subjectsSvc, avatars, com.certificates, catalogSvc),
		Clock:   clk,
		Texts:   bundle,
		PhoneRegion: func(tenantID string) string {
			if t, ok := live.Current().Tenant(tenantID); ok && t.PhoneRegion != "" {
				return t.PhoneRegion
			}
			return "RU"
		},
		ProfileFields: func(tenantID string) []sdk.Field {
			spec, _ := specs.Spec(tenantProduct(tenantID))
			return spec.ProfileFields
		},
		Logger: log,
	})
	outbox := notifydb.NewStore(d)
	senders, err := notifysetup.Senders(cfg.Notify, cfg.Env, outbox, clk, log)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	return &services{
		keys:     keys,
		accounts: accounts,
		subjects: subjectsSvc,
		avatars:  avatars,
		outbox:   outbox,
		commerce: com,
		catalog:  catalogSvc,
		partners: buildPartners(d, com.certificates, clk, log),
		worker:   notify.NewWorker(outbox, senders, clk, log, notifysetup.WorkerOptions(cfg.Notify.Worker)),
	}, nil
}

// eraser deletes a customer's pets, avatar and reviews and blanks the
// holder contacts on their certificates, inside the account deletion's
// transaction (auth.Deps.OnErase; 152-FZ).
func eraser(sub *subjects.Service, avatars *media.Avatars, certs *certificates.Service, cat *catalog.Service) func(ctx context.Context, userID string) error {
	return func(ctx context.Context, userID string) error {
		if _, err := sub.DeleteAllOf(ctx, userID); err != nil {
			return err
		}
		if err := avatars.DeleteAllOf(ctx, userID); err != nil {
			return err
		}
		if _, err := cat.EraseAuthor(ctx, userID); err != nil {
			return err
		}
		return certs.EraseHolder(ctx, userID)
	}
}

// devSecretPath keeps the dev master secret beside the SQLite file (./var
// for `go run`), never in the repository.
func devSecretPath(cfg config.Config) string {
	if p := db.SQLitePath(cfg.DB); p != "" && cfg.DB != p {
		return filepath.Join(filepath.Dir(p), "secret.key")
	}
	return filepath.Join("var", "secret.key")
}
