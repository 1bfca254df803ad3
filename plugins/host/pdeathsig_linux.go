//go:build linux

package host

import (
	"os/exec"
	"syscall"
)

// setPdeathsig asks the kernel to SIGKILL the plugin when its parent dies,
// so a host killed by SIGKILL (no deferred cleanup runs) leaves no orphan.
//
// The kernel ties the signal to the parent *thread*, not the process
// (prctl(2) PR_SET_PDEATHSIG): if the OS thread that forked the plugin
// exits, the plugin dies with it. The Go runtime ends a thread only when a
// goroutine locked to it exits, which is why each supervisor locks its own
// thread for as long as it manages a plugin (see supervise).
func setPdeathsig(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
