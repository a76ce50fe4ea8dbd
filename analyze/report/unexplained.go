package report

import (
	"fmt"
	"strings"
)

// The unexplained section: message templates no rule, fact or
// known-benign list explains, ranked (docs/report.md).

// textUnexplained is how many unexplained templates the text report shows;
// HTML and JSON have all.
const textUnexplained = 5

// textUnexplainedMin is the lowest score the text report shows: rarity
// alone is not worth a line on the first screen.
const textUnexplainedMin = 2

// Notable returns the unexplained entries worth a line of the summary.
func (r *Report) Notable() []Unexplained {
	var out []Unexplained
	for _, u := range r.Unexplained {
		if u.Score >= textUnexplainedMin {
			out = append(out, u)
		}
	}
	return out
}

// unexplainedPhrase says that n scoring unexplained templates are there
// (the verdict of a report without findings).
func unexplainedPhrase(n int) string {
	if n == 1 {
		return "1 message no rule knows scores as a possible failure"
	}
	return fmt.Sprintf("%d messages no rule knows score as possible failures", n)
}

func (t *textWriter) unexplained(r *Report) {
	us := r.Notable()
	if len(us) == 0 {
		return
	}
	t.line(t.style(ansiBold, "Unexplained messages") + t.style(ansiDim, " (no rule or known-benign template covers them)"))
	for i, u := range us {
		if i == textUnexplained && !t.opts.Verbose {
			t.line(t.style(ansiDim, fmt.Sprintf("  … %d more (-v, HTML or JSON)", len(us)-i)))
			break
		}
		head := fmt.Sprintf("  %s  %s", CleanLine(clipBytes(u.ID, 64)), CleanLine(clipBytes(u.Template, 4*t.width)))
		t.line(truncateWidth(head, t.width))
		var parts []string
		parts = append(parts, plural(u.Count, "time", "times"))
		if u.FileCount > 1 {
			parts = append(parts, "in "+CleanLine(baseName(u.File))+" and "+plural(u.FileCount-1, "rotated file", "rotated files"))
		}
		if u.FirstSeen != nil {
			span := t.clock.span(u.FirstSeen, u.LastSeen)
			parts = append(parts, span)
		}
		if u.NearIncident {
			parts = append(parts, t.style(ansiYellow, "near the incident"))
		}
		if t.several {
			parts = append(parts, t.label(u.Bundle))
		}
		parts = append(parts, "score "+fmt.Sprint(u.Score)+": "+CleanLine(strings.Join(u.Reasons, "; ")))
		t.flow("    ", parts)
		t.evidence(u.Example, Finding{Bundle: u.Bundle}, "    ")
	}
	t.line(t.style(ansiDim, "  analyze --draft-rule ID INPUT... prints a rule for one of them"))
	t.line("")
}

// logsLine is the coverage line of the shares of log lines explained.
func (t *textWriter) logsLine(r *Report) {
	if len(r.Logs) == 0 {
		return
	}
	var parts []string
	var unknown []string
	for _, l := range r.Logs {
		name := CleanLine(l.File)
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			name = name[i+1:]
		}
		if t.several {
			name = t.label(l.Bundle) + " " + name
		}
		if l.Unknown {
			unknown = append(unknown, name)
		}
		pct := 0
		if l.Lines > 0 {
			pct = l.Explained * 100 / l.Lines
		}
		s := fmt.Sprintf("%s %d%%", name, pct)
		if l.Dropped > 0 {
			s += fmt.Sprintf(" (%d lines beyond the cap of %d templates)", l.Dropped, l.Cap)
		}
		parts = append(parts, s)
	}
	t.para("", "  Lines explained: "+strings.Join(parts, ", "), "    ")
	if len(unknown) > 0 {
		t.para(ansiYellow, "  Nothing the profile knows matched any line of "+strings.Join(unknown, ", ")+": an unknown format or the wrong file?", "    ")
	}
}

// unexplainedView is the HTML section.
type unexplainedView struct {
	Rows    []unexplainedRow
	Logs    []string
	Unknown []string
}

type unexplainedRow struct {
	Score    int
	ID       string
	Template string
	Count    int
	Seen     string
	Near     bool
	Where    string
	Example  string
	Reasons  string
}

// unexplainedSection builds the HTML section; nil when the report has
// neither unexplained templates nor logs.
func unexplainedSection(r *Report) *unexplainedView {
	if len(r.Unexplained) == 0 && len(r.Logs) == 0 {
		return nil
	}
	v := &unexplainedView{}
	clk := clockOf(r)
	for _, u := range r.Unexplained {
		seen := ""
		if u.FirstSeen != nil {
			seen = clk.span(u.FirstSeen, u.LastSeen)
		}
		v.Rows = append(v.Rows, unexplainedRow{
			Score: u.Score, ID: h(u.ID), Template: h(u.Template), Count: u.Count, Seen: seen, Near: u.NearIncident,
			Where:   h(u.Bundle + " " + u.Example.File + ":" + fmt.Sprint(u.Example.Line) + filesNote(u)),
			Example: h(u.Example.Text), Reasons: h(strings.Join(u.Reasons, "; ")),
		})
	}
	for _, l := range r.Logs {
		pct := 0
		if l.Lines > 0 {
			pct = l.Explained * 100 / l.Lines
		}
		s := fmt.Sprintf("%s %s %d%% of %d", l.Bundle, l.File, pct, l.Lines)
		if l.Dropped > 0 {
			s += fmt.Sprintf(" (%d lines beyond the cap of %d templates)", l.Dropped, l.Cap)
		}
		v.Logs = append(v.Logs, h(s))
		if l.Unknown {
			v.Unknown = append(v.Unknown, h(l.Bundle+" "+l.File))
		}
	}
	return v
}

// filesNote names the other files of the family a template is in (HTML).
func filesNote(u Unexplained) string {
	if u.FileCount < 2 {
		return ""
	}
	return fmt.Sprintf(" (in %d files: %s)", u.FileCount, strings.Join(u.Files, ", "))
}

// baseName is a path's last element.
func baseName(p string) string {
	return p[strings.LastIndexByte(p, '/')+1:]
}
