// Package tenantsdb keeps the tenancy data in the database: `platform sync`
// writes what the data files say, the server reads its Host directory and
// each tenant's offers back. Reads of tenant-owned rows take the tenant
// from the context and fail closed without one.
package tenantsdb

import (
	"time"

	"github.com/uptrace/bun"
)

// JSON columns are jsonb on PostgreSQL and text on SQLite; both accept and
// return JSON text, so the rows carry it as a string.

type tenantRow struct {
	bun.BaseModel `bun:"table:tenants"`
	ID            string     `bun:"id,pk"`
	Kind          string     `bun:"kind"`
	Name          string     `bun:"name"`
	Timezone      string     `bun:"timezone"`
	DefaultLocale string     `bun:"default_locale"`
	PhoneRegion   string     `bun:"phone_region"`
	Spec          string     `bun:"spec"`
	Digest        string     `bun:"digest"`
	RetiredAt     *time.Time `bun:"retired_at"`
	CreatedAt     time.Time  `bun:"created_at"`
	UpdatedAt     time.Time  `bun:"updated_at"`
}

type siteRow struct {
	bun.BaseModel `bun:"table:sites"`
	TenantID      string     `bun:"tenant_id,pk"`
	ID            string     `bun:"id,pk"`
	Product       string     `bun:"product"`
	Locale        string     `bun:"locale"`
	Spec          string     `bun:"spec"`
	Digest        string     `bun:"digest"`
	RetiredAt     *time.Time `bun:"retired_at"`
	CreatedAt     time.Time  `bun:"created_at"`
	UpdatedAt     time.Time  `bun:"updated_at"`
}

type hostRow struct {
	bun.BaseModel `bun:"table:site_hosts"`
	Host          string `bun:"host,pk"`
	TenantID      string `bun:"tenant_id"`
	SiteID        string `bun:"site_id"`
}

type fileRow struct {
	bun.BaseModel `bun:"table:tenant_files"`
	TenantID      string    `bun:"tenant_id,pk"`
	Name          string    `bun:"name,pk"`
	ContentType   string    `bun:"content_type"`
	Content       []byte    `bun:"content"`
	Digest        string    `bun:"digest"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

type productRow struct {
	bun.BaseModel `bun:"table:products"`
	ID            string    `bun:"id,pk"`
	Spec          string    `bun:"spec"`
	Digest        string    `bun:"digest"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

type offerRow struct {
	bun.BaseModel `bun:"table:offers"`
	TenantID      string     `bun:"tenant_id,pk"`
	ID            string     `bun:"id,pk"`
	Product       string     `bun:"product"`
	ContractType  string     `bun:"contract_type"`
	Currency      string     `bun:"currency"`
	Spec          string     `bun:"spec"`
	Digest        string     `bun:"digest"`
	RetiredAt     *time.Time `bun:"retired_at"`
	CreatedAt     time.Time  `bun:"created_at"`
	UpdatedAt     time.Time  `bun:"updated_at"`
}

type packageRow struct {
	bun.BaseModel `bun:"table:packages"`
	TenantID      string     `bun:"tenant_id,pk"`
	OfferID       string     `bun:"offer_id,pk"`
	Code          string     `bun:"code,pk"`
	Position      int        `bun:"position"`
	Title         string     `bun:"title"`
	TermDays      int        `bun:"term_days"`
	TermMonths    int        `bun:"term_months"`
	Price         *int64     `bun:"price"`
	Currency      string     `bun:"currency"`
	Quotas        string     `bun:"quotas"`
	Spec          string     `bun:"spec"`
	Digest        string     `bun:"digest"`
	RetiredAt     *time.Time `bun:"retired_at"`
	CreatedAt     time.Time  `bun:"created_at"`
	UpdatedAt     time.Time  `bun:"updated_at"`
}

type syncRow struct {
	bun.BaseModel `bun:"table:data_syncs"`
	ID            int64     `bun:"id,pk,autoincrement"`
	Source        string    `bun:"source"`
	Summary       string    `bun:"summary"`
	AppliedAt     time.Time `bun:"applied_at"`
}
