package analyze

import (
	"container/heap"
	"encoding/binary"
	"math"
	"time"
)

// An evStream is a compact, append-only list of the matched lines a rule
// counts: per line its time, member, line number, segment and a small
// tag (the rule's slot or label). Aggregates that depend on the order of
// lines across members (the densest window, which request an answer
// follows, state changes) are computed from it after the pass, exactly,
// whatever the number of lines: an entry costs about five bytes, not a
// record. Entries are kept in segments, each in the order of the merge
// (evLess), ascending or descending; a line that breaks the order of the
// current segment starts a new one. Iterating merges the segments.
type evStream struct {
	segs []*evSeg
	n    int
	// timeOnly streams (match rules: only the densest window needs the
	// lines) keep times alone, a run of equal times as one entry with its
	// count: about two bytes a line, less when lines share a second.
	timeOnly bool
	// final streams hold times already dated (seqFold's waiting starts):
	// the cursor does not date them again.
	final bool
}

// untimed is the time of a line without one (it sorts first).
const untimed = math.MinInt64

// evt is one entry. t is Unix nanoseconds, or untimed; for a member
// whose format has no date it is the day index times 24h plus the time
// of day until the member is dated (evSeg.next converts it).
type evt struct {
	t    int64
	m    *member
	b    int
	line int
	seg  int
	tag  int
	sidx int // the slot's index among the rule's slots
	prio int // sequence rules: 0 start, 1 expect (at the same time, starts first)
	n    int // lines behind the entry (timeOnly streams), else 1
}

// evLess orders entries like records (record.before), a start before an
// expect of the same time.
func evLess(x, y *evt) bool {
	if x.t != y.t {
		return x.t < y.t
	}
	if x.t != untimed && x.prio != y.prio {
		return x.prio < y.prio
	}
	return untimedLess(x, y)
}

type evSeg struct {
	m    *member
	b    int
	buf  []byte
	n    int
	dir  int // 0 undecided, 1 ascending, -1 descending
	last evt
	// timeOnly: entries are times with counts; run is the count of the
	// last time, not written yet.
	timeOnly bool
	final    bool
	run      int
	// encoder state (deltas)
	esec, eline int64
}

// evtOf is a record's entry (its time still raw for time-of-day members).
func evtOf(r *record, sidx, tag, prio int) evt {
	e := evt{t: untimed, m: r.m, b: r.b.idx, line: r.line, seg: r.seg, sidx: sidx, tag: tag, prio: prio}
	if !r.t.IsZero() {
		if r.m.tod {
			e.t = int64(r.day)*int64(24*time.Hour) + int64(todOf(r.t))
		} else {
			e.t = r.t.UnixNano()
		}
	}
	return e
}

// add appends a record's entry.
func (s *evStream) add(r *record, sidx, tag, prio int) { s.addN(r, sidx, tag, prio, 1) }

// addN appends a record's entry standing for n lines (a weighted line:
// timeOnly streams only; others take n 1).
func (s *evStream) addN(r *record, sidx, tag, prio, n int) {
	s.addEvt(evtOf(r, sidx, tag, prio), n)
}

// addEvt appends an entry standing for n lines.
func (s *evStream) addEvt(e evt, n int) {
	s.n += n
	if s.timeOnly {
		e = evt{t: e.t, m: e.m, b: e.b}
		if k := len(s.segs); k > 0 {
			if sg := s.segs[k-1]; sg.joins(e.m, e.b) && sg.run > 0 && sg.last.t == e.t {
				sg.run += n
				return
			}
		}
	}
	var sg *evSeg
	if k := len(s.segs); k > 0 {
		sg = s.segs[k-1]
		if !sg.joins(e.m, e.b) {
			sg = nil
		} else {
			switch sg.dir {
			case 0:
				if evLess(&e, &sg.last) {
					sg.dir = -1
				} else {
					sg.dir = 1
				}
			case 1:
				if evLess(&e, &sg.last) {
					sg = nil
				}
			case -1:
				if evLess(&sg.last, &e) {
					sg = nil
				}
			}
		}
	}
	if sg == nil {
		if s.timeOnly && len(s.segs) >= compactSegs {
			s.compact(e.b)
		}
		sg = &evSeg{m: e.m, b: e.b, timeOnly: s.timeOnly, final: s.final}
		s.segs = append(s.segs, sg)
	}
	if sg.timeOnly {
		sg.flush()
		sg.run = n
		sg.last = e
		return
	}
	sg.put(e)
}

