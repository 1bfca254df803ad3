package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/tenants"
)

type offersResponse struct {
	Offers []offerJSON `json:"offers"`
}

type offerJSON struct {
	ID           string        `json:"id"`
	Title        string        `json:"title"`
	Product      string        `json:"product"`
	ContractType string        `json:"contract_type"`
	Executor     *executorJSON `json:"executor"`
	Currency     string        `json:"currency"`
	Packages     []packageJSON `json:"packages"`
}

type executorJSON struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	INN    string `json:"inn"`
	OGRN   string `json:"ogrn,omitempty"`
	OGRNIP string `json:"ogrnip,omitempty"`
}

type packageJSON struct {
	Code           string         `json:"code"`
	Title          string         `json:"title"`
	Term           tenants.Term   `json:"term"`
	Quotas         map[string]int `json:"quotas"`
	Price          *int64         `json:"price"`
	Currency       string         `json:"currency"`
	Formats        []string       `json:"formats"`
	Description    string         `json:"description,omitempty"`
	SoftwareAccess bool           `json:"software_access"`
}

// getOffers is GET /api/v1/offers: what this site sells, package by
// package. Prices are kopecks; null where the offer sets the price per
// certificate (offer 003, annex 1, p. 2).
func (s *Server) getOffers(c *fiber.Ctx) error {
	si := site(c)
	offers, err := s.Offers.Offers(c.UserContext(), si.Site.Offers...)
	if err != nil {
		return err
	}
	return c.JSON(offersResponse{Offers: toOffers(si.Tenant, offers, langOf(c))})
}

func toOffers(t tenants.Tenant, offers []tenants.Offer, lang string) []offerJSON {
	out := make([]offerJSON, 0, len(offers))
	for _, o := range offers {
		oj := offerJSON{ID: o.ID, Title: o.Title.In(lang), Product: o.Product, ContractType: string(o.ContractType),
			Currency: o.Currency, Packages: make([]packageJSON, 0, len(o.Packages))}
		for _, le := range t.LegalEntities {
			if le.ID == o.Executor {
				oj.Executor = &executorJSON{Name: le.Name.In(lang), Kind: string(le.Kind), INN: le.INN, OGRN: le.OGRN, OGRNIP: le.OGRNIP}
			}
		}
		for _, p := range o.Packages {
			oj.Packages = append(oj.Packages, packageJSON{Code: p.Code, Title: p.Title, Term: p.Term, Quotas: p.Quotas,
				Price: p.Price, Currency: o.Currency, Formats: nonNil(p.Formats), Description: p.Description.In(lang),
				SoftwareAccess: p.SoftwareAccess})
		}
		out = append(out, oj)
	}
	return out
}
