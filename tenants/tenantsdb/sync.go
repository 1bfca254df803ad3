package tenantsdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/tenants"
)

// syncLockKey serialises concurrent syncs of several starting nodes on
// PostgreSQL; SQLite's immediate transactions already serialise them.
const syncLockKey = 0x74656e616e7473 // "tenants"

// Input is the complete tenancy data to apply.
type Input struct {
	Tenants []tenants.Tenant
	// File returns a tenant's file (logo, legal document) by its name in
	// the tenant folder.
	File func(tenantID, name string) ([]byte, error)
	// Products maps a product id to its spec as JSON (from the plugin's
	// Describe), stored so that any node can answer without the plugin.
	Products map[string]json.RawMessage
	// Source says where the data came from ("embedded", a directory).
	Source string
}

// Change is one row that sync created, updated, retired or restored.
type Change struct {
	Kind   string `json:"kind"` // product, tenant, site, host, file, offer, package
	Key    string `json:"key"`
	Action string `json:"action"` // created, updated, retired
}

// Report says what a sync changed.
type Report struct {
	Changes   []Change       `json:"changes"`
	Unchanged map[string]int `json:"unchanged"`
}

// Changed reports whether the sync wrote anything.
func (r Report) Changed() bool { return len(r.Changes) > 0 }

// String renders the report for the `platform sync` command.
func (r Report) String() string {
	var b strings.Builder
	for _, c := range r.Changes {
		fmt.Fprintf(&b, "%-8s %-8s %s\n", c.Action, c.Kind, c.Key)
	}
	kinds := make([]string, 0, len(r.Unchanged))
	for k := range r.Unchanged {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", r.Unchanged[k], k))
	}
	if len(r.Changes) == 0 {
		fmt.Fprintf(&b, "nothing changed (%s unchanged)\n", strings.Join(parts, ", "))
	} else {
		fmt.Fprintf(&b, "%d changes; unchanged: %s\n", len(r.Changes), strings.Join(parts, ", "))
	}
	return b.String()
}

// Sync makes the database say what in says, in one transaction: rows are
// created or updated where their content digest differs, and rows no
// longer in the data are retired (never deleted: orders refer to offers
// and packages). Running it twice changes nothing the second time.
//
// Sync is system work across every tenant: it runs as the connection's own
// role (the tables' owner), not in a db.Tenant scope, so row-level security
// does not apply to it.
func Sync(ctx context.Context, d *db.DB, in Input, now time.Time) (Report, error) {
	now = now.UTC()
	rep := Report{Unchanged: map[string]int{}}
	err := d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if d.Dialect == db.Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", syncLockKey); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		s := syncer{tx: tx, now: now, rep: &rep, in: in}
		if err := s.products(ctx); err != nil {
			return err
		}
		if err := s.tenants(ctx); err != nil {
			return err
		}
		if !rep.Changed() {
			return nil
		}
		summary, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		_, err = tx.NewInsert().Model(&syncRow{Source: in.Source, Summary: string(summary), AppliedAt: now}).Exec(ctx)
		return err
	})
	if err != nil {
		return Report{}, fmt.Errorf("sync: %w", err)
	}
	return rep, nil
}

type syncer struct {
	tx  bun.Tx
	now time.Time
	rep *Report
	in  Input
}

// state is what the database holds for one row.
type state struct {
	digest  string
	retired bool
}

// desired is one row the data asks for.
type desired struct {
	key    string
	digest string
	write  func(ctx context.Context, exists bool) error
}

// reconcile writes the desired rows that differ from existing, and retires
// the existing rows the data no longer has (retire nil: delete instead).
func (s *syncer) reconcile(ctx context.Context, kind string, existing map[string]state, want []desired, retire func(ctx context.Context, key string) error) error {
	seen := make(map[string]bool, len(want))
	for _, w := range want {
		seen[w.key] = true
		old, exists := existing[w.key]
		if exists && old.digest == w.digest && !old.retired {
			s.rep.Unchanged[kind]++
			continue
		}
		if err := w.write(ctx, exists); err != nil {
			return fmt.Errorf("%s %s: %w", kind, w.key, err)
		}
		action := "created"
		if exists {
			action = "updated"
		}
		s.rep.Changes = append(s.rep.Changes, Change{Kind: kind, Key: w.key, Action: action})
	}
	keys := make([]string, 0, len(existing))
	for k := range existing {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if seen[k] || existing[k].retired || retire == nil {
			continue
		}
		if err := retire(ctx, k); err != nil {
			return fmt.Errorf("retire %s %s: %w", kind, k, err)
		}
		s.rep.Changes = append(s.rep.Changes, Change{Kind: kind, Key: k, Action: "retired"})
	}
	return nil
}

