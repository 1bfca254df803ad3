package sdk

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// keyPattern is the shape of every key in a spec: keys end up in data files,
// URLs and i18n ids, so they stay lower-case ASCII.
var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Problems lists what is wrong with a spec: missing translations, duplicate
// or malformed keys, enum fields without options, breeds keyed by a species
// that does not exist, unknown delivery modes or SLA classes. A spec with
// problems is refused by ParseSpec and fails the contract suite.
func (s Spec) Problems() []error {
	var p problems
	if !keyPattern.MatchString(s.Product) {
		p.add("product id %q is not a key", s.Product)
	}
	p.text("title", s.Title, true)
	p.text("description", s.Description, false)

	if len(s.ServiceKinds) == 0 {
		p.add("no service kinds")
	}
	seen := map[string]bool{}
	for _, k := range s.ServiceKinds {
		at := "service kind " + k.Key
		p.key(at, k.Key, seen)
		p.text(at+" title", k.Title, true)
		p.text(at+" description", k.Description, false)
		if len(k.Delivery) == 0 {
			p.add("%s: no delivery modes", at)
		}
		for i, d := range k.Delivery {
			if !slices.Contains(Deliveries, d) {
				p.add("%s: unknown delivery %q", at, d)
			}
			if slices.Contains(k.Delivery[:i], d) {
				p.add("%s: delivery %q twice", at, d)
			}
		}
		if !slices.Contains(SLAClasses, k.SLAClass) {
			p.add("%s: unknown SLA class %q", at, k.SLAClass)
		}
		if k.NeedsSubject && k.SubjectKind == "" {
			p.add("%s: needs a subject but names no subject kind", at)
		}
		if k.SubjectKind != "" {
			if _, ok := s.SubjectKind(k.SubjectKind); !ok {
				p.add("%s: unknown subject kind %q", at, k.SubjectKind)
			}
		}
		p.fields(at, k.Fields)
	}

	seen = map[string]bool{}
	for _, k := range s.SubjectKinds {
		at := "subject kind " + k.Key
		p.key(at, k.Key, seen)
		p.text(at+" title", k.Title, true)
		if len(k.Fields) == 0 {
			p.add("%s: no fields", at)
		}
		if !slices.ContainsFunc(k.Fields, func(f Field) bool { return f.Key == k.LabelField }) {
			p.add("%s: label field %q is not one of its fields", at, k.LabelField)
		}
		p.fields(at, k.Fields)
	}
	p.fields("profile", s.ProfileFields)

	a := s.Attachments
	for _, e := range a.Extensions {
		if e != normExt(e) || e == "" {
			p.add("attachment extension %q: lower case, without the dot", e)
		}
	}
	if len(a.Extensions) > 0 && (a.MaxSize <= 0 || a.MaxFiles <= 0) {
		p.add("attachments: max_size and max_files must be positive")
	}
	for _, k := range s.ServiceKinds {
		if k.NeedsDocuments && len(a.Extensions) == 0 {
			p.add("service kind %s needs documents but no attachment is allowed", k.Key)
		}
	}

	seen = map[string]bool{}
	for _, d := range s.DocumentKinds {
		p.key("document kind "+d.Key, d.Key, seen)
		p.text("document kind "+d.Key+" title", d.Title, true)
	}
	return p.errs
}

type problems struct{ errs []error }

func (p *problems) add(format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf(format, args...))
}

// key checks that key is well formed and unique among seen.
func (p *problems) key(at, key string, seen map[string]bool) {
	if !keyPattern.MatchString(key) {
		p.add("%s: %q is not a key", at, key)
	}
	if seen[key] {
		p.add("%s: key %q twice", at, key)
	}
	seen[key] = true
}

// text checks that t is given in every locale (or absent when optional).
func (p *problems) text(at string, t Text, required bool) {
	if !required && len(t) == 0 {
		return
	}
	for _, l := range Locales {
		if strings.TrimSpace(t[l]) == "" {
			p.add("%s: no %q text", at, l)
		}
	}
}

func (p *problems) options(at string, opts []Option) {
	if len(opts) == 0 {
		p.add("%s: no options", at)
	}
	seen := map[string]bool{}
	for _, o := range opts {
		p.key(at+" option", o.Key, seen)
		p.text(at+" option "+o.Key, o.Title, true)
	}
}

func (p *problems) fields(form string, fields []Field) {
	seen := map[string]bool{}
	for i, f := range fields {
		at := form + " field " + f.Key
		p.key(at, f.Key, seen)
		p.text(at+" title", f.Title, true)
		p.text(at+" hint", f.Hint, false)
		if !slices.Contains(FieldTypes, f.Type) {
			p.add("%s: unknown type %q", at, f.Type)
		}
		switch f.Type {
		case TypeEnum:
			p.enum(at, f, fields[:i])
		case TypeString, TypeText, TypePlace:
			// An unbounded text is a storage and rendering hazard.
			if f.MaxLen <= 0 {
				p.add("%s: a text field needs max_len", at)
			}
		}
		if f.Type != TypeEnum && (len(f.Options) > 0 || f.DependsOn != "" || len(f.OptionsBy) > 0) {
			p.add("%s: options on a %s field", at, f.Type)
		}
		if (f.Min != nil || f.Max != nil) && f.Type != TypeNumber {
			p.add("%s: min/max on a %s field", at, f.Type)
		}
		if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
			p.add("%s: min > max", at)
		}
		if f.MinLen < 0 || f.MaxLen < 0 || (f.MaxLen > 0 && f.MinLen > f.MaxLen) {
			p.add("%s: bad min_len/max_len", at)
		}
		if f.MinDate != "" || f.NotFuture || f.NotPast {
			if f.Type != TypeDate {
				p.add("%s: date bounds on a %s field", at, f.Type)
			}
			if f.NotFuture && f.NotPast {
				p.add("%s: both not_future and not_past", at)
			}
			if f.MinDate != "" {
				if _, err := time.Parse(time.DateOnly, f.MinDate); err != nil {
					p.add("%s: min_date %q is not a date", at, f.MinDate)
				}
			}
		}
	}
}

// enum checks an enum field; before are the fields preceding it in its
// form, where its parent must stand so a form can draw them in order.
func (p *problems) enum(at string, f Field, before []Field) {
	if f.DependsOn == "" {
		p.options(at, f.Options)
		if len(f.OptionsBy) > 0 {
			p.add("%s: options_by without depends_on", at)
		}
		return
	}
	if len(f.Options) > 0 {
		p.add("%s: both options and depends_on", at)
	}
	i := slices.IndexFunc(before, func(g Field) bool { return g.Key == f.DependsOn })
	if i < 0 || before[i].Type != TypeEnum || before[i].DependsOn != "" {
		p.add("%s: depends on %q, which is not an earlier plain enum field", at, f.DependsOn)
		return
	}
	if len(f.OptionsBy) == 0 {
		p.add("%s: depends_on without options_by", at)
	}
	for parent, opts := range f.OptionsBy {
		if _, ok := findOption(before[i].Options, parent); !ok {
			p.add("%s: options keyed by %q, which is not an option of %s", at, parent, f.DependsOn)
		}
		p.options(at+" of "+parent, opts)
	}
}

// CheckText lists the locales t lacks; at names t in the messages.
func CheckText(at string, t Text) []error {
	var p problems
	p.text(at, t, true)
	return p.errs
}
