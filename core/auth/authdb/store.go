// Package authdb is the accounts store (auth.Store) on bun, for SQLite and
// PostgreSQL. Row structs and converters live only here.
//
// Every method reads the tenant from the context (tenancy.From, failing
// closed), writes tenant_id = ? into every WHERE and every insert, and runs
// through db.(*DB).Tenant or TenantRead, so that on PostgreSQL row-level
// security is the second wall (migrations/README.md, SECURITY.md 12).
// Inside auth.Store.InTx those scopes nest into the one transaction.
package authdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/notify/notifydb"
	"github.com/consult/platform/core/platform/db"
)

// Store implements auth.Store.
type Store struct {
	db *db.DB
}

var _ auth.Store = (*Store)(nil)

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

// InTx implements auth.Store.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, _ bun.IDB, _ string) error { return fn(ctx) })
}

// taken maps a unique violation on users to the conflict it means. The
// index names (users_phone_key, users_email_key) appear in PostgreSQL's
// message, the columns (users.phone, users.email_key) in SQLite's.
func taken(err error) error {
	if !db.IsUniqueViolation(err) {
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "email"):
		return auth.ErrEmailTaken.Because(err)
	case strings.Contains(msg, "phone"):
		return auth.ErrPhoneTaken.Because(err)
	}
	return err
}

// CreateUser implements auth.Store.
func (s *Store) CreateUser(ctx context.Context, a auth.Account) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		a.TenantID = tenantID
		row, err := toUserRow(a, a.CreatedAt)
		if err != nil {
			return err
		}
		if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
			return fmt.Errorf("authdb: create user: %w", taken(err))
		}
		return nil
	})
}

// user finds one live account by column = value.
func (s *Store) user(ctx context.Context, column, value string) (auth.Account, error) {
	var row userRow
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model(&row).
			Where("tenant_id = ?", tenantID).Where("? = ?", bun.Ident(column), value).Where("erased_at IS NULL").
			Scan(ctx)
	})
	if db.IsNoRows(err) {
		return auth.Account{}, auth.ErrNotFound
	}
	if err != nil {
		return auth.Account{}, fmt.Errorf("authdb: user by %s: %w", column, err)
	}
	return toAccount(row)
}

// User implements auth.Store.
func (s *Store) User(ctx context.Context, id string) (auth.Account, error) {
	return s.user(ctx, "id", id)
}

// UserByPhone implements auth.Store.
func (s *Store) UserByPhone(ctx context.Context, phone string) (auth.Account, error) {
	return s.user(ctx, "phone", phone)
}

// UserByEmail implements auth.Store.
func (s *Store) UserByEmail(ctx context.Context, emailKey string) (auth.Account, error) {
	return s.user(ctx, "email_key", emailKey)
}

// UpdateProfile implements auth.Store.
func (s *Store) UpdateProfile(ctx context.Context, a auth.Account, now time.Time) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		a.TenantID = tenantID
		row, err := toUserRow(a, now)
		if err != nil {
			return err
		}
		n, err := affected(q.NewUpdate().Model(&row).
			Column("phone", "email", "email_key", "name", "surname", "birth_date", "fields", "updated_at").
			Where("tenant_id = ? AND id = ? AND erased_at IS NULL", tenantID, a.ID).
			Exec(ctx))
		if err != nil {
			return fmt.Errorf("authdb: update profile: %w", taken(err))
		}
		if n == 0 {
			return auth.ErrNotFound
		}
		return nil
	})
}

// updateUser runs one UPDATE of a live account and maps "no row" to
// auth.ErrNotFound.
func (s *Store) updateUser(ctx context.Context, what, userID string, set func(*bun.UpdateQuery) *bun.UpdateQuery) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		n, err := affected(set(q.NewUpdate().Model((*userRow)(nil))).
			Where("tenant_id = ? AND id = ? AND erased_at IS NULL", tenantID, userID).
			Exec(ctx))
		if err != nil {
			return fmt.Errorf("authdb: %s: %w", what, err)
		}
		if n == 0 {
			return auth.ErrNotFound
		}
		return nil
	})
}

