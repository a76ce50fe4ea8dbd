package analyze

import (
	"time"

	"casefile/profiles"
)

// The end of a bundle's pass. When an input's walk is over, the merger
// is handed a marker behind the input's last chunk (scanner.bundleDone);
// in its turn, once every chunk of the bundle is merged, it finishes the
// bundle (endBundle): untimed records waiting for a time are delivered,
// times are dated (fixYears, fixTimes), and what the bundle holds only
// for the pass is let go, so that a run holds little more for the
// twentieth bundle than for the first (issue 13; docs/engine.md, Records
// and their limits):
//
//   - a match rule of scope bundle reduces the time streams of its groups
//     to what is read of them (first and last time, densest window): the
//     streams grow with the matching lines;
//   - the excerpts of a member are kept only around kept lines: the
//     report quotes excerpts around evidence, and evidence lines are kept
//     records (a context's lines come from members it keeps, which keep
//     their excerpts); the rest is given back to the run's budget for the
//     bundles still to come.

// spanSum is what a match group's time stream gives (densest).
type spanSum struct {
	first, last time.Time
	rate        int
	win         window
}

// bundleDone hands the merger the end of b's pass, behind b's chunks.
func (s *scanner) bundleDone(b *bundleState) {
	done := make(chan struct{})
	close(done)
	s.order <- &job{done: done, fin: func() { s.endBundle(b) }}
}

// endBundle finishes a bundle whose chunks are all merged (the merger, or
// after the pass for a bundle whose marker was not sent).
func (s *scanner) endBundle(b *bundleState) {
	if b.passDone {
		return
	}
	b.passDone = true
	if atBundleEnd != nil {
		atBundleEnd(b, s)
	}
	for _, m := range b.members {
		s.flushPending(b, m)
	}
	s.bud.settle()
	b.fixYears()
	b.fixTimes()
	b.reduceStreams()
	b.foldSequences()
	b.exEnded, b.exEndedSize = nil, 0
	b.pruneExcerpts(s.exBud, nil, true)
	for _, m := range b.members {
		s.exBud.give(m.shareLines()) // excerpt_share.go
	}
	if s.mine != nil {
		s.mine.endBundle(b)
	}
}

// pruneMemberMin is the excerpt bytes from which the excerpts of the
// members whose pass is over are pruned (pruning costs a look at every
// record the bundle keeps: not worth it for a few excerpts).
const pruneMemberMin = 64 << 10

// memberDone hands the merger the end of a member's pass, behind its
// chunks: a member holding many excerpts keeps only those around its
// kept lines, so that the excerpts of the members and bundles walked
// side by side do not use up the run's budget before the bundle's end.
// Small members are pruned together, a while after their end (endedMember).
func (s *scanner) memberDone(b *bundleState, m *member) {
	done := make(chan struct{})
	close(done)
	s.order <- &job{done: done, fin: func() {
		n := 0
		for _, ex := range m.exHead() {
			n += excerptSize(ex)
		}
		for _, ex := range m.exRing() {
			n += excerptSize(ex)
		}
		if n >= pruneMemberMin {
			b.pruneExcerpts(s.exBud, []*member{m}, false)
			return
		}
		if n > 0 && len(m.retainedChunks()) == 0 && len(m.pendNext) == 0 {
			// (a kept member keeps its excerpts; records still waiting
			// for a time are delivered at the bundle's end)
			b.endedMember(s.exBud, m, n)
		}
	}}
}

// endedMember queues a small member whose pass is over for pruning its
// excerpts (memberDone): once the queued members hold twice
// pruneMemberMin, the oldest of them holding pruneMemberMin are pruned
// together. Not at once: the last lines a rule counts (the tail its
// groups keep) are in the members read last, and their excerpts would
// stay until the bundle's end; a while later most of those lines have
// left the tail. Before, a bundle of 10,000 small logs held the whole
// excerpt budget (4 MiB) from its first 800 logs on, and the logs after
// those got no excerpts (issue 13: memory flat in the number of members).
func (b *bundleState) endedMember(bud *budget, m *member, size int) {
	b.exEnded = append(b.exEnded, endedEx{m, size})
	b.exEndedSize += size
	if b.exEndedSize < 2*pruneMemberMin {
		return
	}
	var batch []*member
	n, k := 0, 0
	for ; k < len(b.exEnded) && n < pruneMemberMin; k++ {
		batch = append(batch, b.exEnded[k].m)
		n += b.exEnded[k].size
	}
	b.exEnded = append(b.exEnded[:0], b.exEnded[k:]...)
	b.exEndedSize -= n
	b.pruneExcerpts(bud, batch, false)
}

// endedEx is a member queued by endedMember and its excerpts' bytes.
type endedEx struct {
	m    *member
	size int
}

