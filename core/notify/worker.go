package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/consult/platform/core/platform/clock"
)

// Delivery is one outbox message claimed for one attempt.
type Delivery struct {
	ID string // the outbox row id
	// Attempt counts this attempt (1 for the first). It is also the
	// claim's fencing token: the store marks the row only while its
	// attempt count is still this one, so a worker whose lease expired
	// cannot overwrite the outcome of a later attempt.
	Attempt int
	Message
}

// ErrLeaseLost is what a Store's Mark methods return when the row is no
// longer held by this claim (its lease expired and another attempt took
// it, or it is no longer pending).
var ErrLeaseLost = errors.New("notify: the outbox row is no longer held by this attempt")

// Store is the outbox as the worker needs it; notifydb implements it on
// bun. Claim and the Mark methods are system work across tenants.
type Store interface {
	// Claim leases up to limit due messages — pending, next attempt at or
	// before now, no live lease — until now+lease, and counts the attempt,
	// in one short transaction. Messages claimed by another worker are
	// skipped, not waited for.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Delivery, error)
	// MarkSent records the provider's acceptance and erases the body of a
	// Sensitive message. Returns ErrLeaseLost if the claim is stale.
	MarkSent(ctx context.Context, d Delivery, providerID string, at time.Time) error
	// MarkRetry releases the lease and schedules the next attempt.
	// Returns ErrLeaseLost if the claim is stale.
	MarkRetry(ctx context.Context, d Delivery, next time.Time, reason string) error
	// MarkFailed gives up on the message and erases the body of a
	// Sensitive one. Returns ErrLeaseLost if the claim is stale.
	MarkFailed(ctx context.Context, d Delivery, at time.Time, reason string) error
}

// WorkerOptions tune the worker; a zero field takes its default.
type WorkerOptions struct {
	Interval       time.Duration // between polls when nothing is due; default 1s
	Batch          int           // messages claimed at once; default 20
	Lease          time.Duration // how long a claim holds its rows; default 1m
	MaxAttempts    int           // attempts before a message fails; default 8
	BackoffInitial time.Duration // wait after the first failure; default 5s
	BackoffMax     time.Duration // cap of the doubling wait; default 10m
}

// Defaults of WorkerOptions. Eight attempts 5 s apart and doubling spread
// over about ten minutes: long enough to ride out a provider's hiccup,
// short enough that a login code is not delivered after it expired.
const (
	DefaultInterval       = time.Second
	DefaultBatch          = 20
	DefaultLease          = time.Minute
	DefaultMaxAttempts    = 8
	DefaultBackoffInitial = 5 * time.Second
	DefaultBackoffMax     = 10 * time.Minute
)

func (o WorkerOptions) withDefaults() WorkerOptions {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.BackoffInitial <= 0 {
		o.BackoffInitial = DefaultBackoffInitial
	}
	if o.BackoffMax < o.BackoffInitial {
		o.BackoffMax = max(DefaultBackoffMax, o.BackoffInitial)
	}
	return o
}

// markTimeout bounds recording an outcome. Marks run on a context that
// survives shutdown: a message that was sent must be recorded as sent, or
// the next start would send it again.
const markTimeout = 10 * time.Second

// maxReason caps the error text kept on a row.
const maxReason = 500

// Worker delivers the outbox: it claims due messages, sends each through
// the sender of its channel outside any transaction, and records the
// outcome. Several workers (on several nodes) may run on one database.
//
// Delivery is at least once. A message is marked sent only after its
// provider accepted it, so a crash or lost database between the claim and
// the mark leaves the row pending; once its lease expires another attempt
// sends it. Within the lease no other worker can claim the row, and every
// send is cancelled before the lease ends, so duplicates are impossible
// except in one window: the provider accepted the message and the process
// died (or the mark failed, or the provider's answer was lost to a
// timeout) before the row was marked. A provider without an idempotency
// key then sees the message twice. E-mail carries the row id as its
// Message-ID so receivers that deduplicate can drop the repeat; SMS.ru has
// no such key.
type Worker struct {
	store   Store
	senders map[Channel]Sender
	clock   clock.Clock
	log     *slog.Logger
	opts    WorkerOptions
	jitter  func() float64
}

// NewWorker returns a worker that delivers through senders, one per
// channel. A channel without a sender is retried (and logged as an error)
// rather than failed: it is a wiring fault a restart fixes.
func NewWorker(store Store, senders map[Channel]Sender, clk clock.Clock, log *slog.Logger, opts WorkerOptions) *Worker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{store: store, senders: senders, clock: clk, log: log, opts: opts.withDefaults(), jitter: rand.Float64}
}

// Options returns the effective options, defaults filled in.
func (w *Worker) Options() WorkerOptions { return w.opts }

// Run delivers until ctx ends, polling every Interval; after a full batch
// it polls again at once, and after store errors it waits longer (up to
// 30 s) so a lost database does not flood the log. In-flight sends are
// cancelled with ctx and their outcome still recorded; Run returns when
// they are.
func (w *Worker) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		claimed, _, err := w.runOnce(ctx)
		wait := w.opts.Interval
		switch {
		case err != nil && ctx.Err() == nil:
			failures++
			wait = min(w.opts.Interval<<min(failures, 5), 30*time.Second)
			w.log.Error("notify: outbox worker", "err", err)
		case err == nil && claimed == w.opts.Batch:
			failures, wait = 0, 0 // more may be due: drain without waiting
		case err == nil:
			failures = 0
		}
		timer.Reset(wait)
	}
}

