package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"casefile/internal/slicesx"
)

// TextOptions control the text report.
type TextOptions struct {
	// Color marks severities and verification results with ANSI colours.
	// The caller decides: only when the output is a terminal and NO_COLOR
	// is not set.
	Color bool
	// Width is the line width in terminal columns; 0 means 100. Evidence
	// lines are cut to it and remedies wrapped.
	Width int
	// Verbose shows info findings in full, every evidence line and context
	// line, explanations, and every rule that did not fully run.
	Verbose bool
}

// DefaultTextWidth is the width of a text report when none is given.
const DefaultTextWidth = 100

// ANSI styles of the text report.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[33m"
	ansiGreen  = "\x1b[32m"
	ansiCyan   = "\x1b[36m"
)

// Without --verbose, the text report lists at most this many rules that
// did not fully run, and this many ids of collapsed info findings.
const (
	textCoverageLines = 6
	textInfoIDs       = 6
)

// WriteText writes the terminal summary of r: one screen that says, per
// bundle, what it is and whether it can be trusted; then the findings,
// most severe first, each with its best evidence line and its remedy; then
// what the analysis could not look at. Every text that comes from a bundle
// or a profile is cleaned (see CleanLine), so the report never carries the
// escape sequences or control characters a log line may hold.
func WriteText(w io.Writer, r *Report, opts TextOptions) error {
	bw := bufio.NewWriter(w)
	t := &textWriter{w: bw, opts: opts, width: opts.Width, clock: clockOf(r)}
	if t.width <= 0 {
		t.width = DefaultTextWidth
	}
	if t.width < 40 {
		t.width = 40
	}
	t.report(r)
	return bw.Flush()
}

type textWriter struct {
	w     *bufio.Writer
	opts  TextOptions
	width int
	// labels are the short names of bundles (their hosts, when that is
	// unambiguous), cleaned.
	labels map[string]string
	// several is set when more than one input was analyzed.
	several bool
	// altered holds bundle+"\x00"+member for members that fail SHA256SUMS.
	altered map[string]bool
	clock   clock
}

// label is the short, clean name of a bundle.
func (t *textWriter) label(bundle string) string {
	if l, ok := t.labels[bundle]; ok {
		return l
	}
	return CleanLine(bundle)
}

// style wraps s (already clean) in an ANSI style when colour is on.
func (t *textWriter) style(code, s string) string {
	if !t.opts.Color || s == "" || code == "" {
		return s
	}
	return code + s + ansiReset
}

// line writes one line, cut to the width whatever it holds.
func (t *textWriter) line(s string) { t.w.WriteString(fitStyled(s, t.width) + "\n") }

// para writes text wrapped to the width, each line in style code.
func (t *textWriter) para(code, text, indent string) {
	for i, l := range wrapWidth(text, t.width-len(indent)) {
		if i > 0 && l != "" {
			l = indent + l
		}
		t.line(t.style(code, l))
	}
}

func (t *textWriter) levelStyle(level, s string) string {
	switch level {
	case levelOK:
		return t.style(ansiGreen, s)
	case levelWarn:
		return t.style(ansiYellow, s)
	case levelBad:
		return t.style(ansiRed, s)
	}
	return s
}

func (t *textWriter) sevStyle(sev, s string) string {
	switch sev {
	case SeverityCritical:
		return t.style(ansiRed, s)
	case SeverityWarning:
		return t.style(ansiYellow, s)
	case SeverityInfo:
		return t.style(ansiDim, s)
	}
	return t.style(ansiBold, s)
}

