package notify

import "context"

// CabinetProviderID is the provider id of a cabinet message.
const CabinetProviderID = "cabinet"

// CabinetSender delivers the cabinet channel. The outbox row itself is the
// in-cabinet notification — listing a customer's rows comes with the
// cabinet — so delivering it means only marking it delivered: Send accepts
// every message at once. A cabinet message must not be Sensitive, since a
// sensitive body is erased on delivery (notifydb.Enqueue refuses one).
type CabinetSender struct{}

// Send reports the message delivered.
func (CabinetSender) Send(context.Context, Message) (string, error) { return CabinetProviderID, nil }
