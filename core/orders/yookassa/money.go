package yookassa

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxAmountDigits bounds the rouble part of an amount we parse: 15 digits
// (a quadrillion roubles) is far past any payment and keeps the kopecks
// well inside int64.
const maxAmountDigits = 15

// FormatAmount writes kopecks as YooKassa's amount value: roubles, a dot
// and exactly two digits ("1234.00", "0.01"). Amounts in requests are
// never negative.
func FormatAmount(kopecks int64) (string, error) {
	if kopecks < 0 {
		return "", fmt.Errorf("yookassa: negative amount %d", kopecks)
	}
	return fmt.Sprintf("%d.%02d", kopecks/100, kopecks%100), nil
}

// ParseAmount reads YooKassa's amount value into kopecks, exactly: digits,
// optionally a dot and one or two digits. Signs, exponents, spaces and a
// third decimal are refused rather than rounded — money is never guessed.
func ParseAmount(s string) (int64, error) {
	rub, kop, dot := strings.Cut(s, ".")
	if rub == "" || len(rub) > maxAmountDigits || !digits(rub) || dot && (kop == "" || len(kop) > 2 || !digits(kop)) {
		return 0, fmt.Errorf("yookassa: amount %q: want digits with up to two decimals", s)
	}
	r, err := strconv.ParseInt(rub, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("yookassa: amount %q: %w", s, err)
	}
	var k int64
	if dot {
		k, _ = strconv.ParseInt(kop, 10, 64) // one or two checked digits
		if len(kop) == 1 {
			k *= 10 // "12.5" is 12 roubles 50 kopecks
		}
	}
	return r*100 + k, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// errAmount is returned for an amount a request cannot carry.
var errAmount = errors.New("yookassa: the amount must be positive")
