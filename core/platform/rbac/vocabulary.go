package rbac

import "slices"

// Actions. read = see; write = create or change; manage = act on other
// people's data or the tenant's settings (moderate, assign, configure).
// For customers and specialists the services narrow read and write to their
// own records: ownership is checked there, not by a role.
const (
	Read   = "read"
	Write  = "write"
	Manage = "manage"
)

// Permission is an action on an object, as policy.csv and Allowed name them.
type Permission struct {
	Object string
	Action string
}

func (p Permission) String() string { return p.Object + ":" + p.Action }

// vocabulary is every object of the platform with the actions it knows, in
// the order of DESIGN.md's domains. Allowed refuses anything else, so a typo
// in a service ("order" for "orders") fails loudly instead of denying
// quietly, and rbac.New refuses a policy.csv that uses an unknown name.
var vocabulary = []struct {
	object  string
	actions []string
}{
	{"profile", []string{Read, Write}},                      // one's own account and profile
	{"subjects", []string{Read, Write, Manage}},             // pets and people consultations are about
	{"catalog", []string{Read, Write, Manage}},              // services, packages, specialists, content pages
	{"reviews", []string{Read, Write, Manage}},              // reviews of specialists and services
	{"offers", []string{Read, Write, Manage}},               // what the tenant sells: packages, prices, refund policy
	{"orders", []string{Read, Write, Manage}},               // checkout and payments
	{"promo_codes", []string{Read, Write, Manage}},          // discount codes
	{"certificates", []string{Read, Write, Manage}},         // issue, activate, transfer, quotas
	{"certificates.partner", []string{Read, Write, Manage}}, // partner API issuing and delivery
	{"consultations", []string{Read, Write, Manage}},        // requests for a service, results, documents
	{"consultations.queue", []string{Read, Write, Manage}},  // waiting requests: take one (write), assign (manage)
	{"chat", []string{Read, Write, Manage}},                 // customer ↔ specialist threads
	{"chat.support", []string{Read, Write, Manage}},         // customer ↔ support threads
	{"files", []string{Read, Write, Manage}},                // attachments
	{"files.requests", []string{Read, Write, Manage}},       // files asked of or for a caller
	{"support.tickets", []string{Read, Write, Manage}},      // support cases
	{"refunds", []string{Read, Write, Manage}},              // applications, review, payout
	{"notifications", []string{Read, Manage}},               // in-cabinet notices; templates and settings
	{"customers", []string{Read, Write, Manage}},            // the tenant's customer accounts
	{"staff", []string{Read, Write, Manage}},                // staff accounts and their roles in the tenant
	{"api_keys", []string{Read, Write, Manage}},             // partner API keys
	{"reports", []string{Read}},                             // sales, SLA, workload
	{"tenants", []string{Read, Write, Manage}},              // tenant settings; creating tenants is vendor-wide
	{"products", []string{Read, Write, Manage}},             // product definitions (vendor)
	{"plugins", []string{Read, Manage}},                     // product plugin processes (vendor)
}

// Vocabulary lists every permission the platform knows, objects in a fixed
// order and actions read, write, manage within each.
func Vocabulary() []Permission {
	var ps []Permission
	for _, o := range vocabulary {
		for _, a := range o.actions {
			ps = append(ps, Permission{Object: o.object, Action: a})
		}
	}
	return ps
}

// known reports whether object and action are in the vocabulary.
func known(object, action string) bool {
	for _, o := range vocabulary {
		if o.object == object {
			return slices.Contains(o.actions, action)
		}
	}
	return false
}
