package partners

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
)

// A secret reads pk_<prefix>_<body>: "pk_" says what it is (and lets
// secret scanners find leaked ones), the prefix is 40 random bits shown in
// lists, and the body is 256 random bits. Both are lower-case base32, so a
// double click selects the whole secret.
const (
	secretScheme = "pk_"
	prefixBytes  = 5  // 8 characters
	bodyBytes    = 32 // 52 characters: the secret's strength
	// secretLen is the length of every secret: pk_ + 8 + _ + 52.
	secretLen = len(secretScheme) + 8 + 1 + 52
	// maxNameLen bounds a key's name.
	maxNameLen = 100
	// touchEvery is how stale last_used_at may get: one write a minute for
	// a busy key instead of one per request (as sessions, core/auth).
	touchEvery = time.Minute
)

var lowerBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newSecret returns a new secret, its public prefix and its SHA-256.
func newSecret() (secret, prefix, hash string, err error) {
	b := make([]byte, prefixBytes+bodyBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", "", fmt.Errorf("partners: secret: %w", err)
	}
	prefix = secretScheme + lowerBase32.EncodeToString(b[:prefixBytes])
	secret = prefix + "_" + lowerBase32.EncodeToString(b[prefixBytes:])
	return secret, prefix, secretHash(secret), nil
}

// secretHash is what is stored of a secret. The secret has 256 random
// bits, so an unkeyed fast hash is enough: nobody can search 2^256.
func secretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateKey makes a new key for the tenant, named name, on behalf of
// createdBy (an admin's user id, or CreatedByCLI). The secret is in the
// result and nowhere else: it cannot be shown again.
func (s *Service) CreateKey(ctx context.Context, name, createdBy string) (Created, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Created{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > maxNameLen || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return Created{}, ErrNameInvalid
	}
	if createdBy == "" {
		return Created{}, errs.Internal(fmt.Errorf("partners: a key needs its creator"))
	}
	id, err := newID()
	if err != nil {
		return Created{}, err
	}
	secret, prefix, hash, err := newSecret()
	if err != nil {
		return Created{}, err
	}
	k := Key{ID: id, TenantID: tenantID, Name: name, Prefix: prefix, CreatedBy: createdBy, CreatedAt: s.now()}
	if err := s.store.CreateKey(ctx, k, hash); err != nil {
		return Created{}, err
	}
	// The audit: who made which key. Never the secret (SECURITY.md 22).
	s.log.InfoContext(ctx, "partners: api key created", "tenant", tenantID, "key", id, "prefix", prefix, "by", createdBy)
	return Created{Key: k, Secret: secret}, nil
}

// Keys lists the tenant's keys, revoked ones too, newest first.
func (s *Service) Keys(ctx context.Context) ([]Key, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return nil, err
	}
	return s.store.Keys(ctx)
}

// RevokeKey revokes key id on behalf of the admin by: from then on the key
// opens nothing. Revoking a revoked key changes nothing and answers the
// key as it is; a key the tenant does not have is ErrKeyNotFound.
func (s *Service) RevokeKey(ctx context.Context, id, by string) (Key, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Key{}, err
	}
	if by == "" {
		return Key{}, errs.Internal(fmt.Errorf("partners: a revocation needs its author"))
	}
	k, revoked, err := s.store.RevokeKey(ctx, id, by, s.now())
	if err != nil {
		return Key{}, err
	}
	if revoked {
		s.log.InfoContext(ctx, "partners: api key revoked", "tenant", tenantID, "key", id, "prefix", k.Prefix, "by", by)
	}
	return k, nil
}

// Verify returns the live key whose secret this is, in the tenant of ctx
// (the site the request came to). Every secret that opens nothing here —
// malformed, unknown, revoked, or another tenant's — is ErrKeyInvalid.
//
// The lookup compares the SHA-256 of the presented secret in the
// database's index, not the secret: how long the comparison takes depends
// on a hash the caller cannot steer toward a stored one, so timing tells
// nothing about any secret.
func (s *Service) Verify(ctx context.Context, secret string) (Key, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return Key{}, err
	}
	if len(secret) != secretLen || !strings.HasPrefix(secret, secretScheme) {
		return Key{}, ErrKeyInvalid
	}
	k, err := s.store.KeyByHash(ctx, secretHash(secret))
	switch {
	case errors.Is(err, ErrKeyNotFound):
		return Key{}, ErrKeyInvalid
	case err != nil:
		return Key{}, err
	case k.Revoked():
		return Key{}, ErrKeyInvalid
	}
	now := s.now()
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= touchEvery {
		if err := s.store.TouchKey(ctx, k.ID, now, now.Add(-touchEvery)); err != nil {
			return Key{}, err
		}
		k.LastUsedAt = &now
	}
	return k, nil
}
