package certificates_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/tenants"
)

var msk = clock.Moscow

// at is an instant on the Moscow wall clock.
func at(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, msk)
}

// midnight is 00:00 Moscow of a day.
func midnight(y int, m time.Month, d int) time.Time { return at(y, m, d, 0, 0, 0) }

func days(n int) tenants.Term   { return tenants.Term{Days: n} }
func months(n int) tenants.Term { return tenants.Term{Months: n} }

// TestTerm holds Term to offers 003/004 3.4 and 6.1 and Civil Code arts.
// 191–192: the term starts at 00:00 of the day after the payment day in
// Moscow and ends at 24:00 of the last day (the next 00:00, exclusive).
func TestTerm(t *testing.T) {
	tests := []struct {
		name      string
		paid      time.Time
		term      tenants.Term
		firstDay  time.Time // = start
		lastDayTo time.Time // = end: 00:00 after the last day
	}{
		{"21 days, afternoon", at(2026, 1, 15, 14, 0, 0), days(21), midnight(2026, 1, 16), midnight(2026, 2, 6)},
		// 23:59:59 Moscow is 20:59:59 UTC the same day: still 1 March.
		{"paid 23:59:59 Moscow", at(2026, 3, 1, 23, 59, 59), days(21), midnight(2026, 3, 2), midnight(2026, 3, 23)},
		// 00:00:00 Moscow on 2 March is 21:00:00 UTC on 1 March: the
		// payment day is 2 March, whatever UTC says.
		{"paid 00:00:00 Moscow (21:00 UTC the day before)", time.Date(2026, 3, 1, 21, 0, 0, 0, time.UTC), days(21), midnight(2026, 3, 3), midnight(2026, 3, 24)},
		{"paid 20:59:59 UTC is still the Moscow day", time.Date(2026, 3, 1, 20, 59, 59, 0, time.UTC), days(21), midnight(2026, 3, 2), midnight(2026, 3, 23)},
		{"21 days across a month end", at(2026, 2, 15, 10, 0, 0), days(21), midnight(2026, 2, 16), midnight(2026, 3, 9)},
		{"21 days across a leap February", at(2028, 2, 15, 10, 0, 0), days(21), midnight(2028, 2, 16), midnight(2028, 3, 8)},
		{"21 days across the year end", at(2026, 12, 20, 10, 0, 0), days(21), midnight(2026, 12, 21), midnight(2027, 1, 11)},
		{"21 days paid on 31 December", at(2026, 12, 31, 23, 59, 59), days(21), midnight(2027, 1, 1), midnight(2027, 1, 22)},
		{"1 day", at(2026, 1, 15, 14, 0, 0), days(1), midnight(2026, 1, 16), midnight(2026, 1, 17)},
		{"1 month, same date", at(2026, 1, 15, 14, 0, 0), months(1), midnight(2026, 1, 16), midnight(2026, 2, 16)},
		{"31 Jan + 1 month → 28 Feb", at(2026, 1, 31, 12, 0, 0), months(1), midnight(2026, 2, 1), midnight(2026, 3, 1)},
		{"31 Jan + 1 month in a leap year → 29 Feb", at(2028, 1, 31, 12, 0, 0), months(1), midnight(2028, 2, 1), midnight(2028, 3, 1)},
		{"30 Jan + 1 month → 28 Feb", at(2026, 1, 30, 12, 0, 0), months(1), midnight(2026, 1, 31), midnight(2026, 3, 1)},
		{"28 Feb + 1 month → 28 Mar", at(2026, 2, 28, 12, 0, 0), months(1), midnight(2026, 3, 1), midnight(2026, 3, 29)},
		{"29 Feb 2028 + 12 months → 28 Feb 2029", at(2028, 2, 29, 12, 0, 0), months(12), midnight(2028, 3, 1), midnight(2029, 3, 1)},
		{"29 Feb 2028 + 1 month → 29 Mar", at(2028, 2, 29, 12, 0, 0), months(1), midnight(2028, 3, 1), midnight(2028, 3, 30)},
		{"28 Feb 2027 + 12 months → 28 Feb 2028, not 29", at(2027, 2, 28, 12, 0, 0), months(12), midnight(2027, 3, 1), midnight(2028, 2, 29)},
		{"30 Nov + 3 months → 28 Feb", at(2026, 11, 30, 12, 0, 0), months(3), midnight(2026, 12, 1), midnight(2027, 3, 1)},
		{"30 Nov 2027 + 3 months → 29 Feb 2028", at(2027, 11, 30, 12, 0, 0), months(3), midnight(2027, 12, 1), midnight(2028, 3, 1)},
		{"31 Mar + 1 month → 30 Apr", at(2026, 3, 31, 12, 0, 0), months(1), midnight(2026, 4, 1), midnight(2026, 5, 1)},
		{"31 Aug + 3 months → 30 Nov", at(2026, 8, 31, 12, 0, 0), months(3), midnight(2026, 9, 1), midnight(2026, 12, 1)},
		{"31 Dec + 1 month → 31 Jan", at(2026, 12, 31, 12, 0, 0), months(1), midnight(2027, 1, 1), midnight(2027, 2, 1)},
		{"1 Jan + 3 months → 1 Apr", at(2026, 1, 1, 0, 0, 0), months(3), midnight(2026, 1, 2), midnight(2026, 4, 2)},
		// 31 Jan 23:59:59 Moscow vs 1 Feb 00:00 Moscow (21:00 UTC 31 Jan):
		// one second moves the last day by a day and a month-end.
		{"31 Jan 23:59:59 Moscow + 1 month → 28 Feb", at(2026, 1, 31, 23, 59, 59), months(1), midnight(2026, 2, 1), midnight(2026, 3, 1)},
		{"1 Feb 00:00 Moscow + 1 month → 1 Mar", time.Date(2026, 1, 31, 21, 0, 0, 0, time.UTC), months(1), midnight(2026, 2, 2), midnight(2026, 3, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end := certificates.Term(tt.paid, tt.term, msk)
			if !start.Equal(tt.firstDay) || !end.Equal(tt.lastDayTo) {
				t.Fatalf("Term(%s, %+v) = [%s, %s), want [%s, %s)", tt.paid.In(msk), tt.term,
					start.In(msk), end.In(msk), tt.firstDay, tt.lastDayTo)
			}
			p := certificates.Period{Start: start, End: end, Zone: msk}
			if got, want := p.LastDay(), tt.lastDayTo.AddDate(0, 0, -1); !got.Equal(want) {
				t.Errorf("LastDay = %s, want %s", got, want)
			}
			if got := p.FirstDay(); !got.Equal(tt.firstDay) {
				t.Errorf("FirstDay = %s, want %s", got, tt.firstDay)
			}
			// The day before, of and after each boundary.
			for _, c := range []struct {
				at     time.Time
				active bool
			}{
				{tt.paid, false},
				{start.Add(-time.Nanosecond), false},
				{start, true},
				{start.Add(12 * time.Hour), true},
				{end.Add(-24 * time.Hour), true},
				{end.Add(-time.Nanosecond), true},
				{end, false},
				{end.Add(24 * time.Hour), false},
			} {
				if got := p.Active(c.at); got != c.active {
					t.Errorf("Active(%s) = %v, want %v", c.at.In(msk), got, c.active)
				}
			}
		})
	}
}

