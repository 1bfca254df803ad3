package partners

import (
	"context"
	"errors"
	"strings"

	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants"
)

// MaxIdempotencyKey bounds an Idempotency-Key: enough for a UUID or an
// order number with a prefix, small enough for the certificate's source key.
const MaxIdempotencyKey = 128

// MaxPricePaid is the highest price a partner may report, in kopecks
// (1 000 000 ₽): the packages cost thousands of roubles, so anything above
// is a mistake of units, not a sale.
const MaxPricePaid = 100_000_000

// Issue issues the certificate of a partner's sale through key, and
// delivers it to the holder by SMS and e-mail through the outbox
// (003 and 004, art. 1 «Сертификат … направляется … на … адрес
// электронной почты, либо номер телефона»).
//
// It is idempotent on idempotencyKey, per API key (SECURITY.md 16): the
// same key with the same sale returns the certificate the first call made
// and created=false, sending nothing more, even when many arrive at once;
// the same key with another sale is ErrIdempotencyKeyReused. The package
// is the site's live package with the sale's code: its quotas, term and
// title are never the partner's to say (SECURITY.md 11). The certificate
// is dated now, the moment of the sale (3.2), and its term runs from the
// next day (3.4, 6.1).
func (s *Service) Issue(ctx context.Context, key Key, idempotencyKey string, sale Sale, site Site) (certificates.Certificate, bool, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return certificates.Certificate{}, false, err
	}
	if key.TenantID != tenantID || key.ID == "" {
		// A key is verified in the request's tenant; anything else is a
		// wiring fault, never a sale for another tenant.
		return certificates.Certificate{}, false, ErrKeyInvalid
	}
	if err := checkIdempotencyKey(idempotencyKey); err != nil {
		return certificates.Certificate{}, false, err
	}
	offer, pkg, err := s.findPackage(ctx, sale, site)
	if err != nil {
		return certificates.Certificate{}, false, err
	}
	price, err := pricePaid(sale, pkg)
	if err != nil {
		return certificates.Certificate{}, false, err
	}
	in := certificates.IssueInput{
		OfferID: offer.ID, Package: pkg, Currency: offer.Currency, PricePaid: price, PaidAt: s.now(),
		Zone: s.zone(site.Timezone), Source: certificates.SourcePartner,
		// Scoped to the API key: two integrations of one partner cannot
		// collide on each other's keys.
		SourceKey:  key.ID + ":" + idempotencyKey,
		Holder:     certificates.Holder{Phone: sale.Phone, Email: sale.Email, Name: sale.Name},
		ExternalID: sale.ExternalID,
		Brand:      site.Brand, BaseURL: site.BaseURL, Locale: site.Locale,
	}
	c, created, err := s.certs.Issue(ctx, in)
	if errors.Is(err, certificates.ErrSourceKeyReused) {
		// A replay arrives later than the first call, so its sale time
		// differs; asked again with the first one's, the same sale is the
		// same request, and only another sale stays refused.
		first, ferr := s.certs.BySource(ctx, certificates.SourcePartner, in.SourceKey)
		if ferr != nil {
			return certificates.Certificate{}, false, ferr
		}
		if !first.PaidAt.Equal(in.PaidAt) {
			in.PaidAt = first.PaidAt
			c, created, err = s.certs.Issue(ctx, in)
		}
	}
	switch {
	case errors.Is(err, certificates.ErrSourceKeyReused):
		return certificates.Certificate{}, false, ErrIdempotencyKeyReused
	case errors.Is(err, certificates.ErrIssueInvalid):
		return certificates.Certificate{}, false, saleFields(err)
	case err != nil:
		return certificates.Certificate{}, false, err
	}
	if created {
		s.log.InfoContext(ctx, "partners: certificate issued", "tenant", tenantID, "key", key.ID, "certificate", c.ID)
	}
	return c, created, nil
}

// checkIdempotencyKey accepts 1 to MaxIdempotencyKey printable ASCII
// characters: what an HTTP header carries without encoding.
func checkIdempotencyKey(k string) error {
	if k == "" {
		return ErrIdempotencyKeyRequired
	}
	if len(k) > MaxIdempotencyKey {
		return ErrIdempotencyKeyInvalid
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return ErrIdempotencyKeyInvalid
		}
	}
	return nil
}

// findPackage finds the live package with the sale's code among the
// site's offers (or in the one it names).
func (s *Service) findPackage(ctx context.Context, sale Sale, site Site) (tenants.Offer, tenants.Package, error) {
	code, offerID := strings.TrimSpace(sale.PackageCode), strings.TrimSpace(sale.OfferID)
	if code == "" {
		return tenants.Offer{}, tenants.Package{}, saleInvalid(errs.FieldError{Field: "package_code", Code: certificates.CodeFieldRequired})
	}
	ids := site.Offers
	if offerID != "" {
		ids = nil
		for _, id := range site.Offers {
			if id == offerID {
				ids = []string{id}
			}
		}
		if ids == nil {
			return tenants.Offer{}, tenants.Package{}, saleInvalid(errs.FieldError{Field: "offer_id", Code: CodePackageNotFound})
		}
	}
	offers, err := s.offers.Offers(ctx, ids...)
	if err != nil {
		return tenants.Offer{}, tenants.Package{}, err
	}
	var (
		found   []tenants.Offer
		pkg     tenants.Package
		inOffer = map[string]bool{}
	)
	for _, o := range offers {
		for _, p := range o.Packages {
			if p.Code == code && !inOffer[o.ID] {
				inOffer[o.ID] = true
				found, pkg = append(found, o), p
			}
		}
	}
	switch len(found) {
	case 0:
		return tenants.Offer{}, tenants.Package{}, saleInvalid(errs.FieldError{Field: "package_code", Code: CodePackageNotFound})
	case 1:
		return found[0], pkg, nil
	default:
		return tenants.Offer{}, tenants.Package{}, saleInvalid(errs.FieldError{Field: "offer_id", Code: CodePackageAmbiguous})
	}
}

// pricePaid is the sale's price, or the package's list price when the
// sale gives none.
func pricePaid(sale Sale, pkg tenants.Package) (int64, error) {
	switch {
	case sale.PricePaid == nil && pkg.Price == nil:
		return 0, saleInvalid(errs.FieldError{Field: "price_paid", Code: CodePriceRequired})
	case sale.PricePaid == nil:
		return *pkg.Price, nil
	case *sale.PricePaid < 0 || *sale.PricePaid > MaxPricePaid:
		return 0, saleInvalid(errs.FieldError{Field: "price_paid", Code: CodePriceInvalid})
	}
	return *sale.PricePaid, nil
}

// saleFields renames the fields of certificates.ErrIssueInvalid to the
// sale's, so the partner is told which of its fields is wrong.
func saleFields(err error) error {
	e := errs.As(err)
	names := map[string]string{"holder.phone": "phone", "holder.email": "email", "holder.name": "name",
		"holder": "phone", "external_id": "external_id", "price_paid": "price_paid"}
	out := make([]errs.FieldError, 0, len(e.Fields))
	for _, f := range e.Fields {
		name, ok := names[f.Field]
		if !ok {
			// Anything else comes from the tenant's own data (the
			// package, the currency), not from the partner: a fault of
			// ours.
			return errs.Internal(err)
		}
		f.Field = name
		out = append(out, f)
	}
	return saleInvalid(out...)
}
