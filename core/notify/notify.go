// Package notify delivers SMS, e-mail and in-cabinet notifications through
// a transactional outbox: a message is written in the same transaction as
// the event that causes it (a login code, a paid order), and background
// workers deliver it with retries. A crash between commit and delivery
// loses nothing (SECURITY.md 19).
package notify

// Channel is how a message reaches its recipient.
type Channel string

const (
	SMS     Channel = "sms"
	Email   Channel = "email"
	Cabinet Channel = "cabinet" // shown in the customer's personal cabinet
)

// Message is one notification to deliver.
type Message struct {
	TenantID string
	Channel  Channel
	// To is an E.164 phone for SMS, an address for e-mail, a user id for
	// the cabinet.
	To      string
	Subject string // e-mail subject, cabinet title; empty for SMS
	Text    string // the body; for e-mail the plain-text part
	HTML    string // optional HTML part of an e-mail
	// Kind names what the message is about ("auth.login_code"), for
	// metrics, the dev outbox and audit; never its content.
	Kind string
	// DedupeKey, when set, makes a second message with the same key for
	// the same tenant a no-op, so a retried event cannot notify twice.
	DedupeKey string
	// Sensitive marks a body holding a secret (a login code, a reset
	// link): it is never logged and is erased after delivery.
	Sensitive bool
}
