package web

import (
	"strings"
	"testing"
)

func TestDayRanges(t *testing.T) {
	tests := []struct{ in, want string }{
		{"mon tue wed thu fri sat sun", "mon-sun"},
		{"mon tue wed thu fri", "mon-fri"},
		{"sat sun", "sat,sun"},
		{"mon wed fri", "mon,wed,fri"},
		{"sun mon tue", "mon,tue,sun"}, // order normalised; two days stay two
		{"mon tue wed fri sat", "mon-wed,fri,sat"},
		{"", ""},
		{"Mon mon xyz", "mon"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := strings.Join(dayRanges(strings.Fields(tt.in)), ","); got != tt.want {
				t.Fatalf("dayRanges(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDisplayPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+78006009993", "+7 800 600-99-93"},
		{"+74951396825", "+7 495 139-68-25"},
		{"not a phone", "not a phone"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := displayPhone(tt.in); got != tt.want {
				t.Fatalf("displayPhone(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		kopecks int64
		want    string
	}{
		{54900, "549\u00a0₽"},
		{999900, "9\u00a0999\u00a0₽"},
		{100000000, "1\u00a0000\u00a0000\u00a0₽"},
		{54950, "549,50\u00a0₽"},
		{5, "0,05\u00a0₽"},
		{-54900, "−549\u00a0₽"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := formatMoney(tt.kopecks, "RUB"); got != tt.want {
				t.Fatalf("formatMoney(%d) = %q, want %q", tt.kopecks, got, tt.want)
			}
		})
	}
}

func TestFormatDay(t *testing.T) {
	tests := []struct{ lang, in, want string }{
		{"ru", "2026-12-31", "31.12.2026"},
		{"ru", "2028-02-29", "29.02.2028"},
		{"en", "2026-01-05", "5 Jan 2026"},
		{"ru", "not a day", "not a day"},
		{"ru", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.in, func(t *testing.T) {
			if got := formatDay(tt.lang, tt.in); got != tt.want {
				t.Fatalf("formatDay(%q, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
			}
		})
	}
}
