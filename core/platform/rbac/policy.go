package rbac

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/casbin/casbin/v2/model"
)

// Paths inside the configuration FS (configs.FS in production).
const (
	ModelPath  = "rbac/model.conf"
	PolicyPath = "rbac/policy.csv"
)

// config is the parsed, checked content of configs/rbac.
type config struct {
	model string     // model.conf text, parsed anew for every policy load
	rules [][]string // shared p rules: role subject, "*", object, action
}

// loadConfig reads and checks the model and the shared rules. It refuses
// rather than skips anything odd, because a rule that silently fails to
// load is a permission silently lost (or, in a wrong domain, gained).
func loadConfig(fsys fs.FS) (config, error) {
	conf, err := fs.ReadFile(fsys, ModelPath)
	if err != nil {
		return config{}, fmt.Errorf("rbac: %w", err)
	}
	if _, err := model.NewModelFromString(string(conf)); err != nil {
		return config{}, fmt.Errorf("rbac: %s: %w", ModelPath, err)
	}
	f, err := fsys.Open(PolicyPath)
	if err != nil {
		return config{}, fmt.Errorf("rbac: %w", err)
	}
	defer f.Close()
	rules, err := parsePolicy(f)
	if err != nil {
		return config{}, fmt.Errorf("rbac: %s: %w", PolicyPath, err)
	}
	return config{model: string(conf), rules: rules}, nil
}

// parsePolicy reads policy.csv: only "p, role:<role>, *, <object>, <action>"
// lines with a known role and a vocabulary permission, each once.
func parsePolicy(r io.Reader) ([][]string, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1
	seen := map[string]bool{}
	var rules [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if len(rec) != 5 || rec[0] != "p" {
			return nil, fmt.Errorf("line %d: want \"p, role:<name>, *, <object>, <action>\", got %q", line, rec)
		}
		sub, dom, obj, act := rec[1], rec[2], rec[3], rec[4]
		if _, ok := roleOf(sub); !ok {
			return nil, fmt.Errorf("line %d: subject %q is not role:<one of the five roles>", line, sub)
		}
		if dom != VendorWide {
			// The matcher only reads rules in "*"; a rule elsewhere would be
			// dead, and per-tenant rules are the measured trap.
			return nil, fmt.Errorf("line %d: domain %q: shared rules live in %q only", line, dom, VendorWide)
		}
		if !known(obj, act) {
			return nil, fmt.Errorf("line %d: %s:%s is not in rbac.Vocabulary", line, obj, act)
		}
		key := strings.Join(rec[1:], ",")
		if seen[key] {
			return nil, fmt.Errorf("line %d: duplicate rule %q", line, key)
		}
		seen[key] = true
		rules = append(rules, rec[1:])
	}
	if len(rules) == 0 {
		return nil, errors.New("no rules")
	}
	return rules, nil
}
