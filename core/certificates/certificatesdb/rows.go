package certificatesdb

import (
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/certificates"
)

// certificateRow is one certificate (table certificates).
type certificateRow struct {
	bun.BaseModel `bun:"table:certificates"`
	TenantID      string     `bun:"tenant_id,pk"`
	ID            string     `bun:"id,pk"`
	Number        string     `bun:"number"`
	OfferID       string     `bun:"offer_id"`
	PackageCode   string     `bun:"package_code"`
	PackageTitle  string     `bun:"package_title"`
	Zone          string     `bun:"zone"`
	PaidAt        time.Time  `bun:"paid_at"`
	TermStart     time.Time  `bun:"term_start"`
	TermEnd       time.Time  `bun:"term_end"`
	Price         int64      `bun:"price"`
	Currency      string     `bun:"currency"`
	Source        string     `bun:"source"`
	SourceKey     string     `bun:"source_key"`
	SourceDigest  string     `bun:"source_digest"`
	HolderUserID  *string    `bun:"holder_user_id"`
	HolderPhone   string     `bun:"holder_phone"`
	HolderEmail   string     `bun:"holder_email"`
	HolderName    string     `bun:"holder_name"`
	ExternalID    string     `bun:"external_id"`
	PhoneLocked   bool       `bun:"phone_locked"`
	IssuedAt      time.Time  `bun:"issued_at"`
	ReceivedAt    time.Time  `bun:"received_at"`
	ActivatedAt   *time.Time `bun:"activated_at"`
	TransferredAt *time.Time `bun:"transferred_at"`
}

// quotaRow is one service of a certificate (table certificate_quotas).
type quotaRow struct {
	bun.BaseModel `bun:"table:certificate_quotas"`
	TenantID      string `bun:"tenant_id,pk"`
	CertificateID string `bun:"certificate_id,pk"`
	ServiceKind   string `bun:"service_kind,pk"`
	Quota         int    `bun:"quota"`
	Used          int    `bun:"used"`
	Reserved      int    `bun:"reserved"`
}

// reservationRow is one held unit (table certificate_reservations).
type reservationRow struct {
	bun.BaseModel `bun:"table:certificate_reservations"`
	TenantID      string     `bun:"tenant_id,pk"`
	ID            string     `bun:"id,pk"`
	CertificateID string     `bun:"certificate_id"`
	ServiceKind   string     `bun:"service_kind"`
	UserID        string     `bun:"user_id"`
	State         string     `bun:"state"`
	CreatedAt     time.Time  `bun:"created_at"`
	SettledAt     *time.Time `bun:"settled_at"`
}

// eventRow is one history entry (table certificate_events).
type eventRow struct {
	bun.BaseModel `bun:"table:certificate_events"`
	TenantID      string    `bun:"tenant_id,pk"`
	ID            string    `bun:"id,pk"`
	CertificateID string    `bun:"certificate_id"`
	Kind          string    `bun:"kind"`
	Actor         string    `bun:"actor"`
	ActorUserID   *string   `bun:"actor_user_id"`
	ServiceKind   string    `bun:"service_kind"`
	ReservationID *string   `bun:"reservation_id"`
	Detail        string    `bun:"detail"`
	CreatedAt     time.Time `bun:"created_at"`
}

// nullable stores "" as NULL.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func toCertificateRow(c certificates.Certificate, digest string) certificateRow {
	return certificateRow{
		TenantID: c.TenantID, ID: c.ID, Number: c.Number, OfferID: c.OfferID,
		PackageCode: c.PackageCode, PackageTitle: c.PackageTitle, Zone: c.Term.Zone.String(),
		PaidAt: c.PaidAt.UTC(), TermStart: c.Term.Start.UTC(), TermEnd: c.Term.End.UTC(),
		Price: c.Price, Currency: c.Currency, Source: string(c.Source), SourceKey: c.SourceKey, SourceDigest: digest,
		HolderUserID: nullable(c.Holder.UserID), HolderPhone: c.Holder.Phone, HolderEmail: c.Holder.Email,
		HolderName: c.Holder.Name, ExternalID: c.ExternalID, PhoneLocked: c.PhoneLocked,
		IssuedAt: c.IssuedAt.UTC(), ReceivedAt: c.ReceivedAt.UTC(),
		ActivatedAt: utcPtr(c.ActivatedAt), TransferredAt: utcPtr(c.TransferredAt),
	}
}

func toCertificate(r certificateRow, zone *time.Location, quotas []quotaRow) certificates.Certificate {
	c := certificates.Certificate{
		ID: r.ID, TenantID: r.TenantID, Number: r.Number, OfferID: r.OfferID,
		PackageCode: r.PackageCode, PackageTitle: r.PackageTitle, Price: r.Price, Currency: r.Currency,
		PaidAt: r.PaidAt.UTC(), Term: certificates.Period{Start: r.TermStart.UTC(), End: r.TermEnd.UTC(), Zone: zone},
		Source: certificates.Source(r.Source), SourceKey: r.SourceKey,
		Holder: certificates.Holder{UserID: deref(r.HolderUserID), Phone: r.HolderPhone, Email: r.HolderEmail,
			Name: r.HolderName},
		ExternalID: r.ExternalID, PhoneLocked: r.PhoneLocked, IssuedAt: r.IssuedAt.UTC(), ReceivedAt: r.ReceivedAt.UTC(),
		ActivatedAt: utcPtr(r.ActivatedAt), TransferredAt: utcPtr(r.TransferredAt),
		Quotas: []certificates.Quota{},
	}
	for _, q := range quotas {
		c.Quotas = append(c.Quotas, certificates.Quota{ServiceKind: q.ServiceKind, Quota: q.Quota, Used: q.Used,
			Reserved: q.Reserved})
	}
	return c
}

func toReservation(r reservationRow) certificates.Reservation {
	return certificates.Reservation{
		ID: r.ID, CertificateID: r.CertificateID, ServiceKind: r.ServiceKind, UserID: r.UserID,
		State: certificates.ReservationState(r.State), CreatedAt: r.CreatedAt.UTC(), SettledAt: utcPtr(r.SettledAt),
	}
}

func toEventRow(tenantID string, e certificates.Event) eventRow {
	return eventRow{
		TenantID: tenantID, ID: e.ID, CertificateID: e.CertificateID, Kind: string(e.Kind), Actor: string(e.Actor),
		ActorUserID: nullable(e.ActorUserID), ServiceKind: e.ServiceKind, ReservationID: nullable(e.ReservationID),
		Detail: e.Detail, CreatedAt: e.At.UTC(),
	}
}

func toEvent(r eventRow) certificates.Event {
	return certificates.Event{
		ID: r.ID, CertificateID: r.CertificateID, Kind: certificates.EventKind(r.Kind), Actor: certificates.Actor(r.Actor),
		ActorUserID: deref(r.ActorUserID), ServiceKind: r.ServiceKind, ReservationID: deref(r.ReservationID),
		Detail: r.Detail, At: r.CreatedAt.UTC(),
	}
}