func TestTermWithoutZoneIsMoscow(t *testing.T) {
	paid := time.Date(2026, 3, 1, 21, 30, 0, 0, time.UTC) // 2 March 00:30 Moscow
	s1, e1 := certificates.Term(paid, days(21), nil)
	s2, e2 := certificates.Term(paid, days(21), msk)
	if !s1.Equal(s2) || !e1.Equal(e2) {
		t.Fatalf("nil zone: [%s, %s), Moscow: [%s, %s)", s1, e1, s2, e2)
	}
	// The zone matters: in UTC the same instant is still 1 March.
	su, _ := certificates.Term(paid, days(21), time.UTC)
	if su.Equal(s1) {
		t.Fatal("Term ignores the zone")
	}
}

func TestTermRefusesImpossibleTerms(t *testing.T) {
	for _, term := range []tenants.Term{{}, {Days: 1, Months: 1}, {Days: -1}, {Months: -2}} {
		t.Run(fmt.Sprintf("%+v", term), func(t *testing.T) {
			start, end := certificates.Term(at(2026, 1, 15, 12, 0, 0), term, msk)
			if !start.Equal(end) {
				t.Fatalf("Term(%+v) = [%s, %s), want an empty period", term, start, end)
			}
			if (certificates.Period{Start: start, End: end, Zone: msk}).Active(start) {
				t.Fatal("an empty period is active")
			}
		})
	}
}

