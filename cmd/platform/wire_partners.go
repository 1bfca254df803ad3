package main

import (
	"log/slog"

	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/partners"
	"github.com/consult/platform/core/partners/partnersdb"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/tenants/tenantsdb"
)

// buildPartners is the partners service (issue 4): partners' API keys, and
// the partner API that issues certificates of the tenant's live packages
// through the certificates service. log may be nil.
func buildPartners(d *db.DB, certs *certificates.Service, clk clock.Clock, log *slog.Logger) *partners.Service {
	return partners.New(partnersdb.New(d), partners.Deps{Clock: clk, Certificates: certs,
		Offers: tenantsdb.NewStore(d), Logger: log})
}
