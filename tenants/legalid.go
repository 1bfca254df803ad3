package tenants

import (
	"errors"
	"fmt"
)

// The registration numbers printed in a contract identify its party; a
// mistyped digit would name somebody else, so every number is checked with
// the Federal Tax Service's own check-digit rules, not only counted.

// checkINN checks a taxpayer number: 10 digits for a company, 12 for a
// sole trader, with the FTS check digits (приказ ФНС от 29.06.2012
// № ММВ-7-6/435@, приложение 2).
func checkINN(inn string, kind EntityKind) error {
	want := 10
	if kind == EntitySoleTrader {
		want = 12
	}
	if err := digits(inn, want); err != nil {
		return err
	}
	d := digitsOf(inn)
	if want == 10 {
		if innDigit(d[:9], innWeights10) != d[9] {
			return errors.New("check digit does not match")
		}
		return nil
	}
	if innDigit(d[:10], innWeights11) != d[10] || innDigit(d[:11], innWeights12) != d[11] {
		return errors.New("check digits do not match")
	}
	return nil
}

var (
	innWeights10 = []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	innWeights11 = []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
	innWeights12 = []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
)

// innDigit is the weighted sum modulo 11, then modulo 10.
func innDigit(d, weights []int) int {
	sum := 0
	for i, w := range weights {
		sum += d[i] * w
	}
	return sum % 11 % 10
}

// checkOGRN checks a company's primary state registration number: 13 digits,
// starting with 1 or 5, whose last digit is the first twelve, as a number,
// modulo 11, then modulo 10.
func checkOGRN(ogrn string) error {
	if err := digits(ogrn, 13); err != nil {
		return err
	}
	if ogrn[0] != '1' && ogrn[0] != '5' {
		return errors.New("must start with 1 or 5")
	}
	if modDigit(ogrn[:12], 11) != int(ogrn[12]-'0') {
		return errors.New("check digit does not match")
	}
	return nil
}

// checkOGRNIP checks a sole trader's registration number: 15 digits,
// starting with 3, whose last digit is the first fourteen modulo 13, then
// modulo 10.
func checkOGRNIP(ogrnip string) error {
	if err := digits(ogrnip, 15); err != nil {
		return err
	}
	if ogrnip[0] != '3' {
		return errors.New("must start with 3")
	}
	if modDigit(ogrnip[:14], 13) != int(ogrnip[14]-'0') {
		return errors.New("check digit does not match")
	}
	return nil
}

// checkKPP checks a tax registration reason code: 9 characters, the 5th and
// 6th may be capital Latin letters (приказ ФНС от 29.06.2012 № ММВ-7-6/435@,
// п. 5), the rest are digits. It carries no check digit.
func checkKPP(kpp string) error {
	if len(kpp) != 9 {
		return fmt.Errorf("must be 9 characters, got %d", len(kpp))
	}
	for i := 0; i < len(kpp); i++ {
		c := kpp[i]
		ok := c >= '0' && c <= '9' || (i == 4 || i == 5) && c >= 'A' && c <= 'Z'
		if !ok {
			return errors.New("must be digits (the 5th and 6th may be capital Latin letters)")
		}
	}
	return nil
}

// modDigit returns the decimal number s modulo m, then modulo 10; s is short
// enough (≤14 digits) to fit an int64, but the long division keeps it exact
// for any length.
func modDigit(s string, m int) int {
	r := 0
	for i := 0; i < len(s); i++ {
		r = (r*10 + int(s[i]-'0')) % m
	}
	return r % 10
}

// digits checks that s is exactly n ASCII digits.
func digits(s string, n int) error {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return errors.New("must be digits only")
		}
	}
	if len(s) != n {
		return fmt.Errorf("must be %d digits, got %d", n, len(s))
	}
	return nil
}

func digitsOf(s string) []int {
	d := make([]int, len(s))
	for i := 0; i < len(s); i++ {
		d[i] = int(s[i] - '0')
	}
	return d
}
