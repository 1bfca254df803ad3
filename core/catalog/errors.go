package catalog

import "github.com/consult/platform/core/platform/errs"

// Error codes. Each is also the i18n id of its text
// (configs/locales/catalog.*.toml); the kind decides the HTTP status.
const (
	// CodeInvalid is the 422 of an invalid item; its field errors say
	// which fields and why.
	CodeInvalid = "catalog.invalid"
	// CodePageInvalid is the 422 of a bad ?limit or ?cursor.
	CodePageInvalid = "catalog.page_invalid"
	// CodeFilterInvalid is the 422 of a bad list filter (an unknown status).
	CodeFilterInvalid = "catalog.filter_invalid"
)

// Field problem codes inside CodeInvalid, CodePageInvalid and
// CodeFilterInvalid. Data carries the template fields of their texts.
const (
	CodeFieldRequired   = "catalog.field_required"
	CodeTooLong         = "catalog.too_long"  // Data {"Max": characters}
	CodeTooMany         = "catalog.too_many"  // Data {"Max": items}
	CodeDuplicate       = "catalog.duplicate" // the same value twice in a list
	CodeSlugInvalid     = "catalog.slug_invalid"
	CodeCodeInvalid     = "catalog.code_invalid"  // a category code
	CodeValueUnknown    = "catalog.value_unknown" // outside a closed list: a format, a social network
	CodePackageUnknown  = "catalog.package_unknown"
	CodeYearInvalid     = "catalog.year_invalid" // Data {"Min", "Max"}
	CodeNumberInvalid   = "catalog.number_invalid"
	CodeRatingInvalid   = "catalog.rating_invalid"
	CodeURLInvalid      = "catalog.url_invalid"
	CodeEmailInvalid    = "catalog.email_invalid"
	CodePhoneInvalid    = "catalog.phone_invalid"
	CodeDayInvalid      = "catalog.day_invalid"
	CodeTimeInvalid     = "catalog.time_invalid"
	CodeHoursInvalid    = "catalog.hours_invalid" // closes before it opens
	CodeLanguageInvalid = "catalog.language_invalid"
	CodeLimitInvalid    = "catalog.limit_invalid" // Data {"Max": MaxLimit}
	CodeCursorInvalid   = "catalog.cursor_invalid"
	CodeStatusInvalid   = "catalog.status_invalid"
	CodeOrderMismatch   = "catalog.faq_order_mismatch"
	CodeTargetUnknown   = "catalog.review_target_unknown"
	CodeTargetAmbiguous = "catalog.review_target_ambiguous"
)

// Errors of the service and its store.
var (
	ErrServiceNotFound    = errs.E(errs.KindNotFound, "catalog.service_not_found")
	ErrSpecialistNotFound = errs.E(errs.KindNotFound, "catalog.specialist_not_found")
	ErrArticleNotFound    = errs.E(errs.KindNotFound, "catalog.article_not_found")
	ErrFAQNotFound        = errs.E(errs.KindNotFound, "catalog.faq_not_found")
	ErrReviewNotFound     = errs.E(errs.KindNotFound, "catalog.review_not_found")
	// ErrImageNotFound: the specialist or article has no picture.
	ErrImageNotFound = errs.E(errs.KindNotFound, "catalog.image_not_found")
	// ErrSlugTaken: another specialist or article of the tenant has the
	// slug. Field "slug".
	ErrSlugTaken = errs.E(errs.KindConflict, "catalog.slug_taken")
	// ErrReviewPending: the customer's earlier review of the same target
	// still waits for moderation — the one-per-target limit that keeps a
	// script from flooding the moderation queue.
	ErrReviewPending = errs.E(errs.KindConflict, "catalog.review_pending")
	// ErrCustomersOnly: reviews are written by customers, not by staff,
	// who could otherwise praise their own service.
	ErrCustomersOnly = errs.E(errs.KindForbidden, "catalog.reviews_customers_only")
	// ErrFAQFull: the FAQ already has MaxFAQ items.
	ErrFAQFull = errs.E(errs.KindConflict, "catalog.faq_full").With(map[string]any{"Max": MaxFAQ})
)

// slugTaken is ErrSlugTaken with its field error, for the form.
func slugTaken() *errs.Error {
	e := *ErrSlugTaken
	e.Fields = []errs.FieldError{{Field: "slug", Code: ErrSlugTaken.Code}}
	return &e
}
