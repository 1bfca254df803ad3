package certificates_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consult/platform/core/certificates"
	ct "github.com/consult/platform/core/certificates/certificatestest"
	"github.com/consult/platform/core/platform/errs"
)

func client(ip string) certificates.Client {
	return certificates.Client{IP: ip, Locale: "ru", Brand: "VetPet", BaseURL: "https://vet-pet.example"}
}

func TestActivate(t *testing.T) {
	e := ct.New(t)
	c := e.Issue(t, ct.TenantA, e.Input("PET1"))
	cust := e.Customer(t, ct.TenantA, "+79990000001")
	e.Clock.Advance(time.Hour)
	got, err := e.Service.Activate(ctxA, strings.ToLower(strings.ReplaceAll(c.Number, "-", " ")), cust, client("192.0.2.1"))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != c.ID || got.Holder.UserID != cust.UserID || got.ActivatedAt == nil || !got.ActivatedAt.Equal(ct.Start.Add(time.Hour)) {
		t.Fatalf("activated %+v", got)
	}
	// Again by the same customer: the same answer, nothing new.
	e.Clock.Advance(time.Hour)
	again, err := e.Service.Activate(ctxA, c.Number, cust, client("192.0.2.1"))
	if err != nil || again.ID != c.ID || !again.ActivatedAt.Equal(*got.ActivatedAt) {
		t.Fatalf("again: %+v, %v", again, err)
	}
	events, _ := e.Store.Events(ctxA, c.ID)
	if n := countEvents(events, certificates.EventActivated); n != 1 {
		t.Fatalf("%d activated events", n)
	}
	// Successes leave no failure counted.
	if n := e.Count(t, "certificate_activation_limits", ""); n != 0 {
		t.Fatalf("%d limit rows after successes", n)
	}
	// Bound at purchase: activation marks it activated, once.
	b, owner := e.Bound(t, ct.TenantA, "PET1", "+79990000002")
	got, err = e.Service.Activate(ctxA, b.Number, owner, client("192.0.2.1"))
	if err != nil || got.ActivatedAt == nil {
		t.Fatalf("bound at purchase: %+v, %v", got, err)
	}
}

func countEvents(events []certificates.Event, kind certificates.EventKind) int {
	n := 0
	for _, ev := range events {
		if ev.Kind == kind {
			n++
		}
	}
	return n
}

// Every way of naming a certificate one may not have answers exactly the
// same not_found (SECURITY.md 10): no oracle for numbers.
func TestActivateAnswersAlike(t *testing.T) {
	e := ct.New(t)
	mine, _ := e.Bound(t, ct.TenantA, "PET1", "+79990000001")
	foreign := e.Issue(t, ct.TenantB, e.Input("PET1"))
	transferred, giver := e.Bound(t, ct.TenantA, "PET1_3", "+79990000003")
	if _, err := e.Service.Transfer(ctxA, transferred.Number, giver, "+79990000004", client("192.0.2.9")); err != nil {
		t.Fatal(err)
	}
	s := symbols(mine.Number)
	s[12] = alphabet[(strings.IndexByte(alphabet, s[12])+7)%32]
	unknown := newNumber(t, strings.NewReader("unknown!"))
	cust := e.Customer(t, ct.TenantA, "+79990000005")
	tests := []struct{ name, number string }{
		{"wrong check symbol", grouped(s)},
		{"unknown number", unknown},
		{"another tenant's number", foreign.Number},
		{"another customer's certificate", mine.Number},
		{"transferred to another phone", transferred.Number},
		{"the giver after the transfer", transferred.Number},
		{"not a number", "hello"},
		{"empty", ""},
	}
	var first *errs.Error
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			who := cust
			if tt.name == "the giver after the transfer" {
				who = giver
			}
			got, err := e.Service.Activate(ctxA, tt.number, who, client("192.0.2.1"))
			ee := wantErr(t, err, certificates.ErrNotFound)
			if got.ID != "" || ee.Data != nil || ee.Fields != nil || ee.Err != nil || err.Error() != certificates.CodeNotFound {
				t.Fatalf("answer %+v / %+v differs from a plain not_found", got, ee)
			}
			if first == nil {
				first = ee
			} else if ee.Kind != first.Kind || ee.Code != first.Code || ee.Error() != first.Error() {
				t.Fatalf("answer %+v differs from %+v", ee, first)
			}
		})
	}
	// Nothing was bound or changed by the failures.
	for _, c := range []certificates.Certificate{mine, transferred} {
		after, err := e.Store.Certificate(ctxA, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Holder.UserID == cust.UserID {
			t.Fatalf("%s was bound to the prober", c.Number)
		}
	}
}

