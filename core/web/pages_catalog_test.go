package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/media"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/core/web"
	"github.com/consult/platform/tenants"
)

// pageCase is one page request and what its text must and must not show.
type pageCase struct {
	name, host, path string
	who              *signedIn
	status           int
	want, absent     []string
}

// checkPages runs the cases in order: GET each page, compare the status, look
// for the texts in the unescaped body.
func (e *env) checkPages(t *testing.T, cases []pageCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.page(t, tc.host, tc.path, tc.who)
			if status != tc.status {
				t.Fatalf("GET %s%s = %d, want %d", tc.host, tc.path, status, tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, a := range append(tc.absent, "catalog_pages.", "catalog.experience", "catalog.format.") {
				if i := strings.Index(body, a); i >= 0 {
					t.Errorf("page shows %q: …%s…", a, body[max(0, i-80):min(len(body), i+60)])
				}
			}
		})
	}
}

// catalogFixture is what TestCatalogPages adds to the demo content.
type catalogFixture struct {
	xss, hidden, newcomer catalog.Specialist
	draft, scheduled      catalog.Article
}

const pagesActor = "test:pages-admin"

func vetpetCtx() context.Context { return tenancy.With(context.Background(), "vetpet") }

// seedCatalogFixture adds, in VetPet's catalogue: a published specialist
// whose name and specialisation carry markup, an unpublished one, one a
// year into practice, a draft and a scheduled article and an unpublished
// FAQ item.
func seedCatalogFixture(t *testing.T, e *env) catalogFixture {
	t.Helper()
	ctx := vetpetCtx()
	var f catalogFixture
	var err error
	f.xss, err = e.catalog.CreateSpecialist(ctx, pagesActor, catalog.Specialist{Slug: "xss-vet",
		Name: `<script>alert("name")</script> Иванов`, Specialisations: []string{"<b>Хирургия</b>"},
		About: "Пишу <script>alert(1)</script> **жирно**", CareerStartYear: 2023,
		Packages:  []catalog.PackageRef{{OfferID: "retail", Code: "diet_consultation"}},
		Published: true, SortOrder: 20})
	if err != nil {
		t.Fatal(err)
	}
	f.hidden, err = e.catalog.CreateSpecialist(ctx, pagesActor, catalog.Specialist{Slug: "hidden-vet", Name: "Скрытый Ветеринар",
		Animals: []string{"Кошки"}, Packages: []catalog.PackageRef{{OfferID: "retail", Code: "diet_consultation"}},
		Published: false, SortOrder: 5})
	if err != nil {
		t.Fatal(err)
	}
	f.newcomer, err = e.catalog.CreateSpecialist(ctx, pagesActor, catalog.Specialist{Slug: "newcomer", Name: "Новикова Анна",
		Animals: []string{"Собаки"}, CareerStartYear: 2025, Published: true, SortOrder: 30})
	if err != nil {
		t.Fatal(err)
	}
	f.draft, err = e.catalog.CreateArticle(ctx, pagesActor, catalog.Article{Slug: "draft-note", Title: "Черновик заметки",
		Body: "Ещё не готово", Category: "blog"})
	if err != nil {
		t.Fatal(err)
	}
	later := e.clock.Now().Add(48 * time.Hour)
	f.scheduled, err = e.catalog.CreateArticle(ctx, pagesActor, catalog.Article{Slug: "scheduled-note", Title: "Статья на послезавтра",
		Body: "Скоро", Category: "blog", PublishedAt: &later})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.catalog.CreateFAQ(ctx, pagesActor, catalog.FAQItem{Question: "Секретный вопрос?", Answer: "Пока не видно",
		Published: false}); err != nil {
		t.Fatal(err)
	}
	return f
}

// postReview posts a customer's review through the API as the review form
// does, and publishes it when publish is set.
func (e *env) postReview(t *testing.T, host string, who signedIn, body string, publish bool) string {
	t.Helper()
	r := e.call(t, "POST", host, "/api/v1/catalog/reviews", body, "Authorization", "Bearer "+who.token)
	if r.status != 201 {
		t.Fatalf("review = %d %s", r.status, r.body)
	}
	var out struct{ ID string }
	if err := json.Unmarshal(r.body, &out); err != nil || out.ID == "" {
		t.Fatalf("review answer %s: %v", r.body, err)
	}
	if publish {
		ctx := tenancy.With(context.Background(), strings.SplitN(host, ".", 2)[0])
		if _, err := e.catalog.PublishReview(ctx, pagesActor, out.ID); err != nil {
			t.Fatal(err)
		}
	}
	return out.ID
}

