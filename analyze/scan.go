package analyze

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"casefile/analyze/input"
)

// The pass. Each input is walked once; each member a rule, fact or
// context reads is cut into chunks of whole lines by the walking
// goroutine (which also decompresses), the chunks are scanned by a pool
// of workers, and a merging goroutine takes their results in order:
// absolute line numbers, times inherited across chunks, records appended
// to their slots. See docs/engine.md.

// chunkSize is the size of the buffers lines are cut into. A line longer
// than this is handed on in pieces that share its line number.
const chunkSize = 1 << 20

var bufPool = sync.Pool{New: func() any { b := make([]byte, chunkSize); return &b }}

// memberScan is what the pass does with one member.
type memberScan struct {
	b       *bundleState
	m       *member
	pats    []*pattern
	slotsOf [][]*slot           // per pats index
	lits    map[literal][]int32 // the literals of pats, and which pats need each
	search  *searcher           // built from the first chunk
	always  []int32             // pats without literals: run on every line
	retain  bool
	tc      timeCtx
	split   bool
	// fcaps are the file pattern group values of the slots that have one.
	fcaps map[*slot][]string
}

// job is one chunk of a member.
type job struct {
	ms   *memberScan
	data []byte
	buf  *[]byte
	cont bool // the first line continues the previous chunk's last line
	// first: the member's first chunk (its excerpts are built by the
	// worker: the member's head keeps them).
	first bool
	done  chan struct{}

	// Results, line numbers relative to the chunk (newlines before).
	// hits are the matches, made into records (not owned: their text is
	// in data, see record.own) by the merger in its reused slab.
	hits []hit
	// times holds the times of the segments with hits (hit.ti), locs the
	// submatch indices of the hits that found them (hit.lo, hit.ln): a
	// hit holds no pointer, so the collector does not scan hits.
	times    []time.Time
	locs     []int
	nl       int
	firstT   time.Time
	lastT    time.Time
	invalid  int
	excerpts []*excerpt
	// Time-of-day members: the chunk's first and last time of day and the
	// day changes within it.
	tod todCursor
	// obs holds each observer's partial result for the chunk.
	obs []any
	// spans are the records of hits, by index (continuation logs only).
	spans []recSpan
	// fin, when set, is no chunk: the merger runs it in its turn
	// (scanner.bundleDone).
	fin func()
}

// A lineObserver sees every member the pass reads (every line, matching
// or not), a chunk of whole lines at a time, map/reduce style: scanChunk
// runs in the scanning workers, side by side on different chunks (it
// must not write shared state; the chunk's bytes are only valid during
// the call), and returns a partial result; mergeChunk gets those results
// in member and line order in the merging goroutine (firstLine is the
// number of the chunk's first line; a chunk whose first line continues
// the previous chunk's last line, cont, happens only for lines longer
// than a chunk). Template mining hooks in here: counting per chunk in
// scanChunk keeps the per-line cost in the parallel workers.
type lineObserver interface {
	scanChunk(m *member, data []byte) any
	mergeChunk(b *bundleState, m *member, firstLine int, cont bool, partial any)
}

// lineCounter is a partial result of a lineObserver that cut the chunk
// into lines: lineCount is their number (the last one counts without
// its newline). The worker takes the chunk's newlines from it rather
// than counting them again.
type lineCounter interface{ lineCount() int }

// scanner runs the pass for all inputs of one analysis.
type scanner struct {
	jobs      chan *job
	order     chan *job
	workers   sync.WaitGroup
	mergeDone chan struct{}
	retained  int      // bytes retained across members (merger only)
	slab      []record // the records of the chunk being merged
	skip      []int32  // quickSkips' scratch
	// hitFree holds the hit slices of merged chunks for the workers to
	// reuse: a chunk's hits then cost no growth (a sync.Pool loses them
	// at each GC, and a dense chunk holds tens of thousands).
	hitFree chan hitBuf
	// bud is the run's budget for kept records, exBud for excerpts
	// (merger only).
	bud, exBud *budget
	// observers are told about every matching line (see lineObserver).
	observers []lineObserver
	// mine: template mining's state across logs (merger only).
	mine *mineRun
	// inFlight holds a token per chunk read and not merged (chunkbufs.go).
	inFlight chan struct{}
	free     chan *[]byte // chunk buffers to reuse (chunkbufs.go)
}

func newScanner(workers int) *scanner {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	s := &scanner{
		jobs:      make(chan *job, workers+1),
		order:     make(chan *job, workers+1),
		mergeDone: make(chan struct{}),
		hitFree:   make(chan hitBuf, workers+2),
		bud:       &budget{left: runBudget},
		exBud:     &budget{left: excerptBudget},
		inFlight:  make(chan struct{}, chunkTokens(workers)),
		free:      make(chan *[]byte, chunkTokens(workers)),
	}
	for i := 0; i < workers; i++ {
		s.workers.Add(1)
		go func() {
			defer s.workers.Done()
			w := &worker{free: s.hitFree}
			for j := range s.jobs {
				w.scan(j)
				j.nl = -1
				if len(s.observers) > 0 {
					j.obs = make([]any, len(s.observers))
					for k, o := range s.observers {
						j.obs[k] = o.scanChunk(j.ms.m, j.data)
						if c, ok := j.obs[k].(lineCounter); ok {
							j.nl = c.lineCount()
							if n := len(j.data); n > 0 && j.data[n-1] != '\n' {
								j.nl-- // a last line without its newline
							}
						}
					}
				}
				if j.nl < 0 {
					j.nl = bytes.Count(j.data, []byte{'\n'})
				}
				close(j.done)
			}
		}()
	}
	go func() {
		defer close(s.mergeDone)
		for j := range s.order {
			<-j.done
			if j.fin != nil {
				j.fin()
				continue
			}
			s.merge(j)
		}
	}()
	return s
}

// close waits for every submitted chunk to be merged.
func (s *scanner) close() {
	close(s.jobs)
	close(s.order)
	s.workers.Wait()
	<-s.mergeDone
}

