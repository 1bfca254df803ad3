package db_test

import (
	"context"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/migrations"
)

// TestMigrateInParallel migrates several fresh databases at once. On
// PostgreSQL they share one cluster, so the role platform_tenant is created
// (or found) by all of them concurrently; on SQLite it proves the no-op
// counterpart migration is accepted.
func TestMigrateInParallel(t *testing.T) {
	ctx := context.Background()
	dialect := db.SQLite
	if dbtest.Postgres() {
		dialect = db.Postgres
	}
	files, err := fs.Glob(migrations.FS, string(dialect)+"/*.up.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migration files: %v, %v", files, err)
	}
	urls := make([]string, 4)
	for i := range urls {
		urls[i] = dbtest.URL(t)
	}
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Go(func() {
			d, err := db.Open(ctx, u)
			if err != nil {
				t.Error(err)
				return
			}
			defer d.Close()
			applied, err := d.Migrate(ctx)
			if err != nil {
				t.Errorf("%s: %v", d.URL, err)
				return
			}
			if len(applied) != len(files) || !slices.Contains(applied, "20261122000200") {
				t.Errorf("%s: applied %v, want all %d migrations", d.URL, applied, len(files))
			}
			if v, err := tableRuleViolations(ctx, d.DB, d.Dialect); err != nil || len(v) > 0 {
				t.Errorf("%s: %v\n%s", d.URL, err, strings.Join(v, "\n"))
			}
		})
	}
	wg.Wait()
}
