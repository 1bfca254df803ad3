package dbtest_test

import (
	"context"
	"testing"

	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
)

func TestNewIsMigratedAndIsolated(t *testing.T) {
	ctx := context.Background()
	a, b := dbtest.New(t), dbtest.New(t)
	wantDialect := db.SQLite
	if dbtest.Postgres() {
		wantDialect = db.Postgres
	}
	for name, d := range map[string]*db.DB{"a": a, "b": b} {
		t.Run(name, func(t *testing.T) {
			if d.Dialect != wantDialect {
				t.Fatalf("dialect = %s, want %s", d.Dialect, wantDialect)
			}
			var n int
			if err := d.NewSelect().Table("schema_migrations").ColumnExpr("count(*)").Scan(ctx, &n); err != nil {
				t.Fatalf("count migrations: %v", err)
			}
			if n == 0 {
				t.Fatal("no migration recorded as applied")
			}
		})
	}
	if _, err := a.ExecContext(ctx, "INSERT INTO products (id, spec, digest, created_at, updated_at) VALUES ('p', '{}', 'd', ?, ?)", "2026-01-01 00:00:00", "2026-01-01 00:00:00"); err != nil {
		t.Fatalf("insert: %v", err)
	}
	var n int
	if err := b.NewSelect().Table("products").ColumnExpr("count(*)").Scan(ctx, &n); err != nil {
		t.Fatalf("count: %v", err)
	}
	if n != 0 {
		t.Fatalf("database b sees %d rows written to a", n)
	}
}

func TestMigrateTwiceAppliesNothing(t *testing.T) {
	d := dbtest.New(t)
	applied, err := d.Migrate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Fatalf("second migrate applied %v", applied)
	}
}
