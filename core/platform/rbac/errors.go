package rbac

import "github.com/consult/platform/core/platform/errs"

// Errors of the rbac package. Their codes are message ids in
// configs/locales, so a handler can answer with them directly.
var (
	// ErrRoleUnknown: a role name that is not one of the five roles.
	ErrRoleUnknown = errs.E(errs.KindInvalid, "rbac.role_unknown")
	// ErrForbidden: the user holds no role that allows the action here.
	ErrForbidden = errs.E(errs.KindForbidden, "rbac.forbidden")
	// ErrIDInvalid: a user or tenant id that could be mistaken for a role,
	// a list, a cache key or the vendor-wide domain (see validID).
	ErrIDInvalid = errs.E(errs.KindInvalid, "rbac.id_invalid")
	// ErrScopeInvalid: vendor_admin outside "*", or another role in "*".
	ErrScopeInvalid = errs.E(errs.KindInvalid, "rbac.scope_invalid")
)
