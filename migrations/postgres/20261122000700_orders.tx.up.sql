-- Orders (core/orders): promo codes, orders, their history and promo uses,
-- and the sandbox test bank's payments (core/orders/sandbox). Every table is
-- tenant-owned: tenant_id first in every key, composite foreign keys with
-- tenant_id, row-level security and explicit grants (migrations/README.md).
-- Money is bigint kopecks.
CREATE TABLE promo_codes (
    tenant_id          text NOT NULL REFERENCES tenants (id),
    id                 text NOT NULL, -- UUIDv7, made by the application
    code               text NOT NULL, -- as the admin wrote it
    code_key           text NOT NULL, -- upper-cased: customers type codes in any case
    kind               text NOT NULL CHECK (kind IN ('percent', 'fixed')),
    percent            integer NOT NULL DEFAULT 0,
    amount             bigint NOT NULL DEFAULT 0, -- kopecks
    currency           text NOT NULL DEFAULT '',  -- of amount
    -- Inclusive calendar dates (YYYY-MM-DD) in the tenant's zone; NULL is open.
    valid_from         text,
    valid_until        text,
    total_limit        integer, -- NULL: no cap
    per_customer_limit integer, -- NULL: no cap; a customer is a phone (E.164)
    -- Uses that hold (orders not canceled or expired). Raised by one guarded
    -- UPDATE … WHERE used < total_limit, so the cap holds under concurrency.
    used               integer NOT NULL DEFAULT 0,
    targets            jsonb NOT NULL DEFAULT '[]', -- [{"offer_id", "package_code"}]; [] is every package
    created_at         timestamptz NOT NULL,
    disabled_at        timestamptz,
    PRIMARY KEY (tenant_id, id),
    CHECK ((kind = 'percent' AND percent BETWEEN 1 AND 100 AND amount = 0)
        OR (kind = 'fixed' AND amount > 0 AND percent = 0 AND currency <> '')),
    CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until),
    CHECK (total_limit IS NULL OR total_limit > 0),
    CHECK (per_customer_limit IS NULL OR per_customer_limit > 0),
    CHECK (used >= 0 AND (total_limit IS NULL OR used <= total_limit))
);
--bun:split
-- One code per tenant in any case, disabled ones included.
CREATE UNIQUE INDEX promo_codes_code_key ON promo_codes (tenant_id, code_key);
--bun:split
CREATE INDEX promo_codes_created_idx ON promo_codes (tenant_id, created_at);
--bun:split
CREATE TABLE orders (
    tenant_id           text NOT NULL REFERENCES tenants (id),
    id                  text NOT NULL, -- UUIDv7, made by the application
    number              text NOT NULL, -- YYMMDD-NNNNNN, for people
    offer_id            text NOT NULL,
    package_code        text NOT NULL,
    package_title       text NOT NULL, -- as printed when ordered
    package_spec        jsonb NOT NULL, -- the package as sold (tenants.Package): certificates are issued from it
    -- Priced on the server from the offer data (SECURITY.md 11).
    list_price          bigint NOT NULL,
    discount            bigint NOT NULL,
    total               bigint NOT NULL,
    currency            text NOT NULL,
    promo_id            text,
    promo_code          text NOT NULL DEFAULT '',
    first_name          text NOT NULL,
    surname             text NOT NULL,
    phone               text NOT NULL, -- E.164
    receipt_email       text NOT NULL DEFAULT '', -- '' when no receipt was asked for
    user_id             text,          -- the signed-in customer; NULL for a guest
    -- The consent to personal-data processing (152-FZ), mandatory, and the
    -- editions of the documents it accepted: [{"id", "version"}].
    consent_at          timestamptz NOT NULL,
    consent_docs        jsonb NOT NULL,
    status              text NOT NULL CHECK (status IN ('created', 'pending_payment', 'paid', 'canceled', 'expired', 'refunded')),
    provider            text NOT NULL DEFAULT '',
    provider_payment_id text,
    payment_url         text NOT NULL DEFAULT '',
    idempotency_key     text, -- NULL when the client sent none
    request_hash        text NOT NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    paid_at             timestamptz,
    PRIMARY KEY (tenant_id, id),
    -- Offers and packages are retired, never deleted (tenantsdb.Sync).
    FOREIGN KEY (tenant_id, offer_id, package_code) REFERENCES packages (tenant_id, offer_id, code),
    -- Accounts are erased, never deleted: the row stays for its orders.
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, promo_id) REFERENCES promo_codes (tenant_id, id),
    -- At least 1 ₽ is paid after a discount (orders.MinPayable), unless
    -- the list price is below it, which then is not discounted.
    CHECK (list_price > 0 AND discount >= 0 AND total = list_price - discount
        AND (total >= 100 OR discount = 0)),
    CHECK ((status IN ('paid', 'refunded')) = (paid_at IS NOT NULL))
);
--bun:split
CREATE UNIQUE INDEX orders_number_key ON orders (tenant_id, number);
--bun:split
-- A retried checkout finds its order; NULLs (no key) do not collide.
CREATE UNIQUE INDEX orders_idempotency_key ON orders (tenant_id, idempotency_key);
--bun:split
-- A provider's payment belongs to one order.
CREATE UNIQUE INDEX orders_payment_key ON orders (tenant_id, provider, provider_payment_id);
--bun:split
-- The expiry sweep: the oldest orders of a status.
CREATE INDEX orders_status_idx ON orders (tenant_id, status, created_at);
--bun:split
-- A customer's orders.
CREATE INDEX orders_user_idx ON orders (tenant_id, user_id, created_at);
--bun:split
CREATE TABLE order_events (
    tenant_id   text NOT NULL REFERENCES tenants (id),
    id          text NOT NULL,
    order_id    text NOT NULL,
    event       text NOT NULL,
    from_status text NOT NULL DEFAULT '', -- '' for the creation
    to_status   text NOT NULL,            -- = from_status for an anomaly
    payment_id  text NOT NULL DEFAULT '',
    note        text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);
