package web_test

import (
	"io"
	"net/http/httptest"
	"strings"
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

// BenchmarkCheckout measures the checkout's writes through the whole stack:
// a quote (one offer read) and placing an order with its sandbox payment
// (order, event and payment rows in their transactions).
func BenchmarkCheckout(b *testing.B) {
	e := newEnv(b)
	for _, bc := range []struct{ name, path, body string }{
		{"quote", "/api/v1/orders/quote", `{"offer_id":"retail","package_code":"diet_consultation"}`},
		{"place-and-start-payment", "/api/v1/orders", orderBody + `}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("POST", bc.path, strings.NewReader(bc.body))
				req.Host = "vetpet.localhost"
				req.Header.Set("Content-Type", "application/json")
				res, err := e.srv.App().Test(req, -1)
				if err != nil || res.StatusCode >= 300 {
					b.Fatalf("%v %v", err, res.StatusCode)
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		})
	}
}