// RunOnce claims one batch of due messages, delivers it and returns how
// many were sent. The error reports store failures only; a provider's
// refusal is an outcome recorded on the row, not an error of RunOnce.
func (w *Worker) RunOnce(ctx context.Context) (sent int, err error) {
	_, sent, err = w.runOnce(ctx)
	return sent, err
}

func (w *Worker) runOnce(ctx context.Context) (claimed, sent int, err error) {
	// The send deadline is measured on the real clock from before the
	// claim, so it ends before the lease (measured on the business clock,
	// which runs at the real rate outside tests) can expire.
	started := time.Now()
	batch, err := w.store.Claim(ctx, w.clock.Now(), w.opts.Lease, w.opts.Batch)
	if err != nil {
		return 0, 0, fmt.Errorf("notify: claim: %w", err)
	}
	if len(batch) == 0 {
		return 0, 0, nil
	}
	deadline := started.Add(w.opts.Lease * 8 / 10)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, d := range batch {
		wg.Go(func() {
			ok, err := w.deliver(ctx, deadline, d)
			mu.Lock()
			defer mu.Unlock()
			if ok {
				sent++
			}
			if err != nil {
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	return len(batch), sent, errors.Join(errs...)
}

// deliver sends one claimed message and records the outcome. It reports
// whether the message was sent, and any error recording it.
func (w *Worker) deliver(ctx context.Context, deadline time.Time, d Delivery) (bool, error) {
	log := w.log.With("notification", d.ID, "tenant", d.TenantID, "kind", d.Kind,
		"channel", string(d.Channel), "to", MaskRecipient(d.To), "attempt", d.Attempt)

	providerID, sendErr := w.send(ctx, deadline, d)

	markCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	now := w.clock.Now()
	if sendErr == nil {
		if err := w.store.MarkSent(markCtx, d, providerID, now); err != nil {
			// The provider has the message; the row stays pending and is
			// sent again after the lease: the one duplicate window.
			log.Error("notify: sent but not recorded; it will be sent again", "err", err)
			return true, fmt.Errorf("notify: mark %s sent: %w", d.ID, err)
		}
		log.Info("notify: sent", "provider_id", providerID)
		return true, nil
	}

	reason := truncate(redact(sendErr.Error(), d.Message), maxReason)
	var (
		markErr error
		outcome string
	)
	switch {
	case ctx.Err() != nil:
		// Shutting down: the attempt did not fail on its merits, so it is
		// retried as soon as a worker runs again.
		outcome = "interrupted"
		markErr = w.store.MarkRetry(markCtx, d, now, "interrupted by shutdown: "+reason)
		log.Warn("notify: interrupted; will retry", "err", reason)
	case IsPermanent(sendErr):
		outcome = "failed"
		markErr = w.store.MarkFailed(markCtx, d, now, reason)
		log.Warn("notify: refused for good", "err", reason)
	case d.Attempt >= w.opts.MaxAttempts:
		outcome = "failed"
		markErr = w.store.MarkFailed(markCtx, d, now, reason)
		log.Error("notify: gave up after the last attempt", "err", reason)
	default:
		next := now.Add(w.backoff(d.Attempt))
		outcome = "retry"
		markErr = w.store.MarkRetry(markCtx, d, next, reason)
		log.Warn("notify: failed; will retry", "err", reason, "next_attempt_at", next)
	}
	if markErr != nil {
		return false, fmt.Errorf("notify: mark %s %s: %w", d.ID, outcome, markErr)
	}
	return false, nil
}

func (w *Worker) send(ctx context.Context, deadline time.Time, d Delivery) (string, error) {
	s, ok := w.senders[d.Channel]
	if !ok || s == nil {
		w.log.Error("notify: no sender for the channel; check the wiring", "channel", string(d.Channel))
		return "", fmt.Errorf("notify: no sender for channel %q", d.Channel)
	}
	ctx, cancel := context.WithDeadline(WithDeliveryID(ctx, d.ID), deadline)
	defer cancel()
	return s.Send(ctx, d.Message)
}

// backoff is the wait before attempt+1: BackoffInitial doubled per
// attempt, capped at BackoffMax, with equal jitter — half of it fixed so
// retries never bunch at zero, half random so messages that failed
// together during an outage do not all return at the same instant.
func (w *Worker) backoff(attempt int) time.Duration {
	return Backoff(attempt, w.opts.BackoffInitial, w.opts.BackoffMax, w.jitter())
}

// Backoff returns the wait after failed attempt number attempt (1-based):
// initial·2^(attempt-1) capped at maxWait, of which the second half is
// scaled by r in [0, 1).
func Backoff(attempt int, initial, maxWait time.Duration, r float64) time.Duration {
	d := initial
	for i := 1; i < attempt && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	return d/2 + time.Duration(r*float64(d/2))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary so the stored text stays valid UTF-8.
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
