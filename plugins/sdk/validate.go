package sdk

import (
	"encoding/json"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CheckFields checks values against a form's fields and returns the
// violations in field order (unknown fields last, sorted). Codes are in
// scope (ScopeSubjects, ScopeRequests); prefix is prepended to every
// violation's field ("subject." inside a request). Unknown fields are
// refused: a product must not silently store what its schema does not know.
func CheckFields(call Call, scope, prefix string, fields []Field, values map[string]any) []Violation {
	var out []Violation
	bad := func(f Field, problem string, params map[string]string) {
		out = append(out, Violation{Field: prefix + f.Key, Code: Code(scope, problem), Params: params})
	}
	invalidParent := map[string]bool{}
	for _, f := range fields {
		v, present := values[f.Key]
		if !present || isBlank(v) {
			if f.Required {
				bad(f, ProblemFieldRequired, nil)
				invalidParent[f.Key] = true
			}
			continue
		}
		before := len(out)
		switch f.Type {
		case TypeString, TypeText:
			s, ok := v.(string)
			if !ok {
				bad(f, ProblemValueInvalid, nil)
				break
			}
			checkLen(f, strings.TrimSpace(s), bad)
		case TypeEnum:
			if invalidParent[f.DependsOn] {
				break // the parent's violation says it; a second one would only confuse
			}
			s, ok := v.(string)
			if !ok {
				bad(f, ProblemValueInvalid, nil)
				break
			}
			opts, _ := f.Choices(values)
			if _, ok := findOption(opts, s); !ok {
				bad(f, ProblemOptionUnknown, nil)
			}
		case TypeDate:
			checkDate(call, f, v, bad)
		case TypeTime:
			s, ok := v.(string)
			if !ok || !validTime(s) {
				bad(f, ProblemTimeInvalid, nil)
			}
		case TypeNumber:
			n, ok := Number(v)
			switch {
			case !ok:
				bad(f, ProblemNumberInvalid, nil)
			case f.Min != nil && n < *f.Min:
				bad(f, ProblemNumberTooSmall, map[string]string{"Min": formatNumber(*f.Min)})
			case f.Max != nil && n > *f.Max:
				bad(f, ProblemNumberTooLarge, map[string]string{"Max": formatNumber(*f.Max)})
			}
		case TypePlace:
			checkPlace(f, v, bad)
		default:
			bad(f, ProblemValueInvalid, nil)
		}
		if len(out) > before {
			invalidParent[f.Key] = true
		}
	}
	var unknown []string
	for k := range values {
		if !slices.ContainsFunc(fields, func(f Field) bool { return f.Key == k }) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		out = append(out, Violation{Field: prefix + k, Code: Code(scope, ProblemFieldUnknown)})
	}
	return out
}

// CheckSubject checks a subject of kind against spec.
func CheckSubject(spec Spec, call Call, kind string, values map[string]any) []Violation {
	sk, ok := spec.SubjectKind(kind)
	if !ok {
		return []Violation{{Field: "kind", Code: CodeSubjectKindUnknown}}
	}
	return CheckFields(call, ScopeSubjects, "", sk.Fields, values)
}

// CheckRequest applies the rules every product shares to a request: a
// known service kind, a question of bounded length, the subject the
// service needs, its extra fields, the documents it needs, attachments of
// allowed types and sizes (offer 003, 9.3), a preferred time that is a
// future instant. Products add their own rules on top.
func CheckRequest(spec Spec, call Call, req Request) []Violation {
	kind, ok := spec.ServiceKind(req.ServiceKind)
	if !ok {
		return []Violation{{Field: "service_kind", Code: CodeServiceKindUnknown}}
	}
	var out []Violation
	add := func(field, code string, params map[string]string) {
		out = append(out, Violation{Field: field, Code: code, Params: params})
	}

	q := strings.TrimSpace(req.Question)
	switch {
	case q == "":
		add("question", CodeQuestionRequired, nil)
	case utf8.RuneCountInString(q) > QuestionMaxLen:
		add("question", CodeQuestionTooLong, map[string]string{"Max": strconv.Itoa(QuestionMaxLen)})
	}

	hasSubject := req.SubjectKind != "" || len(req.Subject) > 0
	switch {
	case !hasSubject && kind.NeedsSubject:
		add("subject", CodeSubjectRequired, nil)
	case hasSubject && kind.SubjectKind == "":
		add("subject", CodeSubjectUnexpected, nil)
	case hasSubject && req.SubjectKind != kind.SubjectKind:
		add("subject_kind", CodeSubjectKindMismatch, map[string]string{"Expected": kind.SubjectKind})
	case hasSubject:
		sk, _ := spec.SubjectKind(kind.SubjectKind)
		out = append(out, CheckFields(call, ScopeSubjects, "subject.", sk.Fields, req.Subject)...)
	}

	out = append(out, CheckFields(call, ScopeRequests, "fields.", kind.Fields, req.Fields)...)
	out = append(out, checkAttachments(spec.Attachments, req.Attachments)...)
	if kind.NeedsDocuments && len(req.Attachments) == 0 {
		add("attachments", CodeDocumentsRequired, nil)
	}

	if req.PreferredTime != "" {
		t, err := time.Parse(time.RFC3339, req.PreferredTime)
		switch {
		case err != nil:
			add("preferred_time", CodePreferredTimeInvalid, nil)
		case t.Before(call.Instant()):
			add("preferred_time", CodePreferredTimePast, nil)
		}
	}
	return out
}

func checkAttachments(rules AttachmentRules, files []Attachment) []Violation {
	var out []Violation
	if rules.MaxFiles > 0 && len(files) > rules.MaxFiles {
		out = append(out, Violation{Field: "attachments", Code: CodeTooManyAttachments,
			Params: map[string]string{"Max": strconv.Itoa(rules.MaxFiles)}})
	}
	for i, a := range files {
		field := "attachments." + strconv.Itoa(i)
		ext := normExt(path.Ext(a.Name))
		switch {
		case strings.TrimSpace(a.Name) == "" || a.Size <= 0:
			out = append(out, Violation{Field: field, Code: CodeAttachmentInvalid})
		case !rules.Allows(ext):
			out = append(out, Violation{Field: field, Code: CodeAttachmentTypeRefused,
				Params: map[string]string{"Ext": ext, "Allowed": strings.Join(rules.Extensions, ", ")}})
		case a.Size > rules.MaxSize:
			out = append(out, Violation{Field: field, Code: CodeAttachmentTooLarge,
				Params: map[string]string{"Max": strconv.FormatInt(rules.MaxSize, 10)}})
		}
	}
	return out
}

func checkLen(f Field, s string, bad func(Field, string, map[string]string)) {
	n := utf8.RuneCountInString(s)
	switch {
	case f.MinLen > 0 && n < f.MinLen:
		bad(f, ProblemTooShort, map[string]string{"Min": strconv.Itoa(f.MinLen)})
	case f.MaxLen > 0 && n > f.MaxLen:
		bad(f, ProblemTooLong, map[string]string{"Max": strconv.Itoa(f.MaxLen)})
	}
}

func checkDate(call Call, f Field, v any, bad func(Field, string, map[string]string)) {
	s, _ := v.(string)
	d, err := ParseDate(s, call.Location())
	if err != nil {
		bad(f, ProblemDateInvalid, nil)
		return
	}
	today := call.Today()
	if f.MinDate != "" {
		if earliest, err := ParseDate(f.MinDate, call.Location()); err == nil && d.Before(earliest) {
			bad(f, ProblemDateTooEarly, map[string]string{"Min": f.MinDate})
			return
		}
	}
	switch {
	case f.NotFuture && d.After(today):
		bad(f, ProblemDateInFuture, nil)
	case f.NotPast && d.Before(today):
		bad(f, ProblemDateInPast, nil)
	}
}

// checkPlace accepts a place name, or an object {"name", "lat", "lon"}
// when a front end resolved the place to coordinates (a natal chart needs
// them; the astrologer resolves a bare name by hand).
func checkPlace(f Field, v any, bad func(Field, string, map[string]string)) {
	switch p := v.(type) {
	case string:
		checkLen(f, strings.TrimSpace(p), bad)
	case map[string]any:
		name, ok := p["name"].(string)
		if !ok || strings.TrimSpace(name) == "" {
			bad(f, ProblemValueInvalid, nil)
			return
		}
		for k, c := range p {
			limit := map[string]float64{"lat": 90, "lon": 180}[k]
			switch {
			case k == "name":
			case limit == 0:
				bad(f, ProblemValueInvalid, nil)
				return
			default:
				n, ok := Number(c)
				if !ok || math.Abs(n) > limit {
					bad(f, ProblemValueInvalid, nil)
					return
				}
			}
		}
		checkLen(f, strings.TrimSpace(name), bad)
	default:
		bad(f, ProblemValueInvalid, nil)
	}
}

// ParseDate parses "2006-01-02" as midnight in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), loc)
}

// validTime reports whether s is a time of day "15:04".
func validTime(s string) bool {
	_, err := time.Parse("15:04", strings.TrimSpace(s))
	return err == nil
}

// Number reads a field value as a finite number: a JSON number (float64
// after decoding, or json.Number), a Go integer, or a decimal string with a
// dot or a comma (Russian forms write "4,5").
func Number(v any) (float64, bool) {
	var n float64
	switch x := v.(type) {
	case float64:
		n = x
	case float32:
		n = float64(x)
	case int:
		n = float64(x)
	case int64:
		n = float64(x)
	case int32:
		n = float64(x)
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return 0, false
		}
		n = f
	case string:
		f, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(x), ",", ".", 1), 64)
		if err != nil {
			return 0, false
		}
		n = f
	default:
		return 0, false
	}
	if math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, false
	}
	return n, true
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func isBlank(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// normExt lower-cases an extension and drops its dot.
func normExt(ext string) string { return strings.ToLower(strings.TrimPrefix(ext, ".")) }

// HasViolation reports whether vs holds a violation of field, so a
// product's own rule does not add a second one to a field already refused.
func HasViolation(vs []Violation, field string) bool {
	return slices.ContainsFunc(vs, func(v Violation) bool { return v.Field == field })
}
