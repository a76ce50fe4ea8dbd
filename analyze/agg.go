package analyze

import (
	"slices"
	"strconv"
	"strings"

	"casefile/profiles"
)

// Aggregates. Everything a match, sequence or state rule reports as a
// number is computed from every line its patterns match, in the pass,
// whatever the volume: the merger hands each record to its rule's
// aggregate (ruleAgg.observe), which evaluates where (when it reads only
// the line: its captures, label, value, file, bundle, line, text, time),
// works out the group, counts, and appends the line to the group's
// evStream (about five bytes a line). Only the records kept as evidence
// are bounded, by the run's memory budget (budget).

// budget is the one memory budget of a run: records kept beyond each
// store's floor and excerpts draw from it, across all members and
// bundles. The merger alone uses it.
type budget struct {
	left int
	// touched are the stores and groups holding records not owned yet
	// (see record.own), owned by settle at the end of each chunk's merge.
	touched []*recKeep
	pend    []*aggGroup
	bursts  []*burstKeep // split_gap groups holding such records (burst.go)
}

func (b *budget) touch(k *recKeep) {
	if b != nil && !k.touched {
		k.touched = true
		b.touched = append(b.touched, k)
	}
}

// settle gives every record still held by reference into the chunk its
// own copy: only the ones that stayed in a ring, not every line.
func (b *budget) settle() {
	for _, k := range b.touched {
		for i, r := range k.tail {
			k.tail[i] = r.own()
		}
		k.touched = false
	}
	b.touched = b.touched[:0]
	for _, g := range b.pend {
		for i, r := range g.pend {
			g.pend[i] = r.own()
		}
		g.pendTouched = false
	}
	b.pend = b.pend[:0]
	for _, k := range b.bursts {
		k.settle()
	}
	b.bursts = b.bursts[:0]
}

// runBudget is the bytes of records and excerpts kept beyond the floors.
const runBudget = 12 << 20

func (b *budget) take(n int) bool {
	if b == nil || b.left < n {
		return false
	}
	b.left -= n
	return true
}

func (b *budget) give(n int) {
	if b != nil {
		b.left += n
	}
}

// recSize estimates the memory a kept record holds.
func recSize(r *record) int {
	if r.raw != nil {
		return 176 + 2*len(r.raw) + 16*len(r.pat.names) + 2*r.body.size()
	}
	n := 176 + len(r.text) + 16*len(r.caps) + r.body.size()
	for _, c := range r.caps {
		if len(r.text) == 0 || !sameBacking(c, r.text) {
			n += len(c)
		}
	}
	if len(r.match) > 0 && !sameBacking(r.match, r.text) {
		n += len(r.match)
	}
	return n
}

// sameBacking: s lies within t's bytes (a capture that shares the text).
func sameBacking(s, t string) bool {
	if len(s) == 0 || len(t) == 0 {
		return true
	}
	return strings.Contains(t, s) // cheap enough for kept records only
}

// keepFloorHead and keepFloorTail are the records every store keeps
// whatever the budget: the first and the last lines of a slot (per
// bundle) or of a rule's group, so that every finding has evidence.
const (
	keepFloorHead = 16
	keepFloorTail = 8
)

// recKeep keeps records: the first ones (keepFloorHead, then as long as
// the budget allows) and a ring of the last keepFloorTail.
type recKeep struct {
	head    []*record
	tail    []*record
	tailAt  int
	dropped int
	full    bool // the budget refused: no more heads
	touched bool // holds records not owned yet (budget.touch)
}

// add keeps a record: as a head while the floor (or, with draw, the
// budget) allows, else in the ring of the last ones. A record not owned
// is copied when it becomes a head, and at the end of the chunk's merge
// if it is still in the ring.
func (k *recKeep) add(r *record, bud *budget, draw bool) {
	if !k.full && (len(k.head) < keepFloorHead || draw && bud.take(recSize(r))) {
		k.head = append(k.head, r.own())
		return
	}
	k.full = true
	if r.raw != nil {
		bud.touch(k)
	}
	if len(k.tail) < keepFloorTail {
		k.tail = append(k.tail, r)
		return
	}
	k.tail[k.tailAt] = r
	k.tailAt = (k.tailAt + 1) % keepFloorTail
	k.dropped++
}

func (k *recKeep) records() []*record {
	out := make([]*record, 0, len(k.head)+len(k.tail))
	out = append(out, k.head...)
	out = append(out, k.tail[k.tailAt:]...)
	out = append(out, k.tail[:k.tailAt]...)
	return out
}

func (k *recKeep) n() int { return len(k.head) + len(k.tail) + k.dropped }

