package main

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/consult/platform/core/orders/yookassa"
	"github.com/consult/platform/core/platform/config"
	"github.com/consult/platform/tenants/tenantsdb"
)

// buildYooKassa returns the YooKassa provider over the shops configured per
// tenant (payments.tenants.<id>.shop_id, secret from
// PLATFORM_YOOKASSA_SECRET_<TENANT>), or nil when no tenant has one.
// config.Validate has checked the settings; an error here is a bug there.
func buildYooKassa(cfg config.Config, live *tenantsdb.Live, log *slog.Logger) (*yookassa.Provider, error) {
	ids := cfg.Payments.YooKassaTenants(cfg.Env)
	if len(ids) == 0 {
		return nil, nil
	}
	shops := map[string]*yookassa.Client{}
	for _, id := range ids {
		t := cfg.Payments.Tenants[id]
		if _, known := live.Current().Tenant(id); !known {
			log.Warn("payments: a YooKassa shop is configured for a tenant the data files do not have", "tenant", id)
		}
		c, err := yookassa.New(yookassa.Config{ShopID: t.ShopID, SecretKey: t.SecretKey,
			BaseURL: cfg.Payments.YooKassa.BaseURL, Timeout: cfg.Payments.YooKassa.Timeout,
			Receipts: t.ReceiptsOn(), VATCode: t.VATCode, TaxSystemCode: t.TaxSystemCode,
			Logger: log.With("tenant", id)})
		if err != nil {
			return nil, fmt.Errorf("payments: tenant %s: %w", id, err)
		}
		shops[id] = c
	}
	log.Info("payments: YooKassa shops", "tenants", strings.Join(ids, ","), "base_url", cfg.Payments.YooKassa.BaseURL)
	return yookassa.NewProvider(shops), nil
}

// tenantsWithoutShop lists the tenants of the data files whose payments
// would go to YooKassa but who have no shop: in prod their checkout
// answers "payment unavailable" until one is configured.
func tenantsWithoutShop(cfg config.Config, live *tenantsdb.Live, yk *yookassa.Provider) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range live.Current().Sites() {
		if seen[e.TenantID] || cfg.Payments.ProviderFor(cfg.Env, e.TenantID) != config.ProviderYooKassa {
			continue
		}
		seen[e.TenantID] = true
		if _, ok := yk.Shop(e.TenantID); !ok {
			out = append(out, e.TenantID)
		}
	}
	return out
}