// SetPasswordHash implements auth.Store.
func (s *Store) SetPasswordHash(ctx context.Context, userID, hash string, now time.Time) error {
	return s.updateUser(ctx, "set password", userID, func(u *bun.UpdateQuery) *bun.UpdateQuery {
		return u.Set("password_hash = ?", hash).Set("updated_at = ?", now.UTC())
	})
}

// SetAvatar implements auth.Store.
func (s *Store) SetAvatar(ctx context.Context, userID, avatarID string, now time.Time) error {
	return s.updateUser(ctx, "set avatar", userID, func(u *bun.UpdateQuery) *bun.UpdateQuery {
		return u.Set("avatar_id = ?", avatarID).Set("updated_at = ?", now.UTC())
	})
}

// EraseUser implements auth.Store: every column that could identify the
// person is blanked in one statement.
func (s *Store) EraseUser(ctx context.Context, userID string, now time.Time) error {
	return s.updateUser(ctx, "erase user", userID, func(u *bun.UpdateQuery) *bun.UpdateQuery {
		return u.Set("phone = NULL, email = NULL, email_key = NULL, name = '', surname = '', birth_date = ''").
			Set("fields = ?, avatar_id = '', password_hash = NULL, failed_logins = 0, failed_since = NULL", "{}").
			Set("erased_at = ?, updated_at = ?", now.UTC(), now.UTC())
	})
}

// ReserveLoginAttempt implements auth.Store in one guarded UPDATE, so
// concurrent attempts are counted one by one and none slips past max. SET
// expressions read the row as it was before the statement, on both
// databases.
func (s *Store) ReserveLoginAttempt(ctx context.Context, userID string, windowStart, now time.Time, max int) (bool, error) {
	var ok bool
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		ws := windowStart.UTC()
		n, err := affected(q.NewUpdate().Model((*userRow)(nil)).
			Set("failed_logins = CASE WHEN failed_since IS NULL OR failed_since <= ? THEN 1 ELSE failed_logins + 1 END", ws).
			Set("failed_since = CASE WHEN failed_since IS NULL OR failed_since <= ? THEN ? ELSE failed_since END", ws, now.UTC()).
			Where("tenant_id = ? AND id = ? AND erased_at IS NULL", tenantID, userID).
			Where("(failed_since IS NULL OR failed_since <= ? OR failed_logins < ?)", ws, max).
			Exec(ctx))
		ok = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("authdb: reserve login attempt: %w", err)
	}
	return ok, nil
}

// ClearLoginFailures implements auth.Store.
func (s *Store) ClearLoginFailures(ctx context.Context, userID string) error {
	return s.updateUser(ctx, "clear login failures", userID, func(u *bun.UpdateQuery) *bun.UpdateQuery {
		return u.Set("failed_logins = 0, failed_since = NULL")
	})
}

// LockDestination implements auth.Store. On PostgreSQL it takes a
// transaction-level advisory lock on the tenant and destination; on SQLite
// the write transaction (BEGIN IMMEDIATE) already excludes every other
// writer, so there is nothing more to take.
func (s *Store) LockDestination(ctx context.Context, destination string) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		if s.db.Dialect != db.Postgres {
			return nil
		}
		_, err := q.NewRaw("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", "auth:"+tenantID+":"+destination).Exec(ctx)
		if err != nil {
			return fmt.Errorf("authdb: lock destination: %w", err)
		}
		return nil
	})
}

// window is a count of rows in a time window and the oldest of them.
type window struct {
	N      int        `bun:"n"`
	Oldest *time.Time `bun:"oldest"`
}

func (w window) oldest() time.Time {
	if w.Oldest == nil {
		return time.Time{}
	}
	return w.Oldest.UTC()
}

