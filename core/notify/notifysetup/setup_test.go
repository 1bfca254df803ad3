package notifysetup_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/notify/notifysetup"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/config"
)

// devLog is an in-memory notify.DevRecorder.
type devLog struct {
	mu      sync.Mutex
	entries []string // "channel status text"
}

func (d *devLog) RecordDev(_ context.Context, m notify.Message, status string, _ time.Time) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.entries = append(d.entries, fmt.Sprintf("%s %s %s", m.Channel, status, m.Text))
	return fmt.Sprint(len(d.entries) - 1), nil
}

func (d *devLog) SetDevStatus(_ context.Context, _, id, status string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var i int
	_, _ = fmt.Sscan(id, &i)
	parts := strings.SplitN(d.entries[i], " ", 3)
	d.entries[i] = parts[0] + " " + status + " " + parts[2]
	return nil
}

func load(t *testing.T, environ ...string) config.Config {
	t.Helper()
	c, err := config.Load(environ)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var prodEnv = []string{
	"PLATFORM_ENV=prod", "PLATFORM_NOTIFY__SMTP__HOST=smtp.example.ru", "PLATFORM_NOTIFY__SMTP__FROM=noreply@vet-pet.online",
	"PLATFORM_NOTIFY__SMS__PROVIDER=smsru", "PLATFORM_SMSRU_API_ID=key",
}

func TestSenders(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
		dev     bool // pass a dev recorder
		want    map[notify.Channel]string
		wantErr string
	}{
		{name: "prod: real providers, no dev outbox", environ: prodEnv,
			want: map[notify.Channel]string{notify.Email: "*smtpmail.Sender", notify.SMS: "*smsru.Sender", notify.Cabinet: "notify.CabinetSender"}},
		{name: "prod without SMTP refuses", environ: append([]string{prodEnv[0]}, prodEnv[3:]...), wantErr: "notify.smtp.host is required in prod"},
		{name: "prod without SMS refuses", environ: prodEnv[:3], wantErr: "notify.sms.provider is required in prod"},
		{name: "dev: every channel through the dev outbox", dev: true,
			want: map[notify.Channel]string{notify.Email: "*notify.DevOutbox", notify.SMS: "*notify.DevOutbox", notify.Cabinet: "*notify.DevOutbox"}},
		{name: "dev without a recorder refuses", wantErr: "dev outbox recorder"},
		{name: "bad SMTP settings", environ: []string{"PLATFORM_NOTIFY__SMTP__HOST=h", "PLATFORM_NOTIFY__SMTP__FROM=nobody"}, dev: true, wantErr: "e-mail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := load(t, tt.environ...)
			var rec notify.DevRecorder
			if tt.dev {
				rec = &devLog{}
			}
			got, err := notifysetup.Senders(c.Notify, c.Env, rec, clock.NewFake(time.Now()), nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for ch, want := range tt.want {
				if typ := fmt.Sprintf("%T", got[ch]); typ != want {
					t.Errorf("%s sender is %s, want %s", ch, typ, want)
				}
			}
		})
	}
}

// TestDevRecordsAndDelegates: in dev, a configured provider still gets
// the message, and the dev outbox keeps its text with the outcome; a
// channel without a provider is captured.
func TestDevRecordsAndDelegates(t *testing.T) {
	var got []string
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		got = append(got, r.PostForm.Get("to")+" "+r.PostForm.Get("msg"))
		fmt.Fprint(w, `{"status":"OK","status_code":100,"sms":{"79991234567":{"status":"OK","status_code":100,"sms_id":"000000-1"}},"balance":1}`)
	}))
	defer fake.Close()
	c := load(t, "PLATFORM_NOTIFY__SMS__PROVIDER=smsru", "PLATFORM_NOTIFY__SMS__BASE_URL="+fake.URL, "PLATFORM_SMSRU_API_ID=key")
	rec := &devLog{}
	senders, err := notifysetup.Senders(c.Notify, c.Env, rec, clock.NewFake(time.Now()), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if id, err := senders[notify.SMS].Send(ctx, notify.Message{TenantID: "t", Channel: notify.SMS, To: "+79991234567", Text: "Код 123456", Kind: "k"}); err != nil || id != "000000-1" {
		t.Fatalf("SMS = %q, %v", id, err)
	}
	if _, err := senders[notify.Email].Send(ctx, notify.Message{TenantID: "t", Channel: notify.Email, To: "a@b.ru", Text: "Код 654321", Kind: "k"}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "|") != "79991234567 Код 123456" {
		t.Errorf("the provider got %q", got)
	}
	want := "sms sent Код 123456|email captured Код 654321"
	if strings.Join(rec.entries, "|") != want {
		t.Errorf("dev outbox = %q, want %q", rec.entries, want)
	}
}

func TestWorkerOptions(t *testing.T) {
	c := load(t)
	o := notifysetup.WorkerOptions(c.Notify.Worker)
	want := notify.WorkerOptions{Interval: time.Second, Batch: 20, Lease: time.Minute, MaxAttempts: 8, BackoffInitial: 5 * time.Second, BackoffMax: 10 * time.Minute}
	if o != want {
		t.Fatalf("WorkerOptions = %+v, want %+v", o, want)
	}
}
