package tenants

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with the tenant data, located so that whoever
// edits the YAML can go straight to it.
type Problem struct {
	File   string // path inside the loaded fs.FS, e.g. jetmoney/offers/licence.yaml
	Line   int    // 1-based; 0 when the problem is the file as a whole
	Reason string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Reason)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Reason)
}

// LoadError lists every problem Load found. Load reports them all at once,
// so one `platform sync` run shows the whole list instead of the first.
type LoadError struct {
	Problems []Problem
}

// Error prints one "file:line: reason" line per problem.
func (e *LoadError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// problems collects Problems while loading.
type problems []Problem

func (ps *problems) add(file string, line int, format string, args ...any) {
	*ps = append(*ps, Problem{File: file, Line: line, Reason: fmt.Sprintf(format, args...)})
}

// sorted orders problems by file and line, the order an editor walks them.
func (ps problems) sorted() []Problem {
	out := append([]Problem(nil), ps...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Line < out[j].Line
	})
	return out
}
