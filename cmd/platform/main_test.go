package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/consult/platform/core/platform/dbtest"
)

// binary is the platform built once for the end-to-end tests, which start
// it as a real process: plugins are re-executions of this very file.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "platform-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "platform")
	build := exec.Command("go", "build", "-race", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build platform: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// command runs the binary to completion.
func command(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type server struct {
	cmd    *exec.Cmd
	addr   string
	stdout *lockedBuffer
	done   chan error
}

// lockedBuffer is written by the process's stdout copier and read by the
// test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer starts the binary in dev over dbURL; env adds variables.
func startServer(t *testing.T, dbURL string, env ...string) *server {
	t.Helper()
	s := &server{addr: freeAddr(t), stdout: &lockedBuffer{}, done: make(chan error, 1)}
	s.cmd = exec.Command(binary, "serve", "--addr", s.addr, "--db", dbURL)
	s.cmd.Dir = t.TempDir()
	s.cmd.Env = append(append(os.Environ(), "PLATFORM_ENV=dev", "PLATFORM_CLOCK=2026-01-15T14:00:00+03:00"), env...)
	s.cmd.Stdout = s.stdout
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
	deadline := time.After(90 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("platform exited before it started")
			}
			if strings.Contains(line, "platform started") {
				go func() {
					for range lines {
					}
				}()
				return s
			}
		case <-deadline:
			t.Fatal("platform did not start within 90 s")
		}
	}
}

func (s *server) get(t *testing.T, host, path string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+s.addr+path, nil)
	req.Host = host
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s%s: %v", host, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

type readyz struct {
	Status  string
	Plugins []struct {
		Product  string
		PID      int
		Restarts int
		Status   string
	}
}

func (s *server) ready(t *testing.T) readyz {
	t.Helper()
	_, b := s.get(t, "", "/readyz")
	var r readyz
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("readyz: %v: %s", err, b)
	}
	return r
}

func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	// A zombie still has /proc/<pid>; its state letter is Z.
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b))
	return len(fields) > 2 && fields[2] != "Z"
}

