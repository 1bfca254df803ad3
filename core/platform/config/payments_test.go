package config

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPayments(t *testing.T) {
	yk := []string{"PLATFORM_PAYMENTS__TENANTS__VETPET__SHOP_ID=123456", "PLATFORM_YOOKASSA_SECRET_VETPET=live_abc"}
	tests := []struct {
		name    string
		environ []string
		check   func(t *testing.T, c Config)
		wantErr string
	}{
		{name: "defaults: the official networks, sandbox in dev", check: func(t *testing.T, c Config) {
			y := c.Payments.YooKassa
			want := []string{"185.71.76.0/27", "185.71.77.0/27", "77.75.153.0/25", "77.75.156.11", "77.75.156.35", "77.75.154.128/25", "2a02:5180::/32"}
			if y.BaseURL != "https://api.yookassa.ru/v3" || y.Timeout != 15*time.Second || !slices.Equal(y.Networks, want) {
				t.Errorf("yookassa defaults = %+v", y)
			}
			if p := c.Payments.ProviderFor(EnvDev, "vetpet"); p != ProviderSandbox {
				t.Errorf("dev provider = %s", p)
			}
			if p := c.Payments.ProviderFor(EnvProd, "vetpet"); p != ProviderYooKassa {
				t.Errorf("prod provider = %s", p)
			}
			if len(c.Payments.YooKassaTenants(EnvDev)) != 0 {
				t.Errorf("tenants %v", c.Payments.YooKassaTenants(EnvDev))
			}
		}},
		{name: "a tenant's shop from the environment", environ: append(yk, "PLATFORM_PAYMENTS__TENANTS__VETPET__VAT_CODE=11",
			"PLATFORM_PAYMENTS__TENANTS__VETPET__TAX_SYSTEM_CODE=2", "PLATFORM_PAYMENTS__TENANTS__ASTARS__RECEIPTS=false",
			"PLATFORM_PAYMENTS__TENANTS__ASTARS__SHOP_ID=777", "PLATFORM_YOOKASSA_SECRET_ASTARS=test_xyz",
			"PLATFORM_PAYMENTS__YOOKASSA__NETWORKS=10.0.0.0/8, ::1", "PLATFORM_PAYMENTS__YOOKASSA__BASE_URL=http://127.0.0.1:9/v3"),
			check: func(t *testing.T, c Config) {
				v, a := c.Payments.Tenants["vetpet"], c.Payments.Tenants["astars"]
				if v.ShopID != "123456" || v.SecretKey != "live_abc" || v.VATCode != 11 || v.TaxSystemCode != 2 || !v.ReceiptsOn() {
					t.Errorf("vetpet = %+v", v)
				}
				if a.ShopID != "777" || a.SecretKey != "test_xyz" || a.ReceiptsOn() {
					t.Errorf("astars = %+v", a)
				}
				if got := c.Payments.YooKassaTenants(EnvDev); strings.Join(got, ",") != "astars,vetpet" {
					t.Errorf("yookassa tenants = %v", got)
				}
				if p := c.Payments.ProviderFor(EnvDev, "jetmoney"); p != ProviderSandbox {
					t.Errorf("a tenant without a shop in dev = %s", p)
				}
				if strings.Join(c.Payments.YooKassa.Networks, "|") != "10.0.0.0/8|::1" || c.Payments.YooKassa.BaseURL != "http://127.0.0.1:9/v3" {
					t.Errorf("yookassa = %+v", c.Payments.YooKassa)
				}
			}},
		{name: "the secret is read from its variable only",
			environ: []string{"PLATFORM_PAYMENTS__TENANTS__VETPET__SHOP_ID=123456", "PLATFORM_PAYMENTS__TENANTS__VETPET__SECRET_KEY=nested",
				"PLATFORM_PAYMENTS__TENANTS__VETPET__SECRETKEY=nested"},
			wantErr: "PLATFORM_YOOKASSA_SECRET_VETPET is required"},
		{name: "a tenant id with a hyphen", environ: []string{"PLATFORM_YOOKASSA_SECRET_MY_SHOP=live_1"},
			check: func(t *testing.T, c Config) {
				if YooKassaSecretEnv("my-shop") != "PLATFORM_YOOKASSA_SECRET_MY_SHOP" {
					t.Error(YooKassaSecretEnv("my-shop"))
				}
			}},
		{name: "prod refuses test keys", environ: append(prodNotify(), "PLATFORM_PAYMENTS__TENANTS__VETPET__SHOP_ID=1", "PLATFORM_YOOKASSA_SECRET_VETPET=test_1"),
			wantErr: "refused in prod"},
		{name: "prod with a live key", environ: append(prodNotify(), yk...)},
		{name: "prod refuses the sandbox", environ: append(prodNotify(), "PLATFORM_PAYMENTS__TENANTS__VETPET__PROVIDER=sandbox"),
			wantErr: "provider sandbox settles any payment"},
		{name: "prod refuses http", environ: append(append(prodNotify(), yk...), "PLATFORM_PAYMENTS__YOOKASSA__BASE_URL=http://api.example/v3"),
			wantErr: "base_url"},
		{name: "yookassa without a shop", environ: []string{"PLATFORM_PAYMENTS__TENANTS__VETPET__PROVIDER=yookassa"}, wantErr: "shop_id is required"},
		{name: "unknown provider", environ: []string{"PLATFORM_PAYMENTS__TENANTS__VETPET__PROVIDER=paypal"}, wantErr: `provider "paypal"`},
		{name: "shop id not digits", environ: []string{"PLATFORM_PAYMENTS__TENANTS__VETPET__SHOP_ID=shop", "PLATFORM_YOOKASSA_SECRET_VETPET=live_q9q9"}, wantErr: "shop_id"},
		{name: "vat_code out of range", environ: append(yk, "PLATFORM_PAYMENTS__TENANTS__VETPET__VAT_CODE=13"), wantErr: "vat_code 13"},
		{name: "tax system out of range", environ: append(yk, "PLATFORM_PAYMENTS__TENANTS__VETPET__TAX_SYSTEM_CODE=7"), wantErr: "tax_system_code 7"},
		{name: "bad network", environ: []string{"PLATFORM_PAYMENTS__YOOKASSA__NETWORKS=185.71.76.0/33"}, wantErr: "networks"},
		{name: "no networks with a shop", environ: append(yk, "PLATFORM_PAYMENTS__YOOKASSA__NETWORKS="), wantErr: "networks is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.environ)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Validate = %v, want %q", err, tt.wantErr)
			}
			if err != nil {
				for _, kv := range tt.environ {
					if k, v, _ := strings.Cut(kv, "="); strings.HasPrefix(k, EnvYooKassaSecretPrefix) && strings.Contains(err.Error(), v) {
						t.Errorf("the error shows the secret: %v", err)
					}
				}
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestPrefixes(t *testing.T) {
	got, err := Prefixes([]string{"185.71.76.0/27", " 77.75.156.11 ", "2a02:5180::/32", "::ffff:10.1.2.3", "10.1.2.3/8"})
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("185.71.76.0/27"), netip.MustParsePrefix("77.75.156.11/32"),
		netip.MustParsePrefix("2a02:5180::/32"), netip.MustParsePrefix("10.1.2.3/32"), netip.MustParsePrefix("10.0.0.0/8")}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v", got)
	}
	for _, bad := range []string{"", "185.71.76.0/33", "host.example", "1.2.3"} {
		if _, err := Prefixes([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
