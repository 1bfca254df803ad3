package web

import (
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/certificates"
	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/tenants"
)

// The shop's pages: checkout (seed 000 «Оформление заказа», fig. 30; seed
// 002 fig. 26), the order's state after the bank, «Мои услуги» (seed 000
// fig. 24, with the empty state that links to the catalogue) and the
// activation of a certificate by number (seed 002 «Активация сертификата»).
// They render on the server and post to the JSON API through shop.js.

// shopRoutes registers the pages; checkout and the order page exist only
// when orders are wired (a payment provider runs).
func (s *Server) shopRoutes(app fiber.Router) {
	if s.Orders != nil {
		s.handle(app, fiber.MethodGet, "/checkout", s.checkoutPage)
		s.handle(app, fiber.MethodGet, "/orders/:id", s.orderPage)
	}
	if s.Certificates != nil {
		s.handle(app, fiber.MethodGet, "/my/services", requireUser, s.myServicesPage)
		s.handle(app, fiber.MethodGet, "/activate", requireUser, s.activatePage)
	}
}

// checkoutPackage is the package being bought, as the page shows it.
type checkoutPackage struct {
	OfferID, Code, Title, Price string
	Term                        tenants.Term
	Services                    []homeService
	Software                    bool
}

type checkoutPage struct {
	Title     string
	Package   checkoutPackage
	FirstName string
	Surname   string
	Phone     string
	Email     string
	SignedIn  bool
	LoginURL  string
	// ConsentDocs are the offer of the package and the privacy policy, as
	// the consent text links them.
	ConsentDocs []documentJSON
}

// findSitePackage finds a package this site sells; errs.ErrNotFound
// otherwise, so a stale link shows the branded "not found" page.
func (s *Server) findSitePackage(c *fiber.Ctx, offerID, code string) (tenants.Offer, tenants.Package, error) {
	si := site(c)
	if !slices.Contains(si.Site.Offers, offerID) {
		return tenants.Offer{}, tenants.Package{}, errs.E(errs.KindNotFound, orders.CodePackageUnknown)
	}
	offers, err := s.Offers.Offers(c.UserContext(), offerID)
	if err != nil {
		return tenants.Offer{}, tenants.Package{}, err
	}
	for _, o := range offers {
		for _, p := range o.Packages {
			if p.Code == code && p.Price != nil {
				return o, p, nil
			}
		}
	}
	return tenants.Offer{}, tenants.Package{}, errs.E(errs.KindNotFound, orders.CodePackageUnknown)
}

// serviceTitles returns the package's services with their product titles,
// in the product's order.
func (s *Server) serviceTitles(product, lang string, quotas map[string]int) []homeService {
	spec, _ := s.Products.Spec(product)
	var out []homeService
	for _, kind := range spec.ServiceKinds {
		if n := quotas[kind.Key]; n > 0 {
			out = append(out, homeService{Title: kind.Title.In(lang), Count: n})
		}
	}
	return out
}

// checkoutPage is GET /checkout?offer=…&package=…: the order form with the
// price, the mandatory consent and «Есть промокод?».
func (s *Server) checkoutPage(c *fiber.Ctx) error {
	lang := langOf(c)
	o, p, err := s.findSitePackage(c, c.Query("offer"), c.Query("package"))
	if err != nil {
		return err
	}
	page := checkoutPage{
		Title: s.i18n.T(lang, "shop.checkout_title", nil),
		Package: checkoutPackage{OfferID: o.ID, Code: p.Code, Title: p.Title, Price: formatMoney(*p.Price, o.Currency),
			Term: p.Term, Services: s.serviceTitles(o.Product, lang, p.Quotas), Software: p.SoftwareAccess},
		LoginURL: "/login?next=" + url.QueryEscape(c.OriginalURL()),
	}
	if u := currentUser(c); u != nil {
		page.SignedIn = true
		page.FirstName, page.Surname, page.Phone, page.Email = u.Name, u.Surname, u.Phone, u.Email
	}
	for _, d := range toDocuments(site(c).Site.Documents, lang) {
		if d.ID == o.Document || d.ID == "privacy" {
			page.ConsentDocs = append(page.ConsentDocs, d)
		}
	}
	return s.renderPage(c, "checkout", page)
}

