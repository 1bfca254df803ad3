package yookassa_test

import (
	"testing"

	"github.com/consult/platform/core/orders/yookassa"
)

func TestFormatAmount(t *testing.T) {
	tests := []struct {
		kopecks int64
		want    string
	}{
		{0, "0.00"},
		{1, "0.01"},
		{10, "0.10"},
		{99, "0.99"},
		{100, "1.00"},
		{54900, "549.00"},
		{123456, "1234.56"},
		{99999999, "999999.99"},
		{100000000, "1000000.00"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got, err := yookassa.FormatAmount(tt.kopecks)
			if err != nil || got != tt.want {
				t.Fatalf("FormatAmount(%d) = %q, %v; want %q", tt.kopecks, got, err, tt.want)
			}
			back, err := yookassa.ParseAmount(got)
			if err != nil || back != tt.kopecks {
				t.Fatalf("ParseAmount(%q) = %d, %v", got, back, err)
			}
		})
	}
	t.Run("negative", func(t *testing.T) {
		if got, err := yookassa.FormatAmount(-1); err == nil {
			t.Fatalf("FormatAmount(-1) = %q", got)
		}
	})
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0.01", 1, true},
		{"1.00", 100, true},
		{"999999.99", 99999999, true},
		{"1234", 123400, true},
		{"12.5", 1250, true}, // one decimal is tenths of a rouble, not kopecks
		{"0.00", 0, true},
		{"007.10", 710, true},
		{"999999999999999.99", 99999999999999999, true},
		{"", 0, false},
		{".50", 0, false},
		{"1.", 0, false},
		{"1.001", 0, false}, // a third decimal is refused, never rounded
		{"1.005", 0, false},
		{"-1.00", 0, false},
		{"+1.00", 0, false},
		{"1e3", 0, false},
		{" 1.00", 0, false},
		{"1.00 ", 0, false},
		{"1,00", 0, false},
		{"1.0.0", 0, false},
		{"NaN", 0, false},
		{"0x10", 0, false},
		{"١٢.٠٠", 0, false}, // other digits
		{"9999999999999999.00", 0, false},
		{"99999999999999999999.00", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := yookassa.ParseAmount(tt.in)
			if tt.ok != (err == nil) || got != tt.want {
				t.Fatalf("ParseAmount(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

// FuzzParseAmount: whatever YooKassa (or a forger) writes as an amount,
// parsing never panics, never yields a negative, and what it accepts
// writes back to the same kopecks (SECURITY.md 23).
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"0.01", "1.00", "12.5", "999999.99", "1.001", "-1", "1e3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := yookassa.ParseAmount(s)
		if err != nil {
			return
		}
		if k < 0 {
			t.Fatalf("ParseAmount(%q) = %d", s, k)
		}
		out, err := yookassa.FormatAmount(k)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := yookassa.ParseAmount(out); err != nil || back != k {
			t.Fatalf("%q → %d → %q → %d, %v", s, k, out, back, err)
		}
	})
}
