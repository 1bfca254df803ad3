package catalog_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/catalog/catalogtest"
	"github.com/consult/platform/core/media"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/tenants"
)

var (
	vet    = catalogtest.Ctx("vetpet")
	astars = catalogtest.Ctx("astars")
)

const admin = "admin-1"

// fields returns "field:code" of an Invalid error's field errors.
func fields(err error) []string {
	e := errs.As(err)
	if e == nil {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

func olga() catalog.Specialist {
	return catalog.Specialist{Slug: "konyashkina-olga", Name: "Коняшкина Ольга Александровна",
		Specialisations: []string{"Терапия", "визуальная диагностика"}, CareerStartYear: 2014,
		Animals: []string{"Кошки", "Птицы", "Собаки"}, About: "Постоянно изучаю новое.",
		Packages: []catalog.PackageRef{catalogtest.VetHappyPet}, Published: true, SortOrder: 10}
}

func TestSpecialistValidation(t *testing.T) {
	e := catalogtest.New(t)
	tests := []struct {
		name string
		edit func(*catalog.Specialist)
		want []string
	}{
		{"no name, no slug", func(s *catalog.Specialist) { s.Name, s.Slug = "  ", "" },
			[]string{"slug:catalog.field_required", "name:catalog.field_required"}},
		{"a slug with capitals and spaces", func(s *catalog.Specialist) { s.Slug = "Olga K" }, []string{"slug:catalog.slug_invalid"}},
		{"a slug with a double hyphen", func(s *catalog.Specialist) { s.Slug = "olga--k" }, []string{"slug:catalog.slug_invalid"}},
		{"a Cyrillic slug", func(s *catalog.Specialist) { s.Slug = "ольга" }, []string{"slug:catalog.slug_invalid"}},
		{"a long name", func(s *catalog.Specialist) { s.Name = strings.Repeat("я", catalog.MaxName+1) }, []string{"name:catalog.too_long"}},
		{"a blank specialisation", func(s *catalog.Specialist) { s.Specialisations = []string{"Терапия", " "} },
			[]string{"specialisations[1]:catalog.field_required"}},
		{"the same animal twice, case aside", func(s *catalog.Specialist) { s.Animals = []string{"Кошки", "кошки"} },
			[]string{"animals[1]:catalog.duplicate"}},
		{"too many animals", func(s *catalog.Specialist) { s.Animals = make([]string, catalog.MaxListItems+1) },
			[]string{"animals:catalog.too_many"}},
		{"an unknown package", func(s *catalog.Specialist) {
			s.Packages = []catalog.PackageRef{catalogtest.VetHappyPet, {OfferID: "retail", Code: "nope"}}
		}, []string{"packages[1]:catalog.package_unknown"}},
		{"another tenant's package", func(s *catalog.Specialist) { s.Packages = []catalog.PackageRef{catalogtest.AstarsChart} },
			[]string{"packages[0]:catalog.package_unknown"}},
		{"a package twice", func(s *catalog.Specialist) {
			s.Packages = []catalog.PackageRef{catalogtest.VetHappyPet, catalogtest.VetHappyPet}
		}, []string{"packages[1]:catalog.duplicate"}},
		{"a career before 1950", func(s *catalog.Specialist) { s.CareerStartYear = 1949 }, []string{"career_start_year:catalog.year_invalid"}},
		{"a career from next year", func(s *catalog.Specialist) { s.CareerStartYear = 2027 }, []string{"career_start_year:catalog.year_invalid"}},
		{"an absurd sort order", func(s *catalog.Specialist) { s.SortOrder = 2_000_000 }, []string{"sort_order:catalog.number_invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := olga()
			tt.edit(&sp)
			_, err := e.Service.CreateSpecialist(vet, admin, sp)
			if errs.KindOf(err) != errs.KindInvalid || !slices.Equal(fields(err), tt.want) {
				t.Fatalf("err = %v %v, want fields %v", err, fields(err), tt.want)
			}
		})
	}
	t.Run("nothing was written", func(t *testing.T) {
		page, err := e.Service.Specialists(vet, catalog.SpecialistFilter{Unpublished: true}, catalog.PageRequest{})
		if err != nil || len(page.Items) != 0 {
			t.Fatalf("specialists = %+v, %v", page.Items, err)
		}
		audit, err := e.Service.Audit(vet, catalog.PageRequest{})
		if err != nil || len(audit.Items) != 0 {
			t.Fatalf("audit = %+v, %v", audit.Items, err)
		}
	})
}

// picture returns a processed picture, as the web layer hands it over.
func picture(t *testing.T, c color.Color) media.Image {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for y := range 30 {
		for x := range 40 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	out, err := media.ProcessAvatar(&b, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSpecialistLifecycle(t *testing.T) {
	e := catalogtest.New(t)
	svc := e.Service
	sp, err := svc.CreateSpecialist(vet, admin, olga())
	if err != nil {
		t.Fatal(err)
	}
	hidden := olga()
	hidden.Slug, hidden.Name, hidden.Published, hidden.SortOrder = "draft", "Черновик", false, 5
	if _, err := svc.CreateSpecialist(vet, admin, hidden); err != nil {
		t.Fatal(err)
	}
	t.Run("years of experience follow the clock", func(t *testing.T) {
		// seed 000, fig. 5: «Опыт работы: 12 лет» for a career from 2014.
		got, err := svc.Specialist(vet, "konyashkina-olga")
		if err != nil || got.ExperienceYears != 12 {
			t.Fatalf("in 2026: %d years, %v", got.ExperienceYears, err)
		}
		e.Clock.Advance(365 * 24 * time.Hour)
		defer e.Clock.Set(catalogtest.Start)
		got, _ = svc.Specialist(vet, "konyashkina-olga")
		if got.ExperienceYears != 13 {
			t.Fatalf("a year later: %d years", got.ExperienceYears)
		}
	})
	t.Run("visitors see only the published", func(t *testing.T) {
		if _, err := svc.Specialist(vet, "draft"); !errors.Is(err, catalog.ErrSpecialistNotFound) {
			t.Fatalf("unpublished by slug: %v", err)
		}
		page, _ := svc.Specialists(vet, catalog.SpecialistFilter{}, catalog.PageRequest{})
		all, _ := svc.Specialists(vet, catalog.SpecialistFilter{Unpublished: true}, catalog.PageRequest{})
		if len(page.Items) != 1 || len(all.Items) != 2 || all.Items[0].Slug != "draft" {
			t.Fatalf("public %d, admin %d (first %s)", len(page.Items), len(all.Items), all.Items[0].Slug)
		}
		if page, _ := svc.Specialists(vet, catalog.SpecialistFilter{Animal: "птицы"}, catalog.PageRequest{}); len(page.Items) != 1 {
			t.Fatalf("birds: %d", len(page.Items))
		}
	})
	t.Run("another tenant does not see them", func(t *testing.T) {
		if _, err := svc.Specialist(astars, "konyashkina-olga"); !errors.Is(err, catalog.ErrSpecialistNotFound) {
			t.Fatalf("astars by slug: %v", err)
		}
		if _, err := svc.UpdateSpecialist(astars, admin, sp); !errors.Is(err, catalog.ErrSpecialistNotFound) &&
			errs.KindOf(err) != errs.KindInvalid {
			t.Fatalf("astars update: %v", err)
		}
	})
	t.Run("a photo", func(t *testing.T) {
		if _, err := svc.SpecialistPhoto(vet, sp.Slug); !errors.Is(err, catalog.ErrImageNotFound) {
			t.Fatalf("no photo yet: %v", err)
		}
		first, err := svc.PutSpecialistPhoto(vet, admin, sp.ID, picture(t, color.White))
		if err != nil || first.PhotoID == "" {
			t.Fatalf("put: %+v %v", first, err)
		}
		second, err := svc.PutSpecialistPhoto(vet, admin, sp.ID, picture(t, color.Black))
		if err != nil || second.PhotoID == first.PhotoID {
			t.Fatalf("replace: %+v %v", second, err)
		}
		img, err := svc.SpecialistPhoto(vet, sp.Slug)
		if err != nil || img.Width != 40 || len(img.Bytes) == 0 {
			t.Fatalf("get: %+v %v", img.Width, err)
		}
		if _, err := svc.PutSpecialistPhoto(vet, admin, sp.ID, media.Image{Bytes: []byte("<svg/>"), ContentType: "image/svg+xml"}); errs.KindOf(err) != errs.KindInternal {
			t.Fatalf("an unprocessed upload was stored: %v", err)
		}
		if _, err := svc.PutSpecialistPhoto(astars, admin, sp.ID, picture(t, color.White)); !errors.Is(err, catalog.ErrSpecialistNotFound) {
			t.Fatalf("astars put a photo on VetPet's specialist: %v", err)
		}
	})
	t.Run("an edit keeps the photo and replaces the lists", func(t *testing.T) {
		in := olga()
		in.ID = sp.ID
		in.Animals = []string{"Собаки"}
		got, err := svc.UpdateSpecialist(vet, admin, in)
		if err != nil || got.PhotoID == "" || !slices.Equal(got.Animals, []string{"Собаки"}) || !got.CreatedAt.Equal(sp.CreatedAt) {
			t.Fatalf("update: %+v %v", got, err)
		}
	})
	t.Run("removing the photo", func(t *testing.T) {
		got, err := svc.DeleteSpecialistPhoto(vet, admin, sp.ID)
		if err != nil || got.PhotoID != "" {
			t.Fatalf("delete photo: %+v %v", got, err)
		}
		if _, err := svc.SpecialistPhoto(vet, sp.Slug); !errors.Is(err, catalog.ErrImageNotFound) {
			t.Fatalf("photo after removal: %v", err)
		}
	})
	t.Run("deleting removes the photo with them", func(t *testing.T) {
		withPhoto, err := svc.PutSpecialistPhoto(vet, admin, sp.ID, picture(t, color.White))
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.DeleteSpecialist(vet, admin, sp.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SpecialistByID(vet, sp.ID); !errors.Is(err, catalog.ErrSpecialistNotFound) {
			t.Fatalf("after delete: %v", err)
		}
		var n int
		if err := e.DB.NewRaw("SELECT count(*) FROM media WHERE id = ?", withPhoto.PhotoID).Scan(context.Background(), &n); err != nil || n != 0 {
			t.Fatalf("the photo outlived its specialist: %d %v", n, err)
		}
	})
	t.Run("every change is in the audit trail", func(t *testing.T) {
		page, err := svc.Audit(vet, catalog.PageRequest{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range page.Items {
			if a.ActorID != admin || a.At.IsZero() {
				t.Errorf("entry %+v", a)
			}
			got = append(got, a.Action)
		}
		want := []string{"delete", "photo", "photo", "update", "photo", "photo", "create", "create"}
		if !slices.Equal(got, want) {
			t.Fatalf("audit = %v, want %v", got, want)
		}
	})
	t.Run("a change without an actor is refused", func(t *testing.T) {
		in := olga()
		in.Slug = "nobody"
		if _, err := svc.CreateSpecialist(vet, "", in); errs.KindOf(err) != errs.KindInternal {
			t.Fatalf("no actor: %v", err)
		}
		if _, err := svc.SpecialistByID(vet, "nobody"); !errors.Is(err, catalog.ErrSpecialistNotFound) {
			t.Fatalf("written without an actor: %v", err)
		}
	})
}

func TestServices(t *testing.T) {
	e := catalogtest.New(t)
	svc := e.Service
	vetSite := e.Site(t, "vetpet")
	codes := func(list []catalog.Offering) []string {
		var out []string
		for _, o := range list {
			out = append(out, o.Package.Code)
		}
		return out
	}
	t.Run("without details: the offer's packages in its order", func(t *testing.T) {
		list, err := svc.Services(vet, catalog.ServiceFilter{OfferIDs: vetSite.Offers})
		if err != nil || !slices.Equal(codes(list), []string{"diet_consultation", "happy_pet"}) || list[0].HasDetails {
			t.Fatalf("services = %v, %v", codes(list), err)
		}
		// seed 000, fig. 3: the dietitian consultation costs 549 ₽.
		if p := list[0].Package.Price; p == nil || *p != 54900 {
			t.Fatalf("price = %v", p)
		}
	})
	if _, err := svc.PutServiceDetails(vet, admin, catalog.ServiceDetails{OfferID: "retail", PackageCode: "happy_pet",
		Description: "Подробно", SortOrder: -1, Featured: true}); err != nil {
		t.Fatal(err)
	}
	t.Run("details order and feature them", func(t *testing.T) {
		list, _ := svc.Services(vet, catalog.ServiceFilter{OfferIDs: vetSite.Offers})
		if !slices.Equal(codes(list), []string{"happy_pet", "diet_consultation"}) || !list[0].HasDetails ||
			list[0].Details.Description != "Подробно" {
			t.Fatalf("services = %v", codes(list))
		}
		featured, _ := svc.Services(vet, catalog.ServiceFilter{OfferIDs: vetSite.Offers, Featured: true})
		if !slices.Equal(codes(featured), []string{"happy_pet"}) {
			t.Fatalf("featured = %v", codes(featured))
		}
	})
	t.Run("formats fall back to the offer's", func(t *testing.T) {
		astarsSite := e.Site(t, "astars")
		chart, err := svc.ServiceOf(astars, astarsSite.Offers, catalogtest.AstarsChart)
		if err != nil || !slices.Equal(chart.Formats(), []string{"audio", "written"}) {
			t.Fatalf("natal chart formats = %v, %v", chart.Formats(), err)
		}
		if _, err := svc.PutServiceDetails(astars, admin, catalog.ServiceDetails{OfferID: "retail", PackageCode: "natal_chart_full",
			Formats: []string{"written"}}); err != nil {
			t.Fatal(err)
		}
		chart, _ = svc.ServiceOf(astars, astarsSite.Offers, catalogtest.AstarsChart)
		if !slices.Equal(chart.Formats(), []string{"written"}) {
			t.Fatalf("natal chart formats = %v", chart.Formats())
		}
	})
	t.Run("a site sees only the offers it sells", func(t *testing.T) {
		// KontaktKredit's site sells only the subscription offer (tenant.yaml).
		jm := catalogtest.Ctx("jetmoney")
		reg, _ := e.Tenants.Tenant("jetmoney")
		var kk tenants.Site
		for _, s := range reg.Sites {
			if s.ID == "kontaktkredit" {
				kk = s
			}
		}
		if _, err := svc.ServiceOf(jm, kk.Offers, catalog.PackageRef{OfferID: "licence", Code: "PET18"}); !errors.Is(err, catalog.ErrServiceNotFound) {
			t.Fatalf("licence package on KontaktKredit: %v", err)
		}
		if _, err := svc.ServiceOf(jm, kk.Offers, catalog.PackageRef{OfferID: "subscription", Code: "КЕША+"}); err != nil {
			t.Fatalf("subscription package on KontaktKredit: %v", err)
		}
	})
	tests := []struct {
		name string
		d    catalog.ServiceDetails
		want error
		flds []string
	}{
		{"an unknown package", catalog.ServiceDetails{OfferID: "retail", PackageCode: "nope"}, catalog.ErrServiceNotFound, nil},
		{"another tenant's package", catalog.ServiceDetails{OfferID: "retail", PackageCode: "natal_chart_full"}, catalog.ErrServiceNotFound, nil},
		{"an unknown format", catalog.ServiceDetails{OfferID: "retail", PackageCode: "happy_pet", Formats: []string{"telepathy"}},
			nil, []string{"formats[0]:catalog.value_unknown"}},
		{"a long description", catalog.ServiceDetails{OfferID: "retail", PackageCode: "happy_pet",
			Description: strings.Repeat("a", catalog.MaxMarkdown+1)}, nil, []string{"description:catalog.too_long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.PutServiceDetails(vet, admin, tt.d)
			if tt.want != nil && !errors.Is(err, tt.want) || tt.flds != nil && !slices.Equal(fields(err), tt.flds) {
				t.Fatalf("err = %v %v", err, fields(err))
			}
		})
	}
	t.Run("removing details", func(t *testing.T) {
		ref := catalogtest.VetHappyPet
		if err := svc.DeleteServiceDetails(vet, admin, ref); err != nil {
			t.Fatal(err)
		}
		if err := svc.DeleteServiceDetails(vet, admin, ref); !errors.Is(err, catalog.ErrServiceNotFound) {
			t.Fatalf("second delete: %v", err)
		}
	})
}

func TestArticles(t *testing.T) {
	e := catalogtest.New(t)
	svc := e.Service
	at := func(d time.Duration) *time.Time { x := catalogtest.Start.Add(d); return &x }
	for _, a := range []catalog.Article{
		{Slug: "old-tip", Title: "Совет", Body: "Текст", Category: "vet_tips", PublishedAt: at(-72 * time.Hour)},
		{Slug: "news", Title: "Новость", Body: "Текст", Category: "blog", PublishedAt: at(-time.Hour)},
		{Slug: "draft", Title: "Черновик", Body: "Текст", Category: "blog"},
		{Slug: "tomorrow", Title: "Завтра", Body: "Текст", Category: "blog", PublishedAt: at(24 * time.Hour)},
	} {
		if _, err := svc.CreateArticle(vet, admin, a); err != nil {
			t.Fatalf("%s: %v", a.Slug, err)
		}
	}
	slugs := func(p catalog.Page[catalog.Article]) []string {
		var out []string
		for _, a := range p.Items {
			out = append(out, a.Slug)
		}
		return out
	}
	tests := []struct {
		name string
		f    catalog.ArticleFilter
		want []string
	}{
		{"visitors", catalog.ArticleFilter{}, []string{"news", "old-tip"}},
		{"vet tips", catalog.ArticleFilter{Category: "vet_tips"}, []string{"old-tip"}},
		{"a category nobody uses", catalog.ArticleFilter{Category: "Not A Code!"}, nil},
		{"admin", catalog.ArticleFilter{Drafts: true}, []string{"tomorrow", "draft", "news", "old-tip"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := svc.Articles(vet, tt.f, catalog.PageRequest{})
			if err != nil || !slices.Equal(slugs(p), tt.want) || p.Next != "" {
				t.Fatalf("articles = %v next %q, %v; want %v", slugs(p), p.Next, err, tt.want)
			}
		})
	}
	t.Run("pages by cursor", func(t *testing.T) {
		p1, err := svc.Articles(vet, catalog.ArticleFilter{}, catalog.PageRequest{Limit: 1})
		if err != nil || !slices.Equal(slugs(p1), []string{"news"}) || p1.Next == "" {
			t.Fatalf("page 1 = %v %q %v", slugs(p1), p1.Next, err)
		}
		p2, err := svc.Articles(vet, catalog.ArticleFilter{}, catalog.PageRequest{Limit: 1, Cursor: p1.Next})
		if err != nil || !slices.Equal(slugs(p2), []string{"old-tip"}) || p2.Next != "" {
			t.Fatalf("page 2 = %v %q %v", slugs(p2), p2.Next, err)
		}
		if _, err := svc.Articles(vet, catalog.ArticleFilter{}, catalog.PageRequest{Limit: 500}); errs.As(err).Code != catalog.CodePageInvalid {
			t.Fatalf("limit 500: %v", err)
		}
	})
	t.Run("a draft and a scheduled article have no page yet", func(t *testing.T) {
		for _, slug := range []string{"draft", "tomorrow"} {
			if _, err := svc.Article(vet, slug); !errors.Is(err, catalog.ErrArticleNotFound) {
				t.Errorf("%s: %v", slug, err)
			}
		}
		e.Clock.Advance(25 * time.Hour)
		defer e.Clock.Set(catalogtest.Start)
		if _, err := svc.Article(vet, "tomorrow"); err != nil {
			t.Fatalf("tomorrow, a day later: %v", err)
		}
	})
	t.Run("a taken slug", func(t *testing.T) {
		_, err := svc.CreateArticle(vet, admin, catalog.Article{Slug: "news", Title: "Ещё", Body: "x", Category: "blog"})
		if !errors.Is(err, catalog.ErrSlugTaken) || !slices.Equal(fields(err), []string{"slug:catalog.slug_taken"}) {
			t.Fatalf("err = %v %v", err, fields(err))
		}
		if _, err := svc.CreateArticle(astars, admin, catalog.Article{Slug: "news", Title: "Новости", Body: "x", Category: "blog"}); err != nil {
			t.Fatalf("the same slug on Astars: %v", err)
		}
	})
	t.Run("validation", func(t *testing.T) {
		_, err := svc.CreateArticle(vet, admin, catalog.Article{Slug: "x", Category: "Блог"})
		want := []string{"title:catalog.field_required", "body:catalog.field_required", "category:catalog.code_invalid"}
		if !slices.Equal(fields(err), want) {
			t.Fatalf("fields = %v, want %v", fields(err), want)
		}
	})
}

func TestFAQ(t *testing.T) {
	e := catalogtest.New(t)
	svc := e.Service
	var ids []string
	for i, q := range []string{"Какая скорость ответа на запрос?", "На какие вопросы мы не отвечаем?", "Черновик?"} {
		it, err := svc.CreateFAQ(vet, admin, catalog.FAQItem{Question: q, Answer: "Ответ.", Published: i < 2})
		if err != nil || it.Position != i+1 {
			t.Fatalf("create %q: %+v %v", q, it, err)
		}
		ids = append(ids, it.ID)
	}
	questions := func(list []catalog.FAQItem) []string {
		var out []string
		for _, it := range list {
			out = append(out, it.Question[:6])
		}
		return out
	}
	if list, _ := svc.FAQ(vet); len(list) != 2 {
		t.Fatalf("visitors see %d questions, want the 2 published", len(list))
	}
	list, err := svc.ReorderFAQ(vet, admin, []string{ids[2], ids[1], ids[0]})
	if err != nil || list[0].ID != ids[2] || list[2].Position != 3 {
		t.Fatalf("reorder: %v %v", questions(list), err)
	}
	upd, err := svc.UpdateFAQ(vet, admin, catalog.FAQItem{ID: ids[2], Question: "Готово?", Answer: "Да.", Published: true})
	if err != nil || upd.Position != 1 {
		t.Fatalf("update: %+v %v", upd, err)
	}
	if _, err := svc.UpdateFAQ(astars, admin, catalog.FAQItem{ID: ids[2], Question: "Чужой?", Answer: "Да."}); !errors.Is(err, catalog.ErrFAQNotFound) {
		t.Fatalf("astars edits VetPet's question: %v", err)
	}
	if _, err := svc.CreateFAQ(vet, admin, catalog.FAQItem{Question: strings.Repeat("?", catalog.MaxQuestion+1)}); !slices.Equal(fields(err),
		[]string{"question:catalog.too_long", "answer:catalog.field_required"}) {
		t.Fatalf("validation: %v", fields(err))
	}
}

func TestReviews(t *testing.T) {
	e := catalogtest.New(t)
	svc := e.Service
	sp, err := svc.CreateSpecialist(vet, admin, olga())
	if err != nil {
		t.Fatal(err)
	}
	hidden := olga()
	hidden.Slug, hidden.Published = "hidden", false
	if _, err := svc.CreateSpecialist(vet, admin, hidden); err != nil {
		t.Fatal(err)
	}
	anna := catalog.Author{UserID: "u-anna", Name: "Анна", Customer: true}
	diet := catalogtest.VetDiet
	tests := []struct {
		name   string
		author catalog.Author
		in     catalog.ReviewInput
		want   error
		flds   []string
	}{
		{"staff may not write reviews", catalog.Author{UserID: "u-staff", Name: "Админ"},
			catalog.ReviewInput{Rating: 5, Text: "Отлично"}, catalog.ErrCustomersOnly, nil},
		{"a review of a specialist", anna, catalog.ReviewInput{Rating: 5, Text: "Спасибо, очень помогли!", SpecialistSlug: sp.Slug}, nil, nil},
		{"again while pending", anna, catalog.ReviewInput{Rating: 4, Text: "Ещё раз", SpecialistSlug: sp.Slug}, catalog.ErrReviewPending, nil},
		{"a review of a package, with a name", anna, catalog.ReviewInput{AuthorName: "Анна К.", Rating: 4, Text: "Хорошо", Package: &diet}, nil, nil},
		{"of the service as a whole", anna, catalog.ReviewInput{Rating: 3, Text: "Нормально"}, nil, nil},
		{"everything wrong", catalog.Author{UserID: "u-x", Customer: true},
			catalog.ReviewInput{Rating: 6, Text: " ", SpecialistSlug: "hidden"}, nil,
			[]string{"author_name:catalog.field_required", "text:catalog.field_required", "rating:catalog.rating_invalid",
				"specialist:catalog.review_target_unknown"}},
		{"two targets", anna, catalog.ReviewInput{Rating: 5, Text: "x", SpecialistSlug: sp.Slug, Package: &diet}, nil,
			[]string{"specialist:catalog.review_target_ambiguous"}},
		{"another tenant's package", anna, catalog.ReviewInput{Rating: 5, Text: "x", Package: &catalogtest.AstarsChart}, nil,
			[]string{"package:catalog.review_target_unknown"}},
		{"a long text", anna, catalog.ReviewInput{Rating: 5, Text: strings.Repeat("ы", catalog.MaxReviewText+1)}, nil,
			[]string{"text:catalog.too_long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := svc.SubmitReview(vet, tt.author, tt.in)
			switch {
			case tt.flds != nil:
				if !slices.Equal(fields(err), tt.flds) {
					t.Fatalf("fields = %v, want %v (%v)", fields(err), tt.flds, err)
				}
			case tt.want != nil:
				if !errors.Is(err, tt.want) {
					t.Fatalf("err = %v, want %v", err, tt.want)
				}
			default:
				if err != nil || r.Status != catalog.ReviewPending || r.AuthorName == "" {
					t.Fatalf("review = %+v, %v", r, err)
				}
			}
		})
	}
	pending := []catalog.ReviewStatus{catalog.ReviewPending}
	queue, err := svc.Reviews(vet, catalog.ReviewFilter{Statuses: pending}, catalog.PageRequest{})
	if err != nil || len(queue.Items) != 3 {
		t.Fatalf("moderation queue: %d, %v", len(queue.Items), err)
	}
	t.Run("visitors see nothing pending", func(t *testing.T) {
		p, err := svc.Reviews(vet, catalog.ReviewFilter{}, catalog.PageRequest{})
		if err != nil || len(p.Items) != 0 {
			t.Fatalf("public reviews: %+v %v", p.Items, err)
		}
	})
	ofOlga := queue.Items[2] // oldest first submitted
	t.Run("published, it shows on the specialist's list", func(t *testing.T) {
		r, err := svc.PublishReview(vet, admin, ofOlga.ID)
		if err != nil || r.Status != catalog.ReviewPublished || r.ModeratedBy != admin || r.ModeratedAt == nil {
			t.Fatalf("publish: %+v %v", r, err)
		}
		p, err := svc.Reviews(vet, catalog.ReviewFilter{SpecialistSlug: sp.Slug}, catalog.PageRequest{})
		if err != nil || len(p.Items) != 1 || p.Items[0].SpecialistSlug != sp.Slug || p.Items[0].Text != "Спасибо, очень помогли!" {
			t.Fatalf("olga's reviews: %+v %v", p.Items, err)
		}
		if _, err := svc.Reviews(vet, catalog.ReviewFilter{SpecialistSlug: "hidden"}, catalog.PageRequest{}); !errors.Is(err, catalog.ErrSpecialistNotFound) {
			t.Fatalf("reviews of an unpublished specialist: %v", err)
		}
	})
	t.Run("rejection needs a reason and hides it again", func(t *testing.T) {
		if _, err := svc.RejectReview(vet, admin, ofOlga.ID, " "); !slices.Equal(fields(err), []string{"reason:catalog.field_required"}) {
			t.Fatalf("no reason: %v", err)
		}
		r, err := svc.RejectReview(vet, admin, ofOlga.ID, "Реклама")
		if err != nil || r.Status != catalog.ReviewRejected || r.RejectReason != "Реклама" {
			t.Fatalf("reject: %+v %v", r, err)
		}
		if p, _ := svc.Reviews(vet, catalog.ReviewFilter{}, catalog.PageRequest{}); len(p.Items) != 0 {
			t.Fatalf("a rejected review is public")
		}
	})
	t.Run("another tenant cannot moderate", func(t *testing.T) {
		if _, err := svc.PublishReview(astars, admin, queue.Items[0].ID); !errors.Is(err, catalog.ErrReviewNotFound) {
			t.Fatalf("astars publishes VetPet's review: %v", err)
		}
	})
	t.Run("a bad status filter", func(t *testing.T) {
		_, err := svc.Reviews(vet, catalog.ReviewFilter{Statuses: []catalog.ReviewStatus{"spam"}}, catalog.PageRequest{})
		if errs.As(err).Code != catalog.CodeFilterInvalid {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("account deletion erases the author's reviews", func(t *testing.T) {
		n, err := svc.EraseAuthor(vet, anna.UserID)
		if err != nil || n != 3 {
			t.Fatalf("erased %d, %v", n, err)
		}
		all := []catalog.ReviewStatus{catalog.ReviewPending, catalog.ReviewPublished, catalog.ReviewRejected}
		if p, _ := svc.Reviews(vet, catalog.ReviewFilter{Statuses: all}, catalog.PageRequest{}); len(p.Items) != 0 {
			t.Fatalf("%d reviews left", len(p.Items))
		}
	})
}

func TestContacts(t *testing.T) {
	e := catalogtest.New(t)
	svc := e.Service
	site := e.Site(t, "vetpet")
	t.Run("the data file's until the admin changes them", func(t *testing.T) {
		c, custom, err := svc.AdminContacts(vet, site)
		// seed 000, «Контакты» (fig. 8): 8 800 600 99 93.
		if err != nil || custom || len(c.Phones) == 0 || c.Phones[0].Number != "+78006009993" {
			t.Fatalf("contacts = %+v %v %v", c, custom, err)
		}
	})
	in := tenants.Contacts{
		Phones:  []tenants.Phone{{Number: "8 800 600 99 93", Label: tenants.Text{"ru": "Бесплатно по России", "en": "Toll-free"}}},
		Email:   "office@vet-pet.online",
		Address: tenants.Text{"ru": "Москва"},
		Hours:   []tenants.Hours{{Days: []string{"MON", "tue"}, Open: "09:00", Close: "21:00"}},
		Social:  []tenants.Social{{Network: "telegram", URL: "https://t.me/vetpet"}},
	}
	t.Run("an admin's contacts, cleaned", func(t *testing.T) {
		c, err := svc.PutContacts(vet, admin, site.ID, in)
		if err != nil || c.Phones[0].Number != "+78006009993" || !slices.Equal(c.Hours[0].Days, []string{"mon", "tue"}) {
			t.Fatalf("put: %+v %v", c, err)
		}
		got, err := svc.Contacts(vet, site)
		if err != nil || got.Email != "office@vet-pet.online" || got.Social[0].URL != "https://t.me/vetpet" {
			t.Fatalf("contacts = %+v %v", got, err)
		}
		if got, _ := svc.Contacts(astars, e.Site(t, "astars")); got.Email == "office@vet-pet.online" {
			t.Fatal("astars shows VetPet's contacts")
		}
	})
	tests := []struct {
		name string
		edit func(*tenants.Contacts)
		want []string
	}{
		{"a phone that is no phone", func(c *tenants.Contacts) { c.Phones[0].Number = "12345" }, []string{"phones[0].number:catalog.phone_invalid"}},
		{"an e-mail with a name", func(c *tenants.Contacts) { c.Email = "Офис <office@vet-pet.online>" }, []string{"email:catalog.email_invalid"}},
		{"an http link", func(c *tenants.Contacts) { c.Social[0].URL = "http://t.me/vetpet" }, []string{"social[0].url:catalog.url_invalid"}},
		{"a javascript link", func(c *tenants.Contacts) { c.Social[0].URL = "javascript:alert(1)" }, []string{"social[0].url:catalog.url_invalid"}},
		{"a link with credentials", func(c *tenants.Contacts) { c.Social[0].URL = "https://user:pw@t.me/x" }, []string{"social[0].url:catalog.url_invalid"}},
		{"an unknown network", func(c *tenants.Contacts) { c.Social[0].Network = "myspace" }, []string{"social[0].network:catalog.value_unknown"}},
		{"a day twice", func(c *tenants.Contacts) { c.Hours[0].Days = []string{"mon", "mon"} }, []string{"hours[0].days[1]:catalog.day_invalid"}},
		{"no days", func(c *tenants.Contacts) { c.Hours[0].Days = nil }, []string{"hours[0].days:catalog.field_required"}},
		{"a bad time", func(c *tenants.Contacts) { c.Hours[0].Open = "9:00" }, []string{"hours[0].open:catalog.time_invalid"}},
		{"closing before opening", func(c *tenants.Contacts) { c.Hours[0].Close = "08:00" }, []string{"hours[0].close:catalog.hours_invalid"}},
		{"a language the platform does not speak", func(c *tenants.Contacts) { c.Address = tenants.Text{"de": "Moskau"} },
			[]string{"address.de:catalog.language_invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := in
			c.Phones = slices.Clone(in.Phones)
			c.Hours = []tenants.Hours{{Days: slices.Clone(in.Hours[0].Days), Open: "09:00", Close: "21:00"}}
			c.Social = slices.Clone(in.Social)
			tt.edit(&c)
			if _, err := svc.PutContacts(vet, admin, site.ID, c); !slices.Equal(fields(err), tt.want) {
				t.Fatalf("fields = %v, want %v (%v)", fields(err), tt.want, err)
			}
		})
	}
	t.Run("reset to the data file's", func(t *testing.T) {
		c, err := svc.ResetContacts(vet, admin, site)
		if err != nil || c.Email != site.Contacts.Email {
			t.Fatalf("reset: %+v %v", c, err)
		}
		if _, custom, _ := svc.AdminContacts(vet, site); custom {
			t.Fatal("still customised after the reset")
		}
	})
}

// demoContent reads a tenant's demo catalogue from the embedded data.
func demoContent(t *testing.T, tenant string) catalog.Content {
	t.Helper()
	data, err := readTenantFile(tenant + "/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.ParseContent(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSeedDemo seeds the real demo files (tenants/vetpet/catalog.yaml,
// tenants/astars/catalog.yaml): they pass every check an admin's edit
// passes, show what the guides show, and never overwrite a catalogue that
// has content.
func TestSeedDemo(t *testing.T) {
	e := catalogtest.New(t)
	svc := e.Service
	for _, tt := range []struct {
		tenant                        string
		services, specialists, faq    int
		specialist, question, article string
	}{
		// seed 000: fig. 3 and 30, «Наши ветеринары» fig. 5, FAQ fig. 7.
		{"vetpet", 2, 1, 4, "Коняшкина Ольга Александровна", "Какая скорость ответа на запрос?", "kak-ustroen-vetpet"},
		// seed 002: «Специалисты» fig. 4, FAQ fig. 7, «Блог» fig. 6.
		{"astars", 2, 2, 4, "София", "Что такое натальная карта?", "znaki-zodiaka-i-professii"},
	} {
		t.Run(tt.tenant, func(t *testing.T) {
			ctx := catalogtest.Ctx(tt.tenant)
			content := demoContent(t, tt.tenant)
			rep, err := svc.SeedDemo(ctx, content)
			if err != nil || !rep.Seeded || rep.Services != tt.services || rep.Specialists != tt.specialists || rep.FAQItems != tt.faq || rep.Articles < 3 {
				t.Fatalf("seed = %+v, %v", rep, err)
			}
			sps, _ := svc.Specialists(ctx, catalog.SpecialistFilter{}, catalog.PageRequest{})
			if len(sps.Items) == 0 || sps.Items[0].Name != tt.specialist || sps.Items[0].ExperienceYears == 0 {
				t.Fatalf("first specialist = %+v", sps.Items)
			}
			faq, _ := svc.FAQ(ctx)
			if len(faq) != tt.faq || faq[0].Question != tt.question {
				t.Fatalf("faq = %+v", faq)
			}
			if _, err := svc.Article(ctx, tt.article); err != nil {
				t.Fatalf("article %s: %v", tt.article, err)
			}
			featured, _ := svc.Services(ctx, catalog.ServiceFilter{OfferIDs: e.Site(t, tt.tenant).Offers, Featured: true})
			if len(featured) != tt.services {
				t.Fatalf("featured services: %d", len(featured))
			}
			again, err := svc.SeedDemo(ctx, content)
			if err != nil || again.Seeded {
				t.Fatalf("second seed = %+v, %v", again, err)
			}
		})
	}
	t.Run("experience as the guides print it in 2026", func(t *testing.T) {
		// seed 000, fig. 5: «Опыт работы: 12 лет»; seed 002, fig. 4: София
		// «более 5-ти лет», Елизавета «3-х лет».
		want := map[string]int{"konyashkina-olga": 12, "sofia": 6, "elizaveta": 3}
		for slug, years := range want {
			ctx := vet
			if slug != "konyashkina-olga" {
				ctx = astars
			}
			sp, err := svc.Specialist(ctx, slug)
			if err != nil || sp.ExperienceYears != years {
				t.Errorf("%s: %d years, %v; want %d", slug, sp.ExperienceYears, err, years)
			}
		}
	})
	t.Run("an admin's edit is never overwritten", func(t *testing.T) {
		jm := catalogtest.Ctx("jetmoney")
		if _, err := svc.CreateFAQ(jm, admin, catalog.FAQItem{Question: "Свой вопрос?", Answer: "Свой ответ.", Published: true}); err != nil {
			t.Fatal(err)
		}
		rep, err := svc.SeedDemo(jm, catalog.Content{FAQ: []catalog.FAQItem{{Question: "Демо?", Answer: "Демо.", Published: true}}})
		if err != nil || rep.Seeded {
			t.Fatalf("seed over content = %+v, %v", rep, err)
		}
		if faq, _ := svc.FAQ(jm); len(faq) != 1 || faq[0].Question != "Свой вопрос?" {
			t.Fatalf("faq = %+v", faq)
		}
	})
	t.Run("a bad item leaves the catalogue empty", func(t *testing.T) {
		e2 := catalogtest.New(t)
		bad := demoContent(t, "vetpet")
		bad.Articles = append(bad.Articles, catalog.Article{Slug: "Bad Slug", Title: "x", Body: "x", Category: "blog"})
		_, err := e2.Service.SeedDemo(vet, bad)
		if err == nil || !strings.Contains(err.Error(), "Bad Slug") {
			t.Fatalf("err = %v", err)
		}
		if sps, _ := e2.Service.Specialists(vet, catalog.SpecialistFilter{Unpublished: true}, catalog.PageRequest{}); len(sps.Items) != 0 {
			t.Fatalf("%d specialists written by a failed seed", len(sps.Items))
		}
	})
}

func TestParseContentIsStrict(t *testing.T) {
	tests := []struct{ name, yaml string }{
		{"an unknown key", "faq:\n  - question: q\n    answr: a\n"},
		{"a list where a text belongs", "specialists:\n  - name: [a, b]\n"},
		{"not YAML", "faq: [\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := catalog.ParseContent([]byte(tt.yaml)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// ExampleRenderMarkdown shows what a page gets for an admin's text.
func ExampleRenderMarkdown() {
	fmt.Print(catalog.RenderMarkdown("**Опыт:** 12 лет\n<b>без HTML</b>"))
	// Output:
	// <p><strong>Опыт:</strong> 12 лет<br>
	// <!-- raw HTML omitted -->без HTML<!-- raw HTML omitted --></p>
}

func readTenantFile(name string) ([]byte, error) { return fs.ReadFile(tenants.Files(), name) }
