package report

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"casefile/internal/slicesx"
)

// The page's only script and style sheet. They are inlined, and the
// Content-Security-Policy allows exactly these two by hash: nothing else
// can run or style the page, whatever a log line holds.
var (
	//go:embed assets/report.css
	pageCSS string
	//go:embed assets/report.js
	pageJS string
	//go:embed assets/report.html.tmpl
	pageTemplate string
	//go:embed assets/unexplained.html.tmpl
	unexplainedTemplate string
	//go:embed assets/baseline.html.tmpl
	baselineTmpl string
)

// Limits on what one page shows; the JSON report has everything.
const (
	// htmlMaxLine bounds one quoted line (bytes) on the page.
	htmlMaxLine = 4096
	// htmlMaxTimeline bounds the rows of the timeline table.
	htmlMaxTimeline = 5000
	// htmlMaxItems bounds the rows of one bundle's items table.
	htmlMaxItems = 2000
)

// pageTmpl is parsed on first use, not at start-up: most runs write text
// or JSON (docs/engine.md, Cost: start-up).
var pageTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Funcs(template.FuncMap{
		"lower": strings.ToLower,
	}).Parse(pageTemplate + unexplainedTemplate + baselineTmpl))
})

// cspHash is the CSP source expression for an inline block's content.
func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// ContentSecurityPolicy is the policy the HTML report carries in a meta
// tag: no network source of any kind, its own script and style by hash,
// images only as data: URLs, no base URL, no form targets.
func ContentSecurityPolicy() string {
	return "default-src 'none'; script-src " + cspHash(pageJS) +
		"; style-src " + cspHash(pageCSS) +
		"; img-src data:; base-uri 'none'; form-action 'none'"
}

