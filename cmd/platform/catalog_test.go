package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/tenants/tenantsdb"
)

// TestSeedDemoCommand runs `platform seed-demo` in process: the first run
// seeds VetPet's and Astars' demo catalogues as the guides show them, a
// second run changes nothing, and --tenant limits it to one tenant.
func TestSeedDemoCommand(t *testing.T) {
	ctx := context.Background()
	url := dbtest.URL(t)
	seed := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"seed-demo", "--db", url}, args...), nil, &out, io.Discard)
		return out.String(), err
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"first run", nil, []string{
			// seed 000: fig. 3 and 30, fig. 5, «Полезное», fig. 7.
			"vetpet: seeded 2 services, 1 specialists, 3 articles, 4 FAQ items",
			// seed 002: «Консультации», fig. 4, «Блог», fig. 7.
			"astars: seeded 2 services, 2 specialists, 3 articles, 4 FAQ items",
			"jetmoney: no demo catalogue",
		}},
		{"second run", nil, []string{"vetpet: the catalogue has content, left as it is", "astars: the catalogue has content, left as it is"}},
		{"one tenant", []string{"--tenant", "astars"}, []string{"astars: the catalogue has content, left as it is"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := seed(tt.args...)
			if err != nil {
				t.Fatalf("seed-demo: %v\n%s", err, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if len(tt.args) > 0 && strings.Contains(out, "vetpet") {
				t.Errorf("--tenant astars touched vetpet:\n%s", out)
			}
		})
	}
	t.Run("an unknown tenant is a usage error", func(t *testing.T) {
		var usage usageError
		if _, err := seed("--tenant", "nope"); !errors.As(err, &usage) {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestSeedDemos: a tenant without a demo file is skipped; a broken one
// stops seeding with its file named and leaves that tenant's catalogue
// empty — and serve's start logs it rather than failing.
func TestSeedDemos(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	in, err := loadData(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tenantsdb.Sync(ctx, d, in, time.Now()); err != nil {
		t.Fatal(err)
	}
	svc := newCatalog(d, clock.System{})
	fsys := fstest.MapFS{
		"astars/catalog.yaml": {Data: []byte("faq:\n  - question: Вопрос?\n    answr: опечатка\n")},
	}
	outcomes, err := seedDemos(ctx, svc, fsys, []string{"vetpet", "astars"})
	if err == nil || !strings.Contains(err.Error(), "astars/catalog.yaml") {
		t.Fatalf("err = %v", err)
	}
	if len(outcomes) != 1 || !outcomes[0].NoFile || outcomes[0].Tenant != "vetpet" {
		t.Fatalf("outcomes = %+v", outcomes)
	}
	var logged bytes.Buffer
	seedAtStart(ctx, svc, fsys, in, slog.New(slog.NewTextHandler(&logged, nil)))
	if !strings.Contains(logged.String(), "demo catalogue not seeded") {
		t.Fatalf("log = %s", logged.String())
	}
}
