-- Partners (core/partners): the API keys a partner's systems use to issue
-- certificates of the packages it sells (offers 003 and 004, 3.1.1: a
-- certificate sold by a partner), and the partner's own reference for each
-- certificate it issues. Tenant-owned: tenant_id first in every key, row-level
-- security and explicit grants (migrations/README.md).
--
-- Only the SHA-256 of a key's secret is kept: the secret has 256 random bits,
-- so an unkeyed hash cannot be brute-forced, and a copy of the table opens
-- nothing (as auth sessions). created_by and revoked_by are the audit: a user
-- id of the tenant, or 'cli' for `platform admin create-api-key`, which has no
-- account; hence no foreign key to users.
CREATE TABLE partner_keys (
    tenant_id    text NOT NULL REFERENCES tenants (id),
    id           text NOT NULL, -- UUIDv7, made by the application
    name         text NOT NULL, -- what the admin called it: "CRM", "1C"
    prefix       text NOT NULL, -- the secret's public start, shown to tell keys apart
    secret_hash  text NOT NULL, -- hex SHA-256 of the whole secret
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,  -- written at most once a minute
    revoked_at   timestamptz,
    revoked_by   text,
    PRIMARY KEY (tenant_id, id),
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
--bun:split
-- A key is found by its hash within the tenant the request's Host names, so a
-- key of one tenant opens nothing on another's site.
CREATE UNIQUE INDEX partner_keys_secret_key ON partner_keys (tenant_id, secret_hash);
--bun:split
CREATE INDEX partner_keys_created_idx ON partner_keys (tenant_id, created_at);
--bun:split
-- Keys are revoked, never deleted: the audit of who issued what stays.
GRANT SELECT, INSERT, UPDATE ON partner_keys TO platform_tenant;
--bun:split
ALTER TABLE partner_keys ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON partner_keys
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
-- The partner's reference for a certificate it issued (its order or
-- contract number), for reconciliation; '' when none was given.
ALTER TABLE certificates ADD COLUMN external_id text NOT NULL DEFAULT '';
--bun:split
-- The partner's list: its certificates, newest first, page by page.
CREATE INDEX certificates_source_issued_idx ON certificates (tenant_id, source, issued_at, id);
--bun:split
CREATE INDEX certificates_external_idx ON certificates (tenant_id, external_id);
--bun:split
CREATE INDEX certificates_phone_idx ON certificates (tenant_id, holder_phone);
