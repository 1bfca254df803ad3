package notifydb_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/notify/notifydb"
	"github.com/consult/platform/core/platform/tenancy"
)

var errRollback = errors.New("the event failed")

func code(tenant, to string) notify.Message {
	return notify.Message{TenantID: tenant, Channel: notify.SMS, To: to, Text: "Код входа: 123456", Kind: "auth.login_code", Sensitive: true}
}

// TestEnqueueFollowsTheTransaction is the outbox guarantee: the message
// exists if and only if the event's transaction committed.
func TestEnqueueFollowsTheTransaction(t *testing.T) {
	tests := []struct {
		name string
		// run enqueues inside some transaction and returns its error.
		run  func(ctx context.Context, t *testing.T, tx func(fn func(ctx context.Context, q bun.IDB) error) error) error
		want int
	}{
		{
			name: "rolled back: no message",
			run: func(ctx context.Context, t *testing.T, tx func(func(context.Context, bun.IDB) error) error) error {
				return tx(func(ctx context.Context, q bun.IDB) error {
					if err := notifydb.Enqueue(ctx, q, t0, code("alpha", "+79991234567")); err != nil {
						t.Fatal(err)
					}
					return errRollback
				})
			},
			want: 0,
		},
		{
			name: "committed: exactly one",
			run: func(ctx context.Context, t *testing.T, tx func(func(context.Context, bun.IDB) error) error) error {
				return tx(func(ctx context.Context, q bun.IDB) error {
					return notifydb.Enqueue(ctx, q, t0, code("alpha", "+79991234567"))
				})
			},
			want: 1,
		},
	}
	for _, tt := range tests {
		for _, scope := range []string{"plain transaction", "tenant scope"} {
			t.Run(tt.name+"/"+scope, func(t *testing.T) {
				ctx := context.Background()
				d := newDB(t)
				// The tenant scope is how domain services write: on
				// PostgreSQL as platform_tenant under row-level security.
				tx := func(fn func(ctx context.Context, q bun.IDB) error) error {
					if scope == "tenant scope" {
						return d.Tenant(tenancy.With(ctx, "alpha"), fn)
					}
					return d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error { return fn(ctx, tx) })
				}
				err := tt.run(ctx, t, tx)
				if tt.want == 0 && !errors.Is(err, errRollback) || tt.want > 0 && err != nil {
					t.Fatalf("transaction: %v", err)
				}
				if got := len(rows(t, d)); got != tt.want {
					t.Fatalf("outbox holds %d messages, want %d", got, tt.want)
				}
			})
		}
	}
}

func TestEnqueueDedupeKey(t *testing.T) {
	keyed := func(tenant, key string) notify.Message {
		m := code(tenant, "+79991234567")
		m.DedupeKey = key
		return m
	}
	tests := []struct {
		name    string
		batches [][]notify.Message // each committed in its own transaction
		want    int
	}{
		{"same key twice: one message", [][]notify.Message{{keyed("alpha", "order-1")}, {keyed("alpha", "order-1")}}, 1},
		{"same key in one transaction: one message", [][]notify.Message{{keyed("alpha", "order-1"), keyed("alpha", "order-1")}}, 1},
		{"different keys: two", [][]notify.Message{{keyed("alpha", "order-1")}, {keyed("alpha", "order-2")}}, 2},
		{"same key, other tenant: two", [][]notify.Message{{keyed("alpha", "order-1")}, {keyed("beta", "order-1")}}, 2},
		{"no key: never deduplicated", [][]notify.Message{{code("alpha", "+79991234567")}, {code("alpha", "+79991234567")}}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDB(t)
			for _, b := range tt.batches {
				enqueue(t, d, t0, b...)
			}
			if got := len(rows(t, d)); got != tt.want {
				t.Fatalf("outbox holds %d messages, want %d", got, tt.want)
			}
		})
	}
}

func TestEnqueueRefuses(t *testing.T) {
	tests := []struct {
		name    string
		msg     notify.Message
		wantErr string
	}{
		{"no tenant", notify.Message{Channel: notify.SMS, To: "+79991234567", Kind: "k", Text: "x"}, "without tenant"},
		{"no recipient", notify.Message{TenantID: "alpha", Channel: notify.SMS, Kind: "k", Text: "x"}, "without tenant, recipient"},
		{"unknown channel", notify.Message{TenantID: "alpha", Channel: "pigeon", To: "x", Kind: "k"}, "unknown channel"},
		{"sensitive cabinet message", notify.Message{TenantID: "alpha", Channel: notify.Cabinet, To: "user-1", Kind: "k", Sensitive: true}, "cannot be sensitive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDB(t)
			err := d.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
				return notifydb.Enqueue(ctx, tx, t0, tt.msg)
			})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