func (s *scanner) submit(j *job) {
	j.done = make(chan struct{})
	s.order <- j
	s.jobs <- j
}

// setup decides what the pass does with a member; nil: nothing (it is
// not read beyond what the walk needs for hashing).
func (s *scanner) setup(b *bundleState, im input.Member, clock time.Time) *memberScan {
	b.all = append(b.all, im.Path)
	p := b.plan
	spec := p.specFor(im.Path)
	var slots []*slot
	memo := make([]int8, len(p.globLists))
	for _, sl := range p.slots {
		if sl.readsMemo(im.Path, memo) {
			slots = append(slots, sl)
		}
	}
	retain := len(p.retain) > 0 && matchAny(p.retain, im.Path)
	if spec == nil && len(slots) == 0 && !retain {
		return nil
	}
	if b.aggs == nil {
		b.aggs = make([]*ruleAgg, len(p.rules))
		for i, rp := range p.rules {
			b.aggs[i] = newRuleAgg(rp, s.bud)
		}
	}
	m := &member{idx: len(b.members), path: im.Path, size: im.Size, modNano: modNanoOf(im.ModTime), todState: &noTod, spec: spec}
	b.members = append(b.members, m)
	ms := &memberScan{b: b, m: m, retain: retain}
	ms.tc = timeCtx{loc: b.logZoneOf(spec), ref: b.ref}
	if spec != nil {
		ms.tc.zs = newZoneState(ms.tc.loc)
	}
	if ms.tc.ref.IsZero() {
		ms.tc.guessed = true
		ms.tc.ref = im.ModTime
		if ms.tc.ref.IsZero() {
			ms.tc.ref = clock
		}
	}
	m.tc = ms.tc
	if spec != nil {
		m.parser = spec.parser
		m.tod = m.parser != nil && m.parser.todOnly
		m.newestFirst = spec.spec.Order == "newest-first"
		m.needTod()
		ms.split = spec.spec.Split
		if s.mine != nil {
			m.mine = newLogMine(m, ms.tc)
		}
	}
	idx := map[*pattern]int{}
	for _, sl := range slots {
		i, ok := idx[sl.pat]
		if !ok {
			i = len(ms.pats)
			idx[sl.pat] = i
			ms.pats = append(ms.pats, sl.pat)
			ms.slotsOf = append(ms.slotsOf, nil)
		}
		ms.slotsOf[i] = append(ms.slotsOf[i], sl)
		if sl.filePat != nil {
			if ms.fcaps == nil {
				ms.fcaps = map[*slot][]string{}
			}
			ms.fcaps[sl] = sl.fileCaps(im.Path)
		}
	}
	ms.lits = map[literal][]int32{}
	for i, pat := range ms.pats {
		if len(pat.lits) == 0 {
			ms.always = append(ms.always, int32(i))
			continue
		}
		for _, l := range pat.lits {
			ms.lits[l] = append(ms.lits[l], int32(i))
		}
	}
	return ms
}

// read cuts a member into chunks and submits them.
func (s *scanner) read(ctx context.Context, ms *memberScan, r io.Reader) error {
	bp, err := s.getBuf(ctx)
	if err != nil {
		return err
	}
	buf := (*bp)[:chunkSize]
	n := 0
	cont := false
	first := true
	for {
		if err := ctx.Err(); err != nil {
			s.putBuf(bp)
			return err
		}
		k, err := io.ReadFull(r, buf[n:])
		n += k
		eof := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !eof {
			s.putBuf(bp)
			return err
		}
		data := buf[:n]
		if first && ms.m.spec != nil && ms.m.spec.auto {
			ms.m.parser = detectParser(firstLines(data, 20), &ms.tc, ms.b.plan.customs...)
			ms.m.tod = ms.m.parser != nil && ms.m.parser.todOnly
			ms.m.needTod()
		}
		if first && len(ms.lits) > 0 {
			ms.search = newSearcher(ms.lits, data)
		}
		firstChunk := first
		first = false
		var carry []byte
		nextCont := false
		if !eof {
			if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
				i = recordCut(ms.contRe(), data, i) // a multi-line record stays in one chunk
				carry, data = data[i+1:], data[:i+1]
			} else {
				nextCont = true
			}
		}
		var nbp *[]byte
		var nbuf []byte
		if !eof {
			if nbp, err = s.getBuf(ctx); err != nil {
				s.putBuf(bp)
				return err
			}
			nbuf = (*nbp)[:chunkSize]
			n = copy(nbuf, carry)
		}
		if len(data) > 0 {
			s.submit(&job{ms: ms, data: data, buf: bp, cont: cont, first: firstChunk})
		} else {
			s.putBuf(bp)
		}
		if eof {
			return nil
		}
		bp, buf, cont = nbp, nbuf, nextCont
	}
}

func firstLines(data []byte, n int) [][]byte {
	var out [][]byte
	for len(data) > 0 && len(out) < n {
		i := bytes.IndexByte(data, '\n')
		line := data
		if i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(bytes.TrimSpace(line)) > 0 {
			out = append(out, line)
		}
	}
	return out
}