// CodeStats implements auth.Store.
func (s *Store) CodeStats(ctx context.Context, destination, ip string, hourAgo, dayAgo time.Time) (auth.CodeStats, error) {
	var st auth.CodeStats
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		var last []time.Time
		if err := q.NewSelect().Model((*codeRow)(nil)).Column("created_at").
			Where("tenant_id = ? AND destination = ?", tenantID, destination).
			OrderExpr("created_at DESC").Limit(1).Scan(ctx, &last); err != nil {
			return err
		}
		if len(last) > 0 {
			st.LastToDestination = last[0].UTC()
		}
		count := func(w *window, where string, args ...any) error {
			return q.NewSelect().Model((*codeRow)(nil)).ColumnExpr("count(*) AS n, min(created_at) AS oldest").
				Where("tenant_id = ?", tenantID).Where(where, args...).Scan(ctx, w)
		}
		var dest, fromIP, sms window
		if err := count(&dest, "destination = ? AND created_at > ?", destination, hourAgo.UTC()); err != nil {
			return err
		}
		if err := count(&fromIP, "ip = ? AND created_at > ?", ip, hourAgo.UTC()); err != nil {
			return err
		}
		if err := count(&sms, "channel = ? AND created_at > ?", string(notify.SMS), dayAgo.UTC()); err != nil {
			return err
		}
		st.ToDestination, st.OldestToDest = dest.N, dest.oldest()
		st.FromIP, st.OldestFromIP = fromIP.N, fromIP.oldest()
		st.SMS, st.OldestSMS = sms.N, sms.oldest()
		return nil
	})
	if err != nil {
		return auth.CodeStats{}, fmt.Errorf("authdb: code stats: %w", err)
	}
	return st, nil
}

// CreateCode implements auth.Store.
func (s *Store) CreateCode(ctx context.Context, c auth.Code) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		c.TenantID = tenantID
		row := toCodeRow(c)
		if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
			return fmt.Errorf("authdb: create code: %w", err)
		}
		return nil
	})
}

// LatestCode implements auth.Store.
func (s *Store) LatestCode(ctx context.Context, purpose auth.Purpose, destination string) (auth.Code, error) {
	var row codeRow
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model(&row).
			Where("tenant_id = ? AND destination = ? AND purpose = ?", tenantID, destination, string(purpose)).
			OrderExpr("created_at DESC, id DESC").Limit(1).Scan(ctx)
	})
	if db.IsNoRows(err) {
		return auth.Code{}, auth.ErrNotFound
	}
	if err != nil {
		return auth.Code{}, fmt.Errorf("authdb: latest code: %w", err)
	}
	return toCode(row), nil
}

// CountWrongGuess implements auth.Store: the increment and its guard are
// one statement, so 50 concurrent wrong guesses leave at most max counted
// (SECURITY.md 2). A code that is no longer live counts nothing and
// reports max.
func (s *Store) CountWrongGuess(ctx context.Context, codeID string, now time.Time, max int) (int, error) {
	var attempts int
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewRaw(`UPDATE auth_codes SET attempts = attempts + 1
			WHERE tenant_id = ? AND id = ? AND used_at IS NULL AND attempts < ? AND expires_at > ?
			RETURNING attempts`, tenantID, codeID, max, now.UTC()).Scan(ctx, &attempts)
	})
	if db.IsNoRows(err) {
		return max, nil
	}
	if err != nil {
		return 0, fmt.Errorf("authdb: count wrong guess: %w", err)
	}
	return attempts, nil
}

// ConsumeCode implements auth.Store with the one guarded UPDATE of
// SECURITY.md 3: of any number of concurrent calls, one changes the row.
func (s *Store) ConsumeCode(ctx context.Context, codeID string, now time.Time, max int) (bool, error) {
	var n int
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		var err error
		n, err = affected(q.NewUpdate().Model((*codeRow)(nil)).Set("used_at = ?", now.UTC()).
			Where("tenant_id = ? AND id = ? AND used_at IS NULL AND attempts < ? AND expires_at > ?",
				tenantID, codeID, max, now.UTC()).
			Exec(ctx))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("authdb: consume code: %w", err)
	}
	return n == 1, nil
}

// DeleteCodes implements auth.Store.
func (s *Store) DeleteCodes(ctx context.Context, destination string) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		_, err := q.NewDelete().Model((*codeRow)(nil)).
			Where("tenant_id = ? AND destination = ?", tenantID, destination).Exec(ctx)
		if err != nil {
			return fmt.Errorf("authdb: delete codes: %w", err)
		}
		return nil
	})
}

// CreateReset implements auth.Store.
func (s *Store) CreateReset(ctx context.Context, r auth.Reset) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		row := resetRow{TenantID: tenantID, ID: r.ID, UserID: r.UserID, TokenHash: r.TokenHash, IP: r.IP,
			CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC()}
		if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
			return fmt.Errorf("authdb: create reset: %w", err)
		}
		return nil
	})
}

