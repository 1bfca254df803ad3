package rbac

import (
	"encoding/json"
	"sync"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
)

// Message ops.
const (
	OpAdd    = "add"
	OpRemove = "remove"
	OpUpdate = "update"
	OpReload = "reload" // anything a node cannot narrow to rules: reload all
)

// Message is what a watcher carries between nodes when assignments change.
// It names the rules that changed, not their new state: the receiving node
// re-reads exactly those users' assignments from the database, so messages
// that arrive late or out of order still leave every node equal to the
// database.
type Message struct {
	Origin string     `json:"origin,omitempty"` // node that made the change; it skips its own message
	Op     string     `json:"op"`
	PType  string     `json:"ptype,omitempty"`
	Rules  [][]string `json:"rules,omitempty"`
}

// Encode returns the message as the string a casbin callback receives.
func (m Message) Encode() string {
	b, err := json.Marshal(m)
	if err != nil { // only strings inside: cannot fail
		return `{"op":"reload"}`
	}
	return string(b)
}

// DecodeMessage parses a watcher payload. Anything that is not a Message
// (another watcher implementation, a hand-sent NOTIFY) decodes as a reload.
func DecodeMessage(payload string) Message {
	var m Message
	if err := json.Unmarshal([]byte(payload), &m); err != nil || m.Op == "" {
		return Message{Op: OpReload}
	}
	return m
}

// Notifier implements the update half of casbin's WatcherEx and
// UpdatableWatcher by turning every call into a Message handed to Send, so
// each transport (PostgreSQL NOTIFY, in-process) only moves strings.
type Notifier struct {
	Send func(Message) error
}

// Update asks other nodes to reload everything.
func (n Notifier) Update() error { return n.Send(Message{Op: OpReload}) }

func (n Notifier) rules(op, sec, ptype string, rules [][]string) error {
	if sec != "g" {
		// Shared rules come from the embedded policy.csv and change only
		// with a new binary; nothing else is narrowable.
		return n.Update()
	}
	return n.Send(Message{Op: op, PType: ptype, Rules: rules})
}

func (n Notifier) UpdateForAddPolicy(sec, ptype string, params ...string) error {
	return n.rules(OpAdd, sec, ptype, [][]string{params})
}

func (n Notifier) UpdateForRemovePolicy(sec, ptype string, params ...string) error {
	return n.rules(OpRemove, sec, ptype, [][]string{params})
}

// UpdateForRemoveFilteredPolicy asks for a reload: the removed rules are
// not listed, so nothing narrower is safe.
func (n Notifier) UpdateForRemoveFilteredPolicy(string, string, int, ...string) error {
	return n.Update()
}

func (n Notifier) UpdateForSavePolicy(model.Model) error { return n.Update() }

func (n Notifier) UpdateForAddPolicies(sec, ptype string, rules ...[]string) error {
	return n.rules(OpAdd, sec, ptype, rules)
}

func (n Notifier) UpdateForRemovePolicies(sec, ptype string, rules ...[]string) error {
	return n.rules(OpRemove, sec, ptype, rules)
}

func (n Notifier) UpdateForUpdatePolicy(sec, ptype string, oldRule, newRule []string) error {
	return n.rules(OpUpdate, sec, ptype, [][]string{oldRule, newRule})
}

func (n Notifier) UpdateForUpdatePolicies(sec, ptype string, oldRules, newRules [][]string) error {
	return n.rules(OpUpdate, sec, ptype, append(append([][]string{}, oldRules...), newRules...))
}

// LocalBus connects watchers inside one process. An embedded SQLite
// deployment is one node, so its bus has one watcher and delivers nothing;
// tests use a bus to run several enforcers over one database.
type LocalBus struct {
	mu       sync.Mutex
	watchers map[*LocalWatcher]struct{}
}

// NewLocalBus returns an empty bus.
func NewLocalBus() *LocalBus {
	return &LocalBus{watchers: map[*LocalWatcher]struct{}{}}
}

// Watcher returns a new watcher on the bus.
func (b *LocalBus) Watcher() *LocalWatcher {
	w := &LocalWatcher{bus: b}
	w.Notifier = Notifier{Send: w.send}
	b.mu.Lock()
	b.watchers[w] = struct{}{}
	b.mu.Unlock()
	return w
}

// LocalWatcher is a casbin watcher on a LocalBus. Delivery is synchronous,
// on the sender's goroutine, to every other watcher of the bus.
type LocalWatcher struct {
	Notifier
	bus      *LocalBus
	mu       sync.Mutex
	callback func(string)
}

var (
	_ persist.Watcher          = (*LocalWatcher)(nil)
	_ persist.WatcherEx        = (*LocalWatcher)(nil)
	_ persist.UpdatableWatcher = (*LocalWatcher)(nil)
)

// SetUpdateCallback sets the function called with each message from
// another watcher of the bus.
func (w *LocalWatcher) SetUpdateCallback(fn func(string)) error {
	w.mu.Lock()
	w.callback = fn
	w.mu.Unlock()
	return nil
}

// Close leaves the bus.
func (w *LocalWatcher) Close() {
	w.bus.mu.Lock()
	delete(w.bus.watchers, w)
	w.bus.mu.Unlock()
}

func (w *LocalWatcher) send(m Message) error {
	payload := m.Encode()
	w.bus.mu.Lock()
	var callbacks []func(string)
	for other := range w.bus.watchers {
		if other == w {
			continue
		}
		other.mu.Lock()
		if other.callback != nil {
			callbacks = append(callbacks, other.callback)
		}
		other.mu.Unlock()
	}
	w.bus.mu.Unlock()
	// Called outside the bus lock: a callback may itself publish.
	for _, fn := range callbacks {
		fn(payload)
	}
	return nil
}
