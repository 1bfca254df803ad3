package catalog

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/consult/platform/core/media"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/tenants"
)

// Specialists returns a page of specialists in the admin's order
// (SortOrder, then creation). The zero filter lists published ones; a
// specialisation or animal filter matches one of the specialist's, case
// aside.
func (s *Service) Specialists(ctx context.Context, f SpecialistFilter, p PageRequest) (Page[Specialist], error) {
	limit, after, err := p.page()
	if err != nil {
		return Page[Specialist]{}, err
	}
	list, err := s.store.Specialists(ctx, SpecialistQuery{Unpublished: f.Unpublished,
		SpecialisationKey: Key(f.Specialisation), AnimalKey: Key(f.Animal), After: after, Limit: limit})
	if err != nil {
		return Page[Specialist]{}, err
	}
	for i := range list {
		list[i] = s.withExperience(list[i])
	}
	return paginate(list, limit, func(sp Specialist) Cursor { return Cursor{Order: sp.SortOrder, ID: sp.ID} }), nil
}

// Specialist returns the published specialist slug, or
// ErrSpecialistNotFound — also for an unpublished one, whose page does not
// exist for visitors.
func (s *Service) Specialist(ctx context.Context, slug string) (Specialist, error) {
	sp, err := s.store.SpecialistBySlug(ctx, slug)
	if err != nil {
		return Specialist{}, err
	}
	if !sp.Published {
		return Specialist{}, ErrSpecialistNotFound
	}
	return s.withExperience(sp), nil
}

// SpecialistByID returns the specialist id, published or not: the admin's
// edit form.
func (s *Service) SpecialistByID(ctx context.Context, id string) (Specialist, error) {
	sp, err := s.store.SpecialistByID(ctx, id)
	if err != nil {
		return Specialist{}, err
	}
	return s.withExperience(sp), nil
}

// CreateSpecialist adds a specialist from in (its ID, photo and times are
// ignored) and returns them as stored. Errors: Invalid CodeInvalid with a
// field error per problem; Conflict catalog.slug_taken.
func (s *Service) CreateSpecialist(ctx context.Context, actor string, in Specialist) (Specialist, error) {
	sp, err := s.validateSpecialist(ctx, in)
	if err != nil {
		return Specialist{}, err
	}
	if sp.ID, err = newID(); err != nil {
		return Specialist{}, err
	}
	sp.PhotoID = ""
	sp.CreatedAt = s.now()
	sp.UpdatedAt = sp.CreatedAt
	a, err := s.audit(actor, "create", "specialist", sp.ID, sp.Slug)
	if err != nil {
		return Specialist{}, err
	}
	if err := s.store.CreateSpecialist(ctx, sp, a); err != nil {
		return Specialist{}, slugError(err)
	}
	return s.withExperience(sp), nil
}

// UpdateSpecialist replaces everything of the specialist in.ID but the
// photo (see PutSpecialistPhoto): a field left out is cleared. Errors as
// CreateSpecialist, and ErrSpecialistNotFound.
func (s *Service) UpdateSpecialist(ctx context.Context, actor string, in Specialist) (Specialist, error) {
	sp, err := s.validateSpecialist(ctx, in)
	if err != nil {
		return Specialist{}, err
	}
	a, err := s.audit(actor, "update", "specialist", in.ID, sp.Slug)
	if err != nil {
		return Specialist{}, err
	}
	var out Specialist
	err = s.store.Atomic(ctx, func(ctx context.Context) error {
		old, err := s.store.SpecialistByID(ctx, in.ID)
		if err != nil {
			return err
		}
		sp.ID, sp.PhotoID, sp.CreatedAt, sp.UpdatedAt = old.ID, old.PhotoID, old.CreatedAt, s.now()
		if err := s.store.UpdateSpecialist(ctx, sp, a); err != nil {
			return err
		}
		out = sp
		return nil
	})
	if err != nil {
		return Specialist{}, slugError(err)
	}
	return s.withExperience(out), nil
}

