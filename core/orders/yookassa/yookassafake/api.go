package yookassafake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/google/uuid"
)

// The API: payments and refunds, answered once per Idempotence-Key.

func writeError(w http.ResponseWriter, status int, code, parameter, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	e := map[string]string{"type": "error", "id": uuid.NewString(), "code": code, "description": description}
	if parameter != "" {
		e["parameter"] = parameter
	}
	_ = json.NewEncoder(w).Encode(e)
}

func writeJSON(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// invalid is a 400 invalid_request about one parameter.
type invalid struct{ parameter, description string }

func (e invalid) Error() string { return e.parameter + ": " + e.description }

func bad(parameter, format string, args ...any) error {
	return invalid{parameter, fmt.Sprintf(format, args...)}
}

// idempotent answers a POST once per key: a repeat with the same body gets
// the first answer again, with another body (or to another route) an
// error. do runs under the lock and returns the answer to keep.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, do func(shop Shop, key string, body []byte) ([]byte, error)) {
	shop := r.Context().Value(shopKey{}).(Shop)
	key := r.Header.Get("Idempotence-Key")
	body, _ := io.ReadAll(r.Body)
	canon, err := canonical(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "", "Malformed JSON in the request body")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := shop.ID + "\x00" + key
	if prev, ok := s.keyed[k]; ok {
		if prev.route != r.URL.Path || prev.body != canon {
			writeError(w, http.StatusBadRequest, "invalid_request", "Idempotence-Key",
				"Idempotence key duplicated: this key was used with other request data")
			return
		}
		writeJSON(w, prev.resp)
		return
	}
	resp, err := do(shop, key, body)
	if err != nil {
		if e, ok := err.(invalid); ok {
			writeError(w, http.StatusBadRequest, "invalid_request", e.parameter, e.description)
			return
		}
		writeError(w, http.StatusInternalServerError, "internal_server_error", "", err.Error())
		return
	}
	s.keyed[k] = keyed{route: r.URL.Path, body: canon, resp: resp}
	writeJSON(w, resp)
}

// canonical re-encodes JSON with sorted keys, so two bodies that mean the
// same compare equal.
func canonical(b []byte) (string, error) {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return "", err
	}
	out, err := json.Marshal(v)
	return string(out), err
}

func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bad("", "The request body does not match the API: %v", err)
	}
	return nil
}

type amountIn struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

type confirmationIn struct {
	Type      string `json:"type"`
	ReturnURL string `json:"return_url"`
	Locale    string `json:"locale"`
}

type itemIn struct {
	Description    string          `json:"description"`
	Quantity       json.RawMessage `json:"quantity"`
	Amount         *amountIn       `json:"amount"`
	VATCode        json.RawMessage `json:"vat_code"`
	PaymentSubject string          `json:"payment_subject"`
	PaymentMode    string          `json:"payment_mode"`
}

type receiptIn struct {
	Customer      *Customer `json:"customer"`
	Items         []itemIn  `json:"items"`
	TaxSystemCode int       `json:"tax_system_code"`
}

type paymentIn struct {
	Amount       *amountIn         `json:"amount"`
	Capture      bool              `json:"capture"`
	Confirmation *confirmationIn   `json:"confirmation"`
	Description  string            `json:"description"`
	Metadata     map[string]string `json:"metadata"`
	Receipt      *receiptIn        `json:"receipt"`
}

type refundIn struct {
	PaymentID   string     `json:"payment_id"`
	Amount      *amountIn  `json:"amount"`
	Description string     `json:"description"`
	Receipt     *receiptIn `json:"receipt"`
}

func (s *Server) createPayment(w http.ResponseWriter, r *http.Request) {
	s.idempotent(w, r, func(shop Shop, key string, body []byte) ([]byte, error) {
		var in paymentIn
		if err := decodeStrict(body, &in); err != nil {
			return nil, err
		}
		total, err := checkAmount("amount", in.Amount)
		if err != nil {
			return nil, err
		}
		switch {
		case in.Confirmation == nil:
			return nil, bad("confirmation", "Confirmation is required for this payment")
		case in.Confirmation.Type != "redirect":
			return nil, bad("confirmation.type", "This fake supports the redirect confirmation only")
		case in.Confirmation.ReturnURL == "" || len(in.Confirmation.ReturnURL) > 2048:
			return nil, bad("confirmation.return_url", "return_url is required, 2048 characters at most")
		case utf8.RuneCountInString(in.Description) > 128:
			return nil, bad("description", "Description is longer than 128 characters")
		case len(in.Metadata) > 16:
			return nil, bad("metadata", "Metadata has more than 16 keys")
		}
		for k, v := range in.Metadata {
			if utf8.RuneCountInString(k) > 32 || utf8.RuneCountInString(v) > 512 {
				return nil, bad("metadata", "A metadata key is 32 characters at most, a value 512")
			}
		}
		rc, err := checkReceipt(shop, in.Receipt, total, in.Amount.Currency)
		if err != nil {
			return nil, err
		}
		id := uuid.NewString()
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		p := &Payment{ID: id, ShopID: shop.ID, IdempotenceKey: key, Status: "pending", Amount: Amount(*in.Amount),
			Capture: in.Capture, Description: in.Description, ReturnURL: in.Confirmation.ReturnURL,
			ConfirmationURL: scheme + "://" + r.Host + checkoutPath + "?orderId=" + url.QueryEscape(id),
			Metadata:        in.Metadata, Receipt: rc, CreatedAt: s.now().UTC()}
		if p.Metadata == nil {
			p.Metadata = map[string]string{}
		}
		s.payments[id] = p
		s.created = append(s.created, id)
		return json.Marshal(p.object())
	})
}

