package tenants

import (
	"embed"
	"io/fs"
)

// The data is compiled in, so the binary that serves a site carries the very
// files `platform sync` applied. A new tenant folder is added here as well.
//
//go:embed vetpet astars jetmoney
var files embed.FS

// Files returns the tenant data embedded in the binary: one folder per tenant
// holding tenant.yaml, offers/*.yaml, the legal documents and the logos.
func Files() fs.FS { return files }
