package auth

import (
	"context"
	"errors"
	"maps"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/plugins/sdk"
)

// Profile limits.
const (
	maxNameLen     = 100 // characters, name and surname
	maxAvatarIDLen = 128
	earliestBirth  = "1900-01-01"
)

// Profile returns the account; ErrNotFound when the tenant has no such
// live account.
func (s *Service) Profile(ctx context.Context, userID string) (User, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return User{}, err
	}
	acct, err := s.store.User(ctx, userID)
	if err != nil {
		return User{}, err
	}
	return acct.User, nil
}

// UpdateProfile applies p (seeds 000 «Редактирование профиля», 002
// «Редактирование профиля»). The guides mark name, birth date and e-mail
// required: once set they cannot be blanked. The phone can be removed only
// while an e-mail remains, so the account keeps a way to sign in. Problems
// come back together as ErrProfileInvalid with one errs.FieldError per
// field (codes auth.*; the product's fields under "fields.<key>" with the
// SDK's subjects.* codes). Another account of the tenant with the phone or
// e-mail answers ErrPhoneTaken / ErrEmailTaken (Conflict).
//
// A new phone or e-mail is taken as typed, without a code: it is the
// owner's own account, and the address becomes a way into it.
func (s *Service) UpdateProfile(ctx context.Context, userID string, p ProfilePatch) (User, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return User{}, err
	}
	now := s.now()
	var out Account
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		acct, err := s.store.User(ctx, userID)
		if err != nil {
			return err
		}
		next, problems := s.applyPatch(tenantID, acct, p, now)
		if len(problems) > 0 {
			return &errs.Error{Kind: errs.KindInvalid, Code: CodeProfileInvalid, Fields: problems}
		}
		if next.Phone != "" && next.Phone != acct.Phone {
			if err := s.free(ctx, acct.ID, ErrPhoneTaken, s.store.UserByPhone, next.Phone); err != nil {
				return err
			}
		}
		if next.EmailKey != "" && next.EmailKey != acct.EmailKey {
			if err := s.free(ctx, acct.ID, ErrEmailTaken, s.store.UserByEmail, next.EmailKey); err != nil {
				return err
			}
		}
		if err := s.store.UpdateProfile(ctx, next, now); err != nil {
			return err
		}
		out = next
		return nil
	})
	if err != nil {
		return User{}, err
	}
	return out.User, nil
}

// free reports taken when another live account holds the key.
func (s *Service) free(ctx context.Context, self string, taken error,
	find func(context.Context, string) (Account, error), key string) error {
	other, err := find(ctx, key)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return err
	case other.ID != self:
		return taken
	}
	return nil
}

// applyPatch returns acct changed by p and the problems found.
func (s *Service) applyPatch(tenantID string, acct Account, p ProfilePatch, now time.Time) (Account, []errs.FieldError) {
	next := acct
	next.Fields = maps.Clone(acct.Fields)
	var problems []errs.FieldError
	bad := func(field, code string, data map[string]any) {
		problems = append(problems, errs.FieldError{Field: field, Code: code, Data: data})
	}
	if p.Name != nil {
		v := strings.TrimSpace(*p.Name)
		switch {
		case v == "" && acct.Name != "":
			bad("name", CodeFieldRequired, nil)
		case !cleanText(v):
			bad("name", CodeTextInvalid, nil)
		case utf8.RuneCountInString(v) > maxNameLen:
			bad("name", CodeTooLong, map[string]any{"Max": maxNameLen})
		default:
			next.Name = v
		}
	}
	if p.Surname != nil {
		v := strings.TrimSpace(*p.Surname)
		switch {
		case !cleanText(v):
			bad("surname", CodeTextInvalid, nil)
		case utf8.RuneCountInString(v) > maxNameLen:
			bad("surname", CodeTooLong, map[string]any{"Max": maxNameLen})
		default:
			next.Surname = v
		}
	}
	if p.BirthDate != nil {
		v := strings.TrimSpace(*p.BirthDate)
		if v == "" && acct.BirthDate != "" {
			bad("birth_date", CodeFieldRequired, nil)
		} else if code, data := checkBirthDate(v, now); code != "" {
			bad("birth_date", code, data)
		} else {
			next.BirthDate = v
		}
	}
	if p.Email != nil {
		v := strings.TrimSpace(*p.Email)
		if v == "" {
			if acct.Email != "" {
				bad("email", CodeFieldRequired, nil)
			}
		} else if addr, key, err := NormalizeEmail(v); err != nil {
			bad("email", CodeEmailInvalid, nil)
		} else {
			next.Email, next.EmailKey = addr, key
		}
	}
	if p.Phone != nil {
		v := strings.TrimSpace(*p.Phone)
		if v == "" {
			// The phone may go only if an e-mail stays to sign in with.
			if acct.Phone != "" && next.Email == "" {
				bad("phone", CodeFieldRequired, nil)
			} else {
				next.Phone = ""
			}
		} else if e164, err := NormalizePhone(v, s.region(tenantID)); err != nil {
			bad("phone", CodePhoneInvalid, nil)
		} else {
			next.Phone = e164
		}
	}
	if p.Fields != nil {
		if next.Fields == nil {
			next.Fields = map[string]any{}
		}
		for k, v := range p.Fields {
			if v == nil || v == "" {
				delete(next.Fields, k)
			} else {
				next.Fields[k] = v
			}
		}
		var fields []sdk.Field
		if s.profileFields != nil {
			fields = s.profileFields(tenantID)
		}
		call := sdk.Call{Tenant: tenantID, Locale: next.Locale, Now: now}
		for _, v := range sdk.CheckFields(call, sdk.ScopeSubjects, "fields.", fields, next.Fields) {
			var data map[string]any
			for k, pv := range v.Params {
				if data == nil {
					data = map[string]any{}
				}
				data[k] = pv
			}
			bad(v.Field, v.Code, data)
		}
	}
	return next, problems
}

