-- Subjects (core/subjects): a customer's pets on VetPet, persons on Astars
-- (seed 000, «Мои питомцы»). Tenant-owned: tenant_id first in every key,
-- row-level security and explicit grants (migrations/README.md).
CREATE TABLE subjects (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    id         text NOT NULL, -- UUIDv7, made by the application
    -- The user who added it: users.id of the same tenant (users has the
    -- primary key (tenant_id, id), migration 20261122000400_auth). No
    -- foreign key on purpose: users is being built alongside and may still
    -- change shape, and ownership is enforced where it matters — the
    -- service puts owner_id into every WHERE, and account deletion calls
    -- subjects.DeleteAllOf before the user goes (152-FZ).
    owner_id   text NOT NULL,
    -- The product whose schema the fields follow and its subject kind
    -- (sdk.SubjectKind.Key); checked against the product's live spec on
    -- every write, so no key to the products table, which sync rewrites.
    product    text NOT NULL,
    kind       text NOT NULL,
    label      text NOT NULL, -- the value of the kind's label field (a pet's name)
    fields     jsonb NOT NULL, -- the kind's fields, validated by the product
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
-- An owner's list, newest first, and the count of the per-owner limit.
CREATE INDEX subjects_owner_idx ON subjects (tenant_id, owner_id, created_at);
--bun:split
-- Customers add, edit and delete their own subjects.
GRANT SELECT, INSERT, UPDATE, DELETE ON subjects TO platform_tenant;
--bun:split
ALTER TABLE subjects ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON subjects
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
