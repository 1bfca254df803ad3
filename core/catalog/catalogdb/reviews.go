package catalogdb

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/platform/db"
)

// Reviews returns a page of reviews newest first (ids are UUIDv7), at
// most q.Limit+1, with the slugs of the specialists they are about.
func (s *Store) Reviews(ctx context.Context, q catalog.ReviewQuery) ([]catalog.Review, error) {
	var out []catalog.Review
	err := s.read(ctx, func(ctx context.Context, tx bun.IDB, tenantID string) error {
		var rows []reviewRow
		statuses := make([]string, 0, len(q.Statuses))
		for _, st := range q.Statuses {
			statuses = append(statuses, string(st))
		}
		sel := tx.NewSelect().Model(&rows).Where("tenant_id = ? AND status IN (?)", tenantID, bun.List(statuses))
		if q.SpecialistID != "" {
			sel = sel.Where("specialist_id = ?", q.SpecialistID)
		}
		if q.Package != nil {
			sel = sel.Where("offer_id = ? AND package_code = ?", q.Package.OfferID, q.Package.Code)
		}
		if q.After != nil {
			sel = sel.Where("id < ?", q.After.ID)
		}
		if err := sel.Order("id DESC").Limit(int64(q.Limit) + 1).Scan(ctx); err != nil {
			return err
		}
		var err error
		out, err = withSlugs(ctx, tx, tenantID, rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: reviews: %w", err)
	}
	return out, nil
}

// withSlugs turns rows into reviews with their specialists' slugs.
func withSlugs(ctx context.Context, q bun.IDB, tenantID string, rows []reviewRow) ([]catalog.Review, error) {
	out := make([]catalog.Review, 0, len(rows))
	var ids []string
	for _, r := range rows {
		out = append(out, r.review())
		if r.SpecialistID != nil {
			ids = append(ids, *r.SpecialistID)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	var sps []specialistRow
	if err := q.NewSelect().Model(&sps).Column("id", "slug").
		Where("s.tenant_id = ? AND s.id IN (?)", tenantID, bun.List(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("specialists: %w", err)
	}
	slugs := make(map[string]string, len(sps))
	for _, sp := range sps {
		slugs[sp.ID] = sp.Slug
	}
	for i := range out {
		out[i].SpecialistSlug = slugs[out[i].SpecialistID]
	}
	return out, nil
}

// ReviewByID returns the review id, or catalog.ErrReviewNotFound.
func (s *Store) ReviewByID(ctx context.Context, id string) (catalog.Review, error) {
	var out []catalog.Review
	err := s.read(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		var rows []reviewRow
		if err := q.NewSelect().Model(&rows).Where("tenant_id = ? AND id = ?", tenantID, id).Scan(ctx); err != nil {
			return err
		}
		var err error
		out, err = withSlugs(ctx, q, tenantID, rows)
		return err
	})
	if err != nil {
		return catalog.Review{}, fmt.Errorf("catalog: review: %w", err)
	}
	if len(out) == 0 {
		return catalog.Review{}, catalog.ErrReviewNotFound
	}
	return out[0], nil
}

// CreateReview inserts r; catalog.ErrReviewPending when its author has a
// pending review of the same target (catalog_reviews_pending_key).
func (s *Store) CreateReview(ctx context.Context, r catalog.Review) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		row := toReviewRow(tenantID, r)
		if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) {
				return catalog.ErrReviewPending.Because(err)
			}
			return err
		}
		return nil
	})
	return wrap("create review", err)
}

// ModerateReview sets the moderation outcome of r.ID.
func (s *Store) ModerateReview(ctx context.Context, r catalog.Review, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		row := toReviewRow(tenantID, r)
		n, err := affected(q.NewUpdate().Model(&row).Column("status", "reject_reason", "moderated_at", "moderated_by").
			Where("tenant_id = ? AND id = ?", tenantID, r.ID).Exec(ctx))
		if err != nil {
			return err
		}
		if n == 0 {
			return catalog.ErrReviewNotFound
		}
		return audit(ctx, q, tenantID, a)
	})
	return wrap("moderate review", err)
}

// DeleteReviewsBy removes every review of the author.
func (s *Store) DeleteReviewsBy(ctx context.Context, authorID string) (int, error) {
	var n int64
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) (err error) {
		n, err = affected(q.NewDelete().Model((*reviewRow)(nil)).
			Where("tenant_id = ? AND author_id = ?", tenantID, authorID).Exec(ctx))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("catalog: delete reviews: %w", err)
	}
	return int(n), nil
}
