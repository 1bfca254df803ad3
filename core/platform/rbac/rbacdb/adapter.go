// Package rbacdb stores the rbac package's assignments in the database
// through bun, on SQLite and PostgreSQL, as a casbin adapter (Adapter,
// BatchAdapter, UpdatableAdapter, FilteredAdapter, and their context
// variants), and carries changes between nodes with a casbin watcher over
// PostgreSQL LISTEN/NOTIFY.
//
// Only grouping rules (g: user:<id>, role:<name>, <tenant or *>) are
// stored. The shared role → permission rules are configs/rbac/policy.csv:
// the adapter refuses to write p rules, SavePolicy writes only the g
// section of a model, and the table's CHECK refuses p rows — so the table
// never holds the file's rules, let alone a copy of them per tenant.
package rbacdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/uptrace/bun"

	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/core/platform/rbac"
)

// ErrSharedRules refuses a write of anything but a grouping rule.
var ErrSharedRules = errors.New("rbacdb: only grouping (g) rules are stored; p rules come from configs/rbac/policy.csv")

// maxFields is the number of value columns, v0..v5, as in every casbin
// SQL adapter.
const maxFields = 6

// insertChunk bounds the rows of one INSERT, keeping statements (bun
// inlines values) well under both databases' limits.
const insertChunk = 1000

// Adapter is the casbin adapter over the casbin_rules table. The domain of
// a grouping rule is its third field (v2), which filtered loads select on.
type Adapter struct {
	db       *db.DB
	filtered atomic.Bool
}

var (
	_ rbac.Adapter                    = (*Adapter)(nil)
	_ persist.Adapter                 = (*Adapter)(nil)
	_ persist.BatchAdapter            = (*Adapter)(nil)
	_ persist.UpdatableAdapter        = (*Adapter)(nil)
	_ persist.FilteredAdapter         = (*Adapter)(nil)
	_ persist.ContextAdapter          = (*Adapter)(nil)
	_ persist.ContextBatchAdapter     = (*Adapter)(nil)
	_ persist.ContextUpdatableAdapter = (*Adapter)(nil)
	_ persist.ContextFilteredAdapter  = (*Adapter)(nil)
)

// New returns an adapter over d, which must be migrated.
func New(d *db.DB) *Adapter { return &Adapter{db: d} }

type ruleRow struct {
	bun.BaseModel `bun:"table:casbin_rules"`

	ID    int64  `bun:"id,pk,autoincrement"`
	PType string `bun:"ptype"`
	V0    string `bun:"v0"`
	V1    string `bun:"v1"`
	V2    string `bun:"v2"`
	V3    string `bun:"v3"`
	V4    string `bun:"v4"`
	V5    string `bun:"v5"`
}

var valueColumns = [maxFields]string{"v0", "v1", "v2", "v3", "v4", "v5"}

func toRow(ptype string, rule []string) (ruleRow, error) {
	if len(rule) == 0 || len(rule) > maxFields {
		return ruleRow{}, fmt.Errorf("rbacdb: a rule has 1 to %d fields, got %d", maxFields, len(rule))
	}
	var v [maxFields]string
	copy(v[:], rule)
	return ruleRow{PType: ptype, V0: v[0], V1: v[1], V2: v[2], V3: v[3], V4: v[4], V5: v[5]}, nil
}

// rule returns the row's fields without the empty tail, the shape casbin
// expects back.
func (r ruleRow) rule() []string {
	v := []string{r.V0, r.V1, r.V2, r.V3, r.V4, r.V5}
	n := len(v)
	for n > 0 && v[n-1] == "" {
		n--
	}
	return v[:n]
}

func checkGrouping(sec, ptype string) error {
	if sec != "g" || len(ptype) == 0 || ptype[0] != 'g' {
		return fmt.Errorf("%w (got sec %q, ptype %q)", ErrSharedRules, sec, ptype)
	}
	return nil
}

// wherer is any bun query with a Where clause.
type wherer[Q any] interface {
	Where(query string, args ...any) Q
}

// whereRule matches one exact rule, empty tail included, so removing
// "u, r, t" never removes "u, r, t, x".
func whereRule[Q wherer[Q]](q Q, r ruleRow) Q {
	return q.Where("ptype = ?", r.PType).
		Where("v0 = ?", r.V0).Where("v1 = ?", r.V1).Where("v2 = ?", r.V2).
		Where("v3 = ?", r.V3).Where("v4 = ?", r.V4).Where("v5 = ?", r.V5)
}

// filterOf accepts the filters LoadFilteredPolicy may be given.
func filterOf(filter any) (rbac.Filter, error) {
	switch f := filter.(type) {
	case nil:
		return rbac.Filter{}, nil
	case rbac.Filter:
		return f, nil
	case *rbac.Filter:
		if f == nil {
			return rbac.Filter{}, nil
		}
		return *f, nil
	default:
		return rbac.Filter{}, fmt.Errorf("rbacdb: filter is %T, want rbac.Filter", filter)
	}
}

