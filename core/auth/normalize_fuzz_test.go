package auth_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/consult/platform/core/auth"
)

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// FuzzNormalizePhone: whatever a client sends, an accepted phone is E.164,
// normalising it again changes nothing, and the input size is bounded
// (SECURITY.md 23).
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"+79991234567", "8 (999) 123-45-67", "9991234567", "+7 999 123 45 67", "", "+", "++7999", "+1 202 555 0143", "٣٣٣", "+79991234567\x00"} {
		f.Add(s, "RU")
	}
	f.Fuzz(func(t *testing.T, raw, region string) {
		got, err := auth.NormalizePhone(raw, region)
		if err != nil {
			return
		}
		if !e164.MatchString(got) {
			t.Fatalf("NormalizePhone(%q, %q) = %q: not E.164", raw, region, got)
		}
		again, err := auth.NormalizePhone(got, region)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q → %q → %q, %v", raw, got, again, err)
		}
	})
}

// FuzzNormalizeEmail: an accepted address has no spaces, its key is the
// lower-cased address, and normalising again is stable.
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"anna@example.com", " Anna@Example.COM ", "a@b", "@", "a@", "a b@c.d", "аня@пример.рф", strings.Repeat("a", 300) + "@x.io"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		addr, key, err := auth.NormalizeEmail(raw)
		if err != nil {
			return
		}
		if strings.ContainsAny(addr, " \t\r\n") || !strings.Contains(addr, "@") {
			t.Fatalf("NormalizeEmail(%q) accepted %q", raw, addr)
		}
		addr2, key2, err := auth.NormalizeEmail(addr)
		if err != nil || addr2 != addr || key2 != key {
			t.Fatalf("not stable: %q → (%q, %q) → (%q, %q), %v", raw, addr, key, addr2, key2, err)
		}
		if key != strings.ToLower(key) {
			t.Fatalf("key %q is not lower case", key)
		}
	})
}
