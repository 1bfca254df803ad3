package web

import (
	"slices"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// displayPhone formats an E.164 number the way people read it
// (+7 800 600-99-93); a number the library cannot parse is shown as stored.
func displayPhone(e164 string) string {
	n, err := phonenumbers.Parse(e164, "RU")
	if err != nil {
		return e164
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}

var weekOrder = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// dayRanges compresses weekdays into runs: [mon tue wed thu fri sun] →
// ["mon-fri", "sun"]; a run of two stays two single days.
func dayRanges(days []string) []string {
	var idx []int
	for _, d := range days {
		if i := slices.Index(weekOrder, strings.ToLower(d)); i >= 0 && !slices.Contains(idx, i) {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	var out []string
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		switch {
		case j-i >= 2:
			out = append(out, weekOrder[idx[i]]+"-"+weekOrder[idx[j]])
		case j == i+1:
			out = append(out, weekOrder[idx[i]], weekOrder[idx[j]])
		default:
			out = append(out, weekOrder[idx[i]])
		}
		i = j + 1
	}
	return out
}

// formatDay writes a calendar day (YYYY-MM-DD) the way the language reads
// it: 31.12.2026 in Russian, 31 Dec 2026 in English; anything else as is.
func formatDay(lang, isoDay string) string {
	d, err := time.Parse(time.DateOnly, isoDay)
	if err != nil {
		return isoDay
	}
	if lang == "en" {
		return d.Format("2 Jan 2006")
	}
	return d.Format("02.01.2006")
}
