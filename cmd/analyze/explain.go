package main

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/tabwriter"

	"casefile/analyze"
	"casefile/analyze/report"
	"casefile/profiles"
)

// explain prints what a finding means and what its rule looks for
// (--explain ID, from analyze.Explain), or the catalog of every rule of
// the built-in profiles and --profile (--explain all).
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
	if o.explain == "all" {
		set, err := profileSet(custom)
		if err != nil {
			return refuse("%v", err)
		}
		return writeCatalog(e.stdout, set)
	}
	text, err := analyze.Explain(custom, o.explain)
	if err != nil {
		return refuse("--explain %s: %v (see analyze --explain all)", o.explain, err)
	}
	// A profile file is not ours either: clean what it says.
	_, err = io.WriteString(e.stdout, report.CleanText(text))
	return err
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
