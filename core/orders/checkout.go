package orders

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants"
)

// QuoteInput asks for the price of a package with a promo code.
type QuoteInput struct {
	OfferID     string
	PackageCode string
	PromoCode   string // as typed; "" for none
	// Phone, when given and valid, lets the quote check the promo's
	// per-customer limit too; Place always checks it.
	Phone string
	// ClientIP is the caller's address: unknown promo codes count against
	// it (Config.PromoGuessesPerIP). "" counts nothing (internal callers).
	ClientIP string
}

// PlaceInput is the checkout form («Оформление заказа», seed 000 fig. 30
// and seed 002 fig. 26). Nothing in it says what the order costs: the
// price is the offer's, read on the server (SECURITY.md 11).
type PlaceInput struct {
	OfferID     string
	PackageCode string
	FirstName   string // ① «Имя», required
	Surname     string // ② «Фамилия», required
	Phone       string // ③ «Номер телефона», required; the tenant's region is the default
	PromoCode   string // ④ «Промокод», optional
	// ReceiptEmail is ⑤ «Мне нужен чек» → «Email»: "" when no receipt was
	// asked for.
	ReceiptEmail string
	// Consent is ⑥, the consent to personal-data processing under 152-FZ:
	// «Без установки данного чек-бокса оплата невозможна» (seed 000).
	Consent bool
	// ConsentDocs are the documents the consent refers to as the page
	// showed them — the offer and the privacy policy, with their editions;
	// the offer's own document must be among them.
	ConsentDocs []DocVersion
	UserID      string // the signed-in customer, "" for a guest
	// IdempotencyKey makes a retried request return the first one's order
	// instead of placing another; "" places a new order every time.
	IdempotencyKey string
	// ClientIP is the caller's address, as in QuoteInput.
	ClientIP string
}

// checkout is a validated PlaceInput.
type checkout struct {
	in          PlaceInput
	phone       string
	email       string
	promoKey    string
	consentDocs []DocVersion
	hash        string
}

// Quote prices a package with a promo code for the checkout form. A refused
// promo code does not fail the quote: Quote.Refusal says why (the customer
// removes or corrects it). Errors: ErrInvalid (field "package":
// CodePackageUnknown) for an offer or package the tenant does not sell,
// ErrPackageNotForSale for one priced per certificate.
func (s *Service) Quote(ctx context.Context, in QuoteInput) (Quote, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Quote{}, err
	}
	offer, pkg, err := s.findPackage(ctx, in.OfferID, in.PackageCode)
	if err != nil {
		return Quote{}, err
	}
	now := s.now().In(s.location(tenantID))
	if strings.TrimSpace(in.PromoCode) == "" {
		return Price(offer, pkg, nil, now, PromoUsage{})
	}
	if err := s.countGuess(ctx, PromoKey(in.PromoCode), in.ClientIP); err != nil {
		return Quote{}, err
	}
	promo, err := s.store.PromoByCode(ctx, PromoKey(in.PromoCode), false)
	if errors.Is(err, ErrPromoNotFound) {
		return unknownPromo(offer, pkg, now)
	}
	if err != nil {
		return Quote{}, err
	}
	var usage PromoUsage
	if phone, err := auth.NormalizePhone(in.Phone, s.region(tenantID)); err == nil {
		if usage.Customer, err = s.store.CustomerUses(ctx, promo.ID, phone); err != nil {
			return Quote{}, err
		}
	}
	return Price(offer, pkg, &promo, now, usage)
}

// countGuess counts a promo code typed from clientIP against the address's
// limit when no promo has that code, and refuses every code — known or not,
// so that a blocked guesser learns nothing — once the limit is reached:
// ErrPromoTooManyAttempts with the wait. Like certificate activation, the
// attempt is counted first and taken back when the code exists, so that
// parallel guesses cannot slip under the limit; the counter lives in the
// database, shared by every node.
func (s *Service) countGuess(ctx context.Context, promoKey, clientIP string) error {
	if clientIP == "" {
		return nil
	}
	subject, now := "ip:"+clientIP, s.now()
	return s.store.InTx(ctx, func(ctx context.Context) error {
		ok, since, err := s.store.CountPromoGuess(ctx, subject, now, s.cfg.PromoGuessWindow, s.cfg.PromoGuessesPerIP)
		if err != nil {
			return err
		}
		if !ok {
			return tooManyGuesses(since.Add(s.cfg.PromoGuessWindow).Sub(now))
		}
		_, err = s.store.PromoByCode(ctx, promoKey, false)
		if errors.Is(err, ErrPromoNotFound) {
			return nil // counted
		}
		if err != nil {
			return err
		}
		return s.store.ForgivePromoGuess(ctx, subject)
	})
}

// tooManyGuesses carries the wait in whole seconds (Retry-After) and in
// whole minutes, rounded up, for the text.
func tooManyGuesses(wait time.Duration) error {
	secs := max(int((wait+time.Second-1)/time.Second), 1)
	return ErrPromoTooManyAttempts.With(map[string]any{"RetryAfter": secs, "Minutes": (secs + 59) / 60})
}

