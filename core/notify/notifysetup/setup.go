// Package notifysetup builds notify's senders and worker options from the
// platform configuration. It is separate from notify because it imports the
// provider adapters (smtpmail, smsru), which import notify.
package notifysetup

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/consult/platform/core/notify"
	"github.com/consult/platform/core/notify/smsru"
	"github.com/consult/platform/core/notify/smtpmail"
	"github.com/consult/platform/core/platform/clock"
	"github.com/consult/platform/core/platform/config"
)

// Senders returns one sender per channel for env (config.EnvDev or
// config.EnvProd):
//
//   - e-mail: smtpmail when notify.smtp.host is set;
//   - SMS: smsru when notify.sms.provider is smsru;
//   - cabinet: notify.CabinetSender.
//
// In prod both providers are required (an error names the missing one)
// and nothing is recorded beyond the outbox. In dev every channel is
// wrapped in notify.DevOutbox over dev, so each message, codes included,
// can be read at /dev/outbox; a channel without a provider is delivered to
// the dev outbox only. dev may be nil in prod.
func Senders(cfg config.Notify, env string, dev notify.DevRecorder, clk clock.Clock, log *slog.Logger) (map[notify.Channel]notify.Sender, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	prod := env == config.EnvProd
	senders := map[notify.Channel]notify.Sender{notify.Cabinet: notify.CabinetSender{}}

	if cfg.SMTP.Host != "" {
		s, err := smtpmail.New(smtpmail.Config{
			Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Username: cfg.SMTP.Username, Password: cfg.SMTP.Password,
			From: cfg.SMTP.From, FromName: cfg.SMTP.FromName, TLS: smtpmail.TLSPolicy(cfg.SMTP.TLS), Timeout: cfg.SMTP.Timeout,
		})
		if err != nil {
			return nil, fmt.Errorf("notify: e-mail: %w", err)
		}
		senders[notify.Email] = s
	} else if prod {
		return nil, errors.New("notify: e-mail: notify.smtp.host is required in prod")
	}

	switch cfg.SMS.Provider {
	case config.SMSProviderSMSRu:
		s, err := smsru.New(smsru.Config{BaseURL: cfg.SMS.BaseURL, APIID: cfg.SMS.APIID, From: cfg.SMS.From, Timeout: cfg.SMS.Timeout}, log)
		if err != nil {
			return nil, fmt.Errorf("notify: SMS: %w", err)
		}
		senders[notify.SMS] = s
	case config.SMSProviderNone, "":
		if prod {
			return nil, errors.New("notify: SMS: notify.sms.provider is required in prod")
		}
	default:
		return nil, fmt.Errorf("notify: SMS: unknown provider %q", cfg.SMS.Provider)
	}

	if prod {
		return senders, nil
	}
	if dev == nil {
		return nil, errors.New("notify: dev needs a dev outbox recorder")
	}
	for _, ch := range []notify.Channel{notify.SMS, notify.Email, notify.Cabinet} {
		next := senders[ch]
		if next == nil {
			log.Info("notify: no provider in dev; messages land only in the dev outbox", "channel", string(ch))
		}
		senders[ch] = notify.NewDevOutbox(dev, clk, next, log)
	}
	return senders, nil
}

// WorkerOptions converts the worker settings.
func WorkerOptions(w config.NotifyWorker) notify.WorkerOptions {
	return notify.WorkerOptions{
		Interval: w.Interval, Batch: w.Batch, Lease: w.Lease, MaxAttempts: w.MaxAttempts,
		BackoffInitial: w.BackoffInitial, BackoffMax: w.BackoffMax,
	}
}
