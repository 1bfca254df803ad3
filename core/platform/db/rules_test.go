package db_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
)

// crossTenant lists the tables and indexes that have tenant_id but are not
// tenant-owned in the sense of migrations/README.md, with the reason.
var crossTenant = map[string]string{
	"site_hosts":   "Host routing must answer before the request's tenant is known",
	"sites_id_key": "site ids are global: a Host names exactly one site",
	// The delivery worker claims due messages of every tenant in time order.
	"notifications_due_idx": "the outbox worker claims due messages across tenants by time",
}

// policyExpr is how PostgreSQL prints the tenant_isolation expressions.
const policyExpr = "(tenant_id = current_setting('platform.tenant_id'::text, true))"

// tableRuleViolations checks the catalogue against the rules of
// migrations/README.md and returns every breach, one line each.
func tableRuleViolations(ctx context.Context, q bun.IDB, dialect db.Dialect) ([]string, error) {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	var tables []string
	query := `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'tenant_id' ORDER BY 1`
	if dialect == db.Postgres {
		query = `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
			WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`
	}
	if err := q.NewRaw(query).Scan(ctx, &tables); err != nil {
		return nil, fmt.Errorf("tenant tables: %w", err)
	}
	if len(tables) == 0 {
		return nil, fmt.Errorf("no table has tenant_id: the check would prove nothing")
	}
	for _, table := range tables {
		if _, ok := crossTenant[table]; ok {
			continue
		}
		keys, err := tableKeys(ctx, q, dialect, table)
		if err != nil {
			return nil, err
		}
		if !keys.notNull {
			bad("%s: tenant_id is nullable", table)
		}
		for _, k := range keys.leading {
			if _, ok := crossTenant[k.name]; !ok && k.column != "tenant_id" {
				bad("%s: key %s starts with %q, not tenant_id", table, k.name, k.column)
			}
		}
		for _, fk := range keys.foreign {
			if slices.Contains(tables, fk.refTable) && !fk.hasTenant {
				bad("%s: foreign key %s to tenant table %s does not include tenant_id", table, fk.name, fk.refTable)
			}
		}
		if dialect == db.Postgres {
			pgViolations, err := pgTableViolations(ctx, q, table)
			if err != nil {
				return nil, err
			}
			out = append(out, pgViolations...)
		}
	}
	if dialect == db.Postgres {
		pgViolations, err := pgRoleViolations(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, pgViolations...)
	}
	return out, nil
}

type leadingColumn struct{ name, column string }

type foreignKey struct {
	name, refTable string
	hasTenant      bool
}

type keyInfo struct {
	notNull bool
	leading []leadingColumn // the first column of the primary key and of every index
	foreign []foreignKey
}

func tableKeys(ctx context.Context, q bun.IDB, dialect db.Dialect, table string) (keyInfo, error) {
	var k keyInfo
	type row struct {
		Name   string `bun:"name"`
		Column string `bun:"col"`
		Ref    string `bun:"ref"`
		Tenant bool   `bun:"tenant"`
	}
	var (
		notNull       bool
		leading, fkey []row
		qNotNull      = `SELECT "notnull" <> 0 FROM pragma_table_info(?) WHERE name = 'tenant_id'`
		// The primary key of a rowid table has no index; composite ones do.
		qLeading = `SELECT 'primary key' AS name, name AS col FROM pragma_table_info(?0) WHERE pk = 1
			UNION ALL SELECT il.name, coalesce(ii.name, '') FROM pragma_index_list(?0) il, pragma_index_info(il.name) ii WHERE ii.seqno = 0`
		qForeign = `SELECT CAST(id AS text) AS name, "table" AS ref, max("from" = 'tenant_id') AS tenant FROM pragma_foreign_key_list(?) GROUP BY id, "table"`
	)
	if dialect == db.Postgres {
		qNotNull = `SELECT attnotnull FROM pg_attribute WHERE attrelid = ?::regclass AND attname = 'tenant_id'`
		qLeading = `SELECT i.indexrelid::regclass::text AS name, coalesce(a.attname, '') AS col FROM pg_index i
			LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
			WHERE i.indrelid = ?0::regclass`
		qForeign = `SELECT co.conname AS name, co.confrelid::regclass::text AS ref,
			EXISTS (SELECT FROM unnest(co.conkey) k JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k
				WHERE a.attname = 'tenant_id') AS tenant
			FROM pg_constraint co WHERE co.contype = 'f' AND co.conrelid = ?::regclass`
	}
	if err := q.NewRaw(qNotNull, table).Scan(ctx, &notNull); err != nil {
		return k, fmt.Errorf("%s: not null: %w", table, err)
	}
	if err := q.NewRaw(qLeading, table).Scan(ctx, &leading); err != nil {
		return k, fmt.Errorf("%s: keys: %w", table, err)
	}
	if err := q.NewRaw(qForeign, table).Scan(ctx, &fkey); err != nil {
		return k, fmt.Errorf("%s: foreign keys: %w", table, err)
	}
	k.notNull = notNull
	for _, r := range leading {
		k.leading = append(k.leading, leadingColumn{name: r.Name, column: r.Column})
	}
	for _, r := range fkey {
		k.foreign = append(k.foreign, foreignKey{name: r.Name, refTable: r.Ref, hasTenant: r.Tenant})
	}
	return k, nil
}

