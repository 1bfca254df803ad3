package tenantsdb

import (
	"context"

	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants"
)

// OffersUnscoped is Offers without db.TenantRead — the first wall only, no
// transaction and no row-level security — so a benchmark can price the
// scope.
func (s *Store) OffersUnscoped(ctx context.Context, ids ...string) ([]tenants.Offer, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return nil, err
	}
	return offers(ctx, s.db.DB, tenantID, ids)
}
