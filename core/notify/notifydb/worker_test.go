package notifydb_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/notify/notifydb"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
)

var opts = notify.WorkerOptions{Batch: 10, Lease: time.Minute, MaxAttempts: 3, BackoffInitial: 10 * time.Second, BackoffMax: time.Minute}

// secrets are what no log line may contain: the code, the phone in any
// shape, the e-mail address.
var secrets = []string{"123456", "+79991234567", "79991234567", "9991234567", "ivan.petrov@mail.ru", "petrov"}

func assertClean(t *testing.T, log string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(log, s) {
			t.Errorf("the log contains %q:\n%s", s, log)
		}
	}
}

func TestWorkerDelivers(t *testing.T) {
	ctx := context.Background()
	d := newDB(t)
	clk := clock.NewFake(t0)
	sms, email, cabinet := &recorder{}, &recorder{}, &recorder{}
	log, logs := newLogger()
	w := notify.NewWorker(notifydb.NewStore(d), map[notify.Channel]notify.Sender{notify.SMS: sms, notify.Email: email, notify.Cabinet: cabinet}, clk, log, opts)

	enqueue(t, d, t0,
		code("alpha", "+79991234567"),
		notify.Message{TenantID: "alpha", Channel: notify.Email, To: "ivan.petrov@mail.ru", Subject: "Ваш заказ", Text: "Заказ оплачен", HTML: "<p>Заказ оплачен</p>", Kind: "orders.paid"},
		notify.Message{TenantID: "beta", Channel: notify.Cabinet, To: "user-1", Subject: "Ответ специалиста", Text: "Готово", Kind: "consultations.answered"},
	)
	clk.Advance(time.Second)
	sent, err := w.RunOnce(ctx)
	if err != nil || sent != 3 {
		t.Fatalf("RunOnce = %d, %v; want 3 sent", sent, err)
	}
	if got := sms.messages(); len(got) != 1 || got[0].Text != "Код входа: 123456" || got[0].To != "+79991234567" {
		t.Fatalf("SMS sender got %+v", got)
	}
	if got := email.messages(); len(got) != 1 || got[0].HTML != "<p>Заказ оплачен</p>" || got[0].Subject != "Ваш заказ" {
		t.Fatalf("e-mail sender got %+v", got)
	}
	byKind := map[string]notifydb.Row{}
	for _, r := range rows(t, d) {
		byKind[r.Kind] = r
	}
	tests := []struct {
		kind, body, html string
	}{
		{"auth.login_code", "", ""}, // sensitive: erased once delivered
		{"orders.paid", "Заказ оплачен", "<p>Заказ оплачен</p>"},
		{"consultations.answered", "Готово", ""}, // the row is the cabinet notification
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			r := byKind[tt.kind]
			if r.Status != notifydb.StatusSent || r.Attempts != 1 || r.SentAt == nil || !r.SentAt.Equal(t0.Add(time.Second)) {
				t.Errorf("row = status %s, attempts %d, sent_at %v", r.Status, r.Attempts, r.SentAt)
			}
			if r.ProviderID != "prov-"+r.ID || r.LockedUntil != nil || r.LastError != "" {
				t.Errorf("row = provider %q, locked_until %v, last_error %q", r.ProviderID, r.LockedUntil, r.LastError)
			}
			if r.Body != tt.body || r.HTML != tt.html {
				t.Errorf("body = %q, html = %q; want %q, %q", r.Body, r.HTML, tt.body, tt.html)
			}
		})
	}
	if sent, err := w.RunOnce(ctx); err != nil || sent != 0 {
		t.Fatalf("second RunOnce = %d, %v; want nothing left", sent, err)
	}
	assertClean(t, logs.String())
	if !strings.Contains(logs.String(), "+7********67") {
		t.Errorf("the log should name the masked phone:\n%s", logs)
	}
}

