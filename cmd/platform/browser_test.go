package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/consult/platform/core/platform/dbtest"
)

// browser starts headless Chromium for one test. Chromium resolves every
// *.localhost name to this machine, so the sites are reached by their dev
// hosts exactly as a newcomer opens them.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium; CI installs it and forbids this skip)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelBrowser()
		cancelAlloc()
	})
	return ctx
}

// page drives one browser tab; every step fails the test on error.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatal(err)
	}
}

func (p page) text(css string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		p.t.Fatal(err)
	}
	return v
}

// poll waits until the JavaScript expression is true.
func (p page) poll(js string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](js)); err != nil {
		p.t.Fatalf("waiting for %s: %v", js, err)
	}
}

func eval[T any](p page, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatal(err)
	}
	return v
}

func TestBrowserHomePage(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, dbtest.URL(t))
	port := s.addr[strings.LastIndexByte(s.addr, ':')+1:]
	vetpet := "http://vetpet.localhost:" + port

	t.Run("home page in the brand, styled under the strict CSP", func(t *testing.T) {
		p := page{t, ctx}
		p.do(chromedp.Navigate(vetpet+"/?lang=ru"), chromedp.WaitVisible(chromedp.CSS(".package")))
		if title := p.text(".hero h1"); title != "ВетПет" {
			t.Fatalf("title %q", title)
		}
		if n := eval[int](p, `document.querySelectorAll(".package").length`); n < 2 {
			t.Fatalf("%d packages", n)
		}
		// theme.css sets the brand colour; inline styles would be blocked by
		// the CSP, so a coloured heading proves the whole chain.
		if c := eval[string](p, `getComputedStyle(document.querySelector(".hero h1")).color`); c != "rgb(19, 128, 108)" {
			t.Fatalf("heading colour %q: the site theme did not apply", c)
		}
	})

	t.Run("switching to English is remembered", func(t *testing.T) {
		p := page{t, ctx}
		p.do(
			chromedp.Navigate(vetpet+"/"),
			chromedp.Click(chromedp.CSS(`.langs a[href="?lang=en"]`)),
			chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] .services h2`)),
			chromedp.Navigate(vetpet+"/"), // no ?lang: the cookie decides
			chromedp.WaitVisible(chromedp.CSS(".services h2")),
		)
		lang := eval[string](p, `document.documentElement.lang`)
		if heading := p.text(".services h2"); lang != "en" || heading != "Services and packages" {
			t.Fatalf("lang %q, heading %q", lang, heading)
		}
	})

	t.Run("partner site: packages and a legal document", func(t *testing.T) {
		p := page{t, ctx}
		p.do(chromedp.Navigate("http://jetmoney.localhost:"+port+"/?lang=ru"), chromedp.WaitVisible(chromedp.CSS(".package")))
		// offers 003 and 004: 8 + 38 packages.
		if n := eval[int](p, `document.querySelectorAll(".package").length`); n != 46 {
			t.Fatalf("%d packages, want 46", n)
		}
		p.do(chromedp.Click(chromedp.CSS(`.site-footer a[href^="/legal/"]`)), chromedp.WaitVisible(chromedp.CSS(".legal h1")))
		if title := p.text(".legal h1"); title == "" {
			t.Fatal("the legal document has no title")
		}
	})

	t.Run("usable on a phone screen", func(t *testing.T) {
		p := page{t, ctx}
		p.do(
			chromedp.EmulateViewport(375, 740),
			chromedp.Navigate("http://astars.localhost:"+port+"/"),
			chromedp.WaitVisible(chromedp.CSS(".package")),
		)
		if eval[bool](p, `document.documentElement.scrollWidth > window.innerWidth`) {
			t.Fatal("the page scrolls sideways on a 375 px screen")
		}
	})
}
