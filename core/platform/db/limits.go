package db

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// FailureCounter counts failures per subject ("user:<id>", "ip:<addr>") in
// a window that starts with the first failure, in a tenant-owned table of
// the shape
//
//	tenant_id text, subject text, window_start timestamp, failures integer,
//	PRIMARY KEY (tenant_id, subject)
//
// The counts live in the database so that every node shares the limits,
// and each count is one guarded UPDATE, so concurrent attempts cannot
// overshoot them. A row whose count drops to zero is deleted: an address
// is personal data, kept no longer than a limit needs it.
type FailureCounter struct {
	// Table is the counter table's name, a constant of the store (never
	// user input: it is written into the SQL as an identifier).
	Table string
}

// Count counts one failure of subject at now, atomically and only while
// fewer than max are counted in the current window (a window older than
// window restarts at now). It reports whether it counted and when the
// current window began. q must be a tenant scope's (Tenant) query runner.
//
// The SET expressions read the row as it was before the statement, on both
// databases. The row is created on first use; Forgive may delete it
// meanwhile, hence the retries.
func (f FailureCounter) Count(ctx context.Context, q bun.IDB, tenantID, subject string, now time.Time, window time.Duration, max int) (bool, time.Time, error) {
	now = now.UTC()
	restart := now.Add(-window)
	for range 3 {
		if _, err := q.NewRaw("INSERT INTO ? (tenant_id, subject, window_start, failures) VALUES (?, ?, ?, 0) "+
			"ON CONFLICT (tenant_id, subject) DO NOTHING", bun.Ident(f.Table), tenantID, subject, now).Exec(ctx); err != nil {
			return false, time.Time{}, fmt.Errorf("count failure: %w", err)
		}
		res, err := q.NewRaw("UPDATE ? SET "+
			"failures = CASE WHEN window_start <= ? THEN 1 ELSE failures + 1 END, "+
			"window_start = CASE WHEN window_start <= ? THEN ? ELSE window_start END "+
			"WHERE tenant_id = ? AND subject = ? AND (window_start <= ? OR failures < ?)",
			bun.Ident(f.Table), restart, restart, now, tenantID, subject, restart, max).Exec(ctx)
		if err != nil {
			return false, time.Time{}, fmt.Errorf("count failure: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return false, time.Time{}, fmt.Errorf("count failure: %w", err)
		}
		var starts []time.Time
		if err := q.NewRaw("SELECT window_start FROM ? WHERE tenant_id = ? AND subject = ?",
			bun.Ident(f.Table), tenantID, subject).Scan(ctx, &starts); err != nil {
			return false, time.Time{}, fmt.Errorf("count failure: %w", err)
		}
		if len(starts) == 1 {
			return n == 1, starts[0].UTC(), nil
		}
	}
	return false, time.Time{}, errors.New("count failure: the counter row keeps disappearing")
}

// Forgive takes back one failure counted for subject (an attempt that
// turned out to succeed); a count that drops to zero deletes the row.
func (f FailureCounter) Forgive(ctx context.Context, q bun.IDB, tenantID, subject string) error {
	if _, err := q.NewRaw("UPDATE ? SET failures = failures - 1 WHERE tenant_id = ? AND subject = ? AND failures > 0",
		bun.Ident(f.Table), tenantID, subject).Exec(ctx); err != nil {
		return fmt.Errorf("forgive failure: %w", err)
	}
	if _, err := q.NewRaw("DELETE FROM ? WHERE tenant_id = ? AND subject = ? AND failures = 0",
		bun.Ident(f.Table), tenantID, subject).Exec(ctx); err != nil {
		return fmt.Errorf("forgive failure: %w", err)
	}
	return nil
}

// Purge deletes the tenant's counters whose window began at or before
// endedBy (their window is over) and returns how many went.
func (f FailureCounter) Purge(ctx context.Context, q bun.IDB, tenantID string, endedBy time.Time) (int, error) {
	res, err := q.NewRaw("DELETE FROM ? WHERE tenant_id = ? AND window_start <= ?",
		bun.Ident(f.Table), tenantID, endedBy.UTC()).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge failures: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge failures: %w", err)
	}
	return int(n), nil
}
