-- Certificates (core/certificates): the certificate of a paid package
-- (offers 003 and 004, art. 1 «Сертификат»), its quotas of services, the
-- units reserved by requests, its history, and the activation limits.
-- Every table is tenant-owned: tenant_id first in every key and composite
-- foreign keys; see the PostgreSQL twin for the row-level security and
-- grants, which SQLite does not have (migrations/README.md).
CREATE TABLE certificates (
    tenant_id      text NOT NULL REFERENCES tenants (id),
    id             text NOT NULL, -- UUIDv7, made by the application
    -- The customer's identifier and the contract's number (art. 1
    -- «Идентификатор»), canonical: K7QM-3XPA-9TRW-C.
    number         text NOT NULL,
    offer_id       text NOT NULL,
    package_code   text NOT NULL,
    package_title  text NOT NULL, -- as sold, for the certificate's text
    zone           text NOT NULL, -- IANA zone the term's days are counted in
    paid_at        timestamp NOT NULL, -- the contract's date (3.2)
    term_start     timestamp NOT NULL, -- 00:00 of the day after payment (3.4, 6.1)
    term_end       timestamp NOT NULL, -- 24:00 of the last day, exclusive (6.1)
    price          bigint NOT NULL CHECK (price >= 0), -- kopecks actually paid
    currency       text NOT NULL,
    source         text NOT NULL CHECK (source IN ('order', 'partner')),
    source_key     text NOT NULL, -- the order id or the partner's idempotency key
    source_digest  text NOT NULL, -- fingerprint of the request, to refuse a reused key
    holder_user_id text,          -- the bound customer account; NULL until activated
    holder_phone   text NOT NULL DEFAULT '', -- E.164, delivery contact
    holder_email   text NOT NULL DEFAULT '',
    holder_name    text NOT NULL DEFAULT '',
    -- Set by a transfer (3.10): only the account with holder_phone may
    -- activate it, since the previous holder still knows the number.
    phone_locked   boolean NOT NULL DEFAULT false,
    issued_at      timestamp NOT NULL,
    received_at    timestamp NOT NULL, -- starts the transfer window (3.10)
    activated_at   timestamp,          -- the first activation (003 3.8.1)
    transferred_at timestamp,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, offer_id, package_code) REFERENCES packages (tenant_id, offer_id, code),
    FOREIGN KEY (tenant_id, holder_user_id) REFERENCES users (tenant_id, id),
    CHECK (term_start < term_end)
);
--bun:split
-- Numbers are unique per tenant: a number of another tenant is unknown here.
CREATE UNIQUE INDEX certificates_number_key ON certificates (tenant_id, number);
--bun:split
-- Issue is idempotent on the order or the partner's key (SECURITY.md 16).
CREATE UNIQUE INDEX certificates_source_key ON certificates (tenant_id, source, source_key);
--bun:split
CREATE INDEX certificates_holder_idx ON certificates (tenant_id, holder_user_id);
--bun:split
-- One row per service of the package. The CHECK is the last wall behind
-- the guarded UPDATE … WHERE used + reserved < quota (SECURITY.md 18).
CREATE TABLE certificate_quotas (
    tenant_id      text NOT NULL,
    certificate_id text NOT NULL,
    service_kind   text NOT NULL,
    quota          integer NOT NULL CHECK (quota > 0),
    used           integer NOT NULL DEFAULT 0 CHECK (used >= 0),
    reserved       integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    PRIMARY KEY (tenant_id, certificate_id, service_kind),
    FOREIGN KEY (tenant_id, certificate_id) REFERENCES certificates (tenant_id, id),
    CHECK (used + reserved <= quota)
);
--bun:split
-- A unit held for a request, until it is written off (used) or given back.
CREATE TABLE certificate_reservations (
    tenant_id      text NOT NULL,
    id             text NOT NULL,
    certificate_id text NOT NULL,
    service_kind   text NOT NULL,
    user_id        text NOT NULL,
    state          text NOT NULL CHECK (state IN ('reserved', 'used', 'released')),
    created_at     timestamp NOT NULL,
    settled_at     timestamp,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, certificate_id, service_kind)
        REFERENCES certificate_quotas (tenant_id, certificate_id, service_kind),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    CHECK ((state = 'reserved') = (settled_at IS NULL))
);
--bun:split
CREATE INDEX certificate_reservations_certificate_idx ON certificate_reservations (tenant_id, certificate_id);
--bun:split
-- The history the call centre reads (003 5.3.4, 004 5.3.5). Ids only, no
-- personal data. Append-only (on PostgreSQL the tenant role may only add).
CREATE TABLE certificate_events (
    tenant_id      text NOT NULL,
    id             text NOT NULL, -- UUIDv7: time-ordered
    certificate_id text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('issued', 'delivered', 'activated', 'transferred',
                                                 'reserved', 'written_off', 'released')),
    actor          text NOT NULL CHECK (actor IN ('customer', 'partner', 'system')),
    actor_user_id  text,
    service_kind   text NOT NULL DEFAULT '',
    reservation_id text,
    detail         text NOT NULL DEFAULT '', -- delivered: the channels
    created_at     timestamp NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, certificate_id) REFERENCES certificates (tenant_id, id),
    FOREIGN KEY (tenant_id, actor_user_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, reservation_id) REFERENCES certificate_reservations (tenant_id, id)
);
--bun:split
CREATE INDEX certificate_events_certificate_idx ON certificate_events (tenant_id, certificate_id, created_at);
--bun:split
-- Failed activations per account ('user:<id>') and per address
-- ('ip:<addr>') in a window that starts with the first failure; counted
-- here so that every node shares the limits. A row whose count drops to
-- zero is deleted.
CREATE TABLE certificate_activation_limits (
    tenant_id    text NOT NULL REFERENCES tenants (id),
    subject      text NOT NULL,
    window_start timestamp NOT NULL,
    failures     integer NOT NULL CHECK (failures >= 0),
    PRIMARY KEY (tenant_id, subject)
);
