package authdb_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/auth/authtest"
	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/errs"
)

var (
	ctxA = authtest.Ctx(authtest.TenantA)
	ctxB = authtest.Ctx(authtest.TenantB)
	now  = authtest.Start
)

// seed is tenant A's data: an account with a session, a login code, a
// deletion code and a reset token.
type seed struct {
	user    auth.Account
	session auth.Session
	code    auth.Code
	reset   auth.Reset
}

const (
	sessionHash = "5e5510115e5510115e5510115e5510115e5510115e5510115e5510115e551011"
	resetHash   = "4e5e74e5e74e5e74e5e74e5e74e5e74e5e74e5e74e5e74e5e74e5e74e5e74e5e"
)

func seedA(tb testing.TB, st auth.Store) seed {
	tb.Helper()
	s := seed{
		user: auth.Account{User: auth.User{ID: "user-a", TenantID: authtest.TenantA, Kind: auth.KindCustomer, Phone: "+79991234567",
			Email: "Anna@example.com", Name: "Анна", BirthDate: "1990-05-31", Fields: map[string]any{"birth_place": "Казань"},
			Locale: "ru", CreatedAt: now}, EmailKey: "anna@example.com", PasswordHash: "$argon2id$stub"},
		session: auth.Session{ID: "session-a", UserID: "user-a", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour),
			IP: "192.0.2.1", UserAgent: "test"},
		code: auth.Code{ID: "code-a", Purpose: auth.PurposeLoginPhone, Channel: notify.SMS, Destination: "+79991234567",
			Hash: "c0de", IP: "192.0.2.1", CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute)},
		reset: auth.Reset{ID: "reset-a", UserID: "user-a", TokenHash: resetHash, IP: "192.0.2.1", CreatedAt: now,
			ExpiresAt: now.Add(30 * time.Minute)},
	}
	for _, err := range []error{
		st.CreateUser(ctxA, s.user),
		st.CreateSession(ctxA, s.session, sessionHash),
		st.CreateCode(ctxA, s.code),
		st.CreateCode(ctxA, auth.Code{ID: "code-a-delete", Purpose: auth.PurposeDeleteAccount, Channel: notify.SMS,
			Destination: "+79991234567", UserID: "user-a", Hash: "de1e7e", IP: "192.0.2.1", CreatedAt: now,
			ExpiresAt: now.Add(10 * time.Minute)}),
		st.CreateReset(ctxA, s.reset),
	} {
		if err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// storeCalls makes one call of every auth.Store method against tenant A's
// seed; check reports what a call from another tenant must have found.
type storeCall struct {
	call  func(ctx context.Context, st auth.Store) (any, error)
	check func(got any, err error) bool // nil: only that it does not fail open
}

func notFound(_ any, err error) bool { return errors.Is(err, auth.ErrNotFound) }
func isFalse(got any, err error) bool {
	return err == nil && got == false
}
func isZero(got any, err error) bool { return err == nil && reflect.ValueOf(got).IsZero() }
func failed(_ any, err error) bool   { return err != nil }

func storeCalls(s seed) map[string]storeCall {
	other := s.user
	other.Name = "Hijacked"
	return map[string]storeCall{
		"InTx": {func(ctx context.Context, st auth.Store) (any, error) {
			var seen auth.Account
			err := st.InTx(ctx, func(ctx context.Context) error {
				var err error
				seen, err = st.User(ctx, s.user.ID)
				return err
			})
			return seen, err
		}, notFound},
		"CreateUser": {func(ctx context.Context, st auth.Store) (any, error) {
			// The same phone and e-mail on another tenant is another account.
			return nil, st.CreateUser(ctx, auth.Account{User: auth.User{ID: "user-b", Kind: auth.KindCustomer,
				Phone: s.user.Phone, Email: s.user.Email, Locale: "ru", CreatedAt: now}, EmailKey: s.user.EmailKey})
		}, func(_ any, err error) bool { return err == nil }},
		"User":        {func(ctx context.Context, st auth.Store) (any, error) { return st.User(ctx, s.user.ID) }, notFound},
		"UserByPhone": {func(ctx context.Context, st auth.Store) (any, error) { return st.UserByPhone(ctx, s.user.Phone) }, nil},
		"UserByEmail": {func(ctx context.Context, st auth.Store) (any, error) { return st.UserByEmail(ctx, s.user.EmailKey) }, nil},
		"UpdateProfile": {func(ctx context.Context, st auth.Store) (any, error) {
			return nil, st.UpdateProfile(ctx, other, now)
		}, notFound},
		"SetPasswordHash": {func(ctx context.Context, st auth.Store) (any, error) {
			return nil, st.SetPasswordHash(ctx, s.user.ID, "$argon2id$other", now)
		}, notFound},
		"SetAvatar": {func(ctx context.Context, st auth.Store) (any, error) {
			return nil, st.SetAvatar(ctx, s.user.ID, "avatar-b", now)
		}, notFound},
		"EraseUser": {func(ctx context.Context, st auth.Store) (any, error) { return nil, st.EraseUser(ctx, s.user.ID, now) }, notFound},
		"ReserveLoginAttempt": {func(ctx context.Context, st auth.Store) (any, error) {
			return st.ReserveLoginAttempt(ctx, s.user.ID, now.Add(-time.Hour), now, 100)
		}, isFalse},
		"ClearLoginFailures": {func(ctx context.Context, st auth.Store) (any, error) {
			return nil, st.ClearLoginFailures(ctx, s.user.ID)
		}, notFound},
		"LockDestination": {func(ctx context.Context, st auth.Store) (any, error) {
			return nil, st.LockDestination(ctx, s.code.Destination)
		}, func(_ any, err error) bool { return err == nil }},
		"CodeStats": {func(ctx context.Context, st auth.Store) (any, error) {
			return st.CodeStats(ctx, s.code.Destination, s.code.IP, now.Add(-time.Hour), now.Add(-24*time.Hour))
		}, isZero},
		"CreateCode": {func(ctx context.Context, st auth.Store) (any, error) {
			// A deletion code of tenant B cannot name tenant A's account:
			// the composite foreign key has no (beta, user-a) to point at.
			c := s.code
			c.ID, c.Purpose, c.UserID = "code-b", auth.PurposeDeleteAccount, s.user.ID
			return nil, st.CreateCode(ctx, c)
		}, failed},
		"LatestCode": {func(ctx context.Context, st auth.Store) (any, error) {
			return st.LatestCode(ctx, s.code.Purpose, s.code.Destination)
		}, notFound},
		"CountWrongGuess": {func(ctx context.Context, st auth.Store) (any, error) {
			return st.CountWrongGuess(ctx, s.code.ID, now, 5)
		}, func(got any, err error) bool { return err == nil && got == 5 }},
		"ConsumeCode": {func(ctx context.Context, st auth.Store) (any, error) { return st.ConsumeCode(ctx, s.code.ID, now, 5) }, isFalse},
		"DeleteCodes": {func(ctx context.Context, st auth.Store) (any, error) {
			return nil, st.DeleteCodes(ctx, s.code.Destination)
		}, nil},
		"CreateReset": {func(ctx context.Context, st auth.Store) (any, error) {
			r := s.reset
			r.ID, r.TokenHash = "reset-b", "other"
			return nil, st.CreateReset(ctx, r) // tenant A's user: the foreign key refuses
		}, failed},
		"ResetStats": {func(ctx context.Context, st auth.Store) (any, error) {
			n, last, err := st.ResetStats(ctx, s.user.ID, now.Add(-time.Hour))
			return [2]any{n, last}, err
		}, func(got any, err error) bool { return err == nil && got == [2]any{0, time.Time{}} }},
		"ResetUser": {func(ctx context.Context, st auth.Store) (any, error) {
			return st.ResetUser(ctx, s.reset.TokenHash, now)
		}, func(_ any, err error) bool { return errors.Is(err, auth.ErrResetTokenInvalid) }},
		"ConsumeReset": {func(ctx context.Context, st auth.Store) (any, error) {
			return st.ConsumeReset(ctx, s.reset.TokenHash, now)
		}, func(_ any, err error) bool { return errors.Is(err, auth.ErrResetTokenInvalid) }},
		"DeleteResets": {func(ctx context.Context, st auth.Store) (any, error) { return nil, st.DeleteResets(ctx, s.user.ID) }, nil},
		"CreateSession": {func(ctx context.Context, st auth.Store) (any, error) {
			se := s.session
			se.ID = "session-b"
			return nil, st.CreateSession(ctx, se, "other") // tenant A's user: refused
		}, failed},
		"SessionByToken": {func(ctx context.Context, st auth.Store) (any, error) {
			se, _, err := st.SessionByToken(ctx, sessionHash)
			return se, err
		}, func(_ any, err error) bool { return errors.Is(err, auth.ErrSessionInvalid) }},
		"TouchSession": {func(ctx context.Context, st auth.Store) (any, error) {
			return nil, st.TouchSession(ctx, s.session.ID, now.Add(time.Hour), now.Add(time.Hour))
		}, nil},
		"Sessions": {func(ctx context.Context, st auth.Store) (any, error) {
			list, err := st.Sessions(ctx, s.user.ID)
			return len(list), err
		}, func(got any, err error) bool { return err == nil && got == 0 }},
		"DeleteSession": {func(ctx context.Context, st auth.Store) (any, error) {
			return st.DeleteSession(ctx, s.user.ID, s.session.ID)
		}, isFalse},
		"DeleteSessions": {func(ctx context.Context, st auth.Store) (any, error) { return st.DeleteSessions(ctx, s.user.ID, "") },
			func(got any, err error) bool { return err == nil && got == 0 }},
		"DeleteStaleSessions": {func(ctx context.Context, st auth.Store) (any, error) {
			return nil, st.DeleteStaleSessions(ctx, s.user.ID, now.Add(time.Hour), now.Add(time.Hour))
		}, nil},
		"Enqueue": {func(ctx context.Context, st auth.Store) (any, error) {
			return nil, st.Enqueue(ctx, now, notify.Message{TenantID: authtest.TenantA, Channel: notify.SMS, To: "+79991234567",
				Text: "x", Kind: "auth.login_code"})
		}, failed},
		"Purge": {func(ctx context.Context, st auth.Store) (any, error) {
			return st.Purge(ctx, now.Add(time.Hour), now.Add(time.Hour), now.Add(time.Hour))
		}, func(got any, err error) bool { return err == nil && got == 0 }},
	}
}

// Every method of auth.Store must appear in storeCalls, so a new method
// cannot skip the isolation tests.
func TestEveryStoreMethodIsCovered(t *testing.T) {
	calls := storeCalls(seed{})
	typ := reflect.TypeFor[auth.Store]()
	var missing []string
	for i := range typ.NumMethod() {
		if _, ok := calls[typ.Method(i).Name]; !ok {
			missing = append(missing, typ.Method(i).Name)
		}
	}
	if len(missing) > 0 || len(calls) != typ.NumMethod() {
		t.Fatalf("storeCalls misses %v (has %d calls for %d methods)", missing, len(calls), typ.NumMethod())
	}
}

// SECURITY.md 12: a user, session, code or reset token of tenant A is
// invisible to, and unchanged by, every store method in tenant B's
// context — on SQLite by the WHERE clauses alone, on PostgreSQL also by
// row-level security.
func TestStoreTenantIsolation(t *testing.T) {
	e := authtest.New(t)
	st := e.Store
	s := seedA(t, st)
	calls := storeCalls(s)
	names := make([]string, 0, len(calls))
	for name := range calls {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		c := calls[name]
		t.Run(name, func(t *testing.T) {
			got, err := c.call(ctxB, st)
			if c.check != nil && !c.check(got, err) {
				t.Fatalf("from tenant B: %v, %v", got, err)
			}
			if acct, ok := got.(auth.Account); ok && (acct.ID == s.user.ID || acct.ID != "" && acct.TenantID != authtest.TenantB) {
				t.Fatalf("tenant B saw %+v", acct)
			}
		})
	}

	t.Run("tenant A's data is intact", func(t *testing.T) {
		u, err := st.User(ctxA, s.user.ID)
		if err != nil || u.Name != "Анна" || u.Phone != s.user.Phone || u.PasswordHash != s.user.PasswordHash || u.AvatarID != "" {
			t.Fatalf("user = %+v, %v", u, err)
		}
		c, err := st.LatestCode(ctxA, s.code.Purpose, s.code.Destination)
		if err != nil || c.ID != s.code.ID || c.Attempts != 0 || c.UsedAt != nil {
			t.Fatalf("code = %+v, %v", c, err)
		}
		se, _, err := st.SessionByToken(ctxA, sessionHash)
		if err != nil || !se.LastSeenAt.Equal(now) {
			t.Fatalf("session = %+v, %v", se, err)
		}
		if userID, err := st.ResetUser(ctxA, resetHash, now); err != nil || userID != s.user.ID {
			t.Fatalf("reset = %q, %v", userID, err)
		}
		ok, err := st.ReserveLoginAttempt(ctxA, s.user.ID, now.Add(-time.Hour), now, 100)
		if err != nil || !ok {
			t.Fatalf("reserve = %v, %v", ok, err)
		}
		b, err := st.UserByPhone(ctxB, s.user.Phone)
		if err != nil || b.ID != "user-b" {
			t.Fatalf("tenant B's own account with the same phone = %+v, %v", b, err)
		}
	})

	if e.DB.Dialect == db.Postgres {
		t.Run("row-level security hides A's rows from a query that forgot its WHERE", func(t *testing.T) {
			for _, table := range []string{"users", "auth_codes", "auth_password_resets", "auth_sessions"} {
				var n int
				err := e.DB.TenantRead(ctxB, func(ctx context.Context, q bun.IDB) error {
					return q.NewRaw("SELECT count(*) FROM ? WHERE tenant_id = ?", bun.Ident(table), authtest.TenantA).Scan(ctx, &n)
				})
				if err != nil || n != 0 {
					t.Fatalf("%s: tenant B's scope counts %d of A's rows, %v", table, n, err)
				}
			}
		})
	}
}

// Every method fails closed without a tenant in the context.
func TestStoreFailsClosedWithoutTenant(t *testing.T) {
	e := authtest.New(t)
	s := seedA(t, e.Store)
	for name, c := range storeCalls(s) {
		t.Run(name, func(t *testing.T) {
			if _, err := c.call(context.Background(), e.Store); !errors.Is(err, errs.ErrTenantMissing) {
				t.Fatalf("err = %v, want %s", err, errs.ErrTenantMissing.Code)
			}
		})
	}
}

// SECURITY.md 2 and 3 at the store: the guarded UPDATEs count at most max
// wrong guesses and consume a code once, under concurrency.
func TestCodeGuards(t *testing.T) {
	e := authtest.New(t)
	s := seedA(t, e.Store)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := e.Store.CountWrongGuess(ctxA, s.code.ID, now, 5); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	c, err := e.Store.LatestCode(ctxA, s.code.Purpose, s.code.Destination)
	if err != nil || c.Attempts != 5 {
		t.Fatalf("attempts = %d, %v; want 5", c.Attempts, err)
	}
	if ok, err := e.Store.ConsumeCode(ctxA, s.code.ID, now, 5); ok || err != nil {
		t.Fatalf("an exhausted code was consumed: %v, %v", ok, err)
	}
	del, err := e.Store.LatestCode(ctxA, auth.PurposeDeleteAccount, s.code.Destination)
	if err != nil || del.UserID != s.user.ID {
		t.Fatalf("deletion code = %+v, %v", del, err)
	}
	if ok, _ := e.Store.ConsumeCode(ctxA, del.ID, del.ExpiresAt, 5); ok {
		t.Fatal("an expired code was consumed")
	}
	var mu sync.Mutex
	wins := 0
	for range 16 {
		wg.Go(func() {
			ok, err := e.Store.ConsumeCode(ctxA, del.ID, now, 5)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d consumptions, want 1", wins)
	}
}

// SECURITY.md 6 at the store: attempts are reserved atomically, at most
// max per window.
func TestReserveLoginAttempt(t *testing.T) {
	e := authtest.New(t)
	s := seedA(t, e.Store)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		allowed int
	)
	for range 30 {
		wg.Go(func() {
			ok, err := e.Store.ReserveLoginAttempt(ctxA, s.user.ID, now.Add(-time.Hour), now, 10)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != 10 {
		t.Fatalf("%d attempts allowed, want 10", allowed)
	}
	later := now.Add(time.Hour)
	if ok, err := e.Store.ReserveLoginAttempt(ctxA, s.user.ID, later.Add(-time.Hour), later, 10); !ok || err != nil {
		t.Fatalf("a new window: %v, %v", ok, err)
	}
	if err := e.Store.ClearLoginFailures(ctxA, s.user.ID); err != nil {
		t.Fatal(err)
	}
}

// Unique keys per tenant map to the domain's conflicts.
func TestUniqueKeysAreConflicts(t *testing.T) {
	e := authtest.New(t)
	s := seedA(t, e.Store)
	dup := auth.Account{User: auth.User{ID: "user-a2", Kind: auth.KindCustomer, Phone: s.user.Phone, Locale: "ru", CreatedAt: now}}
	if err := e.Store.CreateUser(ctxA, dup); !errors.Is(err, auth.ErrPhoneTaken) {
		t.Fatalf("same phone: %v", err)
	}
	dup = auth.Account{User: auth.User{ID: "user-a3", Kind: auth.KindCustomer, Email: "ANNA@example.com", Locale: "ru", CreatedAt: now},
		EmailKey: "anna@example.com"}
	if err := e.Store.CreateUser(ctxA, dup); !errors.Is(err, auth.ErrEmailTaken) {
		t.Fatalf("same e-mail: %v", err)
	}
	// Accounts without a phone or e-mail do not collide on NULL.
	for _, id := range []string{"user-a4", "user-a5"} {
		if err := e.Store.CreateUser(ctxA, auth.Account{User: auth.User{ID: id, Kind: auth.KindStaff, Locale: "ru", CreatedAt: now}}); err != nil {
			t.Fatal(err)
		}
	}
}
