// Package partners serves the partners that sell the vendor's packages to
// their own clients as certificates (offers 003 and 004, 3.1.1: a
// certificate «приобретённый у Партнёра»): the API keys their systems
// authenticate with, the issue of a certificate for a sale, and the list of
// the certificates they issued.
//
// An API key belongs to one tenant. Its secret is shown once, when it is
// made; only its SHA-256 is kept, like a session token (core/auth). A key is
// looked up by that hash inside the tenant the request's Host names, so a
// key of one tenant opens nothing on another tenant's site.
//
// Every method works in the tenant of its context (tenancy.From) and fails
// closed without one. The package knows neither HTTP nor SQL: core/web
// calls the Service, partnersdb implements Store, and certificates are
// issued and listed by core/certificates.
package partners

import (
	"time"
)

// CreatedByCLI is Key.CreatedBy for keys made by `platform admin
// create-api-key`, which runs without an account.
const CreatedByCLI = "cli"

// Key is an API key as its tenant's admins see it: never its secret.
type Key struct {
	ID       string
	TenantID string
	Name     string // what the admin called it: "CRM", "1C"
	// Prefix is the secret's public start ("pk_k7qm3xpa"): enough to tell
	// keys apart in a list and in the partner's configuration, and useless
	// for signing in.
	Prefix     string
	CreatedBy  string // the admin's user id, or CreatedByCLI
	CreatedAt  time.Time
	LastUsedAt *time.Time // at most a minute stale; nil if never used
	RevokedAt  *time.Time
	RevokedBy  string // the admin's user id; "" while the key is live
}

// Revoked reports whether the key was revoked.
func (k Key) Revoked() bool { return k.RevokedAt != nil }

// Created is a new key with its secret, which exists only in this value:
// it is shown once and never stored.
type Created struct {
	Key
	Secret string
}

// Sale is what a partner sold, as its system reports it to issue the
// certificate. It names the package by code; the quotas, term and title
// come from the tenant's live package, never from the partner
// (SECURITY.md 11).
type Sale struct {
	// OfferID may be left out when PackageCode names exactly one package
	// among the site's offers.
	OfferID     string
	PackageCode string
	// PricePaid is what the client paid, in kopecks: the offers set the
	// price per certificate (annex 1, item 2). nil means the package's list
	// price, and is refused for a package without one.
	PricePaid *int64
	// The holder: whom the certificate is delivered to by SMS and e-mail
	// (003 and 004, art. 1 «Сертификат»). A phone or an e-mail is needed.
	Phone, Email, Name string
	// ExternalID is the partner's own reference (its order or contract
	// number), kept with the certificate for reconciliation.
	ExternalID string
}

// Site is the site a partner's request came to: the Host names it, and it
// decides what can be sold and how the certificate's messages read.
type Site struct {
	// Offers are the ids of the offers the site sells: a site sells only
	// the offers addressed to its brand's clients (seed 004 is not
	// addressed to KontaktKredit's, tenants/jetmoney/tenant.yaml).
	Offers   []string
	Brand    string // the site's name, for the messages
	BaseURL  string // where the holder activates the certificate
	Locale   string // the messages' language: "ru" or "en"
	Timezone string // the tenant's IANA zone; "" is Moscow
}