// TestDaysLeft counts calendar days in Moscow, today included.
func TestDaysLeft(t *testing.T) {
	start, end := certificates.Term(at(2026, 1, 15, 14, 0, 0), days(21), msk) // 16 Jan – 5 Feb
	p := certificates.Period{Start: start, End: end, Zone: msk}
	tests := []struct {
		name string
		now  time.Time
		want int
	}{
		{"payment day: the whole term is ahead", at(2026, 1, 15, 14, 0, 0), 21},
		{"payment day, 23:59:59", at(2026, 1, 15, 23, 59, 59), 21},
		{"first day 00:00", midnight(2026, 1, 16), 21},
		{"first day 23:59:59", at(2026, 1, 16, 23, 59, 59), 21},
		{"second day", midnight(2026, 1, 17), 20},
		{"last day 00:00", midnight(2026, 2, 5), 1},
		{"last day 23:59:59.999999999", end.Add(-time.Nanosecond), 1},
		{"24:00 of the last day", end, 0},
		{"a month later", midnight(2026, 3, 5), 0},
		// 20:59:59 UTC on 5 Feb is 23:59:59 in Moscow: still the last day.
		{"20:59:59 UTC of the last day", time.Date(2026, 2, 5, 20, 59, 59, 0, time.UTC), 1},
		// 21:00 UTC on 5 Feb is 00:00 on 6 Feb in Moscow: over, though UTC
		// still says 5 Feb.
		{"21:00 UTC of the last day", time.Date(2026, 2, 5, 21, 0, 0, 0, time.UTC), 0},
		// 21:00 UTC on 16 Jan is 17 Jan in Moscow: one day fewer.
		{"21:00 UTC of the first day", time.Date(2026, 1, 16, 21, 0, 0, 0, time.UTC), 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.DaysLeft(tt.now); got != tt.want {
				t.Fatalf("DaysLeft(%s) = %d, want %d", tt.now.In(msk), got, tt.want)
			}
		})
	}
}

// TestTransferDeadline: one month from receipt (003/004 3.10), counted
// like a term.
func TestTransferDeadline(t *testing.T) {
	tests := []struct {
		received time.Time
		want     time.Time
	}{
		{at(2026, 1, 15, 14, 0, 0), midnight(2026, 2, 16)},
		{at(2026, 1, 31, 9, 0, 0), midnight(2026, 3, 1)},
		{at(2028, 1, 31, 9, 0, 0), midnight(2028, 3, 1)},
		{at(2026, 12, 31, 23, 59, 59), midnight(2027, 2, 1)},
		{time.Date(2026, 1, 14, 21, 0, 0, 0, time.UTC), midnight(2026, 2, 16)}, // 15 Jan 00:00 Moscow
	}
	for _, tt := range tests {
		t.Run(tt.received.In(msk).String(), func(t *testing.T) {
			if got := certificates.TransferDeadline(tt.received, msk); !got.Equal(tt.want) {
				t.Fatalf("TransferDeadline = %s, want %s", got.In(msk), tt.want)
			}
		})
	}
}

func TestStateAt(t *testing.T) {
	start, end := certificates.Term(at(2026, 1, 15, 14, 0, 0), days(21), msk)
	c := certificates.Certificate{Term: certificates.Period{Start: start, End: end, Zone: msk},
		Quotas: []certificates.Quota{{ServiceKind: "a", Quota: 2, Used: 1}, {ServiceKind: "b", Quota: 1, Reserved: 1}}}
	used := c
	used.Quotas = []certificates.Quota{{ServiceKind: "a", Quota: 2, Used: 2}, {ServiceKind: "b", Quota: 1, Used: 1}}
	tests := []struct {
		name string
		c    certificates.Certificate
		at   time.Time
		want certificates.State
	}{
		{"payment day", c, at(2026, 1, 15, 23, 0, 0), certificates.StateNotStarted},
		{"first instant", c, start, certificates.StateActive},
		{"last instant", c, end.Add(-time.Nanosecond), certificates.StateActive},
		{"at 24:00 of the last day", c, end, certificates.StateExpired},
		{"reserved is not used up", c, start, certificates.StateActive},
		{"used up", used, start, certificates.StateUsedUp},
		{"used up and expired", used, end, certificates.StateUsedUp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.StateAt(tt.at); got != tt.want {
				t.Fatalf("StateAt = %s, want %s", got, tt.want)
			}
		})
	}
	if got := c.Remaining(); got["a"] != 1 || got["b"] != 0 {
		t.Fatalf("Remaining = %v", got)
	}
}
