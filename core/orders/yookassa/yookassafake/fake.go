// Package yookassafake is a local YooKassa for tests: an http.Handler (mount
// it on httptest.NewServer and point the client's base URL at URL+"/v3")
// that answers API v3 as yookassa.ru/developers documents it — payments
// and refunds kept in memory per shop, Basic auth, a mandatory
// Idempotence-Key on every POST (the same key with the same body answers
// the same object, with another body an error), validation of amounts,
// lengths and the receipt's shape with 400 invalid_request naming the
// parameter, a confirmation page of its own — and the controls a test needs:
// settle a payment, make the next requests fail with 500, 202 or 429, and
// send a notification as YooKassa would, from where the test says.
//
// It is written from the documentation, not from our client: its types are
// its own, so a mistake in the client's JSON shows up here as a 400.
package yookassafake

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Shop is a YooKassa shop the fake knows.
type Shop struct {
	ID        string
	SecretKey string
	// ReceiptsRequired: the shop has an online cash register connected
	// (54-FZ), so YooKassa refuses a payment or refund without a receipt.
	ReceiptsRequired bool
}

// Amount is an amount as the API writes it.
type Amount struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

// Customer is a receipt's customer.
type Customer struct {
	FullName string `json:"full_name,omitempty"`
	INN      string `json:"inn,omitempty"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
}

// Item is a receipt line as received.
type Item struct {
	Description    string
	Quantity       string // as sent, e.g. "1" or "1.00"
	Amount         Amount // price per unit
	VATCode        int
	PaymentSubject string
	PaymentMode    string
}

// Receipt is a receipt as received.
type Receipt struct {
	Customer      Customer
	Items         []Item
	TaxSystemCode int
}

// Payment is a payment as the fake holds it.
type Payment struct {
	ID                 string
	ShopID             string
	IdempotenceKey     string
	Status             string // pending, waiting_for_capture, succeeded, canceled
	Paid               bool
	Amount             Amount
	Capture            bool
	Description        string
	ReturnURL          string
	ConfirmationURL    string
	Metadata           map[string]string
	Receipt            *Receipt
	Refunded           int64 // kopecks
	CancellationParty  string
	CancellationReason string
	CreatedAt          time.Time
}

// Refund is a refund as the fake holds it.
type Refund struct {
	ID             string
	ShopID         string
	IdempotenceKey string
	PaymentID      string
	Status         string // pending, succeeded, canceled
	Amount         Amount
	Description    string
	Receipt        *Receipt
	CreatedAt      time.Time
}

// Request is one API request the fake received.
type Request struct {
	Method         string
	Path           string
	IdempotenceKey string
	Body           []byte
	Status         int // what the fake answered
}

// Failure is an answer the fake gives instead of the real one.
type Failure struct {
	// Status: 500 (internal_server_error), 202 (processing), 429
	// (too_many_requests), or another 5xx.
	Status int
	// Processed carries the request out before answering the failure, as
	// when YooKassa did the work but its answer was lost: a retry with the
	// same key must then find the result, not make a second one.
	Processed bool
	// RetryAfter goes into the 202 body (retry_after, milliseconds) or the
	// 429 Retry-After header (whole seconds).
	RetryAfter time.Duration
}

// Server is the fake. Its zero value is not usable: call New.
type Server struct {
	mu        sync.Mutex
	shops     map[string]Shop
	payments  map[string]*Payment
	refunds   map[string]*Refund
	created   []string // payment ids in creation order
	keyed     map[string]keyed
	failures  []Failure
	requests  []Request
	pendRefnd bool
	mux       *http.ServeMux
	client    *http.Client
	now       func() time.Time
}

// keyed is what an Idempotence-Key produced.
type keyed struct {
	route string
	body  string // canonical JSON of the request
	resp  []byte
}

// New returns a fake knowing the shops.
func New(shops ...Shop) *Server {
	s := &Server{shops: map[string]Shop{}, payments: map[string]*Payment{}, refunds: map[string]*Refund{},
		keyed: map[string]keyed{}, client: &http.Client{Timeout: 10 * time.Second}, now: time.Now}
	for _, sh := range shops {
		s.shops[sh.ID] = sh
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /v3/payments", s.createPayment)
	s.mux.HandleFunc("GET /v3/payments/{id}", s.getPayment)
	s.mux.HandleFunc("POST /v3/refunds", s.createRefund)
	s.mux.HandleFunc("GET /v3/refunds/{id}", s.getRefund)
	s.mux.HandleFunc("GET "+checkoutPath, s.checkoutPage)
	s.mux.HandleFunc("POST "+checkoutPath, s.checkoutSubmit)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "", "Resource not found")
	})
	return s
}

// AddShop makes a shop known (or replaces its settings).
func (s *Server) AddShop(sh Shop) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shops[sh.ID] = sh
}

// checkoutPath is the fake's payment page, shaped like YooKassa's.
const checkoutPath = "/checkout/payments/v2/contract"

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "", "Cannot read the request body")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !strings.HasPrefix(r.URL.Path, "/v3/") {
		s.mux.ServeHTTP(w, r)
		return
	}
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	s.api(rec, r, body)
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, IdempotenceKey: r.Header.Get("Idempotence-Key"),
		Body: body, Status: rec.status})
	s.mu.Unlock()
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// shopKey is the context key of the authenticated shop.
type shopKey struct{}

// api authenticates, checks the idempotence key, plays a scheduled
// failure and routes.
func (s *Server) api(w http.ResponseWriter, r *http.Request, body []byte) {
	id, secret, ok := r.BasicAuth()
	s.mu.Lock()
	shop, known := s.shops[id]
	s.mu.Unlock()
	if !ok || !known || subtle.ConstantTimeCompare([]byte(secret), []byte(shop.SecretKey)) != 1 {
		writeError(w, http.StatusUnauthorized, "invalid_credentials", "",
			"Error in shopId or secret key. Check their validity. You can reissue the key in the Merchant Profile")
		return
	}
	if r.Method == http.MethodPost {
		key := r.Header.Get("Idempotence-Key")
		switch {
		case key == "":
			writeError(w, http.StatusBadRequest, "invalid_request", "Idempotence-Key", "Idempotence key is missing")
			return
		case len(key) > 64:
			writeError(w, http.StatusBadRequest, "invalid_request", "Idempotence-Key", "Idempotence key is too long (64 characters at most)")
			return
		case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"):
			writeError(w, http.StatusUnsupportedMediaType, "invalid_request", "", "Content-Type must be application/json")
			return
		}
	}
	r = r.WithContext(context.WithValue(r.Context(), shopKey{}, shop))
	s.mu.Lock()
	var f *Failure
	if len(s.failures) > 0 {
		f = &s.failures[0]
		s.failures = s.failures[1:]
	}
	s.mu.Unlock()
	if f == nil {
		s.mux.ServeHTTP(w, r)
		return
	}
	if f.Processed {
		s.mux.ServeHTTP(discard{}, r)
	}
	switch {
	case f.Status == http.StatusAccepted:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_ = json.NewEncoder(w).Encode(map[string]any{"type": "processing",
			"description": "Request accepted, but not processed yet. Repeat it later with the same Idempotence-Key",
			"retry_after": f.RetryAfter.Milliseconds()})
	case f.Status == http.StatusTooManyRequests:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
		}
		writeError(w, f.Status, "too_many_requests", "", "Too many requests. Repeat later")
	default:
		writeError(w, f.Status, "internal_server_error", "", "Internal server error. The result is unknown: repeat the request with the same Idempotence-Key")
	}
}

// discard swallows the answer of a request processed before a failure.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

// FailNext makes the next n API requests (any method, after
// authentication) answer with the failure.
func (s *Server) FailNext(n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failures = append(s.failures, f)
	}
}

// Requests returns the API requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Payments returns the payments of every shop, oldest first.
func (s *Server) Payments() []Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Payment, 0, len(s.created))
	for _, id := range s.created {
		out = append(out, s.payments[id].clone())
	}
	return out
}

// Payment returns one payment.
func (s *Server) Payment(id string) (Payment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[id]
	if !ok {
		return Payment{}, false
	}
	return p.clone(), true
}

func (p *Payment) clone() Payment {
	c := *p
	c.Metadata = map[string]string{}
	for k, v := range p.Metadata {
		c.Metadata[k] = v
	}
	if p.Receipt != nil {
		r := *p.Receipt
		r.Items = append([]Item(nil), p.Receipt.Items...)
		c.Receipt = &r
	}
	return c
}

// Refunds returns every refund.
func (s *Server) Refunds() []Refund {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Refund, 0, len(s.refunds))
	for _, r := range s.refunds {
		out = append(out, *r)
	}
	return out
}

// Succeed settles a pending payment as the payer's bank confirming it:
// succeeded when it was created with capture: true, else waiting for
// capture.
func (s *Server) Succeed(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[id]
	switch {
	case !ok:
		return fmt.Errorf("yookassafake: no payment %s", id)
	case p.Status != "pending":
		return fmt.Errorf("yookassafake: payment %s is %s", id, p.Status)
	}
	p.Paid = true
	p.Status = "waiting_for_capture"
	if p.Capture {
		p.Status = "succeeded"
	}
	return nil
}

// Cancel cancels a payment not yet succeeded, as a declined card or an
// abandoned page would; reason is YooKassa's (e.g. "expired_on_confirmation",
// "card_expired"; "" means "general_decline").
func (s *Server) Cancel(id, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[id]
	switch {
	case !ok:
		return fmt.Errorf("yookassafake: no payment %s", id)
	case p.Status != "pending" && p.Status != "waiting_for_capture":
		return fmt.Errorf("yookassafake: payment %s is %s", id, p.Status)
	}
	if reason == "" {
		reason = "general_decline"
	}
	p.Status, p.Paid, p.CancellationParty, p.CancellationReason = "canceled", false, "payment_network", reason
	if reason == "expired_on_confirmation" {
		p.CancellationParty = "yoo_money"
	}
	return nil
}

// PendRefunds makes new refunds start pending (the bank has not answered)
// until SetRefundStatus; by default they succeed at once.
func (s *Server) PendRefunds(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pendRefnd = on
}

// SetRefundStatus settles a pending refund: "succeeded" or "canceled".
func (s *Server) SetRefundStatus(id, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.refunds[id]
	switch {
	case !ok:
		return fmt.Errorf("yookassafake: no refund %s", id)
	case r.Status != "pending" || status != "succeeded" && status != "canceled":
		return fmt.Errorf("yookassafake: refund %s is %s, cannot become %q", id, r.Status, status)
	}
	r.Status = status
	if status == "canceled" {
		// The money stays with the shop: it may be refunded again.
		p := s.payments[r.PaymentID]
		k, _ := kopecks(r.Amount.Value)
		p.Refunded -= k
	}
	return nil
}
