package orders_test

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/tenants"
)

func kopecks(k int64) *int64 { return &k }

var (
	retail = tenants.Offer{ID: "retail", Currency: "RUB"}
	diet   = tenants.Package{Code: "diet", Title: "Диетолог", Price: kopecks(54900)}
	happy  = tenants.Package{Code: "happy", Title: "Счастливый питомец", Price: kopecks(49900)}
	// moscowNoon is inside every validity window of the table below.
	moscowNoon = time.Date(2026, 3, 15, 12, 0, 0, 0, clock.Moscow)
)

func percent(p int) *orders.Promo {
	return &orders.Promo{Code: "P", Kind: orders.PromoPercent, Percent: p}
}
func fixed(a int64) *orders.Promo {
	return &orders.Promo{Code: "F", Kind: orders.PromoFixed, Amount: a, Currency: "RUB"}
}

func with(p *orders.Promo, change func(*orders.Promo)) *orders.Promo { change(p); return p }

func TestPrice(t *testing.T) {
	disabled := moscowNoon
	tests := []struct {
		name                  string
		offer                 tenants.Offer
		pkg                   tenants.Package
		promo                 *orders.Promo
		usage                 orders.PromoUsage
		list, discount, total int64
		refusal               string
		data                  map[string]any
	}{
		{name: "no promo", pkg: diet, list: 54900, total: 54900},
		{name: "10 %", pkg: diet, promo: percent(10), list: 54900, discount: 5490, total: 49410},
		{name: "percent rounds the discount down", pkg: tenants.Package{Code: "x", Price: kopecks(49999)}, promo: percent(33),
			list: 49999, discount: 16499, total: 33500}, // 16499.67 → 16499
		{name: "1 % of 1.99 ₽ is one kopeck", pkg: tenants.Package{Code: "x", Price: kopecks(199)}, promo: percent(1),
			list: 199, discount: 1, total: 198},
		{name: "100 % leaves the minimum payable", pkg: diet, promo: percent(100), list: 54900, discount: 54800, total: orders.MinPayable},
		{name: "99 % above the minimum", pkg: diet, promo: percent(99), list: 54900, discount: 54351, total: 549},
		{name: "fixed", pkg: diet, promo: fixed(10000), list: 54900, discount: 10000, total: 44900},
		{name: "fixed equal to the price", pkg: diet, promo: fixed(54900), list: 54900, discount: 54800, total: 100},
		{name: "fixed above the price never goes below 1 ₽", pkg: diet, promo: fixed(1_000_000), list: 54900, discount: 54800, total: 100},
		{name: "fixed on 1.50 ₽", pkg: tenants.Package{Code: "x", Price: kopecks(150)}, promo: fixed(500), list: 150, discount: 50, total: 100},
		{name: "price at the minimum is not discounted", pkg: tenants.Package{Code: "x", Price: kopecks(100)}, promo: percent(50),
			list: 100, total: 100},
		{name: "price below the minimum is not discounted", pkg: tenants.Package{Code: "x", Price: kopecks(50)}, promo: fixed(10),
			list: 50, total: 50},
		{name: "huge price, no overflow", pkg: tenants.Package{Code: "x", Price: kopecks(math.MaxInt64)}, promo: percent(99),
			list: math.MaxInt64, discount: 9131138316486228048, total: math.MaxInt64 - 9131138316486228048},
		{name: "fixed in another currency", pkg: diet, promo: with(fixed(100), func(p *orders.Promo) { p.Currency = "USD" }),
			list: 54900, total: 54900, refusal: orders.RefusalNotApplicable},
		{name: "restricted to the offer", pkg: diet,
			promo: with(percent(10), func(p *orders.Promo) { p.Targets = []orders.PromoTarget{{OfferID: "retail"}} }),
			list:  54900, discount: 5490, total: 49410},
		{name: "restricted to the package", pkg: diet,
			promo: with(percent(10), func(p *orders.Promo) { p.Targets = []orders.PromoTarget{{OfferID: "retail", PackageCode: "diet"}} }),
			list:  54900, discount: 5490, total: 49410},
		{name: "restricted to another package", pkg: happy,
			promo: with(percent(10), func(p *orders.Promo) { p.Targets = []orders.PromoTarget{{OfferID: "retail", PackageCode: "diet"}} }),
			list:  49900, total: 49900, refusal: orders.RefusalNotApplicable},
		{name: "restricted to another offer", pkg: diet,
			promo: with(percent(10), func(p *orders.Promo) { p.Targets = []orders.PromoTarget{{OfferID: "licence"}} }),
			list:  54900, total: 54900, refusal: orders.RefusalNotApplicable},
		{name: "disabled answers as unknown", pkg: diet, promo: with(percent(10), func(p *orders.Promo) { p.DisabledAt = &disabled }),
			list: 54900, total: 54900, refusal: orders.RefusalUnknown},
		{name: "total limit not reached", pkg: diet, promo: with(percent(10), func(p *orders.Promo) { p.TotalLimit, p.Used = 5, 4 }),
			list: 54900, discount: 5490, total: 49410},
		{name: "total limit reached", pkg: diet, promo: with(percent(10), func(p *orders.Promo) { p.TotalLimit, p.Used = 5, 5 }),
			list: 54900, total: 54900, refusal: orders.RefusalExhausted},
		{name: "per customer not reached", pkg: diet, promo: with(percent(10), func(p *orders.Promo) { p.PerCustomerLimit = 2 }),
			usage: orders.PromoUsage{Customer: 1}, list: 54900, discount: 5490, total: 49410},
		{name: "per customer reached", pkg: diet, promo: with(percent(10), func(p *orders.Promo) { p.PerCustomerLimit = 2 }),
			usage: orders.PromoUsage{Customer: 2}, list: 54900, total: 54900,
			refusal: orders.RefusalCustomerLimit, data: map[string]any{"Limit": 2}},
		{name: "dates before limits", pkg: diet,
			promo: with(percent(10), func(p *orders.Promo) { p.ValidUntil, p.TotalLimit, p.Used = "2026-03-01", 1, 1 }),
			list:  54900, total: 54900, refusal: orders.RefusalExpired, data: map[string]any{"Until": "01.03.2026"}},
		{name: "dates before targets", pkg: happy,
			promo: with(percent(10), func(p *orders.Promo) {
				p.ValidFrom, p.Targets = "2026-04-01", []orders.PromoTarget{{OfferID: "retail", PackageCode: "diet"}}
			}),
			list: 49900, total: 49900, refusal: orders.RefusalNotStarted, data: map[string]any{"From": "01.04.2026"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			offer := tt.offer
			if offer.ID == "" {
				offer = retail
			}
			q, err := orders.Price(offer, tt.pkg, tt.promo, moscowNoon, tt.usage)
			if err != nil {
				t.Fatal(err)
			}
			if q.List != tt.list || q.Discount != tt.discount || q.Total != tt.total {
				t.Errorf("list, discount, total = %d, %d, %d; want %d, %d, %d", q.List, q.Discount, q.Total, tt.list, tt.discount, tt.total)
			}
			if q.Total != q.List-q.Discount || q.Currency != "RUB" || q.PackageCode != tt.pkg.Code {
				t.Errorf("quote %+v is inconsistent", q)
			}
			if q.Refusal != tt.refusal || (tt.data != nil && !reflect.DeepEqual(q.RefusalData, tt.data)) {
				t.Errorf("refusal %q %v, want %q %v", q.Refusal, q.RefusalData, tt.refusal, tt.data)
			}
			err = q.RefusalError()
			if (err != nil) != (tt.refusal != "") {
				t.Fatalf("RefusalError() = %v with refusal %q", err, tt.refusal)
			}
			if err != nil {
				e := errs.As(err)
				if e.Kind != errs.KindInvalid || e.Code != tt.refusal || len(e.Fields) != 1 || e.Fields[0].Field != "promo_code" {
					t.Errorf("RefusalError() = %+v", e)
				}
			}
		})
	}
}