// PurgeGuesses deletes the tenant's promo guess counters whose window is
// over; run it periodically with the other chores.
func (s *Service) PurgeGuesses(ctx context.Context) (int, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return 0, err
	}
	return s.store.PurgePromoGuesses(ctx, s.now().Add(-s.cfg.PromoGuessWindow))
}

// unknownPromo is the quote of a code that names no promo of the tenant.
func unknownPromo(offer tenants.Offer, pkg tenants.Package, now time.Time) (Quote, error) {
	q, err := Price(offer, pkg, nil, now, PromoUsage{})
	if err != nil {
		return Quote{}, err
	}
	q.Refusal = RefusalUnknown
	return q, nil
}

// Place creates an order from the checkout form, in status created, with
// its promo use counted; StartPayment then sends the customer to pay.
//
// Without the consent it answers ErrInvalid with the field error
// {consent, orders.consent_required} and writes nothing, reads nothing:
// payment is impossible without it (seed 000, ⑥). Every other field
// problem comes back in the same ErrInvalid (fields first_name, surname,
// phone, receipt_email, consent_docs, package, idempotency_key). A promo
// code that is refused answers its refusal (ErrPromoExpired …, field
// promo_code) and places nothing. ErrPackageNotForSale for a package
// priced per certificate.
//
// With an IdempotencyKey, a request that repeats an earlier one returns
// that order as it is now, and one with the same key but different data is
// refused with ErrIdempotencyConflict (SECURITY.md 16).
func (s *Service) Place(ctx context.Context, in PlaceInput) (Order, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Order{}, err
	}
	c, err := s.validate(tenantID, in)
	if err != nil {
		return Order{}, err
	}
	if c.in.IdempotencyKey != "" {
		if o, done, err := s.replay(ctx, c); done || err != nil {
			return o, err
		}
	}
	offer, pkg, err := s.findPackage(ctx, in.OfferID, in.PackageCode)
	if err != nil {
		return Order{}, err
	}
	if !slices.ContainsFunc(c.consentDocs, func(d DocVersion) bool { return d.ID == offer.Document }) {
		return Order{}, invalid(errs.FieldError{Field: "consent_docs", Code: CodeConsentDocsInvalid})
	}
	if c.promoKey != "" {
		if err := s.countGuess(ctx, c.promoKey, in.ClientIP); err != nil {
			return Order{}, err
		}
	}
	o, err := s.place(ctx, tenantID, c, offer, pkg)
	if errors.Is(err, ErrIdempotencyConflict) {
		// A concurrent request with the same key won the insert.
		if o, done, rerr := s.replay(ctx, c); done || rerr != nil {
			return o, rerr
		}
	}
	return o, err
}

// validate checks the form without touching the database.
func (s *Service) validate(tenantID string, in PlaceInput) (checkout, error) {
	var p problems
	if !in.Consent {
		// Nothing else matters, and nothing of the customer's is kept or
		// even read until they consent (152-FZ art. 9).
		p.add("consent", CodeConsentRequired, nil)
		return checkout{}, invalid(p...)
	}
	c := checkout{in: in}
	if strings.TrimSpace(in.OfferID) == "" || strings.TrimSpace(in.PackageCode) == "" {
		p.add("package", CodeFieldRequired, nil)
	}
	c.in.FirstName = p.name("first_name", in.FirstName)
	c.in.Surname = p.name("surname", in.Surname)
	c.phone = p.phone(in.Phone, s.region(tenantID))
	c.email = p.email(in.ReceiptEmail)
	c.consentDocs = p.consentDocs(in.ConsentDocs)
	if in.IdempotencyKey != "" && !idempotencyKey.MatchString(in.IdempotencyKey) {
		p.add("idempotency_key", CodeIdempotencyKeyInvalid, nil)
	}
	if len(p) > 0 {
		return checkout{}, invalid(p...)
	}
	if strings.TrimSpace(in.PromoCode) != "" {
		// A code that cannot be one stays non-empty here so that it is
		// refused as unknown rather than silently dropped.
		c.promoKey = PromoKey(in.PromoCode)
		if c.promoKey == "" {
			c.promoKey = strings.TrimSpace(in.PromoCode)
		}
	}
	c.hash = c.fingerprint()
	return c, nil
}

