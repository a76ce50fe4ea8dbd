package analyze

import (
	"math"
	"slices"
	"sort"
)

// A sequence rule is evaluated in the pass, exactly, without keeping
// every start and expect (issue 13). Whether a start is answered does not
// depend on the order lines arrive in, only on the set of expects:
//
//   - a timed start at t is answered by the first expect after it in the
//     merge order (evLess: a start sorts before an expect of the same
//     time); every later line is timed and no earlier, so it is answered
//     exactly when some timed expect lies in [t, t+within] (within 0: at
//     or after t);
//   - or (skew) when an expect of another bundle lies in [t-skew, t): the
//     last timed expect of that bundle before the start is at most skew
//     before it;
//   - an untimed start (it sorts first) is answered by any timed expect,
//     or by an untimed expect after it in (bundle, member, line, segment,
//     slot) order;
//   - a start answered by none is left unanswered, unless its window
//     reaches past the end of the data (not judged).
//
// So a group folds its expects into sets of times (the union of the
// windows [e-within, e] that answer a start, per bundle the skew windows
// [e+1, e+skew]: integer nanoseconds, touching intervals merged, so a
// steady stream of replies is one interval) and counts a start answered
// as soon as a set holds it. Starts not answered yet wait in a short
// list that each expect resolves (a reply usually follows its request
// within a few lines), then in a compact stream (evStream, entries in
// the merge's order per segment) that is filtered as it grows; what
// waits at the end of the run is judged against the whole run's sets,
// in the merge's order (the order of the finding's evidence). Memory
// grows with the starts left unanswered, and with the gaps in the
// replies longer than within (at most one interval per gap), not with
// the lines.
//
// Times must be final to be folded: a member whose dates are worked out
// after the pass (time of day only, a yearless format whose year was
// guessed) keeps its entries in the group's event stream (hold) until
// the end of its bundle's pass (foldHeld), as the streams did.
type seqFold struct {
	within, skew int64
	b            int   // the bundle
	ans          ivals // times a timed start is answered at
	skewIv       ivals // times a start of another bundle is answered at (skew)
	anyTimed     bool  // a timed expect was seen: every untimed start is answered
	haveU        bool
	lastU        evt // the last untimed expect in the merge's order
	answered     int // starts answered for good
	recent       []evt
	pend         evStream // starts waiting, times final
	pendLimit    int
	hold         evStream // entries of members whose times are not final yet
	// judged: the bundle's pass is over and the rule reads it alone
	// (judgeBundle); pend then holds the unanswered starts kept
	judged *seqJudged
}

// recentMax bounds the short list of starts waiting for an expect;
// pendMin is the waiting entries from which the pend stream is filtered
// (variables for the tests only).
var recentMax, pendMin = 64, 4096

func newSeqFold(within, skew int64, b int) *seqFold {
	return &seqFold{within: within, skew: skew, b: b, pend: evStream{final: true}, pendLimit: pendMin}
}

// timesFinal reports whether the member's record times are final when
// the merger delivers them (else fixTimes or fixYears moves them after
// the bundle's pass).
func timesFinal(m *member) bool {
	return !m.tod && (m.parser == nil || !m.parser.yearless || !m.tc.guessed)
}

// observe folds one start (prio 0) or expect (prio 1) of the group.
func (f *seqFold) observe(r *record, sidx, prio int) {
	if !timesFinal(r.m) {
		f.hold.add(r, sidx, sidx, prio)
		return
	}
	e := evtOf(r, sidx, sidx, prio)
	f.fold(&e)
}

// fold takes one entry whose time is final.
func (f *seqFold) fold(e *evt) {
	if e.prio == 0 {
		if f.resolved(e) {
			f.answered++
			return
		}
		if len(f.recent) == recentMax {
			f.flushRecent()
		}
		f.recent = append(f.recent, *e)
		return
	}
	if e.t == untimed {
		if !f.haveU || untimedLess(&f.lastU, e) {
			f.haveU, f.lastU = true, *e
		}
	} else {
		f.anyTimed = true
		lo := int64(math.MinInt64 + 1)
		if f.within > 0 {
			lo = e.t - f.within
		}
		f.ans.add(lo, e.t)
		if f.skew > 0 {
			f.skewIv.add(e.t+1, e.t+f.skew)
		}
	}
	if len(f.recent) > 0 {
		keep := f.recent[:0]
		for i := range f.recent {
			if f.resolved(&f.recent[i]) {
				f.answered++
			} else {
				keep = append(keep, f.recent[i])
			}
		}
		f.recent = keep
	}
}

