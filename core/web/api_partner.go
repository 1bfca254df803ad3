package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/partners"
	"github.com/consult/platform/core/platform/errs"
)

// Partners is the partners service as the HTTP layer uses it.
type Partners interface {
	CreateKey(ctx context.Context, name, createdBy string) (partners.Created, error)
	Keys(ctx context.Context) ([]partners.Key, error)
	RevokeKey(ctx context.Context, id, by string) (partners.Key, error)
	Verify(ctx context.Context, secret string) (partners.Key, error)
	Issue(ctx context.Context, key partners.Key, idempotencyKey string, sale partners.Sale, site partners.Site) (certificates.Certificate, bool, error)
	Certificates(ctx context.Context, timezone string, r partners.ListRequest) (certificates.Page, error)
	Export(ctx context.Context, timezone string, r partners.ListRequest) (certificates.Page, error)
}

// partnerPrefix is where the partner API lives. Its callers are partners'
// servers, authenticated by an API key, never by a session: authenticate
// leaves these paths alone, and without a session cookie CSRF does not
// apply.
const partnerPrefix = "/api/v1/partner/"

// localPartnerKey holds the verified API key of a partner request.
const localPartnerKey = "partner_key"

// isPartnerAPI reports whether the request is for the partner API.
func isPartnerAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), partnerPrefix) }

// partnerRoutes registers the partner API, the tenant admins' API for its
// keys, and their page.
func (s *Server) partnerRoutes(api fiber.Router) {
	s.handle(api, fiber.MethodPost, "/partner/certificates", s.partnerAuth, s.partnerIssue)
	s.handle(api, fiber.MethodGet, "/partner/certificates", s.partnerAuth, s.partnerCertificates)

	s.handle(api, fiber.MethodGet, "/admin/api-keys", s.requirePermission("api_keys", "read"), s.listAPIKeys)
	s.handle(api, fiber.MethodPost, "/admin/api-keys", s.requirePermission("api_keys", "write"), s.createAPIKey)
	s.handle(api, fiber.MethodDelete, "/admin/api-keys/:id", s.requirePermission("api_keys", "manage"), s.revokeAPIKey)
	s.handle(s.app, fiber.MethodGet, "/admin/api-keys", requireUser, s.requirePermission("api_keys", "read"), s.apiKeysPage)
}

