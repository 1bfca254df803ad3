-- The catalogue (core/catalog): what a branded site shows besides its
-- offers — service details, specialists, articles, FAQ, reviews, contacts —
-- and the audit trail of the admins' changes. All tenant-owned: tenant_id
-- first in every key, composite foreign keys that include tenant_id,
-- row-level security and explicit grants (migrations/README.md). Tenant
-- admins write every table through db.Tenant, so the tenant role gets all
-- four rights on each.
--
-- Details of a package: its page's long text, formats, place in lists and
-- the home carousel flag. The package stays tenant data from the offer files
-- (packages, written by `platform sync`, never deleted, only retired).
CREATE TABLE catalog_services (
    tenant_id    text NOT NULL REFERENCES tenants (id),
    offer_id     text NOT NULL,
    package_code text NOT NULL,
    description  text NOT NULL,
    formats      jsonb NOT NULL, -- ["audio", "written"]
    sort_order   integer NOT NULL,
    featured     boolean NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, offer_id, package_code),
    FOREIGN KEY (tenant_id, offer_id, package_code) REFERENCES packages (tenant_id, offer_id, code)
);
--bun:split
CREATE TABLE catalog_specialists (
    tenant_id         text NOT NULL REFERENCES tenants (id),
    id                text NOT NULL, -- UUIDv7, made by the application
    slug              text NOT NULL,
    name              text NOT NULL,
    career_start_year integer, -- NULL: unknown; years of experience are computed from it
    about             text NOT NULL,
    education         text NOT NULL,
    -- media.id of the photo (kind specialist_photo, owner = this id); ''
    -- for none. No foreign key: the picture is replaced under a new id in
    -- the same transaction that sets this column.
    photo_id          text NOT NULL,
    published         boolean NOT NULL,
    sort_order        integer NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
CREATE UNIQUE INDEX catalog_specialists_slug_key ON catalog_specialists (tenant_id, slug);
--bun:split
CREATE INDEX catalog_specialists_order_idx ON catalog_specialists (tenant_id, sort_order, id);
--bun:split
-- Specialisations and animals, one row each, so that lists filter by an
-- index on both databases; value_key is the value in Unicode lower case,
-- made by the application (SQLite's lower() knows only ASCII).
CREATE TABLE catalog_specialist_tags (
    tenant_id     text NOT NULL,
    specialist_id text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('specialisation', 'animal')),
    position      integer NOT NULL,
    value         text NOT NULL,
    value_key     text NOT NULL,
    PRIMARY KEY (tenant_id, specialist_id, kind, position),
    FOREIGN KEY (tenant_id, specialist_id) REFERENCES catalog_specialists (tenant_id, id) ON DELETE CASCADE
);
--bun:split
CREATE INDEX catalog_specialist_tags_value_idx ON catalog_specialist_tags (tenant_id, kind, value_key);
--bun:split
-- The packages a specialist offers (seed 000, fig. 5: «список пакетных
-- предложений, которые можно заказать у данного специалиста»).
CREATE TABLE catalog_specialist_packages (
    tenant_id     text NOT NULL,
    specialist_id text NOT NULL,
    position      integer NOT NULL,
    offer_id      text NOT NULL,
    package_code  text NOT NULL,
    PRIMARY KEY (tenant_id, specialist_id, offer_id, package_code),
    FOREIGN KEY (tenant_id, specialist_id) REFERENCES catalog_specialists (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, offer_id, package_code) REFERENCES packages (tenant_id, offer_id, code)
);
--bun:split
CREATE TABLE catalog_articles (
    tenant_id    text NOT NULL REFERENCES tenants (id),
    id           text NOT NULL, -- UUIDv7
    slug         text NOT NULL,
    title        text NOT NULL,
    summary      text NOT NULL,
    body         text NOT NULL,
    category     text NOT NULL,
    cover_id     text NOT NULL, -- media.id (kind article_cover) or ''
    published_at timestamptz,   -- NULL: a draft; in the future: scheduled
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
CREATE UNIQUE INDEX catalog_articles_slug_key ON catalog_articles (tenant_id, slug);
--bun:split
CREATE INDEX catalog_articles_published_idx ON catalog_articles (tenant_id, published_at, id);
--bun:split
CREATE TABLE catalog_faq (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    id         text NOT NULL,
    question   text NOT NULL,
    answer     text NOT NULL,
    position   integer NOT NULL,
    published  boolean NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
CREATE INDEX catalog_faq_position_idx ON catalog_faq (tenant_id, position);
--bun:split
-- Customers' reviews. target is '' (the service as a whole),
-- 'specialist:<id>' or 'package:<offer>/<code>': one pending review per
-- author and target is the flood limit. A specialist's deletion takes their
-- reviews with them; the service tells admins to unpublish instead.
CREATE TABLE catalog_reviews (
    tenant_id     text NOT NULL REFERENCES tenants (id),
    id            text NOT NULL, -- UUIDv7: newest first is id order
    -- users.id of the same tenant. No foreign key, as media.owner_id
    -- (20261122000510_media): account deletion removes the author's reviews
    -- through catalog.EraseAuthor (152-FZ).
    author_id     text NOT NULL,
    author_name   text NOT NULL,
    rating        integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body          text NOT NULL,
    target        text NOT NULL,
    specialist_id text,
    offer_id      text,
    package_code  text,
    status        text NOT NULL CHECK (status IN ('pending', 'published', 'rejected')),
    reject_reason text NOT NULL,
    created_at    timestamptz NOT NULL,
    moderated_at  timestamptz,
    moderated_by  text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, specialist_id) REFERENCES catalog_specialists (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, offer_id, package_code) REFERENCES packages (tenant_id, offer_id, code)
);
--bun:split
CREATE UNIQUE INDEX catalog_reviews_pending_key ON catalog_reviews (tenant_id, author_id, target) WHERE status = 'pending';
--bun:split
CREATE INDEX catalog_reviews_status_idx ON catalog_reviews (tenant_id, status, id);
--bun:split
CREATE INDEX catalog_reviews_specialist_idx ON catalog_reviews (tenant_id, specialist_id, status, id);
--bun:split
-- A site's contacts as its admin set them, in the shape of tenants.Contacts;
-- without a row the site shows its data file's.
CREATE TABLE catalog_contacts (
    tenant_id  text NOT NULL,
    site_id    text NOT NULL,
    contacts   jsonb NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    PRIMARY KEY (tenant_id, site_id),
    FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, id)
);
--bun:split
-- Who changed what in the catalogue, and when: written in the transaction
-- of the change.
CREATE TABLE catalog_audit (
    tenant_id text NOT NULL REFERENCES tenants (id),
    id        text NOT NULL, -- UUIDv7: newest first is id order
    actor_id  text NOT NULL,
    action    text NOT NULL,
    entity    text NOT NULL,
    entity_id text NOT NULL,
    summary   text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
GRANT SELECT, INSERT, UPDATE, DELETE ON catalog_services, catalog_specialists, catalog_specialist_tags,
    catalog_specialist_packages, catalog_articles, catalog_faq, catalog_reviews, catalog_contacts, catalog_audit
    TO platform_tenant;
--bun:split
ALTER TABLE catalog_services ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON catalog_services
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE catalog_specialists ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON catalog_specialists
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE catalog_specialist_tags ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON catalog_specialist_tags
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE catalog_specialist_packages ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON catalog_specialist_packages
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE catalog_articles ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON catalog_articles
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE catalog_faq ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON catalog_faq
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE catalog_reviews ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON catalog_reviews
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE catalog_contacts ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON catalog_contacts
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
--bun:split
ALTER TABLE catalog_audit ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON catalog_audit
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
