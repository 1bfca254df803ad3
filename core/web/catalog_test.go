package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/platform/rbac"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/core/web"
	"github.com/consult/platform/tenants"
)

var (
	specOnce sync.Once
	specDoc  *openapi3.T
	specErr  error
)

// catalogAPI sends a request and checks the answer against the OpenAPI
// document's operation for the route template, as
// TestResponsesMatchOpenAPI does for the GET routes: every catalogue answer
// a test sees — errors included — is one the document describes. Pictures
// are checked by their content type only.
func (e *env) catalogAPI(t *testing.T, method, host, template, target, body string, headers ...string) response {
	t.Helper()
	r := e.call(t, method, host, "/api/v1"+target, body, headers...)
	specOnce.Do(func() { specDoc, specErr = openapi3.NewLoader().LoadFromData(web.OpenAPI()) })
	if specErr != nil {
		t.Fatal(specErr)
	}
	item := specDoc.Paths.Find(template)
	if item == nil || item.GetOperation(method) == nil {
		t.Fatalf("%s %s is not in the OpenAPI document", method, template)
	}
	if strings.HasPrefix(r.header.Get("Content-Type"), "image/") {
		return r
	}
	req := httptest.NewRequest(method, "http://"+host+"/api/v1"+target, nil)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req,
			Route: &routers.Route{Spec: specDoc, Path: template, PathItem: item, Method: method, Operation: item.GetOperation(method)}},
		Status: r.status, Header: r.header, Body: io.NopCloser(bytes.NewReader(r.body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Fatalf("%s %s: the answer does not match the document: %v\n%s", method, target, err, r.body)
	}
	return r
}

// seedDemo fills VetPet's and Astars' catalogues from their demo files,
// as `platform serve` does in dev.
func (e *env) seedDemo(t *testing.T) {
	t.Helper()
	for _, tenant := range []string{"vetpet", "astars"} {
		data, err := fs.ReadFile(tenants.Files(), tenant+"/catalog.yaml")
		if err != nil {
			t.Fatal(err)
		}
		content, err := catalog.ParseContent(data)
		if err != nil {
			t.Fatal(err)
		}
		if rep, err := e.catalog.SeedDemo(tenancy.With(context.Background(), tenant), content); err != nil || !rep.Seeded {
			t.Fatalf("seed %s: %+v %v", tenant, rep, err)
		}
	}
}

// signInAs signs phone in on host and, unless role is empty, gives the
// account the role in the host's tenant; it returns the bearer header and
// the user id.
func (e *env) signInAs(t *testing.T, host, phone string, role rbac.Role) ([]string, string) {
	t.Helper()
	s := e.login(t, host, phone)
	bearer := []string{"Authorization", "Bearer " + s.token}
	var me struct{ ID string }
	if err := json.Unmarshal(e.call(t, "GET", host, "/api/v1/me", "", bearer...).body, &me); err != nil || me.ID == "" {
		t.Fatalf("me: %v", err)
	}
	if role != "" {
		if err := e.enforcer.Assign(context.Background(), me.ID, strings.SplitN(host, ".", 2)[0], role); err != nil {
			t.Fatal(err)
		}
	}
	return bearer, me.ID
}

