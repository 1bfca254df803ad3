package auth_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/auth/authtest"
	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/platform/errs"
)

const (
	phone     = "8 (999) 123-45-67"
	phoneE164 = "+79991234567"
)

var (
	ctxA = authtest.Ctx(authtest.TenantA)
	ctxB = authtest.Ctx(authtest.TenantB)
	cl   = authtest.Client("192.0.2.1")
)

// wantCode checks that err is auth.code_invalid with the RequestNew hint.
func wantCode(tb testing.TB, err error, requestNew bool) {
	tb.Helper()
	if !errors.Is(err, auth.ErrCodeInvalid) {
		tb.Fatalf("err = %v, want %s", err, auth.CodeCodeInvalid)
	}
	e := errs.As(err)
	if e.Kind != errs.KindUnauthorized {
		tb.Fatalf("kind = %v, want unauthorized", e.Kind)
	}
	if got := e.Data["RequestNew"]; got != requestNew {
		tb.Fatalf("RequestNew = %v, want %v", got, requestNew)
	}
}

// wantErr checks err's code, kind and, when retry > 0, its RetryAfter.
func wantErr(tb testing.TB, err error, sentinel *errs.Error, retry int) {
	tb.Helper()
	if !errors.Is(err, sentinel) {
		tb.Fatalf("err = %v, want %s", err, sentinel.Code)
	}
	if retry > 0 {
		if got := errs.As(err).Data["RetryAfter"]; got != retry {
			tb.Fatalf("RetryAfter = %v, want %d", got, retry)
		}
	}
}

// SECURITY.md 1: a code lives CodeTTL (TTL−1s accepted, TTL+1s refused)
// and works once.
func TestCodeLifetime(t *testing.T) {
	tests := []struct {
		name   string
		after  time.Duration
		wantOK bool
	}{
		{"TTL-1s accepted", 10*time.Minute - time.Second, true},
		{"TTL exactly refused", 10 * time.Minute, false},
		{"TTL+1s refused", 10*time.Minute + time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := authtest.New(t)
			sent, err := e.Service.StartPhoneLogin(ctxA, phone, cl)
			if err != nil {
				t.Fatal(err)
			}
			if sent.ExpiresIn != 10*time.Minute || sent.ResendAfter != 30*time.Second {
				t.Fatalf("CodeSent = %+v", sent)
			}
			code := e.LastCode(t, authtest.TenantA, phoneE164)
			e.Clock.Advance(tt.after)
			l, err := e.Service.VerifyPhoneLogin(ctxA, phone, code, cl)
			if !tt.wantOK {
				wantCode(t, err, true)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !l.Created || l.User.Phone != phoneE164 || l.User.Kind != auth.KindCustomer || l.Token == "" {
				t.Fatalf("login = %+v", l)
			}
			_, err = e.Service.VerifyPhoneLogin(ctxA, phone, code, cl)
			wantCode(t, err, true) // second use
		})
	}
}

// SECURITY.md 1: a code is bound to its flow and destination.
func TestCodeBinding(t *testing.T) {
	e := authtest.New(t)
	if _, err := e.Service.StartPhoneLogin(ctxA, phone, cl); err != nil {
		t.Fatal(err)
	}
	code := e.LastCode(t, authtest.TenantA, phoneE164)
	t.Run("another phone", func(t *testing.T) {
		_, err := e.Service.VerifyPhoneLogin(ctxA, "+7 999 765-43-21", code, cl)
		wantCode(t, err, true)
	})
	t.Run("another tenant", func(t *testing.T) {
		_, err := e.Service.VerifyPhoneLogin(ctxB, phone, code, cl)
		wantCode(t, err, true)
	})
	t.Run("login code cannot delete the account", func(t *testing.T) {
		l, err := e.Service.VerifyPhoneLogin(ctxA, phone, code, cl)
		if err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(time.Minute)
		if _, err := e.Service.StartPhoneLogin(ctxA, phone, cl); err != nil {
			t.Fatal(err)
		}
		loginCode := e.LastCode(t, authtest.TenantA, phoneE164)
		wantCode(t, e.Service.ConfirmAccountDeletion(ctxA, l.User.ID, loginCode), true)
	})
	t.Run("a newer code supersedes the older one", func(t *testing.T) {
		e.Clock.Advance(time.Minute)
		if _, err := e.Service.StartPhoneLogin(ctxA, phone, cl); err != nil {
			t.Fatal(err)
		}
		older := e.LastCode(t, authtest.TenantA, phoneE164)
		e.Clock.Advance(time.Minute)
		if _, err := e.Service.StartPhoneLogin(ctxA, phone, cl); err != nil {
			t.Fatal(err)
		}
		newer := e.LastCode(t, authtest.TenantA, phoneE164)
		if older != newer {
			_, err := e.Service.VerifyPhoneLogin(ctxA, phone, older, cl)
			wantCode(t, err, false)
		}
		if _, err := e.Service.VerifyPhoneLogin(ctxA, phone, newer, cl); err != nil {
			t.Fatal(err)
		}
	})
}

