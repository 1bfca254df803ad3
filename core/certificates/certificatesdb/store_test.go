package certificatesdb_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/certificates/certificatesdb"
	ct "github.com/consult/platform/core/certificates/certificatestest"
	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/errs"
)

var (
	ctxA = ct.Ctx(ct.TenantA)
	ctxB = ct.Ctx(ct.TenantB)
)

// fixture is tenant A's certificate with a reservation, an event and an
// activation counter, made through the store.
type fixture struct {
	cert certificates.Certificate
	user certificates.Customer
	res  string
}

func newFixture(t *testing.T, e *ct.Env) fixture {
	t.Helper()
	c, cust := e.Bound(t, ct.TenantA, "PET1_3", "+79990000001")
	e.Clock.Set(c.Term.Start)
	res, err := e.Service.Reserve(ctxA, c.ID, ct.Vet, cust.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, err := e.Store.CountFailure(ctxA, "user:"+cust.UserID, e.Clock.Now(), time.Hour, 10); err != nil || !ok {
		t.Fatal(ok, err)
	}
	c, err = e.Store.Certificate(ctxA, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{cert: c, user: cust, res: res}
}

// storeCalls calls every method of the store on tenant A's rows; want
// says what the call must answer from another tenant: "not found", "none"
// (false, empty or zero), "error" or "ok".
func storeCalls(f fixture, now time.Time) map[string]struct {
	call func(ctx context.Context, s *certificatesdb.Store) (any, error)
	want string
} {
	c, user := f.cert, f.user.UserID
	type entry = struct {
		call func(ctx context.Context, s *certificatesdb.Store) (any, error)
		want string
	}
	return map[string]entry{
		"InTx": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			return nil, s.InTx(ctx, func(context.Context) error { return nil })
		}, "ok"},
		"CreateCertificate": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			return s.CreateCertificate(ctx, otherCertificate(c, "0192f0c8-0000-7000-8000-00000000000a", "K7QM-3XPA-9TRW-C", "b-key"), "digest")
		}, "ok"},
		"CertificateBySource": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			c, _, err := s.CertificateBySource(ctx, c.Source, c.SourceKey)
			return c, err
		}, "not found"},
		"CertificateByNumber": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			return s.CertificateByNumber(ctx, c.Number)
		}, "not found"},
		"Certificate": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			return s.Certificate(ctx, c.ID)
		}, "not found"},
		"HolderCertificates": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			list, err := s.HolderCertificates(ctx, user)
			return len(list) > 0, err
		}, "none"},
		"ListCertificates": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			// Narrowed to A's holder: CreateCertificate may have made one in B.
			list, err := s.ListCertificates(ctx, certificates.ListQuery{Phone: c.Holder.Phone, Now: now, Limit: 10})
			return len(list) > 0, err
		}, "none"},
		"Bind": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			return s.Bind(ctx, c.ID, user, "", now)
		}, "none"},
		"Transfer": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			return s.Transfer(ctx, c.ID, user, "+79990000002", now)
		}, "none"},
		"MarkActivated": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			return s.MarkActivated(ctx, c.ID, now)
		}, "none"},
		"ReserveUnit": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			return s.ReserveUnit(ctx, certificates.Reservation{ID: "r-b", CertificateID: c.ID, ServiceKind: ct.Vet,
				UserID: user, State: certificates.ReservationReserved, CreatedAt: now}, now)
		}, "none"},
		"Reservation": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			return s.Reservation(ctx, f.res)
		}, "not found"},
		"SettleReservation": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			return s.SettleReservation(ctx, f.res, certificates.ReservationUsed, now)
		}, "none"},
		"AddEvents": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			return nil, s.AddEvents(ctx, certificates.Event{ID: "e-b", CertificateID: c.ID, Kind: certificates.EventIssued,
				Actor: certificates.ActorSystem, At: now})
		}, "error"}, // the composite foreign key finds no such certificate in this tenant
		"Events": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			list, err := s.Events(ctx, c.ID)
			return len(list) > 0, err
		}, "none"},
		"CountFailure": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			// A's subject has one failure; in B it is a fresh counter
			// that allows exactly one.
			ok, _, err := s.CountFailure(ctx, "user:"+user, now, time.Hour, 1)
			return !ok, err
		}, "none"},
		"ForgiveFailure": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			return nil, s.ForgiveFailure(ctx, "user:"+user)
		}, "ok"},
		"PurgeFailures": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			n, err := s.PurgeFailures(ctx, now.Add(time.Hour))
			return n > 1, err // at most the counter CountFailure made in B
		}, "none"},
		"EraseHolder": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			return nil, s.EraseHolder(ctx, user)
		}, "ok"},
		"Enqueue": {func(ctx context.Context, s *certificatesdb.Store) (any, error) {
			return nil, s.Enqueue(ctx, now, notify.Message{TenantID: ct.TenantA, Channel: notify.SMS, To: "+79990000001",
				Text: "x", Kind: certificates.KindIssued})
		}, "error"},
	}
}

