// Package consultations turns what a customer bought into rendered
// services: requests against a certificate's quota, the SLA clock of the
// offers, assignment to specialists and rendering (issue 5). This first
// part is the SLA clock: pure functions of (request time, service class,
// work calendar), tested at every boundary the offers name.
package consultations

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/consult/platform/plugins/sdk"
)

// Calendar says which days are working days in a zone: every day but the
// weekend days and the days off, plus the weekend days made working by a
// transfer. It is data (configs/calendars), per tenant.
type Calendar struct {
	Zone        *time.Location
	Weekend     []time.Weekday
	DaysOff     map[string]bool // YYYY-MM-DD in Zone
	WorkingDays map[string]bool // weekend days that are working days
}

// Working reports whether the calendar day of t (in the calendar's zone)
// is a working day.
func (c Calendar) Working(t time.Time) bool {
	day := t.In(c.Zone)
	key := day.Format(time.DateOnly)
	if c.DaysOff[key] {
		return false
	}
	if slices.Contains(c.Weekend, day.Weekday()) {
		return c.WorkingDays[key]
	}
	return true
}

// calendarFile is configs/calendars/<name>.yaml.
type calendarFile struct {
	Zone        string   `yaml:"zone"`
	Weekend     []string `yaml:"weekend"`
	DaysOff     []string `yaml:"days_off"`
	WorkingDays []string `yaml:"working_days"`
}

var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
	"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// ParseCalendar reads a calendar file strictly: an unknown key, zone,
// weekday or date is an error, as is a day both off and working.
func ParseCalendar(data []byte) (Calendar, error) {
	var f calendarFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return Calendar{}, fmt.Errorf("calendar: %w", err)
	}
	zone, err := time.LoadLocation(f.Zone)
	if err != nil || f.Zone == "" {
		return Calendar{}, fmt.Errorf("calendar: zone %q: %v", f.Zone, err)
	}
	c := Calendar{Zone: zone, DaysOff: map[string]bool{}, WorkingDays: map[string]bool{}}
	for _, w := range f.Weekend {
		d, ok := weekdays[strings.ToLower(w)]
		if !ok {
			return Calendar{}, fmt.Errorf("calendar: weekend day %q is not one of mon…sun", w)
		}
		c.Weekend = append(c.Weekend, d)
	}
	for _, list := range []struct {
		days []string
		into map[string]bool
	}{{f.DaysOff, c.DaysOff}, {f.WorkingDays, c.WorkingDays}} {
		for _, d := range list.days {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				return Calendar{}, fmt.Errorf("calendar: %q is not a YYYY-MM-DD date", d)
			}
			list.into[d] = true
		}
	}
	for d := range c.WorkingDays {
		if c.DaysOff[d] {
			return Calendar{}, fmt.Errorf("calendar: %s is both a day off and a working day", d)
		}
	}
	return c, nil
}

// ServiceHours are the hours services are rendered in, as offsets from the
// start of the day: «ежедневно в период с 09:00 до 21:00 по московскому
// времени» (offers 003/004, 5.3.1).
type ServiceHours struct {
	Open, Close time.Duration
}

// OfferHours are the offers' 09:00–21:00.
var OfferHours = ServiceHours{Open: 9 * time.Hour, Close: 21 * time.Hour}

// dayAt returns the instant of offset on t's calendar day in zone; built
// from the date, so a DST change inside the day cannot shift it.
func dayAt(t time.Time, zone *time.Location, offset time.Duration) time.Time {
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, zone).Add(offset)
}

// nextWorkingOpen is the opening of the first working day after t's day.
func nextWorkingOpen(t time.Time, cal Calendar, h ServiceHours) time.Time {
	y, m, d := t.In(cal.Zone).Date()
	for i := 1; i <= 366; i++ {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, cal.Zone)
		if cal.Working(day) {
			return day.Add(h.Open)
		}
	}
	// A calendar without a working day in a year is a data error that
	// ParseCalendar cannot see; serve the next day rather than never.
	return time.Date(y, m, d+1, 0, 0, 0, 0, cal.Zone).Add(h.Open)
}

// ServiceStart is when work on a request received at `at` may begin:
//
//   - on a working day before opening: at opening that day (8.1: «до 09:00
//     рабочего дня … в этот же рабочий день с 09:00»);
//   - on a working day within the hours: at once;
//   - on a working day at or after closing: at opening of the next working
//     day (8.2: «после 21:00 … на следующий рабочий день с 09:00»);
//   - on a day off: at opening of the next working day (8.3).
//
// The result is in the calendar's zone.
func ServiceStart(at time.Time, cal Calendar, h ServiceHours) time.Time {
	at = at.In(cal.Zone)
	if !cal.Working(at) {
		return nextWorkingOpen(at, cal, h)
	}
	open, close := dayAt(at, cal.Zone, h.Open), dayAt(at, cal.Zone, h.Close)
	switch {
	case at.Before(open):
		return open
	case at.Before(close):
		return at
	default:
		return nextWorkingOpen(at, cal, h)
	}
}

// Deadline is a request's SLA clock: when work may start and when the
// service is due.
type Deadline struct {
	Start time.Time
	Due   time.Time
}

// Durations of the classes in hours (sdk.SLA… constants).
const (
	study24h     = 24 * time.Hour // 5.3.5: «в течение 24 часов с момента направления … Запроса»
	documents48h = 48 * time.Hour // 5.3.6: «в течение 48 часов»; second opinion (art. 1) from the documents
	completeInfo = 24 * time.Hour // art. 1, owner rights and transport: 24 h of complete information
	extended72h  = 72 * time.Hour // 5.3.7: up to 72 h when the customer did not meet the conditions
)

// SLA computes the clock of a request of class (sdk.SLAClasses) whose
// clock starts at `from`: the request's registration, or — a clarified
// request or a new document restarts it (issue 5; 5.3.6 and art. 1 count
// from the documents and the complete information) — the last such event.
//
// The clock runs from ServiceStart(from): a specialist works in the
// service hours of working days only (8.1–8.3), so a question sent at
// 23:00 on Friday is due 24 hours after 09:00 on Monday. With extended
// (5.3.7, the customer did not meet the conditions) any hours class is due
// in 72 hours instead. A consultation at an agreed time (5.3.1, 8.1–8.3) is
// due by the close of the day it may start on.
func SLA(from time.Time, class string, extended bool, cal Calendar, h ServiceHours) (Deadline, error) {
	start := ServiceStart(from, cal, h)
	var d time.Duration
	switch class {
	case sdk.SLAAgreedTime:
		if extended {
			return Deadline{}, fmt.Errorf("consultations: an agreed-time consultation cannot be extended")
		}
		return Deadline{Start: start, Due: dayAt(start, cal.Zone, h.Close)}, nil
	case sdk.SLAStudy24h:
		d = study24h
	case sdk.SLADocuments48h:
		d = documents48h
	case sdk.SLACompleteInfo24h:
		d = completeInfo
	default:
		return Deadline{}, fmt.Errorf("consultations: unknown SLA class %q", class)
	}
	if extended {
		d = extended72h
	}
	return Deadline{Start: start, Due: start.Add(d)}, nil
}
