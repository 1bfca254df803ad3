-- Tenancy data applied by `platform sync` from tenants/*/ and products/*/.
-- Every tenant-owned table has tenant_id NOT NULL first in its keys, ready
-- to be distributed by tenant_id (DESIGN.md, "Scaling out").
CREATE TABLE tenants (
    id             text PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('vendor', 'partner')),
    name           jsonb NOT NULL,
    timezone       text NOT NULL,
    default_locale text NOT NULL,
    phone_region   text NOT NULL,
    spec           jsonb NOT NULL,
    digest         text NOT NULL,
    retired_at     timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
--bun:split
CREATE TABLE sites (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    id         text NOT NULL,
    product    text NOT NULL,
    locale     text NOT NULL,
    spec       jsonb NOT NULL,
    digest     text NOT NULL,
    retired_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
CREATE UNIQUE INDEX sites_id_key ON sites (id);
--bun:split
CREATE TABLE site_hosts (
    host      text PRIMARY KEY,
    tenant_id text NOT NULL,
    site_id   text NOT NULL,
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id)
);
--bun:split
CREATE TABLE tenant_files (
    tenant_id    text NOT NULL REFERENCES tenants (id),
    name         text NOT NULL,
    content_type text NOT NULL,
    content      bytea NOT NULL,
    digest       text NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
--bun:split
CREATE TABLE products (
    id         text PRIMARY KEY,
    spec       jsonb NOT NULL,
    digest     text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
--bun:split
CREATE TABLE offers (
    tenant_id     text NOT NULL REFERENCES tenants (id),
    id            text NOT NULL,
    product       text NOT NULL REFERENCES products (id),
    contract_type text NOT NULL,
    currency      text NOT NULL,
    spec          jsonb NOT NULL,
    digest        text NOT NULL,
    retired_at    timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
CREATE TABLE packages (
    tenant_id   text NOT NULL,
    offer_id    text NOT NULL,
    code        text NOT NULL,
    position    integer NOT NULL,
    title       text NOT NULL,
    term_days   integer NOT NULL DEFAULT 0,
    term_months integer NOT NULL DEFAULT 0,
    price       bigint CHECK (price IS NULL OR price > 0),
    currency    text NOT NULL,
    quotas      jsonb NOT NULL,
    spec        jsonb NOT NULL,
    digest      text NOT NULL,
    retired_at  timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, offer_id, code),
    FOREIGN KEY (tenant_id, offer_id) REFERENCES offers (tenant_id, id),
    CHECK ((term_days > 0) <> (term_months > 0))
);
--bun:split
CREATE TABLE data_syncs (
    id         bigserial PRIMARY KEY,
    source     text NOT NULL,
    summary    jsonb NOT NULL,
    applied_at timestamptz NOT NULL
);
