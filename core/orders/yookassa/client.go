// Package yookassa is the YooKassa payment provider (API v3,
// yookassa.ru/developers/api): a client of one shop on net/http with Basic
// auth (shop id : secret key), and Provider, the orders.Provider that picks
// the shop of the tenant in the context.
//
// Every POST carries an Idempotence-Key derived from the order or refund
// and reused, with the very same body, on every retry (SECURITY.md 15): a
// payment whose answer was lost is found again, never created twice.
// Retries are bounded and back off; network errors, 5xx, 202 "processing"
// and 429 are retried (honouring retry_after and Retry-After), other
// answers are not. Money is integer kopecks, written and read as "1234.00"
// exactly (money.go); there are no floats.
//
// Nothing here logs the secret key or the customer's e-mail or phone that
// receipts carry (SECURITY.md 22): logs name the shop, the operation and
// YooKassa's error code.
//
// Notifications are unsigned: the web layer accepts them only from
// YooKassa's networks and the checkout re-fetches the payment through
// GetPayment before acting (SECURITY.md 17). The local fake server in
// yookassafake answers as the documentation shows, for the tests.
package yookassa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Name is the provider's key in orders.provider and in the notification
// route.
const Name = "yookassa"

// DefaultBaseURL is API v3.
const DefaultBaseURL = "https://api.yookassa.ru/v3"

// Config is one shop.
type Config struct {
	ShopID    string // REQUIRED: the shop's id in YooKassa (the Basic auth user)
	SecretKey string // REQUIRED: its secret key, from the environment only
	BaseURL   string // "" is DefaultBaseURL; tests point it at yookassafake

	// Receipts says the shop has an online cash register connected through
	// YooKassa (54-FZ), so every payment and refund carries its receipt.
	Receipts bool
	// VATCode is the receipt lines' VAT rate code (1 = no VAT … 12);
	// 0 means 1.
	VATCode int
	// TaxSystemCode (1–6) is sent when the shop has several tax systems;
	// 0 leaves it out.
	TaxSystemCode int

	// Timeout bounds one HTTP attempt; 0 means 15 s.
	Timeout time.Duration
	// MaxElapsed bounds a whole call, retries included, when the caller's
	// context allows longer; 0 means 25 s — a customer waiting for the
	// bank's page gets an answer before the HTTP server's write timeout.
	MaxElapsed time.Duration
	// MaxAttempts bounds the tries of one call; 0 means 4.
	MaxAttempts int
	// Backoff is the first wait between tries, doubled after each (with
	// jitter) up to MaxBackoff; 0 means 500 ms and 8 s. The wait YooKassa
	// asks for (202 retry_after, 429 Retry-After) wins, up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// HTTPClient, when set, replaces the client built from Timeout.
	HTTPClient *http.Client
	Logger     *slog.Logger // nil discards
}

// Client talks to YooKassa as one shop. It is safe for concurrent use.
type Client struct {
	shopID, secret string
	base           string
	receipts       bool
	vatCode        int
	taxSystem      int
	http           *http.Client
	attempts       int
	backoff        time.Duration
	maxBackoff     time.Duration
	maxElapsed     time.Duration
	log            *slog.Logger
}

var shopIDPattern = regexp.MustCompile(`^[0-9]{1,20}$`)

