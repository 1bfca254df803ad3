package rbac

import (
	"sync"

	"github.com/casbin/casbin/v2/persist/cache"
)

// DefaultCacheSize bounds the decision cache: about 10 MB of keys.
const DefaultCacheSize = 100_000

// boundedCache is the decision cache of the enforcer. casbin's own
// SyncCache grows without limit between invalidations, one entry per
// distinct (user, tenant, object, action); with 100k users that is hundreds
// of megabytes on a quiet day. This one starts over when full, which costs
// a burst of 17 µs checks (DEPENDENCIES.md) and nothing else.
type boundedCache struct {
	mu      sync.RWMutex
	max     int
	entries map[string]bool
}

var _ cache.Cache = (*boundedCache)(nil)

func newBoundedCache(max int) *boundedCache {
	return &boundedCache{max: max, entries: make(map[string]bool)}
}

// Set stores a decision; casbin passes a TTL in extra, which is ignored:
// entries leave only on invalidation, which every change triggers.
func (c *boundedCache) Set(key string, value bool, _ ...any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		c.entries = make(map[string]bool)
	}
	c.entries[key] = value
	return nil
}

func (c *boundedCache) Get(key string) (bool, error) {
	c.mu.RLock()
	v, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok {
		return false, cache.ErrNoSuchKey
	}
	return v, nil
}

func (c *boundedCache) Delete(key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok {
		return cache.ErrNoSuchKey
	}
	delete(c.entries, key)
	return nil
}

func (c *boundedCache) Clear() error {
	c.mu.Lock()
	c.entries = make(map[string]bool)
	c.mu.Unlock()
	return nil
}
