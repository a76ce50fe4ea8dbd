package main

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/tabwriter"

	"casefile/analyze/report"
	"casefile/profiles"
)

// explain prints what a finding means and what its rule looks for
// (--explain ID), or the catalog of every rule (--explain all).
//
// TODO(engine): call analyze.Explain(profile, id) once the engine provides
// it, so the CLI and the engine describe rules the same way; this is the
// stand-in, built from the profile alone.
func (e *env) explain(o *options, args []string) error {
	if len(args) > 0 {
		return refuse("--explain takes no inputs (got %s)", args[0])
	}
	var custom *profiles.Profile
	if o.profile != "" {
		p, err := profiles.Load(o.profile)
		if err != nil {
			return refuse("--profile: %v", err)
		}
		custom = p
	}
	set, err := profileSet(custom)
	if err != nil {
		return refuse("%v", err)
	}
	if o.explain == "all" {
		return writeCatalog(e.stdout, set)
	}
	p, r := findRule(set, o.explain)
	if r == nil {
		return refuse("--explain %s: no rule with this id in %s (see analyze --explain all)", o.explain, profileNames(set))
	}
	writeExplanation(e.stdout, p, r)
	return nil
}

// profileSet is the built-in profiles, with custom (--profile) first and
// in place of a built-in of the same name.
func profileSet(custom *profiles.Profile) ([]*profiles.Profile, error) {
	var set []*profiles.Profile
	if custom != nil {
		set = append(set, custom)
	}
	for _, name := range profiles.Names() {
		if custom != nil && custom.Name == name {
			continue
		}
		p, err := profiles.Builtin(name)
		if err != nil {
			return nil, err
		}
		set = append(set, p)
	}
	return set, nil
}

