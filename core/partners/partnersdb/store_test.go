package partnersdb_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/uptrace/bun"

	ct "github.com/consult/platform/core/certificates/certificatestest"
	"github.com/consult/platform/core/partners"
	"github.com/consult/platform/core/partners/partnersdb"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/errs"
)

var (
	ctxA = ct.Ctx(ct.TenantA)
	ctxB = ct.Ctx(ct.TenantB)
)

const hashA = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"

// newStore returns a store over a database with tenants alpha and beta,
// and tenant A's key "k-a".
func newStore(t *testing.T) (*partnersdb.Store, *db.DB, partners.Key) {
	t.Helper()
	d := dbtest.New(t)
	ct.Tenants(t, d, ct.TenantA, ct.TenantB)
	s := partnersdb.New(d)
	k := partners.Key{ID: "k-a", Name: "CRM", Prefix: "pk_aaaaaaaa", CreatedBy: "cli", CreatedAt: ct.Start}
	if err := s.CreateKey(ctxA, k, hashA); err != nil {
		t.Fatal(err)
	}
	k.TenantID = ct.TenantA
	return s, d, k
}

// storeCalls calls every method of the store on tenant A's key; want says
// what the call must answer from another tenant.
func storeCalls(k partners.Key, now time.Time) map[string]struct {
	call func(ctx context.Context, s *partnersdb.Store) (any, error)
	want string // "not found", "none" or "ok"
} {
	type entry = struct {
		call func(ctx context.Context, s *partnersdb.Store) (any, error)
		want string
	}
	return map[string]entry{
		"CreateKey": {func(ctx context.Context, s *partnersdb.Store) (any, error) {
			return nil, s.CreateKey(ctx, partners.Key{ID: "k-b", Name: "B", Prefix: "pk_bbbbbbbb", CreatedBy: "cli", CreatedAt: now}, "b-hash")
		}, "ok"},
		"Keys": {func(ctx context.Context, s *partnersdb.Store) (any, error) {
			list, err := s.Keys(ctx)
			for _, got := range list {
				if got.ID == k.ID {
					return true, err
				}
			}
			return false, err
		}, "none"},
		"Key": {func(ctx context.Context, s *partnersdb.Store) (any, error) {
			return s.Key(ctx, k.ID)
		}, "not found"},
		"KeyByHash": {func(ctx context.Context, s *partnersdb.Store) (any, error) {
			return s.KeyByHash(ctx, hashA)
		}, "not found"},
		"RevokeKey": {func(ctx context.Context, s *partnersdb.Store) (any, error) {
			got, _, err := s.RevokeKey(ctx, k.ID, "admin-b", now)
			return got, err
		}, "not found"},
		"TouchKey": {func(ctx context.Context, s *partnersdb.Store) (any, error) {
			return nil, s.TouchKey(ctx, k.ID, now, now)
		}, "ok"},
	}
}

func TestEveryStoreMethodIsCovered(t *testing.T) {
	calls := storeCalls(partners.Key{}, time.Time{})
	typ := reflect.TypeFor[*partnersdb.Store]()
	for i := range typ.NumMethod() {
		if _, ok := calls[typ.Method(i).Name]; !ok {
			t.Errorf("storeCalls lacks %s", typ.Method(i).Name)
		}
	}
	if len(calls) != typ.NumMethod() {
		t.Errorf("storeCalls has %d calls for %d methods", len(calls), typ.NumMethod())
	}
}

