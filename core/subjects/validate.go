package subjects

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/plugins/sdk"
)

// validate checks fields of a subject of kind against product: the kind
// against the cached spec (which outlives a plugin restart, so a kind that
// cannot exist is refused without a plugin call), then the plugin's
// ValidateSubject, then the service's own whitelist of the kind's keys. It
// returns the fields to store and the subject's label.
func (s *Service) validate(ctx context.Context, product, kind string, fields map[string]any, call sdk.Call) (map[string]any, string, error) {
	spec, ok := s.specs.Spec(product)
	if !ok {
		// An unknown product, or one whose plugin never answered its first
		// Describe: the products function says which (products.not_found,
		// products.unavailable).
		if _, err := s.products(product); err != nil {
			return nil, "", fmt.Errorf("subjects: product %s: %w", product, err)
		}
		return nil, "", errs.E(errs.KindUnavailable, "products.unavailable").
			Because(fmt.Errorf("subjects: no cached spec of product %q", product))
	}
	sk, ok := spec.SubjectKind(kind)
	if !ok {
		return nil, "", errs.Invalid(CodeKindUnknown, errs.FieldError{Field: "kind", Code: CodeKindUnknown})
	}
	v, err := s.products(product)
	if err != nil {
		return nil, "", fmt.Errorf("subjects: product %s: %w", product, err)
	}
	if fields == nil {
		fields = map[string]any{}
	}
	vs, err := v.ValidateSubject(ctx, call, kind, fields)
	if err != nil {
		return nil, "", fmt.Errorf("subjects: validate %s/%s: %w", product, kind, err)
	}
	// sdk.CheckSubject refuses keys the schema does not have, but a
	// product need not use it (an external plugin): whatever it says, only
	// the schema's keys are ever stored, and an unknown one is refused
	// rather than silently dropped, so the customer sees the form is stale.
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if !slices.ContainsFunc(sk.Fields, func(f sdk.Field) bool { return f.Key == k }) && !sdk.HasViolation(vs, k) {
			vs = append(vs, sdk.Violation{Field: k, Code: sdk.Code(sdk.ScopeSubjects, sdk.ProblemFieldUnknown)})
		}
	}
	if len(vs) > 0 {
		return nil, "", invalid(vs)
	}
	clean := normalise(sk, fields)
	return clean, label(sk, clean), nil
}

// invalid turns a product's violations into one Invalid error whose field
// errors carry each violation's code and params (the message templates'
// data: {{.Max}}).
func invalid(vs []sdk.Violation) *errs.Error {
	fe := make([]errs.FieldError, len(vs))
	for i, v := range vs {
		fe[i] = errs.FieldError{Field: v.Field, Code: v.Code}
		if len(v.Params) > 0 {
			fe[i].Data = make(map[string]any, len(v.Params))
			for k, p := range v.Params {
				fe[i].Data[k] = p
			}
		}
	}
	return errs.Invalid(CodeInvalid, fe...)
}

// normalise returns the valid values in the form later readers expect:
// the schema's keys only; numbers as float64 ("4,5" from a Russian form
// becomes 4.5, so a diet is computed from a number); strings trimmed;
// blank optional values left out rather than stored as "".
func normalise(sk sdk.SubjectKind, fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for _, f := range sk.Fields {
		v, ok := fields[f.Key]
		if !ok || v == nil {
			continue
		}
		switch x := v.(type) {
		case string:
			x = strings.TrimSpace(x)
			if x == "" {
				continue
			}
			if f.Type == sdk.TypeNumber {
				if n, ok := sdk.Number(x); ok {
					out[f.Key] = n
					continue
				}
			}
			out[f.Key] = x
		case map[string]any:
			if len(x) == 0 {
				continue
			}
			out[f.Key] = normalisePlace(x)
		default:
			if f.Type == sdk.TypeNumber {
				if n, ok := sdk.Number(x); ok {
					out[f.Key] = n
					continue
				}
			}
			out[f.Key] = x
		}
	}
	return out
}

// normalisePlace trims a place's name and makes its coordinates numbers
// (the only keys sdk's place check lets through are name, lat and lon).
func normalisePlace(p map[string]any) map[string]any {
	out := make(map[string]any, len(p))
	for k, v := range p {
		switch s, isStr := v.(string); {
		case k == "name" && isStr:
			out[k] = strings.TrimSpace(s)
		default:
			if n, ok := sdk.Number(v); ok {
				out[k] = n
			} else {
				out[k] = v
			}
		}
	}
	return out
}

// label is the value of the kind's LabelField as text.
func label(sk sdk.SubjectKind, fields map[string]any) string {
	switch v := fields[sk.LabelField].(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case map[string]any:
		name, _ := v["name"].(string)
		return name
	default:
		return fmt.Sprint(v)
	}
}
