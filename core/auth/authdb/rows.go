package authdb

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/notify"
)

// userRow is one account (table users).
type userRow struct {
	bun.BaseModel `bun:"table:users"`
	TenantID      string     `bun:"tenant_id,pk"`
	ID            string     `bun:"id,pk"`
	Kind          string     `bun:"kind"`
	Phone         *string    `bun:"phone"`
	Email         *string    `bun:"email"`
	EmailKey      *string    `bun:"email_key"`
	Name          string     `bun:"name"`
	Surname       string     `bun:"surname"`
	BirthDate     string     `bun:"birth_date"`
	Fields        string     `bun:"fields"` // JSON object
	AvatarID      string     `bun:"avatar_id"`
	PasswordHash  *string    `bun:"password_hash"`
	Locale        string     `bun:"locale"`
	FailedLogins  int        `bun:"failed_logins"`
	FailedSince   *time.Time `bun:"failed_since"`
	CreatedAt     time.Time  `bun:"created_at"`
	UpdatedAt     time.Time  `bun:"updated_at"`
	ErasedAt      *time.Time `bun:"erased_at"`
}

// codeRow is one one-time code (table auth_codes).
type codeRow struct {
	bun.BaseModel `bun:"table:auth_codes"`
	TenantID      string     `bun:"tenant_id,pk"`
	ID            string     `bun:"id,pk"`
	Purpose       string     `bun:"purpose"`
	Channel       string     `bun:"channel"`
	Destination   string     `bun:"destination"`
	UserID        *string    `bun:"user_id"`
	CodeHash      string     `bun:"code_hash"`
	Attempts      int        `bun:"attempts"`
	IP            string     `bun:"ip"`
	CreatedAt     time.Time  `bun:"created_at"`
	ExpiresAt     time.Time  `bun:"expires_at"`
	UsedAt        *time.Time `bun:"used_at"`
}

// resetRow is one password-reset token (table auth_password_resets).
type resetRow struct {
	bun.BaseModel `bun:"table:auth_password_resets"`
	TenantID      string     `bun:"tenant_id,pk"`
	ID            string     `bun:"id,pk"`
	UserID        string     `bun:"user_id"`
	TokenHash     string     `bun:"token_hash"`
	IP            string     `bun:"ip"`
	CreatedAt     time.Time  `bun:"created_at"`
	ExpiresAt     time.Time  `bun:"expires_at"`
	UsedAt        *time.Time `bun:"used_at"`
}

// sessionRow is one session (table auth_sessions).
type sessionRow struct {
	bun.BaseModel `bun:"table:auth_sessions"`
	TenantID      string    `bun:"tenant_id,pk"`
	ID            string    `bun:"id,pk"`
	UserID        string    `bun:"user_id"`
	TokenHash     string    `bun:"token_hash"`
	CreatedAt     time.Time `bun:"created_at"`
	LastSeenAt    time.Time `bun:"last_seen_at"`
	ExpiresAt     time.Time `bun:"expires_at"`
	IP            string    `bun:"ip"`
	UserAgent     string    `bun:"user_agent"`
}

// nullable maps "" to NULL: absent phones and e-mails must not collide in
// the unique keys.
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

func utc(t time.Time) time.Time { return t.UTC() }

func toUserRow(a auth.Account, now time.Time) (userRow, error) {
	fields := a.Fields
	if fields == nil {
		fields = map[string]any{}
	}
	buf, err := json.Marshal(fields)
	if err != nil {
		return userRow{}, fmt.Errorf("authdb: profile fields: %w", err)
	}
	return userRow{
		TenantID: a.TenantID, ID: a.ID, Kind: string(a.Kind), Phone: nullable(a.Phone), Email: nullable(a.Email),
		EmailKey: nullable(a.EmailKey), Name: a.Name, Surname: a.Surname, BirthDate: a.BirthDate, Fields: string(buf),
		AvatarID: a.AvatarID, PasswordHash: nullable(a.PasswordHash), Locale: a.Locale,
		CreatedAt: utc(a.CreatedAt), UpdatedAt: utc(now),
	}, nil
}

func toAccount(r userRow) (auth.Account, error) {
	fields := map[string]any{}
	if r.Fields != "" {
		if err := json.Unmarshal([]byte(r.Fields), &fields); err != nil {
			return auth.Account{}, fmt.Errorf("authdb: profile fields of %s: %w", r.ID, err)
		}
	}
	hash := deref(r.PasswordHash)
	return auth.Account{
		User: auth.User{
			ID: r.ID, TenantID: r.TenantID, Kind: auth.Kind(r.Kind), Phone: deref(r.Phone), Email: deref(r.Email),
			Name: r.Name, Surname: r.Surname, BirthDate: r.BirthDate, Fields: fields, AvatarID: r.AvatarID,
			HasPassword: hash != "", Locale: r.Locale, CreatedAt: utc(r.CreatedAt),
		},
		EmailKey:     deref(r.EmailKey),
		PasswordHash: hash,
	}, nil
}

func toCodeRow(c auth.Code) codeRow {
	return codeRow{
		TenantID: c.TenantID, ID: c.ID, Purpose: string(c.Purpose), Channel: string(c.Channel),
		Destination: c.Destination, UserID: nullable(c.UserID), CodeHash: c.Hash, Attempts: c.Attempts, IP: c.IP,
		CreatedAt: utc(c.CreatedAt), ExpiresAt: utc(c.ExpiresAt),
	}
}

func toCode(r codeRow) auth.Code {
	c := auth.Code{
		ID: r.ID, TenantID: r.TenantID, Purpose: auth.Purpose(r.Purpose), Channel: notify.Channel(r.Channel),
		Destination: r.Destination, UserID: deref(r.UserID), Hash: r.CodeHash, Attempts: r.Attempts, IP: r.IP,
		CreatedAt: utc(r.CreatedAt), ExpiresAt: utc(r.ExpiresAt),
	}
	if r.UsedAt != nil {
		t := utc(*r.UsedAt)
		c.UsedAt = &t
	}
	return c
}

func toSession(r sessionRow) auth.Session {
	return auth.Session{
		ID: r.ID, UserID: r.UserID, TenantID: r.TenantID, CreatedAt: utc(r.CreatedAt), LastSeenAt: utc(r.LastSeenAt),
		ExpiresAt: utc(r.ExpiresAt), IP: r.IP, UserAgent: r.UserAgent,
	}
}