// write inserts model, or updates the given columns of the row with its
// primary key; revive also clears retired_at, bringing a retired row back.
func (s *syncer) write(model any, revive bool, columns ...string) func(ctx context.Context, exists bool) error {
	return func(ctx context.Context, exists bool) error {
		if !exists {
			_, err := s.tx.NewInsert().Model(model).Exec(ctx)
			return err
		}
		q := s.tx.NewUpdate().Model(model).Column(columns...).WherePK()
		if revive {
			q = q.Set("retired_at = NULL")
		}
		_, err := q.Exec(ctx)
		return err
	}
}

func (s *syncer) products(ctx context.Context) error {
	var rows []productRow
	if err := s.tx.NewSelect().Model(&rows).Scan(ctx); err != nil {
		return err
	}
	existing := map[string]state{}
	for _, r := range rows {
		existing[r.ID] = state{digest: r.Digest}
	}
	ids := make([]string, 0, len(s.in.Products))
	for id := range s.in.Products {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var want []desired
	for _, id := range ids {
		spec := string(s.in.Products[id])
		row := &productRow{ID: id, Spec: spec, Digest: digestOf(spec), CreatedAt: s.now, UpdatedAt: s.now}
		want = append(want, desired{key: id, digest: row.Digest, write: s.write(row, false, "spec", "digest", "updated_at")})
	}
	// Products are never retired: offers reference them; a product that
	// left the build simply has no plugin to serve it.
	return s.reconcile(ctx, "product", existing, want, nil)
}

func (s *syncer) tenants(ctx context.Context) error {
	var rows []tenantRow
	if err := s.tx.NewSelect().Model(&rows).Scan(ctx); err != nil {
		return err
	}
	existing := map[string]state{}
	for _, r := range rows {
		existing[r.ID] = state{digest: r.Digest, retired: r.RetiredAt != nil}
	}
	var want []desired
	for _, t := range s.in.Tenants {
		spec, err := json.Marshal(t)
		if err != nil {
			return err
		}
		name, _ := json.Marshal(t.Name)
		row := &tenantRow{ID: t.ID, Kind: string(t.Kind), Name: string(name), Timezone: t.Timezone,
			DefaultLocale: t.DefaultLocale, PhoneRegion: t.PhoneRegion, Spec: string(spec),
			Digest: digestOf(string(spec)), CreatedAt: s.now, UpdatedAt: s.now}
		want = append(want, desired{key: t.ID, digest: row.Digest, write: s.write(row, true, "kind", "name", "timezone", "default_locale", "phone_region", "spec", "digest", "updated_at")})
	}
	retire := func(ctx context.Context, id string) error {
		_, err := s.tx.NewUpdate().Model((*tenantRow)(nil)).Set("retired_at = ?", s.now).Where("id = ?", id).Exec(ctx)
		return err
	}
	// Tenants first: sites, files and offers refer to them.
	if err := s.reconcile(ctx, "tenant", existing, want, retire); err != nil {
		return err
	}
	for _, t := range s.in.Tenants {
		if err := s.sites(ctx, t); err != nil {
			return err
		}
		if err := s.files(ctx, t); err != nil {
			return err
		}
		if err := s.offers(ctx, t); err != nil {
			return err
		}
	}
	return s.hosts(ctx)
}

func (s *syncer) sites(ctx context.Context, t tenants.Tenant) error {
	var rows []siteRow
	if err := s.tx.NewSelect().Model(&rows).Where("tenant_id = ?", t.ID).Scan(ctx); err != nil {
		return err
	}
	existing := map[string]state{}
	for _, r := range rows {
		existing[r.ID] = state{digest: r.Digest, retired: r.RetiredAt != nil}
	}
	var want []desired
	for _, site := range t.Sites {
		spec, err := json.Marshal(site)
		if err != nil {
			return err
		}
		row := &siteRow{TenantID: t.ID, ID: site.ID, Product: site.Product, Locale: site.Locale,
			Spec: string(spec), Digest: digestOf(string(spec)), CreatedAt: s.now, UpdatedAt: s.now}
		want = append(want, desired{key: site.ID, digest: row.Digest, write: s.write(row, true, "product", "locale", "spec", "digest", "updated_at")})
	}
	retire := func(ctx context.Context, id string) error {
		_, err := s.tx.NewUpdate().Model((*siteRow)(nil)).Set("retired_at = ?", s.now).
			Where("tenant_id = ? AND id = ?", t.ID, id).Exec(ctx)
		return err
	}
	return s.reconcile(ctx, "site", existing, want, retire)
}

// hosts maps every host name of every live site; a host that moved to
// another site is rewritten, a host no site has any more is deleted.
func (s *syncer) hosts(ctx context.Context) error {
	var rows []hostRow
	if err := s.tx.NewSelect().Model(&rows).Scan(ctx); err != nil {
		return err
	}
	existing := map[string]state{}
	for _, r := range rows {
		existing[r.Host] = state{digest: r.TenantID + "/" + r.SiteID}
	}
	var want []desired
	for _, t := range s.in.Tenants {
		for _, site := range t.Sites {
			for _, h := range SiteHosts(site) {
				row := &hostRow{Host: h, TenantID: t.ID, SiteID: site.ID}
				want = append(want, desired{key: h, digest: t.ID + "/" + site.ID, write: s.write(row, false, "tenant_id", "site_id")})
			}
		}
	}
	// Deleting before writing would be needed only if a host moved between
	// two sites in one sync; the update above handles that in place.
	remove := func(ctx context.Context, h string) error {
		_, err := s.tx.NewDelete().Model((*hostRow)(nil)).Where("host = ?", h).Exec(ctx)
		return err
	}
	return s.reconcile(ctx, "host", existing, want, remove)
}

// SiteHosts lists the host names that select a site: its production
// domains and its dev host (<site id>.localhost unless set).
func SiteHosts(site tenants.Site) []string {
	var hosts []string
	for _, d := range site.Domains {
		hosts = append(hosts, tenants.Host(d))
	}
	dev := site.DevHost
	if dev == "" {
		dev = site.ID + ".localhost"
	}
	hosts = append(hosts, tenants.Host(dev))
	slices.Sort(hosts)
	return slices.Compact(hosts)
}

// files stores the logo and legal documents the tenant's sites show.
func (s *syncer) files(ctx context.Context, t tenants.Tenant) error {
	var names []string
	for _, site := range t.Sites {
		if site.Brand.Logo != "" {
			names = append(names, site.Brand.Logo)
		}
		for _, doc := range site.Documents {
			names = append(names, doc.File)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	var rows []fileRow
	if err := s.tx.NewSelect().Model(&rows).Column("tenant_id", "name", "digest").Where("tenant_id = ?", t.ID).Scan(ctx); err != nil {
		return err
	}
	existing := map[string]state{}
	for _, r := range rows {
		existing[r.Name] = state{digest: r.Digest}
	}
	var want []desired
	for _, name := range names {
		content, err := s.in.File(t.ID, name)
		if err != nil {
			return fmt.Errorf("file %s/%s: %w", t.ID, name, err)
		}
		row := &fileRow{TenantID: t.ID, Name: name, ContentType: contentType(name), Content: content,
			Digest: digestOf(string(content)), UpdatedAt: s.now}
		want = append(want, desired{key: t.ID + "/" + name, digest: row.Digest, write: s.write(row, false, "content_type", "content", "digest", "updated_at")})
	}
	keyed := map[string]state{}
	for k, v := range existing {
		keyed[t.ID+"/"+k] = v
	}
	// Files are kept when no longer referenced: an order may cite an old
	// edition of a legal document.
	return s.reconcile(ctx, "file", keyed, want, nil)
}

func contentType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".md":
		return "text/markdown; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		return ct
	}
	return "application/octet-stream"
}

func (s *syncer) offers(ctx context.Context, t tenants.Tenant) error {
	var rows []offerRow
	if err := s.tx.NewSelect().Model(&rows).Where("tenant_id = ?", t.ID).Scan(ctx); err != nil {
		return err
	}
	existing := map[string]state{}
	for _, r := range rows {
		existing[r.ID] = state{digest: r.Digest, retired: r.RetiredAt != nil}
	}
	var want []desired
	for _, o := range t.Offers {
		head := o
		head.Packages = nil // packages have rows of their own
		spec, err := json.Marshal(head)
		if err != nil {
			return err
		}
		row := &offerRow{TenantID: t.ID, ID: o.ID, Product: o.Product, ContractType: string(o.ContractType),
			Currency: o.Currency, Spec: string(spec), Digest: digestOf(string(spec)), CreatedAt: s.now, UpdatedAt: s.now}
		want = append(want, desired{key: t.ID + "/" + o.ID, digest: row.Digest, write: s.write(row, true, "product", "contract_type", "currency", "spec", "digest", "updated_at")})
	}
	keyed := map[string]state{}
	for k, v := range existing {
		keyed[t.ID+"/"+k] = v
	}
	retire := func(ctx context.Context, key string) error {
		id := strings.TrimPrefix(key, t.ID+"/")
		if _, err := s.tx.NewUpdate().Model((*packageRow)(nil)).Set("retired_at = ?", s.now).
			Where("tenant_id = ? AND offer_id = ? AND retired_at IS NULL", t.ID, id).Exec(ctx); err != nil {
			return err
		}
		_, err := s.tx.NewUpdate().Model((*offerRow)(nil)).Set("retired_at = ?", s.now).
			Where("tenant_id = ? AND id = ?", t.ID, id).Exec(ctx)
		return err
	}
	if err := s.reconcile(ctx, "offer", keyed, want, retire); err != nil {
		return err
	}
	for _, o := range t.Offers {
		if err := s.packages(ctx, t.ID, o); err != nil {
			return err
		}
	}
	return nil
}

func (s *syncer) packages(ctx context.Context, tenantID string, o tenants.Offer) error {
	var rows []packageRow
	if err := s.tx.NewSelect().Model(&rows).Column("code", "digest", "retired_at").
		Where("tenant_id = ? AND offer_id = ?", tenantID, o.ID).Scan(ctx); err != nil {
		return err
	}
	prefix := tenantID + "/" + o.ID + "/"
	existing := map[string]state{}
	for _, r := range rows {
		existing[prefix+r.Code] = state{digest: r.Digest, retired: r.RetiredAt != nil}
	}
	var want []desired
	for i, p := range o.Packages {
		spec, err := json.Marshal(p)
		if err != nil {
			return err
		}
		quotas, _ := json.Marshal(p.Quotas)
		row := &packageRow{TenantID: tenantID, OfferID: o.ID, Code: p.Code, Position: i, Title: p.Title,
			TermDays: p.Term.Days, TermMonths: p.Term.Months, Price: p.Price, Currency: o.Currency,
			Quotas: string(quotas), Spec: string(spec), CreatedAt: s.now, UpdatedAt: s.now}
		row.Digest = digestOf(fmt.Sprintf("%d|%s|%s", i, o.Currency, spec))
		want = append(want, desired{key: prefix + p.Code, digest: row.Digest, write: s.write(row, true, "position", "title", "term_days", "term_months", "price", "currency", "quotas", "spec", "digest", "updated_at")})
	}
	retire := func(ctx context.Context, key string) error {
		_, err := s.tx.NewUpdate().Model((*packageRow)(nil)).Set("retired_at = ?", s.now).
			Where("tenant_id = ? AND offer_id = ? AND code = ?", tenantID, o.ID, strings.TrimPrefix(key, prefix)).Exec(ctx)
		return err
	}
	return s.reconcile(ctx, "package", existing, want, retire)
}

func digestOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
