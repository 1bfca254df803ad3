package rbac

import "github.com/casbin/casbin/v2/persist/cache"

// WrapCache replaces the decision cache of e's current policy with wrap of
// a fresh one, so a test can stop a check inside the cache.
func WrapCache(e *Enforcer, wrap func(cache.Cache) cache.Cache) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.enf.SetCache(wrap(newBoundedCache(DefaultCacheSize)))
}
