package catalogdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/platform/db"
)

// ServiceDetails returns every package's details of the tenant.
func (s *Store) ServiceDetails(ctx context.Context) ([]catalog.ServiceDetails, error) {
	var rows []serviceRow
	err := s.read(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		return q.NewSelect().Model(&rows).Where("tenant_id = ?", tenantID).Order("offer_id", "package_code").Scan(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: service details: %w", err)
	}
	out := make([]catalog.ServiceDetails, 0, len(rows))
	for _, r := range rows {
		d, err := r.details()
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// PutServiceDetails inserts or replaces the details of d's package.
func (s *Store) PutServiceDetails(ctx context.Context, d catalog.ServiceDetails, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		row, err := toServiceRow(tenantID, d)
		if err != nil {
			return err
		}
		if _, err := q.NewInsert().Model(&row).
			On("CONFLICT (tenant_id, offer_id, package_code) DO UPDATE").
			Set("description = EXCLUDED.description, formats = EXCLUDED.formats, sort_order = EXCLUDED.sort_order").
			Set("featured = EXCLUDED.featured, updated_at = EXCLUDED.updated_at").
			Exec(ctx); err != nil {
			return err
		}
		return audit(ctx, q, tenantID, a)
	})
	if err != nil {
		return fmt.Errorf("catalog: put service details: %w", err)
	}
	return nil
}

// DeleteServiceDetails removes the details of ref, or returns
// catalog.ErrServiceNotFound.
func (s *Store) DeleteServiceDetails(ctx context.Context, ref catalog.PackageRef, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		n, err := affected(q.NewDelete().Model((*serviceRow)(nil)).
			Where("tenant_id = ? AND offer_id = ? AND package_code = ?", tenantID, ref.OfferID, ref.Code).Exec(ctx))
		if err != nil {
			return err
		}
		if n == 0 {
			return catalog.ErrServiceNotFound
		}
		return audit(ctx, q, tenantID, a)
	})
	if err != nil && !errors.Is(err, catalog.ErrServiceNotFound) {
		return fmt.Errorf("catalog: delete service details: %w", err)
	}
	return err
}

