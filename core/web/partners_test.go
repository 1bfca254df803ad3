package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/consult/platform/core/partners"
	"github.com/consult/platform/core/platform/rbac"
	"github.com/consult/platform/core/platform/tenancy"
	"github.com/consult/platform/core/web"
)

const (
	jet    = "jetmoney.localhost"
	vet    = "vetpet.localhost"
	issueP = "/api/v1/partner/certificates"
	keysP  = "/api/v1/admin/api-keys"
)

// apiKey makes a partner key of tenant, as the CLI would.
func (e *env) apiKey(t *testing.T, tenant, name string) partners.Created {
	t.Helper()
	k, err := e.partners.CreateKey(tenancy.With(context.Background(), tenant), name, partners.CreatedByCLI)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// keyed returns headers that present secret as a bearer key, with an
// Idempotency-Key unless idem is "".
func keyed(secret, idem string, more ...string) []string {
	h := []string{"Authorization", "Bearer " + secret}
	if idem != "" {
		h = append(h, "Idempotency-Key", idem)
	}
	return append(h, more...)
}

// kesha is a sale of offer 003's «КЕША +», whose price is set per
// certificate (annex 1, item 2).
const kesha = `{"package_code":"КЕША+","price_paid":149900,"phone":"+79991234567","email":"anna@example.com","name":"Анна","external_id":"JM-1"}`

// openAPIDoc loads the published document.
func openAPIDoc(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(web.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi document: %v", err)
	}
	return doc
}

// matchesOpenAPI validates a JSON response of method on the documented
// path against the document (as TestResponsesMatchOpenAPI does for GETs).
func matchesOpenAPI(t *testing.T, doc *openapi3.T, method, path string, r response) {
	t.Helper()
	item := doc.Paths.Find(path)
	if item == nil {
		t.Fatalf("%s is not in the OpenAPI document", path)
	}
	op := item.GetOperation(method)
	if op == nil {
		t.Fatalf("%s %s is not in the OpenAPI document", method, path)
	}
	req := httptest.NewRequest(method, "http://x/api/v1"+path, nil)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, Route: &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op},
		},
		Status: r.status, Header: r.header, Body: io.NopCloser(bytes.NewReader(r.body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Fatalf("%s %s: response does not match the document: %v\n%s", method, path, err, r.body)
	}
}

func TestPartnerAuth(t *testing.T) {
	e := newEnv(t)
	crm := e.apiKey(t, "jetmoney", "CRM")
	vetKey := e.apiKey(t, "vetpet", "CRM")
	old := e.apiKey(t, "jetmoney", "old")
	if _, err := e.partners.RevokeKey(tenancy.With(context.Background(), "jetmoney"), old.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	customer := e.login(t, jet, "+79990000010")
	tests := []struct {
		name    string
		headers []string
		want    int
		code    string
	}{
		{"no key", nil, 401, partners.CodeKeyRequired},
		{"another tenant's key", []string{"Authorization", "Bearer " + vetKey.Secret}, 401, partners.CodeKeyInvalid},
		{"a revoked key", []string{"Authorization", "Bearer " + old.Secret}, 401, partners.CodeKeyInvalid},
		{"a made-up key", []string{"Authorization", "Bearer pk_aaaaaaaa_" + strings.Repeat("a", 52)}, 401, partners.CodeKeyInvalid},
		{"a customer's session token is no key", []string{"Authorization", "Bearer " + customer.token}, 401, partners.CodeKeyInvalid},
		{"a session cookie is no key", []string{"Cookie", customer.cookie}, 401, partners.CodeKeyRequired},
		{"two different keys", []string{"Authorization", "Bearer " + crm.Secret, "X-API-Key", old.Secret}, 401, partners.CodeKeyInvalid},
		{"bearer", []string{"Authorization", "Bearer " + crm.Secret}, 200, ""},
		{"X-API-Key", []string{"X-API-Key", crm.Secret}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(t, "GET", jet, issueP, "", tt.headers...)
			if r.status != tt.want {
				t.Fatalf("status = %d, want %d: %s", r.status, tt.want, r.body)
			}
			if tt.want == 401 {
				got := decode[apiError](t, r)
				if got.Error.Code != tt.code || got.Error.Message == "" || got.Error.Message == tt.code {
					t.Fatalf("error = %+v, want %s", got.Error, tt.code)
				}
				if r.header.Get("WWW-Authenticate") == "" {
					t.Fatal("401 without WWW-Authenticate")
				}
			}
		})
	}
	t.Run("the vetpet key works on its own site", func(t *testing.T) {
		if r := e.call(t, "GET", vet, issueP, "", keyed(vetKey.Secret, "")...); r.status != 200 {
			t.Fatalf("status = %d: %s", r.status, r.body)
		}
	})
	t.Run("the error speaks the caller's language", func(t *testing.T) {
		r := e.call(t, "GET", jet, issueP, "", "Accept-Language", "en")
		if got := decode[apiError](t, r); !strings.Contains(got.Error.Message, "API key is needed") {
			t.Fatalf("message %q", got.Error.Message)
		}
	})
}