func applyFilter(q *bun.SelectQuery, f rbac.Filter) *bun.SelectQuery {
	if len(f.Domains) > 0 {
		q = q.Where("v2 IN (?)", bun.List(f.Domains))
	}
	if len(f.Subjects) > 0 {
		q = q.Where("v0 IN (?)", bun.List(f.Subjects))
	}
	return q
}

// LoadPolicy loads every stored rule into m.
func (a *Adapter) LoadPolicy(m model.Model) error { return a.LoadPolicyCtx(context.Background(), m) }

// LoadPolicyCtx loads every stored rule into m.
func (a *Adapter) LoadPolicyCtx(ctx context.Context, m model.Model) error {
	if err := a.load(ctx, m, rbac.Filter{}); err != nil {
		return err
	}
	a.filtered.Store(false)
	return nil
}

// LoadFilteredPolicy loads the rules selected by filter, an rbac.Filter:
// a node serving some tenants passes their ids and "*".
func (a *Adapter) LoadFilteredPolicy(m model.Model, filter any) error {
	return a.LoadFilteredPolicyCtx(context.Background(), m, filter)
}

// LoadFilteredPolicyCtx loads the rules selected by filter, an rbac.Filter.
func (a *Adapter) LoadFilteredPolicyCtx(ctx context.Context, m model.Model, filter any) error {
	f, err := filterOf(filter)
	if err != nil {
		return err
	}
	if err := a.load(ctx, m, f); err != nil {
		return err
	}
	a.filtered.Store(len(f.Domains) > 0 || len(f.Subjects) > 0)
	return nil
}

// IsFiltered reports whether the last load was filtered; casbin then
// refuses SavePolicy, which would delete what was not loaded.
func (a *Adapter) IsFiltered() bool { return a.filtered.Load() }

// IsFilteredCtx is IsFiltered.
func (a *Adapter) IsFilteredCtx(context.Context) bool { return a.IsFiltered() }

func (a *Adapter) load(ctx context.Context, m model.Model, f rbac.Filter) error {
	q := a.db.NewSelect().Model((*ruleRow)(nil)).
		Column("ptype", "v0", "v1", "v2", "v3", "v4", "v5").
		OrderExpr("id")
	// Rows streams: 100k assignments never sit in memory twice.
	rows, err := applyFilter(q, f).Rows(ctx)
	if err != nil {
		return fmt.Errorf("rbacdb: load: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r ruleRow
		if err := rows.Scan(&r.PType, &r.V0, &r.V1, &r.V2, &r.V3, &r.V4, &r.V5); err != nil {
			return fmt.Errorf("rbacdb: load: %w", err)
		}
		if err := persist.LoadPolicyArray(append([]string{r.PType}, r.rule()...), m); err != nil {
			return fmt.Errorf("rbacdb: load %s %v: %w", r.PType, r.rule(), err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("rbacdb: load: %w", err)
	}
	return nil
}

// GroupingRules returns the stored rules of ptype selected by f.
func (a *Adapter) GroupingRules(ctx context.Context, ptype string, f rbac.Filter) ([][]string, error) {
	if err := checkGrouping("g", ptype); err != nil {
		return nil, err
	}
	var rows []ruleRow
	q := a.db.NewSelect().Model(&rows).Where("ptype = ?", ptype).OrderExpr("id")
	if err := applyFilter(q, f).Scan(ctx); err != nil {
		return nil, fmt.Errorf("rbacdb: select: %w", err)
	}
	rules := make([][]string, len(rows))
	for i, r := range rows {
		rules[i] = r.rule()
	}
	return rules, nil
}

// SavePolicy replaces the stored rules with the grouping rules of m. The p
// section is not written: those are the shared file rules.
func (a *Adapter) SavePolicy(m model.Model) error { return a.SavePolicyCtx(context.Background(), m) }

// SavePolicyCtx replaces the stored rules with the grouping rules of m.
func (a *Adapter) SavePolicyCtx(ctx context.Context, m model.Model) error {
	if a.IsFiltered() {
		return errors.New("rbacdb: cannot save a filtered policy: it would delete the rules not loaded")
	}
	var rows []ruleRow
	for ptype, ast := range m["g"] {
		for _, rule := range ast.Policy {
			r, err := toRow(ptype, rule)
			if err != nil {
				return err
			}
			rows = append(rows, r)
		}
	}
	return a.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*ruleRow)(nil)).Where("1 = 1").Exec(ctx); err != nil {
			return fmt.Errorf("rbacdb: save: %w", err)
		}
		return insert(ctx, tx, rows)
	})
}

