package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/orders"
)

// Promos is the promo-code administration of the orders service.
type Promos interface {
	CreatePromo(ctx context.Context, in orders.PromoInput) (orders.Promo, error)
	Promos(ctx context.Context) ([]orders.Promo, error)
	DisablePromo(ctx context.Context, id string) (orders.Promo, error)
}

type promoJSON struct {
	ID               string               `json:"id"`
	Code             string               `json:"code"`
	Kind             string               `json:"kind"`
	Percent          int                  `json:"percent,omitempty"`
	Amount           int64                `json:"amount,omitempty"`
	Currency         string               `json:"currency,omitempty"`
	ValidFrom        string               `json:"valid_from,omitempty"`
	ValidUntil       string               `json:"valid_until,omitempty"`
	TotalLimit       int                  `json:"total_limit"`
	PerCustomerLimit int                  `json:"per_customer_limit"`
	Used             int                  `json:"used"`
	Targets          []orders.PromoTarget `json:"targets"`
	CreatedAt        time.Time            `json:"created_at"`
	DisabledAt       *time.Time           `json:"disabled_at,omitempty"`
}

func toPromoJSON(p orders.Promo) promoJSON {
	out := promoJSON{ID: p.ID, Code: p.Code, Kind: string(p.Kind), Percent: p.Percent, Amount: p.Amount,
		Currency: p.Currency, ValidFrom: p.ValidFrom, ValidUntil: p.ValidUntil, TotalLimit: p.TotalLimit,
		PerCustomerLimit: p.PerCustomerLimit, Used: p.Used, Targets: p.Targets, CreatedAt: p.CreatedAt,
		DisabledAt: p.DisabledAt}
	if out.Targets == nil {
		out.Targets = []orders.PromoTarget{}
	}
	return out
}

// promoRoutes are the tenant admin's promo codes (casbin promo_codes):
// list with uses, create, disable. A code is never deleted — orders refer
// to it — and never edited: a changed discount would make two customers
// with the same code pay differently for reasons nobody could reconstruct.
func (s *Server) promoRoutes(api fiber.Router) {
	s.handle(api, fiber.MethodGet, "/admin/promos", s.requirePermission("promo_codes", "read"), s.listPromos)
	s.handle(api, fiber.MethodPost, "/admin/promos", s.requirePermission("promo_codes", "write"), s.createPromo)
	s.handle(api, fiber.MethodPost, "/admin/promos/:id/disable", s.requirePermission("promo_codes", "manage"), s.disablePromo)
}

func (s *Server) listPromos(c *fiber.Ctx) error {
	list, err := s.Promos.Promos(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]promoJSON, len(list))
	for i, p := range list {
		out[i] = toPromoJSON(p)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"promos": out})
}

func (s *Server) createPromo(c *fiber.Ctx) error {
	var in struct {
		Code             string               `json:"code"`
		Percent          int                  `json:"percent"`
		Amount           int64                `json:"amount"`
		Currency         string               `json:"currency"`
		ValidFrom        string               `json:"valid_from"`
		ValidUntil       string               `json:"valid_until"`
		TotalLimit       int                  `json:"total_limit"`
		PerCustomerLimit int                  `json:"per_customer_limit"`
		Targets          []orders.PromoTarget `json:"targets"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.Promos.CreatePromo(c.UserContext(), orders.PromoInput{Code: in.Code, Percent: in.Percent,
		Amount: in.Amount, Currency: in.Currency, ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil,
		TotalLimit: in.TotalLimit, PerCustomerLimit: in.PerCustomerLimit, Targets: in.Targets})
	if err != nil {
		return err
	}
	s.Log.InfoContext(c.UserContext(), "promo created", "promo", p.ID, "by", currentUser(c).ID)
	return c.Status(fiber.StatusCreated).JSON(toPromoJSON(p))
}

func (s *Server) disablePromo(c *fiber.Ctx) error {
	p, err := s.Promos.DisablePromo(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	s.Log.InfoContext(c.UserContext(), "promo disabled", "promo", p.ID, "by", currentUser(c).ID)
	return c.JSON(toPromoJSON(p))
}
