package notify

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestMaskRecipient(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+79991234567", "+7********67"},
		{"79991234567", "7********67"},
		{"ivan.petrov@mail.ru", "i***@m***.ru"},
		{"Иван@почта.рф", "И***@п***.рф"},
		{"user-01a2", "user-01a2"}, // a cabinet user id is pseudonymous
		{"123", "***"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := MaskRecipient(tt.in); got != tt.want {
				t.Fatalf("MaskRecipient(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRecipientKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+79991234567", "79991234567"},
		{" +7 (999) 123-45-67 ", "79991234567"},
		{"Ivan.Petrov@Mail.RU", "ivan.petrov@mail.ru"},
		{"user-01a2", "user-01a2"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := RecipientKey(tt.in); got != tt.want {
				t.Fatalf("RecipientKey(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPermanent(t *testing.T) {
	base := errors.New("bad number")
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"plain error", base, false},
		{"marked", Permanent(base), true},
		{"marked, then wrapped", fmt.Errorf("smsru: %w", Permanent(base)), true},
		{"nil", Permanent(nil), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsPermanent(tt.err); got != tt.want {
				t.Fatalf("IsPermanent = %v, want %v", got, tt.want)
			}
		})
	}
	if !errors.Is(Permanent(base), base) || Permanent(base).Error() != "bad number" {
		t.Fatal("Permanent must keep the cause")
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		name    string
		attempt int
		r       float64
		want    time.Duration
	}{
		{name: "first, no jitter", attempt: 1, r: 0, want: 5 * time.Second},
		{name: "first, most jitter", attempt: 1, r: 0.999, want: 9995 * time.Millisecond},
		{name: "third doubles twice", attempt: 3, r: 0.5, want: 30 * time.Second},
		{name: "capped", attempt: 30, r: 0, want: 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Backoff(tt.attempt, 10*time.Second, 10*time.Minute, tt.r); got != tt.want {
				t.Fatalf("Backoff = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	m := Message{To: "+79991234567", Text: "Код входа: 123456", Sensitive: true}
	got := redact("550 <79991234567>: rejected +79991234567 text=Код входа: 123456", m)
	for _, leak := range []string{"9991234567", "123456"} {
		if strings.Contains(got, leak) {
			t.Fatalf("redact left %q in %q", leak, got)
		}
	}
	mail := Message{To: "Ivan@Mail.ru", Text: "Заказ 1234 оплачен"}
	if got := redact("550 ivan@mail.ru unknown; order 1234", mail); strings.Contains(got, "ivan@mail.ru") || !strings.Contains(got, "1234") {
		t.Fatalf("redact = %q: the address must go, a non-sensitive text may stay", got)
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate(strings.Repeat("я", 10), 5); got != "яя…" {
		t.Fatalf("truncate cut a rune: %q", got)
	}
	if got := truncate("short", 10); got != "short" {
		t.Fatalf("truncate = %q", got)
	}
}
