package orders

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/platform/errs"
)

// Input limits.
const (
	maxNameLen      = 100 // characters, first name and surname (as the profile)
	maxPromoCodeLen = 32  // characters
	minPromoCodeLen = 3
	maxConsentDocs  = 16
	maxDocVersion   = 32
)

// docID is the shape of a tenants.LegalDoc ID.
var docID = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// idempotencyKey is what clients may send as an Idempotency-Key: a UUID or
// any other token of safe characters.
var idempotencyKey = regexp.MustCompile(`^[A-Za-z0-9_.:-]{8,128}$`)

// problems gathers the field errors of one request.
type problems []errs.FieldError

func (p *problems) add(field, code string, data map[string]any) {
	*p = append(*p, errs.FieldError{Field: field, Code: code, Data: data})
}

// name checks a required personal name and returns it trimmed.
func (p *problems) name(field, raw string) string {
	v := strings.TrimSpace(raw)
	switch {
	case v == "":
		p.add(field, CodeFieldRequired, nil)
	case !cleanText(v):
		p.add(field, CodeTextInvalid, nil)
	case utf8.RuneCountInString(v) > maxNameLen:
		p.add(field, CodeTooLong, map[string]any{"Max": maxNameLen})
	}
	return v
}

// phone returns the number in E.164, read with the tenant's region for
// numbers written without a country code. It is the accounts' own
// normalisation, so the phone an order keeps — the customer's key for promo
// limits — is the key a login by that phone has.
func (p *problems) phone(raw, region string) string {
	if strings.TrimSpace(raw) == "" {
		p.add("phone", CodeFieldRequired, nil)
		return ""
	}
	e164, err := auth.NormalizePhone(raw, region)
	if err != nil {
		p.add("phone", CodePhoneInvalid, nil)
		return ""
	}
	return e164
}

// email returns the receipt address as accounts store addresses, or ""
// when none was given (no receipt asked for).
func (p *problems) email(raw string) string {
	if strings.TrimSpace(raw) == "" {
		return ""
	}
	addr, _, err := auth.NormalizeEmail(raw)
	if err != nil {
		p.add("receipt_email", CodeEmailInvalid, nil)
		return ""
	}
	return addr
}

// consentDocs checks the accepted documents' shape; that the offer's own
// document is among them is checked once the offer is known.
func (p *problems) consentDocs(docs []DocVersion) []DocVersion {
	if len(docs) == 0 || len(docs) > maxConsentDocs {
		p.add("consent_docs", CodeConsentDocsInvalid, nil)
		return nil
	}
	seen := map[string]bool{}
	out := make([]DocVersion, 0, len(docs))
	for _, d := range docs {
		v := strings.TrimSpace(d.Version)
		if !docID.MatchString(d.ID) || seen[d.ID] || v == "" || len(v) > maxDocVersion || !cleanText(v) {
			p.add("consent_docs", CodeConsentDocsInvalid, nil)
			return nil
		}
		seen[d.ID] = true
		out = append(out, DocVersion{ID: d.ID, Version: v})
	}
	return out
}

// cleanText refuses invalid UTF-8 and control characters.
func cleanText(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0
}

// PromoKey normalises a promo code as typed: trimmed and upper-cased, since
// codes are case-insensitive (the checkout's «Промокод» field, seed 000
// «Купить», ④, and seed 002, fig. 26, ④). It returns ""
// for what cannot be a code (wrong length or characters), which then names
// no promo.
func PromoKey(raw string) string {
	v := strings.ToUpper(strings.TrimSpace(raw))
	n := utf8.RuneCountInString(v)
	if n < minPromoCodeLen || n > maxPromoCodeLen || !utf8.ValidString(v) {
		return ""
	}
	for _, r := range v {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' {
			return ""
		}
	}
	return v
}
