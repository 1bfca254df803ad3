package certificates_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consult/platform/core/certificates"
	ct "github.com/consult/platform/core/certificates/certificatestest"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/tenants"
)

var (
	ctxA = ct.Ctx(ct.TenantA)
	ctxB = ct.Ctx(ct.TenantB)
)

// wantErr checks err's code and kind against a sentinel.
func wantErr(tb testing.TB, err error, sentinel *errs.Error) *errs.Error {
	tb.Helper()
	if !errors.Is(err, sentinel) {
		tb.Fatalf("err = %v, want %s", err, sentinel.Code)
	}
	e := errs.As(err)
	if e.Kind != sentinel.Kind {
		tb.Fatalf("kind = %v, want %v", e.Kind, sentinel.Kind)
	}
	return e
}

func TestIssue(t *testing.T) {
	e := ct.New(t)
	t.Run("for a partner's client", func(t *testing.T) {
		in := e.Input("PET1") // paid 15 Jan 14:00 Moscow, one month
		c, created, err := e.Service.Issue(ctxA, in)
		if err != nil || !created {
			t.Fatalf("Issue: created %v, err %v", created, err)
		}
		if _, err := certificates.ParseNumber(c.Number); err != nil || !canonical.MatchString(c.Number) {
			t.Fatalf("number %q is not a valid canonical number", c.Number)
		}
		// 003/004 3.4 and 6.1: from 16 Jan 00:00 to 24:00 of 15 Feb, Moscow.
		if !c.Term.Start.Equal(midnight(2026, 1, 16)) || !c.Term.End.Equal(midnight(2026, 2, 16)) {
			t.Fatalf("term [%s, %s)", c.Term.Start.In(msk), c.Term.End.In(msk))
		}
		if c.Holder.UserID != "" || c.ActivatedAt != nil || c.TenantID != ct.TenantA || c.Price != 149900 ||
			c.PackageCode != "PET1" || c.Source != certificates.SourcePartner || !c.ReceivedAt.Equal(ct.Start) {
			t.Fatalf("certificate %+v", c)
		}
		stored, err := e.Store.CertificateByNumber(ctxA, c.Number)
		if err != nil {
			t.Fatal(err)
		}
		if !stored.Term.Start.Equal(c.Term.Start) || !stored.Term.End.Equal(c.Term.End) ||
			stored.Term.Zone.String() != "Europe/Moscow" || len(stored.Quotas) != 1 || stored.Quotas[0] != (certificates.Quota{ServiceKind: ct.Vet, Quota: 1}) {
			t.Fatalf("stored %+v", stored)
		}
		msgs := e.Outbox(t, ct.TenantA, certificates.KindIssued)
		if len(msgs) != 2 || msgs[0].Channel != "sms" || msgs[1].Channel != "email" {
			t.Fatalf("outbox %+v, want an SMS and an e-mail", msgs)
		}
		for _, m := range msgs {
			for _, want := range []string{c.Number, "16.01.2026", "15.02.2026", "PET1"} {
				if !strings.Contains(m.Body, want) {
					t.Errorf("%s body lacks %q:\n%s", m.Channel, want, m.Body)
				}
			}
			if !m.Sensitive {
				t.Errorf("%s carries the number but is not sensitive", m.Channel)
			}
		}
		if msgs[0].Recipient != "+79991234567" || msgs[1].Recipient != "buyer@example.com" {
			t.Fatalf("recipients %q, %q", msgs[0].Recipient, msgs[1].Recipient)
		}
		events, err := e.Store.Events(ctxA, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 2 || events[0].Kind != certificates.EventIssued || events[0].Actor != certificates.ActorPartner ||
			events[1].Kind != certificates.EventDelivered || events[1].Detail != "sms,email" {
			t.Fatalf("events %+v", events)
		}
	})
	t.Run("bought in one's own cabinet", func(t *testing.T) {
		c, cust := e.Bound(t, ct.TenantA, "PET1_3", "+79990000001")
		if c.Holder.UserID != cust.UserID || c.ActivatedAt != nil {
			t.Fatalf("holder %+v, activated %v: bound at purchase, activated at first use", c.Holder, c.ActivatedAt)
		}
		var cabinet []ct.Message
		for _, m := range e.Outbox(t, ct.TenantA, certificates.KindIssued) {
			if m.Channel == "cabinet" {
				cabinet = append(cabinet, m)
			}
		}
		if len(cabinet) != 1 || cabinet[0].Recipient != cust.UserID || !strings.Contains(cabinet[0].Body, c.Number) {
			t.Fatalf("cabinet messages %+v", cabinet)
		}
	})
	t.Run("in English", func(t *testing.T) {
		in := e.Input("PET1+")
		in.Locale, in.Holder.Email = "en", ""
		c := e.Issue(t, ct.TenantA, in)
		msgs := e.Outbox(t, ct.TenantA, certificates.KindIssued)
		last := msgs[len(msgs)-1]
		if !strings.Contains(last.Body, "valid from 16 Jan 2026 to 5 Feb 2026") || !strings.Contains(last.Body, c.Number) {
			t.Fatalf("English SMS: %s", last.Body)
		}
	})
}

// SECURITY.md 16: 20 parallel identical issues make one certificate and
// one set of messages.
func TestIssueIsIdempotent(t *testing.T) {
	e := ct.New(t)
	in := e.Input("PET1_3")
	const n = 20
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created int
		ids     = map[string]bool{}
		numbers = map[string]bool{}
		failed  []error
	)
	for range n {
		wg.Go(func() {
			c, ok, err := e.Service.Issue(ctxA, in)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed = append(failed, err)
				return
			}
			if ok {
				created++
			}
			ids[c.ID], numbers[c.Number] = true, true
		})
	}
	wg.Wait()
	if len(failed) > 0 {
		t.Fatalf("%d issues failed: %v", len(failed), failed[0])
	}
	if created != 1 || len(ids) != 1 || len(numbers) != 1 {
		t.Fatalf("created %d, ids %d, numbers %d; want one of each", created, len(ids), len(numbers))
	}
	if got := e.Count(t, "certificates", "source_key = ?", in.SourceKey); got != 1 {
		t.Fatalf("%d certificates", got)
	}
	if got := e.Count(t, "certificate_quotas", ""); got != 3 {
		t.Fatalf("%d quota rows, want the package's 3", got)
	}
	if got := len(e.Outbox(t, ct.TenantA, certificates.KindIssued)); got != 2 {
		t.Fatalf("%d messages, want one SMS and one e-mail", got)
	}
	if got := e.Count(t, "certificate_events", "kind = 'issued'"); got != 1 {
		t.Fatalf("%d issued events", got)
	}
	// A later replay answers the same certificate, not created.
	c, ok, err := e.Service.Issue(ctxA, in)
	if err != nil || ok || !ids[c.ID] {
		t.Fatalf("replay: %v, created %v, err %v", c.ID, ok, err)
	}
	// The same key in another tenant is another certificate.
	if _, ok, err := e.Service.Issue(ctxB, in); err != nil || !ok {
		t.Fatalf("tenant B: created %v, err %v", ok, err)
	}
}

