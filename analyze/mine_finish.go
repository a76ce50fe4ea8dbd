package analyze

import "time"

// A log's miner (its prefix tree, clusters, shapes and maps) is needed
// only while the log is read: when the pass moves on from a log, the
// merging goroutine folds it into what the report needs, the log's
// templates with their count, lines explained, first and last time and
// line, example, level and busiest minute (finish), and drops the rest.
// What a run holds of its logs then grows by the templates kept, not by
// the miners; those share one budget across the logs of the run (mineRun).

// mineBudget is the memory (bytes, about) the templates of all finished
// logs of a run may hold: a template's text (once per run: the texts are
// shared), its example line and its counts. A log finished with the
// budget spent keeps none of its templates beyond; their lines are
// counted as dropped, like those beyond the cap per log.
var mineBudget = 48 << 20

// tplSize is what one kept template costs besides its texts.
const tplSize = 160

// mineRun is what mining shares across the logs of a run (merging
// goroutine only).
type mineRun struct {
	// keepGroups: each log keeps its templates (lm.kept) for a baseline
	// snapshot; otherwise a finished log's templates are folded into its
	// bundle's families (foldLog) and the log keeps their number.
	keepGroups bool
	// texts interns the templates' texts: one copy however many logs.
	texts map[string]string
	left  int
	// cur is each bundle's log being read (members of one bundle are
	// read in order: a chunk of another means the last one ended).
	cur map[*bundleState]*member
}

func newMineRun() *mineRun {
	return &mineRun{texts: map[string]string{}, left: mineBudget, cur: map[*bundleState]*member{}}
}

// merged takes a merged chunk of member m into its templates, and
// finishes the bundle's log before it when m is another.
func (r *mineRun) merged(ms *memberScan, data []byte, base int, cont bool, hs []hit) {
	m := ms.m
	if prev := r.cur[ms.b]; prev != nil && prev != m {
		r.finish(ms.b, prev)
	}
	r.cur[ms.b] = m
	m.mine.chunk(ms, data, base, cont, hs)
}

// endBundle finishes the bundle's last log (its pass is over: no other
// log of it comes to end it), so that its miner does not stay until the
// end of the run, and drops what folding its logs needed (foldLog).
func (r *mineRun) endBundle(b *bundleState) {
	for _, m := range b.members {
		r.finish(b, m)
	}
	delete(r.cur, b)
	if t := b.tpls; t != nil {
		t.byTpl, t.isBenign = nil, nil
	}
}

// end finishes every log still open (the pass is over).
func (r *mineRun) end(states []*bundleState) {
	for _, b := range states {
		for _, m := range b.members {
			r.finish(b, m)
		}
	}
	clear(r.cur)
}

// finish folds a read log's miner into its templates (see groups), those
// into its bundle's log families (foldLog), and frees the miner.
func (r *mineRun) finish(b *bundleState, m *member) {
	lm := m.mine
	if lm == nil || lm.done {
		return
	}
	lm.done = true
	gs := lm.fold()
	var first, last time.Time
	for _, g := range gs {
		if !g.first.IsZero() && (first.IsZero() || g.first.Before(first)) {
			first = g.first
		}
		if g.last.After(last) {
			last = g.last
		}
	}
	lm.firstN, lm.lastN = modNanoOf(first), modNanoOf(last)
	kept := gs[:0]
	for _, g := range gs {
		text, ok := r.texts[g.template]
		cost := tplSize + len(g.example)
		if !ok {
			cost += len(g.template)
		}
		if cost > r.left {
			lm.dropped += g.count
			continue
		}
		r.left -= cost
		if !ok {
			r.texts[g.template] = g.template
			text = g.template
		}
		g.template = text
		kept = append(kept, g)
	}
	if lm.miner != nil {
		lm.dropped += lm.miner.Dropped
	}
	lm.nKept = int32(len(kept))
	if r.keepGroups {
		lm.kept = append([]tplGroup(nil), kept...)
	}
	b.foldLog(m, kept)
	lm.mineWork = nil
}

// fold gathers the log's clusters with the same final template into one
// group each, in the order they were first mined.
func (lm *logMine) fold() []tplGroup {
	by := map[string]int{}
	var out []tplGroup
	for _, st := range lm.order {
		t := st.c.Template()
		i, ok := by[t]
		if !ok {
			i = len(out)
			by[t] = i
			out = append(out, tplGroup{template: t, firstLine: st.firstLine, example: st.example})
		}
		g := &out[i]
		g.count += st.count
		g.matched += st.matched
		if st.firstLine < g.firstLine {
			g.firstLine, g.example = st.firstLine, st.example
		}
		if !st.first.IsZero() && (g.first.IsZero() || st.first.Before(g.first)) {
			g.first = st.first
		}
		if st.last.After(g.last) {
			g.last = st.last
		}
		if st.level != "" && g.level != "ERROR" {
			g.level = st.level
		}
		g.peak = max(g.peak, st.peak, st.inMin)
	}
	return out
}

// tplGroup is one template of a log: the clusters of the log's miner
// with the same final template, folded.
type tplGroup struct {
	template       string
	count, matched int
	// firstLine and example: the group's first line.
	firstLine      int
	example, level string
	first, last    time.Time
	peak           int // most lines in one minute
}
