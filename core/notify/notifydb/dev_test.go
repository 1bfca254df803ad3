package notifydb_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/notify/notifydb"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
)

// TestDevOutboxShowsCodesTheOutboxErased runs the dev pipeline end to end:
// a login code enqueued, delivered by the worker through the dev outbox
// (no SMS provider in dev), erased from the outbox row, and readable in the
// dev outbox by the tenant that sent it.
func TestDevOutboxShowsCodesTheOutboxErased(t *testing.T) {
	ctx := context.Background()
	d := newDB(t)
	store := notifydb.NewStore(d)
	clk := clock.NewFake(t0)
	log, logs := newLogger()
	senders := map[notify.Channel]notify.Sender{notify.SMS: notify.NewDevOutbox(store, clk, nil, log)}
	w := notify.NewWorker(store, senders, clk, log, opts)

	enqueue(t, d, t0, code("alpha", "+79991234567"))
	if sent, err := w.RunOnce(ctx); err != nil || sent != 1 {
		t.Fatalf("RunOnce = %d, %v", sent, err)
	}
	r := rows(t, d)[0]
	if r.Status != notifydb.StatusSent || r.Body != "" || !strings.HasPrefix(r.ProviderID, "dev-outbox:") {
		t.Fatalf("outbox row = %s, body %q, provider %q", r.Status, r.Body, r.ProviderID)
	}
	got, err := store.DevMessages(tenancy.With(ctx, "alpha"), "+7 (999) 123-45-67", 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("DevMessages = %+v, %v", got, err)
	}
	want := notify.DevMessage{ID: got[0].ID, Channel: notify.SMS, To: "+79991234567", Text: "Код входа: 123456", Kind: "auth.login_code",
		CreatedAt: t0, Status: notify.DevCaptured}
	if !got[0].CreatedAt.Equal(t0) {
		t.Fatalf("created_at = %v, want %v", got[0].CreatedAt, t0)
	}
	got[0].CreatedAt = t0
	if got[0] != want {
		t.Fatalf("dev message = %+v\nwant %+v", got[0], want)
	}
	assertClean(t, logs.String())
}

func TestDevOutboxStatus(t *testing.T) {
	tests := []struct {
		name   string
		next   notify.Sender
		want   string
		wantID string // prefix of the provider id
	}{
		{"no provider: captured", nil, notify.DevCaptured, "dev-outbox:"},
		{"provider accepts: sent", &recorder{}, notify.DevSent, "prov-"},
		{"provider refuses: rejected", &recorder{outcome: func(int, notify.Message) error { return notify.Permanent(errors.New("no")) }}, notify.DevRejected, ""},
		{"provider fails: error", &recorder{outcome: func(int, notify.Message) error { return errors.New("later") }}, notify.DevError, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			d := newDB(t)
			store := notifydb.NewStore(d)
			dev := notify.NewDevOutbox(store, clock.NewFake(t0), tt.next, nil)
			id, err := dev.Send(ctx, code("alpha", "+79991234567"))
			if (err == nil) != (tt.wantID != "") || !strings.HasPrefix(id, tt.wantID) {
				t.Fatalf("Send = %q, %v", id, err)
			}
			got, err := store.DevMessages(tenancy.With(ctx, "alpha"), "", 10)
			if err != nil || len(got) != 1 || got[0].Status != tt.want || got[0].Text != "Код входа: 123456" {
				t.Fatalf("DevMessages = %+v, %v; want one with status %s", got, err, tt.want)
			}
		})
	}
}

func TestDevMessages(t *testing.T) {
	ctx := context.Background()
	d := newDB(t)
	store := notifydb.NewStore(d)
	clk := clock.NewFake(t0)
	dev := notify.NewDevOutbox(store, clk, nil, nil)
	send := func(tenant string, ch notify.Channel, to, text string) {
		t.Helper()
		clk.Advance(time.Second)
		if _, err := dev.Send(ctx, notify.Message{TenantID: tenant, Channel: ch, To: to, Text: text, Kind: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	send("alpha", notify.SMS, "+79991234567", "a1")
	send("alpha", notify.Email, "Ivan@Mail.ru", "a2")
	send("beta", notify.SMS, "+79991234567", "b1")
	send("alpha", notify.SMS, "+79991234567", "a3")
	send("beta", notify.Email, "ivan@mail.ru", "b2")
	// Two entries at one instant: the id (UUIDv7) still orders them.
	clk.Advance(-time.Second)
	send("alpha", notify.SMS, "+79991234567", "a4")

	tests := []struct {
		name   string
		tenant string
		to     string
		limit  int
		want   []string
	}{
		{"a phone, newest first", "alpha", "+79991234567", 10, []string{"a4", "a3", "a1"}},
		{"a phone as people type it", "alpha", "7 999 123-45-67", 10, []string{"a4", "a3", "a1"}},
		{"an e-mail in any case", "alpha", "ivan@MAIL.ru", 10, []string{"a2"}},
		{"every recipient", "alpha", "", 10, []string{"a4", "a3", "a2", "a1"}},
		{"limit", "alpha", "", 2, []string{"a4", "a3"}},
		{"unknown recipient", "alpha", "+70000000000", 10, nil},
		{"the other tenant sees only its own", "beta", "", 10, []string{"b2", "b1"}},
		{"the other tenant's phone", "beta", "+79991234567", 10, []string{"b1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := store.DevMessages(tenancy.With(ctx, tt.tenant), tt.to, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var texts []string
			for _, m := range got {
				texts = append(texts, m.Text)
			}
			if strings.Join(texts, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("texts = %v, want %v", texts, tt.want)
			}
		})
	}
	t.Run("without a tenant: fails closed", func(t *testing.T) {
		if got, err := store.DevMessages(ctx, "", 10); !errors.Is(err, errs.ErrTenantMissing) || got != nil {
			t.Fatalf("DevMessages = %v, %v; want ErrTenantMissing", got, err)
		}
	})
}
