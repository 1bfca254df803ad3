package tenants

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	// The zone database is embedded so that a timezone which validates here
	// also loads on a minimal production image without /usr/share/zoneinfo.
	_ "time/tzdata"
)

var (
	idRE     = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
	phoneRE  = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`) // E.164
	emailRE  = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	colorRE  = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)
	clockRE  = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$`)
	labelRE  = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	regionRE = regexp.MustCompile(`^[A-Z]{2}$`)
)

// The closed vocabularies of the data. A value outside them is a typo that
// the code reading it would otherwise treat as "none of the above".
var (
	locales       = []string{"ru", "en"}
	weekdays      = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	networks      = []string{"telegram", "vk", "whatsapp", "youtube", "ok", "dzen", "rutube"}
	formats       = []string{"audio", "written"} // seed 002: «Аудиоконсультация», «Письменная консультация»
	contractTypes = []ContractType{ContractSubscription, ContractLicence, ContractRetail}

	refundConditions = []string{"not_activated", "not_expired", "no_service_used"}
	afterWindowRules = []string{"proportional_remaining_term", "none"}
	refundCases      = []string{"service_rendered", "no_service_requested_during_term", "expired"}
	refundChannels   = []string{"written", "email", "registered_letter", "online_form"}
	refundDocuments  = []string{"application", "bank_details", "certificate_copy", "payment_proof", "passport_copy"}
	deadlineUnits    = []string{"calendar_days", "working_days"}
	deadlineFroms    = []string{"full_documents", "decision", "receipt"}
)

// SocialNetworks, DeliveryFormats and Weekdays return closed vocabularies
// of the data for packages that check the same values where admins edit
// them (core/catalog: a site's contacts, a service's formats), so the two
// never disagree about what a page can show.
func SocialNetworks() []string  { return slices.Clone(networks) }
func DeliveryFormats() []string { return slices.Clone(formats) }
func Weekdays() []string        { return slices.Clone(weekdays) }

// validator checks decoded tenants; siteIDs and hosts span all tenants,
// because a Host must lead to exactly one site whoever owns it.
type validator struct {
	fsys    fs.FS
	kinds   ServiceKinds
	ps      *problems
	siteIDs map[string]string // site id → "file:line" of its first use
	hosts   map[string]string // host → "site <id> (file:line)"
}

// at reports a problem at the node the path names in the file.
type at struct {
	file string
	loc  locator
	ps   *problems
}

func (a at) add(path []any, format string, args ...any) {
	a.ps.add(a.file, a.loc.line(path...), format, args...)
}

func (a at) where(path ...any) string {
	return fmt.Sprintf("%s:%d", a.file, a.loc.line(path...))
}

// p builds a path: p(base, "sites", 2) appends without aliasing base.
func p(base []any, more ...any) []any {
	return append(append(make([]any, 0, len(base)+len(more)), base...), more...)
}

func (v *validator) tenant(tf *tenantFile) {
	t := &tf.t
	a := at{file: tf.file, loc: tf.loc, ps: v.ps}

	switch {
	case !idRE.MatchString(t.ID):
		a.add(p(nil, "id"), "tenant id %q must match %s", t.ID, idRE)
	case t.ID != tf.dir:
		a.add(p(nil, "id"), "tenant id %q must equal its folder name %q", t.ID, tf.dir)
	}
	if t.Kind != KindVendor && t.Kind != KindPartner {
		a.add(p(nil, "kind"), "kind %q must be vendor or partner", t.Kind)
	}
	v.text(a, p(nil, "name"), t.Name, true)
	if t.Timezone == "" {
		a.add(p(nil, "timezone"), "timezone must be set (an IANA zone such as Europe/Moscow)")
	} else if _, err := time.LoadLocation(t.Timezone); err != nil {
		a.add(p(nil, "timezone"), "timezone %q does not load: %v", t.Timezone, err)
	}
	if !slices.Contains(locales, t.DefaultLocale) {
		a.add(p(nil, "default_locale"), "default_locale %q must be one of %v", t.DefaultLocale, locales)
	}
	if t.PhoneRegion != "" && !regionRE.MatchString(t.PhoneRegion) {
		a.add(p(nil, "phone_region"), "phone_region %q must be an ISO 3166 alpha-2 code such as RU", t.PhoneRegion)
	}
	if len(t.Products) == 0 {
		a.add(p(nil, "products"), "products must list at least one product")
	}
	for i, prod := range t.Products {
		if _, ok := v.kinds(prod); !ok {
			a.add(p(nil, "products", i), "unknown product %q", prod)
		}
		if slices.Index(t.Products, prod) != i {
			a.add(p(nil, "products", i), "product %q listed twice", prod)
		}
	}

	entities := map[string]int{}
	for i := range t.LegalEntities {
		v.entity(a, p(nil, "legal_entities", i), &t.LegalEntities[i], entities, i)
	}

	offerIDs := map[string]*offerFile{}
	for _, of := range tf.offers {
		if _, dup := offerIDs[of.o.ID]; !dup && of.o.ID != "" {
			offerIDs[of.o.ID] = of
		}
	}

	if len(t.Sites) == 0 {
		a.add(p(nil, "sites"), "sites must list at least one site")
	}
	for i := range t.Sites {
		v.site(a, p(nil, "sites", i), tf, &t.Sites[i], offerIDs)
	}

	for _, of := range tf.offers {
		v.offer(tf, of, entities)
	}
}

