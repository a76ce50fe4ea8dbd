package analyze

import "time"

// The end of a bundle's pass. When an input's walk is over, the merger
// is handed a marker behind the input's last chunk (scanner.bundleDone);
// in its turn, once every chunk of the bundle is merged, it finishes the
// bundle (endBundle): untimed records waiting for a time are delivered,
// times are dated (fixYears, fixTimes), and what the bundle holds only
// for the pass is let go, so that a run holds little more for the
// twentieth bundle than for the first (issue 13; docs/engine.md, Records
// and their limits): a match rule of scope bundle reduces the time
// streams of its groups to what is read of them (first and last time,
// densest window), since the streams grow with the matching lines.

// spanSum is what a match group's time stream gives (spanAndRate).
type spanSum struct {
	first, last time.Time
	rate        int
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
	for _, m := range b.members {
		s.flushPending(b, m)
	}
	s.bud.settle()
	b.fixYears()
	b.fixTimes()
	b.reduceStreams()
}

// reduceStreams replaces the time streams of the groups of the bundle's
// match rules of scope bundle by their first and last times and densest
// window: those rules read nothing else of them, and read them for this
// bundle alone (a rule of scope all merges the bundles' streams).
func (b *bundleState) reduceStreams() {
	for _, a := range b.aggs {
		if a == nil || a.rp.kind != "match" || a.rp.rule.Scope == "all" {
			continue
		}
		w := a.rp.rule.Match.Within.Duration
		for _, g := range a.order {
			if g.span != nil {
				continue
			}
			first, last, rate := spanAndRate(w, &g.ev)
			g.span = &spanSum{first: first, last: last, rate: rate}
			g.ev = evStream{timeOnly: true}
		}
	}
}

// spanAndRate is the group's first and last times and densest window
// (window w) over its bundles: from its streams, or from the one stream
// its bundle reduced (a match rule of scope bundle reads one bundle).
func (g *mergedGroup) spanAndRate(w time.Duration) (first, last time.Time, rate int) {
	if len(g.spans) == 1 && len(g.evs) == 0 {
		s := g.spans[0]
		return s.first, s.last, s.rate
	}
	if len(g.spans) > 0 {
		panic("analyze: a match group merges reduced streams") // reduceStreams skips rules of scope all
	}
	return spanAndRate(w, g.evs...)
}