// wrongCode returns a six-digit code that is not code.
func wrongCode(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

// codeAttempts reads the attempts of the newest code to destination.
func codeAttempts(tb testing.TB, e *authtest.Env, destination string) int {
	tb.Helper()
	var n int
	err := e.DB.NewRaw("SELECT attempts FROM auth_codes WHERE destination = ? ORDER BY created_at DESC LIMIT 1", destination).
		Scan(context.Background(), &n)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// SECURITY.md 2: 50 concurrent wrong guesses leave at most 5 counted, and
// then even the right code fails.
func TestWrongGuessesAreCapped(t *testing.T) {
	e := authtest.New(t)
	if _, err := e.Service.StartPhoneLogin(ctxA, phone, cl); err != nil {
		t.Fatal(err)
	}
	code := e.LastCode(t, authtest.TenantA, phoneE164)
	var wg sync.WaitGroup
	errc := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			_, err := e.Service.VerifyPhoneLogin(ctxA, phone, wrongCode(code), cl)
			errc <- err
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if !errors.Is(err, auth.ErrCodeInvalid) {
			t.Fatalf("wrong guess: %v", err)
		}
	}
	if n := codeAttempts(t, e, phoneE164); n > 5 {
		t.Fatalf("attempts counted = %d, want ≤ 5", n)
	} else {
		t.Logf("attempts counted: %d", n)
	}
	_, err := e.Service.VerifyPhoneLogin(ctxA, phone, code, cl)
	wantCode(t, err, true)

	t.Run("sequential: the fifth wrong guess says request a new code", func(t *testing.T) {
		e.Clock.Advance(time.Minute)
		if _, err := e.Service.StartPhoneLogin(ctxA, phone, cl); err != nil {
			t.Fatal(err)
		}
		code := e.LastCode(t, authtest.TenantA, phoneE164)
		for i := 1; i <= 5; i++ {
			_, err := e.Service.VerifyPhoneLogin(ctxA, phone, wrongCode(code), cl)
			wantCode(t, err, i == 5)
		}
		_, err := e.Service.VerifyPhoneLogin(ctxA, phone, code, cl)
		wantCode(t, err, true)
	})
}

// SECURITY.md 3: 16 goroutines present one right code; exactly one signs
// in (on both databases: dbtest picks PostgreSQL when PLATFORM_TEST_PG is
// set).
func TestCodeIsConsumedOnce(t *testing.T) {
	e := authtest.New(t)
	if _, err := e.Service.StartPhoneLogin(ctxA, phone, cl); err != nil {
		t.Fatal(err)
	}
	code := e.LastCode(t, authtest.TenantA, phoneE164)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		wins     int
		failures []error
	)
	for range 16 {
		wg.Go(func() {
			_, err := e.Service.VerifyPhoneLogin(ctxA, phone, code, cl)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else {
				failures = append(failures, err)
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d logins succeeded, want exactly 1 (failures: %v)", wins, failures)
	}
	for _, err := range failures {
		if !errors.Is(err, auth.ErrCodeInvalid) {
			t.Fatalf("loser got %v, want %s", err, auth.CodeCodeInvalid)
		}
	}
	if n := e.Count(t, "users", ""); n != 1 {
		t.Fatalf("%d users, want 1", n)
	}
	if n := e.Count(t, "auth_sessions", ""); n != 1 {
		t.Fatalf("%d sessions, want 1", n)
	}
}

// SECURITY.md 4: resend cooldown, hourly caps per phone and per IP, the
// daily SMS budget. A refused request writes neither a code nor a message.
func TestThrottles(t *testing.T) {
	t.Run("resend inside the cooldown", func(t *testing.T) {
		e := authtest.New(t)
		if _, err := e.Service.StartPhoneLogin(ctxA, phone, cl); err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(12 * time.Second)
		_, err := e.Service.StartPhoneLogin(ctxA, "+79991234567", authtest.Client("198.51.100.7"))
		wantErr(t, err, auth.ErrResendTooSoon, 18)
		if k := errs.KindOf(err); k != errs.KindTooMany {
			t.Fatalf("kind = %v, want too_many", k)
		}
		if n := len(e.Outbox(t, authtest.TenantA)); n != 1 {
			t.Fatalf("outbox has %d messages, want 1: no SMS for a refused resend", n)
		}
		if n := e.Count(t, "auth_codes", ""); n != 1 {
			t.Fatalf("%d codes, want 1", n)
		}
		e.Clock.Advance(18 * time.Second)
		if _, err := e.Service.StartPhoneLogin(ctxA, phone, cl); err != nil {
			t.Fatalf("after the cooldown: %v", err)
		}
		if n := len(e.Outbox(t, authtest.TenantA)); n != 2 {
			t.Fatalf("outbox has %d messages, want 2", n)
		}
	})
	t.Run("hourly cap per phone", func(t *testing.T) {
		e := authtest.New(t)
		for i := range 5 {
			if _, err := e.Service.StartPhoneLogin(ctxA, phone, authtest.Client("198.51.100."+string(rune('1'+i)))); err != nil {
				t.Fatalf("code %d: %v", i+1, err)
			}
			e.Clock.Advance(time.Minute)
		}
		_, err := e.Service.StartPhoneLogin(ctxA, phone, cl)
		wantErr(t, err, auth.ErrTooManyRequests, 55*60) // the first code leaves the window in 55 minutes
		if n := len(e.Outbox(t, authtest.TenantA)); n != 5 {
			t.Fatalf("outbox has %d messages, want 5", n)
		}
		e.Clock.Advance(55 * time.Minute)
		if _, err := e.Service.StartPhoneLogin(ctxA, phone, cl); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
	t.Run("hourly cap per IP", func(t *testing.T) {
		e := authtest.New(t)
		ip := authtest.Client("203.0.113.9")
		for i := range 20 {
			p := "+7999123" + pad4(i)
			if _, err := e.Service.StartPhoneLogin(ctxA, p, ip); err != nil {
				t.Fatalf("code %d: %v", i+1, err)
			}
		}
		_, err := e.Service.StartPhoneLogin(ctxA, "+79991239999", ip)
		wantErr(t, err, auth.ErrTooManyRequests, 3600)
		_, err = e.Service.StartEmailLogin(ctxA, "ivan@example.com", ip)
		wantErr(t, err, auth.ErrTooManyRequests, 3600)
		if _, err := e.Service.StartPhoneLogin(ctxA, "+79991239999", cl); err != nil {
			t.Fatalf("another IP: %v", err)
		}
		if n := len(e.Outbox(t, authtest.TenantA)); n != 21 {
			t.Fatalf("outbox has %d messages, want 21", n)
		}
	})
	t.Run("daily SMS budget per tenant", func(t *testing.T) {
		e := authtest.New(t, func(c *auth.Config) { c.DailySMSBudget = 3 })
		for i := range 3 {
			if _, err := e.Service.StartPhoneLogin(ctxA, "+7999123"+pad4(i), cl); err != nil {
				t.Fatal(err)
			}
		}
		_, err := e.Service.StartPhoneLogin(ctxA, "+79991239999", cl)
		wantErr(t, err, auth.ErrSMSBudgetExhausted, 0)
		if k := errs.KindOf(err); k != errs.KindUnavailable {
			t.Fatalf("kind = %v, want unavailable", k)
		}
		if _, err := e.Service.StartEmailLogin(ctxA, "ivan@example.com", cl); err != nil {
			t.Fatalf("e-mail is not in the SMS budget: %v", err)
		}
		if _, err := e.Service.StartPhoneLogin(ctxB, "+79991239999", cl); err != nil {
			t.Fatalf("another tenant has its own budget: %v", err)
		}
		e.Clock.Advance(24 * time.Hour)
		if _, err := e.Service.StartPhoneLogin(ctxA, "+79991239999", cl); err != nil {
			t.Fatalf("a day later: %v", err)
		}
	})
}

func pad4(i int) string {
	s := "0000" + string(rune('0'+i/10)) + string(rune('0'+i%10))
	return s[len(s)-4:]
}

// failingStore makes chosen steps of the real store fail.
type failingStore struct {
	auth.Store
	enqueue error // Enqueue fails
	commit  error // InTx runs fn, then fails as a failed commit would
}

func (f failingStore) Enqueue(ctx context.Context, now time.Time, msgs ...notify.Message) error {
	if f.enqueue != nil {
		return f.enqueue
	}
	return f.Store.Enqueue(ctx, now, msgs...)
}

func (f failingStore) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return f.Store.InTx(ctx, func(ctx context.Context) error {
		if err := fn(ctx); err != nil {
			return err
		}
		return f.commit
	})
}

// SECURITY.md 19: the outbox message exists if and only if the code row
// committed.
func TestCodeAndMessageCommitTogether(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		store     func(auth.Store) auth.Store
		wantRows  int
		wantError bool
	}{
		{"success", func(s auth.Store) auth.Store { return s }, 1, false},
		{"enqueue fails", func(s auth.Store) auth.Store { return failingStore{Store: s, enqueue: boom} }, 0, true},
		{"commit fails", func(s auth.Store) auth.Store { return failingStore{Store: s, commit: boom} }, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := authtest.New(t)
			svc := e.NewService(tt.store(e.Store))
			_, err := svc.StartPhoneLogin(ctxA, phone, cl)
			if (err != nil) != tt.wantError {
				t.Fatalf("err = %v", err)
			}
			codes, msgs := e.Count(t, "auth_codes", ""), len(e.Outbox(t, authtest.TenantA))
			if codes != tt.wantRows || msgs != tt.wantRows {
				t.Fatalf("codes %d, messages %d, want %d of each", codes, msgs, tt.wantRows)
			}
		})
	}
	t.Run("the message", func(t *testing.T) {
		e := authtest.New(t)
		if _, err := e.Service.StartPhoneLogin(ctxA, phone, cl); err != nil {
			t.Fatal(err)
		}
		m := e.Outbox(t, authtest.TenantA)[0]
		code := e.LastCode(t, authtest.TenantA, phoneE164)
		if m.Channel != "sms" || m.Recipient != phoneE164 || m.Kind != auth.KindLoginCode || !m.Sensitive ||
			!strings.Contains(m.Body, code) || !strings.Contains(m.Body, "VetPet") {
			t.Fatalf("message = %+v", m)
		}
		var stored string
		if err := e.DB.NewRaw("SELECT code_hash FROM auth_codes").Scan(context.Background(), &stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(stored, code) || len(stored) != 64 {
			t.Fatalf("stored code %q is not a keyed hash", stored)
		}
	})
}

// Login by e-mail: a code and a link, the customer created at the first
// login, addresses compared case-insensitively.
func TestEmailLogin(t *testing.T) {
	e := authtest.New(t)
	if _, err := e.Service.StartEmailLogin(ctxA, "  Ivan.Petrov@Example.COM ", cl); err != nil {
		t.Fatal(err)
	}
	msgs := e.Outbox(t, authtest.TenantA)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	code := e.LastCode(t, authtest.TenantA, "Ivan.Petrov@example.com")
	if m.Channel != "email" || m.Kind != auth.KindLoginCode || !m.Sensitive || m.Subject == "" {
		t.Fatalf("message = %+v", m)
	}
	wantLink := "https://vet-pet.example/login/email?" + url.Values{"code": {code}, "email": {"Ivan.Petrov@example.com"}}.Encode()
	if !strings.Contains(m.Body, wantLink) {
		t.Fatalf("body lacks %s:\n%s", wantLink, m.Body)
	}
	if strings.Contains(m.Body, "<no value>") || strings.Contains(m.Subject, "<no value>") {
		t.Fatalf("template field missing:\n%s", m.Body)
	}
	l, err := e.Service.VerifyEmailLogin(ctxA, "ivan.petrov@EXAMPLE.com", code, cl)
	if err != nil {
		t.Fatal(err)
	}
	// The account keeps the address as typed at verification, domain
	// lower-cased.
	if !l.Created || l.User.Email != "ivan.petrov@example.com" || l.User.Phone != "" || l.User.HasPassword {
		t.Fatalf("login = %+v", l)
	}
	e.Clock.Advance(time.Minute)
	if _, err := e.Service.StartEmailLogin(ctxA, "IVAN.PETROV@example.com", cl); err != nil {
		t.Fatal(err)
	}
	again, err := e.Service.VerifyEmailLogin(ctxA, "IVAN.PETROV@example.com", e.LastCode(t, authtest.TenantA, "IVAN.PETROV@example.com"), cl)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || again.User.ID != l.User.ID {
		t.Fatalf("second login created %v, user %s, want the same user %s", again.Created, again.User.ID, l.User.ID)
	}
	if again.Token == l.Token || again.Session.ID == l.Session.ID {
		t.Fatal("a new login must get a new token and session (rotation)")
	}
	t.Run("malformed address", func(t *testing.T) {
		_, err := e.Service.StartEmailLogin(ctxA, "not an address", cl)
		if !errors.Is(err, auth.ErrEmailInvalid) || errs.As(err).Fields[0].Field != "email" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("malformed phone", func(t *testing.T) {
		_, err := e.Service.StartPhoneLogin(ctxA, "12", cl)
		if !errors.Is(err, auth.ErrPhoneInvalid) || errs.As(err).Fields[0].Field != "phone" {
			t.Fatalf("err = %v", err)
		}
	})
}

// Customers belong to a tenant: the same phone on two tenants is two
// independent accounts, and a session of one opens nothing on the other.
func TestSamePhoneOnTwoTenants(t *testing.T) {
	e := authtest.New(t)
	a := e.PhoneLogin(t, authtest.TenantA, phone)
	b := e.PhoneLogin(t, authtest.TenantB, phone)
	if !a.Created || !b.Created {
		t.Fatalf("created: A %v, B %v; want both", a.Created, b.Created)
	}
	if a.User.ID == b.User.ID || a.User.TenantID != authtest.TenantA || b.User.TenantID != authtest.TenantB {
		t.Fatalf("users: A %+v, B %+v", a.User, b.User)
	}
	if _, _, err := e.Service.Authenticate(ctxB, a.Token); !errors.Is(err, auth.ErrSessionInvalid) {
		t.Fatalf("A's token on B: %v", err)
	}
	if _, _, err := e.Service.Authenticate(ctxA, a.Token); err != nil {
		t.Fatalf("A's token on A: %v", err)
	}
	name := "Анна"
	if _, err := e.Service.UpdateProfile(ctxA, a.User.ID, auth.ProfilePatch{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if u, err := e.Service.Profile(ctxB, b.User.ID); err != nil || u.Name != "" {
		t.Fatalf("B's profile = %+v, %v: changing A's must not touch it", u, err)
	}
}
