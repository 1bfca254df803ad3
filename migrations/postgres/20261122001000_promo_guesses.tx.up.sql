-- Unknown promo codes typed per client address ('ip:<addr>') in a window
-- that starts with the first one (orders.Config.PromoGuessesPerIP): without
-- it a script could walk the code space through the quote endpoint. Counted
-- in the database so that every node shares the limit; a row whose count
-- drops to zero is deleted (db.FailureCounter).
CREATE TABLE promo_guess_limits (
    tenant_id    text NOT NULL REFERENCES tenants (id),
    subject      text NOT NULL,
    window_start timestamptz NOT NULL,
    failures     integer NOT NULL CHECK (failures >= 0),
    PRIMARY KEY (tenant_id, subject)
);
--bun:split
GRANT SELECT, INSERT, UPDATE, DELETE ON promo_guess_limits TO platform_tenant;
--bun:split
ALTER TABLE promo_guess_limits ENABLE ROW LEVEL SECURITY;
--bun:split
CREATE POLICY tenant_isolation ON promo_guess_limits
    USING (tenant_id = current_setting('platform.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('platform.tenant_id', true));
