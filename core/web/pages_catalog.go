package web

import (
	"context"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/auth"
	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/tenants"
)

// The catalogue's pages (issue 4, DOMAIN.md "Branded sites"): the home page
// with its carousels, a service's page, the specialists and their
// profiles, the blog, the FAQ and the contacts — what both guides show a
// visitor before they sign in (seed 000, «Главная страница» to «Важная
// информация»; seed 002, «Главная страница» to «Блог»). They render on the
// server from the catalogue (CatalogContent), so they work without script;
// catalog.js only scrolls the carousels and posts reviews to the API.

// Page sizes. The home page shows a taste of each list and links to the
// whole; the list pages page with the catalogue's cursor.
const (
	homeSpecialists = 12
	homeArticles    = 3 // the latest three, as the guides' blog blocks
	homeReviews     = 6
	listPageSize    = 12
	reviewsPageSize = 10
	// allPagesCap bounds the reads that need every published specialist
	// (the filters' values, who offers a package): ten pages of
	// catalog.MaxLimit are far more than a site has.
	allPagesCap = 10
)

// catalogPages registers the catalogue's pages; routes.go calls it only
// when the catalogue is wired. The home page is registered there for every
// configuration and falls back to the offers alone.
func (s *Server) catalogPages(app fiber.Router) {
	s.handle(app, fiber.MethodGet, "/services/:offer/:code", s.servicePage)
	s.handle(app, fiber.MethodGet, "/specialists", s.specialistsPage)
	s.handle(app, fiber.MethodGet, "/specialists/:slug", s.specialistPage)
	s.handle(app, fiber.MethodGet, "/blog", s.blogPage)
	s.handle(app, fiber.MethodGet, "/blog/:slug", s.articlePage)
	s.handle(app, fiber.MethodGet, "/faq", s.faqPage)
	s.handle(app, fiber.MethodGet, "/contacts", s.contactsPage)
}

// ---- what the templates receive ------------------------------------------

// offeringCard is a service card: a package with what the catalogue adds.
type offeringCard struct {
	OfferID, OfferTitle string
	Code, Title         string
	Summary             string // the offer file's short description
	Price               *int64 // nil: priced per certificate (Jet Money)
	Currency            string
	Term                tenants.Term
	Services            []homeService
	Software            bool
	Formats             []string // localised: «Аудиоконсультация»
	URL                 string   // the service's page
}

// serviceShelf is one carousel of service cards under its title.
type serviceShelf struct {
	ID    string // the track's element id, for the buttons' aria-controls
	Title string
	Cards []offeringCard
}

type specialistCard struct {
	Slug, Name, URL string
	PhotoURL        string // empty: the initials stand in
	Initials        string
	Specialisations []string
	Animals         []string
	// HasExperience is false when the start of the career is unknown;
	// Experience 0 is then «less than a year».
	HasExperience bool
	Experience    int
}

type articleCard struct {
	Slug, Title, Summary, URL string
	Category                  string // localised
	CoverURL                  string
	Date                      string // in the tenant's zone, per language
	ISODate                   string // for <time datetime>
}

type reviewView struct {
	AuthorName string
	Rating     int
	Stars      string // ★★★★☆
	Text       string
	Date       string
	ISODate    string
}

// reviewsBlock is a page of reviews with the link to the next one.
type reviewsBlock struct {
	Items   []reviewView
	NextURL string
}

// reviewForm is what the form below a service or a specialist needs: who
// may write, and about what.
type reviewForm struct {
	SignedIn   bool
	Customer   bool // only customers write reviews (catalog.ErrCustomersOnly)
	LoginURL   string
	AuthorName string
	Specialist string // a slug; or the package:
	OfferID    string
	Package    string
	MaxName    int
	MaxText    int
}

// facet is one link of a list's filter.
type facet struct {
	Label   string
	URL     string
	Current bool
}

// catalogNav is what the header's navigation needs of the catalogue: the
// product's names of its sections (seed 000 «Главная страница», fig. 1:
// «Полезное», «FAQ», «Контакты»; seed 002, fig. 1: «Наши специалисты»,
// «Блог», «Контакты»). Nil when the catalogue is not wired: the header
// then links only the home page's sections.
type catalogNav struct {
	Specialists string
	Blog        string
}

