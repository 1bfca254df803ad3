package smsru_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/notify/smsru"
)

const apiID = "A3CA597E-3ACF-4E7D-82EE-CF82B52B1A8B"

// fake implements the documented contract of POST /sms/send: it checks
// api_id, parses the form, and answers per number — 100 with an sms_id,
// or the per-number error its table names. It keeps what it accepted.
type fake struct {
	mu       sync.Mutex
	accepted []map[string]string // form fields of accepted requests
	overall  int                 // a non-100 code refuses the whole request (e.g. 201: no money)
	perPhone map[string]int      // number → its error code
	status   int                 // HTTP status to answer with; 0: 200
	stall    chan struct{}       // when set, requests wait for it
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.stall != nil {
		select {
		case <-f.stall:
		case <-r.Context().Done():
			return
		}
	}
	if f.status != 0 {
		w.WriteHeader(f.status)
		return
	}
	if r.URL.Path != "/sms/send" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		answer(w, map[string]any{"status": "ERROR", "status_code": 210, "status_text": "Используется GET, где необходимо использовать POST"})
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("json") != "1" {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	form := r.PostForm
	if form.Get("api_id") != apiID {
		answer(w, map[string]any{"status": "ERROR", "status_code": 200, "status_text": "Неправильный api_id"})
		return
	}
	if f.overall != 0 {
		answer(w, map[string]any{"status": "ERROR", "status_code": f.overall, "status_text": "Не хватает средств на лицевом счету"})
		return
	}
	sms := map[string]any{}
	for _, to := range strings.Split(form.Get("to"), ",") {
		if code, ok := f.perPhone[to]; ok {
			sms[to] = map[string]any{"status": "ERROR", "status_code": code, "status_text": "Неправильно указан номер телефона получателя, либо на него нет маршрута"}
			continue
		}
		if form.Get("msg") == "" {
			sms[to] = map[string]any{"status": "ERROR", "status_code": 203, "status_text": "Нет текста сообщения"}
			continue
		}
		f.mu.Lock()
		f.accepted = append(f.accepted, map[string]string{"to": to, "msg": form.Get("msg"), "from": form.Get("from")})
		n := len(f.accepted)
		f.mu.Unlock()
		sms[to] = map[string]any{"status": "OK", "status_code": 100, "sms_id": fmt.Sprintf("000000-%08d", n)}
	}
	answer(w, map[string]any{"status": "OK", "status_code": 100, "sms": sms, "balance": 4122.56})
}

func answer(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fake) got() []map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]string(nil), f.accepted...)
}

var code = notify.Message{TenantID: "vetpet", Channel: notify.SMS, To: "+79991234567", Text: "Код входа: 123456", Kind: "auth.login_code", Sensitive: true}

func newSender(t *testing.T, baseURL, key string, log *slog.Logger) *smsru.Sender {
	t.Helper()
	s, err := smsru.New(smsru.Config{BaseURL: baseURL, APIID: key, From: "VetPet", Timeout: 2 * time.Second}, log)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSend(t *testing.T) {
	f := &fake{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	id, err := newSender(t, srv.URL, apiID, nil).Send(context.Background(), code)
	if err != nil || id != "000000-00000001" {
		t.Fatalf("Send = %q, %v", id, err)
	}
	got := f.got()
	if len(got) != 1 || got[0]["to"] != "79991234567" || got[0]["msg"] != "Код входа: 123456" || got[0]["from"] != "VetPet" {
		t.Fatalf("the fake received %v", got)
	}
}

func TestFailures(t *testing.T) {
	tests := []struct {
		name      string
		fake      *fake
		key       string
		msg       func(m notify.Message) notify.Message
		permanent bool
		loud      bool // the account needs a human: logged at error level
	}{
		{name: "bad number (202): permanent", fake: &fake{perPhone: map[string]int{"79991234567": 202}}, permanent: true},
		{name: "no route (207): permanent", fake: &fake{perPhone: map[string]int{"79991234567": 207}}, permanent: true},
		{name: "daily limit for the number (230): temporary", fake: &fake{perPhone: map[string]int{"79991234567": 230}}},
		{name: "bad api_id (200): temporary and loud", fake: &fake{}, key: "wrong-key-0000", loud: true},
		{name: "no money (201): temporary and loud", fake: &fake{overall: 201}, loud: true},
		{name: "service unavailable (220): temporary", fake: &fake{overall: 220}},
		{name: "HTTP 502: temporary", fake: &fake{status: http.StatusBadGateway}},
		{name: "not an E.164 number: permanent, nothing sent", fake: &fake{},
			msg: func(m notify.Message) notify.Message { m.To = "8 (999) 123"; return m }, permanent: true},
		{name: "no text: permanent, nothing sent", fake: &fake{},
			msg: func(m notify.Message) notify.Message { m.Text = " "; return m }, permanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.fake)
			defer srv.Close()
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			key := apiID
			if tt.key != "" {
				key = tt.key
			}
			m := code
			if tt.msg != nil {
				m = tt.msg(m)
			}
			_, err := newSender(t, srv.URL, key, log).Send(context.Background(), m)
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if notify.IsPermanent(err) != tt.permanent {
				t.Fatalf("IsPermanent(%v) = %v, want %v", err, notify.IsPermanent(err), tt.permanent)
			}
			if loud := strings.Contains(logs.String(), "level=ERROR"); loud != tt.loud {
				t.Fatalf("logged loudly = %v, want %v:\n%s", loud, tt.loud, logs.String())
			}
			if len(tt.fake.got()) != 0 {
				t.Fatal("the fake accepted a message")
			}
			// Neither the key, the text nor the number may leak into the
			// error or the log.
			for _, secret := range []string{key, "123456", "9991234567"} {
				if strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
					t.Fatalf("%q leaked: error %v, log %s", secret, err, logs.String())
				}
			}
		})
	}
}

func TestTimeoutsAndCancellation(t *testing.T) {
	f := &fake{stall: make(chan struct{})}
	srv := httptest.NewServer(f)
	defer srv.Close()
	defer close(f.stall)
	s := newSender(t, srv.URL, apiID, nil)

	t.Run("context deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := s.Send(ctx, code)
		if !errors.Is(err, context.DeadlineExceeded) || notify.IsPermanent(err) {
			t.Fatalf("Send = %v, want the deadline, temporary", err)
		}
	})
	t.Run("client timeout", func(t *testing.T) {
		short, err := smsru.New(smsru.Config{BaseURL: srv.URL, APIID: apiID, Timeout: 100 * time.Millisecond}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := short.Send(context.Background(), code); err == nil || notify.IsPermanent(err) {
			t.Fatalf("Send = %v, want a temporary timeout", err)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		_ = l.Close()
		refused := newSender(t, "http://"+addr, apiID, nil)
		if _, err := refused.Send(context.Background(), code); err == nil || notify.IsPermanent(err) || strings.Contains(err.Error(), apiID) {
			t.Fatalf("Send = %v, want a temporary error without the key", err)
		}
	})
}

func TestNewRefuses(t *testing.T) {
	tests := []struct {
		name, base, key, wantErr string
	}{
		{"no key", "https://sms.ru", "", "PLATFORM_SMSRU_API_ID"},
		{"not a URL", "sms.ru", apiID, "base_url"},
		{"ftp", "ftp://sms.ru", apiID, "base_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := smsru.New(smsru.Config{BaseURL: tt.base, APIID: tt.key}, nil)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || (tt.key != "" && strings.Contains(err.Error(), tt.key)) {
				t.Fatalf("New = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
