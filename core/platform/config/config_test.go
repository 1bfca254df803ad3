package config

import (
	"strings"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
		check   func(t *testing.T, c Config)
		wantErr string // substring of Validate's error; empty: valid
	}{
		{
			name:    "defaults",
			environ: nil,
			check: func(t *testing.T, c Config) {
				if c.Env != EnvDev || c.Addr != "127.0.0.1:8080" || c.DB != "sqlite://var/platform.db" {
					t.Errorf("defaults = %q %q %q", c.Env, c.Addr, c.DB)
				}
				if c.HTTP.ShutdownTimeout != 25*time.Second || c.HTTP.BodyLimit != 10<<20 {
					t.Errorf("http defaults = %+v", c.HTTP)
				}
			},
		},
		{
			name:    "environment overrides",
			environ: []string{"PLATFORM_ADDR=:9090", "PLATFORM_DB=postgres://u@h:5432/d", "PLATFORM_HTTP__BODY_LIMIT=1024", "PLATFORM_HTTP__TRUSTED_PROXIES=10.0.0.1, 10.0.0.2", "HOME=/root"},
			check: func(t *testing.T, c Config) {
				if c.Addr != ":9090" || c.DB != "postgres://u@h:5432/d" || c.HTTP.BodyLimit != 1024 {
					t.Errorf("overrides = %q %q %d", c.Addr, c.DB, c.HTTP.BodyLimit)
				}
				if strings.Join(c.HTTP.TrustedProxies, "|") != "10.0.0.1|10.0.0.2" {
					t.Errorf("trusted proxies = %q", c.HTTP.TrustedProxies)
				}
			},
		},
		{name: "dev clock accepted", environ: []string{"PLATFORM_CLOCK=2026-01-15T14:00:00+03:00"}},
		{name: "clock refused in prod", environ: []string{"PLATFORM_ENV=prod", "PLATFORM_CLOCK=2026-01-15T14:00:00+03:00"}, wantErr: "refused in prod"},
		{name: "bad clock", environ: []string{"PLATFORM_CLOCK=yesterday"}, wantErr: "RFC 3339"},
		{name: "bad env", environ: []string{"PLATFORM_ENV=staging"}, wantErr: "want dev or prod"},
		{name: "prod with providers", environ: prodNotify()},
		{
			name:    "notify defaults: dev without providers",
			environ: nil,
			check: func(t *testing.T, c Config) {
				n := c.Notify
				if n.SMTP.Host != "" || n.SMTP.Port != 587 || n.SMTP.TLS != "mandatory" || n.SMS.Provider != SMSProviderNone || n.SMS.BaseURL != "https://sms.ru" {
					t.Errorf("notify defaults = %+v", n)
				}
				if w := n.Worker; w.Interval != time.Second || w.Batch != 20 || w.Lease != time.Minute || w.MaxAttempts != 8 ||
					w.BackoffInitial != 5*time.Second || w.BackoffMax != 10*time.Minute {
					t.Errorf("worker defaults = %+v", w)
				}
			},
		},
		{
			name: "secrets come from their variables only",
			environ: append(prodNotify(), "PLATFORM_NOTIFY__SMTP__PASSWORD=from-nested-key", "PLATFORM_NOTIFY__SMS__APIID=nested",
				"PLATFORM_NOTIFY__SMS__API_ID=nested"),
			check: func(t *testing.T, c Config) {
				if c.Notify.SMTP.Password != "s3cret" || c.Notify.SMS.APIID != "key-1" {
					t.Errorf("secrets = %q %q", c.Notify.SMTP.Password, c.Notify.SMS.APIID)
				}
			},
		},
		{
			name:    "secrets are not read from nested keys or the file",
			environ: []string{"PLATFORM_NOTIFY__SMTP__PASSWORD=nested", "PLATFORM_NOTIFY__SMS__APIID=nested"},
			check: func(t *testing.T, c Config) {
				if c.Notify.SMTP.Password != "" || c.Notify.SMS.APIID != "" {
					t.Errorf("secrets = %q %q", c.Notify.SMTP.Password, c.Notify.SMS.APIID)
				}
			},
		},
		{name: "prod without clock or providers", environ: []string{"PLATFORM_ENV=prod"}, wantErr: "notify.smtp.host is required in prod"},
		{name: "prod without SMS provider", environ: without(prodNotify(), "PLATFORM_NOTIFY__SMS__PROVIDER"), wantErr: "notify.sms.provider is required in prod"},
		{name: "prod refuses mail in clear", environ: append(prodNotify(), "PLATFORM_NOTIFY__SMTP__TLS=none"), wantErr: "refused in prod"},
		{name: "dev accepts a local relay in clear", environ: []string{"PLATFORM_NOTIFY__SMTP__HOST=127.0.0.1", "PLATFORM_NOTIFY__SMTP__PORT=1025",
			"PLATFORM_NOTIFY__SMTP__FROM=dev@localhost.localdomain", "PLATFORM_NOTIFY__SMTP__TLS=none"}},
		{name: "smtp username without password", environ: without(prodNotify(), EnvSMTPPassword), wantErr: EnvSMTPPassword + " is required"},
		{name: "smsru without key", environ: []string{"PLATFORM_NOTIFY__SMS__PROVIDER=smsru"}, wantErr: EnvSMSRuAPIID + " is required"},
		{name: "unknown SMS provider", environ: []string{"PLATFORM_NOTIFY__SMS__PROVIDER=twilio"}, wantErr: "want smsru or none"},
		{name: "bad tls policy", environ: []string{"PLATFORM_NOTIFY__SMTP__TLS=maybe"}, wantErr: "want mandatory, opportunistic or none"},
		{name: "bad from address", environ: append(prodNotify(), "PLATFORM_NOTIFY__SMTP__FROM=VetPet <noreply@vet-pet.online>"), wantErr: "bare e-mail address"},
		{name: "implicit TLS port", environ: append(prodNotify(), "PLATFORM_NOTIFY__SMTP__PORT=465"), wantErr: "465"},
		{name: "lease shorter than sends", environ: []string{"PLATFORM_NOTIFY__WORKER__LEASE=20s"}, wantErr: "at least twice the longest send timeout"},
		{name: "zero batch", environ: []string{"PLATFORM_NOTIFY__WORKER__BATCH=0"}, wantErr: "notify.worker"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.environ)
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
			err = c.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Validate = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestClockStart(t *testing.T) {
	c := Config{Clock: "2026-01-15T14:00:00+03:00"}
	got, err := c.ClockStart()
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 1, 15, 11, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("ClockStart = %v, want %v", got, want)
	}
}

// prodNotify is a prod environment with both providers configured.
func prodNotify() []string {
	return []string{
		"PLATFORM_ENV=prod",
		"PLATFORM_NOTIFY__SMTP__HOST=smtp.example.ru", "PLATFORM_NOTIFY__SMTP__USERNAME=mailer",
		"PLATFORM_NOTIFY__SMTP__FROM=noreply@vet-pet.online", EnvSMTPPassword + "=s3cret",
		"PLATFORM_NOTIFY__SMS__PROVIDER=smsru", EnvSMSRuAPIID + "=key-1",
	}
}

// without returns environ without the variable name.
func without(environ []string, name string) []string {
	var out []string
	for _, kv := range environ {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
