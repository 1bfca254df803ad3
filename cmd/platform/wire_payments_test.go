package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/orders/yookassa/yookassafake"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/config"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/i18n"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants/tenantsdb"
)

const (
	fakeShop   = "100500"
	fakeSecret = "live_fake_secret"
)

// wired is the commerce wiring over a fresh database with the real tenant
// data and a configuration read from environ.
type wired struct {
	com  *commerce
	d    *db.DB
	live *tenantsdb.Live
	clk  *clock.Fake
}

func wireWith(t *testing.T, environ ...string) wired {
	t.Helper()
	ctx := context.Background()
	d := dbtest.New(t)
	in, err := loadData(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tenantsdb.Sync(ctx, d, in, time.Now()); err != nil {
		t.Fatal(err)
	}
	live, err := tenantsdb.NewLive(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := i18n.New(configs.FS)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(environ)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, 1, 15, 11, 0, 0, 0, time.UTC))
	com, err := buildCommerce(cfg, d, bundle, live, clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return wired{com: com, d: d, live: live, clk: clk}
}

// place orders the first priced package of the tenant's first site and
// starts its payment.
func (w wired) place(t *testing.T, tenantID string) (orders.Order, error) {
	t.Helper()
	ctx := tenancy.With(context.Background(), tenantID)
	tn, _ := w.live.Current().Tenant(tenantID)
	site := tn.Sites[0]
	var docs []orders.DocVersion
	for _, doc := range site.Documents {
		docs = append(docs, orders.DocVersion{ID: doc.ID, Version: doc.Version})
	}
	offers, err := tenantsdb.NewStore(w.d).Offers(ctx, site.Offers...)
	if err != nil {
		t.Fatal(err)
	}
	for _, of := range offers {
		for _, p := range of.Packages {
			if p.Price == nil {
				continue
			}
			o, err := w.com.orders.Place(ctx, orders.PlaceInput{OfferID: of.ID, PackageCode: p.Code, FirstName: "Анна",
				Surname: "Иванова", Phone: "+79991234567", ReceiptEmail: "anna@example.com", Consent: true, ConsentDocs: docs})
			if err != nil {
				t.Fatalf("place: %v", err)
			}
			return w.com.orders.StartPayment(ctx, o.ID, "https://"+site.Domains[0]+"/")
		}
	}
	t.Fatalf("%s sells nothing with a price", tenantID)
	return orders.Order{}, nil
}

func (w wired) certificates(t *testing.T, orderID string) int {
	t.Helper()
	var n int
	if err := w.d.NewSelect().Table("certificates").ColumnExpr("count(*)").Where("source = 'order' AND source_key = ?", orderID).
		Scan(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func fakeYooKassa(t *testing.T) (*yookassafake.Server, string) {
	t.Helper()
	fake := yookassafake.New(yookassafake.Shop{ID: fakeShop, SecretKey: fakeSecret, ReceiptsRequired: true})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, srv.URL + "/v3"
}

// Prod wires YooKassa for the tenants that have a shop and never the
// sandbox; without any shop checkout stays off, as before.
func TestProdWiresYooKassa(t *testing.T) {
	t.Run("no shop: checkout off", func(t *testing.T) {
		w := wireWith(t, "PLATFORM_ENV=prod")
		if w.com.orders != nil || w.com.sandbox != nil || w.com.yookassa != nil {
			t.Fatalf("wired %+v", w.com)
		}
	})
	fake, base := fakeYooKassa(t)
	w := wireWith(t, "PLATFORM_ENV=prod", "PLATFORM_PAYMENTS__TENANTS__VETPET__SHOP_ID="+fakeShop,
		"PLATFORM_YOOKASSA_SECRET_VETPET="+fakeSecret, "PLATFORM_PAYMENTS__YOOKASSA__BASE_URL="+base)
	if w.com.orders == nil || w.com.sandbox != nil || w.com.yookassa == nil || strings.Join(w.com.yookassa.Tenants(), ",") != "vetpet" {
		t.Fatalf("wired %+v", w.com)
	}
	ctx := tenancy.With(context.Background(), "vetpet")
	o, err := w.place(t, "vetpet")
	if err != nil {
		t.Fatalf("start payment: %v", err)
	}
	p, ok := fake.Payment(o.ProviderPaymentID)
	if o.Provider != "yookassa" || !ok || o.PaymentURL != p.ConfirmationURL || p.Metadata["order_id"] != o.ID ||
		p.Receipt == nil || p.Receipt.Customer.Email != "anna@example.com" || p.Receipt.Items[0].Description != o.PackageTitle {
		t.Fatalf("order %+v, payment %+v", o, p)
	}
	t.Run("a notification while the bank says pending changes nothing", func(t *testing.T) {
		got, err := w.com.orders.HandleNotification(ctx, "yookassa", o.ProviderPaymentID)
		if err != nil || got.Status != orders.StatusPendingPayment || w.certificates(t, o.ID) != 0 {
			t.Fatalf("order %s, %v", got.Status, err)
		}
	})
	if err := fake.Succeed(o.ProviderPaymentID); err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // the first moves it, the repeats change nothing
		got, err := w.com.orders.HandleNotification(ctx, "yookassa", o.ProviderPaymentID)
		if err != nil || got.Status != orders.StatusPaid {
			t.Fatalf("notification %d: %s, %v", i, got.Status, err)
		}
	}
	if n := w.certificates(t, o.ID); n != 1 {
		t.Fatalf("%d certificates", n)
	}
	t.Run("a tenant without a shop cannot take payments", func(t *testing.T) {
		if _, err := w.place(t, "astars"); !errors.Is(err, orders.ErrPaymentUnavailable) {
			t.Fatalf("err = %v", err)
		}
		if len(fake.Payments()) != 1 {
			t.Fatalf("%d payments at the bank", len(fake.Payments()))
		}
	})
	t.Run("another tenant's Host cannot settle vetpet's payment", func(t *testing.T) {
		_, err := w.com.orders.HandleNotification(tenancy.With(context.Background(), "astars"), "yookassa", o.ProviderPaymentID)
		if !errors.Is(err, orders.ErrPaymentUnknown) {
			t.Fatalf("err = %v", err)
		}
	})
}

// Dev keeps the sandbox and adds YooKassa for the tenants that have a shop.
func TestDevWiresBoth(t *testing.T) {
	fake, base := fakeYooKassa(t)
	w := wireWith(t, "PLATFORM_PAYMENTS__TENANTS__VETPET__SHOP_ID="+fakeShop,
		"PLATFORM_YOOKASSA_SECRET_VETPET="+fakeSecret, "PLATFORM_PAYMENTS__YOOKASSA__BASE_URL="+base)
	if w.com.orders == nil || w.com.sandbox == nil || w.com.yookassa == nil {
		t.Fatalf("wired %+v", w.com)
	}
	if o, err := w.place(t, "vetpet"); err != nil || o.Provider != "yookassa" {
		t.Fatalf("vetpet: %+v, %v", o, err)
	}
	if o, err := w.place(t, "astars"); err != nil || o.Provider != "sandbox" {
		t.Fatalf("astars: %+v, %v", o, err)
	}
	if len(fake.Payments()) != 1 {
		t.Fatalf("%d payments at YooKassa", len(fake.Payments()))
	}
}