// WriteHTML writes r as one self-contained HTML page: a summary bar with
// counts per severity and filters, the inputs and what their signatures
// and checksums prove, findings as cards whose evidence links to the lines
// around it, a timeline across files and bundles with the incident marked,
// the manifest of each bundle and the rules' coverage. The page needs no
// network and loads nothing; it is rendered with html/template from text
// cleaned of control characters, and its Content-Security-Policy lets only
// its own inline script and style run, so content from a bundle can never
// execute or restyle it.
func WriteHTML(w io.Writer, r *Report) error {
	v := buildView(r)
	var buf bytes.Buffer
	if err := pageTmpl().Execute(&buf, v); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// h cleans one line of text for the page and bounds its length.
func h(s string) string { return CleanLine(clipBytes(s, htmlMaxLine)) }

// hText cleans text of several lines (explanations, remedies).
func hText(s string) string { return CleanText(clipBytes(s, 16*htmlMaxLine)) }

type pageView struct {
	Title          string
	CSP            string
	Zone           string // the zone of every time shown: "UTC", "Europe/Berlin"
	CSS            template.CSS
	JS             template.JS
	Tool           string
	Generated      string
	GeneratedISO   string
	Incident       string
	IncidentISO    string
	IncidentSource string
	Verdict        verdictView
	Counts         []countView
	Total          int
	Alerts         []alertView
	// Trust is one line on the bundles signed by a key the help desk does
	// not trust (integrity only): common and harmless, so not an alert.
	Trust         string
	Bundles       []bundleView
	Cases         string // "SR-4711 (2 inputs) · no case (1 input)"; empty without case ids
	Groups        []groupView
	Timeline      []eventView
	TimelineTotal int
	TimelineCut   int
	Coverage      coverageView
	Excerpts      []excerptView
	Unexplained   *unexplainedView
	Baseline      *baselineView
}

type verdictView struct {
	Level string // critical, warning, ok, incomplete, info
	Text  string
}

type countView struct {
	Severity string
	Label    string
	N        int
}

type alertView struct {
	Level string // bad, warn
	Text  string
	Href  string
}

type bundleView struct {
	Anchor         string
	Name           string
	Path           string
	Kind           string
	Host           string
	Profile        string
	ProfileSHA     string
	OS             string
	Kernel         string
	Timezone       string
	Collected      string
	CollectedISO   string
	Note           string
	Case           string
	FollowUp       string // which bundle this one follows and what it delivered
	Redacted       bool
	Raw            bool
	ToolVersion    string
	Members        int
	SigLabel       string
	SigLevel       string
	SigKeyID       string
	SigSigner      string
	SigComment     string
	SigDetail      string
	IntegLabel     string
	IntegLevel     string
	Problems       []problemView
	Items          []itemView
	ItemsCut       int
	ItemsSummary   []metaPart // warn: expected items missing, failed items
	ItemsAttention bool
}

type problemView struct {
	Member, Kind, Detail string
	Note                 bool // about the content, not tampering
}

type itemView struct {
	ID, Kind, Source, Stored, Size string
	// Class: failed, missing (expected, not there), optional (not there,
	// normal here), truncated, redacted or "".
	Class  string
	Status string
}

type groupView struct {
	Severity string
	Label    string
	Findings []findingView
}

type findingView struct {
	Anchor      string
	ID          string
	Severity    string
	Title       string
	Explanation string
	Remedy      string
	Meta        []metaPart
	Rule        string
	Inexact     string
	Evidence    []evidenceView
	Context     []evidenceView
}

// metaPart is one item of a finding's "how often, when, where" line.
type metaPart struct{ Text, Class string }

type evidenceView struct {
	Altered bool // quoted from a member that fails SHA256SUMS
	Bundle  string
	Loc     string
	Href    string
	Time    string
	Role    string
	Text    string
}

type eventView struct {
	Incident     bool // the incident marker row
	Time         string
	TimeISO      string
	Delta        string
	Bundle       string
	BundleFull   string
	Loc          string
	Href         string
	Text         string
	Finding      string
	FindingHref  string
	Severity     string
	NearIncident bool
}

type coverageView struct {
	Summary       string
	Incomplete    bool // rules skipped or failed
	Partial       bool // rules ran without some inputs
	NotApplicable bool // rules that do not concern their input
	Rows          []coverageRow
}

type coverageRow struct {
	Rule, Bundle, Status, Reason, Inputs string
	Label                                string // the status as shown
	Findings                             int
}

type excerptView struct {
	Anchor  string
	Bundle  string
	File    string
	Range   string
	CitedBy []linkView
	Lines   []excerptLine
}

type linkView struct{ Text, Href string }

type excerptLine struct {
	Anchor string
	N      int
	Text   string
	Hit    bool
}

// excerptIndex finds the excerpt line that shows a member's line.
type excerptIndex struct {
	byKey map[string][]int // bundle+"\x00"+file -> excerpt indexes
	ex    []Excerpt
}

func newExcerptIndex(ex []Excerpt) *excerptIndex {
	x := &excerptIndex{byKey: map[string][]int{}, ex: ex}
	for i, e := range ex {
		k := e.Bundle + "\x00" + e.File
		x.byKey[k] = append(x.byKey[k], i)
	}
	return x
}

// find returns the excerpt index holding bundle/file:line, or -1. An
// evidence line without a bundle matches an excerpt of any bundle only
// when the file name is unambiguous.
func (x *excerptIndex) find(bundle, file string, line int) int {
	for _, i := range x.byKey[bundle+"\x00"+file] {
		e := x.ex[i]
		if line >= e.Start && line < e.Start+len(e.Lines) {
			return i
		}
	}
	return -1
}

func lineAnchor(ex, line int) string { return fmt.Sprintf("x%d-L%d", ex, line) }

func buildView(r *Report) *pageView {
	counts := r.SeverityCounts()
	cov := coverageOf(r.Coverage)
	clk := clockOf(r)
	v := &pageView{
		Zone:  clk.name(),
		CSP:   ContentSecurityPolicy(),
		CSS:   template.CSS(pageCSS),
		JS:    template.JS(pageJS),
		Tool:  h(strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version)),
		Total: len(r.Findings),
	}
	if !r.GeneratedAt.IsZero() {
		v.Generated = clk.fmt(&r.GeneratedAt)
		v.GeneratedISO = clk.iso(r.GeneratedAt)
	}
	if r.IncidentTime != nil {
		v.Incident = clk.fmt(r.IncidentTime)
		v.IncidentISO = clk.iso(*r.IncidentTime)
		v.IncidentSource = h(r.IncidentSource)
	}
	for _, s := range Severities {
		v.Counts = append(v.Counts, countView{Severity: s, Label: s, N: counts[s]})
	}

	// Title: the worst news first, then the hosts.
	var hosts []string
	bundleHost := map[string]string{}
	hostCount := map[string]int{}
	for _, b := range r.Bundles {
		hostCount[b.Host]++
	}
	for _, b := range r.Bundles {
		if b.Host != "" {
			hosts = append(hosts, h(b.Host))
		}
		short := b.Host
		if short == "" || hostCount[b.Host] > 1 {
			short = b.Name
		}
		bundleHost[b.Name] = h(short)
	}
	title := "casefile report"
	if len(hosts) > 0 {
		title += " · " + strings.Join(slicesx.Uniq(hosts), ", ")
	}
	switch {
	case counts[SeverityCritical] > 0:
		title = fmt.Sprintf("%d critical · %s", counts[SeverityCritical], title)
	case counts[SeverityWarning] > 0:
		title = fmt.Sprintf("%d warning · %s", counts[SeverityWarning], title)
	}
	v.Title = truncateWidth(title, 120)

	v.Verdict = verdictOf(r, counts, cov)
	if n := nearIncident(r.Findings); n > 0 && r.IncidentTime != nil {
		v.Verdict.Text += fmt.Sprintf(" · %d near the incident", n)
	}

	// Alerts that change how the findings must be read.
	for i, b := range r.Bundles {
		anchor := fmt.Sprintf("#b%d", i)
		if _, lvl := signatureLabel(b); lvl == levelBad {
			v.Alerts = append(v.Alerts, alertView{"bad", h(b.Name) + ": the signature does not match. Anyone may have changed this bundle; do not rely on its findings.", anchor})
		} else if _, lvl := integrityLabel(b); lvl == levelBad {
			v.Alerts = append(v.Alerts, alertView{"bad", fmt.Sprintf("%s: %s do not match SHA256SUMS. Findings from those files may rest on altered data.", h(b.Name), plural(seriousProblems(b), "member", "members")), anchor})
		}
	}
	if n := integrityOnly(r.Bundles); n > 0 {
		v.Trust = fmt.Sprintf("%d of %d integrity-only (intact; signer not in --trust)", n, len(r.Bundles))
	}
	for i, b := range r.Bundles {
		if st := statsOf(b.Items); st.Missing > 0 {
			v.Alerts = append(v.Alerts, alertView{"warn", fmt.Sprintf("%s: %s expected but not sent (%s): ask the customer for %s (wrong install directory? wrong host?).", h(b.Name), plural(st.Missing, "item", "items"), idList(st.MissingIDs, htmlSummaryIDs), map[bool]string{true: "it", false: "them"}[st.Missing == 1]), fmt.Sprintf("#b%d", i)})
		}
	}
	if cov.Incomplete() {
		v.Alerts = append(v.Alerts, alertView{"warn", "Some rules could not run (" + cov.String() + "): problems they look for would not show here.", "#coverage"})
	}

	// Bundles, grouped by case (anchors keep the input's place).
	at := map[string]int{}
	for i, b := range r.Bundles {
		at[b.Name] = i
	}
	for _, b := range byCase(r.Bundles, r.Cases) {
		v.Bundles = append(v.Bundles, buildBundle(at[b.Name], b, clk))
	}
	if len(r.Cases) > 0 {
		var cs []string
		for _, c := range r.Cases {
			cs = append(cs, h(c.ID)+" ("+plural(len(c.Bundles), "input", "inputs")+")")
		}
		if n := len(r.Bundles) - casedBundles(r.Cases); n > 0 {
			cs = append(cs, "no case ("+plural(n, "input", "inputs")+")")
		}
		v.Cases = strings.Join(cs, " · ")
	}

	// Excerpts, and the findings that cite them.
	altered := alteredMembers(r.Bundles)
	xi := newExcerptIndex(r.Excerpts)
	hits := map[int]map[int]bool{} // excerpt -> lines cited
	citedBy := map[int][]linkView{}
	findingAnchor := map[string]string{} // finding id (+bundle) -> first anchor

	locate := func(e Evidence, fallbackBundle string) (string, string) {
		b := e.Bundle
		if b == "" {
			b = fallbackBundle
		}
		ex := xi.find(b, e.File, e.Line)
		if ex < 0 {
			return b, ""
		}
		if hits[ex] == nil {
			hits[ex] = map[int]bool{}
		}
		hits[ex][e.Line] = true
		return b, "#" + lineAnchor(ex, e.Line)
	}
	evidenceOf := func(es []Evidence, f Finding, anchor string) []evidenceView {
		var out []evidenceView
		for _, e := range es {
			b, href := locate(e, f.Bundle)
			loc := h(e.File)
			if e.Line > 0 {
				loc += ":" + strconv.Itoa(e.Line)
			}
			ev := evidenceView{Loc: loc, Href: href, Role: h(e.Role), Text: h(e.Text), Altered: altered[b+"\x00"+e.File]}
			if len(bundlesOf(f)) > 1 || len(r.Bundles) > 1 {
				ev.Bundle = bundleHost[b]
				if ev.Bundle == "" {
					ev.Bundle = h(b)
				}
			}
			if e.Time != nil {
				ev.Time = clk.fmt(e.Time)
			}
			if href != "" {
				ex := xi.find(b, e.File, e.Line)
				citedBy[ex] = appendLink(citedBy[ex], linkView{h(f.ID), "#" + anchor})
			}
			out = append(out, ev)
		}
		return out
	}

	// Findings, grouped by severity.
	groups := map[string]*groupView{}
	var order []string
	for i, f := range sortedFindings(r.Findings) {
		anchor := fmt.Sprintf("f%d", i)
		if _, ok := findingAnchor[f.ID+"\x00"+f.Bundle]; !ok {
			findingAnchor[f.ID+"\x00"+f.Bundle] = anchor
		}
		if _, ok := findingAnchor[f.ID]; !ok {
			findingAnchor[f.ID] = anchor
		}
		sev := f.Severity
		if !ValidSeverity(sev) {
			sev = "other"
		}
		g := groups[sev]
		if g == nil {
			g = &groupView{Severity: sev, Label: sev}
			groups[sev] = g
			order = append(order, sev)
		}
		fv := findingView{
			Anchor:      anchor,
			ID:          h(f.ID),
			Severity:    sev,
			Title:       h(f.Title),
			Explanation: hText(f.Explanation),
			Remedy:      hText(f.Remedy),
			Rule:        h(f.Rule),
			Inexact:     h(f.Inexact),
		}
		if c := countLabel(f.Count); c != "" {
			fv.Meta = append(fv.Meta, metaPart{c, ""})
		}
		if s := clk.span(f.FirstSeen, f.LastSeen); s != "" {
			fv.Meta = append(fv.Meta, metaPart{s, ""})
		}
		if f.NearIncident {
			fv.Meta = append(fv.Meta, metaPart{"near the incident", "near-tag"})
		}
		if f.Key != "" {
			fv.Meta = append(fv.Meta, metaPart{"key " + h(f.Key), ""})
		}
		var names []string
		for _, b := range bundlesOf(f) {
			name := bundleHost[b]
			if name == "" {
				name = h(b)
			}
			names = append(names, name)
		}
		if len(names) > 0 {
			fv.Meta = append(fv.Meta, metaPart{strings.Join(names, " + "), "host"})
		}
		fv.Evidence = evidenceOf(f.Evidence, f, anchor)
		fv.Context = evidenceOf(f.Context, f, anchor)
		g.Findings = append(g.Findings, fv)
	}
	for _, s := range order {
		v.Groups = append(v.Groups, *groups[s])
	}

	// Timeline, with the incident marked where it falls.
	events := append([]Event(nil), r.Timeline...)
	sort.SliceStable(events, func(i, j int) bool { return events[i].Time.Before(events[j].Time) })
	v.TimelineTotal = len(events)
	if len(events) > htmlMaxTimeline {
		v.TimelineCut = len(events) - htmlMaxTimeline
		events = events[:htmlMaxTimeline]
	}
	marked := r.IncidentTime == nil
	for _, e := range events {
		if !marked && !e.Time.Before(*r.IncidentTime) {
			v.Timeline = append(v.Timeline, eventView{Incident: true, Time: v.Incident, TimeISO: v.IncidentISO})
			marked = true
		}
		ev := eventView{
			Time:         clk.fmt(&e.Time),
			TimeISO:      clk.iso(e.Time),
			Bundle:       bundleHost[e.Bundle],
			BundleFull:   h(e.Bundle),
			Text:         h(e.Text),
			Finding:      h(e.FindingID),
			Severity:     h(e.Severity),
			NearIncident: e.NearIncident,
		}
		if ev.Bundle == "" {
			ev.Bundle = h(e.Bundle)
		}
		if r.IncidentTime != nil {
			ev.Delta = fmtDelta(e.Time.Sub(*r.IncidentTime))
		}
		ev.Loc = h(e.File)
		if e.Line > 0 {
			ev.Loc += ":" + strconv.Itoa(e.Line)
		}
		if ex := xi.find(e.Bundle, e.File, e.Line); ex >= 0 {
			ev.Href = "#" + lineAnchor(ex, e.Line)
		}
		if e.FindingID != "" {
			if a, ok := findingAnchor[e.FindingID+"\x00"+e.Bundle]; ok {
				ev.FindingHref = "#" + a
			} else if a, ok := findingAnchor[e.FindingID]; ok {
				ev.FindingHref = "#" + a
			}
		}
		v.Timeline = append(v.Timeline, ev)
	}
	if !marked && len(v.Timeline) > 0 && v.TimelineCut == 0 {
		v.Timeline = append(v.Timeline, eventView{Incident: true, Time: v.Incident, TimeISO: v.IncidentISO})
	}

	// Coverage: what did not fully run first.
	v.Coverage.Summary = cov.String()
	v.Coverage.Incomplete = cov.Incomplete()
	v.Coverage.Partial = cov.Partial > 0
	v.Coverage.NotApplicable = cov.NotApplicable > 0
	rank := map[string]int{CoverageError: 0, CoverageSkipped: 1, CoveragePartial: 2, CoverageRan: 3, CoverageNotApplicable: 4}
	rows := append([]RuleCoverage(nil), r.Coverage...)
	sort.SliceStable(rows, func(i, j int) bool {
		ri, ok := rank[rows[i].Status]
		if !ok {
			ri = -1
		}
		rj, ok := rank[rows[j].Status]
		if !ok {
			rj = -1
		}
		return ri < rj
	})
	for _, c := range rows {
		row := coverageRow{Rule: h(c.Rule), Bundle: bundleHost[c.Bundle], Status: h(c.Status), Label: coverageLabel(c.Status), Findings: c.Findings}
		if c.Status == CoverageNotApplicable {
			row.Label = "not applicable"
		}
		if row.Bundle == "" {
			row.Bundle = h(c.Bundle)
		}
		if c.Bundle == "" {
			row.Bundle = "all together"
		}
		if c.Status != CoverageRan {
			row.Reason = h(coverageReason(c))
		}
		row.Inputs = h(strings.Join(c.Inputs, ", "))
		v.Coverage.Rows = append(v.Coverage.Rows, row)
	}

	// Excerpts.
	for i, e := range r.Excerpts {
		xv := excerptView{
			Anchor:  fmt.Sprintf("x%d", i),
			Bundle:  bundleHost[e.Bundle],
			File:    h(e.File),
			CitedBy: citedBy[i],
		}
		if xv.Bundle == "" {
			xv.Bundle = h(e.Bundle)
		}
		if len(e.Lines) > 0 {
			xv.Range = fmt.Sprintf("lines %d–%d", e.Start, e.Start+len(e.Lines)-1)
		}
		for j, l := range e.Lines {
			n := e.Start + j
			xv.Lines = append(xv.Lines, excerptLine{Anchor: lineAnchor(i, n), N: n, Text: h(l), Hit: hits[i][n]})
		}
		v.Excerpts = append(v.Excerpts, xv)
	}
	v.Unexplained = unexplainedSection(r)
	v.Baseline = baselineSection(r)
	return v
}