func (s *Server) getPayment(w http.ResponseWriter, r *http.Request) {
	s.get(w, r, "payment_id", "Payment", func(id string) (string, map[string]any) {
		if p, ok := s.payments[id]; ok {
			return p.ShopID, p.object()
		}
		return "", nil
	})
}

func (s *Server) getRefund(w http.ResponseWriter, r *http.Request) {
	s.get(w, r, "refund_id", "Refund", func(id string) (string, map[string]any) {
		if ref, ok := s.refunds[id]; ok {
			return ref.ShopID, ref.object()
		}
		return "", nil
	})
}

// get answers GET /v3/{payments,refunds}/{id}: the object, if the shop
// asking owns it; another shop's object is as unknown as a made-up one.
// find runs under the lock.
func (s *Server) get(w http.ResponseWriter, r *http.Request, param, what string, find func(id string) (string, map[string]any)) {
	shop := r.Context().Value(shopKey{}).(Shop)
	s.mu.Lock()
	owner, obj := find(r.PathValue("id"))
	var b []byte
	if obj != nil && owner == shop.ID {
		b, _ = json.Marshal(obj)
	}
	s.mu.Unlock()
	if b == nil {
		writeError(w, http.StatusNotFound, "not_found", param, what+" doesn't exist or access denied")
		return
	}
	writeJSON(w, b)
}

func (s *Server) createRefund(w http.ResponseWriter, r *http.Request) {
	s.idempotent(w, r, func(shop Shop, key string, body []byte) ([]byte, error) {
		var in refundIn
		if err := decodeStrict(body, &in); err != nil {
			return nil, err
		}
		p, ok := s.payments[in.PaymentID]
		switch {
		case in.PaymentID == "":
			return nil, bad("payment_id", "payment_id is required")
		case !ok || p.ShopID != shop.ID:
			return nil, bad("payment_id", "Payment doesn't exist or access denied")
		case p.Status != "succeeded":
			return nil, bad("payment_id", "Only a succeeded payment can be refunded; this one is %s", p.Status)
		case utf8.RuneCountInString(in.Description) > 250:
			return nil, bad("description", "Description is longer than 250 characters")
		}
		amount, err := checkAmount("amount", in.Amount)
		if err != nil {
			return nil, err
		}
		paid, _ := kopecks(p.Amount.Value)
		switch {
		case in.Amount.Currency != p.Amount.Currency:
			return nil, bad("amount.currency", "The refund currency differs from the payment's")
		case amount > paid-p.Refunded:
			return nil, bad("amount.value", "The refund amount exceeds what is left of the payment")
		}
		rc, err := checkReceipt(shop, in.Receipt, amount, in.Amount.Currency)
		if err != nil {
			return nil, err
		}
		ref := &Refund{ID: uuid.NewString(), ShopID: shop.ID, IdempotenceKey: key, PaymentID: p.ID, Status: "succeeded",
			Amount: Amount(*in.Amount), Description: in.Description, Receipt: rc, CreatedAt: s.now().UTC()}
		if s.pendRefnd {
			ref.Status = "pending"
		}
		p.Refunded += amount
		s.refunds[ref.ID] = ref
		return json.Marshal(ref.object())
	})
}

// object is the payment as the API shows it.
func (p *Payment) object() map[string]any {
	o := map[string]any{
		"id": p.ID, "status": p.Status, "paid": p.Paid, "amount": p.Amount, "description": p.Description,
		"metadata": p.Metadata, "created_at": p.CreatedAt.Format("2006-01-02T15:04:05.000Z"), "test": true,
		"recipient":  map[string]string{"account_id": p.ShopID, "gateway_id": p.ShopID},
		"refundable": p.Status == "succeeded",
	}
	if p.Status == "pending" {
		o["confirmation"] = map[string]string{"type": "redirect", "return_url": p.ReturnURL, "confirmation_url": p.ConfirmationURL}
	}
	if p.Status == "succeeded" {
		o["income_amount"] = p.Amount
	}
	if p.Refunded > 0 {
		o["refunded_amount"] = Amount{Value: fmt.Sprintf("%d.%02d", p.Refunded/100, p.Refunded%100), Currency: p.Amount.Currency}
	}
	if p.Receipt != nil {
		o["receipt_registration"] = "pending"
	}
	if p.Status == "canceled" {
		o["cancellation_details"] = map[string]string{"party": p.CancellationParty, "reason": p.CancellationReason}
	}
	return o
}

// object is the refund as the API shows it.
func (r *Refund) object() map[string]any {
	o := map[string]any{"id": r.ID, "payment_id": r.PaymentID, "status": r.Status, "amount": r.Amount,
		"created_at": r.CreatedAt.Format("2006-01-02T15:04:05.000Z")}
	if r.Description != "" {
		o["description"] = r.Description
	}
	if r.Receipt != nil {
		o["receipt_registration"] = "pending"
	}
	if r.Status == "canceled" {
		o["cancellation_details"] = map[string]string{"party": "yoo_money", "reason": "rejected_by_payee"}
	}
	return o
}
