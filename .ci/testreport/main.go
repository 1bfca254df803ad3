// Command testreport reads `go test -json` on stdin, prints failures with
// their output and a line per package, and exits non-zero when any test
// failed or was skipped: CI must run every test on both databases and in
// the browser.
//
// The one allowed skip is a PostgreSQL-only test in the SQLite pass: with
// -skipped FILE the skipped tests are written to FILE instead of failing,
// and the PostgreSQL pass, run with -must-pass FILE, fails unless every one
// of them passed there.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

func main() {
	skippedOut := flag.String("skipped", "", "write skipped tests to this file instead of failing on them")
	mustPass := flag.String("must-pass", "", "fail unless every test listed in this file passed")
	flag.Parse()
	passedTests := map[string]bool{}
	outputs := map[string]*strings.Builder{}
	var failed, skipped []string
	pkgs := map[string]string{}
	passed := 0
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Println(sc.Text()) // build errors arrive as plain text
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			b := outputs[key]
			if b == nil {
				b = &strings.Builder{}
				outputs[key] = b
			}
			b.WriteString(e.Output)
		case "pass":
			if e.Test != "" {
				passed++
				passedTests[key] = true
			} else {
				pkgs[e.Package] = fmt.Sprintf("ok    %s (%.1fs)", e.Package, e.Elapsed)
			}
		case "fail":
			if e.Test != "" {
				failed = append(failed, key)
			} else {
				pkgs[e.Package] = fmt.Sprintf("FAIL  %s", e.Package)
				if b := outputs[key]; b != nil && e.Test == "" {
					failed = append(failed, key)
				}
			}
		case "skip":
			if e.Test != "" {
				skipped = append(skipped, key)
			} else if _, ok := pkgs[e.Package]; !ok {
				pkgs[e.Package] = fmt.Sprintf("--    %s (no tests)", e.Package)
			}
		}
	}
	names := make([]string, 0, len(pkgs))
	for p := range pkgs {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		fmt.Println(pkgs[p])
	}
	for _, k := range failed {
		fmt.Printf("\n--- FAIL %s\n%s", k, outputs[k])
	}
	bad := len(failed) > 0
	if *skippedOut != "" {
		if err := os.WriteFile(*skippedOut, []byte(strings.Join(skipped, "\n")), 0o644); err != nil {
			fmt.Println(err)
			bad = true
		}
		for _, k := range skipped {
			fmt.Printf("\n--- SKIP %s (must pass in the PostgreSQL pass)\n%s", k, outputs[k])
		}
	} else {
		for _, k := range skipped {
			fmt.Printf("\n--- SKIP %s (CI forbids skips)\n%s", k, outputs[k])
		}
		bad = bad || len(skipped) > 0
	}
	if *mustPass != "" {
		b, err := os.ReadFile(*mustPass)
		if err != nil {
			fmt.Println(err)
			bad = true
		}
		for _, k := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if k != "" && !passedTests[k] {
				fmt.Printf("\n--- %s was skipped on SQLite and did not pass on PostgreSQL\n", k)
				bad = true
			}
		}
	}
	fmt.Printf("\n%d tests passed, %d failed, %d skipped\n", passed, len(failed), len(skipped))
	if bad {
		os.Exit(1)
	}
}
