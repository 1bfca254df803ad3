// Package smtpmail sends the e-mail channel of notify over SMTP with
// go-mail: one connection per message (the worker sends a few messages a
// second at most, and a fresh connection cannot inherit a broken state),
// STARTTLS by policy, SMTP AUTH when a username is set.
package smtpmail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/consult/platform/core/notify"
)

// TLSPolicy says whether the connection must be encrypted.
type TLSPolicy string

const (
	// TLSMandatory refuses to send unless the server offers STARTTLS. The
	// only policy prod accepts.
	TLSMandatory TLSPolicy = "mandatory"
	// TLSOpportunistic uses STARTTLS when offered and sends in clear
	// otherwise.
	TLSOpportunistic TLSPolicy = "opportunistic"
	// TLSNone never encrypts: for a local development relay (Mailpit,
	// MailHog) only.
	TLSNone TLSPolicy = "none"
)

// DefaultTimeout bounds connecting and each SMTP command.
const DefaultTimeout = 15 * time.Second

// Config is how to reach the SMTP server and who the mail is from.
type Config struct {
	Host string
	// Port defaults to 587 (submission with STARTTLS). Implicit TLS (465)
	// is not supported: go-mail then cannot tell the connection is
	// encrypted when the dialer is ours, and ours is what makes ctx bound
	// the exchange; every provider also offers 587.
	Port int
	// Username enables SMTP AUTH; empty: none (a local relay). The
	// mechanism is the strongest the server offers; a password is never
	// sent over an unencrypted connection (go-mail's auto-discovery offers
	// only challenge-response mechanisms there).
	Username string
	Password string // from the environment only (PLATFORM_SMTP_PASSWORD)
	From     string // the envelope and header sender address
	FromName string // display name, may be Cyrillic
	TLS      TLSPolicy
	Timeout  time.Duration
	// TLSConfig, when set, replaces the TLS settings (a private CA); its
	// ServerName defaults to Host.
	TLSConfig *tls.Config
}

// Sender sends notify messages by e-mail.
type Sender struct {
	cfg    Config
	domain string // of From: the right-hand side of every Message-ID
}

var _ notify.Sender = (*Sender)(nil)

// New checks cfg and returns a sender. It does not connect: the server may
// be down at start, and the outbox retries.
func New(cfg Config) (*Sender, error) {
	if cfg.Host == "" {
		return nil, errors.New("smtpmail: host is empty")
	}
	if cfg.Port == 0 {
		cfg.Port = 587
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("smtpmail: port %d out of range", cfg.Port)
	}
	if cfg.Port == 465 {
		return nil, errors.New("smtpmail: port 465 (implicit TLS) is not supported: use the submission port 587 with STARTTLS")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	switch cfg.TLS {
	case TLSMandatory, TLSOpportunistic, TLSNone:
	case "":
		cfg.TLS = TLSMandatory
	default:
		return nil, fmt.Errorf("smtpmail: tls %q: want mandatory, opportunistic or none", cfg.TLS)
	}
	addr, err := mail.ParseAddress(cfg.From)
	if err != nil || addr.Address != cfg.From {
		return nil, fmt.Errorf("smtpmail: from %q is not a bare e-mail address", cfg.From)
	}
	if cfg.Username != "" && cfg.Password == "" {
		return nil, errors.New("smtpmail: a username is set but the password is empty (set PLATFORM_SMTP_PASSWORD)")
	}
	return &Sender{cfg: cfg, domain: cfg.From[strings.LastIndexByte(cfg.From, '@')+1:]}, nil
}

// Send delivers m and returns its Message-ID. A 5xx answer to the
// recipient or to the content is permanent; a 5xx to our own sender
// address (MAIL FROM) is a configuration fault that every message would
// hit, so it stays temporary and is fixed by fixing the configuration.
// Connection failures, timeouts, 4xx answers and authentication failures
// are temporary. ctx bounds the whole exchange, not only the dial.
func (s *Sender) Send(ctx context.Context, m notify.Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	msg, messageID, err := s.build(ctx, m)
	if err != nil {
		return "", err
	}
	// go-mail bounds each command by Timeout but only the dial by ctx. The
	// dialer below closes the TCP connection when ctx ends, so the whole
	// exchange — greeting, STARTTLS, AUTH, DATA — honours the worker's
	// deadline, which keeps every send inside its lease.
	var stop func() bool
	defer func() {
		if stop != nil {
			stop()
		}
	}()
	dial := func(dialCtx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		conn, err := d.DialContext(dialCtx, network, addr)
		if err != nil {
			return nil, err
		}
		stop = context.AfterFunc(ctx, func() { _ = conn.Close() })
		return conn, nil
	}
	client, err := gomail.NewClient(s.cfg.Host, append(s.options(), gomail.WithDialContextFunc(dial))...)
	if err != nil {
		return "", fmt.Errorf("smtpmail: client: %w", err)
	}
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return "", s.failure(ctx, "connect", err)
	}
	if err := client.SendWithSMTPClient(conn, msg); err != nil {
		_ = conn.Close()
		return "", s.failure(ctx, "send", err)
	}
	// The server accepted the message at the end of DATA; a failed QUIT
	// changes nothing about that.
	_ = client.CloseWithSMTPClient(conn)
	return messageID, nil
}

