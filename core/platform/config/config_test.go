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
		{name: "prod without clock", environ: []string{"PLATFORM_ENV=prod"}},
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
