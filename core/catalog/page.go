package catalog

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/consult/platform/core/platform/errs"
)

// Cursor is a position in a list: the sort key of the last item of the
// previous page. Lists are paged by key, not by offset, so an item added
// while a visitor pages is neither shown twice nor skipped.
type Cursor struct {
	Order int       `json:"o,omitempty"` // specialists: SortOrder
	At    time.Time `json:"t,omitzero"`  // published articles: PublishedAt
	ID    string    `json:"i"`
}

// maxCursor bounds a cursor's text before decoding: a real one is under
// a hundred characters.
const maxCursor = 200

// Encode returns the cursor as an opaque URL-safe string.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c) // a struct of an int, a time and a string always encodes
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses a cursor made by Encode. Anything else — altered,
// truncated, too long — is an Invalid CodePageInvalid with a field error
// on "cursor", never a panic or an unbounded read (SECURITY.md 23).
func DecodeCursor(s string) (Cursor, error) {
	bad := errs.Invalid(CodePageInvalid, errs.FieldError{Field: "cursor", Code: CodeCursorInvalid})
	if s == "" || len(s) > maxCursor {
		return Cursor{}, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil || c.ID == "" || len(c.ID) > 64 || !utf8.ValidString(c.ID) {
		return Cursor{}, bad
	}
	return c, nil
}

// ParsePage reads ?limit= and ?cursor= as a request gives them: limit
// empty means DefaultLimit, otherwise a whole number 1…MaxLimit; cursor
// empty means the first page. Errors are Invalid CodePageInvalid with a
// field error per bad parameter.
func ParsePage(limit, cursor string) (PageRequest, error) {
	p := PageRequest{Limit: DefaultLimit, Cursor: strings.TrimSpace(cursor)}
	var fe []errs.FieldError
	if limit = strings.TrimSpace(limit); limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 || n > MaxLimit {
			fe = append(fe, errs.FieldError{Field: "limit", Code: CodeLimitInvalid, Data: map[string]any{"Max": MaxLimit}})
		} else {
			p.Limit = n
		}
	}
	if p.Cursor != "" {
		if _, err := DecodeCursor(p.Cursor); err != nil {
			fe = append(fe, errs.FieldError{Field: "cursor", Code: CodeCursorInvalid})
		}
	}
	if len(fe) > 0 {
		return PageRequest{}, errs.Invalid(CodePageInvalid, fe...)
	}
	return p, nil
}

// page checks a PageRequest a caller built itself (pages call the service
// directly): a zero Limit is DefaultLimit; the rest as ParsePage.
func (p PageRequest) page() (limit int, after *Cursor, err error) {
	limit = p.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 1 || limit > MaxLimit {
		return 0, nil, errs.Invalid(CodePageInvalid,
			errs.FieldError{Field: "limit", Code: CodeLimitInvalid, Data: map[string]any{"Max": MaxLimit}})
	}
	if p.Cursor == "" {
		return limit, nil, nil
	}
	c, err := DecodeCursor(p.Cursor)
	if err != nil {
		return 0, nil, err
	}
	return limit, &c, nil
}

// paginate cuts the store's limit+1 items to a page and makes the cursor
// of the next one from the last item shown.
func paginate[T any](items []T, limit int, key func(T) Cursor) Page[T] {
	if items == nil {
		items = []T{}
	}
	if len(items) <= limit {
		return Page[T]{Items: items}
	}
	items = items[:limit]
	return Page[T]{Items: items, Next: key(items[limit-1]).Encode()}
}
