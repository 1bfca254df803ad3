package partners

import (
	"context"
	"strings"
	"time"

	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
)

// ExportLimit bounds one CSV export: a month of a partner's sales fits,
// and a bigger one continues from the cursor the export returns.
const ExportLimit = 10_000

// ListRequest filters the partner's certificates as its request gives
// them. Empty fields select everything.
type ListRequest struct {
	// IssuedFrom and IssuedTo are calendar days, YYYY-MM-DD, in the
	// tenant's zone; both are included.
	IssuedFrom, IssuedTo string
	PackageCode          string
	State                string // not_started, active, expired or used_up
	Phone                string // as typed; normalised by the tenant's region
	ExternalID           string
	Cursor               string // Page.Next of the previous page
	Limit                int    // 0 means the default page (or the whole export)
}

// Certificates returns a page of the certificates the tenant's partner
// integrations issued (source partner), newest first; timezone is the
// tenant's, for the days of the filter. Invalid filters are
// certificates.ErrListInvalid with the fields.
func (s *Service) Certificates(ctx context.Context, timezone string, r ListRequest) (certificates.Page, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return certificates.Page{}, err
	}
	f, err := s.listFilter(timezone, r)
	if err != nil {
		return certificates.Page{}, err
	}
	return s.certs.List(ctx, f)
}

// Export returns up to r.Limit (at most ExportLimit; 0 is ExportLimit) of
// the certificates Certificates would list, read a page at a time. Next is
// set when more remain.
func (s *Service) Export(ctx context.Context, timezone string, r ListRequest) (certificates.Page, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return certificates.Page{}, err
	}
	limit := r.Limit
	if limit == 0 {
		limit = ExportLimit
	}
	if limit < 0 || limit > ExportLimit {
		return certificates.Page{}, errs.Invalid(certificates.CodeListInvalid,
			errs.FieldError{Field: "limit", Code: certificates.CodeFieldInvalid})
	}
	f, err := s.listFilter(timezone, r)
	if err != nil {
		return certificates.Page{}, err
	}
	out := certificates.Page{Items: []certificates.Summary{}}
	for {
		f.Limit = min(certificates.MaxListLimit, limit-len(out.Items))
		p, err := s.certs.List(ctx, f)
		if err != nil {
			return certificates.Page{}, err
		}
		out.Items = append(out.Items, p.Items...)
		out.Next = p.Next
		if p.Next == "" || len(out.Items) >= limit {
			return out, nil
		}
		f.After = p.Next
	}
}

// listFilter turns a request into the certificates' filter: partner
// certificates only, the days as instants of the tenant's zone.
func (s *Service) listFilter(timezone string, r ListRequest) (certificates.ListFilter, error) {
	zone := s.zone(timezone)
	f := certificates.ListFilter{Source: certificates.SourcePartner, PackageCode: r.PackageCode,
		State: certificates.State(r.State), Phone: r.Phone, ExternalID: r.ExternalID, After: r.Cursor, Limit: r.Limit}
	var fields []errs.FieldError
	day := func(field, v string, next bool) time.Time {
		v = strings.TrimSpace(v)
		if v == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation(time.DateOnly, v, zone)
		if err != nil {
			fields = append(fields, errs.FieldError{Field: field, Code: certificates.CodeFieldInvalid})
			return time.Time{}
		}
		if next {
			// The last day is included: the bound is the next midnight.
			d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, zone)
		}
		return d
	}
	f.IssuedFrom = day("issued_from", r.IssuedFrom, false)
	f.IssuedTo = day("issued_to", r.IssuedTo, true)
	if len(fields) > 0 {
		return certificates.ListFilter{}, errs.Invalid(certificates.CodeListInvalid, fields...)
	}
	return f, nil
}
