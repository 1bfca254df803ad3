// Package host runs product plugins as subprocesses and keeps them alive.
// Built-in products re-execute the platform binary (`platform plugin
// vetpet`); external ones are binaries declared with a path and a sha256
// that is verified before every start. A plugin that crashes is restarted
// with exponential backoff while its product answers 503 and the rest of
// the platform carries on (SECURITY.md 21); no plugin outlives the host,
// even a host killed with SIGKILL (SECURITY.md 20).
//
// Each product's spec is read once per start and cached: request paths use
// Spec, never a plugin call, to list products and their schemas.
package host

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/plugins/sdk"
)

// Config configures a Manager.
type Config struct {
	// Executable is the platform binary; a built-in plugin runs as
	// `<Executable> plugin <name>`. Usually os.Executable().
	Executable string
	// Plugins are the products to run, in the order States reports them.
	Plugins []Declaration
	// Logger receives the host's and the plugins' logs (plugins log to
	// their stderr; go-plugin relays the lines). Nil discards them.
	Logger *slog.Logger
	// BackoffInitial is the wait before the first restart of a crashed
	// plugin; each further consecutive failure doubles it, up to
	// BackoffMax. A plugin that ran for BackoffMax is healthy again and
	// its next crash starts from BackoffInitial. Defaults: 500 ms, 30 s.
	BackoffInitial time.Duration
	BackoffMax     time.Duration
	// StartTimeout bounds a plugin's start: the handshake and the first
	// Describe. Default 10 s.
	StartTimeout time.Duration
	// Env is added to the plugins' environment (KEY=value).
	Env []string
}

// Declaration declares one plugin.
type Declaration struct {
	// Name is the product id; the plugin's spec must say the same.
	Name string
	// Builtin plugins run the platform binary itself.
	Builtin bool
	// Path is an external plugin's binary; Args its arguments.
	Path string
	Args []string
	// SHA256 is the hex sha256 of the external binary, checked before
	// every start. Required for external plugins.
	SHA256 string
}

// Status is a plugin's state in its life cycle.
type Status string

// Statuses.
const (
	StatusStarting   Status = "starting"   // first start in progress
	StatusRunning    Status = "running"    // answered Describe; serving
	StatusRestarting Status = "restarting" // crashed or failed to start; waiting for or in a new start
	StatusFailed     Status = "failed"     // will not be started again (bad checksum, bad declaration, bad spec)
	StatusStopped    Status = "stopped"    // stopped by Stop
)

// State is a plugin's state for /readyz. LastError is the latest failure
// (a crash's exit status, a start error) and stays after a successful
// restart, so a crash loop shows its cause; Restarts counts the starts
// after the first.
type State struct {
	Product   string    `json:"product"`
	Builtin   bool      `json:"builtin"`
	PID       int       `json:"pid,omitempty"`
	Restarts  int       `json:"restarts"`
	Status    Status    `json:"status"`
	LastError string    `json:"last_error,omitempty"`
	StartedAt time.Time `json:"started_at,omitzero"`
}

// Errors of Product.
var (
	ErrUnknownProduct = errs.E(errs.KindNotFound, "products.not_found")
	ErrUnavailable    = errs.E(errs.KindUnavailable, sdk.CodeProductUnavailable)
)

// Manager runs the declared plugins. Its methods are safe for concurrent
// use.
type Manager struct {
	cfg     Config
	log     *slog.Logger
	plugins []*managed
	byName  map[string]*managed

	started  atomic.Bool
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	stopOnce sync.Once
}

// managed is one plugin and what the host knows about it.
type managed struct {
	decl     Declaration
	checksum []byte // decoded SHA256 of an external plugin

	mu      sync.Mutex
	state   State
	spec    sdk.Spec
	hasSpec bool
	remote  sdk.Remote // nil while the plugin is down

	firstOutcome chan struct{} // closed when the first start succeeded or failed
	outcomeOnce  sync.Once
}

// New returns a manager for cfg. Nothing starts until Start. A declaration
// that cannot work (no name, a duplicate, an external plugin without a
// valid sha256) is reported as failed in States rather than refused, so
// one bad entry never keeps the other products down.
func New(cfg Config) *Manager {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BackoffInitial <= 0 {
		cfg.BackoffInitial = 500 * time.Millisecond
	}
	if cfg.BackoffMax < cfg.BackoffInitial {
		cfg.BackoffMax = max(30*time.Second, cfg.BackoffInitial)
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 10 * time.Second
	}
	m := &Manager{cfg: cfg, log: cfg.Logger, byName: map[string]*managed{}}
	for _, d := range cfg.Plugins {
		p := &managed{
			decl:         d,
			state:        State{Product: d.Name, Builtin: d.Builtin, Status: StatusStarting},
			firstOutcome: make(chan struct{}),
		}
		if err := m.check(d, p); err != nil {
			p.state.Status = StatusFailed
			p.state.LastError = err.Error()
			p.markOutcome()
		}
		m.plugins = append(m.plugins, p)
		if _, dup := m.byName[d.Name]; !dup {
			m.byName[d.Name] = p
		}
	}
	return m
}

