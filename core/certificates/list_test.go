package certificates_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/core/certificates"
	ct "github.com/consult/platform/core/certificates/certificatestest"
	"github.com/consult/platform/core/platform/errs"
)

// listFixture issues, in tenant A, certificates in every state and from
// both sources, one minute apart, and returns them by name.
func listFixture(t *testing.T, e *ct.Env) map[string]certificates.Certificate {
	t.Helper()
	out := map[string]certificates.Certificate{}
	issue := func(name, code, phone, ext string, source certificates.Source) {
		in := e.Input(code)
		in.Holder.Phone, in.ExternalID, in.Source = phone, ext, source
		out[name] = e.Issue(t, ct.TenantA, in)
		e.Clock.Advance(time.Minute)
	}
	issue("c1", "PET1+", "+79990000001", "A-1", certificates.SourcePartner) // 21 days: over on 6 Feb
	issue("c2", "PET1", "+79990000002", "A-2", certificates.SourcePartner)
	issue("c3", "PET1_3", "+79990000001", "A-3", certificates.SourcePartner)
	issue("c4", "PET1", "+79990000003", "", certificates.SourceOrder)
	c5, cust := e.Bound(t, ct.TenantA, "PET1+", "+79990000005")
	out["c5"] = c5
	// c5's only unit is written off on its first day: used up.
	now := e.Clock.Now()
	e.Clock.Set(c5.Term.Start.Add(time.Hour))
	res, err := e.Service.Reserve(ctxA, c5.ID, ct.Vet, cust.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Service.WriteOff(ctxA, res); err != nil {
		t.Fatal(err)
	}
	e.Clock.Set(now)
	// 10 Feb, 12:00 Moscow: c6 is paid today and starts tomorrow (6.1).
	e.Clock.Set(time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC))
	issue("c6", "PET1", "+79990000006", "A-6", certificates.SourcePartner)
	// Tenant B's partner certificate with A's phone and reference.
	in := e.Input("PET1")
	in.Holder.Phone, in.ExternalID = "+79990000001", "A-1"
	e.Issue(t, ct.TenantB, in)
	return out
}

func names(p certificates.Page, byName map[string]certificates.Certificate) []string {
	var out []string
	for _, s := range p.Items {
		for n, c := range byName {
			if c.ID == s.ID {
				out = append(out, n)
			}
		}
	}
	return out
}

func TestList(t *testing.T) {
	e := ct.New(t)
	certs := listFixture(t, e)
	start := ct.Start
	partner := certificates.SourcePartner
	tests := []struct {
		name string
		f    certificates.ListFilter
		want []string
	}{
		{"every partner certificate, newest first", certificates.ListFilter{Source: partner}, []string{"c6", "c5", "c3", "c2", "c1"}},
		{"both sources", certificates.ListFilter{}, []string{"c6", "c5", "c4", "c3", "c2", "c1"}},
		{"active", certificates.ListFilter{Source: partner, State: certificates.StateActive}, []string{"c3", "c2"}},
		{"expired", certificates.ListFilter{Source: partner, State: certificates.StateExpired}, []string{"c1"}},
		{"used up, though its term is over too", certificates.ListFilter{Source: partner, State: certificates.StateUsedUp}, []string{"c5"}},
		{"not started", certificates.ListFilter{Source: partner, State: certificates.StateNotStarted}, []string{"c6"}},
		{"package", certificates.ListFilter{Source: partner, PackageCode: "PET1+"}, []string{"c5", "c1"}},
		{"phone as typed", certificates.ListFilter{Source: partner, Phone: "8 (999) 000-00-01"}, []string{"c3", "c1"}},
		{"external id", certificates.ListFilter{Source: partner, ExternalID: " A-2 "}, []string{"c2"}},
		{"issued between", certificates.ListFilter{Source: partner, IssuedFrom: start.Add(time.Minute), IssuedTo: start.Add(3 * time.Minute)},
			[]string{"c3", "c2"}},
		{"issued from", certificates.ListFilter{Source: partner, IssuedFrom: start.Add(24 * time.Hour)}, []string{"c6"}},
		{"nothing matches", certificates.ListFilter{Source: partner, ExternalID: "nope"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := e.Service.List(ctxA, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(p, certs); !slices.Equal(got, tt.want) || p.Next != "" {
				t.Fatalf("got %v (next %q), want %v", got, p.Next, tt.want)
			}
		})
	}
	t.Run("summaries carry state, remaining and the reference", func(t *testing.T) {
		p, err := e.Service.List(ctxA, certificates.ListFilter{ExternalID: "A-3"})
		if err != nil || len(p.Items) != 1 {
			t.Fatalf("%v %v", p, err)
		}
		s := p.Items[0]
		if s.State != certificates.StateActive || s.ExternalID != "A-3" || s.Remaining[ct.Vet] != 3 || s.DaysLeft < 1 ||
			s.Holder.Phone != "+79990000001" || len(s.Quotas) != 3 {
			t.Fatalf("summary %+v", s)
		}
	})
	t.Run("another tenant's certificates never show", func(t *testing.T) {
		p, err := e.Service.List(ctxB, certificates.ListFilter{})
		if err != nil || len(p.Items) != 1 || p.Items[0].TenantID != ct.TenantB {
			t.Fatalf("tenant B lists %+v, %v", p.Items, err)
		}
	})
}

func TestListPages(t *testing.T) {
	e := ct.New(t)
	certs := listFixture(t, e)
	var got [][]string
	f := certificates.ListFilter{Source: certificates.SourcePartner, Limit: 2}
	for range 5 {
		p, err := e.Service.List(ctxA, f)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, names(p, certs))
		if p.Next == "" {
			break
		}
		f.After = p.Next
	}
	want := [][]string{{"c6", "c5"}, {"c3", "c2"}, {"c1"}}
	if !slices.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Fatalf("pages %v, want %v", got, want)
	}
	t.Run("a full last page has no next", func(t *testing.T) {
		p, err := e.Service.List(ctxA, certificates.ListFilter{Source: certificates.SourcePartner, Limit: 5})
		if err != nil || len(p.Items) != 5 || p.Next != "" {
			t.Fatalf("%d items, next %q, %v", len(p.Items), p.Next, err)
		}
	})
}

