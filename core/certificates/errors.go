package certificates

import (
	"errors"
	"time"

	"github.com/consult/platform/core/platform/errs"
)

// Error codes. Each is also the i18n id of its text
// (configs/locales/certificates.*.toml); the kind decides the HTTP status.
const (
	// CodeNotFound answers every number or certificate the caller may not
	// have: unknown, mistyped (wrong check symbol), another tenant's, bound
	// to another customer, transferred to another phone — alike, so that
	// neither the parser nor activation is an oracle (SECURITY.md 10).
	CodeNotFound = "certificates.not_found" // NotFound
	// CodeTooManyAttempts: too many failed activations from the account or
	// the address. Data {"RetryAfter": seconds, "Minutes": minutes}.
	CodeTooManyAttempts = "certificates.too_many_attempts" // TooMany
	// CodeTransferWindowClosed: the month of 003/004 3.10 is over. Data
	// {"Date": "YYYY-MM-DD"}, the last day on which it was open.
	CodeTransferWindowClosed = "certificates.transfer_window_closed" // Conflict
	// CodeTransferToSelf: the recipient's phone is the holder's own.
	CodeTransferToSelf = "certificates.transfer_to_self" // Invalid, field "phone"
	// CodeServiceInProgress: a reserved service is still open; the
	// certificate can be transferred only whole (3.10), after it ends.
	CodeServiceInProgress = "certificates.service_in_progress" // Conflict
	// CodeNotStarted: the term starts the day after payment (6.1). Data
	// {"Date": "YYYY-MM-DD"}, the first day.
	CodeNotStarted = "certificates.not_started" // Conflict
	// CodeExpired: the term is over (6.1, 004 3.4.1). Data {"Date":
	// "YYYY-MM-DD"}, the last day.
	CodeExpired = "certificates.expired" // Conflict
	// CodeQuotaExhausted: no unit of the service is left (5.3.4.3 / 5.3.5.3).
	CodeQuotaExhausted = "certificates.quota_exhausted" // Conflict
	// CodeServiceNotIncluded: the package has no such service.
	CodeServiceNotIncluded = "certificates.service_not_included" // Conflict
	// CodeReservationReleased: a released reservation cannot be written off.
	CodeReservationReleased = "certificates.reservation_released" // Conflict
	// CodeReservationUsed: a written-off reservation cannot be released.
	CodeReservationUsed = "certificates.reservation_used" // Conflict
	// CodeSourceKeyReused: the same order or partner idempotency key came
	// with a different certificate (SECURITY.md 16).
	CodeSourceKeyReused = "certificates.source_key_reused" // Conflict
	// CodeIssueInvalid: Issue was given an impossible certificate; Fields
	// say what.
	CodeIssueInvalid = "certificates.issue_invalid" // Invalid
	// CodePhoneInvalid: a transfer's recipient phone is not a phone.
	CodePhoneInvalid = "certificates.phone_invalid" // Invalid, field "phone"
	// CodeListInvalid: List was given an impossible filter; Fields say
	// which.
	CodeListInvalid = "certificates.list_invalid" // Invalid
)

// Field problem codes inside CodeIssueInvalid.
const (
	CodeFieldRequired = "certificates.field_required"
	CodeFieldInvalid  = "certificates.field_invalid"
	CodeNoContact     = "certificates.no_contact" // neither phone nor e-mail to deliver to
)

// Sentinels for errors.Is: errs.Error.Is compares kind and code, so an
// error carrying Data still matches.
var (
	ErrNotFound             = errs.E(errs.KindNotFound, CodeNotFound)
	ErrTooManyAttempts      = errs.E(errs.KindTooMany, CodeTooManyAttempts)
	ErrTransferWindowClosed = errs.E(errs.KindConflict, CodeTransferWindowClosed)
	ErrServiceInProgress    = errs.E(errs.KindConflict, CodeServiceInProgress)
	ErrNotStarted           = errs.E(errs.KindConflict, CodeNotStarted)
	ErrExpired              = errs.E(errs.KindConflict, CodeExpired)
	ErrQuotaExhausted       = errs.E(errs.KindConflict, CodeQuotaExhausted)
	ErrServiceNotIncluded   = errs.E(errs.KindConflict, CodeServiceNotIncluded)
	ErrReservationReleased  = errs.E(errs.KindConflict, CodeReservationReleased)
	ErrReservationUsed      = errs.E(errs.KindConflict, CodeReservationUsed)
	ErrSourceKeyReused      = errs.E(errs.KindConflict, CodeSourceKeyReused)
	ErrIssueInvalid         = errs.E(errs.KindInvalid, CodeIssueInvalid)
	ErrListInvalid          = errs.E(errs.KindInvalid, CodeListInvalid)
	ErrPhoneInvalid         = errs.Invalid(CodePhoneInvalid, errs.FieldError{Field: "phone", Code: CodePhoneInvalid})
	ErrTransferToSelf       = errs.Invalid(CodeTransferToSelf, errs.FieldError{Field: "phone", Code: CodeTransferToSelf})
)

// ErrNumberTaken is what Store.CreateCertificate returns when the new
// number collides with one the tenant already has (2⁻⁶⁰ per pair); Issue
// then draws another. It never reaches a client.
var ErrNumberTaken = errors.New("certificates: number taken")

// isoDate writes a calendar day for error data: unambiguous in every
// language, and the client formats it.
func isoDate(t time.Time) string { return t.Format(time.DateOnly) }

// tooMany carries the wait in whole seconds (the HTTP layer's Retry-After)
// and in whole minutes, rounded up, for the text.
func tooMany(wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	secs = max(secs, 1)
	return ErrTooManyAttempts.With(map[string]any{"RetryAfter": secs, "Minutes": (secs + 59) / 60})
}