// merge takes a scanned chunk's results into the bundle (merger goroutine).
func (s *scanner) merge(j *job) {
	ms, m := j.ms, j.ms.m
	base := m.lines
	rc := retainedChunk{rolls: m.rolls, todLast: m.todLast, todHave: m.todHave}
	sign := 1
	if m.newestFirst {
		sign = -1
	}
	dayBase := m.rolls
	if m.tod && j.tod.have && m.todHave && rolled(m.newestFirst, m.todLast, j.tod.first) {
		dayBase++
	}
	// The hits become records in the merger's slab (reused: records that
	// stay are owned copies), but for those quickSkips counts.
	skip, skipped := s.quickSkips(j)
	if need := len(j.hits) - skipped; cap(s.slab) < need {
		s.slab = make([]record, need, need+need/4)
	}
	recs := s.slab[:len(j.hits)-skipped]
	// Untimed lines of a newest-first member left waiting by the chunks
	// before take this chunk's first time.
	if len(m.pendNext) > 0 && !j.firstT.IsZero() {
		for _, p := range m.pendNext {
			p.r.t, p.r.day, p.r.inheritNext = j.firstT, sign*dayBase, false
			s.deliver(ms.b, p.sl, p.r)
		}
		m.pendNext = nil
	}
	lazy := false
	for _, e := range j.excerpts {
		e.start += base + 1
		lazy = lazy || e.lazy
		m.addExcerpt(e, s.exBud)
	}
	if lazy {
		// The excerpts the member keeps of those the worker only sized
		// are built while the chunk's bytes are here.
		for _, e := range m.ex.excerpts {
			e.build(j.data)
		}
		for _, e := range m.ex.exTail {
			e.build(j.data)
		}
	}
	// Records go to their slots in line order (the worker made them so);
	// a slot with a file pattern gets a copy carrying its groups. A
	// rule's slot feeds its aggregate, which keeps what it needs. Each
	// record is made, dated and delivered in one go: the slab is written
	// once (a dense chunk's is larger than the caches).
	nr := 0
	for i := range j.hits {
		if skip != nil {
			if p := j.hits[i].pat; skip[p] > 0 {
				skip[p]-- // counted by quickSkips: no record
				continue
			}
		}
		r := &recs[nr]
		nr++
		j.recInto(r, i)
		r.line += base + 1
		switch {
		case r.inherit:
			r.t, r.day = m.last, m.lastDay
		case m.tod && !r.t.IsZero():
			r.day = sign * (dayBase + r.day)
		}
		r.inherit = false
		for _, sl := range ms.slotsOf[j.hits[i].pat] {
			x := r
			if sl.filePat != nil {
				c := *r
				c.fnames, c.fcaps = sl.fnames, ms.fcaps[sl]
				x = &c
			}
			if x.inheritNext {
				m.pendNext = append(m.pendNext, pending{x.own(), sl})
				continue
			}
			s.deliver(ms.b, sl, x)
		}
	}
	// Records still held by reference into the chunk (rings of last lines,
	// pending starts) get their own copies before the chunk is reused.
	s.bud.settle()
	if m.first.IsZero() && !j.firstT.IsZero() {
		m.first = j.firstT
		if m.todState != &noTod {
			m.firstDay = sign * dayBase // (0 for the others)
		}
	}
	if !j.lastT.IsZero() {
		m.last = j.lastT
	}
	if m.tod && j.tod.have {
		if !m.todHave {
			m.todFirst = j.tod.first
		}
		m.todHave = true
		m.todLast = j.tod.last
		m.rolls = dayBase + j.tod.rolls
		m.lastDay = sign * m.rolls
	}
	m.invalid = int32(min(int64(m.invalid)+int64(j.invalid), math.MaxInt32))
	for k, o := range s.observers {
		o.mergeChunk(ms.b, m, base+1, j.cont, j.obs[k])
	}
	if m.mine != nil {
		s.mine.merged(ms, j.data, base, j.cont, j.hits)
	}
	if ms.retain {
		rc.data, rc.buf, rc.start, rc.cont = j.data, j.buf, base+1, j.cont
		if len(j.data) < chunkSize/2 {
			// A small member keeps its bytes, not a whole chunk buffer.
			rc.data, rc.buf = bytes.Clone(j.data), nil
			s.freeBuf(j.buf)
		}
		if m.ctx == nil {
			m.ctx = &memberCtx{}
		}
		c := m.ctx
		c.retained = append(c.retained, rc)
		c.retBytes += len(j.data)
		s.retained += len(j.data)
		for len(c.retained) > 1 && (c.retBytes > retainPerMember || s.retained > retainTotal) {
			old := c.retained[0]
			c.retained = c.retained[1:]
			c.retBytes -= len(old.data)
			s.retained -= len(old.data)
			if old.buf != nil {
				s.freeBuf(old.buf)
			}
		}
	} else {
		s.freeBuf(j.buf)
	}
	m.lines += j.nl
	clear(recs[:nr])
	if j.hits != nil {
		select {
		case s.hitFree <- hitBuf{j.hits[:0], j.times[:0], j.locs[:0]}:
		default:
		}
	}
	j.data, j.buf, j.hits, j.times, j.locs, j.excerpts = nil, nil, nil, nil, nil, nil
	s.merged()
}

// quickSkips spares the records of lines whose every slot only counts
// them: for each pattern of the chunk's member whose slots are all
// quick (quickSlot: a store whose head is full and whose ring of the last
// keepFloorTail lines is full, fed by no rule's aggregate, with at most
// a count of lines for its fact), all but the pattern's last
// keepFloorTail hits of the chunk would only push a record through the
// ring that a later one of the chunk pushes out. Those are counted here
// at once (the ring turns, its dropped and its fact's count grow as if
// each had been added) and quickSkips returns, per pattern index, how
// many of the pattern's first hits the merge skips (nil: none), and
// their sum.
func (s *scanner) quickSkips(j *job) ([]int32, int) {
	ms, b := j.ms, j.ms.b
	if noQuickSkips || len(j.hits) <= keepFloorTail || ms.m.newestFirst || j.spans != nil {
		return nil, 0
	}
	cnt := s.skip[:0]
	quick := false
	for p := range ms.pats {
		c := int32(-1) // not quick
		if quickPat(b, ms.slotsOf[p]) {
			c, quick = 0, true
		}
		cnt = append(cnt, c)
	}
	s.skip = cnt
	if !quick {
		return nil, 0
	}
	for i := range j.hits {
		if p := j.hits[i].pat; cnt[p] >= 0 {
			cnt[p]++
		}
	}
	quick = false
	total := 0
	for p, c := range cnt {
		n := int(c) - keepFloorTail
		if n <= 0 {
			cnt[p] = 0
			continue
		}
		quick = true
		cnt[p] = int32(n)
		total += n
		for _, sl := range ms.slotsOf[p] {
			k := &b.slots[sl.id]
			k.tailAt = (k.tailAt + n) % keepFloorTail
			k.dropped += n
			if sl.fact != nil {
				b.factAggs[sl.id].n += n
			}
		}
	}
	if !quick {
		return nil, 0
	}
	return cnt, total
}

