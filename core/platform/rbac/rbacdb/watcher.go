package rbacdb

import (
	"context"
	"crypto/rand"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/casbin/casbin/v2/persist"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/rbac"
)

// DefaultChannel is the NOTIFY channel of assignment changes.
const DefaultChannel = "rbac_assignments"

// maxPayload stays under PostgreSQL's 8000-byte NOTIFY payload limit; a
// larger change is sent as a reload request.
const maxPayload = 7900

var channelName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// WatcherOptions tune NewWatcher.
type WatcherOptions struct {
	// Channel is the NOTIFY channel; empty means DefaultChannel.
	Channel string
	// Logger receives connection losses; nil means slog.Default().
	Logger *slog.Logger
}

// NewWatcher returns the watcher for d: LISTEN/NOTIFY on PostgreSQL. An
// embedded SQLite database has one node, so there it returns an in-process
// watcher alone on its bus, which tells nobody and is told nothing.
func NewWatcher(ctx context.Context, d *db.DB, opts WatcherOptions) (persist.WatcherEx, error) {
	if d.Dialect == db.Postgres {
		return NewPGWatcher(ctx, d, opts)
	}
	return rbac.NewLocalBus().Watcher(), nil
}

// PGWatcher is a casbin watcher over PostgreSQL LISTEN/NOTIFY. It listens
// on a connection taken out of d's pool for its lifetime, reconnects with
// backoff when that connection breaks, and then asks for a full reload,
// since notifications sent meanwhile are lost. It skips its own messages:
// the node that made a change has applied it already.
type PGWatcher struct {
	rbac.Notifier

	db      *db.DB
	channel string
	node    string
	log     *slog.Logger

	mu       sync.Mutex
	callback func(string)

	cancel    context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
}

var (
	_ persist.Watcher          = (*PGWatcher)(nil)
	_ persist.WatcherEx        = (*PGWatcher)(nil)
	_ persist.UpdatableWatcher = (*PGWatcher)(nil)
)

// NewPGWatcher starts listening and returns once LISTEN is in place, so a
// policy loaded afterwards misses no change.
func NewPGWatcher(ctx context.Context, d *db.DB, opts WatcherOptions) (*PGWatcher, error) {
	if d.Dialect != db.Postgres {
		return nil, fmt.Errorf("rbacdb: LISTEN/NOTIFY needs PostgreSQL, not %s", d.Dialect)
	}
	channel := opts.Channel
	if channel == "" {
		channel = DefaultChannel
	}
	if !channelName.MatchString(channel) {
		return nil, fmt.Errorf("rbacdb: invalid channel name %q", channel)
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	w := &PGWatcher{db: d, channel: channel, node: hex.EncodeToString(id[:]), log: opts.Logger, done: make(chan struct{})}
	if w.log == nil {
		w.log = slog.Default()
	}
	w.Notifier = rbac.Notifier{Send: w.send}
	runCtx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	ready := make(chan error, 1)
	go w.run(runCtx, ready)
	select {
	case err := <-ready:
		if err != nil {
			cancel()
			<-w.done
			return nil, err
		}
		return w, nil
	case <-ctx.Done():
		cancel()
		<-w.done
		return nil, ctx.Err()
	}
}

// SetUpdateCallback sets the function called with each other node's message.
func (w *PGWatcher) SetUpdateCallback(fn func(string)) error {
	w.mu.Lock()
	w.callback = fn
	w.mu.Unlock()
	return nil
}

// Close stops listening and gives the connection back (closed).
func (w *PGWatcher) Close() {
	w.closeOnce.Do(func() {
		w.cancel()
		<-w.done
	})
}

// send publishes m through pg_notify on a pooled connection; only the
// listening side needs a connection of its own.
func (w *PGWatcher) send(m rbac.Message) error {
	m.Origin = w.node
	payload := m.Encode()
	if len(payload) > maxPayload {
		payload = rbac.Message{Origin: w.node, Op: rbac.OpReload}.Encode()
	}
	// casbin's watcher calls carry no context; bound the wait instead.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := w.db.ExecContext(ctx, "SELECT pg_notify(?, ?)", w.channel, payload); err != nil {
		return fmt.Errorf("rbacdb: notify: %w", err)
	}
	return nil
}

func (w *PGWatcher) deliver(payload string) {
	if rbac.DecodeMessage(payload).Origin == w.node {
		return
	}
	w.mu.Lock()
	fn := w.callback
	w.mu.Unlock()
	if fn != nil {
		fn(payload)
	}
}

// run listens until ctx ends, reconnecting with backoff. The first
// attempt's outcome goes to ready; later ones are logged.
func (w *PGWatcher) run(ctx context.Context, ready chan<- error) {
	defer close(w.done)
	first := true
	delay := 100 * time.Millisecond
	for {
		err := w.listen(ctx, func() {
			if first {
				first = false
				ready <- nil
				return
			}
			delay = 100 * time.Millisecond
			w.log.InfoContext(ctx, "rbacdb: watcher reconnected; asking for a reload")
			w.deliver(rbac.Message{Op: rbac.OpReload}.Encode())
		})
		if ctx.Err() != nil {
			return
		}
		if first {
			ready <- fmt.Errorf("rbacdb: listen: %w", err)
			return
		}
		w.log.WarnContext(ctx, "rbacdb: watcher connection lost", "err", err, "retry_in", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, 10*time.Second)
	}
}

// listen holds one connection in LISTEN and delivers what arrives until the
// connection or ctx ends. The connection is always discarded afterwards
// (driver.ErrBadConn): a pooled connection still subscribed to the channel
// must never serve someone else's queries.
func (w *PGWatcher) listen(ctx context.Context, onListening func()) error {
	conn, err := w.db.DB.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("rbacdb: driver connection is %T, want pgx stdlib", dc)
		}
		pc := sc.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{w.channel}.Sanitize()); err != nil {
			return errors.Join(err, driver.ErrBadConn)
		}
		onListening()
		for {
			n, err := pc.WaitForNotification(ctx)
			if err != nil {
				return errors.Join(err, driver.ErrBadConn)
			}
			if n.Channel == w.channel {
				w.deliver(n.Payload)
			}
		}
	})
}