// Specialists returns a page of specialists in (sort_order, id) order,
// at most q.Limit+1.
func (s *Store) Specialists(ctx context.Context, q catalog.SpecialistQuery) ([]catalog.Specialist, error) {
	var out []catalog.Specialist
	err := s.read(ctx, func(ctx context.Context, tx bun.IDB, tenantID string) error {
		var rows []specialistRow
		sel := tx.NewSelect().Model(&rows).Where("s.tenant_id = ?", tenantID)
		if !q.Unpublished {
			sel = sel.Where("s.published = ?", true)
		}
		for kind, key := range map[string]string{tagSpecialisation: q.SpecialisationKey, tagAnimal: q.AnimalKey} {
			if key != "" {
				sel = sel.Where(`EXISTS (SELECT 1 FROM catalog_specialist_tags AS t
					WHERE t.tenant_id = s.tenant_id AND t.specialist_id = s.id AND t.kind = ? AND t.value_key = ?)`, kind, key)
			}
		}
		if q.After != nil {
			sel = sel.Where("(s.sort_order > ? OR (s.sort_order = ? AND s.id > ?))", q.After.Order, q.After.Order, q.After.ID)
		}
		if err := sel.Order("s.sort_order", "s.id").Limit(int64(q.Limit) + 1).Scan(ctx); err != nil {
			return err
		}
		var err error
		out, err = s.withLists(ctx, tx, tenantID, rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: specialists: %w", err)
	}
	return out, nil
}

// SpecialistByID returns the specialist id, or catalog.ErrSpecialistNotFound.
func (s *Store) SpecialistByID(ctx context.Context, id string) (catalog.Specialist, error) {
	return s.specialist(ctx, "s.id = ?", id)
}

// SpecialistBySlug returns the specialist slug, or catalog.ErrSpecialistNotFound.
func (s *Store) SpecialistBySlug(ctx context.Context, slug string) (catalog.Specialist, error) {
	return s.specialist(ctx, "s.slug = ?", slug)
}

func (s *Store) specialist(ctx context.Context, where string, arg string) (catalog.Specialist, error) {
	var out []catalog.Specialist
	err := s.read(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		var rows []specialistRow
		if err := q.NewSelect().Model(&rows).Where("s.tenant_id = ?", tenantID).Where(where, arg).Scan(ctx); err != nil {
			return err
		}
		var err error
		out, err = s.withLists(ctx, q, tenantID, rows)
		return err
	})
	if err != nil {
		return catalog.Specialist{}, fmt.Errorf("catalog: specialist: %w", err)
	}
	if len(out) == 0 {
		return catalog.Specialist{}, catalog.ErrSpecialistNotFound
	}
	return out[0], nil
}

// withLists turns rows into specialists with their specialisations,
// animals and packages, read in two queries for the whole page.
func (s *Store) withLists(ctx context.Context, q bun.IDB, tenantID string, rows []specialistRow) ([]catalog.Specialist, error) {
	out := make([]catalog.Specialist, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(rows))
	index := make(map[string]int, len(rows))
	for i, r := range rows {
		ids = append(ids, r.ID)
		index[r.ID] = i
		out = append(out, r.specialist())
	}
	var tags []tagRow
	if err := q.NewSelect().Model(&tags).Where("tenant_id = ? AND specialist_id IN (?)", tenantID, bun.List(ids)).
		Order("specialist_id", "kind", "position").Scan(ctx); err != nil {
		return nil, fmt.Errorf("tags: %w", err)
	}
	for _, t := range tags {
		sp := &out[index[t.SpecialistID]]
		if t.Kind == tagAnimal {
			sp.Animals = append(sp.Animals, t.Value)
		} else {
			sp.Specialisations = append(sp.Specialisations, t.Value)
		}
	}
	var pkgs []specialistPackageRow
	if err := q.NewSelect().Model(&pkgs).Where("tenant_id = ? AND specialist_id IN (?)", tenantID, bun.List(ids)).
		Order("specialist_id", "position").Scan(ctx); err != nil {
		return nil, fmt.Errorf("packages: %w", err)
	}
	for _, p := range pkgs {
		sp := &out[index[p.SpecialistID]]
		sp.Packages = append(sp.Packages, catalog.PackageRef{OfferID: p.OfferID, Code: p.PackageCode})
	}
	return out, nil
}

// CreateSpecialist inserts sp with its lists; catalog.ErrSlugTaken.
func (s *Store) CreateSpecialist(ctx context.Context, sp catalog.Specialist, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		row := toSpecialistRow(tenantID, sp)
		if _, err := q.NewInsert().Model(&row).Exec(ctx); err != nil {
			return slugConflict(err)
		}
		if err := insertLists(ctx, q, tenantID, sp); err != nil {
			return err
		}
		return audit(ctx, q, tenantID, a)
	})
	return wrap("create specialist", err)
}

// UpdateSpecialist replaces sp.ID's fields but the photo and creation
// time, and its lists; catalog.ErrSpecialistNotFound, ErrSlugTaken.
func (s *Store) UpdateSpecialist(ctx context.Context, sp catalog.Specialist, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		row := toSpecialistRow(tenantID, sp)
		n, err := affected(q.NewUpdate().Model(&row).
			Column("slug", "name", "career_start_year", "about", "education", "published", "sort_order", "updated_at").
			Where("tenant_id = ? AND id = ?", tenantID, sp.ID).Exec(ctx))
		if err != nil {
			return slugConflict(err)
		}
		if n == 0 {
			return catalog.ErrSpecialistNotFound
		}
		for _, model := range []any{(*tagRow)(nil), (*specialistPackageRow)(nil)} {
			if _, err := q.NewDelete().Model(model).Where("tenant_id = ? AND specialist_id = ?", tenantID, sp.ID).Exec(ctx); err != nil {
				return err
			}
		}
		if err := insertLists(ctx, q, tenantID, sp); err != nil {
			return err
		}
		return audit(ctx, q, tenantID, a)
	})
	return wrap("update specialist", err)
}

