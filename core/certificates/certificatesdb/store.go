// Package certificatesdb is the certificates store (certificates.Store) on
// bun, for SQLite and PostgreSQL. Row structs and converters live only
// here.
//
// Every method reads the tenant from the context (tenancy.From, failing
// closed), writes tenant_id = ? into every WHERE and every insert, and runs
// through db.(*DB).Tenant or TenantRead, so that on PostgreSQL row-level
// security is the second wall (migrations/README.md, SECURITY.md 12).
// Inside certificates.Store.InTx those scopes nest into one transaction.
package certificatesdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/notify/notifydb"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/errs"
)

// Store implements certificates.Store.
type Store struct {
	db    *db.DB
	zones sync.Map // zone name → *time.Location
}

var _ certificates.Store = (*Store)(nil)

// New returns a store over d.
func New(d *db.DB) *Store { return &Store{db: d} }

// affected returns the rows a statement changed.
func affected(res sql.Result, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// zone loads an IANA zone once (the zone database is embedded: clock).
func (s *Store) zone(name string) (*time.Location, error) {
	if z, ok := s.zones.Load(name); ok {
		return z.(*time.Location), nil
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("certificatesdb: zone %q: %w", name, err)
	}
	s.zones.Store(name, z)
	return z, nil
}

// lock takes a row lock on a certificate on PostgreSQL ("UPDATE" or
// "SHARE") so that a reservation and a transfer of the same certificate
// take turns: the statements after it see what the other committed. On
// SQLite the write transaction (BEGIN IMMEDIATE) already excludes every
// other writer.
func (s *Store) lock(ctx context.Context, q bun.IDB, tenantID, id, mode string) error {
	if s.db.Dialect != db.Postgres {
		return nil
	}
	var ids []string
	err := q.NewSelect().Model((*certificateRow)(nil)).Column("id").
		Where("tenant_id = ? AND id = ?", tenantID, id).For(mode).Scan(ctx, &ids)
	if err != nil {
		return fmt.Errorf("certificatesdb: lock certificate: %w", err)
	}
	return nil
}

// InTx implements certificates.Store.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, _ bun.IDB, _ string) error { return fn(ctx) })
}

// CreateCertificate implements certificates.Store: the insert yields to an
// existing (tenant, source, source_key) instead of failing, so concurrent
// issues of one order wait for the first and then see it.
func (s *Store) CreateCertificate(ctx context.Context, c certificates.Certificate, digest string) (bool, error) {
	var created bool
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		c.TenantID = tenantID
		// The package must be the tenant's (retired ones too: an order
		// paid after its package left the catalogue still gets it). The
		// foreign key would refuse it anyway; asking first names the field.
		known, err := q.NewSelect().TableExpr("packages").
			Where("tenant_id = ? AND offer_id = ? AND code = ?", tenantID, c.OfferID, c.PackageCode).Exists(ctx)
		if err != nil {
			return err
		}
		if !known {
			return invalid("package.code")
		}
		row := toCertificateRow(c, digest)
		n, err := affected(q.NewInsert().Model(&row).On("CONFLICT (tenant_id, source, source_key) DO NOTHING").Exec(ctx))
		switch {
		case db.IsUniqueViolation(err):
			return certificates.ErrNumberTaken
		case isForeignKeyViolation(err):
			// The package exists, so the reference that failed is the
			// holder's account: not a customer of this tenant.
			return invalid("holder.user_id")
		case err != nil || n == 0:
			return err
		}
		quotas := make([]quotaRow, 0, len(c.Quotas))
		for _, qt := range c.Quotas {
			quotas = append(quotas, quotaRow{TenantID: tenantID, CertificateID: c.ID, ServiceKind: qt.ServiceKind,
				Quota: qt.Quota, Used: qt.Used, Reserved: qt.Reserved})
		}
		if len(quotas) > 0 {
			if _, err := q.NewInsert().Model(&quotas).Exec(ctx); err != nil {
				return err
			}
		}
		created = true
		return nil
	})
	var e *errs.Error
	if errors.Is(err, certificates.ErrNumberTaken) || errors.As(err, &e) && e.Code == certificates.CodeIssueInvalid {
		return false, err
	}
	if err != nil {
		return false, fmt.Errorf("certificatesdb: create certificate: %w", err)
	}
	return created, nil
}

