package catalogdb_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/consult/platform/core/catalog"
	"github.com/consult/platform/core/catalog/catalogdb"
	"github.com/consult/platform/core/catalog/catalogtest"
	"github.com/consult/platform/core/platform/db"
	"github.com/consult/platform/core/platform/errs"
	"github.com/consult/platform/tenants"
)

var (
	vet    = catalogtest.Ctx("vetpet")
	astars = catalogtest.Ctx("astars")
	t0     = catalogtest.Start
)

func entry(id string) catalog.AuditEntry {
	return catalog.AuditEntry{ID: id, ActorID: "admin", Action: "test", Entity: "test", At: t0}
}

var seq int

// nextID returns increasing ids, as the service's UUIDv7 are.
func nextID(prefix string) string {
	seq++
	return fmt.Sprintf("%s-%06d", prefix, seq)
}

func specialist(slug string, order int, animals ...string) catalog.Specialist {
	return catalog.Specialist{ID: nextID("sp"), Slug: slug, Name: "Имя " + slug, Specialisations: []string{"Терапия"},
		Animals: animals, Packages: []catalog.PackageRef{catalogtest.VetHappyPet}, Published: true, SortOrder: order,
		CreatedAt: t0, UpdatedAt: t0}
}

// fixture fills VetPet's catalogue with one of everything.
type fixture struct {
	sp     catalog.Specialist
	ar     catalog.Article
	faq    catalog.FAQItem
	review catalog.Review
}

