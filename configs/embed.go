// Package configs embeds the platform's configuration data — defaults,
// the RBAC model and base policy, locales and work calendars — so the one
// binary runs with nothing else on disk.
package configs

import "embed"

// FS holds every configuration file of this folder that the platform reads.
//
//go:embed platform.yaml rbac locales calendars
var FS embed.FS
