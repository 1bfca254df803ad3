-- Accounts (core/auth): users, one-time codes, password-reset tokens and
-- sessions. Every table is tenant-owned: tenant_id first in every key,
-- composite foreign keys to users, row-level security and explicit grants
-- (migrations/README.md). A customer belongs to one tenant, so the same
-- phone on two tenants is two independent accounts.
CREATE TABLE users (
    tenant_id     text NOT NULL REFERENCES tenants (id),
    id            text NOT NULL, -- UUIDv7, made by the application
    kind          text NOT NULL CHECK (kind IN ('customer', 'staff')),
    phone         text,          -- E.164; NULL when none (and once erased)
    email         text,          -- as entered, domain lower-cased
    email_key     text,          -- the e-mail lower-cased (by the application, Unicode-aware)
    name          text NOT NULL DEFAULT '',
    surname       text NOT NULL DEFAULT '',
    birth_date    text NOT NULL DEFAULT '', -- YYYY-MM-DD or ''
    fields        jsonb NOT NULL DEFAULT '{}', -- the product's profile fields
    avatar_id     text NOT NULL DEFAULT '',
    password_hash text,          -- argon2id, PHC string; NULL when none
    locale        text NOT NULL,
    -- Password attempts in the current window (SECURITY.md 6): the soft
    -- lockout's counter, per account.
    failed_logins integer NOT NULL DEFAULT 0,
    failed_since  timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    -- Set when the account was erased (personal data blanked); the row
    -- stays because orders refer to it.
    erased_at     timestamptz,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
-- One account per phone and per e-mail in a tenant; NULLs (none, erased)
-- do not collide.
CREATE UNIQUE INDEX users_phone_key ON users (tenant_id, phone);
--bun:split
CREATE UNIQUE INDEX users_email_key ON users (tenant_id, email_key);
--bun:split
-- Only hashes of codes are kept (SECURITY.md 3): an HMAC-SHA256 keyed by
-- a secret outside the database, over tenant, purpose, destination and code.
CREATE TABLE auth_codes (
    tenant_id   text NOT NULL REFERENCES tenants (id),
    id          text NOT NULL,
    purpose     text NOT NULL CHECK (purpose IN ('login_phone', 'login_email', 'delete_account')),
    channel     text NOT NULL CHECK (channel IN ('sms', 'email')),
    destination text NOT NULL, -- E.164 phone or e-mail key
    user_id     text,          -- the account a deletion code acts on
    code_hash   text NOT NULL,
    attempts    integer NOT NULL DEFAULT 0,
    ip          text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
--bun:split
-- The newest code of a destination, its cooldown and hourly cap.
CREATE INDEX auth_codes_destination_idx ON auth_codes (tenant_id, destination, created_at);
--bun:split
-- The hourly cap per IP.
CREATE INDEX auth_codes_ip_idx ON auth_codes (tenant_id, ip, created_at);
--bun:split
-- The daily SMS budget, and the purge of old codes.
CREATE INDEX auth_codes_channel_idx ON auth_codes (tenant_id, channel, created_at);
--bun:split
-- Password-reset tokens (SECURITY.md 7): only their SHA-256.
CREATE TABLE auth_password_resets (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    id         text NOT NULL,
    user_id    text NOT NULL,
    token_hash text NOT NULL,
    ip         text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
--bun:split
CREATE UNIQUE INDEX auth_password_resets_token_key ON auth_password_resets (tenant_id, token_hash);
--bun:split
CREATE INDEX auth_password_resets_user_idx ON auth_password_resets (tenant_id, user_id, created_at);
--bun:split
-- Server-side sessions (SECURITY.md 8): the token's SHA-256, never the
-- token; the public id is what lists and "end this session" use.
CREATE TABLE auth_sessions (
    tenant_id    text NOT NULL REFERENCES tenants (id),
    id           text NOT NULL,
    user_id      text NOT NULL,
    token_hash   text NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL, -- the absolute end
    ip           text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
--bun:split
CREATE UNIQUE INDEX auth_sessions_token_key ON auth_sessions (tenant_id, token_hash);
--bun:split
CREATE INDEX auth_sessions_user_idx ON auth_sessions (tenant_id, user_id);
--bun:split
-- Tenant-scoped work creates and edits accounts but never deletes one:
-- an erased account keeps its row (no DELETE). Codes, reset tokens and
-- sessions come and go. No sequences: ids are made by the application.
GRANT SELECT, INSERT, UPDATE ON users TO platform_tenant;
--bun:split
GRANT SELECT, INSERT, UPDATE, DELETE ON auth_codes, auth_password_resets, auth_sessions TO platform_tenant;
--bun:split
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON users
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE auth_codes ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON auth_codes
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE auth_password_resets ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON auth_password_resets
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE auth_sessions ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON auth_sessions
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
