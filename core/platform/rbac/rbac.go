// Package rbac decides who may do what in which tenant: casbin RBAC with
// domains (DESIGN.md "Access", SECURITY.md item 13). The domain is a tenant
// id, "*" is vendor-wide. The role → permission rules are shared, read once
// from configs/rbac/policy.csv; only user → role assignments are stored,
// through an Adapter (rbacdb is the bun one). Decisions are cached, and
// every change — local, or reported by another node's watcher — invalidates
// the cache before anyone can read a stale allow.
//
// Ownership ("my order", "my assigned request") is not a role: services
// check it on top of Allowed.
package rbac

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/platform/errs"
)

// Adapter stores the assignments: casbin grouping rules
// "user:<id>, role:<name>, <tenant or *>". It holds no p rules; those are
// the shared file rules and never reach storage.
type Adapter interface {
	persist.ContextFilteredAdapter
	// GroupingRules returns the stored rules of grouping type ptype that
	// match f, without the ptype. A node uses it to re-read the few
	// assignments another node reported as changed.
	GroupingRules(ctx context.Context, ptype string, f Filter) ([][]string, error)
}

// Filter selects assignments: the filter of a casbin filtered load, and of
// Adapter.GroupingRules. A zero Filter selects everything.
type Filter struct {
	// Domains, when set, keeps assignments in these domains only (tenant
	// ids, VendorWide for vendor-wide ones).
	Domains []string
	// Subjects, when set, keeps assignments of these subjects only
	// ("user:<id>").
	Subjects []string
}

// Options tune an Enforcer; the zero value serves every tenant on one node.
type Options struct {
	// FS holds rbac/model.conf and rbac/policy.csv; nil means configs.FS.
	FS fs.FS
	// Tenants, when set, makes this node load only assignments in these
	// tenants (and vendor-wide ones); Allowed for another tenant is an
	// error rather than a silent deny.
	Tenants []string
	// Watcher carries changes between nodes (rbacdb.NewWatcher); nil on a
	// single node. The caller closes it after the Enforcer.
	Watcher persist.Watcher
	// CacheSize bounds the decision cache; 0 means DefaultCacheSize and a
	// negative size turns the cache off.
	CacheSize int
	// Logger receives failures of watcher-driven updates; nil means
	// slog.Default().
	Logger *slog.Logger
}

// maxReconcilePairs bounds the (user, tenant) pairs a node re-reads for one
// message; past it a full reload is cheaper than the query.
const maxReconcilePairs = 256

// Enforcer answers permission questions and changes assignments.
type Enforcer struct {
	store     Adapter
	conf      config
	filter    Filter
	tenants   map[string]bool // nil: every tenant
	watcher   persist.Watcher
	cacheSize int
	log       *slog.Logger
	perms     map[Permission]bool

	// changeMu serialises changes to the local policy — local writes,
	// reconciliations after other nodes' messages, reloads — so a database
	// read and the model update based on it never interleave with another
	// change (a reconcile that read "absent" must not undo a local Assign
	// that committed after the read).
	changeMu sync.Mutex
	// mu guards enf. Checks hold it shared for the whole Enforce, and every
	// change holds it exclusively while it edits the model and clears the
	// cache: otherwise a check that computed "allow" before a Revoke could
	// store that decision after the cache was cleared, and keep it.
	mu  sync.RWMutex
	enf *casbin.SyncedCachedEnforcer

	ctx      context.Context // cancelled by Close; bounds background reloads
	cancel   context.CancelFunc
	retrying atomic.Bool
	wg       sync.WaitGroup
}

