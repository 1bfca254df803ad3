// Package smsru sends the SMS channel of notify through SMS.ru's HTTP API
// (https://sms.ru/api/send): POST /sms/send with api_id, to (the number's
// digits, no "+"), msg, json=1 and an optional approved sender name from.
// The answer is
//
//	{"status":"OK","status_code":100,
//	 "sms":{"79991234567":{"status":"OK","status_code":100,"sms_id":"000000-10000000"}},
//	 "balance":4122.56}
//
// where the outer status is the request's (authorisation, money, sender)
// and each number has its own. Codes used here, from SMS.ru's
// documentation: 100 accepted; 200 bad api_id, 201 not enough money,
// 204 sender name not approved, 220 service unavailable, 300/301
// authorisation; per number 202 bad number or no route, 203 no text,
// 205 too long, 207 no route, 209/215 stop list. Anything unknown is
// treated as temporary: retrying a message costs less than losing it.
package smsru

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/consult/platform/core/notify"
)

// DefaultBaseURL is SMS.ru's API.
const DefaultBaseURL = "https://sms.ru"

// DefaultTimeout bounds one request.
const DefaultTimeout = 10 * time.Second

// Config is how to reach SMS.ru.
type Config struct {
	BaseURL string // default DefaultBaseURL; tests point it at a fake
	APIID   string // the account's key, from the environment only (PLATFORM_SMSRU_API_ID)
	From    string // sender name approved in the SMS.ru account; empty: the account's default
	Timeout time.Duration
	// HTTPClient, when set, replaces the default client (its Timeout is
	// then the caller's business).
	HTTPClient *http.Client
}

// Sender sends notify messages by SMS through SMS.ru.
type Sender struct {
	endpoint string
	apiID    string
	from     string
	client   *http.Client
	log      *slog.Logger
}

var _ notify.Sender = (*Sender)(nil)

// New checks cfg and returns a sender; log receives the loud warnings
// about account problems (bad key, no money), never the key or a message.
func New(cfg Config, log *slog.Logger) (*Sender, error) {
	if cfg.APIID == "" {
		return nil, errors.New("smsru: api_id is empty (set PLATFORM_SMSRU_API_ID)")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("smsru: base_url %q: want an http(s) URL", cfg.BaseURL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: cfg.Timeout}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{
		endpoint: strings.TrimRight(cfg.BaseURL, "/") + "/sms/send",
		apiID:    cfg.APIID, from: cfg.From, client: client, log: log,
	}, nil
}

// response is SMS.ru's answer with json=1.
type response struct {
	Status     string                `json:"status"`
	StatusCode int                   `json:"status_code"`
	StatusText string                `json:"status_text"`
	SMS        map[string]smsOutcome `json:"sms"`
}

type smsOutcome struct {
	Status     string `json:"status"`
	StatusCode int    `json:"status_code"`
	StatusText string `json:"status_text"`
	SMSID      string `json:"sms_id"`
}

// permanentCodes are per-number answers that retrying cannot change.
var permanentCodes = map[int]bool{
	202: true, // bad number, or no route to it
	203: true, // no text
	205: true, // longer than 8 SMS
	207: true, // no route for this number
	209: true, // the number is in our account's stop list
	215: true, // the number is in SMS.ru's stop list (its owner complained of spam)
}

// accountCodes are answers about our account, not the message: every
// message fails until someone fixes the account, so they are logged at
// error level, and stay temporary so the messages go out once it is fixed.
var accountCodes = map[int]string{
	200: "the api_id is wrong",
	201: "the account is out of money",
	204: "the sender name is not approved",
	300: "the authorisation token is wrong",
	301: "the api_id or login is wrong",
}

// Send delivers m and returns SMS.ru's sms_id. The request is a POST, so
// neither the key nor the text lands in a URL, a proxy's log or an error
// (net/http quotes the URL in its errors). Errors name status codes,
// never the number, the key or the text.
func (s *Sender) Send(ctx context.Context, m notify.Message) (string, error) {
	to := strings.TrimPrefix(m.To, "+")
	if len(to) < 10 || len(to) > 15 || strings.Trim(to, "0123456789") != "" {
		return "", notify.Permanent(errors.New("smsru: the recipient is not an E.164 phone number"))
	}
	if strings.TrimSpace(m.Text) == "" {
		return "", notify.Permanent(errors.New("smsru: the message has no text"))
	}
	form := url.Values{"api_id": {s.apiID}, "to": {to}, "msg": {m.Text}, "json": {"1"}}
	if s.from != "" {
		form.Set("from", s.from)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("smsru: request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("smsru: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("smsru: read the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("smsru: HTTP %d", resp.StatusCode)
	}
	var r response
	if err := json.Unmarshal(body, &r); err != nil {
		return "", fmt.Errorf("smsru: the answer is not the documented JSON: %w", err)
	}
	if r.Status != "OK" || r.StatusCode != 100 {
		err := fmt.Errorf("smsru: request refused: status_code %d", r.StatusCode)
		if why, ok := accountCodes[r.StatusCode]; ok {
			s.log.Error("smsru: SMS cannot be sent until the account is fixed: "+why, "status_code", r.StatusCode)
		}
		return "", err
	}
	out, ok := r.SMS[to]
	if !ok && len(r.SMS) == 1 {
		for _, only := range r.SMS {
			out, ok = only, true
		}
	}
	if !ok {
		return "", errors.New("smsru: the answer has no outcome for the number")
	}
	if out.Status != "OK" || out.StatusCode != 100 {
		err := fmt.Errorf("smsru: number refused: status_code %d", out.StatusCode)
		if permanentCodes[out.StatusCode] {
			return "", notify.Permanent(err)
		}
		if why, ok := accountCodes[out.StatusCode]; ok {
			s.log.Error("smsru: SMS cannot be sent until the account is fixed: "+why, "status_code", out.StatusCode)
		}
		return "", err
	}
	if out.SMSID == "" {
		return "", errors.New("smsru: accepted without an sms_id")
	}
	return out.SMSID, nil
}
