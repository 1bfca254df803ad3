package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/i18n"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in, region, want string
	}{
		{"8 (999) 123-45-67", "RU", "+79991234567"},
		{"+7 999 123 45 67", "RU", "+79991234567"},
		{"9991234567", "RU", "+79991234567"},
		{"79991234567", "", "+79991234567"}, // "" means RU
		{" +44 20 7946 0958 ", "RU", "+442079460958"},
		{"8 (017) 222-22-22", "BY", "+375172222222"},
		{"12", "RU", ""},
		{"+7 000 000 00 00", "RU", ""},
		{"phone", "RU", ""},
		{"", "RU", ""},
		{strings.Repeat("9", 65), "RU", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizePhone(tt.in, tt.region)
			if tt.want == "" {
				if !errors.Is(err, ErrPhoneInvalid) {
					t.Fatalf("NormalizePhone(%q) = %q, %v; want %s", tt.in, got, err, CodePhoneInvalid)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, addr, key string
	}{
		{"  Ivan.Petrov@Example.COM ", "Ivan.Petrov@example.com", "ivan.petrov@example.com"},
		{"anna+vet@mail.ru", "anna+vet@mail.ru", "anna+vet@mail.ru"},
		{"Анна@Почта.РФ", "Анна@почта.рф", "анна@почта.рф"},
		{"anna", "", ""},
		{"anna@localhost", "", ""},
		{"anna@mail..ru", "", ""},
		{"anna@-mail.ru", "", ""},
		{"Anna <anna@mail.ru>", "", ""},
		{"anna @mail.ru", "", ""},
		{"anna@[127.0.0.1]", "", ""},
		{"@mail.ru", "", ""},
		{"", "", ""},
		{strings.Repeat("a", 250) + "@x.ru", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			addr, key, err := NormalizeEmail(tt.in)
			if tt.addr == "" {
				if !errors.Is(err, ErrEmailInvalid) {
					t.Fatalf("NormalizeEmail(%q) = %q, %v; want %s", tt.in, addr, err, CodeEmailInvalid)
				}
				return
			}
			if err != nil || addr != tt.addr || key != tt.key {
				t.Fatalf("NormalizeEmail(%q) = %q, %q, %v; want %q, %q", tt.in, addr, key, err, tt.addr, tt.key)
			}
		})
	}
}

// SECURITY.md 6: argon2id with m=19456 KiB, t=2, p=1, in an encoded
// string; the comparison is by value, NFKC-normalised, untruncated.
func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if h2, _ := HashPassword("correct horse battery"); h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	tests := []struct {
		name, password string
		want           bool
	}{
		{"same", "correct horse battery", true},
		{"other", "correct horse batterY", false},
		{"prefix", "correct horse batter", false},
		{"longer", "correct horse battery!", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, current, err := VerifyPassword(tt.password, h)
			if err != nil || ok != tt.want || !current {
				t.Fatalf("VerifyPassword = %v, %v, %v", ok, current, err)
			}
		})
	}
	t.Run("NFKC: composed and decomposed й are one password", func(t *testing.T) {
		h, err := HashPassword("пароль-\u0439")
		if err != nil {
			t.Fatal(err)
		}
		if ok, _, _ := VerifyPassword("пароль-\u0438\u0306", h); !ok {
			t.Fatal("decomposed й does not match")
		}
	})
	t.Run("older parameters still verify and ask for a rehash", func(t *testing.T) {
		old := "$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$" // key filled in below
		key := argon2Key("pw", "saltsaltsaltsalt", 1, 4096, 1)
		ok, current, err := VerifyPassword("pw", old+key)
		if err != nil || !ok || current {
			t.Fatalf("VerifyPassword = %v, %v, %v; want true, false, nil", ok, current, err)
		}
	})
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$a2V5",
		"$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$" + strings.Repeat("A", 43),
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$" + strings.Repeat("A", 43)} {
		if _, _, err := VerifyPassword("pw", bad); err == nil {
			t.Fatalf("VerifyPassword accepted hash %q", bad)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	good := DefaultConfig()
	good.CodeKey = make([]byte, 32)
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(*Config)
	}{
		{"no key", func(c *Config) { c.CodeKey = nil }},
		{"short key", func(c *Config) { c.CodeKey = make([]byte, 31) }},
		{"codes live too long", func(c *Config) { c.CodeTTL = 11 * time.Minute }},
		{"too many attempts", func(c *Config) { c.MaxAttempts = 6 }},
		{"staff sessions too long", func(c *Config) { c.SessionAbsoluteStaff = 13 * time.Hour }},
		{"short passwords", func(c *Config) { c.PasswordMinLen = 6 }},
		{"truncating max", func(c *Config) { c.PasswordMaxLen = 32 }},
		{"no lockout", func(c *Config) { c.FailuresPerHour = 0 }},
		{"no budget", func(c *Config) { c.DailySMSBudget = 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.change(&c)
			if c.Validate() == nil {
				t.Fatal("Validate accepted it")
			}
		})
	}
	t.Run("New refuses it", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("New accepted a config without a key")
			}
		}()
		New(nil, DefaultConfig(), Deps{})
	})
}

