package i18n_test

import (
	"io/fs"
	"maps"
	"path"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/consult/platform/configs"
	"github.com/consult/platform/core/platform/i18n"
)

func newBundle(tb testing.TB) *i18n.Bundle {
	tb.Helper()
	b, err := i18n.New(configs.FS)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// parseLocales reads each message file on its own, without the bundle's
// Russian fallback, so a key missing in one language shows.
func parseLocales(tb testing.TB) map[string]map[string]*goi18n.Message {
	tb.Helper()
	out := map[string]map[string]*goi18n.Message{}
	err := fs.WalkDir(configs.FS, i18n.LocalesDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".toml" {
			return err
		}
		buf, err := fs.ReadFile(configs.FS, p)
		if err != nil {
			return err
		}
		mf, err := goi18n.ParseMessageFileBytes(buf, p, map[string]goi18n.UnmarshalFunc{"toml": toml.Unmarshal})
		if err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		lang := mf.Tag.String()
		if out[lang] == nil {
			out[lang] = map[string]*goi18n.Message{}
		}
		for _, m := range mf.Messages {
			if _, dup := out[lang][m.ID]; dup {
				tb.Errorf("%s: %q defined twice for %s", p, m.ID, lang)
			}
			out[lang][m.ID] = m
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestEveryKeyInEveryLanguage(t *testing.T) {
	files := parseLocales(t)
	if got := slices.Sorted(maps.Keys(files)); !slices.Equal(got, slices.Sorted(slices.Values(i18n.Supported()))) {
		t.Fatalf("languages with files = %v, want %v", got, i18n.Supported())
	}
	ru := files[i18n.Default]
	for lang, msgs := range files {
		for id := range ru {
			if _, ok := msgs[id]; !ok {
				t.Errorf("%s: missing %q (present in ru)", lang, id)
			}
		}
		for id := range msgs {
			if _, ok := ru[id]; !ok {
				t.Errorf("ru: missing %q (present in %s)", id, lang)
			}
		}
	}
}

// The starting keys: the error codes the core and the web layer use.
func TestRequiredKeys(t *testing.T) {
	b := newBundle(t)
	for _, id := range []string{
		"errors.internal", "errors.not_found", "errors.invalid", "errors.bad_request", "errors.conflict",
		"errors.unauthorized", "errors.forbidden", "errors.too_many_requests", "errors.unavailable",
		"errors.tenant_missing", "errors.body_too_large", "errors.method_not_allowed", "errors.route_not_found",
		"tenants.site_not_found", "products.unavailable", "products.not_found", "rbac.role_unknown", "rbac.forbidden",
		"units.days", "units.months", "units.consultations",
	} {
		for _, lang := range i18n.Supported() {
			if !b.Has(lang, id) {
				t.Errorf("%s: missing %q", lang, id)
			}
		}
	}
}

// Russian needs one, few, many and other — other for fractions («1,5
// дня»); English one and other. A message plural in one language is plural
// in all.
func TestPluralForms(t *testing.T) {
	files := parseLocales(t)
	want := map[string][]string{"ru": {"one", "few", "many", "other"}, "en": {"one", "other"}}
	for id, ruMsg := range files["ru"] {
		plural := i18n.IsPlural(ruMsg)
		for lang, forms := range want {
			m := files[lang][id]
			if m == nil {
				continue // reported by TestEveryKeyInEveryLanguage
			}
			if i18n.IsPlural(m) != plural {
				t.Errorf("%s: %q plural = %v, but %v in ru", lang, id, i18n.IsPlural(m), plural)
				continue
			}
			if !plural {
				continue
			}
			have := map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other}
			for _, f := range forms {
				if have[f] == "" {
					t.Errorf("%s: %q has no %q form", lang, id, f)
				}
			}
		}
	}
}

func TestPlural(t *testing.T) {
	b := newBundle(t)
	tests := []struct {
		lang  string
		id    string
		count any
		want  string
	}{
		{"ru", "units.days", 1, "1 день"},
		{"ru", "units.days", 2, "2 дня"},
		{"ru", "units.days", 5, "5 дней"},
		{"ru", "units.days", 11, "11 дней"},
		{"ru", "units.days", 21, "21 день"},
		{"ru", "units.days", 22, "22 дня"},
		{"ru", "units.days", 25, "25 дней"},
		{"ru", "units.days", 1.5, "1,5 дня"},
		{"ru", "units.days", 0, "0 дней"},
		{"ru", "units.days", 111, "111 дней"},
		{"ru", "units.days", int64(101), "101 день"},
		{"ru", "units.days", uint8(4), "4 дня"},
		{"ru", "units.days", "2.5", "2,5 дня"},
		{"ru", "units.days", 3.0, "3 дня"},
		{"ru", "units.months", 1, "1 месяц"},
		{"ru", "units.months", 3, "3 месяца"},
		{"ru", "units.months", 12, "12 месяцев"},
		{"ru", "units.months", 0.5, "0,5 месяца"},
		{"ru", "units.consultations", 1, "1 консультация"},
		{"ru", "units.consultations", 24, "24 консультации"},
		{"ru", "units.consultations", 100, "100 консультаций"},
		{"en", "units.days", 1, "1 day"},
		{"en", "units.days", 21, "21 days"},
		{"en", "units.days", 1.5, "1.5 days"},
		{"en", "units.consultations", 1, "1 consultation"},
		{"en-GB", "units.months", 2, "2 months"},
		{"de", "units.days", 2, "2 дня"}, // unsupported language: Russian
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.id, func(t *testing.T) {
			if got := b.Plural(tt.lang, tt.id, tt.count, nil); got != tt.want {
				t.Fatalf("Plural(%v) = %q, want %q", tt.count, got, tt.want)
			}
		})
	}
}

// The web layer renders every error with T; a 429 carries RetryAfter, and
// T must pick the plural form from it.
func TestTPicksPluralFormFromItsCountField(t *testing.T) {
	b := newBundle(t)
	tests := []struct {
		lang  string
		retry any
		want  string
	}{
		{"ru", 1, "Слишком много запросов. Повторите через 1 секунду."},
		{"ru", 3, "Слишком много запросов. Повторите через 3 секунды."},
		{"ru", 30, "Слишком много запросов. Повторите через 30 секунд."},
		{"ru", 21, "Слишком много запросов. Повторите через 21 секунду."},
		{"en", 1, "Too many requests. Please try again in 1 second."},
		{"en", 30, "Too many requests. Please try again in 30 seconds."},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			got := b.T(tt.lang, "errors.too_many_requests", map[string]any{"RetryAfter": tt.retry})
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("Plural fills the count field", func(t *testing.T) {
		got := b.Plural("ru", "errors.too_many_requests", 5, nil)
		if want := "Слишком много запросов. Повторите через 5 секунд."; got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	})
}

func TestT(t *testing.T) {
	b := newBundle(t)
	tests := []struct {
		name, lang, id, want string
	}{
		{"russian", "ru", "tenants.site_not_found", "Сайт не найден. Проверьте адрес."},
		{"english", "en", "tenants.site_not_found", "Site not found. Please check the address."},
		{"region variant", "en-US", "errors.unauthorized", "Please sign in to continue."},
		{"unknown language falls back to russian", "fr", "errors.unauthorized", "Войдите, чтобы продолжить."},
		{"empty language", "", "errors.forbidden", "У вас нет доступа к этому разделу."},
		{"unknown id is returned as is", "ru", "orders.no_such_message", "orders.no_such_message"},
		{"unknown id in english", "en", "x.y", "x.y"},
		{"empty id", "ru", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.T(tt.lang, tt.id, nil); got != tt.want {
				t.Fatalf("T(%q, %q) = %q, want %q", tt.lang, tt.id, got, tt.want)
			}
		})
	}
}

func TestNewRefusesBadFiles(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
	}{
		{"no files", fstest.MapFS{"locales/README": {Data: []byte("x")}}},
		{"unsupported language", fstest.MapFS{"locales/active.de.toml": {Data: []byte("[errors]\ninternal = \"x\"\n")}}},
		{"broken toml", fstest.MapFS{"locales/active.ru.toml": {Data: []byte("[errors\n")}}},
		{"plural with two fields and no Count", fstest.MapFS{"locales/active.ru.toml": {Data: []byte(
			"[x.y]\none = \"{{.A}} {{.B}}\"\nother = \"{{.A}}\"\n")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := i18n.New(tt.files); err == nil {
				t.Fatal("New accepted the files")
			}
		})
	}
}
