package host_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/plugins/host"
	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/products"
)

// The test binary doubles as the platform binary: run as
// `<test binary> plugin <name>` it serves a built-in product, exactly as
// `platform plugin <name>` does; with HOST_TEST_ROLE=host it is a host
// process for the host-SIGKILL test.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == "plugin" {
		if err := products.ServePlugin(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if os.Getenv("HOST_TEST_ROLE") == "host" {
		os.Exit(helperHost())
	}
	os.Exit(m.Run())
}

// helperHost starts VetPet, prints its pid and waits to be killed.
func helperHost() int {
	m := host.New(host.Config{
		Executable: os.Args[0],
		Plugins:    []host.Declaration{{Name: "vetpet", Builtin: true}},
	})
	if err := m.Start(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("pid %d\n", m.States()[0].PID)
	select {}
}

// logBuffer collects the manager's logs and prints them if the test fails.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func testLogger(t testing.TB) *slog.Logger {
	t.Helper()
	lb := &logBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			lb.mu.Lock()
			t.Logf("manager log:\n%s", lb.buf.String())
			lb.mu.Unlock()
		}
	})
	return slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func newManager(t testing.TB, decls ...host.Declaration) *host.Manager {
	t.Helper()
	m := host.New(host.Config{
		Executable:     os.Args[0],
		Plugins:        decls,
		Logger:         testLogger(t),
		BackoffInitial: 300 * time.Millisecond,
		BackoffMax:     2 * time.Second,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := m.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return m
}

func builtin(name string) host.Declaration { return host.Declaration{Name: name, Builtin: true} }

func stateOf(t testing.TB, m *host.Manager, product string) host.State {
	t.Helper()
	for _, s := range m.States() {
		if s.Product == product {
			return s
		}
	}
	t.Fatalf("no state for %q", product)
	return host.State{}
}

// alive reports whether pid is a live process: not gone, not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// "pid (comm) S ...": the state follows the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || (s[i+2] != 'Z' && s[i+2] != 'X')
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestStartDescribeAndSpecs(t *testing.T) {
	m := newManager(t, builtin("vetpet"), builtin("astars"))

	for _, name := range []string{"vetpet", "astars"} {
		t.Run(name, func(t *testing.T) {
			s := stateOf(t, m, name)
			if s.Status != host.StatusRunning || s.PID <= 0 || s.Restarts != 0 || s.StartedAt.IsZero() || !s.Builtin {
				t.Fatalf("state %+v, want running with a pid", s)
			}
			if !alive(s.PID) {
				t.Fatalf("pid %d is not a live process", s.PID)
			}
			spec, ok := m.Spec(name)
			if !ok || spec.Product != name {
				t.Fatalf("cached spec %q, %v", spec.Product, ok)
			}
			want, _ := products.ServiceKinds(name)
			if got := spec.ServiceKindKeys(); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("service kinds %v, want %v from product.yaml", got, want)
			}
			p, err := m.Product(name)
			if err != nil {
				t.Fatal(err)
			}
			live, err := p.Describe(t.Context(), sdk.Call{Tenant: "t", Locale: "en"})
			if err != nil || live.Product != name {
				t.Fatalf("Describe over the process: %q, %v", live.Product, err)
			}
		})
	}
	if got := strings.Join(m.Names(), ","); got != "vetpet,astars" {
		t.Errorf("Names() = %s", got)
	}

	t.Run("unknown product", func(t *testing.T) {
		_, err := m.Product("jetmoney")
		if e := errs.As(err); e.Kind != errs.KindNotFound || e.Code != "products.not_found" {
			t.Errorf("got %v, want products.not_found (404)", err)
		}
		if _, ok := m.Spec("jetmoney"); ok {
			t.Error("a spec for an undeclared product")
		}
	})
	t.Run("start twice", func(t *testing.T) {
		if err := m.Start(t.Context()); err == nil {
			t.Error("second Start succeeded")
		}
	})
}

func TestCrashedPluginIsRestarted(t *testing.T) {
	m := newManager(t, builtin("vetpet"), builtin("astars"))
	before := stateOf(t, m, "vetpet")
	astarsBefore := stateOf(t, m, "astars")

	if err := syscall.Kill(before.PID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}

	req := sdk.Request{ServiceKind: "owner_rights_transport", Question: "Можно ли лететь с кошкой в салоне?"}
	var sawDown, sawRestarting bool
	eventually(t, 30*time.Second, "vetpet did not come back after SIGKILL", func() bool {
		if stateOf(t, m, "vetpet").Status == host.StatusRestarting {
			sawRestarting = true
		}
		p, err := m.Product("vetpet")
		if err == nil {
			_, err = p.ValidateRequest(t.Context(), sdk.Call{Tenant: "t", Locale: "ru"}, req)
		}
		if err != nil {
			if e := errs.As(err); e.Kind != errs.KindUnavailable || e.Code != "products.unavailable" {
				t.Fatalf("while down: %v (kind %v), want products.unavailable (503)", err, e.Kind)
			}
			if !sawDown {
				sawDown = true
				// The rest of the platform carries on: the spec stays
				// cached and the other product answers.
				if _, ok := m.Spec("vetpet"); !ok {
					t.Error("the spec was dropped while the plugin restarts")
				}
				a, err := m.Product("astars")
				if err == nil {
					_, err = a.Describe(t.Context(), sdk.Call{Locale: "ru"})
				}
				if err != nil {
					t.Errorf("astars while vetpet is down: %v", err)
				}
			}
			return false
		}
		return sawDown
	})
	if !sawRestarting {
		t.Error("never saw the restarting state")
	}

	after := stateOf(t, m, "vetpet")
	if after.Status != host.StatusRunning || after.Restarts != 1 || after.PID == before.PID || after.PID <= 0 {
		t.Errorf("after restart %+v; want running, Restarts=1, a new pid (old %d)", after, before.PID)
	}
	if !strings.Contains(after.LastError, "killed") {
		t.Errorf("last error %q should tell how the process ended", after.LastError)
	}
	if a := stateOf(t, m, "astars"); a.PID != astarsBefore.PID || a.Restarts != 0 || a.Status != host.StatusRunning {
		t.Errorf("astars was disturbed: %+v", a)
	}
}

func sha256File(t testing.TB, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestExternalPlugins(t *testing.T) {
	self := os.Args[0]
	good := sha256File(t, self)
	external := func(sum string) host.Declaration {
		return host.Declaration{Name: "astars", Path: self, Args: []string{"plugin", "astars"}, SHA256: sum}
	}
	cases := []struct {
		name    string
		decl    host.Declaration
		status  host.Status
		errPart string
	}{
		{"verified binary runs", external(good), host.StatusRunning, ""},
		{"checksum mismatch is refused", external(strings.Repeat("0", 64)), host.StatusFailed, "sha256"},
		{"malformed checksum is refused", external("not-a-sha"), host.StatusFailed, "sha256"},
		{"missing checksum is refused", external(""), host.StatusFailed, "sha256"},
		{"missing binary fails and is retried", host.Declaration{Name: "astars", Path: self + ".missing", SHA256: good},
			host.StatusRestarting, "no such file"},
		{"binary describing another product is refused",
			host.Declaration{Name: "astars", Path: self, Args: []string{"plugin", "vetpet"}, SHA256: good}, host.StatusFailed, "vetpet"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// A bad external plugin must not keep the built-in one down.
			m := newManager(t, builtin("vetpet"), c.decl)
			s := stateOf(t, m, "astars")
			if s.Status != c.status || !strings.Contains(s.LastError, c.errPart) {
				t.Fatalf("state %+v; want %s with an error about %q", s, c.status, c.errPart)
			}
			if s.Builtin {
				t.Error("reported as built in")
			}
			if v := stateOf(t, m, "vetpet"); v.Status != host.StatusRunning {
				t.Errorf("vetpet %+v; want running", v)
			}
			_, err := m.Product("astars")
			if c.status == host.StatusRunning {
				if err != nil {
					t.Errorf("Product: %v", err)
				}
				return
			}
			if errs.KindOf(err) != errs.KindUnavailable {
				t.Errorf("Product of a failed plugin: %v, want unavailable", err)
			}
			if _, ok := m.Spec("astars"); ok {
				t.Error("a spec for a plugin that never ran")
			}
		})
	}
}

func TestBuiltinThatCannotStartDoesNotBlockOthers(t *testing.T) {
	m := newManager(t, builtin("vetpet"), builtin("nosuchproduct"))
	s := stateOf(t, m, "nosuchproduct")
	if s.Status != host.StatusRestarting || s.LastError == "" {
		t.Fatalf("state %+v; want restarting with the start error", s)
	}
	if v := stateOf(t, m, "vetpet"); v.Status != host.StatusRunning {
		t.Errorf("vetpet %+v; want running", v)
	}
}

func TestDeclarationsAreChecked(t *testing.T) {
	m := host.New(host.Config{Plugins: []host.Declaration{
		{Name: "vetpet", Builtin: true}, // no executable configured
		{Name: ""},
	}})
	if err := m.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer m.Stop(context.Background())
	for _, s := range m.States() {
		if s.Status != host.StatusFailed || s.LastError == "" {
			t.Errorf("%+v; want failed with a reason", s)
		}
	}

	dup := host.New(host.Config{Executable: os.Args[0], Plugins: []host.Declaration{builtin("vetpet"), builtin("vetpet")}})
	if s := dup.States()[1]; s.Status != host.StatusFailed || !strings.Contains(s.LastError, "twice") {
		t.Errorf("duplicate %+v; want failed", s)
	}
	if err := dup.Stop(context.Background()); err != nil {
		t.Errorf("Stop before Start: %v", err)
	}
	if err := dup.Start(t.Context()); err == nil {
		t.Error("Start after Stop succeeded: nothing would stop those plugins")
	}
}

func TestStopLeavesNoProcess(t *testing.T) {
	m := host.New(host.Config{
		Executable: os.Args[0],
		Plugins:    []host.Declaration{builtin("vetpet"), builtin("astars")},
		Logger:     testLogger(t),
	})
	if err := m.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, s := range m.States() {
		if s.PID <= 0 {
			t.Fatalf("%+v: not running", s)
		}
		pids = append(pids, s.PID)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		// We are the parent and Stop waited: the process is reaped, so
		// not even a zombie entry remains.
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
			t.Errorf("plugin pid %d still exists after Stop", pid)
		}
	}
	for _, s := range m.States() {
		if s.Status != host.StatusStopped || s.PID != 0 {
			t.Errorf("%+v; want stopped without a pid", s)
		}
	}
	if _, err := m.Product("vetpet"); errs.KindOf(err) != errs.KindUnavailable {
		t.Errorf("Product after Stop: %v", err)
	}
	if err := m.Stop(ctx); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

// TestHostKilledLeavesNoOrphan kills a host process with SIGKILL — no
// deferred code runs — and expects its plugin to die with it.
func TestHostKilledLeavesNoOrphan(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "HOST_TEST_ROLE=host")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})

	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("helper host: %v; stderr:\n%s", err, stderr.String())
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "pid ")))
	if err != nil || pid <= 0 {
		t.Fatalf("helper host said %q", line)
	}
	if !alive(pid) {
		t.Fatalf("plugin %d not running under the helper host", pid)
	}

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	eventually(t, 10*time.Second, fmt.Sprintf("plugin %d outlived its SIGKILLed host", pid), func() bool { return !alive(pid) })
}
