package sdk

import (
	"errors"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
)

// Environment the host sets for a plugin process.
const (
	// EnvParentPID holds the host's pid. The plugin exits as soon as its
	// parent is another process: the host died, even by SIGKILL, and the
	// plugin was re-parented.
	EnvParentPID = "CONSULT_PLUGIN_PARENT_PID"
	// EnvLogLevel is the host's log level (trace … error), so the plugin
	// does not send lines the host would drop.
	EnvLogLevel = "CONSULT_PLUGIN_LOG_LEVEL"
)

// ErrNotPlugin is returned by Serve when the process was not started by
// the platform host (the handshake cookie is missing).
var ErrNotPlugin = errors.New("sdk: this command runs a product plugin; the platform starts it, it is not run by hand")

// parentPoll is how often a plugin checks that its host is alive. The
// host's Pdeathsig (Linux) kills the plugin at once; this is the second
// wall, for other systems and for the window before Pdeathsig is armed.
const parentPoll = 500 * time.Millisecond

// Serve serves p as a go-plugin gRPC plugin and returns when the host
// closes the connection. Nothing may be written to stdout before it:
// go-plugin reads the handshake line from the plugin's stdout. Logs go to
// stderr as JSON, which the host re-emits through its own logger.
func Serve(p Product) error {
	if os.Getenv(Handshake.MagicCookieKey) != Handshake.MagicCookieValue {
		return ErrNotPlugin
	}
	logger := hclog.New(&hclog.LoggerOptions{
		Name:       "product",
		Output:     os.Stderr,
		JSONFormat: true,
		Level:      hclog.LevelFromString(os.Getenv(EnvLogLevel)),
	})
	if logger.GetLevel() == hclog.NoLevel {
		logger.SetLevel(hclog.Info)
	}
	watchParent(expectedParent(), parentPoll, func() {
		logger.Warn("host process is gone; exiting")
		os.Exit(3)
	})
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: PluginSets(p, logger),
		GRPCServer:       plugin.DefaultGRPCServer,
		Logger:           logger,
	})
	return nil
}

// expectedParent is the host's pid as the host announced it, or our
// parent now when it did not (a plugin started by another host).
func expectedParent() int {
	if pid, err := strconv.Atoi(os.Getenv(EnvParentPID)); err == nil && pid > 1 {
		return pid
	}
	return os.Getppid()
}

// watchParent calls gone once the process's parent is no longer want. The
// first check runs before it returns, so a host that died between fork and
// this call is caught too.
func watchParent(want int, every time.Duration, gone func()) {
	if os.Getppid() != want {
		gone()
		return
	}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for range t.C {
			if os.Getppid() != want {
				gone()
				return
			}
		}
	}()
}