// fingerprint hashes the normalised request, for SECURITY.md 16: the same
// key with another body is refused.
func (c checkout) fingerprint() string {
	b, _ := json.Marshal(struct {
		Offer, Package, FirstName, Surname, Phone, Promo, Email, User string
		Docs                                                          []DocVersion
	}{c.in.OfferID, c.in.PackageCode, c.in.FirstName, c.in.Surname, c.phone, c.promoKey, c.email, c.in.UserID, c.consentDocs})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// replay returns the order placed earlier with c's key: done when there is
// one (or the key was used for another request).
func (s *Service) replay(ctx context.Context, c checkout) (Order, bool, error) {
	o, err := s.store.OrderByKey(ctx, c.in.IdempotencyKey)
	switch {
	case errors.Is(err, ErrNotFound):
		return Order{}, false, nil
	case err != nil:
		return Order{}, true, err
	case o.RequestHash != c.hash:
		return Order{}, true, ErrIdempotencyConflict
	}
	return o, true, nil
}

// findPackage returns the tenant's live offer and package, or ErrInvalid
// with CodePackageUnknown on field "package".
func (s *Service) findPackage(ctx context.Context, offerID, code string) (tenants.Offer, tenants.Package, error) {
	unknown := invalid(errs.FieldError{Field: "package", Code: CodePackageUnknown})
	if offerID == "" || code == "" {
		return tenants.Offer{}, tenants.Package{}, unknown
	}
	offer, ok, err := s.catalog.Offer(ctx, offerID)
	if err != nil {
		return tenants.Offer{}, tenants.Package{}, fmt.Errorf("orders: catalog: %w", err)
	}
	if !ok {
		return tenants.Offer{}, tenants.Package{}, unknown
	}
	pkg, ok := findPackage(offer, code)
	if !ok {
		return tenants.Offer{}, tenants.Package{}, unknown
	}
	return offer, pkg, nil
}

// place writes the order in one transaction: the promo row is locked, its
// limits checked against what is committed, the order inserted and the use
// counted by a guarded UPDATE, so concurrent orders can never use a promo
// more often than its limits allow (test: 20 orders race for 5 uses).
func (s *Service) place(ctx context.Context, tenantID string, c checkout, offer tenants.Offer, pkg tenants.Package) (Order, error) {
	loc := s.location(tenantID)
	var out Order
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		now := s.now()
		var (
			promo *Promo
			usage PromoUsage
		)
		if c.promoKey != "" {
			p, err := s.store.PromoByCode(ctx, c.promoKey, true)
			if errors.Is(err, ErrPromoNotFound) {
				q, err := unknownPromo(offer, pkg, now.In(loc))
				if err != nil {
					return err
				}
				return q.RefusalError()
			}
			if err != nil {
				return err
			}
			if usage.Customer, err = s.store.CustomerUses(ctx, p.ID, c.phone); err != nil {
				return err
			}
			promo = &p
		}
		q, err := Price(offer, pkg, promo, now.In(loc), usage)
		if err != nil {
			return err
		}
		if err := q.RefusalError(); err != nil {
			return err
		}
		o, err := s.newOrder(ctx, c, q, pkg, promo, now, loc)
		if err != nil {
			return err
		}
		if err := s.store.CreateOrder(ctx, o); err != nil {
			return err
		}
		if promo != nil {
			ok, err := s.store.UsePromo(ctx, PromoUse{PromoID: promo.ID, OrderID: o.ID, Customer: o.Phone, At: now})
			if err != nil {
				return err
			}
			if !ok {
				return Quote{Refusal: RefusalExhausted}.RefusalError()
			}
		}
		eventID, err := newID()
		if err != nil {
			return err
		}
		if err := s.store.RecordEvent(ctx, OrderEvent{ID: eventID, OrderID: o.ID, Event: EventPlaced, To: StatusCreated, At: now}); err != nil {
			return err
		}
		out = o
		return nil
	})
	if err != nil {
		return Order{}, err
	}
	return out, nil
}

// maxNumberDraws bounds the draws of a free order number.
const maxNumberDraws = 10

// newOrder builds the order row of a priced checkout.
func (s *Service) newOrder(ctx context.Context, c checkout, q Quote, pkg tenants.Package, promo *Promo, now time.Time, loc *time.Location) (Order, error) {
	id, err := newID()
	if err != nil {
		return Order{}, err
	}
	var number string
	for i := 0; ; i++ {
		if i == maxNumberDraws {
			return Order{}, fmt.Errorf("orders: no free order number in %d draws", maxNumberDraws)
		}
		if number, err = newNumber(now, loc); err != nil {
			return Order{}, err
		}
		taken, err := s.store.NumberTaken(ctx, number)
		if err != nil {
			return Order{}, err
		}
		if !taken {
			break
		}
	}
	o := Order{
		ID: id, Number: number, OfferID: q.OfferID, PackageCode: q.PackageCode, PackageTitle: q.PackageTitle, Package: pkg,
		ListPrice: q.List, Discount: q.Discount, Total: q.Total, Currency: q.Currency,
		FirstName: c.in.FirstName, Surname: c.in.Surname, Phone: c.phone, ReceiptEmail: c.email, UserID: c.in.UserID,
		ConsentAt: now, ConsentDocs: c.consentDocs, Status: StatusCreated,
		IdempotencyKey: c.in.IdempotencyKey, RequestHash: c.hash, CreatedAt: now, UpdatedAt: now,
	}
	if promo != nil {
		o.PromoID, o.PromoCode = promo.ID, promo.Code
	}
	return o, nil
}
