package db

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/uptrace/bun/migrate"

	"github.com/consult/platform/migrations"
)

// migrationLockKey is the PostgreSQL advisory lock that serialises
// migrations when several nodes start at once.
const migrationLockKey = 0x706c6174666f726d // "platform"

// Migrate applies every pending migration of the database's dialect and
// returns the names it applied. A migration is recorded as applied only
// after it succeeded, so a failed one is retried on the next start.
func (d *DB) Migrate(ctx context.Context) ([]string, error) {
	sub, err := fs.Sub(migrations.FS, string(d.Dialect))
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(sub); err != nil {
		return nil, fmt.Errorf("migrate: discover %s migrations: %w", d.Dialect, err)
	}
	m := migrate.NewMigrator(d.DB, ms,
		migrate.WithTableName("schema_migrations"),
		migrate.WithLocksTableName("schema_migration_locks"),
		migrate.WithMarkAppliedOnSuccess(true))

	if d.Dialect == Postgres {
		conn, err := d.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", migrationLockKey); err != nil {
			return nil, fmt.Errorf("migrate: lock: %w", err)
		}
		defer func() {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", migrationLockKey)
		}()
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("migrate: init: %w", err)
	}
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	names := make([]string, 0, len(group.Migrations))
	for _, mig := range group.Migrations {
		names = append(names, mig.Name)
	}
	return names, nil
}
