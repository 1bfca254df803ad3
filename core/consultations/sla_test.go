package consultations

import (
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/plugins/sdk"
)

func russian(t *testing.T) Calendar {
	t.Helper()
	data, err := configs.FS.ReadFile("calendars/ru.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseCalendar(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestWorkingDays(t *testing.T) {
	cal := russian(t)
	tests := []struct {
		day  string
		want bool
	}{
		{"2026-01-08", false}, // Labour Code art. 112
		{"2026-01-09", false}, // moved from 3 January
		{"2026-01-12", true},  // the first working Monday
		{"2026-01-17", false}, // a Saturday
		{"2026-03-06", true},  // Friday before the 8 March weekend
		{"2026-03-09", false}, // 8 March falls on a Sunday
		{"2026-03-10", true},
		{"2026-12-30", true},
		{"2026-12-31", false}, // moved from 4 January
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			d, _ := time.ParseInLocation(time.DateOnly, tt.day, cal.Zone)
			if got := cal.Working(d.Add(12 * time.Hour)); got != tt.want {
				t.Fatalf("Working(%s) = %v, want %v", tt.day, got, tt.want)
			}
		})
	}
}

// msk builds an instant in Moscow time.
func msk(t *testing.T, cal Calendar, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04:05", s, cal.Zone)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Offers 003/004, 8.1–8.3, at every boundary: the second before, the
// instant of, and the second after 09:00 and 21:00; the day before, of and
// after a weekend and a holiday; and an instant given in UTC.
func TestServiceStart(t *testing.T) {
	cal := russian(t)
	tests := []struct {
		name, at, want string
	}{
		{"working day, a second before opening (8.1)", "2026-01-13 08:59:59", "2026-01-13 09:00:00"},
		{"working day, at opening", "2026-01-13 09:00:00", "2026-01-13 09:00:00"},
		{"working day, within the hours", "2026-01-13 14:30:00", "2026-01-13 14:30:00"},
		{"working day, a second before closing", "2026-01-13 20:59:59", "2026-01-13 20:59:59"},
		{"working day, at closing (8.2)", "2026-01-13 21:00:00", "2026-01-14 09:00:00"},
		{"working day, just after midnight", "2026-01-14 00:00:01", "2026-01-14 09:00:00"},
		{"Friday after closing: Monday", "2026-01-16 21:30:00", "2026-01-19 09:00:00"},
		{"Saturday (8.3): Monday", "2026-01-17 10:00:00", "2026-01-19 09:00:00"},
		{"Sunday 23:59:59: Monday", "2026-01-18 23:59:59", "2026-01-19 09:00:00"},
		{"Monday 00:00: that morning", "2026-01-19 00:00:00", "2026-01-19 09:00:00"},
		{"New Year's holidays: the first working day", "2026-01-03 12:00:00", "2026-01-12 09:00:00"},
		{"the last holiday, 9 January", "2026-01-09 20:00:00", "2026-01-12 09:00:00"},
		{"before 8 March's moved day off", "2026-03-06 21:00:00", "2026-03-10 09:00:00"},
		{"31 December 2026 is off", "2026-12-30 21:00:00", "2027-01-01 09:00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ServiceStart(msk(t, cal, tt.at), cal, OfferHours)
			if want := msk(t, cal, tt.want); !got.Equal(want) {
				t.Fatalf("ServiceStart(%s) = %s, want %s", tt.at, got, want)
			}
		})
	}
	t.Run("an instant in UTC is read in Moscow", func(t *testing.T) {
		// 05:59:59 UTC is 08:59:59 in Moscow (UTC+3): before opening.
		got := ServiceStart(time.Date(2026, 1, 13, 5, 59, 59, 0, time.UTC), cal, OfferHours)
		if want := msk(t, cal, "2026-01-13 09:00:00"); !got.Equal(want) {
			t.Fatalf("got %s, want %s", got, want)
		}
		// 18:00 UTC on Friday is 21:00 in Moscow: closed, so Monday.
		got = ServiceStart(time.Date(2026, 1, 16, 18, 0, 0, 0, time.UTC), cal, OfferHours)
		if want := msk(t, cal, "2026-01-19 09:00:00"); !got.Equal(want) {
			t.Fatalf("got %s, want %s", got, want)
		}
	})
}

