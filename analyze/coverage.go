package analyze

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"casefile/analyze/report"
	"casefile/bundle"
)

// A context without before or after takes these.
const (
	defaultContextBefore = 10 * time.Minute
	defaultContextAfter  = time.Minute
)

// maxCoverageInputs bounds the member paths listed per coverage entry.
const maxCoverageInputs = 50

// inputGroups returns the rule's inputs as groups of globs: primary ones
// (what the rule reads itself; for check rules the pattern facts it uses)
// and the facts other kinds use besides.
func (p *plan) inputGroups(rp *rulePlan) (primary, extra [][]string) {
	var slots []*slot
	switch rp.kind {
	case "match", "absent", "state":
		slots = rp.any
	case "sequence":
		slots = append(append(slots, rp.start...), rp.exp...)
	}
	for _, s := range slots {
		primary = append(primary, s.globs)
	}
	for _, f := range rp.facts {
		if s := p.factSlot[f]; s != nil {
			if rp.kind == "check" {
				primary = append(primary, s.globs)
			} else {
				extra = append(extra, s.globs)
			}
		}
	}
	return primary, extra
}

// coverageOf says whether a rule could run on a bundle.
func (e *evaluator) coverageOf(rp *rulePlan, b *bundleState) report.RuleCoverage {
	c := report.RuleCoverage{Rule: rp.rule.ID, Bundle: b.name, Status: report.CoverageRan}
	primary, extra := b.plan.inputGroups(rp)
	var reasons []string
	seenIn := map[string]bool{}
	satisfied := 0
	var missing []string
	check := func(globs []string) bool {
		ms := b.membersMatching(globs)
		for _, m := range ms {
			if !seenIn[m] {
				seenIn[m] = true
				c.Inputs = append(c.Inputs, m)
			}
		}
		if len(ms) == 0 {
			for _, g := range globs {
				if !contains(missing, g) {
					missing = append(missing, g)
				}
			}
			return false
		}
		return true
	}
	for _, g := range primary {
		if check(g) {
			satisfied++
		}
	}
	extraMissing := false
	for _, g := range extra {
		if !check(g) {
			extraMissing = true
		}
	}
	sort.Strings(c.Inputs)
	if len(c.Inputs) > maxCoverageInputs {
		c.Inputs = append(c.Inputs[:maxCoverageInputs], fmt.Sprintf("... %d more", len(c.Inputs)-maxCoverageInputs))
	}
	c.Missing = missing
	switch {
	case len(primary) > 0 && satisfied == 0:
		c.Status = report.CoverageSkipped
		reasons = append(reasons, "none of its inputs is here ("+strings.Join(missing, ", ")+"): missing data is not evidence")
	case satisfied < len(primary) || extraMissing:
		c.Status = report.CoveragePartial
		reasons = append(reasons, "no member matches "+strings.Join(missing, ", "))
	}
	// Items behind the inputs that failed or were cut.
	var globs []string
	for _, g := range append(primary, extra...) {
		globs = append(globs, g...)
	}
	if b.manifest != nil && c.Status != report.CoverageSkipped {
		for _, why := range failedItems(b.manifest, globs) {
			reasons = append(reasons, why)
			c.Status = report.CoveragePartial
		}
	}
	for _, f := range rp.facts {
		if msg, ok := b.factErrs[f]; ok {
			c.Status = report.CoverageError
			reasons = append(reasons, msg)
		}
	}
	for _, s := range b.droppedNotes(rp) {
		reasons = append(reasons, s)
	}
	c.Reason = strings.Join(reasons, "; ")
	return c
}