func TestPriceNotForSale(t *testing.T) {
	cert := tenants.Package{Code: "КЕША", Title: "КЕША"} // price per certificate (offer 003, annex 1)
	_, err := orders.Price(retail, cert, percent(10), moscowNoon, orders.PromoUsage{})
	if !errors.Is(err, orders.ErrPackageNotForSale) {
		t.Fatalf("err = %v, want ErrPackageNotForSale", err)
	}
	if e := errs.As(err); e.Kind != errs.KindInvalid || len(e.Fields) != 1 || e.Fields[0].Field != "package" {
		t.Fatalf("err = %+v", e)
	}
}

// The validity dates are inclusive calendar dates in the tenant's zone:
// the instants are given in UTC, as the clock reads them, and converted to
// Moscow (UTC+3) the way the service does.
func TestPromoDatesInMoscow(t *testing.T) {
	promo := with(percent(10), func(p *orders.Promo) { p.ValidFrom, p.ValidUntil = "2026-03-01", "2026-03-31" })
	tests := []struct {
		name    string
		utc     string
		refusal string
	}{
		{"the day before, 23:59:59 Moscow", "2026-02-28T20:59:59Z", orders.RefusalNotStarted},
		{"the first day, 00:00 Moscow (still February in UTC)", "2026-02-28T21:00:00Z", ""},
		{"the first day, noon", "2026-03-01T09:00:00Z", ""},
		{"the last day, 00:00 Moscow", "2026-03-30T21:00:00Z", ""},
		{"the last day, 23:59:59 Moscow", "2026-03-31T20:59:59Z", ""},
		{"the day after, 00:00 Moscow (still the last day in UTC)", "2026-03-31T21:00:00Z", orders.RefusalExpired},
		{"the day after, noon", "2026-04-01T09:00:00Z", orders.RefusalExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, err := time.Parse(time.RFC3339, tt.utc)
			if err != nil {
				t.Fatal(err)
			}
			q, err := orders.Price(retail, diet, promo, at.In(clock.Moscow), orders.PromoUsage{})
			if err != nil {
				t.Fatal(err)
			}
			if q.Refusal != tt.refusal {
				t.Fatalf("refusal %q, want %q", q.Refusal, tt.refusal)
			}
			if wantDiscount := tt.refusal == ""; (q.Discount > 0) != wantDiscount {
				t.Fatalf("discount %d with refusal %q", q.Discount, q.Refusal)
			}
		})
	}
	t.Run("open ends", func(t *testing.T) {
		for _, p := range []*orders.Promo{
			with(percent(10), func(p *orders.Promo) { p.ValidFrom = "2020-01-01" }),
			with(percent(10), func(p *orders.Promo) { p.ValidUntil = "2030-01-01" }),
			percent(10),
		} {
			if q, _ := orders.Price(retail, diet, p, moscowNoon, orders.PromoUsage{}); q.Refusal != "" {
				t.Errorf("%+v refused: %s", p, q.Refusal)
			}
		}
	})
}

