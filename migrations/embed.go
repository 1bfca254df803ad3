// Package migrations embeds the SQL schema, one folder per dialect, so the
// binary migrates its database with nothing else on disk. Files follow
// bun's naming: <timestamp>_<name>.tx.up.sql runs in a transaction.
package migrations

import "embed"

// FS holds sqlite/*.sql and postgres/*.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