// insertLists writes a specialist's specialisations, animals and packages
// in their order.
func insertLists(ctx context.Context, q bun.IDB, tenantID string, sp catalog.Specialist) error {
	var tags []tagRow
	for kind, values := range map[string][]string{tagSpecialisation: sp.Specialisations, tagAnimal: sp.Animals} {
		for i, v := range values {
			tags = append(tags, tagRow{TenantID: tenantID, SpecialistID: sp.ID, Kind: kind, Position: i + 1, Value: v,
				ValueKey: catalog.Key(v)})
		}
	}
	if len(tags) > 0 {
		if _, err := q.NewInsert().Model(&tags).Exec(ctx); err != nil {
			return fmt.Errorf("tags: %w", err)
		}
	}
	var pkgs []specialistPackageRow
	for i, p := range sp.Packages {
		pkgs = append(pkgs, specialistPackageRow{TenantID: tenantID, SpecialistID: sp.ID, Position: i + 1,
			OfferID: p.OfferID, PackageCode: p.Code})
	}
	if len(pkgs) > 0 {
		if _, err := q.NewInsert().Model(&pkgs).Exec(ctx); err != nil {
			return fmt.Errorf("packages: %w", err)
		}
	}
	return nil
}

// SetSpecialistPhoto sets or clears the photo id of id.
func (s *Store) SetSpecialistPhoto(ctx context.Context, id, photoID string, at time.Time, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		n, err := affected(q.NewUpdate().Model((*specialistRow)(nil)).
			Set("photo_id = ?, updated_at = ?", photoID, at.UTC()).
			Where("tenant_id = ? AND id = ?", tenantID, id).Exec(ctx))
		if err != nil {
			return err
		}
		if n == 0 {
			return catalog.ErrSpecialistNotFound
		}
		return audit(ctx, q, tenantID, a)
	})
	return wrap("set specialist photo", err)
}

// DeleteSpecialist removes the specialist; their lists and reviews go by
// the foreign keys' ON DELETE CASCADE.
func (s *Store) DeleteSpecialist(ctx context.Context, id string, a catalog.AuditEntry) error {
	err := s.write(ctx, func(ctx context.Context, q bun.IDB, tenantID string) error {
		n, err := affected(q.NewDelete().Model((*specialistRow)(nil)).Where("tenant_id = ? AND id = ?", tenantID, id).Exec(ctx))
		if err != nil {
			return err
		}
		if n == 0 {
			return catalog.ErrSpecialistNotFound
		}
		return audit(ctx, q, tenantID, a)
	})
	return wrap("delete specialist", err)
}

// slugConflict turns the unique slug key's violation into
// catalog.ErrSlugTaken: it is the only unique key an insert or update of a
// specialist or article can break besides the random primary key.
func slugConflict(err error) error {
	if db.IsUniqueViolation(err) {
		return catalog.ErrSlugTaken.Because(err)
	}
	return err
}

// wrap adds the operation to unexpected errors and passes the domain's
// own errors through as they are.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	for _, domain := range []error{catalog.ErrSlugTaken, catalog.ErrSpecialistNotFound, catalog.ErrArticleNotFound,
		catalog.ErrFAQNotFound, catalog.ErrReviewNotFound, catalog.ErrReviewPending, catalog.ErrFAQFull,
		catalog.ErrServiceNotFound} {
		if errors.Is(err, domain) {
			return err
		}
	}
	return fmt.Errorf("catalog: %s: %w", op, err)
}
