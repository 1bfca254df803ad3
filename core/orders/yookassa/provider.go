package yookassa

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/platform/tenancy"
)

// Provider is YooKassa for the checkout: each tenant sells through its own
// shop (its own contract, receipts and notification URL), so every call
// picks the shop of the tenant in the context.
type Provider struct {
	shops map[string]*Client
}

var _ orders.Provider = (*Provider)(nil)

// NewProvider returns the provider over the shops by tenant id.
func NewProvider(shops map[string]*Client) *Provider {
	return &Provider{shops: maps.Clone(shops)}
}

// Name implements orders.Provider.
func (p *Provider) Name() string { return Name }

// Tenants lists the tenants that have a shop, sorted.
func (p *Provider) Tenants() []string { return slices.Sorted(maps.Keys(p.shops)) }

// Shop returns the client of a tenant's shop — for refunds, which work
// with the shop directly.
func (p *Provider) Shop(tenantID string) (*Client, bool) {
	c, ok := p.shops[tenantID]
	return c, ok
}

// CreatePayment implements orders.Provider in the shop of the tenant in
// ctx. A tenant without a shop cannot take payments: the error reaches
// the customer as "payment unavailable" and the log as what to configure.
func (p *Provider) CreatePayment(ctx context.Context, req orders.PaymentRequest) (orders.Payment, error) {
	c, err := p.shopOf(ctx)
	if err != nil {
		return orders.Payment{}, err
	}
	return c.CreatePayment(ctx, req)
}

// GetPayment implements orders.Provider in the shop of the tenant in ctx.
// A tenant without a shop has no YooKassa payments: ErrPaymentUnknown, so
// a notification arriving on such a tenant's site changes nothing.
func (p *Provider) GetPayment(ctx context.Context, id string) (orders.Payment, error) {
	c, err := p.shopOf(ctx)
	if err != nil {
		return orders.Payment{}, orders.ErrPaymentUnknown.Because(err)
	}
	return c.GetPayment(ctx, id)
}

func (p *Provider) shopOf(ctx context.Context) (*Client, error) {
	tenantID, err := tenancy.From(ctx)
	if err != nil {
		return nil, err
	}
	c, ok := p.shops[tenantID]
	if !ok {
		return nil, fmt.Errorf("yookassa: tenant %q has no YooKassa shop configured (payments.tenants.%s.shop_id)", tenantID, tenantID)
	}
	return c, nil
}
