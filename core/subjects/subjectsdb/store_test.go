package subjectsdb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/core/subjects"
	"github.com/consult/platform/core/subjects/subjectsdb"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

var t0 = time.Date(2026, 1, 15, 11, 0, 0, 0, time.UTC)

// TestRowLevelSecurity: inside a tenant scope, a raw query that forgets its
// WHERE still sees only the scope's subjects on PostgreSQL, and cannot
// write another tenant's row; on SQLite it sees every tenant's, which is
// why the store's own tenant_id = ? is mandatory on both.
func TestRowLevelSecurity(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	in := tenantsdb.Input{Source: "test", File: func(string, string) ([]byte, error) { return nil, errors.New("no files") }}
	for _, id := range []string{"alpha", "beta"} {
		in.Tenants = append(in.Tenants, tenants.Tenant{ID: id, Kind: tenants.KindVendor, Name: tenants.Text{"ru": id},
			Timezone: "Europe/Moscow", DefaultLocale: "ru", PhoneRegion: "RU"})
	}
	if _, err := tenantsdb.Sync(ctx, d, in, t0); err != nil {
		t.Fatal(err)
	}
	store := subjectsdb.NewStore(d)
	for i, tenant := range []string{"alpha", "alpha", "beta"} {
		s := subjects.Subject{ID: string(rune('a' + i)), OwnerID: "u1", Product: "vetpet", Kind: "pet", Label: "x",
			Fields: map[string]any{"name": "x"}, CreatedAt: t0, UpdatedAt: t0}
		if err := store.Create(tenancy.With(ctx, tenant), s, subjects.MaxPerOwner); err != nil {
			t.Fatal(err)
		}
	}
	pg := d.Dialect == db.Postgres
	for tenant, own := range map[string]int{"alpha": 2, "beta": 1} {
		t.Run("count without WHERE/"+tenant, func(t *testing.T) {
			var n int
			err := d.TenantRead(tenancy.With(ctx, tenant), func(ctx context.Context, q bun.IDB) error {
				return q.NewRaw("SELECT count(*) FROM subjects").Scan(ctx, &n)
			})
			want := 3 // SQLite: the application's scoping is the only wall
			if pg {
				want = own
			}
			if err != nil || n != want {
				t.Fatalf("%s's scope counts %d subjects, want %d (err %v)", tenant, n, want, err)
			}
		})
	}
	if pg {
		t.Run("cannot write another tenant's row", func(t *testing.T) {
			err := d.Tenant(tenancy.With(ctx, "alpha"), func(ctx context.Context, q bun.IDB) error {
				_, err := q.NewRaw(`INSERT INTO subjects (tenant_id, id, owner_id, product, kind, label, fields, created_at, updated_at)
					VALUES ('beta', 'z', 'u1', 'vetpet', 'pet', 'x', '{}', now(), now())`).Exec(ctx)
				return err
			})
			if err == nil {
				t.Fatal("alpha's scope inserted a row of beta")
			}
		})
	}
	t.Run("the store sees only its tenant", func(t *testing.T) {
		list, err := store.List(tenancy.With(ctx, "beta"), "u1")
		if err != nil || len(list) != 1 || list[0].TenantID != "beta" {
			t.Fatalf("beta lists %+v, %v", list, err)
		}
	})
}
