package auth

import (
	"net/mail"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// maxPhoneInput bounds what is handed to the phone parser: a real number
// with spaces, dashes and a country code is far shorter.
const maxPhoneInput = 64

// maxEmailLen is the longest address SMTP can carry (RFC 5321 path limit).
const maxEmailLen = 254

// NormalizePhone parses a phone number as people type it ("8 (999)
// 123-45-67", "+7 999 1234567") with region as the default country, and
// returns it in E.164 ("+79991234567") or ErrPhoneInvalid. Numbers are
// stored in E.164 so that one phone is one key however it was typed
// (DEPENDENCIES.md: nyaruka/phonenumbers, region from the tenant).
func NormalizePhone(raw, region string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > maxPhoneInput {
		return "", ErrPhoneInvalid
	}
	if region == "" {
		region = "RU"
	}
	num, err := phonenumbers.Parse(raw, strings.ToUpper(region))
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", ErrPhoneInvalid
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// NormalizeEmail trims an address and lower-cases its domain, which is
// case-insensitive; the local part is kept as typed because, strictly, it
// is the mailbox's to interpret. It returns the address to store and to
// write to, and its key: the whole address lower-cased, which is how
// addresses are compared and kept unique (nobody registers "Ivan@" and
// "ivan@" as two people). Display names, comments, missing or dotless
// domains and whitespace are refused with ErrEmailInvalid.
func NormalizeEmail(raw string) (addr, key string, err error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > maxEmailLen || strings.IndexFunc(raw, unicode.IsSpace) >= 0 {
		return "", "", ErrEmailInvalid
	}
	parsed, perr := mail.ParseAddress(raw)
	if perr != nil || parsed.Name != "" || parsed.Address != raw {
		return "", "", ErrEmailInvalid
	}
	at := strings.LastIndexByte(raw, '@')
	local, domain := raw[:at], strings.ToLower(raw[at+1:])
	if local == "" || !validDomain(domain) {
		return "", "", ErrEmailInvalid
	}
	addr = local + "@" + domain
	return addr, strings.ToLower(addr), nil
}

// validDomain wants at least two non-empty labels that neither start nor
// end with a hyphen: "localhost" or "mail..ru" cannot receive our mail.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
		if strings.ContainsAny(l, "[]:") {
			return false // address literals ([127.0.0.1]) are not for customers
		}
	}
	return true
}
