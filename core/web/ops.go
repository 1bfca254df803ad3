package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/consult/platform/plugins/sdk"
)

// Products gives the cached product specs and the plugin processes' state.
type Products interface {
	Spec(product string) (sdk.Spec, bool)
	PluginStates() []PluginState
}

// PluginState is one plugin process as /readyz shows it.
type PluginState struct {
	Product   string    `json:"product"`
	PID       int       `json:"pid"`
	Restarts  int       `json:"restarts"`
	Status    string    `json:"status"` // starting, running, restarting, failed
	LastError string    `json:"last_error,omitempty"`
	StartedAt time.Time `json:"started_at,omitzero"`
}

type readyResponse struct {
	Status      string        `json:"status"` // ok, degraded (a plugin is down), unavailable (no database)
	Version     string        `json:"version"`
	Database    checkJSON     `json:"database"`
	DataVersion int64         `json:"data_version"`
	Plugins     []PluginState `json:"plugins"`
	Uptime      string        `json:"uptime"`
}

type checkJSON struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// healthz answers as long as the process serves HTTP: liveness only.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz tells a load balancer whether to send traffic here: 503 without
// the database (SECURITY.md 20: losing it fails readiness, not the
// process); a plugin that is down only degrades its own product.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	r := readyResponse{Status: "ok", Version: s.Version, Database: checkJSON{Status: "ok"},
		Plugins: nonNil(s.Products.PluginStates()), Uptime: time.Since(s.started).Round(time.Second).String()}
	if dir := s.Directory.Current(); dir != nil {
		r.DataVersion = dir.Version
	}
	for _, p := range r.Plugins {
		if p.Status != "running" {
			r.Status = "degraded"
		}
	}
	status := fiber.StatusOK
	if err := s.DB.Ping(ctx); err != nil {
		// The cause can name hosts; it is logged, the probe sees a summary.
		s.log.WarnContext(ctx, "readyz: database unavailable", "err", err)
		r.Status, r.Database = "unavailable", checkJSON{Status: "error", Error: "database did not answer"}
		status = fiber.StatusServiceUnavailable
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(r)
}

func (s *Server) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.Gatherer, promhttp.HandlerOpts{}))
}