func (s *Server) catalogNavOf(si *siteInfo, lang string) *catalogNav {
	if s.Catalog == nil || si == nil {
		return nil
	}
	return &catalogNav{Specialists: s.productText(lang, si.Site.Product, "nav_specialists"),
		Blog: s.productText(lang, si.Site.Product, "nav_blog")}
}

// productText returns catalog_pages.<product>.<key> when the product has
// its own name for a section (VetPet's «Полезное» and «Наши ветеринары»),
// else catalog_pages.<key>.
func (s *Server) productText(lang, product, key string) string {
	if product != "" {
		id := "catalog_pages." + product + "." + key
		if v := s.i18n.T(lang, id, nil); v != id {
			return v
		}
	}
	return s.i18n.T(lang, "catalog_pages."+key, nil)
}

// codeLabel localises a code of a list the admin may extend (an article
// category): an unknown code shows as written, not as a message id.
func (s *Server) codeLabel(lang, prefix, code string) string {
	id := prefix + "." + code
	if v := s.i18n.T(lang, id, nil); v != id {
		return v
	}
	return code
}

// siteContacts are the site's contacts as the admin last set them
// (catalogue), else as its data file says. A failing read must not take
// every page down with it, so the data file's answer then stands in.
func (s *Server) siteContacts(c *fiber.Ctx, si *siteInfo) tenants.Contacts {
	if s.Catalog == nil {
		return si.Site.Contacts
	}
	ct, err := s.Catalog.Contacts(c.UserContext(), si.Site)
	if err != nil {
		s.log.WarnContext(c.UserContext(), "contacts from the catalogue", "request_id", requestID(c), "err", err)
		return si.Site.Contacts
	}
	return ct
}

// ---- converters ------------------------------------------------------------

func serviceURL(offerID, code string) string {
	return "/services/" + url.PathEscape(offerID) + "/" + url.PathEscape(code)
}

func specialistURL(slug string) string { return "/specialists/" + url.PathEscape(slug) }

func articleURL(slug string) string { return "/blog/" + url.PathEscape(slug) }

func (s *Server) toOfferingCard(o catalog.Offering, lang string) offeringCard {
	card := offeringCard{OfferID: o.OfferID, OfferTitle: o.OfferTitle.In(lang), Code: o.Package.Code,
		Title: o.Package.Title, Summary: o.Package.Description.In(lang), Price: o.Package.Price, Currency: o.Currency,
		Term: o.Package.Term, Services: s.serviceTitles(o.Product, lang, o.Package.Quotas),
		Software: o.Package.SoftwareAccess, URL: serviceURL(o.OfferID, o.Package.Code)}
	for _, f := range o.Formats() {
		card.Formats = append(card.Formats, s.codeLabel(lang, "catalog.format", f))
	}
	return card
}

func (s *Server) toOfferingCards(list []catalog.Offering, lang string) []offeringCard {
	out := make([]offeringCard, 0, len(list))
	for _, o := range list {
		out = append(out, s.toOfferingCard(o, lang))
	}
	return out
}

func toSpecialistCard(sp catalog.Specialist) specialistCard {
	card := specialistCard{Slug: sp.Slug, Name: sp.Name, URL: specialistURL(sp.Slug), Initials: initials(sp.Name),
		Specialisations: sp.Specialisations, Animals: sp.Animals,
		HasExperience: sp.CareerStartYear != 0, Experience: sp.ExperienceYears}
	if sp.PhotoID != "" {
		// The photo's id in the URL changes with every upload, so the
		// picture may be cached for long (api_catalog.go, sendPicture).
		card.PhotoURL = "/api/v1/catalog/specialists/" + url.PathEscape(sp.Slug) + "/photo?v=" + url.QueryEscape(sp.PhotoID)
	}
	return card
}

// initials stand in for a missing photo: the first letters of the first
// two words, «Коняшкина Ольга Александровна» → «КО», «София» → «С».
func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLetter(r) {
			out = append(out, unicode.ToUpper(r))
		}
		if len(out) == 2 {
			break
		}
	}
	return string(out)
}

