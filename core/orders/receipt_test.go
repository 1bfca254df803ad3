package orders_test

import (
	"testing"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/orders/orderstest"
)

// StartPayment hands the provider the receipt data of the order (54-FZ):
// the package at the price paid, to the e-mail the customer asked the
// receipt at, else to the order's phone.
func TestStartPaymentSendsTheReceiptData(t *testing.T) {
	tests := []struct {
		name   string
		change func(*orders.PlaceInput)
		promo  *orders.PromoInput
		want   orders.Receipt
	}{
		{name: "by phone", want: orders.Receipt{Phone: "+79991234567", Items: []orders.ReceiptItem{
			{Description: "Онлайн-консультация диетолога", Quantity: 1, Price: orderstest.PriceDiet, Currency: "RUB"}}}},
		{name: "to the receipt e-mail", change: func(in *orders.PlaceInput) { in.ReceiptEmail = "anna@example.com" },
			want: orders.Receipt{Email: "anna@example.com", Phone: "+79991234567", Items: []orders.ReceiptItem{
				{Description: "Онлайн-консультация диетолога", Quantity: 1, Price: orderstest.PriceDiet, Currency: "RUB"}}}},
		{name: "at the discounted price", change: func(in *orders.PlaceInput) { in.PromoCode = "MINUS100" },
			promo: &orders.PromoInput{Code: "MINUS100", Amount: 10000},
			want: orders.Receipt{Phone: "+79991234567", Items: []orders.ReceiptItem{
				{Description: "Онлайн-консультация диетолога", Quantity: 1, Price: orderstest.PriceDiet - 10000, Currency: "RUB"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := orderstest.New(t)
			e.Provider = orderstest.FakeName
			if tt.promo != nil {
				e.Promo(t, a, *tt.promo)
			}
			o := started(t, e, "+7 999 123-45-67", func(in *orders.PlaceInput) {
				if tt.change != nil {
					tt.change(in)
				}
			})
			reqs := e.Fake.Requests()
			if len(reqs) != 1 || reqs[0].Receipt == nil {
				t.Fatalf("requests %+v", reqs)
			}
			got := *reqs[0].Receipt
			if got.Email != tt.want.Email || got.Phone != tt.want.Phone || len(got.Items) != 1 || got.Items[0] != tt.want.Items[0] {
				t.Fatalf("receipt %+v, want %+v", got, tt.want)
			}
			// The lines add up to what the provider is asked to take.
			if sum := got.Items[0].Price * got.Items[0].Quantity; sum != reqs[0].Amount || sum != o.Total {
				t.Fatalf("receipt sums to %d, payment %d, order %d", sum, reqs[0].Amount, o.Total)
			}
		})
	}
}
