package main

import (
	"context"
	"testing"
	"time"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants/tenantsdb"
)

// TestPaidOrderIssuesOneCertificate runs the wired chain of issue 4 without
// HTTP: a customer orders VetPet's dietitian consultation (549 ₽), the
// sandbox bank pays, its notification reaches orders, and the paid move
// issues exactly one certificate, delivered through the outbox.
func TestPaidOrderIssuesOneCertificate(t *testing.T) {
	ctx := context.Background()
	w := wireWith(t)
	d, live, com, clk := w.d, w.live, w.com, w.clk
	tctx := tenancy.With(ctx, "vetpet")

	vetpet, _ := live.Current().Tenant("vetpet")
	site := vetpet.Sites[0]
	var docs []orders.DocVersion
	for _, doc := range site.Documents {
		docs = append(docs, orders.DocVersion{ID: doc.ID, Version: doc.Version})
	}
	offers, err := tenantsdb.NewStore(d).Offers(tctx, site.Offers...)
	if err != nil || len(offers) == 0 {
		t.Fatalf("vetpet offers: %v", err)
	}
	pkg := offers[0].Packages[0]
	o, err := com.orders.Place(tctx, orders.PlaceInput{OfferID: offers[0].ID, PackageCode: pkg.Code,
		FirstName: "Анна", Surname: "Иванова", Phone: "+79991234567", Consent: true, ConsentDocs: docs})
	if err != nil {
		t.Fatalf("place: %v", err)
	}
	if o.Total != *pkg.Price {
		t.Fatalf("total %d, want the list price %d", o.Total, *pkg.Price)
	}
	o, err = com.orders.StartPayment(tctx, o.ID, "http://vetpet.localhost/")
	if err != nil || o.ProviderPaymentID == "" {
		t.Fatalf("start payment: %+v %v", o, err)
	}
	clk.Advance(time.Minute)
	if _, err := com.sandbox.Complete(tctx, o.ProviderPaymentID, "succeeded"); err != nil {
		t.Fatalf("pay: %v", err)
	}
	if _, err := com.sandbox.Complete(tctx, o.ProviderPaymentID, "succeeded"); err == nil {
		t.Fatal("a second completion was accepted")
	}
	// A provider may repeat its notification: nothing changes.
	if _, err := com.orders.HandleNotification(tctx, "sandbox", o.ProviderPaymentID); err != nil {
		t.Fatalf("repeated notification: %v", err)
	}
	paid, err := com.orders.Order(tctx, o.ID)
	if err != nil || paid.Status != "paid" {
		t.Fatalf("order after payment: %+v %v", paid.Status, err)
	}
	count := func(table, where string, args ...any) int {
		var n int
		if err := d.NewSelect().Table(table).ColumnExpr("count(*)").Where(where, args...).Scan(ctx, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("certificates", "tenant_id = 'vetpet' AND source = 'order' AND source_key = ?", o.ID); n != 1 {
		t.Fatalf("%d certificates for the paid order, want exactly 1", n)
	}
	if n := count("notifications", "tenant_id = 'vetpet' AND kind = 'certificates.issued'"); n == 0 {
		t.Fatal("the certificate was not sent to the customer")
	}
}