// tenantZone is the tenant's time zone: dates on the pages are the tenant's
// calendar days (DESIGN.md "Storage"), Moscow by default.
func tenantZone(si *siteInfo) *time.Location {
	if si != nil && si.Tenant.Timezone != "" {
		if loc, err := time.LoadLocation(si.Tenant.Timezone); err == nil {
			return loc
		}
	}
	if loc, err := time.LoadLocation("Europe/Moscow"); err == nil {
		return loc
	}
	return time.UTC
}

func (s *Server) toArticleCard(a catalog.Article, lang string, loc *time.Location) articleCard {
	card := articleCard{Slug: a.Slug, Title: a.Title, Summary: a.Summary, URL: articleURL(a.Slug)}
	if a.Category != "" {
		card.Category = s.codeLabel(lang, "catalog.category", a.Category)
	}
	if a.CoverID != "" {
		card.CoverURL = "/api/v1/catalog/articles/" + url.PathEscape(a.Slug) + "/cover?v=" + url.QueryEscape(a.CoverID)
	}
	if a.PublishedAt != nil {
		card.ISODate = a.PublishedAt.In(loc).Format(time.DateOnly)
		card.Date = formatDay(lang, card.ISODate)
	}
	return card
}

func toReviewView(r catalog.Review, lang string, loc *time.Location) reviewView {
	rating := min(max(r.Rating, 0), 5)
	day := r.CreatedAt.In(loc).Format(time.DateOnly)
	return reviewView{AuthorName: r.AuthorName, Rating: rating, Text: r.Text,
		Stars: strings.Repeat("★", rating) + strings.Repeat("☆", 5-rating), ISODate: day, Date: formatDay(lang, day)}
}

// pageTitle is a page's <title>: what it shows, then the brand, so a
// bookmark or a tab says which site it is.
func pageTitle(c *fiber.Ctx, title string) string {
	if si := site(c); si != nil {
		if brand := si.Site.Brand.Name.In(langOf(c)); brand != "" {
			return title + " — " + brand
		}
	}
	return title
}

// ---- reads the pages share -------------------------------------------------

// siteOfferings are the site's packages as service cards' data: from the
// catalogue when it is wired, else from the offers alone — the home page
// works in both configurations.
func (s *Server) siteOfferings(ctx context.Context, si *siteInfo) ([]catalog.Offering, error) {
	if s.Catalog != nil {
		return s.Catalog.Services(ctx, catalog.ServiceFilter{OfferIDs: si.Site.Offers})
	}
	offers, err := s.Offers.Offers(ctx, si.Site.Offers...)
	if err != nil {
		return nil, err
	}
	var out []catalog.Offering
	for _, o := range offers {
		for _, p := range o.Packages {
			out = append(out, catalog.Offering{OfferID: o.ID, OfferTitle: o.Title, Product: o.Product,
				Currency: o.Currency, Package: p, Details: catalog.ServiceDetails{OfferID: o.ID, PackageCode: p.Code}})
		}
	}
	return out, nil
}

// shelves lays the site's services out as carousels (seed 000 «Главная
// страница», fig. 2; seed 002 «Консультации», fig. 2): the featured ones
// first — the same set catalog.ServiceFilter{Featured: true} returns, taken
// from the full list to save a read — then the rest grouped by offer, so
// every package of the site is on the page exactly once (Jet Money sells
// 46, none featured: one carousel per offer).
func (s *Server) shelves(all []catalog.Offering, lang string) []serviceShelf {
	var featured, rest []catalog.Offering
	for _, o := range all {
		if o.Details.Featured {
			featured = append(featured, o)
		} else {
			rest = append(rest, o)
		}
	}
	var out []serviceShelf
	if len(featured) > 0 {
		out = append(out, serviceShelf{Title: s.i18n.T(lang, "catalog_pages.featured", nil), Cards: s.toOfferingCards(featured, lang)})
	}
	var order []string
	byOffer := map[string][]catalog.Offering{}
	titles := map[string]string{}
	for _, o := range rest {
		if _, ok := byOffer[o.OfferID]; !ok {
			order = append(order, o.OfferID)
			titles[o.OfferID] = o.OfferTitle.In(lang)
		}
		byOffer[o.OfferID] = append(byOffer[o.OfferID], o)
	}
	for _, id := range order {
		out = append(out, serviceShelf{Title: titles[id], Cards: s.toOfferingCards(byOffer[id], lang)})
	}
	for i := range out {
		out[i].ID = "services-" + strconv.Itoa(i+1)
	}
	return out
}

