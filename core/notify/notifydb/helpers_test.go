package notifydb_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/notify/notifydb"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
)

// t0 is the business instant every test starts at.
var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// newDB returns a migrated database holding the tenants alpha and beta.
func newDB(tb testing.TB) *db.DB {
	tb.Helper()
	d := dbtest.New(tb)
	for _, id := range []string{"alpha", "beta"} {
		_, err := d.NewRaw(`INSERT INTO tenants (id, kind, name, timezone, default_locale, phone_region, spec, digest, created_at, updated_at)
			VALUES (?, 'vendor', '{}', 'Europe/Moscow', 'ru', 'RU', '{}', 'test', ?, ?)`, id, t0, t0).Exec(context.Background())
		if err != nil {
			tb.Fatalf("seed tenant %s: %v", id, err)
		}
	}
	return d
}

// enqueue commits msgs in one transaction at now.
func enqueue(tb testing.TB, d *db.DB, now time.Time, msgs ...notify.Message) {
	tb.Helper()
	err := d.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		return notifydb.Enqueue(ctx, tx, now, msgs...)
	})
	if err != nil {
		tb.Fatalf("enqueue: %v", err)
	}
}

// rows returns the outbox, oldest first.
func rows(tb testing.TB, d *db.DB) []notifydb.Row {
	tb.Helper()
	rs, err := notifydb.Rows(context.Background(), d)
	if err != nil {
		tb.Fatalf("rows: %v", err)
	}
	return rs
}

// logBuffer captures a logger's output for assertions about what it must
// never contain.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// recorder is a Sender that remembers what it was given and answers with
// the outcome its function decides (nil: accepted).
type recorder struct {
	mu      sync.Mutex
	got     []notify.Message
	ids     []string // notify.DeliveryID of each send
	outcome func(n int, m notify.Message) error
}

func (r *recorder) Send(ctx context.Context, m notify.Message) (string, error) {
	r.mu.Lock()
	r.got = append(r.got, m)
	r.ids = append(r.ids, notify.DeliveryID(ctx))
	n := len(r.got)
	outcome := r.outcome
	r.mu.Unlock()
	if outcome != nil {
		if err := outcome(n, m); err != nil {
			return "", err
		}
	}
	return "prov-" + notify.DeliveryID(ctx), nil
}

func (r *recorder) messages() []notify.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Message(nil), r.got...)
}
