// Package config is the platform's one typed configuration: defaults from
// configs/platform.yaml, overridden by the environment, overridden by
// command-line flags. Secrets are read from the environment only and never
// appear in the defaults file.
package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
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
	Notify  Notify  `koanf:"notify"`
	// Payments: which provider takes each tenant's payments (payments.go).
	Payments Payments `koanf:"payments"`
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

// Notify configures the delivery of notifications (core/notify): the
// SMTP server for e-mail, the SMS provider and the outbox worker. In dev a
// missing provider means its channel lands only in the dev outbox; prod
// refuses to start without both.
type Notify struct {
	SMTP   SMTP         `koanf:"smtp"`
	SMS    SMS          `koanf:"sms"`
	Worker NotifyWorker `koanf:"worker"`
}

// SMTP is the mail server e-mail goes through.
type SMTP struct {
	Host     string `koanf:"host"` // empty: no e-mail provider (dev outbox only; refused in prod)
	Port     int    `koanf:"port"`
	Username string `koanf:"username"` // empty: no SMTP AUTH
	// Password comes from PLATFORM_SMTP_PASSWORD only; the tag keeps the
	// file and PLATFORM_NOTIFY__SMTP__PASSWORD from setting it.
	Password string        `koanf:"-"`
	From     string        `koanf:"from"`
	FromName string        `koanf:"from_name"`
	TLS      string        `koanf:"tls"` // mandatory, opportunistic or none (local relays in dev)
	Timeout  time.Duration `koanf:"timeout"`
}

// SMS is the SMS provider.
type SMS struct {
	Provider string `koanf:"provider"` // smsru or none
	BaseURL  string `koanf:"base_url"`
	From     string `koanf:"from"` // sender name approved by the provider; empty: the account's default
	// APIID comes from PLATFORM_SMSRU_API_ID only.
	APIID   string        `koanf:"-"`
	Timeout time.Duration `koanf:"timeout"`
}

// NotifyWorker tunes the outbox worker (notify.WorkerOptions).
type NotifyWorker struct {
	Interval       time.Duration `koanf:"interval"`
	Batch          int           `koanf:"batch"`
	Lease          time.Duration `koanf:"lease"`
	MaxAttempts    int           `koanf:"max_attempts"`
	BackoffInitial time.Duration `koanf:"backoff_initial"`
	BackoffMax     time.Duration `koanf:"backoff_max"`
}

// Secrets of the notification providers, read from the environment only.
const (
	EnvSMTPPassword = "PLATFORM_SMTP_PASSWORD"
	EnvSMSRuAPIID   = "PLATFORM_SMSRU_API_ID"
)

// SMS providers.
const (
	SMSProviderSMSRu = "smsru"
	SMSProviderNone  = "none"
)

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
			if key == EnvSMTPPassword || key == EnvSMSRuAPIID || strings.HasPrefix(key, EnvYooKassaSecretPrefix) {
				return "", nil // secrets are read below, and never enter the key map
			}
			key = strings.ToLower(strings.TrimPrefix(key, "PLATFORM_"))
			key = strings.ReplaceAll(key, "__", ".")
			if key == "http.trusted_proxies" || key == "payments.yookassa.networks" {
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
	c.Notify.SMTP.Password = lookup(environ, EnvSMTPPassword)
	c.Notify.SMS.APIID = lookup(environ, EnvSMSRuAPIID)
	c.Payments.readSecrets(environ)
	return c, nil
}

// lookup returns the last value of name in environ, as the shell would.
func lookup(environ []string, name string) string {
	var v string
	for _, kv := range environ {
		if val, ok := strings.CutPrefix(kv, name+"="); ok {
			v = val
		}
	}
	return v
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
	problems = append(problems, c.Notify.problems(c.Env)...)
	problems = append(problems, c.Payments.problems(c.Env)...)
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

// problems checks the notification settings. Prod must reach people, so
// both providers are required there and e-mail must be encrypted; dev
// without a provider delivers that channel to the dev outbox only.
func (n Notify) problems(env string) []string {
	var out []string
	prod := env == EnvProd
	switch n.SMTP.TLS {
	case "mandatory", "opportunistic":
	case "none":
		if prod {
			out = append(out, "notify.smtp.tls none sends mail in clear and is refused in prod: use mandatory")
		}
	default:
		out = append(out, fmt.Sprintf("notify.smtp.tls %q: want mandatory, opportunistic or none", n.SMTP.TLS))
	}
	if n.SMTP.Host == "" {
		if prod {
			out = append(out, "notify.smtp.host is required in prod: e-mail cannot be delivered without an SMTP server "+
				"(set PLATFORM_NOTIFY__SMTP__HOST, PLATFORM_NOTIFY__SMTP__FROM and, with a username, "+EnvSMTPPassword+")")
		}
	} else {
		if n.SMTP.Port < 1 || n.SMTP.Port > 65535 || n.SMTP.Port == 465 {
			out = append(out, fmt.Sprintf("notify.smtp.port %d: want a port such as 587 (STARTTLS); 465 (implicit TLS) is not supported", n.SMTP.Port))
		}
		if a, err := mail.ParseAddress(n.SMTP.From); err != nil || a.Address != n.SMTP.From {
			out = append(out, fmt.Sprintf("notify.smtp.from %q: want a bare e-mail address", n.SMTP.From))
		}
		if n.SMTP.Username != "" && n.SMTP.Password == "" {
			out = append(out, EnvSMTPPassword+" is required when notify.smtp.username is set")
		}
	}
	switch n.SMS.Provider {
	case SMSProviderSMSRu:
		if n.SMS.APIID == "" {
			out = append(out, EnvSMSRuAPIID+" is required when notify.sms.provider is smsru")
		}
		if u, err := url.Parse(n.SMS.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			out = append(out, fmt.Sprintf("notify.sms.base_url %q: want an http(s) URL", n.SMS.BaseURL))
		}
	case SMSProviderNone, "":
		if prod {
			out = append(out, "notify.sms.provider is required in prod: login codes cannot reach phones without one "+
				"(set PLATFORM_NOTIFY__SMS__PROVIDER=smsru and "+EnvSMSRuAPIID+")")
		}
	default:
		out = append(out, fmt.Sprintf("notify.sms.provider %q: want smsru or none", n.SMS.Provider))
	}
	w := n.Worker
	if w.Interval <= 0 || w.Batch <= 0 || w.Lease <= 0 || w.MaxAttempts <= 0 || w.BackoffInitial <= 0 || w.BackoffMax < w.BackoffInitial {
		out = append(out, "notify.worker: interval, batch, lease, max_attempts and backoff_initial must be positive, backoff_max at least backoff_initial")
	}
	// A send must end well inside its lease, or a second worker could
	// claim the message while the first is still sending it.
	if longest := max(n.SMTP.Timeout, n.SMS.Timeout); w.Lease > 0 && w.Lease < 2*longest {
		out = append(out, fmt.Sprintf("notify.worker.lease %s must be at least twice the longest send timeout (%s)", w.Lease, longest))
	}
	return out
}
