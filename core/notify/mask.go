package notify

import (
	"strings"
	"unicode"
)

// MaskRecipient shortens a recipient for logs (SECURITY.md 22: no personal
// data in logs) while keeping enough to tell two apart in an incident:
// "+79991234567" → "+7********67", "ivan.petrov@mail.ru" → "i***@m***.ru".
// Anything else (a cabinet user id, which is pseudonymous) is returned
// unchanged.
func MaskRecipient(to string) string {
	to = strings.TrimSpace(to)
	if at := strings.LastIndexByte(to, '@'); at >= 0 {
		return maskEmail(to[:at], to[at+1:])
	}
	if isPhoneLike(to) {
		return maskPhone(to)
	}
	return to
}

func maskEmail(local, domain string) string {
	first := func(s string) string {
		for _, r := range s {
			return string(r)
		}
		return ""
	}
	host, tld := domain, ""
	if dot := strings.LastIndexByte(domain, '.'); dot > 0 {
		host, tld = domain[:dot], domain[dot:]
	}
	return first(local) + "***@" + first(host) + "***" + tld
}

func maskPhone(p string) string {
	digits := onlyDigits(p)
	if len(digits) < 6 {
		return "***"
	}
	// The country code's first digit and the last two: the rest is the
	// subscriber, which is what identifies a person.
	plus := ""
	if strings.HasPrefix(p, "+") {
		plus = "+"
	}
	return plus + digits[:1] + strings.Repeat("*", len(digits)-3) + digits[len(digits)-2:]
}

// RecipientKey normalises a recipient for lookups by people who type it
// in different shapes: a phone becomes its digits ("+7 (999) 123-45-67" →
// "79991234567"), an e-mail address is lower-cased, anything else is only
// trimmed. The dev outbox stores and searches by this key.
func RecipientKey(to string) string {
	to = strings.TrimSpace(to)
	switch {
	case strings.Contains(to, "@"):
		return strings.ToLower(to)
	case isPhoneLike(to):
		return onlyDigits(to)
	default:
		return to
	}
}

// isPhoneLike reports whether s is written only with what people use in
// phone numbers and holds at least one digit.
func isPhoneLike(s string) bool {
	hasDigit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			hasDigit = true
		case r == '+' || r == '(' || r == ')' || r == '-' || r == ' ' || r == '.':
		default:
			return false
		}
	}
	return hasDigit
}

func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// redact removes from an error text what must not reach a log: the
// recipient in every shape a provider may echo it (as given, lower-cased,
// digits only), and the body of a sensitive message. Provider errors quote
// addresses ("550 <ivan@…>: no such user") and, rarely, content.
func redact(text string, m Message) string {
	masked := MaskRecipient(m.To)
	shapes := []string{m.To, strings.ToLower(m.To)}
	if isPhoneLike(m.To) {
		shapes = append(shapes, onlyDigits(m.To))
	}
	for _, s := range shapes {
		if len(s) >= 4 && !allSpace(s) {
			text = strings.ReplaceAll(text, s, masked)
		}
	}
	if m.Sensitive {
		for _, s := range []string{m.Text, m.HTML, m.Subject} {
			if strings.TrimSpace(s) != "" {
				text = strings.ReplaceAll(text, s, "[redacted]")
			}
		}
	}
	return text
}

func allSpace(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !unicode.IsSpace(r) }) < 0
}