// check validates a declaration and decodes its checksum into p.
func (m *Manager) check(d Declaration, p *managed) error {
	switch {
	case d.Name == "":
		return errors.New("declaration without a name")
	case m.byName[d.Name] != nil:
		return fmt.Errorf("plugin %q declared twice", d.Name)
	case d.Builtin && m.cfg.Executable == "":
		return errors.New("built-in plugin but no platform executable configured")
	case d.Builtin:
		return nil
	case d.Path == "":
		return errors.New("external plugin without a path")
	}
	sum, err := hex.DecodeString(d.SHA256)
	if err != nil || len(sum) != 32 {
		return errors.New("external plugin without a valid sha256 (64 hex digits)")
	}
	p.checksum = sum
	return nil
}

// Start starts every plugin and returns once each has either answered its
// first Describe or failed its first start; plugins that failed keep being
// retried in the background (unless failed for good) and show it in
// States. Start returns an error only if ctx ends first or if called twice.
// Plugins run until Stop, whatever happens to ctx.
func (m *Manager) Start(ctx context.Context) error {
	if !m.started.CompareAndSwap(false, true) {
		return errors.New("host: Start called twice, or after Stop")
	}
	run, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	for _, p := range m.plugins {
		if p.status() == StatusFailed {
			continue
		}
		m.wg.Add(1)
		go m.supervise(run, p)
	}
	for _, p := range m.plugins {
		select {
		case <-p.firstOutcome:
		case <-ctx.Done():
			return fmt.Errorf("host: start: %w", ctx.Err())
		}
	}
	return nil
}

// Stop stops every plugin and waits for their processes to end: when it
// returns, no plugin process remains. If ctx ends first, the remaining
// processes are killed outright (and still waited for) and ctx's error is
// returned. Stop is safe to call more than once, and before Start (a
// later Start then fails); it must not run concurrently with Start.
func (m *Manager) Stop(ctx context.Context) error {
	m.stopOnce.Do(func() {
		m.started.Store(true) // no Start after Stop: nothing would stop it
		if m.cancel != nil {
			m.cancel()
		}
	})
	done := make(chan struct{})
	go func() {
		m.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	for _, s := range m.States() {
		if s.PID > 0 {
			_ = syscall.Kill(s.PID, syscall.SIGKILL)
		}
	}
	<-done
	return fmt.Errorf("host: stop: %w", ctx.Err())
}

// Names returns the declared products in declaration order.
func (m *Manager) Names() []string {
	names := make([]string, 0, len(m.plugins))
	for _, p := range m.plugins {
		if m.byName[p.decl.Name] == p {
			names = append(names, p.decl.Name)
		}
	}
	return names
}

// Spec returns the cached spec of product. It is kept while the plugin
// restarts: a restart runs the same binary, hence the same spec. ok is
// false for an unknown product or one that never started.
func (m *Manager) Spec(product string) (sdk.Spec, bool) {
	p, ok := m.byName[product]
	if !ok {
		return sdk.Spec{}, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.spec, p.hasSpec
}

// Product returns a live client of product. While the plugin is down it
// returns ErrUnavailable (errs.KindUnavailable, products.unavailable: HTTP
// 503); for an undeclared product ErrUnknownProduct (errs.KindNotFound). A
// client whose plugin dies later fails its calls with the same
// unavailable error; ask again for the restarted one.
func (m *Manager) Product(product string) (sdk.Product, error) {
	p, ok := m.byName[product]
	if !ok {
		return nil, ErrUnknownProduct
	}
	p.mu.Lock()
	r := p.remote
	p.mu.Unlock()
	if r == nil {
		return nil, ErrUnavailable
	}
	select {
	case <-r.Done(): // exited; the supervisor is about to notice
		return nil, ErrUnavailable
	default:
		return r, nil
	}
}

// States returns every plugin's state in declaration order.
func (m *Manager) States() []State {
	out := make([]State, len(m.plugins))
	for i, p := range m.plugins {
		p.mu.Lock()
		out[i] = p.state
		p.mu.Unlock()
	}
	return out
}

func (p *managed) status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state.Status
}

func (p *managed) markOutcome() { p.outcomeOnce.Do(func() { close(p.firstOutcome) }) }
