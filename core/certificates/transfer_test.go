package certificates_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/core/certificates"
	ct "github.com/consult/platform/core/certificates/certificatestest"
)

// 003/004 3.10: within one month of receipt. Received 15 January 14:00
// Moscow, the window's last day is 15 February; it closes at 24:00 of it.
func TestTransferWindow(t *testing.T) {
	tests := []struct {
		name    string
		now     time.Time
		allowed bool
	}{
		{"at receipt", ct.Start, true},
		{"the last day, 00:00", midnight(2026, 2, 15), true},
		{"the last day, 23:59:59", at(2026, 2, 15, 23, 59, 59), true},
		{"the day after, 00:00", midnight(2026, 2, 16), false},
		{"the day after, 00:00 Moscow = 21:00 UTC the last day", time.Date(2026, 2, 15, 21, 0, 0, 0, time.UTC), false},
		{"weeks later", midnight(2026, 3, 10), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := ct.New(t)
			c, giver := e.Bound(t, ct.TenantA, "PET1_3", "+79990000001") // 3 months: the term outlives the window
			e.Clock.Set(tt.now)
			got, err := e.Service.Transfer(ctxA, c.Number, giver, "+79990000002", client("192.0.2.1"))
			if !tt.allowed {
				ee := wantErr(t, err, certificates.ErrTransferWindowClosed)
				if ee.Data["Date"] != "2026-02-15" {
					t.Fatalf("Date = %v, want the window's last day", ee.Data["Date"])
				}
				if text := e.Texts.T("ru", ee.Code, ee.Data); !strings.Contains(text, "2026-02-15") {
					t.Fatalf("text %q", text)
				}
				if n := len(e.Outbox(t, ct.TenantA, certificates.KindTransferredTo)); n != 0 {
					t.Fatalf("%d notices of a refused transfer", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Holder.UserID != "" || got.Holder.Phone != "+79990000002" || !got.PhoneLocked ||
				got.TransferredAt == nil || !got.ReceivedAt.Equal(c.ReceivedAt) {
				t.Fatalf("after transfer %+v", got)
			}
			// The notices: the recipient by SMS with the number; the giver
			// in the cabinet and by SMS, with the recipient's phone masked.
			to := e.Outbox(t, ct.TenantA, certificates.KindTransferredTo)
			if len(to) != 1 || to[0].Channel != "sms" || to[0].Recipient != "+79990000002" ||
				!strings.Contains(to[0].Body, c.Number) || !to[0].Sensitive {
				t.Fatalf("recipient's notice %+v", to)
			}
			from := e.Outbox(t, ct.TenantA, certificates.KindTransferredFrom)
			if len(from) != 2 || from[0].Channel != "cabinet" || from[0].Recipient != giver.UserID ||
				from[1].Channel != "sms" || from[1].Recipient != giver.Phone {
				t.Fatalf("giver's notices %+v", from)
			}
			for _, m := range from {
				if strings.Contains(m.Body, "+79990000002") || !strings.Contains(m.Body, "+7********02") {
					t.Fatalf("giver's notice shows the recipient's phone: %s", m.Body)
				}
			}
			events, _ := e.Store.Events(ctxA, c.ID)
			if countEvents(events, certificates.EventTransferred) != 1 {
				t.Fatalf("events %+v", events)
			}
			// Gone from the giver's list; the giver cannot transfer it again.
			if active, inactive, _ := e.Service.Mine(ctxA, giver.UserID); len(active)+len(inactive) != 0 {
				t.Fatalf("the giver still lists %d", len(active)+len(inactive))
			}
			_, err = e.Service.Transfer(ctxA, c.Number, giver, "+79990000003", client("192.0.2.1"))
			wantErr(t, err, certificates.ErrNotFound)
		})
	}
}

// The window does not restart with a transfer: the recipient steps into
// the same contract.
func TestTransferWindowIsTheContracts(t *testing.T) {
	e := ct.New(t)
	c, giver := e.Bound(t, ct.TenantA, "PET1_3", "+79990000001")
	e.Clock.Set(at(2026, 2, 10, 12, 0, 0))
	if _, err := e.Service.Transfer(ctxA, c.Number, giver, "+79990000002", client("")); err != nil {
		t.Fatal(err)
	}
	recipient := e.Customer(t, ct.TenantA, "+79990000002")
	if _, err := e.Service.Activate(ctxA, c.Number, recipient, client("")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Service.Transfer(ctxA, c.Number, recipient, "+79990000003", client("")); err != nil {
		t.Fatalf("inside the window: %v", err)
	}
	third := e.Customer(t, ct.TenantA, "+79990000003")
	if _, err := e.Service.Activate(ctxA, c.Number, third, client("")); err != nil {
		t.Fatal(err)
	}
	e.Clock.Set(midnight(2026, 2, 16))
	_, err := e.Service.Transfer(ctxA, c.Number, third, "+79990000004", client(""))
	wantErr(t, err, certificates.ErrTransferWindowClosed)
}

func TestTransferRefusals(t *testing.T) {
	e := ct.New(t)
	c, giver := e.Bound(t, ct.TenantA, "PET1+", "+79990000001")
	stranger := e.Customer(t, ct.TenantA, "+79990000009")
	t.Run("not the holder", func(t *testing.T) {
		_, err := e.Service.Transfer(ctxA, c.Number, stranger, "+79990000002", client(""))
		wantErr(t, err, certificates.ErrNotFound)
	})
	t.Run("not a number", func(t *testing.T) {
		_, err := e.Service.Transfer(ctxA, "K7QM", giver, "+79990000002", client(""))
		wantErr(t, err, certificates.ErrNotFound)
	})
	t.Run("another tenant", func(t *testing.T) {
		_, err := e.Service.Transfer(ctxB, c.Number, giver, "+79990000002", client(""))
		wantErr(t, err, certificates.ErrNotFound)
	})
	t.Run("not a phone", func(t *testing.T) {
		_, err := e.Service.Transfer(ctxA, c.Number, giver, "12345", client(""))
		ee := wantErr(t, err, certificates.ErrPhoneInvalid)
		if len(ee.Fields) != 1 || ee.Fields[0].Field != "phone" {
			t.Fatalf("fields %+v", ee.Fields)
		}
	})
	t.Run("to oneself", func(t *testing.T) {
		_, err := e.Service.Transfer(ctxA, c.Number, giver, "8 (999) 000-00-01", client(""))
		wantErr(t, err, certificates.ErrTransferToSelf)
	})
	t.Run("a service in progress", func(t *testing.T) {
		e.Clock.Set(c.Term.Start)
		rid, err := e.Service.Reserve(ctxA, c.ID, ct.Vet, giver.UserID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Service.Transfer(ctxA, c.Number, giver, "+79990000002", client(""))
		wantErr(t, err, certificates.ErrServiceInProgress)
		if err := e.Service.Release(ctxA, rid); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("expired", func(t *testing.T) {
		e.Clock.Set(c.Term.End) // 21 days: over before the month of 3.10
		_, err := e.Service.Transfer(ctxA, c.Number, giver, "+79990000002", client(""))
		ee := wantErr(t, err, certificates.ErrExpired)
		if ee.Data["Date"] != "2026-02-05" {
			t.Fatalf("Date %v", ee.Data["Date"])
		}
	})
	if after, _ := e.Store.Certificate(ctxA, c.ID); after.Holder.UserID != giver.UserID {
		t.Fatalf("refused transfers moved it to %q", after.Holder.UserID)
	}
	if n := len(e.Outbox(t, ct.TenantA, certificates.KindTransferredTo)); n != 0 {
		t.Fatalf("%d notices", n)
	}
}

func TestTransferIsExclusiveWithReserve(t *testing.T) {
	// Whichever of a transfer and a reservation commits first, the other
	// sees it: never a unit reserved for a certificate given away.
	e := ct.New(t)
	for i := range 20 {
		e.Clock.Set(ct.Start)
		c, giver := e.Bound(t, ct.TenantA, "PET1_3", "+7999100"+fmt.Sprintf("%04d", i))
		e.Clock.Set(c.Term.Start)
		results := make(chan error, 2)
		go func() {
			_, err := e.Service.Transfer(ctxA, c.Number, giver, "+79990000002", client(""))
			results <- err
		}()
		go func() {
			_, err := e.Service.Reserve(ctxA, c.ID, ct.Vet, giver.UserID)
			results <- err
		}()
		e1, e2 := <-results, <-results
		after, err := e.Store.Certificate(ctxA, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		reserved := 0
		for _, q := range after.Quotas {
			reserved += q.Reserved
		}
		transferred := after.Holder.UserID == ""
		if transferred && reserved > 0 {
			t.Fatalf("transferred with %d reserved (errors %v, %v)", reserved, e1, e2)
		}
		if !transferred && reserved != 1 {
			t.Fatalf("neither happened (errors %v, %v)", e1, e2)
		}
		for _, err := range []error{e1, e2} {
			if err != nil && !errors.Is(err, certificates.ErrServiceInProgress) && !errors.Is(err, certificates.ErrNotFound) {
				t.Fatalf("unexpected %v", err)
			}
		}
	}
}
