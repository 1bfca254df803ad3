-- The dev outbox (core/notify): in dev, every message the delivery worker
-- hands to a provider, text included, so developers read login codes at
-- /dev/outbox. A table of its own rather than the notifications rows: the
-- outbox erases sensitive bodies once delivered, in dev exactly as in prod,
-- and prod never writes here (the dev outbox sender is installed only in
-- dev). Tenant-owned: written and read through the tenant scope, so RLS
-- applies (migrations/README.md).
CREATE TABLE dev_outbox (
    tenant_id     text NOT NULL REFERENCES tenants (id),
    id            text NOT NULL, -- UUIDv7, made by the application
    channel       text NOT NULL CHECK (channel IN ('sms', 'email', 'cabinet')),
    recipient     text NOT NULL,
    recipient_key text NOT NULL, -- notify.RecipientKey: phone digits, lower-cased e-mail
    subject       text NOT NULL DEFAULT '',
    body          text NOT NULL,
    kind          text NOT NULL,
    status        text NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
CREATE INDEX dev_outbox_recipient_idx ON dev_outbox (tenant_id, recipient_key, created_at);
--bun:split
CREATE INDEX dev_outbox_created_idx ON dev_outbox (tenant_id, created_at);
--bun:split
GRANT SELECT, INSERT, UPDATE ON dev_outbox TO platform_tenant;
--bun:split
ALTER TABLE dev_outbox ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON dev_outbox
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