// ruleAgg is a rule's aggregate in one bundle.
type ruleAgg struct {
	rp   *rulePlan
	bud  *budget
	tag  map[*slot]int // the slot's index among the rule's slots
	keys []string      // group_by / key captures
	// where is evaluated in the pass (wherePass), memoised on the values
	// of the names it reads (whereMemo) when it reads no line-specific
	// field; whereErr is its first failure.
	wherePass  bool
	whereNames []string
	whereMemo  map[string]bool
	memoKey    []byte
	whereErr   error
	groups     map[string]*aggGroup
	order      []*aggGroup
	lastGroup  *aggGroup // the group found last
	prevGroup  *aggGroup // and the one before it
	kb         []byte
	// last is the line observed last: a line two slots of the rule
	// read is counted once (the first slot's).
	last     posKey
	lastPat  *pattern
	lastRole int
	seen     bool
	// draw: the rule's kept records may draw on the run's budget beyond
	// the floors. A match rule whose expressions do not read records
	// quotes only its first and last lines (pickEvidence, up to
	// max_evidence), which the floors hold: it keeps no more, so that
	// memory does not grow with the lines and bundles analyzed together
	// (its counts, times and rates come from the aggregate; its also
	// lines are joined to the kept ones).
	draw bool
	// tagged: the event stream keeps each line's slot (burstLabels).
	tagged bool
}

// aggGroup is one group (group_by value, sequence or state key).
type aggGroup struct {
	id     string // groupID(vals)
	key    string
	vals   []string
	hits   int
	labels []int // per slot tag (match)
	ev     evStream
	kept   recKeep
	// Sequence rules: pend are the starts since the group's last expect
	// (at most maxPend), cand keeps those an expect came too late for, or
	// none at all: the likely unanswered ones, kept for evidence whatever
	// the budget took.
	pend        []*record
	pendTouched bool
	cand        recKeep
	// bursts keeps the evidence of a split_gap rule's bursts (burst.go).
	bursts *burstKeep
	// seq evaluates a sequence group in the pass (seqfold.go): its starts
	// and expects do not go to ev.
	seq *seqFold
	// stateSum replaces ev once the bundle's pass is over, for a state
	// rule of scope bundle (reduceStreams).
	stateSum *stateSum
	// span replaces ev once the bundle's pass is over, for a match rule
	// of scope bundle (reduceStreams).
	span *spanSum
}

// maxPend bounds a sequence group's pending starts in the pass.
const maxPend = 64

// lineFields are the names of a record map that vary line by line.
var lineFields = map[string]bool{"line": true, "text": true, "time": true}

// recordFields are the names of a record map besides captures.
var recordFields = map[string]bool{"value": true, "file": true, "line": true, "text": true, "time": true, "bundle": true, "label": true}

// newRuleAgg makes the aggregate of a match, sequence or state rule, or
// nil for other kinds.
func newRuleAgg(rp *rulePlan, bud *budget) *ruleAgg {
	a := &ruleAgg{rp: rp, bud: bud, tag: map[*slot]int{}, groups: map[string]*aggGroup{}}
	a.draw = rp.kind != "match" || rp.readsRecords || rp.rule.MaxEvidence > keepFloorHead
	var slots []*slot
	switch rp.kind {
	case "match":
		a.keys = rp.rule.Match.GroupBy
		slots = rp.any
		if rp.rule.Match.SplitGap.Duration > 0 {
			a.draw = false // each burst keeps its own lines (burstKeep)
			a.tagged = burstLabels(rp)
		}
		if w := &rp.rule.Match.Where; w.IsSet() {
			a.whereNames = profiles.ExprNames(w)
			a.wherePass = true
			memo := true
			for _, n := range a.whereNames {
				if !contains(rp.captures, n) && !recordFields[n] {
					a.wherePass = false // reads facts or bundles: judged after the pass
				}
				if lineFields[n] {
					memo = false
				}
			}
			if a.wherePass && memo {
				a.whereMemo = map[string]bool{}
			}
			if !a.wherePass {
				return nil
			}
		}
	case "sequence":
		a.keys = rp.rule.Sequence.Key
		slots = append(append([]*slot{}, rp.start...), rp.exp...)
	case "state":
		a.keys = rp.rule.State.Key
		slots = rp.any
	default:
		return nil
	}
	for i, s := range slots {
		a.tag[s] = i
	}
	return a
}

// groupKey is the key a finding shows for a group's values: the values
// joined with spaces. Groups are told apart by groupID, never by this
// text: ("x y", "z") and ("x", "y z") are two groups.
func groupKey(vals []string) string { return strings.Join(vals, " ") }

// groupID identifies a tuple of values: each value with its length.
func groupID(vals []string) string {
	var b []byte
	for _, v := range vals {
		b = appendIDPart(b, v)
	}
	return string(b)
}

