package orders

import "context"

// PaymentStatus is a payment's state at the provider.
type PaymentStatus string

const (
	PaymentPending   PaymentStatus = "pending"   // waiting for the customer
	PaymentSucceeded PaymentStatus = "succeeded" // the money is taken
	PaymentCanceled  PaymentStatus = "canceled"  // declined, abandoned or canceled
)

// Provider is a payment provider: the sandbox test bank (core/orders/sandbox)
// or a real one (YooKassa). Calls run in the tenant of ctx and are network
// I/O: the service never holds a database transaction across them.
type Provider interface {
	// Name is the provider's key in orders.provider and in notification
	// routes ("sandbox", "yookassa").
	Name() string
	// CreatePayment creates the payment for an order, or — called again
	// with the same IdempotenceKey — returns the one it created then
	// (SECURITY.md 15), so a retry after a lost answer never charges twice.
	CreatePayment(ctx context.Context, req PaymentRequest) (Payment, error)
	// GetPayment returns the payment as the provider has it now; an error
	// matching ErrPaymentUnknown when it has no such payment for us.
	GetPayment(ctx context.Context, providerPaymentID string) (Payment, error)
}

// PaymentRequest asks a provider to take an order's total.
type PaymentRequest struct {
	OrderID     string // sent as the payment's metadata and returned by GetPayment
	Amount      int64  // kopecks
	Currency    string // ISO 4217
	Description string // shown to the payer; ≤ 128 characters (YooKassa's limit)
	ReturnURL   string // where the provider sends the customer back
	// IdempotenceKey is derived from the order (PaymentKey) and reused on
	// every retry (SECURITY.md 15).
	IdempotenceKey string
	// Receipt is what the fiscal receipt of the payment needs (54-FZ): a
	// provider that sends receipts through an online cash register
	// (YooKassa, when the tenant has one connected) uses it, others ignore it.
	Receipt *Receipt
}

// Receipt is the order's side of a 54-FZ receipt: where it goes and what
// was sold. The provider adds what belongs to the shop (VAT rate, tax
// system); the lines are services paid in advance in full.
type Receipt struct {
	Email string // the receipt e-mail the customer asked for; "" sends it to Phone
	Phone string // E.164
	Items []ReceiptItem
}

// ReceiptItem is one line of a receipt.
type ReceiptItem struct {
	Description string // ≤ 128 characters (YooKassa's limit)
	Quantity    int64  // whole units
	Price       int64  // kopecks per unit, after discounts: Quantity × Price sum to the payment
	Currency    string // ISO 4217
}

// Payment is a provider's payment. OrderID, Amount and Currency are what
// the provider holds — its metadata and amount — and are checked against the
// order before any change: a notification's own body is never trusted.
type Payment struct {
	ProviderPaymentID string
	OrderID           string
	Amount            int64
	Currency          string
	ConfirmationURL   string // the page where the customer pays
	Status            PaymentStatus
}

// PaymentKey is the idempotence key of an order's payment: one order has
// one payment, so the order id alone derives it (a canceled payment ends
// the order; the customer places a new one).
func PaymentKey(orderID string) string { return "order-" + orderID }

// maxDescription is YooKassa's limit on a payment description.
const maxDescription = 128