// invalid is the error of an issue that names something the tenant does
// not have.
func invalid(field string) error {
	return errs.Invalid(certificates.CodeIssueInvalid, errs.FieldError{Field: field, Code: certificates.CodeFieldInvalid})
}

// isForeignKeyViolation reports whether err is a foreign-key violation on
// either dialect.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	// modernc reports "constraint failed: FOREIGN KEY constraint failed (787)".
	return err != nil && strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}

// certificate reads one certificate by column = value with its quotas.
func (s *Store) certificate(ctx context.Context, column, value string, extra ...string) (certificates.Certificate, certificateRow, error) {
	var row certificateRow
	var c certificates.Certificate
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		sel := q.NewSelect().Model(&row).Where("tenant_id = ?", tenantID).Where("? = ?", bun.Ident(column), value)
		for i := 0; i+1 < len(extra); i += 2 {
			sel = sel.Where("? = ?", bun.Ident(extra[i]), extra[i+1])
		}
		if err := sel.Scan(ctx); err != nil {
			return err
		}
		list, err := s.withQuotas(ctx, q, tenantID, []certificateRow{row})
		if err != nil {
			return err
		}
		c = list[0]
		return nil
	})
	if db.IsNoRows(err) {
		return certificates.Certificate{}, certificateRow{}, certificates.ErrNotFound
	}
	if err != nil {
		return certificates.Certificate{}, certificateRow{}, fmt.Errorf("certificatesdb: certificate by %s: %w", column, err)
	}
	return c, row, nil
}