// orderPage is GET /orders/{id}: where the bank returns the customer. It
// shows the order's state and, while the payment is unsettled, shop.js
// polls the API until it is.
func (s *Server) orderPage(c *fiber.Ctx) error {
	o, err := s.Orders.Order(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	lang := langOf(c)
	return s.renderPage(c, "order", fiber.Map{
		"Title": s.i18n.T(lang, "shop.order_title", map[string]any{"Number": o.Number}),
		"Order": s.toOrderJSON(c, o), "Total": formatMoney(o.Total, o.Currency),
		"Waiting":  o.Status == orders.StatusCreated || o.Status == orders.StatusPendingPayment,
		"Paid":     o.Status == orders.StatusPaid,
		"SignedIn": currentUser(c) != nil,
	})
}

// serviceCard is a certificate on «Мои услуги».
type serviceCard struct {
	Number        string
	Title         string
	FirstDay      string
	LastDay       string
	DaysLeft      int
	State         string
	TransferUntil string
	Transferable  bool
	Services      []serviceLeft
}

type serviceLeft struct {
	Title     string
	Quota     int
	Used      int
	Remaining int
}

// myServicesPage is GET /my/services: the customer's packages with what is
// left of each service and the days left; expired or used-up ones below;
// with none, the guides' empty state and a link to buy one.
func (s *Server) myServicesPage(c *fiber.Ctx) error {
	lang := langOf(c)
	active, inactive, err := s.Certificates.Mine(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	// The product of each certificate's offer names its services; an offer
	// may be sold on another site of the tenant, so ask for the
	// certificates' offers, not the site's.
	var offerIDs []string
	for _, sm := range slices.Concat(active, inactive) {
		if !slices.Contains(offerIDs, sm.Certificate.OfferID) {
			offerIDs = append(offerIDs, sm.Certificate.OfferID)
		}
	}
	products := map[string]string{}
	offers, err := s.Offers.Offers(c.UserContext(), offerIDs...)
	if err != nil {
		return err
	}
	for _, o := range offers {
		products[o.ID] = o.Product
	}
	now := s.Clock.Now()
	cards := func(list []certificates.Summary) []serviceCard {
		out := make([]serviceCard, 0, len(list))
		for _, sm := range list {
			cert := sm.Certificate
			j := toCertificateJSON(cert, sm.State, sm.DaysLeft)
			card := serviceCard{Number: cert.Number, Title: cert.PackageTitle, FirstDay: formatDay(lang, j.FirstDay),
				LastDay: formatDay(lang, j.LastDay), DaysLeft: sm.DaysLeft, State: string(sm.State),
				TransferUntil: formatDay(lang, j.TransferUntil),
				Transferable:  now.Before(certificates.TransferDeadline(cert.ReceivedAt, cert.Term.Zone)) && sm.State != certificates.StateExpired}
			spec, _ := s.Products.Spec(products[cert.OfferID])
			for _, q := range cert.Quotas {
				title := q.ServiceKind
				for _, k := range spec.ServiceKinds {
					if k.Key == q.ServiceKind {
						title = k.Title.In(lang)
					}
				}
				card.Services = append(card.Services, serviceLeft{Title: title, Quota: q.Quota, Used: q.Used, Remaining: q.Remaining()})
			}
			out = append(out, card)
		}
		return out
	}
	return s.renderPage(c, "services", fiber.Map{
		"Title":  s.i18n.T(lang, "shop.services_title", nil),
		"Active": cards(active), "Inactive": cards(inactive),
	})
}

// activatePage is GET /activate: the number from the SMS or the partner's
// letter binds the certificate to the account (seed 002 «Активация
// сертификата»); ?number= fills it in.
func (s *Server) activatePage(c *fiber.Ctx) error {
	return s.renderPage(c, "activate", fiber.Map{
		"Title":  s.i18n.T(langOf(c), "shop.activate_title", nil),
		"Number": strings.TrimSpace(c.Query("number")),
	})
}
