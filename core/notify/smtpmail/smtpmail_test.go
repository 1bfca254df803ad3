package smtpmail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/notify/smtpmail"
)

// received is one message as the test server got it.
type received struct {
	from string
	to   []string
	data []byte
}

// server is a real SMTP server (emersion/go-smtp) on a loopback port that
// keeps what it receives. Its hooks decide the answers to MAIL, RCPT and
// DATA, so tests can make it refuse.
type server struct {
	addr     string
	port     int
	tlsCfg   *tls.Config // the client's view: trusts the server's certificate
	user     string
	password string

	mu   sync.Mutex
	msgs []received

	onMail func(from string) error
	onRcpt func(to string) error
	onData func() error
}

func (s *server) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

func (s *server) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{srv: s}, nil }

type session struct {
	srv    *server
	authed bool
	cur    received
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.srv.user || pass != ss.srv.password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.user != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	if ss.srv.onMail != nil {
		if err := ss.srv.onMail(from); err != nil {
			return err
		}
	}
	ss.cur = received{from: from}
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.srv.onRcpt != nil {
		if err := ss.srv.onRcpt(to); err != nil {
			return err
		}
	}
	ss.cur.to = append(ss.cur.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if ss.srv.onData != nil {
		if err := ss.srv.onData(); err != nil {
			return err
		}
	}
	ss.cur.data = b
	ss.srv.mu.Lock()
	ss.srv.msgs = append(ss.srv.msgs, ss.cur)
	ss.srv.mu.Unlock()
	return nil
}

func (ss *session) Reset()        { ss.cur = received{} }
func (ss *session) Logout() error { return nil }

// startServer runs a server; withTLS offers STARTTLS with a certificate
// made for 127.0.0.1, and then SMTP AUTH (go-smtp allows AUTH only over
// TLS, as a real submission server does).
func startServer(t *testing.T, withTLS bool, configure func(*server)) *server {
	t.Helper()
	srv := &server{}
	if configure != nil {
		configure(srv)
	}
	s := smtp.NewServer(srv)
	s.Domain = "localhost"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	if withTLS {
		cert, pool := selfSigned(t)
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		srv.tlsCfg = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	srv.addr = "127.0.0.1"
	srv.port = l.Addr().(*net.TCPAddr).Port
	return srv
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func newSender(t *testing.T, srv *server, cfg smtpmail.Config) *smtpmail.Sender {
	t.Helper()
	cfg.Host, cfg.Port, cfg.TLSConfig = srv.addr, srv.port, srv.tlsCfg
	if cfg.From == "" {
		cfg.From = "noreply@vet-pet.online"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	s, err := smtpmail.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var letter = notify.Message{
	TenantID: "vetpet", Channel: notify.Email, To: "ivan.petrov@mail.ru",
	Subject: "Код входа на VetPet", Text: "Ваш код: 123456\nОн действует 10 минут.", HTML: "<p>Ваш код: <b>123456</b></p>",
	Kind: "auth.login_code", Sensitive: true,
}

// TestSendAndReadBack sends through a real SMTP exchange — STARTTLS and
// AUTH in the first case, a plain local relay in the second — and reads
// the message back as a mail client would.
func TestSendAndReadBack(t *testing.T) {
	tests := []struct {
		name    string
		withTLS bool
		cfg     smtpmail.Config
		msg     notify.Message
	}{
		{"mandatory TLS with AUTH, text and HTML", true,
			smtpmail.Config{TLS: smtpmail.TLSMandatory, Username: "mailer", Password: "pa55", FromName: "ВетПет"}, letter},
		{"opportunistic TLS, text only", true,
			smtpmail.Config{TLS: smtpmail.TLSOpportunistic, Username: "mailer", Password: "pa55", FromName: "ВетПет"},
			notify.Message{To: "ivan.petrov@mail.ru", Subject: "Заказ оплачен", Text: "Спасибо за заказ №42", Kind: "orders.paid"}},
		{"local relay in clear, no AUTH", false,
			smtpmail.Config{TLS: smtpmail.TLSNone, FromName: "ВетПет"},
			notify.Message{To: "ivan.petrov@mail.ru", Subject: "Заказ оплачен", Text: "Спасибо за заказ №42", Kind: "orders.paid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, tt.withTLS, func(s *server) { s.user, s.password = tt.cfg.Username, tt.cfg.Password })
			sender := newSender(t, srv, tt.cfg)
			ctx := notify.WithDeliveryID(context.Background(), "01a2b3c4-row")
			id, err := sender.Send(ctx, tt.msg)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if id != "01a2b3c4-row@vet-pet.online" {
				t.Errorf("provider id = %q, want the Message-ID made of the row id", id)
			}
			got := srv.received()
			if len(got) != 1 {
				t.Fatalf("server received %d messages", len(got))
			}
			if got[0].from != "noreply@vet-pet.online" || strings.Join(got[0].to, ",") != "ivan.petrov@mail.ru" {
				t.Errorf("envelope = %q → %q", got[0].from, got[0].to)
			}
			m, err := mail.ReadMessage(strings.NewReader(string(got[0].data)))
			if err != nil {
				t.Fatal(err)
			}
			from, err := m.Header.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Name != "ВетПет" || from[0].Address != "noreply@vet-pet.online" {
				t.Errorf("From = %v, %v", from, err)
			}
			to, err := m.Header.AddressList("To")
			if err != nil || len(to) != 1 || to[0].Address != "ivan.petrov@mail.ru" {
				t.Errorf("To = %v, %v", to, err)
			}
			raw := m.Header.Get("Subject")
			subject, err := new(mime.WordDecoder).DecodeHeader(raw)
			if err != nil || subject != tt.msg.Subject || raw == tt.msg.Subject {
				t.Errorf("Subject = %q (raw %q, must be encoded), want %q", subject, raw, tt.msg.Subject)
			}
			if got := m.Header.Get("Message-ID"); got != "<01a2b3c4-row@vet-pet.online>" {
				t.Errorf("Message-ID = %q", got)
			}
			if m.Header.Get("Auto-Submitted") != "auto-generated" || m.Header.Get("Date") == "" {
				t.Errorf("Auto-Submitted = %q, Date = %q", m.Header.Get("Auto-Submitted"), m.Header.Get("Date"))
			}
			text, html := bodies(t, m)
			if text != tt.msg.Text || html != tt.msg.HTML {
				t.Errorf("bodies = %q / %q, want %q / %q", text, html, tt.msg.Text, tt.msg.HTML)
			}
		})
	}
}

// bodies returns the plain-text and HTML parts of m, decoded.
func bodies(t *testing.T, m *mail.Message) (text, html string) {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		return decode(t, m.Header.Get("Content-Transfer-Encoding"), m.Body), ""
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart() // decodes quoted-printable itself
		if err == io.EOF {
			return text, html
		}
		if err != nil {
			t.Fatal(err)
		}
		body := decode(t, p.Header.Get("Content-Transfer-Encoding"), p)
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			text = body
		case "text/html":
			html = body
		}
	}
}

func decode(t *testing.T, encoding string, r io.Reader) string {
	t.Helper()
	if strings.EqualFold(encoding, "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	// The line break that ends a single-part body is the message's, not
	// the text's.
	return strings.TrimSuffix(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
}

// TestFailures checks which failures the outbox may retry.
func TestFailures(t *testing.T) {
	refuse := func(code int, msg string) error {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: msg}
	}
	tests := []struct {
		name      string
		withTLS   bool
		configure func(*server)
		cfg       smtpmail.Config
		to        string
		permanent bool
	}{
		{name: "5xx for the recipient: permanent", configure: func(s *server) {
			s.onRcpt = func(string) error { return refuse(550, "no such user") }
		}, permanent: true},
		{name: "5xx for the content: permanent", configure: func(s *server) {
			s.onData = func() error { return refuse(554, "looks like spam") }
		}, permanent: true},
		{name: "4xx for the recipient: temporary", configure: func(s *server) {
			s.onRcpt = func(string) error { return refuse(451, "greylisted, try later") }
		}},
		{name: "4xx for the content: temporary", configure: func(s *server) {
			s.onData = func() error { return refuse(452, "mailbox full") }
		}},
		{name: "5xx for our sender address: temporary (our configuration)", configure: func(s *server) {
			s.onMail = func(string) error { return refuse(553, "sender not allowed") }
		}},
		{name: "wrong password: temporary (our configuration)", withTLS: true,
			configure: func(s *server) { s.user, s.password = "mailer", "right" },
			cfg:       smtpmail.Config{TLS: smtpmail.TLSMandatory, Username: "mailer", Password: "wrong-pa55"}},
		{name: "mandatory TLS, server without STARTTLS: temporary, nothing sent in clear",
			cfg: smtpmail.Config{TLS: smtpmail.TLSMandatory}},
		{name: "not an address: permanent", to: "ivan.petrov at mail.ru", permanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, tt.withTLS, tt.configure)
			cfg := tt.cfg
			if cfg.TLS == "" {
				cfg.TLS = smtpmail.TLSNone
			}
			m := letter
			if tt.to != "" {
				m.To = tt.to
			}
			_, err := newSender(t, srv, cfg).Send(context.Background(), m)
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if notify.IsPermanent(err) != tt.permanent {
				t.Fatalf("IsPermanent(%v) = %v, want %v", err, notify.IsPermanent(err), tt.permanent)
			}
			if n := len(srv.received()); n != 0 {
				t.Fatalf("server stored %d messages", n)
			}
			for _, secret := range []string{"wrong-pa55", "123456"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error reveals %q: %v", secret, err)
				}
			}
		})
	}
}

func TestConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	s, err := smtpmail.New(smtpmail.Config{Host: "127.0.0.1", Port: port, From: "noreply@vet-pet.online", TLS: smtpmail.TLSNone, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Send(context.Background(), letter)
	if err == nil || notify.IsPermanent(err) || !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Fatalf("Send = %v, want a temporary connection error", err)
	}
}

// TestDeadlineBoundsTheExchange: a server that stalls after DATA cannot
// hold the sender past its context (the worker's lease depends on it),
// although go-mail's own per-command timeout is much longer.
func TestDeadlineBoundsTheExchange(t *testing.T) {
	release := make(chan struct{})
	srv := startServer(t, false, func(s *server) {
		s.onData = func() error { <-release; return nil }
	})
	t.Cleanup(func() { close(release) })
	sender := newSender(t, srv, smtpmail.Config{TLS: smtpmail.TLSNone, Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := sender.Send(ctx, letter)
	if err == nil || notify.IsPermanent(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Send = %v, want the context's deadline", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("Send took %s past a 300ms deadline", took)
	}
}

func TestNewRefuses(t *testing.T) {
	tests := []struct {
		name    string
		cfg     smtpmail.Config
		wantErr string
	}{
		{"no host", smtpmail.Config{From: "a@b.ru"}, "host is empty"},
		{"display name in from", smtpmail.Config{Host: "h", From: "VetPet <a@b.ru>"}, "bare e-mail address"},
		{"bad tls policy", smtpmail.Config{Host: "h", From: "a@b.ru", TLS: "sometimes"}, "want mandatory"},
		{"implicit TLS port", smtpmail.Config{Host: "h", Port: 465, From: "a@b.ru"}, "465"},
		{"username without password", smtpmail.Config{Host: "h", From: "a@b.ru", Username: "u"}, "PLATFORM_SMTP_PASSWORD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := smtpmail.New(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