func TestActivateAfterTransfer(t *testing.T) {
	e := ct.New(t)
	c, giver := e.Bound(t, ct.TenantA, "PET1_3", "+79990000001")
	if _, err := e.Service.Transfer(ctxA, c.Number, giver, "8 999 000-00-02", client("192.0.2.1")); err != nil {
		t.Fatal(err)
	}
	other := e.Customer(t, ct.TenantA, "+79990000003")
	if _, err := e.Service.Activate(ctxA, c.Number, other, client("192.0.2.1")); !errors.Is(err, certificates.ErrNotFound) {
		t.Fatalf("someone else: %v", err)
	}
	recipient := e.Customer(t, ct.TenantA, "+79990000002")
	got, err := e.Service.Activate(ctxA, c.Number, recipient, client("192.0.2.1"))
	if err != nil || got.Holder.UserID != recipient.UserID || got.PhoneLocked {
		t.Fatalf("recipient: %+v, %v", got, err)
	}
}

// Activation is rate-limited per account and per address, in the
// database; the limit holds under concurrency and ends with its window.
func TestActivateRateLimit(t *testing.T) {
	t.Run("per account", func(t *testing.T) {
		e := ct.New(t)
		c := e.Issue(t, ct.TenantA, e.Input("PET1"))
		cust := e.Customer(t, ct.TenantA, "+79990000001")
		for range e.Config.FailuresPerUser {
			_, err := e.Service.Activate(ctxA, "0000-0000-0000-1", cust, client(""))
			wantErr(t, err, certificates.ErrNotFound)
			e.Clock.Advance(time.Minute)
		}
		// Even the right number is refused now, with the wait until the
		// window that began with the first failure ends.
		_, err := e.Service.Activate(ctxA, c.Number, cust, client(""))
		ee := wantErr(t, err, certificates.ErrTooManyAttempts)
		wait := time.Hour - time.Duration(e.Config.FailuresPerUser)*time.Minute
		if ee.Data["RetryAfter"] != int(wait/time.Second) || ee.Data["Minutes"] != int(wait/time.Minute) {
			t.Fatalf("data %v, want RetryAfter %d", ee.Data, int(wait/time.Second))
		}
		if text := e.Texts.T("ru", ee.Code, ee.Data); !strings.Contains(text, "50 минут.") {
			t.Fatalf("text %q", text)
		}
		// Another customer is not affected.
		if _, err := e.Service.Activate(ctxA, c.Number, e.Customer(t, ct.TenantA, "+79990000002"), client("")); err != nil {
			t.Fatalf("another customer: %v", err)
		}
		// The window ends: the first customer may try again.
		e.Clock.Advance(wait)
		d := e.Issue(t, ct.TenantA, e.Input("PET1"))
		if _, err := e.Service.Activate(ctxA, d.Number, cust, client("")); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
	t.Run("per address", func(t *testing.T) {
		e := ct.New(t)
		ip := client("198.51.100.7")
		failures := 0
		for failures < e.Config.FailuresPerIP {
			cust := e.Customer(t, ct.TenantA, "+7999000"+string(rune('1'+failures/e.Config.FailuresPerUser))+"000")
			for range e.Config.FailuresPerUser {
				if failures == e.Config.FailuresPerIP {
					break
				}
				_, err := e.Service.Activate(ctxA, "0000-0000-0000-1", cust, ip)
				wantErr(t, err, certificates.ErrNotFound)
				failures++
			}
		}
		c := e.Issue(t, ct.TenantA, e.Input("PET1"))
		fresh := e.Customer(t, ct.TenantA, "+79995550000")
		_, err := e.Service.Activate(ctxA, c.Number, fresh, ip)
		ee := wantErr(t, err, certificates.ErrTooManyAttempts)
		if ee.Data["RetryAfter"] != 3600 {
			t.Fatalf("RetryAfter %v", ee.Data["RetryAfter"])
		}
		if _, err := e.Service.Activate(ctxA, c.Number, fresh, client("198.51.100.8")); err != nil {
			t.Fatalf("from another address: %v", err)
		}
	})
	t.Run("50 parallel guesses", func(t *testing.T) {
		e := ct.New(t)
		cust := e.Customer(t, ct.TenantA, "+79990000001")
		var (
			wg                sync.WaitGroup
			mu                sync.Mutex
			notFound, tooMany int
			other             []error
		)
		for range 50 {
			wg.Go(func() {
				_, err := e.Service.Activate(ctxA, "0000-0000-0000-1", cust, client("192.0.2.1"))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, certificates.ErrNotFound):
					notFound++
				case errors.Is(err, certificates.ErrTooManyAttempts):
					tooMany++
				default:
					other = append(other, err)
				}
			})
		}
		wg.Wait()
		if len(other) > 0 || notFound != e.Config.FailuresPerUser || tooMany != 50-e.Config.FailuresPerUser {
			t.Fatalf("not found %d, too many %d, other %v; want exactly %d guesses answered", notFound, tooMany, other, e.Config.FailuresPerUser)
		}
		var failures int
		if err := e.DB.NewRaw("SELECT failures FROM certificate_activation_limits WHERE subject = ?", "user:"+cust.UserID).
			Scan(ctxA, &failures); err != nil || failures != e.Config.FailuresPerUser {
			t.Fatalf("counted %d (%v)", failures, err)
		}
	})
}