// noQuickSkips (tests) makes the merge make every hit's record.
var noQuickSkips bool

// quickPat: every slot of a pattern is quick (see quickSkips).
func quickPat(b *bundleState, slots []*slot) bool {
	for _, sl := range slots {
		if sl.filePat != nil || sl.rule >= 0 && b.aggs[sl.rule] != nil {
			return false
		}
		if sl.fact != nil {
			switch sl.fact.Pick {
			case "count", "exists", "all":
			default:
				return false
			}
			if b.factAggs == nil || b.factAggs[sl.id] == nil {
				return false
			}
		}
		if k := &b.slots[sl.id]; !k.full || len(k.tail) < keepFloorTail {
			return false
		}
	}
	return len(slots) > 0
}

// deliver hands a record to its slot: the rule's aggregate, else the
// slot's store.
func (s *scanner) deliver(b *bundleState, sl *slot, r *record) {
	if sl.rule >= 0 {
		if a := b.aggs[sl.rule]; a != nil {
			if r.sl != nil && r.sl != sl {
				c := *r // another rule's slot (or label) holds it
				r = &c
			}
			r.sl = sl
			a.observe(r, sl)
			return
		}
	}
	if sl.fact != nil {
		if b.factAggs == nil {
			b.factAggs = make([]*factAgg, len(b.slots))
		}
		fa := b.factAggs[sl.id]
		if fa == nil {
			fa = newFactAgg(sl.fact)
			b.factAggs[sl.id] = fa
		}
		fa.observe(r)
	}
	b.slots[sl.id].add(r, s.bud, true)
}

// flushPending delivers the untimed records of a newest-first member
// that no later timed line came to date (after the member's last chunk).
func (s *scanner) flushPending(b *bundleState, m *member) {
	if len(m.pendNext) == 0 {
		return // (and noTod is not written)
	}
	for _, p := range m.pendNext {
		p.r.inheritNext = false
		s.deliver(b, p.sl, p.r)
	}
	m.pendNext = nil
}

// pending is a record waiting for its time, with the slot it goes to.
type pending struct {
	r  *record
	sl *slot
}

// hit is a match as a worker finds it: compact, in a pooled slice, so
// that a line matched costs no allocation.
type hit struct {
	pat                  int32 // in memberScan.pats
	seg                  int32
	line, day            int32
	start, end           int32 // the segment in the chunk's data
	ti                   int32 // the segment's time: job.times[ti]
	lo, ln               int32 // the submatch indices: job.locs[lo:lo+ln] (ln 0: nil)
	inherit, inheritNext bool
}

// hitBuf is a job's hit slice and its arenas, handed back to the workers
// by the merger (scanner.hitFree).
type hitBuf struct {
	hits  []hit
	times []time.Time
	locs  []int
}

// recInto makes r the i-th hit as a record (not owned; line relative to
// the chunk), in place.
func (j *job) recInto(r *record, i int) {
	h := &j.hits[i]
	var locs []int
	if h.ln > 0 {
		locs = j.locs[h.lo : h.lo+h.ln : h.lo+h.ln]
	}
	*r = record{pat: j.ms.pats[h.pat], b: j.ms.b, m: j.ms.m, line: int(h.line), seg: int(h.seg), t: j.times[h.ti], day: int(h.day),
		raw: j.data[h.start:h.end], locs: locs, inherit: h.inherit, inheritNext: h.inheritNext}
	if j.spans != nil {
		j.spanOf(r, i)
	}
}

// worker holds a scanning goroutine's scratch space.
type worker struct {
	// found are the candidates of each anchor's pass (runs), cands the
	// merged ones, arena the pattern sets of lines several literals found.
	found, cands []cand
	runs         []candRun
	arena        []int32
	// unions remembers the pattern sets of lines several literals found,
	// for the member unionMS (see union).
	unions  map[setPair][]int32
	unionMS *memberScan
	// free: hit slices of merged chunks (scanner.hitFree); maxHits the
	// most hits of a chunk so far.
	free    chan hitBuf
	maxHits int
	// maxTimes and maxLocs: the largest arenas of a chunk so far.
	maxTimes, maxLocs int
	seg1              [1][]byte
	// The memo of digit-blind patterns' matches (see digitUniform):
	// shapeIDs numbers line shapes (every digit 0), shapes holds each
	// one's decisions; key is the shape of keyOf, numbered keyID.
	shapeIDs map[string]int32
	shapes   []shapeMemo
	key      []byte
	keyOf    []byte
	keyID    int32
	// scratch reused chunk after chunk
	hitLines, hitEnds, hitNos []int
	segs                      [][]byte
	recs                      recScan
	lines                     lineMemo // the lines of the excerpt built last
}

// hits returns an empty hit slice, reused when one is free, else as
// large as the most hits the worker saw in a chunk.
func (w *worker) hits() hitBuf {
	select {
	case h := <-w.free:
		return h
	default:
		return hitBuf{hits: make([]hit, 0, max(1024, w.maxHits)),
			times: make([]time.Time, 0, max(256, w.maxTimes)), locs: make([]int, 0, max(1024, w.maxLocs))}
	}
}

// memoLimit bounds the line shapes remembered per worker; maxMemo the
// length of a line worth remembering.
const (
	memoLimit = 8192
	maxMemo   = 512
)

// noMatch is the memoised "does not match".
var noMatch = []int{}

// shapeMemo holds the decisions of the digit-blind patterns tried on one
// line shape: each pattern's match (noMatch: none).
type shapeMemo struct {
	pats []*pattern
	locs [][]int
}

