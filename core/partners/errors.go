package partners

import (
	"github.com/consult/platform/core/platform/errs"
)

// Error codes. Each is also the i18n id of its text
// (configs/locales/partners.*.toml); the kind decides the HTTP status.
const (
	// CodeKeyRequired: a partner request without an API key.
	CodeKeyRequired = "partners.key_required" // Unauthorized
	// CodeKeyInvalid answers every key that opens nothing here — unknown,
	// revoked, or another tenant's — alike.
	CodeKeyInvalid = "partners.key_invalid" // Unauthorized
	// CodeKeyNotFound: an admin named a key the tenant does not have.
	CodeKeyNotFound = "partners.key_not_found" // NotFound
	// CodeNameInvalid: a key's name is empty, too long or not text.
	CodeNameInvalid = "partners.name_invalid" // Invalid, field "name"
	// CodeIdempotencyKeyRequired: an issue without an Idempotency-Key
	// (SECURITY.md 16): without one a retry would issue a second
	// certificate.
	CodeIdempotencyKeyRequired = "partners.idempotency_key_required" // BadRequest
	// CodeIdempotencyKeyInvalid: longer than MaxIdempotencyKey or not
	// printable ASCII.
	CodeIdempotencyKeyInvalid = "partners.idempotency_key_invalid" // BadRequest
	// CodeIdempotencyKeyReused: the key came before with another request.
	CodeIdempotencyKeyReused = "partners.idempotency_key_reused" // Conflict
	// CodeSaleInvalid: the sale cannot be issued; Fields say why.
	CodeSaleInvalid = "partners.sale_invalid" // Invalid
)

// Field problem codes inside CodeSaleInvalid (the others are
// core/certificates' field codes).
const (
	CodePackageNotFound  = "partners.package_not_found" // field package_code or offer_id
	CodePackageAmbiguous = "partners.package_ambiguous" // field offer_id: the code is in several offers
	CodePriceRequired    = "partners.price_required"    // field price_paid: the package has no list price
	CodePriceInvalid     = "partners.price_invalid"     // field price_paid: below 0 or above MaxPricePaid
)

// Sentinels for errors.Is.
var (
	ErrKeyRequired            = errs.E(errs.KindUnauthorized, CodeKeyRequired)
	ErrKeyInvalid             = errs.E(errs.KindUnauthorized, CodeKeyInvalid)
	ErrKeyNotFound            = errs.E(errs.KindNotFound, CodeKeyNotFound)
	ErrNameInvalid            = errs.Invalid(CodeNameInvalid, errs.FieldError{Field: "name", Code: CodeNameInvalid})
	ErrIdempotencyKeyRequired = errs.E(errs.KindBadRequest, CodeIdempotencyKeyRequired)
	ErrIdempotencyKeyInvalid  = errs.E(errs.KindBadRequest, CodeIdempotencyKeyInvalid)
	ErrIdempotencyKeyReused   = errs.E(errs.KindConflict, CodeIdempotencyKeyReused)
	ErrSaleInvalid            = errs.E(errs.KindInvalid, CodeSaleInvalid)
)

// saleInvalid is ErrSaleInvalid with the fields.
func saleInvalid(fields ...errs.FieldError) error { return errs.Invalid(CodeSaleInvalid, fields...) }