// otherCertificate is c made anew with another id, number and source key,
// unbound and unused.
func otherCertificate(c certificates.Certificate, id, number, key string) certificates.Certificate {
	d := c
	d.ID, d.Number, d.SourceKey = id, number, key
	d.Holder = certificates.Holder{Phone: "+79990000009"}
	d.ActivatedAt = nil
	d.Quotas = []certificates.Quota{{ServiceKind: ct.Vet, Quota: 1}}
	return d
}

func TestEveryStoreMethodIsCovered(t *testing.T) {
	calls := storeCalls(fixture{}, time.Time{})
	typ := reflect.TypeFor[*certificatesdb.Store]()
	for i := range typ.NumMethod() {
		if _, ok := calls[typ.Method(i).Name]; !ok {
			t.Errorf("storeCalls lacks %s", typ.Method(i).Name)
		}
	}
	if len(calls) != typ.NumMethod() {
		t.Errorf("storeCalls has %d calls for %d methods", len(calls), typ.NumMethod())
	}
}

// SECURITY.md 12: every store method fails closed without a tenant, and
// from another tenant sees, changes and counts nothing of tenant A's.
func TestStoreTenantIsolation(t *testing.T) {
	e := ct.New(t)
	f := newFixture(t, e)
	now := e.Clock.Now()
	snapshot := func() (certificates.Certificate, []certificates.Event, certificates.Reservation) {
		c, err := e.Store.Certificate(ctxA, f.cert.ID)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := e.Store.Events(ctxA, f.cert.ID)
		if err != nil {
			t.Fatal(err)
		}
		r, err := e.Store.Reservation(ctxA, f.res)
		if err != nil {
			t.Fatal(err)
		}
		return c, ev, r
	}
	c0, ev0, r0 := snapshot()
	for name, tc := range storeCalls(f, now) {
		t.Run("no tenant/"+name, func(t *testing.T) {
			if _, err := tc.call(context.Background(), e.Store); !errors.Is(err, errs.ErrTenantMissing) {
				t.Fatalf("err = %v, want %v", err, errs.ErrTenantMissing)
			}
		})
		t.Run("tenant B/"+name, func(t *testing.T) {
			got, err := tc.call(ctxB, e.Store)
			switch tc.want {
			case "not found":
				if !errors.Is(err, certificates.ErrNotFound) {
					t.Fatalf("err = %v, want not found", err)
				}
			case "none":
				if err != nil || got != false {
					t.Fatalf("got %v, %v; want nothing", got, err)
				}
			case "error":
				if err == nil {
					t.Fatal("no error")
				}
			case "ok":
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	c1, ev1, r1 := snapshot()
	if !reflect.DeepEqual(c0, c1) || !reflect.DeepEqual(ev0, ev1) || !reflect.DeepEqual(r0, r1) {
		t.Fatalf("tenant B changed tenant A's rows:\n%+v\n%+v", c0, c1)
	}
	var failures int
	if err := e.DB.NewRaw("SELECT failures FROM certificate_activation_limits WHERE tenant_id = ? AND subject = ?",
		ct.TenantA, "user:"+f.user.UserID).Scan(context.Background(), &failures); err != nil || failures != 1 {
		t.Fatalf("tenant A's counter is %d (%v)", failures, err)
	}
	// Numbers and source keys are unique per tenant: B may have A's.
	same := otherCertificate(f.cert, "0192f0c8-0000-7000-8000-00000000000b", f.cert.Number, f.cert.SourceKey)
	if ok, err := e.Store.CreateCertificate(ctxB, same, "digest"); err != nil || !ok {
		t.Fatalf("tenant B with A's number and key: %v, %v", ok, err)
	}
	if got, err := e.Store.CertificateByNumber(ctxB, f.cert.Number); err != nil || got.ID != same.ID {
		t.Fatalf("tenant B reads %q, %v", got.ID, err)
	}
	if got, err := e.Store.CertificateByNumber(ctxA, f.cert.Number); err != nil || got.ID != f.cert.ID {
		t.Fatalf("tenant A reads %q, %v", got.ID, err)
	}
	// In one tenant, a second certificate with a taken number is refused
	// as ErrNumberTaken, for Issue to draw another.
	dup := otherCertificate(f.cert, "0192f0c8-0000-7000-8000-00000000000c", f.cert.Number, "another-key")
	if _, err := e.Store.CreateCertificate(ctxA, dup, "digest"); !errors.Is(err, certificates.ErrNumberTaken) {
		t.Fatalf("a taken number: %v", err)
	}
}

// On PostgreSQL row-level security is the second wall: inside tenant B's
// scope a query that forgets its WHERE sees none of A's rows, cannot write
// one, and the history cannot be rewritten at all. On SQLite the first
// wall (the store's tenant_id = ?) is the only one, which the test above
// proves on both.
func TestRowLevelSecurity(t *testing.T) {
	e := ct.New(t)
	fx := newFixture(t, e)
	pg := e.DB.Dialect == db.Postgres
	for _, table := range []string{"certificates", "certificate_quotas", "certificate_reservations", "certificate_events",
		"certificate_activation_limits"} {
		t.Run(table, func(t *testing.T) {
			var inA, inB int
			for ctx, n := range map[context.Context]*int{ctxA: &inA, ctxB: &inB} {
				err := e.DB.TenantRead(ctx, func(ctx context.Context, q bun.IDB) error {
					return q.NewRaw("SELECT count(*) FROM ?", bun.Ident(table)).Scan(ctx, n)
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			if inA == 0 {
				t.Fatal("the fixture has no row here")
			}
			if pg && inB != 0 || !pg && inB != inA {
				t.Fatalf("tenant B's scope counts %d rows (A's: %d, PostgreSQL %v)", inB, inA, pg)
			}
		})
	}
	if !pg {
		return
	}
	err := e.DB.Tenant(ctxB, func(ctx context.Context, q bun.IDB) error {
		_, err := q.NewRaw("UPDATE certificates SET holder_user_id = NULL").Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := e.Store.Certificate(ctxA, fx.cert.ID); err != nil || c.Holder.UserID == "" {
		t.Fatalf("an UPDATE without WHERE in tenant B's scope unbound A's certificate (%v)", err)
	}
	err = e.DB.Tenant(ctxB, func(ctx context.Context, q bun.IDB) error {
		_, err := q.NewRaw(`INSERT INTO certificate_activation_limits (tenant_id, subject, window_start, failures)
			VALUES (?, 'x', now(), 0)`, ct.TenantA).Exec(ctx)
		return err
	})
	if err == nil {
		t.Fatal("tenant B wrote a row of tenant A")
	}
	for _, stmt := range []string{"UPDATE certificate_events SET detail = 'x'", "DELETE FROM certificate_events",
		"DELETE FROM certificates", "TRUNCATE certificate_activation_limits"} {
		err := e.DB.Tenant(ctxA, func(ctx context.Context, q bun.IDB) error {
			_, err := q.NewRaw(stmt).Exec(ctx)
			return err
		})
		if err == nil {
			t.Fatalf("%s: allowed to the tenant role", stmt)
		}
	}
}
