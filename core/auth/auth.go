// Package auth is the accounts core: customers and staff of a tenant, login
// by a one-time code sent by SMS or e-mail, passwords and their recovery,
// server-side sessions, the profile and account deletion.
//
// Every method works for the tenant in its context (tenancy.From) and fails
// closed without one. The rules are SECURITY.md items 1–8; the comments on
// each rule cite the item. The package knows neither HTTP nor SQL: the HTTP
// layer (core/web) calls the Service, and core/auth/authdb implements Store.
package auth

import (
	"time"
)

// Kind tells customers from staff. Staff sessions have the short absolute
// cap of SECURITY.md 8; customers keep theirs longer (Config).
type Kind string

const (
	KindCustomer Kind = "customer"
	KindStaff    Kind = "staff"
)

// User is an account of one tenant. The same phone on two tenants is two
// independent users (DESIGN.md: customers belong to a tenant).
type User struct {
	ID       string
	TenantID string
	Kind     Kind
	Phone    string // E.164, or ""
	Email    string // as entered, domain lower-cased, or ""
	Name     string
	Surname  string
	// BirthDate is "YYYY-MM-DD" or "".
	BirthDate string
	// Fields are the product's extra profile fields (Astars: birth time and
	// place, seed 002 «Редактирование профиля»), checked against
	// Deps.ProfileFields.
	Fields      map[string]any
	AvatarID    string
	HasPassword bool
	Locale      string // "ru" or "en": the language of the account's messages
	CreatedAt   time.Time
}

// Session is a server-side session. Its ID is public (the list of sessions
// shows it, EndSession takes it); the token that authenticates it is not
// stored, only its SHA-256.
type Session struct {
	ID         string
	UserID     string
	TenantID   string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute end; the idle timeout may end it sooner
	IP         string
	UserAgent  string
	// Current marks the session the caller is using (Sessions,
	// Authenticate).
	Current bool
}

// Login is the result of a successful sign-in: a new session and its
// secret token, which the caller hands to the client once (cookie or
// bearer) and never logs.
type Login struct {
	User User
	// Token is 256 random bits, base64url without padding. Only its
	// SHA-256 is stored, so a copy of the database opens no session.
	Token   string
	Session Session
	// Created is true when this login created the account (the first
	// login is the registration, seeds 000/002 «Авторизация»).
	Created bool
}

// Client describes the caller of a login flow: where limits apply and how
// the messages it triggers are written.
type Client struct {
	IP        string // the client address as the HTTP layer trusts it (SECURITY.md 5)
	UserAgent string
	Locale    string // "ru" or "en": the language of the SMS or e-mail
	Brand     string // the site's name, for message texts
	BaseURL   string // "https://vet-pet.online", for links in e-mails
}

// CodeSent tells the client when it may ask for another code and how long
// the one sent stays valid.
type CodeSent struct {
	ResendAfter time.Duration
	ExpiresIn   time.Duration
}

// ProfilePatch changes a profile: a nil pointer leaves the value as it is.
// Fields is merged key by key into the stored fields; a key set to nil or
// "" removes it. A nil Fields leaves them alone.
type ProfilePatch struct {
	Name, Surname, Phone, Email, BirthDate *string
	Fields                                 map[string]any
}
