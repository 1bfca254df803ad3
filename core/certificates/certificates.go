// Package certificates issues and runs the certificates of the offers'
// packages (seeds 003 and 004): the number that is the customer's
// identifier and the contract's number, the term, the quotas of services,
// activation by number, transfer to another person, the customer's list,
// the call centre's check, the partner's list of what it issued, and the
// reservation and write-off of a service unit that consultations build on.
//
// Every method works for the tenant in its context (tenancy.From) and fails
// closed without one; business time comes from the injected clock. The
// package knows neither HTTP nor SQL: core/web calls the Service, and
// certificatesdb implements Store. Comments cite the offers' clauses: "003
// 3.10" is clause 3.10 of the subscription offer, "004 6.1" of the licence
// offer; where both say the same, the clause number is the same in both.
package certificates

import (
	"time"
)

// Source says how a certificate came to be: paid on a site (an order) or
// issued by a partner that sold it (003 3.1.1, 004 3.1.1).
type Source string

const (
	SourceOrder   Source = "order"
	SourcePartner Source = "partner"
)

// Holder is whom a certificate is for: the contacts it is delivered to and,
// once bound, the customer account of the tenant that holds it. A
// certificate may be bought for a third person (003 3.1, 004 3.1).
type Holder struct {
	// UserID is the customer account the certificate is bound to, or ""
	// while nobody has activated it.
	UserID string
	Phone  string // E.164, or ""
	Email  string // or ""
	Name   string // as the buyer or partner wrote it, or ""
}

// Quota is one service of the package: how many units it has, how many
// were written off, and how many are reserved by requests in progress.
type Quota struct {
	ServiceKind string // the product's service kind key: vet_consultation, …
	Quota       int
	Used        int
	Reserved    int
}

// Remaining is what can still be requested: Quota − Used − Reserved.
func (q Quota) Remaining() int { return q.Quota - q.Used - q.Reserved }

// Certificate proves the contract (003 and 004, art. 1 «Сертификат»): its
// number, the date of the contract (the payment date, 3.2), the package and
// its term, and what is left of it.
type Certificate struct {
	ID           string
	TenantID     string
	Number       string // canonical: "K7QM-3XPA-9TRW-C"
	OfferID      string
	PackageCode  string
	PackageTitle string
	Price        int64  // kopecks actually paid
	Currency     string // ISO 4217
	PaidAt       time.Time
	Term         Period
	Source       Source
	SourceKey    string // the order id, or the partner's idempotency key
	Holder       Holder
	// ExternalID is the partner's reference for the sale (IssueInput), or "".
	ExternalID string
	// PhoneLocked is set by a transfer: the certificate now belongs to
	// Holder.Phone, and only the account with that phone may activate it
	// (the previous holder still knows the number).
	PhoneLocked bool
	IssuedAt    time.Time
	// ReceivedAt starts the transfer window (3.10). It is when the
	// certificate was delivered, which is when it was issued: delivery is
	// enqueued in the same transaction.
	ReceivedAt time.Time
	// ActivatedAt is the first activation (003 art. 1 «Активация
	// Сертификата»), which ends the subscription offer's full refund
	// (003 3.8.1); nil until then.
	ActivatedAt   *time.Time
	TransferredAt *time.Time // the last transfer, if any
	Quotas        []Quota    // by service kind
}

// Remaining maps each service kind to the units still requestable.
func (c Certificate) Remaining() map[string]int {
	out := make(map[string]int, len(c.Quotas))
	for _, q := range c.Quotas {
		out[q.ServiceKind] = q.Remaining()
	}
	return out
}

// UsedUp reports whether every unit of every service was written off.
func (c Certificate) UsedUp() bool {
	for _, q := range c.Quotas {
		if q.Used < q.Quota {
			return false
		}
	}
	return len(c.Quotas) > 0
}

// State is what a certificate is good for at an instant.
type State string

const (
	StateNotStarted State = "not_started" // paid today; served from tomorrow (6.1)
	StateActive     State = "active"
	StateExpired    State = "expired" // at 24:00 of the last day and later
	StateUsedUp     State = "used_up" // every unit written off
)

// StateAt returns the certificate's state at now. A used-up certificate
// reads used_up even after its term: the customer got everything.
func (c Certificate) StateAt(now time.Time) State {
	switch {
	case c.UsedUp():
		return StateUsedUp
	case c.Term.Expired(now):
		return StateExpired
	case c.Term.NotStarted(now):
		return StateNotStarted
	default:
		return StateActive
	}
}

// Summary is a certificate as the customer's list shows it.
type Summary struct {
	Certificate
	Remaining map[string]int // service kind → units still requestable
	DaysLeft  int            // calendar days left in the term's zone, today included
	State     State
}

// EventKind names an entry of a certificate's history.
type EventKind string

const (
	EventIssued      EventKind = "issued"
	EventDelivered   EventKind = "delivered" // Detail: the channels, "sms,email,cabinet"
	EventActivated   EventKind = "activated"
	EventTransferred EventKind = "transferred"
	EventReserved    EventKind = "reserved"
	EventWrittenOff  EventKind = "written_off"
	EventReleased    EventKind = "released"
)

// Actor says who caused an event.
type Actor string

const (
	ActorCustomer Actor = "customer" // ActorUserID is the customer
	ActorPartner  Actor = "partner"  // the partner that issued it
	ActorSystem   Actor = "system"   // payment, consultations
)

// Event is one entry of a certificate's history. It holds ids only, never
// personal data: phones and names live on the certificate, where erasing
// them is one update.
type Event struct {
	ID            string
	CertificateID string
	Kind          EventKind
	Actor         Actor
	ActorUserID   string // "" unless a customer acted
	ServiceKind   string // reserved, written_off, released
	ReservationID string // reserved, written_off, released
	Detail        string // delivered: the channels
	At            time.Time
}

// Details is what the call centre sees for a number (003 5.3.4, 004
// 5.3.5): the holder, the term and whether it is running, what is left of
// each service, and the history.
type Details struct {
	Certificate
	State    State
	DaysLeft int
	Events   []Event // oldest first
}

// Customer is a signed-in customer as the web layer knows them.
type Customer struct {
	UserID string
	// Phone is the account's phone (E.164) or "": a certificate that was
	// transferred to a phone is activated only by the account with it.
	Phone string
}

// Client describes where a customer's request comes from and how the
// messages it causes are written.
type Client struct {
	IP      string // as the HTTP layer trusts it (SECURITY.md 5): activation limits count it
	Locale  string // "ru" or "en"
	Brand   string // the site's name, for texts
	BaseURL string // "https://vet-pet.online", for texts
}

// ReservationState is where a reserved unit stands.
type ReservationState string

const (
	ReservationReserved ReservationState = "reserved" // a request holds the unit
	ReservationUsed     ReservationState = "used"     // written off: the service was rendered (003 5.3.9, 004 5.3.10)
	ReservationReleased ReservationState = "released" // given back: not rendered (e.g. 11.2, unreachable)
)

// Reservation is one unit of a service held for a request.
type Reservation struct {
	ID            string
	CertificateID string
	ServiceKind   string
	UserID        string
	State         ReservationState
	CreatedAt     time.Time
	SettledAt     *time.Time
}