func profileNames(set []*profiles.Profile) string {
	var names []string
	for _, p := range set {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

func findRule(set []*profiles.Profile, id string) (*profiles.Profile, *profiles.Rule) {
	for _, p := range set {
		for i := range p.Analyze.Rules {
			if p.Analyze.Rules[i].ID == id {
				return p, &p.Analyze.Rules[i]
			}
		}
	}
	return nil, nil
}

func severityOf(r *profiles.Rule) string {
	if r.Severity == "" {
		return profiles.SeverityInfo
	}
	return r.Severity
}

// writeCatalog lists every rule: id, severity, title, per profile.
func writeCatalog(w io.Writer, set []*profiles.Profile) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, p := range set {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		title := p.Title
		if title == "" {
			title = p.Description
		}
		fmt.Fprintf(tw, "%s\t%s\t(%s, %d rules)\n", report.CleanLine(p.Name), report.CleanLine(title), report.CleanLine(p.File), len(p.Analyze.Rules))
		for j := range p.Analyze.Rules {
			r := &p.Analyze.Rules[j]
			sev := severityOf(r)
			if len(r.SeverityWhen) > 0 {
				sev += "+"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", report.CleanLine(r.ID), sev, report.CleanLine(shortText(r.Title)))
		}
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "severity+ : the rule raises or lowers its severity by condition; analyze --explain ID says when.")
	return tw.Flush()
}

// writeExplanation describes one rule for a help desk engineer.
func writeExplanation(w io.Writer, p *profiles.Profile, r *profiles.Rule) {
	c := report.CleanText
	fmt.Fprintf(w, "%s  %s  (%s:%d)\n", report.CleanLine(r.ID), severityOf(r), report.CleanLine(p.File), r.Line)
	fmt.Fprintf(w, "%s\n", report.CleanLine(shortText(r.Title)))
	section := func(title, body string) {
		body = strings.TrimSpace(body)
		if body == "" {
			return
		}
		fmt.Fprintf(w, "\n%s\n", title)
		for _, l := range report.WrapText(c(body), explainWidth-2) {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	section("What it means", r.Explanation.Src)
	section("What to do", r.Remedy.Src)
	var notes []string
	for _, n := range r.Notes {
		s := strings.TrimSpace(n.Explanation.Src + " " + n.Remedy.Src)
		if n.When.IsSet() {
			s = "when " + n.When.Src + ": " + s
		}
		notes = append(notes, s)
	}
	section("Notes", strings.Join(notes, "\n"))
	section("What the rule looks for", strings.Join(looksFor(r), "\n"))
	fmt.Fprintf(w, "\nProfile %s %s. Texts in {braces} are filled in from the bundle.\n", report.CleanLine(p.Name), report.CleanLine(p.Version))
}

// explainWidth is the width --explain wraps its text to.
const explainWidth = 100

var (
	simpleExpr = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`)
	stringLit  = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
)

// shortText shows a title for a catalog: its literal parts, simple
// {name} references as they are, and "…" for computed parts.
func shortText(t profiles.Text) string {
	if len(t.Parts) == 0 {
		return t.Src
	}
	var b strings.Builder
	for _, p := range t.Parts {
		switch {
		case p.Expr == nil:
			b.WriteString(p.Literal)
		case simpleExpr.MatchString(strings.TrimSpace(p.Expr.Src)):
			b.WriteString("{" + strings.TrimSpace(p.Expr.Src) + "}")
		default:
			// A computed title ("cond ? \"A ...\" : \"B ...\""): show its
			// first phrase, which is usually the main case.
			phrase := ""
			for _, m := range stringLit.FindAllStringSubmatch(p.Expr.Src, -1) {
				if len(strings.Fields(m[1])) >= 3 {
					phrase = strings.TrimSpace(m[1])
					break
				}
			}
			b.WriteString(phrase + "…")
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// looksFor says in words what a rule matches.
func looksFor(r *profiles.Rule) []string {
	var out []string
	pat := func(p *profiles.Pattern) string {
		if p == nil {
			return ""
		}
		return "/" + p.Src + "/"
	}
	matchers := func(ms []profiles.Matcher, in []string) []string {
		var s []string
		for _, m := range ms {
			where := in
			if len(m.In) > 0 {
				where = m.In
			}
			s = append(s, fmt.Sprintf("/%s/ in %s", m.Pattern.Src, strings.Join(where, ", ")))
		}
		return s
	}
	switch {
	case r.Match != nil:
		m := r.Match
		min := m.Min
		if min == 0 {
			min = 1
		}
		var pats []string
		if m.Pattern != nil {
			pats = append(pats, fmt.Sprintf("%s in %s", pat(m.Pattern), strings.Join(m.In, ", ")))
		}
		pats = append(pats, matchers(m.Any, m.In)...)
		s := fmt.Sprintf("at least %d line(s) matching %s", min, strings.Join(pats, " or "))
		if m.Within.Duration > 0 {
			s += fmt.Sprintf(" within %s", m.Within.Duration)
		}
		out = append(out, s)
		if m.Where.IsSet() {
			out = append(out, "where "+m.Where.Src)
		}
		if len(m.GroupBy) > 0 {
			out = append(out, "one finding per "+strings.Join(m.GroupBy, ", "))
		}
		if m.ResolvedBy != nil {
			out = append(out, "lowered when a later line shows it cleared: "+strings.Join(append(nonEmpty(pat(m.ResolvedBy.Pattern)), matchers(m.ResolvedBy.Any, m.ResolvedBy.In)...), " or "))
		}
	case r.Absent != nil:
		a := r.Absent
		pats := append(nonEmpty(pat(a.Pattern)), matchers(a.Any, a.In)...)
		out = append(out, fmt.Sprintf("no line matching %s in %s (a healthy system writes one)", strings.Join(pats, " or "), strings.Join(a.In, ", ")))
	case r.Sequence != nil:
		s := r.Sequence
		line := fmt.Sprintf("a request %s without a later reply %s", strings.Join(matchers(s.Start, s.In), " or "), strings.Join(matchers(s.Expect, s.In), " or "))
		if len(s.Key) > 0 {
			line += " with the same " + strings.Join(s.Key, ", ")
		}
		if s.Within.Duration > 0 {
			line += fmt.Sprintf(" within %s", s.Within.Duration)
		}
		out = append(out, line)
	case r.State != nil:
		s := r.State
		var ts []string
		for _, t := range s.Track {
			m := fmt.Sprintf("/%s/", t.Pattern.Src)
			if t.State != "" {
				m += " sets " + t.State
			}
			ts = append(ts, m)
		}
		line := "follows a state through " + strings.Join(s.In, ", ") + ": " + strings.Join(ts, "; ")
		if len(s.Key) > 0 {
			line += "; per " + strings.Join(s.Key, ", ")
		}
		out = append(out, line, "and judges the last state")
	case r.Check != nil:
		if r.Check.ForEach != "" {
			out = append(out, "each record of fact "+r.Check.ForEach)
		} else {
			out = append(out, "facts of the bundle")
		}
	}
	if r.When.IsSet() {
		out = append(out, "when "+r.When.Src)
	}
	for _, sw := range r.SeverityWhen {
		out = append(out, fmt.Sprintf("severity %s when %s", sw.Severity, sw.When.Src))
	}
	if r.Scope == "all" {
		out = append(out, "over all inputs of this profile together (both sides)")
	}
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