// resolved reports whether the expects folded so far answer start e
// (skew aside: other bundles' expects are judged at the end).
func (f *seqFold) resolved(e *evt) bool {
	if e.t == untimed {
		return f.anyTimed || f.haveU && untimedLess(e, &f.lastU)
	}
	return f.ans.has(e.t)
}

// untimedLess is evLess for two untimed entries, and evLess's order for
// two entries of the same time and priority: by place in the input.
func untimedLess(x, y *evt) bool {
	if x.b != y.b {
		return x.b < y.b
	}
	if x.m.idx != y.m.idx {
		return x.m.idx < y.m.idx
	}
	if x.line != y.line {
		if x.m.newestFirst {
			return x.line > y.line
		}
		return x.line < y.line
	}
	if x.seg != y.seg {
		return x.seg < y.seg
	}
	return x.sidx < y.sidx
}

// flushRecent moves the waiting starts to the pend stream, filtering it
// when it has grown.
func (f *seqFold) flushRecent() {
	for i := range f.recent {
		f.pend.addEvt(f.recent[i], 1)
	}
	f.recent = f.recent[:0]
	if f.pend.n >= f.pendLimit {
		f.compact()
	}
}

// compact drops the starts of the pend stream that the expects folded
// since answer.
func (f *seqFold) compact() {
	old := f.pend
	f.pend = evStream{final: true}
	for _, sg := range old.segs {
		c := newSegCur(sg)
		for c.next() {
			if f.resolved(&c.cur) {
				f.answered++
			} else {
				f.pend.addEvt(c.cur, 1)
			}
		}
	}
	f.pendLimit = max(pendMin, 2*f.pend.n)
}

// foldHeld folds the entries held for members whose times are final now
// (after fixTimes and fixYears: the stream's cursor dates them).
func (f *seqFold) foldHeld() {
	if f.hold.n == 0 {
		return
	}
	held := f.hold
	f.hold = evStream{}
	for _, sg := range held.segs {
		sg.flush()
		c := newSegCur(sg)
		for c.next() {
			e := c.cur
			f.fold(&e)
		}
	}
}

// finish ends the fold's part of the pass: waiting starts go to the pend
// stream.
func (f *seqFold) finish() {
	f.foldHeld()
	f.flushRecent()
}

// ivals is a sorted list of disjoint, non-touching closed intervals of
// int64.
type ivals []ival

type ival struct{ lo, hi int64 }

// add unites [lo, hi] with the set.
func (s *ivals) add(lo, hi int64) {
	v := *s
	n := len(v)
	if n == 0 || lo > v[n-1].hi && lo-v[n-1].hi > 1 {
		*s = append(v, ival{lo, hi})
		return
	}
	if last := &v[n-1]; lo >= last.lo {
		last.hi = max(last.hi, hi) // overlaps or touches the last one
		return
	}
	// the first interval that overlaps or touches [lo, hi], and the first
	// after those
	i := sort.Search(n, func(k int) bool { return v[k].hi >= lo || lo-v[k].hi <= 1 })
	if i < n && v[i].lo <= lo && hi <= v[i].hi {
		return // inside one already (a member overlapping another's times)
	}
	j := sort.Search(n, func(k int) bool { return v[k].lo > hi && v[k].lo-hi > 1 })
	if i == j {
		*s = slices.Insert(v, i, ival{lo, hi})
		return
	}
	u := ival{min(lo, v[i].lo), max(hi, v[j-1].hi)}
	*s = slices.Replace(v, i, j, u)
}

// has reports whether t is in the set.
func (s ivals) has(t int64) bool {
	n := len(s)
	if n == 0 {
		return false
	}
	if l := s[n-1]; t >= l.lo {
		return t <= l.hi
	}
	i := sort.Search(n, func(k int) bool { return s[k].hi >= t })
	return i < n && s[i].lo <= t
}

