package main

import (
	"errors"
	"log/slog"

	"github.com/consult/platform/core/platform/config"
	"github.com/consult/platform/core/web"
	"github.com/consult/platform/plugins/host"
	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/products"
)

// runPlugin serves `platform plugin <product>`: the process the host
// starts for a built-in product. Nothing may reach stdout before the
// go-plugin handshake, so errors go to stderr only.
func runPlugin(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: platform plugin <product>")
	}
	return products.ServePlugin(args[0])
}

// hostConfig declares every built-in product and the configured external
// plugins (checked against their sha256 before every start).
func hostConfig(cfg config.Config, exe string, log *slog.Logger) host.Config {
	hc := host.Config{
		Executable:     exe,
		Logger:         log,
		BackoffInitial: cfg.Plugins.BackoffInitial,
		BackoffMax:     cfg.Plugins.BackoffMax,
	}
	for _, name := range products.Names() {
		hc.Plugins = append(hc.Plugins, host.Declaration{Name: name, Builtin: true})
	}
	for _, p := range cfg.Plugins.External {
		hc.Plugins = append(hc.Plugins, host.Declaration{Name: p.Name, Path: p.Path, SHA256: p.SHA256})
	}
	return hc
}

// productsAdapter shows the plugin host to the web layer.
type productsAdapter struct{ m *host.Manager }

func (a productsAdapter) Spec(product string) (sdk.Spec, bool) { return a.m.Spec(product) }

func (a productsAdapter) PluginStates() []web.PluginState {
	states := a.m.States()
	out := make([]web.PluginState, 0, len(states))
	for _, s := range states {
		out = append(out, web.PluginState{Product: s.Product, PID: s.PID, Restarts: s.Restarts,
			Status: string(s.Status), LastError: s.LastError, StartedAt: s.StartedAt})
	}
	return out
}
