package certificates

import (
	"context"
	"time"

	"github.com/consult/platform/core/notify"
)

// Store keeps certificates, their quotas, reservations, history and the
// activation limits. Every method works in the tenant of ctx and fails
// closed without one; a row of another tenant is never seen, changed or
// counted (SECURITY.md 12). Lookups that find nothing return ErrNotFound.
//
// Methods called with the ctx that InTx hands its function run in that one
// transaction, so a certificate, its history and its outbox messages commit
// together or not at all (SECURITY.md 18, 19).
type Store interface {
	// InTx runs fn in one read-write transaction of the tenant in ctx. A
	// ctx that already carries a tenant transaction on the same database
	// (a caller's) joins it.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	// CreateCertificate inserts c with its quotas unless the tenant already
	// has a certificate from the same (Source, SourceKey), and reports
	// whether it did; digest fingerprints the request, so a replay can be
	// told from a different request with the same key. ErrNumberTaken when
	// c.Number is already the tenant's.
	CreateCertificate(ctx context.Context, c Certificate, digest string) (bool, error)
	// CertificateBySource returns the certificate of (source, key) and the
	// digest it was created with.
	CertificateBySource(ctx context.Context, source Source, key string) (Certificate, string, error)
	// CertificateByNumber finds a certificate by its canonical number.
	CertificateByNumber(ctx context.Context, number string) (Certificate, error)
	// Certificate finds a certificate by id.
	Certificate(ctx context.Context, id string) (Certificate, error)
	// HolderCertificates lists the certificates bound to userID.
	HolderCertificates(ctx context.Context, userID string) ([]Certificate, error)
	// ListCertificates returns up to q.Limit certificates matching q,
	// newest first by (IssuedAt, ID), after q.After when it is set; the
	// state is evaluated at q.Now as Certificate.StateAt does.
	ListCertificates(ctx context.Context, q ListQuery) ([]Certificate, error)

	// Bind binds certificate id to userID, in one guarded UPDATE that
	// succeeds only while it is unbound (and, when PhoneLocked, held for
	// userPhone) or already bound to userID; it clears PhoneLocked and sets
	// activated_at to now if it was never activated. It reports whether
	// the certificate is now bound to userID.
	Bind(ctx context.Context, id, userID, userPhone string, now time.Time) (bool, error)
	// Transfer gives certificate id to toPhone (unbound, contacts replaced,
	// PhoneLocked) in one guarded UPDATE that succeeds only while it is
	// bound to fromUserID and no unit is reserved; it reports whether it did.
	Transfer(ctx context.Context, id, fromUserID, toPhone string, now time.Time) (bool, error)
	// MarkActivated sets activated_at to now if it is not set, and reports
	// whether it did.
	MarkActivated(ctx context.Context, id string, now time.Time) (bool, error)

	// ReserveUnit adds one reserved unit of r.ServiceKind to r's
	// certificate and records r, in one guarded UPDATE … WHERE used +
	// reserved < quota that also requires the certificate to be bound to
	// r.UserID and its term to contain now (SECURITY.md 18). It reports
	// false, changing nothing, when any of that does not hold.
	ReserveUnit(ctx context.Context, r Reservation, now time.Time) (bool, error)
	// Reservation finds a reservation by id.
	Reservation(ctx context.Context, id string) (Reservation, error)
	// SettleReservation moves a reservation from reserved to `to` (used or
	// released) and moves its unit from reserved to used or back to free,
	// guarded by state = 'reserved'; it reports whether this call did it.
	SettleReservation(ctx context.Context, id string, to ReservationState, now time.Time) (bool, error)

	// AddEvents appends to certificates' histories.
	AddEvents(ctx context.Context, events ...Event) error
	// Events returns a certificate's history, oldest first.
	Events(ctx context.Context, certificateID string) ([]Event, error)

	// CountFailure counts one failed activation against subject ("user:…"
	// or "ip:…") in a window of length window that starts with the first
	// failure, atomically and only while fewer than max are counted in the
	// current window. It reports whether it counted and when the current
	// window began.
	CountFailure(ctx context.Context, subject string, now time.Time, window time.Duration, max int) (bool, time.Time, error)
	// ForgiveFailure takes back one failure counted for subject (an
	// attempt that turned out to succeed).
	ForgiveFailure(ctx context.Context, subject string) error
	// PurgeFailures deletes the counters whose window began at or before
	// endedBy (their window is over) and returns how many went.
	PurgeFailures(ctx context.Context, endedBy time.Time) (int, error)

	// EraseHolder blanks the contacts (phone, e-mail, name) kept on the
	// certificates bound to userID; the certificates stay, as contracts.
	EraseHolder(ctx context.Context, userID string) error

	// Enqueue writes messages into the notification outbox
	// (core/notify/notifydb) in the current transaction.
	Enqueue(ctx context.Context, now time.Time, msgs ...notify.Message) error
}