func appendIDPart(b []byte, v string) []byte {
	b = strconv.AppendInt(b, int64(len(v)), 10)
	b = append(b, ':')
	return append(b, v...)
}

// group finds or makes the group of a record, without allocating when it
// exists.
func (a *ruleAgg) group(r *record) *aggGroup {
	// Lines of one group often come in runs, or alternate between two:
	// the groups found last are compared value by value first (equal
	// values, equal id: groupID is one-to-one).
	for _, g := range [2]*aggGroup{a.lastGroup, a.prevGroup} {
		if g != nil && r.capturesAre(a.keys, g.vals) {
			if g != a.lastGroup {
				a.lastGroup, a.prevGroup = g, a.lastGroup
			}
			return g
		}
	}
	kb := a.kb[:0]
	for _, k := range a.keys {
		n := len(kb)
		kb = r.appendCapture(kb, k)
		// length prefix: moved in front of the value
		v := len(kb) - n
		var pre [24]byte
		p := strconv.AppendInt(pre[:0], int64(v), 10)
		p = append(p, ':')
		kb = append(kb, p...)
		copy(kb[n+len(p):], kb[n:n+v])
		copy(kb[n:], p)
	}
	a.kb = kb
	if g := a.groups[string(kb)]; g != nil {
		a.lastGroup, a.prevGroup = g, a.lastGroup
		return g
	}
	vals := make([]string, len(a.keys))
	for i, k := range a.keys {
		vals[i], _ = r.capture(k)
	}
	g := &aggGroup{id: string(kb), key: groupKey(vals), vals: vals, labels: make([]int, len(a.tag))}
	a.groups[string(kb)] = g
	a.order = append(a.order, g)
	a.lastGroup, a.prevGroup = g, a.lastGroup
	return g
}

// where judges a record in the pass.
func (a *ruleAgg) where(r *record, sl *slot) bool {
	if a.whereErr != nil {
		return false
	}
	if a.whereMemo != nil {
		kb := a.memoKey[:0]
		for _, n := range a.whereNames {
			kb = append(kb, fieldOf(r, sl, n)...)
			kb = append(kb, 0)
		}
		a.memoKey = kb
		if ok, hit := a.whereMemo[string(kb)]; hit {
			return ok
		}
	}
	o := r.own()
	env := recordMap(o, o.value(), sl.label, a.rp.captures)
	ok, err := truth(&a.rp.rule.Match.Where, env)
	if err != nil {
		a.whereErr = exprError(r.b.plan.prof, &a.rp.rule.Match.Where, "where", err)
		return false
	}
	if a.whereMemo != nil && len(a.whereMemo) < 1<<16 {
		a.whereMemo[string(a.memoKey)] = ok
	}
	return ok
}

// fieldOf is the text of a name a memoised where reads.
func fieldOf(r *record, sl *slot, n string) string {
	switch n {
	case "value":
		return r.value()
	case "file":
		return r.m.path
	case "bundle":
		return r.b.name
	case "label":
		return sl.label
	}
	v, _ := r.capture(n)
	return v
}

// observe takes one record of one of the rule's slots (merger).
func (a *ruleAgg) observe(r *record, sl *slot) {
	tag := sl.tag // the plan numbered the rule's slots as tag does
	if sl.rule != a.rp.idx {
		tag = a.tag[sl]
	}
	role := 0
	if a.rp.kind == "sequence" && tag >= len(a.rp.start) {
		role = 1
	}
	if p := (posKey{r.b.idx, r.m.idx, r.line, r.seg, 0}); a.seen && p == a.last && r.pat == a.lastPat && role == a.lastRole {
		return
	} else {
		a.last, a.lastPat, a.lastRole, a.seen = p, r.pat, role, true
	}
	switch a.rp.kind {
	case "match":
		if a.wherePass && !a.where(r, sl) {
			return
		}
		g := a.group(r)
		w := weightOf(r, ruleWeight(a.rp))
		g.hits += w
		g.labels[tag] += w
		g.ev.timeOnly = !a.tagged
		g.ev.addN(r, tag, tag, 0, w)
		g.kept.add(r, a.bud, a.draw)
		if a.rp.rule.Match.SplitGap.Duration > 0 {
			a.observeBurst(g, r)
		}
	case "sequence":
		g := a.group(r)
		start := tag < len(a.rp.start)
		prio := 1
		if start {
			prio = 0
			g.hits++
			g.kept.add(r, a.bud, true)
			if len(g.pend) == maxPend {
				g.cand.add(g.pend[0], a.bud, false)
				g.pend = append(g.pend[:0], g.pend[1:]...)
			}
			g.pend = append(g.pend, r)
			if r.raw != nil && !g.pendTouched && a.bud != nil {
				g.pendTouched = true
				a.bud.pend = append(a.bud.pend, g)
			}
		} else {
			w := a.rp.rule.Sequence.Within.Duration
			for _, p := range g.pend {
				if w > 0 && !p.t.IsZero() && !r.t.IsZero() && r.t.Sub(p.t) > w {
					g.cand.add(p, a.bud, false)
				}
			}
			g.pend = g.pend[:0]
		}
		if g.seq == nil {
			sp := a.rp.rule.Sequence
			g.seq = newSeqFold(int64(sp.Within.Duration), int64(sp.Skew.Duration), r.b.idx)
		}
		g.seq.observe(r, tag, prio)
		if keepStreams {
			g.ev.add(r, tag, tag, prio)
		}
	case "state":
		id, ok := -1, false
		if ev, isEv := a.rp.event[sl]; isEv {
			id = a.intern(ev)*2 + 1
			ok = true
		} else {
			val := a.rp.fixedState[sl]
			if val == "" {
				val, _ = r.capture("state")
			}
			if val != "" {
				id, ok = a.intern(val)*2, true
			}
		}
		if !ok {
			return
		}
		g := a.group(r)
		g.hits++
		g.ev.add(r, tag, id, 0)
		g.kept.add(r, a.bud, true)
	}
}

