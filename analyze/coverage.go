package analyze

import (
	"fmt"
	"iter"
	"math"
	"sort"
	"strings"
	"time"

	"casefile/analyze/input"
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

// ruleInput is one input of a rule: a matcher's globs, or a pattern fact's
// (all its in_first alternatives). optional ones never count as missing.
type ruleInput struct {
	globs []string
	// alts are an in_first fact's alternatives: only the first with a
	// member in the bundle is read, so only its members are inputs.
	alts     [][]string
	optional bool
}

// inputGroups returns the rule's inputs: primary ones (what the rule
// reads itself; for check rules the pattern facts it uses) and the facts
// other kinds use besides.
func (p *plan) inputGroups(rp *rulePlan) (primary, extra []ruleInput) {
	for _, s := range rp.engine.inputs(rp) {
		primary = append(primary, ruleInput{globs: s.globs, optional: s.optional})
	}
	for _, f := range rp.facts {
		alts := p.factSlots[f]
		if len(alts) == 0 {
			continue
		}
		in := ruleInput{optional: alts[0].optional}
		for _, s := range alts {
			in.globs = append(in.globs, s.globs...)
			if len(alts) > 1 {
				in.alts = append(in.alts, s.globs)
			}
		}
		if rp.kind == "check" {
			primary = append(primary, in)
		} else {
			extra = append(extra, in)
		}
	}
	return primary, extra
}

// coverageOf says whether a rule could run on a bundle. For a rule over
// all bundles of a group (group not nil), an input is there when any
// bundle of the group has it.
func (e *evaluator) coverageOf(rp *rulePlan, b *bundleState, group []*bundleState) report.RuleCoverage {
	c := report.RuleCoverage{Rule: rp.rule.ID, Bundle: b.name, Status: report.CoverageRan}
	primary, extra := b.plan.inputGroups(rp)
	var reasons []string
	seenIn := map[string]bool{}
	var missing []string
	// check lists the input's members in this bundle and says whether the
	// input is there (here, or in the group).
	check := func(in ruleInput) bool {
		read := in.globs
		for _, a := range in.alts {
			if len(b.membersMatching(a)) > 0 {
				read = a
				break
			}
		}
		ms := b.membersMatching(read)
		for _, m := range ms {
			if !seenIn[m] {
				seenIn[m] = true
				c.Inputs = append(c.Inputs, m)
			}
		}
		there := len(ms) > 0
		for _, o := range group {
			if !there && o != b && len(o.membersMatching(in.globs)) > 0 {
				there = true
			}
		}
		if !there && !in.optional {
			for _, g := range in.globs {
				if !contains(missing, g) {
					missing = append(missing, g)
				}
			}
		}
		return there
	}
	anyThere, primaryMissing := false, false
	for _, in := range primary {
		if check(in) {
			anyThere = true
		} else if !in.optional {
			primaryMissing = true
		}
	}
	extraMissing := false
	for _, in := range extra {
		if !check(in) && !in.optional {
			extraMissing = true
		}
	}
	sort.Strings(c.Inputs)
	for _, m := range c.Inputs {
		if why, ok := b.readAs[m]; ok {
			reasons = append(reasons, why)
		}
		reasons = append(reasons, b.zoneNotesOf(m)...)
	}
	if len(c.Inputs) > maxCoverageInputs {
		c.Inputs = append(c.Inputs[:maxCoverageInputs], fmt.Sprintf("... %d more", len(c.Inputs)-maxCoverageInputs))
	}
	c.Missing = missing
	switch {
	case len(primary) > 0 && !anyThere:
		c.Status = report.CoverageSkipped
		var all []string
		for _, in := range primary {
			for _, g := range in.globs {
				if !contains(all, g) {
					all = append(all, g)
				}
			}
		}
		for _, g := range missing {
			if !contains(all, g) {
				all = append(all, g)
			}
		}
		c.Missing = all
		reasons = append(reasons, "none of its inputs is here ("+strings.Join(all, ", ")+"): missing data is not evidence")
	case primaryMissing || extraMissing:
		c.Status = report.CoveragePartial
		reasons = append(reasons, "no member matches "+strings.Join(missing, ", "))
	}
	// Items behind the inputs that failed or were cut.
	var globs []string
	for _, in := range append(primary, extra...) {
		globs = append(globs, in.globs...)
	}
	if b.manifest != nil && c.Status != report.CoverageSkipped {
		for _, why := range failedItems(b.in.Items(), globs) {
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
	reasons = append(reasons, b.droppedNotes(rp)...)
	if c.Status == report.CoverageSkipped || c.Status == report.CoveragePartial {
		reasons = append(reasons, b.unopenedNotes()...)
	}
	c.Reason = strings.Join(reasons, "; ")
	return c
}

// applies judges a rule's applies condition on one bundle (with its
// facts, bundle, bundles and the functions bound to it). A condition
// that cannot be judged (it fails, or a fact it uses failed) counts as
// true, so that a broken condition never hides a diagnosis, and is
// returned as the error for coverage to report.
func (e *evaluator) applies(rp *rulePlan, b *bundleState) (bool, error) {
	r := rp.rule
	if !r.Applies.IsSet() {
		return true, nil
	}
	for _, f := range rp.appliesFacts {
		if msg, ok := b.factErrs[f]; ok {
			return true, fmt.Errorf("applies %q could not be judged (%s); the rule ran anyway", oneLine(r.Applies.Src), msg)
		}
	}
	ok, err := truth(&r.Applies, e.baseEnv([]*bundleState{b}, true))
	if err != nil {
		return true, fmt.Errorf("%v; the rule ran anyway", exprError(b.plan.prof, &r.Applies, "applies", err))
	}
	return ok, nil
}

// notApplicable is the coverage of a rule whose applies condition is
// false for the bundle (for a scope all rule: for every bundle of the
// group).
func notApplicable(rp *rulePlan, b *bundleState) report.RuleCoverage {
	reason := "applies only where " + oneLine(rp.rule.Applies.Src)
	if rp.rule.Scope == "all" {
		reason += " holds for some bundle analyzed together; it holds for none"
	}
	return report.RuleCoverage{Rule: rp.rule.ID, Bundle: b.name, Status: report.CoverageNotApplicable, Reason: reason}
}

// failedItems explains manifest items behind the globs that could not be
// collected whole (time-outs, permissions, truncation).
func failedItems(items iter.Seq[bundle.Item], globs []string) []string {
	var out []string
	for it := range items {
		var paths []string
		for _, s := range it.Stored {
			paths = append(paths, s.Path)
		}
		switch it.Kind {
		case bundle.KindCommand, bundle.KindList, bundle.KindBuiltin:
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
			out = append(out, fmt.Sprintf("%d lines matching %q were counted, not kept (the run's memory budget for quoted lines was spent)", n, s.pat.src))
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
			if len(m.retainedChunks()) == 0 || !matchAny(c.In, m.path) {
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
// An untimed line takes the time of the line before it (after it, in a
// newest-first member); lines of a time-of-day member are dated as the
// pass dated its records.
func (m *member) contextLines() []ctxLine {
	c := m.ctx
	if c == nil {
		return nil
	}
	if c.ctxDone {
		return c.ctxLines
	}
	c.ctxDone = true
	type raw struct {
		line int
		t    time.Time
		text []byte
	}
	var lines []raw
	var cur time.Time
	for _, ch := range c.retained {
		data := ch.data
		no := ch.start
		tc := todCursor{newest: m.newestFirst, have: ch.todHave, last: ch.todLast, rolls: ch.rolls}
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
			var t time.Time
			if m.parser != nil {
				if pt, ok := m.parser.parse(line, &m.tc); ok {
					t = pt
					if m.tod {
						tc.observe(todOf(pt))
						day := tc.rolls
						if m.newestFirst {
							day = -day
						}
						t = m.dateOf(day, todOf(pt))
					}
				}
			}
			if !t.IsZero() {
				cur = t
			} else if !m.newestFirst {
				t = cur
			}
			if len(line) > 0 {
				lines = append(lines, raw{no, t, line})
			}
			no++
		}
	}
	if m.newestFirst {
		var next time.Time
		for i := len(lines) - 1; i >= 0; i-- {
			if lines[i].t.IsZero() {
				lines[i].t = next
			} else {
				next = lines[i].t
			}
		}
	}
	for _, l := range lines {
		if !l.t.IsZero() {
			c.ctxLines = append(c.ctxLines, ctxLine{line: l.line, t: l.t, text: cleanText(l.text, maxLineText)})
		}
	}
	return c.ctxLines
}

// noteReadAs records a raw file recognised by its content.
func (b *bundleState) noteReadAs(m input.Member) {
	if b.readAs == nil {
		b.readAs = map[string]string{}
	}
	name := m.Original
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	b.readAs[m.Path] = name + " read as " + m.ReadAs + " by content"
}
