package db

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// IsNoRows reports whether err means a query found no row.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// IsUniqueViolation reports whether err is a unique-key violation on either
// dialect, so stores can turn it into a domain conflict.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	// modernc reports "constraint failed: UNIQUE constraint failed: …" (code 2067).
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
