package analyze

import (
	"fmt"
	"sort"
	"time"

	"casefile/analyze/report"
	"casefile/profiles"
)

// Report limits.
const (
	maxTimeline     = 2000
	maxExcerptLines = 20000
)

// bundleReport describes one input.
func bundleReport(b *bundleState) report.Bundle {
	rb := report.Bundle{
		Path: b.in.Path, Name: b.name, Kind: b.in.Kind, Profile: b.plan.prof.Name,
		Timezone: b.loc.String(), Members: len(b.all),
	}
	if b.ver != nil {
		rb.Signature = b.ver.Signature
		rb.Integrity = b.ver.Integrity
		if b.ver.Members > 0 {
			rb.Members = b.ver.Members
		}
	}
	if rb.Integrity.Problems == nil {
		rb.Integrity.Problems = []report.Problem{}
	}
	for _, m := range b.members {
		if m.invalid > 0 {
			rb.Integrity.Problems = append(rb.Integrity.Problems, report.Problem{
				Member: m.path, Kind: "invalid_utf8",
				Detail: fmt.Sprintf("%d lines are not valid UTF-8 (quoted with U+FFFD)", m.invalid),
			})
		}
	}
	mf := b.manifest
	if mf == nil {
		return rb
	}
	rb.ProfileVersion = mf.Profile.Version
	rb.ProfileSHA256 = mf.Profile.SHA256
	rb.Host = mf.Host.Hostname
	rb.OS = mf.Host.OS
	rb.OSRelease = mf.Host.OSRelease
	rb.Kernel = mf.Host.Kernel
	if !mf.Collection.EndUTC.IsZero() {
		t := mf.Collection.EndUTC.In(b.loc)
		rb.CollectedAt = &t
	}
	rb.Note = mf.Note
	rb.Case = mf.Case
	rb.Redacted = mf.Redaction.Enabled
	rb.ToolVersion = mf.Tool.Version
	for it := range b.in.Items() {
		ri := report.Item{ID: it.ID, Kind: it.Kind, Source: it.Source, ExitCode: it.ExitCode, Binary: it.Binary, ErrorKind: it.ErrorKind, Error: it.Error, Optional: it.Optional}
		for _, s := range it.Stored {
			ri.Stored = append(ri.Stored, s.Path)
			ri.Size += s.Size
			ri.Truncated += s.Truncated
			for k, v := range s.Redactions {
				if ri.Redactions == nil {
					ri.Redactions = map[string]int{}
				}
				ri.Redactions[k] += v
			}
		}
		rb.Items = append(rb.Items, ri)
	}
	return rb
}

// buildFindings sorts the findings and derives the timeline, the
// incident marks and the excerpts.
func buildFindings(rep *report.Report, e *evaluator, states []*bundleState) {
	fs := e.findings
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if ra, rb := profiles.SeverityRank(a.Severity), profiles.SeverityRank(b.Severity); ra != rb {
			return ra > rb
		}
		if (a.FirstSeen == nil) != (b.FirstSeen == nil) {
			return a.FirstSeen != nil
		}
		if a.FirstSeen != nil && !a.FirstSeen.Equal(*b.FirstSeen) {
			return a.FirstSeen.Before(*b.FirstSeen)
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		if a.Bundle != b.Bundle {
			return a.Bundle < b.Bundle
		}
		return a.Key < b.Key
	})
	inc := e.incident
	near := func(t *time.Time) bool {
		if inc == nil || t == nil {
			return false
		}
		d := t.Sub(*inc)
		return d <= incidentWindow && d >= -incidentWindow
	}
	for _, f := range fs {
		if inc != nil {
			for _, ev := range f.Evidence {
				if near(ev.Time) {
					f.NearIncident = true
				}
			}
			if !f.anchor.IsZero() && near(&f.anchor) {
				f.NearIncident = true // the rule says this is the finding's time
			}
			if f.FirstSeen != nil && f.LastSeen != nil &&
				!f.FirstSeen.After(inc.Add(incidentWindow)) && !f.LastSeen.Before(inc.Add(-incidentWindow)) {
				f.NearIncident = true
			}
		}
		rep.Findings = append(rep.Findings, f.Finding)
	}
	newest := map[[2]string]bool{}
	for _, b := range states {
		for _, m := range b.members {
			if m.newestFirst {
				newest[[2]string{b.name, m.path}] = true
			}
		}
	}
	rep.Timeline = timeline(rep.Findings, inc, newest)
	for i := range rep.Timeline {
		rep.Timeline[i].NearIncident = near(&rep.Timeline[i].Time)
	}
	rep.Excerpts = excerpts(rep.Findings, states)
}