// ResetStats implements auth.Store.
func (s *Store) ResetStats(ctx context.Context, userID string, hourAgo time.Time) (int, time.Time, error) {
	var w window
	var last []time.Time
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		if err := q.NewSelect().Model((*resetRow)(nil)).ColumnExpr("count(*) AS n, min(created_at) AS oldest").
			Where("tenant_id = ? AND user_id = ? AND created_at > ?", tenantID, userID, hourAgo.UTC()).
			Scan(ctx, &w); err != nil {
			return err
		}
		return q.NewSelect().Model((*resetRow)(nil)).Column("created_at").
			Where("tenant_id = ? AND user_id = ?", tenantID, userID).
			OrderExpr("created_at DESC").Limit(1).Scan(ctx, &last)
	})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("authdb: reset stats: %w", err)
	}
	if len(last) == 0 {
		return w.N, time.Time{}, nil
	}
	return w.N, last[0].UTC(), nil
}

// ResetUser implements auth.Store.
func (s *Store) ResetUser(ctx context.Context, tokenHash string, now time.Time) (string, error) {
	var userID string
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model((*resetRow)(nil)).Column("user_id").
			Where("tenant_id = ? AND token_hash = ? AND used_at IS NULL AND expires_at > ?", tenantID, tokenHash, now.UTC()).
			Scan(ctx, &userID)
	})
	if db.IsNoRows(err) {
		return "", auth.ErrResetTokenInvalid
	}
	if err != nil {
		return "", fmt.Errorf("authdb: reset user: %w", err)
	}
	return userID, nil
}

// ConsumeReset implements auth.Store: one guarded UPDATE, so a token works
// once however many requests race with it (SECURITY.md 7).
func (s *Store) ConsumeReset(ctx context.Context, tokenHash string, now time.Time) (string, error) {
	var userID string
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewRaw(`UPDATE auth_password_resets SET used_at = ?
			WHERE tenant_id = ? AND token_hash = ? AND used_at IS NULL AND expires_at > ?
			RETURNING user_id`, now.UTC(), tenantID, tokenHash, now.UTC()).Scan(ctx, &userID)
	})
	if db.IsNoRows(err) {
		return "", auth.ErrResetTokenInvalid
	}
	if err != nil {
		return "", fmt.Errorf("authdb: consume reset: %w", err)
	}
	return userID, nil
}

// DeleteResets implements auth.Store.
func (s *Store) DeleteResets(ctx context.Context, userID string) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		_, err := q.NewDelete().Model((*resetRow)(nil)).Where("tenant_id = ? AND user_id = ?", tenantID, userID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("authdb: delete resets: %w", err)
		}
		return nil
	})
}

// CreateSession implements auth.Store.
func (s *Store) CreateSession(ctx context.Context, se auth.Session, tokenHash string) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		row := sessionRow{TenantID: tenantID, ID: se.ID, UserID: se.UserID, TokenHash: tokenHash,
			CreatedAt: se.CreatedAt.UTC(), LastSeenAt: se.LastSeenAt.UTC(), ExpiresAt: se.ExpiresAt.UTC(),
			IP: se.IP, UserAgent: se.UserAgent}
		if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
			return fmt.Errorf("authdb: create session: %w", err)
		}
		return nil
	})
}

// SessionByToken implements auth.Store.
func (s *Store) SessionByToken(ctx context.Context, tokenHash string) (auth.Session, auth.Account, error) {
	var (
		se sessionRow
		u  userRow
	)
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		if err := q.NewSelect().Model(&se).Where("tenant_id = ? AND token_hash = ?", tenantID, tokenHash).Scan(ctx); err != nil {
			return err
		}
		return q.NewSelect().Model(&u).Where("tenant_id = ? AND id = ? AND erased_at IS NULL", tenantID, se.UserID).Scan(ctx)
	})
	if db.IsNoRows(err) {
		return auth.Session{}, auth.Account{}, auth.ErrSessionInvalid
	}
	if err != nil {
		return auth.Session{}, auth.Account{}, fmt.Errorf("authdb: session: %w", err)
	}
	acct, err := toAccount(u)
	if err != nil {
		return auth.Session{}, auth.Account{}, err
	}
	return toSession(se), acct, nil
}

