package rbac

import (
	"fmt"

	"github.com/consult/platform/core/platform/errs"
)

// maxIDLen bounds user and tenant ids; real ones (UUIDs, slugs) are short.
const maxIDLen = 128

// validID reports whether id may name a user or a tenant. The alphabet is
// an allow-list because each excluded character has bitten someone:
//   - ':' would let a crafted user id "role:tenant_admin" become a role
//     subject, which casbin's role manager treats as holding that role;
//   - ',' is the separator casbin joins rule fields with for its policy
//     map, so "a,b"+"c" and "a"+"b,c" would be the same rule;
//   - '$' is the separator of CachedEnforcer's decision-cache keys, so a
//     crafted id could read another user's cached decision;
//   - '*' is the vendor-wide domain; spaces and quotes break CSV round trips.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '_', c == '.', c == '@':
		default:
			return false
		}
	}
	return true
}

func checkUser(userID string) error {
	if !validID(userID) {
		return errs.Invalid(ErrIDInvalid.Code, errs.FieldError{Field: "user_id", Code: ErrIDInvalid.Code}).
			Because(fmt.Errorf("rbac: invalid user id %q", clip(userID)))
	}
	return nil
}

// checkTenant accepts a tenant id or VendorWide.
func checkTenant(tenantID string) error {
	if tenantID != VendorWide && !validID(tenantID) {
		return errs.Invalid(ErrIDInvalid.Code, errs.FieldError{Field: "tenant_id", Code: ErrIDInvalid.Code}).
			Because(fmt.Errorf("rbac: invalid tenant id %q", clip(tenantID)))
	}
	return nil
}

// checkScope enforces DESIGN.md's split: vendor_admin is vendor-wide and
// nothing else is, so a tenant admin's "staff manage" can never mint a
// vendor-wide role, and no tenant holds a half vendor admin.
func checkScope(tenantID string, role Role) error {
	if !role.Valid() {
		return errs.Invalid(ErrRoleUnknown.Code, errs.FieldError{Field: "role", Code: ErrRoleUnknown.Code})
	}
	if (role == VendorAdmin) != (tenantID == VendorWide) {
		return errs.Invalid(ErrScopeInvalid.Code, errs.FieldError{Field: "tenant_id", Code: ErrScopeInvalid.Code}).
			Because(fmt.Errorf("rbac: role %s cannot be held in %q", role, tenantID))
	}
	return nil
}

// clip keeps hostile input out of logs at a bounded length.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