func appendLink(ls []linkView, l linkView) []linkView {
	for _, x := range ls {
		if x == l {
			return ls
		}
	}
	return append(ls, l)
}

func nearIncident(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.NearIncident {
			n++
		}
	}
	return n
}

func buildBundle(i int, b Bundle, clk clock) bundleView {
	sig, sl := signatureLabel(b)
	integ, il := integrityLabel(b)
	bv := bundleView{
		Anchor:      fmt.Sprintf("b%d", i),
		Name:        h(b.Name),
		Path:        h(b.Path),
		Kind:        h(b.Kind),
		Host:        h(b.Host),
		OS:          h(strings.TrimSpace(b.OS + " " + b.OSRelease)),
		Kernel:      h(b.Kernel),
		Timezone:    h(b.Timezone),
		Note:        hText(b.Note),
		Case:        h(b.Case),
		Redacted:    b.Redacted,
		Raw:         b.Kind == "raw",
		ToolVersion: h(b.ToolVersion),
		Members:     b.Members,
		SigLabel:    h(sig),
		SigLevel:    sl,
		SigKeyID:    h(b.Signature.KeyID),
		SigSigner:   h(b.Signature.Signer),
		SigComment:  h(b.Signature.TrustedComment),
		SigDetail:   h(b.Signature.Detail),
		IntegLabel:  h(integ),
		IntegLevel:  il,
	}
	if b.FollowUp != nil {
		bv.FollowUp = h(followUpLine(b.FollowUp))
	}
	if bv.Name == "" {
		bv.Name = bv.Path
	}
	bv.Profile = h(strings.TrimSpace(b.Profile + " " + b.ProfileVersion))
	if len(b.ProfileSHA256) >= 12 {
		bv.ProfileSHA = h(b.ProfileSHA256[:12])
	}
	if b.CollectedAt != nil {
		bv.Collected = clk.fmt(b.CollectedAt)
		bv.CollectedISO = clk.iso(*b.CollectedAt)
	}
	for _, p := range shownProblems(b) {
		bv.Problems = append(bv.Problems, problemView{h(p.Member), h(p.Kind), h(p.Detail), noteProblem(p)})
	}
	st := statsOf(b.Items)
	for _, p := range st.parts(htmlSummaryIDs) {
		bv.ItemsSummary = append(bv.ItemsSummary, metaPart{Text: p.Text, Class: map[bool]string{true: "warn"}[p.Warn]})
	}
	bv.ItemsAttention = st.Failed+st.Missing+st.Truncated > 0
	items := b.Items
	// Failed items first, then expected ones that are missing, then the
	// rest (truncated, redacted, collected, optional ones not there).
	items = append([]Item(nil), items...)
	sort.SliceStable(items, func(i, j int) bool { return itemRank(items[i]) < itemRank(items[j]) })
	if len(items) > htmlMaxItems {
		bv.ItemsCut = len(items) - htmlMaxItems
		items = items[:htmlMaxItems]
	}
	for _, it := range items {
		iv := itemView{ID: h(it.ID), Kind: h(it.Kind), Source: h(it.Source), Stored: h(strings.Join(it.Stored, ", ")), Size: humanBytes(it.Size)}
		var status []string
		notCollected := func(what string) {
			s := what
			if it.ErrorKind != "" {
				s += " (" + it.ErrorKind + ")"
			}
			if it.Error != "" {
				s += ": " + it.Error
			}
			status = append(status, s)
		}
		switch itemState(it) {
		case itemFailed:
			iv.Class = "failed"
			notCollected("failed")
		case itemMissing:
			iv.Class = "missing"
			notCollected("expected but missing")
		case itemOptional:
			iv.Class = "optional"
			notCollected("optional, not on this host")
		}
		switch {
		case iv.Class != "":
		case it.Truncated > 0:
			iv.Class = "truncated"
		case redactionCount(it) > 0:
			iv.Class = "redacted"
		}
		if it.Truncated > 0 {
			status = append(status, "truncated: oldest "+humanBytes(it.Truncated)+" dropped")
		}
		if n := redactionCount(it); n > 0 {
			keys := make([]string, 0, len(it.Redactions))
			for k := range it.Redactions {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var rs []string
			for _, k := range keys {
				rs = append(rs, fmt.Sprintf("%s ×%d", k, it.Redactions[k]))
			}
			status = append(status, "redacted: "+strings.Join(rs, ", "))
		}
		if it.ExitCode != nil && *it.ExitCode != 0 {
			status = append(status, fmt.Sprintf("exit %d", *it.ExitCode))
		}
		if it.Binary != "" {
			status = append(status, "binary: "+it.Binary)
		}
		if len(status) == 0 {
			status = append(status, "collected")
			if it.Optional {
				status[0] += " (optional)"
			}
		}
		iv.Status = h(strings.Join(status, "; "))
		bv.Items = append(bv.Items, iv)
	}
	return bv
}

// itemRank orders a bundle's items table: failed, expected but missing,
// truncated, redacted, collected, optional ones that are not there.
func itemRank(it Item) int {
	switch itemState(it) {
	case itemFailed:
		return 0
	case itemMissing:
		return 1
	case itemOptional:
		return 5
	}
	switch {
	case it.Truncated > 0:
		return 2
	case redactionCount(it) > 0:
		return 3
	}
	return 4
}

// htmlSummaryIDs bounds the item ids a bundle's summary names per list
// (the table below it lists them all).
const htmlSummaryIDs = 5

// humanBytes formats a size in binary units.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// fmtDelta shows a duration from the incident: "−4m12s", "+29s", "0s".
func fmtDelta(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign = "−"
		d = -d
	}
	d = d.Round(time.Second)
	if d == 0 {
		return "0s"
	}
	var s string
	switch {
	case d >= 48*time.Hour:
		s = fmt.Sprintf("%dd%dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		s = fmt.Sprintf("%dh%02dm", d/time.Hour, d%time.Hour/time.Minute)
	case d >= time.Minute:
		s = fmt.Sprintf("%dm%02ds", d/time.Minute, d%time.Minute/time.Second)
	default:
		s = fmt.Sprintf("%ds", d/time.Second)
	}
	return sign + s
}

// verdictOf is the page's one-line verdict (and the level --each's index
// shows): the worst severity found, or whether anything was checked.
func verdictOf(r *Report, counts map[string]int, cov coverageStats) verdictView {
	switch {
	case counts[SeverityCritical] > 0:
		return verdictView{"critical", plural(counts[SeverityCritical], "critical finding", "critical findings")}
	case counts[SeverityWarning] > 0:
		return verdictView{"warning", plural(counts[SeverityWarning], "warning", "warnings") + ", nothing critical"}
	case len(r.Findings) > 0 && cov.Incomplete():
		return verdictView{"incomplete", "Only informational findings, but some rules could not run"}
	case len(r.Findings) > 0:
		return verdictView{"info", "Only informational findings"}
	case cov.Total == 0:
		return verdictView{"incomplete", "No findings, and no rules ran: nothing was checked"}
	case cov.Incomplete():
		return verdictView{"incomplete", "No findings, but some rules could not run: this is not a clean bill of health"}
	case cov.Applicable() == 0:
		return verdictView{"incomplete", "No findings, and no rule applies to these inputs: nothing was checked"}
	case len(r.Notable()) > 0:
		return verdictView{"incomplete", "No findings by the rules, but " + unexplainedPhrase(len(r.Notable())) + ": this is not a clean bill of health"}
	case cov.Partial > 0:
		return verdictView{"ok", fmt.Sprintf("No findings; %s without some of their inputs", plural(cov.Partial, "rule ran", "rules ran"))}
	case cov.NotApplicable > 0:
		return verdictView{"ok", "No findings: every rule that applies ran on its inputs"}
	default:
		return verdictView{"ok", "No findings: every rule ran on its inputs"}
	}
}
