package certificates

import (
	"time"

	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/tenants"
)

// Term returns the period of a package paid at paidAt, as both offers
// define it, in zone (nil means Moscow, the offers' time: 003 5.3.1, 004
// 5.3.1 «по московскому времени»):
//
//   - it starts on the day after the payment day (003 3.4 and 6.1, 004 3.4
//     and 6.1: «начиная со дня, следующего за днем внесения … платежа»), so
//     start is 00:00 of that day;
//   - it ends at 24:00 of its last calendar day (003 6.1, 004 6.1: «истекает
//     в 24:00 часов последнего календарного дня срока»), so end is 00:00 of
//     the day after the last day and is exclusive: a certificate is active
//     in [start, end);
//   - the last day of a term in days is the payment date plus N days (a
//     21-day package paid on 1 March is served 2–22 March);
//   - the last day of a term in months is the same date N months later or,
//     when that month is shorter, its last day (Civil Code art. 192(3); the
//     count starts the next day, art. 191): paid on 31 January, one month →
//     28 (29) February.
//
// term must have exactly one of Days and Months positive (tenants.Term);
// for any other value the period is empty (end == start).
func Term(paidAt time.Time, term tenants.Term, zone *time.Location) (start, end time.Time) {
	if zone == nil {
		zone = clock.Moscow
	}
	y, m, d := paidAt.In(zone).Date()
	start = time.Date(y, m, d+1, 0, 0, 0, 0, zone)
	switch {
	case term.Days > 0 && term.Months == 0:
		return start, time.Date(y, m, d+term.Days+1, 0, 0, 0, 0, zone)
	case term.Months > 0 && term.Days == 0:
		last := min(d, daysIn(y, m+time.Month(term.Months), zone))
		return start, time.Date(y, m+time.Month(term.Months), last+1, 0, 0, 0, 0, zone)
	default:
		return start, start
	}
}

// daysIn returns the number of days of month m of year y (m may overflow
// into later years, as time.Date allows).
func daysIn(y int, m time.Month, zone *time.Location) int {
	return time.Date(y, m+1, 0, 12, 0, 0, 0, zone).Day()
}

// TransferDeadline returns the instant the transfer window of a
// certificate received at receivedAt closes: the holder may assign it
// «в течение одного месяца с момента получения Сертификата» (003 3.10, 004
// 3.10). A month is counted as every term is (Civil Code arts. 191–192):
// received on 15 January, the last day is 15 February and the window
// closes at 24:00 of it; received on 31 January, the last day is 28 (29)
// February.
func TransferDeadline(receivedAt time.Time, zone *time.Location) time.Time {
	_, end := Term(receivedAt, tenants.Term{Months: 1}, zone)
	return end
}

// Period is a certificate's term: [Start, End) in Zone.
type Period struct {
	Start time.Time
	End   time.Time // exclusive: 00:00 after the last day (24:00 of it)
	Zone  *time.Location
}

func (p Period) zone() *time.Location {
	if p.Zone == nil {
		return clock.Moscow
	}
	return p.Zone
}

// Active reports whether at is within the term: at ≥ Start and at < End.
func (p Period) Active(at time.Time) bool {
	return !at.Before(p.Start) && at.Before(p.End)
}

// NotStarted reports whether at is before the term's first day.
func (p Period) NotStarted(at time.Time) bool { return at.Before(p.Start) }

// Expired reports whether the term is over at at (at 24:00 of the last
// day and later).
func (p Period) Expired(at time.Time) bool { return !at.Before(p.End) }

// FirstDay and LastDay return the term's first and last calendar days in
// its zone, as dates (00:00 of the day, in the zone) for display: «с 16.01
// по 15.02 включительно».
func (p Period) FirstDay() time.Time { return startOfDay(p.Start, p.zone()) }

// LastDay is the last calendar day of the term (see FirstDay).
func (p Period) LastDay() time.Time { return startOfDay(p.End.Add(-time.Nanosecond), p.zone()) }

// DaysLeft counts the calendar days in the zone on which the certificate
// can still be used at now, today included: 1 on the last day, 0 once the
// term is over, and the whole term (from its first day) before it starts.
func (p Period) DaysLeft(now time.Time) int {
	if p.Expired(now) {
		return 0
	}
	from := now
	if p.NotStarted(now) {
		from = p.Start
	}
	return civilDays(startOfDay(from, p.zone()), p.LastDay()) + 1
}

// startOfDay returns 00:00 of t's calendar day in zone.
func startOfDay(t time.Time, zone *time.Location) time.Time {
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, zone)
}

// civilDays counts calendar days from a's date to b's, independent of the
// hours a day has in the zone (DST): the dates are compared at noon UTC.
func civilDays(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	ua := time.Date(ay, am, ad, 12, 0, 0, 0, time.UTC)
	ub := time.Date(by, bm, bd, 12, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua) / (24 * time.Hour))
}