// partnerAuth admits a request that carries a live API key of the site's
// tenant, as "Authorization: Bearer <key>" or "X-API-Key: <key>". The key
// is looked up in the tenant the Host names (resolveSite ran first), so a
// key of another tenant is as unknown as a made-up one: 401 either way.
func (s *Server) partnerAuth(c *fiber.Ctx) error {
	secret, err := partnerSecret(c)
	if err == nil {
		var k partners.Key
		if k, err = s.Partners.Verify(c.UserContext(), secret); err == nil {
			c.Locals(localPartnerKey, &k)
			return c.Next()
		}
	}
	if errs.KindOf(err) == errs.KindUnauthorized {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="partner"`)
	}
	return err
}

// partnerSecret reads the key from the request; two different keys in the
// two headers are refused rather than guessed between.
func partnerSecret(c *fiber.Ctx) (string, error) {
	bearer, _ := bearerToken(c)
	header := strings.TrimSpace(c.Get("X-API-Key"))
	switch {
	case bearer != "" && header != "" && bearer != header:
		return "", partners.ErrKeyInvalid
	case bearer != "":
		return bearer, nil
	case header != "":
		return header, nil
	}
	return "", partners.ErrKeyRequired
}

func partnerKey(c *fiber.Ctx) partners.Key {
	k, _ := c.Locals(localPartnerKey).(*partners.Key)
	return *k
}

// partnerSite is the site the partner's request came to: what it sells
// and how the holder's messages read — in the site's language, not the
// partner's server's.
func (s *Server) partnerSite(c *fiber.Ctx) partners.Site {
	si := site(c)
	lang := si.Site.Locale
	return partners.Site{Offers: si.Site.Offers, Brand: si.Site.Brand.Name.In(lang), BaseURL: s.siteBaseURL(c, si),
		Locale: lang, Timezone: si.Tenant.Timezone}
}

type issuedQuotaJSON struct {
	ServiceKind string `json:"service_kind"`
	Quota       int    `json:"quota"`
}

// issuedJSON is the answer to an issue. It holds only what never changes
// after the issue, so a replay answers byte for byte what the first call
// did (SECURITY.md 16), whatever happened to the certificate since.
type issuedJSON struct {
	Number       string            `json:"number"`
	OfferID      string            `json:"offer_id"`
	PackageCode  string            `json:"package_code"`
	PackageTitle string            `json:"package_title"`
	PricePaid    int64             `json:"price_paid"` // kopecks
	Currency     string            `json:"currency"`
	PaidAt       time.Time         `json:"paid_at"`
	TermStart    time.Time         `json:"term_start"`
	TermEnd      time.Time         `json:"term_end"`  // exclusive: 24:00 of last_day
	FirstDay     string            `json:"first_day"` // YYYY-MM-DD in the tenant's zone
	LastDay      string            `json:"last_day"`
	Quotas       []issuedQuotaJSON `json:"quotas"`
	ExternalID   string            `json:"external_id"`
	IssuedAt     time.Time         `json:"issued_at"`
}

func toIssuedJSON(c certificates.Certificate) issuedJSON {
	out := issuedJSON{Number: c.Number, OfferID: c.OfferID, PackageCode: c.PackageCode, PackageTitle: c.PackageTitle,
		PricePaid: c.Price, Currency: c.Currency, PaidAt: c.PaidAt.UTC(), TermStart: c.Term.Start.UTC(),
		TermEnd: c.Term.End.UTC(), FirstDay: c.Term.FirstDay().Format(time.DateOnly),
		LastDay: c.Term.LastDay().Format(time.DateOnly), Quotas: []issuedQuotaJSON{}, ExternalID: c.ExternalID,
		IssuedAt: c.IssuedAt.UTC()}
	for _, q := range c.Quotas {
		out.Quotas = append(out.Quotas, issuedQuotaJSON{ServiceKind: q.ServiceKind, Quota: q.Quota})
	}
	return out
}

// partnerIssue is POST /api/v1/partner/certificates: the certificate of a
// partner's sale, delivered to the holder by SMS and e-mail (offers 003 and
// 004, art. 1). The Idempotency-Key header is required; a replay answers
// 201 with the same body and "Idempotent-Replayed: true".
func (s *Server) partnerIssue(c *fiber.Ctx) error {
	var in struct {
		OfferID     string `json:"offer_id"`
		PackageCode string `json:"package_code"`
		PricePaid   *int64 `json:"price_paid"`
		Phone       string `json:"phone"`
		Email       string `json:"email"`
		Name        string `json:"name"`
		ExternalID  string `json:"external_id"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sale := partners.Sale{OfferID: in.OfferID, PackageCode: in.PackageCode, PricePaid: in.PricePaid,
		Phone: in.Phone, Email: in.Email, Name: in.Name, ExternalID: in.ExternalID}
	cert, created, err := s.Partners.Issue(c.UserContext(), partnerKey(c), c.Get("Idempotency-Key"), sale, s.partnerSite(c))
	if err != nil {
		return err
	}
	if !created {
		c.Set("Idempotent-Replayed", "true")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(toIssuedJSON(cert))
}

type holderJSON struct {
	Phone string `json:"phone"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// partnerCertificateJSON is a certificate in the partner's list: the
// issue's facts and where it stands now.
type partnerCertificateJSON struct {
	Number       string      `json:"number"`
	OfferID      string      `json:"offer_id"`
	PackageCode  string      `json:"package_code"`
	PackageTitle string      `json:"package_title"`
	PricePaid    int64       `json:"price_paid"`
	Currency     string      `json:"currency"`
	PaidAt       time.Time   `json:"paid_at"`
	IssuedAt     time.Time   `json:"issued_at"`
	FirstDay     string      `json:"first_day"`
	LastDay      string      `json:"last_day"`
	State        string      `json:"state"`
	DaysLeft     int         `json:"days_left"`
	Activated    bool        `json:"activated"`
	Holder       holderJSON  `json:"holder"`
	ExternalID   string      `json:"external_id"`
	Quotas       []quotaJSON `json:"quotas"`
}

func toPartnerCertificateJSON(sm certificates.Summary) partnerCertificateJSON {
	c := sm.Certificate
	out := partnerCertificateJSON{Number: c.Number, OfferID: c.OfferID, PackageCode: c.PackageCode,
		PackageTitle: c.PackageTitle, PricePaid: c.Price, Currency: c.Currency, PaidAt: c.PaidAt.UTC(),
		IssuedAt: c.IssuedAt.UTC(), FirstDay: c.Term.FirstDay().Format(time.DateOnly),
		LastDay: c.Term.LastDay().Format(time.DateOnly), State: string(sm.State), DaysLeft: sm.DaysLeft,
		Activated: c.ActivatedAt != nil, Holder: holderJSON{Phone: c.Holder.Phone, Email: c.Holder.Email, Name: c.Holder.Name},
		ExternalID: c.ExternalID, Quotas: []quotaJSON{}}
	for _, q := range c.Quotas {
		out.Quotas = append(out.Quotas, quotaJSON{ServiceKind: q.ServiceKind, Quota: q.Quota, Used: q.Used,
			Reserved: q.Reserved, Remaining: q.Remaining()})
	}
	return out
}

// listInvalid is certificates.ErrListInvalid for one query parameter.
func listInvalid(field string) error {
	return errs.Invalid(certificates.CodeListInvalid, errs.FieldError{Field: field, Code: certificates.CodeFieldInvalid})
}

// partnerCertificates is GET /api/v1/partner/certificates: the
// certificates the tenant's partner integrations issued, newest first,
// filtered and paged by cursor — as JSON, or as CSV with ?format=csv or
// "Accept: text/csv".
func (s *Server) partnerCertificates(c *fiber.Ctx) error {
	r := partners.ListRequest{IssuedFrom: c.Query("issued_from"), IssuedTo: c.Query("issued_to"),
		PackageCode: c.Query("package_code"), State: c.Query("state"), Phone: c.Query("phone"),
		ExternalID: c.Query("external_id"), Cursor: c.Query("cursor")}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return listInvalid("limit")
		}
		r.Limit = n
	}
	asCSV := false
	switch c.Query("format") {
	case "csv":
		asCSV = true
	case "json":
	case "":
		asCSV = c.Accepts(fiber.MIMEApplicationJSON, "text/csv") == "text/csv"
	default:
		return listInvalid("format")
	}
	tz := site(c).Tenant.Timezone
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Vary(fiber.HeaderAccept)
	if asCSV {
		page, err := s.Partners.Export(c.UserContext(), tz, r)
		if err != nil {
			return err
		}
		return sendCertificatesCSV(c, page)
	}
	page, err := s.Partners.Certificates(c.UserContext(), tz, r)
	if err != nil {
		return err
	}
	list := make([]partnerCertificateJSON, 0, len(page.Items))
	for _, sm := range page.Items {
		list = append(list, toPartnerCertificateJSON(sm))
	}
	var next *string
	if page.Next != "" {
		next = &page.Next
	}
	return c.JSON(fiber.Map{"certificates": list, "next_cursor": next})
}

// csvColumns is the export's header row.
var csvColumns = []string{"number", "issued_at", "paid_at", "offer_id", "package_code", "package_title", "price_paid",
	"currency", "first_day", "last_day", "state", "days_left", "activated", "holder_phone", "holder_email",
	"holder_name", "external_id", "services"}

// sendCertificatesCSV writes the export as RFC 4180 CSV: a header row,
// CRLF line ends, fields quoted where needed (encoding/csv). X-Next-Cursor
// continues an export cut at its limit.
func sendCertificatesCSV(c *fiber.Ctx, page certificates.Page) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	row := make([]string, len(csvColumns))
	copy(row, csvColumns)
	if err := w.Write(row); err != nil {
		return errs.Internal(err)
	}
	for _, sm := range page.Items {
		j := toPartnerCertificateJSON(sm)
		services := make([]string, 0, len(j.Quotas))
		for _, q := range j.Quotas {
			services = append(services, q.ServiceKind+" "+strconv.Itoa(q.Used)+"/"+strconv.Itoa(q.Quota))
		}
		fields := []string{j.Number, j.IssuedAt.Format(time.RFC3339), j.PaidAt.Format(time.RFC3339), j.OfferID,
			j.PackageCode, j.PackageTitle, strconv.FormatInt(j.PricePaid, 10), j.Currency, j.FirstDay, j.LastDay,
			j.State, strconv.Itoa(j.DaysLeft), strconv.FormatBool(j.Activated), j.Holder.Phone, j.Holder.Email,
			j.Holder.Name, j.ExternalID, strings.Join(services, "; ")}
		for i, f := range fields {
			row[i] = csvCell(f)
		}
		if err := w.Write(row); err != nil {
			return errs.Internal(err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return errs.Internal(err)
	}
	if page.Next != "" {
		c.Set("X-Next-Cursor", page.Next)
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8; header=present")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="certificates.csv"`)
	return c.Send(b.Bytes())
}

// csvCell defuses CSV formula injection (OWASP "CSV Injection"): a
// spreadsheet runs a cell that starts with = + - @ (or a tab or CR before
// one) as a formula, and names, e-mails and references come from outside.
// Such a cell gets a leading apostrophe, which spreadsheets show as text.
// Every cell is treated alike, phones too ("'+7999…"), so no column can be
// forgotten.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// apiKeyJSON is a key as its tenant's admins see it: never the secret.
type apiKeyJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Active     bool       `json:"active"`
	CreatedBy  string     `json:"created_by"` // a user id, or "cli"
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	RevokedBy  string     `json:"revoked_by,omitempty"`
}

