package certificates

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants"
)

// IssueInput is a certificate to issue for a paid order or a partner's
// sale. The package is given as sold — the order's snapshot of it, or the
// tenant's live package that the partner API looked up by code — never as
// a client sent it (SECURITY.md 11: quotas and prices in a body are
// ignored); the database checks that (OfferID, Package.Code) is a package
// of the tenant.
type IssueInput struct {
	OfferID   string
	Package   tenants.Package // Code, Title, Term and Quotas are used
	Currency  string          // ISO 4217
	PricePaid int64           // kopecks actually paid (offers: the price is set per certificate, annex 1 item 2)
	PaidAt    time.Time       // the payment: the contract's date (3.2) and the term's anchor (3.4, 6.1)
	Zone      *time.Location  // the tenant's zone; nil means Moscow
	Source    Source
	SourceKey string // the order id, or the partner's Idempotency-Key
	Holder    Holder // whom to deliver to; UserID binds it to the buyer's own account
	// ExternalID is the partner's own reference for the sale (its order or
	// contract number), kept for its reconciliation; "" for orders.
	ExternalID string
	// Brand, BaseURL and Locale write the messages.
	Brand, BaseURL, Locale string
}

// Limits of the input, generous for real data and small for the database.
const (
	maxKeyLen   = 200
	maxTextLen  = 200
	maxQuota    = 1000
	maxTermDays = 3660
	maxTermMon  = 120
	// paidAtSkew tolerates a payment provider's clock slightly ahead of ours.
	paidAtSkew = 5 * time.Minute
	// numberAttempts bounds the draws of a new number after collisions,
	// which happen with probability 2⁻⁶⁰ per pair.
	numberAttempts = 4
)

var (
	currencyRe    = regexp.MustCompile(`^[A-Z]{3}$`)
	serviceKindRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
)

// Issue creates the certificate for a paid order or a partner's sale and
// delivers it — by SMS to the phone, by e-mail, and into the cabinet when
// the holder is a customer account (003 and 004, art. 1 «Сертификат …
// направляется … на … адрес электронной почты, либо номер телефона, либо в
// Личный кабинет») — through the outbox in the same transaction.
//
// It is idempotent on (Source, SourceKey): the same request again returns
// the certificate made the first time and created=false, sending nothing
// more, even when 20 arrive at once (SECURITY.md 16); the same key with a
// different request is ErrSourceKeyReused. Impossible input is
// ErrIssueInvalid with the fields. Called with a ctx that carries the
// caller's tenant transaction (the payment's), it joins it.
func (s *Service) Issue(ctx context.Context, in IssueInput) (Certificate, bool, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Certificate{}, false, err
	}
	now := s.now()
	in, err = normalizeIssue(in, now, s.region(tenantID))
	if err != nil {
		return Certificate{}, false, err
	}
	digest := issueDigest(in)
	start, end := Term(in.PaidAt, in.Package.Term, in.Zone)
	for attempt := 1; ; attempt++ {
		c, err := s.newCertificate(tenantID, in, Period{Start: start, End: end, Zone: in.Zone}, now)
		if err != nil {
			return Certificate{}, false, err
		}
		out, created, err := s.issue(ctx, c, in, digest, now)
		if errors.Is(err, ErrNumberTaken) && attempt < numberAttempts {
			continue
		}
		return out, created, err
	}
}

func (s *Service) newCertificate(tenantID string, in IssueInput, term Period, now time.Time) (Certificate, error) {
	id, err := newID()
	if err != nil {
		return Certificate{}, err
	}
	number, err := NewNumber(s.rand)
	if err != nil {
		return Certificate{}, errs.Internal(err)
	}
	c := Certificate{
		ID: id, TenantID: tenantID, Number: number, OfferID: in.OfferID,
		PackageCode: in.Package.Code, PackageTitle: in.Package.Title,
		Price: in.PricePaid, Currency: in.Currency, PaidAt: in.PaidAt, Term: term,
		Source: in.Source, SourceKey: in.SourceKey, Holder: in.Holder, ExternalID: in.ExternalID,
		IssuedAt: now, ReceivedAt: now,
	}
	kinds := make([]string, 0, len(in.Package.Quotas))
	for k := range in.Package.Quotas {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		c.Quotas = append(c.Quotas, Quota{ServiceKind: k, Quota: in.Package.Quotas[k]})
	}
	return c, nil
}

func (s *Service) issue(ctx context.Context, c Certificate, in IssueInput, digest string, now time.Time) (Certificate, bool, error) {
	out, created := c, false
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		ok, err := s.store.CreateCertificate(ctx, c, digest)
		if err != nil {
			return err
		}
		if !ok {
			existing, was, err := s.store.CertificateBySource(ctx, c.Source, c.SourceKey)
			if err != nil {
				return err
			}
			if was != digest {
				return ErrSourceKeyReused
			}
			out = existing
			return nil
		}
		created = true
		msgs, channels := s.issuedMessages(c, in)
		actor := ActorSystem
		if c.Source == SourcePartner {
			actor = ActorPartner
		}
		issued, err := event(c.ID, EventIssued, actor, "", now)
		if err != nil {
			return err
		}
		delivered, err := event(c.ID, EventDelivered, ActorSystem, "", now)
		if err != nil {
			return err
		}
		delivered.Detail = strings.Join(channels, ",")
		if err := s.store.AddEvents(ctx, issued, delivered); err != nil {
			return err
		}
		return s.store.Enqueue(ctx, now, msgs...)
	})
	if err != nil {
		return Certificate{}, false, err
	}
	return out, created, nil
}