func (v *validator) entity(a at, base []any, e *LegalEntity, seen map[string]int, i int) {
	if !idRE.MatchString(e.ID) {
		a.add(p(base, "id"), "legal entity id %q must match %s", e.ID, idRE)
	} else if _, dup := seen[e.ID]; dup {
		a.add(p(base, "id"), "legal entity id %q used twice", e.ID)
	} else {
		seen[e.ID] = i
	}
	v.text(a, p(base, "name"), e.Name, true)
	v.text(a, p(base, "address"), e.Address, false)

	switch e.Kind {
	case EntityCompany:
		if e.OGRNIP != "" {
			a.add(p(base, "ogrnip"), "a company has an ОГРН, not an ОГРНИП")
		}
		if e.OGRN != "" {
			if err := checkOGRN(e.OGRN); err != nil {
				a.add(p(base, "ogrn"), "ОГРН %q: %v", e.OGRN, err)
			}
		}
		if e.KPP != "" {
			if err := checkKPP(e.KPP); err != nil {
				a.add(p(base, "kpp"), "КПП %q: %v", e.KPP, err)
			}
		}
	case EntitySoleTrader:
		if e.OGRN != "" {
			a.add(p(base, "ogrn"), "a sole trader has an ОГРНИП, not an ОГРН")
		}
		if e.KPP != "" {
			a.add(p(base, "kpp"), "a sole trader has no КПП")
		}
		if e.OGRNIP != "" {
			if err := checkOGRNIP(e.OGRNIP); err != nil {
				a.add(p(base, "ogrnip"), "ОГРНИП %q: %v", e.OGRNIP, err)
			}
		}
	default:
		a.add(p(base, "kind"), "legal entity kind %q must be %s or %s", e.Kind, EntityCompany, EntitySoleTrader)
	}
	if e.INN != "" && (e.Kind == EntityCompany || e.Kind == EntitySoleTrader) {
		if err := checkINN(e.INN, e.Kind); err != nil {
			a.add(p(base, "inn"), "ИНН %q: %v", e.INN, err)
		}
	}
	if e.Email != "" && !emailRE.MatchString(e.Email) {
		a.add(p(base, "email"), "e-mail %q is not an address", e.Email)
	}
	if e.Phone != "" && !phoneRE.MatchString(e.Phone) {
		a.add(p(base, "phone"), "phone %q must be E.164, e.g. +74951234567", e.Phone)
	}
	if b := e.Bank; b != nil {
		if err := digits(b.BIC, 9); err != nil {
			a.add(p(base, "bank", "bic"), "БИК %q: %v", b.BIC, err)
		}
		if err := digits(b.Account, 20); err != nil {
			a.add(p(base, "bank", "account"), "account %q: %v", b.Account, err)
		}
		if err := digits(b.CorrespondentAccount, 20); err != nil {
			a.add(p(base, "bank", "correspondent_account"), "correspondent account %q: %v", b.CorrespondentAccount, err)
		}
		if strings.TrimSpace(b.Name) == "" {
			a.add(p(base, "bank", "name"), "bank name must be set")
		}
	}
}