// Counters whose window is over are purged; live ones stay.
func TestPurge(t *testing.T) {
	e := ct.New(t)
	old := e.Customer(t, ct.TenantA, "+79990000001")
	recent := e.Customer(t, ct.TenantA, "+79990000002")
	if _, err := e.Service.Activate(ctxA, "0000-0000-0000-1", old, client("192.0.2.1")); !errors.Is(err, certificates.ErrNotFound) {
		t.Fatal(err)
	}
	if _, err := e.Service.Activate(ctxB, "0000-0000-0000-1", old, client("192.0.2.1")); !errors.Is(err, certificates.ErrNotFound) {
		t.Fatal(err)
	}
	e.Clock.Advance(59 * time.Minute)
	if _, err := e.Service.Activate(ctxA, "0000-0000-0000-1", recent, client("192.0.2.2")); !errors.Is(err, certificates.ErrNotFound) {
		t.Fatal(err)
	}
	if n, err := e.Service.Purge(ctxA); err != nil || n != 0 {
		t.Fatalf("purged %d, %v before any window ended", n, err)
	}
	e.Clock.Advance(time.Minute)
	if n, err := e.Service.Purge(ctxA); err != nil || n != 2 {
		t.Fatalf("purged %d, %v; want the old account's and address's counters", n, err)
	}
	if got := e.Count(t, "certificate_activation_limits", "tenant_id = ?", ct.TenantA); got != 2 {
		t.Fatalf("%d counters left in A, want the recent two", got)
	}
	if got := e.Count(t, "certificate_activation_limits", "tenant_id = ?", ct.TenantB); got != 2 {
		t.Fatalf("tenant B's counters were purged (%d left)", got)
	}
}
