package catalog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/platform/errs"
)

func TestParsePage(t *testing.T) {
	good := catalog.Cursor{Order: 3, At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), ID: "019a-x"}.Encode()
	tests := []struct {
		name, limit, cursor string
		want                int
		bad                 []string // fields with errors
	}{
		{"defaults", "", "", catalog.DefaultLimit, nil},
		{"a limit", "5", "", 5, nil},
		{"the maximum", "100", "", 100, nil},
		{"spaces around", " 7 ", "", 7, nil},
		{"a cursor", "", good, catalog.DefaultLimit, nil},
		{"zero", "0", "", 0, []string{"limit"}},
		{"negative", "-1", "", 0, []string{"limit"}},
		{"above the maximum", "101", "", 0, []string{"limit"}},
		{"not a number", "ten", "", 0, []string{"limit"}},
		{"a fraction", "2.5", "", 0, []string{"limit"}},
		{"garbage cursor", "", "%%%", 0, []string{"cursor"}},
		{"cursor of an empty object", "", "e30", 0, []string{"cursor"}},
		{"a truncated cursor", "", good[:len(good)-3], 0, []string{"cursor"}},
		{"an overlong cursor", "", strings.Repeat("A", 300), 0, []string{"cursor"}},
		{"both bad", "x", "y", 0, []string{"limit", "cursor"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := catalog.ParsePage(tt.limit, tt.cursor)
			if tt.bad == nil {
				if err != nil || p.Limit != tt.want {
					t.Fatalf("ParsePage = %+v, %v; want limit %d", p, err, tt.want)
				}
				return
			}
			e := errs.As(err)
			if e == nil || e.Kind != errs.KindInvalid || e.Code != catalog.CodePageInvalid || len(e.Fields) != len(tt.bad) {
				t.Fatalf("err = %+v, want page_invalid on %v", e, tt.bad)
			}
			for i, f := range tt.bad {
				if e.Fields[i].Field != f {
					t.Errorf("field %d = %s, want %s", i, e.Fields[i].Field, f)
				}
			}
		})
	}
	t.Run("a cursor survives the round trip", func(t *testing.T) {
		c, err := catalog.DecodeCursor(good)
		if err != nil || c.Order != 3 || c.ID != "019a-x" || !c.At.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
			t.Fatalf("decoded %+v, %v", c, err)
		}
	})
}

// FuzzParsePage: pagination parameters come from any visitor's query
// string (SECURITY.md 23). Whatever they are, ParsePage answers a page
// within the limits or a page_invalid error — never a panic — and a cursor
// it accepts decodes to what it encodes again.
func FuzzParsePage(f *testing.F) {
	f.Add("20", "")
	f.Add("1", catalog.Cursor{ID: "x"}.Encode())
	f.Add("100", catalog.Cursor{Order: -5, At: time.Unix(0, 0), ID: "ü"}.Encode())
	f.Add("-0", "eyJpIjoiIn0")
	f.Fuzz(func(t *testing.T, limit, cursor string) {
		p, err := catalog.ParsePage(limit, cursor)
		if err != nil {
			if e := errs.As(err); e.Code != catalog.CodePageInvalid || len(e.Fields) == 0 {
				t.Fatalf("error %+v", e)
			}
			return
		}
		if p.Limit < 1 || p.Limit > catalog.MaxLimit {
			t.Fatalf("limit %d accepted", p.Limit)
		}
		if p.Cursor != "" {
			c, err := catalog.DecodeCursor(p.Cursor)
			if err != nil || c.ID == "" {
				t.Fatalf("accepted cursor %q does not decode: %v", p.Cursor, err)
			}
			again, err := catalog.DecodeCursor(c.Encode())
			if err != nil || again.ID != c.ID || again.Order != c.Order || !again.At.Equal(c.At) {
				t.Fatalf("cursor %+v does not survive a round trip: %+v %v", c, again, err)
			}
		}
	})
}
