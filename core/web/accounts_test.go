package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/core/web"
)

// call sends a request with a body and extra headers.
func (e *env) call(t *testing.T, method, host, target, body string, headers ...string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	req.Host = host
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.srv.App().Test(req, 10_000)
	if err != nil {
		t.Fatalf("%s %s%s: %v", method, host, target, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

type signedIn struct {
	token, cookie, csrf string
}

var codeRE = regexp.MustCompile(`\b(\d{6})\b`)

// login signs a phone in on host through the API, reading the SMS code from
// the dev outbox after the delivery worker ran.
func (e *env) login(t *testing.T, host, phone string) signedIn {
	t.Helper()
	if r := e.call(t, "POST", host, "/api/v1/auth/phone/start", `{"phone":"`+phone+`"}`); r.status != 200 {
		t.Fatalf("phone/start = %d %s", r.status, r.body)
	}
	return e.loginWithStartedCode(t, host, phone)
}

// loginWithStartedCode finishes a phone login whose code was requested.
func (e *env) loginWithStartedCode(t *testing.T, host, phone string) signedIn {
	t.Helper()
	if _, err := e.worker.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	tenant := strings.SplitN(host, ".", 2)[0]
	msgs, err := e.outbox.DevMessages(tenancy.With(context.Background(), tenant), phone, 20)
	if err != nil {
		t.Fatal(err)
	}
	code := ""
	for _, m := range msgs { // newest first; other messages (a certificate) may be newer
		if m.Kind == "auth.login_code" {
			code = codeRE.FindStringSubmatch(m.Text)[1]
			break
		}
	}
	if code == "" {
		t.Fatalf("no login code sent to %s", phone)
	}
	r := e.call(t, "POST", host, "/api/v1/auth/phone/verify", `{"phone":"`+phone+`","code":"`+code+`"}`)
	if r.status != 200 {
		t.Fatalf("phone/verify = %d %s", r.status, r.body)
	}
	var out struct {
		Token     string `json:"token"`
		CSRFToken string `json:"csrf_token"`
	}
	_ = json.Unmarshal(r.body, &out)
	cookie := ""
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "__Host-session" {
			cookie = c.Name + "=" + c.Value
			if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
				t.Errorf("session cookie attributes: %+v", c)
			}
		}
	}
	if out.Token == "" || cookie == "" {
		t.Fatalf("login gave token %q cookie %q", out.Token, cookie)
	}
	return signedIn{token: out.Token, cookie: cookie, csrf: out.CSRFToken}
}

func TestPhoneLoginAPI(t *testing.T) {
	e := newEnv(t)
	t.Run("resend inside the cooldown is 429 with Retry-After", func(t *testing.T) {
		body := `{"phone":"+79990001122"}`
		if r := e.call(t, "POST", "vetpet.localhost", "/api/v1/auth/phone/start", body); r.status != 200 || !strings.Contains(string(r.body), `"resend_after":30`) {
			t.Fatalf("start = %d %s", r.status, r.body)
		}
		r := e.call(t, "POST", "vetpet.localhost", "/api/v1/auth/phone/start", body)
		if r.status != 429 || r.header.Get("Retry-After") != "30" {
			t.Fatalf("resend = %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
		}
	})
	t.Run("an invalid phone is a field error", func(t *testing.T) {
		r := e.call(t, "POST", "vetpet.localhost", "/api/v1/auth/phone/start", `{"phone":"12"}`)
		if r.status != 422 || !strings.Contains(string(r.body), `"field":"phone"`) {
			t.Fatalf("bad phone = %d %s", r.status, r.body)
		}
	})
	t.Run("fields the API does not take are refused", func(t *testing.T) {
		r := e.call(t, "POST", "vetpet.localhost", "/api/v1/auth/phone/start", `{"phone":"+79990001133","tenant_id":"astars"}`)
		if r.status != 400 {
			t.Fatalf("tenant_id in body = %d %s", r.status, r.body)
		}
	})
	t.Run("anonymous posts must be JSON", func(t *testing.T) {
		r := e.call(t, "POST", "vetpet.localhost", "/api/v1/auth/phone/start", "", "Content-Type", "application/x-www-form-urlencoded")
		if r.status != 400 || !strings.Contains(string(r.body), "errors.json_required") {
			t.Fatalf("form post = %d %s", r.status, r.body)
		}
	})
	t.Run("sign in, use the API, sign out", func(t *testing.T) {
		s := e.login(t, "vetpet.localhost", "+79991234567")
		if r := e.call(t, "GET", "vetpet.localhost", "/api/v1/me", "", "Authorization", "Bearer "+s.token); r.status != 200 {
			t.Fatalf("me = %d %s", r.status, r.body)
		}
		if r := e.call(t, "POST", "vetpet.localhost", "/api/v1/auth/logout", "", "Authorization", "Bearer "+s.token); r.status != 204 {
			t.Fatalf("logout = %d %s", r.status, r.body)
		}
		// Killed server-side: the token is dead everywhere (SECURITY.md 8).
		if r := e.call(t, "GET", "vetpet.localhost", "/api/v1/me", "", "Authorization", "Bearer "+s.token); r.status != 401 {
			t.Fatalf("me after logout = %d", r.status)
		}
	})
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	s := e.login(t, "vetpet.localhost", "+79991234567")
	patch := `{"name":"Анна"}`
	tests := []struct {
		name    string
		headers []string
		want    int
	}{
		{"cookie without token", []string{"Cookie", s.cookie}, 403},
		{"cookie with a wrong token", []string{"Cookie", s.cookie, "X-CSRF-Token", "forged"}, 403},
		{"cookie with the session's token", []string{"Cookie", s.cookie, "X-CSRF-Token", s.csrf}, 200},
		{"cross-site origin, even with the token", []string{"Cookie", s.cookie, "X-CSRF-Token", s.csrf, "Origin", "https://evil.example"}, 403},
		{"cross-site fetch metadata", []string{"Cookie", s.cookie, "X-CSRF-Token", s.csrf, "Sec-Fetch-Site", "cross-site"}, 403},
		{"same-origin origin", []string{"Cookie", s.cookie, "X-CSRF-Token", s.csrf, "Origin", "http://vetpet.localhost"}, 200},
		{"bearer needs no token", []string{"Authorization", "Bearer " + s.token}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(t, "PATCH", "vetpet.localhost", "/api/v1/me", patch, tt.headers...)
			if r.status != tt.want {
				t.Fatalf("status = %d, want %d: %s", r.status, tt.want, r.body)
			}
		})
	}
}

// TestAccountRoutesNeedASession: every route under /api/v1/me answers 401
// to an anonymous caller, and the list below covers every such route the
// server has, so a new route cannot slip in unprotected.
func TestAccountRoutesNeedASession(t *testing.T) {
	e := newEnv(t)
	protected := map[string]bool{
		"GET /api/v1/me": true, "PATCH /api/v1/me": true, "DELETE /api/v1/me": true,
		"POST /api/v1/me/deletion": true, "POST /api/v1/me/password": true,
		"GET /api/v1/me/avatar": true, "PUT /api/v1/me/avatar": true,
		"GET /api/v1/me/sessions": true, "DELETE /api/v1/me/sessions/:id": true, "POST /api/v1/me/sessions/end-others": true,
		"GET /api/v1/me/subjects": true, "POST /api/v1/me/subjects": true, "GET /api/v1/me/subjects/:id": true,
		"PATCH /api/v1/me/subjects/:id": true, "DELETE /api/v1/me/subjects/:id": true,
		"GET /api/v1/me/certificates": true, "POST /api/v1/me/certificates/:number/transfer": true,
	}
	for _, r := range e.srv.App().GetRoutes(true) {
		key := r.Method + " " + r.Path
		if strings.HasPrefix(r.Path, "/api/v1/me") && r.Method != "HEAD" && !protected[key] {
			t.Errorf("route %s is not in the protected list", key)
		}
	}
	for key := range protected {
		method, path, _ := strings.Cut(key, " ")
		t.Run(key, func(t *testing.T) {
			body := ""
			if method != "GET" && method != "DELETE" {
				body = "{}"
			}
			r := e.call(t, method, "vetpet.localhost", strings.ReplaceAll(path, ":id", "x"), body)
			if r.status != 401 {
				t.Fatalf("anonymous %s = %d %s", key, r.status, r.body)
			}
		})
	}
}

// TestAccountsAreTenantIsolated: a session of one site is nothing on
// another, and one customer's pets are invisible to another (404, not 403:
// SECURITY.md 10).
func TestAccountsAreTenantIsolated(t *testing.T) {
	e := newEnv(t)
	anna := e.login(t, "vetpet.localhost", "+79991234567")
	bob := e.login(t, "vetpet.localhost", "+79997654321")
	if r := e.call(t, "GET", "astars.localhost", "/api/v1/me", "", "Authorization", "Bearer "+anna.token); r.status != 401 {
		t.Fatalf("vetpet token on astars = %d", r.status)
	}
	// The same phone on Astars is another, independent account.
	annaAstars := e.login(t, "astars.localhost", "+79991234567")
	var a, b struct{ ID string }
	_ = json.Unmarshal(e.call(t, "GET", "vetpet.localhost", "/api/v1/me", "", "Authorization", "Bearer "+anna.token).body, &a)
	_ = json.Unmarshal(e.call(t, "GET", "astars.localhost", "/api/v1/me", "", "Authorization", "Bearer "+annaAstars.token).body, &b)
	if a.ID == "" || a.ID == b.ID {
		t.Fatalf("one phone on two sites gave ids %q and %q", a.ID, b.ID)
	}

	r := e.call(t, "POST", "vetpet.localhost", "/api/v1/me/subjects",
		`{"kind":"pet","fields":{"species":"cat","breed":"maine_coon","name":"Барсик"}}`, "Authorization", "Bearer "+anna.token)
	if r.status != 201 {
		t.Fatalf("create pet = %d %s", r.status, r.body)
	}
	var pet struct{ ID string }
	_ = json.Unmarshal(r.body, &pet)
	for _, method := range []string{"GET", "PATCH", "DELETE"} {
		body := ""
		if method == "PATCH" {
			body = `{"fields":{"species":"cat","name":"Мурзик"}}`
		}
		if r := e.call(t, method, "vetpet.localhost", "/api/v1/me/subjects/"+pet.ID, body, "Authorization", "Bearer "+bob.token); r.status != 404 {
			t.Errorf("bob %s anna's pet = %d %s", method, r.status, r.body)
		}
	}
	if r := e.call(t, "GET", "vetpet.localhost", "/api/v1/me/subjects/"+pet.ID, "", "Authorization", "Bearer "+anna.token); r.status != 200 {
		t.Fatalf("anna's own pet = %d", r.status)
	}
}

func TestDevOutboxOnlyInDev(t *testing.T) {
	e := newEnv(t)
	if r := e.call(t, "GET", "vetpet.localhost", "/api/v1/dev/outbox?to=%2B79990000000", ""); r.status != 200 {
		t.Fatalf("dev outbox in dev = %d", r.status)
	}
	prod := newEnvWith(t, func(d *web.Deps) { d.Config.Env = "prod"; d.DevOutbox = nil })
	for _, path := range []string{"/api/v1/dev/outbox", "/dev/outbox"} {
		if r := prod.call(t, "GET", "vetpet.localhost", path, ""); r.status != 404 {
			t.Errorf("%s in prod = %d", path, r.status)
		}
	}
}

// pngBytes is a small valid PNG for avatar uploads.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		img.Set(x, x%30, color.RGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestAccountDeletion: deleting the cabinet needs a fresh code, then erases
// the personal data, pets and avatar and ends every session (licence offer
// 14.4, 152-FZ); the phone can register anew as a new customer.
func TestAccountDeletion(t *testing.T) {
	e := newEnv(t)
	const phone = "+79991234567"
	s := e.login(t, "vetpet.localhost", phone)
	auth := []string{"Authorization", "Bearer " + s.token}
	if r := e.call(t, "POST", "vetpet.localhost", "/api/v1/me/subjects",
		`{"kind":"pet","fields":{"species":"dog","name":"Шарик"}}`, auth...); r.status != 201 {
		t.Fatalf("create pet = %d %s", r.status, r.body)
	}
	req := httptest.NewRequest("PUT", "/api/v1/me/avatar", bytes.NewReader(pngBytes(t)))
	req.Host = "vetpet.localhost"
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "image/png")
	if res, err := e.srv.App().Test(req, 10_000); err != nil || res.StatusCode != 200 {
		t.Fatalf("avatar upload = %v %v", res.StatusCode, err)
	}
	if r := e.call(t, "GET", "vetpet.localhost", "/api/v1/me/avatar", "", auth...); r.status != 200 || r.header.Get("Content-Type") != "image/png" {
		t.Fatalf("avatar = %d %s", r.status, r.header.Get("Content-Type"))
	}

	t.Run("a wrong code deletes nothing", func(t *testing.T) {
		e.clock.Advance(31 * time.Second) // the login code's resend cooldown covers every purpose
		if r := e.call(t, "POST", "vetpet.localhost", "/api/v1/me/deletion", "", auth...); r.status != 200 {
			t.Fatalf("deletion start = %d %s", r.status, r.body)
		}
		if r := e.call(t, "DELETE", "vetpet.localhost", "/api/v1/me", `{"code":"000000"}`, auth...); r.status != 401 {
			t.Fatalf("delete with a wrong code = %d %s", r.status, r.body)
		}
		if r := e.call(t, "GET", "vetpet.localhost", "/api/v1/me/subjects", "", auth...); !strings.Contains(string(r.body), "Шарик") {
			t.Fatalf("pets after a refused deletion: %s", r.body)
		}
	})
	t.Run("the right code deletes everything personal", func(t *testing.T) {
		if _, err := e.worker.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		msgs, err := e.outbox.DevMessages(tenancy.With(context.Background(), "vetpet"), phone, 1)
		if err != nil || len(msgs) == 0 {
			t.Fatalf("no deletion code: %v", err)
		}
		code := codeRE.FindStringSubmatch(msgs[0].Text)[1]
		if r := e.call(t, "DELETE", "vetpet.localhost", "/api/v1/me", `{"code":"`+code+`"}`, auth...); r.status != 204 {
			t.Fatalf("delete = %d %s", r.status, r.body)
		}
		if r := e.call(t, "GET", "vetpet.localhost", "/api/v1/me", "", auth...); r.status != 401 {
			t.Fatalf("session after deletion = %d", r.status)
		}
		e.clock.Advance(31 * time.Second)
		again := e.login(t, "vetpet.localhost", phone)
		r := e.call(t, "GET", "vetpet.localhost", "/api/v1/me/subjects", "", "Authorization", "Bearer "+again.token)
		if r.status != 200 || strings.Contains(string(r.body), "Шарик") {
			t.Fatalf("the new account sees %s", r.body)
		}
		if r := e.call(t, "GET", "vetpet.localhost", "/api/v1/me/avatar", "", "Authorization", "Bearer "+again.token); r.status != 404 {
			t.Fatalf("the new account has an avatar: %d", r.status)
		}
		var n int
		if err := e.db.NewSelect().Table("subjects").ColumnExpr("count(*)").Scan(context.Background(), &n); err != nil || n != 0 {
			t.Fatalf("%d subjects rows remain (%v)", n, err)
		}
		if err := e.db.NewSelect().Table("media").ColumnExpr("count(*)").Scan(context.Background(), &n); err != nil || n != 0 {
			t.Fatalf("%d media rows remain (%v)", n, err)
		}
	})
}

