package catalog

import (
	"context"
	"errors"

	"github.com/consult/platform/core/platform/errs"
)

// Author is the signed-in user who writes a review.
type Author struct {
	UserID string
	Name   string // the profile's name, used when the review names no author
	// Customer is false for staff: reviews are the customers' word
	// (ErrCustomersOnly).
	Customer bool
}

// ReviewInput is what a customer writes. At most one target: a published
// specialist (by slug) or a package of the tenant; none reviews the service
// as a whole.
type ReviewInput struct {
	AuthorName     string
	Rating         int
	Text           string
	SpecialistSlug string
	Package        *PackageRef
}

// SubmitReview records a customer's review as pending: nothing is shown
// before the tenant admin publishes it. Errors: ErrCustomersOnly; Invalid
// CodeInvalid (name, rating 1–5, text, an unknown target);
// ErrReviewPending when the author's earlier review of the same target
// still waits for moderation.
func (s *Service) SubmitReview(ctx context.Context, au Author, in ReviewInput) (Review, error) {
	if au.UserID == "" {
		return Review{}, errs.Internal(errors.New("catalog: review without an author"))
	}
	if !au.Customer {
		return Review{}, ErrCustomersOnly
	}
	var c checker
	name := in.AuthorName
	if clean(name) == "" {
		name = au.Name
	}
	r := Review{AuthorID: au.UserID, Rating: in.Rating, Status: ReviewPending}
	r.AuthorName = c.line("author_name", name, true, MaxAuthorName)
	r.Text = c.text("text", in.Text, true, MaxReviewText)
	if in.Rating < 1 || in.Rating > 5 {
		c.add("rating", CodeRatingInvalid, nil)
	}
	switch {
	case in.SpecialistSlug != "" && in.Package != nil:
		c.add("specialist", CodeTargetAmbiguous, nil)
	case in.SpecialistSlug != "":
		sp, err := s.Specialist(ctx, in.SpecialistSlug)
		switch {
		case errors.Is(err, ErrSpecialistNotFound):
			c.add("specialist", CodeTargetUnknown, nil)
		case err != nil:
			return Review{}, err
		default:
			r.SpecialistID, r.SpecialistSlug = sp.ID, sp.Slug
		}
	case in.Package != nil:
		ok, err := s.packageExists(ctx, *in.Package)
		if err != nil {
			return Review{}, err
		}
		if !ok {
			c.add("package", CodeTargetUnknown, nil)
		} else {
			ref := *in.Package
			r.Package = &ref
		}
	}
	if err := c.err(); err != nil {
		return Review{}, err
	}
	var err error
	if r.ID, err = newID(); err != nil {
		return Review{}, err
	}
	r.CreatedAt = s.now()
	if err := s.store.CreateReview(ctx, r); err != nil {
		return Review{}, err
	}
	return r, nil
}

// Reviews returns a page of reviews, newest first. The zero filter lists
// published ones; a specialist filter names a published specialist
// (ErrSpecialistNotFound otherwise) unless the filter lists other statuses
// too — the admin's moderation queue sees every specialist's.
func (s *Service) Reviews(ctx context.Context, f ReviewFilter, p PageRequest) (Page[Review], error) {
	limit, after, err := p.page()
	if err != nil {
		return Page[Review]{}, err
	}
	statuses := f.Statuses
	public := len(statuses) == 0
	if public {
		statuses = []ReviewStatus{ReviewPublished}
	}
	for _, st := range statuses {
		if !st.Valid() {
			return Page[Review]{}, errs.Invalid(CodeFilterInvalid, errs.FieldError{Field: "status", Code: CodeStatusInvalid})
		}
	}
	q := ReviewQuery{Statuses: statuses, Package: f.Package, After: after, Limit: limit}
	if f.SpecialistSlug != "" {
		var sp Specialist
		if public {
			sp, err = s.Specialist(ctx, f.SpecialistSlug)
		} else {
			sp, err = s.store.SpecialistBySlug(ctx, f.SpecialistSlug)
		}
		if err != nil {
			return Page[Review]{}, err
		}
		q.SpecialistID = sp.ID
	}
	list, err := s.store.Reviews(ctx, q)
	if err != nil {
		return Page[Review]{}, err
	}
	return paginate(list, limit, func(r Review) Cursor { return Cursor{ID: r.ID} }), nil
}

// PublishReview shows the review id on the site; publishing a published
// one changes nothing but the moderation time.
func (s *Service) PublishReview(ctx context.Context, actor, id string) (Review, error) {
	return s.moderate(ctx, actor, id, ReviewPublished, "")
}

// RejectReview hides the review id with the reason (required), also one
// published earlier.
func (s *Service) RejectReview(ctx context.Context, actor, id, reason string) (Review, error) {
	var c checker
	reason = c.text("reason", reason, true, MaxRejectReason)
	if err := c.err(); err != nil {
		return Review{}, err
	}
	return s.moderate(ctx, actor, id, ReviewRejected, reason)
}

func (s *Service) moderate(ctx context.Context, actor, id string, to ReviewStatus, reason string) (Review, error) {
	action := "publish"
	if to == ReviewRejected {
		action = "reject"
	}
	a, err := s.audit(actor, action, "review", id, reason)
	if err != nil {
		return Review{}, err
	}
	var out Review
	err = s.store.Atomic(ctx, func(ctx context.Context) error {
		r, err := s.store.ReviewByID(ctx, id)
		if err != nil {
			return err
		}
		now := s.now()
		r.Status, r.RejectReason, r.ModeratedAt, r.ModeratedBy = to, reason, &now, actor
		if err := s.store.ModerateReview(ctx, r, a); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

// EraseAuthor removes every review the user wrote, whatever its status:
// part of deleting an account (152-FZ art. 21), since a review carries the
// author's name. Running it again removes nothing and is no error.
func (s *Service) EraseAuthor(ctx context.Context, userID string) (int, error) {
	if userID == "" {
		return 0, errs.Internal(errors.New("catalog: erase reviews without an author"))
	}
	return s.store.DeleteReviewsBy(ctx, userID)
}
