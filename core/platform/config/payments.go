package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Payment providers (orders.Provider names).
const (
	ProviderSandbox  = "sandbox"
	ProviderYooKassa = "yookassa"
)

// EnvYooKassaSecretPrefix starts the variables holding each tenant's
// YooKassa secret key: PLATFORM_YOOKASSA_SECRET_<TENANT> (see
// YooKassaSecretEnv). Secrets come from the environment only.
const EnvYooKassaSecretPrefix = "PLATFORM_YOOKASSA_SECRET_"

// Payments says which provider takes each tenant's payments. A tenant sells
// through its own YooKassa shop (its contract, its receipts, its
// notification URL); one without a shop pays with the sandbox test bank
// in dev and has no working checkout in prod.
type Payments struct {
	YooKassa YooKassa `koanf:"yookassa"`
	// Tenants holds the per-tenant settings by tenant id, e.g.
	// PLATFORM_PAYMENTS__TENANTS__VETPET__SHOP_ID=123456.
	Tenants map[string]TenantPayments `koanf:"tenants"`
}

// YooKassa is what every shop shares.
type YooKassa struct {
	// BaseURL is API v3; tests and local runs point it at yookassafake.
	// Prod requires https.
	BaseURL string        `koanf:"base_url"`
	Timeout time.Duration `koanf:"timeout"` // one HTTP attempt
	// Networks are the addresses notifications are accepted from:
	// YooKassa's published ranges (yookassa.ru/developers, "Входящие
	// уведомления"). They are unsigned, so this and the re-fetch of the
	// payment are all that stands between a forger and a paid order
	// (SECURITY.md 17).
	Networks []string `koanf:"networks"`
}

// TenantPayments is one tenant's payment settings.
type TenantPayments struct {
	// Provider is sandbox or yookassa; "" means yookassa when ShopID is
	// set, else the environment's default (sandbox in dev, yookassa in
	// prod — where a tenant without a shop cannot take money).
	Provider string `koanf:"provider"`
	ShopID   string `koanf:"shop_id"`
	// SecretKey comes from PLATFORM_YOOKASSA_SECRET_<TENANT> only.
	SecretKey string `koanf:"-"`
	// VATCode is the VAT rate code of receipt lines (1 = no VAT … 12);
	// 0 means 1.
	VATCode int `koanf:"vat_code"`
	// TaxSystemCode (1–6) is sent in receipts when the shop has several
	// tax systems; 0 leaves it out.
	TaxSystemCode int `koanf:"tax_system_code"`
	// Receipts says an online cash register is connected to the shop
	// (54-FZ), so payments carry receipts; unset means yes.
	Receipts *bool `koanf:"receipts"`
}

// ReceiptsOn reports whether the tenant's payments carry receipts.
func (t TenantPayments) ReceiptsOn() bool { return t.Receipts == nil || *t.Receipts }

// YooKassaSecretEnv names the variable holding a tenant's YooKassa secret
// key: PLATFORM_YOOKASSA_SECRET_ and the tenant id in upper case with '-'
// as '_' (VETPET for vetpet).
func YooKassaSecretEnv(tenantID string) string {
	return EnvYooKassaSecretPrefix + strings.ToUpper(strings.ReplaceAll(tenantID, "-", "_"))
}

// ProviderFor names the provider that takes a tenant's payments in env.
func (p Payments) ProviderFor(env, tenantID string) string {
	t := p.Tenants[tenantID]
	switch {
	case t.Provider != "":
		return t.Provider
	case t.ShopID != "":
		return ProviderYooKassa
	case env == EnvProd:
		return ProviderYooKassa
	}
	return ProviderSandbox
}

// YooKassaTenants lists, sorted, the tenants whose payments go to their
// YooKassa shop (those with a shop configured).
func (p Payments) YooKassaTenants(env string) []string {
	var out []string
	for id, t := range p.Tenants {
		if p.ProviderFor(env, id) == ProviderYooKassa && t.ShopID != "" {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// readSecrets fills each tenant's secret key from the environment.
func (p *Payments) readSecrets(environ []string) {
	for id, t := range p.Tenants {
		t.SecretKey = lookup(environ, YooKassaSecretEnv(id))
		p.Tenants[id] = t
	}
}

var shopIDPattern = regexp.MustCompile(`^[0-9]{1,20}$`)

// problems checks the payment settings. Prod refuses the sandbox and test
// keys: a test shop takes no money, and a paid order issues a certificate.
func (p Payments) problems(env string) []string {
	var out []string
	prod := env == EnvProd
	y := p.YooKassa
	if u, err := url.Parse(y.BaseURL); err != nil || u.Host == "" || (u.Scheme != "https" && (prod || u.Scheme != "http")) {
		out = append(out, fmt.Sprintf("payments.yookassa.base_url %q: want an https URL (http only in dev, for a local fake)", y.BaseURL))
	}
	if y.Timeout <= 0 {
		out = append(out, "payments.yookassa.timeout must be positive")
	}
	if _, err := Prefixes(y.Networks); err != nil {
		out = append(out, "payments.yookassa.networks: "+err.Error())
	}
	ids := make([]string, 0, len(p.Tenants))
	for id := range p.Tenants {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	uses := false
	for _, id := range ids {
		t := p.Tenants[id]
		key := "payments.tenants." + id
		switch prov := p.ProviderFor(env, id); prov {
		case ProviderSandbox:
			if prod {
				out = append(out, key+".provider sandbox settles any payment whose id is known and is refused in prod")
			}
		case ProviderYooKassa:
			if t.ShopID == "" && t.Provider != "" {
				out = append(out, key+".shop_id is required with provider yookassa")
			}
		default:
			out = append(out, fmt.Sprintf("%s.provider %q: want sandbox or yookassa", key, prov))
		}
		if t.ShopID == "" {
			continue
		}
		uses = true
		secretVar := YooKassaSecretEnv(id)
		switch {
		case !shopIDPattern.MatchString(t.ShopID):
			out = append(out, fmt.Sprintf("%s.shop_id %q: want the digits of the shop id in YooKassa", key, t.ShopID))
		case t.SecretKey == "":
			out = append(out, secretVar+" is required: the secret key of YooKassa shop "+t.ShopID)
		case prod && strings.HasPrefix(t.SecretKey, "test_"):
			out = append(out, secretVar+" is a test key (test_…), refused in prod: a test shop takes no money, and a paid order issues a certificate")
		}
		if t.VATCode < 0 || t.VATCode > 12 {
			out = append(out, fmt.Sprintf("%s.vat_code %d: want 1 (no VAT) to 12", key, t.VATCode))
		}
		if t.TaxSystemCode < 0 || t.TaxSystemCode > 6 {
			out = append(out, fmt.Sprintf("%s.tax_system_code %d: want 1 to 6, or 0 to leave it out", key, t.TaxSystemCode))
		}
	}
	if uses && len(y.Networks) == 0 {
		out = append(out, "payments.yookassa.networks is empty: no YooKassa notification would be accepted")
	}
	return out
}

// Prefixes parses addresses and networks ("185.71.76.0/27", "77.75.156.11",
// "2a02:5180::/32"); a bare address is a network of one.
func Prefixes(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a network", s)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
