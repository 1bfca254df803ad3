package sdk

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

func TestCheckFields(t *testing.T) {
	call := Call{Now: time.Date(2026, 3, 1, 0, 30, 0, 0, time.UTC), Timezone: "Europe/Moscow"} // 03:30 on 1 March in Moscow
	fields := []Field{
		{Key: "born", Type: TypeDate, NotFuture: true},
		{Key: "event", Type: TypeDate, NotPast: true},
		{Key: "weight", Type: TypeNumber, Min: ptr(0.01), Max: ptr(150)},
		{Key: "at", Type: TypeTime},
		{Key: "place", Type: TypePlace, MaxLen: 10},
		{Key: "note", Type: TypeText, MinLen: 3, MaxLen: 5},
	}
	cases := []struct {
		name   string
		values map[string]any
		field  string
		code   string
	}{
		{"today in Moscow is not the future", map[string]any{"born": "2026-03-01"}, "", ""},
		{"tomorrow is", map[string]any{"born": "2026-03-02"}, "born", "subjects.date_in_future"},
		{"yesterday is past (UTC still says 1 March, Moscow too)", map[string]any{"event": "2026-02-28"}, "event", "subjects.date_in_past"},
		{"json.Number", map[string]any{"weight": json.Number("4.5")}, "", ""},
		{"integer", map[string]any{"weight": 7}, "", ""},
		{"NaN", map[string]any{"weight": math.NaN()}, "weight", "subjects.number_invalid"},
		{"bool is not a number", map[string]any{"weight": true}, "weight", "subjects.number_invalid"},
		{"time 9:05", map[string]any{"at": "9:05"}, "", ""},
		{"time with seconds", map[string]any{"at": "09:05:00"}, "at", "subjects.time_invalid"},
		{"place object with an unknown key", map[string]any{"place": map[string]any{"name": "Тула", "tz": "MSK"}}, "place", "subjects.value_invalid"},
		{"place object name too long", map[string]any{"place": map[string]any{"name": "Тулатулатула"}}, "place", "subjects.too_long"},
		{"place as a list", map[string]any{"place": []any{"Тула"}}, "place", "subjects.value_invalid"},
		{"text counted in runes, trimmed", map[string]any{"note": "  ёжик  "}, "", ""},
		{"text too short", map[string]any{"note": "ёж"}, "note", "subjects.too_short"},
		{"null is absent", map[string]any{"born": nil}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs := CheckFields(call, ScopeSubjects, "", fields, c.values)
			if c.field == "" {
				if len(vs) > 0 {
					t.Fatalf("refused: %+v", vs)
				}
				return
			}
			if len(vs) != 1 || vs[0].Field != c.field || vs[0].Code != c.code {
				t.Fatalf("violations %+v, want exactly {%s %s}", vs, c.field, c.code)
			}
		})
	}
}

func TestFormatDate(t *testing.T) {
	d := time.Date(2026, time.March, 5, 0, 0, 0, 0, time.UTC)
	if got := FormatDate(d, "ru"); got != "5 марта 2026 г." {
		t.Errorf("ru: %q", got)
	}
	if got := FormatDate(d, "en"); got != "5 March 2026" {
		t.Errorf("en: %q", got)
	}
}
