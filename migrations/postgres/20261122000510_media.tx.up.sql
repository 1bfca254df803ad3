-- Pictures customers upload (core/media): avatars for now, always
-- re-encoded by the platform before they are stored. Tenant-owned:
-- tenant_id first in every key, row-level security and explicit grants
-- (migrations/README.md).
CREATE TABLE media (
    tenant_id    text NOT NULL REFERENCES tenants (id),
    id           text NOT NULL, -- random UUID, made by the application
    -- users.id of the same tenant (migration 20261122000400_auth). No
    -- foreign key on purpose: users is being built alongside and may still
    -- change shape; the service scopes by owner, and account deletion
    -- calls Avatars.DeleteAllOf before the user goes (152-FZ).
    owner_id     text NOT NULL,
    kind         text NOT NULL, -- 'avatar'
    content_type text NOT NULL, -- image/jpeg or image/png: what the platform encoded
    bytes        bytea NOT NULL,
    width        integer NOT NULL,
    height       integer NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
--bun:split
-- One avatar per user: Replace deletes the previous one in the same
-- transaction; this key makes that a fact of the schema.
CREATE UNIQUE INDEX media_avatar_owner_key ON media (tenant_id, owner_id) WHERE kind = 'avatar';
--bun:split
-- Customers upload, replace and delete their own pictures.
GRANT SELECT, INSERT, UPDATE, DELETE ON media TO platform_tenant;
--bun:split
ALTER TABLE media ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON media
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
