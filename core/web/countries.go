package web

import (
	"sort"
	"strconv"
	"sync"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// country is one entry of the phone-login country picker.
type country struct {
	Region string // ISO 3166 code, e.g. "RU"
	Name   string // in the page's language
	Code   string // dialling code with +, e.g. "+7"
}

var (
	countriesOnce sync.Map // lang → []country
)

// countries lists every region libphonenumber knows, named in lang and
// sorted alphabetically by that language's collation (the guides show the
// list in alphabetical order).
func countries(lang string) []country {
	if v, ok := countriesOnce.Load(lang); ok {
		return v.([]country)
	}
	tag := language.Russian
	if lang == "en" {
		tag = language.English
	}
	namer := display.Regions(tag)
	var out []country
	for region := range phonenumbers.GetSupportedRegions() {
		r, err := language.ParseRegion(region)
		if err != nil {
			continue
		}
		name := namer.Name(r)
		if name == "" {
			name = region
		}
		code := phonenumbers.GetCountryCodeForRegion(region)
		out = append(out, country{Region: region, Name: name, Code: "+" + strconv.Itoa(code)})
	}
	coll := collate.New(tag)
	sort.Slice(out, func(i, j int) bool { return coll.CompareString(out[i].Name, out[j].Name) < 0 })
	countriesOnce.Store(lang, out)
	return out
}