// timeline lists the timed evidence lines of all findings, each once (for
// its most severe finding), in time order; lines of the same time in a
// newest-first member (newest: bundle name and path) in reverse line order.
func timeline(fs []report.Finding, inc *time.Time, newest map[[2]string]bool) []report.Event {
	type key struct {
		b, f string
		l    int
	}
	seen := map[key]bool{}
	out := []report.Event{}
	for _, f := range fs { // most severe first
		for _, ev := range f.Evidence {
			if ev.Time == nil {
				continue
			}
			k := key{ev.Bundle, ev.File, ev.Line}
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, report.Event{Time: *ev.Time, Bundle: ev.Bundle, File: ev.File, Line: ev.Line, Text: ev.Text, FindingID: f.ID, Severity: f.Severity})
		}
	}
	less := func(a, b report.Event) bool {
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		if a.Bundle != b.Bundle {
			return a.Bundle < b.Bundle
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if newest[[2]string{a.Bundle, a.File}] {
			return a.Line > b.Line
		}
		return a.Line < b.Line
	}
	if len(out) > maxTimeline {
		// Keep the events nearest the incident, or else the newest.
		ref := out[0].Time
		for _, ev := range out {
			if ev.Time.After(ref) {
				ref = ev.Time
			}
		}
		if inc != nil {
			ref = *inc
		}
		sort.SliceStable(out, func(i, j int) bool {
			return absDur(out[i].Time.Sub(ref)) < absDur(out[j].Time.Sub(ref))
		})
		out = out[:maxTimeline]
	}
	sort.SliceStable(out, func(i, j int) bool { return less(out[i], out[j]) })
	return out
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// excerpts gathers, per member, the runs of lines around evidence lines
// that the pass captured, merging runs that touch.
func excerpts(fs []report.Finding, states []*bundleState) []report.Excerpt {
	byName := map[string]*bundleState{}
	for _, b := range states {
		byName[b.name] = b
	}
	type mkey struct{ b, f string }
	want := map[mkey]map[int]bool{}
	var order []mkey
	for _, f := range fs {
		for _, ev := range f.Evidence {
			k := mkey{ev.Bundle, ev.File}
			if want[k] == nil {
				want[k] = map[int]bool{}
				order = append(order, k)
			}
			want[k][ev.Line] = true
		}
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i].b != order[j].b {
			return order[i].b < order[j].b
		}
		return order[i].f < order[j].f
	})
	var out []report.Excerpt
	total := 0
	for _, k := range order {
		b := byName[k.b]
		if b == nil {
			continue
		}
		m := b.memberOf(k.f)
		if m == nil {
			continue
		}
		var runs []*excerpt
		for _, ex := range append(append([]*excerpt{}, m.exHead()...), m.exRing()...) {
			center := ex.start
			for i := range ex.lines {
				if want[k][ex.start+i] {
					center = -1
					break
				}
			}
			if center == -1 {
				runs = append(runs, ex)
			}
		}
		sort.Slice(runs, func(i, j int) bool { return runs[i].start < runs[j].start })
		var cur *report.Excerpt
		for _, ex := range runs {
			if cur != nil && ex.start <= cur.Start+len(cur.Lines) {
				// Overlapping or adjacent: extend.
				for i, l := range ex.lines {
					if ex.start+i >= cur.Start+len(cur.Lines) {
						cur.Lines = append(cur.Lines, l)
						total++
					}
				}
				continue
			}
			if total+len(ex.lines) > maxExcerptLines {
				break
			}
			out = append(out, report.Excerpt{Bundle: k.b, File: k.f, Start: ex.start, Lines: append([]string{}, ex.lines...)})
			cur = &out[len(out)-1]
			total += len(ex.lines)
		}
	}
	return out
}
