package auth

import (
	"context"
	"time"

	"github.com/consult/platform/core/notify"
)

// Store keeps accounts, codes, reset tokens and sessions. Every method
// works in the tenant of ctx and fails closed without one; a row of another
// tenant is never seen, changed or counted (SECURITY.md 12). Lookups that
// find nothing return ErrNotFound unless said otherwise.
//
// Methods called with the ctx that InTx hands its function run in that one
// transaction, so a code row and its outbox message commit together or not
// at all (SECURITY.md 19).
type Store interface {
	// InTx runs fn in one read-write transaction of the tenant in ctx.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	// CreateUser inserts a; ErrPhoneTaken or ErrEmailTaken when another
	// account of the tenant has its phone or e-mail.
	CreateUser(ctx context.Context, a Account) error
	// User, UserByPhone and UserByEmail find a live (not erased) account.
	User(ctx context.Context, id string) (Account, error)
	UserByPhone(ctx context.Context, phone string) (Account, error)
	UserByEmail(ctx context.Context, emailKey string) (Account, error)
	// UpdateProfile writes a's profile columns (phone, e-mail, names,
	// birth date, fields); ErrPhoneTaken / ErrEmailTaken as CreateUser.
	UpdateProfile(ctx context.Context, a Account, now time.Time) error
	SetPasswordHash(ctx context.Context, userID, hash string, now time.Time) error
	SetAvatar(ctx context.Context, userID, avatarID string, now time.Time) error
	// EraseUser blanks every personal column of the account and marks it
	// erased; the row and its id stay for the records that refer to it.
	EraseUser(ctx context.Context, userID string, now time.Time) error
	// ReserveLoginAttempt counts one password attempt against the account
	// in a window that restarts when the previous one began before
	// windowStart, and reports false, counting nothing, when max attempts
	// were already counted in the current window (SECURITY.md 6).
	ReserveLoginAttempt(ctx context.Context, userID string, windowStart, now time.Time, max int) (bool, error)
	ClearLoginFailures(ctx context.Context, userID string) error

	// LockDestination serialises code requests for one destination until
	// the transaction ends, so two concurrent requests cannot both pass
	// the cooldown. Only meaningful inside InTx.
	LockDestination(ctx context.Context, destination string) error
	// CodeStats counts recent codes for the throttles of SECURITY.md 4.
	CodeStats(ctx context.Context, destination, ip string, hourAgo, dayAgo time.Time) (CodeStats, error)
	CreateCode(ctx context.Context, c Code) error
	// LatestCode returns the newest code of purpose sent to destination:
	// a new code supersedes the older ones.
	LatestCode(ctx context.Context, purpose Purpose, destination string) (Code, error)
	// CountWrongGuess adds one attempt to a live code, atomically and only
	// while fewer than max were counted, and returns the attempts counted.
	CountWrongGuess(ctx context.Context, codeID string, now time.Time, max int) (int, error)
	// ConsumeCode marks a live code used in one guarded UPDATE … WHERE
	// used_at IS NULL AND attempts < max AND expires_at > now, and reports
	// whether this call was the one that used it (SECURITY.md 3).
	ConsumeCode(ctx context.Context, codeID string, now time.Time, max int) (bool, error)
	// DeleteCodes removes every code sent to destination.
	DeleteCodes(ctx context.Context, destination string) error

	CreateReset(ctx context.Context, r Reset) error
	// ResetStats counts the account's reset tokens made since hourAgo and
	// returns when the newest was made.
	ResetStats(ctx context.Context, userID string, hourAgo time.Time) (int, time.Time, error)
	// ResetUser returns the account of the live (unused, unexpired) token
	// with this hash, without using it; ErrResetTokenInvalid otherwise.
	ResetUser(ctx context.Context, tokenHash string, now time.Time) (string, error)
	// ConsumeReset marks the live token with this hash used, atomically,
	// and returns its account; ErrResetTokenInvalid when there is none.
	ConsumeReset(ctx context.Context, tokenHash string, now time.Time) (string, error)
	DeleteResets(ctx context.Context, userID string) error

	CreateSession(ctx context.Context, s Session, tokenHash string) error
	// SessionByToken returns the session with this token hash and its live
	// account; ErrSessionInvalid when there is none.
	SessionByToken(ctx context.Context, tokenHash string) (Session, Account, error)
	// TouchSession moves last_seen_at to now if it is before staleBefore.
	TouchSession(ctx context.Context, sessionID string, now, staleBefore time.Time) error
	// Sessions lists the account's sessions, newest first.
	Sessions(ctx context.Context, userID string) ([]Session, error)
	// DeleteSession ends one session of the account and reports whether
	// there was one.
	DeleteSession(ctx context.Context, userID, sessionID string) (bool, error)
	// DeleteSessions ends every session of the account but exceptID ("" for
	// none) and returns how many it ended.
	DeleteSessions(ctx context.Context, userID, exceptID string) (int, error)
	// DeleteStaleSessions removes the account's sessions that expired
	// (absolute end before now, or last seen before idleBefore).
	DeleteStaleSessions(ctx context.Context, userID string, idleBefore, now time.Time) error

	// Enqueue writes messages into the notification outbox
	// (core/notify/notifydb) in the current transaction.
	Enqueue(ctx context.Context, now time.Time, msgs ...notify.Message) error

	// Purge deletes the tenant's codes made before dayAgo, reset tokens
	// that expired or were used, and sessions past their absolute end or
	// last seen before idleBefore; it returns how many rows went.
	Purge(ctx context.Context, dayAgo, idleBefore, now time.Time) (int, error)
}

// Account is a user as the store keeps it: the User and what never leaves
// this package.
type Account struct {
	User
	// EmailKey is the e-mail lower-cased: addresses are compared
	// case-insensitively, and unique per tenant on this key.
	EmailKey     string
	PasswordHash string // argon2id, encoded; "" when the account has none
}

// Purpose binds a code to the flow it was sent for (SECURITY.md 1): a
// login code cannot delete an account and the other way round.
type Purpose string

const (
	PurposeLoginPhone    Purpose = "login_phone"
	PurposeLoginEmail    Purpose = "login_email"
	PurposeDeleteAccount Purpose = "delete_account"
)

// Code is a one-time code as stored: never the code, only its HMAC.
type Code struct {
	ID          string
	TenantID    string
	Purpose     Purpose
	Channel     notify.Channel // SMS or Email: what the daily SMS budget counts
	Destination string         // E.164 phone or e-mail key
	UserID      string         // the account it acts on (account deletion), else ""
	Hash        string         // hex HMAC-SHA256 over tenant, purpose, destination and code
	Attempts    int
	IP          string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      *time.Time
}

// CodeStats are the counts behind the throttles of SECURITY.md 4. An
// Oldest time is the earliest code of its window (zero when the count is
// 0): the window frees a slot when that code leaves it.
type CodeStats struct {
	LastToDestination time.Time // the newest code to the destination, any age; zero if none
	ToDestination     int       // codes to the destination in the last hour
	OldestToDest      time.Time
	FromIP            int // codes requested from the IP in the last hour
	OldestFromIP      time.Time
	SMS               int // SMS codes of the tenant in the last 24 hours
	OldestSMS         time.Time
}

// Reset is a password-reset token as stored: only its SHA-256.
type Reset struct {
	ID        string
	TenantID  string
	UserID    string
	TokenHash string // hex SHA-256
	IP        string
	CreatedAt time.Time
	ExpiresAt time.Time
}
