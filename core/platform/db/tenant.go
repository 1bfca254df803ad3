package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/platform/tenancy"
)

// TenantRole is the PostgreSQL role tenant-scoped transactions run as:
// NOLOGIN, no BYPASSRLS, owner of nothing, bound by the tenant_isolation
// policies (migrations/postgres/20261122000200_row_level_security.tx.up.sql).
const TenantRole = "platform_tenant"

// TenantSetting is the transaction-local setting the policies compare
// tenant_id with.
const TenantSetting = "platform.tenant_id"

// enterTenant switches the transaction to TenantRole and sets the tenant, in
// one statement and one round trip. set_config('role', …, true) is SET LOCAL
// ROLE (same permission check, same reset at transaction end); as a single
// SELECT it also survives protocols that refuse several statements. The
// tenant is a bun placeholder, quoted by the dialect, never concatenated.
const enterTenant = "SELECT set_config('role', '" + TenantRole + "', true), set_config('" + TenantSetting + "', ?, true)"

// Tenant runs fn as work of the tenant in ctx, in one read-write
// transaction, and fails closed with errs.ErrTenantMissing when ctx names
// no tenant. fn must use q (and the ctx it is given) for every query.
//
// Isolation has two walls. The first, mandatory everywhere, is the
// application: the store writes tenant_id = ? into every WHERE and every
// insert, with bun placeholders. The second is PostgreSQL row-level
// security: the transaction first runs SET LOCAL ROLE platform_tenant and
// set_config('platform.tenant_id', <tenant>, true), so the tenant_isolation
// policies hide other tenants' rows from a query that forgot its WHERE and
// refuse to write a row for another tenant. Both settings end with the
// transaction, so nothing leaks to the next user of a pooled connection.
// The second wall limits the blast radius of bugs; it is not a sandbox for
// SQL an attacker controls: the connection's own role may switch back
// (RESET ROLE) or set another tenant, so an injection inside the scope
// defeats it. Hence the first wall, and placeholders, stay mandatory.
//
// On SQLite, which has no roles or policies, the application's scoping is
// the only wall; fn runs in an (immediate) transaction so that its writes
// commit or roll back together, as on PostgreSQL.
//
// Scopes nest: called again with a context fn received, for the same
// tenant, Tenant and TenantRead run on the enclosing transaction instead of
// taking a second connection (which on SQLite would wait for the first one's
// write lock). A different tenant, or a write inside TenantRead, is refused.
//
// System work across tenants (platform sync, the Host directory, RBAC
// loading, migrations) does not use this: it runs as the connection's own
// role, which owns the tables and is therefore exempt from the policies.
func (d *DB) Tenant(ctx context.Context, fn func(ctx context.Context, q bun.IDB) error) error {
	return d.tenantScope(ctx, false, fn)
}

// TenantRead is Tenant for work that only reads. On PostgreSQL the
// transaction is READ ONLY. On SQLite fn runs on the database directly,
// without a transaction: immediate transactions would serialise readers with
// every writer for nothing, and a single read needs none. A caller that needs
// several reads to see one snapshot on SQLite should use Tenant.
func (d *DB) TenantRead(ctx context.Context, fn func(ctx context.Context, q bun.IDB) error) error {
	return d.tenantScope(ctx, true, fn)
}

type scopeKey struct{}

// scope is the tenant transaction a context belongs to, for nesting.
type scope struct {
	db       *DB
	tenantID string
	readOnly bool
	q        bun.IDB
}

func (d *DB) tenantScope(ctx context.Context, readOnly bool, fn func(ctx context.Context, q bun.IDB) error) error {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return err
	}
	if s, ok := ctx.Value(scopeKey{}).(*scope); ok && s.db == d {
		switch {
		case s.tenantID != tenantID:
			return fmt.Errorf("db: scope of tenant %q nested in the scope of tenant %q", tenantID, s.tenantID)
		case s.readOnly && !readOnly:
			return errors.New("db: tenant write nested in a read-only tenant scope")
		}
		return fn(ctx, s.q)
	}
	run := func(ctx context.Context, q bun.IDB) error {
		return fn(context.WithValue(ctx, scopeKey{}, &scope{db: d, tenantID: tenantID, readOnly: readOnly, q: q}), q)
	}
	switch {
	case d.Dialect == Postgres:
		return d.RunInTx(ctx, &sql.TxOptions{ReadOnly: readOnly}, func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.ExecContext(ctx, enterTenant, tenantID); err != nil {
				return fmt.Errorf("db: enter scope of tenant %q: %w", tenantID, err)
			}
			return run(ctx, tx)
		})
	case readOnly:
		return run(ctx, d.DB)
	default:
		return d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return run(ctx, tx) })
	}
}

// WithTenant is Tenant that also hands fn the scope's tenant id, for
// stores that put it in their WHERE clauses (the first wall) — so no store
// reads the tenant from the context a second time.
func (d *DB) WithTenant(ctx context.Context, fn func(ctx context.Context, q bun.IDB, tenantID string) error) error {
	return d.tenantScope(ctx, false, func(ctx context.Context, q bun.IDB) error { return fn(ctx, q, scopeTenant(ctx)) })
}

// WithTenantRead is TenantRead that also hands fn the scope's tenant id.
func (d *DB) WithTenantRead(ctx context.Context, fn func(ctx context.Context, q bun.IDB, tenantID string) error) error {
	return d.tenantScope(ctx, true, func(ctx context.Context, q bun.IDB) error { return fn(ctx, q, scopeTenant(ctx)) })
}

// scopeTenant is the tenant of the scope ctx belongs to (set by
// tenantScope before fn runs).
func scopeTenant(ctx context.Context) string {
	s, _ := ctx.Value(scopeKey{}).(*scope)
	return s.tenantID
}
