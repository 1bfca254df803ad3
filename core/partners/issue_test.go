package partners_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consult/platform/core/certificates"
	ct "github.com/consult/platform/core/certificates/certificatestest"
	"github.com/consult/platform/core/partners"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

// sale is a valid sale of PET1_3 to a client with a phone and an e-mail.
func sale() partners.Sale {
	return partners.Sale{PackageCode: "PET1_3", PricePaid: price(249900), Phone: "8 999 123-45-67",
		Email: "client@example.com", Name: "Иван", ExternalID: "JM-0001"}
}

func TestIssueSale(t *testing.T) {
	e := newEnv(t)
	k := e.key(t, ct.TenantA, "CRM")
	c, created, err := e.svc.Issue(ctxA, k.Key, "order-1", sale(), site)
	if err != nil || !created {
		t.Fatalf("issue: created %v, %v", created, err)
	}
	want := ct.Package("PET1_3")
	if c.OfferID != ct.Offer || c.PackageCode != want.Code || c.PackageTitle != want.Title || c.Price != 249900 ||
		c.Currency != "RUB" || c.Source != certificates.SourcePartner || c.SourceKey != k.ID+":order-1" ||
		c.ExternalID != "JM-0001" || !c.PaidAt.Equal(ct.Start) || len(c.Quotas) != len(want.Quotas) {
		t.Fatalf("certificate %+v", c)
	}
	if c.Holder != (certificates.Holder{Phone: "+79991234567", Email: "client@example.com", Name: "Иван"}) {
		t.Fatalf("holder %+v", c.Holder)
	}
	// offer 003/004 art. 1: delivered by SMS and e-mail, in the site's brand.
	msgs := e.Outbox(t, ct.TenantA, certificates.KindIssued)
	if len(msgs) != 2 || msgs[0].Recipient != "+79991234567" || msgs[1].Recipient != "client@example.com" ||
		!strings.Contains(msgs[0].Body, c.Number) || !strings.Contains(msgs[0].Body, "Джет Мани") {
		t.Fatalf("outbox %+v", msgs)
	}
	events, err := e.Store.Events(ctxA, c.ID)
	if err != nil || len(events) == 0 || events[0].Actor != certificates.ActorPartner {
		t.Fatalf("history %+v, %v", events, err)
	}
}

func TestIssueIsIdempotentPerAPIKey(t *testing.T) {
	e := newEnv(t)
	k := e.key(t, ct.TenantA, "CRM")
	first, _, err := e.svc.Issue(ctxA, k.Key, "order-1", sale(), site)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a replay an hour later is the same certificate", func(t *testing.T) {
		e.Clock.Advance(time.Hour)
		c, created, err := e.svc.Issue(ctxA, k.Key, "order-1", sale(), site)
		if err != nil || created || c.ID != first.ID || !c.PaidAt.Equal(first.PaidAt) {
			t.Fatalf("replay: %s created %v, %v", c.ID, created, err)
		}
	})
	for name, change := range map[string]func(*partners.Sale){
		"another price":     func(s *partners.Sale) { s.PricePaid = price(1) },
		"another package":   func(s *partners.Sale) { s.PackageCode = "PET1" },
		"another phone":     func(s *partners.Sale) { s.Phone = "+79990000099" },
		"another reference": func(s *partners.Sale) { s.ExternalID = "JM-0002" },
	} {
		t.Run(name+" under the same key is refused", func(t *testing.T) {
			s := sale()
			change(&s)
			_, created, err := e.svc.Issue(ctxA, k.Key, "order-1", s, site)
			if !errors.Is(err, partners.ErrIdempotencyKeyReused) || errs.KindOf(err) != errs.KindConflict || created {
				t.Fatalf("created %v, err %v", created, err)
			}
		})
	}
	t.Run("the same idempotency key of another API key is another sale", func(t *testing.T) {
		other := e.key(t, ct.TenantA, "1C")
		c, created, err := e.svc.Issue(ctxA, other.Key, "order-1", sale(), site)
		if err != nil || !created || c.ID == first.ID {
			t.Fatalf("created %v, %v", created, err)
		}
	})
	if n := e.Count(t, "certificates", "tenant_id = ?", ct.TenantA); n != 2 {
		t.Fatalf("%d certificates, want 2", n)
	}
	if n := len(e.Outbox(t, ct.TenantA, certificates.KindIssued)); n != 4 {
		t.Fatalf("%d messages, want an SMS and an e-mail per certificate", n)
	}
}