func (v *validator) site(a at, base []any, tf *tenantFile, s *Site, offers map[string]*offerFile) {
	t := &tf.t
	if !idRE.MatchString(s.ID) {
		a.add(p(base, "id"), "site id %q must match %s", s.ID, idRE)
	} else if first, dup := v.siteIDs[s.ID]; dup {
		a.add(p(base, "id"), "site id %q already used at %s", s.ID, first)
	} else {
		v.siteIDs[s.ID] = a.where(p(base, "id")...)
	}

	for i, d := range s.Domains {
		v.host(a, p(base, "domains", i), s.ID, d, false)
	}
	if s.DevHost == "" {
		v.host(a, p(base, "id"), s.ID, s.ID+".localhost", true)
	} else {
		v.host(a, p(base, "dev_host"), s.ID, s.DevHost, true)
	}

	if len(s.Locales) == 0 {
		a.add(p(base, "locales"), "locales must list at least one of %v", locales)
	}
	enumList(a, p(base, "locales"), s.Locales, locales)
	if !slices.Contains(s.Locales, s.Locale) {
		a.add(p(base, "locale"), "locale %q must be one of the site's locales %v", s.Locale, s.Locales)
	}
	if !slices.Contains(t.Products, s.Product) {
		a.add(p(base, "product"), "product %q is not one of the tenant's products %v", s.Product, t.Products)
	}
	for i, id := range s.Offers {
		if _, ok := offers[id]; !ok && !tf.broken[id] {
			a.add(p(base, "offers", i), "offer %q is not in %s/offers", id, t.ID)
		} else if slices.Index(s.Offers, id) != i {
			a.add(p(base, "offers", i), "offer %q listed twice", id)
		}
	}

	v.text(a, p(base, "brand", "name"), s.Brand.Name, true)
	v.text(a, p(base, "brand", "tagline"), s.Brand.Tagline, false)
	switch ext := path.Ext(s.Brand.Logo); {
	case s.Brand.Logo == "":
		a.add(p(base, "brand", "logo"), "logo must name a file in the tenant folder")
	case ext != ".svg" && ext != ".png":
		a.add(p(base, "brand", "logo"), "logo %q must be an .svg or .png file", s.Brand.Logo)
	default:
		v.file(a, p(base, "brand", "logo"), t.ID, s.Brand.Logo)
	}
	th := s.Brand.Theme
	for _, c := range []struct{ key, value string }{
		{"primary", th.Primary}, {"accent", th.Accent}, {"background", th.Background}, {"text", th.Text},
	} {
		if !colorRE.MatchString(c.value) {
			a.add(p(base, "brand", "theme", c.key), "theme %s %q must be a colour like #1A2B3C", c.key, c.value)
		}
	}

	v.contacts(a, p(base, "contacts"), &s.Contacts)

	docs := map[string]int{}
	for i, d := range s.Documents {
		db := p(base, "documents", i)
		if !idRE.MatchString(d.ID) {
			a.add(p(db, "id"), "document id %q must match %s", d.ID, idRE)
		} else if _, dup := docs[d.ID]; dup {
			a.add(p(db, "id"), "document id %q used twice on site %q", d.ID, s.ID)
		} else {
			docs[d.ID] = i
		}
		v.text(a, p(db, "title"), d.Title, true)
		if _, err := time.Parse(time.DateOnly, d.Version); err != nil {
			a.add(p(db, "version"), "version %q must be the edition date, YYYY-MM-DD", d.Version)
		}
		if path.Ext(d.File) != ".md" {
			a.add(p(db, "file"), "document file %q must be Markdown (.md)", d.File)
		} else {
			v.file(a, p(db, "file"), t.ID, d.File)
		}
	}
	for i, d := range s.Documents {
		if d.ListedIn == "" {
			continue
		}
		j, ok := docs[d.ListedIn]
		switch {
		case !ok:
			a.add(p(base, "documents", i, "listed_in"), "listed_in %q is not a document of site %q", d.ListedIn, s.ID)
		case j == i || s.Documents[j].ListedIn != "":
			a.add(p(base, "documents", i, "listed_in"), "listed_in %q must name a document shown in the footer", d.ListedIn)
		}
	}
}

