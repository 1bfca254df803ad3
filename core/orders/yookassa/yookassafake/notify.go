package yookassafake

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// Notification is what Notify sends and where.
type Notification struct {
	URL   string // the shop's notification URL
	Host  string // Host header, when the URL's host is not the site's (tests dial 127.0.0.1)
	Event string // payment.succeeded, payment.canceled, payment.waiting_for_capture, refund.succeeded
	// ObjectID is the payment's (or for refund.* the refund's) id; the
	// body carries the object as the fake has it now.
	ObjectID string
	// ForwardedFor, when set, is sent as X-Forwarded-For: the address a
	// reverse proxy in front of the shop reports for the sender. It plays
	// a notification from inside (or outside) YooKassa's networks through
	// a proxy the shop trusts — or, from a peer it does not trust, a
	// spoofing attempt.
	ForwardedFor string
	// Status, when set, replaces the object's status in the body: a forged
	// notification claiming what the fake's record does not say.
	Status string
}

// Notify sends a notification as YooKassa does — POST, JSON, no signature
// — and returns the HTTP status the shop answered.
func (s *Server) Notify(ctx context.Context, n Notification) (int, error) {
	s.mu.Lock()
	var obj map[string]any
	switch {
	case strings.HasPrefix(n.Event, "payment."):
		if p, ok := s.payments[n.ObjectID]; ok {
			obj = p.object()
		}
	case strings.HasPrefix(n.Event, "refund."):
		if r, ok := s.refunds[n.ObjectID]; ok {
			obj = r.object()
		}
	}
	s.mu.Unlock()
	if obj == nil {
		// An id the fake does not know: send what a forger would.
		obj = map[string]any{"id": n.ObjectID, "status": strings.TrimPrefix(strings.TrimPrefix(n.Event, "payment."), "refund.")}
	}
	if n.Status != "" {
		obj["status"] = n.Status
		obj["paid"] = n.Status == "succeeded"
	}
	body, err := json.Marshal(map[string]any{"type": "notification", "event": n.Event, "object": obj})
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if n.Host != "" {
		req.Host = n.Host
	}
	if n.ForwardedFor != "" {
		req.Header.Set("X-Forwarded-For", n.ForwardedFor)
	}
	res, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, nil
}
