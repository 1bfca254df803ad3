package catalogdb

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/catalog"
)

// Articles returns a page of articles, at most q.Limit+1: published ones
// (published_at ≤ q.PublishedBy) newest published first, or with q.Drafts
// every one newest created first (ids are UUIDv7).
func (s *Store) Articles(ctx context.Context, q catalog.ArticleQuery) ([]catalog.Article, error) {
	var rows []articleRow
	err := s.read(ctx, func(ctx context.Context, tx bun.IDB, tenantID string) error {
		sel := tx.NewSelect().Model(&rows).Where("tenant_id = ?", tenantID)
		if q.Category != "" {
			sel = sel.Where("category = ?", q.Category)
		}
		if q.Drafts {
			if q.After != nil {
				sel = sel.Where("id < ?", q.After.ID)
			}
			return sel.Order("id DESC").Limit(int64(q.Limit) + 1).Scan(ctx)
		}
		sel = sel.Where("published_at IS NOT NULL AND published_at <= ?", q.PublishedBy.UTC())
		if q.After != nil {
			at := q.After.At.UTC()
			sel = sel.Where("(published_at < ? OR (published_at = ? AND id < ?))", at, at, q.After.ID)
		}
		return sel.Order("published_at DESC", "id DESC").Limit(int64(q.Limit) + 1).Scan(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: articles: %w", err)
	}
	out := make([]catalog.Article, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.article())
	}
	return out, nil
}

// ArticleByID returns the article id, or catalog.ErrArticleNotFound.
func (s *Store) ArticleByID(ctx context.Context, id string) (catalog.Article, error) {
	return s.article(ctx, "id = ?", id)
}

// ArticleBySlug returns the article slug, or catalog.ErrArticleNotFound.
func (s *Store) ArticleBySlug(ctx context.Context, slug string) (catalog.Article, error) {
	return s.article(ctx, "slug = ?", slug)
}

func (s *Store) article(ctx context.Context, where, arg string) (catalog.Article, error) {
	var rows []articleRow
	err := s.read(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model(&rows).Where("tenant_id = ?", tenantID).Where(where, arg).Scan(ctx)
	})
	if err != nil {
		return catalog.Article{}, fmt.Errorf("catalog: article: %w", err)
	}
	if len(rows) == 0 {
		return catalog.Article{}, catalog.ErrArticleNotFound
	}
	return rows[0].article(), nil
}

// CreateArticle inserts ar; catalog.ErrSlugTaken.
func (s *Store) CreateArticle(ctx context.Context, ar catalog.Article, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		row := toArticleRow(tenantID, ar)
		if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
			return slugConflict(err)
		}
		return audit(ctx, q, tenantID, a)
	})
	return wrap("create article", err)
}

// UpdateArticle replaces ar.ID's fields but its cover and creation time;
// catalog.ErrArticleNotFound, ErrSlugTaken.
func (s *Store) UpdateArticle(ctx context.Context, ar catalog.Article, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		row := toArticleRow(tenantID, ar)
		n, err := affected(q.NewUpdate().Model(&row).
			Column("slug", "title", "summary", "body", "category", "published_at", "updated_at").
			Where("tenant_id = ? AND id = ?", tenantID, ar.ID).Exec(ctx))
		if err != nil {
			return slugConflict(err)
		}
		if n == 0 {
			return catalog.ErrArticleNotFound
		}
		return audit(ctx, q, tenantID, a)
	})
	return wrap("update article", err)
}

// SetArticleCover sets or clears the cover id of id.
func (s *Store) SetArticleCover(ctx context.Context, id, coverID string, at time.Time, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		n, err := affected(q.NewUpdate().Model((*articleRow)(nil)).
			Set("cover_id = ?, updated_at = ?", coverID, at.UTC()).
			Where("tenant_id = ? AND id = ?", tenantID, id).Exec(ctx))
		if err != nil {
			return err
		}
		if n == 0 {
			return catalog.ErrArticleNotFound
		}
		return audit(ctx, q, tenantID, a)
	})
	return wrap("set article cover", err)
}

// DeleteArticle removes the article; catalog.ErrArticleNotFound.
func (s *Store) DeleteArticle(ctx context.Context, id string, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		n, err := affected(q.NewDelete().Model((*articleRow)(nil)).Where("tenant_id = ? AND id = ?", tenantID, id).Exec(ctx))
		if err != nil {
			return err
		}
		if n == 0 {
			return catalog.ErrArticleNotFound
		}
		return audit(ctx, q, tenantID, a)
	})
	return wrap("delete article", err)
}
