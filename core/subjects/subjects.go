// Package subjects keeps what a customer's consultations are about: the
// pets of a VetPet customer, the people of an Astars customer (seed 000,
// «Мои питомцы»: species from a list, breed from that species' list, a
// name; «Профиль питомца»: sex, breed, age, weight, all optional). A
// subject's fields follow the schema its product plugin describes
// (sdk.SubjectKind), and the plugin validates them before every save.
//
// Every subject belongs to one owner in one tenant. The service checks
// ownership and the store scopes every query by tenant and owner, so
// another customer's subject — or another tenant's — is "not found", never
// "forbidden" (SECURITY.md 10).
package subjects

import (
	"context"
	"time"

	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/plugins/sdk"
)

// MaxPerOwner bounds an owner's subjects. A household has a handful of
// pets; the bound keeps List one small unpaginated read and stops a script
// from filling the table through one account.
const MaxPerOwner = 100

// Subject is one pet or person of a customer.
type Subject struct {
	ID       string
	TenantID string
	OwnerID  string // the user who added it
	Product  string // the product whose schema its fields follow ("vetpet")
	Kind     string // the product's subject kind ("pet", "person")
	// Fields are the values of the kind's fields, as validated and
	// normalised: only keys of the schema, numbers as float64, text
	// trimmed, blank optional values left out.
	Fields map[string]any
	// Label is the value of the kind's LabelField (the pet's name), for
	// lists that show subjects without knowing their schema.
	Label     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validator checks a subject's fields. The live plugin client (sdk.Product)
// satisfies it; its violations are the customer's mistakes, its error a
// failure of the check itself (a plugin that is down answers errs
// KindUnavailable, products.unavailable).
type Validator interface {
	ValidateSubject(ctx context.Context, call sdk.Call, kind string, fields map[string]any) ([]sdk.Violation, error)
}

// Specs returns the cached spec of a product (host.Manager satisfies it):
// the service reads kinds and field lists from it without a plugin call.
type Specs interface {
	Spec(product string) (sdk.Spec, bool)
}

// Store persists subjects. Every method takes the tenant from ctx and
// fails closed without one (errs.ErrTenantMissing); every read and write is
// limited to the tenant and, where an owner is given, to that owner.
type Store interface {
	// List returns the owner's subjects, newest first.
	List(ctx context.Context, ownerID string) ([]Subject, error)
	// Get returns the owner's subject id, or ErrNotFound when there is
	// none — also when it exists for another owner or tenant.
	Get(ctx context.Context, ownerID, id string) (Subject, error)
	// Create inserts s unless its owner already has limit subjects, in which
	// case it returns ErrLimitReached. The count and the insert are atomic
	// with respect to concurrent creates for the same owner.
	Create(ctx context.Context, s Subject, limit int) error
	// Update replaces the fields, label and update time of the owner's
	// subject s.ID, or returns ErrNotFound.
	Update(ctx context.Context, s Subject) error
	// Delete removes the owner's subject id, or returns ErrNotFound.
	Delete(ctx context.Context, ownerID, id string) error
	// DeleteAllOf removes every subject of the owner and returns how many.
	DeleteAllOf(ctx context.Context, ownerID string) (int, error)
}

// Errors of the service and its store.
var (
	// ErrNotFound: no such subject among the caller's own.
	ErrNotFound = errs.E(errs.KindNotFound, "subjects.not_found")
	// ErrLimitReached: the owner already has MaxPerOwner subjects.
	ErrLimitReached = errs.E(errs.KindConflict, "subjects.limit_reached").With(map[string]any{"Max": MaxPerOwner})
)

// Codes of validation errors. A subject's field problems come from the
// product (sdk violation codes, e.g. subjects.field_required) and are the
// field errors of an errs.Invalid with code CodeInvalid.
const (
	CodeInvalid     = "subjects.invalid"
	CodeKindUnknown = sdk.CodeSubjectKindUnknown // "subjects.kind_unknown"
)
