-- Pictures customers upload (core/media). See the PostgreSQL twin for the
-- columns and for row-level security.
CREATE TABLE media (
    tenant_id    text NOT NULL REFERENCES tenants (id),
    id           text NOT NULL, -- random UUID, made by the application
    owner_id     text NOT NULL, -- users.id of the same tenant; no foreign key (see the twin)
    kind         text NOT NULL,
    content_type text NOT NULL,
    bytes        blob NOT NULL,
    width        integer NOT NULL,
    height       integer NOT NULL,
    created_at   timestamp NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
CREATE UNIQUE INDEX media_avatar_owner_key ON media (tenant_id, owner_id) WHERE kind = 'avatar';
