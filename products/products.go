// Package products is the registry of the products built into the platform
// binary. `platform plugin <name>` serves one of them as a plugin process
// (ServePlugin); the host starts those processes by name; data loaders read
// a product's service kinds straight from its embedded product.yaml
// (ServiceKinds) without starting anything.
package products

import (
	"fmt"
	"slices"

	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/products/astars"
	"github.com/consult/platform/products/vetpet"
)

// Names returns the names of the built-in products, sorted.
func Names() []string { return []string{"astars", "vetpet"} }

// Builtin returns a fresh instance of every built-in product by name.
func Builtin() map[string]sdk.Product {
	return map[string]sdk.Product{
		"astars": astars.New(),
		"vetpet": vetpet.New(),
	}
}

// ServePlugin serves the built-in product name as a plugin: the body of
// `platform plugin <name>`. It returns when the host closes the plugin, and
// fails for an unknown name or when the process was not started by the
// host (sdk.ErrNotPlugin). Nothing may be written to stdout before it.
func ServePlugin(name string) error {
	p, ok := Builtin()[name]
	if !ok {
		return fmt.Errorf("products: unknown product %q (built in: %v)", name, Names())
	}
	return sdk.Serve(p)
}

// ServiceKinds returns the service-kind keys of a built-in product, read
// from its embedded product.yaml. ok is false for an unknown product.
func ServiceKinds(product string) ([]string, bool) {
	s, ok := Spec(product)
	if !ok {
		return nil, false
	}
	return s.ServiceKindKeys(), true
}

// Spec returns a built-in product's spec from its embedded product.yaml.
func Spec(product string) (sdk.Spec, bool) {
	switch product {
	case "astars":
		return astars.New().Spec(), true
	case "vetpet":
		return vetpet.New().Spec(), true
	}
	return sdk.Spec{}, false
}

// IsBuiltin reports whether name is a built-in product.
func IsBuiltin(name string) bool { return slices.Contains(Names(), name) }
