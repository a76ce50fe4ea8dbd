package analyze

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Bursts (issue 14). A match rule reports its densest window: the times
// of the first and the last line of the `within` window that holds the
// most lines (window_start, window_end, alongside rate). With split_gap,
// a group becomes one finding per burst: a gap longer than split_gap
// between two of its lines (in time order, over every member and bundle)
// starts the next burst, and each burst has its own count, first and
// last seen, rate, window and evidence.
//
// Both are exact whatever the volume: counts, times and windows come
// from the group's event stream (evstream.go: every line's time, about
// two bytes a line, merged in time order after the pass). Evidence is
// kept in the pass, before the bursts are known, by local bursts: per
// member, whose lines arrive in order, the lines are cut where one lies
// more than split_gap from the run before it. A local burst's lines are
// gap-connected, so they all belong to one burst of the whole group
// (lines of other members only fill its gaps); a burst's first lines and
// its last are among the first and last lines of its local bursts, which
// is what each local burst keeps. The number of local bursts grows with
// the time the logs span divided by split_gap, not with the lines; past
// a floor of the first and the last ones they draw on the run's memory
// budget, and a burst whose lines were all dropped says so (inexact).

// burst is one burst of a group, or (first == untimed) its lines
// without a time.
type burst struct {
	first, last int64 // Unix nanoseconds of its first and last line
	hits        int
	rate        int   // the most lines in one within window
	winLo       int64 // the window's first and last line (untimed: none)
	winHi       int64
	labels      []int // lines per slot (only when counted)
}

// scanBursts reads streams in time order and cuts them into bursts at
// gaps longer than gap (0: one burst of every line, its lines without a
// time counted in it; else those lines make a burst of their own, first).
// w > 0 computes each burst's densest window of that width (both ends
// included), the earliest of equals. nlabels > 0 counts the lines per
// slot (the streams must keep tags: not timeOnly).
func scanBursts(w, gap time.Duration, nlabels int, streams ...*evStream) []burst {
	lead, trail := newEvIter(streams...), newEvIter(streams...)
	var out []burst
	var loose burst // lines without a time
	loose.first, loose.last, loose.winLo, loose.winHi = untimed, untimed, untimed, untimed
	count := func(b *burst, e *evt) {
		b.hits += e.n
		if nlabels > 0 {
			if b.labels == nil {
				b.labels = make([]int, nlabels)
			}
			if e.sidx < nlabels {
				b.labels[e.sidx] += e.n
			}
		}
	}
	var e, t evt
	n, haveT := 0, false
	var cur *burst
	for lead.next(&e) {
		if e.t == untimed {
			count(&loose, &e)
			continue
		}
		if cur == nil || gap > 0 && e.t-cur.last > int64(gap) {
			out = append(out, burst{first: e.t, winLo: untimed, winHi: untimed})
			cur = &out[len(out)-1]
			n = 0
		}
		cur.last = e.t
		count(cur, &e)
		if w <= 0 {
			continue
		}
		n += e.n
		for {
			if !haveT {
				if !trail.next(&t) {
					break
				}
				if t.t == untimed {
					continue
				}
				haveT = true
			}
			if t.t < cur.first {
				haveT = false // a line of an earlier burst: never counted in n
				continue
			}
			if e.t-t.t <= int64(w) {
				break
			}
			haveT = false
			n -= t.n
		}
		if n > cur.rate {
			cur.rate, cur.winLo, cur.winHi = n, t.t, e.t
		}
	}
	if loose.hits == 0 {
		return out
	}
	if gap > 0 || len(out) == 0 {
		return append([]burst{loose}, out...)
	}
	out[0].hits += loose.hits
	for i, c := range loose.labels {
		if out[0].labels == nil {
			out[0].labels = make([]int, nlabels)
		}
		out[0].labels[i] += c
	}
	return out
}

// window is a group's (or burst's) densest window, zero when none.
type window struct{ lo, hi time.Time }

