package catalogdb

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/platform/errs"
)

// FAQ returns every item in position order.
func (s *Store) FAQ(ctx context.Context) ([]catalog.FAQItem, error) {
	var rows []faqRow
	err := s.read(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model(&rows).Where("tenant_id = ?", tenantID).Order("position", "id").Scan(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: faq: %w", err)
	}
	out := make([]catalog.FAQItem, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.item())
	}
	return out, nil
}

// CreateFAQ appends it after the last item, unless there are limit items.
// The count, the position and the insert are serialised per tenant.
func (s *Store) CreateFAQ(ctx context.Context, it catalog.FAQItem, limit int, a catalog.AuditEntry) (int, error) {
	var pos int
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		if err := s.lock(ctx, q, tenantID, "faq"); err != nil {
			return err
		}
		var stats struct {
			N   int `bun:"n"`
			Max int `bun:"max"`
		}
		if err := q.NewSelect().Model((*faqRow)(nil)).ColumnExpr("count(*) AS n, coalesce(max(position), 0) AS max").
			Where("tenant_id = ?", tenantID).Scan(ctx, &stats); err != nil {
			return err
		}
		if stats.N >= limit {
			return catalog.ErrFAQFull
		}
		pos = stats.Max + 1
		row := faqRow{TenantID: tenantID, ID: it.ID, Question: it.Question, Answer: it.Answer, Position: pos,
			Published: it.Published, CreatedAt: it.CreatedAt.UTC(), UpdatedAt: it.UpdatedAt.UTC()}
		if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
			return err
		}
		return audit(ctx, q, tenantID, a)
	})
	if err != nil {
		return 0, wrap("create faq", err)
	}
	return pos, nil
}

// UpdateFAQ replaces the text and published flag of it.ID.
func (s *Store) UpdateFAQ(ctx context.Context, it catalog.FAQItem, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		n, err := affected(q.NewUpdate().Model((*faqRow)(nil)).
			Set("question = ?, answer = ?, published = ?, updated_at = ?", it.Question, it.Answer, it.Published, it.UpdatedAt.UTC()).
			Where("tenant_id = ? AND id = ?", tenantID, it.ID).Exec(ctx))
		if err != nil {
			return err
		}
		if n == 0 {
			return catalog.ErrFAQNotFound
		}
		return audit(ctx, q, tenantID, a)
	})
	return wrap("update faq", err)
}

// DeleteFAQ removes the item id and moves the ones after it up.
func (s *Store) DeleteFAQ(ctx context.Context, id string, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		if err := s.lock(ctx, q, tenantID, "faq"); err != nil {
			return err
		}
		var rows []faqRow
		if err := q.NewSelect().Model(&rows).Where("tenant_id = ? AND id = ?", tenantID, id).Scan(ctx); err != nil {
			return err
		}
		if len(rows) == 0 {
			return catalog.ErrFAQNotFound
		}
		if _, err := q.NewDelete().Model((*faqRow)(nil)).Where("tenant_id = ? AND id = ?", tenantID, id).Exec(ctx); err != nil {
			return err
		}
		if _, err := q.NewUpdate().Model((*faqRow)(nil)).Set("position = position - 1").
			Where("tenant_id = ? AND position > ?", tenantID, rows[0].Position).Exec(ctx); err != nil {
			return err
		}
		a.Summary = rows[0].Question
		return audit(ctx, q, tenantID, a)
	})
	return wrap("delete faq", err)
}

// ReorderFAQ gives the items the positions of their place in ids.
func (s *Store) ReorderFAQ(ctx context.Context, ids []string, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		if err := s.lock(ctx, q, tenantID, "faq"); err != nil {
			return err
		}
		var have []string
		if err := q.NewSelect().Model((*faqRow)(nil)).Column("id").Where("tenant_id = ?", tenantID).Scan(ctx, &have); err != nil {
			return err
		}
		if !samePermutation(have, ids) {
			return errs.Invalid(catalog.CodeOrderMismatch, errs.FieldError{Field: "ids", Code: catalog.CodeOrderMismatch})
		}
		for i, id := range ids {
			if _, err := q.NewUpdate().Model((*faqRow)(nil)).Set("position = ?", i+1).
				Where("tenant_id = ? AND id = ?", tenantID, id).Exec(ctx); err != nil {
				return err
			}
		}
		return audit(ctx, q, tenantID, a)
	})
	if err != nil {
		if e := errs.As(err); e.Code == catalog.CodeOrderMismatch {
			return err
		}
		return fmt.Errorf("catalog: reorder faq: %w", err)
	}
	return nil
}

// samePermutation reports whether ids names every id of have exactly once.
func samePermutation(have, ids []string) bool {
	if len(have) != len(ids) {
		return false
	}
	left := make(map[string]bool, len(have))
	for _, id := range have {
		left[id] = true
	}
	for _, id := range ids {
		if !left[id] {
			return false // unknown, or named twice
		}
		delete(left, id)
	}
	return true
}
