package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/consult/platform/core/platform/dbtest"
)

// outboxText waits for the newest dev-outbox message to `to` of kind and
// returns its text: the demo's way to read an SMS or e-mail.
func outboxText(t *testing.T, s *server, host, to, kind string) string {
	t.Helper()
	var text string
	waitFor(t, "a "+kind+" message to "+to, 20*time.Second, func() bool {
		_, b := s.get(t, host, "/api/v1/dev/outbox?to="+url.QueryEscape(to))
		var r struct {
			Messages []struct{ Kind, Text string }
		}
		if json.Unmarshal(b, &r) != nil {
			return false
		}
		for _, m := range r.Messages {
			if m.Kind == kind {
				text = m.Text
				return true
			}
		}
		return false
	})
	return text
}

var sixDigits = regexp.MustCompile(`\b(\d{6})\b`)

func codeIn(t *testing.T, text string) string {
	t.Helper()
	m := sixDigits.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no 6-digit code in %q", text)
	}
	return m[1]
}

// TestBrowserAccount walks the account flows of issue 3 in a real browser:
// phone login with the SMS code from the dev outbox, editing the profile,
// adding a pet, setting a password and signing in with it, and resetting a
// forgotten password through the e-mailed link.
func TestBrowserAccount(t *testing.T) {
	ctx := browser(t)
	s := startServer(t, dbtest.URL(t))
	port := s.addr[strings.LastIndexByte(s.addr, ':')+1:]
	base := "http://vetpet.localhost:" + port
	const phone = "+79991234567"
	const email = "anna@example.com"

	t.Run("phone login with the code from the outbox", func(t *testing.T) {
		p := page{t, ctx}
		p.do(
			chromedp.Navigate(base+"/login?lang=ru"),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="phone-start"] [name="phone"]`)),
			chromedp.SendKeys(chromedp.CSS(`[data-form="phone-start"] [name="phone"]`), "9991234567"),
			chromedp.Click(chromedp.CSS(`[data-form="phone-start"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="phone-verify"] [name="code"]`)),
		)
		if cd := p.text(`[data-countdown]`); !strings.Contains(cd, "с") {
			t.Errorf("no resend countdown: %q", cd)
		}
		code := codeIn(t, outboxText(t, s, "vetpet.localhost", phone, "auth.login_code"))
		p.do(
			chromedp.SendKeys(chromedp.CSS(`[data-form="phone-verify"] [name="code"]`), code),
			chromedp.Click(chromedp.CSS(`[data-form="phone-verify"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-page="profile"]`)),
		)
		p.poll(`document.querySelector('[data-form="profile"] [name="phone"]').value === "+79991234567"`)
	})

	t.Run("edit the profile", func(t *testing.T) {
		p := page{t, ctx}
		p.poll(`document.querySelector('[data-form="profile"] [name="phone"]').value === "+79991234567"`)
		p.do(
			chromedp.SendKeys(chromedp.CSS(`[data-form="profile"] [name="name"]`), "Анна"),
			chromedp.SendKeys(chromedp.CSS(`[data-form="profile"] [name="email"]`), email),
			chromedp.SetValue(chromedp.CSS(`[data-form="profile"] [name="birth_date"]`), "1990-05-01"),
			chromedp.Click(chromedp.CSS(`[data-form="profile"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="profile"] .form-ok`)),
			chromedp.Navigate(base+"/profile"),
		)
		p.poll(`document.querySelector('[data-form="profile"] [name="name"]').value === "Анна"`)
		if name := p.text(".account-name"); name != "Анна" {
			t.Fatalf("header shows %q", name)
		}
	})

	t.Run("add a pet", func(t *testing.T) {
		p := page{t, ctx}
		p.do(
			chromedp.Navigate(base+"/pets"),
			chromedp.WaitVisible(chromedp.CSS(`[data-action="add-subject"]`)),
			chromedp.Click(chromedp.CSS(`[data-action="add-subject"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="subject"] [name="species"]`)),
			chromedp.SetValue(chromedp.CSS(`[data-form="subject"] [name="species"]`), "cat"),
		)
		eval[bool](p, `document.querySelector('[data-form="subject"] [name="species"]').dispatchEvent(new Event("change"))`)
		p.do(
			chromedp.SetValue(chromedp.CSS(`[data-form="subject"] [name="breed"]`), "maine_coon"),
			chromedp.SendKeys(chromedp.CSS(`[data-form="subject"] [name="name"]`), "Барсик"),
			chromedp.Click(chromedp.CSS(`[data-form="subject"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.subject-label`)),
		)
		if label := p.text(".subject-label"); label != "Барсик" {
			t.Fatalf("pet list shows %q", label)
		}
		if meta := p.text(".subject-meta"); !strings.Contains(meta, "Мейн-кун") {
			t.Fatalf("pet details %q lack the breed", meta)
		}
	})

	t.Run("set a password, sign out, sign in with e-mail and password", func(t *testing.T) {
		p := page{t, ctx}
		p.do(
			chromedp.Navigate(base+"/profile"),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="password"] [name="password"]`)),
			chromedp.SendKeys(chromedp.CSS(`[data-form="password"] [name="password"]`), "correct horse battery"),
			chromedp.Click(chromedp.CSS(`[data-form="password"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="password"] .form-ok`)),
			chromedp.Click(chromedp.CSS(`[data-action="logout"]`)),
			chromedp.WaitVisible(chromedp.CSS(`a[href="/login"]`)),
			chromedp.Navigate(base+"/login?tab=email"),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="password-login"] [name="email"]`)),
			chromedp.SendKeys(chromedp.CSS(`[data-form="password-login"] [name="email"]`), email),
			chromedp.SendKeys(chromedp.CSS(`[data-form="password-login"] [name="password"]`), "correct horse battery"),
			chromedp.Click(chromedp.CSS(`[data-form="password-login"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-page="profile"]`)),
		)
	})

	t.Run("reset a forgotten password by the e-mailed link", func(t *testing.T) {
		p := page{t, ctx}
		p.do(
			chromedp.Click(chromedp.CSS(`[data-action="logout"]`)),
			chromedp.WaitVisible(chromedp.CSS(`a[href="/login"]`)),
			chromedp.Navigate(base+"/login?tab=email"),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="password-login"] [name="email"]`)),
			chromedp.SendKeys(chromedp.CSS(`[data-form="password-login"] [name="email"]`), email),
			chromedp.Click(chromedp.CSS(`[data-action="forgot"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="forgot"] button[type="submit"]`)),
			chromedp.Click(chromedp.CSS(`[data-form="forgot"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="forgot"] .form-ok`)),
		)
		text := outboxText(t, s, "vetpet.localhost", email, "auth.password_reset")
		link := regexp.MustCompile(`https?://\S+/password/reset\?token=[A-Za-z0-9_\-]+`).FindString(text)
		if link == "" {
			t.Fatalf("no reset link in %q", text)
		}
		p.do(
			chromedp.Navigate(link),
			chromedp.WaitVisible(chromedp.CSS(`[data-form="reset"] [name="password"]`)),
			chromedp.SendKeys(chromedp.CSS(`[data-form="reset"] [name="password"]`), "a brand new passphrase"),
			chromedp.Click(chromedp.CSS(`[data-form="reset"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-page="profile"]`)),
		)
		// The old password no longer works; the new one does.
		for _, tc := range []struct {
			password string
			status   int
		}{{"correct horse battery", 401}, {"a brand new passphrase", 200}} {
			status, body := s.postJSON(t, "vetpet.localhost", "/api/v1/auth/password/login",
				`{"email":"`+email+`","password":"`+tc.password+`"}`)
			if status != tc.status {
				t.Fatalf("login with %q = %d %s", tc.password, status, body)
			}
		}
	})
}

// postJSON sends a JSON POST to the running platform.
func (s *server) postJSON(t *testing.T, host, path, body string) (int, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", "http://"+s.addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s%s: %v", host, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}
