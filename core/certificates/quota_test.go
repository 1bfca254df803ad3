package certificates_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/consult/platform/core/certificates"
	ct "github.com/consult/platform/core/certificates/certificatestest"
	"github.com/consult/platform/core/platform/errs"
)

// quota returns the certificate's quota of kind as stored.
func quota(tb testing.TB, e *ct.Env, id, kind string) certificates.Quota {
	tb.Helper()
	c, err := e.Store.Certificate(ctxA, id)
	if err != nil {
		tb.Fatal(err)
	}
	for _, q := range c.Quotas {
		if q.ServiceKind == kind {
			return q
		}
	}
	tb.Fatalf("no quota %s", kind)
	return certificates.Quota{}
}

// SECURITY.md 18: 50 goroutines race for the last unit; exactly one wins.
func TestReserveLastUnitRace(t *testing.T) {
	e := ct.New(t)
	c, cust := e.Bound(t, ct.TenantA, "PET1_3", "+79990000001") // 3 vet consultations
	e.Clock.Set(c.Term.Start)
	for range 2 {
		if _, err := e.Service.Reserve(ctxA, c.ID, ct.Vet, cust.UserID); err != nil {
			t.Fatal(err)
		}
	}
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		won       []string
		exhausted int
		other     []error
	)
	for range 50 {
		wg.Go(func() {
			id, err := e.Service.Reserve(ctxA, c.ID, ct.Vet, cust.UserID)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won = append(won, id)
			case errors.Is(err, certificates.ErrQuotaExhausted):
				exhausted++
			default:
				other = append(other, err)
			}
		})
	}
	wg.Wait()
	if len(won) != 1 || exhausted != 49 || len(other) > 0 {
		t.Fatalf("%d won, %d exhausted, other %v; want exactly one winner", len(won), exhausted, other)
	}
	if q := quota(t, e, c.ID, ct.Vet); q.Reserved != 3 || q.Used != 0 || q.Remaining() != 0 {
		t.Fatalf("quota %+v", q)
	}
	if n := e.Count(t, "certificate_reservations", "certificate_id = ?", c.ID); n != 3 {
		t.Fatalf("%d reservation rows", n)
	}
}

