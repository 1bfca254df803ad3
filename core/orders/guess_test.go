package orders_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/orders/orderstest"
	"github.com/consult/platform/core/platform/errs"
)

// Unknown promo codes count against the address; at the limit every code —
// the real one too — is refused until the window ends, so a guesser learns
// nothing from the quote (issue 4: promo codes cannot be brute-forced).
func TestPromoGuessLimit(t *testing.T) {
	e := orderstest.New(t)
	e.Promo(t, a, orders.PromoInput{Code: "REAL", Percent: 10})
	limit := orders.DefaultConfig().PromoGuessesPerIP
	quote := func(ip, code string) error {
		_, err := e.Service.Quote(orderstest.Ctx(a), orders.QuoteInput{OfferID: orderstest.OfferRetail,
			PackageCode: orderstest.PackageDiet, PromoCode: code, ClientIP: ip})
		return err
	}
	const ip = "203.0.113.7"
	// A real code costs nothing against the limit.
	for range limit + 5 {
		if err := quote(ip, "real"); err != nil {
			t.Fatalf("a known code: %v", err)
		}
	}
	for i := range limit {
		if err := quote(ip, "GUESS"+string(rune('A'+i))); err != nil {
			t.Fatalf("guess %d of %d: %v", i+1, limit, err)
		}
	}
	for _, tc := range []struct {
		name, ip, code string
		blocked        bool
	}{
		{"one more guess", ip, "GUESSZ", true},
		{"the real code from the blocked address", ip, "REAL", true},
		{"no code from the blocked address", ip, "", false},
		{"another address", "203.0.113.8", "GUESSA", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := quote(tc.ip, tc.code)
			if got := errors.Is(err, orders.ErrPromoTooManyAttempts); got != tc.blocked {
				t.Fatalf("blocked = %v (%v), want %v", got, err, tc.blocked)
			}
			if tc.blocked {
				if ra := errs.As(err).Data["RetryAfter"]; ra != 3600 {
					t.Errorf("RetryAfter = %v, want 3600 (the whole window; the clock did not move)", ra)
				}
			}
		})
	}
	t.Run("placing an order is guarded too", func(t *testing.T) {
		in := orderstest.Checkout(orderstest.Phone(1))
		in.PromoCode, in.ClientIP = "REAL", ip
		if _, err := e.Service.Place(orderstest.Ctx(a), in); !errors.Is(err, orders.ErrPromoTooManyAttempts) {
			t.Fatalf("Place = %v, want ErrPromoTooManyAttempts", err)
		}
		if n := e.Count(t, "orders", ""); n != 0 {
			t.Fatalf("%d orders placed", n)
		}
	})
	t.Run("the other tenant has its own counter", func(t *testing.T) {
		_, err := e.Service.Quote(orderstest.Ctx(b), orders.QuoteInput{OfferID: orderstest.OfferRetail,
			PackageCode: orderstest.PackageDiet, PromoCode: "GUESS", ClientIP: ip})
		if err != nil {
			t.Fatal(err)
		}
	})
	// The window is an hour from the first guess: a second before its end
	// the address is still blocked, at its end it may try again.
	t.Run("window boundaries", func(t *testing.T) {
		e.Clock.Advance(time.Hour - time.Second)
		if err := quote(ip, "REAL"); !errors.Is(err, orders.ErrPromoTooManyAttempts) {
			t.Fatalf("a second before the end: %v", err)
		}
		e.Clock.Advance(time.Second)
		if err := quote(ip, "REAL"); err != nil {
			t.Fatalf("at the end: %v", err)
		}
		// The blocked address's window restarted now and its count went
		// back to zero (the real code was forgiven), deleting its row; the
		// other address's hour is over, so its row goes.
		if n, err := e.Service.PurgeGuesses(orderstest.Ctx(a)); err != nil || n != 1 {
			t.Fatalf("PurgeGuesses = %d, %v; want 1", n, err)
		}
	})
}

// 50 parallel guesses from one address count exactly up to the limit.
func TestPromoGuessLimitUnderConcurrency(t *testing.T) {
	e := orderstest.New(t)
	limit := orders.DefaultConfig().PromoGuessesPerIP
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		blocked int
	)
	for i := range 50 {
		wg.Go(func() {
			_, err := e.Service.Quote(orderstest.Ctx(a), orders.QuoteInput{OfferID: orderstest.OfferRetail,
				PackageCode: orderstest.PackageDiet, PromoCode: "X" + string(rune('A'+i)), ClientIP: "198.51.100.1"})
			switch {
			case errors.Is(err, orders.ErrPromoTooManyAttempts):
				mu.Lock()
				blocked++
				mu.Unlock()
			case err != nil:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if blocked != 50-limit {
		t.Fatalf("%d blocked, want %d", blocked, 50-limit)
	}
}
