package sdk

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary plays the processes of the parent-watch test:
// SDK_TEST_ROLE=middle starts a child and waits to be killed; =child runs
// watchParent and exits only through it.
func TestMain(m *testing.M) {
	switch os.Getenv("SDK_TEST_ROLE") {
	case "middle":
		child := exec.Command(os.Args[0])
		// No Pdeathsig here: the child's own watch is what is tested.
		child.Env = append(os.Environ(), "SDK_TEST_ROLE=child", EnvParentPID+"="+strconv.Itoa(os.Getpid()))
		child.Stderr = os.Stderr
		if err := child.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("child %d\n", child.Process.Pid)
		select {}
	case "child":
		watchParent(expectedParent(), 50*time.Millisecond, func() { os.Exit(3) })
		select {}
	}
	os.Exit(m.Run())
}

func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || (s[i+2] != 'Z' && s[i+2] != 'X')
}

// TestPluginExitsWhenParentDies is the second wall against orphans: with
// no Pdeathsig, a plugin whose parent is SIGKILLed still exits by itself.
func TestPluginExitsWhenParentDies(t *testing.T) {
	middle := exec.Command(os.Args[0])
	middle.Env = append(os.Environ(), "SDK_TEST_ROLE=middle")
	out, err := middle.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := middle.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = middle.Process.Kill(); _ = middle.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "child ")))
	if err != nil {
		t.Fatalf("middle said %q", line)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	if !alive(pid) {
		t.Fatalf("child %d is not running", pid)
	}

	if err := middle.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = middle.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("child %d outlived its parent", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
