package catalog

import (
	"context"
	"slices"

	"github.com/consult/platform/tenants"
)

// Services returns the packages of the site's offers (f.OfferIDs) with
// their details, ordered by the details' SortOrder (packages without
// details count as 0), ties in the site's and the offers' own order.
// Packages of retired offers, or of offers the site does not sell, are
// not services of the site.
func (s *Service) Services(ctx context.Context, f ServiceFilter) ([]Offering, error) {
	out := []Offering{}
	if len(f.OfferIDs) == 0 {
		return out, nil
	}
	offers, err := s.offers.Offers(ctx, f.OfferIDs...)
	if err != nil {
		return nil, err
	}
	details, err := s.store.ServiceDetails(ctx)
	if err != nil {
		return nil, err
	}
	byRef := make(map[PackageRef]ServiceDetails, len(details))
	for _, d := range details {
		byRef[d.Ref()] = d
	}
	for _, o := range offers {
		for _, p := range o.Packages {
			ref := PackageRef{OfferID: o.ID, Code: p.Code}
			if f.Packages != nil && !slices.Contains(f.Packages, ref) {
				continue
			}
			d, ok := byRef[ref]
			if f.Featured && !d.Featured {
				continue
			}
			if !ok {
				d = ServiceDetails{OfferID: o.ID, PackageCode: p.Code}
			}
			out = append(out, Offering{OfferID: o.ID, OfferTitle: o.Title, Product: o.Product, Currency: o.Currency,
				Package: p, Details: d, HasDetails: ok})
		}
	}
	slices.SortStableFunc(out, func(a, b Offering) int { return a.Details.SortOrder - b.Details.SortOrder })
	return out, nil
}

// ServiceOf returns one package of the site's offers, or
// ErrServiceNotFound — also for a package another site of the tenant
// sells.
func (s *Service) ServiceOf(ctx context.Context, offerIDs []string, ref PackageRef) (Offering, error) {
	list, err := s.Services(ctx, ServiceFilter{OfferIDs: offerIDs, Packages: []PackageRef{ref}})
	if err != nil {
		return Offering{}, err
	}
	if len(list) == 0 {
		return Offering{}, ErrServiceNotFound
	}
	return list[0], nil
}

// PutServiceDetails writes the details of d's package, replacing earlier
// ones, and returns them as stored. The package must be a live one of the
// tenant's offers (ErrServiceNotFound); fields are checked as
// validateDetails says (Invalid CodeInvalid).
func (s *Service) PutServiceDetails(ctx context.Context, actor string, d ServiceDetails) (ServiceDetails, error) {
	d, err := validateDetails(d)
	if err != nil {
		return ServiceDetails{}, err
	}
	if ok, err := s.packageExists(ctx, d.Ref()); err != nil {
		return ServiceDetails{}, err
	} else if !ok {
		return ServiceDetails{}, ErrServiceNotFound
	}
	a, err := s.audit(actor, "update", "service", d.OfferID+"/"+d.PackageCode, d.PackageCode)
	if err != nil {
		return ServiceDetails{}, err
	}
	d.UpdatedAt = s.now()
	if err := s.store.PutServiceDetails(ctx, d, a); err != nil {
		return ServiceDetails{}, err
	}
	return d, nil
}

// DeleteServiceDetails removes the details of ref: the package is shown
// with its offer file's data only. ErrServiceNotFound when it has none.
func (s *Service) DeleteServiceDetails(ctx context.Context, actor string, ref PackageRef) error {
	a, err := s.audit(actor, "delete", "service", ref.OfferID+"/"+ref.Code, ref.Code)
	if err != nil {
		return err
	}
	return s.store.DeleteServiceDetails(ctx, ref, a)
}

// validateDetails checks and cleans what an admin wrote about a service.
func validateDetails(d ServiceDetails) (ServiceDetails, error) {
	var c checker
	d.Description = c.text("description", d.Description, false, MaxMarkdown)
	d.Formats = c.list("formats", d.Formats, MaxListItems, MaxShortText, tenants.DeliveryFormats())
	c.sortOrder("sort_order", d.SortOrder)
	return d, c.err()
}

// packageExists reports whether ref is a live package of the tenant.
func (s *Service) packageExists(ctx context.Context, ref PackageRef) (bool, error) {
	if ref.OfferID == "" || ref.Code == "" {
		return false, nil
	}
	offers, err := s.offers.Offers(ctx, ref.OfferID)
	if err != nil {
		return false, err
	}
	for _, o := range offers {
		for _, p := range o.Packages {
			if p.Code == ref.Code {
				return true, nil
			}
		}
	}
	return false, nil
}
