package certificates_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"math/bits"
	mrand "math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/consult/platform/core/certificates"
)

const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

var canonical = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$`)

func newNumber(tb testing.TB, r io.Reader) string {
	tb.Helper()
	n, err := certificates.NewNumber(r)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// symbols returns the 13 symbols of a canonical number.
func symbols(n string) []byte { return []byte(strings.ReplaceAll(n, "-", "")) }

// grouped writes 13 symbols in the canonical groups.
func grouped(s []byte) string {
	return string(s[0:4]) + "-" + string(s[4:8]) + "-" + string(s[8:12]) + "-" + string(s[12:])
}

func TestNewNumber(t *testing.T) {
	seen := map[string]bool{}
	perPosition := make([]map[byte]bool, 12)
	for i := range perPosition {
		perPosition[i] = map[byte]bool{}
	}
	for range 5000 {
		n := newNumber(t, rand.Reader)
		if !canonical.MatchString(n) {
			t.Fatalf("%q is not canonical", n)
		}
		if got, err := certificates.ParseNumber(n); err != nil || got != n {
			t.Fatalf("ParseNumber(%q) = %q, %v", n, got, err)
		}
		if seen[n] {
			t.Fatalf("%q drawn twice", n)
		}
		seen[n] = true
		for i, c := range symbols(n)[:12] {
			perPosition[i][c] = true
		}
	}
	// Every data position takes all 32 values: 12 × 5 = 60 random bits
	// (≥ 50), none wasted on a constant.
	for i, vals := range perPosition {
		if len(vals) != 32 {
			t.Errorf("position %d took %d of 32 values", i, len(vals))
		}
	}
}

func TestNewNumberUsesEveryBitItReads(t *testing.T) {
	zero := newNumber(t, bytes.NewReader(make([]byte, 8)))
	if zero != "0000-0000-0000-0" {
		t.Fatalf("all-zero bits give %q", zero)
	}
	// Flipping any of the 60 low bits changes the number.
	seen := map[string]bool{zero: true}
	for bit := range 60 {
		b := make([]byte, 8)
		b[7-bit/8] = 1 << (bit % 8)
		n := newNumber(t, bytes.NewReader(b))
		if seen[n] {
			t.Fatalf("bit %d does not reach the number (%q)", bit, n)
		}
		seen[n] = true
	}
	if bits.Len(uint(len(alphabet))-1) != 5 {
		t.Fatal("the alphabet must have 32 symbols")
	}
}

func TestNewNumberFailsWithItsReader(t *testing.T) {
	if _, err := certificates.NewNumber(bytes.NewReader([]byte{1, 2, 3})); err == nil {
		t.Fatal("a short read made a number")
	}
}

// TestNumberCatchesEverySingleError proves the check symbol's claim on
// many numbers: every substitution of one symbol by another of the
// alphabet, every transposition of two different symbols — adjacent, and
// any farther apart — is refused, with the answer for unknown numbers.
func TestNumberCatchesEverySingleError(t *testing.T) {
	count := 3000
	if testing.Short() {
		count = 300
	}
	r := mrand.New(mrand.NewPCG(1, 2))
	src := readerFunc(func(p []byte) (int, error) {
		for i := range p {
			p[i] = byte(r.Uint32())
		}
		return len(p), nil
	})
	var substitutions, transpositions int
	for range count {
		n := symbols(newNumber(t, src))
		for i := range n {
			for j := range len(alphabet) {
				if alphabet[j] == n[i] {
					continue
				}
				m := append([]byte(nil), n...)
				m[i] = alphabet[j]
				if _, err := certificates.ParseNumber(grouped(m)); !errors.Is(err, certificates.ErrNotFound) {
					t.Fatalf("substitution at %d: %s → %s accepted (%v)", i, grouped(n), grouped(m), err)
				}
				substitutions++
			}
			for k := i + 1; k < len(n); k++ {
				if n[i] == n[k] {
					continue
				}
				m := append([]byte(nil), n...)
				m[i], m[k] = m[k], m[i]
				if _, err := certificates.ParseNumber(grouped(m)); !errors.Is(err, certificates.ErrNotFound) {
					t.Fatalf("transposition of %d and %d: %s → %s accepted (%v)", i, k, grouped(n), grouped(m), err)
				}
				transpositions++
			}
		}
	}
	t.Logf("%d numbers: %d substitutions and %d transpositions refused", count, substitutions, transpositions)
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// TestParseNumber: forgiving about how a person types a number, strict
// about what it is.
func TestParseNumber(t *testing.T) {
	n := newNumber(t, bytes.NewReader([]byte{0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78}))
	s := symbols(n)
	lower := strings.ToLower(n)
	withO := strings.NewReplacer("0", "O").Replace(n)
	withI := strings.NewReplacer("1", "I").Replace(n)
	withL := strings.NewReplacer("1", "l").Replace(n)
	cyr := strings.NewReplacer("A", "А", "B", "В", "C", "С", "E", "Е", "H", "Н", "K", "К", "M", "М", "P", "Р", "T", "Т",
		"X", "Х", "Y", "У", "0", "О").Replace(n)
	ok := []struct{ name, in string }{
		{"canonical", n},
		{"lower case", lower},
		{"no dashes", string(s)},
		{"spaces", string(s[:4]) + " " + string(s[4:8]) + " " + string(s[8:12]) + " " + string(s[12:])},
		{"extra dashes", "--" + strings.Join(strings.Split(string(s), ""), "-") + "--"},
		{"surrounding blanks", "\t " + n + " \n"},
		{"en dash and nbsp", strings.ReplaceAll(n, "-", "–") + "\u00a0"},
		{"O for 0", withO},
		{"I for 1", withI},
		{"l for 1", withL},
		{"Cyrillic look-alikes", cyr},
		{"Cyrillic lower case", strings.ToLower(cyr)},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			got, err := certificates.ParseNumber(tt.in)
			if err != nil || got != n {
				t.Fatalf("ParseNumber(%q) = %q, %v; want %q", tt.in, got, err, n)
			}
		})
	}
	wrongCheck := append([]byte(nil), s...)
	wrongCheck[12] = alphabet[(strings.IndexByte(alphabet, s[12])+1)%32]
	bad := []struct{ name, in string }{
		{"empty", ""},
		{"blank", " - - "},
		{"12 symbols", string(s[:12])},
		{"14 symbols", string(s) + "0"},
		{"wrong check symbol", grouped(wrongCheck)},
		{"U", "U" + string(s[1:])},
		{"a symbol outside the alphabet", "*" + string(s[1:])},
		{"another script", "日" + string(s[1:])},
		{"invalid UTF-8", "\xff" + string(s[1:])},
		{"very long", strings.Repeat(" ", 1000) + n},
		{"a number twice", n + n},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := certificates.ParseNumber(tt.in)
			if !errors.Is(err, certificates.ErrNotFound) || got != "" {
				t.Fatalf("ParseNumber(%q) = %q, %v; want ErrNotFound", tt.in, got, err)
			}
		})
	}
}

// FuzzParseNumber: the parser of outside input (SECURITY.md 23) never
// panics, and what it accepts is canonical, valid and stable.
func FuzzParseNumber(f *testing.F) {
	for _, seed := range []string{"", "0000-0000-0000-0", "k7qm 3xpa 9trw c", "ОООО-ОООО-ОООО-О", "\xff", "----", "U"} {
		f.Add(seed)
	}
	f.Add(newNumber(f, rand.Reader))
	f.Fuzz(func(t *testing.T, in string) {
		got, err := certificates.ParseNumber(in)
		if err != nil {
			if !errors.Is(err, certificates.ErrNotFound) || got != "" {
				t.Fatalf("ParseNumber(%q) = %q, %v", in, got, err)
			}
			return
		}
		if !canonical.MatchString(got) {
			t.Fatalf("ParseNumber(%q) = %q: not canonical", in, got)
		}
		again, err := certificates.ParseNumber(got)
		if err != nil || again != got {
			t.Fatalf("ParseNumber(%q) = %q, %v: not stable", got, again, err)
		}
		if lower, err := certificates.ParseNumber(strings.ToLower(in)); err != nil || lower != got {
			t.Fatalf("lower-cased %q reads %q, %v; want %q", in, lower, err, got)
		}
	})
}
