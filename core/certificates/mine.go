package certificates

import (
	"cmp"
	"context"
	"slices"

	"github.com/consult/platform/core/platform/tenancy"
)

// Mine lists the certificates bound to the customer, as the cabinet's «Мои
// пакеты» shows them (003 5.3.3.1; DOMAIN.md «My services»): first those
// that can be used — active, and not_started ones paid today that start
// tomorrow (6.1) — the one ending soonest first, with what is left of each
// service and the days left; then the expired and used-up ones, the most
// recently ended first. Both slices are non-nil.
func (s *Service) Mine(ctx context.Context, userID string) (active, inactive []Summary, err error) {
	if _, err := tenancy.From(ctx); err != nil {
		return nil, nil, err
	}
	certs, err := s.store.HolderCertificates(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	active, inactive = []Summary{}, []Summary{}
	for _, c := range certs {
		sum := Summary{Certificate: c, Remaining: c.Remaining(), DaysLeft: c.Term.DaysLeft(now), State: c.StateAt(now)}
		if sum.State == StateActive || sum.State == StateNotStarted {
			active = append(active, sum)
		} else {
			inactive = append(inactive, sum)
		}
	}
	slices.SortStableFunc(active, func(a, b Summary) int {
		return cmp.Or(a.Term.End.Compare(b.Term.End), a.IssuedAt.Compare(b.IssuedAt), cmp.Compare(a.ID, b.ID))
	})
	slices.SortStableFunc(inactive, func(a, b Summary) int {
		return cmp.Or(b.Term.End.Compare(a.Term.End), b.IssuedAt.Compare(a.IssuedAt), cmp.Compare(b.ID, a.ID))
	})
	return active, inactive, nil
}

// Lookup is the call centre's check of a number (003 5.3.4, 004 5.3.5):
// the holder, the term and the state at this moment, what is left of each
// service (used, reserved, remaining: Details.Quotas), and the history.
// The caller must have the support role; this method checks only the
// tenant. A number that is not the tenant's, or not a valid number, is
// ErrNotFound.
func (s *Service) Lookup(ctx context.Context, number string) (Details, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return Details{}, err
	}
	n, err := ParseNumber(number)
	if err != nil {
		return Details{}, err
	}
	var d Details
	// One read transaction, so the certificate and its history agree.
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		c, err := s.store.CertificateByNumber(ctx, n)
		if err != nil {
			return err
		}
		events, err := s.store.Events(ctx, c.ID)
		if err != nil {
			return err
		}
		now := s.now()
		d = Details{Certificate: c, State: c.StateAt(now), DaysLeft: c.Term.DaysLeft(now), Events: events}
		return nil
	})
	if err != nil {
		return Details{}, err
	}
	return d, nil
}

// EraseHolder blanks the contacts kept on the certificates of a customer
// whose account is being deleted (004 14.4, 152-FZ); the certificates
// stay, as contracts the law requires to keep, bound to the anonymous
// account. It joins the caller's transaction (auth.Deps.OnErase passes
// one), so the account and its certificates are erased together.
func (s *Service) EraseHolder(ctx context.Context, userID string) error {
	if _, err := tenancy.From(ctx); err != nil {
		return err
	}
	return s.store.EraseHolder(ctx, userID)
}
