package notify

import (
	"context"
	"errors"
)

// Sender hands one message to a provider (an SMTP server, an SMS gateway,
// the cabinet). It returns the provider's id of the accepted message, kept
// on the outbox row for support and audit.
//
// Error contract: an error wrapped with Permanent means retrying cannot
// help (a malformed number, a rejected address) and the message fails at
// once; any other error is temporary and the worker retries with backoff.
// A Sender must honour ctx: the worker gives each send a deadline inside
// its lease, so a hung provider cannot outlive the lease and let a second
// worker send the same message.
type Sender interface {
	Send(ctx context.Context, m Message) (providerID string, err error)
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, m Message) (string, error)

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, m Message) (string, error) { return f(ctx, m) }

// permanentError marks an error not worth retrying.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying: the worker fails the message
// instead of scheduling another attempt. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err: err}
}

// IsPermanent reports whether err, or an error it wraps, was marked with
// Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

type deliveryIDKey struct{}

// WithDeliveryID returns ctx carrying the outbox id of the message being
// sent. The worker sets it so that a sender can derive a stable provider
// key from it (smtpmail makes it the Message-ID): a retry of the same row
// then carries the same key, which lets receivers that deduplicate by it
// drop a repeat.
func WithDeliveryID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, deliveryIDKey{}, id)
}

// DeliveryID returns the outbox id set by WithDeliveryID, or "".
func DeliveryID(ctx context.Context) string {
	id, _ := ctx.Value(deliveryIDKey{}).(string)
	return id
}
