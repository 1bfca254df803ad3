package orders

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
)

// PromoInput is a new promo code, as a tenant admin defines it.
type PromoInput struct {
	Code string // 3–32 letters, digits, '-' or '_'; unique in the tenant in any case
	// Exactly one of Percent (1–100) and Amount (kopecks) is set.
	Percent  int
	Amount   int64
	Currency string // of Amount; "" means RUB
	// ValidFrom and ValidUntil are inclusive dates (YYYY-MM-DD) in the
	// tenant's zone; "" leaves that end open.
	ValidFrom  string
	ValidUntil string
	// TotalLimit and PerCustomerLimit cap the uses; 0 means no cap.
	TotalLimit       int
	PerCustomerLimit int
	// Targets restrict the code to offers or packages of the tenant.
	Targets []PromoTarget
}

// currencyCode is an ISO 4217 code.
var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// maxPromoTargets bounds a promo's restriction list.
const maxPromoTargets = 100

// CreatePromo adds a promo code to the tenant. Errors: ErrPromoInvalid with
// a field error per problem (code, discount, percent, amount, currency,
// valid_from, valid_until, total_limit, per_customer_limit, targets);
// ErrPromoCodeTaken when the tenant has the code already, disabled or not.
// Who may call it (tenant_admin) is the caller's check.
func (s *Service) CreatePromo(ctx context.Context, in PromoInput) (Promo, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return Promo{}, err
	}
	p, problems, err := s.newPromo(ctx, in)
	if err != nil {
		return Promo{}, err
	}
	if len(problems) > 0 {
		return Promo{}, &errs.Error{Kind: errs.KindInvalid, Code: CodePromoInvalid, Fields: problems}
	}
	if err := s.store.CreatePromo(ctx, p); err != nil {
		return Promo{}, err
	}
	return p, nil
}

// newPromo validates in and builds the promo.
func (s *Service) newPromo(ctx context.Context, in PromoInput) (Promo, problems, error) {
	var bad problems
	p := Promo{
		Code: strings.TrimSpace(in.Code), ValidFrom: strings.TrimSpace(in.ValidFrom), ValidUntil: strings.TrimSpace(in.ValidUntil),
		TotalLimit: in.TotalLimit, PerCustomerLimit: in.PerCustomerLimit, Targets: in.Targets,
	}
	if PromoKey(p.Code) == "" {
		bad.add("code", CodePromoCodeFormat, map[string]any{"Max": maxPromoCodeLen})
	}
	switch {
	case (in.Percent != 0) == (in.Amount != 0) || in.Amount < 0:
		bad.add("discount", CodePromoDiscountInvalid, nil)
	case in.Percent != 0:
		p.Kind, p.Percent = PromoPercent, in.Percent
		if in.Percent < 1 || in.Percent > 100 {
			bad.add("percent", CodePromoPercentRange, map[string]any{"Min": 1, "Max": 100})
		}
	default:
		p.Kind, p.Amount, p.Currency = PromoFixed, in.Amount, in.Currency
		if p.Currency == "" {
			p.Currency = "RUB"
		}
		if !currencyCode.MatchString(p.Currency) {
			bad.add("currency", CodePromoCurrencyInvalid, nil)
		}
	}
	dates := true
	for field, d := range map[string]string{"valid_from": p.ValidFrom, "valid_until": p.ValidUntil} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			bad.add(field, CodePromoDateInvalid, nil)
			dates = false
		}
	}
	if dates && p.ValidFrom != "" && p.ValidUntil != "" && p.ValidUntil < p.ValidFrom {
		bad.add("valid_until", CodePromoDatesOrder, nil)
	}
	if p.TotalLimit < 0 {
		bad.add("total_limit", CodePromoLimitInvalid, nil)
	}
	if p.PerCustomerLimit < 0 {
		bad.add("per_customer_limit", CodePromoLimitInvalid, nil)
	}
	if ok, err := s.targetsExist(ctx, p.Targets); err != nil {
		return Promo{}, nil, err
	} else if !ok {
		bad.add("targets", CodePromoTargetUnknown, nil)
	}
	id, err := newID()
	if err != nil {
		return Promo{}, nil, err
	}
	p.ID, p.CreatedAt = id, s.now()
	return p, bad, nil
}

// targetsExist reports whether every target names a live offer (and
// package) of the tenant.
func (s *Service) targetsExist(ctx context.Context, targets []PromoTarget) (bool, error) {
	if len(targets) > maxPromoTargets {
		return false, nil
	}
	for _, t := range targets {
		offer, ok, err := s.catalog.Offer(ctx, t.OfferID)
		if err != nil || !ok {
			return false, err
		}
		if _, ok := findPackage(offer, t.PackageCode); t.PackageCode != "" && !ok {
			return false, nil
		}
	}
	return true, nil
}

// Promos lists the tenant's promo codes, newest first, with their uses.
func (s *Service) Promos(ctx context.Context) ([]Promo, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return nil, err
	}
	return s.store.Promos(ctx)
}

// DisablePromo stops a promo code from applying to new orders (it then
// answers as unknown); orders placed with it keep their discount.
// Disabling twice changes nothing. ErrPromoNotFound when there is none.
func (s *Service) DisablePromo(ctx context.Context, id string) (Promo, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return Promo{}, err
	}
	if err := s.store.DisablePromo(ctx, id, s.now()); err != nil {
		return Promo{}, err
	}
	return s.store.Promo(ctx, id)
}
