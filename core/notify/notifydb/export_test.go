package notifydb

import (
	"context"

	"github.com/consult/platform/core/platform/db"
)

// Row is an outbox row, for tests that check what the worker stored.
type Row = messageRow

// Rows returns every outbox row, oldest first, read as the owning role.
func Rows(ctx context.Context, d *db.DB) ([]Row, error) {
	var rows []Row
	err := d.NewSelect().Model(&rows).OrderExpr("created_at, id").Scan(ctx)
	return rows, err
}
