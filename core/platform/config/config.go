// Package config is the platform's one typed configuration: defaults from
// configs/platform.yaml, overridden by the environment, overridden by
// command-line flags. Secrets are read from the environment only and never
// appear in the defaults file.
package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/rawbytes"
	"github.com/knadh/koanf/v2"

	"github.com/consult/platform/configs"
)

// Environments. Prod refuses dev-only features (a shifted clock, the dev
// outbox, demo data).
const (
	EnvDev  = "dev"
	EnvProd = "prod"
)

// Config is everything the platform reads at start.
type Config struct {
	Env     string  `koanf:"env"`
	Addr    string  `koanf:"addr"`
	DB      string  `koanf:"db"`
	Clock   string  `koanf:"clock"`
	Log     Log     `koanf:"log"`
	HTTP    HTTP    `koanf:"http"`
	Data    Data    `koanf:"data"`
	Plugins Plugins `koanf:"plugins"`
}

// Log configures slog.
type Log struct {
	Level  string `koanf:"level"`
	Format string `koanf:"format"`
}

// HTTP configures the web server.
type HTTP struct {
	ReadTimeout     time.Duration `koanf:"read_timeout"`
	WriteTimeout    time.Duration `koanf:"write_timeout"`
	IdleTimeout     time.Duration `koanf:"idle_timeout"`
	BodyLimit       int           `koanf:"body_limit"`
	ShutdownTimeout time.Duration `koanf:"shutdown_timeout"`
	TrustedProxies  []string      `koanf:"trusted_proxies"`
}

// Data says where tenant and product data files come from.
type Data struct {
	Dir            string        `koanf:"dir"`
	ReloadInterval time.Duration `koanf:"reload_interval"`
}

// Plugins configures the product plugin host.
type Plugins struct {
	BackoffInitial time.Duration    `koanf:"backoff_initial"`
	BackoffMax     time.Duration    `koanf:"backoff_max"`
	External       []ExternalPlugin `koanf:"external"`
}

// ExternalPlugin is a product plugin binary outside the platform binary.
type ExternalPlugin struct {
	Name   string `koanf:"name"`
	Path   string `koanf:"path"`
	SHA256 string `koanf:"sha256"`
}

// Load reads the defaults and the environment (lookup is os.LookupEnv in
// production, a map in tests).
func Load(environ []string) (Config, error) {
	k := koanf.New(".")
	defaults, err := configs.FS.ReadFile("platform.yaml")
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	if err := k.Load(rawbytes.Provider(defaults), yaml.Parser()); err != nil {
		return Config{}, fmt.Errorf("config: defaults: %w", err)
	}
	// PLATFORM_HTTP__BODY_LIMIT → http.body_limit; PLATFORM_DB → db.
	envProvider := env.Provider(".", env.Opt{
		Prefix: "PLATFORM_",
		TransformFunc: func(key, value string) (string, any) {
			key = strings.ToLower(strings.TrimPrefix(key, "PLATFORM_"))
			key = strings.ReplaceAll(key, "__", ".")
			if key == "http.trusted_proxies" {
				return key, strings.Fields(strings.ReplaceAll(value, ",", " "))
			}
			return key, value
		},
		EnvironFunc: func() []string { return environ },
	})
	if err := k.Load(envProvider, nil); err != nil {
		return Config{}, fmt.Errorf("config: environment: %w", err)
	}
	var c Config
	if err := k.UnmarshalWithConf("", &c, koanf.UnmarshalConf{Tag: "koanf"}); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

// FromOS loads the configuration from the process environment.
func FromOS() (Config, error) { return Load(os.Environ()) }

// Validate refuses settings that cannot work or that prod forbids.
func (c Config) Validate() error {
	var problems []string
	switch c.Env {
	case EnvDev, EnvProd:
	default:
		problems = append(problems, fmt.Sprintf("env %q: want dev or prod", c.Env))
	}
	if c.Addr == "" {
		problems = append(problems, "addr is empty")
	}
	if c.DB == "" {
		problems = append(problems, "db is empty")
	}
	if c.Clock != "" {
		if c.Env == EnvProd {
			problems = append(problems, "PLATFORM_CLOCK is a dev-only feature and is refused in prod")
		} else if _, err := c.ClockStart(); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if c.HTTP.BodyLimit <= 0 {
		problems = append(problems, "http.body_limit must be positive")
	}
	for _, p := range c.Plugins.External {
		if p.Name == "" || p.Path == "" || len(p.SHA256) != 64 {
			problems = append(problems, fmt.Sprintf("external plugin %q: name, path and a 64-hex-digit sha256 are required", p.Name))
		}
	}
	if len(problems) > 0 {
		return errors.New("config: " + strings.Join(problems, "; "))
	}
	return nil
}

// ClockStart parses the dev clock's start instant.
func (c Config) ClockStart() (time.Time, error) {
	t, err := time.Parse(time.RFC3339, c.Clock)
	if err != nil {
		return time.Time{}, fmt.Errorf("PLATFORM_CLOCK %q: want an RFC 3339 instant such as 2026-01-15T14:00:00+03:00", c.Clock)
	}
	return t, nil
}
