package web

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/orders/sandbox"
	"github.com/consult/platform/core/platform/errs"
)

// Orders is the part of the orders service the API uses.
type Orders interface {
	Quote(ctx context.Context, in orders.QuoteInput) (orders.Quote, error)
	Place(ctx context.Context, in orders.PlaceInput) (orders.Order, error)
	StartPayment(ctx context.Context, orderID, returnURL string) (orders.Order, error)
	Order(ctx context.Context, id string) (orders.Order, error)
}

// SandboxBank is the dev-only test bank behind sandbox payment URLs.
type SandboxBank interface {
	Payment(ctx context.Context, id string) (sandbox.Record, error)
	Complete(ctx context.Context, id, result string) (sandbox.Record, error)
}

type quoteJSON struct {
	OfferID      string `json:"offer_id"`
	PackageCode  string `json:"package_code"`
	PackageTitle string `json:"package_title"`
	List         int64  `json:"list_price"`
	Discount     int64  `json:"discount"`
	Total        int64  `json:"total"`
	Currency     string `json:"currency"`
	PromoCode    string `json:"promo_code,omitempty"`
	// PromoRefusal explains why a promo code gives no discount.
	PromoRefusal *errorDetail `json:"promo_refusal,omitempty"`
}

// quoteOrder is POST /api/v1/orders/quote: the price as the server computes
// it, with the promo code's refusal reason shown rather than failing.
func (s *Server) quoteOrder(c *fiber.Ctx) error {
	var in struct {
		OfferID     string `json:"offer_id"`
		PackageCode string `json:"package_code"`
		PromoCode   string `json:"promo_code"`
		Phone       string `json:"phone"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.offerOnSite(c, in.OfferID); err != nil {
		return err
	}
	q, err := s.Orders.Quote(c.UserContext(), orders.QuoteInput{OfferID: in.OfferID, PackageCode: in.PackageCode,
		PromoCode: in.PromoCode, Phone: in.Phone, ClientIP: s.clientIP(c)})
	if err != nil {
		return err
	}
	out := quoteJSON{OfferID: q.OfferID, PackageCode: q.PackageCode, PackageTitle: q.PackageTitle, List: q.List,
		Discount: q.Discount, Total: q.Total, Currency: q.Currency, PromoCode: q.PromoCode}
	if q.Refusal != "" {
		out.PromoRefusal = &errorDetail{Code: q.Refusal, Message: s.i18n.T(langOf(c), q.Refusal, q.RefusalData)}
	}
	return c.JSON(out)
}

// offerOnSite refuses offers this site does not sell (another site of the
// same tenant may sell different ones).
func (s *Server) offerOnSite(c *fiber.Ctx, offerID string) error {
	for _, id := range site(c).Site.Offers {
		if id == offerID {
			return nil
		}
	}
	return errs.Invalid("orders.invalid", errs.FieldError{Field: "offer_id", Code: "orders.package_unknown"})
}

type orderJSON struct {
	ID          string    `json:"id"`
	Number      string    `json:"number"`
	Status      string    `json:"status"`
	StatusText  string    `json:"status_text"`
	PackageCode string    `json:"package_code"`
	Title       string    `json:"package_title"`
	Total       int64     `json:"total"`
	Currency    string    `json:"currency"`
	PaymentURL  string    `json:"payment_url,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

func (s *Server) toOrderJSON(c *fiber.Ctx, o orders.Order) orderJSON {
	return orderJSON{ID: o.ID, Number: o.Number, Status: string(o.Status),
		StatusText: s.i18n.T(langOf(c), "orders.status_"+string(o.Status), nil), PackageCode: o.PackageCode,
		Title: o.PackageTitle, Total: o.Total, Currency: o.Currency, PaymentURL: o.PaymentURL, CreatedAt: o.CreatedAt}
}

// placeOrder is POST /api/v1/orders: the order and its payment. The price,
// the accepted documents' editions and the return address are the server's
// own; the consent is mandatory (seed 000 «Оформление заказа»: «без
// установки данного чек-бокса оплата невозможна»).
func (s *Server) placeOrder(c *fiber.Ctx) error {
	var in struct {
		OfferID      string `json:"offer_id"`
		PackageCode  string `json:"package_code"`
		FirstName    string `json:"first_name"`
		Surname      string `json:"surname"`
		Phone        string `json:"phone"`
		PromoCode    string `json:"promo_code"`
		ReceiptEmail string `json:"receipt_email"`
		Consent      bool   `json:"consent"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.offerOnSite(c, in.OfferID); err != nil {
		return err
	}
	si := site(c)
	var docs []orders.DocVersion
	for _, d := range si.Site.Documents {
		docs = append(docs, orders.DocVersion{ID: d.ID, Version: d.Version})
	}
	place := orders.PlaceInput{OfferID: in.OfferID, PackageCode: in.PackageCode, FirstName: in.FirstName,
		Surname: in.Surname, Phone: in.Phone, PromoCode: in.PromoCode, ReceiptEmail: strings.TrimSpace(in.ReceiptEmail),
		Consent: in.Consent, ConsentDocs: docs, IdempotencyKey: c.Get("Idempotency-Key"), ClientIP: s.clientIP(c)}
	if u := currentUser(c); u != nil {
		place.UserID = u.ID
	}
	o, err := s.Orders.Place(c.UserContext(), place)
	if err != nil {
		return err
	}
	if o.Status == orders.StatusCreated {
		// The bank returns the customer to the order's page, which waits for
		// the payment's confirmation (the notification, not the return, pays).
		if o, err = s.Orders.StartPayment(c.UserContext(), o.ID, s.siteBaseURL(c, si)+"/orders/"+o.ID); err != nil {
			return err
		}
	}
	return c.Status(fiber.StatusCreated).JSON(s.toOrderJSON(c, o))
}

// getOrder is GET /api/v1/orders/{id}: the order's state. The id (a UUIDv7
// with 74 random bits) is the capability a guest buyer holds.
func (s *Server) getOrder(c *fiber.Ctx) error {
	o, err := s.Orders.Order(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(s.toOrderJSON(c, o))
}

// sandboxPage is the test bank's payment page (dev only): the amount and
// Pay / Decline.
func (s *Server) sandboxPage(c *fiber.Ctx) error {
	rec, err := s.Sandbox.Payment(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.renderPage(c, "sandbox", fiber.Map{"Title": s.i18n.T(langOf(c), "orders.sandbox_title", nil), "Payment": rec,
		"Amount": formatMoney(rec.Amount, rec.Currency), "Done": rec.CompletedAt != nil})
}

// sandboxSubmit completes a sandbox payment the way the customer chose and
// returns them to the shop; the bank then notifies orders like a real one.
func (s *Server) sandboxSubmit(c *fiber.Ctx) error {
	rec, err := s.Sandbox.Complete(c.UserContext(), c.Params("id"), c.FormValue("result"))
	if err != nil {
		return err
	}
	return c.Redirect(safeNext(strings.TrimPrefix(rec.ReturnURL, s.siteBaseURL(c, site(c)))), fiber.StatusSeeOther)
}
