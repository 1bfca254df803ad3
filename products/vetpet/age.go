package vetpet

import (
	"fmt"
	"strings"
	"time"
)

// formatAge prints a pet's age on a date in whole years and months ("3
// года 2 месяца", "3 years 2 months"), or "" when the birth date is after
// the date. The guide's "Возраст" field holds a birth date (seed 000,
// "Профиль питомца"); a document states the age on the day it was issued.
func formatAge(born, on time.Time, lang string) string {
	if on.Before(born) {
		return ""
	}
	months := (on.Year()-born.Year())*12 + int(on.Month()) - int(born.Month())
	if on.Day() < born.Day() {
		months--
	}
	years, months := months/12, months%12
	if years == 0 && months == 0 {
		if lang == "ru" {
			return "меньше месяца"
		}
		return "under a month"
	}
	var parts []string
	if years > 0 {
		parts = append(parts, count(years, lang, [3]string{"год", "года", "лет"}, "year"))
	}
	if months > 0 {
		parts = append(parts, count(months, lang, [3]string{"месяц", "месяца", "месяцев"}, "month"))
	}
	return strings.Join(parts, " ")
}

// count prints n with its noun: Russian has three forms (one, few, many:
// 1 год, 2 года, 5 лет; 11–14 take "many"), English two.
func count(n int, lang string, ru [3]string, en string) string {
	if lang != "ru" {
		if n == 1 {
			return "1 " + en
		}
		return fmt.Sprintf("%d %ss", n, en)
	}
	form := 2
	switch n10, n100 := n%10, n%100; {
	case n10 == 1 && n100 != 11:
		form = 0
	case n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14):
		form = 1
	}
	return fmt.Sprintf("%d %s", n, ru[form])
}