func TestCatalogPublicAPI(t *testing.T) {
	e := newEnv(t)
	e.seedDemo(t)
	const vp, as, jm = "vetpet.localhost", "astars.localhost", "jetmoney.localhost"
	tests := []struct {
		name, host, template, target string
		status                       int
		want                         []string // substrings of the answer
		deny                         []string
	}{
		// seed 000, fig. 3: «Онлайн-консультация диетолога», 549 руб.
		{"services", vp, "/catalog/services", "/catalog/services", 200,
			[]string{`"package_code":"diet_consultation"`, `"price":54900`, `"featured":true`, `"package_code":"happy_pet"`}, nil},
		{"featured services", vp, "/catalog/services", "/catalog/services?featured=true", 200, []string{"diet_consultation"}, nil},
		{"a service page", vp, "/catalog/services/{offer}/{code}", "/catalog/services/retail/diet_consultation", 200,
			[]string{`"description_html":"\u003cp\u003eВетеринарный диетолог`, "избыточном весе"}, nil},
		{"another tenant's package", vp, "/catalog/services/{offer}/{code}", "/catalog/services/retail/natal_chart_full", 404,
			[]string{"catalog.service_not_found", "Такой услуги нет"}, nil},
		// seed 002, «Консультации»: the natal chart in audio or written form.
		{"Astars' formats", as, "/catalog/services/{offer}/{code}", "/catalog/services/retail/natal_chart_full", 200,
			[]string{`"formats":["audio","written"]`, "Аудиоконсультация"}, nil},
		// seed 003, annex 1: КЕША + (a Cyrillic code with a plus, percent-encoded).
		{"a Jet Money package", jm, "/catalog/services/{offer}/{code}", "/catalog/services/subscription/" + url.PathEscape("КЕША+"), 200,
			[]string{`"package_code":"КЕША+"`, `"price":null`}, nil},
		// seed 000, fig. 5.
		{"specialists", vp, "/catalog/specialists", "/catalog/specialists", 200,
			[]string{"Коняшкина Ольга Александровна", `"experience_years":12`, `"animals":["Кошки","Птицы","Собаки"]`, `"next_cursor":null`},
			[]string{`"id"`, `"published"`}},
		{"specialists by animal, any case", vp, "/catalog/specialists", "/catalog/specialists?animal=" + url.QueryEscape("кошки"), 200,
			[]string{"konyashkina-olga"}, nil},
		{"nobody for fish", vp, "/catalog/specialists", "/catalog/specialists?animal=" + url.QueryEscape("рыбы"), 200,
			[]string{`"specialists":[]`}, nil},
		{"a page of one", as, "/catalog/specialists", "/catalog/specialists?limit=1", 200, []string{"sofia", `"next_cursor":"`}, []string{"elizaveta"}},
		{"a bad limit", vp, "/catalog/specialists", "/catalog/specialists?limit=0", 422,
			[]string{"catalog.page_invalid", `"field":"limit"`, "от 1 до 100"}, nil},
		{"a bad limit in English", vp, "/catalog/specialists", "/catalog/specialists?limit=1000&lang=en", 422,
			[]string{"a whole number from 1 to 100"}, nil},
		{"a forged cursor", vp, "/catalog/articles", "/catalog/articles?cursor=AAAA", 422, []string{`"field":"cursor"`}, nil},
		{"a profile", vp, "/catalog/specialists/{slug}", "/catalog/specialists/konyashkina-olga", 200,
			[]string{`"about_html":"\u003cp\u003eПостоянно изучаю`, `"services":[`, `"package_code":"happy_pet"`, `"photo_url":null`}, nil},
		{"no photo yet", vp, "/catalog/specialists/{slug}/photo", "/catalog/specialists/konyashkina-olga/photo", 404,
			[]string{"catalog.image_not_found"}, nil},
		{"another site's specialist", as, "/catalog/specialists/{slug}", "/catalog/specialists/konyashkina-olga", 404,
			[]string{"catalog.specialist_not_found"}, nil},
		// seed 002, fig. 5: София's education.
		{"education as HTML", as, "/catalog/specialists/{slug}", "/catalog/specialists/sofia", 200,
			[]string{`"education_html":"\u003cul\u003e`, "Школа астрологии Павла Андреева"}, nil},
		{"articles", vp, "/catalog/articles", "/catalog/articles", 200,
			[]string{"kak-ustroen-vetpet", "kogda-nuzhna-klinika", `"category":"vet_tips"`}, []string{`"body"`}},
		{"vet tips", vp, "/catalog/articles", "/catalog/articles?category=vet_tips", 200, []string{"kogda-nuzhna-klinika"},
			[]string{"kak-ustroen-vetpet"}},
		// seed 002, fig. 6.
		{"an article", as, "/catalog/articles/{slug}", "/catalog/articles/znaki-zodiaka-i-professii", 200,
			[]string{"Знаки Зодиака и профессии: как сделать выбор?", `"body_html":"`}, nil},
		// seed 000, fig. 7.
		{"faq", vp, "/catalog/faq", "/catalog/faq", 200,
			[]string{"Какая скорость ответа на запрос?", "С какими животными мы работаем?", `"position":1`}, nil},
		{"no reviews yet", vp, "/catalog/reviews", "/catalog/reviews", 200, []string{`"reviews":[]`}, nil},
		// seed 000, «Контакты»: 8 800 600 99 93.
		{"contacts", vp, "/catalog/contacts", "/catalog/contacts", 200, []string{`"display":"+7 800 600-99-93"`, "office@vet-pet.online"}, nil},
		{"documents", vp, "/catalog/documents", "/catalog/documents", 200,
			[]string{`"id":"privacy"`, `"url":"/legal/privacy"`, `"version":"2026-11-22"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.catalogAPI(t, "GET", tt.host, tt.template, tt.target, "")
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(r.body), w) {
					t.Errorf("lacks %s:\n%s", w, r.body)
				}
			}
			for _, d := range tt.deny {
				if strings.Contains(string(r.body), d) {
					t.Errorf("has %s:\n%s", d, r.body)
				}
			}
		})
	}
	t.Run("following next_cursor walks the list once", func(t *testing.T) {
		var slugs []string
		target := "/catalog/articles?limit=2"
		for range 5 {
			var page struct {
				Articles []struct {
					Slug string `json:"slug"`
				} `json:"articles"`
				Next *string `json:"next_cursor"`
			}
			r := e.catalogAPI(t, "GET", as, "/catalog/articles", target, "")
			if err := json.Unmarshal(r.body, &page); err != nil {
				t.Fatal(err)
			}
			for _, a := range page.Articles {
				slugs = append(slugs, a.Slug)
			}
			if page.Next == nil {
				break
			}
			target = "/catalog/articles?limit=2&cursor=" + url.QueryEscape(*page.Next)
		}
		want := "chto-nuzhno-dlya-natalnoj-karty blagopriyatnoe-vremya-dlya-znaka znaki-zodiaka-i-professii"
		if strings.Join(slugs, " ") != want {
			t.Fatalf("pages gave %v", slugs)
		}
	})
}

// adminRoute is one admin route with a body that passes validation.
type adminRoute struct {
	method, template, target, body string
}

func catalogAdminRoutes(spID, arID, faqID, reviewID string) []adminRoute {
	sp := `{"slug":"anna-petrova","name":"Анна Петрова","published":true}`
	ar := `{"slug":"new-tip","title":"Совет","body":"Текст","category":"vet_tips"}`
	return []adminRoute{
		{"PUT", "/admin/catalog/services/{offer}/{code}", "/admin/catalog/services/retail/happy_pet", `{"description":"Подробно","featured":true}`},
		{"DELETE", "/admin/catalog/services/{offer}/{code}", "/admin/catalog/services/retail/happy_pet", ""},
		{"GET", "/admin/catalog/specialists", "/admin/catalog/specialists", ""},
		{"POST", "/admin/catalog/specialists", "/admin/catalog/specialists", sp},
		{"GET", "/admin/catalog/specialists/{id}", "/admin/catalog/specialists/" + spID, ""},
		{"PUT", "/admin/catalog/specialists/{id}", "/admin/catalog/specialists/" + spID, `{"slug":"konyashkina-olga","name":"Чужое имя"}`},
		{"PUT", "/admin/catalog/specialists/{id}/photo", "/admin/catalog/specialists/" + spID + "/photo", ""},
		{"DELETE", "/admin/catalog/specialists/{id}/photo", "/admin/catalog/specialists/" + spID + "/photo", ""},
		{"DELETE", "/admin/catalog/specialists/{id}", "/admin/catalog/specialists/" + spID, ""},
		{"GET", "/admin/catalog/articles", "/admin/catalog/articles", ""},
		{"POST", "/admin/catalog/articles", "/admin/catalog/articles", ar},
		{"GET", "/admin/catalog/articles/{id}", "/admin/catalog/articles/" + arID, ""},
		{"PUT", "/admin/catalog/articles/{id}", "/admin/catalog/articles/" + arID, ar},
		{"PUT", "/admin/catalog/articles/{id}/cover", "/admin/catalog/articles/" + arID + "/cover", ""},
		{"DELETE", "/admin/catalog/articles/{id}/cover", "/admin/catalog/articles/" + arID + "/cover", ""},
		{"DELETE", "/admin/catalog/articles/{id}", "/admin/catalog/articles/" + arID, ""},
		{"GET", "/admin/catalog/faq", "/admin/catalog/faq", ""},
		{"POST", "/admin/catalog/faq", "/admin/catalog/faq", `{"question":"Новый вопрос?","answer":"Ответ."}`},
		{"PUT", "/admin/catalog/faq/order", "/admin/catalog/faq/order", `{"ids":["` + faqID + `"]}`},
		{"PUT", "/admin/catalog/faq/{id}", "/admin/catalog/faq/" + faqID, `{"question":"Чужой вопрос?","answer":"Ответ."}`},
		{"DELETE", "/admin/catalog/faq/{id}", "/admin/catalog/faq/" + faqID, ""},
		{"GET", "/admin/catalog/contacts", "/admin/catalog/contacts", ""},
		{"PUT", "/admin/catalog/contacts", "/admin/catalog/contacts", `{"email":"x@example.com"}`},
		{"DELETE", "/admin/catalog/contacts", "/admin/catalog/contacts", ""},
		{"GET", "/admin/catalog/audit", "/admin/catalog/audit", ""},
		{"GET", "/admin/catalog/reviews", "/admin/catalog/reviews", ""},
		{"POST", "/admin/catalog/reviews/{id}/publish", "/admin/catalog/reviews/" + reviewID + "/publish", ""},
		{"POST", "/admin/catalog/reviews/{id}/reject", "/admin/catalog/reviews/" + reviewID + "/reject", `{"reason":"Реклама"}`},
	}
}

// pngBody is a small picture as an upload body.
func pngBody(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{R: 19, G: 128, B: 108, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestCatalogAdminAccess is the route × role matrix of the admin API
// (SECURITY.md 11): anonymous 401; a customer, and support (catalog read
// only), 403; the admin of another tenant reaches none of VetPet's objects
// (404) and changes nothing; VetPet's admin passes the guard.
func TestCatalogAdminAccess(t *testing.T) {
	e := newEnv(t)
	e.seedDemo(t)
	const vp, as = "vetpet.localhost", "astars.localhost"
	ctx := tenancy.With(context.Background(), "vetpet")
	sp, err := e.catalog.Specialist(ctx, "konyashkina-olga")
	if err != nil {
		t.Fatal(err)
	}
	arts, _ := e.catalog.Articles(ctx, catalog.ArticleFilter{}, catalog.PageRequest{})
	faq, _ := e.catalog.FAQ(ctx)
	customer, customerID := e.signInAs(t, vp, "+79991110001", "")
	review, err := e.catalog.SubmitReview(ctx, catalog.Author{UserID: customerID, Name: "Анна", Customer: true},
		catalog.ReviewInput{Rating: 5, Text: "Спасибо"})
	if err != nil {
		t.Fatal(err)
	}
	support, _ := e.signInAs(t, vp, "+79991110002", rbac.Support)
	admin, _ := e.signInAs(t, vp, "+79991110003", rbac.TenantAdmin)
	foreign, _ := e.signInAs(t, as, "+79991110004", rbac.TenantAdmin)
	picture := pngBody(t)
	routes := catalogAdminRoutes(sp.ID, arts.Items[0].ID, faq[0].ID, review.ID)
	send := func(t *testing.T, rt adminRoute, host string, who []string) response {
		t.Helper()
		headers := who
		body := rt.body
		if strings.HasSuffix(rt.template, "/photo") || strings.HasSuffix(rt.template, "/cover") {
			if rt.method == "PUT" {
				body = picture
				headers = append(append([]string{}, who...), "Content-Type", "image/png")
			}
		}
		return e.catalogAPI(t, rt.method, host, rt.template, rt.target, body, headers...)
	}
	for _, rt := range routes {
		name := rt.method + " " + rt.template
		t.Run(name+"/anonymous", func(t *testing.T) {
			if r := send(t, rt, vp, nil); r.status != 401 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
		})
		t.Run(name+"/customer", func(t *testing.T) {
			if r := send(t, rt, vp, customer); r.status != 403 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
		})
		t.Run(name+"/support", func(t *testing.T) {
			if r := send(t, rt, vp, support); r.status != 403 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
		})
		t.Run(name+"/VetPet's token on Astars' site", func(t *testing.T) {
			if r := send(t, rt, as, admin); r.status != 401 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
		})
		if strings.Contains(rt.template, "{id}") {
			t.Run(name+"/Astars' admin on VetPet's object", func(t *testing.T) {
				r := send(t, rt, as, foreign)
				if r.status != 404 && r.status != 422 { // 422: a body naming VetPet's package fails first
					t.Fatalf("status %d: %s", r.status, r.body)
				}
			})
		}
	}
	t.Run("VetPet's objects are untouched", func(t *testing.T) {
		got, err := e.catalog.SpecialistByID(ctx, sp.ID)
		if err != nil || got.Name != sp.Name || got.PhotoID != "" {
			t.Fatalf("specialist = %+v, %v", got, err)
		}
		if _, err := e.catalog.ArticleByID(ctx, arts.Items[0].ID); err != nil {
			t.Fatalf("article: %v", err)
		}
		if now, _ := e.catalog.FAQ(ctx); len(now) != len(faq) || now[0].Question != faq[0].Question {
			t.Fatalf("faq = %+v", now)
		}
		pending, _ := e.catalog.Reviews(ctx, catalog.ReviewFilter{Statuses: []catalog.ReviewStatus{catalog.ReviewPending}}, catalog.PageRequest{})
		if len(pending.Items) != 1 {
			t.Fatalf("the review was moderated from outside: %+v", pending.Items)
		}
	})
	t.Run("VetPet's admin passes the guard on every route", func(t *testing.T) {
		for _, rt := range routes {
			r := send(t, rt, vp, admin)
			if r.status == 401 || r.status == 403 || r.status >= 500 {
				t.Errorf("%s %s: status %d: %s", rt.method, rt.target, r.status, r.body)
			}
		}
	})
}

func TestCatalogAdminEditing(t *testing.T) {
	e := newEnv(t)
	const vp = "vetpet.localhost"
	admin, adminID := e.signInAs(t, vp, "+79992220001", rbac.TenantAdmin)
	var created struct {
		ID       string  `json:"id"`
		PhotoURL *string `json:"photo_url"`
	}
	body := `{"slug":"konyashkina-olga","name":"Коняшкина Ольга Александровна","specialisations":["Терапия"],
		"career_start_year":2014,"animals":["Кошки"],"about":"О себе","packages":[{"offer_id":"retail","package_code":"happy_pet"}],
		"published":false,"sort_order":10}`
	t.Run("create", func(t *testing.T) {
		r := e.catalogAPI(t, "POST", vp, "/admin/catalog/specialists", "/admin/catalog/specialists", body, admin...)
		if r.status != 201 || decodeInto(t, r, &created) != nil || created.ID == "" {
			t.Fatalf("create = %d %s", r.status, r.body)
		}
	})
	steps := []struct {
		name, method, template, target, body string
		headers                              []string
		status                               int
		want                                 []string
	}{
		{"unpublished: visitors do not see them", "GET", "/catalog/specialists/{slug}", "/catalog/specialists/konyashkina-olga", "", nil, 404, nil},
		{"the admin does", "GET", "/admin/catalog/specialists", "/admin/catalog/specialists", "", admin, 200,
			[]string{`"published":false`, `"experience_years":12`}},
		{"the same slug again", "POST", "/admin/catalog/specialists", "/admin/catalog/specialists", body, admin, 409,
			[]string{"catalog.slug_taken", `"field":"slug"`, "уже занят"}},
		{"every bad field at once, localised", "POST", "/admin/catalog/specialists", "/admin/catalog/specialists",
			`{"slug":"Ольга","name":"` + strings.Repeat("я", 201) + `","animals":["Кошки","кошки"],"career_start_year":1900,
			"packages":[{"offer_id":"retail","package_code":"natal_chart_full"}]}`, admin, 422,
			[]string{`"field":"slug","code":"catalog.slug_invalid"`, `"field":"name","code":"catalog.too_long","message":"Сократите текст: не длиннее 200 символов."`,
				`"field":"animals[1]","code":"catalog.duplicate"`, `"field":"career_start_year","code":"catalog.year_invalid","message":"Укажите год от 1950 до 2026."`,
				`"field":"packages[0]","code":"catalog.package_unknown"`}},
		{"a tenant in the body is refused", "POST", "/admin/catalog/specialists", "/admin/catalog/specialists",
			`{"slug":"x","name":"x","tenant_id":"astars"}`, admin, 400, []string{"errors.bad_request"}},
		{"a photo that is no picture", "PUT", "/admin/catalog/specialists/{id}/photo", "", "<svg onload=alert(1)>",
			append(append([]string{}, admin...), "Content-Type", "image/svg+xml"), 422, []string{"media.type_refused"}},
		{"a photo", "PUT", "/admin/catalog/specialists/{id}/photo", "", pngBody(t),
			append(append([]string{}, admin...), "Content-Type", "image/png"), 200, []string{`"photo_url":"/api/v1/catalog/specialists/konyashkina-olga/photo?v=`}},
		{"publish", "PUT", "/admin/catalog/specialists/{id}", "", strings.Replace(body, `"published":false`, `"published":true`, 1), admin, 200,
			[]string{`"published":true`, `"photo_url":"/api`}},
		{"now public, with the photo", "GET", "/catalog/specialists/{slug}/photo", "/catalog/specialists/konyashkina-olga/photo", "", nil, 200, nil},
		{"service details", "PUT", "/admin/catalog/services/{offer}/{code}", "/admin/catalog/services/retail/happy_pet",
			`{"description":"**Ветеринар** онлайн","sort_order":-5,"featured":true}`, admin, 200, []string{`"featured":true`}},
		{"a format the platform does not know", "PUT", "/admin/catalog/services/{offer}/{code}", "/admin/catalog/services/retail/happy_pet",
			`{"formats":["telepathy"]}`, admin, 422, []string{`"field":"formats[0]","code":"catalog.value_unknown"`}},
		{"the carousel follows", "GET", "/catalog/services", "/catalog/services?featured=true", "", nil, 200,
			[]string{`"package_code":"happy_pet"`}},
		{"a draft article", "POST", "/admin/catalog/articles", "/admin/catalog/articles",
			`{"slug":"draft","title":"Черновик","body":"<script>x</script>Текст","category":"vet_tips"}`, admin, 201, []string{`"published_at":null`}},
		{"drafts are not public", "GET", "/catalog/articles/{slug}", "/catalog/articles/draft", "", nil, 404, nil},
		{"a FAQ item", "POST", "/admin/catalog/faq", "/admin/catalog/faq", `{"question":"Вопрос?","answer":"Ответ."}`, admin, 201,
			[]string{`"published":true`, `"position":1`}},
		{"a stale order", "PUT", "/admin/catalog/faq/order", "/admin/catalog/faq/order", `{"ids":["nope"]}`, admin, 422,
			[]string{"catalog.faq_order_mismatch"}},
		{"contacts as people write them", "PUT", "/admin/catalog/contacts", "/admin/catalog/contacts",
			`{"phones":[{"number":"8 800 600 99 93","label":{"ru":"Бесплатно"}}],"email":"office@vet-pet.online",
			"hours":[{"days":["mon","tue","wed","thu","fri"],"open":"09:00","close":"21:00"}],
			"social":[{"network":"telegram","url":"https://t.me/vetpet"}]}`, admin, 200,
			[]string{`"number":"+78006009993"`, `"customised":true`}},
		{"a javascript link", "PUT", "/admin/catalog/contacts", "/admin/catalog/contacts",
			`{"social":[{"network":"vk","url":"javascript:alert(1)"}]}`, admin, 422, []string{`"field":"social[0].url","code":"catalog.url_invalid"`}},
		{"visitors see the new contacts", "GET", "/catalog/contacts", "/catalog/contacts", "", nil, 200,
			[]string{`"day_ranges":["mon-fri"]`, `"url":"https://t.me/vetpet"`, `"label":"Бесплатно"`}},
		{"and so does /site", "GET", "/site", "/site", "", nil, 200, []string{`"url":"https://t.me/vetpet"`}},
		{"reset to the data file's", "DELETE", "/admin/catalog/contacts", "/admin/catalog/contacts", "", admin, 200,
			[]string{`"customised":false`, `"+74951396825"`}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			target := st.target
			if target == "" {
				target = strings.Replace(st.template, "{id}", created.ID, 1)
			}
			r := e.catalogAPI(t, st.method, vp, st.template, target, st.body, st.headers...)
			if r.status != st.status {
				t.Fatalf("status %d, want %d: %s", r.status, st.status, r.body)
			}
			for _, w := range st.want {
				if !strings.Contains(string(r.body), w) {
					t.Errorf("lacks %s:\n%s", w, r.body)
				}
			}
		})
	}
	t.Run("the audit trail names the admin", func(t *testing.T) {
		r := e.catalogAPI(t, "GET", vp, "/admin/catalog/audit", "/admin/catalog/audit?limit=100", "", admin...)
		var got struct {
			Entries []struct {
				ActorID string `json:"actor_id"`
				Action  string `json:"action"`
				Entity  string `json:"entity"`
			} `json:"entries"`
		}
		if err := decodeInto(t, r, &got); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, a := range got.Entries {
			if a.ActorID != adminID {
				t.Errorf("entry by %s", a.ActorID)
			}
			seen[a.Action+" "+a.Entity] = true
		}
		for _, w := range []string{"create specialist", "photo specialist", "update specialist", "update service", "create article",
			"create faq", "update contacts", "delete contacts"} {
			if !seen[w] {
				t.Errorf("no %q in %v", w, seen)
			}
		}
		if len(got.Entries) != 8 {
			t.Errorf("%d entries: refused changes were audited too?", len(got.Entries))
		}
	})
}

func decodeInto(t *testing.T, r response, v any) error {
	t.Helper()
	return json.Unmarshal(r.body, v)
}

// TestCatalogReviews: customers write, admins moderate, visitors read
// only what was published.
func TestCatalogReviews(t *testing.T) {
	e := newEnv(t)
	e.seedDemo(t)
	const vp = "vetpet.localhost"
	customer, _ := e.signInAs(t, vp, "+79993330001", "")
	admin, _ := e.signInAs(t, vp, "+79993330002", rbac.TenantAdmin)
	review := `{"rating":5,"text":"Ольга Александровна очень помогла","specialist":"konyashkina-olga","author_name":"Анна"}`
	var id string
	steps := []struct {
		name, method, template, target, body string
		headers                              []string
		status                               int
		want                                 []string
	}{
		{"anonymous may not write", "POST", "/catalog/reviews", "/catalog/reviews", review, nil, 401, []string{"auth.unauthenticated"}},
		{"staff may not write", "POST", "/catalog/reviews", "/catalog/reviews", review, admin, 403, []string{"catalog.reviews_customers_only"}},
		{"a customer writes", "POST", "/catalog/reviews", "/catalog/reviews", review, customer, 201,
			[]string{`"status":"pending"`, `"specialist":"konyashkina-olga"`}},
		{"once per target while pending", "POST", "/catalog/reviews", "/catalog/reviews", review, customer, 409, []string{"catalog.review_pending"}},
		{"a bad rating", "POST", "/catalog/reviews", "/catalog/reviews", `{"rating":0,"text":"x"}`, customer, 422,
			[]string{`"field":"rating","code":"catalog.rating_invalid"`}},
		{"not public while pending", "GET", "/catalog/reviews", "/catalog/reviews", "", nil, 200, []string{`"reviews":[]`}},
		{"in the moderation queue", "GET", "/admin/catalog/reviews", "/admin/catalog/reviews", "", admin, 200,
			[]string{`"status":"pending"`, "Ольга Александровна очень помогла"}},
		{"a bad status filter", "GET", "/admin/catalog/reviews", "/admin/catalog/reviews?status=spam", "", admin, 422,
			[]string{"catalog.filter_invalid"}},
		{"publish", "POST", "/admin/catalog/reviews/{id}/publish", "", "", admin, 200, []string{`"status":"published"`}},
		{"public now, on the specialist's list", "GET", "/catalog/reviews", "/catalog/reviews?specialist=konyashkina-olga", "", nil, 200,
			[]string{`"author_name":"Анна"`, `"rating":5`}},
		{"reject without a reason", "POST", "/admin/catalog/reviews/{id}/reject", "", `{"reason":""}`, admin, 422,
			[]string{`"field":"reason"`}},
		{"take it down", "POST", "/admin/catalog/reviews/{id}/reject", "", `{"reason":"Повтор"}`, admin, 200,
			[]string{`"status":"rejected"`, `"reject_reason":"Повтор"`}},
		{"gone from the public list", "GET", "/catalog/reviews", "/catalog/reviews", "", nil, 200, []string{`"reviews":[]`}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			target := st.target
			if target == "" {
				target = strings.Replace(st.template, "{id}", id, 1)
			}
			r := e.catalogAPI(t, st.method, vp, st.template, target, st.body, st.headers...)
			if r.status != st.status {
				t.Fatalf("status %d, want %d: %s", r.status, st.status, r.body)
			}
			for _, w := range st.want {
				if !strings.Contains(string(r.body), w) {
					t.Errorf("lacks %s:\n%s", w, r.body)
				}
			}
			if st.status == 201 {
				var got struct{ ID string }
				_ = decodeInto(t, r, &got)
				id = got.ID
			}
		})
	}
}