func TestWriteOffAndRelease(t *testing.T) {
	e := ct.New(t)
	c, cust := e.Bound(t, ct.TenantA, "PET1_3", "+79990000001")
	e.Clock.Set(c.Term.Start.Add(10 * time.Hour))
	reserve := func() string {
		t.Helper()
		id, err := e.Service.Reserve(ctxA, c.ID, ct.Vet, cust.UserID)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	t.Run("write-off twice writes off once", func(t *testing.T) {
		id := reserve()
		for range 2 {
			if err := e.Service.WriteOff(ctxA, id); err != nil {
				t.Fatal(err)
			}
		}
		if q := quota(t, e, c.ID, ct.Vet); q.Used != 1 || q.Reserved != 0 {
			t.Fatalf("quota %+v", q)
		}
		r, err := e.Store.Reservation(ctxA, id)
		if err != nil || r.State != certificates.ReservationUsed || r.SettledAt == nil {
			t.Fatalf("reservation %+v, %v", r, err)
		}
	})
	t.Run("concurrent write-offs write off once", func(t *testing.T) {
		id := reserve()
		var wg sync.WaitGroup
		results := make(chan error, 20)
		for range 20 {
			wg.Go(func() { results <- e.Service.WriteOff(ctxA, id) })
		}
		wg.Wait()
		close(results)
		for err := range results {
			if err != nil {
				t.Fatal(err)
			}
		}
		if q := quota(t, e, c.ID, ct.Vet); q.Used != 2 || q.Reserved != 0 {
			t.Fatalf("quota %+v", q)
		}
	})
	t.Run("release, then write-off is refused", func(t *testing.T) {
		id := reserve()
		if err := e.Service.Release(ctxA, id); err != nil {
			t.Fatal(err)
		}
		if err := e.Service.Release(ctxA, id); err != nil {
			t.Fatalf("second release: %v", err)
		}
		wantErr(t, e.Service.WriteOff(ctxA, id), certificates.ErrReservationReleased)
		if q := quota(t, e, c.ID, ct.Vet); q.Used != 2 || q.Reserved != 0 || q.Remaining() != 1 {
			t.Fatalf("quota %+v: the released unit is free again", q)
		}
	})
	t.Run("write-off, then release is refused", func(t *testing.T) {
		id := reserve()
		if err := e.Service.WriteOff(ctxA, id); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.Service.Release(ctxA, id), certificates.ErrReservationUsed)
		if q := quota(t, e, c.ID, ct.Vet); q.Used != 3 || q.Reserved != 0 {
			t.Fatalf("quota %+v", q)
		}
	})
	t.Run("unknown reservation", func(t *testing.T) {
		wantErr(t, e.Service.WriteOff(ctxA, "no such"), certificates.ErrNotFound)
		wantErr(t, e.Service.Release(ctxA, "no such"), certificates.ErrNotFound)
	})
	events, err := e.Store.Events(ctxA, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r, w, rel := countEvents(events, certificates.EventReserved), countEvents(events, certificates.EventWrittenOff),
		countEvents(events, certificates.EventReleased); r != 4 || w != 3 || rel != 1 {
		t.Fatalf("events: %d reserved, %d written off, %d released", r, w, rel)
	}
}

func TestReserveRefusals(t *testing.T) {
	e := ct.New(t)
	c, cust := e.Bound(t, ct.TenantA, "PET1+", "+79990000001") // 16 Jan – 5 Feb, one vet consultation
	stranger := e.Customer(t, ct.TenantA, "+79990000002")
	unbound := e.Issue(t, ct.TenantA, e.Input("PET1+"))
	tests := []struct {
		name     string
		now      time.Time
		cert     string
		kind     string
		user     string
		sentinel *errs.Error
		date     string
	}{
		{"the payment day", at(2026, 1, 15, 23, 59, 59), c.ID, ct.Vet, cust.UserID, certificates.ErrNotStarted, "2026-01-16"},
		{"another customer", midnight(2026, 1, 16), c.ID, ct.Vet, stranger.UserID, certificates.ErrNotFound, ""},
		{"not activated by anyone", midnight(2026, 1, 16), unbound.ID, ct.Vet, cust.UserID, certificates.ErrNotFound, ""},
		{"unknown certificate", midnight(2026, 1, 16), "nope", ct.Vet, cust.UserID, certificates.ErrNotFound, ""},
		{"another tenant", midnight(2026, 1, 16), c.ID, ct.Vet, cust.UserID, certificates.ErrNotFound, ""},
		{"not in the package", midnight(2026, 1, 16), c.ID, ct.Video, cust.UserID, certificates.ErrServiceNotIncluded, ""},
		{"at 24:00 of the last day", midnight(2026, 2, 6), c.ID, ct.Vet, cust.UserID, certificates.ErrExpired, "2026-02-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.Clock.Set(tt.now)
			ctx := ctxA
			if tt.name == "another tenant" {
				ctx = ctxB
			}
			id, err := e.Service.Reserve(ctx, tt.cert, tt.kind, tt.user)
			got := wantErr(t, err, tt.sentinel)
			if id != "" {
				t.Fatalf("Reserve = %q with an error", id)
			}
			if tt.date != "" && got.Data["Date"] != tt.date {
				t.Fatalf("Date %v, want %s", got.Data["Date"], tt.date)
			}
		})
	}
	// The last instant of the term reserves; then the quota is exhausted.
	e.Clock.Set(midnight(2026, 2, 6).Add(-time.Microsecond))
	if _, err := e.Service.Reserve(ctxA, c.ID, ct.Vet, cust.UserID); err != nil {
		t.Fatalf("at 23:59:59.999999 of the last day: %v", err)
	}
	if _, err := e.Service.Reserve(ctxA, c.ID, ct.Vet, cust.UserID); !errors.Is(err, certificates.ErrQuotaExhausted) {
		t.Fatalf("the second unit of one: %v", err)
	}
	if n := e.Count(t, "certificate_reservations", ""); n != 1 {
		t.Fatalf("%d reservations", n)
	}
}

// The first request for a service activates a certificate bound at
// purchase (003 art. 1, 14.2).
func TestReserveActivates(t *testing.T) {
	e := ct.New(t)
	c, cust := e.Bound(t, ct.TenantA, "PET1_3", "+79990000001")
	e.Clock.Set(c.Term.Start)
	for range 2 {
		if _, err := e.Service.Reserve(ctxA, c.ID, ct.Vet, cust.UserID); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := e.Store.Certificate(ctxA, c.ID)
	if after.ActivatedAt == nil || !after.ActivatedAt.Equal(c.Term.Start) {
		t.Fatalf("activated at %v", after.ActivatedAt)
	}
	events, _ := e.Store.Events(ctxA, c.ID)
	if n := countEvents(events, certificates.EventActivated); n != 1 {
		t.Fatalf("%d activated events", n)
	}
}
