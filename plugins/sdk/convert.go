package sdk

import (
	"maps"
	"time"

	productv1 "github.com/consult/platform/plugins/proto/consult/product/v1"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Converters between the plain SDK types and the generated protobuf types.
// They live here, unexported, so that no protobuf type leaks into the API a
// product implements.

func callToPB(c Call) *productv1.Call {
	return &productv1.Call{
		Tenant:    c.Tenant,
		Locale:    c.Locale,
		Timezone:  c.Timezone,
		Now:       timeToPB(c.Now),
		Settings:  c.Settings,
		RequestId: c.RequestID,
	}
}

func callFromPB(c *productv1.Call) Call {
	return Call{
		Tenant:    c.GetTenant(),
		Locale:    c.GetLocale(),
		Timezone:  c.GetTimezone(),
		Now:       timeFromPB(c.GetNow()),
		Settings:  c.GetSettings(),
		RequestID: c.GetRequestId(),
	}
}

func timeToPB(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func timeFromPB(t *timestamppb.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.AsTime()
}

// valuesToPB converts a field map; it fails on values JSON cannot carry
// (a Go struct, invalid UTF-8).
func valuesToPB(m map[string]any) (*structpb.Struct, error) {
	if m == nil {
		return nil, nil
	}
	return structpb.NewStruct(m)
}

// valuesFromPB returns the field map; numbers come back as float64, as
// they would from encoding/json.
func valuesFromPB(s *structpb.Struct) map[string]any {
	if s == nil {
		return nil
	}
	return s.AsMap()
}

func textToPB(t Text) map[string]string { return maps.Clone(map[string]string(t)) }

func textFromPB(m map[string]string) Text {
	if len(m) == 0 {
		return nil
	}
	return Text(maps.Clone(m))
}

func specToPB(s Spec) *productv1.Spec {
	out := &productv1.Spec{
		Product:       s.Product,
		Title:         textToPB(s.Title),
		Description:   textToPB(s.Description),
		ProfileFields: fieldsToPB(s.ProfileFields),
		Attachments: &productv1.AttachmentRules{
			Extensions: s.Attachments.Extensions,
			MaxSize:    s.Attachments.MaxSize,
			MaxFiles:   int32(s.Attachments.MaxFiles),
		},
	}
	for _, k := range s.ServiceKinds {
		d := make([]string, len(k.Delivery))
		for i, m := range k.Delivery {
			d[i] = string(m)
		}
		out.ServiceKinds = append(out.ServiceKinds, &productv1.ServiceKind{
			Key:            k.Key,
			Title:          textToPB(k.Title),
			Description:    textToPB(k.Description),
			Delivery:       d,
			SlaClass:       k.SLAClass,
			NeedsSubject:   k.NeedsSubject,
			SubjectKind:    k.SubjectKind,
			NeedsDocuments: k.NeedsDocuments,
			Fields:         fieldsToPB(k.Fields),
		})
	}
	for _, k := range s.SubjectKinds {
		out.SubjectKinds = append(out.SubjectKinds, &productv1.SubjectKind{
			Key:        k.Key,
			Title:      textToPB(k.Title),
			LabelField: k.LabelField,
			Fields:     fieldsToPB(k.Fields),
		})
	}
	for _, d := range s.DocumentKinds {
		out.DocumentKinds = append(out.DocumentKinds, &productv1.DocumentKind{Key: d.Key, Title: textToPB(d.Title)})
	}
	return out
}

func specFromPB(s *productv1.Spec) Spec {
	a := s.GetAttachments()
	out := Spec{
		Product:       s.GetProduct(),
		Title:         textFromPB(s.GetTitle()),
		Description:   textFromPB(s.GetDescription()),
		ProfileFields: fieldsFromPB(s.GetProfileFields()),
		Attachments: AttachmentRules{
			Extensions: a.GetExtensions(),
			MaxSize:    a.GetMaxSize(),
			MaxFiles:   int(a.GetMaxFiles()),
		},
	}
	for _, k := range s.GetServiceKinds() {
		var d []Delivery
		for _, m := range k.GetDelivery() {
			d = append(d, Delivery(m))
		}
		out.ServiceKinds = append(out.ServiceKinds, ServiceKind{
			Key:            k.GetKey(),
			Title:          textFromPB(k.GetTitle()),
			Description:    textFromPB(k.GetDescription()),
			Delivery:       d,
			SLAClass:       k.GetSlaClass(),
			NeedsSubject:   k.GetNeedsSubject(),
			SubjectKind:    k.GetSubjectKind(),
			NeedsDocuments: k.GetNeedsDocuments(),
			Fields:         fieldsFromPB(k.GetFields()),
		})
	}
	for _, k := range s.GetSubjectKinds() {
		out.SubjectKinds = append(out.SubjectKinds, SubjectKind{
			Key:        k.GetKey(),
			Title:      textFromPB(k.GetTitle()),
			LabelField: k.GetLabelField(),
			Fields:     fieldsFromPB(k.GetFields()),
		})
	}
	for _, d := range s.GetDocumentKinds() {
		out.DocumentKinds = append(out.DocumentKinds, DocumentKind{Key: d.GetKey(), Title: textFromPB(d.GetTitle())})
	}
	return out
}

func fieldsToPB(fs []Field) []*productv1.Field {
	var out []*productv1.Field
	for _, f := range fs {
		pf := &productv1.Field{
			Key:       f.Key,
			Title:     textToPB(f.Title),
			Hint:      textToPB(f.Hint),
			Type:      string(f.Type),
			Required:  f.Required,
			Options:   optionsToPB(f.Options),
			DependsOn: f.DependsOn,
			Min:       copyFloat(f.Min),
			Max:       copyFloat(f.Max),
			MinLen:    int32(f.MinLen),
			MaxLen:    int32(f.MaxLen),
			MinDate:   f.MinDate,
			NotFuture: f.NotFuture,
			NotPast:   f.NotPast,
		}
		if len(f.OptionsBy) > 0 {
			pf.OptionsBy = make(map[string]*productv1.OptionList, len(f.OptionsBy))
			for k, opts := range f.OptionsBy {
				pf.OptionsBy[k] = &productv1.OptionList{Options: optionsToPB(opts)}
			}
		}
		out = append(out, pf)
	}
	return out
}

func fieldsFromPB(fs []*productv1.Field) []Field {
	var out []Field
	for _, f := range fs {
		g := Field{
			Key:       f.GetKey(),
			Title:     textFromPB(f.GetTitle()),
			Hint:      textFromPB(f.GetHint()),
			Type:      FieldType(f.GetType()),
			Required:  f.GetRequired(),
			Options:   optionsFromPB(f.GetOptions()),
			DependsOn: f.GetDependsOn(),
			Min:       copyFloat(f.Min),
			Max:       copyFloat(f.Max),
			MinLen:    int(f.GetMinLen()),
			MaxLen:    int(f.GetMaxLen()),
			MinDate:   f.GetMinDate(),
			NotFuture: f.GetNotFuture(),
			NotPast:   f.GetNotPast(),
		}
		if len(f.GetOptionsBy()) > 0 {
			g.OptionsBy = make(map[string][]Option, len(f.GetOptionsBy()))
			for k, l := range f.GetOptionsBy() {
				g.OptionsBy[k] = optionsFromPB(l.GetOptions())
			}
		}
		out = append(out, g)
	}
	return out
}

func optionsToPB(opts []Option) []*productv1.Option {
	var out []*productv1.Option
	for _, o := range opts {
		out = append(out, &productv1.Option{Key: o.Key, Title: textToPB(o.Title)})
	}
	return out
}

func optionsFromPB(opts []*productv1.Option) []Option {
	var out []Option
	for _, o := range opts {
		out = append(out, Option{Key: o.GetKey(), Title: textFromPB(o.GetTitle())})
	}
	return out
}

func copyFloat(f *float64) *float64 {
	if f == nil {
		return nil
	}
	v := *f
	return &v
}

func requestToPB(r Request) (*productv1.Request, error) {
	subject, err := valuesToPB(r.Subject)
	if err != nil {
		return nil, err
	}
	fields, err := valuesToPB(r.Fields)
	if err != nil {
		return nil, err
	}
	out := &productv1.Request{
		ServiceKind:   r.ServiceKind,
		SubjectKind:   r.SubjectKind,
		Subject:       subject,
		Question:      r.Question,
		PreferredTime: r.PreferredTime,
		Fields:        fields,
	}
	for _, a := range r.Attachments {
		out.Attachments = append(out.Attachments, &productv1.Attachment{Name: a.Name, ContentType: a.ContentType, Size: a.Size})
	}
	return out, nil
}

func requestFromPB(r *productv1.Request) Request {
	out := Request{
		ServiceKind:   r.GetServiceKind(),
		SubjectKind:   r.GetSubjectKind(),
		Subject:       valuesFromPB(r.GetSubject()),
		Question:      r.GetQuestion(),
		PreferredTime: r.GetPreferredTime(),
		Fields:        valuesFromPB(r.GetFields()),
	}
	for _, a := range r.GetAttachments() {
		out.Attachments = append(out.Attachments, Attachment{Name: a.GetName(), ContentType: a.GetContentType(), Size: a.GetSize()})
	}
	return out
}

func violationsToPB(vs []Violation) []*productv1.Violation {
	var out []*productv1.Violation
	for _, v := range vs {
		out = append(out, &productv1.Violation{Field: v.Field, Code: v.Code, Params: v.Params})
	}
	return out
}

func violationsFromPB(vs []*productv1.Violation) []Violation {
	var out []Violation
	for _, v := range vs {
		out = append(out, Violation{Field: v.GetField(), Code: v.GetCode(), Params: v.GetParams()})
	}
	return out
}

func documentInputToPB(in DocumentInput) (*productv1.DocumentInput, error) {
	subject, err := valuesToPB(in.Subject)
	if err != nil {
		return nil, err
	}
	return &productv1.DocumentInput{
		Kind:        in.Kind,
		ServiceKind: in.ServiceKind,
		Number:      in.Number,
		Specialist:  in.Specialist,
		Customer:    in.Customer,
		SubjectKind: in.SubjectKind,
		Subject:     subject,
		Question:    in.Question,
		Answer:      in.Answer,
		Date:        timeToPB(in.Date),
	}, nil
}

func documentInputFromPB(in *productv1.DocumentInput) DocumentInput {
	return DocumentInput{
		Kind:        in.GetKind(),
		ServiceKind: in.GetServiceKind(),
		Number:      in.GetNumber(),
		Specialist:  in.GetSpecialist(),
		Customer:    in.GetCustomer(),
		SubjectKind: in.GetSubjectKind(),
		Subject:     valuesFromPB(in.GetSubject()),
		Question:    in.GetQuestion(),
		Answer:      in.GetAnswer(),
		Date:        timeFromPB(in.GetDate()),
	}
}

func documentToPB(d Document) *productv1.Document {
	out := &productv1.Document{Kind: d.Kind, Locale: d.Locale, Title: d.Title, Footer: d.Footer}
	for _, s := range d.Sections {
		ps := &productv1.Section{Heading: s.Heading, Body: s.Body}
		for _, r := range s.Rows {
			ps.Rows = append(ps.Rows, &productv1.Row{Label: r.Label, Value: r.Value})
		}
		out.Sections = append(out.Sections, ps)
	}
	return out
}

func documentFromPB(d *productv1.Document) Document {
	out := Document{Kind: d.GetKind(), Locale: d.GetLocale(), Title: d.GetTitle(), Footer: d.GetFooter()}
	for _, s := range d.GetSections() {
		sec := Section{Heading: s.GetHeading(), Body: s.GetBody()}
		for _, r := range s.GetRows() {
			sec.Rows = append(sec.Rows, Row{Label: r.GetLabel(), Value: r.GetValue()})
		}
		out.Sections = append(out.Sections, sec)
	}
	return out
}