func toAPIKeyJSON(k partners.Key) apiKeyJSON {
	return apiKeyJSON{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Active: !k.Revoked(), CreatedBy: k.CreatedBy,
		CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt, RevokedBy: k.RevokedBy}
}

// listAPIKeys is GET /api/v1/admin/api-keys: the tenant's keys, revoked
// ones too, newest first.
func (s *Server) listAPIKeys(c *fiber.Ctx) error {
	keys, err := s.Partners.Keys(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]apiKeyJSON, 0, len(keys))
	for _, k := range keys {
		out = append(out, toAPIKeyJSON(k))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"keys": out})
}

// createAPIKey is POST /api/v1/admin/api-keys: a new key, whose secret
// this answer shows once and nothing shows again. The admin is recorded as
// its creator.
func (s *Server) createAPIKey(c *fiber.Ctx) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	k, err := s.Partners.CreateKey(c.UserContext(), in.Name, currentUser(c).ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"key": toAPIKeyJSON(k.Key), "secret": k.Secret})
}

// revokeAPIKey is DELETE /api/v1/admin/api-keys/{id}: the key opens
// nothing from now on; the admin is recorded as who revoked it. Another
// tenant's key is not found (SECURITY.md 10).
func (s *Server) revokeAPIKey(c *fiber.Ctx) error {
	k, err := s.Partners.RevokeKey(c.UserContext(), c.Params("id"), currentUser(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(toAPIKeyJSON(k))
}

// apiKeyRow is a key as the page lists it, its times in the tenant's zone.
type apiKeyRow struct {
	ID, Name, Prefix, Created, LastUsed, Revoked string
	ByCLI                                        bool
}

// apiKeysPage is /admin/api-keys: the tenant admin's keys, with forms to
// make and revoke them (app.js, block "api-keys").
func (s *Server) apiKeysPage(c *fiber.Ctx) error {
	keys, err := s.Partners.Keys(c.UserContext())
	if err != nil {
		return err
	}
	zone := time.UTC
	if z, err := time.LoadLocation(site(c).Tenant.Timezone); err == nil {
		zone = z
	}
	layout := "02.01.2006 15:04"
	if langOf(c) == "en" {
		layout = "2 Jan 2006 15:04"
	}
	when := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(zone).Format(layout)
	}
	rows := make([]apiKeyRow, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, apiKeyRow{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Created: when(&k.CreatedAt),
			LastUsed: when(k.LastUsedAt), Revoked: when(k.RevokedAt), ByCLI: k.CreatedBy == partners.CreatedByCLI})
	}
	return s.renderPage(c, "api_keys", fiber.Map{"Title": s.i18n.T(langOf(c), "partners.page.title", nil), "Keys": rows,
		"Endpoint": s.siteBaseURL(c, site(c)) + "/api/v1/partner/certificates"})
}