// publishedSpecialists reads every published specialist, page by page up
// to allPagesCap pages: the filters list every value, and a service's page
// lists whoever offers it, which the catalogue has no filter for.
func (s *Server) publishedSpecialists(ctx context.Context) ([]catalog.Specialist, error) {
	var out []catalog.Specialist
	p := catalog.PageRequest{Limit: catalog.MaxLimit}
	for range allPagesCap {
		page, err := s.Catalog.Specialists(ctx, catalog.SpecialistFilter{}, p)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.Next == "" {
			break
		}
		p.Cursor = page.Next
	}
	return out, nil
}

// reviews reads one page of published reviews (?cursor= pages them on the
// pages that list them) and the link to the next.
func (s *Server) reviews(c *fiber.Ctx, f catalog.ReviewFilter, cursor, base string) (reviewsBlock, error) {
	lang, loc := langOf(c), tenantZone(site(c))
	page, err := s.Catalog.Reviews(c.UserContext(), f, catalog.PageRequest{Limit: reviewsPageSize, Cursor: cursor})
	if err != nil {
		return reviewsBlock{}, err
	}
	var b reviewsBlock
	for _, r := range page.Items {
		b.Items = append(b.Items, toReviewView(r, lang, loc))
	}
	if page.Next != "" {
		b.NextURL = base + "?cursor=" + url.QueryEscape(page.Next) + "#reviews"
	}
	return b, nil
}

// newReviewForm says who may write a review here (seed 000: «оставить
// отзыв после получения услуги»): customers do; a visitor is asked to sign
// in and come back; staff only read.
func newReviewForm(c *fiber.Ctx) reviewForm {
	f := reviewForm{LoginURL: "/login?next=" + url.QueryEscape(c.OriginalURL()),
		MaxName: catalog.MaxAuthorName, MaxText: catalog.MaxReviewText}
	if u := currentUser(c); u != nil {
		f.SignedIn = true
		f.Customer = u.Kind == auth.KindCustomer
		f.AuthorName = strings.TrimSpace(u.Name + " " + u.Surname)
	}
	return f
}

// ---- handlers --------------------------------------------------------------

type homeView struct {
	Shelves []serviceShelf
	// Catalog is false when the catalogue is not wired: the page shows
	// the offers alone.
	Catalog          bool
	SpecialistsTitle string
	AllSpecialists   string // «Все ветеринары» / «Все специалисты»
	BlogTitle        string
	Specialists      []specialistCard
	Articles         []articleCard
	FAQ              []faqView
	Reviews          []reviewView
}

type faqView struct {
	ID       string
	Question string
	Answer   template.HTML
}

// home is the site's front page (seed 000 «Главная страница», fig. 1–7;
// seed 002 «Главная страница», fig. 1–7): services, specialists, the
// latest articles, the FAQ and reviews; the footer has the contacts.
func (s *Server) home(c *fiber.Ctx) error {
	ctx, si, lang := c.UserContext(), site(c), langOf(c)
	all, err := s.siteOfferings(ctx, si)
	if err != nil {
		return err
	}
	v := homeView{Shelves: s.shelves(all, lang)}
	if s.Catalog == nil {
		return s.renderPage(c, "home", fiber.Map{"View": v})
	}
	v.Catalog = true
	v.SpecialistsTitle = s.productText(lang, si.Site.Product, "specialists_title")
	v.AllSpecialists = s.productText(lang, si.Site.Product, "all_specialists")
	v.BlogTitle = s.productText(lang, si.Site.Product, "blog_title")
	sp, err := s.Catalog.Specialists(ctx, catalog.SpecialistFilter{}, catalog.PageRequest{Limit: homeSpecialists})
	if err != nil {
		return err
	}
	for _, x := range sp.Items {
		v.Specialists = append(v.Specialists, toSpecialistCard(x))
	}
	loc := tenantZone(si)
	articles, err := s.Catalog.Articles(ctx, catalog.ArticleFilter{}, catalog.PageRequest{Limit: homeArticles})
	if err != nil {
		return err
	}
	for _, a := range articles.Items {
		v.Articles = append(v.Articles, s.toArticleCard(a, lang, loc))
	}
	if v.FAQ, err = s.faq(ctx); err != nil {
		return err
	}
	reviews, err := s.Catalog.Reviews(ctx, catalog.ReviewFilter{}, catalog.PageRequest{Limit: homeReviews})
	if err != nil {
		return err
	}
	for _, r := range reviews.Items {
		v.Reviews = append(v.Reviews, toReviewView(r, lang, loc))
	}
	return s.renderPage(c, "home", fiber.Map{"View": v})
}

