package media

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/errs"
)

// KindAvatar is the media kind of a profile picture: one per owner.
const KindAvatar = "avatar"

// Record is one stored picture.
type Record struct {
	ID        string
	TenantID  string
	OwnerID   string // the user it belongs to
	Kind      string // KindAvatar
	Image     Image
	CreatedAt time.Time
}

// Store persists pictures. Every method takes the tenant from ctx and
// fails closed without one (errs.ErrTenantMissing).
type Store interface {
	// Replace stores rec and removes the owner's other pictures of
	// rec.Kind, atomically: concurrent replaces leave exactly one.
	Replace(ctx context.Context, rec Record) error
	// Get returns the tenant's picture id of kind, or ErrNotFound.
	Get(ctx context.Context, kind, id string) (Record, error)
	// DeleteAllOf removes the owner's pictures of kind and returns how many.
	DeleteAllOf(ctx context.Context, kind, ownerID string) (int, error)
}

// Avatars keeps profile pictures: one per user, replaced by the next
// upload under a new id, so a URL carrying the id may be cached for long.
type Avatars struct {
	store Store
	clock clock.Clock
}

// NewAvatars returns the avatar service over store.
func NewAvatars(store Store, clock clock.Clock) *Avatars {
	return &Avatars{store: store, clock: clock}
}

// errNotProcessed is a caller's bug: only ProcessAvatar's output may be
// stored, never an upload as sent.
var errNotProcessed = errors.New("media: avatar not made by ProcessAvatar")

// Put stores img (from ProcessAvatar) as the owner's avatar, replacing the
// previous one, and returns its new id.
func (a *Avatars) Put(ctx context.Context, ownerID string, img Image) (string, error) {
	if ownerID == "" {
		return "", errs.Internal(errors.New("media: avatar without owner"))
	}
	if (img.ContentType != ContentJPEG && img.ContentType != ContentPNG) || len(img.Bytes) == 0 ||
		img.Width < 1 || img.Height < 1 || img.Width > AvatarSide || img.Height > AvatarSide {
		return "", errs.Internal(errNotProcessed)
	}
	// A random (v4) id: Get is scoped to the tenant, not to the owner, so
	// the id must not be guessable from another avatar's.
	id, err := uuid.NewRandom()
	if err != nil {
		return "", errs.Internal(fmt.Errorf("media: id: %w", err))
	}
	rec := Record{ID: id.String(), OwnerID: ownerID, Kind: KindAvatar, Image: img, CreatedAt: a.clock.Now().UTC()}
	if err := a.store.Replace(ctx, rec); err != nil {
		return "", err
	}
	return rec.ID, nil
}

// Get returns the tenant's avatar id, or ErrNotFound — also for another
// tenant's avatar (SECURITY.md 10). Any user of the tenant may read any of
// its avatars by id, as staff see a customer's; a route that must limit
// who sees whose avatar checks that before calling.
func (a *Avatars) Get(ctx context.Context, id string) (Image, error) {
	rec, err := a.store.Get(ctx, KindAvatar, id)
	if err != nil {
		return Image{}, err
	}
	return rec.Image, nil
}

// DeleteAllOf removes the owner's avatar (account deletion, 152-FZ).
// Having none is no error. Other kinds of media are their own services'
// to delete.
func (a *Avatars) DeleteAllOf(ctx context.Context, ownerID string) error {
	if ownerID == "" {
		return errs.Internal(errors.New("media: delete avatars without owner"))
	}
	_, err := a.store.DeleteAllOf(ctx, KindAvatar, ownerID)
	return err
}