// match finds a pattern's submatches in seg (nil: no match), through the
// worker's memo when the pattern is digit-blind (lines that differ only
// in their digits match alike, at the same offsets).
func (w *worker) match(pat *pattern, seg []byte) []int {
	if !pat.digits || len(seg) > maxMemo {
		return pat.re.FindSubmatchIndex(seg)
	}
	id := w.shape(seg)
	if id < 0 {
		return pat.re.FindSubmatchIndex(seg)
	}
	sm := &w.shapes[id]
	for i, p := range sm.pats {
		if p == pat {
			if loc := sm.locs[i]; len(loc) > 0 {
				return loc
			}
			return nil
		}
	}
	loc := pat.re.FindSubmatchIndex(seg)
	sm.pats = append(sm.pats, pat)
	if loc == nil {
		sm.locs = append(sm.locs, noMatch)
	} else {
		sm.locs = append(sm.locs, loc)
	}
	return loc
}

// shape numbers the shape of seg (seg with every digit 0) in the worker's
// memo, or -1 when the memo is full. The patterns of one line share the
// work: the shape of the segment asked last is remembered (keyOf, within
// one chunk: scan resets it).
func (w *worker) shape(seg []byte) int32 {
	if len(seg) > 0 && len(seg) == len(w.keyOf) && &seg[0] == &w.keyOf[0] {
		return w.keyID
	}
	k := zeroDigits(w.key[:0], seg)
	w.key, w.keyOf = k, seg
	if w.shapeIDs == nil {
		w.shapeIDs = map[string]int32{}
	}
	id, ok := w.shapeIDs[string(k)]
	if !ok {
		id = -1
		if len(w.shapes) < memoLimit {
			id = int32(len(w.shapes))
			w.shapeIDs[string(k)] = id
			w.shapes = append(w.shapes, shapeMemo{})
		}
	}
	w.keyID = id
	return id
}

// zeroDigits appends src to dst with every ASCII digit made '0', eight
// bytes at a time.
func zeroDigits(dst, src []byte) []byte {
	n := len(dst)
	dst = append(dst, src...)
	b := dst[n:]
	i := 0
	for ; i+8 <= len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], zeroDigitWord(binary.LittleEndian.Uint64(b[i:])))
	}
	for ; i < len(b); i++ {
		if b[i] >= '0' && b[i] <= '9' {
			b[i] = '0'
		}
	}
	return dst
}

// zeroDigitWord makes each byte of w that is an ASCII digit '0'.
func zeroDigitWord(w uint64) uint64 {
	const (
		lo = 0x0f0f0f0f0f0f0f0f
		hi = 0x8080808080808080
	)
	// A byte is a digit when its high nibble is 3 and its low one 9 or
	// less; the sums stay within each byte.
	z := ((w >> 4) & lo) ^ 0x0303030303030303
	l := w & lo
	d := ^((z + 0x7f7f7f7f7f7f7f7f) | (l + 0x7676767676767676)) & hi
	m := d | (d - d>>7) // 0xff where a digit is
	return w&^m | 0x3030303030303030&m
}

type cand struct {
	start, end int
	pats       []int32
}

// candidates returns the lines holding any literal of the member's
// patterns, in order, each once with the patterns to try (sorted).
// Each anchor's pass finds lines in order: the passes' runs are merged
// (no sort), and a line found by several literals gets the union of
// their patterns in the worker's arena (no allocation per line).
func (w *worker) candidates(ms *memberScan, data []byte) []cand {
	cs := w.found[:0]
	runs := w.runs[:0]
	if ms.search != nil {
		add := func(s, e int, pats []int32) { cs = append(cs, cand{s, e, pats}) }
		for _, an := range ms.search.anchors {
			from := len(cs)
			an.find(data, add)
			if len(cs) > from {
				runs = append(runs, candRun{from, len(cs)})
			}
		}
	}
	w.found, w.runs = cs, runs
	out := w.cands[:0]
	arena := w.arena[:0]
	own := -1 // the arena offset of out's last set, when it is there
	put := func(c cand) {
		n := len(out)
		if n == 0 || out[n-1].start != c.start {
			out = append(out, c)
			own = -1
			return
		}
		last := &out[n-1]
		if sameSet(last.pats, c.pats) {
			return
		}
		if u := w.union(ms, last.pats, c.pats); u != nil {
			last.pats, own = u, -1
			return
		}
		if own < 0 {
			own = len(arena)
			arena = append(arena, last.pats...)
		}
		for _, x := range c.pats {
			if !slices.Contains(arena[own:], x) {
				arena = append(arena, x)
			}
		}
		slices.Sort(arena[own:])
		last.pats = arena[own:len(arena):len(arena)]
	}
	switch len(runs) {
	case 0:
	case 1:
		for _, c := range cs {
			put(c)
		}
	default:
		// k-way merge of the runs (few: one per anchor byte with lines).
		for len(runs) > 0 {
			m := 0
			for i := 1; i < len(runs); i++ {
				if cs[runs[i].next].start < cs[runs[m].next].start {
					m = i
				}
			}
			put(cs[runs[m].next])
			if runs[m].next++; runs[m].next == runs[m].end {
				runs = append(runs[:m], runs[m+1:]...)
			}
		}
	}
	w.cands, w.arena = out, arena
	return out
}

// unionLimit bounds the pattern set unions a worker remembers per member.
const unionLimit = 4096

// setPair names two pattern sets by their backing arrays: the searcher's
// (a literal's patterns) and the worker's unions, which do not move
// while the worker scans one member's chunks.
type setPair struct {
	a, b   *int32
	na, nb int
}