func (t *textWriter) report(r *Report) {
	counts := r.SeverityCounts()
	cov := coverageOf(r.Coverage)
	t.labels = bundleLabels(r.Bundles)
	t.several = len(r.Bundles) > 1
	t.altered = alteredMembers(r.Bundles)

	// Headline.
	parts := []string{plural(len(r.Bundles), "input", "inputs")}
	if len(r.Findings) == 0 {
		parts = append(parts, "no findings")
	} else {
		var sev []string
		for _, s := range Severities {
			if counts[s] > 0 {
				sev = append(sev, t.sevStyle(s, fmt.Sprintf("%d %s", counts[s], s)))
			}
		}
		if n := len(r.Findings) - counts[SeverityCritical] - counts[SeverityWarning] - counts[SeverityInfo]; n > 0 {
			sev = append(sev, fmt.Sprintf("%d other", n))
		}
		parts = append(parts, strings.Join(sev, ", "))
	}
	head := t.style(ansiBold, "casefile report") + " · " + strings.Join(parts, " · ")
	if zone := " · times in " + t.clock.name(); displayWidth(stripANSI(head))+len(zone) <= t.width {
		head += t.style(ansiDim, zone)
	}
	t.line(head)
	if r.IncidentTime != nil {
		s := "Incident  " + t.clock.fmt(r.IncidentTime)
		if r.IncidentSource != "" {
			s += "  (" + CleanLine(r.IncidentSource) + ")"
		}
		t.line(t.style(ansiCyan, truncateWidth(s, t.width)))
	}
	t.line("")

	// Bundles, grouped by case, and what to ask the customer for.
	if len(r.Cases) > 0 {
		var cs []string
		for _, c := range r.Cases {
			cs = append(cs, CleanLine(c.ID)+" ("+plural(len(c.Bundles), "input", "inputs")+")")
		}
		if n := len(r.Bundles) - casedBundles(r.Cases); n > 0 {
			cs = append(cs, "no case ("+plural(n, "input", "inputs")+")")
		}
		label := "Case"
		if len(r.Cases) > 1 {
			label = "Cases"
		}
		t.line(truncateWidth(label+"  "+strings.Join(cs, " · "), t.width))
	}
	for _, b := range byCase(r.Bundles, r.Cases) {
		t.bundle(b)
	}
	if hint := t.missingHint(r.Bundles); hint != "" {
		t.line(t.style(ansiYellow, truncateWidth(hint, t.width)))
	}
	t.line("")

	// Warnings that change how the findings must be read.
	warned := false
	for _, b := range r.Bundles {
		msg := ""
		if _, lvl := signatureLabel(b); lvl == levelBad {
			msg = "the signature does not match: anyone may have changed this bundle"
		} else if _, lvl := integrityLabel(b); lvl == levelBad {
			msg = "some members do not match SHA256SUMS: findings from them may rest on altered data"
		}
		if msg != "" {
			t.para(ansiRed, "! "+CleanLine(b.Name)+": "+msg+".", "  ")
			warned = true
		}
	}
	if warned {
		t.line("")
	}

	t.baseline(r)

	// Findings.
	shown := 0
	var hiddenInfo []string
	for _, f := range sortedFindings(r.Findings) {
		if f.Severity == SeverityInfo && !t.opts.Verbose {
			hiddenInfo = append(hiddenInfo, CleanLine(f.ID))
			continue
		}
		if shown == 0 {
			t.line(t.style(ansiBold, "Findings"))
		}
		t.finding(f)
		shown++
	}
	if len(r.Findings) == 0 {
		switch {
		case cov.Incomplete():
			t.para(ansiYellow, "No findings, but some rules could not run (see Coverage): this is not a clean bill of health.", "")
		case cov.Total == 0:
			t.para(ansiYellow, "No findings, and no rules ran: nothing was checked.", "")
		case cov.Applicable() == 0:
			t.para(ansiYellow, "No findings, and no rule applies to these inputs: nothing was checked.", "")
		case len(r.Notable()) > 0:
			t.para(ansiYellow, "No findings by the rules, but "+unexplainedPhrase(len(r.Notable()))+" (below): this is not a clean bill of health.", "")
		case cov.Partial > 0:
			t.line(t.style(ansiGreen, "No findings.") + " " + plural(cov.Partial, "rule ran", "rules ran") + " without some of their inputs (see Coverage).")
		case cov.NotApplicable > 0:
			t.line(t.style(ansiGreen, "No findings.") + " Every rule that applies ran on its inputs.")
		default:
			t.line(t.style(ansiGreen, "No findings.") + " Every rule ran on its inputs.")
		}
		t.line("")
	}
	if len(hiddenInfo) > 0 {
		ids := hiddenInfo
		more := ""
		if len(ids) > textInfoIDs {
			more = fmt.Sprintf(", … %d more", len(ids)-textInfoIDs)
			ids = ids[:textInfoIDs]
		}
		s := plural(len(hiddenInfo), "info finding", "info findings") + " (-v to show): " + strings.Join(slicesx.Uniq(ids), ", ") + more
		t.line(t.style(ansiDim, truncateWidth(s, t.width)))
	}

	t.unexplained(r)

	if t.opts.Verbose {
		t.nearIncident(r)
	}

	// Coverage.
	t.coverage(r.Coverage, cov)
	t.logsLine(r)
}