func (s *Server) faq(ctx context.Context) ([]faqView, error) {
	items, err := s.Catalog.FAQ(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]faqView, 0, len(items))
	for _, it := range items {
		out = append(out, faqView{ID: it.ID, Question: it.Question, Answer: catalog.RenderMarkdown(it.Answer)})
	}
	return out, nil
}

type serviceView struct {
	Card        offeringCard
	Description template.HTML
	Specialists []specialistCard
	Reviews     reviewsBlock
	Form        reviewForm
}

// servicePage is GET /services/{offer}/{code}: the service's description
// with its term, price and formats, and «Заказать» (seed 000, fig. 3; seed
// 002 «Консультации», fig. 3), who offers it and what customers said.
func (s *Server) servicePage(c *fiber.Ctx) error {
	ref, err := packageParam(c)
	if err != nil {
		return err
	}
	ctx, si, lang := c.UserContext(), site(c), langOf(c)
	o, err := s.Catalog.ServiceOf(ctx, si.Site.Offers, ref)
	if err != nil {
		return err
	}
	v := serviceView{Card: s.toOfferingCard(o, lang), Form: newReviewForm(c)}
	if o.Details.Description != "" {
		v.Description = catalog.RenderMarkdown(o.Details.Description)
	}
	v.Form.OfferID, v.Form.Package = o.OfferID, o.Package.Code
	all, err := s.publishedSpecialists(ctx)
	if err != nil {
		return err
	}
	for _, sp := range all {
		if slices.Contains(sp.Packages, ref) {
			v.Specialists = append(v.Specialists, toSpecialistCard(sp))
		}
	}
	if v.Reviews, err = s.reviews(c, catalog.ReviewFilter{Package: &ref}, c.Query("cursor"), v.Card.URL); err != nil {
		return err
	}
	return s.renderPage(c, "catalog/service", fiber.Map{"Title": pageTitle(c, o.Package.Title), "View": v})
}

type specialistsView struct {
	Title           string
	Specialists     []specialistCard
	Specialisations []facet
	Animals         []facet
	AllURL          string // the list without filters
	Filtered        bool
	NextURL         string
}

// specialistsPage is GET /specialists: every published specialist in the
// admin's order (seed 000 «Наши ветеринары», fig. 4; seed 002
// «Специалисты», fig. 4), filtered by ?specialisation= or ?animal=, paged
// by ?cursor= («Показать ещё»).
func (s *Server) specialistsPage(c *fiber.Ctx) error {
	ctx, si, lang := c.UserContext(), site(c), langOf(c)
	spec, animal := strings.TrimSpace(c.Query("specialisation")), strings.TrimSpace(c.Query("animal"))
	page, err := s.Catalog.Specialists(ctx, catalog.SpecialistFilter{Specialisation: spec, Animal: animal},
		catalog.PageRequest{Limit: listPageSize, Cursor: c.Query("cursor")})
	if err != nil {
		return err
	}
	v := specialistsView{Title: s.productText(lang, si.Site.Product, "specialists_title"), AllURL: "/specialists",
		Filtered: spec != "" || animal != ""}
	for _, sp := range page.Items {
		v.Specialists = append(v.Specialists, toSpecialistCard(sp))
	}
	if page.Next != "" {
		v.NextURL = specialistsURL(spec, animal, page.Next)
	}
	all, err := s.publishedSpecialists(ctx)
	if err != nil {
		return err
	}
	var specs, animals []facet
	for _, value := range distinctValues(all, func(sp catalog.Specialist) []string { return sp.Specialisations }) {
		specs = append(specs, facet{Label: value, URL: specialistsURL(value, animal, ""), Current: strings.EqualFold(value, spec)})
	}
	for _, value := range distinctValues(all, func(sp catalog.Specialist) []string { return sp.Animals }) {
		animals = append(animals, facet{Label: value, URL: specialistsURL(spec, value, ""), Current: strings.EqualFold(value, animal)})
	}
	everyone := s.i18n.T(lang, "catalog_pages.all", nil)
	v.Specialisations = withAll(specs, facet{Label: everyone, URL: specialistsURL("", animal, ""), Current: spec == ""})
	v.Animals = withAll(animals, facet{Label: everyone, URL: specialistsURL(spec, "", ""), Current: animal == ""})
	return s.renderPage(c, "catalog/specialists", fiber.Map{"Title": pageTitle(c, v.Title), "View": v})
}

