// Package tenancy carries the current tenant through a context. The tenant
// is set once, from the request's Host or the caller's session, and every
// store reads it from here; a missing tenant is an error, never an
// unscoped query.
package tenancy

import (
	"context"

	"github.com/consult/platform/core/platform/errs"
)

type ctxKey struct{}

// With returns ctx scoped to tenant id.
func With(ctx context.Context, tenantID string) context.Context {
	return context.WithValue(ctx, ctxKey{}, tenantID)
}

// From returns the tenant ctx is scoped to, or errs.ErrTenantMissing: the
// caller must stop rather than run a query without a tenant.
func From(ctx context.Context) (string, error) {
	id, _ := ctx.Value(ctxKey{}).(string)
	if id == "" {
		return "", errs.ErrTenantMissing
	}
	return id, nil
}
