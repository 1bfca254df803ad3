-- The dev outbox (core/notify). See the PostgreSQL twin for why it is a
-- table of its own.
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
    created_at    timestamp NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
CREATE INDEX dev_outbox_recipient_idx ON dev_outbox (tenant_id, recipient_key, created_at);
--bun:split
CREATE INDEX dev_outbox_created_idx ON dev_outbox (tenant_id, created_at);
