package web

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/platform/config"
)

// proxyList are our own proxies (http.trusted_proxies): the only peers
// whose X-Forwarded-For is believed.
type proxyList []netip.Prefix

// parseProxies parses http.trusted_proxies; an entry that does not parse is
// skipped, as fiber skips it.
func parseProxies(list []string) proxyList {
	var out proxyList
	for _, p := range list {
		if ps, err := config.Prefixes([]string{p}); err == nil {
			out = append(out, ps...)
		}
	}
	return out
}

// source is the address a request came from: the peer, unless the peer is
// one of our proxies — then the nearest address in X-Forwarded-For that is
// not one of our proxies. The header is read from the right: each proxy
// appends the address it saw, so what stands left of our proxies' entries
// was written by the sender and may be forged (SECURITY.md 5). fiber's
// c.IP cannot serve: behind a trusted proxy it returns the header's
// leftmost, sender-written part, and a rate limit keyed by it is a limit
// the attacker chooses. ok is false when the header is garbled.
func (p proxyList) source(peer netip.Addr, forwardedFor []string) (netip.Addr, bool) {
	peer = peer.Unmap()
	if !within(peer, p) {
		return peer, true
	}
	var hops []string
	for _, h := range forwardedFor {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return netip.Addr{}, false
		}
		if a = a.Unmap(); !within(a, p) {
			return a, true
		}
	}
	return peer, true // only our proxies: the request started at one of them
}

// peerOf returns the TCP peer and the X-Forwarded-For headers of a request.
func peerOf(c *fiber.Ctx) (netip.Addr, []string) {
	var peer netip.Addr
	if ip, ok := netip.AddrFromSlice(c.Context().RemoteIP()); ok {
		peer = ip
	}
	var xff []string
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		xff = append(xff, string(v))
	}
	return peer, xff
}

// clientIP is the caller's address for rate limits and the audit: the
// peer, or behind our proxies the address the nearest of them saw. A
// garbled header from our own proxy leaves the proxy's address, so the
// limit still holds (on the proxy, which is loud, not on a forged value).
func (s *Server) clientIP(c *fiber.Ctx) string {
	peer, xff := peerOf(c)
	src, ok := s.proxies.source(peer, xff)
	if !ok {
		return peer.Unmap().String()
	}
	return src.String()
}
