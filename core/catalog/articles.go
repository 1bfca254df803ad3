package catalog

import (
	"context"
	"time"

	"github.com/consult/platform/core/media"
)

// Articles returns a page of articles. The zero filter lists those
// published by now, newest published first; Drafts lists every article,
// newest created first.
func (s *Service) Articles(ctx context.Context, f ArticleFilter, p PageRequest) (Page[Article], error) {
	limit, after, err := p.page()
	if err != nil {
		return Page[Article]{}, err
	}
	category := ""
	if f.Category != "" {
		var c checker
		category = c.code("category", f.Category, false)
		if len(c.fields) > 0 {
			// No article can have such a category: an empty page, not
			// an error, as for any category nobody wrote in yet.
			return Page[Article]{Items: []Article{}}, nil
		}
	}
	q := ArticleQuery{Drafts: f.Drafts, PublishedBy: s.now(), Category: category, After: after, Limit: limit}
	list, err := s.store.Articles(ctx, q)
	if err != nil {
		return Page[Article]{}, err
	}
	key := func(a Article) Cursor { return Cursor{At: *a.PublishedAt, ID: a.ID} }
	if f.Drafts {
		key = func(a Article) Cursor { return Cursor{ID: a.ID} }
	}
	return paginate(list, limit, key), nil
}

// Article returns the article slug as visitors see it: published by now,
// or ErrArticleNotFound.
func (s *Service) Article(ctx context.Context, slug string) (Article, error) {
	ar, err := s.store.ArticleBySlug(ctx, slug)
	if err != nil {
		return Article{}, err
	}
	if !ar.published(s.now()) {
		return Article{}, ErrArticleNotFound
	}
	return ar, nil
}

// ArticleByID returns the article id in any state: the admin's edit form.
func (s *Service) ArticleByID(ctx context.Context, id string) (Article, error) {
	return s.store.ArticleByID(ctx, id)
}

// published reports whether visitors see the article at now.
func (a Article) published(now time.Time) bool {
	return a.PublishedAt != nil && !a.PublishedAt.After(now)
}

// CreateArticle adds an article from in (its ID, cover and times but
// PublishedAt are ignored). Errors: Invalid CodeInvalid; Conflict
// catalog.slug_taken.
func (s *Service) CreateArticle(ctx context.Context, actor string, in Article) (Article, error) {
	ar, err := validateArticle(in)
	if err != nil {
		return Article{}, err
	}
	if ar.ID, err = newID(); err != nil {
		return Article{}, err
	}
	ar.CreatedAt = s.now()
	ar.UpdatedAt = ar.CreatedAt
	a, err := s.audit(actor, "create", "article", ar.ID, ar.Slug)
	if err != nil {
		return Article{}, err
	}
	if err := s.store.CreateArticle(ctx, ar, a); err != nil {
		return Article{}, slugError(err)
	}
	return ar, nil
}

// UpdateArticle replaces everything of the article in.ID but its cover;
// a field left out is cleared (PublishedAt nil makes it a draft again).
// Errors as CreateArticle, and ErrArticleNotFound.
func (s *Service) UpdateArticle(ctx context.Context, actor string, in Article) (Article, error) {
	ar, err := validateArticle(in)
	if err != nil {
		return Article{}, err
	}
	a, err := s.audit(actor, "update", "article", in.ID, ar.Slug)
	if err != nil {
		return Article{}, err
	}
	err = s.store.Atomic(ctx, func(ctx context.Context) error {
		old, err := s.store.ArticleByID(ctx, in.ID)
		if err != nil {
			return err
		}
		ar.ID, ar.CoverID, ar.CreatedAt, ar.UpdatedAt = old.ID, old.CoverID, old.CreatedAt, s.now()
		return s.store.UpdateArticle(ctx, ar, a)
	})
	if err != nil {
		return Article{}, slugError(err)
	}
	return ar, nil
}

// DeleteArticle removes the article and its cover.
func (s *Service) DeleteArticle(ctx context.Context, actor, id string) error {
	return s.store.Atomic(ctx, func(ctx context.Context) error {
		ar, err := s.store.ArticleByID(ctx, id)
		if err != nil {
			return err
		}
		a, err := s.audit(actor, "delete", "article", id, ar.Slug)
		if err != nil {
			return err
		}
		if err := s.store.DeleteArticle(ctx, id, a); err != nil {
			return err
		}
		_, err = s.images.DeleteAllOf(ctx, KindArticleCover, id)
		return err
	})
}

// ArticleCover returns the cover of the published article slug;
// ErrArticleNotFound, or ErrImageNotFound when it has none.
func (s *Service) ArticleCover(ctx context.Context, slug string) (media.Image, error) {
	ar, err := s.Article(ctx, slug)
	if err != nil {
		return media.Image{}, err
	}
	return s.image(ctx, KindArticleCover, ar.CoverID)
}

// PutArticleCover stores img (from media.ProcessAvatar) as the article's
// cover, replacing the previous one under a new id.
func (s *Service) PutArticleCover(ctx context.Context, actor, id string, img media.Image) (Article, error) {
	if err := checkProcessed(img); err != nil {
		return Article{}, err
	}
	var out Article
	err := s.store.Atomic(ctx, func(ctx context.Context) error {
		ar, err := s.store.ArticleByID(ctx, id)
		if err != nil {
			return err
		}
		coverID, err := s.putImage(ctx, KindArticleCover, id, img)
		if err != nil {
			return err
		}
		a, err := s.audit(actor, "cover", "article", id, ar.Slug)
		if err != nil {
			return err
		}
		ar.CoverID, ar.UpdatedAt = coverID, s.now()
		if err := s.store.SetArticleCover(ctx, id, coverID, ar.UpdatedAt, a); err != nil {
			return err
		}
		out = ar
		return nil
	})
	return out, err
}

// DeleteArticleCover removes the article's cover; having none is no error.
func (s *Service) DeleteArticleCover(ctx context.Context, actor, id string) (Article, error) {
	var out Article
	err := s.store.Atomic(ctx, func(ctx context.Context) error {
		ar, err := s.store.ArticleByID(ctx, id)
		if err != nil {
			return err
		}
		a, err := s.audit(actor, "cover", "article", id, ar.Slug+": removed")
		if err != nil {
			return err
		}
		if _, err := s.images.DeleteAllOf(ctx, KindArticleCover, id); err != nil {
			return err
		}
		ar.CoverID, ar.UpdatedAt = "", s.now()
		if err := s.store.SetArticleCover(ctx, id, "", ar.UpdatedAt, a); err != nil {
			return err
		}
		out = ar
		return nil
	})
	return out, err
}

// validateArticle checks and cleans an admin's article. PublishedAt is
// kept to the second: nobody schedules by the microsecond, and cursors
// then compare equal on both databases.
func validateArticle(in Article) (Article, error) {
	var c checker
	ar := Article{ID: in.ID}
	ar.Slug = c.slug("slug", in.Slug)
	ar.Title = c.line("title", in.Title, true, MaxTitle)
	ar.Summary = c.text("summary", in.Summary, false, MaxSummary)
	ar.Body = c.text("body", in.Body, true, MaxArticleBody)
	ar.Category = c.code("category", in.Category, true)
	if in.PublishedAt != nil {
		t := in.PublishedAt.UTC().Truncate(time.Second)
		ar.PublishedAt = &t
	}
	return ar, c.err()
}
