package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/consult/platform/core/platform/errs"
)

// Limits of what the admin may write. Lengths are in characters (runes).
// They are generous for real content and small enough that one request
// cannot fill the database or a page.
const (
	MaxSlug          = 80
	MaxName          = 200
	MaxTitle         = 200
	MaxSummary       = 500
	MaxShortText     = 100 // one specialisation, animal, format or category
	MaxListItems     = 20  // specialisations, animals, formats
	MaxPackages      = 50  // packages a specialist offers
	MaxMarkdown      = 20000
	MaxArticleBody   = 100000
	MaxQuestion      = 300
	MaxFAQ           = 200
	MaxReviewText    = 2000
	MaxAuthorName    = 100
	MaxRejectReason  = 500
	MaxSortOrder     = 1_000_000
	MinCareerYear    = 1950
	MaxContactsItems = 10 // phones, hours, social links
)

var (
	slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// checker collects field errors, so a form shows every problem at once.
type checker struct {
	fields []errs.FieldError
}

func (c *checker) add(field, code string, data map[string]any) {
	c.fields = append(c.fields, errs.FieldError{Field: field, Code: code, Data: data})
}

// err returns the collected problems as one Invalid CodeInvalid, or nil.
func (c *checker) err() error {
	if len(c.fields) == 0 {
		return nil
	}
	return errs.Invalid(CodeInvalid, c.fields...)
}

// text trims s and checks it is present when required and at most max
// characters; it returns the trimmed text.
func (c *checker) text(field, s string, required bool, max int) string {
	s = clean(s)
	switch {
	case s == "" && required:
		c.add(field, CodeFieldRequired, nil)
	case utf8.RuneCountInString(s) > max:
		c.add(field, CodeTooLong, map[string]any{"Max": max})
	}
	return s
}

// line is text for one-line values: inner runs of white space (a pasted
// line break) become one space.
func (c *checker) line(field, s string, required bool, max int) string {
	return c.text(field, strings.Join(strings.Fields(s), " "), required, max)
}

// slug checks a page address: lower-case Latin letters and digits in
// groups joined by single hyphens.
func (c *checker) slug(field, s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		c.add(field, CodeFieldRequired, nil)
	case len(s) > MaxSlug:
		c.add(field, CodeTooLong, map[string]any{"Max": MaxSlug})
	case !slugRE.MatchString(s):
		c.add(field, CodeSlugInvalid, nil)
	}
	return s
}

// code checks a machine code (a format, a category): lower-case Latin
// letters, digits and underscores, starting with a letter.
func (c *checker) code(field, s string, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		c.add(field, CodeFieldRequired, nil)
	case s == "":
	case len(s) > MaxShortText:
		c.add(field, CodeTooLong, map[string]any{"Max": MaxShortText})
	case !codeRE.MatchString(s):
		c.add(field, CodeCodeInvalid, nil)
	}
	return s
}

// list checks a list of short one-line texts: at most maxItems, each
// present and at most maxLen characters, no value twice (case aside) and,
// when vocab is not nil, each one of vocab. It returns the cleaned list,
// never nil.
func (c *checker) list(field string, in []string, maxItems, maxLen int, vocab []string) []string {
	if len(in) > maxItems {
		c.add(field, CodeTooMany, map[string]any{"Max": maxItems})
		return []string{}
	}
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for i, s := range in {
		f := fmt.Sprintf("%s[%d]", field, i)
		s = c.line(f, s, true, maxLen)
		if vocab != nil && s != "" && !slices.Contains(vocab, s) {
			c.add(f, CodeValueUnknown, nil)
		}
		if k := Key(s); k != "" && seen[k] {
			c.add(f, CodeDuplicate, nil)
		} else {
			seen[k] = true
		}
		out = append(out, s)
	}
	return out
}

// sortOrder checks a position in a list.
func (c *checker) sortOrder(field string, n int) {
	if n < -MaxSortOrder || n > MaxSortOrder {
		c.add(field, CodeNumberInvalid, map[string]any{"Min": -MaxSortOrder, "Max": MaxSortOrder})
	}
}

// clean trims s, normalises line breaks to \n and drops control
// characters other than line breaks and tabs: they have no place in text a
// page shows and some break terminals and logs.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r), r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// Key is the form list values are compared and filtered in: trimmed, inner
// white space collapsed, lower case (Unicode-aware, so «Кошки» and
// «кошки» match — SQLite's lower() knows only ASCII).
func Key(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
