package orders

import (
	"fmt"
	"slices"
	"time"

	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/tenants"
)

// MinPayable is the least an order can cost after a discount: 1 ₽ (100
// kopecks). A discount is cut so that the total never falls below it, and
// a 100 % promo code therefore costs the customer 1 ₽.
//
// Why not free orders: every order then takes the one path that issues a
// certificate — a payment the provider confirmed and we re-fetched — so no
// promo code can mint certificates without a payment, and there is no
// second, payment-less path to secure and test. The provider also makes the
// fiscal receipt (54-FZ) for every sale, and YooKassa takes no payment
// below 1 ₽. A list price below 1 ₽ (never in the data) is not discounted.
const MinPayable int64 = 100

// PromoKind is how a promo code discounts.
type PromoKind string

const (
	PromoPercent PromoKind = "percent" // Percent % of the list price, rounded down to whole kopecks
	PromoFixed   PromoKind = "fixed"   // Amount kopecks off, in Currency
)

// Promo is a promo code of a tenant.
type Promo struct {
	ID       string
	Code     string // as the admin wrote it; customers may type it in any case
	Kind     PromoKind
	Percent  int    // 1–100 for PromoPercent
	Amount   int64  // kopecks for PromoFixed
	Currency string // of Amount (PromoFixed only)
	// ValidFrom and ValidUntil are inclusive calendar dates (YYYY-MM-DD) in
	// the tenant's zone; "" leaves that end open.
	ValidFrom  string
	ValidUntil string
	// TotalLimit caps the uses across all customers, PerCustomerLimit the
	// uses by one customer (one normalised phone); 0 means no cap.
	TotalLimit       int
	PerCustomerLimit int
	Used             int // uses counted now (orders not canceled or expired)
	// Targets restrict the code to some offers or packages; empty means
	// every package of every offer.
	Targets    []PromoTarget
	CreatedAt  time.Time
	DisabledAt *time.Time
}

// PromoTarget is an offer, or one package of it when PackageCode is set.
type PromoTarget struct {
	OfferID     string `json:"offer_id"`
	PackageCode string `json:"package_code,omitempty"`
}

// PromoUsage is what the limits are checked against.
type PromoUsage struct {
	// Customer counts the customer's uses of the promo that still hold
	// (their orders were not canceled or expired).
	Customer int
}

// Quote is the price of one package, with a promo code's effect.
type Quote struct {
	OfferID      string
	PackageCode  string
	PackageTitle string
	List         int64 // kopecks
	Discount     int64 // kopecks
	Total        int64 // kopecks: List − Discount, never below MinPayable unless List is
	Currency     string
	PromoCode    string // the code as typed by the customer, normalised; "" for none
	// Refusal is the code of the reason the promo code gives no discount
	// (Refusal… constants), with RefusalData for its text; "" when it
	// applies or there is none.
	Refusal     string
	RefusalData map[string]any
}

// RefusalError is the error placing an order with the quote's refused
// promo code answers, or nil when nothing was refused.
func (q Quote) RefusalError() error {
	if q.Refusal == "" {
		return nil
	}
	return &errs.Error{Kind: errs.KindInvalid, Code: q.Refusal, Data: q.RefusalData,
		Fields: []errs.FieldError{{Field: "promo_code", Code: q.Refusal, Data: q.RefusalData}}}
}

// Price computes what the customer pays for pkg of offer with promo
// (nil: no code typed) at now, which must be in the tenant's zone: a
// promo's validity dates are calendar dates there. It is pure: the caller
// loads the promo and the customer's usage.
//
// A package without a list price is priced per certificate (offers 003 and
// 004, annex 1, item 2: «Стоимость Пакетов услуг определяется
// индивидуально … и указывается в Сертификате») and cannot be bought on a
// site: ErrPackageNotForSale. A promo code that does not apply leaves the
// price whole and says why in Quote.Refusal; a code that names no promo
// at all is the caller's to refuse with RefusalUnknown.
func Price(offer tenants.Offer, pkg tenants.Package, promo *Promo, now time.Time, usage PromoUsage) (Quote, error) {
	if pkg.Price == nil {
		return Quote{}, ErrPackageNotForSale
	}
	if *pkg.Price <= 0 {
		return Quote{}, errs.Internal(fmt.Errorf("orders: package %s/%s has price %d", offer.ID, pkg.Code, *pkg.Price))
	}
	q := Quote{
		OfferID: offer.ID, PackageCode: pkg.Code, PackageTitle: pkg.Title,
		List: *pkg.Price, Total: *pkg.Price, Currency: offer.Currency,
	}
	if promo == nil {
		return q, nil
	}
	q.PromoCode = promo.Code
	if code, data := refusal(offer, pkg, promo, now, usage); code != "" {
		q.Refusal, q.RefusalData = code, data
		return q, nil
	}
	q.Discount = discount(promo, q.List)
	q.Total = q.List - q.Discount
	return q, nil
}

// refusal returns why promo does not apply, or "". The reasons are checked
// from the most definite to the most changeable: a code that is not valid
// today says so before it says it is for another package.
func refusal(offer tenants.Offer, pkg tenants.Package, promo *Promo, now time.Time, usage PromoUsage) (string, map[string]any) {
	today := now.Format(time.DateOnly)
	switch {
	case promo.DisabledAt != nil:
		// A disabled code answers like one that never existed.
		return RefusalUnknown, nil
	case promo.ValidFrom != "" && today < promo.ValidFrom:
		return RefusalNotStarted, map[string]any{"From": displayDate(promo.ValidFrom)}
	case promo.ValidUntil != "" && today > promo.ValidUntil:
		return RefusalExpired, map[string]any{"Until": displayDate(promo.ValidUntil)}
	case !promo.appliesTo(offer, pkg):
		return RefusalNotApplicable, nil
	case promo.TotalLimit > 0 && promo.Used >= promo.TotalLimit:
		return RefusalExhausted, nil
	case promo.PerCustomerLimit > 0 && usage.Customer >= promo.PerCustomerLimit:
		return RefusalCustomerLimit, map[string]any{"Limit": promo.PerCustomerLimit}
	}
	return "", nil
}

// appliesTo reports whether the promo may discount pkg of offer.
func (p *Promo) appliesTo(offer tenants.Offer, pkg tenants.Package) bool {
	if p.Kind == PromoFixed && p.Currency != offer.Currency {
		return false
	}
	if len(p.Targets) == 0 {
		return true
	}
	return slices.ContainsFunc(p.Targets, func(t PromoTarget) bool {
		return t.OfferID == offer.ID && (t.PackageCode == "" || t.PackageCode == pkg.Code)
	})
}

// discount is the promo's discount on list, cut so that the total stays at
// MinPayable or above.
func discount(p *Promo, list int64) int64 {
	var d int64
	switch p.Kind {
	case PromoPercent:
		d = percentOf(list, int64(p.Percent))
	case PromoFixed:
		d = min(p.Amount, list)
	}
	return max(0, min(d, list-MinPayable))
}

// percentOf is ⌊list × pct / 100⌋ without overflow for any int64 list:
// list = 100·q + r, so list × pct / 100 = q·pct + r·pct / 100.
func percentOf(list, pct int64) int64 {
	q, r := list/100, list%100
	return q*pct + r*pct/100
}

// displayDate writes a YYYY-MM-DD date as DD.MM.YYYY, the way the seeds
// print dates («от 27.07.2006»).
func displayDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("02.01.2006")
}
