package certificates

import (
	"context"
	"errors"
	"time"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/platform/tenancy"
)

// Transfer assigns the certificate with number, held by from, to the
// person with phone toPhone: «в течение одного месяца с момента получения
// Сертификата Клиент вправе осуществить уступку своих прав и обязанностей
// по Договору исключительно в полном объеме» (003 3.10, 004 3.10), by
// passing the number «при условии обязательного надлежащего уведомления»
// of the executor (3.11) — which this call is.
//
//   - The window is one month from receipt (TransferDeadline). It is
//     counted from the certificate's first receipt and does not restart
//     with a transfer: an assignee steps into the same contract, with the
//     rights it has left, so a chain of transfers cannot stretch it.
//     After it, ErrTransferWindowClosed with the last day it was open.
//   - «Whole»: the certificate moves with everything left on it; while a
//     requested service holds a unit it cannot, ErrServiceInProgress.
//   - An expired certificate is ErrExpired; one that is not from's, or
//     not a valid number, ErrNotFound; toPhone that is not a phone,
//     ErrPhoneInvalid; from's own phone, ErrTransferToSelf.
//
// The certificate leaves the giver's account and is held for toPhone:
// only the account with that phone can activate it, since the giver still
// knows the number.
// Notices go to both sides through the outbox in the same transaction.
func (s *Service) Transfer(ctx context.Context, number string, from Customer, toPhone string, cl Client) (Certificate, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return Certificate{}, err
	}
	to, err := auth.NormalizePhone(toPhone, s.region(tenantID))
	if err != nil {
		return Certificate{}, ErrPhoneInvalid
	}
	n, err := ParseNumber(number)
	if err != nil || from.UserID == "" {
		return Certificate{}, ErrNotFound
	}
	if to == from.Phone {
		return Certificate{}, ErrTransferToSelf
	}
	now := s.now()
	var out Certificate
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		c, err := s.store.CertificateByNumber(ctx, n)
		if err != nil {
			return err
		}
		if err := transferable(c, from.UserID, now); err != nil {
			return err
		}
		ok, err := s.store.Transfer(ctx, c.ID, from.UserID, to, now)
		if err != nil {
			return err
		}
		if !ok {
			// Changed since it was read: reserved or given away meanwhile.
			if c, err = s.store.Certificate(ctx, c.ID); err != nil {
				return err
			}
			if err := transferable(c, from.UserID, now); err != nil {
				return err
			}
			return errors.New("certificates: transfer guard refused a transferable certificate")
		}
		ev, err := event(c.ID, EventTransferred, ActorCustomer, from.UserID, now)
		if err != nil {
			return err
		}
		if err := s.store.AddEvents(ctx, ev); err != nil {
			return err
		}
		if out, err = s.store.Certificate(ctx, c.ID); err != nil {
			return err
		}
		return s.store.Enqueue(ctx, now, s.transferMessages(out, ev.ID, from, to, cl)...)
	})
	if err != nil {
		return Certificate{}, err
	}
	return out, nil
}

// transferable says why c cannot be transferred by userID at now, or nil.
func transferable(c Certificate, userID string, now time.Time) error {
	if c.Holder.UserID == "" || c.Holder.UserID != userID {
		return ErrNotFound
	}
	if c.Term.Expired(now) {
		return ErrExpired.With(map[string]any{"Date": isoDate(c.Term.LastDay())})
	}
	if deadline := TransferDeadline(c.ReceivedAt, c.Term.zone()); !now.Before(deadline) {
		last := Period{End: deadline, Zone: c.Term.zone()}.LastDay()
		return ErrTransferWindowClosed.With(map[string]any{"Date": isoDate(last)})
	}
	for _, q := range c.Quotas {
		if q.Reserved > 0 {
			return ErrServiceInProgress
		}
	}
	return nil
}
