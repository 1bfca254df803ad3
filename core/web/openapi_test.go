package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/consult/platform/core/web"
)

var fiberParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// TestEveryRouteIsDocumented: a route of the JSON API that the OpenAPI
// document does not describe is a contract nobody can read, so every
// /api/v1 route the server registers (with every optional service wired)
// must be there with its method. The dev outbox (absent in prod) and the
// document itself are the exceptions.
func TestEveryRouteIsDocumented(t *testing.T) {
	e := newEnv(t)
	doc, err := openapi3.NewLoader().LoadFromData(web.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range e.srv.App().GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == "HEAD" || strings.HasPrefix(r.Path, "/api/v1/dev/") ||
			r.Path == "/api/v1/openapi.yaml" {
			continue
		}
		path := fiberParam.ReplaceAllString(strings.TrimPrefix(r.Path, "/api/v1"), "{$1}")
		key := r.Method + " " + path
		if seen[key] {
			continue
		}
		seen[key] = true
		t.Run(key, func(t *testing.T) {
			item := doc.Paths.Find(path)
			if item == nil || item.GetOperation(r.Method) == nil {
				t.Fatalf("%s is not in core/web/openapi.yaml", key)
			}
		})
	}
	if len(seen) < 30 {
		t.Fatalf("only %d API routes found: is the server wired?", len(seen))
	}
}
