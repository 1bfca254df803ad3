package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"sort"

	"github.com/consult/platform/plugins/sdk"
	"github.com/consult/platform/products"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

// loadData reads and validates the tenant data files (embedded, or from
// dir) and the built-in products' specs. A schema problem stops here with
// file, line and reason, before anything touches the database.
func loadData(ctx context.Context, dir string) (tenantsdb.Input, error) {
	var fsys fs.FS = tenants.Files()
	source := "embedded"
	if dir != "" {
		fsys, source = os.DirFS(dir), dir
	}
	reg, err := tenants.Load(fsys, products.ServiceKinds)
	if err != nil {
		return tenantsdb.Input{}, err
	}
	specs, err := productSpecs(ctx)
	if err != nil {
		return tenantsdb.Input{}, err
	}
	return tenantsdb.Input{
		Tenants:  reg.Tenants(),
		File:     reg.File,
		Products: specs,
		Source:   source,
	}, nil
}

// productSpecs describes every built-in product in-process: sync must not
// depend on plugin processes being up, and the spec is the same code.
func productSpecs(ctx context.Context) (map[string]json.RawMessage, error) {
	builtin := products.Builtin()
	ids := make([]string, 0, len(builtin))
	for id := range builtin {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make(map[string]json.RawMessage, len(ids))
	for _, id := range ids {
		spec, err := builtin[id].Describe(ctx, sdk.Call{Locale: "ru"})
		if err != nil {
			return nil, fmt.Errorf("describe product %s: %w", id, err)
		}
		b, err := json.Marshal(spec)
		if err != nil {
			return nil, fmt.Errorf("encode product %s: %w", id, err)
		}
		out[id] = b
	}
	return out, nil
}