func TestSLA(t *testing.T) {
	cal := russian(t)
	tests := []struct {
		name, from, class string
		extended          bool
		start, due        string
	}{
		{"study question within the hours (5.3.5)", "2026-01-13 10:00:00", sdk.SLAStudy24h, false, "2026-01-13 10:00:00", "2026-01-14 10:00:00"},
		{"study question on Friday night runs from Monday 09:00", "2026-01-16 23:00:00", sdk.SLAStudy24h, false, "2026-01-19 09:00:00", "2026-01-20 09:00:00"},
		{"documents: 48 h (5.3.6)", "2026-01-13 20:59:59", sdk.SLADocuments48h, false, "2026-01-13 20:59:59", "2026-01-15 20:59:59"},
		{"documents a second later: next morning", "2026-01-13 21:00:00", sdk.SLADocuments48h, false, "2026-01-14 09:00:00", "2026-01-16 09:00:00"},
		{"complete information for owner rights: 24 h (art. 1)", "2026-01-14 08:00:00", sdk.SLACompleteInfo24h, false, "2026-01-14 09:00:00", "2026-01-15 09:00:00"},
		{"extended to 72 h (5.3.7)", "2026-01-13 10:00:00", sdk.SLADocuments48h, true, "2026-01-13 10:00:00", "2026-01-16 10:00:00"},
		{"agreed time: by the close of the day (8.1)", "2026-01-13 07:00:00", sdk.SLAAgreedTime, false, "2026-01-13 09:00:00", "2026-01-13 21:00:00"},
		{"agreed time on a holiday: the next working day", "2026-01-09 12:00:00", sdk.SLAAgreedTime, false, "2026-01-12 09:00:00", "2026-01-12 21:00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := SLA(msk(t, cal, tt.from), tt.class, tt.extended, cal, OfferHours)
			if err != nil {
				t.Fatal(err)
			}
			if !d.Start.Equal(msk(t, cal, tt.start)) || !d.Due.Equal(msk(t, cal, tt.due)) {
				t.Fatalf("SLA = %s → %s, want %s → %s", d.Start, d.Due, tt.start, tt.due)
			}
		})
	}
	t.Run("a clarification restarts the clock", func(t *testing.T) {
		first, _ := SLA(msk(t, cal, "2026-01-13 10:00:00"), sdk.SLAStudy24h, false, cal, OfferHours)
		again, _ := SLA(msk(t, cal, "2026-01-13 18:00:00"), sdk.SLAStudy24h, false, cal, OfferHours)
		if again.Due.Sub(first.Due) != 8*time.Hour {
			t.Fatalf("restart moved the due time by %s", again.Due.Sub(first.Due))
		}
	})
	for _, bad := range []struct {
		name, class string
		extended    bool
	}{{"unknown class", "weekly", false}, {"agreed time extended", sdk.SLAAgreedTime, true}} {
		t.Run(bad.name, func(t *testing.T) {
			if _, err := SLA(msk(t, cal, "2026-01-13 10:00:00"), bad.class, bad.extended, cal, OfferHours); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestParseCalendar(t *testing.T) {
	tests := []struct {
		name, yaml, err string
	}{
		{"valid", "zone: Europe/Moscow\nweekend: [sat, sun]\ndays_off: [2026-01-01]\nworking_days: [2026-02-28]\n", ""},
		{"unknown key", "zone: Europe/Moscow\nholidays: []\n", "holidays"},
		{"no zone", "weekend: [sat]\n", "zone"},
		{"bad zone", "zone: Mars/Olympus\n", "Mars/Olympus"},
		{"bad weekday", "zone: UTC\nweekend: [caturday]\n", "caturday"},
		{"bad date", "zone: UTC\ndays_off: [2026-02-30]\n", "2026-02-30"},
		{"off and working", "zone: UTC\ndays_off: [2026-02-28]\nworking_days: [2026-02-28]\n", "both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCalendar([]byte(tt.yaml))
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				sat, _ := time.ParseInLocation(time.DateOnly, "2026-02-28", c.Zone)
				if !c.Working(sat) {
					t.Fatal("a working Saturday by transfer is not working")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err = %v, want one naming %q", err, tt.err)
			}
		})
	}
}
