package tenants

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ServiceKinds reports the service kinds a product defines (its quota keys);
// ok is false for a product the platform does not know. The products own
// their kinds, so the loader asks instead of keeping a list of its own.
type ServiceKinds func(product string) (kinds []string, ok bool)

// Load reads every tenant folder of fsys — <id>/tenant.yaml and
// <id>/offers/*.yaml — decodes it strictly and validates all of it, across
// tenants too. It returns either a complete Registry or a *LoadError listing
// every problem found, each with its file and line: a bad file never leaves
// a half-loaded registry behind.
func Load(fsys fs.FS, kinds ServiceKinds) (*Registry, error) {
	if fsys == nil || kinds == nil {
		return nil, errors.New("tenants: Load needs the data and the products' service kinds")
	}
	var ps problems
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		ps.add(".", 0, "cannot list tenant folders: %v", err)
		return nil, &LoadError{Problems: ps.sorted()}
	}
	var loaded []*tenantFile
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || isCodeDir(fsys, e.Name()) {
			continue
		}
		if tf := readTenant(fsys, e.Name(), &ps); tf != nil {
			loaded = append(loaded, tf)
		}
	}
	if len(loaded) == 0 && len(ps) == 0 {
		ps.add(".", 0, "no tenant folder with a tenant.yaml")
	}
	v := validator{fsys: fsys, kinds: kinds, ps: &ps,
		siteIDs: map[string]string{}, hosts: map[string]string{}}
	for _, tf := range loaded {
		v.tenant(tf)
	}
	if len(ps) > 0 {
		return nil, &LoadError{Problems: ps.sorted()}
	}
	return newRegistry(fsys, loaded), nil
}

// isCodeDir tells a Go package folder (tenants/tenantsdb, testdata) from a
// tenant folder when Load reads the source tree itself (os.DirFS("tenants"))
// rather than the embedded data: tenant folders never hold Go code. Any
// other folder is a tenant, so one that lost its tenant.yaml is reported
// instead of silently dropped.
func isCodeDir(fsys fs.FS, dir string) bool {
	if dir == "testdata" {
		return true
	}
	gofiles, _ := fs.Glob(fsys, dir+"/*.go")
	return len(gofiles) > 0
}

// tenantFile is a decoded tenant.yaml with its offers and the YAML trees the
// validator takes line numbers from.
type tenantFile struct {
	dir    string // folder name, which must equal the tenant id
	file   string
	loc    locator
	t      Tenant
	offers []*offerFile
	// broken names the offer files (without .yaml) that did not parse: a
	// site selling one is not reported again as selling an unknown offer.
	broken map[string]bool
}

type offerFile struct {
	file string
	loc  locator
	o    Offer
}

func readTenant(fsys fs.FS, dir string, ps *problems) *tenantFile {
	file := path.Join(dir, "tenant.yaml")
	tf := &tenantFile{dir: dir, file: file, broken: map[string]bool{}}
	loc, tenantOK := decodeFile(fsys, file, &tf.t, ps)
	tf.loc = loc

	// The offers are decoded even when tenant.yaml is broken, so that their
	// own syntax errors show up in the same run.
	names, err := fs.ReadDir(fsys, path.Join(dir, "offers"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		ps.add(path.Join(dir, "offers"), 0, "cannot list offers: %v", err)
	}
	for _, e := range names {
		name := path.Join(dir, "offers", e.Name())
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if !strings.HasSuffix(e.Name(), ".yaml") {
			// A stray offer.yml would otherwise be ignored without a word.
			ps.add(name, 0, "offer files must end in .yaml")
			continue
		}
		of := &offerFile{file: name}
		if loc, ok := decodeFile(fsys, name, &of.o, ps); ok {
			of.loc = loc
			tf.offers = append(tf.offers, of)
		} else {
			tf.broken[strings.TrimSuffix(e.Name(), ".yaml")] = true
		}
	}
	if !tenantOK {
		return nil // nothing to validate the offers against
	}
	return tf
}

// decodeFile decodes one YAML document into v, refusing unknown fields, and
// keeps the node tree for line numbers. ok is false when the file cannot be
// read or parsed at all; type errors (an unknown field, a string where a
// number belongs) are reported and decoding goes on, so validation can still
// report the rest of the file.
func decodeFile(fsys fs.FS, file string, v any, ps *problems) (loc locator, ok bool) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			ps.add(file, 0, "missing")
		} else {
			ps.add(file, 0, "cannot read: %v", err)
		}
		return locator{}, false
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		addYAMLError(file, err, ps)
		return locator{}, false
	}
	if len(root.Content) == 0 {
		ps.add(file, 0, "empty file")
		return locator{}, false
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		addYAMLError(file, err, ps)
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return locator{}, false
		}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		ps.add(file, extra.Line, "only one YAML document per file")
	}
	return locator{root: &root}, true
}

var (
	yamlLineRE     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownFieldRE = regexp.MustCompile(`^field (.+) not found in type (.+)$`)
)

// addYAMLError turns yaml.v3's messages ("line 7: field foo not found in
// type tenants.Site") into located problems.
func addYAMLError(file string, err error, ps *problems) {
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, msg := range msgs {
		line := 0
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		msg = strings.TrimPrefix(msg, "yaml: ")
		if isParserProblem(msg) {
			// yaml.v3 v3.0.1 prints parser errors with 0-based lines (it
			// corrects only scanner errors; decode.go, parser.fail), and
			// leaves "line 0" out altogether.
			line++
		}
		if m := unknownFieldRE.FindStringSubmatch(msg); m != nil {
			msg = "unknown field " + strconv.Quote(m[1]) + " (in " + m[2] + ")"
		}
		ps.add(file, line, "%s", msg)
	}
}

// parserProblems are the messages of yaml.v3's parser (parserc.go), as
// opposed to its scanner, whose line numbers are already 1-based.
var parserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

func isParserProblem(msg string) bool {
	for _, p := range parserProblems {
		if msg == p {
			return true
		}
	}
	return false
}

// locator finds the line of a value in a decoded YAML tree by its path of
// mapping keys (string) and sequence indexes (int).
type locator struct {
	root *yaml.Node
}

// line returns the line of the key (or sequence item) the path names. When
// the path runs out of the tree — the key is absent — it returns the line of
// the deepest node found, so a missing field points at its parent.
func (l locator) line(path ...any) int {
	if l.root == nil {
		return 0
	}
	n := l.root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch p := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line
			}
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					line, n, found = n.Content[i].Line, n.Content[i+1], true
					break
				}
			}
			if !found {
				return line
			}
		case int:
			if n.Kind != yaml.SequenceNode || p < 0 || p >= len(n.Content) {
				return line
			}
			n = n.Content[p]
			line = n.Line
		}
	}
	return line
}

// sortedKeys returns a map's keys in order, so problems come out the same
// way on every run.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
