package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/platform/errs"
)

// Certificates is the part of the certificates service the API uses.
type Certificates interface {
	Activate(ctx context.Context, number string, user certificates.Customer, cl certificates.Client) (certificates.Certificate, error)
	Mine(ctx context.Context, userID string) (active, inactive []certificates.Summary, err error)
	Lookup(ctx context.Context, number string) (certificates.Details, error)
	Transfer(ctx context.Context, number string, from certificates.Customer, toPhone string, cl certificates.Client) (certificates.Certificate, error)
}

// Access decides casbin permissions (rbac.Enforcer).
type Access interface {
	Allowed(ctx context.Context, userID, tenantID, object, action string) (bool, error)
}

var errForbidden = errs.E(errs.KindForbidden, "rbac.forbidden")

// requirePermission lets through signed-in users whose roles on this site's
// tenant grant object/action (casbin, DESIGN.md "Access").
func (s *Server) requirePermission(object, action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := currentUser(c)
		if u == nil {
			return errUnauthenticated
		}
		if s.Access == nil {
			return errForbidden
		}
		ok, err := s.Access.Allowed(c.UserContext(), u.ID, site(c).Tenant.ID, object, action)
		if err != nil {
			return err
		}
		if !ok {
			return errForbidden
		}
		return c.Next()
	}
}

type quotaJSON struct {
	ServiceKind string `json:"service_kind"`
	Quota       int    `json:"quota"`
	Used        int    `json:"used"`
	Reserved    int    `json:"reserved"`
	Remaining   int    `json:"remaining"`
}

type certificateJSON struct {
	Number       string `json:"number"`
	OfferID      string `json:"offer_id"`
	PackageCode  string `json:"package_code"`
	PackageTitle string `json:"package_title"`
	FirstDay     string `json:"first_day"` // YYYY-MM-DD in the tenant's zone
	LastDay      string `json:"last_day"`  // the term ends at 24:00 of this day
	State        string `json:"state,omitempty"`
	DaysLeft     int    `json:"days_left"`
	Activated    bool   `json:"activated"`
	// TransferUntil is the last day the certificate may be given to
	// another person (offers 003/004, 3.10: one month from receipt).
	TransferUntil string      `json:"transfer_until"`
	Quotas        []quotaJSON `json:"quotas"`
}

func toCertificateJSON(c certificates.Certificate, state certificates.State, daysLeft int) certificateJSON {
	out := certificateJSON{Number: c.Number, OfferID: c.OfferID, PackageCode: c.PackageCode, PackageTitle: c.PackageTitle,
		FirstDay: c.Term.FirstDay().Format(time.DateOnly), LastDay: c.Term.LastDay().Format(time.DateOnly),
		State: string(state), DaysLeft: daysLeft, Activated: c.ActivatedAt != nil, Quotas: []quotaJSON{},
		TransferUntil: (certificates.Period{End: certificates.TransferDeadline(c.ReceivedAt, c.Term.Zone), Zone: c.Term.Zone}).
			LastDay().Format(time.DateOnly)}
	for _, q := range c.Quotas {
		out.Quotas = append(out.Quotas, quotaJSON{ServiceKind: q.ServiceKind, Quota: q.Quota, Used: q.Used,
			Reserved: q.Reserved, Remaining: q.Remaining()})
	}
	return out
}

// myCertificates is GET /api/v1/me/certificates: active ones with what is
// left per service and the days left, then expired or used-up ones.
func (s *Server) myCertificates(c *fiber.Ctx) error {
	active, inactive, err := s.Certificates.Mine(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	conv := func(list []certificates.Summary) []certificateJSON {
		out := make([]certificateJSON, 0, len(list))
		for _, sm := range list {
			out = append(out, toCertificateJSON(sm.Certificate, sm.State, sm.DaysLeft))
		}
		return out
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"active": conv(active), "inactive": conv(inactive)})
}

// activateCertificate binds a certificate, by its number, to the signed-in
// customer. A wrong, unknown or foreign number answers the same
// certificates.not_found; attempts are limited (issue 4).
func (s *Server) activateCertificate(c *fiber.Ctx) error {
	var in struct {
		Number string `json:"number"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u := currentUser(c)
	cl := s.client(c)
	cert, err := s.Certificates.Activate(c.UserContext(), in.Number, certificates.Customer{UserID: u.ID, Phone: u.Phone},
		certificates.Client{IP: cl.IP, Locale: cl.Locale, Brand: cl.Brand, BaseURL: cl.BaseURL})
	if err != nil {
		return rateLimited(c, err)
	}
	return c.JSON(toCertificateJSON(cert, "", 0))
}

// transferCertificate is POST /api/v1/me/certificates/{number}/transfer:
// the holder gives the whole certificate to the person with the phone,
// within a month of receipt (offers 003/004, 3.10–3.11); both are told.
func (s *Server) transferCertificate(c *fiber.Ctx) error {
	var in struct {
		Phone string `json:"phone"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u := currentUser(c)
	cl := s.client(c)
	cert, err := s.Certificates.Transfer(c.UserContext(), c.Params("number"), certificates.Customer{UserID: u.ID, Phone: u.Phone},
		in.Phone, certificates.Client{IP: cl.IP, Locale: cl.Locale, Brand: cl.Brand, BaseURL: cl.BaseURL})
	if err != nil {
		return err
	}
	return c.JSON(toCertificateJSON(cert, "", 0))
}

type eventJSON struct {
	Kind        string    `json:"kind"`
	Actor       string    `json:"actor"`
	ServiceKind string    `json:"service_kind,omitempty"`
	Detail      string    `json:"detail,omitempty"`
	At          time.Time `json:"at"`
}

// supportCertificate is GET /api/v1/support/certificates/{number}: the
// call-centre check of offer article 5.3.4 — holder, term, what is left and
// the history. Only roles that may read customers' data reach it.
func (s *Server) supportCertificate(c *fiber.Ctx) error {
	d, err := s.Certificates.Lookup(c.UserContext(), c.Params("number"))
	if err != nil {
		return err
	}
	events := make([]eventJSON, 0, len(d.Events))
	for _, e := range d.Events {
		events = append(events, eventJSON{Kind: string(e.Kind), Actor: string(e.Actor), ServiceKind: e.ServiceKind,
			Detail: e.Detail, At: e.At})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{
		"certificate": toCertificateJSON(d.Certificate, d.State, d.DaysLeft),
		"holder": fiber.Map{"name": d.Holder.Name, "phone": d.Holder.Phone, "email": d.Holder.Email,
			"has_account": d.Holder.UserID != ""},
		"history": events,
	})
}
