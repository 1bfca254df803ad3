package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/consult/platform/core/platform/dbtest"
)

var apiKeyRE = regexp.MustCompile(`pk_[a-z2-7]{8}_[a-z2-7]{52}`)

func TestAdminCreateAPIKey(t *testing.T) {
	dbURL := dbtest.URL(t)
	tests := []struct {
		name    string
		args    []string
		wantErr bool
		want    []string
	}{
		{"no tenant", []string{"--name", "CRM"}, true, []string{"--tenant and --name are required"}},
		{"no name", []string{"--tenant", "jetmoney"}, true, []string{"--tenant and --name are required"}},
		{"unknown tenant", []string{"--tenant", "nosuch", "--name", "CRM"}, true, []string{`no tenant "nosuch"`}},
		{"a name that is no name", []string{"--tenant", "jetmoney", "--name", "   "}, true, []string{"partners.name_invalid"}},
		{"made", []string{"--tenant", "jetmoney", "--name", "CRM"}, false,
			[]string{`created API key "CRM" (pk_`, "for jetmoney", "shown only now", "/api/v1/partner/certificates", "Idempotency-Key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := command(t, nil, append([]string{"admin", "create-api-key", "--db", dbURL}, tt.args...)...)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v\n%s", err, tt.wantErr, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if !tt.wantErr && len(apiKeyRE.FindAllString(out, -1)) != 1 {
				t.Errorf("the secret is not printed exactly once:\n%s", out)
			}
		})
	}
	t.Run("quiet prints the secret alone", func(t *testing.T) {
		out, err := command(t, nil, "admin", "create-api-key", "--db", dbURL, "--tenant", "jetmoney", "--name", "1C", "--quiet")
		if err != nil || !apiKeyRE.MatchString(out) || strings.TrimSpace(out) != apiKeyRE.FindString(out) {
			t.Fatalf("quiet output %q, %v", out, err)
		}
	})
}

// partnerCall sends a request to the running platform with headers.
func partnerCall(t *testing.T, s *server, method, host, path, body string, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+s.addr+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s%s: %v", method, host, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, b
}

// TestPartnerSaleAndActivation walks a partner's sale against the real
// binary: a key made with the CLI, a certificate issued through the
// partner API on Jet Money's site (a replay answers the same), the SMS it
// sends, and the client signing in on that site with the phone and
// activating the certificate by its number.
func TestPartnerSaleAndActivation(t *testing.T) {
	dbURL := dbtest.URL(t)
	out, err := command(t, nil, "admin", "create-api-key", "--db", dbURL, "--tenant", "jetmoney", "--name", "CRM", "--quiet")
	if err != nil {
		t.Fatalf("create-api-key: %v\n%s", err, out)
	}
	secret := strings.TrimSpace(out)
	s := startServer(t, dbURL)
	// Jet Money sells to its clients on its own site; they activate there.
	const host, phone = "jetmoney.localhost", "+79991230001"
	sale := `{"package_code":"PET1+","price_paid":99000,"phone":"` + phone + `","name":"Анна","external_id":"JM-100"}`
	auth := []string{"Authorization", "Bearer " + secret, "Idempotency-Key", "jm-order-100"}
	status, _, body := partnerCall(t, s, "POST", host, "/api/v1/partner/certificates", sale, auth...)
	var issued struct {
		Number     string `json:"number"`
		ExternalID string `json:"external_id"`
	}
	if err := json.Unmarshal(body, &issued); err != nil || status != 201 || issued.Number == "" || issued.ExternalID != "JM-100" {
		t.Fatalf("issue = %d %s", status, body)
	}
	status, header, again := partnerCall(t, s, "POST", host, "/api/v1/partner/certificates", sale, auth...)
	if status != 201 || string(again) != string(body) || header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay = %d %s", status, again)
	}
	if status, _, _ := partnerCall(t, s, "POST", "vetpet.localhost", "/api/v1/partner/certificates", sale, auth...); status != 401 {
		t.Fatalf("Jet Money's key on VetPet's site = %d", status)
	}
	// offer 003/004 art. 1: the certificate reached the client by SMS.
	if text := outboxText(t, s, host, phone, "certificates.issued"); !strings.Contains(text, issued.Number) {
		t.Fatalf("the SMS lacks the number: %q", text)
	}
	if status, body := s.postJSON(t, host, "/api/v1/auth/phone/start", `{"phone":"`+phone+`"}`); status != 200 {
		t.Fatalf("login start = %d %s", status, body)
	}
	code := codeIn(t, outboxText(t, s, host, phone, "auth.login_code"))
	_, body = s.postJSON(t, host, "/api/v1/auth/phone/verify", `{"phone":"`+phone+`","code":"`+code+`"}`)
	var login struct{ Token string }
	_ = json.Unmarshal(body, &login)
	bearer := []string{"Authorization", "Bearer " + login.Token}
	if status, _, body := partnerCall(t, s, "POST", host, "/api/v1/certificates/activate", `{"number":"`+issued.Number+`"}`, bearer...); status != 200 {
		t.Fatalf("activate = %d %s", status, body)
	}
	if status, _, body := partnerCall(t, s, "GET", host, "/api/v1/me/certificates", "", bearer...); status != 200 || !strings.Contains(string(body), issued.Number) {
		t.Fatalf("my certificates = %d %s", status, body)
	}
	// The partner's list shows it activated, with its reference.
	status, _, body = partnerCall(t, s, "GET", host, "/api/v1/partner/certificates?external_id=JM-100", "", auth[:2]...)
	if status != 200 || !strings.Contains(string(body), issued.Number) || !strings.Contains(string(body), `"activated":true`) {
		t.Fatalf("partner list = %d %s", status, body)
	}
}
