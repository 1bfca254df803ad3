package media_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/media"
	"github.com/consult/platform/core/media/mediadb"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/dbtest"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/tenants"
	"github.com/consult/platform/tenants/tenantsdb"
)

var t0 = time.Date(2026, 1, 15, 11, 0, 0, 0, time.UTC)

// newAvatars returns the service over a migrated database holding the
// tenants alpha and beta (media has a foreign key to tenants).
func newAvatars(tb testing.TB) (*media.Avatars, *db.DB) {
	tb.Helper()
	d := dbtest.New(tb)
	in := tenantsdb.Input{Source: "test", File: func(string, string) ([]byte, error) { return nil, errors.New("no files") }}
	for _, id := range []string{"alpha", "beta"} {
		in.Tenants = append(in.Tenants, tenants.Tenant{ID: id, Kind: tenants.KindVendor, Name: tenants.Text{"ru": id},
			Timezone: "Europe/Moscow", DefaultLocale: "ru", PhoneRegion: "RU"})
	}
	if _, err := tenantsdb.Sync(context.Background(), d, in, t0); err != nil {
		tb.Fatal(err)
	}
	return media.NewAvatars(mediadb.NewStore(d), clock.NewFake(t0)), d
}

func avatar(tb testing.TB, w, h int, alpha uint8) media.Image {
	tb.Helper()
	img, err := media.ProcessAvatar(bytes.NewReader(encodePNG(tb, halves(w, h, alpha))), limit)
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

func countMedia(tb testing.TB, d *db.DB) int {
	tb.Helper()
	var n int
	if err := d.NewRaw("SELECT count(*) FROM media").Scan(context.Background(), &n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestAvatars(t *testing.T) {
	svc, d := newAvatars(t)
	alpha := tenancy.With(context.Background(), "alpha")
	beta := tenancy.With(context.Background(), "beta")
	first, second := avatar(t, 600, 300, 255), avatar(t, 40, 40, 90)

	id1, err := svc.Put(alpha, "u1", first)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("get returns what was put", func(t *testing.T) {
		got, err := svc.Get(alpha, id1)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes, first.Bytes) || got.ContentType != media.ContentJPEG || got.Width != 512 || got.Height != 256 {
			t.Fatalf("got %s %dx%d, %d bytes", got.ContentType, got.Width, got.Height, len(got.Bytes))
		}
	})
	id2, err := svc.Put(alpha, "u1", second)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("put replaces the previous avatar", func(t *testing.T) {
		if id2 == id1 {
			t.Fatal("same id for a new avatar")
		}
		if _, err := svc.Get(alpha, id1); !errors.Is(err, media.ErrNotFound) {
			t.Fatalf("old avatar: %v", err)
		}
		got, err := svc.Get(alpha, id2)
		if err != nil || got.ContentType != media.ContentPNG || !bytes.Equal(got.Bytes, second.Bytes) {
			t.Fatalf("new avatar: %s, %v", got.ContentType, err)
		}
		if n := countMedia(t, d); n != 1 {
			t.Fatalf("%d rows after replacing", n)
		}
	})
	t.Run("another tenant cannot read it", func(t *testing.T) {
		if _, err := svc.Get(beta, id2); !errors.Is(err, media.ErrNotFound) || errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("%v", err)
		}
	})
	t.Run("the same owner id in another tenant is another user", func(t *testing.T) {
		idBeta, err := svc.Put(beta, "u1", first)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Get(alpha, id2); err != nil {
			t.Fatalf("beta's upload replaced alpha's avatar: %v", err)
		}
		if err := svc.DeleteAllOf(beta, "u1"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Get(beta, idBeta); !errors.Is(err, media.ErrNotFound) {
			t.Fatalf("%v", err)
		}
		if _, err := svc.Get(alpha, id2); err != nil {
			t.Fatalf("deleting beta's u1 deleted alpha's: %v", err)
		}
	})
	t.Run("unknown id", func(t *testing.T) {
		if _, err := svc.Get(alpha, "no-such-id"); !errors.Is(err, media.ErrNotFound) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("delete all of the owner", func(t *testing.T) {
		if _, err := svc.Put(alpha, "u2", first); err != nil {
			t.Fatal(err)
		}
		if err := svc.DeleteAllOf(alpha, "u1"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Get(alpha, id2); !errors.Is(err, media.ErrNotFound) {
			t.Fatalf("%v", err)
		}
		if err := svc.DeleteAllOf(alpha, "u1"); err != nil {
			t.Fatalf("second delete: %v", err)
		}
		if n := countMedia(t, d); n != 1 {
			t.Fatalf("%d rows left, want u2's", n)
		}
	})
}

func TestAvatarsRefuse(t *testing.T) {
	svc, _ := newAvatars(t)
	alpha := tenancy.With(context.Background(), "alpha")
	good := avatar(t, 10, 10, 255)
	cases := []struct {
		name  string
		ctx   context.Context
		owner string
		img   media.Image
		want  error
	}{
		{"no tenant", context.Background(), "u1", good, errs.ErrTenantMissing},
		{"no owner", alpha, "", good, nil},
		{"raw upload, not processed", alpha, "u1", media.Image{Bytes: []byte("GIF89a"), ContentType: "image/gif", Width: 1, Height: 1}, nil},
		{"too big to be processed", alpha, "u1", media.Image{Bytes: good.Bytes, ContentType: media.ContentJPEG, Width: 4000, Height: 10}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.Put(tc.ctx, tc.owner, tc.img)
			if tc.want != nil && !errors.Is(err, tc.want) || errs.KindOf(err) != errs.KindInternal {
				t.Fatalf("%v", err)
			}
		})
	}
	t.Run("get and delete without a tenant", func(t *testing.T) {
		if _, err := svc.Get(context.Background(), "x"); !errors.Is(err, errs.ErrTenantMissing) {
			t.Fatalf("get: %v", err)
		}
		if err := svc.DeleteAllOf(context.Background(), "u1"); !errors.Is(err, errs.ErrTenantMissing) {
			t.Fatalf("delete: %v", err)
		}
	})
}

// TestAvatarPutRace: uploads at once for one owner leave one avatar.
func TestAvatarPutRace(t *testing.T) {
	svc, d := newAvatars(t)
	alpha := tenancy.With(context.Background(), "alpha")
	img := avatar(t, 20, 20, 255)
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			if _, err := svc.Put(alpha, "u1", img); err != nil {
				errc <- err
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if n := countMedia(t, d); n != 1 {
		t.Fatalf("%d avatars after concurrent uploads", n)
	}
}

// TestMediaRowLevelSecurity: on PostgreSQL a query that forgets its WHERE
// inside a tenant scope still sees only that tenant's pictures.
func TestMediaRowLevelSecurity(t *testing.T) {
	svc, d := newAvatars(t)
	ctx := context.Background()
	for _, tenant := range []string{"alpha", "beta"} {
		if _, err := svc.Put(tenancy.With(ctx, tenant), "u1", avatar(t, 10, 10, 255)); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	err := d.TenantRead(tenancy.With(ctx, "alpha"), func(ctx context.Context, q bun.IDB) error {
		return q.NewRaw("SELECT count(*) FROM media").Scan(ctx, &n)
	})
	want := 2 // SQLite: the store's tenant_id = ? is the only wall
	if d.Dialect == db.Postgres {
		want = 1
	}
	if err != nil || n != want {
		t.Fatalf("alpha's scope counts %d pictures, want %d (%v)", n, want, err)
	}
}