--bun:split
CREATE INDEX order_events_order_idx ON order_events (tenant_id, order_id, at);
--bun:split
-- One promo use per order; released (and uncounted) once when the order is
-- canceled or expires.
CREATE TABLE promo_usages (
    tenant_id   text NOT NULL REFERENCES tenants (id),
    order_id    text NOT NULL,
    promo_id    text NOT NULL,
    customer    text NOT NULL, -- E.164 phone: the per-customer limit's key
    created_at  timestamptz NOT NULL,
    released_at timestamptz,
    PRIMARY KEY (tenant_id, order_id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
    FOREIGN KEY (tenant_id, promo_id) REFERENCES promo_codes (tenant_id, id)
);
--bun:split
CREATE INDEX promo_usages_customer_idx ON promo_usages (tenant_id, promo_id, customer);
--bun:split
-- The sandbox test bank (core/orders/sandbox): a provider of its own, so it
-- keeps its payments apart from orders, as a real bank would — order_id is
-- the payment's metadata, not a key to our table.
CREATE TABLE sandbox_payments (
    tenant_id       text NOT NULL REFERENCES tenants (id),
    id              text NOT NULL,
    order_id        text NOT NULL,
    amount          bigint NOT NULL CHECK (amount > 0),
    currency        text NOT NULL,
    description     text NOT NULL,
    return_url      text NOT NULL,
    idempotence_key text NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'succeeded', 'canceled')),
    created_at      timestamptz NOT NULL,
    completed_at    timestamptz,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
CREATE UNIQUE INDEX sandbox_payments_idempotence_key ON sandbox_payments (tenant_id, idempotence_key);
--bun:split
-- Orders are kept (accounting, 152-FZ), their history is append-only, and
-- tenant-scoped work deletes none of these rows. No sequences: ids are made
-- by the application. SELECT … FOR UPDATE on promo_codes needs UPDATE.
GRANT SELECT, INSERT, UPDATE ON promo_codes, orders, promo_usages, sandbox_payments TO platform_tenant;
--bun:split
GRANT SELECT, INSERT ON order_events TO platform_tenant;
--bun:split
ALTER TABLE promo_codes ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON promo_codes
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON orders
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE order_events ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON order_events
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE promo_usages ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON promo_usages
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE sandbox_payments ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON sandbox_payments
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
