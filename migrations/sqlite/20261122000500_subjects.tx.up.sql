-- Subjects (core/subjects): a customer's pets on VetPet, persons on Astars.
-- See the PostgreSQL twin for the columns and for row-level security.
CREATE TABLE subjects (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    id         text NOT NULL, -- UUIDv7, made by the application
    -- users.id of the same tenant; no foreign key on purpose (see the
    -- PostgreSQL twin): users may still change, the service scopes by owner.
    owner_id   text NOT NULL,
    product    text NOT NULL,
    kind       text NOT NULL,
    label      text NOT NULL,
    fields     text NOT NULL, -- JSON
    created_at timestamp NOT NULL,
    updated_at timestamp NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
CREATE INDEX subjects_owner_idx ON subjects (tenant_id, owner_id, created_at);
