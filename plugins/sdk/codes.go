package sdk

// Violation codes are i18n message ids: the platform's locale files
// (configs/locales) hold their texts, and a front end may show them next to
// the field. A field problem's code is "<scope>.<problem>", where the scope
// is "subjects" for a subject's fields and "requests" for a request's extra
// fields, so "subjects.field_required" and "requests.field_required".
const (
	ScopeSubjects = "subjects"
	ScopeRequests = "requests"
)

// Field problems, to be prefixed with a scope (see Code).
const (
	ProblemFieldRequired  = "field_required"   // a required field is missing or blank
	ProblemFieldUnknown   = "field_unknown"    // a value for a field the form does not have
	ProblemValueInvalid   = "value_invalid"    // a value of the wrong type (a list for a name)
	ProblemOptionUnknown  = "option_unknown"   // an enum value that is not one of the choices
	ProblemTooShort       = "too_short"        // params: Min
	ProblemTooLong        = "too_long"         // params: Max
	ProblemNumberInvalid  = "number_invalid"   // not a finite decimal number
	ProblemNumberTooSmall = "number_too_small" // params: Min
	ProblemNumberTooLarge = "number_too_large" // params: Max
	ProblemDateInvalid    = "date_invalid"     // not YYYY-MM-DD
	ProblemDateInFuture   = "date_in_future"   // after today (a birth date)
	ProblemDateInPast     = "date_in_past"     // before today (a planned event)
	ProblemDateTooEarly   = "date_too_early"   // params: Min
	ProblemTimeInvalid    = "time_invalid"     // not HH:MM
)

// Code returns the message id of a field problem in scope.
func Code(scope, problem string) string { return scope + "." + problem }

// Subject codes.
const (
	CodeSubjectKindUnknown = "subjects.kind_unknown"
)

// Request codes.
const (
	CodeServiceKindUnknown    = "requests.service_kind_unknown"
	CodeSubjectRequired       = "requests.subject_required"
	CodeSubjectUnexpected     = "requests.subject_unexpected"
	CodeSubjectKindMismatch   = "requests.subject_kind_mismatch"
	CodeQuestionRequired      = "requests.question_required"
	CodeQuestionTooLong       = "requests.question_too_long" // params: Max
	CodeDocumentsRequired     = "requests.documents_required"
	CodeTooManyAttachments    = "requests.too_many_attachments"    // params: Max
	CodeAttachmentInvalid     = "requests.attachment_invalid"      // no name or no content
	CodeAttachmentTypeRefused = "requests.attachment_type_refused" // params: Ext, Allowed
	CodeAttachmentTooLarge    = "requests.attachment_too_large"    // params: Max (bytes)
	CodePreferredTimeInvalid  = "requests.preferred_time_invalid"
	CodePreferredTimePast     = "requests.preferred_time_past"
)

// Document error codes (errors of RenderDocument, not violations).
const (
	CodeDocumentKindUnknown = "documents.kind_unknown"
	CodeDocumentInvalid     = "documents.input_invalid"
)

// QuestionMaxLen bounds the question text in characters. The offers ask
// the customer to describe the matter briefly ("кратко описывает суть
// обращения", offer 003, 5.3.3.1); longer material goes in attachments.
const QuestionMaxLen = 4000
