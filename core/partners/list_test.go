package partners_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/consult/platform/core/certificates"
	ct "github.com/consult/platform/core/certificates/certificatestest"
	"github.com/consult/platform/core/partners"
	"github.com/consult/platform/core/platform/errs"
)

// refs returns the external ids of a page, in order.
func refs(p certificates.Page) []string {
	var out []string
	for _, s := range p.Items {
		out = append(out, s.ExternalID)
	}
	return out
}

func TestCertificates(t *testing.T) {
	e := newEnv(t)
	k := e.key(t, ct.TenantA, "CRM")
	// 15 Jan 23:30 Moscow is 20:30 UTC; 16 Jan 00:30 Moscow is 21:30 UTC:
	// the day boundary is the tenant's, not UTC's.
	for i, at := range []time.Time{ct.Start, time.Date(2026, 1, 15, 20, 30, 0, 0, time.UTC), time.Date(2026, 1, 15, 21, 30, 0, 0, time.UTC)} {
		e.Clock.Set(at)
		s := sale()
		s.ExternalID = fmt.Sprintf("JM-%d", i+1)
		if _, _, err := e.svc.Issue(ctxA, k.Key, s.ExternalID, s, site); err != nil {
			t.Fatal(err)
		}
	}
	// An order's certificate is not the partner's to list.
	in := e.Input("PET1")
	in.Source, in.ExternalID = certificates.SourceOrder, "ORDER"
	e.Issue(t, ct.TenantA, in)
	tests := []struct {
		name string
		r    partners.ListRequest
		want []string
	}{
		{"all, newest first", partners.ListRequest{}, []string{"JM-3", "JM-2", "JM-1"}},
		{"one Moscow day", partners.ListRequest{IssuedFrom: "2026-01-15", IssuedTo: "2026-01-15"}, []string{"JM-2", "JM-1"}},
		{"from the next day", partners.ListRequest{IssuedFrom: "2026-01-16"}, []string{"JM-3"}},
		{"by reference", partners.ListRequest{ExternalID: "JM-2"}, []string{"JM-2"}},
		{"by phone", partners.ListRequest{Phone: "+7 999 123 45 67"}, []string{"JM-3", "JM-2", "JM-1"}},
		{"by package", partners.ListRequest{PackageCode: "PET1"}, nil},
		// Now is 16 Jan 00:30: the sales of the 15th started at midnight
		// (6.1), the one of the 16th starts tomorrow.
		{"active", partners.ListRequest{State: "active"}, []string{"JM-2", "JM-1"}},
		{"not started yet", partners.ListRequest{State: "not_started"}, []string{"JM-3"}},
		{"page of two", partners.ListRequest{Limit: 2}, []string{"JM-3", "JM-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := e.svc.Certificates(ctxA, "Europe/Moscow", tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if got := refs(p); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("another tenant lists none of them", func(t *testing.T) {
		p, err := e.svc.Certificates(ctxB, "Europe/Moscow", partners.ListRequest{})
		if err != nil || len(p.Items) != 0 {
			t.Fatalf("%v, %v", refs(p), err)
		}
	})
	t.Run("export reads page after page", func(t *testing.T) {
		p, err := e.svc.Export(ctxA, "Europe/Moscow", partners.ListRequest{})
		if err != nil || !slices.Equal(refs(p), []string{"JM-3", "JM-2", "JM-1"}) || p.Next != "" {
			t.Fatalf("%v next %q, %v", refs(p), p.Next, err)
		}
		p, err = e.svc.Export(ctxA, "Europe/Moscow", partners.ListRequest{Limit: 2})
		if err != nil || !slices.Equal(refs(p), []string{"JM-3", "JM-2"}) || p.Next == "" {
			t.Fatalf("%v next %q, %v", refs(p), p.Next, err)
		}
		rest, err := e.svc.Export(ctxA, "Europe/Moscow", partners.ListRequest{Cursor: p.Next})
		if err != nil || !slices.Equal(refs(rest), []string{"JM-1"}) {
			t.Fatalf("%v, %v", refs(rest), err)
		}
	})
	for name, r := range map[string]partners.ListRequest{
		"issued_from": {IssuedFrom: "15.01.2026"},
		"issued_to":   {IssuedFrom: "2026-01-16", IssuedTo: "2026-01-15"},
		"state":       {State: "lost"},
		"limit":       {Limit: certificates.MaxListLimit + 1},
	} {
		t.Run("refuses a bad "+name, func(t *testing.T) {
			_, err := e.svc.Certificates(ctxA, "Europe/Moscow", r)
			if !errors.Is(err, certificates.ErrListInvalid) || len(errs.As(err).Fields) != 1 || errs.As(err).Fields[0].Field != name {
				t.Fatalf("err %v", err)
			}
		})
	}
	if _, err := e.svc.Export(ctxA, "Europe/Moscow", partners.ListRequest{Limit: partners.ExportLimit + 1}); !errors.Is(err, certificates.ErrListInvalid) {
		t.Fatalf("export beyond its limit: %v", err)
	}
}