// host checks one host name of a site and claims it across all tenants.
func (v *validator) host(a at, path []any, siteID, h string, dev bool) {
	switch {
	case h != Host(h) || h != strings.ToLower(h):
		a.add(path, "host %q must be lower case with no port or trailing dot (%q)", h, Host(h))
		return
	case !validHostname(h):
		a.add(path, "host %q is not a valid host name", h)
		return
	case dev && !strings.HasSuffix(h, ".localhost"):
		// A dev host must never answer for a real domain (RFC 6761: .localhost
		// resolves to loopback only).
		a.add(path, "dev_host %q must end in .localhost", h)
		return
	case !dev && (h == "localhost" || strings.HasSuffix(h, ".localhost")):
		a.add(path, "production domain %q must not be a .localhost name; use dev_host", h)
		return
	}
	if first, dup := v.hosts[h]; dup {
		a.add(path, "host %q already serves %s", h, first)
		return
	}
	v.hosts[h] = fmt.Sprintf("site %q (%s)", siteID, a.where(path...))
}

// validHostname accepts ASCII DNS names: dot-separated labels of letters,
// digits and inner hyphens, at most 63 bytes each and 253 in all.
func validHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if len(label) == 0 || len(label) > 63 || !labelRE.MatchString(label) {
			return false
		}
	}
	return true
}

func (v *validator) contacts(a at, base []any, c *Contacts) {
	for i, ph := range c.Phones {
		if !phoneRE.MatchString(ph.Number) {
			a.add(p(base, "phones", i, "number"), "phone %q must be E.164, e.g. +74951234567", ph.Number)
		}
		v.text(a, p(base, "phones", i, "label"), ph.Label, true)
	}
	if c.Email != "" && !emailRE.MatchString(c.Email) {
		a.add(p(base, "email"), "e-mail %q is not an address", c.Email)
	}
	v.text(a, p(base, "address"), c.Address, false)
	for i, h := range c.Hours {
		hb := p(base, "hours", i)
		if len(h.Days) == 0 {
			a.add(p(hb, "days"), "days must list at least one of %v", weekdays)
		}
		enumList(a, p(hb, "days"), h.Days, weekdays)
		okOpen, okClose := clockRE.MatchString(h.Open) && h.Open != "24:00", clockRE.MatchString(h.Close)
		if !okOpen {
			a.add(p(hb, "open"), "open %q must be HH:MM", h.Open)
		}
		if !okClose {
			a.add(p(hb, "close"), "close %q must be HH:MM (24:00 for midnight)", h.Close)
		}
		if okOpen && okClose && h.Open >= h.Close {
			a.add(p(hb, "close"), "close %s must be after open %s", h.Close, h.Open)
		}
		v.text(a, p(hb, "label"), h.Label, true)
	}
	for i, s := range c.Social {
		if !slices.Contains(networks, s.Network) {
			a.add(p(base, "social", i, "network"), "network %q must be one of %v", s.Network, networks)
		}
		if !strings.HasPrefix(s.URL, "https://") || len(s.URL) <= len("https://") {
			a.add(p(base, "social", i, "url"), "url %q must be an https:// link", s.URL)
		}
	}
}

// file checks that name is a clean relative path to a file in the tenant's
// folder: a data file must not reach into another tenant or out of the tree.
func (v *validator) file(a at, path []any, tenantID, name string) {
	if !cleanName(name) {
		a.add(path, "file %q must be a clean relative path inside the tenant folder", name)
		return
	}
	st, err := fs.Stat(v.fsys, tenantID+"/"+name)
	if err != nil {
		a.add(path, "file %q does not exist in %s/", name, tenantID)
		return
	}
	if st.IsDir() {
		a.add(path, "file %q is a folder", name)
	}
}

// text checks a localised string: only languages we serve, and Russian —
// the source language of every document — when the text is given at all.
func (v *validator) text(a at, path []any, t Text, required bool) {
	if len(t) == 0 {
		if required {
			a.add(path, "text must be given, at least in ru")
		}
		return
	}
	for _, lang := range sortedKeys(t) {
		if !slices.Contains(locales, lang) {
			a.add(path, "language %q must be one of %v", lang, locales)
		}
	}
	if strings.TrimSpace(t["ru"]) == "" {
		a.add(path, "text must have a ru value")
	}
}

