package certificates_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/core/certificates"
	ct "github.com/consult/platform/core/certificates/certificatestest"
	"github.com/consult/platform/core/platform/errs"
)

// issueFor issues package code paid at paid, bound to cust.
func issueFor(tb testing.TB, e *ct.Env, cust certificates.Customer, code string, paid time.Time) certificates.Certificate {
	tb.Helper()
	in := e.Input(code)
	in.PaidAt, in.Holder.UserID, in.Holder.Phone = paid, cust.UserID, cust.Phone
	return e.Issue(tb, ct.TenantA, in)
}

func numbers(list []certificates.Summary) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.PackageCode + "/" + string(s.State)
	}
	return out
}

func TestMine(t *testing.T) {
	e := ct.New(t)
	cust := e.Customer(t, ct.TenantA, "+79990000001")
	// Now is 15 January 2026, 14:00 Moscow.
	long := issueFor(t, e, cust, "PET1_3", at(2025, 12, 20, 10, 0, 0)) // 21 Dec – 20 Mar: active
	soon := issueFor(t, e, cust, "PET1+", at(2026, 1, 5, 10, 0, 0))    // 6 – 26 Jan: active, ends first
	today := issueFor(t, e, cust, "PET1+", at(2026, 1, 15, 13, 0, 0))  // 16 Jan – 5 Feb: not started
	old := issueFor(t, e, cust, "PET1", at(2025, 11, 10, 10, 0, 0))    // 11 Nov – 10 Dec: expired
	spent := issueFor(t, e, cust, "PET1+", at(2026, 1, 2, 10, 0, 0))   // 3 – 23 Jan: used up below
	e.Issue(t, ct.TenantA, e.Input("PET1"))                            // somebody else's
	rid, err := e.Service.Reserve(ctxA, spent.ID, ct.Vet, cust.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Service.WriteOff(ctxA, rid); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Service.Reserve(ctxA, long.ID, ct.Vet, cust.UserID); err != nil {
		t.Fatal(err)
	}

	active, inactive, err := e.Service.Mine(ctxA, cust.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := numbers(active), []string{"PET1+/active", "PET1+/not_started", "PET1_3/active"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("active %v, want %v", got, want)
	}
	if active[0].ID != soon.ID || active[1].ID != today.ID || active[2].ID != long.ID {
		t.Fatal("active ones in the wrong order")
	}
	if got, want := numbers(inactive), []string{"PET1+/used_up", "PET1/expired"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("inactive %v, want %v", got, want)
	}
	if inactive[0].ID != spent.ID || inactive[1].ID != old.ID {
		t.Fatal("inactive ones in the wrong order")
	}
	// Remaining per service, days left in Moscow's calendar.
	if got := active[2].Remaining; got[ct.Vet] != 2 || got[ct.Video] != 1 || got[ct.Diet] != 1 {
		t.Fatalf("remaining %v", got)
	}
	for _, c := range []struct {
		s    certificates.Summary
		days int
	}{{active[0], 12}, {active[1], 21}, {active[2], 65}, {inactive[0], 9}, {inactive[1], 0}} {
		if c.s.DaysLeft != c.days {
			t.Errorf("%s: %d days left, want %d", c.s.PackageCode, c.s.DaysLeft, c.days)
		}
	}

	// At the last instant of its last day the soonest is active, with one
	// day left; at 24:00 it is expired and moves below.
	e.Clock.Set(soon.Term.End.Add(-time.Microsecond))
	active, _, _ = e.Service.Mine(ctxA, cust.UserID)
	if active[0].ID != soon.ID || active[0].State != certificates.StateActive || active[0].DaysLeft != 1 {
		t.Fatalf("at the last instant: %+v", active[0].State)
	}
	e.Clock.Set(soon.Term.End)
	active, inactive, _ = e.Service.Mine(ctxA, cust.UserID)
	if len(active) != 2 || inactive[0].ID != soon.ID || inactive[0].State != certificates.StateExpired || inactive[0].DaysLeft != 0 {
		t.Fatalf("at term_end: active %v, inactive %v", numbers(active), numbers(inactive))
	}

	// Nobody's list is empty, not nil; another tenant's is empty.
	for _, ctx := range []context.Context{ctxA, ctxB} {
		user := "nobody"
		if ctx == ctxB {
			user = cust.UserID
		}
		a, i, err := e.Service.Mine(ctx, user)
		if err != nil || a == nil || i == nil || len(a)+len(i) != 0 {
			t.Fatalf("empty list: %v, %v, %v", a, i, err)
		}
	}
}

// The call centre's check (003 5.3.4, 004 5.3.5): holder, term, quotas and
// history.
func TestLookup(t *testing.T) {
	e := ct.New(t)
	c := e.Issue(t, ct.TenantA, e.Input("PET1_3"))
	cust := e.Customer(t, ct.TenantA, "+79990000001")
	if _, err := e.Service.Activate(ctxA, c.Number, cust, client("192.0.2.1")); err != nil {
		t.Fatal(err)
	}
	e.Clock.Set(c.Term.Start.Add(9 * time.Hour))
	r1, err := e.Service.Reserve(ctxA, c.ID, ct.Vet, cust.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Service.WriteOff(ctxA, r1); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Service.Reserve(ctxA, c.ID, ct.Video, cust.UserID); err != nil {
		t.Fatal(err)
	}
	d, err := e.Service.Lookup(ctxA, strings.ToLower(c.Number))
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != c.ID || d.Holder.UserID != cust.UserID || d.Holder.Phone != "+79991234567" || d.State != certificates.StateActive ||
		d.DaysLeft != 90 || !d.Term.LastDay().Equal(midnight(2026, 4, 15)) {
		t.Fatalf("details %+v, %d days", d.Certificate, d.DaysLeft)
	}
	want := map[string]certificates.Quota{
		ct.Vet:   {ServiceKind: ct.Vet, Quota: 3, Used: 1},
		ct.Video: {ServiceKind: ct.Video, Quota: 1, Reserved: 1},
		ct.Diet:  {ServiceKind: ct.Diet, Quota: 1},
	}
	for _, q := range d.Quotas {
		if q != want[q.ServiceKind] {
			t.Errorf("quota %+v, want %+v", q, want[q.ServiceKind])
		}
	}
	var kinds []string
	for _, ev := range d.Events {
		kinds = append(kinds, string(ev.Kind))
	}
	if got := strings.Join(kinds, ","); got != "issued,delivered,activated,reserved,written_off,reserved" {
		t.Fatalf("history %s", got)
	}
	if ev := d.Events[4]; ev.ServiceKind != ct.Vet || ev.ReservationID != r1 || ev.Actor != certificates.ActorSystem {
		t.Fatalf("write-off event %+v", ev)
	}
	if ev := d.Events[2]; ev.Actor != certificates.ActorCustomer || ev.ActorUserID != cust.UserID {
		t.Fatalf("activation event %+v", ev)
	}
	for _, number := range []string{"", "garbage", c.Number[:10]} {
		if _, err := e.Service.Lookup(ctxA, number); !errors.Is(err, certificates.ErrNotFound) {
			t.Fatalf("Lookup(%q): %v", number, err)
		}
	}
	if _, err := e.Service.Lookup(ctxB, c.Number); !errors.Is(err, certificates.ErrNotFound) {
		t.Fatalf("another tenant looks it up: %v", err)
	}
}

func TestEraseHolder(t *testing.T) {
	e := ct.New(t)
	c, cust := e.Bound(t, ct.TenantA, "PET1", "+79990000001")
	other, _ := e.Bound(t, ct.TenantA, "PET1", "+79990000002")
	if err := e.Service.EraseHolder(ctxB, cust.UserID); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Store.Certificate(ctxA, c.ID); got.Holder.Phone == "" {
		t.Fatal("another tenant erased it")
	}
	if err := e.Service.EraseHolder(ctxA, cust.UserID); err != nil {
		t.Fatal(err)
	}
	got, _ := e.Store.Certificate(ctxA, c.ID)
	if got.Holder != (certificates.Holder{UserID: cust.UserID}) || got.Number != c.Number {
		t.Fatalf("after erasure %+v", got.Holder)
	}
	if got, _ := e.Store.Certificate(ctxA, other.ID); got.Holder.Phone != "+79990000002" {
		t.Fatal("another holder was erased")
	}
}

// serviceCalls calls every exported method of the service.
func serviceCalls(number, certID, userID string) map[string]func(ctx context.Context, s *certificates.Service) (any, error) {
	cust := certificates.Customer{UserID: userID, Phone: "+79990000001"}
	return map[string]func(ctx context.Context, s *certificates.Service) (any, error){
		"Issue": func(ctx context.Context, s *certificates.Service) (any, error) {
			c, _, err := s.Issue(ctx, certificates.IssueInput{})
			return c, err
		},
		"Activate": func(ctx context.Context, s *certificates.Service) (any, error) {
			return s.Activate(ctx, number, certificates.Customer{UserID: "x"}, client("192.0.2.1"))
		},
		"Transfer": func(ctx context.Context, s *certificates.Service) (any, error) {
			return s.Transfer(ctx, number, cust, "+79990000002", client(""))
		},
		"Mine": func(ctx context.Context, s *certificates.Service) (any, error) {
			a, i, err := s.Mine(ctx, userID)
			return len(a) + len(i), err
		},
		"Lookup": func(ctx context.Context, s *certificates.Service) (any, error) { return s.Lookup(ctx, number) },
		"Reserve": func(ctx context.Context, s *certificates.Service) (any, error) {
			return s.Reserve(ctx, certID, ct.Vet, userID)
		},
		"Release": func(ctx context.Context, s *certificates.Service) (any, error) { return nil, s.Release(ctx, "r") },
		"WriteOff": func(ctx context.Context, s *certificates.Service) (any, error) {
			return nil, s.WriteOff(ctx, "r")
		},
		"EraseHolder": func(ctx context.Context, s *certificates.Service) (any, error) {
			return nil, s.EraseHolder(ctx, userID)
		},
		"Purge": func(ctx context.Context, s *certificates.Service) (any, error) { return s.Purge(ctx) },
		"BySource": func(ctx context.Context, s *certificates.Service) (any, error) {
			return s.BySource(ctx, certificates.SourcePartner, "key-1")
		},
		"List": func(ctx context.Context, s *certificates.Service) (any, error) {
			p, err := s.List(ctx, certificates.ListFilter{})
			return len(p.Items), err
		},
	}
}

func TestEveryServiceMethodIsCovered(t *testing.T) {
	calls := serviceCalls("", "", "")
	typ := reflect.TypeFor[*certificates.Service]()
	for i := range typ.NumMethod() {
		if _, ok := calls[typ.Method(i).Name]; !ok {
			t.Errorf("serviceCalls lacks %s", typ.Method(i).Name)
		}
	}
	if len(calls) != typ.NumMethod() {
		t.Errorf("serviceCalls has %d calls for %d methods", len(calls), typ.NumMethod())
	}
}

// Without a tenant every method fails closed; in another tenant none sees
// or changes tenant A's certificate.
func TestTenantIsolation(t *testing.T) {
	e := ct.New(t)
	c, cust := e.Bound(t, ct.TenantA, "PET1_3", "+79990000001")
	e.Clock.Set(c.Term.Start)
	for name, call := range serviceCalls(c.Number, c.ID, cust.UserID) {
		t.Run("no tenant/"+name, func(t *testing.T) {
			if _, err := call(context.Background(), e.Service); !errors.Is(err, errs.ErrTenantMissing) {
				t.Fatalf("err = %v, want %v", err, errs.ErrTenantMissing)
			}
		})
		t.Run("tenant B/"+name, func(t *testing.T) {
			got, err := call(ctxB, e.Service)
			switch name {
			case "Issue":
				wantErr(t, err, certificates.ErrIssueInvalid)
			case "Mine", "List":
				if err != nil || got != 0 {
					t.Fatalf("lists %v, %v", got, err)
				}
			case "EraseHolder":
				if err != nil {
					t.Fatal(err)
				}
			case "Purge":
				if err != nil || got != 0 {
					t.Fatalf("purged %v, %v", got, err)
				}
			default:
				wantErr(t, err, certificates.ErrNotFound)
			}
		})
	}
	after, err := e.Store.Certificate(ctxA, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Holder != c.Holder || after.ActivatedAt != nil || after.TransferredAt != nil || after.Quotas[0].Reserved != 0 {
		t.Fatalf("tenant B changed it: %+v", after)
	}
	if n := e.Count(t, "certificate_events", "certificate_id = ?", c.ID); n != 2 {
		t.Fatalf("%d events, want issued and delivered only", n)
	}
}