// textTimelineLines bounds the "around the incident" list of -v.
const textTimelineLines = 30

// nearIncident lists the timeline's events near the incident (-v).
func (t *textWriter) nearIncident(r *Report) {
	var near []Event
	for _, e := range r.Timeline {
		if e.NearIncident {
			near = append(near, e)
		}
	}
	if len(near) == 0 {
		return
	}
	t.line(t.style(ansiBold, "Around the incident") + t.style(ansiDim, fmt.Sprintf(" (%d events; the HTML report has the whole timeline)", len(near))))
	marked := r.IncidentTime == nil
	for i, e := range near {
		if !marked && !e.Time.Before(*r.IncidentTime) {
			t.line(t.style(ansiCyan, "  ▶ "+t.clock.fmt(r.IncidentTime)+"  incident"))
			marked = true
		}
		if i == textTimelineLines {
			t.line(fmt.Sprintf("  … %d more", len(near)-i))
			break
		}
		loc := CleanLine(e.File)
		if j := strings.LastIndexByte(loc, '/'); j >= 0 {
			loc = loc[j+1:]
		}
		if e.Line > 0 {
			loc += fmt.Sprintf(":%d", e.Line)
		}
		who := ""
		if t.several {
			who = t.label(e.Bundle) + "  "
		}
		mark := "  "
		if e.Severity != "" {
			mark = t.sevStyle(e.Severity, "● ")
		}
		t.line("  " + mark + t.clock.fmt(&e.Time) + "  " + who + t.style(ansiDim, loc) + "  " + CleanLine(clipBytes(e.Text, 4*t.width)))
	}
	if !marked && len(near) <= textTimelineLines {
		t.line(t.style(ansiCyan, "  ▶ "+t.clock.fmt(r.IncidentTime)+"  incident"))
	}
	t.line("")
}

func (t *textWriter) bundle(b Bundle) {
	// Line 1: identity.
	name := CleanLine(b.Name)
	if name == "" {
		name = CleanLine(b.Path)
	}
	var id []string
	if b.Case != "" {
		id = append(id, "case "+CleanLine(b.Case))
	}
	if b.Host != "" {
		id = append(id, "host "+CleanLine(b.Host))
	}
	if b.Profile != "" {
		p := "profile " + CleanLine(b.Profile)
		if b.ProfileVersion != "" {
			p += " " + CleanLine(b.ProfileVersion)
		}
		id = append(id, p)
	}
	if b.Kind == "raw" {
		id = append(id, "raw logs")
	} else if b.CollectedAt != nil {
		id = append(id, "collected "+t.clock.fmt(b.CollectedAt))
	}
	first := "  " + name
	rest := strings.Join(id, "  ")
	if rest != "" {
		first += "  " + rest
	}
	t.line(t.style(ansiBold, truncateWidth(first, t.width)))

	// Line 2 (and on): can it be trusted, and what did the customer send?
	sig, sl := signatureLabel(b)
	integ, il := integrityLabel(b)
	var parts []string
	if b.Kind == "raw" && sl == levelNone && il == levelNone {
		raw := "raw logs: no signature or SHA256SUMS to verify"
		if n := len(shownProblems(b)); n > 0 {
			raw += " · " + plural(n, "note", "notes")
		}
		parts = append(parts, raw)
	} else {
		parts = append(parts, "signature "+t.levelStyle(sl, CleanLine(sig)), "integrity "+t.levelStyle(il, CleanLine(integ)))
	}
	var items []string
	if st := statsOf(b.Items); st.Total > 0 {
		ids := maxSummaryIDs
		if t.opts.Verbose {
			ids = 0
		}
		for _, p := range st.parts(ids) {
			if p.Warn {
				items = append(items, t.style(ansiYellow, p.Text))
			} else {
				items = append(items, p.Text)
			}
		}
	}
	if !b.Redacted && b.Kind != "raw" {
		items = append(items, t.style(ansiYellow, "not redacted"))
	}
	// The items' summary after the verdicts when all of it fits, else
	// on lines of its own.
	all := append(append([]string{}, parts...), items...)
	if displayWidth(stripANSI("    "+strings.Join(all, " · "))) <= t.width {
		t.line("    " + strings.Join(all, " · "))
	} else {
		t.flow("    ", parts)
		t.flow("    ", items)
	}
	if b.Signature.Status == "invalid" && b.Signature.Detail != "" {
		t.line(t.style(ansiRed, truncateWidth("    "+CleanLine(b.Signature.Detail), t.width)))
	}
	problems := shownProblems(b)
	for i, p := range problems {
		if i == 3 && !t.opts.Verbose {
			t.line(fmt.Sprintf("    … %d more (-v to show)", len(problems)-3))
			break
		}
		s := "    " + CleanLine(p.Kind) + "  " + CleanLine(p.Member)
		if p.Detail != "" {
			s += ": " + CleanLine(p.Detail)
		}
		code := ansiRed
		if noteProblem(p) {
			code = ansiDim
		}
		t.line(t.style(code, truncateWidth(s, t.width)))
	}
	if b.Note != "" {
		t.line(truncateWidth("    note \""+CleanLine(b.Note)+"\"", t.width))
	}
	if fu := b.FollowUp; fu != nil {
		t.line(truncateWidth("    "+followUpLine(fu), t.width))
	}
}

