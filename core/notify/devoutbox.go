package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/consult/platform/core/platform/clock"
)

// DevMessage is a message as the dev outbox shows it: with its text, codes
// included, for a developer who has no phone or mailbox at hand.
type DevMessage struct {
	ID        string
	Channel   Channel
	To        string
	Subject   string
	Text      string
	Kind      string
	CreatedAt time.Time
	Status    string // one of the Dev* statuses
}

// Statuses of a dev outbox entry: what became of that delivery attempt.
const (
	DevSending  = "sending"  // handed to the real provider, no answer yet
	DevSent     = "sent"     // the real provider accepted it
	DevCaptured = "captured" // no provider for the channel in dev: the dev outbox is the delivery
	DevRejected = "rejected" // the provider refused it for good
	DevError    = "error"    // the provider failed; the outbox retries
)

// DevRecorder stores what the dev outbox sees; notifydb implements it.
type DevRecorder interface {
	// RecordDev stores m with status at time at and returns its id.
	RecordDev(ctx context.Context, m Message, status string, at time.Time) (id string, err error)
	// SetDevStatus updates the status of a recorded entry.
	SetDevStatus(ctx context.Context, tenantID, id, status string) error
}

// DevReader lists the dev outbox; notifydb implements it.
type DevReader interface {
	// DevMessages returns the messages of the tenant in ctx to recipient
	// to (any recipient when empty; phones match by digits, e-mail without
	// case), newest first, at most limit. Fails closed without a tenant.
	DevMessages(ctx context.Context, to string, limit int) ([]DevMessage, error)
}

// DevOutbox is a Sender for dev: it records every message it sees, text
// included, and then hands it to the real sender of the channel, if there
// is one. Without one it records the message and reports it delivered, so
// a fresh checkout signs in with codes read from /dev/outbox. notifysetup
// installs it only in dev; prod never records message texts beyond the
// outbox, which erases sensitive bodies once delivered.
type DevOutbox struct {
	rec   DevRecorder
	clock clock.Clock
	next  Sender
	log   *slog.Logger
}

// NewDevOutbox wraps next (nil: no real provider) with the dev outbox.
func NewDevOutbox(rec DevRecorder, clk clock.Clock, next Sender, log *slog.Logger) *DevOutbox {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &DevOutbox{rec: rec, clock: clk, next: next, log: log}
}

// Send records m, then delegates it. The record comes first so that a
// developer sees the code even while the real provider hangs; failing to
// record is a temporary error, returned before anything was sent.
func (o *DevOutbox) Send(ctx context.Context, m Message) (string, error) {
	status := DevSending
	if o.next == nil {
		status = DevCaptured
	}
	id, err := o.rec.RecordDev(ctx, m, status, o.clock.Now())
	if err != nil {
		return "", fmt.Errorf("notify: dev outbox: %w", err)
	}
	if o.next == nil {
		return "dev-outbox:" + id, nil
	}
	providerID, sendErr := o.next.Send(ctx, m)
	switch {
	case sendErr == nil:
		status = DevSent
	case IsPermanent(sendErr):
		status = DevRejected
	default:
		status = DevError
	}
	// The outcome is recorded even when ctx ended with the send.
	if err := o.rec.SetDevStatus(context.WithoutCancel(ctx), m.TenantID, id, status); err != nil {
		o.log.Warn("notify: dev outbox status not recorded", "entry", id, "err", err)
	}
	return providerID, sendErr
}
