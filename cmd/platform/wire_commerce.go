package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/certificates/certificatesdb"
	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/orders/ordersdb"
	"github.com/consult/platform/core/orders/sandbox"
	"github.com/consult/platform/core/orders/yookassa"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/config"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/i18n"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

// commerce is checkout and certificates (issue 4), tested end to end in
// wire_test.go: a paid order issues its certificate in the payment's
// transaction.
type commerce struct {
	certificates *certificates.Service
	orders       *orders.Service // nil when no payment provider is configured
	sandbox      *sandbox.Provider
	yookassa     *yookassa.Provider // nil when no tenant has a YooKassa shop
}

func buildCommerce(cfg config.Config, d *db.DB, bundle *i18n.Bundle, live *tenantsdb.Live, clk clock.Clock, log *slog.Logger) (*commerce, error) {
	tenant := func(id string) tenants.Tenant { t, _ := live.Current().Tenant(id); return t }
	region := func(id string) string {
		if r := tenant(id).PhoneRegion; r != "" {
			return r
		}
		return "RU"
	}
	zone := func(id string) *time.Location {
		if loc, err := time.LoadLocation(tenant(id).Timezone); err == nil && tenant(id).Timezone != "" {
			return loc
		}
		return clock.Moscow
	}
	c := &commerce{certificates: certificates.New(certificatesdb.New(d), certificates.DefaultConfig(),
		certificates.Deps{Clock: clk, Texts: bundle, PhoneRegion: region})}
	// The sandbox bank settles any payment whose id is known: dev only.
	// Real payments go to each tenant's YooKassa shop; in prod a tenant
	// without one cannot take money, and with no shop at all orders stay
	// unwired rather than wired to a fake bank.
	var providers []orders.Provider
	if cfg.Env == config.EnvDev {
		c.sandbox = sandbox.New(d, clk)
		providers = append(providers, c.sandbox)
	}
	yk, err := buildYooKassa(cfg, live, log)
	if err != nil {
		return nil, err
	}
	if yk != nil {
		c.yookassa = yk
		providers = append(providers, yk)
		if missing := tenantsWithoutShop(cfg, live, yk); len(missing) > 0 {
			log.Warn("payments: these tenants have no YooKassa shop and cannot take payments", "tenants", strings.Join(missing, ","))
		}
	}
	if len(providers) == 0 {
		log.Warn("payments: no tenant has a YooKassa shop (payments.tenants.<id>.shop_id and PLATFORM_YOOKASSA_SECRET_<TENANT>); checkout is off")
		return c, nil
	}
	store := tenantsdb.NewStore(d)
	c.orders = orders.New(ordersdb.New(d), orders.DefaultConfig(), orders.Deps{
		Clock: clk, Texts: bundle,
		Catalog: orders.CatalogFunc(func(ctx context.Context, offerID string) (tenants.Offer, bool, error) {
			offers, err := store.Offers(ctx, offerID)
			if err != nil || len(offers) == 0 {
				return tenants.Offer{}, false, err
			}
			return offers[0], true, nil
		}),
		Providers:   providers,
		ProviderFor: func(tenantID string) string { return cfg.Payments.ProviderFor(cfg.Env, tenantID) },
		PhoneRegion: region, Zone: zone,
		OnPaid: issueOnPaid(c.certificates, tenant, zone), Logger: log,
	})
	if c.sandbox != nil {
		c.sandbox.Notify = func(ctx context.Context, provider, paymentID string) error {
			_, err := c.orders.HandleNotification(ctx, provider, paymentID)
			return err
		}
	}
	return c, nil
}

// issueOnPaid issues the certificate of a paid order, inside the payment's
// transaction (orders.Deps.OnPaid): the order id is the idempotency key, so
// a paid order has exactly one certificate (issue 4). The package is the
// snapshot sold with the order; the term runs from the payment (offers
// 003/004, 3.4 and 6.1).
func issueOnPaid(certs *certificates.Service, tenant func(string) tenants.Tenant, zone func(string) *time.Location) func(ctx context.Context, o orders.Order) error {
	return func(ctx context.Context, o orders.Order) error {
		tenantID, err := tenancy.From(ctx)
		if err != nil {
			return err
		}
		if o.PaidAt == nil {
			return fmt.Errorf("issue certificate: order %s is paid without a payment time", o.ID)
		}
		t := tenant(tenantID)
		in := certificates.IssueInput{
			OfferID: o.OfferID, Package: o.Package, Currency: o.Currency, PricePaid: o.Total,
			PaidAt: *o.PaidAt, Zone: zone(tenantID), Source: certificates.SourceOrder, SourceKey: o.ID,
			Holder: certificates.Holder{UserID: o.UserID, Phone: o.Phone, Email: o.ReceiptEmail,
				Name: strings.TrimSpace(o.FirstName + " " + o.Surname)},
			Locale: t.DefaultLocale,
		}
		if len(t.Sites) > 0 {
			site := t.Sites[0]
			in.Brand = site.Brand.Name.In(t.DefaultLocale)
			if len(site.Domains) > 0 {
				in.BaseURL = "https://" + site.Domains[0]
			}
		}
		_, _, err = certs.Issue(ctx, in)
		return err
	}
}