func fill(t *testing.T, s *catalogdb.Store) fixture {
	t.Helper()
	f := fixture{sp: specialist("olga", 1, "Кошки")}
	if err := s.CreateSpecialist(vet, f.sp, entry(nextID("a"))); err != nil {
		t.Fatal(err)
	}
	pub := t0.Add(-time.Hour)
	f.ar = catalog.Article{ID: nextID("ar"), Slug: "tips", Title: "Советы", Body: "Текст", Category: "vet_tips",
		PublishedAt: &pub, CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateArticle(vet, f.ar, entry(nextID("a"))); err != nil {
		t.Fatal(err)
	}
	f.faq = catalog.FAQItem{ID: nextID("faq"), Question: "Вопрос?", Answer: "Ответ.", Published: true, CreatedAt: t0, UpdatedAt: t0}
	if _, err := s.CreateFAQ(vet, f.faq, catalog.MaxFAQ, entry(nextID("a"))); err != nil {
		t.Fatal(err)
	}
	f.review = catalog.Review{ID: nextID("rv"), AuthorID: "u1", AuthorName: "Анна", Rating: 5, Text: "Спасибо",
		SpecialistID: f.sp.ID, Status: catalog.ReviewPending, CreatedAt: t0}
	if err := s.CreateReview(vet, f.review); err != nil {
		t.Fatal(err)
	}
	if err := s.PutServiceDetails(vet, catalog.ServiceDetails{OfferID: catalogtest.VetDiet.OfferID,
		PackageCode: catalogtest.VetDiet.Code, Description: "Подробно", Formats: []string{}, UpdatedAt: t0}, entry(nextID("a"))); err != nil {
		t.Fatal(err)
	}
	if err := s.PutContacts(vet, "vetpet", tenants.Contacts{Email: "office@vet-pet.online"}, t0, entry(nextID("a"))); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestTenantIsolation: another tenant can neither read nor change VetPet's
// catalogue through the store; every attempt answers "not found" (or
// nothing), and VetPet's rows stay as they were.
func TestTenantIsolation(t *testing.T) {
	e := catalogtest.New(t)
	s := e.Store
	f := fill(t, s)
	other := func(err error, want error) error {
		if !errors.Is(err, want) {
			return fmt.Errorf("got %v, want %v", err, want)
		}
		return nil
	}
	moved := f.sp
	moved.Name = "Чужое имя"
	ar := f.ar
	ar.Title = "Чужой заголовок"
	faq := f.faq
	faq.Question = "Чужой вопрос?"
	rv := f.review
	rv.Status = catalog.ReviewPublished
	tests := []struct {
		name  string
		check func() error
	}{
		{"specialist by id", func() error {
			_, err := s.SpecialistByID(astars, f.sp.ID)
			return other(err, catalog.ErrSpecialistNotFound)
		}},
		{"specialist by slug", func() error {
			_, err := s.SpecialistBySlug(astars, f.sp.Slug)
			return other(err, catalog.ErrSpecialistNotFound)
		}},
		{"specialist list", func() error {
			list, err := s.Specialists(astars, catalog.SpecialistQuery{Unpublished: true, Limit: 10})
			if err != nil || len(list) != 0 {
				return fmt.Errorf("astars lists %v, %v", list, err)
			}
			return nil
		}},
		{"update specialist", func() error {
			return other(s.UpdateSpecialist(astars, moved, entry(nextID("a"))), catalog.ErrSpecialistNotFound)
		}},
		{"set photo", func() error {
			return other(s.SetSpecialistPhoto(astars, f.sp.ID, "x", t0, entry(nextID("a"))), catalog.ErrSpecialistNotFound)
		}},
		{"delete specialist", func() error {
			return other(s.DeleteSpecialist(astars, f.sp.ID, entry(nextID("a"))), catalog.ErrSpecialistNotFound)
		}},
		{"article by id", func() error { _, err := s.ArticleByID(astars, f.ar.ID); return other(err, catalog.ErrArticleNotFound) }},
		{"article list", func() error {
			list, err := s.Articles(astars, catalog.ArticleQuery{Drafts: true, Limit: 10})
			if err != nil || len(list) != 0 {
				return fmt.Errorf("astars lists %v, %v", list, err)
			}
			return nil
		}},
		{"update article", func() error {
			return other(s.UpdateArticle(astars, ar, entry(nextID("a"))), catalog.ErrArticleNotFound)
		}},
		{"delete article", func() error {
			return other(s.DeleteArticle(astars, f.ar.ID, entry(nextID("a"))), catalog.ErrArticleNotFound)
		}},
		{"faq list", func() error {
			list, err := s.FAQ(astars)
			if err != nil || len(list) != 0 {
				return fmt.Errorf("astars lists %v, %v", list, err)
			}
			return nil
		}},
		{"update faq", func() error { return other(s.UpdateFAQ(astars, faq, entry(nextID("a"))), catalog.ErrFAQNotFound) }},
		{"delete faq", func() error { return other(s.DeleteFAQ(astars, f.faq.ID, entry(nextID("a"))), catalog.ErrFAQNotFound) }},
		{"reorder faq", func() error {
			err := s.ReorderFAQ(astars, []string{f.faq.ID}, entry(nextID("a")))
			if errs.As(err).Code != catalog.CodeOrderMismatch {
				return fmt.Errorf("reorder with VetPet's ids: %v", err)
			}
			return nil
		}},
		{"review by id", func() error {
			_, err := s.ReviewByID(astars, f.review.ID)
			return other(err, catalog.ErrReviewNotFound)
		}},
		{"moderate review", func() error {
			return other(s.ModerateReview(astars, rv, entry(nextID("a"))), catalog.ErrReviewNotFound)
		}},
		{"review list", func() error {
			all := []catalog.ReviewStatus{catalog.ReviewPending, catalog.ReviewPublished, catalog.ReviewRejected}
			list, err := s.Reviews(astars, catalog.ReviewQuery{Statuses: all, Limit: 10})
			if err != nil || len(list) != 0 {
				return fmt.Errorf("astars lists %v, %v", list, err)
			}
			return nil
		}},
		{"erase reviews by author", func() error {
			n, err := s.DeleteReviewsBy(astars, f.review.AuthorID)
			if err != nil || n != 0 {
				return fmt.Errorf("astars deleted %d of VetPet's reviews, %v", n, err)
			}
			return nil
		}},
		{"service details", func() error {
			list, err := s.ServiceDetails(astars)
			if err != nil || len(list) != 0 {
				return fmt.Errorf("astars sees %v, %v", list, err)
			}
			return other(s.DeleteServiceDetails(astars, catalogtest.VetDiet, entry(nextID("a"))), catalog.ErrServiceNotFound)
		}},
		{"details of another tenant's package", func() error {
			// The composite foreign key: (astars, retail, diet_consultation)
			// is no package, even though VetPet has one by that key.
			err := s.PutServiceDetails(astars, catalog.ServiceDetails{OfferID: catalogtest.VetDiet.OfferID,
				PackageCode: catalogtest.VetDiet.Code, UpdatedAt: t0}, entry(nextID("a")))
			if err == nil {
				return errors.New("astars described VetPet's package")
			}
			return nil
		}},
		{"contacts", func() error {
			_, ok, err := s.Contacts(astars, "vetpet")
			if err != nil || ok {
				return fmt.Errorf("astars reads VetPet's contacts: %v %v", ok, err)
			}
			if err := s.DeleteContacts(astars, "vetpet", entry(nextID("a"))); err != nil {
				return err
			}
			return nil
		}},
		{"audit", func() error {
			list, err := s.Audit(astars, "", 100)
			for _, a := range list {
				if a.Action != "test" || a.ID == "" {
					return fmt.Errorf("unexpected entry %+v", a)
				}
			}
			// Astars' own failed attempts above wrote nothing either: each
			// ran in a transaction that rolled back — but DeleteContacts of
			// a missing row succeeded and is audited as astars' own.
			if err != nil || len(list) > 1 {
				return fmt.Errorf("astars sees %d audit entries, %v", len(list), err)
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.check(); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("VetPet's rows are unchanged", func(t *testing.T) {
		sp, err := s.SpecialistByID(vet, f.sp.ID)
		if err != nil || sp.Name != f.sp.Name || sp.PhotoID != "" {
			t.Fatalf("specialist = %+v, %v", sp, err)
		}
		ar, err := s.ArticleByID(vet, f.ar.ID)
		if err != nil || ar.Title != f.ar.Title {
			t.Fatalf("article = %+v, %v", ar, err)
		}
		faq, err := s.FAQ(vet)
		if err != nil || len(faq) != 1 || faq[0].Question != f.faq.Question {
			t.Fatalf("faq = %+v, %v", faq, err)
		}
		rv, err := s.ReviewByID(vet, f.review.ID)
		if err != nil || rv.Status != catalog.ReviewPending || rv.SpecialistSlug != "olga" {
			t.Fatalf("review = %+v, %v", rv, err)
		}
		c, ok, err := s.Contacts(vet, "vetpet")
		if err != nil || !ok || c.Email != "office@vet-pet.online" {
			t.Fatalf("contacts = %+v %v %v", c, ok, err)
		}
		if d, err := s.ServiceDetails(vet); err != nil || len(d) != 1 {
			t.Fatalf("details = %+v, %v", d, err)
		}
	})
	t.Run("a context without tenant fails closed", func(t *testing.T) {
		if _, err := s.FAQ(context.Background()); !errors.Is(err, errs.ErrTenantMissing) {
			t.Fatalf("FAQ without tenant: %v", err)
		}
		if err := s.CreateReview(context.Background(), f.review); !errors.Is(err, errs.ErrTenantMissing) {
			t.Fatalf("CreateReview without tenant: %v", err)
		}
	})
}

// catalogTables are the tables of migration 20261122000800_catalog.
var catalogTables = []string{"catalog_services", "catalog_specialists", "catalog_specialist_tags",
	"catalog_specialist_packages", "catalog_articles", "catalog_faq", "catalog_reviews", "catalog_contacts", "catalog_audit"}

// TestRowLevelSecurity: inside Astars' scope, a raw query that forgets its
// WHERE sees none of VetPet's catalogue rows on PostgreSQL and cannot write
// one; on SQLite it sees them all, which is why the store's own
// tenant_id = ? is mandatory on both.
func TestRowLevelSecurity(t *testing.T) {
	e := catalogtest.New(t)
	fill(t, e.Store)
	pg := e.DB.Dialect == db.Postgres
	for _, table := range catalogTables {
		t.Run(table, func(t *testing.T) {
			var all, seen int
			if err := e.DB.NewRaw("SELECT count(*) FROM "+table).Scan(context.Background(), &all); err != nil {
				t.Fatal(err)
			}
			if all == 0 {
				t.Fatalf("the fixture wrote nothing into %s: the check would prove nothing", table)
			}
			err := e.DB.TenantRead(astars, func(ctx context.Context, q bun.IDB) error {
				return q.NewRaw("SELECT count(*) FROM "+table).Scan(ctx, &seen)
			})
			want := all
			if pg {
				want = 0
			}
			if err != nil || seen != want {
				t.Fatalf("astars' scope counts %d of %d rows, want %d (err %v)", seen, all, want, err)
			}
		})
	}
	if pg {
		t.Run("cannot write a row of another tenant", func(t *testing.T) {
			err := e.DB.Tenant(astars, func(ctx context.Context, q bun.IDB) error {
				_, err := q.NewRaw(`INSERT INTO catalog_faq (tenant_id, id, question, answer, position, published, created_at, updated_at)
					VALUES ('vetpet', 'x', 'q', 'a', 9, true, now(), now())`).Exec(ctx)
				return err
			})
			if err == nil {
				t.Fatal("astars' scope inserted a FAQ item of VetPet")
			}
		})
	}
}

func TestSlugsAreUniquePerTenant(t *testing.T) {
	e := catalogtest.New(t)
	s := e.Store
	a := specialist("anna", 1)
	if err := s.CreateSpecialist(vet, a, entry(nextID("a"))); err != nil {
		t.Fatal(err)
	}
	b := specialist("boris", 2)
	if err := s.CreateSpecialist(vet, b, entry(nextID("a"))); err != nil {
		t.Fatal(err)
	}
	astarsAnna := specialist("anna", 1)
	astarsAnna.Packages = []catalog.PackageRef{catalogtest.AstarsChart}
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"the same slug in another tenant", func() error { return s.CreateSpecialist(astars, astarsAnna, entry(nextID("a"))) }, nil},
		{"the same slug twice", func() error { return s.CreateSpecialist(vet, specialist("anna", 3), entry(nextID("a"))) }, catalog.ErrSlugTaken},
		{"renamed onto a taken slug", func() error {
			b.Slug = "anna"
			return s.UpdateSpecialist(vet, b, entry(nextID("a")))
		}, catalog.ErrSlugTaken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); !errors.Is(err, tt.want) && (err != nil || tt.want != nil) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("a refused change leaves no audit entry and no half-written lists", func(t *testing.T) {
		list, err := s.Audit(vet, "", 100)
		if err != nil || len(list) != 2 {
			t.Fatalf("audit has %d entries, want the 2 creates: %v", len(list), err)
		}
		got, err := s.SpecialistByID(vet, b.ID)
		if err != nil || got.Slug != "boris" || len(got.Specialisations) != 1 || len(got.Packages) != 1 {
			t.Fatalf("boris = %+v, %v", got, err)
		}
	})
}

// TestSpecialistPages walks the list by cursor: admin order with ties by
// id, every specialist exactly once, and the animal filter by Unicode case.
func TestSpecialistPages(t *testing.T) {
	e := catalogtest.New(t)
	s := e.Store
	for i, order := range []int{3, 1, 2, 1, 5} {
		sp := specialist(fmt.Sprintf("s%d", i), order, "Кошки")
		if i%2 == 1 {
			sp.Animals = []string{"Птицы"}
		}
		if i == 4 {
			sp.Published = false
		}
		if err := s.CreateSpecialist(vet, sp, entry(nextID("a"))); err != nil {
			t.Fatal(err)
		}
	}
	// sort (order, id): s1(1) s3(1) s2(2) s0(3) s4(5, unpublished)
	tests := []struct {
		name string
		q    catalog.SpecialistQuery
		want []string
	}{
		{"published", catalog.SpecialistQuery{}, []string{"s1", "s3", "s2", "s0"}},
		{"with unpublished", catalog.SpecialistQuery{Unpublished: true}, []string{"s1", "s3", "s2", "s0", "s4"}},
		{"birds, any case", catalog.SpecialistQuery{AnimalKey: catalog.Key(" ПТИЦЫ ")}, []string{"s1", "s3"}},
		{"cats and a specialisation", catalog.SpecialistQuery{AnimalKey: catalog.Key("кошки"),
			SpecialisationKey: catalog.Key("терапия")}, []string{"s2", "s0"}},
		{"unknown animal", catalog.SpecialistQuery{AnimalKey: "рыбы"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			q := tt.q
			q.Limit = 2
			for range 10 {
				page, err := s.Specialists(vet, q)
				if err != nil {
					t.Fatal(err)
				}
				more := len(page) > q.Limit
				if more {
					page = page[:q.Limit]
				}
				for _, sp := range page {
					got = append(got, sp.Slug)
				}
				if !more {
					break
				}
				last := page[len(page)-1]
				q.After = &catalog.Cursor{Order: last.SortOrder, ID: last.ID}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("pages give %v, want %v", got, tt.want)
			}
		})
	}
}

// TestArticlePages: visitors get published articles newest first, equal
// instants in id order, never drafts or scheduled ones; the admin gets
// every article newest created first.
func TestArticlePages(t *testing.T) {
	e := catalogtest.New(t)
	s := e.Store
	at := func(h int) *time.Time { x := t0.Add(time.Duration(h) * time.Hour); return &x }
	for _, a := range []struct {
		slug string
		pub  *time.Time
	}{{"old", at(-48)}, {"tie-a", at(-1)}, {"tie-b", at(-1)}, {"draft", nil}, {"scheduled", at(24)}, {"new", at(-0)}} {
		ar := catalog.Article{ID: nextID("ar"), Slug: a.slug, Title: a.slug, Body: "x", Category: "blog", PublishedAt: a.pub,
			CreatedAt: t0, UpdatedAt: t0}
		if err := s.CreateArticle(vet, ar, entry(nextID("a"))); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		q    catalog.ArticleQuery
		want []string
	}{
		{"published", catalog.ArticleQuery{PublishedBy: t0}, []string{"new", "tie-b", "tie-a", "old"}},
		{"other category", catalog.ArticleQuery{PublishedBy: t0, Category: "vet_tips"}, nil},
		{"a day later", catalog.ArticleQuery{PublishedBy: t0.Add(24 * time.Hour)}, []string{"scheduled", "new", "tie-b", "tie-a", "old"}},
		{"admin", catalog.ArticleQuery{Drafts: true}, []string{"new", "scheduled", "draft", "tie-b", "tie-a", "old"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			q := tt.q
			q.Limit = 1
			for range 10 {
				page, err := s.Articles(vet, q)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				got = append(got, page[0].Slug)
				if len(page) == 1 {
					break
				}
				q.After = &catalog.Cursor{ID: page[0].ID}
				if !q.Drafts {
					q.After.At = *page[0].PublishedAt
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("pages give %v, want %v", got, tt.want)
			}
		})
	}
}

// TestOnePendingReviewPerTarget is the flood limit: an author's second
// review of the same target waits until the first is moderated.
func TestOnePendingReviewPerTarget(t *testing.T) {
	e := catalogtest.New(t)
	s := e.Store
	sp := specialist("olga", 1)
	if err := s.CreateSpecialist(vet, sp, entry(nextID("a"))); err != nil {
		t.Fatal(err)
	}
	review := func(author string, target func(*catalog.Review)) catalog.Review {
		r := catalog.Review{ID: nextID("rv"), AuthorID: author, AuthorName: "Анна", Rating: 4, Text: "Хорошо",
			Status: catalog.ReviewPending, CreatedAt: t0}
		target(&r)
		return r
	}
	ofOlga := func(r *catalog.Review) { r.SpecialistID = sp.ID }
	ofDiet := func(r *catalog.Review) { ref := catalogtest.VetDiet; r.Package = &ref }
	general := func(*catalog.Review) {}
	first := review("u1", ofOlga)
	steps := []struct {
		name string
		run  func() error
		want error
	}{
		{"first review of a specialist", func() error { return s.CreateReview(vet, first) }, nil},
		{"second of the same specialist", func() error { return s.CreateReview(vet, review("u1", ofOlga)) }, catalog.ErrReviewPending},
		{"of a package", func() error { return s.CreateReview(vet, review("u1", ofDiet)) }, nil},
		{"of the service as a whole", func() error { return s.CreateReview(vet, review("u1", general)) }, nil},
		{"another author", func() error { return s.CreateReview(vet, review("u2", ofOlga)) }, nil},
		{"once the first is published", func() error {
			now := t0
			first.Status, first.ModeratedAt, first.ModeratedBy = catalog.ReviewPublished, &now, "admin"
			if err := s.ModerateReview(vet, first, entry(nextID("a"))); err != nil {
				return err
			}
			return s.CreateReview(vet, review("u1", ofOlga))
		}, nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.run(); !errors.Is(err, st.want) && (err != nil || st.want != nil) {
				t.Fatalf("err = %v, want %v", err, st.want)
			}
		})
	}
	t.Run("deleting the specialist takes their reviews", func(t *testing.T) {
		if err := s.DeleteSpecialist(vet, sp.ID, entry(nextID("a"))); err != nil {
			t.Fatal(err)
		}
		all := []catalog.ReviewStatus{catalog.ReviewPending, catalog.ReviewPublished}
		list, err := s.Reviews(vet, catalog.ReviewQuery{Statuses: all, Limit: 50})
		if err != nil || len(list) != 2 {
			t.Fatalf("left %d reviews (want the package's and the general one): %v", len(list), err)
		}
	})
}

func TestFAQPositions(t *testing.T) {
	e := catalogtest.New(t)
	s := e.Store
	var ids []string
	for i := range 4 {
		it := catalog.FAQItem{ID: nextID("faq"), Question: fmt.Sprintf("q%d", i), Answer: "a", Published: true, CreatedAt: t0, UpdatedAt: t0}
		pos, err := s.CreateFAQ(vet, it, 4, entry(nextID("a")))
		if err != nil || pos != i+1 {
			t.Fatalf("create %d: position %d, %v", i, pos, err)
		}
		ids = append(ids, it.ID)
	}
	order := func() string {
		list, err := s.FAQ(vet)
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for _, it := range list {
			out += fmt.Sprintf("%s@%d ", it.Question, it.Position)
		}
		return out
	}
	steps := []struct {
		name string
		run  func() error
		want string
	}{
		{"full", func() error {
			_, err := s.CreateFAQ(vet, catalog.FAQItem{ID: nextID("faq"), Question: "q", Answer: "a"}, 4, entry(nextID("a")))
			if !errors.Is(err, catalog.ErrFAQFull) {
				return fmt.Errorf("fifth item: %v", err)
			}
			return nil
		}, "q0@1 q1@2 q2@3 q3@4 "},
		{"delete the second", func() error { return s.DeleteFAQ(vet, ids[1], entry(nextID("a"))) }, "q0@1 q2@2 q3@3 "},
		{"reorder", func() error { return s.ReorderFAQ(vet, []string{ids[3], ids[0], ids[2]}, entry(nextID("a"))) }, "q3@1 q0@2 q2@3 "},
		{"a stale order is refused", func() error {
			err := s.ReorderFAQ(vet, []string{ids[3], ids[0], ids[1]}, entry(nextID("a")))
			if errs.As(err).Code != catalog.CodeOrderMismatch {
				return fmt.Errorf("stale order: %v", err)
			}
			return nil
		}, "q3@1 q0@2 q2@3 "},
		{"an id twice is refused", func() error {
			err := s.ReorderFAQ(vet, []string{ids[3], ids[3], ids[2]}, entry(nextID("a")))
			if errs.As(err).Code != catalog.CodeOrderMismatch {
				return fmt.Errorf("duplicate id: %v", err)
			}
			return nil
		}, "q3@1 q0@2 q2@3 "},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.run(); err != nil {
				t.Fatal(err)
			}
			if got := order(); got != st.want {
				t.Fatalf("order = %q, want %q", got, st.want)
			}
		})
	}
}

// TestEmpty: the seeding guard sees any of the four kinds of content.
func TestEmpty(t *testing.T) {
	e := catalogtest.New(t)
	s := e.Store
	check := func(want bool) {
		t.Helper()
		var got bool
		err := s.Atomic(vet, func(ctx context.Context) (err error) { got, err = s.Empty(ctx); return err })
		if err != nil || got != want {
			t.Fatalf("Empty = %v, %v; want %v", got, err, want)
		}
	}
	check(true)
	if err := s.PutContacts(vet, "vetpet", tenants.Contacts{}, t0, entry(nextID("a"))); err != nil {
		t.Fatal(err)
	}
	check(true) // contacts fall back to the data file; they are not content to protect
	it := catalog.FAQItem{ID: nextID("faq"), Question: "q", Answer: "a", CreatedAt: t0, UpdatedAt: t0}
	if _, err := s.CreateFAQ(vet, it, 10, entry(nextID("a"))); err != nil {
		t.Fatal(err)
	}
	check(false)
}
