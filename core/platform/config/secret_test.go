package config

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadKeys(t *testing.T) {
	good := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	short := base64.StdEncoding.EncodeToString([]byte("too short"))
	dir := t.TempDir()
	tests := []struct {
		name    string
		env     string
		environ []string
		wantErr string
	}{
		{"prod with key", EnvProd, []string{EnvSecretKey + "=" + good}, ""},
		{"prod without key refuses", EnvProd, nil, "required in prod"},
		{"short key refused", EnvProd, []string{EnvSecretKey + "=" + short}, "at least 32 bytes"},
		{"not base64 refused", EnvDev, []string{EnvSecretKey + "=***"}, "base64"},
		{"dev without key makes one", EnvDev, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := LoadKeys(tt.env, tt.environ, filepath.Join(dir, "secret.key"))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(k.Codes) != 32 || len(k.CSRF) != 32 || bytes.Equal(k.Codes, k.CSRF) {
				t.Fatalf("keys = %x %x, %v", k.Codes, k.CSRF, err)
			}
		})
	}
	t.Run("dev key survives a restart and is private", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "var", "secret.key")
		a, _ := LoadKeys(EnvDev, nil, path)
		b, _ := LoadKeys(EnvDev, nil, path)
		if !bytes.Equal(a.Codes, b.Codes) {
			t.Fatal("dev key changed between starts")
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("dev key file: %v %v", st, err)
		}
	})
}
