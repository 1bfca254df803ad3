package config

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// EnvSecretKey names the variable holding the platform's master secret
// (base64, at least 32 bytes): codes, CSRF tokens and other keyed hashes
// are derived from it. Secrets come from the environment only.
const EnvSecretKey = "PLATFORM_SECRET_KEY"

// Keys are the purpose-bound keys derived from the master secret, so a
// leak of one derived key does not expose the others.
type Keys struct {
	Codes []byte // HMAC of login and confirmation codes
	CSRF  []byte // per-session CSRF tokens
}

// LoadKeys reads the master secret from environ. In dev without one, a
// random secret is created once in devFile (mode 0600) so that codes and
// pages survive a restart; prod refuses to start without the variable.
func LoadKeys(env string, environ []string, devFile string) (Keys, error) {
	var raw string
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, EnvSecretKey+"="); ok {
			raw = v
		}
	}
	if raw == "" {
		if env == EnvProd {
			return Keys{}, errors.New("config: " + EnvSecretKey + " is required in prod (base64 of at least 32 random bytes, e.g. `head -c 32 /dev/urandom | base64`)")
		}
		b, err := devSecret(devFile)
		if err != nil {
			return Keys{}, err
		}
		raw = base64.StdEncoding.EncodeToString(b)
	}
	master, err := base64.StdEncoding.DecodeString(strings.TrimSpace(raw))
	if err != nil || len(master) < 32 {
		return Keys{}, errors.New("config: " + EnvSecretKey + " must be base64 of at least 32 bytes")
	}
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, master)
		m.Write([]byte(purpose))
		return m.Sum(nil)
	}
	return Keys{Codes: derive("platform/auth-codes/v1"), CSRF: derive("platform/csrf/v1")}, nil
}

func devSecret(path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil {
		if key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b))); err == nil && len(key) >= 32 {
			return key, nil
		}
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("config: dev secret: %w", err)
	}
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("config: dev secret: %w", err)
	}
	return key, nil
}
