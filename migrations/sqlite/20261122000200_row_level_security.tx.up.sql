-- Row-level security exists only on PostgreSQL (postgres/20261122000200_row_level_security.tx.up.sql).
-- SQLite has no roles and no policies: tenant isolation there is the
-- application's scoping alone (SECURITY.md 12). This no-op keeps the two
-- dialects' migration versions in step.
SELECT 1;