// TestWorkerRetries drives the retry schedule on the fake clock: no sleeps
// stand in for business time.
func TestWorkerRetries(t *testing.T) {
	temporary := errors.New("gateway timeout for +79991234567 (Код входа: 123456)")
	tests := []struct {
		name       string
		outcome    func(n int, m notify.Message) error
		wantStatus []string // after each attempt
	}{
		{
			name:       "temporary failure, then accepted",
			outcome:    func(n int, _ notify.Message) error { return map[bool]error{true: temporary}[n == 1] },
			wantStatus: []string{notifydb.StatusPending, notifydb.StatusSent},
		},
		{
			name:       "temporary failures until the last attempt",
			outcome:    func(int, notify.Message) error { return temporary },
			wantStatus: []string{notifydb.StatusPending, notifydb.StatusPending, notifydb.StatusFailed},
		},
		{
			name:       "permanent failure: no retry",
			outcome:    func(int, notify.Message) error { return notify.Permanent(errors.New("bad number 79991234567")) },
			wantStatus: []string{notifydb.StatusFailed},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			d := newDB(t)
			clk := clock.NewFake(t0)
			sender := &recorder{outcome: tt.outcome}
			log, logs := newLogger()
			w := notify.NewWorker(notifydb.NewStore(d), map[notify.Channel]notify.Sender{notify.SMS: sender}, clk, log, opts)
			enqueue(t, d, t0, code("alpha", "+79991234567"))

			for attempt, want := range tt.wantStatus {
				before := clk.Now()
				if _, err := w.RunOnce(ctx); err != nil {
					t.Fatal(err)
				}
				r := rows(t, d)[0]
				if r.Status != want || r.Attempts != attempt+1 {
					t.Fatalf("attempt %d: status %s, attempts %d; want %s, %d", attempt+1, r.Status, r.Attempts, want, attempt+1)
				}
				if want != notifydb.StatusPending {
					break
				}
				// Exponential backoff with equal jitter: between half and
				// all of initial·2^(attempt-1).
				full := opts.BackoffInitial << attempt
				wait := r.NextAttemptAt.Sub(before)
				if wait < full/2 || wait > full {
					t.Fatalf("attempt %d: next attempt in %s, want %s…%s", attempt+1, wait, full/2, full)
				}
				if r.LockedUntil != nil || r.LastError == "" || r.Body == "" {
					t.Fatalf("attempt %d: locked_until %v, last_error %q, body %q", attempt+1, r.LockedUntil, r.LastError, r.Body)
				}
				if strings.Contains(r.LastError, "123456") || strings.Contains(r.LastError, "79991234567") {
					t.Fatalf("last_error keeps the code or the number: %q", r.LastError)
				}
				// Not due yet: nothing is claimed, nothing sent twice.
				clk.Set(before.Add(full/2 - time.Second))
				if _, err := w.RunOnce(ctx); err != nil || len(sender.messages()) != attempt+1 {
					t.Fatalf("attempt %d: sent before its time (%d sends, %v)", attempt+1, len(sender.messages()), err)
				}
				clk.Set(r.NextAttemptAt)
			}
			last := rows(t, d)[0]
			if last.Status == notifydb.StatusFailed && (last.Body != "" || last.LastError == "") {
				t.Errorf("failed row: body %q (a sensitive body must be erased), last_error %q", last.Body, last.LastError)
			}
			if n := len(sender.messages()); n != len(tt.wantStatus) {
				t.Errorf("%d sends, want %d", n, len(tt.wantStatus))
			}
			assertClean(t, logs.String())
		})
	}
}

// TestWorkerAfterCrash: a worker that claimed a message and died before
// marking it leaves the row pending under a lease. Until the lease ends
// nobody sends it (no duplicate); afterwards it is retried.
func TestWorkerAfterCrash(t *testing.T) {
	ctx := context.Background()
	d := newDB(t)
	clk := clock.NewFake(t0)
	store := notifydb.NewStore(d)
	enqueue(t, d, t0, code("alpha", "+79991234567"))

	crashed, err := store.Claim(ctx, clk.Now(), opts.Lease, 10)
	if err != nil || len(crashed) != 1 || crashed[0].Attempt != 1 || crashed[0].Text != "Код входа: 123456" {
		t.Fatalf("claim = %+v, %v", crashed, err)
	}
	sender := &recorder{}
	w := notify.NewWorker(store, map[notify.Channel]notify.Sender{notify.SMS: sender}, clk, nil, opts)

	clk.Advance(opts.Lease - time.Second)
	if sent, err := w.RunOnce(ctx); err != nil || sent != 0 {
		t.Fatalf("within the lease: RunOnce = %d, %v; want nothing", sent, err)
	}
	clk.Advance(time.Second)
	if sent, err := w.RunOnce(ctx); err != nil || sent != 1 {
		t.Fatalf("after the lease: RunOnce = %d, %v; want the message", sent, err)
	}
	if r := rows(t, d)[0]; r.Status != notifydb.StatusSent || r.Attempts != 2 {
		t.Fatalf("row = %s after %d attempts", r.Status, r.Attempts)
	}
	// The crashed worker's late mark must not touch the row a later
	// attempt owns.
	if err := store.MarkSent(ctx, crashed[0], "late", clk.Now()); !errors.Is(err, notify.ErrLeaseLost) {
		t.Fatalf("late MarkSent = %v, want ErrLeaseLost", err)
	}
	if err := store.MarkRetry(ctx, crashed[0], clk.Now(), "late"); !errors.Is(err, notify.ErrLeaseLost) {
		t.Fatalf("late MarkRetry = %v, want ErrLeaseLost", err)
	}
	if r := rows(t, d)[0]; r.Status != notifydb.StatusSent || r.ProviderID == "late" {
		t.Fatalf("row after late marks = %s, %q", r.Status, r.ProviderID)
	}
}

