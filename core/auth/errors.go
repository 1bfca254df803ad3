package auth

import (
	"github.com/consult/platform/core/platform/errs"
)

// Error codes. Each is also the i18n id of its text
// (configs/locales/auth.*.toml); the kind decides the HTTP status.
const (
	CodePhoneInvalid       = "auth.phone_invalid"        // Invalid, field "phone"
	CodeEmailInvalid       = "auth.email_invalid"        // Invalid, field "email"
	CodeCodeInvalid        = "auth.code_invalid"         // Unauthorized, Data {"RequestNew": bool}
	CodeResendTooSoon      = "auth.resend_too_soon"      // TooMany, Data {"RetryAfter": seconds}
	CodeTooManyRequests    = "auth.too_many_requests"    // TooMany, Data {"RetryAfter": seconds}
	CodeSMSBudgetExhausted = "auth.sms_budget_exhausted" // Unavailable
	CodeCredentialsInvalid = "auth.credentials_invalid"  // Unauthorized
	CodePasswordInvalid    = "auth.password_invalid"     // Invalid, field "password"
	CodeResetTokenInvalid  = "auth.reset_token_invalid"  // Unauthorized
	CodeSessionInvalid     = "auth.session_invalid"      // Unauthorized
	CodeProfileInvalid     = "auth.profile_invalid"      // Invalid, with fields
	CodeEmailTaken         = "auth.email_taken"          // Conflict, field "email"
	CodePhoneTaken         = "auth.phone_taken"          // Conflict, field "phone"
	CodeNotFound           = "auth.not_found"            // NotFound
)

// Field problem codes, inside the Fields of an Invalid error.
const (
	CodePasswordTooShort  = "auth.password_too_short" // Data {"Min": n}
	CodePasswordTooLong   = "auth.password_too_long"  // Data {"Max": n}
	CodeCurrentPassword   = "auth.current_password_wrong"
	CodeFieldRequired     = "auth.field_required"
	CodeTooLong           = "auth.too_long"     // Data {"Max": n}
	CodeTextInvalid       = "auth.text_invalid" // control characters
	CodeBirthDateInvalid  = "auth.birth_date_invalid"
	CodeBirthDateInFuture = "auth.birth_date_in_future"
	CodeBirthDateTooEarly = "auth.birth_date_too_early" // Data {"Min": "1900-01-01"}
)

// Sentinels for errors.Is. errs.Error.Is compares kind and code, so a
// returned error carrying Data or a cause still matches its sentinel.
var (
	ErrPhoneInvalid       = errs.Invalid(CodePhoneInvalid, errs.FieldError{Field: "phone", Code: CodePhoneInvalid})
	ErrEmailInvalid       = errs.Invalid(CodeEmailInvalid, errs.FieldError{Field: "email", Code: CodeEmailInvalid})
	ErrCodeInvalid        = errs.E(errs.KindUnauthorized, CodeCodeInvalid)
	ErrResendTooSoon      = errs.E(errs.KindTooMany, CodeResendTooSoon)
	ErrTooManyRequests    = errs.E(errs.KindTooMany, CodeTooManyRequests)
	ErrSMSBudgetExhausted = errs.E(errs.KindUnavailable, CodeSMSBudgetExhausted)
	ErrCredentialsInvalid = errs.E(errs.KindUnauthorized, CodeCredentialsInvalid)
	ErrPasswordInvalid    = errs.E(errs.KindInvalid, CodePasswordInvalid)
	ErrResetTokenInvalid  = errs.E(errs.KindUnauthorized, CodeResetTokenInvalid)
	ErrSessionInvalid     = errs.E(errs.KindUnauthorized, CodeSessionInvalid)
	ErrProfileInvalid     = errs.E(errs.KindInvalid, CodeProfileInvalid)
	ErrEmailTaken         = &errs.Error{Kind: errs.KindConflict, Code: CodeEmailTaken,
		Fields: []errs.FieldError{{Field: "email", Code: CodeEmailTaken}}}
	ErrPhoneTaken = &errs.Error{Kind: errs.KindConflict, Code: CodePhoneTaken,
		Fields: []errs.FieldError{{Field: "phone", Code: CodePhoneTaken}}}
	ErrNotFound = errs.E(errs.KindNotFound, CodeNotFound)
)

// codeInvalid answers every refused code alike (SECURITY.md 1–3): wrong,
// expired, used, superseded or exhausted. A guesser learns nothing from it
// but one bit the UI needs: RequestNew is true when no further guess can
// succeed (the code is spent, expired or was never sent), so the page says
// "request a new code" instead of "try again". It never says which of those
// it was, nor how many guesses remain.
func codeInvalid(requestNew bool) error {
	return ErrCodeInvalid.With(map[string]any{"RequestNew": requestNew})
}

// tooSoon and tooMany carry RetryAfter in whole seconds, rounded up, for
// the HTTP layer's Retry-After header and the message's plural form.
func tooSoon(wait int) error { return ErrResendTooSoon.With(map[string]any{"RetryAfter": wait}) }
func tooMany(wait int) error { return ErrTooManyRequests.With(map[string]any{"RetryAfter": wait}) }

// passwordInvalid names the length rule the password broke.
func passwordInvalid(field, code string, data map[string]any) error {
	return &errs.Error{Kind: errs.KindInvalid, Code: CodePasswordInvalid,
		Fields: []errs.FieldError{{Field: field, Code: code, Data: data}}}
}