func (t *textWriter) finding(f Finding) {
	const indent = "    "
	inner := t.width - len(indent)

	// "[CRITICAL] id — title", the title wrapped under itself.
	tag := "[" + strings.ToUpper(CleanLine(f.Severity)) + "]"
	head := tag + " " + CleanLine(f.ID)
	if f.Title != "" {
		head += " — " + CleanLine(f.Title)
	}
	for i, l := range wrapWidth(head, t.width) {
		switch {
		case i == 0 && strings.HasPrefix(l, tag):
			t.line(t.sevStyle(f.Severity, tag) + t.style(ansiBold, l[len(tag):]))
		case i < 3:
			t.line(t.style(ansiBold, fitStyled(indent+l, t.width)))
		case i == 3:
			t.line(indent + "…")
		}
	}

	// When, how often, where.
	var meta []string
	if c := countLabel(f.Count); c != "" {
		meta = append(meta, c)
	}
	if s := t.clock.span(f.FirstSeen, f.LastSeen); s != "" {
		meta = append(meta, s)
	}
	if f.NearIncident {
		meta = append(meta, t.style(ansiCyan, "near the incident"))
	}
	if f.Key != "" {
		meta = append(meta, "key "+CleanLine(f.Key))
	}
	if bs := bundlesOf(f); len(bs) > 1 || t.several && len(bs) == 1 {
		names := make([]string, len(bs))
		for i, b := range bs {
			names[i] = t.label(b)
		}
		meta = append(meta, strings.Join(names, " + "))
	}
	if len(meta) > 0 {
		// Cut before styling would break escapes; cut the plain parts only
		// when the line is too long.
		s := strings.Join(meta, " · ")
		if displayWidth(stripANSI(s)) > inner {
			s = truncateWidth(stripANSI(s), inner)
		}
		t.line(indent + s)
	}

	if f.Inexact != "" {
		// Shown in every mode: the numbers above are not all exact.
		for _, l := range wrapWidth("Not exact: "+CleanText(f.Inexact), inner) {
			t.line(indent + l)
		}
	}

	if t.opts.Verbose && f.Explanation != "" {
		for _, l := range wrapWidth(CleanText(f.Explanation), inner) {
			if l != "" {
				l = indent + l
			}
			t.line(l)
		}
	}

	// Evidence.
	evidence := f.Evidence
	if !t.opts.Verbose {
		if e, ok := bestEvidence(f); ok {
			evidence = []Evidence{e}
		}
	} else {
		evidence = append(append([]Evidence(nil), f.Evidence...), f.Context...)
	}
	for _, e := range evidence {
		t.evidence(e, f, indent)
	}
	if !t.opts.Verbose && len(f.Evidence) > 1 {
		t.line(indent + t.style(ansiDim, "+"+plural(len(f.Evidence)-1, "more line", "more lines")+" (-v)"))
	}

	// Remedy.
	if f.Remedy != "" {
		const label = "Remedy: "
		lines := wrapWidth(CleanText(f.Remedy), inner-len(label))
		for i, l := range lines {
			switch {
			case i == 0:
				t.line(indent + t.style(ansiBold, label) + l)
			case l == "":
				t.line("")
			default:
				t.line(indent + strings.Repeat(" ", len(label)) + l)
			}
		}
	}
	t.line("")
}

