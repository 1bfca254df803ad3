package partners_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	ct "github.com/consult/platform/core/certificates/certificatestest"
	"github.com/consult/platform/core/partners"
	"github.com/consult/platform/core/platform/errs"
)

var secretRE = regexp.MustCompile(`^pk_[a-z2-7]{8}_[a-z2-7]{52}$`)

func TestCreateKey(t *testing.T) {
	e := newEnv(t)
	k := e.key(t, ct.TenantA, "  CRM  ")
	if !secretRE.MatchString(k.Secret) || !strings.HasPrefix(k.Secret, k.Prefix+"_") || len(k.Prefix) != 11 {
		t.Fatalf("secret %q, prefix %q", k.Secret, k.Prefix)
	}
	if k.Name != "CRM" || k.TenantID != ct.TenantA || k.CreatedBy != partners.CreatedByCLI || !k.CreatedAt.Equal(ct.Start) ||
		k.LastUsedAt != nil || k.Revoked() {
		t.Fatalf("key %+v", k.Key)
	}
	other := e.key(t, ct.TenantA, "1C")
	if other.Secret == k.Secret || other.Prefix == k.Prefix {
		t.Fatal("two keys share a secret or a prefix")
	}
	// Only the hash is kept: the secret is nowhere in the row.
	var rows []map[string]any
	if err := e.DB.NewSelect().TableExpr("partner_keys").Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		for col, v := range r {
			if s, ok := v.(string); ok && (s == k.Secret || s == other.Secret) {
				t.Fatalf("column %s holds the secret", col)
			}
		}
	}
	list, err := e.svc.Keys(ctxA)
	if err != nil || len(list) != 2 || list[0].ID != other.ID || list[1].ID != k.ID {
		t.Fatalf("keys %+v, %v", list, err)
	}
	if list, err := e.svc.Keys(ctxB); err != nil || len(list) != 0 {
		t.Fatalf("tenant B lists %+v, %v", list, err)
	}
	for _, name := range []string{"", "   ", strings.Repeat("я", 101), "a\nb"} {
		if _, err := e.svc.CreateKey(ctxA, name, "cli"); !errors.Is(err, partners.ErrNameInvalid) {
			t.Errorf("name %q: %v", name, err)
		}
	}
	if _, err := e.svc.CreateKey(context.Background(), "CRM", "cli"); !errors.Is(err, errs.ErrTenantMissing) {
		t.Fatalf("without a tenant: %v", err)
	}
}

func TestVerify(t *testing.T) {
	e := newEnv(t)
	a := e.key(t, ct.TenantA, "CRM")
	revoked := e.key(t, ct.TenantA, "old")
	if _, err := e.svc.RevokeKey(ctxA, revoked.ID, "admin-1"); err != nil {
		t.Fatal(err)
	}
	b := e.key(t, ct.TenantB, "CRM")
	flipped := []byte(a.Secret)
	flipped[len(flipped)-1] = map[bool]byte{true: 'b', false: 'a'}[flipped[len(flipped)-1] == 'a']
	tests := []struct {
		name   string
		ctx    context.Context
		secret string
		want   string // key id, or "" for ErrKeyInvalid
	}{
		{"its own tenant", ctxA, a.Secret, a.ID},
		{"tenant B's key on A's site", ctxA, b.Secret, ""},
		{"A's key on B's site", ctxB, a.Secret, ""},
		{"revoked", ctxA, revoked.Secret, ""},
		{"one character off", ctxA, string(flipped), ""},
		{"the prefix alone", ctxA, a.Prefix, ""},
		{"empty", ctxA, "", ""},
		{"a session token", ctxA, "3q2-7wDyBz6cMIj1sqcC3iYtK0kH8dN5QwE3fO9aZ1s", ""},
		{"huge", ctxA, strings.Repeat("x", 1<<16), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := e.svc.Verify(tt.ctx, tt.secret)
			if tt.want == "" {
				if !errors.Is(err, partners.ErrKeyInvalid) || errs.KindOf(err) != errs.KindUnauthorized {
					t.Fatalf("err = %v, want %s", err, partners.CodeKeyInvalid)
				}
				return
			}
			if err != nil || k.ID != tt.want {
				t.Fatalf("key %q, err %v", k.ID, err)
			}
		})
	}
	if _, err := e.svc.Verify(context.Background(), a.Secret); !errors.Is(err, errs.ErrTenantMissing) {
		t.Fatalf("without a tenant: %v", err)
	}
}

// last_used_at is written at most once a minute, so a busy integration
// does not turn every request into a write.
func TestVerifyTouchesOnceAMinute(t *testing.T) {
	e := newEnv(t)
	a := e.key(t, ct.TenantA, "CRM")
	lastUsed := func() time.Time {
		t.Helper()
		k, err := e.store.Key(ctxA, a.ID)
		if err != nil || k.LastUsedAt == nil {
			t.Fatalf("key %+v, %v", k, err)
		}
		return *k.LastUsedAt
	}
	steps := []struct {
		advance time.Duration
		want    time.Duration // since ct.Start
	}{
		{0, 0},
		{30 * time.Second, 0},
		{29 * time.Second, 0},
		{time.Second, time.Minute},
		{10 * time.Minute, 11 * time.Minute},
	}
	for _, s := range steps {
		e.Clock.Advance(s.advance)
		k, err := e.svc.Verify(ctxA, a.Secret)
		if err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); !got.Equal(ct.Start.Add(s.want)) || !k.LastUsedAt.Equal(got) {
			t.Fatalf("at %s: last used %s (verify says %s), want %s", e.Clock.Now().Sub(ct.Start), got.Sub(ct.Start),
				k.LastUsedAt.Sub(ct.Start), s.want)
		}
	}
}

func TestRevokeKey(t *testing.T) {
	e := newEnv(t)
	a := e.key(t, ct.TenantA, "CRM")
	if _, err := e.svc.RevokeKey(ctxB, a.ID, "admin-b"); !errors.Is(err, partners.ErrKeyNotFound) {
		t.Fatalf("tenant B revokes A's key: %v", err)
	}
	if _, err := e.svc.Verify(ctxA, a.Secret); err != nil {
		t.Fatalf("after B's attempt the key is dead: %v", err)
	}
	e.Clock.Advance(time.Hour)
	k, err := e.svc.RevokeKey(ctxA, a.ID, "admin-a")
	if err != nil || k.RevokedAt == nil || !k.RevokedAt.Equal(ct.Start.Add(time.Hour)) || k.RevokedBy != "admin-a" {
		t.Fatalf("revoked %+v, %v", k, err)
	}
	e.Clock.Advance(time.Hour)
	again, err := e.svc.RevokeKey(ctxA, a.ID, "admin-z")
	if err != nil || !again.RevokedAt.Equal(*k.RevokedAt) || again.RevokedBy != "admin-a" {
		t.Fatalf("second revocation rewrote the audit: %+v, %v", again, err)
	}
	if _, err := e.svc.Verify(ctxA, a.Secret); !errors.Is(err, partners.ErrKeyInvalid) {
		t.Fatalf("revoked key verifies: %v", err)
	}
	if _, err := e.svc.RevokeKey(ctxA, "no-such-key", "admin-a"); !errors.Is(err, partners.ErrKeyNotFound) {
		t.Fatalf("unknown key: %v", err)
	}
}