// insert adds rows, skipping those already stored: assignments are
// idempotent, and two nodes may add the same one.
func insert(ctx context.Context, idb bun.IDB, rows []ruleRow) error {
	for len(rows) > 0 {
		n := min(len(rows), insertChunk)
		chunk := rows[:n]
		rows = rows[n:]
		_, err := idb.NewInsert().Model(&chunk).
			Column("ptype", "v0", "v1", "v2", "v3", "v4", "v5").
			On("CONFLICT DO NOTHING").
			Returning("NULL").
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("rbacdb: insert: %w", err)
		}
	}
	return nil
}

func rowsOf(sec, ptype string, rules [][]string) ([]ruleRow, error) {
	if err := checkGrouping(sec, ptype); err != nil {
		return nil, err
	}
	rows := make([]ruleRow, 0, len(rules))
	for _, rule := range rules {
		r, err := toRow(ptype, rule)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// AddPolicy stores a grouping rule; an existing one is left as it is.
func (a *Adapter) AddPolicy(sec, ptype string, rule []string) error {
	return a.AddPolicyCtx(context.Background(), sec, ptype, rule)
}

// AddPolicyCtx stores a grouping rule; an existing one is left as it is.
func (a *Adapter) AddPolicyCtx(ctx context.Context, sec, ptype string, rule []string) error {
	return a.AddPoliciesCtx(ctx, sec, ptype, [][]string{rule})
}

// AddPolicies stores grouping rules in one transaction.
func (a *Adapter) AddPolicies(sec, ptype string, rules [][]string) error {
	return a.AddPoliciesCtx(context.Background(), sec, ptype, rules)
}

// AddPoliciesCtx stores grouping rules in one transaction.
func (a *Adapter) AddPoliciesCtx(ctx context.Context, sec, ptype string, rules [][]string) error {
	rows, err := rowsOf(sec, ptype, rules)
	if err != nil || len(rows) == 0 {
		return err
	}
	if len(rows) <= insertChunk {
		return insert(ctx, a.db.DB, rows)
	}
	return a.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error { return insert(ctx, tx, rows) })
}

// RemovePolicy deletes a grouping rule; a missing one is not an error.
func (a *Adapter) RemovePolicy(sec, ptype string, rule []string) error {
	return a.RemovePolicyCtx(context.Background(), sec, ptype, rule)
}

// RemovePolicyCtx deletes a grouping rule; a missing one is not an error.
func (a *Adapter) RemovePolicyCtx(ctx context.Context, sec, ptype string, rule []string) error {
	rows, err := rowsOf(sec, ptype, [][]string{rule})
	if err != nil {
		return err
	}
	return remove(ctx, a.db.DB, rows)
}

// RemovePolicies deletes grouping rules in one transaction.
func (a *Adapter) RemovePolicies(sec, ptype string, rules [][]string) error {
	return a.RemovePoliciesCtx(context.Background(), sec, ptype, rules)
}

// RemovePoliciesCtx deletes grouping rules in one transaction.
func (a *Adapter) RemovePoliciesCtx(ctx context.Context, sec, ptype string, rules [][]string) error {
	rows, err := rowsOf(sec, ptype, rules)
	if err != nil || len(rows) == 0 {
		return err
	}
	return a.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error { return remove(ctx, tx, rows) })
}

func remove(ctx context.Context, idb bun.IDB, rows []ruleRow) error {
	for _, r := range rows {
		if _, err := whereRule(idb.NewDelete().Model((*ruleRow)(nil)), r).Exec(ctx); err != nil {
			return fmt.Errorf("rbacdb: delete: %w", err)
		}
	}
	return nil
}

// filterWhere matches casbin's field filter: fieldValues start at column
// fieldIndex, and an empty value matches anything.
func filterWhere[Q wherer[Q]](q Q, ptype string, fieldIndex int, fieldValues []string) (Q, error) {
	if fieldIndex < 0 || fieldIndex+len(fieldValues) > maxFields {
		return q, fmt.Errorf("rbacdb: field filter %d+%d is outside v0..v5", fieldIndex, len(fieldValues))
	}
	q = q.Where("ptype = ?", ptype)
	for i, v := range fieldValues {
		if v != "" {
			q = q.Where("? = ?", bun.Ident(valueColumns[fieldIndex+i]), v)
		}
	}
	return q, nil
}

// RemoveFilteredPolicy deletes the grouping rules matching the field
// filter, casbin's way: values from v<fieldIndex> on, "" matching anything.
func (a *Adapter) RemoveFilteredPolicy(sec, ptype string, fieldIndex int, fieldValues ...string) error {
	return a.RemoveFilteredPolicyCtx(context.Background(), sec, ptype, fieldIndex, fieldValues...)
}

