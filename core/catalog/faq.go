package catalog

import (
	"context"
	"fmt"

	"github.com/consult/platform/core/platform/errs"
)

// FAQ returns the questions visitors see — the published ones — in the
// admin's order. At most MaxFAQ items exist, so there is no paging.
func (s *Service) FAQ(ctx context.Context) ([]FAQItem, error) {
	all, err := s.store.FAQ(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]FAQItem, 0, len(all))
	for _, it := range all {
		if it.Published {
			out = append(out, it)
		}
	}
	return out, nil
}

// AllFAQ returns every item, published or not, in order: the admin's list.
func (s *Service) AllFAQ(ctx context.Context) ([]FAQItem, error) {
	return s.store.FAQ(ctx)
}

// CreateFAQ appends a question to the end of the FAQ. Errors: Invalid
// CodeInvalid; Conflict catalog.faq_full at MaxFAQ items.
func (s *Service) CreateFAQ(ctx context.Context, actor string, in FAQItem) (FAQItem, error) {
	it, err := validateFAQ(in)
	if err != nil {
		return FAQItem{}, err
	}
	if it.ID, err = newID(); err != nil {
		return FAQItem{}, err
	}
	it.CreatedAt = s.now()
	it.UpdatedAt = it.CreatedAt
	a, err := s.audit(actor, "create", "faq", it.ID, it.Question)
	if err != nil {
		return FAQItem{}, err
	}
	if it.Position, err = s.store.CreateFAQ(ctx, it, MaxFAQ, a); err != nil {
		return FAQItem{}, err
	}
	return it, nil
}

// UpdateFAQ replaces the question, answer and published flag of in.ID;
// its place stays. Errors: Invalid CodeInvalid; ErrFAQNotFound.
func (s *Service) UpdateFAQ(ctx context.Context, actor string, in FAQItem) (FAQItem, error) {
	it, err := validateFAQ(in)
	if err != nil {
		return FAQItem{}, err
	}
	a, err := s.audit(actor, "update", "faq", in.ID, it.Question)
	if err != nil {
		return FAQItem{}, err
	}
	var out FAQItem
	err = s.store.Atomic(ctx, func(ctx context.Context) error {
		all, err := s.store.FAQ(ctx)
		if err != nil {
			return err
		}
		for _, old := range all {
			if old.ID == in.ID {
				it.ID, it.Position, it.CreatedAt, it.UpdatedAt = old.ID, old.Position, old.CreatedAt, s.now()
				out = it
				return s.store.UpdateFAQ(ctx, it, a)
			}
		}
		return ErrFAQNotFound
	})
	return out, err
}

// DeleteFAQ removes a question; the ones after it move up.
func (s *Service) DeleteFAQ(ctx context.Context, actor, id string) error {
	a, err := s.audit(actor, "delete", "faq", id, "")
	if err != nil {
		return err
	}
	return s.store.DeleteFAQ(ctx, id, a)
}

// ReorderFAQ puts the questions in the order of ids, which must name each
// question exactly once (Invalid CodeOrderMismatch otherwise: the admin's
// page is stale), and returns the list in its new order.
func (s *Service) ReorderFAQ(ctx context.Context, actor string, ids []string) ([]FAQItem, error) {
	if len(ids) > MaxFAQ {
		return nil, errs.Invalid(CodeOrderMismatch, errs.FieldError{Field: "ids", Code: CodeOrderMismatch})
	}
	a, err := s.audit(actor, "reorder", "faq", "", fmt.Sprintf("%d items", len(ids)))
	if err != nil {
		return nil, err
	}
	var out []FAQItem
	err = s.store.Atomic(ctx, func(ctx context.Context) error {
		if err := s.store.ReorderFAQ(ctx, ids, a); err != nil {
			return err
		}
		out, err = s.store.FAQ(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// validateFAQ checks and cleans a question and its answer.
func validateFAQ(in FAQItem) (FAQItem, error) {
	var c checker
	it := FAQItem{ID: in.ID, Published: in.Published}
	it.Question = c.line("question", in.Question, true, MaxQuestion)
	it.Answer = c.text("answer", in.Answer, true, MaxMarkdown)
	return it, c.err()
}