// withQuotas converts rows to certificates with their quotas, by service kind.
func (s *Store) withQuotas(ctx context.Context, q bun.IDB, tenantID string, rows []certificateRow) ([]certificates.Certificate, error) {
	out := make([]certificates.Certificate, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var quotas []quotaRow
	if err := q.NewSelect().Model(&quotas).
		Where("tenant_id = ?", tenantID).Where("certificate_id IN (?)", bun.List(ids)).
		Order("certificate_id", "service_kind").Scan(ctx); err != nil {
		return nil, err
	}
	byCert := map[string][]quotaRow{}
	for _, qt := range quotas {
		byCert[qt.CertificateID] = append(byCert[qt.CertificateID], qt)
	}
	for _, r := range rows {
		z, err := s.zone(r.Zone)
		if err != nil {
			return nil, err
		}
		out = append(out, toCertificate(r, z, byCert[r.ID]))
	}
	return out, nil
}

// CertificateBySource implements certificates.Store.
func (s *Store) CertificateBySource(ctx context.Context, source certificates.Source, key string) (certificates.Certificate, string, error) {
	c, row, err := s.certificate(ctx, "source", string(source), "source_key", key)
	return c, row.SourceDigest, err
}

// CertificateByNumber implements certificates.Store.
func (s *Store) CertificateByNumber(ctx context.Context, number string) (certificates.Certificate, error) {
	c, _, err := s.certificate(ctx, "number", number)
	return c, err
}

// Certificate implements certificates.Store.
func (s *Store) Certificate(ctx context.Context, id string) (certificates.Certificate, error) {
	c, _, err := s.certificate(ctx, "id", id)
	return c, err
}

// HolderCertificates implements certificates.Store.
func (s *Store) HolderCertificates(ctx context.Context, userID string) ([]certificates.Certificate, error) {
	var out []certificates.Certificate
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		var rows []certificateRow
		if err := q.NewSelect().Model(&rows).Where("tenant_id = ? AND holder_user_id = ?", tenantID, userID).
			Order("issued_at", "id").Scan(ctx); err != nil {
			return err
		}
		var err error
		out, err = s.withQuotas(ctx, q, tenantID, rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("certificatesdb: holder certificates: %w", err)
	}
	return out, nil
}

// ListCertificates implements certificates.Store. The state filters are
// Certificate.StateAt in SQL: used up when no service has a unit left
// (whatever the term says), else expired, not started or active by the
// term at q.Now.
func (s *Store) ListCertificates(ctx context.Context, lq certificates.ListQuery) ([]certificates.Certificate, error) {
	var out []certificates.Certificate
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		var rows []certificateRow
		sel := q.NewSelect().Model(&rows).Where("tenant_id = ?", tenantID)
		if lq.Source != "" {
			sel = sel.Where("source = ?", string(lq.Source))
		}
		if !lq.IssuedFrom.IsZero() {
			sel = sel.Where("issued_at >= ?", lq.IssuedFrom.UTC())
		}
		if !lq.IssuedTo.IsZero() {
			sel = sel.Where("issued_at < ?", lq.IssuedTo.UTC())
		}
		if lq.PackageCode != "" {
			sel = sel.Where("package_code = ?", lq.PackageCode)
		}
		if lq.Phone != "" {
			sel = sel.Where("holder_phone = ?", lq.Phone)
		}
		if lq.ExternalID != "" {
			sel = sel.Where("external_id = ?", lq.ExternalID)
		}
		const unitLeft = `EXISTS (SELECT 1 FROM certificate_quotas cq WHERE cq.tenant_id = ?TableAlias.tenant_id
			AND cq.certificate_id = ?TableAlias.id AND cq.used < cq.quota)`
		now := lq.Now.UTC()
		switch lq.State {
		case certificates.StateUsedUp:
			sel = sel.Where("NOT " + unitLeft)
		case certificates.StateExpired:
			sel = sel.Where(unitLeft).Where("term_end <= ?", now)
		case certificates.StateNotStarted:
			sel = sel.Where(unitLeft).Where("term_start > ?", now)
		case certificates.StateActive:
			sel = sel.Where(unitLeft).Where("term_start <= ? AND term_end > ?", now, now)
		}
		if a := lq.After; a != nil {
			at := a.IssuedAt.UTC()
			sel = sel.Where("(issued_at < ? OR issued_at = ? AND id < ?)", at, at, a.ID)
		}
		if err := sel.OrderExpr("issued_at DESC, id DESC").Limit(int64(lq.Limit)).Scan(ctx); err != nil {
			return err
		}
		var err error
		out, err = s.withQuotas(ctx, q, tenantID, rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("certificatesdb: list certificates: %w", err)
	}
	return out, nil
}

// update runs one guarded UPDATE of a certificate and reports whether it
// changed the row.
func (s *Store) update(ctx context.Context, what, id string, set func(q bun.IDB, tenantID string, u *bun.UpdateQuery) (*bun.UpdateQuery, error)) (bool, error) {
	var ok bool
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		u, err := set(q, tenantID, q.NewUpdate().Model((*certificateRow)(nil)).Where("tenant_id = ? AND id = ?", tenantID, id))
		if err != nil {
			return err
		}
		n, err := affected(u.Exec(ctx))
		ok = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("certificatesdb: %s: %w", what, err)
	}
	return ok, nil
}

// Bind implements certificates.Store.
func (s *Store) Bind(ctx context.Context, id, userID, userPhone string, now time.Time) (bool, error) {
	return s.update(ctx, "bind", id, func(_ bun.IDB, _ string, u *bun.UpdateQuery) (*bun.UpdateQuery, error) {
		return u.Set("holder_user_id = ?", userID).Set("phone_locked = ?", false).
			Set("activated_at = COALESCE(activated_at, ?)", now.UTC()).
			Where("(holder_user_id = ? OR holder_user_id IS NULL AND (phone_locked = ? OR holder_phone = ?))",
				userID, false, userPhone), nil
	})
}