func (v *validator) offer(tf *tenantFile, of *offerFile, entities map[string]int) {
	t, o := &tf.t, &of.o
	a := at{file: of.file, loc: of.loc, ps: v.ps}

	name := strings.TrimSuffix(path.Base(of.file), ".yaml")
	switch {
	case !idRE.MatchString(o.ID):
		a.add(p(nil, "id"), "offer id %q must match %s", o.ID, idRE)
	case o.ID != name:
		a.add(p(nil, "id"), "offer id %q must equal its file name %q", o.ID, name)
	}
	v.text(a, p(nil, "title"), o.Title, true)

	kinds, known := v.kinds(o.Product)
	switch {
	case !known:
		a.add(p(nil, "product"), "unknown product %q", o.Product)
	case !slices.Contains(t.Products, o.Product):
		a.add(p(nil, "product"), "product %q is not one of tenant %q's products %v", o.Product, t.ID, t.Products)
	}
	if !slices.Contains(contractTypes, o.ContractType) {
		a.add(p(nil, "contract_type"), "contract_type %q must be one of %v", o.ContractType, contractTypes)
	}

	// The executor signs the contract, so it must be fully identified.
	if i, ok := entities[o.Executor]; !ok {
		a.add(p(nil, "executor"), "executor %q is not a legal entity of tenant %q", o.Executor, t.ID)
	} else {
		e := t.LegalEntities[i]
		reg := e.OGRN
		if e.Kind == EntitySoleTrader {
			reg = e.OGRNIP
		}
		if e.INN == "" || reg == "" || len(e.Address) == 0 {
			a.add(p(nil, "executor"), "executor %q must have its ИНН, ОГРН/ОГРНИП and address in tenant.yaml", o.Executor)
		}
	}

	// The offer's text must be readable on every site that sells it.
	published := false
	for _, s := range t.Sites {
		has := slices.ContainsFunc(s.Documents, func(d LegalDoc) bool { return d.ID == o.Document })
		published = published || has
		if slices.Contains(s.Offers, o.ID) && !has {
			a.add(p(nil, "document"), "site %q sells offer %q but does not publish its document %q", s.ID, o.ID, o.Document)
		}
	}
	if !published {
		a.add(p(nil, "document"), "document %q is not a document of any site of tenant %q", o.Document, t.ID)
	}
	if o.Currency != "RUB" {
		a.add(p(nil, "currency"), "currency %q must be RUB", o.Currency)
	}

	if len(o.Packages) == 0 {
		a.add(p(nil, "packages"), "packages must list at least one package")
	}
	codes := map[string]int{}
	for i := range o.Packages {
		v.pkg(a, p(nil, "packages", i), o, &o.Packages[i], kinds, known, codes, i)
	}
	v.refund(a, p(nil, "refund_policy"), &o.Refund)
}

func (v *validator) pkg(a at, base []any, o *Offer, pk *Package, kinds []string, known bool, codes map[string]int, i int) {
	switch {
	case pk.Code == "":
		a.add(p(base, "code"), "package code must be set")
	case strings.IndexFunc(pk.Code, unicode.IsSpace) >= 0:
		a.add(p(base, "code"), "package code %q must not contain spaces (the title keeps them)", pk.Code)
	default:
		if first, dup := codes[pk.Code]; dup {
			a.add(p(base, "code"), "package code %q already used by package %d (%s)", pk.Code, first+1, a.where("packages", first, "code"))
		} else {
			codes[pk.Code] = i
		}
	}
	if strings.TrimSpace(pk.Title) == "" {
		a.add(p(base, "title"), "package %q: title must be set", pk.Code)
	}
	switch tm := pk.Term; {
	case tm.Days < 0 || tm.Months < 0:
		a.add(p(base, "term"), "package %q: term must not be negative", pk.Code)
	case tm.Days > 0 && tm.Months > 0:
		a.add(p(base, "term"), "package %q: term must set exactly one of days or months, not both", pk.Code)
	case tm.Days == 0 && tm.Months == 0:
		a.add(p(base, "term"), "package %q: term must set exactly one of days or months, greater than 0", pk.Code)
	}
	if len(pk.Quotas) == 0 {
		a.add(p(base, "quotas"), "package %q: quotas must list at least one service kind", pk.Code)
	}
	for _, k := range sortedKeys(pk.Quotas) {
		if known && !slices.Contains(kinds, k) {
			a.add(p(base, "quotas", k), "package %q: unknown service kind %q for product %q (known: %v)", pk.Code, k, o.Product, kinds)
		}
		if pk.Quotas[k] < 1 {
			a.add(p(base, "quotas", k), "package %q: quota of %q must be at least 1, got %d", pk.Code, k, pk.Quotas[k])
		}
	}
	if pk.Price != nil && *pk.Price <= 0 {
		a.add(p(base, "price"), "package %q: price must be null (set per certificate) or more than 0 kopecks", pk.Code)
	}
	enumList(a, p(base, "formats"), pk.Formats, formats)
	v.text(a, p(base, "description"), pk.Description, false)
	if pk.SoftwareAccess && o.ContractType != ContractLicence {
		a.add(p(base, "software_access"), "package %q: software_access belongs to licence offers only", pk.Code)
	}
}