// SECURITY.md 12: every method fails closed without a tenant, and from
// another tenant sees and changes nothing of tenant A's key.
func TestStoreTenantIsolation(t *testing.T) {
	s, _, k := newStore(t)
	now := ct.Start.Add(time.Hour)
	before, err := s.Key(ctxA, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, k) {
		t.Fatalf("stored %+v, want %+v", before, k)
	}
	for name, tc := range storeCalls(k, now) {
		t.Run("no tenant/"+name, func(t *testing.T) {
			if _, err := tc.call(context.Background(), s); !errors.Is(err, errs.ErrTenantMissing) {
				t.Fatalf("err = %v, want %v", err, errs.ErrTenantMissing)
			}
		})
		t.Run("tenant B/"+name, func(t *testing.T) {
			got, err := tc.call(ctxB, s)
			switch tc.want {
			case "not found":
				if !errors.Is(err, partners.ErrKeyNotFound) {
					t.Fatalf("got %v, err %v; want not found", got, err)
				}
			case "none":
				if err != nil || got != false {
					t.Fatalf("got %v, %v; want nothing", got, err)
				}
			case "ok":
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	after, err := s.Key(ctxA, k.ID)
	if err != nil || !reflect.DeepEqual(before, after) {
		t.Fatalf("tenant B changed tenant A's key:\n%+v\n%+v (%v)", before, after, err)
	}
}

func TestRevokeAndTouch(t *testing.T) {
	s, _, k := newStore(t)
	at := ct.Start.Add(time.Minute)
	if err := s.TouchKey(ctxA, k.ID, at, at.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	// Within the minute the guard keeps the first write.
	if err := s.TouchKey(ctxA, k.ID, at.Add(30*time.Second), at.Add(-30*time.Second)); err != nil {
		t.Fatal(err)
	}
	got, err := s.KeyByHash(ctxA, hashA)
	if err != nil || got.LastUsedAt == nil || !got.LastUsedAt.Equal(at) {
		t.Fatalf("last used %v, %v", got.LastUsedAt, err)
	}
	r, ok, err := s.RevokeKey(ctxA, k.ID, "admin-1", at)
	if err != nil || !ok || !r.RevokedAt.Equal(at) || r.RevokedBy != "admin-1" {
		t.Fatalf("revoke: %+v %v %v", r, ok, err)
	}
	r, ok, err = s.RevokeKey(ctxA, k.ID, "admin-2", at.Add(time.Hour))
	if err != nil || ok || !r.RevokedAt.Equal(at) || r.RevokedBy != "admin-1" {
		t.Fatalf("second revoke: %+v %v %v", r, ok, err)
	}
	if _, _, err := s.RevokeKey(ctxA, "nope", "admin-1", at); !errors.Is(err, partners.ErrKeyNotFound) {
		t.Fatalf("unknown key: %v", err)
	}
}

// On PostgreSQL row-level security is the second wall: inside tenant B's
// scope a query without WHERE sees none of A's keys and cannot write one;
// and keys cannot be deleted by the tenant role (revoked keys stay as the
// audit).
func TestRowLevelSecurity(t *testing.T) {
	s, d, k := newStore(t)
	pg := d.Dialect == db.Postgres
	var inB int
	if err := d.TenantRead(ctxB, func(ctx context.Context, q bun.IDB) error {
		return q.NewRaw("SELECT count(*) FROM partner_keys").Scan(ctx, &inB)
	}); err != nil {
		t.Fatal(err)
	}
	if pg && inB != 0 || !pg && inB != 1 {
		t.Fatalf("tenant B's scope counts %d keys (PostgreSQL %v)", inB, pg)
	}
	if !pg {
		return
	}
	if err := d.Tenant(ctxB, func(ctx context.Context, q bun.IDB) error {
		_, err := q.NewRaw("UPDATE partner_keys SET revoked_at = now(), revoked_by = 'x'").Exec(ctx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Key(ctxA, k.ID); err != nil || got.Revoked() {
		t.Fatalf("an UPDATE without WHERE in B's scope revoked A's key (%v)", err)
	}
	err := d.Tenant(ctxB, func(ctx context.Context, q bun.IDB) error {
		_, err := q.NewRaw(`INSERT INTO partner_keys (tenant_id, id, name, prefix, secret_hash, created_by, created_at)
			VALUES (?, 'x', 'x', 'x', 'x', 'cli', now())`, ct.TenantA).Exec(ctx)
		return err
	})
	if err == nil {
		t.Fatal("tenant B wrote a key of tenant A")
	}
	err = d.Tenant(ctxA, func(ctx context.Context, q bun.IDB) error {
		_, err := q.NewRaw("DELETE FROM partner_keys").Exec(ctx)
		return err
	})
	if err == nil {
		t.Fatal("the tenant role deleted keys")
	}
}
