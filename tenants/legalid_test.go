package tenants

import (
	"strings"
	"testing"
)

func TestCheckINN(t *testing.T) {
	for _, tc := range []struct {
		name, inn string
		kind      EntityKind
		err       string // part of the error; "" for a valid number
	}{
		{"ООО «Миллениал Групп» (seed 004)", "9729317186", EntityCompany, ""},
		{"ПАО Сбербанк", "7707083893", EntityCompany, ""},
		{"ООО «ЯНДЕКС»", "7736207543", EntityCompany, ""},
		{"ПАО «Газпром»", "7736050003", EntityCompany, ""},
		{"ИП Гамова В. В. (seed 003)", "500118103050", EntitySoleTrader, ""},
		{"FTS example for a person", "500100732259", EntitySoleTrader, ""},
		{"company, last digit changed", "7707083894", EntityCompany, "check digit"},
		{"company, two digits swapped", "7707083983", EntityCompany, "check digit"},
		{"person, 11th digit changed", "500118103060", EntitySoleTrader, "check digits"},
		{"person, 12th digit changed", "500118103051", EntitySoleTrader, "check digits"},
		{"company number for a sole trader", "7707083893", EntitySoleTrader, "12 digits"},
		{"person number for a company", "500118103050", EntityCompany, "10 digits"},
		{"letters", "77070838A3", EntityCompany, "digits only"},
		{"spaces", "7707 083893", EntityCompany, "digits only"},
		{"empty", "", EntityCompany, "10 digits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, checkINN(tc.inn, tc.kind), tc.err)
		})
	}
}

func TestCheckOGRN(t *testing.T) {
	for _, tc := range []struct{ name, ogrn, err string }{
		{"ООО «Миллениал Групп» (seed 004)", "1217700619828", ""},
		{"ПАО Сбербанк", "1027700132195", ""},
		{"ООО «ЯНДЕКС»", "1027700229193", ""},
		{"ПАО «Газпром»", "1027700070518", ""},
		{"last digit changed", "1027700132196", "check digit"},
		{"digit inside changed", "1027700132295", "check digit"},
		{"starts with 3 (an ОГРНИП prefix)", "3027700132195", "start with 1 or 5"},
		{"12 digits", "102770013219", "13 digits"},
		{"letters", "10277001321O5", "digits only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, checkOGRN(tc.ogrn), tc.err)
		})
	}
}

func TestCheckOGRNIP(t *testing.T) {
	for _, tc := range []struct{ name, ogrnip, err string }{
		{"ИП Гамова В. В. (seed 003)", "321508100470506", ""},
		{"checksum-valid example", "304500116000157", ""},
		{"last digit changed", "321508100470507", "check digit"},
		{"digit inside changed", "321508100470606", "check digit"},
		{"company prefix", "121508100470506", "start with 3"},
		{"13 digits", "1217700619828", "15 digits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, checkOGRNIP(tc.ogrnip), tc.err)
		})
	}
}

func TestCheckKPP(t *testing.T) {
	for _, tc := range []struct{ name, kpp, err string }{
		{"ООО «Миллениал Групп» (seed 004)", "772901001", ""},
		{"letters in the reason code", "7729AB001", ""},
		{"letters elsewhere", "77290100A", "digits"},
		{"lower-case letters", "7729ab001", "digits"},
		{"8 characters", "77290100", "9 characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, checkKPP(tc.kpp), tc.err)
		})
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("want valid, got %v", err)
	case want != "" && err == nil:
		t.Errorf("want an error about %q, got none", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("error %q, want it to mention %q", err, want)
	}
}