// TestWorkerShutdown: a send cut off by shutdown is recorded for an
// immediate retry rather than lost or counted as a failure.
func TestWorkerShutdown(t *testing.T) {
	d := newDB(t)
	clk := clock.NewFake(t0)
	ctx, cancel := context.WithCancel(context.Background())
	hang := notify.SenderFunc(func(ctx context.Context, _ notify.Message) (string, error) {
		cancel()
		<-ctx.Done()
		return "", ctx.Err()
	})
	w := notify.NewWorker(notifydb.NewStore(d), map[notify.Channel]notify.Sender{notify.SMS: hang}, clk, nil, opts)
	enqueue(t, d, t0, code("alpha", "+79991234567"))
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	r := rows(t, d)[0]
	if r.Status != notifydb.StatusPending || r.LockedUntil != nil || !r.NextAttemptAt.Equal(t0) || !strings.Contains(r.LastError, "shutdown") {
		t.Fatalf("row = %s, locked %v, next %v, %q", r.Status, r.LockedUntil, r.NextAttemptAt, r.LastError)
	}
}

// TestWorkerWithoutSender retries (a wiring fault a restart fixes) instead
// of failing the message.
func TestWorkerWithoutSender(t *testing.T) {
	d := newDB(t)
	log, logs := newLogger()
	w := notify.NewWorker(notifydb.NewStore(d), map[notify.Channel]notify.Sender{}, clock.NewFake(t0), log, opts)
	enqueue(t, d, t0, code("alpha", "+79991234567"))
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := rows(t, d)[0]; r.Status != notifydb.StatusPending || !strings.Contains(r.LastError, "no sender") {
		t.Fatalf("row = %s, %q", r.Status, r.LastError)
	}
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a missing sender should be logged as an error:\n%s", logs)
	}
}

// TestTwoWorkersSendEachMessageOnce runs two workers, each with its own
// connection pool as on two nodes, over one database: every message is
// sent exactly once. On PostgreSQL the claims race for real (SKIP LOCKED);
// on SQLite they take turns.
func TestTwoWorkersSendEachMessageOnce(t *testing.T) {
	const total = 200
	ctx := context.Background()
	d := newDB(t)
	second, err := db.Open(ctx, d.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = second.Close() })

	msgs := make([]notify.Message, total)
	for i := range msgs {
		msgs[i] = notify.Message{TenantID: []string{"alpha", "beta"}[i%2], Channel: notify.SMS, To: fmt.Sprintf("+7999000%04d", i),
			Text: fmt.Sprintf("message %d", i), Kind: "test.bulk"}
	}
	enqueue(t, d, t0, msgs...)

	var (
		mu     sync.Mutex
		counts = map[string]int{}
		sends  atomic.Int64
	)
	count := notify.SenderFunc(func(ctx context.Context, m notify.Message) (string, error) {
		mu.Lock()
		counts[m.Text]++
		mu.Unlock()
		sends.Add(1)
		time.Sleep(time.Millisecond) // widen the window in which the workers overlap
		return "ok", nil
	})
	clk := clock.NewFake(t0)
	small := opts
	small.Batch = 7
	workers := []*notify.Worker{
		notify.NewWorker(notifydb.NewStore(d), map[notify.Channel]notify.Sender{notify.SMS: count}, clk, nil, small),
		notify.NewWorker(notifydb.NewStore(second), map[notify.Channel]notify.Sender{notify.SMS: count}, clk, nil, small),
	}
	var wg sync.WaitGroup
	sentBy := make([]int, len(workers))
	for i, w := range workers {
		wg.Go(func() {
			for sends.Load() < total {
				n, err := w.RunOnce(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				sentBy[i] += n
			}
		})
	}
	wg.Wait()
	if len(counts) != total {
		t.Fatalf("%d distinct messages sent, want %d", len(counts), total)
	}
	for text, n := range counts {
		if n != 1 {
			t.Errorf("%q sent %d times", text, n)
		}
	}
	for _, r := range rows(t, d) {
		if r.Status != notifydb.StatusSent || r.Attempts != 1 {
			t.Fatalf("row %s: %s after %d attempts", r.ID, r.Status, r.Attempts)
		}
	}
	t.Logf("%s: worker 1 sent %d, worker 2 sent %d", map[bool]string{true: "postgres", false: "sqlite"}[dbtest.Postgres()], sentBy[0], sentBy[1])
}

// TestRunStopsWithContext checks Run's loop: it delivers without being
// asked and returns when its context ends.
func TestRunStopsWithContext(t *testing.T) {
	d := newDB(t)
	sender := &recorder{}
	o := opts
	o.Interval = 10 * time.Millisecond
	w := notify.NewWorker(notifydb.NewStore(d), map[notify.Channel]notify.Sender{notify.SMS: sender}, clock.NewFake(t0), nil, o)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	enqueue(t, d, t0, code("alpha", "+79991234567"))
	deadline := time.Now().Add(10 * time.Second)
	for len(sender.messages()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if len(sender.messages()) != 1 {
		t.Fatalf("Run sent %d messages, want 1", len(sender.messages()))
	}
}
