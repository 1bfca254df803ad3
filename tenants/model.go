// Package tenants holds the tenancy data model: tenants, their sites and the
// offers they sell, loaded from the YAML files under tenants/<id>/ and
// resolved from a request's Host. The files are the source of truth; the
// database holds what `platform sync` last applied from them.
package tenants

import "strings"

// Text is a string in several languages, keyed by BCP 47 base language
// ("ru", "en"). Russian is the source language of every document we hold.
type Text map[string]string

// In returns the text in lang, falling back to Russian, then to any language,
// so a page never shows an empty label because a translation is missing.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	if s, ok := t["ru"]; ok && s != "" {
		return s
	}
	for _, s := range t {
		if s != "" {
			return s
		}
	}
	return ""
}

// Kind tells the vendor's own brands from partners that resell its packages.
type Kind string

const (
	KindVendor  Kind = "vendor"
	KindPartner Kind = "partner"
)

// Tenant is an organisation with its own admins, customers and catalogue.
type Tenant struct {
	ID            string        `yaml:"id" json:"id"`
	Kind          Kind          `yaml:"kind" json:"kind"`
	Name          Text          `yaml:"name" json:"name"`
	Timezone      string        `yaml:"timezone" json:"timezone"`             // IANA zone business rules run in; Europe/Moscow by default
	DefaultLocale string        `yaml:"default_locale" json:"default_locale"` // "ru" or "en"
	PhoneRegion   string        `yaml:"phone_region" json:"phone_region"`     // ISO 3166 region for parsing local phone numbers
	Products      []string      `yaml:"products" json:"products"`             // product ids whose offers this tenant may sell
	LegalEntities []LegalEntity `yaml:"legal_entities" json:"legal_entities"`
	Sites         []Site        `yaml:"sites" json:"sites"`

	// Offers are loaded from tenants/<id>/offers/*.yaml, not from tenant.yaml.
	Offers []Offer `yaml:"-" json:"-"`
}

// EntityKind is the legal form of a party to a contract.
type EntityKind string

const (
	EntitySoleTrader EntityKind = "sole_trader" // ИП: identified by ОГРНИП
	EntityCompany    EntityKind = "company"     // ООО and the like: ОГРН + КПП
)

// LegalEntity is a party that signs contracts: the executor of a
// subscription, the licensor of a licence, the partner that resells.
type LegalEntity struct {
	ID      string     `yaml:"id" json:"id"`
	Kind    EntityKind `yaml:"kind" json:"kind"`
	Name    Text       `yaml:"name" json:"name"`               // as printed in the documents
	OGRN    string     `yaml:"ogrn,omitempty" json:"ogrn"`     // company: 13 digits
	OGRNIP  string     `yaml:"ogrnip,omitempty" json:"ogrnip"` // sole trader: 15 digits
	INN     string     `yaml:"inn" json:"inn"`                 // 10 digits (company) or 12 (sole trader)
	KPP     string     `yaml:"kpp,omitempty" json:"kpp"`       // company only: 9 digits
	Address Text       `yaml:"address" json:"address"`         // legal address as printed
	Email   string     `yaml:"email,omitempty" json:"email"`   // for written applications (refunds, notices)
	Phone   string     `yaml:"phone,omitempty" json:"phone"`   // E.164
	Bank    *BankInfo  `yaml:"bank,omitempty" json:"bank"`     // settlement details, when the documents print them
	Source  string     `yaml:"source,omitempty" json:"-"`      // seed and clause the details come from
}

// BankInfo are settlement details printed in an offer.
type BankInfo struct {
	Name                 string `yaml:"name" json:"name"`
	BIC                  string `yaml:"bic" json:"bic"`
	Account              string `yaml:"account" json:"account"`
	CorrespondentAccount string `yaml:"correspondent_account" json:"correspondent_account"`
}

// Site is one branded web site of a tenant; the request's Host selects it.
type Site struct {
	ID        string     `yaml:"id" json:"id"`
	Domains   []string   `yaml:"domains" json:"domains"`   // production host names, lower case, no port
	DevHost   string     `yaml:"dev_host" json:"dev_host"` // e.g. vetpet.localhost; defaults to <site id>.localhost
	Locale    string     `yaml:"locale" json:"locale"`     // the site's default language
	Locales   []string   `yaml:"locales" json:"locales"`   // languages the site offers
	Product   string     `yaml:"product" json:"product"`   // the product the site's cabinet is about
	Offers    []string   `yaml:"offers" json:"offers"`     // ids of this tenant's offers sold on the site
	Brand     Brand      `yaml:"brand" json:"brand"`
	Contacts  Contacts   `yaml:"contacts" json:"contacts"`
	Documents []LegalDoc `yaml:"documents" json:"documents"` // shown in the footer, in this order
}

