package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/auth/authtest"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/plugins/sdk"
)

func ptr(s string) *string { return &s }

// astarsFields are profile fields like Astars' (seed 002 «Редактирование
// профиля»: birth time and place, optional).
var astarsFields = []sdk.Field{
	{Key: "birth_time", Title: sdk.Text{"ru": "Время рождения", "en": "Time of birth"}, Type: sdk.TypeTime},
	{Key: "birth_place", Title: sdk.Text{"ru": "Место рождения", "en": "Place of birth"}, Type: sdk.TypePlace, MaxLen: 200},
}

// Seeds 000/002 «Редактирование профиля»: name, birth date and e-mail are
// required once set; phone and e-mail unique per tenant; the product's
// fields checked by its schema.
func TestUpdateProfile(t *testing.T) {
	e := authtest.New(t)
	e.ProfileFields = astarsFields
	l := e.PhoneLogin(t, authtest.TenantA, phone)
	other := e.PhoneLogin(t, authtest.TenantA, "+79997654321")
	if _, err := e.Service.UpdateProfile(ctxA, other.User.ID, auth.ProfilePatch{Email: ptr("taken@example.com")}); err != nil {
		t.Fatal(err)
	}
	// The same e-mail on tenant B does not count.
	onB := e.PhoneLogin(t, authtest.TenantB, phone)
	if _, err := e.Service.UpdateProfile(ctxB, onB.User.ID, auth.ProfilePatch{Email: ptr("anna@example.com")}); err != nil {
		t.Fatal(err)
	}

	u, err := e.Service.UpdateProfile(ctxA, l.User.ID, auth.ProfilePatch{
		Name: ptr("  Анна "), Surname: ptr("Иванова"), BirthDate: ptr("1990-05-31"), Email: ptr("Anna@Example.com"),
		Fields: map[string]any{"birth_time": "14:30", "birth_place": "Казань"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Анна" || u.Surname != "Иванова" || u.BirthDate != "1990-05-31" || u.Email != "Anna@example.com" ||
		u.Phone != phoneE164 || u.Fields["birth_time"] != "14:30" || u.Fields["birth_place"] != "Казань" {
		t.Fatalf("profile = %+v", u)
	}
	if got, err := e.Service.Profile(ctxA, l.User.ID); err != nil || got.Name != "Анна" || got.Fields["birth_place"] != "Казань" {
		t.Fatalf("stored profile = %+v, %v", got, err)
	}

	type field struct{ field, code string }
	tests := []struct {
		name     string
		patch    auth.ProfilePatch
		kind     errs.Kind
		code     string
		problems []field
	}{
		{"name cannot be blanked", auth.ProfilePatch{Name: ptr(" ")}, errs.KindInvalid, auth.CodeProfileInvalid,
			[]field{{"name", auth.CodeFieldRequired}}},
		{"birth date cannot be blanked", auth.ProfilePatch{BirthDate: ptr("")}, errs.KindInvalid, auth.CodeProfileInvalid,
			[]field{{"birth_date", auth.CodeFieldRequired}}},
		{"e-mail cannot be blanked", auth.ProfilePatch{Email: ptr("")}, errs.KindInvalid, auth.CodeProfileInvalid,
			[]field{{"email", auth.CodeFieldRequired}}},
		{"several problems at once", auth.ProfilePatch{
			Name: ptr(string(make([]rune, 101))), Surname: ptr("a\x00b"), BirthDate: ptr("31.05.1990"),
			Email: ptr("anna@"), Phone: ptr("123"),
		}, errs.KindInvalid, auth.CodeProfileInvalid, []field{
			{"name", auth.CodeTextInvalid}, {"surname", auth.CodeTextInvalid}, {"birth_date", auth.CodeBirthDateInvalid},
			{"email", auth.CodeEmailInvalid}, {"phone", auth.CodePhoneInvalid},
		}},
		{"too long name", auth.ProfilePatch{Name: ptr(longName(101))}, errs.KindInvalid,
			auth.CodeProfileInvalid, []field{{"name", auth.CodeTooLong}}},
		{"birth date in the future", auth.ProfilePatch{BirthDate: ptr("2026-01-16")}, errs.KindInvalid, auth.CodeProfileInvalid,
			[]field{{"birth_date", auth.CodeBirthDateInFuture}}},
		{"birth date before 1900", auth.ProfilePatch{BirthDate: ptr("1899-12-31")}, errs.KindInvalid, auth.CodeProfileInvalid,
			[]field{{"birth_date", auth.CodeBirthDateTooEarly}}},
		{"impossible date", auth.ProfilePatch{BirthDate: ptr("1990-02-30")}, errs.KindInvalid, auth.CodeProfileInvalid,
			[]field{{"birth_date", auth.CodeBirthDateInvalid}}},
		{"product field checked", auth.ProfilePatch{Fields: map[string]any{"birth_time": "25:99"}}, errs.KindInvalid,
			auth.CodeProfileInvalid, []field{{"fields.birth_time", "subjects.time_invalid"}}},
		{"unknown product field", auth.ProfilePatch{Fields: map[string]any{"tenant_id": "beta"}}, errs.KindInvalid,
			auth.CodeProfileInvalid, []field{{"fields.tenant_id", "subjects.field_unknown"}}},
		{"e-mail of another account", auth.ProfilePatch{Email: ptr("TAKEN@example.com")}, errs.KindConflict, auth.CodeEmailTaken,
			[]field{{"email", auth.CodeEmailTaken}}},
		{"phone of another account", auth.ProfilePatch{Phone: ptr("8 999 765 43 21")}, errs.KindConflict, auth.CodePhoneTaken,
			[]field{{"phone", auth.CodePhoneTaken}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Service.UpdateProfile(ctxA, l.User.ID, tt.patch)
			got := errs.As(err)
			if err == nil || got.Kind != tt.kind || got.Code != tt.code {
				t.Fatalf("err = %#v, want %v %s", got, tt.kind, tt.code)
			}
			var problems []field
			for _, f := range got.Fields {
				problems = append(problems, field{f.Field, f.Code})
			}
			if len(problems) != len(tt.problems) {
				t.Fatalf("fields = %v, want %v", problems, tt.problems)
			}
			for i := range problems {
				if problems[i] != tt.problems[i] {
					t.Fatalf("fields = %v, want %v", problems, tt.problems)
				}
			}
			if after, _ := e.Service.Profile(ctxA, l.User.ID); after.Name != "Анна" || after.Email != "Anna@example.com" ||
				after.Phone != phoneE164 || after.BirthDate != "1990-05-31" {
				t.Fatalf("a refused patch changed the profile: %+v", after)
			}
		})
	}

	t.Run("fields merge and remove", func(t *testing.T) {
		u, err := e.Service.UpdateProfile(ctxA, l.User.ID, auth.ProfilePatch{Fields: map[string]any{"birth_time": nil}})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := u.Fields["birth_time"]; ok || u.Fields["birth_place"] != "Казань" {
			t.Fatalf("fields = %v", u.Fields)
		}
	})
	t.Run("surname may be blanked", func(t *testing.T) {
		u, err := e.Service.UpdateProfile(ctxA, l.User.ID, auth.ProfilePatch{Surname: ptr("")})
		if err != nil || u.Surname != "" {
			t.Fatalf("profile = %+v, %v", u, err)
		}
	})
	t.Run("phone changes to E.164 and the old one is free", func(t *testing.T) {
		u, err := e.Service.UpdateProfile(ctxA, l.User.ID, auth.ProfilePatch{Phone: ptr("8 (999) 000-11-22")})
		if err != nil || u.Phone != "+79990001122" {
			t.Fatalf("profile = %+v, %v", u, err)
		}
		e.Clock.Advance(time.Minute) // past the resend cooldown of the first login
		again := e.PhoneLogin(t, authtest.TenantA, phone)
		if !again.Created {
			t.Fatal("the freed phone still signs in to the old account")
		}
	})
	t.Run("the phone may go while an e-mail stays", func(t *testing.T) {
		u, err := e.Service.UpdateProfile(ctxA, l.User.ID, auth.ProfilePatch{Phone: ptr("")})
		if err != nil || u.Phone != "" {
			t.Fatalf("profile = %+v, %v", u, err)
		}
	})
	t.Run("the only sign-in cannot go", func(t *testing.T) {
		lone := e.PhoneLogin(t, authtest.TenantA, "+79995550000")
		_, err := e.Service.UpdateProfile(ctxA, lone.User.ID, auth.ProfilePatch{Phone: ptr("")})
		if got := errs.As(err); got.Code != auth.CodeProfileInvalid || got.Fields[0].Field != "phone" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("avatar", func(t *testing.T) {
		if err := e.Service.SetAvatar(ctxA, l.User.ID, "avatar-1"); err != nil {
			t.Fatal(err)
		}
		if u, _ := e.Service.Profile(ctxA, l.User.ID); u.AvatarID != "avatar-1" {
			t.Fatalf("avatar = %q", u.AvatarID)
		}
		if err := e.Service.SetAvatar(ctxA, l.User.ID, string(make([]byte, 200))); errs.KindOf(err) != errs.KindInvalid {
			t.Fatalf("long avatar id: %v", err)
		}
	})
}

func longName(n int) string {
	r := make([]rune, n)
	for i := range r {
		r[i] = 'я'
	}
	return string(r)
}

func TestCreateStaff(t *testing.T) {
	e := authtest.New(t)
	u, err := e.Service.CreateStaff(ctxA, " Vet@Example.com ", " Доктор Айболит ")
	if err != nil {
		t.Fatal(err)
	}
	if u.Kind != auth.KindStaff || u.Email != "Vet@example.com" || u.Name != "Доктор Айболит" || u.HasPassword || u.TenantID != authtest.TenantA {
		t.Fatalf("staff = %+v", u)
	}
	tests := []struct {
		name, email, person string
		want                *errs.Error
	}{
		{"e-mail taken", "vet@example.com", "Другой", auth.ErrEmailTaken},
		{"bad e-mail", "vet", "Другой", auth.ErrEmailInvalid},
		{"no name", "other@example.com", " ", auth.ErrProfileInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.Service.CreateStaff(ctxA, tt.email, tt.person); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %s", err, tt.want.Code)
			}
		})
	}
	if _, err := e.Service.CreateStaff(ctxB, "vet@example.com", "На другом сайте"); err != nil {
		t.Fatalf("the same e-mail on another tenant: %v", err)
	}
}

// Account deletion (licence offer, seed 004, 14.4; 152-FZ): a fresh code
// to the phone; then every piece of personal data is erased, the sessions
// end, the row and its id stay.
func TestAccountDeletion(t *testing.T) {
	e := authtest.New(t)
	e.ProfileFields = astarsFields
	l := e.PhoneLogin(t, authtest.TenantA, phone)
	e.Clock.Advance(time.Minute)
	second := e.PhoneLogin(t, authtest.TenantA, phone)
	if _, err := e.Service.UpdateProfile(ctxA, l.User.ID, auth.ProfilePatch{
		Name: ptr("Анна"), Surname: ptr("Иванова"), BirthDate: ptr("1990-05-31"), Email: ptr("anna@example.com"),
		Fields: map[string]any{"birth_place": "Казань"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.Service.ChangePassword(ctxA, l.User.ID, "", "a long password"); err != nil {
		t.Fatal(err)
	}
	if err := e.Service.SetAvatar(ctxA, l.User.ID, "avatar-1"); err != nil {
		t.Fatal(err)
	}
	if err := e.Service.RequestPasswordReset(ctxA, "anna@example.com", cl); err != nil {
		t.Fatal(err)
	}
	e.Clock.Advance(time.Minute)

	sent, err := e.Service.StartAccountDeletion(ctxA, l.User.ID, cl)
	if err != nil || sent.ExpiresIn != 10*time.Minute {
		t.Fatalf("start = %+v, %v", sent, err)
	}
	msgs := e.Outbox(t, authtest.TenantA)
	if last := msgs[len(msgs)-1]; last.Kind != auth.KindDeleteCode || last.Recipient != phoneE164 || !last.Sensitive {
		t.Fatalf("deletion message = %+v", last)
	}
	code := e.LastCode(t, authtest.TenantA, phoneE164)
	wantCode(t, e.Service.ConfirmAccountDeletion(ctxA, l.User.ID, wrongCode(code)), false)
	if err := e.Service.ConfirmAccountDeletion(ctxB, l.User.ID, code); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("on another tenant: %v", err) // the account does not exist there
	}
	if err := e.Service.ConfirmAccountDeletion(ctxA, l.User.ID, code); err != nil {
		t.Fatal(err)
	}

	var row struct {
		Phone, Email, EmailKey, PasswordHash *string
		Name, Surname, BirthDate, Fields     string
		AvatarID                             string
		ErasedAt                             *time.Time
	}
	err = e.DB.NewRaw(`SELECT phone, email, email_key, password_hash, name, surname, birth_date, fields, avatar_id, erased_at
		FROM users WHERE tenant_id = ? AND id = ?`, authtest.TenantA, l.User.ID).Scan(context.Background(),
		&row.Phone, &row.Email, &row.EmailKey, &row.PasswordHash, &row.Name, &row.Surname, &row.BirthDate, &row.Fields,
		&row.AvatarID, &row.ErasedAt)
	if err != nil {
		t.Fatalf("the row must stay: %v", err)
	}
	if row.Phone != nil || row.Email != nil || row.EmailKey != nil || row.PasswordHash != nil || row.Name != "" ||
		row.Surname != "" || row.BirthDate != "" || row.Fields != "{}" || row.AvatarID != "" || row.ErasedAt == nil {
		t.Fatalf("personal data left: %+v", row)
	}
	for _, table := range []string{"auth_sessions", "auth_password_resets"} {
		if n := e.Count(t, table, "user_id = ?", l.User.ID); n != 0 {
			t.Fatalf("%d rows left in %s", n, table)
		}
	}
	if n := e.Count(t, "auth_codes", "destination IN (?, ?)", phoneE164, "anna@example.com"); n != 0 {
		t.Fatalf("%d codes to the erased phone or e-mail left", n)
	}
	for _, tok := range []string{l.Token, second.Token} {
		if _, _, err := e.Service.Authenticate(ctxA, tok); !errors.Is(err, auth.ErrSessionInvalid) {
			t.Fatalf("a session of the erased account: %v", err)
		}
	}
	if _, err := e.Service.Profile(ctxA, l.User.ID); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("profile of the erased account: %v", err)
	}
	if _, err := e.Service.LoginWithPassword(ctxA, "anna@example.com", "a long password", cl); !errors.Is(err, auth.ErrCredentialsInvalid) {
		t.Fatalf("password of the erased account: %v", err)
	}
	if err := e.Service.ConfirmAccountDeletion(ctxA, l.User.ID, code); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
	again := e.PhoneLogin(t, authtest.TenantA, phone)
	if !again.Created || again.User.ID == l.User.ID || again.User.Name != "" {
		t.Fatalf("the phone after deletion: %+v", again)
	}
}

// Without a phone the deletion code goes to the e-mail.
func TestAccountDeletionByEmail(t *testing.T) {
	e := authtest.New(t)
	l := withPassword(t, e, email, "a long password")
	e.Clock.Advance(time.Minute) // the resend cooldown covers every code to the address
	if _, err := e.Service.StartAccountDeletion(ctxA, l.User.ID, cl); err != nil {
		t.Fatal(err)
	}
	msgs := e.Outbox(t, authtest.TenantA)
	last := msgs[len(msgs)-1]
	if last.Channel != "email" || last.Kind != auth.KindDeleteCode || last.Recipient != email || last.Subject == "" {
		t.Fatalf("message = %+v", last)
	}
	if err := e.Service.ConfirmAccountDeletion(ctxA, l.User.ID, e.LastCode(t, authtest.TenantA, email)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Service.Profile(ctxA, l.User.ID); !errors.Is(err, auth.ErrNotFound) {
		t.Fatal(err)
	}
}

// TestAccountDeletionIsAtomic: when erasing what other domains keep (pets,
// avatar) fails, the account itself is not erased either, and the code can
// be used again; when it succeeds, the hook saw the same transaction.
func TestAccountDeletionIsAtomic(t *testing.T) {
	e := authtest.New(t)
	fail := true
	var erased []string
	e.OnErase = func(ctx context.Context, userID string) error {
		if fail {
			return errors.New("pets store is down")
		}
		erased = append(erased, userID)
		return nil
	}
	e.Service = e.NewService(e.Store)
	l := e.PhoneLogin(t, authtest.TenantA, phone)
	e.Clock.Advance(time.Minute)
	if _, err := e.Service.StartAccountDeletion(ctxA, l.User.ID, cl); err != nil {
		t.Fatal(err)
	}
	code := e.LastCode(t, authtest.TenantA, phoneE164)
	if err := e.Service.ConfirmAccountDeletion(ctxA, l.User.ID, code); err == nil {
		t.Fatal("deletion succeeded although erasing the pets failed")
	}
	if u, err := e.Service.Profile(ctxA, l.User.ID); err != nil || u.Phone != phoneE164 {
		t.Fatalf("account after a failed deletion = %+v, %v", u, err)
	}
	if _, _, err := e.Service.Authenticate(ctxA, l.Token); err != nil {
		t.Fatalf("session ended by a failed deletion: %v", err)
	}
	fail = false
	if err := e.Service.ConfirmAccountDeletion(ctxA, l.User.ID, code); err != nil {
		t.Fatalf("retry with the same code: %v", err)
	}
	if len(erased) != 1 || erased[0] != l.User.ID {
		t.Fatalf("hook erased %v", erased)
	}
	if _, _, err := e.Service.Authenticate(ctxA, l.Token); err == nil {
		t.Fatal("session survived the deletion")
	}
}