// TestLoginEndsThePreviousSession: signing in again from the same browser
// ends the session its cookie held (SECURITY.md 8, rotation at login).
func TestLoginEndsThePreviousSession(t *testing.T) {
	e := newEnv(t)
	first := e.login(t, "vetpet.localhost", "+79991234567")
	e.clock.Advance(31 * time.Second)
	if r := e.call(t, "POST", "vetpet.localhost", "/api/v1/auth/phone/start", `{"phone":"+79991234567"}`); r.status != 200 {
		t.Fatalf("start = %d %s", r.status, r.body)
	}
	if _, err := e.worker.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs, _ := e.outbox.DevMessages(tenancy.With(context.Background(), "vetpet"), "+79991234567", 1)
	code := codeRE.FindStringSubmatch(msgs[0].Text)[1]
	r := e.call(t, "POST", "vetpet.localhost", "/api/v1/auth/phone/verify", `{"phone":"+79991234567","code":"`+code+`"}`, "Cookie", first.cookie, "X-CSRF-Token", first.csrf)
	if r.status != 200 {
		t.Fatalf("second login = %d %s", r.status, r.body)
	}
	if r := e.call(t, "GET", "vetpet.localhost", "/api/v1/me", "", "Authorization", "Bearer "+first.token); r.status != 401 {
		t.Fatalf("the first session survived a new login in the same browser: %d", r.status)
	}
}

