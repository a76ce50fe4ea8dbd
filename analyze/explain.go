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
// id's prefix ("ipsec" for "ipsec.stuck").
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
	if m, ok := r.Kind.(*profiles.MatchSpec); ok && m.ResolvedBy != nil {
		sev += fmt.Sprintf("; at most %s once resolved", m.ResolvedBy.Severity)
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
	x := &explainer{}
	explainKind(x, rp.engine, r)
	b.WriteString(x.b.String())
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
