package web

import (
	"net/netip"
	"testing"

	"github.com/consult/platform/core/platform/config"
)

// TestNotificationAllowList checks the edges of every published YooKassa
// network, IPv6 and mapped addresses, and how X-Forwarded-For is read:
// only from our own proxies, from the right.
func TestNotificationAllowList(t *testing.T) {
	cfg, err := config.Load(nil) // the official networks
	if err != nil {
		t.Fatal(err)
	}
	direct, err := newNotificationNets(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTP.TrustedProxies = []string{"10.0.0.0/8", "192.168.1.1", "not-an-address"}
	proxied, err := newNotificationNets(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		nets notificationNets
		peer string
		xff  []string
		want bool
	}{
		{"185.71.76.0/27 first", direct, "185.71.76.0", nil, true},
		{"185.71.76.0/27 last", direct, "185.71.76.31", nil, true},
		{"185.71.76.0/27 next", direct, "185.71.76.32", nil, false},
		{"185.71.77.0/27 inside", direct, "185.71.77.17", nil, true},
		{"185.71.77.0/27 outside", direct, "185.71.77.32", nil, false},
		{"185.71.77.0/27 below", direct, "185.71.76.255", nil, false},
		{"77.75.153.0/25 last", direct, "77.75.153.127", nil, true},
		{"77.75.153.0/25 next", direct, "77.75.153.128", nil, false},
		{"77.75.156.11", direct, "77.75.156.11", nil, true},
		{"77.75.156.12", direct, "77.75.156.12", nil, false},
		{"77.75.156.35", direct, "77.75.156.35", nil, true},
		{"77.75.156.34", direct, "77.75.156.34", nil, false},
		{"77.75.154.128/25 first", direct, "77.75.154.128", nil, true},
		{"77.75.154.128/25 last", direct, "77.75.154.255", nil, true},
		{"77.75.154.128/25 below", direct, "77.75.154.127", nil, false},
		{"IPv6 inside", direct, "2a02:5180::1", nil, true},
		{"IPv6 far inside", direct, "2a02:5180:ffff:ffff:ffff:ffff:ffff:ffff", nil, true},
		{"IPv6 outside", direct, "2a02:5181::1", nil, false},
		{"IPv4-mapped IPv6", direct, "::ffff:185.71.76.5", nil, true},
		{"loopback", direct, "127.0.0.1", nil, false},
		{"a header from a peer we do not trust is ignored", direct, "203.0.113.7", []string{"185.71.76.5"}, false},
		{"YooKassa's own address with a forged header is still YooKassa", direct, "185.71.76.5", []string{"203.0.113.7"}, true},
		{"through our proxy", proxied, "10.1.2.3", []string{"185.71.76.5"}, true},
		{"through our proxy, from outside", proxied, "10.1.2.3", []string{"203.0.113.7"}, false},
		{"forged entry left of what our proxy appended", proxied, "10.1.2.3", []string{"185.71.76.5, 203.0.113.7"}, false},
		{"through two of our proxies", proxied, "192.168.1.1", []string{"185.71.76.5, 10.9.9.9"}, true},
		{"split over two headers", proxied, "10.1.2.3", []string{"185.71.76.5", "10.9.9.9"}, true},
		{"IPv6 through our proxy", proxied, "10.1.2.3", []string{"2a02:5180::7"}, true},
		{"garbled header", proxied, "10.1.2.3", []string{"185.71.76.5, nonsense"}, false},
		{"empty hop", proxied, "10.1.2.3", []string{"185.71.76.5,"}, false},
		{"our proxy with no header is not YooKassa", proxied, "10.1.2.3", nil, false},
		{"an invalid proxy entry is not trusted", proxied, "0.0.0.0", []string{"185.71.76.5"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := tt.nets.allows(netip.MustParseAddr(tt.peer), tt.xff); got != tt.want {
				t.Fatalf("allows(%s, %q) = %v, want %v", tt.peer, tt.xff, got, tt.want)
			}
		})
	}
	t.Run("no networks refuses to start", func(t *testing.T) {
		cfg.Payments.YooKassa.Networks = nil
		if _, err := newNotificationNets(cfg); err == nil {
			t.Fatal("accepted")
		}
	})
}

func TestParseNotification(t *testing.T) {
	tests := []struct {
		body string
		ok   bool
	}{
		{`{"type":"notification","event":"payment.succeeded","object":{"id":"2c7a0c49-000f-5000-8000-1b4b6ab0f3b6","status":"succeeded","amount":{"value":"1.00","currency":"RUB"}}}`, true},
		{`{"type":"notification","event":"refund.succeeded","object":{"id":"r1","payment_id":"p"}}`, true},
		{`{"type":"error","event":"payment.succeeded","object":{"id":"x"}}`, false},
		{`{"type":"notification","object":{"id":"x"}}`, false},
		{`{"type":"notification","event":"payment.succeeded","object":{}}`, false},
		{`{"type":"notification","event":"payment.succeeded","object":{"id":"../refunds/x"}}`, false},
		{`{"type":"notification","event":"payment.succeeded","object":{"id":42}}`, false},
		{`[]`, false},
		{``, false},
	}
	for _, tt := range tests {
		if _, err := parseNotification([]byte(tt.body)); (err == nil) != tt.ok {
			t.Errorf("%s: err = %v", tt.body, err)
		}
	}
}

// FuzzParseNotification: no body makes the parser panic, and what it
// accepts names an object id safe to put in a URL (SECURITY.md 23).
func FuzzParseNotification(f *testing.F) {
	f.Add([]byte(`{"type":"notification","event":"payment.succeeded","object":{"id":"2c7a0c49-000f-5000-8000-1b4b6ab0f3b6"}}`))
	f.Add([]byte(`{"type":"notification","event":"x","object":{"id":"a/b"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := parseNotification(body)
		if err == nil && !notificationObjectID.MatchString(n.Object.ID) {
			t.Fatalf("accepted id %q", n.Object.ID)
		}
	})
}
