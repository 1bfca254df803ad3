package catalog

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// Content is a catalogue to start a tenant with: the demo content of
// tenants/<t>/catalog.yaml, written from the user guides (seeds 000, 002).
type Content struct {
	Services    []ServiceDetails
	Specialists []Specialist
	Articles    []Article
	FAQ         []FAQItem
}

// contentFile is catalog.yaml as written: keys in snake case, packages as
// {offer, package}.
type contentFile struct {
	Services []struct {
		Offer       string   `yaml:"offer"`
		Package     string   `yaml:"package"`
		Description string   `yaml:"description"`
		Formats     []string `yaml:"formats"`
		SortOrder   int      `yaml:"sort_order"`
		Featured    bool     `yaml:"featured"`
	} `yaml:"services"`
	Specialists []struct {
		Slug            string        `yaml:"slug"`
		Name            string        `yaml:"name"`
		Specialisations []string      `yaml:"specialisations"`
		CareerStartYear int           `yaml:"career_start_year"`
		Animals         []string      `yaml:"animals"`
		About           string        `yaml:"about"`
		Education       string        `yaml:"education"`
		Packages        []packageYAML `yaml:"packages"`
		Published       bool          `yaml:"published"`
		SortOrder       int           `yaml:"sort_order"`
	} `yaml:"specialists"`
	Articles []struct {
		Slug        string     `yaml:"slug"`
		Title       string     `yaml:"title"`
		Summary     string     `yaml:"summary"`
		Body        string     `yaml:"body"`
		Category    string     `yaml:"category"`
		PublishedAt *time.Time `yaml:"published_at"`
	} `yaml:"articles"`
	FAQ []struct {
		Question  string `yaml:"question"`
		Answer    string `yaml:"answer"`
		Published *bool  `yaml:"published"` // default true
	} `yaml:"faq"`
}

type packageYAML struct {
	Offer   string `yaml:"offer"`
	Package string `yaml:"package"`
}

// ParseContent decodes a catalog.yaml strictly: an unknown key is an error
// with its line, so a typo does not silently drop a field. The values are
// checked when they are seeded, by the same rules as an admin's edits.
func ParseContent(data []byte) (Content, error) {
	var f contentFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return Content{}, fmt.Errorf("catalog content: %w", err)
	}
	var c Content
	for _, s := range f.Services {
		c.Services = append(c.Services, ServiceDetails{OfferID: s.Offer, PackageCode: s.Package, Description: s.Description,
			Formats: s.Formats, SortOrder: s.SortOrder, Featured: s.Featured})
	}
	for _, s := range f.Specialists {
		sp := Specialist{Slug: s.Slug, Name: s.Name, Specialisations: s.Specialisations, CareerStartYear: s.CareerStartYear,
			Animals: s.Animals, About: s.About, Education: s.Education, Published: s.Published, SortOrder: s.SortOrder}
		for _, p := range s.Packages {
			sp.Packages = append(sp.Packages, PackageRef{OfferID: p.Offer, Code: p.Package})
		}
		c.Specialists = append(c.Specialists, sp)
	}
	for _, a := range f.Articles {
		c.Articles = append(c.Articles, Article{Slug: a.Slug, Title: a.Title, Summary: a.Summary, Body: a.Body,
			Category: a.Category, PublishedAt: a.PublishedAt})
	}
	for _, q := range f.FAQ {
		c.FAQ = append(c.FAQ, FAQItem{Question: q.Question, Answer: q.Answer, Published: q.Published == nil || *q.Published})
	}
	return c, nil
}

// SeedReport says what SeedDemo did.
type SeedReport struct {
	// Seeded is false when the tenant's catalogue already had content:
	// then nothing was written.
	Seeded                                    bool
	Services, Specialists, Articles, FAQItems int
}

// SeedDemo writes c into the tenant's catalogue if — and only if — it is
// empty (no service details, specialists, articles or FAQ), so an admin's
// edits are never overwritten, and a second run, or a second node starting
// at the same time, writes nothing. Everything goes in one transaction and
// through the admin's own checks, audited as SystemActor: a bad item leaves
// the catalogue as it was and names the item.
func (s *Service) SeedDemo(ctx context.Context, c Content) (SeedReport, error) {
	var rep SeedReport
	err := s.store.Atomic(ctx, func(ctx context.Context) error {
		empty, err := s.store.Empty(ctx)
		if err != nil || !empty {
			return err
		}
		for _, d := range c.Services {
			if _, err := s.PutServiceDetails(ctx, SystemActor, d); err != nil {
				return fmt.Errorf("catalog: demo service %s/%s: %w", d.OfferID, d.PackageCode, err)
			}
			rep.Services++
		}
		for _, sp := range c.Specialists {
			if _, err := s.CreateSpecialist(ctx, SystemActor, sp); err != nil {
				return fmt.Errorf("catalog: demo specialist %s: %w", sp.Slug, err)
			}
			rep.Specialists++
		}
		for _, ar := range c.Articles {
			if _, err := s.CreateArticle(ctx, SystemActor, ar); err != nil {
				return fmt.Errorf("catalog: demo article %s: %w", ar.Slug, err)
			}
			rep.Articles++
		}
		for i, it := range c.FAQ {
			if _, err := s.CreateFAQ(ctx, SystemActor, it); err != nil {
				return fmt.Errorf("catalog: demo FAQ item %d: %w", i+1, err)
			}
			rep.FAQItems++
		}
		rep.Seeded = true
		return nil
	})
	if err != nil {
		return SeedReport{}, err
	}
	return rep, nil
}
