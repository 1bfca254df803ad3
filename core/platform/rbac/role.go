package rbac

import (
	"strings"

	"github.com/consult/platform/core/platform/errs"
)

// Role is one of the platform's five roles.
type Role string

// The roles of DESIGN.md "Access". Only VendorAdmin is held vendor-wide.
const (
	Customer    Role = "customer"
	Specialist  Role = "specialist"
	Support     Role = "support"
	TenantAdmin Role = "tenant_admin"
	VendorAdmin Role = "vendor_admin"
)

// VendorWide is the domain of vendor-wide assignments and of the shared
// rules: a vendor_admin assigned here holds the role in every tenant.
const VendorWide = "*"

// Subject prefixes keep users and roles apart in casbin, whose role manager
// treats a subject equal to a role name as holding it (SECURITY.md item 13).
const (
	userPrefix = "user:"
	rolePrefix = "role:"
)

// AllRoles lists every role, from least to most privileged.
func AllRoles() []Role {
	return []Role{Customer, Specialist, Support, TenantAdmin, VendorAdmin}
}

// ParseRole returns the role named s, or ErrRoleUnknown.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if r.Valid() {
		return r, nil
	}
	return "", errs.Invalid(ErrRoleUnknown.Code, errs.FieldError{Field: "role", Code: ErrRoleUnknown.Code})
}

// Valid reports whether r is one of the five roles.
func (r Role) Valid() bool {
	switch r {
	case Customer, Specialist, Support, TenantAdmin, VendorAdmin:
		return true
	}
	return false
}

func (r Role) String() string { return string(r) }

// subject is the casbin subject of a role.
func (r Role) subject() string { return rolePrefix + string(r) }

// roleOf returns the role of a casbin role subject, if it is one.
func roleOf(subject string) (Role, bool) {
	name, ok := strings.CutPrefix(subject, rolePrefix)
	if !ok || !Role(name).Valid() {
		return "", false
	}
	return Role(name), true
}

// rank orders roles from least to most privileged, for stable listings.
func (r Role) rank() int {
	for i, x := range AllRoles() {
		if x == r {
			return i
		}
	}
	return len(AllRoles())
}
