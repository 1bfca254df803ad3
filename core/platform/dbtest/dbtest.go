// Package dbtest gives each test its own migrated database: a temporary
// SQLite file by default, or a freshly created PostgreSQL database (dropped
// when the test ends) when PLATFORM_TEST_PG holds a server URL. The same
// store tests therefore run on both dialects; CI runs them twice.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/consult/platform/core/platform/db"
)

// EnvPG names the variable holding the PostgreSQL server URL for tests.
const EnvPG = "PLATFORM_TEST_PG"

// New returns a migrated database that only this test uses.
func New(tb testing.TB) *db.DB {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var (
		d   *db.DB
		err error
	)
	if server := os.Getenv(EnvPG); server != "" {
		d, err = newPostgres(ctx, tb, server)
	} else {
		d, err = db.Open(ctx, "sqlite://"+filepath.Join(tb.TempDir(), "test.db"))
		if err == nil {
			tb.Cleanup(func() { _ = d.Close() })
		}
	}
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	return d
}

// URL returns a database URL for a fresh, empty (unmigrated) database that
// only this test uses, for tests that start the real binary.
func URL(tb testing.TB) string {
	tb.Helper()
	server := os.Getenv(EnvPG)
	if server == "" {
		return "sqlite://" + filepath.Join(tb.TempDir(), "platform.db")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name, err := createDatabase(ctx, tb, server)
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	return withDatabase(server, name)
}

// Postgres reports whether tests run against PostgreSQL.
func Postgres() bool { return os.Getenv(EnvPG) != "" }

func newPostgres(ctx context.Context, tb testing.TB, server string) (*db.DB, error) {
	name, err := createDatabase(ctx, tb, server)
	if err != nil {
		return nil, err
	}
	d, err := db.Open(ctx, withDatabase(server, name))
	if err != nil {
		return nil, err
	}
	// Registered after the drop in createDatabase, so it runs first: the
	// pool must be closed before the database can be dropped.
	tb.Cleanup(func() { _ = d.Close() })
	return d, nil
}

func createDatabase(ctx context.Context, tb testing.TB, server string) (string, error) {
	admin, err := db.Open(ctx, server)
	if err != nil {
		return "", fmt.Errorf("connect to %s=%s: %w", EnvPG, db.Redact(server), err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "platform_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		_ = admin.Close()
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("dbtest: drop database %s: %v", name, err)
		}
	})
	return name, nil
}

func withDatabase(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	u.Path = "/" + name
	return u.String()
}
