package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/platform/i18n"
)

// langCookie remembers a visitor's explicit language choice.
const langCookie = "lang"

// negotiateLang picks the language of the answer: the signed-in user's
// choice, then ?lang (remembered in a cookie) or the cookie, then
// Accept-Language, then the site's default (issue 2, "Access and language").
func negotiateLang(c *fiber.Ctx) error {
	choice := i18n.Choice{
		Query:          c.Query("lang"),
		Cookie:         c.Cookies(langCookie),
		AcceptLanguage: c.Get(fiber.HeaderAcceptLanguage),
		Supported:      i18n.Supported(),
	}
	if si := site(c); si != nil {
		choice.SiteDefault = si.Site.Locale
		if len(si.Site.Locales) > 0 {
			choice.Supported = si.Site.Locales
		}
	}
	lang := i18n.Negotiate(choice)
	c.Locals(localLang, lang)
	if choice.Query != "" && choice.Query == lang && !isAPI(c) {
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
			Secure: c.Protocol() == "https", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
	}
	c.Vary(fiber.HeaderAcceptLanguage)
	return c.Next()
}

// langOf returns the negotiated language of the request ("ru" before
// negotiation ran, e.g. on an unknown host).
func langOf(c *fiber.Ctx) string {
	if l, ok := c.Locals(localLang).(string); ok && l != "" {
		return l
	}
	return i18n.Negotiate(i18n.Choice{Query: c.Query("lang"), Cookie: c.Cookies(langCookie),
		AcceptLanguage: c.Get(fiber.HeaderAcceptLanguage), Supported: i18n.Supported()})
}
