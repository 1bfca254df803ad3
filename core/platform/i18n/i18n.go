// Package i18n localises the platform's texts with go-i18n: Russian first
// and the fallback, English complete (DESIGN.md "HTTP"). Message ids double
// as error codes, so an errs.Error's Code is also the key of its text. The
// files are configs/locales/active.<lang>.toml; their conventions are at
// the head of active.ru.toml.
package i18n

import (
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Default is the platform's primary language: the fallback for a missing
// message and for a request that states no usable language.
const Default = "ru"

// LocalesDir is the folder of the message files inside the configuration FS.
const LocalesDir = "locales"

// Supported returns the languages the platform has texts for, the default
// first.
func Supported() []string { return []string{"ru", "en"} }

// Bundle holds every message of every supported language.
type Bundle struct {
	bundle     *goi18n.Bundle
	localizers map[string]*goi18n.Localizer
	ids        map[string]map[string]bool // language → message ids
	// countField names, per plural message, the one template field its text
	// shows the number in ("Count", "RetryAfter"): T reads the plural count
	// from it, so an error carrying {"RetryAfter": 30} reads "30 секунд".
	countField map[string]string
}

// New loads every *.toml under locales/ of fsys (configs.FS). A file's
// language is the part of its name before ".toml" ("active.ru.toml"), and
// must be a supported one.
func New(fsys fs.FS) (*Bundle, error) {
	b := &Bundle{
		bundle:     goi18n.NewBundle(language.Russian),
		localizers: map[string]*goi18n.Localizer{},
		ids:        map[string]map[string]bool{},
		countField: map[string]string{},
	}
	b.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, lang := range Supported() {
		b.localizers[lang] = goi18n.NewLocalizer(b.bundle, lang)
		b.ids[lang] = map[string]bool{}
	}
	var files []string
	err := fs.WalkDir(fsys, LocalesDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Ext(p) == ".toml" {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("i18n: no *.toml under %s/", LocalesDir)
	}
	for _, p := range files {
		mf, err := b.bundle.LoadMessageFileFS(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", p, err)
		}
		lang := mf.Tag.String()
		if _, ok := b.ids[lang]; !ok {
			return nil, fmt.Errorf("i18n: %s: language %q is not in Supported()", p, lang)
		}
		for _, m := range mf.Messages {
			b.ids[lang][m.ID] = true
			if err := b.noteCountField(m); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", p, err)
			}
		}
	}
	return b, nil
}

var templateField = regexp.MustCompile(`\{\{-?\s*\.([A-Za-z_][A-Za-z0-9_]*)`)

// IsPlural reports whether m has plural forms beyond "other".
func IsPlural(m *goi18n.Message) bool {
	return m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != ""
}

// noteCountField records which template field holds a plural message's
// number: the only field its forms show, or Count when they show several.
func (b *Bundle) noteCountField(m *goi18n.Message) error {
	if !IsPlural(m) {
		return nil
	}
	var fields []string
	for _, form := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		for _, sm := range templateField.FindAllStringSubmatch(form, -1) {
			if !slices.Contains(fields, sm[1]) {
				fields = append(fields, sm[1])
			}
		}
	}
	var field string
	switch {
	case len(fields) == 1:
		field = fields[0]
	case slices.Contains(fields, "Count"):
		field = "Count"
	default:
		return fmt.Errorf("plural message %q shows fields %v: show the number as the only field, or as {{.Count}}", m.ID, fields)
	}
	if prev, ok := b.countField[m.ID]; ok && prev != field {
		return fmt.Errorf("plural message %q counts {{.%s}} here and {{.%s}} in another language", m.ID, field, prev)
	}
	b.countField[m.ID] = field
	return nil
}

// Has reports whether lang has its own text for id (not the fallback).
func (b *Bundle) Has(lang, id string) bool { return b.ids[lang][id] }

// IDs returns the message ids of lang, sorted.
func (b *Bundle) IDs(lang string) []string {
	ids := make([]string, 0, len(b.ids[lang]))
	for id := range b.ids[lang] {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (b *Bundle) localizer(lang string) (*goi18n.Localizer, string) {
	if l, ok := b.localizers[lang]; ok {
		return l, lang
	}
	// A region or script variant ("en-GB") reads its base language.
	if t, err := language.Parse(lang); err == nil {
		base, _ := t.Base()
		if l, ok := b.localizers[base.String()]; ok {
			return l, base.String()
		}
	}
	return b.localizers[Default], Default
}

// T returns the text of id in lang with data filled in; in Russian when
// lang has no such text; and the id itself when no language has it — never
// a panic, and TestSourceCodesAreLocalised reports such ids. For a plural
// message the form follows the number in its count field, when data has it.
func (b *Bundle) T(lang, id string, data map[string]any) string {
	l, _ := b.localizer(lang)
	cfg := &goi18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if field, ok := b.countField[id]; ok {
		if c, ok := pluralCount(data[field]); ok {
			cfg.PluralCount = c
		}
	}
	return localize(l, cfg, id)
}

// Plural returns the text of id in the plural form for count, which may be
// any integer or a fraction (1.5 takes the Russian "other" form: «1,5
// дня»). Unless data already has it, the message's count field (Count, or
// the one field the text shows) is set to count written the language's way.
func (b *Bundle) Plural(lang, id string, count any, data map[string]any) string {
	c, ok := pluralCount(count)
	if !ok {
		return b.T(lang, id, data)
	}
	l, lang := b.localizer(lang)
	field, ok := b.countField[id]
	if !ok {
		field = "Count"
	}
	if _, set := data[field]; !set {
		filled := make(map[string]any, len(data)+1)
		for k, v := range data {
			filled[k] = v
		}
		filled[field] = formatNumber(lang, c)
		data = filled
	}
	return localize(l, &goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: c}, id)
}

func localize(l *goi18n.Localizer, cfg *goi18n.LocalizeConfig, id string) string {
	// An error with a text is a fallback (Russian for a missing English
	// message, "other" for a missing form): the text is still the best
	// answer. Without a text, the id is.
	msg, _ := l.Localize(cfg)
	if msg == "" {
		return id
	}
	return msg
}

var decimal = regexp.MustCompile(`^-?[0-9]{1,18}(\.[0-9]{1,9})?$`)

// pluralCount converts v to what go-i18n's plural rules accept: an int64,
// or a decimal string for fractions (it refuses floats, whose visible
// digits are ambiguous).
func pluralCount(v any) (any, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint:
		return uintCount(uint64(n))
	case uint8:
		return int64(n), true
	case uint16:
		return int64(n), true
	case uint32:
		return int64(n), true
	case uint64:
		return uintCount(n)
	case float32:
		return floatCount(float64(n))
	case float64:
		return floatCount(n)
	case string:
		if decimal.MatchString(n) {
			return n, true
		}
	}
	return nil, false
}

func uintCount(n uint64) (any, bool) {
	if n > math.MaxInt64 {
		return nil, false
	}
	return int64(n), true
}

func floatCount(f float64) (any, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= 1e18 {
		return nil, false
	}
	if f == math.Trunc(f) {
		return int64(f), true
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

// formatNumber writes a count for display: Russian uses a decimal comma.
func formatNumber(lang string, c any) string {
	var s string
	switch n := c.(type) {
	case int64:
		s = strconv.FormatInt(n, 10)
	case string:
		s = n
	}
	if lang == "ru" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
