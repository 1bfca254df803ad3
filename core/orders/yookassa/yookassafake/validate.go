package yookassafake

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Validation, as the API reference describes the fields.

// kopecks reads an amount value: digits, optionally a dot and one or two
// more; -1 when it is not one.
func kopecks(v string) (int64, bool) {
	rub, kop, dot := strings.Cut(v, ".")
	if rub == "" || len(rub) > 15 || strings.Trim(rub, "0123456789") != "" ||
		dot && (kop == "" || len(kop) > 2 || strings.Trim(kop, "0123456789") != "") {
		return -1, false
	}
	r, err := strconv.ParseInt(rub, 10, 64)
	if err != nil {
		return -1, false
	}
	var k int64
	if dot {
		k, _ = strconv.ParseInt(kop, 10, 64)
		if len(kop) == 1 {
			k *= 10
		}
	}
	return r*100 + k, true
}

func checkAmount(param string, a *amountIn) (int64, error) {
	if a == nil {
		return 0, bad(param, "Amount is required")
	}
	k, ok := kopecks(a.Value)
	switch {
	case !ok:
		return 0, bad(param+".value", "Amount value %q is not a number with at most two decimals", a.Value)
	case k <= 0:
		return 0, bad(param+".value", "Amount must be greater than zero")
	case a.Currency != "RUB":
		return 0, bad(param+".currency", "Currency %q is not supported by this shop", a.Currency)
	}
	return k, nil
}

var (
	paymentSubjects = strings.Fields("commodity excise job service gambling_bet gambling_prize lottery lottery_prize " +
		"intellectual_activity payment agent_commission property_right non_operating_gain insurance_premium " +
		"sales_tax resort_fee composite another")
	paymentModes = strings.Fields("full_prepayment partial_prepayment advance full_payment partial_payment credit credit_payment")
)

// checkReceipt validates a receipt against the amount it must add up to.
func checkReceipt(shop Shop, in *receiptIn, total int64, currency string) (*Receipt, error) {
	if in == nil {
		if shop.ReceiptsRequired {
			return nil, bad("receipt", "Receipt is missing: the shop sends receipts under 54-FZ")
		}
		return nil, nil
	}
	c := in.Customer
	switch {
	case c == nil || c.Email == "" && c.Phone == "":
		return nil, bad("receipt.customer", "The customer's email or phone is required")
	case c.Email != "" && (!strings.Contains(c.Email, "@") || len(c.Email) > 64):
		return nil, bad("receipt.customer.email", "Invalid email")
	case c.Phone != "" && (len(c.Phone) < 11 || len(c.Phone) > 15 || strings.Trim(c.Phone, "0123456789") != ""):
		return nil, bad("receipt.customer.phone", "Phone must be in ITU-T E.164 format, digits only, e.g. 79000000000")
	case len(in.Items) == 0 || len(in.Items) > 100:
		return nil, bad("receipt.items", "A receipt has 1 to 100 items")
	case in.TaxSystemCode < 0 || in.TaxSystemCode > 6:
		return nil, bad("receipt.tax_system_code", "tax_system_code is 1 to 6")
	}
	out := &Receipt{Customer: *c, TaxSystemCode: in.TaxSystemCode}
	var sumMilli int64 // kopecks × 1000: quantities have up to three decimals
	for i, it := range in.Items {
		p := fmt.Sprintf("receipt.items[%d]", i)
		qty, qtyText, ok := quantity(it.Quantity)
		vat, vatOK := integer(it.VATCode)
		if !ok {
			return nil, bad(p+".quantity", "Quantity must be a positive number with at most three decimals")
		}
		if n := utf8.RuneCountInString(it.Description); n == 0 || n > 128 {
			return nil, bad(p+".description", "Description is 1 to 128 characters")
		}
		price, err := checkAmount(p+".amount", it.Amount)
		if err != nil {
			return nil, err
		}
		switch {
		case it.Amount.Currency != currency:
			return nil, bad(p+".amount.currency", "The item currency differs from the payment's")
		case !vatOK || vat < 1 || vat > 12:
			return nil, bad(p+".vat_code", "vat_code is 1 to 12")
		case !contains(paymentSubjects, it.PaymentSubject):
			return nil, bad(p+".payment_subject", "Unknown payment_subject %q", it.PaymentSubject)
		case !contains(paymentModes, it.PaymentMode):
			return nil, bad(p+".payment_mode", "Unknown payment_mode %q", it.PaymentMode)
		}
		sumMilli += price * qty
		out.Items = append(out.Items, Item{Description: it.Description, Quantity: qtyText, Amount: Amount(*it.Amount),
			VATCode: vat, PaymentSubject: it.PaymentSubject, PaymentMode: it.PaymentMode})
	}
	if sumMilli != total*1000 {
		return nil, bad("receipt", "The sum of the receipt items does not match the amount")
	}
	return out, nil
}

// quantity reads a quantity sent as a JSON number or string, in
// thousandths.
func quantity(raw json.RawMessage) (int64, string, bool) {
	s := strings.Trim(string(raw), `"`)
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || strings.Trim(whole, "0123456789") != "" || len(whole) > 9 ||
		dot && (frac == "" || len(frac) > 3 || strings.Trim(frac, "0123456789") != "") {
		return 0, "", false
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "000")[:3], 10, 64)
	q := w*1000 + f
	return q, s, q > 0
}

// integer reads an integer sent as a JSON number or string.
func integer(raw json.RawMessage) (int, bool) {
	n, err := strconv.Atoi(strings.Trim(string(raw), `"`))
	return n, err == nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