// SECURITY.md 16: 20 identical requests at once make one certificate and
// one delivery, and every caller gets it.
func TestIssueParallel(t *testing.T) {
	e := newEnv(t)
	k := e.key(t, ct.TenantA, "CRM")
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		ids     = map[string]bool{}
		created int
		failed  []error
	)
	for range 20 {
		wg.Go(func() {
			c, ok, err := e.svc.Issue(ctxA, k.Key, "order-7", sale(), site)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed = append(failed, err)
				return
			}
			ids[c.ID] = true
			if ok {
				created++
			}
		})
	}
	wg.Wait()
	if len(failed) > 0 || created != 1 || len(ids) != 1 {
		t.Fatalf("created %d, ids %d, failures %v", created, len(ids), failed)
	}
	if n := e.Count(t, "certificates", ""); n != 1 {
		t.Fatalf("%d certificates", n)
	}
	if n := len(e.Outbox(t, ct.TenantA, certificates.KindIssued)); n != 2 {
		t.Fatalf("%d messages", n)
	}
}

// gamma sells two offers that share a package code; one has a list price.
func gamma(t *testing.T, e *env) {
	t.Helper()
	listed := int64(99900)
	pkgs := func(withPrice bool) []tenants.Package {
		p := tenants.Package{Code: "PET1", Title: "PET1", Term: tenants.Term{Months: 1}, Quotas: map[string]int{ct.Vet: 1}}
		if withPrice {
			p.Price = &listed
		}
		return []tenants.Package{p, {Code: "ONLY", Title: "ONLY", Term: tenants.Term{Days: 21}, Quotas: map[string]int{ct.Vet: 1}, Price: &listed}}
	}
	offer := func(id string, withPrice bool) tenants.Offer {
		return tenants.Offer{ID: id, Title: tenants.Text{"ru": id}, Product: "vetpet", ContractType: tenants.ContractLicence,
			Currency: "RUB", Packages: pkgs(withPrice)[:map[bool]int{true: 2, false: 1}[withPrice]]}
	}
	in := tenantsdb.Input{
		File:     func(string, string) ([]byte, error) { return nil, nil },
		Products: map[string]json.RawMessage{"vetpet": json.RawMessage(`{"product":"vetpet"}`)},
		Source:   "partners test",
		Tenants: []tenants.Tenant{{ID: "gamma", Kind: tenants.KindPartner, Name: tenants.Text{"ru": "gamma"},
			Timezone: "Europe/Moscow", DefaultLocale: "ru", PhoneRegion: "RU",
			Offers: []tenants.Offer{offer("one", false), offer("two", true)}}},
	}
	if _, err := tenantsdb.Sync(context.Background(), e.DB, in, ct.Start); err != nil {
		t.Fatal(err)
	}
}

