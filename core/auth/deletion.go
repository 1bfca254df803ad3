package auth

import (
	"context"
	"fmt"

	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/tenancy"
)

// deletionTarget is where the confirmation code of an account deletion
// goes: the account's phone, else its e-mail — whoever holds it may delete
// the account, as whoever holds it may sign in.
func deletionTarget(tenantID string, acct Account) (codeTarget, error) {
	t := codeTarget{tenantID: tenantID, purpose: PurposeDeleteAccount, userID: acct.ID}
	switch {
	case acct.Phone != "":
		t.channel, t.dest, t.to = notify.SMS, acct.Phone, acct.Phone
	case acct.Email != "":
		t.channel, t.dest, t.to = notify.Email, acct.EmailKey, acct.Email
	default:
		// UpdateProfile never leaves an account without both; a row that
		// has neither is damaged, not a user mistake.
		return t, errs.Internal(fmt.Errorf("auth: account %s has neither phone nor e-mail", acct.ID))
	}
	return t, nil
}

// StartAccountDeletion sends a fresh code to the account's phone (or, when
// it has none, its e-mail) to confirm deleting the account. The code is
// bound to the purpose and the account, so a login code cannot delete it.
// Errors: ErrNotFound and those of StartPhoneLogin.
func (s *Service) StartAccountDeletion(ctx context.Context, userID string, cl Client) (CodeSent, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return CodeSent{}, err
	}
	acct, err := s.store.User(ctx, userID)
	if err != nil {
		return CodeSent{}, err
	}
	t, err := deletionTarget(tenantID, acct)
	if err != nil {
		return CodeSent{}, err
	}
	return s.sendCode(ctx, t, cl)
}

// ConfirmAccountDeletion checks the code and erases the account: phone,
// e-mail, names, birth date, product fields, password hash and avatar
// reference are blanked, every session, reset token and code of the account
// goes, and its phone and e-mail are free for a new account (licence offer,
// seed 004, 14.4: the customer may delete the cabinet at any time; 152-FZ
// art. 21: on withdrawal of consent the personal data is destroyed). The
// row and its id stay, identifying nobody, because paid orders will refer
// to it. Errors: ErrNotFound, ErrCodeInvalid.
//
// The caller removes what other domains keep about the account (subjects,
// the avatar image) and the outbox keeps delivered messages' recipients
// under its own retention.
func (s *Service) ConfirmAccountDeletion(ctx context.Context, userID, code string) error {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return err
	}
	acct, err := s.store.User(ctx, userID)
	if err != nil {
		return err
	}
	t, err := deletionTarget(tenantID, acct)
	if err != nil {
		return err
	}
	now := s.now()
	err = s.redeem(ctx, t, code, now, func(ctx context.Context) error {
		if err := s.store.EraseUser(ctx, acct.ID, now); err != nil {
			return err
		}
		if _, err := s.store.DeleteSessions(ctx, acct.ID, ""); err != nil {
			return err
		}
		if err := s.store.DeleteResets(ctx, acct.ID); err != nil {
			return err
		}
		for _, dest := range []string{acct.Phone, acct.EmailKey} {
			if dest == "" {
				continue
			}
			if err := s.store.DeleteCodes(ctx, dest); err != nil {
				return err
			}
		}
		if s.onErase != nil {
			return s.onErase(ctx, acct.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "auth: account erased", "tenant", tenantID, "user", acct.ID)
	return nil
}