func TestIssueRefusesAReusedKey(t *testing.T) {
	e := ct.New(t)
	in := e.Input("PET1")
	e.Issue(t, ct.TenantA, in)
	for name, change := range map[string]func(*certificates.IssueInput){
		"price":   func(in *certificates.IssueInput) { in.PricePaid++ },
		"package": func(in *certificates.IssueInput) { in.Package = ct.Package("PET1+") },
		"holder":  func(in *certificates.IssueInput) { in.Holder.Phone = "+79990000099" },
		"paid at": func(in *certificates.IssueInput) { in.PaidAt = in.PaidAt.Add(-time.Hour) },
	} {
		t.Run(name, func(t *testing.T) {
			other := in
			change(&other)
			_, created, err := e.Service.Issue(ctxA, other)
			wantErr(t, err, certificates.ErrSourceKeyReused)
			if created {
				t.Fatal("created")
			}
		})
	}
	if got := e.Count(t, "certificates", ""); got != 1 {
		t.Fatalf("%d certificates", got)
	}
}

func TestIssueRefusesImpossibleInput(t *testing.T) {
	e := ct.New(t)
	tests := []struct {
		name   string
		change func(*certificates.IssueInput)
		field  string
	}{
		{"no offer", func(in *certificates.IssueInput) { in.OfferID = " " }, "offer_id"},
		{"no package code", func(in *certificates.IssueInput) { in.Package.Code = "" }, "package.code"},
		{"no term", func(in *certificates.IssueInput) { in.Package.Term = tenants.Term{} }, "package.term"},
		{"days and months", func(in *certificates.IssueInput) { in.Package.Term = tenants.Term{Days: 1, Months: 1} }, "package.term"},
		{"no quotas", func(in *certificates.IssueInput) { in.Package.Quotas = nil }, "package.quotas"},
		{"zero quota", func(in *certificates.IssueInput) { in.Package.Quotas = map[string]int{ct.Vet: 0} }, "package.quotas"},
		{"bad service kind", func(in *certificates.IssueInput) { in.Package.Quotas = map[string]int{"Vet Consult": 1} }, "package.quotas"},
		{"currency", func(in *certificates.IssueInput) { in.Currency = "rub" }, "currency"},
		{"negative price", func(in *certificates.IssueInput) { in.PricePaid = -1 }, "price_paid"},
		{"no payment time", func(in *certificates.IssueInput) { in.PaidAt = time.Time{} }, "paid_at"},
		{"paid tomorrow", func(in *certificates.IssueInput) { in.PaidAt = in.PaidAt.Add(24 * time.Hour) }, "paid_at"},
		{"source", func(in *certificates.IssueInput) { in.Source = "gift" }, "source"},
		{"no source key", func(in *certificates.IssueInput) { in.SourceKey = "" }, "source_key"},
		{"source key with a newline", func(in *certificates.IssueInput) { in.SourceKey = "a\nb" }, "source_key"},
		{"phone", func(in *certificates.IssueInput) { in.Holder.Phone = "12" }, "holder.phone"},
		{"e-mail", func(in *certificates.IssueInput) { in.Holder.Email = "nobody" }, "holder.email"},
		{"nobody to deliver to", func(in *certificates.IssueInput) { in.Holder.Phone, in.Holder.Email = "", "" }, "holder"},
		{"unknown package", func(in *certificates.IssueInput) { in.Package.Code = "PET99" }, "package.code"},
		{"unknown offer", func(in *certificates.IssueInput) { in.OfferID = "subscription" }, "package.code"},
		{"holder of no account", func(in *certificates.IssueInput) { in.Holder.UserID = "0192f0c8-0000-7000-8000-000000000000" }, "holder.user_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := e.Input("PET1")
			tt.change(&in)
			_, created, err := e.Service.Issue(ctxA, in)
			ee := wantErr(t, err, certificates.ErrIssueInvalid)
			if created || len(ee.Fields) == 0 || ee.Fields[0].Field != tt.field {
				t.Fatalf("created %v, fields %+v; want field %s", created, ee.Fields, tt.field)
			}
		})
	}
	if got := e.Count(t, "certificates", ""); got != 0 {
		t.Fatalf("%d certificates made from bad input", got)
	}
	if got := e.Count(t, "notifications", ""); got != 0 {
		t.Fatalf("%d messages sent for bad input", got)
	}
}