// checkBirthDate accepts "" or a real date between 1900-01-01 and today
// in Moscow, the zone the platform's dates are written in.
func checkBirthDate(v string, now time.Time) (string, map[string]any) {
	if v == "" {
		return "", nil
	}
	d, err := time.ParseInLocation(time.DateOnly, v, clock.Moscow)
	if err != nil {
		return CodeBirthDateInvalid, nil
	}
	if v < earliestBirth {
		return CodeBirthDateTooEarly, map[string]any{"Min": earliestBirth}
	}
	y, m, day := now.In(clock.Moscow).Date()
	if d.After(time.Date(y, m, day, 0, 0, 0, 0, clock.Moscow)) {
		return CodeBirthDateInFuture, nil
	}
	return "", nil
}

// cleanText refuses control characters (and with them NUL, which
// PostgreSQL text cannot hold) in names.
func cleanText(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0
}

// SetAvatar records the account's avatar (an id of the media store, or ""
// to remove it; seed 002 «Редактирование профиля», item ①).
func (s *Service) SetAvatar(ctx context.Context, userID, avatarID string) error {
	if _, err := tenancy.From(ctx); err != nil {
		return err
	}
	if len(avatarID) > maxAvatarIDLen || !cleanText(avatarID) {
		return errs.Invalid(CodeProfileInvalid, errs.FieldError{Field: "avatar", Code: CodeTextInvalid})
	}
	return s.store.SetAvatar(ctx, userID, avatarID, s.now())
}

// CreateStaff creates a staff account of the tenant (for `platform admin
// create-user`); the caller assigns its roles through rbac. The account
// has no password: its holder signs in with an e-mailed code or sets one
// through RequestPasswordReset. Errors: ErrEmailInvalid, ErrProfileInvalid
// (name), ErrEmailTaken.
func (s *Service) CreateStaff(ctx context.Context, email, name string) (User, error) {
	if _, err := tenancy.From(ctx); err != nil {
		return User{}, err
	}
	addr, key, err := NormalizeEmail(email)
	if err != nil {
		return User{}, err
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return User{}, errs.Invalid(CodeProfileInvalid, errs.FieldError{Field: "name", Code: CodeFieldRequired})
	case !cleanText(name):
		return User{}, errs.Invalid(CodeProfileInvalid, errs.FieldError{Field: "name", Code: CodeTextInvalid})
	case utf8.RuneCountInString(name) > maxNameLen:
		return User{}, errs.Invalid(CodeProfileInvalid, errs.FieldError{Field: "name", Code: CodeTooLong, Data: map[string]any{"Max": maxNameLen}})
	}
	now := s.now()
	var acct Account
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		if err := s.free(ctx, "", ErrEmailTaken, s.store.UserByEmail, key); err != nil {
			return err
		}
		acct, err = s.createAccount(ctx, Account{User: User{Email: addr, Name: name}, EmailKey: key}, KindStaff, "ru", now)
		return err
	})
	if err != nil {
		return User{}, err
	}
	return acct.User, nil
}
