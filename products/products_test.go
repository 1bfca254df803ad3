package products_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/products"
)

// The service-kind keys are fixed: tenants' offers refer to them.
func TestServiceKinds(t *testing.T) {
	cases := []struct {
		product string
		want    []string
		ok      bool
	}{
		{"vetpet", []string{"vet_consultation", "video_consultation", "second_opinion", "owner_rights_transport", "diet_selection", "lab_results"}, true},
		{"astars", []string{"natal_chart", "monthly_forecast", "event_date_selection", "compatibility", "audio_consultation", "written_consultation"}, true},
		{"jetmoney", nil, false},
	}
	for _, c := range cases {
		t.Run(c.product, func(t *testing.T) {
			got, ok := products.ServiceKinds(c.product)
			if ok != c.ok || !slices.Equal(got, c.want) {
				t.Errorf("ServiceKinds(%q) = %v, %v; want %v, %v", c.product, got, ok, c.want, c.ok)
			}
		})
	}
}

func TestBuiltin(t *testing.T) {
	b := products.Builtin()
	names := make([]string, 0, len(b))
	for name, p := range b {
		names = append(names, name)
		spec, err := p.Describe(t.Context(), sdk.Call{})
		if err != nil || spec.Product != name {
			t.Errorf("%s describes %q, %v", name, spec.Product, err)
		}
		if !products.IsBuiltin(name) {
			t.Errorf("IsBuiltin(%q) = false", name)
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, products.Names()) {
		t.Errorf("Builtin() has %v, Names() says %v", names, products.Names())
	}
}

func TestServePlugin(t *testing.T) {
	t.Setenv(sdk.Handshake.MagicCookieKey, "")
	if err := products.ServePlugin("horoscope"); err == nil || !strings.Contains(err.Error(), "unknown product") {
		t.Errorf("unknown product: %v", err)
	}
	if err := products.ServePlugin("vetpet"); !errors.Is(err, sdk.ErrNotPlugin) {
		t.Errorf("run by hand: %v, want sdk.ErrNotPlugin", err)
	}
}