// The percent discount is ⌊list × p / 100⌋ exactly, for any price.
func TestPercentDiscountIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		list := r.Int64N(math.MaxInt64-orders.MinPayable) + 1
		if r.IntN(2) == 0 {
			list = r.Int64N(10_000_000) + 1
		}
		p := r.IntN(100) + 1
		q, err := orders.Price(retail, tenants.Package{Code: "x", Price: &list}, percent(p), moscowNoon, orders.PromoUsage{})
		if err != nil {
			t.Fatal(err)
		}
		want := new(big.Int).Div(new(big.Int).Mul(big.NewInt(list), big.NewInt(int64(p))), big.NewInt(100)).Int64()
		want = max(0, min(want, list-orders.MinPayable))
		if q.Discount != want {
			t.Fatalf("%d%% of %d: discount %d, want %d", p, list, q.Discount, want)
		}
	}
}

func TestPromoKey(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"spring2026", "SPRING2026"},
		{"  Spring-2026 ", "SPRING-2026"},
		{"весна_26", "ВЕСНА_26"},
		{"ab", ""},                                 // too short
		{"A234567890123456789012345678901234", ""}, // 34: too long
		{"SPRING 2026", ""},
		{"SPRING;--", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := orders.PromoKey(tt.raw); got != tt.want {
			t.Errorf("PromoKey(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}