// event makes a history entry with a new id.
func event(certificateID string, kind EventKind, actor Actor, userID string, at time.Time) (Event, error) {
	id, err := newID()
	if err != nil {
		return Event{}, err
	}
	return Event{ID: id, CertificateID: certificateID, Kind: kind, Actor: actor, ActorUserID: userID, At: at}, nil
}

// normalizeIssue checks in and returns it with the phone in E.164, the
// e-mail normalised, times in UTC to the microsecond and the zone set.
func normalizeIssue(in IssueInput, now time.Time, region string) (IssueInput, error) {
	var fields []errs.FieldError
	bad := func(field, code string) { fields = append(fields, errs.FieldError{Field: field, Code: code}) }
	text := func(field, v string, required bool) {
		switch {
		case v == "" && required:
			bad(field, CodeFieldRequired)
		case utf8.RuneCountInString(v) > maxTextLen || !printable(v):
			bad(field, CodeFieldInvalid)
		}
	}
	in.OfferID = strings.TrimSpace(in.OfferID)
	in.Package.Code = strings.TrimSpace(in.Package.Code)
	in.Package.Title = strings.TrimSpace(in.Package.Title)
	in.SourceKey = strings.TrimSpace(in.SourceKey)
	in.Holder.Name = strings.TrimSpace(in.Holder.Name)
	in.ExternalID = strings.TrimSpace(in.ExternalID)
	text("offer_id", in.OfferID, true)
	text("package.code", in.Package.Code, true)
	text("package.title", in.Package.Title, true)
	text("holder.name", in.Holder.Name, false)
	text("holder.user_id", in.Holder.UserID, false)
	text("external_id", in.ExternalID, false)
	if in.SourceKey == "" {
		bad("source_key", CodeFieldRequired)
	} else if len(in.SourceKey) > maxKeyLen || !printable(in.SourceKey) {
		bad("source_key", CodeFieldInvalid)
	}
	if in.Source != SourceOrder && in.Source != SourcePartner {
		bad("source", CodeFieldInvalid)
	}
	t := in.Package.Term
	if !(t.Days > 0 && t.Days <= maxTermDays && t.Months == 0 || t.Months > 0 && t.Months <= maxTermMon && t.Days == 0) {
		bad("package.term", CodeFieldInvalid)
	}
	if len(in.Package.Quotas) == 0 {
		bad("package.quotas", CodeFieldRequired)
	}
	for k, n := range in.Package.Quotas {
		if !serviceKindRe.MatchString(k) || n < 1 || n > maxQuota {
			bad("package.quotas", CodeFieldInvalid)
			break
		}
	}
	if !currencyRe.MatchString(in.Currency) {
		bad("currency", CodeFieldInvalid)
	}
	if in.PricePaid < 0 {
		bad("price_paid", CodeFieldInvalid)
	}
	switch {
	case in.PaidAt.IsZero():
		bad("paid_at", CodeFieldRequired)
	case in.PaidAt.After(now.Add(paidAtSkew)):
		bad("paid_at", CodeFieldInvalid)
	}
	if in.Holder.Phone != "" {
		p, err := auth.NormalizePhone(in.Holder.Phone, region)
		if err != nil {
			bad("holder.phone", CodeFieldInvalid)
		}
		in.Holder.Phone = p
	}
	if in.Holder.Email != "" {
		addr, _, err := auth.NormalizeEmail(in.Holder.Email)
		if err != nil {
			bad("holder.email", CodeFieldInvalid)
		}
		in.Holder.Email = addr
	}
	if in.Holder.Phone == "" && in.Holder.Email == "" {
		bad("holder", CodeNoContact)
	}
	if len(fields) > 0 {
		return in, errs.Invalid(CodeIssueInvalid, fields...)
	}
	if in.Zone == nil {
		in.Zone = clock.Moscow
	}
	in.PaidAt = in.PaidAt.UTC().Truncate(time.Microsecond)
	if in.Locale != "en" {
		in.Locale = "ru"
	}
	return in, nil
}

// printable reports whether s has no control characters.
func printable(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) < 0
}

// issueDigest fingerprints what makes a certificate the one requested:
// a replay with the same key must ask for exactly this.
func issueDigest(in IssueInput) string {
	b, _ := json.Marshal(struct {
		Offer, Code, Title string
		Term               tenants.Term
		Quotas             map[string]int // encoding/json sorts map keys
		Currency           string
		Price              int64
		PaidAt             time.Time
		Zone               string
		Holder             Holder
		// omitempty keeps the digests of certificates issued without one
		// (every order) what they were before the field existed.
		ExternalID string `json:",omitempty"`
	}{in.OfferID, in.Package.Code, in.Package.Title, in.Package.Term, in.Package.Quotas, in.Currency,
		in.PricePaid, in.PaidAt, in.Zone.String(), in.Holder, in.ExternalID})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
