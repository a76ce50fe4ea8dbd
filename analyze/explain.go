package analyze

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"casefile/internal/suggest"
	"casefile/profiles"
)

// Explain describes a rule for `analyze --explain ID`: its title,
// severity, what the finding means and what to do, and what the rule
// looks for (its kind, inputs, patterns, thresholds and conditions, the
// facts it uses, and how the pass prefilters its patterns). p is the
// profile to look in; nil looks in the built-in profile named by the
// id's prefix ("tfst" for "tfst.fd-exhaustion").
func Explain(p *profiles.Profile, id string) (string, error) {
	if p == nil {
		name, _, ok := strings.Cut(id, ".")
		if !ok {
			return "", fmt.Errorf("%q is not a rule id (<profile>.<name>)", id)
		}
		var err error
		if p, err = profiles.Builtin(name); err != nil {
			return "", err
		}
	}
	pl, err := compile(p)
	if err != nil {
		return "", err
	}
	rp := pl.ruleByID(id)
	if rp == nil {
		var ids []string
		for _, r := range pl.rules {
			ids = append(ids, r.rule.ID)
		}
		return "", fmt.Errorf("profile %s has no rule %q%s (it has %s)", p.Name, id, suggest.Hint(id, ids), strings.Join(ids, ", "))
	}
	r := rp.rule
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("%s  (%s)\n", r.ID, ruleFile(p, r.Line))
	w("Title:     %s\n", oneLine(readableText(&r.Title, false)))
	for _, tw := range r.TitleWhen {
		w("           or, when %s: %s\n", oneLine(tw.When.Src), oneLine(readableText(&tw.Title, false)))
	}
	sev := r.Severity
	for _, sw := range r.SeverityWhen {
		sev += fmt.Sprintf("; %s when %s", sw.Severity, sw.When.Src)
	}
	if r.Match != nil && r.Match.ResolvedBy != nil {
		sev += fmt.Sprintf("; at most %s once resolved", r.Match.ResolvedBy.Severity)
	}
	w("Severity:  %s\n", sev)
	if r.Scope == "all" {
		w("Scope:     once over every bundle of profile %s analyzed together\n", p.Name)
	} else {
		w("Scope:     each bundle\n")
	}
	if r.Applies.IsSet() {
		if r.Scope == "all" {
			w("Applies:   when this holds for at least one of the bundles: %s\n", oneLine(r.Applies.Src))
		} else {
			w("Applies:   only to bundles where %s\n", oneLine(r.Applies.Src))
		}
		w("           (elsewhere it does not run; coverage says not_applicable)\n")
	}
	title, expl, rem := readableText(&r.Title, false), readableText(&r.Explanation, false), readableText(&r.Remedy, false)
	w("\nWhat it means\n%s\n", indent(expl))
	w("\nWhat to do\n%s\n", indent(rem))
	if strings.ContainsAny(title+expl+rem, "‹[") {
		w("\n(‹x› is a value of the finding; [a | b] and [text] are parts that depend on it.)\n")
	}
	w("\nWhat it looks for\n")
	matchers := func(title string, ms []profiles.Matcher) {
		for _, m := range ms {
			var notes []string
			if m.Label != "" {
				notes = append(notes, "label "+m.Label)
			}
			if m.Optional {
				notes = append(notes, "optional")
			}
			lab := ""
			if len(notes) > 0 {
				lab = " (" + strings.Join(notes, ", ") + ")"
			}
			w("  %s%s in %s:\n      %s\n", title, lab, strings.Join(m.In, ", "), m.Pattern.Src)
			if m.FilePattern != nil {
				w("      of members whose path matches %s\n", m.FilePattern.Src)
			}
		}
	}
	switch rp.kind {
	case "match":
		m := r.Match
		w("  kind match: a finding when lines like these are there\n")
		matchers("lines", m.Any)
		if m.Where.IsSet() {
			w("  only lines where: %s\n", m.Where.Src)
		}
		if len(m.GroupBy) > 0 {
			w("  one finding per distinct %s\n", strings.Join(m.GroupBy, " + "))
		}
		minN := max(m.Min, 1)
		if m.Within.Duration > 0 {
			w("  at least %d lines within %s (rate: the most in any such window)\n", minN, compactDuration(m.Within.Duration))
		} else {
			w("  at least %d line(s)\n", minN)
		}
		for _, a := range m.Also {
			matchers("related lines (quoted, never a trigger)", []profiles.Matcher{a.Matcher})
			var how []string
			if len(a.JoinOn) > 0 {
				how = append(how, "sharing "+strings.Join(a.JoinOn, ", ")+" with a match")
			}
			if a.Within.Duration > 0 {
				how = append(how, "within "+compactDuration(a.Within.Duration)+" of a match")
			}
			if a.Before.Duration > 0 {
				how = append(how, "from "+compactDuration(a.Before.Duration)+" before the first match")
			}
			if len(how) > 0 {
				w("      only lines %s\n", strings.Join(how, ", "))
			}
		}
		if res := m.ResolvedBy; res != nil {
			when := "any time after the last match"
			if res.Within.Duration > 0 {
				when = "within " + compactDuration(res.Within.Duration) + " of the last match"
			}
			w("  resolved (severity %s) by a success %s:\n", res.Severity, when)
			matchers("success", res.Any)
		}
	case "absent":
		w("  kind absent: a finding when no line like these is there (skipped when none of the files is)\n")
		matchers("expected", r.Absent.Any)
	case "sequence":
		s := r.Sequence
		w("  kind sequence: a finding per key with requests left without a reply\n")
		matchers("request", s.Start)
		matchers("reply", s.Expect)
		if len(s.Key) > 0 {
			w("  request and reply agree on: %s\n", strings.Join(s.Key, ", "))
		}
		if s.Within.Duration > 0 {
			w("  the reply must come within %s\n", compactDuration(s.Within.Duration))
		}
	case "state":
		s := r.State
		w("  kind state: follows a state per %s through the lines in time order, judges the last\n", orOne(s.Key))
		for _, t := range s.Track {
			st := "state from the (?P<state>) group"
			switch {
			case t.State != "":
				st = "state " + t.State
			case t.Event != "":
				st = "event " + t.Event + " (the state stays)"
			}
			w("  %s in %s:\n      %s\n", st, strings.Join(t.In, ", "), t.Pattern.Src)
			if t.FilePattern != nil {
				w("      of members whose path matches %s\n", t.FilePattern.Src)
			}
		}
		if len(s.ReportBy) > 0 {
			w("  one finding per %s: its most severe key, then the one seen last\n", strings.Join(s.ReportBy, " + "))
		}
	case "check":
		if fe := r.Check.ForEach; fe != "" {
			w("  kind check: judges each record of fact %s\n", fe)
		} else {
			w("  kind check: judges facts\n")
		}
	}
	for _, v := range r.Vars {
		if len(v.Cases) == 0 {
			w("  var %s = %s\n", v.Name, oneLine(v.Expr.Src))
			continue
		}
		w("  var %s, the first that holds:\n", v.Name)
		for _, c := range v.Cases {
			cond := "otherwise"
			if c.When.IsSet() {
				cond = "when " + oneLine(c.When.Src)
			}
			w("    %s: %q\n", cond, c.Text.Src)
		}
	}
	if r.When.IsSet() {
		w("  reported when: %s\n", oneLine(r.When.Src))
	}
	if r.Anchor.IsSet() {
		w("  the finding's time: %s\n", oneLine(r.Anchor.Src))
	}
	for _, n := range r.Notes {
		cond := "always"
		if n.When.IsSet() {
			cond = "when " + oneLine(n.When.Src)
		}
		w("  note %s: %s\n", cond, oneLine(readableText(&n.Explanation, false)+" "+readableText(&n.Remedy, false)))
	}
	for _, c := range r.Cite {
		w("  cites: %s\n", c.Src)
	}
	if c := r.Context; c != nil {
		filter := "every line"
		if c.Pattern != nil {
			filter = "lines matching " + c.Pattern.Src
		}
		before, after := c.Before.Duration, c.After.Duration
		if before == 0 && after == 0 {
			before, after = defaultContextBefore, defaultContextAfter
		}
		w("  context: %s of %s from %s before to %s after the finding\n", filter, strings.Join(c.In, ", "), compactDuration(before), compactDuration(after))
	}
	facts := rp.facts
	for _, f := range rp.appliesPattern {
		if !contains(facts, f) {
			facts = append(append([]string{}, facts...), f)
		}
	}
	if len(facts) > 0 {
		w("\nFacts it uses\n")
		for _, name := range facts {
			f := pl.factByNme[name]
			pick := f.Pick
			if pick == "" {
				pick = "last"
			}
			in := strings.Join(f.In, ", ")
			if len(f.InFirst) > 0 {
				var alts []string
				for _, a := range f.InFirst {
					alts = append(alts, strings.Join(a, ", "))
				}
				in = "the first of [" + strings.Join(alts, "] or [") + "] that is there"
			}
			opt := ""
			if f.Optional {
				opt = ", optional"
			}
			w("  %s (%s%s) in %s:\n      %s\n", name, pick, opt, in, f.Pattern.Src)
			if f.FilePattern != nil {
				w("      of members whose path matches %s\n", f.FilePattern.Src)
			}
		}
	}
	w("\nHow the pass reads it\n")
	for _, s := range append(append(append(append(append([]*slot{}, rp.any...), rp.also...), rp.res...), rp.start...), rp.exp...) {
		w("  %s\n", prefilterNote(s.pat))
	}
	return b.String(), nil
}

// prefilterNote says which literals select the lines a pattern runs on.
func prefilterNote(p *pattern) string {
	if len(p.lits) == 0 {
		return fmt.Sprintf("`%s` has no required literal: it runs on every line of its files", p.src)
	}
	var ls []string
	for _, l := range p.lits {
		s := fmt.Sprintf("%q", l.s)
		if l.fold {
			s += " (any case)"
		}
		ls = append(ls, s)
	}
	return fmt.Sprintf("`%s` runs only on lines holding %s", p.src, strings.Join(ls, " or "))
}

func orOne(keys []string) string {
	if len(keys) == 0 {
		return "input (one state)"
	}
	return strings.Join(keys, " + ")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func indent(s string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(wrap(oneLine(s), 76)), "\n") {
		out = append(out, "  "+l)
	}
	return strings.Join(out, "\n")
}

// wrap breaks text at spaces before width.
func wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(s) {
		wl := utf8.RuneCountInString(word)
		if i > 0 {
			if n+1+wl > width {
				b.WriteByte('\n')
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(word)
		n += wl
	}
	return b.String()
}