// union is the sorted union of a and b, remembered for the member being
// scanned (the lines of a log hold the same literals again and again);
// nil when the memo is full.
func (w *worker) union(ms *memberScan, a, b []int32) []int32 {
	if len(a) == 0 || len(b) == 0 {
		return nil
	}
	if w.unionMS != ms {
		w.unionMS = ms
		clear(w.unions)
	}
	k := setPair{&a[0], &b[0], len(a), len(b)}
	if u, ok := w.unions[k]; ok {
		return u
	}
	if len(w.unions) >= unionLimit {
		return nil
	}
	u := mergePats(slices.Clip(slices.Clone(a)), b)
	if w.unions == nil {
		w.unions = map[setPair][]int32{}
	}
	w.unions[k] = u
	return u
}

// candRun is one anchor's candidates in worker.found: next up to end.
type candRun struct{ next, end int }

// scan finds the records of one chunk.
func (w *worker) scan(j *job) {
	ms := j.ms
	data := j.data
	w.keyOf = nil // a shape is remembered within one chunk's bytes
	valid := utf8.Valid(data)
	if !valid {
		j.invalid = invalidLines(data)
	}
	parser := ms.m.parser
	tod := ms.m.tod && parser != nil
	newest := ms.m.newestFirst
	if parser != nil && !tod {
		j.firstT, _ = firstTime(data, parser, &ms.tc)
		j.lastT, _ = lastTime(data, parser, &ms.tc)
	}
	// Time-of-day members: every line's time is read in order, to count
	// the day changes (cur, up to kPos).
	cur := todCursor{newest: newest}
	kPos := 0
	adv := func(to int) {
		for kPos < to {
			e := bytes.IndexByte(data[kPos:to], '\n')
			line := data[kPos:to]
			if e >= 0 {
				line = data[kPos : kPos+e]
				kPos += e + 1
			} else {
				kPos = to
			}
			if t, ok := parser.parse(bytes.TrimSuffix(line, []byte{'\r'}), &ms.tc); ok {
				cur.observe(todOf(t))
			}
		}
	}
	finish := func() {
		if tod {
			adv(len(data))
			j.tod = cur
			if cur.have {
				j.firstT, j.lastT = todDate.Add(cur.first), todDate.Add(cur.last)
			}
		}
	}
	if len(ms.pats) == 0 {
		finish()
		return
	}
	defer finish()
	cands := w.candidates(ms, data)
	records := w.recs.begin(ms, data)
	always := ms.always
	if ms.search != nil && ms.search.hasKS && kelvinOrLongS(data) {
		always = mergePats(append([]int32(nil), always...), ms.search.ks)
	}
	// Times: the last timed line before a position, found by scanning
	// backwards only over lines not looked at yet.
	bPos, kT := 0, time.Time{}
	known := func(start int) (time.Time, bool) {
		if parser == nil {
			return time.Time{}, true
		}
		if start > bPos {
			if t, ok := lastTime(data[bPos:start], parser, &ms.tc); ok {
				kT = t
			}
			bPos = start
		}
		return kT, !kT.IsZero()
	}
	// next finds the first timed line at or after a position (newest-first
	// members: an untimed line takes the time of the line after it).
	nFrom, nAt, nT, nOK := -1, 0, time.Time{}, false
	next := func(from int) (time.Time, bool) {
		if nFrom >= 0 && from >= nFrom && from <= nAt {
			return nT, nOK
		}
		nFrom = from
		for p := from; p < len(data); {
			e := bytes.IndexByte(data[p:], '\n')
			end := len(data)
			if e >= 0 {
				end = p + e
			}
			if t, ok := parser.parse(bytes.TrimSuffix(data[p:end], []byte{'\r'}), &ms.tc); ok {
				nAt, nT, nOK = p, t, true
				return t, true
			}
			p = end + 1
		}
		nAt, nT, nOK = len(data), time.Time{}, false
		return nT, false
	}
	// timeOf gives a segment its time: its own, else the line before it
	// (or, newest first, after it). day counts day changes in the chunk
	// (time-of-day members).
	timeOf := func(seg []byte, si, start, end int) (t time.Time, day int, inherit, inheritNext bool) {
		if parser == nil {
			return
		}
		var ok bool
		if si == 0 {
			t, ok = parser.parse(seg, &ms.tc)
		} else {
			t, ok = parser.at(seg, &ms.tc)
		}
		if ok {
			if tod {
				cur.observe(todOf(t))
				day = cur.rolls
			}
			return
		}
		if newest {
			nt, have := next(min(end+1, len(data)))
			if !have {
				return time.Time{}, 0, false, true
			}
			day = cur.rolls
			if tod && cur.have && rolled(true, cur.last, todOf(nt)) {
				day++
			}
			return nt, day, false, false
		}
		if tod {
			if !cur.have {
				return time.Time{}, 0, true, false
			}
			return todDate.Add(cur.last), cur.rolls, false, false
		}
		t, have := known(start)
		return t, 0, !have, false
	}
	lineNo, lnPos := 0, 0
	hitLines, hitEnds, hitNos := w.hitLines[:0], w.hitEnds[:0], w.hitNos[:0] // lines with records, for excerpts
	defer func() { w.hitLines, w.hitEnds, w.hitNos = hitLines, hitEnds, hitNos }()
	var pats []int32
	process := func(start, end int, cp []int32) {
		lineNo += bytes.Count(data[lnPos:start], []byte{'\n'})
		lnPos = start
		if j.cont && start == 0 {
			return // beyond MaxMatchLine of a line begun in an earlier chunk (linecap.go)
		}
		line := data[start:end]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		full := len(line)
		line = matchable(line)
		w.seg1[0] = line
		segs := w.seg1[:]
		if ms.split && parser != nil && parser.at != nil {
			w.segs = splitAt(w.segs[:0], line, parser, &ms.tc)
			segs = w.segs
		}
		// The search decides a literal pattern (litExact) when the
		// segment is the line it searched: not cut at MaxMatchLine (the
		// literal it found may be past the cut), and not split or split
		// in one piece, as most lines of a split member are.
		byLits := len(line) == full && (!ms.split || len(segs) == 1)
		if tod {
			adv(start)
		}
		made := false
		for si, seg := range segs {
			var t time.Time
			day := 0
			inherit, inheritNext := false, false
			timed := false
			for _, pi := range cp {
				pat := ms.pats[pi]
				// Decide cheaply: a pattern that is its literals matches
				// any line the search gave it; captures are found only
				// where the pass needs them on every line (group keys,
				// where, a state capture), else when a record is kept.
				var loc []int
				switch {
				case pat.litExact && byLits:
				case pat.digits && len(seg) <= maxMemo:
					if loc = w.match(pat, seg); loc == nil {
						continue
					}
				case !pat.needCaps:
					if !pat.re.Match(seg) {
						continue
					}
				default:
					if loc = pat.re.FindSubmatchIndex(seg); loc == nil {
						continue
					}
				}
				if j.hits == nil {
					hb := w.hits()
					j.hits, j.times, j.locs = hb.hits, hb.times, hb.locs
				}
				if !timed {
					timed = true
					t, day, inherit, inheritNext = timeOf(seg, si, start, end)
					j.times = append(j.times, t)
				}
				so := start + segOffset(line, seg)
				if records {
					sp, first := w.recs.place(pi, start, end, lineNo)
					if !first {
						continue // the record counts once for the pattern
					}
					j.spans = append(j.spans, sp)
				}
				h := hit{pat: pi, seg: int32(si), line: int32(lineNo), day: int32(day), start: int32(so), end: int32(so + len(seg)),
					ti: int32(len(j.times) - 1), inherit: inherit, inheritNext: inheritNext}
				if len(loc) > 0 {
					h.lo, h.ln = int32(len(j.locs)), int32(len(loc))
					j.locs = append(j.locs, loc...)
				}
				j.hits = append(j.hits, h)
				made = true
			}
			if tod && !timed {
				// Not a record, but its time counts for the day changes.
				if t, ok := timeOfSeg(parser, seg, si, &ms.tc); ok {
					cur.observe(todOf(t))
				}
			}
		}
		if tod && end+1 > kPos {
			kPos = min(end+1, len(data))
		}
		if made {
			hitLines = append(hitLines, start)
			hitEnds = append(hitEnds, end)
			hitNos = append(hitNos, lineNo)
		}
	}
	if len(always) == 0 {
		for _, c := range cands {
			process(c.start, c.end, c.pats)
		}
	} else {
		ci := 0
		for start := 0; start < len(data); {
			end := bytes.IndexByte(data[start:], '\n')
			if end < 0 {
				end = len(data)
			} else {
				end += start
			}
			pats = append(pats[:0], always...)
			for ci < len(cands) && cands[ci].start < start {
				ci++
			}
			if ci < len(cands) && cands[ci].start == start {
				pats = mergePats(pats, cands[ci].pats)
			}
			process(start, end, pats)
			start = end + 1
		}
	}
	w.maxHits = max(w.maxHits, len(j.hits))
	w.maxTimes, w.maxLocs = max(w.maxTimes, len(j.times)), max(w.maxLocs, len(j.locs))
	w.lines.reset()
	// Excerpts around the first and last lines with records. The member
	// keeps the first ones of its first chunk (its head) and the last
	// ones of a chunk (its ring of last excerpts, which each chunk's
	// last ones replace): those are built here; the others are only
	// sized (the member's budget reads their size), and built by the
	// merger in the rare case that the member keeps them.
	for i := range hitLines {
		if i >= excerptsHead && i < len(hitLines)-excerptsTail {
			continue
		}
		if j.first || i >= len(hitLines)-excerptsTail {
			j.excerpts = append(j.excerpts, excerptShared(data, hitLines[i], hitEnds[i], hitNos[i], &w.lines))
		} else {
			j.excerpts = append(j.excerpts, excerptSpan(data, hitLines[i], hitEnds[i], hitNos[i], valid))
		}
	}
}