// evidence writes "file:line  text", or when that does not fit the width
// the location on one line and the text, cut to the width, under it.
func (t *textWriter) evidence(e Evidence, f Finding, indent string) {
	loc := CleanLine(e.File)
	if e.Line > 0 {
		loc += fmt.Sprintf(":%d", e.Line)
	}
	if b := e.Bundle; b != "" && (b != f.Bundle || len(f.Bundles) > 1) {
		loc = t.label(b) + " " + loc
	}
	if e.Role != "" && e.Role != "match" && t.opts.Verbose {
		loc = "(" + CleanLine(e.Role) + ") " + loc
	}
	// Clip first: the engine bounds lines, but a renderer must not spend
	// time on megabytes it will cut to one line anyway.
	text := CleanLine(clipBytes(e.Text, 4*t.width+16))
	b := e.Bundle
	if b == "" {
		b = f.Bundle
	}
	if t.altered[b+"\x00"+e.File] {
		text = t.style(ansiRed, "[altered member]") + " " + text
	}
	width := t.width - len(indent)
	if displayWidth(loc)+2+displayWidth(stripANSI(text)) <= width {
		t.line(indent + t.style(ansiDim, loc) + "  " + text)
		return
	}
	t.line(indent + t.style(ansiDim, loc))
	t.line(indent + "  " + text)
}

func (t *textWriter) coverage(cs []RuleCoverage, st coverageStats) {
	if st.Total == 0 {
		t.line(t.style(ansiYellow, "Coverage: no rules ran"))
		return
	}
	code := ""
	if st.Incomplete() || st.Applicable() == 0 {
		code = ansiYellow
	}
	t.para(code, "Coverage: "+st.Headline(), "          ")
	// Rules that did not fully run; rules that do not apply only with
	// -v, after them and dimmed: they are not gaps.
	n := 0
	for _, c := range cs {
		if c.Status == CoverageRan || c.Status == CoverageNotApplicable {
			continue
		}
		if n == textCoverageLines && !t.opts.Verbose {
			t.line(fmt.Sprintf("  … %d more (-v to show)", st.Gaps()-n))
			break
		}
		n++
		t.line(truncateWidth(t.coverageLine(c), t.width))
	}
	if !t.opts.Verbose {
		return
	}
	for _, c := range cs {
		if c.Status == CoverageNotApplicable {
			t.line(t.style(ansiDim, truncateWidth(t.coverageLine(c), t.width)))
		}
	}
}

// coverageLine is "  status   rule (input): why".
func (t *textWriter) coverageLine(c RuleCoverage) string {
	line := fmt.Sprintf("  %-8s %s", coverageLabel(c.Status), CleanLine(c.Rule))
	if c.Bundle != "" && t.several {
		line += " (" + t.label(c.Bundle) + ")"
	}
	return line + ": " + CleanLine(coverageReason(c))
}

// flow writes parts (clean, maybe styled) joined by " · " on lines that
// start with indent, beginning a new line where the next part does not
// fit; a part wider than a line is wrapped at its spaces.
func (t *textWriter) flow(indent string, parts []string) {
	cur := ""
	for _, p := range parts {
		switch {
		case p == "":
			continue
		case cur != "" && displayWidth(stripANSI(cur+" · "+p)) <= t.width:
			cur += " · " + p
			continue
		case cur != "":
			t.line(cur)
		}
		cur = indent + p
		if displayWidth(stripANSI(cur)) <= t.width {
			continue
		}
		// Too wide alone: wrap its text, keeping its style.
		code := ""
		if plain := stripANSI(p); plain != p {
			if strings.HasPrefix(p, "\x1b[") && strings.HasSuffix(p, ansiReset) {
				code = p[:strings.IndexByte(p, 'm')+1]
			}
			p = plain
		}
		lines := wrapWidth(p, t.width-len(indent)-2)
		for i, l := range lines[:len(lines)-1] {
			in := indent
			if i > 0 {
				in += "  "
			}
			t.line(in + t.style(code, l))
		}
		cur = indent + "  " + t.style(code, lines[len(lines)-1])
	}
	if cur != "" {
		t.line(cur)
	}
}