// reduceStreams replaces the time streams of the groups of the bundle's
// match rules of scope bundle by their first and last times and densest
// window: those rules read nothing else of them, and read them for this
// bundle alone (a rule of scope all merges the bundles' streams). The
// streams of a state rule of scope bundle are walked (walkState) and let
// go the same way.
func (b *bundleState) reduceStreams() {
	for _, a := range b.aggs {
		if a != nil && a.rp.kind == "state" && a.rp.rule.Scope != "all" && !keepStreams {
			// a state rule of scope bundle reads its groups' streams once,
			// for this bundle alone: walk them now (evalState)
			for _, g := range a.order {
				if g.stateSum == nil {
					g.stateSum = walkState(a.rp, maxEvidenceOf(a.rp.rule), &g.ev)
					g.ev = evStream{}
				}
			}
			continue
		}
		if a == nil || a.rp.kind != "match" || a.rp.rule.Scope == "all" || a.rp.rule.Match.SplitGap.Duration > 0 {
			continue // scope all merges the bundles' streams; split_gap cuts them into bursts after the pass
		}
		w := a.rp.rule.Match.Within.Duration
		for _, g := range a.order {
			if g.span != nil {
				continue
			}
			first, last, rate, win := densest(w, &g.ev)
			g.span = &spanSum{first: first, last: last, rate: rate, win: win}
			g.ev = evStream{timeOnly: true}
		}
	}
}

// quotesOnly: the aggregate is a match rule's of scope bundle that keeps
// only its floors (ruleAgg.draw): of its kept lines, its findings quote
// the ones pickEvidence picks (its also lines are other slots' records).
func quotesOnly(a *ruleAgg) bool {
	return a.rp.kind == "match" && !a.draw && a.rp.rule.Scope != "all"
}

// maxEvidenceOf is the evidence lines a finding of r quotes of its
// matches (max_evidence, default 5).
func maxEvidenceOf(r *profiles.Rule) int {
	if r.MaxEvidence <= 0 {
		return 5
	}
	return r.MaxEvidence
}

// pruneExcerpts drops the excerpts of the bundle's members that hold no
// kept line, giving their bytes back to bud: those of one member (only,
// at the end of its pass: a line not kept then is never kept later), or
// of all the bundle's members. final: the bundle's pass is over, so that
// the lines a group quotes are known (quotesOnly). A member whose lines
// a context keeps (retained) keeps all its excerpts: its context lines
// may be quoted.
func (b *bundleState) pruneExcerpts(bud *budget, only []*member, final bool) {
	type mline struct{ m, line int }
	kept := map[mline]bool{}
	var of map[*member]bool // only's members; nil: all
	if only != nil {
		of = make(map[*member]bool, len(only))
		for _, m := range only {
			of[m] = true
		}
	}
	add := func(rs []*record) {
		for _, r := range rs {
			if r != nil && r.m != nil && (of == nil || of[r.m]) {
				kept[mline{r.m.idx, r.line}] = true
			}
		}
	}
	for i := range b.slots {
		add(b.slots[i].head)
		add(b.slots[i].tail)
	}
	for _, a := range b.aggs {
		if a == nil {
			continue
		}
		for _, g := range a.order {
			if final && quotesOnly(a) {
				// The finding quotes the group's first and last kept
				// lines (pickEvidence over them sorted), nothing else of
				// them: only those are looked up in the excerpts.
				rs := g.kept.records()
				sortRecords(rs)
				add(pickEvidence(rs, maxEvidenceOf(a.rp.rule)))
				continue
			}
			add(g.kept.head)
			add(g.kept.tail)
			add(g.cand.head)
			add(g.cand.tail)
			add(g.pend)
		}
	}
	for _, fa := range b.factAggs {
		if fa != nil {
			add(fa.records())
		}
	}
	keep := func(m *member, ex *excerpt) bool {
		for i := range ex.lines {
			if kept[mline{m.idx, ex.start + i}] {
				return true
			}
		}
		return false
	}
	// (b.members only when all are pruned, after the pass: during it the
	// walk's goroutine appends to it)
	members := only
	if only == nil {
		members = b.members
	}
	for _, m := range members {
		if len(m.retainedChunks()) > 0 || len(m.exHead())+len(m.exRing()) == 0 {
			continue
		}
		x := m.ex
		heads := x.excerpts[:0]
		for _, ex := range x.excerpts {
			if keep(m, ex) {
				heads = append(heads, ex)
			} else {
				bud.give(excerptSize(ex))
			}
		}
		clear(x.excerpts[len(heads):])
		x.excerpts = heads
		if len(heads) == 0 {
			x.excerpts = nil // most members keep none: not their array either
		}
		var tail []*excerpt
		for _, ex := range x.exTail {
			if keep(m, ex) {
				tail = append(tail, ex)
			} else {
				bud.give(excerptSize(ex))
			}
		}
		x.exTail, x.exTailAt = tail, 0
		if len(x.excerpts) == 0 && len(x.exTail) == 0 && !x.exFull {
			m.ex = nil // nor the holder
		}
	}
}

// densest is the group's first and last times and densest window
// (window w) over its bundles: from its streams, or from the one stream
// its bundle reduced (a match rule of scope bundle reads one bundle).
func (g *mergedGroup) densest(w time.Duration) (first, last time.Time, rate int, win window) {
	if len(g.spans) == 1 && len(g.evs) == 0 {
		s := g.spans[0]
		return s.first, s.last, s.rate, s.win
	}
	if len(g.spans) > 0 {
		panic("analyze: a match group merges reduced streams") // reduceStreams skips rules of scope all
	}
	return densest(w, g.evs...)
}

// atBundleEnd, when set (tests), runs as each bundle's pass ends, before
// what only the pass needed is let go (the heap's peak: TestProfileRun).
var atBundleEnd func(b *bundleState, s *scanner)