// New returns the client of a shop.
func New(cfg Config) (*Client, error) {
	if !shopIDPattern.MatchString(cfg.ShopID) {
		return nil, fmt.Errorf("yookassa: shop id %q: want the digits YooKassa shows in the shop's settings", cfg.ShopID)
	}
	if cfg.SecretKey == "" {
		return nil, fmt.Errorf("yookassa: shop %s has no secret key", cfg.ShopID)
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("yookassa: base URL %q: want an http(s) URL", cfg.BaseURL)
	}
	if cfg.VATCode == 0 {
		cfg.VATCode = 1
	}
	if cfg.VATCode < 1 || cfg.VATCode > 12 {
		return nil, fmt.Errorf("yookassa: vat_code %d: want 1 (no VAT) to 12", cfg.VATCode)
	}
	if cfg.TaxSystemCode < 0 || cfg.TaxSystemCode > 6 {
		return nil, fmt.Errorf("yookassa: tax_system_code %d: want 1 to 6, or 0 to leave it out", cfg.TaxSystemCode)
	}
	c := &Client{shopID: cfg.ShopID, secret: cfg.SecretKey, base: base, receipts: cfg.Receipts, vatCode: cfg.VATCode,
		taxSystem: cfg.TaxSystemCode, http: cfg.HTTPClient, attempts: cfg.MaxAttempts, backoff: cfg.Backoff,
		maxBackoff: cfg.MaxBackoff, maxElapsed: cfg.MaxElapsed, log: cfg.Logger}
	if c.attempts <= 0 {
		c.attempts = 4
	}
	if c.backoff <= 0 {
		c.backoff = 500 * time.Millisecond
	}
	if c.maxBackoff <= 0 {
		c.maxBackoff = 8 * time.Second
	}
	if c.maxBackoff < c.backoff {
		c.maxBackoff = c.backoff
	}
	if c.maxElapsed <= 0 {
		c.maxElapsed = 25 * time.Second
	}
	if c.http == nil {
		c.http = newHTTPClient(cfg.Timeout)
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// ShopID returns the shop the client acts for.
func (c *Client) ShopID() string { return c.shopID }

// newHTTPClient bounds every stage of an attempt: a hung connection must
// not hold a customer's checkout or a notification for long.
func newHTTPClient(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 5 * time.Second
	tr.ResponseHeaderTimeout = timeout
	tr.MaxIdleConnsPerHost = 8
	return &http.Client{Timeout: timeout, Transport: tr,
		// The API never redirects; following one would carry the
		// credentials somewhere we did not choose.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// maxResponse bounds what we read of an answer.
const maxResponse = 1 << 20

// call sends one API request, retrying what may be retried, and decodes
// the answer into out. key is the Idempotence-Key of a POST; body is
// marshalled once so every retry sends the same bytes.
func (c *Client) call(ctx context.Context, method, path, key string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("yookassa: %s %s: %w", method, path, err)
		}
	}
	op := method + " " + opPath(path)
	ctx, cancel := context.WithTimeout(ctx, c.maxElapsed)
	defer cancel()
	var last error
	for attempt := 1; ; attempt++ {
		wait, err := c.attempt(ctx, method, path, key, payload, out)
		if err == nil {
			return nil
		}
		last = err
		if wait < 0 || attempt >= c.attempts || ctx.Err() != nil {
			return last
		}
		if wait == 0 {
			wait = c.backoffFor(attempt)
		}
		wait = min(wait, c.maxBackoff)
		// Do not sleep past the caller's deadline: the next try could not
		// finish anyway, and the caller learns of the failure sooner.
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return last
		}
		c.log.WarnContext(ctx, "yookassa: retrying", "shop", c.shopID, "op", op, "attempt", attempt, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return last
		case <-t.C:
		}
	}
}

// backoffFor is the wait after the n-th failed try: doubling, with jitter
// so that many waiting calls do not return at once.
func (c *Client) backoffFor(n int) time.Duration {
	d := c.backoff << min(n-1, 10)
	if d > c.maxBackoff || d <= 0 {
		d = c.maxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// attempt makes one try. wait < 0: final, do not retry; 0: retry after
// the backoff; > 0: retry after that long (YooKassa said so).
func (c *Client) attempt(ctx context.Context, method, path, key string, payload []byte, out any) (time.Duration, error) {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return -1, fmt.Errorf("yookassa: %s %s: %w", method, opPath(path), err)
	}
	req.SetBasicAuth(c.shopID, c.secret)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "consult-platform")
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotence-Key", key)
	}
	res, err := c.http.Do(req)
	if err != nil {
		// The request may or may not have been carried out: the retry with
		// the same key finds out.
		return 0, fmt.Errorf("yookassa: %s %s: %w", method, opPath(path), err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if err != nil {
		return 0, fmt.Errorf("yookassa: %s %s: reading the answer: %w", method, opPath(path), err)
	}
	switch {
	case res.StatusCode == http.StatusOK:
		if err := json.Unmarshal(b, out); err != nil {
			return -1, fmt.Errorf("yookassa: %s %s: answer is not the documented JSON: %w", method, opPath(path), err)
		}
		return -1, nil
	case res.StatusCode == http.StatusAccepted:
		// "Processing": the request is accepted but not done; repeat it
		// (same key, same body) after retry_after milliseconds.
		var p processingJSON
		_ = json.Unmarshal(b, &p)
		return time.Duration(p.RetryAfter) * time.Millisecond, &APIError{Status: res.StatusCode, Code: "processing",
			Description: p.Description, shop: c.shopID, op: method + " " + opPath(path)}
	}
	e := apiError(res.StatusCode, b, c.shopID, method+" "+opPath(path))
	switch {
	case res.StatusCode == http.StatusTooManyRequests:
		return retryAfter(res.Header.Get("Retry-After")), e
	case res.StatusCode >= 500:
		// internal_server_error: "the result is unknown" — the docs say to
		// repeat the request with the same key.
		var p processingJSON
		_ = json.Unmarshal(b, &p)
		return time.Duration(p.RetryAfter) * time.Millisecond, e
	}
	return -1, e
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h string) time.Duration {
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// opPath is the path with the object id replaced, for logs and errors.
func opPath(path string) string {
	if i := strings.IndexByte(path[1:], '/'); i >= 0 {
		return path[:i+1] + "/{id}"
	}
	return path
}

// APIError is YooKassa's error answer.
type APIError struct {
	Status      int    // HTTP status
	Code        string // invalid_request, invalid_credentials, forbidden, not_found, too_many_requests, internal_server_error; "processing" for 202
	ID          string // YooKassa's id of the error, for its support
	Description string
	Parameter   string // the request field it is about, if any
	shop, op    string
}

// Error says what failed; for a 401 it says what to check.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "yookassa: shop %s: %s: %d %s", e.shop, e.op, e.Status, e.Code)
	if e.Status == http.StatusUnauthorized {
		b.WriteString(": YooKassa refused the credentials — check the shop id and its secret key (a test_ key works only with a test shop)")
	}
	if e.Parameter != "" {
		fmt.Fprintf(&b, " (parameter %s)", e.Parameter)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, ": %s", truncate(e.Description, 200))
	}
	if e.ID != "" {
		fmt.Fprintf(&b, " [error id %s]", e.ID)
	}
	return b.String()
}

func apiError(status int, body []byte, shop, op string) *APIError {
	var j errorJSON
	if json.Unmarshal(body, &j) != nil || j.Type != "error" {
		j = errorJSON{Code: http.StatusText(status)}
	}
	return &APIError{Status: status, Code: j.Code, ID: j.ID, Description: j.Description, Parameter: j.Parameter, shop: shop, op: op}
}

// isNotFound says the answer was 404 not_found.
func isNotFound(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

func truncate(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// validID is what an object id of YooKassa looks like (a UUID-like token);
// anything else is refused before it reaches a URL path.
var validID = regexp.MustCompile(`^[0-9A-Za-z_-]{1,64}$`)
