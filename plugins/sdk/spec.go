package sdk

import (
	"bytes"
	"fmt"
	"maps"
	"slices"

	"gopkg.in/yaml.v3"
)

// Locales every title and document must be given in: Russian first (the
// source language of the seeds), English complete.
var Locales = []string{"ru", "en"}

// Text is a string in several languages keyed by base language ("ru", "en").
type Text map[string]string

// In returns the text in lang, falling back to Russian and then to any
// language, so a form never shows an empty label for a missing translation.
func (t Text) In(lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	if s := t["ru"]; s != "" {
		return s
	}
	for _, l := range slices.Sorted(maps.Keys(t)) {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

// Delivery is a way a service reaches the customer.
type Delivery string

// Delivery modes. The seeds name them: oral by phone or written in the
// cabinet chat (offer 003, art. 1 "Консультация ветеринара"), a video call
// ("Видео-консультация"), a written answer on documents ("Второе мнение"),
// a recorded oral answer (seed 002, "Аудиоконсультация").
const (
	DeliveryPhone   Delivery = "phone"   // a call from the specialist
	DeliveryChat    Delivery = "chat"    // a conversation in the cabinet chat
	DeliveryVideo   Delivery = "video"   // a video call in the cabinet or a meeting link
	DeliveryWritten Delivery = "written" // a written answer or document in the cabinet
	DeliveryAudio   Delivery = "audio"   // a recorded oral answer
)

// Deliveries lists every known delivery mode.
var Deliveries = []Delivery{DeliveryPhone, DeliveryChat, DeliveryVideo, DeliveryWritten, DeliveryAudio}

// SLA classes decide how the consultations engine computes a request's
// deadline. The rules behind them are in offers 003 and 004, art. 5 and 8.
const (
	SLAAgreedTime      = "agreed_time"       // at a time agreed with the customer, 09:00–21:00 Moscow (5.3.1, 8.1–8.3)
	SLAStudy24h        = "study_24h"         // questions that need study: within 24 h (5.3.5)
	SLADocuments48h    = "documents_48h"     // on the customer's documents: within 48 h (5.3.6)
	SLACompleteInfo24h = "complete_info_24h" // within 24 h of complete information (art. 1, owner rights and transport)
)

// SLAClasses lists every SLA class a product may use.
var SLAClasses = []string{SLAAgreedTime, SLAStudy24h, SLADocuments48h, SLACompleteInfo24h}

// FieldType is the kind of value a form field holds.
type FieldType string

// Field types. Values cross the wire as JSON values: strings for every type
// except number (a JSON number; a numeric string is accepted too, because an
// HTML form posts strings) and place (a string, or an object with "name"
// and optional "lat", "lon").
const (
	TypeString FieldType = "string" // one line of text
	TypeText   FieldType = "text"   // several lines of text
	TypeEnum   FieldType = "enum"   // one of Options (or OptionsBy[value of DependsOn])
	TypeDate   FieldType = "date"   // a calendar date, "2006-01-02"
	TypeTime   FieldType = "time"   // a time of day, "15:04"
	TypeNumber FieldType = "number" // a decimal number
	TypePlace  FieldType = "place"  // a place name, e.g. a birth place
)

// FieldTypes lists every field type.
var FieldTypes = []FieldType{TypeString, TypeText, TypeEnum, TypeDate, TypeTime, TypeNumber, TypePlace}

// Spec describes a product: what it sells, what a consultation is about and
// what it adds to the customer's profile. The host reads it once per plugin
// start and caches it; nothing on a hot path calls the plugin for it.
type Spec struct {
	Product       string          `json:"product" yaml:"product"`
	Title         Text            `json:"title" yaml:"title"`
	Description   Text            `json:"description,omitempty" yaml:"description"`
	ServiceKinds  []ServiceKind   `json:"service_kinds" yaml:"service_kinds"`
	SubjectKinds  []SubjectKind   `json:"subject_kinds" yaml:"subject_kinds"`
	ProfileFields []Field         `json:"profile_fields" yaml:"profile_fields"`
	Attachments   AttachmentRules `json:"attachments" yaml:"attachments"`
	DocumentKinds []DocumentKind  `json:"document_kinds" yaml:"document_kinds"`
}

// ServiceKind is a kind of service a package can hold quotas of.
type ServiceKind struct {
	Key         string     `json:"key" yaml:"key"`
	Title       Text       `json:"title" yaml:"title"`
	Description Text       `json:"description,omitempty" yaml:"description"`
	Delivery    []Delivery `json:"delivery" yaml:"delivery"`   // allowed modes, the usual one first
	SLAClass    string     `json:"sla_class" yaml:"sla_class"` // one of SLAClasses
	// NeedsSubject: a request must name a subject of kind SubjectKind.
	NeedsSubject bool `json:"needs_subject" yaml:"needs_subject"`
	// SubjectKind is the kind of subject the service is about (set even
	// when optional, so a form can offer the customer's pets).
	SubjectKind string `json:"subject_kind,omitempty" yaml:"subject_kind"`
	// NeedsDocuments: a request must carry at least one attachment.
	NeedsDocuments bool `json:"needs_documents" yaml:"needs_documents"`
	// Fields are extra request fields of this service (e.g. the partner's
	// birth data for a compatibility reading).
	Fields []Field `json:"fields,omitempty" yaml:"fields"`
}

// SubjectKind is a kind of thing a consultation is about: a pet, a person.
type SubjectKind struct {
	Key   string `json:"key" yaml:"key"`
	Title Text   `json:"title" yaml:"title"`
	// LabelField is the field that names a subject in lists ("name").
	LabelField string  `json:"label_field" yaml:"label_field"`
	Fields     []Field `json:"fields" yaml:"fields"`
}

// Field is one input of a form, with what a front end needs to draw it and
// what the server needs to check it.
type Field struct {
	Key      string    `json:"key" yaml:"key"`
	Title    Text      `json:"title" yaml:"title"`
	Hint     Text      `json:"hint,omitempty" yaml:"hint"`
	Type     FieldType `json:"type" yaml:"type"`
	Required bool      `json:"required" yaml:"required"`
	// Options are the choices of an enum field.
	Options []Option `json:"options,omitempty" yaml:"options"`
	// DependsOn names an enum field of the same form whose value selects
	// this field's choices from OptionsBy (breeds per species).
	DependsOn string              `json:"depends_on,omitempty" yaml:"depends_on"`
	OptionsBy map[string][]Option `json:"options_by,omitempty" yaml:"options_by"`
	// Min and Max bound a number, inclusive.
	Min *float64 `json:"min,omitempty" yaml:"min"`
	Max *float64 `json:"max,omitempty" yaml:"max"`
	// MinLen and MaxLen bound a text in characters (runes), after trimming.
	MinLen int `json:"min_len,omitempty" yaml:"min_len"`
	MaxLen int `json:"max_len,omitempty" yaml:"max_len"`
	// MinDate is the earliest accepted date ("2006-01-02").
	MinDate string `json:"min_date,omitempty" yaml:"min_date"`
	// NotFuture refuses dates after today, NotPast dates before today, in
	// the call's zone.
	NotFuture bool `json:"not_future,omitempty" yaml:"not_future"`
	NotPast   bool `json:"not_past,omitempty" yaml:"not_past"`
}

// Option is one choice of an enum field.
type Option struct {
	Key   string `json:"key" yaml:"key"`
	Title Text   `json:"title" yaml:"title"`
}

// AttachmentRules limit the files a request may carry. Sizes are bytes.
type AttachmentRules struct {
	Extensions []string `json:"extensions" yaml:"extensions"` // lower case, without the dot
	MaxSize    int64    `json:"max_size" yaml:"max_size"`     // per file
	MaxFiles   int      `json:"max_files" yaml:"max_files"`   // per request
}

// DocumentKind is a kind of document RenderDocument can build.
type DocumentKind struct {
	Key   string `json:"key" yaml:"key"`
	Title Text   `json:"title" yaml:"title"`
}

// ServiceKind returns the service kind with key.
func (s Spec) ServiceKind(key string) (ServiceKind, bool) {
	for _, k := range s.ServiceKinds {
		if k.Key == key {
			return k, true
		}
	}
	return ServiceKind{}, false
}

// SubjectKind returns the subject kind with key.
func (s Spec) SubjectKind(key string) (SubjectKind, bool) {
	for _, k := range s.SubjectKinds {
		if k.Key == key {
			return k, true
		}
	}
	return SubjectKind{}, false
}

// ServiceKindKeys returns the keys of the service kinds in spec order.
func (s Spec) ServiceKindKeys() []string {
	keys := make([]string, len(s.ServiceKinds))
	for i, k := range s.ServiceKinds {
		keys[i] = k.Key
	}
	return keys
}

// HasDocumentKind reports whether the product renders documents of kind.
func (s Spec) HasDocumentKind(kind string) bool {
	return slices.ContainsFunc(s.DocumentKinds, func(d DocumentKind) bool { return d.Key == kind })
}

// Allows reports whether a file with extension ext (with or without the
// dot, any case) may be attached.
func (r AttachmentRules) Allows(ext string) bool {
	ext = normExt(ext)
	return ext != "" && slices.Contains(r.Extensions, ext)
}

// Choices returns the options of an enum field given the values of its
// form: Options, or OptionsBy[value of DependsOn]. ok is false when the
// field depends on a parent whose value is missing or has no list.
func (f Field) Choices(values map[string]any) (opts []Option, ok bool) {
	if f.DependsOn == "" {
		return f.Options, true
	}
	parent, _ := values[f.DependsOn].(string)
	opts, ok = f.OptionsBy[parent]
	return opts, ok
}

// findOption returns the option with key among opts.
func findOption(opts []Option, key string) (Option, bool) {
	for _, o := range opts {
		if o.Key == key {
			return o, true
		}
	}
	return Option{}, false
}

// DecodeYAML decodes a product's data file (its embedded product.yaml)
// into v. Unknown keys are errors, so a typo in the data fails the
// product's tests instead of silently dropping a rule.
func DecodeYAML(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("sdk: decode yaml: %w", err)
	}
	return nil
}