// joins reports whether an entry of member m of bundle b may go on
// segment sg: one of sg's member, or, in a timeOnly segment, one of
// another member of its bundle when both members' times are final in
// the pass (a date, and a year not guessed: fixTimes and fixYears change
// neither), which reading the segment does not change. A bundle of
// 10,000 logs made a segment per log and group (160 bytes and more
// each, 3.5 MiB at the bundle's end; issue 13); the entries of such a
// segment read as its first member's, which only the order of entries
// of the same time would tell (timeOnly streams are read for times).
func (sg *evSeg) joins(m *member, b int) bool {
	if sg.m == m {
		return true
	}
	return sg.timeOnly && sg.b == b && finalTimes(sg.m) && finalTimes(m)
}

// compactSegs is the segments a timeOnly stream holds before its small
// segments of final times are merged into one (compact).
const compactSegs = 64

// compact merges the small segments (fewer than compactSegs entries) of
// final times of bundle b of a timeOnly stream into one, when there are
// half compactSegs of them: a stream whose times go back from member to
// member (the logs of several families, or rotations, side by side)
// made a segment of a few entries per member (issue 13: one bundle of
// 10,000 logs). Only small segments are merged, so that an entry is
// merged a few times at most. The merged entries read as its first
// member's, as those of a segment joins makes.
func (s *evStream) compact(b int) {
	var small, rest []*evSeg
	for _, sg := range s.segs {
		if sg.timeOnly && sg.b == b && finalTimes(sg.m) && sg.n < compactSegs {
			small = append(small, sg)
		} else {
			rest = append(rest, sg)
		}
	}
	if len(small) < compactSegs/2 {
		return
	}
	ns := &evSeg{m: small[0].m, b: b, timeOnly: true, dir: 1}
	it := newEvIter(&evStream{segs: small}) // flushes their runs
	var e evt
	for it.next(&e) {
		if ns.run > 0 && ns.last.t == e.t {
			ns.run += e.n
			continue
		}
		ns.flush()
		ns.run, ns.last = e.n, evt{t: e.t, m: ns.m, b: b}
	}
	ns.flush()
	s.segs = append(rest, ns)
}

// finalTimes: the member's times are final when the pass reads them.
func finalTimes(m *member) bool { return !m.tod && !m.tc.guessed }

// flush writes a timeOnly segment's pending run.
func (sg *evSeg) flush() {
	if sg.run == 0 {
		return
	}
	var tmp [3 * binary.MaxVarintLen64]byte
	b := tmp[:0]
	e := sg.last
	if e.t == untimed {
		b = binary.AppendUvarint(b, 0)
	} else {
		sec, nsec := floorDiv(e.t, 1e9)
		b = binary.AppendUvarint(b, 1+uint64(nsec))
		b = binary.AppendVarint(b, sec-sg.esec)
		sg.esec = sec
	}
	b = binary.AppendUvarint(b, uint64(sg.run-1))
	sg.buf = append(sg.buf, b...)
	sg.n++
	sg.run = 0
}

func (sg *evSeg) put(e evt) {
	var tmp [5 * binary.MaxVarintLen64]byte
	b := tmp[:0]
	if e.t == untimed {
		b = binary.AppendUvarint(b, 0)
	} else {
		sec, nsec := floorDiv(e.t, 1e9)
		b = binary.AppendUvarint(b, 1+uint64(nsec))
		b = binary.AppendVarint(b, sec-sg.esec)
		sg.esec = sec
	}
	b = binary.AppendVarint(b, int64(e.line)-sg.eline)
	sg.eline = int64(e.line)
	b = binary.AppendUvarint(b, uint64(e.seg))
	b = binary.AppendUvarint(b, uint64(e.tag)<<1|uint64(e.prio&1))
	b = binary.AppendUvarint(b, uint64(e.sidx))
	sg.buf = append(sg.buf, b...)
	sg.n++
	sg.last = e
}

