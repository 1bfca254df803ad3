package tenants

import (
	"io/fs"
	"slices"
	"strings"
)

// Registry is the validated tenant data, read-only once loaded: the values
// it returns share memory with it and must not be modified.
type Registry struct {
	fsys    fs.FS
	tenants []Tenant // sorted by id
	byID    map[string]int
	hosts   map[string]siteRef         // normalised host → site
	files   map[string]map[string]bool // tenant id → files its data names (logos, documents)
}

type siteRef struct{ tenant, site int }

func newRegistry(fsys fs.FS, loaded []*tenantFile) *Registry {
	r := &Registry{fsys: fsys, byID: map[string]int{}, hosts: map[string]siteRef{}, files: map[string]map[string]bool{}}
	for _, tf := range loaded {
		t := tf.t
		for _, of := range tf.offers {
			t.Offers = append(t.Offers, of.o)
		}
		slices.SortFunc(t.Offers, func(a, b Offer) int { return strings.Compare(a.ID, b.ID) })
		r.tenants = append(r.tenants, t)
	}
	slices.SortFunc(r.tenants, func(a, b Tenant) int { return strings.Compare(a.ID, b.ID) })
	for ti := range r.tenants {
		t := &r.tenants[ti]
		r.byID[t.ID] = ti
		files := map[string]bool{}
		for si := range t.Sites {
			s := &t.Sites[si]
			if s.DevHost == "" {
				s.DevHost = s.ID + ".localhost" // the documented default, made visible to callers
			}
			for _, h := range append(slices.Clone(s.Domains), s.DevHost) {
				r.hosts[h] = siteRef{tenant: ti, site: si}
			}
			files[s.Brand.Logo] = true
			for _, d := range s.Documents {
				files[d.File] = true
			}
		}
		r.files[t.ID] = files
	}
	return r
}

// Tenants returns every tenant, sorted by id.
func (r *Registry) Tenants() []Tenant {
	return slices.Clone(r.tenants)
}

// Tenant returns the tenant with the given id.
func (r *Registry) Tenant(id string) (Tenant, bool) {
	i, ok := r.byID[id]
	if !ok {
		return Tenant{}, false
	}
	return r.tenants[i], true
}

// SiteByHost returns the site a request's Host header selects, and its
// tenant: a production domain or a dev host, in any letter case, with or
// without a port. Only names the data lists match — there is no wildcard and
// no implicit www. alias — so an unknown host finds nothing and the caller
// answers 404. Hosts with non-ASCII bytes never match: DNS names on the wire
// are ASCII, and Unicode case folding (the Kelvin sign lower-cases to "k")
// must not make a different string reach a tenant.
func (r *Registry) SiteByHost(host string) (Tenant, Site, bool) {
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			return Tenant{}, Site{}, false
		}
	}
	ref, ok := r.hosts[Host(host)]
	if !ok {
		return Tenant{}, Site{}, false
	}
	t := r.tenants[ref.tenant]
	return t, t.Sites[ref.site], true
}

// Offer returns a tenant's offer by id.
func (r *Registry) Offer(tenantID, offerID string) (Offer, bool) {
	t, ok := r.Tenant(tenantID)
	if !ok {
		return Offer{}, false
	}
	for _, o := range t.Offers {
		if o.ID == offerID {
			return o, true
		}
	}
	return Offer{}, false
}

// SiteOffers returns the offers a site sells, in the order the site lists
// them; nil for an unknown tenant or site.
func (r *Registry) SiteOffers(tenantID, siteID string) []Offer {
	t, ok := r.Tenant(tenantID)
	if !ok {
		return nil
	}
	for _, s := range t.Sites {
		if s.ID != siteID {
			continue
		}
		out := make([]Offer, 0, len(s.Offers))
		for _, id := range s.Offers {
			if o, ok := r.Offer(tenantID, id); ok {
				out = append(out, o)
			}
		}
		return out
	}
	return nil
}

// File returns a file a tenant's data names — a site logo or a legal
// document — by the name the data uses (e.g. "legal/privacy.md"). Any other
// name fails: paths with "..", absolute or backslashed paths with
// fs.ErrInvalid, names the data does not reference with fs.ErrNotExist, so
// a URL can never read another tenant's folder or a file nobody published.
func (r *Registry) File(tenantID, name string) ([]byte, error) {
	if !cleanName(name) || !idRE.MatchString(tenantID) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if !r.files[tenantID][name] {
		return nil, &fs.PathError{Op: "open", Path: tenantID + "/" + name, Err: fs.ErrNotExist}
	}
	return fs.ReadFile(r.fsys, tenantID+"/"+name)
}
