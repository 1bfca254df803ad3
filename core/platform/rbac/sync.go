package rbac

import (
	"context"
	"time"
)

// onMessage is the watcher callback: another node changed assignments.
// It runs on the watcher's goroutine (or, on a LocalBus, the sender's).
func (e *Enforcer) onMessage(payload string) {
	if e.ctx.Err() != nil {
		return
	}
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	if err := e.apply(ctx, DecodeMessage(payload)); err != nil {
		// This node may now be stale; keep trying in the background
		// rather than block the watcher (and, on a LocalBus, the sender).
		e.log.ErrorContext(ctx, "rbac: applying another node's change failed; reloading", "err", err)
		e.retryReload()
	}
}

type pair struct{ sub, dom string }

// apply brings the local policy in line with the store for what m names.
func (e *Enforcer) apply(ctx context.Context, m Message) error {
	switch {
	case m.Op == OpReload, m.PType != "g", len(m.Rules) == 0:
		return e.Reload(ctx)
	}
	pairs := map[pair]bool{}
	for _, r := range m.Rules {
		if len(r) < 3 {
			return e.Reload(ctx)
		}
		if e.serves(r[2]) {
			pairs[pair{r[0], r[2]}] = true
		}
	}
	if len(pairs) > maxReconcilePairs {
		return e.Reload(ctx)
	}
	return e.reconcile(ctx, pairs)
}

// reconcile makes the local assignments of each (subject, domain) pair
// equal to the stored ones. Reading the store, rather than replaying the
// message, is what makes late or reordered messages harmless: whatever
// order they come in, the last reconcile sees the last committed state.
func (e *Enforcer) reconcile(ctx context.Context, pairs map[pair]bool) error {
	if len(pairs) == 0 {
		return nil
	}
	var f Filter
	subs, doms := map[string]bool{}, map[string]bool{}
	for p := range pairs {
		if !subs[p.sub] {
			subs[p.sub] = true
			f.Subjects = append(f.Subjects, p.sub)
		}
		if !doms[p.dom] {
			doms[p.dom] = true
			f.Domains = append(f.Domains, p.dom)
		}
	}

	e.changeMu.Lock()
	defer e.changeMu.Unlock()
	if e.enf == nil { // New failed after the watcher had delivered this
		return nil
	}
	stored, err := e.store.GroupingRules(ctx, "g", f)
	if err != nil {
		return err
	}
	want := map[[3]string]bool{}
	for _, r := range stored {
		if len(r) == 3 && pairs[pair{r[0], r[2]}] && validAssignment(r) {
			want[[3]string(r)] = true
		}
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	var add, remove [][]string
	for p := range pairs {
		have, err := e.enf.GetFilteredGroupingPolicy(0, p.sub, "", p.dom)
		if err != nil {
			return err
		}
		for _, r := range have {
			if len(r) != 3 || !want[[3]string(r)] {
				remove = append(remove, r)
			} else {
				delete(want, [3]string(r))
			}
		}
	}
	for r := range want {
		add = append(add, []string{r[0], r[1], r[2]})
	}
	if len(remove) > 0 {
		if _, err := e.enf.SelfRemovePolicies("g", "g", remove); err != nil {
			return err
		}
	}
	if len(add) > 0 {
		if _, err := e.enf.SelfAddPolicies("g", "g", add); err != nil {
			return err
		}
	}
	return e.enf.InvalidateCache()
}

// retryReload reloads in the background with backoff until it succeeds or
// the Enforcer closes; at most one such loop runs.
func (e *Enforcer) retryReload() {
	if !e.retrying.CompareAndSwap(false, true) {
		return
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer e.retrying.Store(false)
		delay := 100 * time.Millisecond
		for {
			ctx, cancel := context.WithTimeout(e.ctx, time.Minute)
			err := e.Reload(ctx)
			cancel()
			if err == nil {
				return
			}
			e.log.ErrorContext(e.ctx, "rbac: reload failed", "err", err, "retry_in", delay)
			select {
			case <-e.ctx.Done():
				return
			case <-time.After(delay):
			}
			delay = min(2*delay, 30*time.Second)
		}
	}()
}