// pgTableViolations checks one tenant-owned table's row-level security.
func pgTableViolations(ctx context.Context, q bun.IDB, table string) ([]string, error) {
	var out []string
	var rls struct {
		Enabled bool `bun:"relrowsecurity"`
		Forced  bool `bun:"relforcerowsecurity"`
		Select  bool `bun:"can_select"`
	}
	if err := q.NewRaw(`SELECT relrowsecurity, relforcerowsecurity, has_table_privilege(?, oid, 'SELECT') AS can_select
		FROM pg_class WHERE oid = ?::regclass`, db.TenantRole, table).Scan(ctx, &rls); err != nil {
		return nil, fmt.Errorf("%s: rls: %w", table, err)
	}
	if !rls.Enabled {
		out = append(out, table+": row level security is not enabled")
	}
	if rls.Forced {
		out = append(out, table+": FORCE ROW LEVEL SECURITY would hide every row from system work")
	}
	if !rls.Select {
		out = append(out, table+": "+db.TenantRole+" may not read it")
	}
	var policies []struct {
		Name       string `bun:"policyname"`
		Permissive string `bun:"permissive"`
		Cmd        string `bun:"cmd"`
		Qual       string `bun:"qual"`
		WithCheck  string `bun:"with_check"`
	}
	if err := q.NewRaw(`SELECT policyname, permissive, cmd, coalesce(qual, '') AS qual, coalesce(with_check, '') AS with_check
		FROM pg_policies WHERE schemaname = 'public' AND tablename = ?`, table).Scan(ctx, &policies); err != nil {
		return nil, fmt.Errorf("%s: policies: %w", table, err)
	}
	found := false
	for _, p := range policies {
		switch {
		case p.Name == "tenant_isolation":
			found = true
			if p.Permissive != "PERMISSIVE" || p.Cmd != "ALL" || p.Qual != policyExpr || p.WithCheck != policyExpr {
				out = append(out, fmt.Sprintf("%s: tenant_isolation is %s %s USING %s WITH CHECK %s", table, p.Permissive, p.Cmd, p.Qual, p.WithCheck))
			}
		case p.Permissive == "PERMISSIVE":
			// Permissive policies are OR-ed: any other one widens the wall.
			out = append(out, fmt.Sprintf("%s: permissive policy %s next to tenant_isolation", table, p.Name))
		}
	}
	if !found {
		out = append(out, table+": no tenant_isolation policy")
	}
	return out, nil
}

// pgRoleViolations checks the tenant role and everything it may touch.
func pgRoleViolations(ctx context.Context, q bun.IDB) ([]string, error) {
	var out []string
	var role struct {
		Super, BypassRLS, Login bool
	}
	if err := q.NewRaw(`SELECT rolsuper AS super, rolbypassrls AS bypass_rls, rolcanlogin AS login FROM pg_roles WHERE rolname = ?`,
		db.TenantRole).Scan(ctx, &role); err != nil {
		return nil, fmt.Errorf("role %s: %w", db.TenantRole, err)
	}
	if role.Super || role.BypassRLS || role.Login {
		out = append(out, fmt.Sprintf("role %s: superuser %v, bypassrls %v, login %v", db.TenantRole, role.Super, role.BypassRLS, role.Login))
	}
	var rels []struct {
		Name     string `bun:"relname"`
		Kind     string `bun:"relkind"`
		RLS      bool   `bun:"relrowsecurity"`
		Owned    bool   `bun:"owned"`
		Any      bool   `bun:"any_grant"`
		Truncate bool   `bun:"can_truncate"`
	}
	if err := q.NewRaw(`SELECT c.relname, c.relkind::text AS relkind, c.relrowsecurity,
			c.relowner = ?0::regrole AS owned,
			has_table_privilege(?0, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') AS any_grant,
			has_table_privilege(?0, c.oid, 'TRUNCATE') AS can_truncate
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1`, db.TenantRole).Scan(ctx, &rels); err != nil {
		return nil, fmt.Errorf("relations: %w", err)
	}
	for _, r := range rels {
		switch {
		case r.Owned:
			out = append(out, fmt.Sprintf("%s: owned by %s, which exempts it from its policies", r.Name, db.TenantRole))
		case r.Truncate:
			out = append(out, fmt.Sprintf("%s: %s may TRUNCATE, which ignores row-level security", r.Name, db.TenantRole))
		case r.Any && (r.Kind != "r" && r.Kind != "p" || !r.RLS):
			out = append(out, fmt.Sprintf("%s: %s has a grant on it but it has no row-level security (relkind %s)", r.Name, db.TenantRole, r.Kind))
		}
	}
	return out, nil
}

