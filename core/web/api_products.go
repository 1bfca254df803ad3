package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/plugins/sdk"
)

type productsResponse struct {
	Products []productJSON `json:"products"`
}

type productJSON struct {
	sdk.Spec
	// Available is false while the product's plugin is restarting: its
	// schemas are still valid, its calls answer 503.
	Available bool `json:"available"`
}

// getProducts is GET /api/v1/products: the products this site's tenant
// sells, from the specs cached at plugin start — never a plugin call per
// request (DESIGN.md, "Plugins").
func (s *Server) getProducts(c *fiber.Ctx) error {
	si := site(c)
	running := map[string]bool{}
	for _, st := range s.Products.PluginStates() {
		running[st.Product] = st.Status == "running"
	}
	out := productsResponse{Products: []productJSON{}}
	for _, id := range siteProducts(si) {
		spec, ok := s.Products.Spec(id)
		if !ok {
			continue
		}
		out.Products = append(out.Products, productJSON{Spec: spec, Available: running[id]})
	}
	return c.JSON(out)
}

// siteProducts lists the site's own product first, then the tenant's
// other products, without repeats.
func siteProducts(si *siteInfo) []string {
	seen := map[string]bool{}
	var ids []string
	for _, id := range append([]string{si.Site.Product}, si.Tenant.Products...) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}
