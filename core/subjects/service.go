package subjects

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/plugins/sdk"
)

// errNoOwner is a caller's bug (a route that forgot to require a signed-in
// user): refused rather than stored under an empty owner that every other
// such bug would then share.
var errNoOwner = errors.New("subjects: no owner")

// Service lists, adds, edits and deletes a customer's subjects. Ownership
// is checked here on top of the role (DESIGN.md "Access"): every method
// takes the signed-in user as ownerID and sees only that user's subjects.
type Service struct {
	store    Store
	specs    Specs
	products func(product string) (Validator, error)
	clock    clock.Clock
}

// NewService returns a service over store. specs gives cached product
// specs; products the live validator of a product (its error — the plugin
// is down, the product unknown — is returned as is); clock the business
// time of timestamps and of date rules (a birth date not in the future).
func NewService(store Store, specs Specs, products func(product string) (Validator, error), clock clock.Clock) *Service {
	return &Service{store: store, specs: specs, products: products, clock: clock}
}

// List returns the owner's subjects, newest first: at most MaxPerOwner, so
// there is no paging.
func (s *Service) List(ctx context.Context, ownerID string) ([]Subject, error) {
	if ownerID == "" {
		return nil, errs.Internal(errNoOwner)
	}
	return s.store.List(ctx, ownerID)
}

// Get returns the owner's subject id. ErrNotFound when it does not exist,
// belongs to another owner or to another tenant (SECURITY.md 10: 404, not
// 403, so ids cannot be probed).
func (s *Service) Get(ctx context.Context, ownerID, id string) (Subject, error) {
	if ownerID == "" {
		return Subject{}, errs.Internal(errNoOwner)
	}
	return s.store.Get(ctx, ownerID, id)
}

// Create adds a subject of kind to the owner after the product validated
// its fields. Errors: Invalid subjects.kind_unknown for a kind the product
// does not have; Invalid subjects.invalid with one field error per
// violation; Conflict subjects.limit_reached at MaxPerOwner subjects; the
// product's own error (Unavailable products.unavailable) when it cannot
// check.
func (s *Service) Create(ctx context.Context, ownerID, product, kind string, fields map[string]any, call sdk.Call) (Subject, error) {
	if ownerID == "" {
		return Subject{}, errs.Internal(errNoOwner)
	}
	tenantID, call, err := s.scope(ctx, call)
	if err != nil {
		return Subject{}, err
	}
	clean, label, err := s.validate(ctx, product, kind, fields, call)
	if err != nil {
		return Subject{}, err
	}
	// UUIDv7: unguessable enough that ids reveal nothing about other
	// customers, and time-ordered, which breaks ties of equal created_at
	// in "newest first".
	id, err := uuid.NewV7()
	if err != nil {
		return Subject{}, errs.Internal(fmt.Errorf("subjects: id: %w", err))
	}
	now := s.now()
	sub := Subject{
		ID: id.String(), TenantID: tenantID, OwnerID: ownerID, Product: product, Kind: kind,
		Fields: clean, Label: label, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.store.Create(ctx, sub, MaxPerOwner); err != nil {
		return Subject{}, err
	}
	return sub, nil
}

// Update replaces all fields of the owner's subject id — a field left out
// is cleared — after validating them again against its product and kind,
// which do not change. Errors as Create, and ErrNotFound as Get.
func (s *Service) Update(ctx context.Context, ownerID, id string, fields map[string]any, call sdk.Call) (Subject, error) {
	if ownerID == "" {
		return Subject{}, errs.Internal(errNoOwner)
	}
	_, call, err := s.scope(ctx, call)
	if err != nil {
		return Subject{}, err
	}
	sub, err := s.store.Get(ctx, ownerID, id)
	if err != nil {
		return Subject{}, err
	}
	// No transaction spans the plugin call (STYLE.md): the subject may be
	// deleted meanwhile, and then the store's update answers ErrNotFound.
	clean, label, err := s.validate(ctx, sub.Product, sub.Kind, fields, call)
	if err != nil {
		return Subject{}, err
	}
	sub.Fields, sub.Label, sub.UpdatedAt = clean, label, s.now()
	if err := s.store.Update(ctx, sub); err != nil {
		return Subject{}, err
	}
	return sub, nil
}

// Delete removes the owner's subject id; ErrNotFound as Get.
func (s *Service) Delete(ctx context.Context, ownerID, id string) error {
	if ownerID == "" {
		return errs.Internal(errNoOwner)
	}
	return s.store.Delete(ctx, ownerID, id)
}

// DeleteAllOf removes every subject of the owner and returns how many:
// part of deleting an account (152-FZ art. 21: personal data is destroyed
// once its purpose is gone). Running it again removes nothing and is no
// error.
func (s *Service) DeleteAllOf(ctx context.Context, ownerID string) (int, error) {
	if ownerID == "" {
		return 0, errs.Internal(errNoOwner)
	}
	return s.store.DeleteAllOf(ctx, ownerID)
}

// now is the business instant at the precision both databases keep
// (PostgreSQL: microseconds), so what Create returns equals what Get reads.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// scope returns the tenant of ctx, failing closed before any plugin call,
// and the call bound to that tenant and to the business clock. A call made
// for another tenant is a caller's bug: the plugin would apply that
// tenant's settings to this tenant's customer.
func (s *Service) scope(ctx context.Context, call sdk.Call) (string, sdk.Call, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return "", call, err
	}
	switch call.Tenant {
	case "":
		call.Tenant = tenantID
	case tenantID:
	default:
		return "", call, errs.Internal(fmt.Errorf("subjects: call for tenant %q in the scope of tenant %q", call.Tenant, tenantID))
	}
	if call.Now.IsZero() {
		// Date rules (a birth date not in the future) read the business
		// clock, never the plugin's wall clock.
		call.Now = s.clock.Now()
	}
	return tenantID, call, nil
}
