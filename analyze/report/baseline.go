package report

import (
	"fmt"
	"strings"
)

// The baseline section: what is different from when it worked
// (--baseline). It comes first, before the findings.

// textBaselineItems bounds each list of the text section (-v: all).
const textBaselineItems = 8

func (t *textWriter) baseline(r *Report) {
	b := r.Baseline
	if b == nil {
		return
	}
	t.line(t.style(ansiBold, "What changed since the known-good state") + t.style(ansiDim, " ("+CleanLine(strings.Join(b.Good, " "))+")"))
	if len(b.FindingsNew)+len(b.FindingsGone)+len(b.FactsChanged)+len(b.TemplatesNew)+len(b.TemplatesGone)+len(b.TemplatesRate)+len(b.ConfigDiffs)+len(b.CommandsDiffer) == 0 {
		t.line("  Nothing: same findings, facts, messages and files.")
		t.line("")
		return
	}
	list := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		t.line("  " + title)
		for i, s := range items {
			if i == textBaselineItems && !t.opts.Verbose {
				t.line(t.style(ansiDim, fmt.Sprintf("    … %d more (-v)", len(items)-i)))
				break
			}
			t.line(truncateWidth("    "+s, t.width))
		}
	}
	clean := func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = CleanLine(s)
		}
		return out
	}
	list("Findings new:", clean(b.FindingsNew))
	list("Findings gone:", clean(b.FindingsGone))
	var facts []string
	hosts := map[string]bool{}
	for _, f := range b.FactsChanged {
		hosts[f.Host] = true
	}
	for _, f := range b.FactsChanged {
		name := CleanLine(f.Fact)
		if len(hosts) > 1 && f.Host != "" {
			name += " (" + CleanLine(f.Host) + ")"
		}
		facts = append(facts, name+": "+CleanLine(clipBytes(f.Good, 80))+" → "+CleanLine(clipBytes(f.Bad, 80)))
	}
	list("Facts changed (good → now):", facts)
	// Messages before the file diffs: a diff can be many lines, and a
	// new error message is what the first screen must show.
	tpl := func(cs []TemplateChange, rate bool) []string {
		var out []string
		for _, c := range cs {
			s := CleanLine(c.File) + ": " + CleanLine(clipBytes(c.Template, 4*t.width))
			if rate {
				s = fmt.Sprintf("%s (%.4g/h → %.4g/h)", s, c.GoodRate, c.BadRate)
			} else if c.BadCount > 0 {
				s = fmt.Sprintf("%s (%d)", s, c.BadCount)
			}
			out = append(out, s)
		}
		return out
	}
	list("Messages new:", tpl(b.TemplatesNew, false))
	list("Messages with a rate changed tenfold:", tpl(b.TemplatesRate, true))
	list("Messages gone:", tpl(b.TemplatesGone, false))
	diffHosts := map[string]bool{}
	for _, c := range b.ConfigDiffs {
		diffHosts[c.Host] = true
	}
	for _, c := range b.ConfigDiffs {
		name := CleanLine(c.File)
		if len(diffHosts) > 1 && c.Host != "" {
			name += " (" + CleanLine(c.Host) + ")"
		}
		t.line("  Changed file " + name + ":")
		lines := strings.Split(strings.TrimSuffix(c.Diff, "\n"), "\n")
		shown := 0
		for _, l := range lines {
			if strings.HasPrefix(l, "---") || strings.HasPrefix(l, "+++") {
				continue
			}
			if shown == 2*textBaselineItems && !t.opts.Verbose {
				t.line(t.style(ansiDim, "    … (-v, or the JSON report)"))
				break
			}
			shown++
			code := ansiDim
			switch {
			case strings.HasPrefix(l, "+"):
				code = ansiGreen
			case strings.HasPrefix(l, "-"):
				code = ansiRed
			}
			t.line(t.style(code, truncateWidth("    "+CleanLine(l), t.width)))
		}
	}
	list("Commands whose output differs (too much to show):", clean(b.CommandsDiffer))
	t.line("")
}

type baselineView struct {
	Good                      string
	Empty                     bool
	FindingsNew, FindingsGone []string
	Facts                     []FactChange
	Diffs                     []baselineDiff
	Commands                  []string
	Templates                 []baselineTemplate
}

type baselineDiff struct {
	File  string
	Host  string
	Lines []excerptLine
}

type baselineTemplate struct {
	Kind, File, Template string
	Good, Bad            string
}

func baselineSection(r *Report) *baselineView {
	b := r.Baseline
	if b == nil {
		return nil
	}
	v := &baselineView{Good: h(strings.Join(b.Good, " "))}
	for _, f := range b.FindingsNew {
		v.FindingsNew = append(v.FindingsNew, h(f))
	}
	for _, f := range b.FindingsGone {
		v.FindingsGone = append(v.FindingsGone, h(f))
	}
	for _, f := range b.FactsChanged {
		v.Facts = append(v.Facts, FactChange{Fact: h(f.Fact), Host: h(f.Host), Good: h(f.Good), Bad: h(f.Bad)})
	}
	for _, d := range b.ConfigDiffs {
		bd := baselineDiff{File: h(d.File), Host: h(d.Host)}
		for _, l := range strings.Split(strings.TrimSuffix(clipBytes(d.Diff, 64*htmlMaxLine), "\n"), "\n") {
			bd.Lines = append(bd.Lines, excerptLine{Text: h(l), Hit: strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-")})
		}
		v.Diffs = append(v.Diffs, bd)
	}
	add := func(kind string, cs []TemplateChange) {
		for _, c := range cs {
			v.Templates = append(v.Templates, baselineTemplate{Kind: kind, File: h(c.File), Template: h(c.Template),
				Good: fmt.Sprintf("%.4g", c.GoodRate), Bad: fmt.Sprintf("%.4g", c.BadRate)})
		}
	}
	for _, c := range b.CommandsDiffer {
		v.Commands = append(v.Commands, h(c))
	}
	add("new", b.TemplatesNew)
	add("tenfold", b.TemplatesRate)
	add("gone", b.TemplatesGone)
	v.Empty = len(v.FindingsNew)+len(v.FindingsGone)+len(v.Facts)+len(v.Diffs)+len(v.Commands)+len(v.Templates) == 0
	return v
}