func TestPartnerIssue(t *testing.T) {
	e := newEnv(t)
	doc := openAPIDoc(t)
	crm := e.apiKey(t, "jetmoney", "CRM")
	first := e.call(t, "POST", jet, issueP, kesha, keyed(crm.Secret, "sale-1")...)
	if first.status != 201 || first.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("issue = %d %s", first.status, first.body)
	}
	matchesOpenAPI(t, doc, "POST", "/partner/certificates", first)
	var issued struct {
		Number     string `json:"number"`
		OfferID    string `json:"offer_id"`
		PricePaid  int64  `json:"price_paid"`
		FirstDay   string `json:"first_day"`
		LastDay    string `json:"last_day"`
		ExternalID string `json:"external_id"`
		Quotas     []struct {
			ServiceKind string `json:"service_kind"`
			Quota       int    `json:"quota"`
		} `json:"quotas"`
	}
	if err := json.Unmarshal(first.body, &issued); err != nil {
		t.Fatal(err)
	}
	// offer 003, annex 1: КЕША + is one month from the day after the
	// sale (15 Jan 2026), with one vet and one owner-rights consultation.
	if issued.OfferID != "subscription" || issued.PricePaid != 149900 || issued.FirstDay != "2026-01-16" ||
		issued.LastDay != "2026-02-15" || issued.ExternalID != "JM-1" || len(issued.Quotas) != 2 {
		t.Fatalf("issued %s", first.body)
	}
	tests := []struct {
		name    string
		host    string
		body    string
		headers []string
		want    int
		code    string
	}{
		{"no Idempotency-Key", jet, kesha, keyed(crm.Secret, ""), 400, partners.CodeIdempotencyKeyRequired},
		{"a malformed Idempotency-Key", jet, kesha, keyed(crm.Secret, "two words"), 400, partners.CodeIdempotencyKeyInvalid},
		{"the same key with another sale", jet, strings.Replace(kesha, "149900", "99900", 1), keyed(crm.Secret, "sale-1"), 409,
			partners.CodeIdempotencyKeyReused},
		{"a package the site does not sell", jet, `{"package_code":"happy_pet","price_paid":1,"phone":"+79991234567"}`,
			keyed(crm.Secret, "sale-2"), 422, partners.CodeSaleInvalid},
		{"a price set per certificate must be given", jet, `{"package_code":"КЕША+","phone":"+79991234567"}`,
			keyed(crm.Secret, "sale-3"), 422, partners.CodeSaleInvalid},
		{"quotas and tenant in the body are refused, not obeyed", jet,
			`{"package_code":"КЕША+","price_paid":1,"phone":"+79991234567","quotas":{"vet_consultation":99},"tenant_id":"vetpet"}`,
			keyed(crm.Secret, "sale-4"), 400, "errors.bad_request"},
		{"nowhere to deliver", jet, `{"package_code":"КЕША+","price_paid":1}`, keyed(crm.Secret, "sale-5"), 422, partners.CodeSaleInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(t, "POST", tt.host, issueP, tt.body, tt.headers...)
			if r.status != tt.want {
				t.Fatalf("status = %d, want %d: %s", r.status, tt.want, r.body)
			}
			if got := decode[apiError](t, r); got.Error.Code != tt.code || got.Error.Message == "" || got.Error.Message == tt.code {
				t.Fatalf("error = %+v, want %s", got.Error, tt.code)
			}
			matchesOpenAPI(t, doc, "POST", "/partner/certificates", r)
		})
	}
	t.Run("field errors name the sale's fields, localised", func(t *testing.T) {
		r := e.call(t, "POST", jet, issueP, `{"package_code":"КЕША+","price_paid":-5,"phone":"12"}`,
			keyed(crm.Secret, "sale-6", "Accept-Language", "en")...)
		var got struct {
			Error struct {
				Fields []struct{ Field, Code, Message string } `json:"fields"`
			} `json:"error"`
		}
		_ = json.Unmarshal(r.body, &got)
		if r.status != 422 || len(got.Error.Fields) != 1 || got.Error.Fields[0].Field != "price_paid" ||
			!strings.Contains(got.Error.Fields[0].Message, "kopecks") {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("a replay answers the same bytes", func(t *testing.T) {
		e.clock.Advance(3600e9)
		again := e.call(t, "POST", jet, issueP, kesha, keyed(crm.Secret, "sale-1")...)
		if again.status != 201 || !bytes.Equal(again.body, first.body) || again.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay = %d %s\nfirst %s", again.status, again.body, first.body)
		}
	})
	t.Run("a partner of one tenant cannot issue for another", func(t *testing.T) {
		vetKey := e.apiKey(t, "vetpet", "CRM")
		if r := e.call(t, "POST", jet, issueP, kesha, keyed(vetKey.Secret, "x-1")...); r.status != 401 {
			t.Fatalf("vetpet key on jetmoney = %d", r.status)
		}
		// On its own site it can only sell its own site's packages.
		if r := e.call(t, "POST", vet, issueP, kesha, keyed(vetKey.Secret, "x-1")...); r.status != 422 {
			t.Fatalf("jetmoney package on vetpet = %d %s", r.status, r.body)
		}
	})
	var n int
	if err := e.db.NewSelect().TableExpr("certificates").ColumnExpr("count(*)").Scan(context.Background(), &n); err != nil || n != 1 {
		t.Fatalf("%d certificates (%v), want the first sale's only", n, err)
	}
}

// SECURITY.md 16: 20 identical requests at once make one certificate, and
// every caller gets the same answer.
func TestPartnerIssueParallel(t *testing.T) {
	e := newEnv(t)
	crm := e.apiKey(t, "jetmoney", "CRM")
	type result struct {
		status int
		body   string
		err    error
	}
	results := make([]result, 20)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			req := httptest.NewRequest("POST", issueP, strings.NewReader(kesha))
			req.Host = jet
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+crm.Secret)
			req.Header.Set("Idempotency-Key", "sale-42")
			res, err := e.srv.App().Test(req, 30_000)
			if err != nil {
				results[i] = result{err: err}
				return
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			results[i] = result{status: res.StatusCode, body: string(b), err: err}
		})
	}
	wg.Wait()
	for i, r := range results {
		if r.err != nil || r.status != 201 || r.body != results[0].body {
			t.Fatalf("call %d: %d %v %s\nfirst: %s", i, r.status, r.err, r.body, results[0].body)
		}
	}
	var certs, msgs int
	ctx := context.Background()
	if err := e.db.NewSelect().TableExpr("certificates").ColumnExpr("count(*)").Scan(ctx, &certs); err != nil {
		t.Fatal(err)
	}
	if err := e.db.NewSelect().TableExpr("notifications").ColumnExpr("count(*)").Where("kind = 'certificates.issued'").Scan(ctx, &msgs); err != nil {
		t.Fatal(err)
	}
	if certs != 1 || msgs != 2 {
		t.Fatalf("%d certificates and %d messages, want 1 and an SMS and an e-mail", certs, msgs)
	}
}