// Transfer implements certificates.Store. On PostgreSQL the certificate
// is locked first, so the reservation check below runs after any
// reservation that held the lock has committed.
func (s *Store) Transfer(ctx context.Context, id, fromUserID, toPhone string, now time.Time) (bool, error) {
	return s.update(ctx, "transfer", id, func(q bun.IDB, tenantID string, u *bun.UpdateQuery) (*bun.UpdateQuery, error) {
		if err := s.lock(ctx, q, tenantID, id, "UPDATE"); err != nil {
			return nil, err
		}
		return u.Set("holder_user_id = NULL, holder_email = '', holder_name = ''").
			Set("holder_phone = ?", toPhone).Set("phone_locked = ?", true).Set("transferred_at = ?", now.UTC()).
			Where("holder_user_id = ?", fromUserID).
			Where("NOT EXISTS (SELECT 1 FROM certificate_quotas cq WHERE cq.tenant_id = ? AND cq.certificate_id = ? AND cq.reserved > 0)",
				tenantID, id), nil
	})
}

// MarkActivated implements certificates.Store.
func (s *Store) MarkActivated(ctx context.Context, id string, now time.Time) (bool, error) {
	return s.update(ctx, "mark activated", id, func(_ bun.IDB, _ string, u *bun.UpdateQuery) (*bun.UpdateQuery, error) {
		return u.Set("activated_at = ?", now.UTC()).Where("activated_at IS NULL"), nil
	})
}

// EraseHolder implements certificates.Store.
func (s *Store) EraseHolder(ctx context.Context, userID string) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		_, err := q.NewUpdate().Model((*certificateRow)(nil)).
			Set("holder_phone = '', holder_email = '', holder_name = ''").
			Where("tenant_id = ? AND holder_user_id = ?", tenantID, userID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("certificatesdb: erase holder: %w", err)
		}
		return nil
	})
}

// ReserveUnit implements certificates.Store: the quota, the holder and the
// term are checked by the one UPDATE that takes the unit (SECURITY.md 18).
// Concurrent reservations of the last unit queue on the quota row; each
// re-checks used + reserved < quota against the row the previous one
// committed, so exactly one wins.
func (s *Store) ReserveUnit(ctx context.Context, r certificates.Reservation, now time.Time) (bool, error) {
	var ok bool
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		now := now.UTC()
		if err := s.lock(ctx, q, tenantID, r.CertificateID, "SHARE"); err != nil {
			return err
		}
		n, err := affected(q.NewUpdate().Model((*quotaRow)(nil)).
			Set("reserved = reserved + 1").
			Where("tenant_id = ? AND certificate_id = ? AND service_kind = ?", tenantID, r.CertificateID, r.ServiceKind).
			Where("used + reserved < quota").
			Where(`EXISTS (SELECT 1 FROM certificates c WHERE c.tenant_id = ? AND c.id = ?
				AND c.holder_user_id = ? AND c.term_start <= ? AND c.term_end > ?)`,
				tenantID, r.CertificateID, r.UserID, now, now).
			Exec(ctx))
		if err != nil || n == 0 {
			return err
		}
		row := reservationRow{TenantID: tenantID, ID: r.ID, CertificateID: r.CertificateID, ServiceKind: r.ServiceKind,
			UserID: r.UserID, State: string(certificates.ReservationReserved), CreatedAt: r.CreatedAt.UTC()}
		if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
			return err
		}
		ok = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("certificatesdb: reserve unit: %w", err)
	}
	return ok, nil
}

// Reservation implements certificates.Store.
func (s *Store) Reservation(ctx context.Context, id string) (certificates.Reservation, error) {
	var row reservationRow
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model(&row).Where("tenant_id = ? AND id = ?", tenantID, id).Scan(ctx)
	})
	if db.IsNoRows(err) {
		return certificates.Reservation{}, certificates.ErrNotFound
	}
	if err != nil {
		return certificates.Reservation{}, fmt.Errorf("certificatesdb: reservation: %w", err)
	}
	return toReservation(row), nil
}