func TestIssueRefusals(t *testing.T) {
	e := newEnv(t)
	gamma(t, e)
	ctxG := ct.Ctx("gamma")
	kA := e.key(t, ct.TenantA, "CRM")
	kG := e.key(t, "gamma", "CRM")
	siteG := partners.Site{Offers: []string{"one", "two"}, Locale: "ru"}
	tests := []struct {
		name   string
		ctx    context.Context
		key    partners.Key
		idem   string // "" is a fresh one
		sale   func(*partners.Sale)
		site   partners.Site
		want   *errs.Error
		fields []string // "field=code"
	}{
		{name: "no idempotency key", want: partners.ErrIdempotencyKeyRequired},
		{name: "idempotency key too long", idem: strings.Repeat("k", partners.MaxIdempotencyKey+1), want: partners.ErrIdempotencyKeyInvalid},
		{name: "idempotency key with a space", idem: "order 1", want: partners.ErrIdempotencyKeyInvalid},
		{name: "a key of another tenant", ctx: ctxB, want: partners.ErrKeyInvalid},
		{name: "no package", sale: func(s *partners.Sale) { s.PackageCode = " " }, want: partners.ErrSaleInvalid,
			fields: []string{"package_code=certificates.field_required"}},
		{name: "unknown package", sale: func(s *partners.Sale) { s.PackageCode = "GOLD" }, want: partners.ErrSaleInvalid,
			fields: []string{"package_code=partners.package_not_found"}},
		{name: "an offer the site does not sell", sale: func(s *partners.Sale) { s.OfferID = "subscription" },
			want: partners.ErrSaleInvalid, fields: []string{"offer_id=partners.package_not_found"}},
		{name: "a site that sells nothing", site: partners.Site{Locale: "ru"}, want: partners.ErrSaleInvalid,
			fields: []string{"package_code=partners.package_not_found"}},
		{name: "negative price", sale: func(s *partners.Sale) { s.PricePaid = price(-1) }, want: partners.ErrSaleInvalid,
			fields: []string{"price_paid=partners.price_invalid"}},
		{name: "price in the wrong units", sale: func(s *partners.Sale) { s.PricePaid = price(partners.MaxPricePaid + 1) },
			want: partners.ErrSaleInvalid, fields: []string{"price_paid=partners.price_invalid"}},
		{name: "no price for a package priced per certificate", sale: func(s *partners.Sale) { s.PricePaid = nil },
			want: partners.ErrSaleInvalid, fields: []string{"price_paid=partners.price_required"}},
		{name: "not a phone", sale: func(s *partners.Sale) { s.Phone = "12" }, want: partners.ErrSaleInvalid,
			fields: []string{"phone=certificates.field_invalid"}},
		{name: "not an e-mail", sale: func(s *partners.Sale) { s.Email = "nobody" }, want: partners.ErrSaleInvalid,
			fields: []string{"email=certificates.field_invalid"}},
		{name: "nowhere to deliver", sale: func(s *partners.Sale) { s.Phone, s.Email = "", "" }, want: partners.ErrSaleInvalid,
			fields: []string{"phone=certificates.no_contact"}},
		{name: "reference too long", sale: func(s *partners.Sale) { s.ExternalID = strings.Repeat("x", 201) },
			want: partners.ErrSaleInvalid, fields: []string{"external_id=certificates.field_invalid"}},
		{name: "a code in two offers", ctx: ctxG, key: kG.Key, site: siteG, want: partners.ErrSaleInvalid,
			sale: func(s *partners.Sale) { s.PackageCode = "PET1" }, fields: []string{"offer_id=partners.package_ambiguous"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, key, st, idem := ctxA, kA.Key, site, "order-"+string(rune('a'+i))
			if tt.ctx != nil {
				ctx = tt.ctx
			}
			if tt.key.ID != "" {
				key = tt.key
			}
			if tt.site.Locale != "" {
				st = tt.site
			}
			switch {
			case tt.want == partners.ErrIdempotencyKeyRequired:
				idem = ""
			case tt.idem != "":
				idem = tt.idem
			}
			s := sale()
			if tt.sale != nil {
				tt.sale(&s)
			}
			_, created, err := e.svc.Issue(ctx, key, idem, s, st)
			if !errors.Is(err, tt.want) || created {
				t.Fatalf("created %v, err %v; want %s", created, err, tt.want.Code)
			}
			var got []string
			for _, f := range errs.As(err).Fields {
				got = append(got, f.Field+"="+f.Code)
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Fatalf("fields %v, want %v", got, tt.fields)
			}
		})
	}
	if n := e.Count(t, "certificates", ""); n != 0 {
		t.Fatalf("%d certificates issued by refused sales", n)
	}
	t.Run("the offer settles an ambiguous code, and a list price is the default", func(t *testing.T) {
		s := sale()
		s.OfferID, s.PackageCode, s.PricePaid = "two", "PET1", nil
		c, _, err := e.svc.Issue(ctxG, kG.Key, "g-1", s, siteG)
		if err != nil || c.OfferID != "two" || c.Price != 99900 {
			t.Fatalf("certificate %+v, %v", c, err)
		}
		s.OfferID, s.PackageCode = "", "ONLY"
		if c, _, err := e.svc.Issue(ctxG, kG.Key, "g-2", s, siteG); err != nil || c.OfferID != "two" {
			t.Fatalf("a code of one offer needs no offer: %+v, %v", c, err)
		}
	})
}
