-- Row-level security: the second wall of tenant isolation (SECURITY.md 12).
-- The first wall is the application: stores take the tenant from the
-- context and write it into every WHERE. Tenant-scoped work additionally
-- runs through db.(*DB).Tenant / TenantRead, which switch the transaction to
-- the role platform_tenant (SET LOCAL ROLE) and set platform.tenant_id; the
-- policies below then hide every other tenant's rows even from a query
-- that forgot its WHERE. Both settings are transaction-local, so nothing
-- leaks to the next user of a pooled connection.
--
-- platform_tenant is NOLOGIN, NOSUPERUSER, NOBYPASSRLS and owns nothing:
-- table owners and superusers are exempt from RLS, so the role the
-- policies bind must be neither. Roles are cluster-wide and many databases
-- (tests, staging) share one cluster: create it only when absent, and
-- tolerate a migration of another database creating it at the same moment
-- (the loser of that race sees duplicate_object, or unique_violation on
-- pg_authid when both inserted before either committed). A role of that
-- name with dangerous attributes is refused rather than silently used.
--
-- The migrating role must be able to SET ROLE platform_tenant: superusers
-- always can; a CREATEROLE migrator is granted membership here (PostgreSQL
-- 16 gives a role's creator only ADMIN, not SET). A server that logs in as
-- another role needs `GRANT platform_tenant TO <that role>` (README.md in
-- this folder).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'platform_tenant') THEN
        BEGIN
            CREATE ROLE platform_tenant NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- created concurrently by the migration of another database
        END;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'platform_tenant'
               AND (rolsuper OR rolbypassrls OR rolcanlogin OR rolcreaterole OR rolreplication)) THEN
        RAISE EXCEPTION 'role platform_tenant exists with SUPERUSER, BYPASSRLS, LOGIN, CREATEROLE or REPLICATION: row-level security would not hold';
    END IF;
    IF NOT pg_has_role(current_user, 'platform_tenant',
                       CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER' END) THEN
        BEGIN
            GRANT platform_tenant TO CURRENT_USER;
        EXCEPTION WHEN unique_violation THEN
            NULL; -- granted concurrently by the migration of another database
        END;
    END IF;
END
$$;
--bun:split
GRANT USAGE ON SCHEMA public TO platform_tenant;
--bun:split
-- Tenant-owned tables. Their rows come from the data files and only
-- `platform sync` writes them, as the connection's own role: the tenant
-- role may read them and nothing more (least privilege; a tenant-scoped
-- handler has no business changing its own prices). The policies still
-- carry WITH CHECK so that granting a write later cannot open a hole.
-- None of these tables has a sequence; tables that do must also grant
-- USAGE on theirs (migrations/README.md).
GRANT SELECT ON sites, tenant_files, offers, packages TO platform_tenant;
--bun:split
ALTER TABLE sites ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON sites
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE tenant_files ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON tenant_files
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE offers ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON offers
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE packages ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON packages
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
-- Deliberately without row-level security, and not granted to the tenant
-- role at all (a tenant-scoped transaction touching them fails with
-- "permission denied" rather than reading across tenants):
--   tenants          the directory of all tenants, read before any tenant is
--                    known (Host resolution) and written by sync;
--   site_hosts       Host -> (tenant, site): it must answer for every tenant
--                    precisely because the request's tenant is not yet known;
--   products         global plugin specs shared by all tenants;
--   data_syncs       the history of `platform sync`, system-wide;
--   casbin_rules     RBAC assignments of every domain, loaded by the enforcer
--                    across tenants (its domain column is v2, not tenant_id);
--   schema_migrations, schema_migration_locks   bun's bookkeeping.
--
-- No FORCE ROW LEVEL SECURITY: system work (sync, the Host directory, the
-- RBAC loader, migrations) runs as the owning login role across all
-- tenants, and FORCE would hide every row from it. The owner is exempt;
-- tenant-scoped work never runs as the owner (db.(*DB).Tenant).
--
-- No ALTER DEFAULT PRIVILEGES either: a default grant would hand the tenant
-- role every future table, including a forgotten-RLS or global one, and a
-- table without RLS is read across tenants by whoever may read it. Each
-- tenant-owned table grants explicitly, next to its ENABLE ROW LEVEL
-- SECURITY and its policy (the template in migrations/README.md), so a
-- forgotten grant fails closed. core/platform/db's TestTenantTableRules
-- checks the catalogue for both mistakes.
SELECT 1;