// SettleReservation implements certificates.Store: the state change is the
// guard (… WHERE state = 'reserved'), so of two concurrent settlements one
// changes the row and the other finds it settled; the quota follows in the
// same transaction.
func (s *Store) SettleReservation(ctx context.Context, id string, to certificates.ReservationState, now time.Time) (bool, error) {
	if to != certificates.ReservationUsed && to != certificates.ReservationReleased {
		return false, fmt.Errorf("certificatesdb: cannot settle a reservation as %q", to)
	}
	var ok bool
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		n, err := affected(q.NewUpdate().Model((*reservationRow)(nil)).
			Set("state = ?", string(to)).Set("settled_at = ?", now.UTC()).
			Where("tenant_id = ? AND id = ? AND state = ?", tenantID, id, string(certificates.ReservationReserved)).
			Exec(ctx))
		if err != nil || n == 0 {
			return err
		}
		var row reservationRow
		if err := q.NewSelect().Model(&row).Where("tenant_id = ? AND id = ?", tenantID, id).Scan(ctx); err != nil {
			return err
		}
		u := q.NewUpdate().Model((*quotaRow)(nil)).Set("reserved = reserved - 1").
			Where("tenant_id = ? AND certificate_id = ? AND service_kind = ?", tenantID, row.CertificateID, row.ServiceKind).
			Where("reserved > 0")
		if to == certificates.ReservationUsed {
			u = u.Set("used = used + 1")
		}
		if n, err = affected(u.Exec(ctx)); err != nil {
			return err
		}
		if n != 1 {
			return fmt.Errorf("reservation %s holds no unit of %s", id, row.ServiceKind)
		}
		ok = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("certificatesdb: settle reservation: %w", err)
	}
	return ok, nil
}

// AddEvents implements certificates.Store.
func (s *Store) AddEvents(ctx context.Context, events ...certificates.Event) error {
	if len(events) == 0 {
		return nil
	}
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		rows := make([]eventRow, len(events))
		for i, e := range events {
			rows[i] = toEventRow(tenantID, e)
		}
		if _, err := q.NewInsert().Model(&rows).Exec(ctx); err != nil {
			return fmt.Errorf("certificatesdb: add events: %w", err)
		}
		return nil
	})
}

// Events implements certificates.Store.
func (s *Store) Events(ctx context.Context, certificateID string) ([]certificates.Event, error) {
	var rows []eventRow
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model(&rows).Where("tenant_id = ? AND certificate_id = ?", tenantID, certificateID).
			Order("created_at", "id").Scan(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("certificatesdb: events: %w", err)
	}
	out := make([]certificates.Event, len(rows))
	for i, r := range rows {
		out[i] = toEvent(r)
	}
	return out, nil
}

// activationFailures counts failed activations per account and address
// (table certificate_activation_limits).
var activationFailures = db.FailureCounter{Table: "certificate_activation_limits"}

// CountFailure implements certificates.Store with db.FailureCounter: one
// guarded UPDATE, so concurrent attempts cannot overshoot the limit.
func (s *Store) CountFailure(ctx context.Context, subject string, now time.Time, window time.Duration, max int) (bool, time.Time, error) {
	var (
		ok    bool
		since time.Time
	)
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		var err error
		ok, since, err = activationFailures.Count(ctx, q, tenantID, subject, now, window, max)
		return err
	})
	if err != nil {
		return false, time.Time{}, fmt.Errorf("certificatesdb: %w", err)
	}
	return ok, since, nil
}

// ForgiveFailure implements certificates.Store; a counter that drops to
// zero is deleted, so only accounts and addresses that failed recently
// keep a row (an address is personal data: keep no more than needed).
func (s *Store) ForgiveFailure(ctx context.Context, subject string) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		if err := activationFailures.Forgive(ctx, q, tenantID, subject); err != nil {
			return fmt.Errorf("certificatesdb: %w", err)
		}
		return nil
	})
}

// PurgeFailures implements certificates.Store.
func (s *Store) PurgeFailures(ctx context.Context, endedBy time.Time) (int, error) {
	var n int
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		var err error
		n, err = activationFailures.Purge(ctx, q, tenantID, endedBy)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("certificatesdb: %w", err)
	}
	return n, nil
}

// Enqueue implements certificates.Store through the outbox's own writer,
// on the current transaction.
func (s *Store) Enqueue(ctx context.Context, now time.Time, msgs ...notify.Message) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		for _, m := range msgs {
			if m.TenantID != tenantID {
				return errors.New("certificatesdb: message for another tenant")
			}
		}
		return notifydb.Enqueue(ctx, q, now, msgs...)
	})
}