// intern numbers the state and event names of a state rule (one table
// per rule for all bundles; the merger alone writes it).
func (a *ruleAgg) intern(s string) int {
	t := a.rp.names
	if id, ok := t.id[s]; ok {
		return id
	}
	t.id[s] = len(t.vals)
	t.vals = append(t.vals, s)
	return len(t.vals) - 1
}

type internTable struct {
	vals []string
	id   map[string]int
}

// aggGroups gathers a rule's groups over bundles, each key once, in the
// order of their first lines.
type mergedGroup struct {
	key    string
	vals   []string
	hits   int
	labels []int
	evs    []*evStream
	recs   []*record // kept, sorted
	cands  []*record // sequence: likely unanswered starts
	seqs   []*seqFold
	// stateSum: a state group of scope bundle, walked at the end of its
	// bundle's pass
	stateSum *stateSum
	total    int // lines behind recs
	aggs     []*ruleAgg
	bursts   []*burstKeep
	// spans: match streams reduced at the end of their bundle's pass
	spans []*spanSum
}

func mergeGroups(rr *ruleRun) ([]*mergedGroup, error) {
	var out []*mergedGroup
	by := map[string]*mergedGroup{}
	for _, b := range rr.bs {
		a := b.aggs[rr.rp.idx]
		if a == nil {
			continue
		}
		if a.whereErr != nil {
			return nil, a.whereErr
		}
		for _, g := range a.order {
			m := by[g.id]
			if m == nil {
				m = &mergedGroup{key: g.key, vals: g.vals, labels: make([]int, len(g.labels))}
				by[g.id] = m
				out = append(out, m)
			}
			m.hits += g.hits
			for i, n := range g.labels {
				m.labels[i] += n
			}
			if g.span != nil {
				m.spans = append(m.spans, g.span)
			} else if g.stateSum != nil {
				m.stateSum = g.stateSum // scope bundle: the group's only bundle
			} else {
				m.evs = append(m.evs, &g.ev)
			}
			m.recs = append(m.recs, g.kept.records()...)
			m.cands = append(m.cands, g.cand.records()...)
			m.cands = append(m.cands, g.pend...)
			m.total += g.kept.n()
			if g.bursts != nil {
				m.bursts = append(m.bursts, g.bursts)
			}
			if g.seq != nil {
				m.seqs = append(m.seqs, g.seq)
			}
			m.aggs = append(m.aggs, a)
		}
	}
	for _, m := range out {
		sortRecords(m.recs)
	}
	// In the order of their first kept lines (as a pass over sorted
	// records would meet them).
	slices.SortStableFunc(out, func(x, y *mergedGroup) int {
		switch {
		case len(x.recs) == 0 || len(y.recs) == 0:
			return 0
		case x.recs[0].before(y.recs[0]):
			return -1
		case y.recs[0].before(x.recs[0]):
			return 1
		}
		return 0
	})
	return out, nil
}

// keptIndex finds kept records by line.
type posKey struct {
	b, m, line, seg, sidx int
}

func posOf(r *record) posKey {
	sidx := -1
	if r.sl != nil {
		sidx = r.sl.tag
	}
	return posKey{r.b.idx, r.m.idx, r.line, r.seg, sidx}
}
func posOfEvt(e *evt) posKey { return posKey{e.b, e.m.idx, e.line, e.seg, e.sidx} }
