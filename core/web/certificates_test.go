package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/platform/rbac"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants/tenantsdb"
)

// issue gives a guest a certificate for VetPet's first retail package, as
// a paid order would.
func (e *env) issue(t *testing.T, key, phone string) certificates.Certificate {
	t.Helper()
	ctx := tenancy.With(context.Background(), "vetpet")
	offers, err := tenantsdb.NewStore(e.db).Offers(ctx, "retail")
	if err != nil || len(offers) == 0 {
		t.Fatalf("offers: %v", err)
	}
	pkg := offers[0].Packages[0]
	c, _, err := e.certs.Issue(ctx, certificates.IssueInput{OfferID: "retail", Package: pkg, Currency: "RUB",
		PricePaid: *pkg.Price, PaidAt: e.clock.Now().Add(-48 * time.Hour), Source: certificates.SourceOrder, SourceKey: key,
		Holder: certificates.Holder{Phone: phone, Name: "Анна"}, Locale: "ru", Brand: "ВетПет"})
	if err != nil {
		t.Fatalf("issue: %v", err)
	}
	return c
}

func TestCertificateActivationAPI(t *testing.T) {
	e := newEnv(t)
	cert := e.issue(t, "order-1", "+79991234567")
	anna := e.login(t, "vetpet.localhost", "+79991234567")
	bob := e.login(t, "vetpet.localhost", "+79997654321")
	bearer := func(s signedIn) []string { return []string{"Authorization", "Bearer " + s.token} }
	typo := []byte(cert.Number)
	typo[0] = map[bool]byte{true: 'B', false: 'A'}[typo[0] == 'A']

	tests := []struct {
		name, number string
		who          signedIn
		want         int
	}{
		{"a typo is caught by the check symbol", string(typo), anna, 404},
		{"an unknown number", "AAAA-AAAA-AAAA-A", anna, 404},
		{"the right number, written loosely", strings.ToLower(strings.ReplaceAll(cert.Number, "-", " ")), anna, 200},
		{"the same customer again", cert.Number, anna, 200},
		{"someone else's certificate answers like an unknown one", cert.Number, bob, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(t, "POST", "vetpet.localhost", "/api/v1/certificates/activate", `{"number":"`+tt.number+`"}`, bearer(tt.who)...)
			if r.status != tt.want {
				t.Fatalf("status = %d, want %d: %s", r.status, tt.want, r.body)
			}
			if tt.want == 404 && !strings.Contains(string(r.body), "certificates.not_found") {
				t.Fatalf("not-found answer differs: %s", r.body)
			}
		})
	}
	t.Run("my certificates show what is left", func(t *testing.T) {
		r := e.call(t, "GET", "vetpet.localhost", "/api/v1/me/certificates", "", bearer(anna)...)
		var got struct {
			Active []struct {
				Number   string `json:"number"`
				DaysLeft int    `json:"days_left"`
				Quotas   []struct {
					Remaining int `json:"remaining"`
				} `json:"quotas"`
			} `json:"active"`
		}
		if err := json.Unmarshal(r.body, &got); err != nil || len(got.Active) != 1 {
			t.Fatalf("me/certificates = %d %s", r.status, r.body)
		}
		if a := got.Active[0]; a.Number != cert.Number || a.DaysLeft <= 0 || len(a.Quotas) == 0 || a.Quotas[0].Remaining < 1 {
			t.Fatalf("certificate = %+v", a)
		}
	})
	t.Run("another site never sees it", func(t *testing.T) {
		annaAstars := e.login(t, "astars.localhost", "+79991234567")
		r := e.call(t, "POST", "astars.localhost", "/api/v1/certificates/activate", `{"number":"`+cert.Number+`"}`, bearer(annaAstars)...)
		if r.status != 404 {
			t.Fatalf("vetpet certificate on astars = %d %s", r.status, r.body)
		}
	})
}

// TestSupportLookupNeedsTheRole: the call-centre lookup (offer 5.3.4) is
// refused to customers, allowed to support in its own tenant only.
func TestSupportLookupNeedsTheRole(t *testing.T) {
	e := newEnv(t)
	cert := e.issue(t, "order-2", "+79991234567")
	customer := e.login(t, "vetpet.localhost", "+79991234567")
	operator := e.login(t, "vetpet.localhost", "+79990000001")
	foreign := e.login(t, "astars.localhost", "+79990000002")
	var opID, foreignID struct{ ID string }
	_ = json.Unmarshal(e.call(t, "GET", "vetpet.localhost", "/api/v1/me", "", "Authorization", "Bearer "+operator.token).body, &opID)
	_ = json.Unmarshal(e.call(t, "GET", "astars.localhost", "/api/v1/me", "", "Authorization", "Bearer "+foreign.token).body, &foreignID)
	ctx := context.Background()
	if err := e.enforcer.Assign(ctx, opID.ID, "vetpet", rbac.Support); err != nil {
		t.Fatal(err)
	}
	if err := e.enforcer.Assign(ctx, foreignID.ID, "astars", rbac.Support); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/support/certificates/" + cert.Number
	tests := []struct {
		name, host string
		headers    []string
		want       int
	}{
		{"anonymous", "vetpet.localhost", nil, 401},
		{"a customer", "vetpet.localhost", []string{"Authorization", "Bearer " + customer.token}, 403},
		{"support of the tenant", "vetpet.localhost", []string{"Authorization", "Bearer " + operator.token}, 200},
		{"support of another tenant", "astars.localhost", []string{"Authorization", "Bearer " + foreign.token}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(t, "GET", tt.host, path, "", tt.headers...)
			if r.status != tt.want {
				t.Fatalf("status = %d, want %d: %s", r.status, tt.want, r.body)
			}
			if tt.want == 200 && (!strings.Contains(string(r.body), `"phone":"+79991234567"`) || !strings.Contains(string(r.body), `"kind":"issued"`)) {
				t.Fatalf("lookup lacks holder or history: %s", r.body)
			}
		})
	}
}
