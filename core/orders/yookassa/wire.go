package yookassa

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/consult/platform/core/orders"
)

// The JSON of API v3 (yookassa.ru/developers/api), only the fields we send
// or read. They never leave this package: callers see orders.Payment and
// Refund with kopecks.

type amountJSON struct {
	Value    string `json:"value"` // "1234.00"
	Currency string `json:"currency"`
}

type confirmationJSON struct {
	Type            string `json:"type"`
	ReturnURL       string `json:"return_url,omitempty"`
	ConfirmationURL string `json:"confirmation_url,omitempty"`
}

type customerJSON struct {
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"` // E.164 digits without "+", e.g. 79000000000
}

type itemJSON struct {
	Description    string     `json:"description"`
	Quantity       int64      `json:"quantity"`
	Amount         amountJSON `json:"amount"` // price per unit (tag 1079)
	VATCode        int        `json:"vat_code"`
	PaymentSubject string     `json:"payment_subject"`
	PaymentMode    string     `json:"payment_mode"`
}

type receiptJSON struct {
	Customer      customerJSON `json:"customer"`
	Items         []itemJSON   `json:"items"`
	TaxSystemCode int          `json:"tax_system_code,omitempty"`
}

type createPaymentJSON struct {
	Amount       amountJSON        `json:"amount"`
	Capture      bool              `json:"capture"`
	Confirmation confirmationJSON  `json:"confirmation"`
	Description  string            `json:"description,omitempty"`
	Metadata     map[string]string `json:"metadata"`
	Receipt      *receiptJSON      `json:"receipt,omitempty"`
}

type cancellationJSON struct {
	Party  string `json:"party"`
	Reason string `json:"reason"`
}

type paymentJSON struct {
	ID                  string            `json:"id"`
	Status              string            `json:"status"`
	Paid                bool              `json:"paid"`
	Amount              amountJSON        `json:"amount"`
	Confirmation        *confirmationJSON `json:"confirmation"`
	Metadata            map[string]any    `json:"metadata"` // values may be any JSON a shop once sent
	CancellationDetails *cancellationJSON `json:"cancellation_details"`
}

type createRefundJSON struct {
	PaymentID   string       `json:"payment_id"`
	Amount      amountJSON   `json:"amount"`
	Description string       `json:"description,omitempty"`
	Receipt     *receiptJSON `json:"receipt,omitempty"`
}

type refundJSON struct {
	ID                  string            `json:"id"`
	PaymentID           string            `json:"payment_id"`
	Status              string            `json:"status"`
	Amount              amountJSON        `json:"amount"`
	CancellationDetails *cancellationJSON `json:"cancellation_details"`
}

// errorJSON is every error answer; processingJSON the 202 answer.
type errorJSON struct {
	Type        string `json:"type"`
	ID          string `json:"id"`
	Code        string `json:"code"`
	Description string `json:"description"`
	Parameter   string `json:"parameter"`
}

type processingJSON struct {
	Type        string `json:"type"`
	Description string `json:"description"`
	RetryAfter  int64  `json:"retry_after"` // milliseconds
}

// Limits of API v3.
const (
	maxPaymentDescription = 128
	maxRefundDescription  = 250
	maxItemDescription    = 128
	maxIdempotenceKey     = 64
	maxItems              = 100
)

// Receipt line attributes (54-FZ tags 1212 and 1214): a consultation
// package is a service, paid for in full before it is provided.
const (
	subjectService = "service"
	modePrepayment = "full_prepayment"
)

func amountOf(kopecks int64, currency string) (amountJSON, error) {
	if kopecks <= 0 {
		return amountJSON{}, errAmount
	}
	v, err := FormatAmount(kopecks)
	return amountJSON{Value: v, Currency: currency}, err
}

// receipt builds the receipt of a payment or refund of total kopecks from
// the order's data and the shop's settings.
func (c *Client) receipt(r *orders.Receipt, total int64, currency string) (*receiptJSON, error) {
	if r == nil {
		return nil, fmt.Errorf("yookassa: shop %s sends receipts (54-FZ), but the request has no receipt data", c.shopID)
	}
	out := &receiptJSON{TaxSystemCode: c.taxSystem}
	switch {
	case r.Email != "":
		out.Customer.Email = r.Email
	case r.Phone != "":
		// E.164 as YooKassa writes it: the digits, no "+".
		out.Customer.Phone = strings.TrimPrefix(r.Phone, "+")
	default:
		return nil, fmt.Errorf("yookassa: a receipt needs the customer's e-mail or phone")
	}
	if len(r.Items) == 0 || len(r.Items) > maxItems {
		return nil, fmt.Errorf("yookassa: a receipt has 1 to %d lines, not %d", maxItems, len(r.Items))
	}
	var sum int64
	for i, it := range r.Items {
		d := strings.TrimSpace(it.Description)
		if d == "" {
			return nil, fmt.Errorf("yookassa: receipt line %d has no description", i+1)
		}
		if utf8.RuneCountInString(d) > maxItemDescription {
			d = string([]rune(d)[:maxItemDescription-1]) + "…"
		}
		if it.Quantity <= 0 || it.Currency != currency {
			return nil, fmt.Errorf("yookassa: receipt line %d: quantity %d, currency %q in a %s payment", i+1, it.Quantity, it.Currency, currency)
		}
		a, err := amountOf(it.Price, it.Currency)
		if err != nil {
			return nil, fmt.Errorf("yookassa: receipt line %d: %w", i+1, err)
		}
		sum += it.Quantity * it.Price
		out.Items = append(out.Items, itemJSON{Description: d, Quantity: it.Quantity, Amount: a, VATCode: c.vatCode,
			PaymentSubject: subjectService, PaymentMode: modePrepayment})
	}
	// YooKassa refuses a receipt that does not add up to the payment; say
	// so here, with the numbers, rather than after a round trip.
	if sum != total {
		return nil, fmt.Errorf("yookassa: the receipt lines sum to %d, the amount is %d", sum, total)
	}
	return out, nil
}
