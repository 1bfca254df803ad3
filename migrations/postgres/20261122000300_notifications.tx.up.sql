-- The notification outbox (core/notify). Tenant-owned: RLS like every
-- tenant table (migrations/README.md); the delivery worker is system work
-- across tenants and runs as the owner.
CREATE TABLE notifications (
    tenant_id       text NOT NULL REFERENCES tenants (id),
    id              text NOT NULL, -- UUIDv7, made by the application
    channel         text NOT NULL CHECK (channel IN ('sms', 'email', 'cabinet')),
    recipient       text NOT NULL,
    subject         text NOT NULL DEFAULT '',
    body            text NOT NULL,
    html            text NOT NULL DEFAULT '',
    kind            text NOT NULL,
    dedupe_key      text,
    sensitive       boolean NOT NULL DEFAULT false,
    status          text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    locked_until    timestamptz,
    last_error      text NOT NULL DEFAULT '',
    provider_id     text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
CREATE UNIQUE INDEX notifications_dedupe_key ON notifications (tenant_id, dedupe_key);
--bun:split
-- The worker's claim: pending rows whose time has come.
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE status = 'pending';
--bun:split
CREATE INDEX notifications_recipient_idx ON notifications (tenant_id, recipient, created_at);
--bun:split
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON notifications
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
GRANT SELECT, INSERT ON notifications TO platform_tenant;
