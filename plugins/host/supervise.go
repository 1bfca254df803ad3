package host

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/consult/platform/plugins/sdk"
	"github.com/hashicorp/go-plugin"
)

// errPermanent marks a start failure that a retry cannot fix: the binary
// is not the one declared, or it describes another product.
var errPermanent = errors.New("permanent")

// supervise runs one plugin until ctx ends: start, wait for the process to
// exit, back off, start a new process (a go-plugin client cannot restart;
// each start builds a new one).
func (m *Manager) supervise(ctx context.Context, p *managed) {
	defer m.wg.Done()
	// Never unlocked, on purpose: the plugins this goroutine forks get
	// Pdeathsig from this OS thread, and the runtime would end a thread
	// only when a goroutine locked to it exits — that is, after the
	// plugin is gone (see setPdeathsig).
	runtime.LockOSThread()

	log := m.log.With("plugin", p.decl.Name)
	failures := 0
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			p.update(func(s *State) { s.Restarts++; s.Status = StatusRestarting })
		}
		r, err := m.launch(ctx, p, log)
		if err != nil {
			log.Error("plugin start failed", "error", err, "attempt", attempt+1)
			if errors.Is(err, errPermanent) {
				p.update(func(s *State) { s.Status = StatusFailed; s.LastError = err.Error() })
				p.markOutcome()
				return
			}
			p.update(func(s *State) { s.Status = StatusRestarting; s.LastError = err.Error() })
			p.markOutcome()
			failures++
			if !m.sleep(ctx, failures) {
				p.update(func(s *State) { s.Status = StatusStopped })
				return
			}
			continue
		}
		log.Info("plugin running", "pid", r.pid, "restarts", attempt)
		p.markOutcome()

		select {
		case <-ctx.Done():
			p.down(StatusStopped, "")
			r.client.Kill() // graceful shutdown, SIGKILL after 2 s; returns once reaped
			p.update(func(s *State) { s.PID = 0 })
			return
		case <-r.remote.Done():
		}
		// go-plugin closes Done after reaping the process, so its exit
		// status is safe to read here.
		exit := "plugin process exited"
		if ps := r.cmd.ProcessState; ps != nil {
			exit += ": " + ps.String()
		}
		log.Error("plugin crashed; restarting", "pid", r.pid, "exit", exit)
		p.down(StatusRestarting, exit)
		r.client.Kill() // releases go-plugin's goroutines and socket directory
		p.update(func(s *State) { s.PID = 0 })
		if time.Since(r.started) >= m.cfg.BackoffMax {
			failures = 0
		}
		failures++
		if !m.sleep(ctx, failures) {
			p.update(func(s *State) { s.Status = StatusStopped })
			return
		}
	}
}

// sleep waits the backoff for the n-th consecutive failure; false if ctx
// ended first.
func (m *Manager) sleep(ctx context.Context, n int) bool {
	d := m.cfg.BackoffInitial
	for i := 1; i < n && d < m.cfg.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, m.cfg.BackoffMax)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// running is a started plugin.
type running struct {
	client  *plugin.Client
	cmd     *exec.Cmd
	remote  sdk.Remote
	pid     int
	started time.Time
}

// launch starts a plugin process, dispenses its product and reads its
// spec. On success the plugin is running and published; on failure no
// process is left behind.
func (m *Manager) launch(ctx context.Context, p *managed, log *slog.Logger) (r *running, err error) {
	d := p.decl
	path, args := d.Path, d.Args
	if d.Builtin {
		path, args = m.cfg.Executable, []string{"plugin", d.Name}
	}
	cmd := exec.Command(path, args...)
	cmd.Env = m.env()
	setPdeathsig(cmd)

	cfg := &plugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		VersionedPlugins: sdk.PluginSets(nil, nil),
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Logger:           newSlogLogger(log),
		StartTimeout:     m.cfg.StartTimeout,
		// Only this host can talk to the plugin's socket: the client and
		// the plugin exchange one-time certificates at start.
		AutoMTLS: true,
		// env() builds the whole environment, so the host's own
		// inherited plugin variables cannot override ours.
		SkipHostEnv: true,
	}
	if !d.Builtin {
		// go-plugin hashes the file right before starting it; a fresh
		// hash per start, since hash.Hash keeps state.
		cfg.SecureConfig = &plugin.SecureConfig{Checksum: p.checksum, Hash: sha256.New()}
	}
	client := plugin.NewClient(cfg)
	defer func() {
		if err != nil {
			client.Kill()
		}
	}()

	rpc, err := client.Client()
	if err != nil {
		if errors.Is(err, plugin.ErrChecksumsDoNotMatch) {
			return nil, fmt.Errorf("%w: %s: sha256 does not match the declared one", errPermanent, path)
		}
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	raw, err := rpc.Dispense(sdk.PluginName)
	if err != nil {
		return nil, fmt.Errorf("dispense: %w", err)
	}
	remote, ok := raw.(sdk.Remote)
	if !ok {
		return nil, fmt.Errorf("dispense: unexpected %T", raw)
	}
	dctx, cancel := context.WithTimeout(ctx, m.cfg.StartTimeout)
	defer cancel()
	spec, err := remote.Describe(dctx, sdk.Call{Locale: "ru"})
	if err != nil {
		return nil, fmt.Errorf("describe: %w", err)
	}
	if spec.Product != d.Name {
		return nil, fmt.Errorf("%w: the plugin describes product %q, declared as %q", errPermanent, spec.Product, d.Name)
	}
	if problems := spec.Problems(); len(problems) > 0 {
		return nil, fmt.Errorf("%w: invalid spec: %w", errPermanent, errors.Join(problems...))
	}
	pid, _ := strconv.Atoi(client.ID())
	r = &running{client: client, cmd: cmd, remote: remote, pid: pid, started: time.Now()}
	p.mu.Lock()
	p.spec, p.hasSpec, p.remote = spec, true, remote
	p.state.PID, p.state.StartedAt, p.state.Status = pid, r.started, StatusRunning
	p.mu.Unlock()
	return r, nil
}

// env is the plugins' environment: the host's, minus our plugin variables
// it may itself have inherited, plus the host's pid (for the
// plugin's parent watch), its log level and Config.Env.
func (m *Manager) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == sdk.EnvParentPID || k == sdk.EnvLogLevel || k == sdk.Handshake.MagicCookieKey {
			continue
		}
		env = append(env, kv)
	}
	level := "info"
	if m.log.Enabled(context.Background(), slog.LevelDebug) {
		level = "debug"
	}
	env = append(env, sdk.EnvParentPID+"="+strconv.Itoa(os.Getpid()), sdk.EnvLogLevel+"="+level)
	return append(env, m.cfg.Env...)
}

// update changes p's state under its lock.
func (p *managed) update(f func(*State)) {
	p.mu.Lock()
	f(&p.state)
	p.mu.Unlock()
}

// down unpublishes p's client: from now on Product answers unavailable.
// The pid stays until the process is reaped, so Stop can still kill it.
func (p *managed) down(status Status, lastError string) {
	p.mu.Lock()
	p.remote = nil
	p.state.Status = status
	if lastError != "" {
		p.state.LastError = lastError
	}
	p.mu.Unlock()
}
