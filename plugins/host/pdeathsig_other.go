//go:build !linux

package host

import "os/exec"

// setPdeathsig does nothing where the kernel has no parent-death signal;
// the plugin's own parent watch (sdk.Serve) is the only wall there.
func setPdeathsig(*exec.Cmd) {}
