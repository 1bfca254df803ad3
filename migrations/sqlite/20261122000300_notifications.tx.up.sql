-- The notification outbox (core/notify). See the PostgreSQL twin for RLS.
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
    next_attempt_at timestamp NOT NULL,
    locked_until    timestamp,
    last_error      text NOT NULL DEFAULT '',
    provider_id     text NOT NULL DEFAULT '',
    created_at      timestamp NOT NULL,
    sent_at         timestamp,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
CREATE UNIQUE INDEX notifications_dedupe_key ON notifications (tenant_id, dedupe_key);
--bun:split
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE status = 'pending';
--bun:split
CREATE INDEX notifications_recipient_idx ON notifications (tenant_id, recipient, created_at);
