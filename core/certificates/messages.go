package certificates

import (
	"time"

	"github.com/consult/platform/core/notify"
)

// Message kinds in the outbox: what a message is about, never its content.
const (
	KindIssued          = "certificates.issued"
	KindTransferredTo   = "certificates.transferred_to"   // to the new holder
	KindTransferredFrom = "certificates.transferred_from" // to the one who gave it
)

// Message ids of the texts (configs/locales/certificates.*.toml).
const (
	msgSMSIssued              = "certificates.sms_issued"
	msgEmailIssuedSubject     = "certificates.email_issued_subject"
	msgEmailIssuedBody        = "certificates.email_issued_body"
	msgCabinetIssuedSubject   = "certificates.cabinet_issued_subject"
	msgCabinetIssuedBody      = "certificates.cabinet_issued_body"
	msgSMSTransferredTo       = "certificates.sms_transferred_to"
	msgSMSTransferredFrom     = "certificates.sms_transferred_from"
	msgCabinetTransferSubject = "certificates.cabinet_transferred_subject"
	msgCabinetTransferBody    = "certificates.cabinet_transferred_body"
)

// day writes a calendar day the language's way: 15.02.2026, 15 Feb 2026.
func day(lang string, t time.Time) string {
	if lang == "en" {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02.01.2006")
}

func lang(locale string) string {
	if locale == "en" {
		return "en"
	}
	return "ru"
}

// textData is what every certificate text may show.
func textData(c Certificate, lg, brand, baseURL string) map[string]any {
	return map[string]any{
		"Brand": brand, "Number": c.Number, "Package": c.PackageTitle, "Link": baseURL,
		"Paid": day(lg, c.PaidAt.In(c.Term.zone())),
		"From": day(lg, c.Term.FirstDay()), "Till": day(lg, c.Term.LastDay()),
	}
}

// issuedMessages delivers a new certificate to every contact it has, and
// returns the channels used for the history. The SMS and the e-mail carry
// the number, which is what claims the services (003 and 004, 4.5), so
// they are Sensitive: never logged, erased after delivery. The cabinet
// copy cannot be (the outbox row is the cabinet notice) and needs not be:
// only the holder sees it.
func (s *Service) issuedMessages(c Certificate, in IssueInput) ([]notify.Message, []string) {
	lg := lang(in.Locale)
	data := textData(c, lg, in.Brand, in.BaseURL)
	dedupe := func(ch notify.Channel) string { return KindIssued + ":" + c.ID + ":" + string(ch) }
	var msgs []notify.Message
	var channels []string
	if c.Holder.Phone != "" {
		msgs = append(msgs, notify.Message{TenantID: c.TenantID, Channel: notify.SMS, To: c.Holder.Phone,
			Text: s.texts.T(lg, msgSMSIssued, data), Kind: KindIssued, DedupeKey: dedupe(notify.SMS), Sensitive: true})
		channels = append(channels, string(notify.SMS))
	}
	if c.Holder.Email != "" {
		msgs = append(msgs, notify.Message{TenantID: c.TenantID, Channel: notify.Email, To: c.Holder.Email,
			Subject: s.texts.T(lg, msgEmailIssuedSubject, data), Text: s.texts.T(lg, msgEmailIssuedBody, data),
			Kind: KindIssued, DedupeKey: dedupe(notify.Email), Sensitive: true})
		channels = append(channels, string(notify.Email))
	}
	if c.Holder.UserID != "" {
		msgs = append(msgs, notify.Message{TenantID: c.TenantID, Channel: notify.Cabinet, To: c.Holder.UserID,
			Subject: s.texts.T(lg, msgCabinetIssuedSubject, data), Text: s.texts.T(lg, msgCabinetIssuedBody, data),
			Kind: KindIssued, DedupeKey: dedupe(notify.Cabinet)})
		channels = append(channels, string(notify.Cabinet))
	}
	return msgs, channels
}

// transferMessages are the notices of a transfer (003 3.10–3.11, 004
// 3.10–3.11): the new holder learns the number and how to activate it; the
// one who gave it is told in the cabinet, and by SMS when the account has
// a phone, so that a transfer nobody meant is noticed at once.
func (s *Service) transferMessages(c Certificate, eventID string, from Customer, toPhone string, cl Client) []notify.Message {
	lg := lang(cl.Locale)
	data := textData(c, lg, cl.Brand, cl.BaseURL)
	data["Phone"] = notify.MaskRecipient(toPhone)
	dedupe := func(kind string, ch notify.Channel) string { return kind + ":" + eventID + ":" + string(ch) }
	msgs := []notify.Message{
		{TenantID: c.TenantID, Channel: notify.SMS, To: toPhone, Text: s.texts.T(lg, msgSMSTransferredTo, data),
			Kind: KindTransferredTo, DedupeKey: dedupe(KindTransferredTo, notify.SMS), Sensitive: true},
		{TenantID: c.TenantID, Channel: notify.Cabinet, To: from.UserID,
			Subject: s.texts.T(lg, msgCabinetTransferSubject, data), Text: s.texts.T(lg, msgCabinetTransferBody, data),
			Kind: KindTransferredFrom, DedupeKey: dedupe(KindTransferredFrom, notify.Cabinet)},
	}
	if from.Phone != "" {
		msgs = append(msgs, notify.Message{TenantID: c.TenantID, Channel: notify.SMS, To: from.Phone,
			Text: s.texts.T(lg, msgSMSTransferredFrom, data), Kind: KindTransferredFrom,
			DedupeKey: dedupe(KindTransferredFrom, notify.SMS), Sensitive: true})
	}
	return msgs
}
