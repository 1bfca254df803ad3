package tenantsdb

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/consult/platform/core/platform/db"
)

// Live holds the current Directory and replaces it when any node applies
// a newer data sync, so nodes stay stateless: the database is the truth.
type Live struct {
	db  *db.DB
	cur atomic.Pointer[Directory]
}

// NewLive loads the directory once.
func NewLive(ctx context.Context, d *db.DB) (*Live, error) {
	l := &Live{db: d}
	if err := l.Reload(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// Current returns the newest loaded directory.
func (l *Live) Current() *Directory { return l.cur.Load() }

// Reload reads the directory from the database now.
func (l *Live) Reload(ctx context.Context) error {
	dir, err := LoadDirectory(ctx, l.db)
	if err != nil {
		return err
	}
	l.cur.Store(dir)
	return nil
}

// Run checks every interval whether a newer sync was applied and reloads;
// it returns when ctx ends. A failed check keeps the old directory: a
// database blip must not take sites offline.
func (l *Live) Run(ctx context.Context, interval time.Duration, log *slog.Logger) {
	if interval <= 0 {
		interval = 10 * time.Second
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		v, err := SyncVersion(ctx, l.db)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("tenant directory: check for new data failed", "err", err)
			}
			continue
		}
		if v == l.Current().Version {
			continue
		}
		if err := l.Reload(ctx); err != nil {
			log.Warn("tenant directory: reload failed", "err", err)
			continue
		}
		log.Info("tenant directory reloaded", "version", v, "sites", len(l.Current().Sites()))
	}
}
