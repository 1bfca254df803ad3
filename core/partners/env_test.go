package partners_test

import (
	"testing"

	ct "github.com/consult/platform/core/certificates/certificatestest"
	"github.com/consult/platform/core/partners"
	"github.com/consult/platform/core/partners/partnersdb"
	"github.com/consult/platform/tenants/tenantsdb"
)

var (
	ctxA = ct.Ctx(ct.TenantA)
	ctxB = ct.Ctx(ct.TenantB)
)

// env is the partners service over certificatestest's database: tenants
// alpha and beta, each selling ct.Offer, on a fake clock.
type env struct {
	*ct.Env
	svc   *partners.Service
	store *partnersdb.Store
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{Env: ct.New(t)}
	e.store = partnersdb.New(e.DB)
	e.svc = partners.New(e.store, partners.Deps{Clock: e.Clock, Certificates: e.Service, Offers: tenantsdb.NewStore(e.DB)})
	return e
}

// site is tenant alpha's (or beta's) site selling ct.Offer.
var site = partners.Site{Offers: []string{ct.Offer}, Brand: "Джет Мани", BaseURL: "https://jet.example", Locale: "ru",
	Timezone: "Europe/Moscow"}

// key makes a key in tenant and returns it with its secret.
func (e *env) key(t *testing.T, tenant, name string) partners.Created {
	t.Helper()
	k, err := e.svc.CreateKey(ct.Ctx(tenant), name, partners.CreatedByCLI)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func price(k int64) *int64 { return &k }
