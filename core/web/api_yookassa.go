package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consult/platform/core/orders"
	"github.com/consult/platform/core/platform/config"
	"github.com/consult/platform/core/platform/errs"
)

// PaymentNotifications is the part of the orders service that takes a
// provider's word that a payment changed. It re-fetches the payment from
// the provider before any change (SECURITY.md 17).
type PaymentNotifications interface {
	HandleNotification(ctx context.Context, provider, providerPaymentID string) (orders.Order, error)
}

// yookassaProvider is the provider's name in orders (yookassa.Name; the
// web layer does not import the client).
const yookassaProvider = "yookassa"

// notificationTimeout bounds the work for one notification: the re-fetch
// from YooKassa and the move. Past it we answer 503 and YooKassa delivers
// again (it retries for 24 hours).
const notificationTimeout = 10 * time.Second

var (
	errNotificationSource = errs.E(errs.KindForbidden, "errors.forbidden")
	errNotificationBody   = errs.E(errs.KindBadRequest, "errors.bad_request")
	notificationObjectID  = regexp.MustCompile(`^[0-9A-Za-z_-]{1,64}$`)
)

// notificationNets are the networks notifications are accepted from and
// the proxies whose X-Forwarded-For is believed.
type notificationNets struct {
	allowed []netip.Prefix
	proxies []netip.Prefix
}

// newNotificationNets parses the configured YooKassa networks (which
// config.Validate checked) and trusted proxies. A proxy entry that does
// not parse is skipped, as fiber skips it for c.IP.
func newNotificationNets(cfg config.Config) (notificationNets, error) {
	allowed, err := config.Prefixes(cfg.Payments.YooKassa.Networks)
	if err != nil {
		return notificationNets{}, err
	}
	if len(allowed) == 0 {
		return notificationNets{}, errors.New("web: payments.yookassa.networks is empty: no notification could be accepted")
	}
	return notificationNets{allowed: allowed, proxies: parseProxies(cfg.HTTP.TrustedProxies)}, nil
}

func within(a netip.Addr, nets []netip.Prefix) bool {
	for _, p := range nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// source is the address a request came from, for the allow-list; see
// proxyList.source.
func (n notificationNets) source(peer netip.Addr, forwardedFor []string) (netip.Addr, bool) {
	return proxyList(n.proxies).source(peer, forwardedFor)
}

// allows says whether a request from peer with these X-Forwarded-For
// headers comes from YooKassa's networks.
func (n notificationNets) allows(peer netip.Addr, forwardedFor []string) (netip.Addr, bool) {
	src, ok := n.source(peer, forwardedFor)
	return src, ok && within(src, n.allowed)
}

// notification is what we read of YooKassa's notification: which event and
// which object. Everything else in it is the sender's claim and is ignored;
// the payment is fetched from YooKassa.
type notification struct {
	Type   string `json:"type"`
	Event  string `json:"event"`
	Object struct {
		ID string `json:"id"`
	} `json:"object"`
}

// parseNotification reads a notification body; an error for anything that
// is not one.
func parseNotification(body []byte) (notification, error) {
	var n notification
	if err := json.Unmarshal(body, &n); err != nil {
		return notification{}, err
	}
	if n.Type != "notification" || n.Event == "" || !notificationObjectID.MatchString(n.Object.ID) {
		return notification{}, errors.New("not a YooKassa notification")
	}
	return n, nil
}

// yookassaNotification is POST /api/v1/payments/yookassa/notifications,
// the URL each tenant's shop has in YooKassa's cabinet (so the Host names
// the tenant, as for every request). Notifications are unsigned: only
// YooKassa's networks are heard (403 otherwise, nothing read), only the
// event and the object id are read, and the checkout re-fetches the
// payment before anything changes (SECURITY.md 17). 200 tells YooKassa to
// stop — for a move made, a duplicate, or an event we do not act on; a
// 5xx makes it deliver again. The request carries no cookie or Origin, so
// csrfProtect lets it through as an anonymous JSON write.
func (s *Server) yookassaNotification(c *fiber.Ctx) error {
	peer, xff := peerOf(c)
	src, ok := s.notifyNets.allows(peer, xff)
	if !ok {
		s.log.WarnContext(c.UserContext(), "yookassa: notification refused: not from YooKassa's networks",
			"request_id", requestID(c), "peer", peer.String(), "source", src.String())
		return errNotificationSource
	}
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return errs.E(errs.KindBadRequest, "errors.json_required")
	}
	n, err := parseNotification(c.Body())
	if err != nil {
		return errNotificationBody.Because(err)
	}
	switch n.Event {
	case "payment.succeeded", "payment.canceled", "payment.waiting_for_capture":
	default:
		// refund.succeeded comes with refunds; deals and payouts we do not
		// use. Acknowledged, so YooKassa stops sending it.
		s.log.InfoContext(c.UserContext(), "yookassa: notification ignored", "request_id", requestID(c), "event", n.Event)
		return c.SendStatus(fiber.StatusOK)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), notificationTimeout)
	defer cancel()
	o, err := s.YooKassa.HandleNotification(ctx, yookassaProvider, n.Object.ID)
	if err != nil {
		s.log.WarnContext(c.UserContext(), "yookassa: notification not taken", "request_id", requestID(c),
			"event", n.Event, "payment", n.Object.ID, "err", err)
		if errors.Is(err, context.DeadlineExceeded) {
			return orders.ErrPaymentUnavailable.Because(err)
		}
		return err
	}
	s.log.InfoContext(c.UserContext(), "yookassa: notification taken", "request_id", requestID(c),
		"event", n.Event, "payment", n.Object.ID, "order", o.ID, "status", string(o.Status))
	return c.SendStatus(fiber.StatusOK)
}