// DeleteSpecialist removes the specialist, their photo and the reviews of
// them, in one transaction. To take someone off the site but keep their
// reviews, unpublish them instead.
func (s *Service) DeleteSpecialist(ctx context.Context, actor, id string) error {
	return s.store.Atomic(ctx, func(ctx context.Context) error {
		sp, err := s.store.SpecialistByID(ctx, id)
		if err != nil {
			return err
		}
		a, err := s.audit(actor, "delete", "specialist", id, sp.Slug)
		if err != nil {
			return err
		}
		if err := s.store.DeleteSpecialist(ctx, id, a); err != nil {
			return err
		}
		_, err = s.images.DeleteAllOf(ctx, KindSpecialistPhoto, id)
		return err
	})
}

// SpecialistPhoto returns the photo of the published specialist slug;
// ErrSpecialistNotFound, or ErrImageNotFound when they have none.
func (s *Service) SpecialistPhoto(ctx context.Context, slug string) (media.Image, error) {
	sp, err := s.Specialist(ctx, slug)
	if err != nil {
		return media.Image{}, err
	}
	return s.image(ctx, KindSpecialistPhoto, sp.PhotoID)
}

// PutSpecialistPhoto stores img — made by media.ProcessAvatar, never an
// upload as sent — as the specialist's photo, replacing the previous one
// under a new id, and returns the specialist.
func (s *Service) PutSpecialistPhoto(ctx context.Context, actor, id string, img media.Image) (Specialist, error) {
	if err := checkProcessed(img); err != nil {
		return Specialist{}, err
	}
	var out Specialist
	err := s.store.Atomic(ctx, func(ctx context.Context) error {
		sp, err := s.store.SpecialistByID(ctx, id)
		if err != nil {
			return err
		}
		photoID, err := s.putImage(ctx, KindSpecialistPhoto, id, img)
		if err != nil {
			return err
		}
		a, err := s.audit(actor, "photo", "specialist", id, sp.Slug)
		if err != nil {
			return err
		}
		sp.PhotoID, sp.UpdatedAt = photoID, s.now()
		if err := s.store.SetSpecialistPhoto(ctx, id, photoID, sp.UpdatedAt, a); err != nil {
			return err
		}
		out = sp
		return nil
	})
	if err != nil {
		return Specialist{}, err
	}
	return s.withExperience(out), nil
}

// DeleteSpecialistPhoto removes the specialist's photo (the pages show
// initials); having none is no error.
func (s *Service) DeleteSpecialistPhoto(ctx context.Context, actor, id string) (Specialist, error) {
	var out Specialist
	err := s.store.Atomic(ctx, func(ctx context.Context) error {
		sp, err := s.store.SpecialistByID(ctx, id)
		if err != nil {
			return err
		}
		a, err := s.audit(actor, "photo", "specialist", id, sp.Slug+": removed")
		if err != nil {
			return err
		}
		if _, err := s.images.DeleteAllOf(ctx, KindSpecialistPhoto, id); err != nil {
			return err
		}
		sp.PhotoID, sp.UpdatedAt = "", s.now()
		if err := s.store.SetSpecialistPhoto(ctx, id, "", sp.UpdatedAt, a); err != nil {
			return err
		}
		out = sp
		return nil
	})
	if err != nil {
		return Specialist{}, err
	}
	return s.withExperience(out), nil
}

// withExperience fills the years of experience from the career start, by
// the business clock's calendar year. It may read one more year than a
// birthday-style count for part of the year; a profile's «Опыт работы: 12
// лет» is that kind of round figure.
func (s *Service) withExperience(sp Specialist) Specialist {
	sp.ExperienceYears = 0
	if sp.CareerStartYear > 0 {
		sp.ExperienceYears = max(0, s.clock.Now().Year()-sp.CareerStartYear)
	}
	return sp
}

