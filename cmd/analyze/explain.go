package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"casefile/analyze"
	"casefile/analyze/report"
	"casefile/profiles"
)

// explain prints what a finding means and what its rule looks for
// (--explain ID, from analyze.Explain), or the catalog of every rule of
// the built-in profiles and --profile (--explain all, from
// analyze.Catalog).
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

// writeCatalog lists every rule of each profile: id, severity, kind and
// its title as analyze.ProfileCatalog renders it.
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
		fmt.Fprintf(tw, "%s — %s (%s, %d rules)\n", report.CleanLine(p.Name), report.CleanLine(title), report.CleanLine(p.File), len(p.Analyze.Rules))
		for _, r := range analyze.ProfileCatalog(p) {
			sev := r.Severity
			if r.Varies {
				sev += "+"
			}
			kind := r.Kind
			if r.Scope == "all" {
				kind += "/all"
			}
			if r.Applies != "" {
				kind += "?"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", report.CleanLine(r.ID), sev, kind, report.CleanLine(r.Title))
		}
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "severity+ : the rule raises or lowers its severity by condition; kind/all : once over all bundles given together;")
	fmt.Fprintln(tw, "kind? : only on bundles its applies condition holds for (elsewhere: not applicable).")
	fmt.Fprintln(tw, "‹x› in a title is a value of the finding; analyze --explain ID says what the rule looks for.")
	return tw.Flush()
}
