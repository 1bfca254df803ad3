package orders

// machine holds every allowed move: from a status, an event leads to the
// next status. Anything else is refused, which is how duplicates and
// out-of-order reports end up changing nothing: a second payment_succeeded
// finds the order paid, where the event leads nowhere.
//
// An order expires from created (payment never started) and from
// pending_payment (the provider never settled the payment in time). A
// payment can only succeed or be canceled once it was started. refunded
// follows paid only (the refunds issue).
var machine = map[Status]map[Event]Status{
	StatusCreated: {
		EventStartPayment: StatusPendingPayment,
		EventExpire:       StatusExpired,
	},
	StatusPendingPayment: {
		EventPaymentSucceeded: StatusPaid,
		EventPaymentCanceled:  StatusCanceled,
		EventExpire:           StatusExpired,
	},
	StatusPaid: {
		EventRefund: StatusRefunded,
	},
}

// Next returns the status ev moves an order in status from to, and false
// when the machine has no such move.
func Next(from Status, ev Event) (Status, bool) {
	to, ok := machine[from][ev]
	return to, ok
}

// releasesPromo reports whether reaching status ends the order's claim on
// its promo code, so the use is counted again for others.
func releasesPromo(s Status) bool { return s == StatusCanceled || s == StatusExpired }
