package rbac_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casbin/casbin/v2/persist/cache"

	"github.com/consult/platform/core/platform/rbac"
)

// pausingCache stops the first Set of an allow for keys with prefix until
// released: the moment a check has computed its decision from the policy
// but not yet cached it.
type pausingCache struct {
	cache.Cache
	prefix  string
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (c *pausingCache) Set(key string, v bool, extra ...any) error {
	if v && strings.HasPrefix(key, c.prefix) {
		c.once.Do(func() {
			close(c.entered)
			<-c.release
		})
	}
	return c.Cache.Set(key, v, extra...)
}

// A check that computed "allow" just before a Revoke must not store it
// after the Revoke cleared the cache; the Revoke waits for it instead.
// Without that, the stale allow would stay cached until the next change.
func TestCachedAllowCannotOutliveRevoke(t *testing.T) {
	e, _ := newEnforcer(t, rbac.Options{})
	ctx := context.Background()
	assign(t, e, "racer", "tenantA", rbac.Support)
	pc := &pausingCache{prefix: "user:racer$$", entered: make(chan struct{}), release: make(chan struct{})}
	rbac.WrapCache(e, func(c cache.Cache) cache.Cache { pc.Cache = c; return pc })

	checked := make(chan bool)
	go func() {
		ok, _ := e.Allowed(ctx, "racer", "tenantA", "orders", rbac.Read)
		checked <- ok
	}()
	<-pc.entered
	revoked := make(chan error)
	go func() { revoked <- e.Revoke(ctx, "racer", "tenantA", rbac.Support) }()
	select {
	case err := <-revoked:
		t.Fatalf("Revoke returned (%v) while a check still held an allow to cache", err)
	case <-time.After(100 * time.Millisecond):
		// Revoke is waiting for the check, as it must.
	}
	close(pc.release)
	if ok := <-checked; !ok {
		t.Fatal("the check that started before Revoke was denied")
	}
	if err := <-revoked; err != nil {
		t.Fatal(err)
	}
	if allowed(t, e, "racer", "tenantA", "orders", rbac.Read) {
		t.Fatal("stale allow cached after Revoke")
	}
}
