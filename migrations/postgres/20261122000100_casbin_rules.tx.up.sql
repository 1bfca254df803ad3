-- casbin user → role assignments (core/platform/rbac/rbacdb). Only grouping
-- rules live here: g, user:<id>, role:<name>, <tenant id or *>. The shared
-- role → permission rules come from configs/rbac/policy.csv and are never
-- stored, so the CHECK refuses p rows written by anything but the adapter.
-- Columns are NOT NULL DEFAULT '' so the unique key covers short rules
-- (NULLs would be distinct from each other). v2 is the domain: a tenant id,
-- or * for vendor-wide assignments.
CREATE TABLE casbin_rules (
    id    bigserial PRIMARY KEY,
    ptype text NOT NULL CHECK (substr(ptype, 1, 1) = 'g'),
    v0    text NOT NULL DEFAULT '',
    v1    text NOT NULL DEFAULT '',
    v2    text NOT NULL DEFAULT '',
    v3    text NOT NULL DEFAULT '',
    v4    text NOT NULL DEFAULT '',
    v5    text NOT NULL DEFAULT ''
);
--bun:split
CREATE UNIQUE INDEX casbin_rules_rule_key ON casbin_rules (ptype, v0, v1, v2, v3, v4, v5);
--bun:split
-- Filtered loads select by domain ("*" plus a node's tenants), and a node
-- re-reads one user's assignments in one tenant after another node's change.
CREATE INDEX casbin_rules_domain_idx ON casbin_rules (v2, v0);
