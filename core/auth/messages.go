package auth

import (
	"net/url"
	"strings"
	"time"

	"github.com/consult/platform/core/notify"
)

// Message kinds in the outbox: what a message is about, never its content.
const (
	KindLoginCode       = "auth.login_code"
	KindDeleteCode      = "auth.delete_code"
	KindPasswordReset   = "auth.password_reset"
	KindPasswordChanged = "auth.password_changed"
)

// Message ids of the texts (configs/locales/auth.*.toml).
const (
	msgMinutes                = "auth.minutes" // plural on Count
	msgSMSLoginCode           = "auth.sms_login_code"
	msgEmailLoginSubject      = "auth.email_login_subject"
	msgEmailLoginBody         = "auth.email_login_body"
	msgSMSDeleteCode          = "auth.sms_delete_code"
	msgEmailDeleteSubject     = "auth.email_delete_subject"
	msgEmailDeleteBody        = "auth.email_delete_body"
	msgEmailResetSubject      = "auth.email_reset_subject"
	msgEmailResetBody         = "auth.email_reset_body"
	msgPasswordChangedSubject = "auth.email_password_changed_subject"
	msgPasswordChangedBody    = "auth.email_password_changed_body"
)

// validity writes a lifetime for a message text: "10 минут".
func (s *Service) validity(lang string, d time.Duration) string {
	return s.texts.T(lang, msgMinutes, map[string]any{"Count": int((d + time.Minute - 1) / time.Minute)})
}

// link joins the site's base URL, a page path and its query.
func link(baseURL, path string, query url.Values) string {
	return strings.TrimRight(baseURL, "/") + path + "?" + query.Encode()
}

// codeMessage is the SMS or e-mail carrying a one-time code. It is
// Sensitive: the outbox never logs it and erases it after delivery.
func (s *Service) codeMessage(tenantID string, purpose Purpose, channel notify.Channel, to, code string, cl Client) notify.Message {
	lg := lang(cl.Locale)
	data := map[string]any{"Code": code, "Brand": cl.Brand, "Validity": s.validity(lg, s.cfg.CodeTTL)}
	m := notify.Message{TenantID: tenantID, Channel: channel, To: to, Sensitive: true, Kind: KindLoginCode}
	switch {
	case purpose == PurposeDeleteAccount && channel == notify.SMS:
		m.Kind, m.Text = KindDeleteCode, s.texts.T(lg, msgSMSDeleteCode, data)
	case purpose == PurposeDeleteAccount:
		m.Kind = KindDeleteCode
		m.Subject, m.Text = s.texts.T(lg, msgEmailDeleteSubject, data), s.texts.T(lg, msgEmailDeleteBody, data)
	case channel == notify.SMS:
		m.Text = s.texts.T(lg, msgSMSLoginCode, data)
	default:
		// The e-mail carries the code and a link that fills it in, so a
		// reader on another device can type the code, and one on the
		// same device just opens the link (seeds 000/002 «Авторизация»:
		// login by e-mail; SECURITY.md 7: never a password by e-mail).
		data["Link"] = link(cl.BaseURL, s.cfg.EmailLinkPath, url.Values{"email": {to}, "code": {code}})
		m.Subject, m.Text = s.texts.T(lg, msgEmailLoginSubject, data), s.texts.T(lg, msgEmailLoginBody, data)
	}
	return m
}

// resetMessage is the e-mail with the password-reset link (SECURITY.md 7).
func (s *Service) resetMessage(tenantID, to, token string, cl Client) notify.Message {
	lg := lang(cl.Locale)
	data := map[string]any{"Brand": cl.Brand, "Validity": s.validity(lg, s.cfg.ResetTTL),
		"Link": link(cl.BaseURL, s.cfg.ResetPath, url.Values{"token": {token}})}
	return notify.Message{TenantID: tenantID, Channel: notify.Email, To: to, Kind: KindPasswordReset, Sensitive: true,
		Subject: s.texts.T(lg, msgEmailResetSubject, data), Text: s.texts.T(lg, msgEmailResetBody, data)}
}

// passwordChangedMessage tells the owner that the password changed, so a
// change they did not make does not go unnoticed (SECURITY.md 7).
func (s *Service) passwordChangedMessage(tenantID, to, locale, brand string) notify.Message {
	lg := lang(locale)
	data := map[string]any{"Brand": brand}
	return notify.Message{TenantID: tenantID, Channel: notify.Email, To: to, Kind: KindPasswordChanged,
		Subject: s.texts.T(lg, msgPasswordChangedSubject, data), Text: s.texts.T(lg, msgPasswordChangedBody, data)}
}