// failure wraps err from step, preferring ctx's error when ctx ended the
// exchange (the connection was closed under go-mail's feet).
func (s *Sender) failure(ctx context.Context, step string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("smtpmail: %s %s:%d: %w (%w)", step, s.cfg.Host, s.cfg.Port, ctx.Err(), err)
	}
	return classify(fmt.Errorf("smtpmail: %s %s:%d: %w", step, s.cfg.Host, s.cfg.Port, err))
}

func (s *Sender) options() []gomail.Option {
	policy := gomail.TLSMandatory
	switch s.cfg.TLS {
	case TLSOpportunistic:
		policy = gomail.TLSOpportunistic
	case TLSNone:
		policy = gomail.NoTLS
	}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSPolicy(policy), // not WithTLSPortPolicy: it rewrites an explicit port 25 to 587
	}
	if s.cfg.TLSConfig != nil {
		tc := s.cfg.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = s.cfg.Host
		}
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	return opts
}

// build makes the MIME message: plain text, with an HTML alternative when
// m has one; the subject and the sender's name are encoded words, so
// Cyrillic survives every relay.
func (s *Sender) build(ctx context.Context, m notify.Message) (*gomail.Msg, string, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(s.cfg.FromName, s.cfg.From); err != nil {
		return nil, "", fmt.Errorf("smtpmail: from: %w", err)
	}
	if _, err := mail.ParseAddress(m.To); err != nil || strings.ContainsAny(m.To, "<>,") {
		// The address itself stays out of the error: errors reach logs.
		return nil, "", notify.Permanent(errors.New("smtpmail: the recipient is not a valid e-mail address"))
	}
	if err := msg.To(m.To); err != nil {
		return nil, "", notify.Permanent(errors.New("smtpmail: the recipient is not a valid e-mail address"))
	}
	msg.Subject(m.Subject)
	messageID := s.messageID(ctx)
	msg.SetMessageIDWithValue(messageID)
	msg.SetDate()
	// RFC 3834: tells auto-responders (vacation replies) not to answer.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, messageID, nil
}

// messageID is <outbox row id>@<sender domain> when the worker passed the
// row id, so every retry of one row carries the same Message-ID and a
// receiver that deduplicates by it drops a repeat; a random id otherwise.
func (s *Sender) messageID(ctx context.Context) string {
	id := notify.DeliveryID(ctx)
	if id == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	return id + "@" + s.domain
}

// classify marks the answers that retrying cannot change as permanent.
func classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		if code >= 500 && code < 600 && se.Reason != gomail.ErrSMTPMailFrom {
			return notify.Permanent(err)
		}
	}
	return err
}