// TestResetLinksUseTheCanonicalDomain: in prod a reset link points at the
// site's own domain whatever Host port the request claimed.
func TestResetLinksUseTheCanonicalDomain(t *testing.T) {
	e := newEnvWith(t, func(d *web.Deps) { d.Config.Env = "prod"; d.DevOutbox = nil })
	if r := e.call(t, "POST", "vetpet.localhost:6666", "/api/v1/auth/phone/start", `{"phone":"+79991234567"}`); r.status != 200 {
		t.Fatalf("start = %d", r.status)
	}
	l := e.loginWithStartedCode(t, "vetpet.localhost", "+79991234567")
	patch := `{"name":"Анна","email":"anna@example.com","birth_date":"1990-05-01"}`
	if r := e.call(t, "PATCH", "vetpet.localhost", "/api/v1/me", patch, "Authorization", "Bearer "+l.token); r.status != 200 {
		t.Fatalf("profile = %d %s", r.status, r.body)
	}
	e.clock.Advance(time.Minute)
	if r := e.call(t, "POST", "vetpet.localhost:6666", "/api/v1/auth/password/forgot", `{"email":"anna@example.com"}`); r.status != 202 {
		t.Fatalf("forgot = %d %s", r.status, r.body)
	}
	var body string
	if err := e.db.NewSelect().Table("notifications").Column("body").Where("kind = 'auth.password_reset'").
		Scan(context.Background(), &body); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "https://vet-pet.online/password/reset?token=") || strings.Contains(body, "6666") {
		t.Fatalf("reset link in %q", body)
	}
}