func (v *validator) refund(a at, base []any, r *RefundPolicy) {
	fr := p(base, "full_refund")
	if r.FullRefund.WithinDays < 0 {
		a.add(p(fr, "within_days"), "within_days must not be negative")
	}
	enumList(a, p(fr, "conditions"), r.FullRefund.Conditions, refundConditions)
	if r.FullRefund.WithinDays > 0 {
		clause(a, p(fr, "clause"), r.FullRefund.Clause)
	}
	if !slices.Contains(afterWindowRules, r.AfterWindow.Rule) {
		a.add(p(base, "after_window", "rule"), "after_window rule %q must be one of %v", r.AfterWindow.Rule, afterWindowRules)
	}
	clause(a, p(base, "after_window", "clause"), r.AfterWindow.Clause)
	for i, ex := range r.NoRefundWhen {
		eb := p(base, "no_refund_when", i)
		if !slices.Contains(refundCases, ex.Case) {
			a.add(p(eb, "case"), "case %q must be one of %v", ex.Case, refundCases)
		}
		clause(a, p(eb, "clause"), ex.Clause)
	}
	ab := p(base, "application")
	if len(r.Application.Channels) == 0 {
		a.add(p(ab, "channels"), "channels must list how an application is sent: %v", refundChannels)
	}
	enumList(a, p(ab, "channels"), r.Application.Channels, refundChannels)
	enumList(a, p(ab, "documents"), r.Application.Documents, refundDocuments)
	if u := r.Application.FormURL; u != "" && !strings.HasPrefix(u, "https://") {
		a.add(p(ab, "form_url"), "form_url %q must be an https:// link", u)
	}
	clause(a, p(ab, "clause"), r.Application.Clause)
	deadline(a, p(base, "decision"), r.Decision)
	deadline(a, p(base, "payout"), r.Payout)
}

func deadline(a at, base []any, d Deadline) {
	if d.Days <= 0 {
		a.add(p(base, "days"), "days must be more than 0")
	}
	if !slices.Contains(deadlineUnits, d.Unit) {
		a.add(p(base, "unit"), "unit %q must be one of %v", d.Unit, deadlineUnits)
	}
	if !slices.Contains(deadlineFroms, d.From) {
		a.add(p(base, "from"), "from %q must be one of %v", d.From, deadlineFroms)
	}
	clause(a, p(base, "clause"), d.Clause)
}

// clause insists on a citation: every refund parameter comes from a clause
// of an offer, and whoever changes it must be able to find that clause.
func clause(a at, path []any, c string) {
	if strings.TrimSpace(c) == "" {
		a.add(path, "clause must cite the offer clause this value comes from")
	}
}

// enumList checks a list drawn from a closed vocabulary: every value known,
// none repeated.
func enumList(a at, base []any, values, allowed []string) {
	for i, s := range values {
		if !slices.Contains(allowed, s) {
			a.add(p(base, i), "%q must be one of %v", s, allowed)
		} else if slices.Index(values, s) != i {
			a.add(p(base, i), "%q listed twice", s)
		}
	}
}

// cleanName reports whether name is a relative slash path that stays inside
// its folder: no "..", no leading "/", no empty or "." elements, no
// backslashes that another OS would read as separators.
func cleanName(name string) bool {
	return fs.ValidPath(name) && name != "." && !strings.Contains(name, `\`)
}