// segOffset is the offset of seg (a subslice of line) in line.
func segOffset(line, seg []byte) int {
	if cap(seg) == 0 {
		return len(line)
	}
	return cap(line) - cap(seg)
}

// timeOfSeg parses a segment's own time (the first segment of a line with
// parse, the others with at).
func timeOfSeg(p *timeParser, seg []byte, si int, tc *timeCtx) (time.Time, bool) {
	if si == 0 {
		return p.parse(seg, tc)
	}
	return p.at(seg, tc)
}

// todCursor follows the times of day of a member's lines in their order
// and counts the days: a step back of more than a minute (forward, for a
// newest-first member) is the next day.
type todCursor struct {
	newest      bool
	have        bool
	first, last time.Duration
	rolls       int
}

func (c *todCursor) observe(d time.Duration) {
	if c.have && rolled(c.newest, c.last, d) {
		c.rolls++
	}
	if !c.have {
		c.first, c.have = d, true
	}
	c.last = d
}

// rolled reports whether time of day next, following prev, is on the
// next day of the member's order.
func rolled(newest bool, prev, next time.Duration) bool {
	if newest {
		return next > prev+time.Minute
	}
	return next < prev-time.Minute
}

// sameSet: b's patterns are all in a (small lists).
func sameSet(a, b []int32) bool {
	if len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0]) {
		return true
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}

// mergePats adds the patterns of b missing from a, keeping a sorted.
func mergePats(a, b []int32) []int32 {
	for _, x := range b {
		found := false
		for _, y := range a {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			a = append(a, x)
		}
	}
	slices.Sort(a)
	return a
}

// splitAt cuts a physical line at each timestamp after its start.
func splitAt(segs [][]byte, line []byte, p *timeParser, tc *timeCtx) [][]byte {
	from := 0
	if p.probe != 0 {
		// Only where the probe byte is probeAt bytes on (most lines: none).
		for k := 1 + p.probeAt; k < len(line); {
			x := bytes.IndexByte(line[k:], p.probe)
			if x < 0 {
				break
			}
			i := k + x - p.probeAt
			k += x + 1
			if stampStart(line, i) {
				if _, ok := p.at(line[i:], tc); ok {
					segs = append(segs, bytes.TrimRight(line[from:i], " \t"))
					from = i
				}
			}
		}
		return append(segs, line[from:])
	}
	for i := 1; i < len(line); i++ {
		if !stampStart(line, i) {
			continue
		}
		if _, ok := p.at(line[i:], tc); ok {
			segs = append(segs, bytes.TrimRight(line[from:i], " \t"))
			from = i
		}
	}
	return append(segs, line[from:])
}