// New loads the shared rules and the assignments and returns a ready
// Enforcer. With a watcher, it starts listening before loading, so no change
// made between the load and the first message is lost.
func New(ctx context.Context, store Adapter, opts Options) (*Enforcer, error) {
	if store == nil {
		return nil, errors.New("rbac: no adapter")
	}
	fsys := opts.FS
	if fsys == nil {
		fsys = configs.FS
	}
	conf, err := loadConfig(fsys)
	if err != nil {
		return nil, err
	}
	e := &Enforcer{
		store:     store,
		conf:      conf,
		watcher:   opts.Watcher,
		cacheSize: opts.CacheSize,
		log:       opts.Logger,
		perms:     map[Permission]bool{},
	}
	if e.cacheSize == 0 {
		e.cacheSize = DefaultCacheSize
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	for _, p := range Vocabulary() {
		e.perms[p] = true
	}
	if len(opts.Tenants) > 0 {
		e.tenants = map[string]bool{}
		e.filter.Domains = []string{VendorWide}
		for _, t := range opts.Tenants {
			if !validID(t) {
				return nil, fmt.Errorf("rbac: Options.Tenants: invalid tenant id %q", clip(t))
			}
			if !e.tenants[t] {
				e.tenants[t] = true
				e.filter.Domains = append(e.filter.Domains, t)
			}
		}
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())

	// Holding changeMu until the first load is in place makes a message
	// that arrives meanwhile wait, then reconcile against that load.
	e.changeMu.Lock()
	defer e.changeMu.Unlock()
	if e.watcher != nil {
		if err := e.watcher.SetUpdateCallback(e.onMessage); err != nil {
			e.cancel()
			return nil, fmt.Errorf("rbac: watcher: %w", err)
		}
	}
	enf, err := e.build(ctx)
	if err != nil {
		e.cancel()
		if e.watcher != nil {
			_ = e.watcher.SetUpdateCallback(func(string) {})
		}
		return nil, err
	}
	e.enf = enf
	return e, nil
}

// Close stops background reloads and detaches from the watcher; it does not
// close the watcher, which the caller made.
func (e *Enforcer) Close() {
	e.cancel()
	if e.watcher != nil {
		_ = e.watcher.SetUpdateCallback(func(string) {})
	}
	e.wg.Wait()
}

// build makes a fresh casbin enforcer: the shared rules from the file, the
// assignments from the store. Building a new one (rather than reloading the
// current one in place) keeps checks running on the old policy meanwhile,
// and starts the new one with an empty cache.
func (e *Enforcer) build(ctx context.Context) (*casbin.SyncedCachedEnforcer, error) {
	m, err := model.NewModelFromString(e.conf.model)
	if err != nil {
		return nil, fmt.Errorf("rbac: model: %w", err)
	}
	if err := m.AddPolicies("p", "p", e.conf.rules); err != nil {
		return nil, fmt.Errorf("rbac: shared rules: %w", err)
	}
	start := time.Now()
	if err := e.store.LoadFilteredPolicyCtx(ctx, m, e.filter); err != nil {
		return nil, fmt.Errorf("rbac: load assignments: %w", err)
	}
	if bad := e.dropInvalid(m); bad > 0 {
		e.log.WarnContext(ctx, "rbac: ignored invalid stored assignments", "count", bad)
	}
	enf, err := casbin.NewSyncedCachedEnforcer(m)
	if err != nil {
		return nil, fmt.Errorf("rbac: enforcer: %w", err)
	}
	// No adapter and no watcher are set on the casbin enforcer: this type
	// writes to the store and notifies other nodes itself, with a context,
	// and the casbin enforcer only ever holds the model.
	enf.EnableAutoSave(false)
	enf.EnableAutoNotifyWatcher(false)
	if e.cacheSize < 0 {
		enf.EnableCache(false)
	} else {
		enf.SetCache(newBoundedCache(e.cacheSize))
	}
	if err := enf.BuildRoleLinks(); err != nil {
		return nil, fmt.Errorf("rbac: role links: %w", err)
	}
	e.log.DebugContext(ctx, "rbac: policy loaded", "assignments", len(m["g"]["g"].Policy),
		"rules", len(e.conf.rules), "took", time.Since(start))
	return enf, nil
}

// dropInvalid removes stored assignments that Assign would have refused (a
// hand-written row with a role in "*", say, would otherwise grant it in
// every tenant): the store is not trusted to be as strict as this package.
func (e *Enforcer) dropInvalid(m model.Model) int {
	var bad [][]string
	for _, rule := range m["g"]["g"].Policy {
		if !validAssignment(rule) {
			bad = append(bad, rule)
		}
	}
	if len(bad) > 0 {
		_, _ = m.RemovePolicies("g", "g", bad)
	}
	return len(bad)
}

// validAssignment reports whether rule is "user:<id>, role:<role>, <domain>"
// with the scope checkScope allows.
func validAssignment(rule []string) bool {
	if len(rule) != 3 {
		return false
	}
	id, ok := strings.CutPrefix(rule[0], userPrefix)
	if !ok || !validID(id) {
		return false
	}
	role, ok := roleOf(rule[1])
	if !ok || checkTenant(rule[2]) != nil {
		return false
	}
	return checkScope(rule[2], role) == nil
}

// serves reports whether this node holds the assignments of tenantID.
func (e *Enforcer) serves(tenantID string) bool {
	return e.tenants == nil || tenantID == VendorWide || e.tenants[tenantID]
}

// Allowed reports whether the user may perform action on object in the
// tenant, through a role held there or vendor-wide. tenantID "*" asks about
// vendor-wide objects (tenants, products, plugins), which only vendor-wide
// roles reach. An invalid id is ErrIDInvalid; an object or action outside
// Vocabulary is an internal error, because it is a bug in the caller.
func (e *Enforcer) Allowed(ctx context.Context, userID, tenantID, object, action string) (bool, error) {
	if err := checkUser(userID); err != nil {
		return false, err
	}
	if err := checkTenant(tenantID); err != nil {
		return false, err
	}
	if !e.perms[Permission{Object: object, Action: action}] {
		return false, errs.Internal(fmt.Errorf("rbac: %s:%s is not in rbac.Vocabulary", object, action))
	}
	if !e.serves(tenantID) {
		return false, errs.Internal(fmt.Errorf("rbac: tenant %q is not loaded on this node", tenantID))
	}
	e.mu.RLock()
	ok, err := e.enf.Enforce(userPrefix+userID, tenantID, object, action)
	e.mu.RUnlock()
	if err != nil {
		return false, errs.Internal(fmt.Errorf("rbac: enforce: %w", err))
	}
	return ok, nil
}

// Require is Allowed for services: nil when allowed, ErrForbidden when not.
func (e *Enforcer) Require(ctx context.Context, userID, tenantID, object, action string) error {
	ok, err := e.Allowed(ctx, userID, tenantID, object, action)
	if err != nil {
		return err
	}
	if !ok {
		return ErrForbidden.Because(fmt.Errorf("rbac: %s may not %s %s in %s", clip(userID), action, object, tenantID))
	}
	return nil
}

// Roles returns the roles the user holds in the tenant, vendor-wide ones
// included, least privileged first.
func (e *Enforcer) Roles(ctx context.Context, userID, tenantID string) ([]Role, error) {
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	if err := checkTenant(tenantID); err != nil {
		return nil, err
	}
	if !e.serves(tenantID) {
		return nil, errs.Internal(fmt.Errorf("rbac: tenant %q is not loaded on this node", tenantID))
	}
	sub := userPrefix + userID
	e.mu.RLock()
	names := e.enf.GetRolesForUserInDomain(sub, tenantID)
	if tenantID != VendorWide {
		names = append(names, e.enf.GetRolesForUserInDomain(sub, VendorWide)...)
	}
	e.mu.RUnlock()
	roles := make([]Role, 0, len(names))
	for _, n := range names {
		if r, ok := roleOf(n); ok && !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	sort.Slice(roles, func(i, j int) bool { return roles[i].rank() < roles[j].rank() })
	return roles, nil
}

// Assign gives the user the role in the tenant; vendor_admin only in "*",
// every other role only in a tenant (ErrScopeInvalid). Assigning a role
// already held succeeds and tells other nodes again, so a caller may retry
// after a failure to notify.
func (e *Enforcer) Assign(ctx context.Context, userID, tenantID string, role Role) error {
	rule, err := assignment(userID, tenantID, role)
	if err != nil {
		return err
	}
	return e.change(ctx, OpAdd, rule)
}

// Revoke takes the role away; it takes effect on this node before Revoke
// returns, and on other nodes when their watcher delivers the message.
// Revoking a role not held succeeds.
func (e *Enforcer) Revoke(ctx context.Context, userID, tenantID string, role Role) error {
	rule, err := assignment(userID, tenantID, role)
	if err != nil {
		return err
	}
	return e.change(ctx, OpRemove, rule)
}

func assignment(userID, tenantID string, role Role) ([]string, error) {
	if err := checkUser(userID); err != nil {
		return nil, err
	}
	if err := checkTenant(tenantID); err != nil {
		return nil, err
	}
	if err := checkScope(tenantID, role); err != nil {
		return nil, err
	}
	return []string{userPrefix + userID, role.subject(), tenantID}, nil
}

// change writes one assignment to the store, applies it to the local
// model, clears the decision cache and tells the other nodes.
func (e *Enforcer) change(ctx context.Context, op string, rule []string) error {
	e.changeMu.Lock()
	var err error
	if op == OpAdd {
		err = e.store.AddPolicyCtx(ctx, "g", "g", rule)
	} else {
		err = e.store.RemovePolicyCtx(ctx, "g", "g", rule)
	}
	if err != nil {
		e.changeMu.Unlock()
		return storeErr(fmt.Errorf("rbac: %s %v: %w", op, rule, err))
	}
	if e.serves(rule[2]) {
		e.mu.Lock()
		if op == OpAdd {
			_, err = e.enf.SelfAddPolicy("g", "g", rule)
		} else {
			_, err = e.enf.SelfRemovePolicy("g", "g", rule)
		}
		_ = e.enf.InvalidateCache() // boundedCache.Clear cannot fail
		e.mu.Unlock()
	}
	e.changeMu.Unlock()
	if err != nil {
		// Stored, but the local model refused: rebuild it from the store.
		e.retryReload()
		return errs.Internal(fmt.Errorf("rbac: apply %s %v: %w", op, rule, err))
	}
	return e.notify(op, rule)
}

func storeErr(err error) error {
	var ee *errs.Error
	if errors.As(err, &ee) {
		return err
	}
	return errs.Internal(err)
}

// notify tells other nodes about a change. A failure is returned, not
// logged away: another node would keep allowing what was just revoked, so
// the caller must learn of it (and may retry: Revoke is idempotent).
func (e *Enforcer) notify(op string, rule []string) error {
	if e.watcher == nil {
		return nil
	}
	var err error
	if wx, ok := e.watcher.(persist.WatcherEx); ok {
		if op == OpAdd {
			err = wx.UpdateForAddPolicy("g", "g", rule...)
		} else {
			err = wx.UpdateForRemovePolicy("g", "g", rule...)
		}
	} else {
		err = e.watcher.Update()
	}
	if err != nil {
		return errs.Wrap(errs.KindUnavailable, errs.ErrUnavailable.Code,
			fmt.Errorf("rbac: %s saved, but other nodes were not told: %w", op, err))
	}
	return nil
}

// Reload rebuilds the policy from the store, for an operator or after a
// lost connection to the other nodes.
func (e *Enforcer) Reload(ctx context.Context) error {
	e.changeMu.Lock()
	defer e.changeMu.Unlock()
	enf, err := e.build(ctx)
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.enf = enf
	e.mu.Unlock()
	return nil
}