// Every message the service writes renders in both languages with its
// data: no missing text, no missing field.
func TestMessagesRender(t *testing.T) {
	texts, err := i18n.New(configs.FS)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.CodeKey = make([]byte, 32)
	s := New(nopStore{}, cfg, Deps{Clock: clock.NewFake(time.Now()), Texts: texts})
	for _, lang := range []string{"ru", "en"} {
		for _, brand := range []string{"VetPet", ""} {
			cl := Client{Locale: lang, Brand: brand, BaseURL: "https://vet-pet.online/"}
			msgs := []notify.Message{
				s.codeMessage("t", PurposeLoginPhone, notify.SMS, "+79991234567", "123456", cl),
				s.codeMessage("t", PurposeLoginEmail, notify.Email, "a@b.ru", "123456", cl),
				s.codeMessage("t", PurposeDeleteAccount, notify.SMS, "+79991234567", "123456", cl),
				s.codeMessage("t", PurposeDeleteAccount, notify.Email, "a@b.ru", "123456", cl),
				s.resetMessage("t", "a@b.ru", "tok-en_", cl),
				s.passwordChangedMessage("t", "a@b.ru", lang, brand),
			}
			for _, m := range msgs {
				name := fmt.Sprintf("%s/%s/%q", lang, m.Kind, brand)
				t.Run(name, func(t *testing.T) {
					for _, text := range []string{m.Subject, m.Text} {
						if strings.Contains(text, "<no value>") || strings.HasPrefix(text, "auth.") || strings.Contains(text, "{{") {
							t.Fatalf("text %q", text)
						}
						if brand == "" && strings.Contains(text, "  ") {
							t.Fatalf("empty brand leaves a gap: %q", text)
						}
					}
					if m.Channel == notify.Email && m.Subject == "" || m.Text == "" {
						t.Fatalf("message %+v", m)
					}
					if m.Kind != KindPasswordChanged && m.Kind != KindPasswordReset && !strings.Contains(m.Text, "123456") {
						t.Fatalf("no code in %q", m.Text)
					}
					if m.Channel == notify.SMS && len([]rune(m.Text)) > 140 {
						t.Fatalf("SMS of %d characters: %q", len([]rune(m.Text)), m.Text)
					}
				})
			}
			if got := msgs[1].Text; !strings.Contains(got, "https://vet-pet.online/login/email?"+url.Values{"code": {"123456"}, "email": {"a@b.ru"}}.Encode()) {
				t.Fatalf("login link missing: %q", got)
			}
			if got := msgs[4].Text; !strings.Contains(got, "https://vet-pet.online/password/reset?token=tok-en_") {
				t.Fatalf("reset link missing: %q", got)
			}
		}
	}
	ru := texts.T("ru", msgMinutes, map[string]any{"Count": 10})
	if ru != "10 минут" {
		t.Fatalf("minutes = %q", ru)
	}
	for _, tt := range []struct {
		id   string
		data map[string]any
		want string
	}{
		{CodeCodeInvalid, map[string]any{"RequestNew": true}, "Этот код больше не действует. Запросите новый код."},
		{CodeCodeInvalid, map[string]any{"RequestNew": false}, "Неверный код. Проверьте его и введите ещё раз."},
		{CodeResendTooSoon, map[string]any{"RetryAfter": 21}, "Код уже отправлен. Запросить новый можно через 21 секунду."},
		{CodeTooManyRequests, map[string]any{"RetryAfter": 3}, "Слишком много запросов кода. Попробуйте через 3 секунды."},
		{CodePasswordTooShort, map[string]any{"Min": 8}, "Слишком короткий пароль: нужно хотя бы 8 символов."},
	} {
		if got := texts.T("ru", tt.id, tt.data); got != tt.want {
			t.Errorf("T(%s, %v) = %q, want %q", tt.id, tt.data, got, tt.want)
		}
	}
}

func argon2Key(password, salt string, t, m uint32, p uint8) string {
	return base64.RawStdEncoding.EncodeToString(argon2.IDKey([]byte(password), []byte(salt), t, m, p, 32))
}

// nopStore satisfies Store for tests that never reach it.
type nopStore struct{ Store }

// BenchmarkPassword prices one argon2id hash and one verification
// (SECURITY.md 6 parameters): the work every password login, and every
// unknown-user login, costs.
func BenchmarkPassword(b *testing.B) {
	b.Run("hash", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := HashPassword("correct horse battery staple"); err != nil {
				b.Fatal(err)
			}
		}
	})
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ok, _, _ := VerifyPassword("correct horse battery staple", h); !ok {
				b.Fatal("no match")
			}
		}
	})
}