func TestListRefusesBadFilters(t *testing.T) {
	e := ct.New(t)
	tests := []struct {
		name  string
		f     certificates.ListFilter
		field string
	}{
		{"limit too large", certificates.ListFilter{Limit: certificates.MaxListLimit + 1}, "limit"},
		{"negative limit", certificates.ListFilter{Limit: -1}, "limit"},
		{"unknown state", certificates.ListFilter{State: "lost"}, "state"},
		{"unknown source", certificates.ListFilter{Source: "gift"}, "source"},
		{"not a phone", certificates.ListFilter{Phone: "call me"}, "phone"},
		{"forged cursor", certificates.ListFilter{After: "not-a-cursor"}, "cursor"},
		{"empty range", certificates.ListFilter{IssuedFrom: ct.Start, IssuedTo: ct.Start}, "issued_to"},
		{"control characters", certificates.ListFilter{ExternalID: "a\x00b"}, "external_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Service.List(ctxA, tt.f)
			ee := wantErr(t, err, certificates.ErrListInvalid)
			if len(ee.Fields) != 1 || ee.Fields[0].Field != tt.field {
				t.Fatalf("fields %+v, want %s", ee.Fields, tt.field)
			}
		})
	}
}

func TestExternalIDIsKeptAndPartOfTheRequest(t *testing.T) {
	e := ct.New(t)
	in := e.Input("PET1")
	in.ExternalID = "  CRM-42 "
	c := e.Issue(t, ct.TenantA, in)
	stored, err := e.Store.CertificateByNumber(ctxA, c.Number)
	if err != nil || c.ExternalID != "CRM-42" || stored.ExternalID != "CRM-42" {
		t.Fatalf("issued %q, stored %q (%v)", c.ExternalID, stored.ExternalID, err)
	}
	// The same key with another reference is another request (SECURITY.md 16).
	in.ExternalID = "CRM-43"
	if _, _, err := e.Service.Issue(ctxA, in); !errors.Is(err, certificates.ErrSourceKeyReused) {
		t.Fatalf("another reference under the same key: %v", err)
	}
	in.ExternalID = strings.Repeat("x", 201)
	in.SourceKey = "another"
	_, _, err = e.Service.Issue(ctxA, in)
	if ee := wantErr(t, err, certificates.ErrIssueInvalid); len(ee.Fields) != 1 || ee.Fields[0].Field != "external_id" {
		t.Fatalf("fields %+v", ee.Fields)
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := certificates.Cursor{IssuedAt: time.Date(2026, 1, 15, 11, 0, 0, 123456000, time.UTC), ID: "0192f0c8-0000-7000-8000-00000000000a"}
	got, err := certificates.ParseCursor(c.String())
	if err != nil || !got.IssuedAt.Equal(c.IssuedAt) || got.ID != c.ID {
		t.Fatalf("round trip %+v, %v", got, err)
	}
	for _, bad := range []string{"", "!!", c.String() + "*", "LTEuYQ", strings.Repeat("A", 300)} {
		if _, err := certificates.ParseCursor(bad); !errors.Is(err, certificates.ErrListInvalid) || errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("ParseCursor(%q) = %v", bad, err)
		}
	}
}

// FuzzParseCursor: a cursor comes from outside (SECURITY.md 23). Whatever
// it holds, parsing neither panics nor accepts something that does not
// encode back to itself.
func FuzzParseCursor(f *testing.F) {
	f.Add(certificates.Cursor{IssuedAt: ct.Start, ID: "x"}.String())
	f.Add("MTc2ODQ3NDgwMDAwMDAwMC4w")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := certificates.ParseCursor(s)
		if err != nil {
			return
		}
		again, err := certificates.ParseCursor(c.String())
		if err != nil || !again.IssuedAt.Equal(c.IssuedAt) || again.ID != c.ID {
			t.Fatalf("%q parses to %+v, which does not round-trip (%v)", s, c, err)
		}
	})
}