// TestCatalogPages renders every catalogue page of the sites from the demo
// content and what the fixture adds: the content shows, markup in names
// and texts is escaped, unpublished specialists, drafts and unpublished
// questions stay hidden, unknown and other tenants' slugs are a branded
// 404, and the review form is there for customers only.
func TestCatalogPages(t *testing.T) {
	e := newEnv(t)
	e.seedDemo(t)
	f := seedCatalogFixture(t, e)
	const vp, as, jm = "vetpet.localhost", "astars.localhost", "jetmoney.localhost"
	anna := e.login(t, vp, "+79991234567")
	e.postReview(t, vp, anna, `{"author_name":"Анна","rating":5,"text":"Диетолог <img src=x onerror=alert(1)> помог","offer_id":"retail","package_code":"diet_consultation"}`, true)
	e.postReview(t, vp, anna, `{"author_name":"Анна П.","rating":4,"text":"Ольга Александровна ответила быстро","specialist":"konyashkina-olga"}`, true)
	e.postReview(t, vp, e.login(t, vp, "+79997654321"), `{"author_name":"Борис","rating":1,"text":"Ждёт модерации","specialist":"konyashkina-olga"}`, false)
	kesha := "/services/subscription/" + url.PathEscape("КЕША+")

	e.checkPages(t, []pageCase{
		{"vetpet home: carousels, articles, FAQ, reviews", vp, "/", nil, 200,
			[]string{"ВетПет", `data-carousel`, `aria-roledescription="карусель"`, "Популярные услуги",
				"Онлайн-консультация диетолога", "549\u00a0₽", `href="/services/retail/diet_consultation"`,
				`href="/checkout?offer=retail&package=diet_consultation" data-order="diet_consultation"`,
				"Наши ветеринары", "Коняшкина Ольга Александровна", "Опыт работы: 12 лет", `href="/specialists/konyashkina-olga"`,
				"Все ветеринары", "Полезное", "Как устроен ВетПет", "Когда не ждать онлайн-консультации",
				"Как подготовиться к онлайн-консультации", `href="/blog"`,
				"Часто задаваемые вопросы", "<details", "<summary>Какая скорость ответа на запрос?</summary>",
				"Отзывы", "Ольга Александровна ответила быстро", "4 звезды из 5",
				`href="/specialists"`, `href="/faq"`, `href="/contacts"`, "+7 800 600-99-93", "пн–вс"},
			[]string{"Скрытый Ветеринар", "Черновик заметки", "Статья на послезавтра", "Секретный вопрос?", "Ждёт модерации"}},
		{"astars home in its own words", as, "/", nil, 200,
			[]string{"Наши специалисты", "София", "Елизавета", "Опыт работы: 3 года", "Опыт работы: 6 лет", "Блог",
				"Полная натальная карта", "Аудиоконсультация", "Письменная консультация", `href="/blog"`},
			[]string{"Коняшкина", "Наши ветеринары", "Полезное"}},
		{"partner home: every package, empty states", jm, "/?lang=en", nil, 200,
			[]string{"КЕША +", "PET 18", "Price set in the certificate", "Our specialists will appear", "No articles yet",
				"No questions yet", "No reviews yet"},
			[]string{"Коняшкина", `data-order="КЕША+"`}},

		{"service page", vp, "/services/retail/diet_consultation", nil, 200,
			[]string{"<h1>Онлайн-консультация диетолога</h1>", "549\u00a0₽", "1 месяц", "Что входит",
				"Индивидуальный подбор питания — 1", "<li>питомцу нужно подобрать диету при аллергии или избыточном весе;</li>",
				`href="/checkout?offer=retail&package=diet_consultation" data-order="diet_consultation"`,
				"Специалисты, которые оказывают услугу", `href="/specialists/xss-vet"`,
				"Диетолог <img src=x onerror=alert(1)> помог", "Войдите, чтобы оставить отзыв",
				"/login?next=%2Fservices%2Fretail%2Fdiet_consultation"},
			[]string{"Скрытый Ветеринар", "Ольга Александровна ответила быстро", `data-form="review"`}},
		{"service page with the formats", as, "/services/retail/natal_chart_full", nil, 200,
			[]string{"Полная натальная карта", "Форматы консультации", "<li>Аудиоконсультация</li>",
				"<li>Письменная консультация</li>", "София", "Елизавета", `data-order="natal_chart_full"`}, nil},
		{"service page in English", as, "/services/retail/natal_chart_full?lang=en", nil, 200,
			[]string{"Consultation formats", "Audio consultation", "Written consultation", "Order"}, nil},
		{"service priced per certificate has no order button", jm, kesha, nil, 200,
			[]string{"КЕША +", "Цена указывается в сертификате"}, []string{"data-order=", "/checkout?"}},
		{"service page for a customer has the form", vp, "/services/retail/diet_consultation", &anna, 200,
			[]string{`data-form="review"`, `data-offer="retail"`, `data-package="diet_consultation"`, `name="rating"`,
				"Отзыв отправлен на модерацию"}, []string{"Войдите, чтобы оставить отзыв"}},
		{"unknown service", vp, "/services/retail/nope", nil, 404, []string{"ВетПет"}, nil},
		{"another site's offer", vp, kesha, nil, 404, nil, nil},
		{"another tenant's package", vp, "/services/retail/natal_chart_full", nil, 404, nil, nil},

		{"specialists list", vp, "/specialists", nil, 200,
			[]string{"<h1>Наши ветеринары</h1>", "Коняшкина Ольга Александровна", "Новикова Анна", "Опыт работы: 1 год",
				"Опыт работы: 3 года", "Кошки", "Собаки", `href="/specialists?animal=%D0%9A%D0%BE%D1%88%D0%BA%D0%B8"`},
			[]string{"Скрытый Ветеринар", "Показать ещё"}},
		{"filtered by animal, any case", vp, "/specialists?animal=" + url.QueryEscape("собаки"), nil, 200,
			[]string{"Коняшкина Ольга Александровна", "Новикова Анна", `aria-current="true">Собаки`},
			[]string{"Иванов"}},
		{"filtered by specialisation", vp, "/specialists?specialisation=" + url.QueryEscape("Терапия"), nil, 200,
			[]string{"Коняшкина Ольга Александровна"}, []string{"Новикова Анна", "Иванов</a>"}},
		{"a filter nobody matches", vp, "/specialists?animal=" + url.QueryEscape("Рыбы"), nil, 200,
			[]string{"Нет специалистов, подходящих под выбранный фильтр."}, []string{"Коняшкина Ольга Александровна</a>"}},
		{"a broken cursor", vp, "/specialists?cursor=garbage", nil, 422, []string{"ВетПет"}, nil},
		{"specialists in English", vp, "/specialists?lang=en", nil, 200,
			[]string{"Our vets", "Experience: 12 years", "Experience: 1 year"}, nil},

		{"vet profile", vp, "/specialists/konyashkina-olga", nil, 200,
			[]string{"<h1>Коняшкина Ольга Александровна</h1>", "Опыт работы: 12 лет", "С какими животными работаем",
				"<li>Кошки</li><li>Птицы</li><li>Собаки</li>", "О себе", "бердвотчингом",
				"Услуги специалиста", "Онлайн-консультация «Счастливый питомец»", `data-order="happy_pet"`,
				"Ольга Александровна ответила быстро", "Анна П.", "Вернуться к списку ветеринаров",
				`class="portrait initials large" aria-hidden="true">КО</span>`, "Войдите, чтобы оставить отзыв"},
			[]string{"Ждёт модерации", "Онлайн-консультация диетолога"}},
		{"astrologer profile", as, "/specialists/sofia", nil, 200,
			[]string{"<h1>София</h1>", "О специалисте", "Образование", "<li>Школа астрологии Павла Андреева</li>",
				"Любовь", "Полная натальная карта", "Вернуться к списку специалистов"},
			[]string{"С какими животными работаем"}},
		{"profile for a customer has the form", vp, "/specialists/konyashkina-olga", &anna, 200,
			[]string{`data-form="review"`, `data-specialist="konyashkina-olga"`}, nil},
		{"unpublished specialist", vp, "/specialists/hidden-vet", nil, 404, []string{"ВетПет"}, nil},
		{"unknown specialist", vp, "/specialists/nobody", nil, 404, nil, nil},
		{"another tenant's specialist", vp, "/specialists/sofia", nil, 404, nil, nil},
		{"and the other way round", as, "/specialists/konyashkina-olga", nil, 404, nil, nil},

		{"blog", vp, "/blog", nil, 200,
			[]string{"<h1>Полезное</h1>", "Как устроен ВетПет", "01.11.2025", "Советы ветеринаров",
				`href="/blog?category=vet_tips"`, `href="/blog/kak-ustroen-vetpet"`},
			[]string{"Черновик заметки", "Статья на послезавтра", "Показать ещё"}},
		{"blog by category", vp, "/blog?category=vet_tips", nil, 200,
			[]string{"Когда не ждать онлайн-консультации", `aria-current="true">Советы ветеринаров`},
			[]string{"Как устроен ВетПет"}},
		{"astars blog", as, "/blog", nil, 200, []string{"<h1>Блог</h1>", "Знаки Зодиака и профессии"}, []string{"ВетПет"}},
		{"article", vp, "/blog/kak-ustroen-vetpet", nil, 200,
			[]string{"<h1>Как устроен ВетПет — от покупки до ответа врача</h1>", `<time datetime="2025-11-01">01.11.2025</time>`,
				"<strong>Выберите услугу.</strong>", "Вернуться к списку статей"}, nil},
		{"article in English", vp, "/blog/kak-ustroen-vetpet?lang=en", nil, 200, []string{"1 Nov 2025", "Back to the articles"}, nil},
		{"draft article", vp, "/blog/draft-note", nil, 404, nil, nil},
		{"scheduled article", vp, "/blog/scheduled-note", nil, 404, nil, nil},
		{"another tenant's article", vp, "/blog/znaki-zodiaka-i-professii", nil, 404, nil, nil},

		{"faq", vp, "/faq", nil, 200,
			[]string{"<h1>Часто задаваемые вопросы</h1>", "<summary>Какая скорость ответа на запрос?</summary>",
				"<summary>На какие вопросы мы не отвечаем?</summary>", `aria-current="page">FAQ`},
			[]string{"Секретный вопрос?"}},
		{"faq, empty", jm, "/faq", nil, 200, []string{"Вопросов пока нет."}, nil},
		{"contacts", vp, "/contacts", nil, 200,
			[]string{"<h1>Контакты</h1>", `href="tel:+78006009993"`, "+7 800 600-99-93", "Бесплатные звонки из любой точки РФ",
				`href="mailto:office@vet-pet.online"`, "Мичуринский проспект", "пн–вс 09:00–21:00"}, []string{"ZgotmplZ"}},
	})

	t.Run("markup in names and texts is escaped", func(t *testing.T) {
		for _, path := range []string{"/", "/specialists", "/specialists/xss-vet", "/services/retail/diet_consultation"} {
			raw := string(e.do(t, "GET", vp, path).body)
			if strings.Contains(raw, `<script>alert(`) || strings.Contains(raw, "<b>Хирургия</b>") || strings.Contains(raw, "<img src=x") {
				t.Errorf("%s renders markup from the catalogue", path)
			}
			if !strings.Contains(raw, "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt; Иванов") {
				t.Errorf("%s does not show the name escaped", path)
			}
		}
		raw := string(e.do(t, "GET", vp, "/specialists/xss-vet").body)
		if !strings.Contains(raw, "<strong>жирно</strong>") || !strings.Contains(raw, "&lt;b&gt;Хирургия&lt;/b&gt;") {
			t.Errorf("the profile lost its Markdown or shows raw markup:\n%s", raw)
		}
	})

	t.Run("every package of the partner's site is on its home page once", func(t *testing.T) {
		_, body := e.page(t, jm, "/", nil)
		if n := strings.Count(body, `<article class="package"`); n != 46 {
			t.Fatalf("%d packages, want 46 (offers 003 and 004: 8 + 38)", n)
		}
	})

	t.Run("order of the FAQ is the admin's", func(t *testing.T) {
		_, body := e.page(t, vp, "/faq", nil)
		first, second := strings.Index(body, "Какая скорость ответа"), strings.Index(body, "На какие вопросы мы не отвечаем")
		if first < 0 || second < first {
			t.Fatalf("questions out of order: %d, %d", first, second)
		}
	})

	t.Run("a customer's review waits for moderation", func(t *testing.T) {
		id := e.postReview(t, vp, anna, `{"author_name":"Анна","rating":3,"text":"Новый отзыв о сервисе диетолога","offer_id":"retail","package_code":"diet_consultation"}`, false)
		if _, body := e.page(t, vp, "/services/retail/diet_consultation", nil); strings.Contains(body, "Новый отзыв о сервисе") {
			t.Fatal("a pending review is shown")
		}
		if _, err := e.catalog.PublishReview(vetpetCtx(), pagesActor, id); err != nil {
			t.Fatal(err)
		}
		if _, body := e.page(t, vp, "/services/retail/diet_consultation", nil); !strings.Contains(body, "Новый отзыв о сервисе") {
			t.Fatal("the published review is not shown")
		}
	})

	t.Run("a photo replaces the initials", func(t *testing.T) {
		img, err := media.ProcessAvatar(bytes.NewReader(pngPicture(t)), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := e.catalog.PutSpecialistPhoto(vetpetCtx(), pagesActor, f.newcomer.ID, img)
		if err != nil {
			t.Fatal(err)
		}
		src := "/api/v1/catalog/specialists/newcomer/photo?v=" + sp.PhotoID
		_, body := e.page(t, vp, "/specialists/newcomer", nil)
		if !strings.Contains(body, `src="`+src+`" alt="Новикова Анна"`) {
			t.Fatalf("profile lacks the photo %s", src)
		}
		if r := e.do(t, "GET", vp, src); r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "image/") {
			t.Fatalf("photo = %d %s", r.status, r.header.Get("Content-Type"))
		}
	})

	// Last: it changes the contacts every page's footer shows.
	t.Run("the admin's contacts replace the data file's everywhere", func(t *testing.T) {
		ct := tenants.Contacts{Phones: []tenants.Phone{{Number: "+7 (495) 111-22-33", Label: tenants.Text{"ru": "Горячая линия"}}},
			Email: "help@vet-pet.online", Hours: []tenants.Hours{{Days: []string{"mon", "tue", "wed", "thu", "fri"}, Open: "10:00", Close: "19:00"}}}
		if _, err := e.catalog.PutContacts(vetpetCtx(), pagesActor, "vetpet", ct); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/contacts", "/", "/faq"} {
			_, body := e.page(t, vp, path, nil)
			if !strings.Contains(body, "+7 495 111-22-33") || !strings.Contains(body, "пн–пт 10:00–19:00") ||
				strings.Contains(body, "+7 800 600-99-93") {
				t.Errorf("%s shows the old contacts", path)
			}
		}
	})
}