func floorDiv(a, b int64) (q, r int64) {
	q, r = a/b, a%b
	if r < 0 {
		q--
		r += b
	}
	return q, r
}

// segCur reads one segment in order.
type segCur struct {
	sg   *evSeg
	pos  int
	sec  int64
	line int64
	left int
	cur  evt
	// rev holds a descending segment's entries, read from the end.
	rev []evt
}

func (c *segCur) next() bool {
	if c.rev != nil {
		if c.left == 0 {
			return false
		}
		c.left--
		c.cur = c.rev[c.left]
		return true
	}
	if c.left == 0 {
		return false
	}
	c.left--
	buf := c.sg.buf
	tv, k := binary.Uvarint(buf[c.pos:])
	c.pos += k
	e := evt{m: c.sg.m, b: c.sg.b, t: untimed, n: 1}
	if tv != 0 {
		d, k := binary.Varint(buf[c.pos:])
		c.pos += k
		c.sec += d
		raw := c.sec*1e9 + int64(tv-1)
		if c.sg.final {
			e.t = raw
		} else if e.m.tod && e.m.timesDone {
			day, tod := floorDiv(raw, int64(24*time.Hour))
			e.t = e.m.dateOf(int(day), time.Duration(tod)).UnixNano()
		} else {
			e.t = raw
			if f := e.m.yearFix; f != nil {
				e.t = f.applyNano(raw, e.m.tc.loc)
			}
		}
	}
	if c.sg.timeOnly {
		n, k := binary.Uvarint(buf[c.pos:])
		c.pos += k
		e.n = int(n) + 1
		c.cur = e
		return true
	}
	d, k := binary.Varint(buf[c.pos:])
	c.pos += k
	c.line += d
	e.line = int(c.line)
	sv, k := binary.Uvarint(buf[c.pos:])
	c.pos += k
	e.seg = int(sv)
	tg, k := binary.Uvarint(buf[c.pos:])
	c.pos += k
	e.tag, e.prio = int(tg>>1), int(tg&1)
	sv, k = binary.Uvarint(buf[c.pos:])
	c.pos += k
	e.sidx = int(sv)
	c.cur = e
	return true
}

func newSegCur(sg *evSeg) *segCur {
	c := &segCur{sg: sg, left: sg.n}
	if sg.dir == -1 {
		all := make([]evt, 0, sg.n)
		for c.next() {
			all = append(all, c.cur)
		}
		// all is in descending order: read it from the end.
		*c = segCur{sg: sg, rev: all, left: len(all)}
	}
	return c
}

// evIter merges the segments of streams in order (evLess).
type evIter struct{ h curHeap }

type curHeap []*segCur

func (h curHeap) Len() int           { return len(h) }
func (h curHeap) Less(i, j int) bool { return evLess(&h[i].cur, &h[j].cur) }
func (h curHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *curHeap) Push(x any)        { *h = append(*h, x.(*segCur)) }
func (h *curHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func newEvIter(streams ...*evStream) *evIter {
	it := &evIter{}
	for _, s := range streams {
		if s == nil {
			continue
		}
		for _, sg := range s.segs {
			sg.flush()
			c := newSegCur(sg)
			if c.next() {
				it.h = append(it.h, c)
			}
		}
	}
	heap.Init(&it.h)
	return it
}

// next returns the next entry in order, false at the end.
func (it *evIter) next(e *evt) bool {
	if len(it.h) == 0 {
		return false
	}
	c := it.h[0]
	*e = c.cur
	if c.next() {
		heap.Fix(&it.h, 0)
	} else {
		heap.Pop(&it.h)
	}
	return true
}

// timeOfEvt is an entry's time (zero when untimed).
func timeOfEvt(e *evt) time.Time {
	if e.t == untimed {
		return time.Time{}
	}
	return time.Unix(0, e.t).UTC()
}
