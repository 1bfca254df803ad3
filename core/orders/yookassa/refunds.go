package yookassa

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"unicode/utf8"

	"github.com/consult/platform/core/orders"
)

// RefundStatus is a refund's state at YooKassa.
type RefundStatus string

const (
	RefundPending   RefundStatus = "pending"   // the bank has not confirmed it yet
	RefundSucceeded RefundStatus = "succeeded" // the money is on its way back
	RefundCanceled  RefundStatus = "canceled"  // refused; CancellationReason says why
)

// RefundRequest asks YooKassa to return money of a succeeded payment.
type RefundRequest struct {
	PaymentID   string
	Amount      int64  // kopecks; at most what the payment has left
	Currency    string // the payment's
	Description string // ≤ 250 characters
	// IdempotenceKey is derived from the refund (not the order: one order
	// may be refunded in parts) and reused on every retry (SECURITY.md 15).
	IdempotenceKey string
	// Receipt is the refund receipt (возврат прихода), sent when the shop
	// sends receipts: the lines and contact of the payment's receipt, with
	// the refunded amounts.
	Receipt *orders.Receipt
}

// Refund is YooKassa's refund.
type Refund struct {
	ID                 string
	PaymentID          string
	Status             RefundStatus
	Amount             int64 // kopecks
	Currency           string
	CancellationReason string // for RefundCanceled
}

// ErrRefundUnknown: the shop has no refund by that id.
var ErrRefundUnknown = errors.New("yookassa: no such refund")

// CreateRefund asks for a refund; called again with the same
// IdempotenceKey and request, YooKassa answers with the refund it created
// then.
func (c *Client) CreateRefund(ctx context.Context, req RefundRequest) (Refund, error) {
	switch {
	case !validID.MatchString(req.PaymentID):
		return Refund{}, fmt.Errorf("yookassa: %q is not a payment id", req.PaymentID)
	case req.IdempotenceKey == "" || len(req.IdempotenceKey) > maxIdempotenceKey:
		return Refund{}, fmt.Errorf("yookassa: idempotence key of %d bytes: want 1 to %d", len(req.IdempotenceKey), maxIdempotenceKey)
	case !currencyPattern.MatchString(req.Currency):
		return Refund{}, fmt.Errorf("yookassa: currency %q", req.Currency)
	case utf8.RuneCountInString(req.Description) > maxRefundDescription:
		return Refund{}, fmt.Errorf("yookassa: refund description longer than %d characters", maxRefundDescription)
	}
	amount, err := amountOf(req.Amount, req.Currency)
	if err != nil {
		return Refund{}, err
	}
	body := createRefundJSON{PaymentID: req.PaymentID, Amount: amount, Description: req.Description}
	if c.receipts {
		if body.Receipt, err = c.receipt(req.Receipt, req.Amount, req.Currency); err != nil {
			return Refund{}, err
		}
	}
	var out refundJSON
	if err := c.call(ctx, "POST", "/refunds", req.IdempotenceKey, body, &out); err != nil {
		return Refund{}, err
	}
	return c.refund(out)
}

// GetRefund returns a refund as YooKassa has it now; ErrRefundUnknown when
// the shop has none by that id.
func (c *Client) GetRefund(ctx context.Context, id string) (Refund, error) {
	if !validID.MatchString(id) {
		return Refund{}, fmt.Errorf("%w: %q is not a refund id", ErrRefundUnknown, id)
	}
	var out refundJSON
	if err := c.call(ctx, "GET", "/refunds/"+url.PathEscape(id), "", nil, &out); err != nil {
		if isNotFound(err) {
			return Refund{}, fmt.Errorf("%w: %w", ErrRefundUnknown, err)
		}
		return Refund{}, err
	}
	if out.ID != id {
		return Refund{}, fmt.Errorf("yookassa: shop %s answered refund %q when asked for %q", c.shopID, out.ID, id)
	}
	return c.refund(out)
}

func (c *Client) refund(r refundJSON) (Refund, error) {
	if !validID.MatchString(r.ID) {
		return Refund{}, fmt.Errorf("yookassa: shop %s answered a refund without a proper id", c.shopID)
	}
	amount, err := ParseAmount(r.Amount.Value)
	if err != nil {
		return Refund{}, fmt.Errorf("yookassa: refund %s: %w", r.ID, err)
	}
	out := Refund{ID: r.ID, PaymentID: r.PaymentID, Status: RefundStatus(r.Status), Amount: amount, Currency: r.Amount.Currency}
	switch out.Status {
	case RefundPending, RefundSucceeded:
	case RefundCanceled:
		if r.CancellationDetails != nil {
			out.CancellationReason = r.CancellationDetails.Reason
		}
	default:
		return Refund{}, fmt.Errorf("yookassa: refund %s has status %q, which API v3 does not document", r.ID, r.Status)
	}
	return out, nil
}