// withAll puts the link that clears a filter before its values. A filter
// with a single value and none chosen filters nothing, so it is left out.
func withAll(values []facet, all facet) []facet {
	if len(values) < 2 && all.Current {
		return nil
	}
	return append([]facet{all}, values...)
}

// specialistsURL is the list's address with its filters and cursor.
func specialistsURL(spec, animal, cursor string) string {
	q := url.Values{}
	if spec != "" {
		q.Set("specialisation", spec)
	}
	if animal != "" {
		q.Set("animal", animal)
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if len(q) == 0 {
		return "/specialists"
	}
	return "/specialists?" + q.Encode()
}

// distinctValues collects the values of a list field across items, first
// spelling kept, case aside — the catalogue's filters match any case.
func distinctValues[T any](items []T, values func(T) []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, it := range items {
		for _, v := range values(it) {
			if k := strings.ToLower(strings.TrimSpace(v)); k != "" && !seen[k] {
				seen[k] = true
				out = append(out, v)
			}
		}
	}
	return out
}

type specialistView struct {
	Card      specialistCard
	About     template.HTML
	Education template.HTML
	Services  []offeringCard
	Reviews   reviewsBlock
	Form      reviewForm
	BackTitle string
	// AboutTitle is VetPet's «О себе» (seed 000, fig. 5) or Astars' «О
	// специалисте» (seed 002, fig. 5).
	AboutTitle string
}

// specialistPage is GET /specialists/{slug}: the profile (seed 000, fig. 5:
// specialisations, «Опыт работы», «С какими животными работаем», «О
// себе»; seed 002, fig. 5: «О специалисте», «Образование»), the packages
// they offer with «Заказать», and their reviews.
func (s *Server) specialistPage(c *fiber.Ctx) error {
	slug, err := pathParam(c, "slug")
	if err != nil {
		return err
	}
	ctx, si, lang := c.UserContext(), site(c), langOf(c)
	sp, err := s.Catalog.Specialist(ctx, slug)
	if err != nil {
		return err
	}
	v := specialistView{Card: toSpecialistCard(sp), Form: newReviewForm(c),
		BackTitle:  s.productText(lang, si.Site.Product, "back_to_specialists"),
		AboutTitle: s.productText(lang, si.Site.Product, "about_title")}
	v.Form.Specialist = sp.Slug
	if sp.About != "" {
		v.About = catalog.RenderMarkdown(sp.About)
	}
	if sp.Education != "" {
		v.Education = catalog.RenderMarkdown(sp.Education)
	}
	// A nil Packages filter means every package: ask only when the
	// specialist names some. Packages another site of the tenant sells
	// are left out by OfferIDs.
	if len(sp.Packages) > 0 {
		services, err := s.Catalog.Services(ctx, catalog.ServiceFilter{OfferIDs: si.Site.Offers, Packages: sp.Packages})
		if err != nil {
			return err
		}
		v.Services = s.toOfferingCards(services, lang)
	}
	if v.Reviews, err = s.reviews(c, catalog.ReviewFilter{SpecialistSlug: sp.Slug}, c.Query("cursor"), v.Card.URL); err != nil {
		return err
	}
	return s.renderPage(c, "catalog/specialist", fiber.Map{"Title": pageTitle(c, sp.Name), "View": v})
}

type blogView struct {
	Title      string
	Articles   []articleCard
	Categories []facet
	AllURL     string
	Filtered   bool
	NextURL    string
}

// blogPage is GET /blog: published articles, newest first (seed 000
// «Полезное», fig. 6: «Советы ветеринаров» and the blog; seed 002 «Блог»,
// fig. 6, «Смотреть все»), by ?category=, paged by ?cursor=.
func (s *Server) blogPage(c *fiber.Ctx) error {
	ctx, si, lang := c.UserContext(), site(c), langOf(c)
	category := strings.TrimSpace(c.Query("category"))
	page, err := s.Catalog.Articles(ctx, catalog.ArticleFilter{Category: category},
		catalog.PageRequest{Limit: listPageSize, Cursor: c.Query("cursor")})
	if err != nil {
		return err
	}
	loc := tenantZone(si)
	v := blogView{Title: s.productText(lang, si.Site.Product, "blog_title"), AllURL: "/blog", Filtered: category != ""}
	for _, a := range page.Items {
		v.Articles = append(v.Articles, s.toArticleCard(a, lang, loc))
	}
	if page.Next != "" {
		v.NextURL = blogURL(category, page.Next)
	}
	// The categories to filter by are those of the latest articles: one
	// read, and a category nobody wrote in lately is no loss.
	recent, err := s.Catalog.Articles(ctx, catalog.ArticleFilter{}, catalog.PageRequest{Limit: catalog.MaxLimit})
	if err != nil {
		return err
	}
	var categories []facet
	for _, code := range distinctValues(recent.Items, func(a catalog.Article) []string { return []string{a.Category} }) {
		categories = append(categories, facet{Label: s.codeLabel(lang, "catalog.category", code), URL: blogURL(code, ""),
			Current: code == category})
	}
	v.Categories = withAll(categories, facet{Label: s.i18n.T(lang, "catalog_pages.all", nil), URL: "/blog", Current: category == ""})
	return s.renderPage(c, "catalog/blog", fiber.Map{"Title": pageTitle(c, v.Title), "View": v})
}

func blogURL(category, cursor string) string {
	q := url.Values{}
	if category != "" {
		q.Set("category", category)
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if len(q) == 0 {
		return "/blog"
	}
	return "/blog?" + q.Encode()
}

type articleView struct {
	Card      articleCard
	Body      template.HTML
	BlogTitle string
}

// articlePage is GET /blog/{slug}: one published article (seed 002 «Блог»:
// «Вернуться к списку статей»).
func (s *Server) articlePage(c *fiber.Ctx) error {
	slug, err := pathParam(c, "slug")
	if err != nil {
		return err
	}
	ctx, si, lang := c.UserContext(), site(c), langOf(c)
	a, err := s.Catalog.Article(ctx, slug)
	if err != nil {
		return err
	}
	v := articleView{Card: s.toArticleCard(a, lang, tenantZone(si)), Body: catalog.RenderMarkdown(a.Body),
		BlogTitle: s.productText(lang, si.Site.Product, "blog_title")}
	return s.renderPage(c, "catalog/article", fiber.Map{"Title": pageTitle(c, a.Title), "View": v})
}

// faqPage is GET /faq: the published questions in the admin's order, each
// opening its answer (seed 000 «Список часто задаваемых вопросов», fig. 7:
// ▶ opens, ▼ closes; seed 002, fig. 7).
func (s *Server) faqPage(c *fiber.Ctx) error {
	items, err := s.faq(c.UserContext())
	if err != nil {
		return err
	}
	return s.renderPage(c, "catalog/faq", fiber.Map{"Title": pageTitle(c, s.i18n.T(langOf(c), "catalog_pages.faq_title", nil)),
		"View": items})
}

// contactsPage is GET /contacts: phones to call from the device, e-mail,
// address, hours and the social links (seed 000, fig. 8: «Остались
// вопросы? Задайте их в удобном для Вас формате»; seed 002, fig. 8).
func (s *Server) contactsPage(c *fiber.Ctx) error {
	si, lang := site(c), langOf(c)
	return s.renderPage(c, "catalog/contacts", fiber.Map{"Title": pageTitle(c, s.i18n.T(lang, "catalog_pages.contacts_title", nil)),
		"View": toContacts(s.siteContacts(c, si), lang)})
}
