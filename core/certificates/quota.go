package certificates

import (
	"context"
	"fmt"
	"time"

	"github.com/consult/platform/core/platform/tenancy"
)

// Reserve holds one unit of serviceKind on the certificate for a request of
// its holder userID (003 5.3.2–5.3.3, 004 5.3.2–5.3.4) and returns the
// reservation's id. The check and the hold are one guarded UPDATE … WHERE
// used + reserved < quota that also requires the holder and the term, so
// when 50 requests race for the last unit exactly one wins (SECURITY.md
// 18). It refuses with
//
//   - ErrNotFound: no such certificate of the tenant, or not userID's;
//   - ErrNotStarted: before the term's first day (6.1), Data {"Date"};
//   - ErrExpired: after its last day (6.1), Data {"Date"};
//   - ErrServiceNotIncluded: the package has no such service;
//   - ErrQuotaExhausted: every unit is used or held (5.3.4.3 / 5.3.5.3).
//
// The first request for a service is the customer's first contact, by
// which the certificate counts as activated if it was not yet (003 art. 1
// «Активация Сертификата», 14.2; 004 15.2): a certificate bought in one's
// own cabinet is bound at purchase but activated only then, which keeps
// the 14-day full refund of 003 3.8.1 until it is used.
//
// It joins a transaction the caller's ctx carries (consultations create
// the request and reserve its unit together).
func (s *Service) Reserve(ctx context.Context, certificateID, serviceKind, userID string) (string, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return "", err
	}
	id, err := newID()
	if err != nil {
		return "", err
	}
	now := s.now()
	r := Reservation{ID: id, CertificateID: certificateID, ServiceKind: serviceKind, UserID: userID,
		State: ReservationReserved, CreatedAt: now}
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		ok, err := s.store.ReserveUnit(ctx, r, now)
		if err != nil {
			return err
		}
		if !ok {
			return s.whyNotReserved(ctx, r, now)
		}
		reserved, err := event(certificateID, EventReserved, ActorCustomer, userID, now)
		if err != nil {
			return err
		}
		reserved.ServiceKind, reserved.ReservationID = serviceKind, id
		events := []Event{reserved}
		first, err := s.store.MarkActivated(ctx, certificateID, now)
		if err != nil {
			return err
		}
		if first {
			activated, err := event(certificateID, EventActivated, ActorCustomer, userID, now)
			if err != nil {
				return err
			}
			events = append(events, activated)
		}
		return s.store.AddEvents(ctx, events...)
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// whyNotReserved names the rule a refused reservation broke.
func (s *Service) whyNotReserved(ctx context.Context, r Reservation, now time.Time) error {
	c, err := s.store.Certificate(ctx, r.CertificateID)
	if err != nil {
		return err
	}
	if c.Holder.UserID == "" || c.Holder.UserID != r.UserID {
		return ErrNotFound
	}
	if c.Term.NotStarted(now) {
		return ErrNotStarted.With(map[string]any{"Date": isoDate(c.Term.FirstDay())})
	}
	if c.Term.Expired(now) {
		return ErrExpired.With(map[string]any{"Date": isoDate(c.Term.LastDay())})
	}
	for _, q := range c.Quotas {
		if q.ServiceKind == r.ServiceKind {
			return ErrQuotaExhausted
		}
	}
	return ErrServiceNotIncluded
}

// Release gives a reserved unit back: the service was not rendered — the
// customer was unreachable after two calls within an hour (003 11.2, 004
// 11.2), or the request was withdrawn — so nothing is written off and the
// customer may ask again. Releasing a released reservation is a no-op; a
// written-off one is ErrReservationUsed; an unknown one ErrNotFound.
func (s *Service) Release(ctx context.Context, reservationID string) error {
	return s.settle(ctx, reservationID, ReservationReleased)
}

// WriteOff writes the reserved unit off the package: the service was
// rendered (003 5.3.9, 004 5.3.10: «списание предоставленной Услуги из
// перечня неиспользованных Услуг»). It happens exactly once: the state
// change is one guarded UPDATE … WHERE state = 'reserved', so a repeat or
// a concurrent duplicate is a no-op, and a released reservation is
// ErrReservationReleased; an unknown one ErrNotFound. The notice that the
// service was rendered, which the same clause requires before the
// write-off, is the consultation's to send, with the service's name and
// result, in the transaction its ctx carries — WriteOff joins it.
func (s *Service) WriteOff(ctx context.Context, reservationID string) error {
	return s.settle(ctx, reservationID, ReservationUsed)
}

func (s *Service) settle(ctx context.Context, reservationID string, to ReservationState) error {
	if _, err := tenancy.From(ctx); err != nil {
		return err
	}
	now := s.now()
	return s.store.InTx(ctx, func(ctx context.Context) error {
		r, err := s.store.Reservation(ctx, reservationID)
		if err != nil {
			return err
		}
		ok, err := s.store.SettleReservation(ctx, reservationID, to, now)
		if err != nil {
			return err
		}
		if !ok {
			if r, err = s.store.Reservation(ctx, reservationID); err != nil {
				return err
			}
			switch {
			case r.State == to:
				return nil // done before: the repeat changes nothing
			case r.State == ReservationUsed:
				return ErrReservationUsed
			case r.State == ReservationReleased:
				return ErrReservationReleased
			default:
				return fmt.Errorf("certificates: reservation %s stays %s", reservationID, r.State)
			}
		}
		kind := EventWrittenOff
		if to == ReservationReleased {
			kind = EventReleased
		}
		ev, err := event(r.CertificateID, kind, ActorSystem, "", now)
		if err != nil {
			return err
		}
		ev.ServiceKind, ev.ReservationID = r.ServiceKind, r.ID
		return s.store.AddEvents(ctx, ev)
	})
}
