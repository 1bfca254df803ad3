package rbac_test

import (
	"strings"
	"testing"

	"github.com/consult/platform/core/platform/rbac"
)

// matrix pins policy.csv: for each object, what each role may do, as
// letters r(ead) w(rite) m(anage). A change to the policy must change this
// table, in review, on purpose.
var matrix = []struct {
	object                                                  string
	customer, specialist, support, tenantAdmin, vendorAdmin string
}{
	{"profile", "rw", "rw", "rw", "rw", "rw"},
	{"subjects", "rw", "r", "r", "rwm", "rwm"},
	{"catalog", "r", "r", "r", "rwm", "rwm"},
	{"reviews", "rw", "r", "r", "rwm", "rwm"},
	{"offers", "r", "r", "r", "rwm", "rwm"},
	{"orders", "rw", "", "r", "rwm", "rwm"},
	{"promo_codes", "", "", "r", "rwm", "rwm"},
	{"certificates", "rw", "", "r", "rwm", "rwm"},
	{"certificates.partner", "", "", "", "rwm", "rwm"},
	{"consultations", "rw", "rw", "r", "rwm", "rwm"},
	{"consultations.queue", "", "rw", "", "rwm", "rwm"},
	{"chat", "rw", "rw", "", "rwm", "rwm"},
	{"chat.support", "rw", "", "rwm", "rwm", "rwm"},
	{"files", "rw", "rw", "r", "rwm", "rwm"},
	{"files.requests", "r", "", "rw", "rwm", "rwm"},
	{"support.tickets", "rw", "", "rwm", "rwm", "rwm"},
	{"refunds", "rw", "", "r", "rwm", "rwm"},
	{"notifications", "r", "r", "r", "rm", "rm"},
	{"customers", "", "", "r", "rwm", "rwm"},
	{"staff", "", "", "", "rwm", "rwm"},
	{"api_keys", "", "", "", "rwm", "rwm"},
	{"reports", "", "", "", "r", "r"},
	{"tenants", "", "", "", "r", "rwm"},
	{"products", "", "", "", "r", "rwm"},
	{"plugins", "", "", "", "", "rm"},
}

// expect reports what the matrix says of role and p.
func expect(role rbac.Role, p rbac.Permission) bool {
	for _, row := range matrix {
		if row.object != p.Object {
			continue
		}
		letters := map[rbac.Role]string{
			rbac.Customer: row.customer, rbac.Specialist: row.specialist, rbac.Support: row.support,
			rbac.TenantAdmin: row.tenantAdmin, rbac.VendorAdmin: row.vendorAdmin,
		}[role]
		return strings.ContainsRune(letters, rune(p.Action[0]))
	}
	return false
}

func TestPolicyMatrix(t *testing.T) {
	objects := map[string]bool{}
	for _, p := range rbac.Vocabulary() {
		objects[p.Object] = true
	}
	for _, row := range matrix {
		if !objects[row.object] {
			t.Errorf("matrix row %q is not in rbac.Vocabulary", row.object)
		}
		delete(objects, row.object)
	}
	for o := range objects {
		t.Errorf("object %q has no matrix row", o)
	}

	e, _ := newEnforcer(t, rbac.Options{})
	users := map[rbac.Role]string{}
	for _, role := range rbac.AllRoles() {
		users[role] = "m-" + string(role)
		tenant := "vetpet"
		if role == rbac.VendorAdmin {
			tenant = rbac.VendorWide
		}
		assign(t, e, users[role], tenant, role)
	}
	for _, role := range rbac.AllRoles() {
		for _, p := range rbac.Vocabulary() {
			t.Run(string(role)+"/"+p.String(), func(t *testing.T) {
				want := expect(role, p)
				if got := allowed(t, e, users[role], "vetpet", p.Object, p.Action); got != want {
					t.Fatalf("Allowed = %v, want %v", got, want)
				}
			})
		}
	}
}