// failedItems explains manifest items behind the globs that could not be
// collected whole (time-outs, permissions, truncation).
func failedItems(mf *bundle.Manifest, globs []string) []string {
	var out []string
	for _, it := range mf.Items {
		var paths []string
		for _, s := range it.Stored {
			paths = append(paths, s.Path)
		}
		switch it.Kind {
		case bundle.KindCommand, bundle.KindList:
			paths = append(paths, bundle.CommandMember(it.ID, false))
		case bundle.KindFile:
			if it.Source != "" {
				paths = append(paths, bundle.HostFileMember(it.Source))
			}
		}
		hit := false
		for _, p := range paths {
			if matchAny(globs, p) {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		switch it.ErrorKind {
		case "", bundle.ErrSkipped, bundle.ErrNotFound, bundle.ErrCommandNotFound:
		default:
			msg := fmt.Sprintf("item %s: %s", it.ID, it.ErrorKind)
			if it.Error != "" {
				msg += " (" + it.Error + ")"
			}
			out = append(out, msg)
		}
		for _, s := range it.Stored {
			if s.Truncated > 0 && matchAny(globs, s.Path) {
				out = append(out, fmt.Sprintf("%s was cut to its last %d bytes (%d dropped)", s.Path, s.Size, s.Truncated))
			}
			if s.ErrorKind != "" && s.ErrorKind != bundle.ErrSkipped && matchAny(globs, s.Path) {
				out = append(out, fmt.Sprintf("%s: %s", s.Path, s.ErrorKind))
			}
		}
	}
	return out
}

// droppedNotes says when a rule's slots had more matches than are kept.
func (b *bundleState) droppedNotes(rp *rulePlan) []string {
	var out []string
	for _, s := range append(append(append(append([]*slot{}, rp.any...), rp.start...), rp.exp...), rp.res...) {
		if n := b.slots[s.id].dropped; n > 0 {
			out = append(out, fmt.Sprintf("%d lines matching %q beyond the first %d and last %d were counted, not kept", n, s.pat.src, keepHead, keepTail))
		}
	}
	return out
}

// context attaches the lines of context members nearest the anchor time.
func (e *evaluator) context(rp *rulePlan, bs []*bundleState, t time.Time, skip map[string]bool) []report.Evidence {
	c := rp.rule.Context
	before, after := c.Before.Duration, c.After.Duration
	if before == 0 && after == 0 {
		before, after = defaultContextBefore, defaultContextAfter
	}
	lo, hi := t.Add(-before), t.Add(after)
	limit := c.Max
	if limit <= 0 {
		limit = 20
	}
	type cl struct {
		ev report.Evidence
		t  time.Time
		b  int
	}
	var lines []cl
	in := func(x time.Time) bool { return !x.IsZero() && !x.Before(lo) && !x.After(hi) }
	for _, b := range bs {
		if rp.ctx != nil {
			for _, r := range b.slotRecords(rp.ctx) {
				if in(r.t) && !skip[lineKey(b.name, r.m.path, r.line, r.seg)] {
					lines = append(lines, cl{evidenceOf(r, "context"), r.t, b.idx})
				}
			}
			continue
		}
		for _, m := range b.members {
			if len(m.retained) == 0 || !matchAny(c.In, m.path) {
				continue
			}
			for _, l := range m.contextLines() {
				if in(l.t) && !skip[lineKey(b.name, m.path, l.line, 0)] {
					lines = append(lines, cl{report.Evidence{Bundle: b.name, File: m.path, Line: l.line, Text: l.text, Time: ptime(l.t.In(b.loc)), Role: "context"}, l.t, b.idx})
				}
			}
		}
	}
	if len(lines) > limit {
		sort.SliceStable(lines, func(i, j int) bool {
			return math.Abs(float64(lines[i].t.Sub(t))) < math.Abs(float64(lines[j].t.Sub(t)))
		})
		lines = lines[:limit]
	}
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		if !a.t.Equal(b.t) {
			return a.t.Before(b.t)
		}
		if a.b != b.b {
			return a.b < b.b
		}
		if a.ev.File != b.ev.File {
			return a.ev.File < b.ev.File
		}
		return a.ev.Line < b.ev.Line
	})
	out := make([]report.Evidence, len(lines))
	for i, l := range lines {
		out[i] = l.ev
	}
	return out
}

// contextLines splits a member's retained tail into timed lines, once.
func (m *member) contextLines() []ctxLine {
	if m.ctxDone {
		return m.ctxLines
	}
	m.ctxDone = true
	var cur time.Time
	for _, ch := range m.retained {
		data := ch.data
		no := ch.start
		for len(data) > 0 {
			i := indexNL(data)
			line := data
			if i >= 0 {
				line, data = data[:i], data[i+1:]
			} else {
				data = nil
			}
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1]
			}
			if m.parser != nil {
				if t, ok := m.parser.parse(line, &m.tc); ok {
					cur = t
				}
			}
			if !cur.IsZero() && len(line) > 0 {
				m.ctxLines = append(m.ctxLines, ctxLine{line: no, t: cur, text: cleanText(line, maxLineText)})
			}
			no++
		}
	}
	return m.ctxLines
}
