package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/notify"
)

// DevOutbox lists the messages the platform sent, texts included. It is
// wired only in dev: in prod the routes below do not exist at all.
type DevOutbox = notify.DevReader

type devMessageJSON struct {
	Channel   string    `json:"channel"`
	To        string    `json:"to"`
	Subject   string    `json:"subject,omitempty"`
	Text      string    `json:"text"`
	Kind      string    `json:"kind"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// devOutbox is GET /api/v1/dev/outbox?to=<phone or e-mail>: this site's
// tenant's messages, newest first, so demo logins can read their codes.
func (s *Server) devOutbox(c *fiber.Ctx) error {
	list, err := s.DevOutbox.DevMessages(c.UserContext(), c.Query("to"), 100)
	if err != nil {
		return err
	}
	out := make([]devMessageJSON, 0, len(list))
	for _, m := range list {
		out = append(out, devMessageJSON{Channel: string(m.Channel), To: m.To, Subject: m.Subject, Text: m.Text,
			Kind: m.Kind, Status: m.Status, CreatedAt: m.CreatedAt})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"messages": out})
}

func (s *Server) devOutboxPage(c *fiber.Ctx) error {
	return s.renderPage(c, "dev_outbox", fiber.Map{"Title": s.i18n.T(langOf(c), "dev.outbox_title", nil), "To": c.Query("to")})
}
