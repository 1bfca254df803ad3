package certificates

import (
	"context"
	"errors"
	"time"

	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
)

// Activate binds the certificate with number to the signed-in customer of
// the tenant in ctx: the «Активация Сертификата» of 003 art. 1, by which
// the customer is identified for later requests (003 14.2, 004 15.2). A
// certificate is sold to a tenant and lives in it, so a number of another
// tenant is unknown here.
//
// A certificate already bound to the same customer answers as a success.
// Every other failure — a malformed number, a wrong check symbol, an
// unknown number, a certificate bound to another customer, or one
// transferred to a phone that is not the customer's — answers ErrNotFound
// alike, and counts against the customer and the client's address: past
// Config.FailuresPerUser or FailuresPerIP failures in FailureWindow every
// attempt, right or wrong, is ErrTooManyAttempts with RetryAfter until the
// window ends. The counters live in the database, so every node shares
// them, and each is one guarded UPDATE, so concurrent attempts cannot
// overshoot them.
func (s *Service) Activate(ctx context.Context, number string, user Customer, cl Client) (Certificate, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return Certificate{}, err
	}
	if user.UserID == "" {
		return Certificate{}, errs.Internal(errors.New("certificates: activation without a customer"))
	}
	now := s.now()
	type limit struct {
		subject string
		max     int
	}
	limits := []limit{{"user:" + user.UserID, s.cfg.FailuresPerUser}}
	if cl.IP != "" {
		limits = append(limits, limit{"ip:" + cl.IP, s.cfg.FailuresPerIP})
	}
	var (
		out   Certificate
		found bool
	)
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		// Count the attempt as a failure first and take it back on
		// success: the count and its guard are one statement, so 50
		// parallel guesses cannot all slip under the limit. A refusal
		// rolls back, counting nothing.
		for _, l := range limits {
			ok, since, err := s.store.CountFailure(ctx, l.subject, now, s.cfg.FailureWindow, l.max)
			if err != nil {
				return err
			}
			if !ok {
				return tooMany(since.Add(s.cfg.FailureWindow).Sub(now))
			}
		}
		c, ok, err := s.bind(ctx, number, user, now)
		if err != nil || !ok {
			return err // a failure commits its count
		}
		for _, l := range limits {
			if err := s.store.ForgiveFailure(ctx, l.subject); err != nil {
				return err
			}
		}
		out, found = c, true
		return nil
	})
	if err != nil {
		return Certificate{}, err
	}
	if !found {
		return Certificate{}, ErrNotFound
	}
	return out, nil
}

// bind does the activation inside Activate's transaction and reports
// whether it succeeded.
func (s *Service) bind(ctx context.Context, number string, user Customer, now time.Time) (Certificate, bool, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return Certificate{}, false, nil
	}
	c, err := s.store.CertificateByNumber(ctx, n)
	if errors.Is(err, ErrNotFound) {
		return Certificate{}, false, nil
	}
	if err != nil {
		return Certificate{}, false, err
	}
	switch {
	case c.Holder.UserID != "" && c.Holder.UserID != user.UserID:
		return Certificate{}, false, nil
	case c.Holder.UserID == "" && c.PhoneLocked && (user.Phone == "" || user.Phone != c.Holder.Phone):
		// Transferred (3.10–3.11): the giver still knows the number, so
		// only the account with the recipient's phone may take it.
		return Certificate{}, false, nil
	case c.Holder.UserID == user.UserID && c.ActivatedAt != nil:
		return c, true, nil
	}
	ok, err := s.store.Bind(ctx, c.ID, user.UserID, user.Phone, now)
	if err != nil || !ok {
		return Certificate{}, false, err
	}
	ev, err := event(c.ID, EventActivated, ActorCustomer, user.UserID, now)
	if err != nil {
		return Certificate{}, false, err
	}
	if err := s.store.AddEvents(ctx, ev); err != nil {
		return Certificate{}, false, err
	}
	c, err = s.store.Certificate(ctx, c.ID)
	return c, err == nil, err
}

// Purge deletes the tenant's activation counters whose window is over:
// they limit nothing any more, and a counter keyed by an address holds
// personal data, kept no longer than the limit needs (152-FZ art. 5). Run
// it periodically per tenant; it returns how many counters went.
func (s *Service) Purge(ctx context.Context) (int, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return 0, err
	}
	return s.store.PurgeFailures(ctx, s.now().Add(-s.cfg.FailureWindow))
}