// unite is the union of several sets.
func unite(sets ...ivals) ivals {
	var all []ival
	for _, s := range sets {
		all = append(all, s...)
	}
	slices.SortFunc(all, func(x, y ival) int {
		switch {
		case x.lo < y.lo:
			return -1
		case x.lo > y.lo:
			return 1
		}
		return 0
	})
	var out ivals
	for _, v := range all {
		out.add(v.lo, v.hi)
	}
	return out
}

// foldSequences folds the entries the bundle's sequence groups held for
// members dated after the pass (endBundle, after fixTimes and fixYears).
func (b *bundleState) foldSequences() {
	defer b.judgeBundle()
	for _, a := range b.aggs {
		if a == nil || a.rp.kind != "sequence" {
			continue
		}
		for _, g := range a.order {
			if g.seq != nil {
				g.seq.foldHeld()
			}
		}
	}
}

// seqJudged is what the judging of a group's waiting starts gives.
type seqJudged struct {
	answered, nUn int
	first, last   int64 // of the unanswered timed starts, or untimed
}

// judgeWaiting judges the starts still waiting in the folds of a group
// (one per bundle of the rule's run) against the expects of them all and
// the end of the data, in the merge's order; un sees each unanswered
// start. Folds judged at the end of their bundle's pass (judgeBundle)
// give what they found then, their unanswered starts being those of
// their lines kept then.
func judgeWaiting(folds []*seqFold, within, skew, endNS int64, un func(x *evt)) seqJudged {
	var j seqJudged
	j.first, j.last = untimed, untimed
	if len(folds) == 1 && folds[0].judged != nil {
		f := folds[0]
		j = *f.judged
		it := newEvIter(&f.pend)
		var x evt
		for it.next(&x) {
			un(&x)
		}
		return j
	}
	anyTimed := false
	var lastU *evt
	var sets []ivals
	var pends []*evStream
	for _, f := range folds {
		f.finish()
		j.answered += f.answered
		anyTimed = anyTimed || f.anyTimed
		if f.haveU && (lastU == nil || untimedLess(lastU, &f.lastU)) {
			lastU = &f.lastU
		}
		sets = append(sets, f.ans)
		pends = append(pends, &f.pend)
	}
	ans := unite(sets...)
	if len(sets) == 1 {
		ans = sets[0]
	}
	it := newEvIter(pends...)
	var x evt
next:
	for it.next(&x) {
		if x.t == untimed {
			if anyTimed || lastU != nil && untimedLess(&x, lastU) {
				j.answered++
				continue
			}
		} else {
			if ans.has(x.t) {
				j.answered++
				continue
			}
			if skew > 0 {
				for _, f := range folds {
					if f.b != x.b && f.skewIv.has(x.t) {
						j.answered++
						continue next
					}
				}
			}
			if within > 0 && endNS != untimed && x.t+within > endNS {
				continue // may still be answered
			}
			if j.first == untimed {
				j.first = x.t
			}
			j.last = x.t
		}
		j.nUn++
		un(&x)
	}
	return j
}

// judgeBundle judges, at the end of the bundle's pass, the waiting starts
// of its sequence rules of scope bundle, whose runs read this bundle
// alone: what waits then is the unanswered starts whose lines the group
// keeps (for the evidence), not every one of them.
func (b *bundleState) judgeBundle() {
	if keepStreams {
		return
	}
	endNS := int64(untimed)
	if end := dataEnd([]*bundleState{b}); !end.IsZero() {
		endNS = end.UnixNano()
	}
	for _, a := range b.aggs {
		if a == nil || a.rp.kind != "sequence" || a.rp.rule.Scope == "all" {
			continue
		}
		sp := a.rp.rule.Sequence
		for _, g := range a.order {
			f := g.seq
			if f == nil || f.judged != nil {
				continue
			}
			kept := map[posKey]bool{}
			for _, rs := range [][]*record{g.kept.head, g.kept.tail, g.cand.head, g.cand.tail, g.pend} {
				for _, r := range rs {
					kept[posOf(r)] = true
				}
			}
			un := evStream{final: true}
			j := judgeWaiting([]*seqFold{f}, int64(sp.Within.Duration), int64(sp.Skew.Duration), endNS, func(x *evt) {
				if kept[posOfEvt(x)] {
					un.addEvt(*x, 1)
				}
			})
			f.pend, f.judged = un, &j
			f.ans, f.skewIv, f.recent = nil, nil, nil
		}
	}
}