func TestPartnerList(t *testing.T) {
	e := newEnv(t)
	doc := openAPIDoc(t)
	crm := e.apiKey(t, "jetmoney", "CRM")
	sales := []string{
		`{"package_code":"КЕША+","price_paid":100,"phone":"+79990000001","external_id":"JM-1"}`,
		`{"package_code":"PET1+","price_paid":200,"phone":"+79990000002","external_id":"JM-2"}`,
		// Values that a spreadsheet would run, and RFC 4180's quoting.
		`{"package_code":"КЕША+","price_paid":300,"phone":"+79990000001","name":"=HYPERLINK(\"http://evil\",\"x\")","email":"a@example.com","external_id":"@SUM(1,2)"}`,
		`{"package_code":"КЕША+","price_paid":400,"phone":"+79990000003","name":"Иван \"Ваня\", мл.","external_id":"-1"}`,
	}
	for i, s := range sales {
		if r := e.call(t, "POST", jet, issueP, s, keyed(crm.Secret, "s-"+string(rune('a'+i)))...); r.status != 201 {
			t.Fatalf("sale %d = %d %s", i, r.status, r.body)
		}
		e.clock.Advance(60e9)
	}
	// Neither an order's certificate nor another tenant's is the partner's.
	e.issue(t, "order-1", "+79990000001")
	type page struct {
		Certificates []struct {
			ExternalID string `json:"external_id"`
			State      string `json:"state"`
			Holder     struct{ Phone string }
		} `json:"certificates"`
		NextCursor *string `json:"next_cursor"`
	}
	refs := func(p page) string {
		var out []string
		for _, c := range p.Certificates {
			out = append(out, c.ExternalID)
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		name, query, want string
	}{
		{"all, newest first", "", "-1,@SUM(1,2),JM-2,JM-1"},
		{"by phone", "?phone=%2B79990000001", "@SUM(1,2),JM-1"},
		{"by package", "?package_code=PET1%2B", "JM-2"},
		{"by reference", "?external_id=JM-2", "JM-2"},
		{"by state", "?state=not_started", "-1,@SUM(1,2),JM-2,JM-1"},
		{"by day", "?issued_from=2026-01-15&issued_to=2026-01-15", "-1,@SUM(1,2),JM-2,JM-1"},
		{"days without sales", "?issued_from=2026-01-16", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(t, "GET", jet, issueP+tt.query, "", keyed(crm.Secret, "")...)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			matchesOpenAPI(t, doc, "GET", "/partner/certificates", r)
			if got := refs(decode[page](t, r)); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("pages by cursor", func(t *testing.T) {
		var got []string
		next := ""
		for range 4 {
			q := "?limit=3"
			if next != "" {
				q += "&cursor=" + next
			}
			p := decode[page](t, e.call(t, "GET", jet, issueP+q, "", keyed(crm.Secret, "")...))
			got = append(got, refs(p))
			if p.NextCursor == nil {
				break
			}
			next = *p.NextCursor
		}
		if strings.Join(got, "|") != "-1,@SUM(1,2),JM-2|JM-1" {
			t.Fatalf("pages %q", got)
		}
	})
	for _, q := range []string{"?limit=0", "?limit=501", "?limit=x", "?state=lost", "?cursor=forged", "?issued_from=15.01.2026", "?format=xml"} {
		t.Run("refuses "+q, func(t *testing.T) {
			r := e.call(t, "GET", jet, issueP+q, "", keyed(crm.Secret, "")...)
			if r.status != 422 || decode[apiError](t, r).Error.Code != "certificates.list_invalid" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			matchesOpenAPI(t, doc, "GET", "/partner/certificates", r)
		})
	}
	for _, how := range [][]string{{"?format=csv"}, {"", "Accept", "text/csv"}} {
		t.Run("csv "+strings.Join(how, " "), func(t *testing.T) {
			r := e.call(t, "GET", jet, issueP+how[0], "", keyed(crm.Secret, "", how[1:]...)...)
			if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
				!strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("%d %v %s", r.status, r.header, r.body)
			}
			if !bytes.Contains(r.body, []byte("\r\n")) || !bytes.Contains(r.body, []byte(`,"Иван ""Ваня"", мл.",`)) {
				t.Fatalf("not RFC 4180 (CRLF, quotes doubled inside quotes):\n%s", r.body)
			}
			rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
			if err != nil {
				t.Fatalf("not RFC 4180: %v\n%s", err, r.body)
			}
			if len(rows) != 5 || rows[0][0] != "number" || rows[0][16] != "external_id" {
				t.Fatalf("rows %q", rows)
			}
			byRef := map[string][]string{}
			for _, row := range rows[1:] {
				byRef[row[16]] = row
			}
			// Every dangerous cell starts with an apostrophe; text with
			// quotes and commas survives intact.
			if row := byRef["'@SUM(1,2)"]; row == nil || row[15] != `'=HYPERLINK("http://evil","x")` || row[13] != "'+79990000001" {
				t.Fatalf("formula cells not defused: %q", byRef)
			}
			if row := byRef["'-1"]; row == nil || row[15] != `Иван "Ваня", мл.` {
				t.Fatalf("quoted cell broken: %q", byRef)
			}
			if row := byRef["JM-2"]; row == nil || row[4] != "PET1+" || row[6] != "200" || !regexp.MustCompile(`^vet_consultation 0/\d+`).MatchString(row[17]) {
				t.Fatalf("row %q", row)
			}
			for _, row := range rows {
				for _, cell := range row {
					if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
						t.Fatalf("cell %q starts a formula", cell)
					}
				}
			}
		})
	}
	t.Run("csv cut at its limit continues by cursor", func(t *testing.T) {
		r := e.call(t, "GET", jet, issueP+"?format=csv&limit=3", "", keyed(crm.Secret, "")...)
		rows, _ := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		next := r.header.Get("X-Next-Cursor")
		if len(rows) != 4 || next == "" {
			t.Fatalf("%d rows, next %q", len(rows), next)
		}
		r = e.call(t, "GET", jet, issueP+"?format=csv&cursor="+next, "", keyed(crm.Secret, "")...)
		rows, _ = csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if len(rows) != 2 || rows[1][16] != "JM-1" || r.header.Get("X-Next-Cursor") != "" {
			t.Fatalf("rest %q", rows)
		}
	})
	t.Run("another tenant's partner sees none of them", func(t *testing.T) {
		vetKey := e.apiKey(t, "vetpet", "CRM")
		for _, q := range []string{"", "?phone=%2B79990000001", "?format=csv"} {
			r := e.call(t, "GET", vet, issueP+q, "", keyed(vetKey.Secret, "")...)
			if r.status != 200 || bytes.Contains(r.body, []byte("JM-")) || bytes.Contains(r.body, []byte("79990000001")) {
				t.Fatalf("vetpet lists %d %s", r.status, r.body)
			}
		}
	})
}

func TestAPIKeysAdmin(t *testing.T) {
	e := newEnv(t)
	doc := openAPIDoc(t)
	ctx := context.Background()
	userID := func(host string, s signedIn) string {
		var me struct{ ID string }
		_ = json.Unmarshal(e.call(t, "GET", host, "/api/v1/me", "", "Authorization", "Bearer "+s.token).body, &me)
		return me.ID
	}
	admin := e.login(t, jet, "+79990000020")
	adminID := userID(jet, admin)
	customer := e.login(t, jet, "+79990000021")
	vetAdmin := e.login(t, vet, "+79990000022")
	for who, a := range map[string]struct{ id, tenant string }{
		"admin": {adminID, "jetmoney"}, "vet admin": {userID(vet, vetAdmin), "vetpet"}, "customer": {userID(jet, customer), "jetmoney"},
	} {
		role := rbac.TenantAdmin
		if who == "customer" {
			role = rbac.Customer
		}
		if err := e.enforcer.Assign(ctx, a.id, a.tenant, role); err != nil {
			t.Fatal(err)
		}
	}
	bearer := func(s signedIn) []string { return []string{"Authorization", "Bearer " + s.token} }

	r := e.call(t, "POST", jet, keysP, `{"name":"CRM"}`, bearer(admin)...)
	if r.status != 201 || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create = %d %s", r.status, r.body)
	}
	matchesOpenAPI(t, doc, "POST", "/admin/api-keys", r)
	var made struct {
		Key struct {
			ID        string `json:"id"`
			Prefix    string `json:"prefix"`
			CreatedBy string `json:"created_by"`
		} `json:"key"`
		Secret string `json:"secret"`
	}
	_ = json.Unmarshal(r.body, &made)
	keyID, prefix := made.Key.ID, made.Key.Prefix
	if made.Key.CreatedBy != adminID || !strings.HasPrefix(made.Secret, prefix+"_") {
		t.Fatalf("made %s", r.body)
	}
	if r := e.call(t, "GET", jet, issueP, "", keyed(made.Secret, "")...); r.status != 200 {
		t.Fatalf("the new key does not open the partner API: %d", r.status)
	}

	t.Run("the list never shows a secret", func(t *testing.T) {
		r := e.call(t, "GET", jet, keysP, "", bearer(admin)...)
		if r.status != 200 || bytes.Contains(r.body, []byte(made.Secret)) || !bytes.Contains(r.body, []byte(prefix)) {
			t.Fatalf("list = %d %s", r.status, r.body)
		}
		matchesOpenAPI(t, doc, "GET", "/admin/api-keys", r)
	})
	t.Run("the page lists the key in the site's brand", func(t *testing.T) {
		r := e.call(t, "GET", jet, "/admin/api-keys", "", "Cookie", admin.cookie)
		body := string(r.body)
		if r.status != 200 || !strings.Contains(body, `data-page="api-keys"`) || !strings.Contains(body, prefix) ||
			strings.Contains(body, made.Secret) || !strings.Contains(body, "Ключи API") || !strings.Contains(body, "/brand/theme.css") ||
			strings.Contains(body, "partners.page.") || strings.Contains(body, "<script>") {
			t.Fatalf("page = %d\n%s", r.status, body)
		}
		if en := e.call(t, "GET", jet, "/admin/api-keys?lang=en", "", "Cookie", admin.cookie); !strings.Contains(string(en.body), "API keys") {
			t.Fatal("no English page")
		}
	})

	tests := []struct {
		name, host, method, path, body string
		headers                        []string
		want                           int
	}{
		{"anonymous list", jet, "GET", keysP, "", nil, 401},
		{"anonymous page goes to sign-in", jet, "GET", "/admin/api-keys", "", nil, 303},
		{"customer list", jet, "GET", keysP, "", bearer(customer), 403},
		{"customer create", jet, "POST", keysP, `{"name":"x"}`, bearer(customer), 403},
		{"customer revoke", jet, "DELETE", keysP + "/" + keyID, "", bearer(customer), 403},
		{"customer page", jet, "GET", "/admin/api-keys", "", []string{"Cookie", customer.cookie}, 403},
		{"another tenant's admin on this site", jet, "DELETE", keysP + "/" + keyID, "", bearer(vetAdmin), 401},
		{"another tenant's admin on its own site", vet, "DELETE", keysP + "/" + keyID, "", bearer(vetAdmin), 404},
		{"another tenant's admin lists its own", vet, "GET", keysP, "", bearer(vetAdmin), 200},
		{"a cookie without the CSRF token", jet, "POST", keysP, `{"name":"x"}`, []string{"Cookie", admin.cookie}, 403},
		{"a bad name", jet, "POST", keysP, `{"name":"  "}`, bearer(admin), 422},
		{"an unknown key", jet, "DELETE", keysP + "/nope", "", bearer(admin), 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(t, tt.method, tt.host, tt.path, tt.body, tt.headers...)
			if r.status != tt.want {
				t.Fatalf("status = %d, want %d: %s", r.status, tt.want, r.body)
			}
			if tt.want == 200 && bytes.Contains(r.body, []byte(keyID)) {
				t.Fatalf("vetpet lists jetmoney's key: %s", r.body)
			}
		})
	}
	if r := e.call(t, "GET", jet, issueP, "", keyed(made.Secret, "")...); r.status != 200 {
		t.Fatalf("the key died of others' attempts: %d", r.status)
	}

	t.Run("revoke", func(t *testing.T) {
		r := e.call(t, "DELETE", jet, keysP+"/"+keyID, "", "Cookie", admin.cookie, "X-CSRF-Token", admin.csrf)
		if r.status != 200 {
			t.Fatalf("revoke = %d %s", r.status, r.body)
		}
		matchesOpenAPI(t, doc, "DELETE", "/admin/api-keys/{id}", r)
		var k struct {
			Active    bool    `json:"active"`
			RevokedBy string  `json:"revoked_by"`
			RevokedAt *string `json:"revoked_at"`
		}
		_ = json.Unmarshal(r.body, &k)
		if k.Active || k.RevokedBy != adminID || k.RevokedAt == nil {
			t.Fatalf("revoked %s", r.body)
		}
		if r := e.call(t, "GET", jet, issueP, "", keyed(made.Secret, "")...); r.status != 401 {
			t.Fatalf("a revoked key opens the partner API: %d", r.status)
		}
		if r := e.call(t, "DELETE", jet, keysP+"/"+keyID, "", bearer(admin)...); r.status != 200 {
			t.Fatalf("revoking again = %d", r.status)
		}
	})
}