// pngPicture is a small opaque picture, as an upload.
func pngPicture(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	for y := range 40 {
		for x := range 40 {
			img.Set(x, y, color.RGBA{R: 200, G: 80, B: 40, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCatalogPagesPaginate pages the lists with the catalogue's cursor:
// «Показать ещё» («Ещё отзывы») leads to the next page, which repeats
// nothing, and the last page has no such link.
func TestCatalogPagesPaginate(t *testing.T) {
	e := newEnv(t)
	const host = "jetmoney.localhost"
	ctx := tenancy.With(context.Background(), "jetmoney")
	for i := range 14 {
		if _, err := e.catalog.CreateSpecialist(ctx, pagesActor, catalog.Specialist{Slug: fmt.Sprintf("vet-%02d", i),
			Name: fmt.Sprintf("Ветеринар Номер%02d", i), Published: true, SortOrder: i}); err != nil {
			t.Fatal(err)
		}
		at := e.clock.Now().Add(-time.Duration(i+1) * time.Hour)
		if _, err := e.catalog.CreateArticle(ctx, pagesActor, catalog.Article{Slug: fmt.Sprintf("note-%02d", i),
			Title: fmt.Sprintf("Заметка Номер%02d", i), Body: "Текст", Category: "blog", PublishedAt: &at}); err != nil {
			t.Fatal(err)
		}
	}
	kesha := "/services/subscription/" + url.PathEscape("КЕША+")
	for i := range 14 {
		r, err := e.catalog.SubmitReview(ctx, catalog.Author{UserID: fmt.Sprintf("customer-%02d", i), Customer: true},
			catalog.ReviewInput{AuthorName: fmt.Sprintf("Клиент Номер%02d", i), Rating: 5, Text: "Спасибо",
				Package: &catalog.PackageRef{OfferID: "subscription", Code: "КЕША+"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.catalog.PublishReview(ctx, pagesActor, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	more := regexp.MustCompile(`href="([^"]+\?cursor=[^"]+)" rel="next"`)
	number := regexp.MustCompile(`Номер(\d\d)`)
	tests := []struct{ name, path, moreText string }{
		{"specialists", "/specialists", "Показать ещё"},
		{"blog", "/blog", "Показать ещё"},
		{"reviews of a service", kesha, "Ещё отзывы"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]int{} // item → the page it was on
			path, pages := tt.path, 0
			for path != "" {
				pages++
				status, body := e.page(t, host, path, nil)
				if status != 200 {
					t.Fatalf("GET %s = %d", path, status)
				}
				main := body[strings.Index(body, "<main"):strings.Index(body, "</main>")]
				for _, m := range number.FindAllStringSubmatch(main, -1) {
					if on, ok := seen[m[1]]; ok && on != pages {
						t.Fatalf("item %s is on pages %d and %d", m[1], on, pages)
					}
					seen[m[1]] = pages
				}
				path = ""
				if m := more.FindStringSubmatch(main); m != nil {
					path = m[1]
					if !strings.Contains(main, tt.moreText) {
						t.Fatalf("the next page's link is not «%s»", tt.moreText)
					}
				}
			}
			if pages != 2 || len(seen) != 14 {
				t.Fatalf("%d pages showed %d of 14 items", pages, len(seen))
			}
		})
	}
	t.Run("the home page shows a taste and links to all", func(t *testing.T) {
		_, body := e.page(t, host, "/", nil)
		if n := strings.Count(body, `class="specialist-card"`); n != 12 {
			t.Errorf("home shows %d specialists, want 12", n)
		}
		if n := strings.Count(body, `class="article-card"`); n != 3 {
			t.Errorf("home shows %d articles, want the latest 3", n)
		}
		if !strings.Contains(body, "Заметка Номер00") || strings.Contains(body, "Заметка Номер03") {
			t.Error("home does not show the newest articles")
		}
	})
}

// TestCatalogPageRoutesAreTenantIsolated asks every page route of one site
// for another tenant's content: each is 404, never the other's page.
func TestCatalogPageRoutesAreTenantIsolated(t *testing.T) {
	e := newEnv(t)
	e.seedDemo(t)
	own := map[string][]string{ // host → paths that exist there only
		"vetpet.localhost": {"/specialists/konyashkina-olga", "/blog/kak-ustroen-vetpet", "/services/retail/diet_consultation"},
		"astars.localhost": {"/specialists/sofia", "/blog/znaki-zodiaka-i-professii", "/services/retail/natal_chart_full"},
		"jetmoney.localhost": {"/services/subscription/" + url.PathEscape("КЕША+"),
			"/services/licence/" + url.PathEscape("PET18")},
	}
	for host, paths := range own {
		for other := range own {
			for _, p := range paths {
				want := 404
				if other == host {
					want = 200
				}
				t.Run(other+p, func(t *testing.T) {
					if r := e.do(t, "GET", other, p); r.status != want {
						t.Fatalf("= %d, want %d", r.status, want)
					}
				})
			}
		}
	}
	for _, host := range []string{"vetpet.localhost", "astars.localhost", "jetmoney.localhost"} {
		for _, p := range []string{"/", "/specialists", "/blog", "/faq", "/contacts"} {
			t.Run("lists of "+host+p, func(t *testing.T) {
				_, body := e.page(t, host, p, nil)
				for _, foreign := range []string{"Коняшкина", "София", "Елизавета", "Как устроен ВетПет", "Знаки Зодиака"} {
					mine := (host == "vetpet.localhost") == (foreign == "Коняшкина" || foreign == "Как устроен ВетПет")
					if host == "jetmoney.localhost" {
						mine = false
					}
					if !mine && strings.Contains(body, foreign) {
						t.Errorf("%s%s shows %q of another tenant", host, p, foreign)
					}
				}
			})
		}
	}
}

// TestHomeWithoutCatalogue is the home page of a server without the
// catalogue: the offers alone, and no routes of the catalogue's pages.
func TestHomeWithoutCatalogue(t *testing.T) {
	e := newEnvWith(t, func(d *web.Deps) { d.Catalog = nil })
	e.checkPages(t, []pageCase{
		{"home lists the packages", "vetpet.localhost", "/", nil, 200,
			[]string{"Онлайн-консультация диетолога", `data-order="diet_consultation"`, `href="/#contacts"`, "+7 800 600-99-93"},
			[]string{"Наши ветеринары", `href="/specialists"`, "Часто задаваемые вопросы"}},
		{"partner home", "jetmoney.localhost", "/?lang=en", nil, 200, []string{"КЕША +", "PET 18", "1 month", "21 days"}, nil},
		{"no specialists page", "vetpet.localhost", "/specialists", nil, 404, nil, nil},
		{"no FAQ page", "vetpet.localhost", "/faq", nil, 404, nil, nil},
	})
	t.Run("jetmoney's 46 packages, each once", func(t *testing.T) {
		_, body := e.page(t, "jetmoney.localhost", "/", nil)
		if n := strings.Count(body, `<article class="package"`); n != 46 {
			t.Fatalf("%d packages, want 46", n)
		}
	})
}