// TouchSession implements auth.Store; the guard keeps concurrent requests
// from writing the same minute twice.
func (s *Store) TouchSession(ctx context.Context, sessionID string, now, staleBefore time.Time) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		_, err := q.NewUpdate().Model((*sessionRow)(nil)).Set("last_seen_at = ?", now.UTC()).
			Where("tenant_id = ? AND id = ? AND last_seen_at < ?", tenantID, sessionID, staleBefore.UTC()).
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("authdb: touch session: %w", err)
		}
		return nil
	})
}

// Sessions implements auth.Store.
func (s *Store) Sessions(ctx context.Context, userID string) ([]auth.Session, error) {
	var rows []sessionRow
	err := s.db.WithTenantRead(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model(&rows).Where("tenant_id = ? AND user_id = ?", tenantID, userID).
			OrderExpr("created_at DESC, id DESC").Scan(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("authdb: sessions: %w", err)
	}
	out := make([]auth.Session, len(rows))
	for i, r := range rows {
		out[i] = toSession(r)
	}
	return out, nil
}

// DeleteSession implements auth.Store.
func (s *Store) DeleteSession(ctx context.Context, userID, sessionID string) (bool, error) {
	var n int
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		var err error
		n, err = affected(q.NewDelete().Model((*sessionRow)(nil)).
			Where("tenant_id = ? AND user_id = ? AND id = ?", tenantID, userID, sessionID).Exec(ctx))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("authdb: delete session: %w", err)
	}
	return n > 0, nil
}

// DeleteSessions implements auth.Store.
func (s *Store) DeleteSessions(ctx context.Context, userID, exceptID string) (int, error) {
	var n int
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		var err error
		n, err = affected(q.NewDelete().Model((*sessionRow)(nil)).
			Where("tenant_id = ? AND user_id = ? AND id <> ?", tenantID, userID, exceptID).Exec(ctx))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("authdb: delete sessions: %w", err)
	}
	return n, nil
}

// DeleteStaleSessions implements auth.Store.
func (s *Store) DeleteStaleSessions(ctx context.Context, userID string, idleBefore, now time.Time) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		_, err := q.NewDelete().Model((*sessionRow)(nil)).
			Where("tenant_id = ? AND user_id = ?", tenantID, userID).
			Where("(expires_at <= ? OR last_seen_at <= ?)", now.UTC(), idleBefore.UTC()).Exec(ctx)
		if err != nil {
			return fmt.Errorf("authdb: delete stale sessions: %w", err)
		}
		return nil
	})
}

// Enqueue implements auth.Store through the outbox's own writer, on the
// current transaction.
func (s *Store) Enqueue(ctx context.Context, now time.Time, msgs ...notify.Message) error {
	return s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		for _, m := range msgs {
			if m.TenantID != tenantID {
				return errors.New("authdb: message for another tenant")
			}
		}
		return notifydb.Enqueue(ctx, q, now, msgs...)
	})
}

// Purge implements auth.Store.
func (s *Store) Purge(ctx context.Context, dayAgo, idleBefore, now time.Time) (int, error) {
	total := 0
	err := s.db.WithTenant(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		steps := []*bun.DeleteQuery{
			q.NewDelete().Model((*codeRow)(nil)).
				Where("tenant_id = ? AND channel IN (?) AND created_at < ?", tenantID, bun.List([]string{string(notify.SMS), string(notify.Email)}), dayAgo.UTC()),
			q.NewDelete().Model((*resetRow)(nil)).
				Where("tenant_id = ? AND (used_at IS NOT NULL OR expires_at <= ?)", tenantID, now.UTC()),
			q.NewDelete().Model((*sessionRow)(nil)).
				Where("tenant_id = ? AND (expires_at <= ? OR last_seen_at <= ?)", tenantID, now.UTC(), idleBefore.UTC()),
		}
		for _, del := range steps {
			n, err := affected(del.Exec(ctx))
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("authdb: purge: %w", err)
	}
	return total, nil
}