// TestPartnerAndAdminRoutesAreGuarded: every partner and key-admin route
// refuses an anonymous caller, and the list below covers every such route,
// so a new one cannot slip in unguarded.
func TestPartnerAndAdminRoutesAreGuarded(t *testing.T) {
	e := newEnv(t)
	guarded := map[string]int{
		"POST /api/v1/partner/certificates": 401, "GET /api/v1/partner/certificates": 401,
		"GET /api/v1/admin/api-keys": 401, "POST /api/v1/admin/api-keys": 401, "DELETE /api/v1/admin/api-keys/:id": 401,
		"GET /admin/api-keys": 303,
	}
	for _, r := range e.srv.App().GetRoutes(true) {
		key := r.Method + " " + r.Path
		if (strings.HasPrefix(r.Path, "/api/v1/partner") || strings.Contains(r.Path, "/api-keys")) && r.Method != "HEAD" {
			if _, ok := guarded[key]; !ok {
				t.Errorf("route %s is not in the guarded list", key)
			}
		}
	}
	for key, want := range guarded {
		method, path, _ := strings.Cut(key, " ")
		t.Run(key, func(t *testing.T) {
			body := ""
			if method == "POST" {
				body = "{}"
			}
			if r := e.call(t, method, jet, strings.ReplaceAll(path, ":id", "x"), body); r.status != want {
				t.Fatalf("anonymous %s = %d %s", key, r.status, r.body)
			}
		})
	}
}
