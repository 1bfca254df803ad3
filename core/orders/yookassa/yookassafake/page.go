package yookassafake

import (
	"html/template"
	"net/http"
)

var page = template.Must(template.New("pay").Parse(`<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>ЮKassa (fake)</title></head>
<body><h1>{{.Description}}</h1><p>{{.Amount.Value}} {{.Amount.Currency}} — {{.Status}}</p>
{{if eq .Status "pending"}}<form method="post">
<button name="result" value="succeeded">Pay</button> <button name="result" value="canceled">Decline</button>
</form>{{end}}</body></html>`))

// checkoutPage is where confirmation_url sends the payer.
func (s *Server) checkoutPage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.Payment(r.URL.Query().Get("orderId"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = page.Execute(w, p)
}

// checkoutSubmit settles the payment as the payer chose and sends them
// back to the shop. Notifications are the test's to send (Notify).
func (s *Server) checkoutSubmit(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("orderId")
	var err error
	if r.FormValue("result") == "succeeded" {
		err = s.Succeed(id)
	} else {
		err = s.Cancel(id, "")
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	p, _ := s.Payment(id)
	http.Redirect(w, r, p.ReturnURL, http.StatusSeeOther)
}
