package yookassa

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"unicode/utf8"

	"github.com/consult/platform/core/orders"
)

var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

// CreatePayment creates the payment of an order: captured at once
// (capture: true — a consultation package is sold outright, there is
// nothing to hold), paid on YooKassa's page (confirmation redirect), with
// the order id in its metadata and, when the shop sends receipts, the
// receipt. Called again with the same IdempotenceKey and request, YooKassa
// answers with the payment it created then.
func (c *Client) CreatePayment(ctx context.Context, req orders.PaymentRequest) (orders.Payment, error) {
	switch {
	case req.OrderID == "":
		return orders.Payment{}, fmt.Errorf("yookassa: a payment needs an order id")
	case req.IdempotenceKey == "" || len(req.IdempotenceKey) > maxIdempotenceKey:
		return orders.Payment{}, fmt.Errorf("yookassa: idempotence key of %d bytes: want 1 to %d", len(req.IdempotenceKey), maxIdempotenceKey)
	case !currencyPattern.MatchString(req.Currency):
		return orders.Payment{}, fmt.Errorf("yookassa: currency %q", req.Currency)
	case req.ReturnURL == "":
		return orders.Payment{}, fmt.Errorf("yookassa: a payment needs a return URL")
	case utf8.RuneCountInString(req.Description) > maxPaymentDescription:
		return orders.Payment{}, fmt.Errorf("yookassa: description longer than %d characters", maxPaymentDescription)
	}
	amount, err := amountOf(req.Amount, req.Currency)
	if err != nil {
		return orders.Payment{}, err
	}
	body := createPaymentJSON{
		Amount: amount, Capture: true,
		Confirmation: confirmationJSON{Type: "redirect", ReturnURL: req.ReturnURL},
		Description:  req.Description,
		Metadata:     map[string]string{"order_id": req.OrderID},
	}
	if c.receipts {
		if body.Receipt, err = c.receipt(req.Receipt, req.Amount, req.Currency); err != nil {
			return orders.Payment{}, err
		}
	}
	var out paymentJSON
	if err := c.call(ctx, "POST", "/payments", req.IdempotenceKey, body, &out); err != nil {
		return orders.Payment{}, err
	}
	return c.payment(ctx, out)
}

// GetPayment returns a payment as YooKassa has it now; an error matching
// orders.ErrPaymentUnknown when the shop has no payment by that id.
func (c *Client) GetPayment(ctx context.Context, id string) (orders.Payment, error) {
	if !validID.MatchString(id) {
		return orders.Payment{}, orders.ErrPaymentUnknown.Because(fmt.Errorf("yookassa: %q is not a payment id", id))
	}
	var out paymentJSON
	if err := c.call(ctx, "GET", "/payments/"+url.PathEscape(id), "", nil, &out); err != nil {
		if isNotFound(err) {
			return orders.Payment{}, orders.ErrPaymentUnknown.Because(err)
		}
		return orders.Payment{}, err
	}
	if out.ID != id {
		return orders.Payment{}, fmt.Errorf("yookassa: shop %s answered payment %q when asked for %q", c.shopID, out.ID, id)
	}
	return c.payment(ctx, out)
}

// payment converts YooKassa's payment: the order id comes from the
// metadata and the amount from the payment itself, so the checkout checks
// both against its order.
func (c *Client) payment(ctx context.Context, p paymentJSON) (orders.Payment, error) {
	if !validID.MatchString(p.ID) {
		return orders.Payment{}, fmt.Errorf("yookassa: shop %s answered a payment without a proper id", c.shopID)
	}
	amount, err := ParseAmount(p.Amount.Value)
	if err != nil {
		return orders.Payment{}, fmt.Errorf("yookassa: payment %s: %w", p.ID, err)
	}
	out := orders.Payment{ProviderPaymentID: p.ID, Amount: amount, Currency: p.Amount.Currency}
	if id, ok := p.Metadata["order_id"].(string); ok {
		out.OrderID = id
	}
	if p.Confirmation != nil {
		out.ConfirmationURL = p.Confirmation.ConfirmationURL
	}
	switch p.Status {
	case "pending":
		out.Status = orders.PaymentPending
	case "waiting_for_capture":
		// We create payments with capture: true, so YooKassa should never
		// hold one for us to capture. If it does, the money is not ours
		// yet: treat it as pending and tell a human.
		c.log.WarnContext(ctx, "yookassa: payment waits for capture although created with capture: true",
			"shop", c.shopID, "payment", p.ID, "order", out.OrderID)
		out.Status = orders.PaymentPending
	case "succeeded":
		out.Status = orders.PaymentSucceeded
	case "canceled":
		out.Status = orders.PaymentCanceled
		if d := p.CancellationDetails; d != nil {
			c.log.InfoContext(ctx, "yookassa: payment canceled", "shop", c.shopID, "payment", p.ID,
				"party", d.Party, "reason", d.Reason)
		}
	default:
		return orders.Payment{}, fmt.Errorf("yookassa: payment %s has status %q, which API v3 does not document", p.ID, p.Status)
	}
	return out, nil
}