// stampStart: a timestamp inside a line may begin at line[i] (i > 0): a
// digit, capital or bracket that does not continue a word.
func stampStart(line []byte, i int) bool {
	c := line[i]
	if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == '[') {
		return false
	}
	prev := line[i-1]
	return !(prev >= '0' && prev <= '9' || prev >= 'a' && prev <= 'z' || prev >= 'A' && prev <= 'Z')
}

// firstTime returns the time of the first timed line of data.
func firstTime(data []byte, p *timeParser, tc *timeCtx) (time.Time, bool) {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		line := data
		if i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if t, ok := p.parse(line, tc); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

// lastTime returns the time of the last timed line of data.
func lastTime(data []byte, p *timeParser, tc *timeCtx) (time.Time, bool) {
	end := len(data)
	for end > 0 {
		stop := end
		if data[end-1] == '\n' {
			stop = end - 1
		}
		start := bytes.LastIndexByte(data[:stop], '\n') + 1
		if t, ok := p.parse(data[start:stop], tc); ok {
			return t, true
		}
		end = start
	}
	return time.Time{}, false
}

// invalidLines counts the lines of data that are not valid UTF-8.
func invalidLines(data []byte) int {
	n := 0
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		line := data
		if i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if !utf8.Valid(line) {
			n++
		}
	}
	return n
}

// excerptAt copies the lines around data[start:end] (line number no,
// relative to the chunk).
func excerptAt(data []byte, start, end, no int) *excerpt {
	return excerptShared(data, start, end, no, nil)
}

// lineMemo holds the lines of the excerpt a worker built last in a chunk
// (their offsets in the chunk, each with its text), so that the next
// one, a few lines on in a dense log, shares those it overlaps instead
// of copying them again (excerpts are built in the order of their lines).
type lineMemo struct {
	offs, next []int
	strs       []string
}

// reset forgets the lines (a new chunk).
func (lm *lineMemo) reset() { lm.offs, lm.strs = lm.offs[:0], lm.strs[:0] }

// excerptShared is excerptAt with the lines the last excerpt built with
// memo (nil: none) shared.
func excerptShared(data []byte, start, end, no int, memo *lineMemo) *excerpt {
	var bb [excerptRadius]int
	before := bb[:0] // the starts of the lines before, nearest first
	p := start
	for k := 0; k < excerptRadius && p > 0; k++ {
		s := bytes.LastIndexByte(data[:p-1], '\n') + 1
		before = append(before, s)
		p = s
	}
	e := &excerpt{start: no - len(before), lines: make([]string, 0, len(before)+1+excerptRadius)}
	var offs []int
	mk := 0 // memo.offs[:mk] are before the line
	if memo != nil {
		offs = memo.next[:0]
	}
	add := func(s, t int) {
		if memo != nil {
			offs = append(offs, s)
			for mk < len(memo.offs) && memo.offs[mk] < s {
				mk++
			}
			if mk < len(memo.offs) && memo.offs[mk] == s {
				e.lines = append(e.lines, memo.strs[mk])
				return
			}
		}
		e.lines = append(e.lines, excerptLine(data[s:t]))
	}
	for k := len(before) - 1; k >= 0; k-- {
		nx := start - 1
		if k > 0 {
			nx = before[k-1] - 1
		}
		add(before[k], nx)
	}
	add(start, end)
	p = end + 1
	for k := 0; k < excerptRadius && p < len(data); k++ {
		s := lineEnd(data, p)
		add(p, s)
		p = s + 1
	}
	if memo != nil {
		memo.next = memo.offs
		memo.offs = offs
		memo.strs = append(memo.strs[:0], e.lines...)
	}
	return e
}

// lineEnd is the end of the line that starts at p (its newline, or the
// end of data).
func lineEnd(data []byte, p int) int {
	if s := bytes.IndexByte(data[p:], '\n'); s >= 0 {
		return p + s
	}
	return len(data)
}

func excerptLine(b []byte) string {
	return cleanText(bytes.TrimSuffix(b, []byte{'\r'}), maxExcerptText)
}

// excerptSpan is excerptAt's excerpt not built (lazy): the same lines,
// as the span of the chunk they are in, and its excerptSize. valid: the
// chunk is valid UTF-8.
func excerptSpan(data []byte, start, end, no int, valid bool) *excerpt {
	lineSize := func(b []byte) int {
		return 24 + cleanLen(bytes.TrimSuffix(b, []byte{'\r'}), maxExcerptText, valid)
	}
	size := 48 + lineSize(data[start:end])
	p, n := start, 0
	for ; n < excerptRadius && p > 0; n++ {
		s := bytes.LastIndexByte(data[:p-1], '\n') + 1
		size += lineSize(data[s : p-1])
		p = s
	}
	e := &excerpt{start: no - n, lazy: true, from: p, to: end}
	p = end + 1
	for k := 0; k < excerptRadius && p < len(data); k++ {
		s := lineEnd(data, p)
		size += lineSize(data[p:s])
		e.to = s
		p = s + 1
	}
	e.size = size
	return e
}

// build makes a lazy excerpt's lines from the bytes of its chunk.
func (e *excerpt) build(data []byte) {
	if !e.lazy {
		return
	}
	b := data[e.from:e.to]
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			e.lines = append(e.lines, excerptLine(b))
			break
		}
		e.lines = append(e.lines, excerptLine(b[:i]))
		b = b[i+1:]
	}
	e.lazy = false
}
