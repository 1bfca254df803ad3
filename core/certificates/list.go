package certificates

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
)

// Page sizes of List: a page is small by default and bounded, so one call
// can neither hold the database nor build an answer of unbounded size.
const (
	DefaultListLimit = 50
	MaxListLimit     = 500
)

// ListFilter selects the tenant's certificates for a list, such as the
// partner's list of the certificates it issued (003 and 004, 3.1.1). Empty
// fields select everything.
type ListFilter struct {
	Source Source // SourcePartner, SourceOrder, or "" for both
	// IssuedFrom (inclusive) and IssuedTo (exclusive) bound the issue
	// instant; zero is open.
	IssuedFrom, IssuedTo time.Time
	PackageCode          string
	// State is the state now: a not_started certificate (paid today,
	// served from tomorrow, 6.1) is not active yet.
	State State
	// Phone is the holder's phone as a person would type it; it is
	// normalised by the tenant's region.
	Phone      string
	ExternalID string
	// After is Page.Next of the previous page; "" starts at the newest.
	After string
	// Limit is the page size, 1 to MaxListLimit; 0 means DefaultListLimit.
	Limit int
}

// Page is one page of a list, newest first.
type Page struct {
	Items []Summary
	// Next continues the list after the last item, or "" when there is
	// nothing more.
	Next string
}

// ListQuery is a ListFilter as the store runs it: checked, with the phone
// in E.164, the state evaluated at Now and the cursor decoded.
type ListQuery struct {
	Source                         Source
	IssuedFrom, IssuedTo           time.Time
	PackageCode, Phone, ExternalID string
	State                          State
	Now                            time.Time
	After                          *Cursor
	Limit                          int
}

// Cursor is where a page ends: lists run newest first by (IssuedAt, ID),
// which is unique and does not move when certificates are added, so pages
// neither repeat nor skip rows (unlike an offset).
type Cursor struct {
	IssuedAt time.Time
	ID       string
}

// String encodes the cursor for a client, which must treat it as opaque.
func (c Cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.IssuedAt.UnixMicro(), 10) + "." + c.ID))
}

// maxCursorLen bounds an encoded cursor before it is decoded: a real one
// is about 75 characters.
const maxCursorLen = 200

// ParseCursor decodes a cursor made by Cursor.String; anything else is
// ErrListInvalid for the field "cursor". It is outside input (SECURITY.md
// 23), so it is fuzzed.
func ParseCursor(s string) (Cursor, error) {
	bad := errs.Invalid(CodeListInvalid, errs.FieldError{Field: "cursor", Code: CodeFieldInvalid})
	if s == "" || len(s) > maxCursorLen {
		return Cursor{}, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	micros, id, ok := strings.Cut(string(b), ".")
	if !ok || id == "" || !printable(id) || len(id) > 64 {
		return Cursor{}, bad
	}
	us, err := strconv.ParseInt(micros, 10, 64)
	if err != nil || us < 0 {
		return Cursor{}, bad
	}
	return Cursor{IssuedAt: time.UnixMicro(us).UTC(), ID: id}, nil
}

// List returns a page of the tenant's certificates matching f, newest
// first, each with its state now, what is left of it and the days left.
// Invalid filters are ErrListInvalid with the fields.
func (s *Service) List(ctx context.Context, f ListFilter) (Page, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Page{}, err
	}
	now := s.now()
	q, err := listQuery(f, now, s.region(tenantID))
	if err != nil {
		return Page{}, err
	}
	// One row more than asked tells whether another page follows.
	want := q.Limit
	q.Limit++
	certs, err := s.store.ListCertificates(ctx, q)
	if err != nil {
		return Page{}, err
	}
	p := Page{Items: make([]Summary, 0, min(len(certs), want))}
	for i, c := range certs {
		if i == want {
			last := certs[want-1]
			p.Next = Cursor{IssuedAt: last.IssuedAt, ID: last.ID}.String()
			break
		}
		p.Items = append(p.Items, Summary{Certificate: c, Remaining: c.Remaining(), DaysLeft: c.Term.DaysLeft(now),
			State: c.StateAt(now)})
	}
	return p, nil
}

// listQuery checks f and turns it into the store's query.
func listQuery(f ListFilter, now time.Time, region string) (ListQuery, error) {
	var fields []errs.FieldError
	bad := func(field string) { fields = append(fields, errs.FieldError{Field: field, Code: CodeFieldInvalid}) }
	q := ListQuery{Source: f.Source, IssuedFrom: f.IssuedFrom.UTC(), IssuedTo: f.IssuedTo.UTC(),
		PackageCode: strings.TrimSpace(f.PackageCode), ExternalID: strings.TrimSpace(f.ExternalID), State: f.State,
		Now: now, Limit: f.Limit}
	switch f.Source {
	case "", SourceOrder, SourcePartner:
	default:
		bad("source")
	}
	switch f.State {
	case "", StateNotStarted, StateActive, StateExpired, StateUsedUp:
	default:
		bad("state")
	}
	if !f.IssuedFrom.IsZero() && !f.IssuedTo.IsZero() && !f.IssuedFrom.Before(f.IssuedTo) {
		bad("issued_to")
	}
	if len(q.PackageCode) > maxTextLen || !printable(q.PackageCode) {
		bad("package_code")
	}
	if len(q.ExternalID) > maxTextLen || !printable(q.ExternalID) {
		bad("external_id")
	}
	if p := strings.TrimSpace(f.Phone); p != "" {
		e164, err := auth.NormalizePhone(p, region)
		if err != nil {
			bad("phone")
		}
		q.Phone = e164
	}
	switch {
	case f.Limit == 0:
		q.Limit = DefaultListLimit
	case f.Limit < 0 || f.Limit > MaxListLimit:
		bad("limit")
	}
	if f.After != "" {
		c, err := ParseCursor(f.After)
		if err != nil {
			bad("cursor")
		}
		q.After = &c
	}
	if len(fields) > 0 {
		return ListQuery{}, errs.Invalid(CodeListInvalid, fields...)
	}
	return q, nil
}

// BySource returns the certificate issued for (source, key), or
// ErrNotFound. The partner API uses it to answer a replayed request with
// the certificate the first one made: the replay asks again for exactly
// what the first asked, the time of the sale included (SECURITY.md 16).
func (s *Service) BySource(ctx context.Context, source Source, key string) (Certificate, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return Certificate{}, err
	}
	c, _, err := s.store.CertificateBySource(ctx, source, key)
	return c, err
}
