package tenantsdb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

var errRollback = errors.New("rollback")

// tenantTables are the tenant-owned tables with the rows fixture() gives
// each tenant.
var tenantTables = []struct {
	table       string
	alpha, beta int
}{
	{"sites", 1, 1},
	{"offers", 1, 1},
	{"packages", 2, 1},
	{"tenant_files", 2, 2},
}

func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// TestRowLevelSecurity runs raw queries that forget their WHERE inside a
// tenant scope. On PostgreSQL the policies still return only the scope's
// rows; on SQLite they return every tenant's rows, which is why the stores'
// own tenant_id = ? (TestTenantIsolation) is mandatory on both.
func TestRowLevelSecurity(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	if _, err := tenantsdb.Sync(ctx, d, fixture(), t0); err != nil {
		t.Fatal(err)
	}
	pg := d.Dialect == db.Postgres

	for _, tt := range tenantTables {
		// The fixture as the owning role sees it, so the wants below mean what they say.
		var all, alphas int
		if err := d.NewRaw("SELECT count(*), count(*) FILTER (WHERE tenant_id = 'alpha') FROM ?", bun.Ident(tt.table)).Scan(ctx, &all, &alphas); err != nil {
			t.Fatal(err)
		}
		if all != tt.alpha+tt.beta || alphas != tt.alpha {
			t.Fatalf("%s holds %d rows, %d of alpha; the fixture changed", tt.table, all, alphas)
		}
		for tenant, own := range map[string]int{"alpha": tt.alpha, "beta": tt.beta} {
			t.Run("count without WHERE/"+tt.table+"/"+tenant, func(t *testing.T) {
				var n int
				err := d.TenantRead(tenancy.With(ctx, tenant), func(ctx context.Context, q bun.IDB) error {
					return q.NewRaw("SELECT count(*) FROM ?", bun.Ident(tt.table)).Scan(ctx, &n)
				})
				want := all // SQLite: app scoping alone
				if pg {
					want = own
				}
				if err != nil || n != want {
					t.Fatalf("%s's scope counts %d rows of %s, want %d (err %v)", tenant, n, tt.table, want, err)
				}
			})
		}
		t.Run("tenant role cannot write sync data/"+tt.table, func(t *testing.T) {
			err := d.Tenant(tenancy.With(ctx, "alpha"), func(ctx context.Context, q bun.IDB) error {
				if _, err := q.NewRaw("UPDATE ? SET digest = 'x' WHERE tenant_id = 'alpha'", bun.Ident(tt.table)).Exec(ctx); err != nil {
					return err
				}
				return errRollback
			})
			switch {
			case pg && sqlState(err) != "42501":
				t.Fatalf("update of own %s in a tenant scope: %v, want permission denied (only sync writes it)", tt.table, err)
			case !pg && err != errRollback:
				t.Fatalf("SQLite has no roles, the update should run (and was rolled back): %v", err)
			}
		})
	}

	t.Run("the role with no tenant set sees nothing", func(t *testing.T) {
		err := d.TenantRead(ctx, func(context.Context, bun.IDB) error { return nil })
		if !errors.Is(err, errs.ErrTenantMissing) {
			t.Fatalf("helper without tenant: %v", err)
		}
		if !pg {
			return
		}
		// Bypass the helper: the role alone. platform.tenant_id is either
		// unset (NULL), or '' when an earlier transaction on this pooled
		// connection set it: both must match no row.
		for _, setEmpty := range []bool{false, true} {
			err := d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				if _, err := tx.ExecContext(ctx, "SET LOCAL ROLE "+db.TenantRole); err != nil {
					return err
				}
				if setEmpty {
					if _, err := tx.ExecContext(ctx, "SELECT set_config(?, '', true)", db.TenantSetting); err != nil {
						return err
					}
				}
				for _, tt := range tenantTables {
					var n int
					if err := tx.NewRaw("SELECT count(*) FROM ?", bun.Ident(tt.table)).Scan(ctx, &n); err != nil {
						return err
					}
					if n != 0 {
						t.Errorf("role with platform.tenant_id set to '' (%v) sees %d rows of %s", setEmpty, n, tt.table)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("tenant role cannot read global tables", func(t *testing.T) {
		for _, table := range []string{"tenants", "site_hosts", "products", "data_syncs", "casbin_rules"} {
			var n int
			err := d.TenantRead(tenancy.With(ctx, "alpha"), func(ctx context.Context, q bun.IDB) error {
				return q.NewRaw("SELECT count(*) FROM ?", bun.Ident(table)).Scan(ctx, &n)
			})
			switch {
			case pg && sqlState(err) != "42501":
				t.Errorf("%s in a tenant scope: %v (%d rows), want permission denied", table, err, n)
			case !pg && err != nil:
				t.Errorf("SQLite: %s: %v", table, err)
			}
		}
	})

	t.Run("system work still sees every tenant", func(t *testing.T) {
		dir, err := tenantsdb.LoadDirectory(ctx, d)
		if err != nil || len(dir.Sites()) != 2 {
			t.Fatalf("directory: %v, %d sites", err, len(dir.Sites()))
		}
		rep, err := tenantsdb.Sync(ctx, d, fixture(), t0)
		if err != nil || rep.Changed() {
			t.Fatalf("re-sync: %v\n%s", err, rep)
		}
	})
}

// BenchmarkOffers prices the tenant scope around Store.Offers: unscoped is
// the two queries alone; scoped adds BEGIN READ ONLY, the role and tenant
// statement and COMMIT on PostgreSQL (three round trips), and nothing on
// SQLite.
func BenchmarkOffers(b *testing.B) {
	ctx := context.Background()
	d := dbtest.New(b)
	if _, err := tenantsdb.Sync(ctx, d, fixture(), t0); err != nil {
		b.Fatal(err)
	}
	s := tenantsdb.NewStore(d)
	alpha := tenancy.With(ctx, "alpha")
	variants := []struct {
		name   string
		offers func(context.Context, ...string) ([]tenants.Offer, error)
	}{
		{"unscoped", s.OffersUnscoped},
		{"scoped", s.Offers},
	}
	check := func(b *testing.B, offers []tenants.Offer, err error) {
		if err != nil || len(offers) != 1 || len(offers[0].Packages) != 2 {
			b.Errorf("offers = %+v, %v", offers, err) // Errorf: RunParallel goroutines must not FailNow
		}
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			for b.Loop() {
				offers, err := v.offers(alpha, "retail")
				check(b, offers, err)
			}
		})
		b.Run(v.name+"/parallel", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					offers, err := v.offers(alpha, "retail")
					check(b, offers, err)
				}
			})
		})
	}
}