// missingHint is one line asking for what the customer did not send:
// the expected items that are missing, per bundle ("" when none is).
func (t *textWriter) missingHint(bs []Bundle) string {
	var per []string
	for _, b := range bs {
		st := statsOf(b.Items)
		if st.Missing == 0 {
			continue
		}
		ids := maxSummaryIDs
		if t.opts.Verbose {
			ids = 0
		}
		s := idList(st.MissingIDs, ids)
		if t.several {
			s += " (" + t.label(b.Name) + ")"
		}
		per = append(per, s)
	}
	if len(per) == 0 {
		return ""
	}
	return "Ask the customer for " + strings.Join(per, "; ") + ": expected but not sent (wrong install dir? wrong host?)"
}

// stripANSI removes the SGR sequences this file adds (never data: data is
// cleaned before it is styled).
func stripANSI(s string) string {
	if !strings.Contains(s, "\x1b[") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';') {
				j++
			}
			if j < len(s) && s[j] == 'm' {
				i = j
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// fitStyled cuts s, which may hold this file's SGR sequences, to w
// columns: the sequences take no room, and a cut line ends with "…" and a
// reset so no style leaks into the next line.
func fitStyled(s string, w int) string {
	if displayWidth(stripANSI(s)) <= w {
		return s
	}
	var b strings.Builder
	n := 0
	styled := false
	for i := 0; i < len(s); {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';') {
				j++
			}
			if j < len(s) && s[j] == 'm' {
				b.WriteString(s[i : j+1])
				styled = s[i:j+1] != ansiReset
				i = j + 1
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		rw := runeWidth(r)
		if n+rw > w-1 {
			break
		}
		b.WriteString(s[i : i+size])
		n += rw
		i += size
	}
	b.WriteString("…")
	if styled {
		b.WriteString(ansiReset)
	}
	return b.String()
}

// casedBundles counts the bundles the cases hold.
func casedBundles(cs []Case) int {
	n := 0
	for _, c := range cs {
		n += len(c.Bundles)
	}
	return n
}

// byCase orders bundles by case (the cases' order, bundles without a case
// last), keeping their order within a case: the order they are listed in.
func byCase(bs []Bundle, cs []Case) []Bundle {
	if len(cs) == 0 {
		return bs
	}
	rank := map[string]int{}
	for i, c := range cs {
		rank[c.ID] = i
	}
	out := append([]Bundle(nil), bs...)
	sort.SliceStable(out, func(i, j int) bool {
		ri, ok := rank[out[i].Case]
		if !ok {
			ri = len(cs)
		}
		rj, ok := rank[out[j].Case]
		if !ok {
			rj = len(cs)
		}
		return ri < rj
	})
	return out
}

// followUpLine says which bundle a follow-up answers and what it
// delivered: "follow-up of X (request 1a2b..., key ABCD...): delivered
// install-dir; still missing epp-log".
func followUpLine(fu *FollowUp) string {
	of := CleanLine(fu.Follows)
	if of == "" {
		of = "a bundle not analyzed here (sha256 " + hexPrefix(fu.FollowsSHA256) + "…)"
	}
	s := "follow-up of " + of + " (request " + hexPrefix(fu.RequestID) + "…, key " + CleanLine(fu.SignerKeyID) + ")"
	if len(fu.Delivered) > 0 {
		s += ": delivered " + idList(cleanAll(fu.Delivered), maxSummaryIDs)
	}
	if len(fu.StillMissing) > 0 {
		s += "; still missing " + idList(cleanAll(fu.StillMissing), maxSummaryIDs)
	}
	return s
}

func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = shortName(s)
	}
	return out
}

// hexPrefix is the first 16 characters of a hex id ("" for anything else).
func hexPrefix(s string) string {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return ""
		}
	}
	if len(s) > 16 {
		s = s[:16]
	}
	return s
}