// Brand is how a site looks and names itself.
type Brand struct {
	Name    Text   `yaml:"name" json:"name"`
	Tagline Text   `yaml:"tagline" json:"tagline"`
	Logo    string `yaml:"logo" json:"logo"` // file in the tenant folder (SVG or PNG)
	Theme   Theme  `yaml:"theme" json:"theme"`
}

// Theme holds the colours a site's pages are drawn in (CSS hex colours).
type Theme struct {
	Primary    string `yaml:"primary" json:"primary"`
	Accent     string `yaml:"accent" json:"accent"`
	Background string `yaml:"background" json:"background"`
	Text       string `yaml:"text" json:"text"`
}

// Contacts are the ways a customer reaches the site's service.
type Contacts struct {
	Phones  []Phone  `yaml:"phones" json:"phones"`
	Email   string   `yaml:"email" json:"email"`
	Address Text     `yaml:"address" json:"address"`
	Hours   []Hours  `yaml:"hours" json:"hours"`
	Social  []Social `yaml:"social" json:"social"`
}

// Phone is a contact number with what it is for.
type Phone struct {
	Number string `yaml:"number" json:"number"` // E.164
	Label  Text   `yaml:"label" json:"label"`
}

// Hours is a span of service hours on some weekdays, in the tenant's zone.
type Hours struct {
	Days  []string `yaml:"days" json:"days"`   // mon tue wed thu fri sat sun
	Open  string   `yaml:"open" json:"open"`   // "09:00"
	Close string   `yaml:"close" json:"close"` // "21:00"
	Label Text     `yaml:"label" json:"label"` // what these hours are for (service, support desk)
}

// Social is a link to the brand elsewhere.
type Social struct {
	Network string `yaml:"network" json:"network"` // telegram, vk, whatsapp, youtube, ...
	URL     string `yaml:"url" json:"url"`
}

// LegalDoc is a legal document a site publishes; the version is recorded
// with every order that accepted it.
type LegalDoc struct {
	ID      string `yaml:"id" json:"id"` // offer, privacy, terms, partner_rules, refund_form, ...
	Title   Text   `yaml:"title" json:"title"`
	Version string `yaml:"version" json:"version"` // date of the edition, YYYY-MM-DD
	File    string `yaml:"file" json:"file"`       // Markdown file in the tenant folder, e.g. legal/offer.md
	// ListedIn is the id of the site document whose list shows this one
	// instead of the footer: VetPet's footer opens the partner-programme
	// agreements as a pop-up list (seed 000, «Важная информация», ①).
	ListedIn string `yaml:"listed_in,omitempty" json:"listed_in,omitempty"`
}

// ContractType is the legal form of an offer.
type ContractType string

const (
	ContractSubscription ContractType = "subscription" // абонентский договор (seed 003)
	ContractLicence      ContractType = "licence"      // лицензионный договор (seed 004)
	ContractRetail       ContractType = "retail"       // one-off paid service on the vendor's own site
)

// Offer is what a tenant sells: a product's packages under one contract.
type Offer struct {
	ID           string       `yaml:"id" json:"id"`
	Title        Text         `yaml:"title" json:"title"`
	Product      string       `yaml:"product" json:"product"`
	ContractType ContractType `yaml:"contract_type" json:"contract_type"`
	Executor     string       `yaml:"executor" json:"executor"` // legal entity id (executor or licensor) in this tenant's legal_entities
	Document     string       `yaml:"document" json:"document"` // id of the LegalDoc holding the offer text
	Currency     string       `yaml:"currency" json:"currency"` // ISO 4217, RUB
	Source       string       `yaml:"source" json:"-"`          // seed the offer is transcribed from
	Packages     []Package    `yaml:"packages" json:"packages"`
	Refund       RefundPolicy `yaml:"refund_policy" json:"refund_policy"`
}

