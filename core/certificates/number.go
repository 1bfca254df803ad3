package certificates

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A certificate number is the customer's identifier and the contract's
// number (offer 003, art. 1 «Идентификатор»; offer 004, art. 1): whoever
// names it on the phone is served (003 4.5, 004 4.5). So it must be
// unguessable, easy to read aloud and to type, and a typo must not land on
// somebody else's certificate.
//
// Format: 12 random symbols and 1 check symbol from Crockford's base-32
// alphabet — digits and Latin letters without I, L, O and U, which are
// confused with 1, 1, 0 and V (and U with an obscenity) — written in groups
// of four: "K7QM-3XPA-9TRW-C". The 12 symbols carry 60 random bits from
// crypto/rand, so with the activation limits (30 failures per IP per hour)
// guessing any one number takes ~10^13 hours per tenant's certificate.
//
// The check symbol. ISO 7064 MOD 37-36 was considered and not taken: its
// check character ranges over 0–9 and A–Z, so it could be I, L, O or U,
// which the alphabet drops precisely because they are misheard; MOD 37-2
// would even need '*'. Instead the check symbol is computed in GF(32), the
// field the alphabet's 32 values already form, as the Damm-style scheme
//
//	r₀ = 0,  rᵢ₊₁ = α·rᵢ ⊕ dᵢ,  check = α·r₁₂   (so that r₁₃ = 0)
//
// with α a primitive element (x in GF(2)[x]/(x⁵+x²+1)). A valid number
// therefore satisfies Σ α^(12−i)·dᵢ = 0 over its 13 symbols. Because α has
// order 31:
//   - a single substitution dᵢ → dᵢ' changes the sum by α^k·(dᵢ⊕dᵢ') ≠ 0;
//   - swapping two different symbols k positions apart changes it by
//     α^j·(α^k⊕1)·(dᵢ⊕dⱼ) ≠ 0 for every 0 < k < 31, so all adjacent and
//     all jump transpositions within the 13 symbols are caught, including
//     those involving the check symbol;
//   - twin errors (xx → yy) change it by α^j·(α⊕1)·(x⊕y) ≠ 0.
//
// TestNumberCatchesEverySingleError proves the first two exhaustively on
// many numbers.
const (
	numberAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	dataSymbols    = 12
	numberSymbols  = dataSymbols + 1
	groupSize      = 4
	// maxNumberInput bounds what ParseNumber looks at: a number typed with
	// spaces between every symbol is still far shorter.
	maxNumberInput = 64
)

// symbolValue maps an upper-case byte to its value, or -1.
var symbolValue = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := range len(numberAlphabet) {
		v[numberAlphabet[i]] = int8(i)
	}
	return v
}()

// mulAlpha multiplies v by α = x in GF(32) = GF(2)[x]/(x⁵+x²+1).
func mulAlpha(v byte) byte {
	v <<= 1
	if v&0x20 != 0 {
		v ^= 0x25 // x⁵ = x² + 1
	}
	return v
}

// checkSymbol returns the value that completes data to a valid number.
func checkSymbol(data []byte) byte {
	var r byte
	for _, d := range data {
		r = mulAlpha(r) ^ d
	}
	return mulAlpha(r)
}

// NewNumber returns a new random number in its canonical form, reading 60
// bits from rand (crypto/rand.Reader in production; tests may pass a
// deterministic reader). It fails only when rand does.
func NewNumber(rand io.Reader) (string, error) {
	var b [8]byte
	if _, err := io.ReadFull(rand, b[:]); err != nil {
		return "", fmt.Errorf("certificates: number: %w", err)
	}
	var bits uint64
	for _, x := range b {
		bits = bits<<8 | uint64(x)
	}
	data := make([]byte, dataSymbols)
	for i := range data {
		data[i] = byte(bits & 31)
		bits >>= 5
	}
	return format(append(data, checkSymbol(data))), nil
}

// format writes symbol values in groups of four.
func format(values []byte) string {
	var b strings.Builder
	for i, v := range values {
		if i > 0 && i%groupSize == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(numberAlphabet[v])
	}
	return b.String()
}

// lookAlike maps what people type for a symbol to the symbol: the letters
// the alphabet leaves out (O → 0, I and L → 1) and the Cyrillic capitals
// that look like Latin ones, for a number retyped on a Russian keyboard
// layout or copied from a Russian text. Input is upper-cased first.
var lookAlike = map[rune]byte{
	'O': '0', 'I': '1', 'L': '1',
	'А': 'A', 'В': 'B', 'С': 'C', 'Е': 'E', 'Н': 'H', 'К': 'K', 'М': 'M',
	'О': '0', 'Р': 'P', 'Т': 'T', 'Х': 'X', 'У': 'Y',
}

// isSeparator reports whether r is something people put between groups:
// spaces, hyphens and dashes of every kind, dots and underscores.
func isSeparator(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == '.' || r == '_' || r == '\u00a0'
}

// ParseNumber reads a number as a person may type it — lower case, spaces,
// missing or extra dashes, O for 0, I or L for 1, Cyrillic look-alikes —
// and returns its canonical form ("K7QM-3XPA-9TRW-C"). Anything that is
// not a valid number, a wrong check symbol included, is ErrNotFound: the
// same answer as a valid number nobody holds, so the parser is no oracle
// for which strings could be numbers.
func ParseNumber(s string) (string, error) {
	if len(s) > maxNumberInput*utf8.UTFMax || !utf8.ValidString(s) {
		return "", ErrNotFound
	}
	values := make([]byte, 0, numberSymbols)
	seen := 0
	for _, r := range s {
		if seen++; seen > maxNumberInput {
			return "", ErrNotFound
		}
		if isSeparator(r) {
			continue
		}
		r = unicode.ToUpper(r)
		var c byte
		switch {
		case r < utf8.RuneSelf:
			c = byte(r)
		default:
			var ok bool
			if c, ok = lookAlike[r]; !ok {
				return "", ErrNotFound
			}
		}
		if m, ok := lookAlike[rune(c)]; ok {
			c = m
		}
		v := symbolValue[c]
		if v < 0 || len(values) == numberSymbols {
			return "", ErrNotFound
		}
		values = append(values, byte(v))
	}
	if len(values) != numberSymbols || checkSymbol(values[:dataSymbols]) != values[dataSymbols] {
		return "", ErrNotFound
	}
	return format(values), nil
}
