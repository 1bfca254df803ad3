package web_test

import (
	"io"
	"net/http/httptest"
	"testing"
)

// BenchmarkPublicReads measures the hottest public routes through the whole
// fiber stack (app.Test adds a pipe per request, so absolute figures are
// lower than over a socket; see BENCHMARKS.md for wrk figures).
func BenchmarkPublicReads(b *testing.B) {
	e := newEnv(b)
	for _, bc := range []struct{ name, host, path string }{
		{"site", "jetmoney.localhost", "/api/v1/site"},
		{"offers-46-packages", "jetmoney.localhost", "/api/v1/offers"},
		{"home-46-packages", "jetmoney.localhost", "/"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", bc.path, nil)
			req.Host = bc.host
			for b.Loop() {
				res, err := e.srv.App().Test(req, -1)
				if err != nil || res.StatusCode != 200 {
					b.Fatalf("%v %v", err, res.StatusCode)
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		})
	}
}
