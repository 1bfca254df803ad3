package orders

import "github.com/consult/platform/core/platform/errs"

// Error codes. Each is also the i18n id of its text
// (configs/locales/orders.*.toml); the kind decides the HTTP status.
const (
	CodeInvalid             = "orders.invalid"                // Invalid (422), with Fields
	CodeNotFound            = "orders.not_found"              // NotFound
	CodePackageNotForSale   = "orders.package_not_for_sale"   // Invalid, field "package"
	CodeIdempotencyConflict = "orders.idempotency_key_reused" // Conflict: same key, other request
	CodeAlreadyPaid         = "orders.already_paid"           // Conflict
	CodeNotPayable          = "orders.not_payable"            // Conflict: canceled, expired or refunded
	CodePaymentUnavailable  = "orders.payment_unavailable"    // Unavailable: the provider failed
	CodeProviderUnknown     = "orders.provider_unknown"       // NotFound: a notification names no provider we run
	CodePaymentUnknown      = "orders.payment_unknown"        // NotFound: the provider has no such payment for us
	CodePromoInvalid        = "orders.promo_invalid"          // Invalid, with Fields (admin)
	CodePromoNotFound       = "orders.promo_not_found"        // NotFound (admin)
	CodePromoCodeTaken      = "orders.promo_code_taken"       // Conflict, field "code" (admin)
	// CodePromoTooManyAttempts: too many unknown promo codes from one
	// address; Data {"RetryAfter": seconds, "Minutes": n}.
	CodePromoTooManyAttempts = "orders.promo_too_many_attempts" // TooMany
)

// Field problem codes, inside the Fields of an Invalid error.
const (
	CodeConsentRequired       = "orders.consent_required"        // field "consent"
	CodeConsentDocsInvalid    = "orders.consent_docs_invalid"    // field "consent_docs"
	CodeFieldRequired         = "orders.field_required"          //
	CodeTooLong               = "orders.too_long"                // Data {"Max": n}
	CodeTextInvalid           = "orders.text_invalid"            // control characters
	CodePhoneInvalid          = "orders.phone_invalid"           // field "phone"
	CodeEmailInvalid          = "orders.email_invalid"           // field "receipt_email"
	CodePackageUnknown        = "orders.package_unknown"         // field "package"
	CodeIdempotencyKeyInvalid = "orders.idempotency_key_invalid" // field "idempotency_key"
	CodePromoCodeFormat       = "orders.promo_code_format"       // admin: field "code", Data {"Max": n}
	CodePromoDiscountInvalid  = "orders.promo_discount_invalid"  // admin: neither or both of percent and amount
	CodePromoPercentRange     = "orders.promo_percent_range"     // admin: Data {"Min": 1, "Max": 100}
	CodePromoDateInvalid      = "orders.promo_date_invalid"      // admin: not YYYY-MM-DD
	CodePromoDatesOrder       = "orders.promo_dates_order"       // admin: until before from
	CodePromoLimitInvalid     = "orders.promo_limit_invalid"     // admin: a negative limit
	CodePromoTargetUnknown    = "orders.promo_target_unknown"    // admin: no such offer or package
	CodePromoCurrencyInvalid  = "orders.promo_currency_invalid"  // admin: not an ISO 4217 code
)

// Promo refusal codes: why a promo code gives no discount. The quote shows
// the reason; placing an order with a refused code is refused with it,
// field "promo_code" (the customer removes or corrects the code).
const (
	RefusalUnknown       = "orders.promo_unknown"            // no such code (or disabled)
	RefusalNotStarted    = "orders.promo_not_started"        // Data {"From": "DD.MM.YYYY"}
	RefusalExpired       = "orders.promo_expired"            // Data {"Until": "DD.MM.YYYY"}
	RefusalExhausted     = "orders.promo_exhausted"          // the total limit is used up
	RefusalCustomerLimit = "orders.promo_limit_per_customer" // Data {"Limit": n}
	RefusalNotApplicable = "orders.promo_not_applicable"     // not for this offer, package or currency
)

// Refusals lists every refusal code.
func Refusals() []string {
	return []string{RefusalUnknown, RefusalNotStarted, RefusalExpired, RefusalExhausted, RefusalCustomerLimit, RefusalNotApplicable}
}

// Sentinels for errors.Is (errs.Error.Is compares kind and code, so an
// error carrying Data, Fields or a cause still matches).
var (
	ErrInvalid              = errs.E(errs.KindInvalid, CodeInvalid)
	ErrNotFound             = errs.E(errs.KindNotFound, CodeNotFound)
	ErrPackageNotForSale    = errs.Invalid(CodePackageNotForSale, errs.FieldError{Field: "package", Code: CodePackageNotForSale})
	ErrIdempotencyConflict  = errs.E(errs.KindConflict, CodeIdempotencyConflict)
	ErrAlreadyPaid          = errs.E(errs.KindConflict, CodeAlreadyPaid)
	ErrNotPayable           = errs.E(errs.KindConflict, CodeNotPayable)
	ErrPaymentUnavailable   = errs.E(errs.KindUnavailable, CodePaymentUnavailable)
	ErrProviderUnknown      = errs.E(errs.KindNotFound, CodeProviderUnknown)
	ErrPaymentUnknown       = errs.E(errs.KindNotFound, CodePaymentUnknown)
	ErrPromoInvalid         = errs.E(errs.KindInvalid, CodePromoInvalid)
	ErrPromoNotFound        = errs.E(errs.KindNotFound, CodePromoNotFound)
	ErrPromoTooManyAttempts = errs.E(errs.KindTooMany, CodePromoTooManyAttempts)
	ErrPromoCodeTaken       = &errs.Error{Kind: errs.KindConflict, Code: CodePromoCodeTaken,
		Fields: []errs.FieldError{{Field: "code", Code: CodePromoCodeTaken}}}

	// The refusals as errors, for Place.
	ErrPromoUnknown       = errs.E(errs.KindInvalid, RefusalUnknown)
	ErrPromoNotStarted    = errs.E(errs.KindInvalid, RefusalNotStarted)
	ErrPromoExpired       = errs.E(errs.KindInvalid, RefusalExpired)
	ErrPromoExhausted     = errs.E(errs.KindInvalid, RefusalExhausted)
	ErrPromoCustomerLimit = errs.E(errs.KindInvalid, RefusalCustomerLimit)
	ErrPromoNotApplicable = errs.E(errs.KindInvalid, RefusalNotApplicable)
)

// invalid makes the one validation error of a request with its fields.
func invalid(fields ...errs.FieldError) error {
	return errs.Invalid(CodeInvalid, fields...)
}