// densest returns the first and last times of streams, the most timed
// lines in any window of length w (w 0: not computed) and that window.
func densest(w time.Duration, streams ...*evStream) (first, last time.Time, rate int, win window) {
	bs := scanBursts(w, 0, 0, streams...)
	if len(bs) == 0 || bs[0].first == untimed {
		return first, last, 0, win
	}
	b := bs[0]
	return nanoTime(b.first), nanoTime(b.last), b.rate, b.window()
}

func (b *burst) window() window {
	if b.winLo == untimed {
		return window{}
	}
	return window{nanoTime(b.winLo), nanoTime(b.winHi)}
}

func nanoTime(ns int64) time.Time {
	if ns == untimed {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

// setWindow gives a finding's variables the window (nil when none).
func setWindow(vars map[string]any, win window, loc *time.Location) {
	vars["window_start"], vars["window_end"] = timeOrNil(win.lo, loc), timeOrNil(win.hi, loc)
}

// densestRecs is the densest window of kept records in time order (a
// rule judged on its kept lines).
func densestRecs(rs []*record, w time.Duration) window {
	var ts []time.Time
	for _, r := range rs {
		if !r.t.IsZero() {
			ts = append(ts, r.t)
		}
	}
	best, i := 0, 0
	var win window
	for j := range ts {
		for ts[j].Sub(ts[i]) > w {
			i++
		}
		if j-i+1 > best {
			best, win = j-i+1, window{ts[i], ts[j]}
		}
	}
	if w <= 0 {
		return window{}
	}
	return win
}

// burstKey is a burst's finding key: the group's key and the burst's
// start in UTC to the second ("10.0.0.7 @2024-03-01T10:41:07Z"), stable
// whatever the report's zone, and distinct: split_gap is at least a
// second (the validator), so no two bursts start in the same one. The
// lines without a time keep the group's key.
func burstKey(group string, first int64) string {
	if first == untimed {
		return group
	}
	at := "@" + nanoTime(first).Format(time.RFC3339)
	if group == "" {
		return at
	}
	return group + " " + at
}

// burstParts are the values burstKey joins: the group's values and the
// burst's start.
func burstParts(vals []string, first int64) []string {
	if first == untimed {
		return vals
	}
	return append(vals[:len(vals):len(vals)], "@"+nanoTime(first).Format(time.RFC3339))
}

// Keeping the evidence of bursts in the pass.

const (
	// burstFloorHead and burstFloorTail are the local bursts of a group
	// (per bundle) whose lines are kept whatever the budget: the first
	// and the last closed ones; those between draw on the budget.
	burstFloorHead = 32
	burstFloorTail = 32
)

// burstKeep keeps the lines of one group's local bursts.
type burstKeep struct {
	gap  int64
	head int // lines kept from each local burst's start (and its last)
	// draw: a rule whose expressions read records keeps more of each
	// run's lines while the run's budget lasts (as ruleAgg.draw);
	// refused says the budget refused once (no more draws).
	draw, refused bool
	open          map[*member]*localBurst
	// loose holds lines without a time.
	loose   *localBurst
	done    []*localBurst
	ring    []*localBurst
	ringAt  int
	dropped int  // local bursts whose lines were not kept
	full    bool // the budget refused: no more in done
	// fresh are the local bursts that may hold records not owned yet
	// (budget.settle owns them at the end of the chunk's merge).
	fresh   []*localBurst
	touched bool
}

// localBurst is a run of one member's lines, none more than gap from the
// run before it: raw times lo..hi (evtOf), its earliest lines and its
// last.
type localBurst struct {
	lo, hi int64
	first  []*record
	last   *record
	fresh  bool
	cap    int // lines first may hold: burstKeep.head, more drawn on the budget
}

// observeBurst keeps a line of a split_gap rule's group (merger).
func (a *ruleAgg) observeBurst(g *aggGroup, r *record) {
	if g.bursts == nil {
		n := a.rp.rule.MaxEvidence
		if n <= 0 {
			n = 5
		}
		g.bursts = &burstKeep{gap: int64(a.rp.rule.Match.SplitGap.Duration), head: max(n, 2), open: map[*member]*localBurst{},
			draw: a.rp.readsRecords}
	}
	g.bursts.add(r, a.bud)
}

func rawTime(r *record) int64 {
	return evtOf(r, 0, 0, 0).t
}

// burstLess orders two lines of one member by time, then as written.
func burstLess(x, y *record) bool {
	tx, ty := rawTime(x), rawTime(y)
	if tx != ty {
		return tx < ty
	}
	if x.line != y.line {
		if x.m.newestFirst {
			return x.line > y.line
		}
		return x.line < y.line
	}
	return x.seg < y.seg
}

func (k *burstKeep) add(r *record, bud *budget) {
	t := rawTime(r)
	var lb *localBurst
	if t == untimed {
		if k.loose == nil {
			k.loose = &localBurst{lo: untimed, hi: untimed}
		}
		lb = k.loose
	} else {
		lb = k.open[r.m]
		if lb != nil && (t > lb.hi+k.gap || t < lb.lo-k.gap) {
			k.close(lb, bud)
			lb = nil
		}
		if lb == nil {
			lb = &localBurst{lo: t, hi: t}
			k.open[r.m] = lb
		}
		lb.lo, lb.hi = min(lb.lo, t), max(lb.hi, t)
	}
	changed := false
	if lb.last == nil || !burstLess(r, lb.last) {
		lb.last, changed = r, true
	}
	if lb.cap == 0 {
		lb.cap = k.head
	}
	if len(lb.first) == lb.cap && k.draw && !k.refused && !burstLess(r, lb.first[len(lb.first)-1]) {
		if bud.take(recSize(r)) {
			lb.cap++
		} else {
			k.refused = true
		}
	}
	if len(lb.first) < lb.cap || burstLess(r, lb.first[len(lb.first)-1]) {
		i := len(lb.first)
		for i > 0 && burstLess(r, lb.first[i-1]) {
			i--
		}
		lb.first = slices.Insert(lb.first, i, r)
		if len(lb.first) > lb.cap {
			lb.first = lb.first[:lb.cap]
		}
		changed = true
	}
	if !changed || r.raw == nil {
		return
	}
	if bud == nil {
		lb.own() // no merger settles: copy now
		return
	}
	if !lb.fresh {
		lb.fresh = true
		k.fresh = append(k.fresh, lb)
	}
	if !k.touched {
		k.touched = true
		bud.bursts = append(bud.bursts, k)
	}
}

// close ends a member's local burst: kept within the floors or the
// budget, else dropped (the ring keeps the last ones).
func (k *burstKeep) close(lb *localBurst, bud *budget) {
	if !k.full {
		if len(k.done) < burstFloorHead {
			k.done = append(k.done, lb)
			return
		}
		size := 0
		for _, r := range lb.records() {
			size += recSize(r)
		}
		if bud.take(size) {
			k.done = append(k.done, lb)
			return
		}
		k.full = true
	}
	if len(k.ring) < burstFloorTail {
		k.ring = append(k.ring, lb)
		return
	}
	k.ring[k.ringAt] = lb
	k.ringAt = (k.ringAt + 1) % burstFloorTail
	k.dropped++
}

// own gives the local burst's records their own copies.
func (lb *localBurst) own() {
	if lb.last != nil {
		old := lb.last
		lb.last = old.own()
		for i, r := range lb.first {
			if r == old {
				lb.first[i] = lb.last
			} else {
				lb.first[i] = r.own()
			}
		}
	}
	lb.fresh = false
}

// settle owns the records of the local bursts changed in the chunk.
func (k *burstKeep) settle() {
	for _, lb := range k.fresh {
		lb.own()
	}
	k.fresh = k.fresh[:0]
	k.touched = false
}

func (lb *localBurst) records() []*record {
	out := slices.Clone(lb.first)
	if lb.last != nil && !slices.Contains(out, lb.last) {
		out = append(out, lb.last)
	}
	return out
}

// records are the kept lines of every local burst (nil-safe).
func (k *burstKeep) records() []*record {
	if k == nil {
		return nil
	}
	var out []*record
	add := func(lb *localBurst) {
		if lb != nil {
			out = append(out, lb.records()...)
		}
	}
	add(k.loose)
	for _, lb := range k.done {
		add(lb)
	}
	for _, lb := range k.ring {
		add(lb)
	}
	for _, lb := range k.open {
		add(lb)
	}
	return out
}

// burstDrafts makes a split_gap rule's findings for one group: one per
// burst that reaches min.
func (e *evaluator) burstDrafts(rr *ruleRun, g *mergedGroup, resRecs []*record, alsoRecs [][]*record) []*draft {
	rp, spec := rr.rp, rr.rp.rule.Match
	loc := rr.bs[0].loc
	nlabels := 0
	if burstLabels(rp) {
		nlabels = len(rp.any)
	}
	bursts := scanBursts(spec.Within.Duration, spec.SplitGap.Duration, nlabels, g.evs...)
	var kept []*record
	dropped := 0
	for _, k := range g.bursts {
		kept = append(kept, k.records()...)
		dropped += k.dropped
	}
	sortRecords(kept)
	minN := max(spec.Min, 1)
	var out []*draft
	for i := range bursts {
		b := &bursts[i]
		first, last := nanoTime(b.first), nanoTime(b.last)
		recs := burstRecords(kept, first, last)
		rate := b.rate
		if spec.Within.Duration <= 0 || b.first == untimed {
			rate = b.hits
		}
		if rate < minN {
			continue
		}
		caps := g.recs[0]
		if len(recs) > 0 {
			caps = recs[0]
		}
		d := &draft{key: burstKey(g.key, b.first), parts: burstParts(g.vals, b.first), caps: caps, matches: recs, count: b.hits, anchor: first}
		if len(recs) > 0 {
			d.res = resolution(spec, resRecs, recs[len(recs)-1], g.vals)
		}
		d.resolved = d.res != nil
		matched := map[string]any{}
		for j, s := range rp.any {
			if s.label != "" {
				if _, ok := matched[s.label]; !ok {
					matched[s.label] = 0
				}
				if j < len(b.labels) {
					matched[s.label] = matched[s.label].(int) + b.labels[j]
				}
			}
		}
		d.vars = map[string]any{
			"hits": b.hits, "rate": rate,
			"first_seen": timeOrNil(first, loc), "last_seen": timeOrNil(last, loc),
			"span": span(first, last), "matched": matched,
			"resolved": d.res != nil, "resolved_at": nil,
			"records": rr.recordMaps(recs),
			"group":   g.key,
		}
		setWindow(d.vars, b.window(), loc)
		if d.res != nil {
			d.vars["resolved_at"] = timeOrNil(d.res.t, loc)
		}
		d.related = relatedLines(rp, alsoRecs, recs, first, last)
		d.first, d.last = first, last
		var notes []string
		switch {
		case len(recs) == 0:
			notes = append(notes, "no line of this burst was kept (memory budget): it has no evidence")
		case dropped > 0:
			notes = append(notes, fmt.Sprintf("the lines of %d short runs of this group were not kept (memory budget): the evidence of a burst may miss some", dropped))
		}
		if n := keptNote(rp, len(recs), b.hits); n != "" {
			notes = append(notes, n)
		}
		d.inexact = strings.Join(notes, "; ")
		out = append(out, d)
	}
	return out
}

// burstRecords are the kept records (in order) of the burst from first to
// last, or, first zero, those without a time.
func burstRecords(kept []*record, first, last time.Time) []*record {
	var out []*record
	for _, r := range kept {
		if first.IsZero() {
			if r.t.IsZero() {
				out = append(out, r)
			}
			continue
		}
		if !r.t.IsZero() && !r.t.Before(first) && !r.t.After(last) {
			out = append(out, r)
		}
	}
	return out
}

// burstLabels: a split_gap rule whose patterns have labels counts
// matched.<label> per burst, so its event stream keeps each line's slot.
func burstLabels(rp *rulePlan) bool {
	if rp.rule.Match == nil || rp.rule.Match.SplitGap.Duration <= 0 {
		return false
	}
	for _, s := range rp.any {
		if s.label != "" {
			return true
		}
	}
	return false
}