// TestTenantTableRules holds the migrated schema to migrations/README.md.
func TestTenantTableRules(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	got, err := tableRuleViolations(ctx, d.DB, d.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 0 {
		t.Fatalf("the migrations break the tenant table rules:\n%s", strings.Join(got, "\n"))
	}

	// The check must catch the mistakes it exists for.
	breaches := []struct {
		name, sql, want string
	}{
		{"tenant_id not first", `CREATE TABLE bad_order (id text NOT NULL, tenant_id text NOT NULL, PRIMARY KEY (id, tenant_id))`,
			`key primary key starts with "id"`},
		{"nullable tenant_id", `CREATE TABLE bad_null (tenant_id text, id text NOT NULL, UNIQUE (tenant_id, id))`,
			"bad_null: tenant_id is nullable"},
		{"foreign key without tenant_id", `CREATE TABLE bad_ref (tenant_id text NOT NULL, site text NOT NULL REFERENCES sites (id), PRIMARY KEY (tenant_id, site))`,
			"to tenant table sites does not include tenant_id"},
	}
	if d.Dialect == db.Postgres {
		breaches[0].want = `key bad_order_pkey starts with "id"`
		breaches = append(breaches, []struct{ name, sql, want string }{
			{"no row level security", `CREATE TABLE bad_rls (tenant_id text NOT NULL, id text NOT NULL, PRIMARY KEY (tenant_id, id))`,
				"bad_rls: row level security is not enabled"},
			{"grant without row level security", `CREATE TABLE bad_grant (id text PRIMARY KEY); GRANT SELECT ON bad_grant TO platform_tenant`,
				"bad_grant: platform_tenant has a grant on it but it has no row-level security"},
			{"truncate", `CREATE TABLE bad_truncate (tenant_id text NOT NULL, id text NOT NULL, PRIMARY KEY (tenant_id, id));
				ALTER TABLE bad_truncate ENABLE ROW LEVEL SECURITY; GRANT TRUNCATE ON bad_truncate TO platform_tenant`,
				"bad_truncate: platform_tenant may TRUNCATE"},
			{"wide policy", `CREATE POLICY everyone ON offers USING (true)`, "offers: permissive policy everyone"},
		}...)
	}
	for _, tc := range breaches {
		t.Run(tc.name, func(t *testing.T) {
			err := d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				for stmt := range strings.SplitSeq(tc.sql, ";") {
					if _, err := tx.ExecContext(ctx, stmt); err != nil {
						return err
					}
				}
				got, err := tableRuleViolations(ctx, tx, d.Dialect)
				if err != nil {
					return err
				}
				if !strings.Contains(strings.Join(got, "\n"), tc.want) {
					t.Errorf("violations %q, want one containing %q", got, tc.want)
				}
				return errRollback
			})
			if err != errRollback {
				t.Fatal(err)
			}
		})
	}
}

// TestReadmeTemplate applies the tenant table template of
// migrations/README.md and holds it to the same rules.
func TestReadmeTemplate(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	applyTemplate(t, d)
	got, err := tableRuleViolations(ctx, d.DB, d.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 0 {
		t.Fatalf("the README template breaks the tenant table rules:\n%s", strings.Join(got, "\n"))
	}
	var n int
	if err := d.NewRaw("SELECT count(*) FROM example_items").Scan(ctx, &n); err != nil || n != 0 {
		t.Fatalf("example_items: %d rows, %v", n, err)
	}
}

// applyTemplate creates example_items from the README's template for d's
// dialect.
func applyTemplate(tb testing.TB, d *db.DB) {
	tb.Helper()
	readme, err := os.ReadFile("../../../migrations/README.md")
	if err != nil {
		tb.Fatal(err)
	}
	marker := "```sql\n-- migrations/" + string(d.Dialect) + "/"
	_, block, ok := strings.Cut(string(readme), marker)
	if !ok {
		tb.Fatalf("migrations/README.md has no %q block", marker)
	}
	block, _, _ = strings.Cut(block, "```")
	_, block, _ = strings.Cut(block, "\n") // the rest of the file name comment
	for stmt := range strings.SplitSeq(block, "\n--bun:split\n") {
		if _, err := d.ExecContext(context.Background(), stmt); err != nil {
			tb.Fatalf("README template: %v\n%s", err, stmt)
		}
	}
}
