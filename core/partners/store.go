package partners

import (
	"context"
	"time"
)

// Store keeps the API keys. Every method works in the tenant of ctx and
// fails closed without one; another tenant's key is never seen or changed
// (SECURITY.md 12). Lookups that find nothing return ErrKeyNotFound.
type Store interface {
	// CreateKey inserts k with the SHA-256 of its secret (hex).
	CreateKey(ctx context.Context, k Key, secretHash string) error
	// Keys lists the tenant's keys, revoked ones too, newest first.
	Keys(ctx context.Context) ([]Key, error)
	// Key finds a key by id.
	Key(ctx context.Context, id string) (Key, error)
	// KeyByHash finds a key by the SHA-256 of its secret.
	KeyByHash(ctx context.Context, secretHash string) (Key, error)
	// RevokeKey marks a live key revoked by `by` at now, guarded by
	// revoked_at IS NULL, and returns the key as it is afterwards and
	// whether this call revoked it.
	RevokeKey(ctx context.Context, id, by string, now time.Time) (Key, bool, error)
	// TouchKey sets last_used_at to now unless it is after staleBefore
	// (never used counts as stale), so a busy key is written once a minute.
	TouchKey(ctx context.Context, id string, now, staleBefore time.Time) error
}