// Package is a set of service quotas with a term and an optional list price.
type Package struct {
	Code        string         `yaml:"code" json:"code"`   // the seed's name without spaces: КЕША+, PET18
	Title       string         `yaml:"title" json:"title"` // as printed: КЕША +, PET 18
	Term        Term           `yaml:"term" json:"term"`
	Quotas      map[string]int `yaml:"quotas" json:"quotas"`             // service kind → units
	Price       *int64         `yaml:"price" json:"price"`               // kopecks; nil when set per certificate
	Formats     []string       `yaml:"formats,omitempty" json:"formats"` // delivery formats the customer picks from (Astars: audio, written)
	Description Text           `yaml:"description,omitempty" json:"description"`
	// SoftwareAccess marks the licence packages' "remote access to the
	// software": part of the package, not a countable service (seed 004, annex 1).
	SoftwareAccess bool `yaml:"software_access,omitempty" json:"software_access"`
}

// Term is how long a package lasts: exactly one of Days or Months is set.
type Term struct {
	Days   int `yaml:"days,omitempty" json:"days,omitempty"`
	Months int `yaml:"months,omitempty" json:"months,omitempty"`
}

// RefundPolicy holds an offer's refund parameters as data; the refund engine
// reads them. Each field cites its clause in the YAML.
type RefundPolicy struct {
	// FullRefund is the window in which the whole price is returned.
	FullRefund struct {
		WithinDays int `yaml:"within_days" json:"within_days"` // calendar days after purchase
		// PurchaseDayCounts is false when the purchase day itself is not counted.
		PurchaseDayCounts bool `yaml:"purchase_day_counts" json:"purchase_day_counts"`
		// Conditions all of which must hold: not_activated, not_expired, no_service_used.
		Conditions []string `yaml:"conditions" json:"conditions"`
		Clause     string   `yaml:"clause" json:"clause"`
	} `yaml:"full_refund" json:"full_refund"`
	// AfterWindow is what is returned once the full-refund window has passed:
	// "proportional_remaining_term" or "none".
	AfterWindow struct {
		Rule   string `yaml:"rule" json:"rule"`
		Clause string `yaml:"clause" json:"clause"`
	} `yaml:"after_window" json:"after_window"`
	// NoRefundWhen lists cases that exclude any refund:
	// service_rendered, no_service_requested_during_term, expired.
	NoRefundWhen []RefundExclusion `yaml:"no_refund_when" json:"no_refund_when"`
	Application  struct {
		Channels        []string `yaml:"channels" json:"channels"`   // written, email, registered_letter, online_form
		Documents       []string `yaml:"documents" json:"documents"` // application, bank_details, certificate_copy, payment_proof, passport_copy
		EWalletsAllowed bool     `yaml:"e_wallets_allowed" json:"e_wallets_allowed"`
		ToCardThatPaid  bool     `yaml:"to_card_that_paid" json:"to_card_that_paid"` // Astars: only to the paying card
		// PostalTransferAllowed is false where the offer refuses refunds by
		// postal money order (offers 003 and 004, 3.8.2.1).
		PostalTransferAllowed bool `yaml:"postal_transfer_allowed" json:"postal_transfer_allowed"`
		// FormURL is where the offer publishes its application form
		// (offer 004, 3.8.2 А), when it names one.
		FormURL string `yaml:"form_url,omitempty" json:"form_url,omitempty"`
		Clause  string `yaml:"clause" json:"clause"`
	} `yaml:"application" json:"application"`
	Decision Deadline `yaml:"decision" json:"decision"` // time to decide on a complete application
	Payout   Deadline `yaml:"payout" json:"payout"`     // time to pay once decided
	// ReceiptNextWorkingDay: an application's receipt date counts as the
	// next working day (seed 004).
	ReceiptNextWorkingDay bool `yaml:"receipt_next_working_day" json:"receipt_next_working_day"`
}

// RefundExclusion is a case in which nothing is refunded.
type RefundExclusion struct {
	Case   string `yaml:"case" json:"case"`
	Clause string `yaml:"clause" json:"clause"`
}

// Deadline is a period in calendar or working days, counted from an event.
type Deadline struct {
	Days   int    `yaml:"days" json:"days"`
	Unit   string `yaml:"unit" json:"unit"` // calendar_days or working_days
	From   string `yaml:"from" json:"from"` // full_documents, decision, receipt
	Clause string `yaml:"clause" json:"clause"`
}

// Host normalises a request Host for lookup: lower case, no port, no
// trailing dot.
func Host(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	return strings.TrimSuffix(h, ".")
}
