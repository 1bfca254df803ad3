// Package sdk is what a product plugin implements and what the platform
// calls: the Product interface and its plain request and response types.
// No protobuf type appears here; the wire protocol (plugins/proto) and the
// go-plugin plumbing stay behind Serve on the plugin side and behind
// plugins/host on the platform side.
//
// A product is a plain Go value implementing Product. The same value runs
// in-process in tests (plugintest.Run) and as a subprocess in production
// (Serve), so a product never knows which side of the wire it is on.
//
// Errors: a product returns *errs.Error values (package
// core/platform/errs); their kind and code cross the wire as a gRPC status
// and come back as the same kind and code on the host side.
package sdk

import (
	"context"
	"sync"
	"time"

	"github.com/consult/platform/core/platform/clock"
)

// Product is one product (VetPet, Astars) behind the plugin boundary. Each
// call crosses a process boundary (about 130 µs), so calls are coarse: the
// host describes the product once and validates a whole request per call.
// Every call carries ctx (its deadline travels across the wire) and a Call
// with the tenant and locale.
type Product interface {
	// Describe returns the product's spec. It must not depend on the
	// call: the host caches one spec per product for every tenant.
	Describe(ctx context.Context, call Call) (Spec, error)

	// ValidateRequest checks a request for a service. Problems with the
	// customer's input come back as violations with a nil error; the
	// error is for failures of the check itself.
	ValidateRequest(ctx context.Context, call Call, req Request) ([]Violation, error)

	// ValidateSubject checks the fields of a subject of kind (a pet, a
	// person) before it is saved.
	ValidateSubject(ctx context.Context, call Call, kind string, fields map[string]any) ([]Violation, error)

	// RenderDocument builds a localised, structured document (in
	// call.Locale) that the host turns into a PDF. An unknown kind is an
	// errs.KindInvalid error with code documents.kind_unknown.
	RenderDocument(ctx context.Context, call Call, in DocumentInput) (Document, error)
}

// Call is the context of every call into a product: which tenant asks, in
// which language, in which zone and at which business instant. Products
// that serve several tenants read per-tenant settings from Settings.
type Call struct {
	Tenant   string `json:"tenant"`
	Locale   string `json:"locale"`   // "ru" or "en"
	Timezone string `json:"timezone"` // IANA zone of the tenant; Europe/Moscow when empty
	// Now is the business instant from the caller's clock (rules never
	// read the wall clock, so a demo or a test can set the date).
	Now time.Time `json:"now"`
	// Settings are the tenant's settings for this product, e.g. "brand"
	// (the site name printed in documents).
	Settings  map[string]string `json:"settings,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// Location returns the call's zone, Europe/Moscow when unset or unknown:
// the offers' time rules are written in Moscow time (offer 003, art. 8).
func (c Call) Location() *time.Location {
	if c.Timezone == "" {
		return clock.Moscow
	}
	if loc, ok := zones.Load(c.Timezone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return clock.Moscow
	}
	zones.Store(c.Timezone, loc)
	return loc
}

// zones memoizes time.LoadLocation, which parses the zone database on
// every call (tens of microseconds): a validation asks for the zone
// several times, and tenants share a handful of zones.
var zones sync.Map

// Instant returns c.Now, or the wall clock when the caller set none.
func (c Call) Instant() time.Time {
	if c.Now.IsZero() {
		return time.Now()
	}
	return c.Now
}

// Today returns the call's current date in its zone, at midnight.
func (c Call) Today() time.Time {
	y, m, d := c.Instant().In(c.Location()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, c.Location())
}

// Lang returns the call's locale, Russian when unset.
func (c Call) Lang() string {
	if c.Locale == "" {
		return "ru"
	}
	return c.Locale
}

// Request is a customer's request for a service: the text of the question,
// the subject it is about and the attached documents (offer 003, 5.3.3.1 —
// 5.3.3.2: the customer picks the service, describes the matter in "Ваш
// вопрос" and may attach files).
type Request struct {
	ServiceKind string         `json:"service_kind"`
	SubjectKind string         `json:"subject_kind,omitempty"`
	Subject     map[string]any `json:"subject,omitempty"` // the subject's fields, as stored
	Question    string         `json:"question"`
	Attachments []Attachment   `json:"attachments,omitempty"`
	// PreferredTime is the time the customer would like to be contacted,
	// RFC 3339 (seed 000, "Мои услуги": "выбрав удобное время").
	PreferredTime string `json:"preferred_time,omitempty"`
	// Fields are the values of the service kind's extra fields.
	Fields map[string]any `json:"fields,omitempty"`
}

// Attachment describes a file attached to a request. The host stores the
// file and sniffs its content; the product judges the name and size.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"` // bytes
}

// Violation is one problem with the customer's input. Code is an i18n
// message id (subjects.field_required, requests.documents_required, …) and
// Field the input's path ("question", "subject.weight_kg",
// "attachments.0"). Params fill the message template ({{.Max}}).
type Violation struct {
	Field  string            `json:"field"`
	Code   string            `json:"code"`
	Params map[string]string `json:"params,omitempty"`
}

// DocumentInput is what a rendered document is made of: the consultation
// and its result.
type DocumentInput struct {
	Kind        string         `json:"kind"` // e.g. "consultation_result"
	ServiceKind string         `json:"service_kind"`
	Number      string         `json:"number"` // the request's number, printed on the document
	Specialist  string         `json:"specialist"`
	Customer    string         `json:"customer"`
	SubjectKind string         `json:"subject_kind,omitempty"`
	Subject     map[string]any `json:"subject,omitempty"`
	Question    string         `json:"question"`
	Answer      string         `json:"answer"`
	Date        time.Time      `json:"date"` // when the service was rendered
}

// Document is a rendered document in one language, in reading order: the
// host lays it out as a PDF (title, sections, footer on every page).
type Document struct {
	Kind     string    `json:"kind"`
	Locale   string    `json:"locale"`
	Title    string    `json:"title"`
	Sections []Section `json:"sections"`
	Footer   string    `json:"footer"`
}

// Section is a headed part of a document: label/value rows (a table) and
// body text, either or both.
type Section struct {
	Heading string `json:"heading"`
	Rows    []Row  `json:"rows,omitempty"`
	Body    string `json:"body,omitempty"`
}

// Row is one label/value line of a section.
type Row struct {
	Label string `json:"label"`
	Value string `json:"value"`
}