func waitFor(t *testing.T, what string, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServeEndToEnd starts the real binary on a fresh database, reads the
// sites, kills a plugin and sees it back, then stops the platform with
// SIGTERM and checks that no plugin process is left.
func TestServeEndToEnd(t *testing.T) {
	s := startServer(t, dbtest.URL(t))

	// stdout and stderr are separate pipes: the URL lines may arrive a
	// moment after the "started" log line that startServer waited for.
	for _, want := range []string{"http://vetpet.localhost:", "http://astars.localhost:", "http://jetmoney.localhost:"} {
		waitFor(t, "the startup output lists "+want, 10*time.Second, func() bool {
			return strings.Contains(s.stdout.String(), want)
		})
	}
	status, body := s.get(t, "vetpet.localhost", "/api/v1/site")
	if status != 200 || !strings.Contains(string(body), `"id":"vetpet"`) {
		t.Fatalf("site = %d %s", status, body)
	}
	if status, _ := s.get(t, "nobody.localhost", "/api/v1/site"); status != 404 {
		t.Fatalf("unknown host = %d", status)
	}

	r := s.ready(t)
	if r.Status != "ok" || len(r.Plugins) != 2 {
		t.Fatalf("readyz = %+v", r)
	}
	pids := map[string]int{}
	for _, p := range r.Plugins {
		pids[p.Product] = p.PID
		if !alive(p.PID) {
			t.Fatalf("plugin %s pid %d is not alive", p.Product, p.PID)
		}
	}

	t.Run("a killed plugin comes back, the rest is unaffected", func(t *testing.T) {
		if err := syscall.Kill(pids["vetpet"], syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "vetpet is restarted", 30*time.Second, func() bool {
			for _, p := range s.ready(t).Plugins {
				if p.Product == "vetpet" {
					return p.Status == "running" && p.Restarts == 1 && p.PID != pids["vetpet"]
				}
			}
			return false
		})
		if status, _ := s.get(t, "astars.localhost", "/api/v1/products"); status != 200 {
			t.Fatalf("astars products = %d", status)
		}
		for _, p := range s.ready(t).Plugins {
			pids[p.Product] = p.PID
		}
	})

	t.Run("SIGTERM shuts down cleanly with no plugin left", func(t *testing.T) {
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-s.done:
			if err != nil {
				t.Fatalf("platform exited with %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("platform did not stop within 30 s (SECURITY.md 20)")
		}
		for name, pid := range pids {
			if alive(pid) {
				t.Errorf("plugin %s (pid %d) outlived the platform", name, pid)
			}
		}
	})
}

// TestHostKilledLeavesNoPlugins: even a SIGKILLed platform takes its
// plugins with it (Pdeathsig plus the plugins watching their parent).
func TestHostKilledLeavesNoPlugins(t *testing.T) {
	s := startServer(t, dbtest.URL(t))
	var pids []int
	for _, p := range s.ready(t).Plugins {
		pids = append(pids, p.PID)
	}
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-s.done
	waitFor(t, "the plugins die with their host", 10*time.Second, func() bool {
		for _, pid := range pids {
			if alive(pid) {
				return false
			}
		}
		return true
	})
}

func TestCommands(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		args    []string
		wantErr bool
		want    []string
	}{
		{name: "version", args: []string{"version"}, want: []string{"platform "}},
		{name: "help", args: []string{"help"}, want: []string{"serve", "migrate", "sync", "plugin", "version"}},
		{name: "unknown command", args: []string{"frobnicate"}, wantErr: true, want: []string{`unknown command "frobnicate"`}},
		{name: "bad flag", args: []string{"serve", "--port", "1"}, wantErr: true, want: []string{"flag provided but not defined"}},
		{name: "clock refused in prod", env: []string{"PLATFORM_ENV=prod", "PLATFORM_CLOCK=2026-01-15T14:00:00+03:00"},
			args: []string{"migrate", "--db", "sqlite://x.db"}, wantErr: true, want: []string{"refused in prod"}},
		{name: "unsupported database", args: []string{"migrate", "--db", "mysql://x"}, wantErr: true, want: []string{"unsupported database URL"}},
		{name: "check data", args: []string{"sync", "--check"}, want: []string{"data files are valid: 3 tenants, 4 offers, 2 products"}},
		{name: "plugin without a name", args: []string{"plugin"}, wantErr: true, want: []string{"usage: platform plugin <product>"}},
		{name: "unknown plugin", args: []string{"plugin", "nosuch"}, wantErr: true, want: []string{"nosuch"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := command(t, tt.env, tt.args...)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v\n%s", err, tt.wantErr, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestMigrateAndSyncAreIdempotent(t *testing.T) {
	dbURL := dbtest.URL(t)
	out, err := command(t, nil, "migrate", "--db", dbURL)
	if err != nil || !strings.Contains(out, "applied") {
		t.Fatalf("first migrate: %v\n%s", err, out)
	}
	out, err = command(t, nil, "migrate", "--db", dbURL)
	if err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("second migrate: %v\n%s", err, out)
	}
	out, err = command(t, nil, "sync", "--db", dbURL)
	if err != nil || !strings.Contains(out, "created  package  jetmoney/licence/PET18") {
		t.Fatalf("first sync: %v\n%s", err, out)
	}
	out, err = command(t, nil, "sync", "--db", dbURL)
	if err != nil || !strings.Contains(out, "nothing changed") {
		t.Fatalf("second sync: %v\n%s", err, out)
	}
}

// TestSyncRefusesABadFileWholly: a schema error names file and line, and
// nothing of the data set is applied.
func TestSyncRefusesABadFileWholly(t *testing.T) {
	dbURL := dbtest.URL(t)
	dir := t.TempDir()
	src, err := filepath.Abs("../../tenants")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	offer := filepath.Join(dir, "jetmoney", "offers", "licence.yaml")
	b, err := os.ReadFile(offer)
	if err != nil {
		t.Fatal(err)
	}
	// Break one package's term: a package must have days or months.
	bad := strings.Replace(string(b), "term: {days: 21}", "term: {weeks: 3}", 1)
	if bad == string(b) {
		t.Fatal("fixture: no 21-day term found to break")
	}
	if err := os.WriteFile(offer, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := command(t, nil, "sync", "--db", dbURL, "--dir", dir)
	if err == nil {
		t.Fatalf("sync accepted a bad file:\n%s", out)
	}
	line := 0
	for i, l := range strings.Split(bad, "\n") {
		if strings.Contains(l, "weeks") {
			line = i + 1
			break
		}
	}
	if want := fmt.Sprintf("jetmoney/offers/licence.yaml:%d:", line); !strings.Contains(out, want) {
		t.Fatalf("error does not point at %s:\n%s", want, out)
	}
	// Nothing applied: a later good sync creates everything from scratch.
	out, err = command(t, nil, "sync", "--db", dbURL)
	if err != nil || !strings.Contains(out, "created  tenant   vetpet") {
		t.Fatalf("good sync after the refused one: %v\n%s", err, out)
	}
}

// TestAdminCreateUserSignsIn bootstraps a vendor admin with the CLI, then
// signs them in by an e-mail code and checks their role.
func TestAdminCreateUserSignsIn(t *testing.T) {
	dbURL := dbtest.URL(t)
	out, err := command(t, nil, "admin", "create-user", "--db", dbURL, "--tenant", "vetpet",
		"--email", "boss@vet-pet.online", "--name", "Главный администратор", "--role", "vendor_admin")
	if err != nil || !strings.Contains(out, "role vendor_admin (scope *)") {
		t.Fatalf("create-user: %v\n%s", err, out)
	}
	if out, err := command(t, nil, "admin", "create-user", "--db", dbURL, "--tenant", "vetpet",
		"--email", "BOSS@vet-pet.online", "--name", "Другой", "--role", "support"); err == nil || !strings.Contains(out, "already has an account") {
		t.Fatalf("second create-user with the same e-mail: %v\n%s", err, out)
	}
	s := startServer(t, dbURL)
	if status, body := s.postJSON(t, "vetpet.localhost", "/api/v1/auth/email/start", `{"email":"boss@vet-pet.online"}`); status != 200 {
		t.Fatalf("email/start = %d %s", status, body)
	}
	code := codeIn(t, outboxText(t, s, "vetpet.localhost", "boss@vet-pet.online", "auth.login_code"))
	status, body := s.postJSON(t, "vetpet.localhost", "/api/v1/auth/email/verify", `{"email":"boss@vet-pet.online","code":"`+code+`"}`)
	if status != 200 {
		t.Fatalf("email/verify = %d %s", status, body)
	}
	var login struct{ Token string }
	_ = json.Unmarshal(body, &login)
	req, _ := http.NewRequest("GET", "http://"+s.addr+"/api/v1/me", nil)
	req.Host = "vetpet.localhost"
	req.Header.Set("Authorization", "Bearer "+login.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var me struct {
		Kind  string
		Roles []string
	}
	_ = json.NewDecoder(res.Body).Decode(&me)
	if me.Kind != "staff" || len(me.Roles) != 1 || me.Roles[0] != "vendor_admin" {
		t.Fatalf("me = %+v", me)
	}
}