// RemoveFilteredPolicyCtx is RemoveFilteredPolicy with a context.
func (a *Adapter) RemoveFilteredPolicyCtx(ctx context.Context, sec, ptype string, fieldIndex int, fieldValues ...string) error {
	if err := checkGrouping(sec, ptype); err != nil {
		return err
	}
	q, err := filterWhere(a.db.NewDelete().Model((*ruleRow)(nil)), ptype, fieldIndex, fieldValues)
	if err != nil {
		return err
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("rbacdb: delete: %w", err)
	}
	return nil
}

// UpdatePolicy replaces one stored grouping rule: errs.ErrNotFound if the
// old rule is not stored, a conflict if the new one already is.
func (a *Adapter) UpdatePolicy(sec, ptype string, oldRule, newRule []string) error {
	return a.UpdatePolicyCtx(context.Background(), sec, ptype, oldRule, newRule)
}

// UpdatePolicyCtx is UpdatePolicy with a context.
func (a *Adapter) UpdatePolicyCtx(ctx context.Context, sec, ptype string, oldRule, newRule []string) error {
	return a.UpdatePoliciesCtx(ctx, sec, ptype, [][]string{oldRule}, [][]string{newRule})
}

// UpdatePolicies replaces stored grouping rules pairwise, all or none.
func (a *Adapter) UpdatePolicies(sec, ptype string, oldRules, newRules [][]string) error {
	return a.UpdatePoliciesCtx(context.Background(), sec, ptype, oldRules, newRules)
}

// UpdatePoliciesCtx is UpdatePolicies with a context.
func (a *Adapter) UpdatePoliciesCtx(ctx context.Context, sec, ptype string, oldRules, newRules [][]string) error {
	if len(oldRules) != len(newRules) {
		return fmt.Errorf("rbacdb: update: %d old rules for %d new ones", len(oldRules), len(newRules))
	}
	olds, err := rowsOf(sec, ptype, oldRules)
	if err != nil {
		return err
	}
	news, err := rowsOf(sec, ptype, newRules)
	if err != nil {
		return err
	}
	return a.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for i, o := range olds {
			n := news[i]
			q := tx.NewUpdate().Model((*ruleRow)(nil)).
				Set("v0 = ?", n.V0).Set("v1 = ?", n.V1).Set("v2 = ?", n.V2).
				Set("v3 = ?", n.V3).Set("v4 = ?", n.V4).Set("v5 = ?", n.V5)
			res, err := whereRule(q, o).Exec(ctx)
			if err != nil {
				if db.IsUniqueViolation(err) {
					return errs.E(errs.KindConflict, "errors.conflict").Because(fmt.Errorf("rbacdb: update to %v: already stored", n.rule()))
				}
				return fmt.Errorf("rbacdb: update: %w", err)
			}
			if k, err := res.RowsAffected(); err != nil || k == 0 {
				return errs.ErrNotFound.Because(fmt.Errorf("rbacdb: update: rule %v is not stored", o.rule()))
			}
		}
		return nil
	})
}

// UpdateFilteredPolicies replaces the grouping rules matching the field
// filter with newRules, in one transaction, and returns the rules removed.
func (a *Adapter) UpdateFilteredPolicies(sec, ptype string, newRules [][]string, fieldIndex int, fieldValues ...string) ([][]string, error) {
	return a.UpdateFilteredPoliciesCtx(context.Background(), sec, ptype, newRules, fieldIndex, fieldValues...)
}

// UpdateFilteredPoliciesCtx is UpdateFilteredPolicies with a context.
func (a *Adapter) UpdateFilteredPoliciesCtx(ctx context.Context, sec, ptype string, newRules [][]string, fieldIndex int, fieldValues ...string) ([][]string, error) {
	news, err := rowsOf(sec, ptype, newRules)
	if err != nil {
		return nil, err
	}
	var old [][]string
	err = a.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var rows []ruleRow
		q, err := filterWhere(tx.NewSelect().Model(&rows), ptype, fieldIndex, fieldValues)
		if err != nil {
			return err
		}
		if err := q.OrderExpr("id").Scan(ctx); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("rbacdb: select: %w", err)
		}
		ids := make([]int64, len(rows))
		old = make([][]string, len(rows))
		for i, r := range rows {
			ids[i], old[i] = r.ID, r.rule()
		}
		if len(ids) > 0 {
			if _, err := tx.NewDelete().Model((*ruleRow)(nil)).Where("id IN (?)", bun.List(ids)).Exec(ctx); err != nil {
				return fmt.Errorf("rbacdb: delete: %w", err)
			}
		}
		return insert(ctx, tx, news)
	})
	if err != nil {
		return nil, err
	}
	return old, nil
}