// validateSpecialist checks and cleans an admin's specialist, including
// that every package named is a live one of the tenant.
func (s *Service) validateSpecialist(ctx context.Context, in Specialist) (Specialist, error) {
	var c checker
	sp := Specialist{ID: in.ID, Published: in.Published, SortOrder: in.SortOrder, CareerStartYear: in.CareerStartYear}
	sp.Slug = c.slug("slug", in.Slug)
	sp.Name = c.line("name", in.Name, true, MaxName)
	sp.Specialisations = c.list("specialisations", in.Specialisations, MaxListItems, MaxShortText, nil)
	sp.Animals = c.list("animals", in.Animals, MaxListItems, MaxShortText, nil)
	sp.About = c.text("about", in.About, false, MaxMarkdown)
	sp.Education = c.text("education", in.Education, false, MaxMarkdown)
	if y, thisYear := in.CareerStartYear, s.clock.Now().Year(); y != 0 && (y < MinCareerYear || y > thisYear) {
		c.add("career_start_year", CodeYearInvalid, map[string]any{"Min": MinCareerYear, "Max": thisYear})
	}
	c.sortOrder("sort_order", in.SortOrder)
	refs, err := s.checkPackages(ctx, &c, "packages", in.Packages)
	if err != nil {
		return Specialist{}, err
	}
	sp.Packages = refs
	return sp, c.err()
}

// checkPackages checks a list of package references against the tenant's
// live offers, reading each offer once.
func (s *Service) checkPackages(ctx context.Context, c *checker, field string, in []PackageRef) ([]PackageRef, error) {
	if len(in) > MaxPackages {
		c.add(field, CodeTooMany, map[string]any{"Max": MaxPackages})
		return []PackageRef{}, nil
	}
	offers := map[string]*tenants.Offer{}
	out := make([]PackageRef, 0, len(in))
	seen := map[PackageRef]bool{}
	for i, ref := range in {
		f := fmt.Sprintf("%s[%d]", field, i)
		if _, ok := offers[ref.OfferID]; !ok && ref.OfferID != "" {
			list, err := s.offers.Offers(ctx, ref.OfferID)
			if err != nil {
				return nil, err
			}
			offers[ref.OfferID] = nil
			if len(list) == 1 {
				offers[ref.OfferID] = &list[0]
			}
		}
		if !hasPackage(offers[ref.OfferID], ref.Code) {
			c.add(f, CodePackageUnknown, nil)
			continue
		}
		if seen[ref] {
			c.add(f, CodeDuplicate, nil)
			continue
		}
		seen[ref] = true
		out = append(out, ref)
	}
	return out, nil
}

func hasPackage(o *tenants.Offer, code string) bool {
	if o == nil {
		return false
	}
	for _, p := range o.Packages {
		if p.Code == code {
			return true
		}
	}
	return false
}

// slugError adds the field error to a taken slug, so the form marks it.
func slugError(err error) error {
	if errors.Is(err, ErrSlugTaken) {
		return slugTaken()
	}
	return err
}

// errNotProcessed is a caller's bug: only media.ProcessAvatar's output may
// be stored, never an upload as sent.
var errNotProcessed = errors.New("catalog: picture not made by media.ProcessAvatar")

func checkProcessed(img media.Image) error {
	if (img.ContentType != media.ContentJPEG && img.ContentType != media.ContentPNG) || len(img.Bytes) == 0 ||
		img.Width < 1 || img.Height < 1 || img.Width > media.AvatarSide || img.Height > media.AvatarSide {
		return errs.Internal(errNotProcessed)
	}
	return nil
}

// putImage stores img as the one picture of kind of owner, under a new
// random id, and returns the id.
func (s *Service) putImage(ctx context.Context, kind, owner string, img media.Image) (string, error) {
	id, err := uuid.NewRandom()
	if err != nil {
		return "", errs.Internal(fmt.Errorf("catalog: picture id: %w", err))
	}
	rec := media.Record{ID: id.String(), OwnerID: owner, Kind: kind, Image: img, CreatedAt: s.now()}
	if err := s.images.Replace(ctx, rec); err != nil {
		return "", err
	}
	return rec.ID, nil
}

// image returns the picture id of kind, or ErrImageNotFound.
func (s *Service) image(ctx context.Context, kind, id string) (media.Image, error) {
	if id == "" {
		return media.Image{}, ErrImageNotFound
	}
	rec, err := s.images.Get(ctx, kind, id)
	if errors.Is(err, media.ErrNotFound) {
		return media.Image{}, ErrImageNotFound
	}
	if err != nil {
		return media.Image{}, err
	}
	return rec.Image, nil
}
