// Package errs is the platform's one error type. An Error carries a Kind,
// which decides the HTTP status, and a Code, which is both the error code
// clients see and the i18n message id of its localised text. The cause is
// kept for the log and never shown to a client.
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the transport layer.
type Kind uint8

const (
	KindInternal     Kind = iota // a fault of ours; the client sees a generic message
	KindInvalid                  // bad input: 422 (or 400 when the request cannot be parsed)
	KindNotFound                 // absent, or present but not the caller's: 404
	KindConflict                 // the state forbids it, or a duplicate: 409
	KindUnauthorized             // not signed in: 401
	KindForbidden                // signed in, not allowed: 403
	KindTooMany                  // rate limited: 429
	KindUnavailable              // a dependency is down, try later: 503
	KindBadRequest               // malformed request: 400
)

func (k Kind) String() string {
	switch k {
	case KindInvalid:
		return "invalid"
	case KindNotFound:
		return "not_found"
	case KindConflict:
		return "conflict"
	case KindUnauthorized:
		return "unauthorized"
	case KindForbidden:
		return "forbidden"
	case KindTooMany:
		return "too_many"
	case KindUnavailable:
		return "unavailable"
	case KindBadRequest:
		return "bad_request"
	default:
		return "internal"
	}
}

// FieldError is one invalid field of a request, with its own message id.
type FieldError struct {
	Field string         `json:"field"`
	Code  string         `json:"code"`
	Data  map[string]any `json:"-"` // template data for the localised message
}

// Error is a classified error with a message id.
type Error struct {
	Kind   Kind
	Code   string         // message id, e.g. "tenants.site_not_found"
	Data   map[string]any // template data for the localised message
	Fields []FieldError   // per-field problems of an invalid request
	Err    error          // the cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	}
	return e.Code
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is match two *Error values with the same code, so callers
// can compare against the package-level sentinels of a domain.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code && t.Kind == e.Kind
	}
	return false
}

// E makes an error of kind with message id code.
func E(kind Kind, code string) *Error { return &Error{Kind: kind, Code: code} }

// Wrap classifies cause as kind with message id code.
func Wrap(kind Kind, code string, cause error) *Error {
	return &Error{Kind: kind, Code: code, Err: cause}
}

// With returns a copy of e carrying template data for its message.
func (e *Error) With(data map[string]any) *Error {
	c := *e
	c.Data = data
	return &c
}

// Because returns a copy of e with the cause attached, keeping sentinels
// unmodified.
func (e *Error) Because(cause error) *Error {
	c := *e
	c.Err = cause
	return &c
}

// Invalid makes a validation error listing the invalid fields.
func Invalid(code string, fields ...FieldError) *Error {
	return &Error{Kind: KindInvalid, Code: code, Fields: fields}
}

// Internal wraps an unexpected cause; its text never reaches a client.
func Internal(cause error) *Error {
	return &Error{Kind: KindInternal, Code: "errors.internal", Err: cause}
}

// As returns the *Error in err's chain, or an internal error wrapping err
// when there is none, so every error has a kind and a code.
func As(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// KindOf returns the kind of err (KindInternal for unclassified errors).
func KindOf(err error) Kind { return As(err).Kind }

// Common errors shared by every domain.
var (
	ErrTenantMissing = E(KindInternal, "errors.tenant_missing")
	ErrNotFound      = E(KindNotFound, "errors.not_found")
	ErrUnavailable   = E(KindUnavailable, "errors.unavailable")
)
