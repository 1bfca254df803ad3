package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/consult/platform/core/platform/dbtest"
)

// TestBrowserCatalog walks VetPet's catalogue in a real browser, on the
// demo content `serve` seeds in dev: the home page's services and
// specialists carousels (seed 000 «Главная страница», fig. 2 and 4), a
// specialist's profile and back (fig. 5: «нажмите кнопку „Назад“ в вашем
// браузере»), a service's details and «Заказать» into the checkout (fig. 3),
// the FAQ (fig. 7), the articles (fig. 6), the carousels' arrows on a phone,
// and a review sent for moderation.
func TestBrowserCatalog(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, dbtest.URL(t))
	port := s.addr[strings.LastIndexByte(s.addr, ':')+1:]
	const host = "vetpet.localhost"
	base := "http://" + host + ":" + port
	p := page{t, ctx}

	t.Run("home page: services and specialists carousels", func(t *testing.T) {
		p.do(
			chromedp.Navigate(base+"/?lang=ru"),
			chromedp.WaitVisible(chromedp.CSS(`#services [data-carousel] .package`)),
			chromedp.WaitVisible(chromedp.CSS(`#specialists [data-carousel] .specialist-card`)),
		)
		services := p.text(`#services [data-carousel]`)
		for _, want := range []string{"Онлайн-консультация диетолога", "549", "Подробнее", "Заказать"} {
			if !strings.Contains(services, want) {
				t.Errorf("services carousel lacks %q: %s", want, services)
			}
		}
		specialists := p.text(`#specialists [data-carousel]`)
		for _, want := range []string{"Коняшкина Ольга Александровна", "Опыт работы: 12 лет"} {
			if !strings.Contains(specialists, want) {
				t.Errorf("specialists carousel lacks %q: %s", want, specialists)
			}
		}
		if n := eval[int](p, `document.querySelectorAll("#faq details").length`); n < 4 {
			t.Errorf("home shows %d questions", n)
		}
	})

	t.Run("a specialist's profile, and back", func(t *testing.T) {
		p.do(
			chromedp.Click(chromedp.CSS(`#specialists .specialist-name a[href="/specialists/konyashkina-olga"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-page="specialist"] h1`)),
		)
		if name := p.text(`[data-page="specialist"] h1`); name != "Коняшкина Ольга Александровна" {
			t.Fatalf("profile of %q", name)
		}
		profile := p.text(`[data-page="specialist"]`)
		for _, want := range []string{"Опыт работы: 12 лет", "С какими животными работаем", "Кошки", "О себе"} {
			if !strings.Contains(profile, want) {
				t.Errorf("profile lacks %q", want)
			}
		}
		p.do(chromedp.WaitVisible(chromedp.CSS(`#specialist-services a[data-order="happy_pet"]`)))
		// The browser restores the home page from its back-forward cache:
		// no load event fires, and chromedp's DOM queries keep the
		// profile's document, so the restored page is checked — and, in
		// the next step, clicked — through script, which sees the live one.
		p.do(chromedp.Evaluate[chromedp.Void](`history.back()`))
		waitAcross(p, `location.pathname === "/" && document.querySelectorAll("#services [data-carousel] .package").length >= 2`)
	})

	t.Run("a service's details, then «Заказать»", func(t *testing.T) {
		p.do(
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#services a[href="/services/retail/diet_consultation"]').click()`),
			chromedp.WaitVisible(chromedp.CSS(`[data-page="service"] h1`)),
		)
		if title := p.text(`[data-page="service"] h1`); title != "Онлайн-консультация диетолога" {
			t.Fatalf("service page of %q", title)
		}
		if text := p.text(`[data-page="service"]`); !strings.Contains(text, "питомцу нужно подобрать диету") || !strings.Contains(text, "549") {
			t.Errorf("service page lacks its description or price: %s", text)
		}
		p.do(
			chromedp.Click(chromedp.CSS(`[data-page="service"] a[data-order="diet_consultation"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="checkout"]`)),
		)
		if path := eval[string](p, `location.pathname`); path != "/checkout" {
			t.Fatalf("landed on %s", path)
		}
		if pkg := eval[string](p, `document.querySelector('[data-page="checkout"]').dataset.package`); pkg != "diet_consultation" {
			t.Fatalf("checkout of %q", pkg)
		}
	})

	t.Run("the FAQ opens an answer", func(t *testing.T) {
		p.do(
			chromedp.Navigate(base+"/faq"),
			chromedp.WaitVisible(chromedp.CSS(`[data-page="faq"] details summary`)),
		)
		if eval[bool](p, `document.querySelector('[data-page="faq"] details').open`) {
			t.Fatal("an answer is open before it is asked for")
		}
		p.do(
			chromedp.Click(chromedp.CSS(`[data-page="faq"] details summary`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-page="faq"] details .answer`)),
		)
		if answer := p.text(`[data-page="faq"] details .answer`); !strings.Contains(answer, "30 минут") {
			t.Errorf("answer %q", answer)
		}
	})

	t.Run("the articles and one of them", func(t *testing.T) {
		p.do(
			chromedp.Navigate(base+"/blog"),
			chromedp.WaitVisible(chromedp.CSS(`[data-page="blog"] .article-card h2 a`)),
		)
		if n := eval[int](p, `document.querySelectorAll('[data-page="blog"] .article-card').length`); n != 3 {
			t.Errorf("%d articles, want VetPet's 3", n)
		}
		title := p.text(`[data-page="blog"] .article-card h2 a`)
		p.do(
			chromedp.Click(chromedp.CSS(`[data-page="blog"] .article-card h2 a`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-page="article"] h1`)),
		)
		if got := p.text(`[data-page="article"] h1`); got != title {
			t.Fatalf("opened %q, want %q", got, title)
		}
		if date := p.text(`[data-page="article"] time`); !strings.Contains(date, ".2025") {
			t.Errorf("date %q", date)
		}
	})

	t.Run("on a phone the carousel scrolls with its arrows", func(t *testing.T) {
		p.do(
			chromedp.EmulateViewport(375, 740),
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(chromedp.CSS(`#services [data-carousel-next]`)),
		)
		if eval[bool](p, `document.documentElement.scrollWidth > window.innerWidth`) {
			t.Fatalf("the page scrolls sideways on a 375 px screen; too wide: %s", eval[string](p, overflowing))
		}
		if !eval[bool](p, `document.querySelector("#services [data-carousel-prev]").disabled`) {
			t.Error("«back» is enabled at the start")
		}
		p.do(chromedp.Click(chromedp.CSS(`#services [data-carousel-next]`)))
		p.poll(`document.querySelector("#services .carousel-track").scrollLeft > 0`)
	})

	t.Run("a customer's review goes to moderation", func(t *testing.T) {
		p.do(chromedp.Navigate(base + "/specialists/konyashkina-olga"))
		p.do(chromedp.WaitVisible(chromedp.CSS(`[data-review-login]`)))
		signInByPhone(p, s, base, host, "+79991234567", "/specialists/konyashkina-olga", `[data-form="review"]`)
		p.do(
			chromedp.SetValue(chromedp.CSS(`[data-form="review"] [name="author_name"]`), "Анна"),
			chromedp.SendKeys(chromedp.CSS(`[data-form="review"] [name="text"]`), "Спасибо за подробный ответ!"),
			chromedp.Click(chromedp.CSS(`[data-form="review"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="review"] .form-ok`)),
		)
		if msg := p.text(`[data-form="review"] .form-ok`); msg != "Отзыв отправлен на модерацию" {
			t.Fatalf("message %q", msg)
		}
		if strings.Contains(p.text(`#reviews`), "Спасибо за подробный ответ!") {
			t.Fatal("the review shows before moderation")
		}
	})
}

// overflowing lists the elements that stick out of the viewport, but those
// inside a carousel, which scrolls by itself.
const overflowing = `Array.from(document.querySelectorAll("body *")).filter((el) =>
	el.getBoundingClientRect().right > window.innerWidth + 0.5 && !el.closest(".carousel-track"))
	.map((el) => el.tagName + "." + el.className).join(", ")`

// waitAcross waits until the JavaScript expression is true on a page that
// is being replaced: chromedp.Poll fails when the page's script context
// changes under it, so this asks again until the new page answers.
func waitAcross(p page, js string) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("waiting for %s: %v", js, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
