package profiles

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestEveryCapabilityIsUsed keeps the rule language honest: each capability
// the engine offers must be exercised by at least one built-in product
// profile, so that real product knowledge (and the golden reports of
// testdata/cases) tests it, not only the engine's self-test profile. A
// capability no profile needs any more should be questioned, and then
// dropped here and from docs/profiles.md together.
func TestEveryCapabilityIsUsed(t *testing.T) {
	used := map[string][]string{} // capability -> profiles using it
	host, err := HostProfile()
	if err != nil {
		t.Fatal(err)
	}
	for c := range capabilities(host) {
		used[c] = append(used[c], "_host")
	}
	for _, name := range Names() {
		p, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		for c := range capabilities(p) {
			used[c] = append(used[c], name)
		}
	}
	var missing []string
	for _, c := range allCapabilities {
		if len(used[c]) == 0 {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		t.Errorf("no built-in profile uses: %s", strings.Join(missing, ", "))
	}
	for c := range used {
		if !slices.Contains(allCapabilities, c) {
			t.Errorf("capability %q is detected but not listed in allCapabilities", c)
		}
	}
	if testing.Verbose() {
		keys := make([]string, 0, len(used))
		for c := range used {
			keys = append(keys, c)
		}
		sort.Strings(keys)
		for _, c := range keys {
			t.Logf("%-28s %s", c, strings.Join(used[c], " "))
		}
	}
}

// allCapabilities lists what capabilities reports, in the order of
// docs/profiles.md.
var allCapabilities = []string{
	// collect
	"variable.detect.process", "variable.detect.first_existing", "variable.defaults.os",
	"collect.files", "collect.list", "collect.command", "collect.commands", "collect.shell",
	"collect.builtin", "collect.os.windows", "collect.when", "collect.oversize", "collect.timeout",
	"redact", "detect.paths", "detect.processes",
	// logs and facts
	"logs.split", "logs.order.newest-first", "logs.content", "logs.continuation",
	"fact.pattern", "fact.expr", "fact.in_first", "fact.file_pattern", "fact.optional", "fact.type.version",
	// rules
	"rule.match", "rule.absent", "rule.sequence", "rule.state", "rule.check",
	"match.min", "match.within", "match.window", "match.group_by", "match.where", "match.also", "also.join_on",
	"match.resolved_by", "matcher.file_pattern", "matcher.label", "matcher.optional",
	"sequence.key", "sequence.skew", "state.report_by", "state.event", "check.for_each",
	"rule.scope.all", "rule.applies", "rule.vars", "rule.severity_when", "rule.notes",
	"rule.cite", "rule.context", "rule.anchor",
}

var versionCompare = regexp.MustCompile(`\bversion_(lt|le|gt|ge|cmp)\(`)

// capabilities returns the language capabilities p uses.
func capabilities(p *Profile) map[string]bool {
	c := map[string]bool{}
	for _, v := range p.Variables {
		if len(v.Defaults) > 0 {
			c["variable.defaults.os"] = true
		}
		for _, d := range v.Detect {
			if d.Process != nil {
				c["variable.detect.process"] = true
			}
			if len(d.FirstExisting) > 0 {
				c["variable.detect.first_existing"] = true
			}
		}
	}
	if len(p.Detect.Paths) > 0 {
		c["detect.paths"] = true
	}
	if len(p.Detect.Processes) > 0 {
		c["detect.processes"] = true
	}
	for _, it := range p.Collect {
		set := func(on bool, name string) {
			if on {
				c[name] = true
			}
		}
		set(len(it.Files) > 0, "collect.files")
		set(len(it.List) > 0, "collect.list")
		set(len(it.Command) > 0, "collect.command")
		set(len(it.Commands) > 0, "collect.commands")
		set(it.Shell != "", "collect.shell")
		set(it.Builtin != "", "collect.builtin")
		set(slices.Contains(it.OS, "windows"), "collect.os.windows")
		set(it.When.IsSet(), "collect.when")
		set(it.Oversize != "", "collect.oversize")
		set(it.Timeout.Duration > 0, "collect.timeout")
	}
	if len(p.Redact) > 0 {
		c["redact"] = true
	}
	for _, l := range p.Analyze.Logs {
		if l.Split {
			c["logs.split"] = true
		}
		if l.Content != nil {
			c["logs.content"] = true
		}
		if l.Continuation != nil {
			c["logs.continuation"] = true
		}
		if l.Order == "newest-first" {
			c["logs.order.newest-first"] = true
		}
	}
	for _, f := range p.Analyze.Facts {
		if f.Pattern != nil {
			c["fact.pattern"] = true
		}
		if f.Expr.IsSet() {
			c["fact.expr"] = true
			if versionCompare.MatchString(f.Expr.Src) {
				c["fact.type.version"] = true
			}
		}
		if len(f.InFirst) > 0 {
			c["fact.in_first"] = true
		}
		if f.FilePattern != nil {
			c["fact.file_pattern"] = true
		}
		if f.Optional {
			c["fact.optional"] = true
		}
		if f.Type == "version" {
			c["fact.type.version"] = true
		}
	}
	for _, r := range p.Analyze.Rules {
		ruleCapabilities(&r, c)
	}
	return c
}

func ruleCapabilities(r *Rule, c map[string]bool) {
	matchers := func(ms []Matcher) {
		for _, m := range ms {
			if m.FilePattern != nil {
				c["matcher.file_pattern"] = true
			}
			if m.Label != "" {
				c["matcher.label"] = true
			}
			if m.Optional {
				c["matcher.optional"] = true
			}
		}
	}
	shorthand := func(label string, fp *Pattern) {
		if label != "" {
			c["matcher.label"] = true
		}
		if fp != nil {
			c["matcher.file_pattern"] = true
		}
	}
	switch {
	case r.Match != nil:
		m := r.Match
		c["rule.match"] = true
		shorthand(m.Label, m.FilePattern)
		matchers(m.Any)
		if m.Min > 1 {
			c["match.min"] = true
		}
		if m.Within.Duration > 0 {
			c["match.within"] = true
		}
		if m.SplitGap.Duration > 0 {
			c["match.split_gap"] = true
		}
		texts := []string{r.Title.Src, r.Explanation.Src, r.Remedy.Src}
		for _, n := range r.Notes {
			texts = append(texts, n.Explanation.Src, n.Remedy.Src)
		}
		if strings.Contains(strings.Join(texts, " "), "window_start") {
			c["match.window"] = true
		}
		if len(m.GroupBy) > 0 {
			c["match.group_by"] = true
		}
		if m.Where.IsSet() {
			c["match.where"] = true
		}
		for _, a := range m.Also {
			c["match.also"] = true
			if len(a.JoinOn) > 0 {
				c["also.join_on"] = true
			}
			matchers([]Matcher{a.Matcher})
		}
		if m.ResolvedBy != nil {
			c["match.resolved_by"] = true
		}
	case r.Absent != nil:
		c["rule.absent"] = true
		shorthand(r.Absent.Label, r.Absent.FilePattern)
		matchers(r.Absent.Any)
	case r.Sequence != nil:
		c["rule.sequence"] = true
		if len(r.Sequence.Key) > 0 {
			c["sequence.key"] = true
		}
		if r.Sequence.Skew.Duration > 0 {
			c["sequence.skew"] = true
		}
		matchers(r.Sequence.Start)
		matchers(r.Sequence.Expect)
	case r.State != nil:
		c["rule.state"] = true
		if len(r.State.ReportBy) > 0 {
			c["state.report_by"] = true
		}
		for _, tr := range r.State.Track {
			if tr.Event != "" {
				c["state.event"] = true
			}
			matchers([]Matcher{tr.Matcher})
		}
	case r.Check != nil:
		c["rule.check"] = true
		if r.Check.ForEach != "" {
			c["check.for_each"] = true
		}
	}
	if r.Scope == "all" {
		c["rule.scope.all"] = true
	}
	if r.Applies.IsSet() {
		c["rule.applies"] = true
	}
	if len(r.Vars) > 0 {
		c["rule.vars"] = true
	}
	if len(r.SeverityWhen) > 0 {
		c["rule.severity_when"] = true
	}
	if len(r.Notes) > 0 {
		c["rule.notes"] = true
	}
	if len(r.Cite) > 0 {
		c["rule.cite"] = true
	}
	if r.Context != nil {
		c["rule.context"] = true
	}
	if r.Anchor.IsSet() {
		c["rule.anchor"] = true
	}
	for _, e := range append([]Expr{r.When, r.Applies}, exprsOf(r)...) {
		if versionCompare.MatchString(e.Src) {
			c["fact.type.version"] = true
		}
	}
}

// exprsOf returns the rule's conditions that may compare versions.
func exprsOf(r *Rule) []Expr {
	var out []Expr
	for _, s := range r.SeverityWhen {
		out = append(out, s.When)
	}
	for _, n := range r.Notes {
		out = append(out, n.When)
	}
	for _, v := range r.Vars {
		out = append(out, v.Expr)
	}
	return out
}
