package analyze

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"casefile/analyze/report"
	"casefile/internal/drain"
)

// Template mining: every line of every log (a member the profile's logs
// section names) is given a message template during the pass, so that a
// report can say what no rule knows (the unexplained section) and what
// share of each log was explained. The pass's workers count each chunk's
// lines by shape (mineObserver, a lineObserver); the merging goroutine
// folds the counts in line order and mines each shape new to the log
// once. Mining never changes what the pass does.

// miningOff turns mining off (benchmarks measure what it costs).
var miningOff = false

// maxTemplatesPerLog caps the templates mined per log: memory stays
// bounded whatever the log; lines beyond are counted as dropped.
const maxTemplatesPerLog = 2000

// logMine holds the templates of one log member: while the log is read
// its miner (mineWork), then what the report needs of it. A bundle of
// 10,000 logs keeps 10,000 of these to its end (issue 13): the miner's
// fields are in their own struct, dropped at once when the log ends.
type logMine struct {
	// mineWork is the miner while the log is read; nil once finished.
	*mineWork
	m       *member
	lines   int // lines mined
	matched int // lines a rule or fact matched
	// known: some pattern of the profile (any rule, fact or context)
	// matched a line; set on the merging goroutine.
	known bool
	// Once the log is read (mineRun.finish): its templates kept, the
	// lines dropped (beyond the cap or the run's budget) and the time
	// its lines span; the miner is freed.
	done    bool
	nKept   int32 // (after done: packed)
	kept    []tplGroup
	dropped int
	// firstN, lastN: the time its lines span, in Unix nanoseconds (noMod:
	// none; firstT and lastT give them as times).
	firstN, lastN int64

	// nKept is the number of templates kept (at most maxTemplatesPerLog),
	// benign the lines of those benign templates cover; kept holds them
	// only for a baseline snapshot (mineRun.keepGroups, mine_fold.go).
	benign int
}

// mineWork is what mining a log needs while it is read.
type mineWork struct {
	tc     timeCtx
	miner  *drain.Miner
	shapes map[uint64]*tplStat
	order  []*tplStat
	// byCluster: the first stat of each cluster (shapes beyond maxShapes
	// join it).
	byCluster map[*drain.Cluster]*tplStat
	// part is the workers' count of the chunk being merged; stats scratch.
	part  *minePart
	stats []*tplStat
	// explains holds the patterns whose matches explain a line;
	// explainIdx the same by index in explainMS's patterns; hitScratch
	// the explained lines of a chunk (reused chunk after chunk).
	explains   map[*pattern]bool
	explainMS  *memberScan
	explainIdx []bool
	hitScratch []int32
}

// explainers returns the patterns of a member that explain the lines they
// match: those of rules, and those of facts that take a value from the
// line. A fact that only asks whether a log has lines (pick: exists,
// no group) and a finding's context lines explain nothing.
func explainers(ms *memberScan) map[*pattern]bool {
	out := map[*pattern]bool{}
	for i, p := range ms.pats {
		for _, sl := range ms.slotsOf[i] {
			switch {
			case strings.HasSuffix(sl.what, " context"):
			case strings.HasPrefix(sl.what, "fact "):
				if len(p.names) > 0 {
					out[p] = true
				}
			default:
				out[p] = true
			}
		}
	}
	return out
}

// tplStat is what is kept of one cluster's lines.
type tplStat struct {
	c         *drain.Cluster
	count     int
	matched   int // lines a rule or fact matched
	firstLine int
	lastLine  int
	first     time.Time
	last      time.Time
	example   string
	level     string
	lastMin   int64 // the minute of the last line whose time was read
	timed     bool
	inMin     int // lines counted in lastMin
	peak      int // most lines in one minute before lastMin
}

func newLogMine(m *member, tc timeCtx) *logMine {
	return &logMine{m: m, mineWork: &mineWork{tc: tc}, firstN: noMod, lastN: noMod}
}

// firstT and lastT are the first and last times of the log's lines
// (zero: none).
func (lm *logMine) firstT() time.Time { return timeOfNano(lm.firstN) }
func (lm *logMine) lastT() time.Time  { return timeOfNano(lm.lastN) }

// mineObserver mines in the pass's scanning workers (see lineObserver):
// each worker cuts its chunk of a log into lines and counts them by shape
// (scanChunk, in parallel); the merging goroutine folds the counts into
// the log's templates, mining only the shapes the log has not seen
// (mergeChunk, then chunk with the engine's hits).
type mineObserver struct{}

func (mineObserver) scanChunk(m *member, data []byte) any {
	if m.mine == nil {
		return nil
	}
	return m.mine.scanPart(data)
}

func (mineObserver) mergeChunk(_ *bundleState, m *member, _ int, _ bool, partial any) {
	if m.mine != nil {
		if p, ok := partial.(*minePart); ok {
			m.mine.part = p
		}
	}
}

// minePart is what a worker found in one chunk of a log: its lines by
// shape, in the order each shape first appears.
type minePart struct {
	shapes []partShape
	// lineShape gives each line of the chunk (0 the first) its shape's
	// index in shapes; -1 for a blank line or a continuation.
	lineShape []int32
	// tab maps a line's fingerprint to its shape; keys the shape key.
	tab, keys shapeTable
	// sks remembers the shape key of each fingerprint across the chunks
	// the part is used for (a pure function of the line's shape).
	sks skCache
	// rel is the line being counted (0 the chunk's first); fps and ends
	// lineFingerprints' batch.
	rel  int
	fps  []uint64
	ends []int32
}

// partShape is one shape's lines in a chunk, line numbers relative to it.
type partShape struct {
	fp                uint64
	count             int
	firstRel, lastRel int
	toks              []string
	example, level    string
	blank             bool
	// Times (see logMine.line): the chunk's first and last time read,
	// and its lines by minute: pre, those before the first time read
	// (they count in the minute the log was in); the first run of lines
	// in one minute; the busiest run after it but the last; the last.
	first, last time.Time
	timedRel    int
	timed       bool
	runs        int
	pre         int
	firstMin    int64
	firstCnt    int
	midPeak     int
	lastMin     int64
	inMin       int
}

// lineCount is the chunk's lines (lineCounter): each has its entry in
// lineShape.
func (p *minePart) lineCount() int { return len(p.lineShape) }

var minePartPool = sync.Pool{New: func() any { return &minePart{} }}

// scanPart counts a chunk's lines by shape; it reads the log's parser and
// time context, written before the pass reads the log, and writes
// nothing shared. The lines are cut and fingerprinted by
// lineFingerprints (a batch at a time, in one loop over the bytes on
// amd64); a line it leaves (near the chunk's end, or ending in "\r\n")
// is cut here.
func (lm *logMine) scanPart(data []byte) *minePart {
	p := minePartPool.Get().(*minePart)
	p.tab.reset()
	p.keys.reset()
	if p.fps == nil {
		p.fps, p.ends = make([]uint64, 256), make([]int32, 256)
	}
	var parser *timeParser
	if lm.m.parser != nil && !lm.m.tod {
		parser = lm.m.parser
	}
	tc := lm.tc
	p.rel = -1
	for len(data) > 0 {
		k := 0
		if len(data) <= math.MaxInt32 {
			k = lineFingerprints(data, p.fps, p.ends)
		}
		start := 0
		for i, end := range p.ends[:k] {
			p.line(data[start:end], p.fps[i], parser, &tc)
			start = int(end) + 1
		}
		data = data[start:]
		if k == len(p.fps) || len(data) == 0 {
			continue
		}
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			i = len(data)
		}
		line := data[:i]
		data = data[min(i+1, len(data)):]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		p.line(line, fingerprint(line), parser, &tc)
	}
	return p
}

// line counts one line (fp its fingerprint) in its shape.
func (p *minePart) line(line []byte, fp uint64, parser *timeParser, tc *timeCtx) {
	p.rel++
	if len(line) == 0 {
		p.lineShape = append(p.lineShape, -1)
		return
	}
	k, ok := p.tab.get(fp)
	if !ok {
		// A new exact shape: its numbers' lengths may be all that is
		// new, so its shape with each run of digits as one mark
		// (which gives the same tokens) may be known.
		sk := p.sks.shapeKey(fp, line)
		if k, ok = p.keys.get(sk); !ok {
			k = int32(len(p.shapes))
			p.keys.put(sk, k)
			ps := partShape{fp: sk, firstRel: p.rel}
			if len(bytes.TrimSpace(line)) == 0 {
				ps.blank = true
			} else {
				ps.toks = MessageTokens(string(line), nil)
				ps.example = cleanText(line, maxLineText)
				ps.level = levelOf(ps.toks)
			}
			p.shapes = append(p.shapes, ps)
		}
		p.tab.put(fp, k)
	}
	ps := &p.shapes[k]
	if ps.blank {
		p.lineShape = append(p.lineShape, -1)
		return
	}
	p.lineShape = append(p.lineShape, k)
	ps.count++
	ps.lastRel = p.rel
	if parser == nil {
		return
	}
	if ps.count <= timeFirst || p.rel-ps.timedRel >= timeEvery {
		if t, ok := parser.parse(line, tc); ok {
			ps.timedRel = p.rel
			if ps.first.IsZero() || t.Before(ps.first) {
				ps.first = t
			}
			if t.After(ps.last) {
				ps.last = t
			}
			if m := t.Unix() / 60; !ps.timed || m != ps.lastMin {
				if ps.timed {
					if ps.runs == 1 {
						ps.firstCnt = ps.inMin
					} else {
						ps.midPeak = max(ps.midPeak, ps.inMin)
					}
				}
				ps.runs++
				ps.timed, ps.lastMin, ps.inMin = true, m, 0
				if ps.runs == 1 {
					ps.firstMin = m
				}
			}
		}
	}
	if ps.timed {
		ps.inMin++
	} else {
		ps.pre++
	}
}

func (p *minePart) release() {
	clear(p.shapes)
	p.shapes = p.shapes[:0]
	p.lineShape = p.lineShape[:0]
	minePartPool.Put(p)
}

// shapeKey hashes a line's bytes with each run of digits as one mark
// (FNV-1a): lines whose numbers differ, in length too, share it, and
// cut into the same masked tokens (drain.Mask masks every token holding
// a digit, whatever its length). It runs once per new fingerprint.
func shapeKey(b []byte) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	digit := false
	for _, c := range b {
		if c-'0' < 10 {
			if !digit {
				h = (h ^ '#') * prime
			}
			digit = true
			continue
		}
		digit = false
		h = (h ^ uint64(c)) * prime
	}
	return h
}

// skCache maps fingerprints to shape keys (open addressing, a
// fingerprint of 0 not kept), up to skCacheMax of them: a chunk's new
// fingerprints are mostly those of the chunks before.
type skCache struct {
	keys, vals []uint64
	n          int
}

const skCacheMax = 1 << 12

func (c *skCache) shapeKey(fp uint64, line []byte) uint64 {
	if 2*(c.n+1) > len(c.keys) {
		c.grow()
	}
	mask := uint64(len(c.keys) - 1)
	i := fp & mask
	for ; c.keys[i] != 0; i = (i + 1) & mask {
		if c.keys[i] == fp {
			return c.vals[i]
		}
	}
	sk := shapeKey(line)
	if fp != 0 {
		c.keys[i], c.vals[i] = fp, sk
		c.n++
	}
	return sk
}

// grow doubles the table (from 256 slots), or empties it when it holds
// skCacheMax fingerprints.
func (c *skCache) grow() {
	keys, vals := c.keys, c.vals
	if len(keys) >= 2*skCacheMax {
		clear(keys)
		c.n = 0
		return
	}
	size := max(256, 2*len(keys))
	c.keys, c.vals, c.n = make([]uint64, size), make([]uint64, size), 0
	mask := uint64(size - 1)
	for j, k := range keys {
		if k == 0 {
			continue
		}
		i := k & mask
		for c.keys[i] != 0 {
			i = (i + 1) & mask
		}
		c.keys[i], c.vals[i] = k, vals[j]
		c.n++
	}
}

// shapeTable maps a chunk's shapes to their index: open addressing on the
// fingerprint (cheaper per line than a map).
type shapeTable struct {
	keys []uint64
	vals []int32
	n    int
}

func (t *shapeTable) reset() {
	if t.keys == nil {
		t.keys, t.vals = make([]uint64, 256), make([]int32, 256)
	}
	clear(t.vals)
	t.n = 0
}

// get: vals hold index+1, 0 for an empty slot.
func (t *shapeTable) get(fp uint64) (int32, bool) {
	mask := uint64(len(t.keys) - 1)
	for i := fp & mask; ; i = (i + 1) & mask {
		if t.vals[i] == 0 {
			return 0, false
		}
		if t.keys[i] == fp {
			return t.vals[i] - 1, true
		}
	}
}

func (t *shapeTable) put(fp uint64, v int32) {
	if 2*(t.n+1) > len(t.keys) {
		keys, vals := t.keys, t.vals
		t.keys, t.vals = make([]uint64, 2*len(keys)), make([]int32, 2*len(keys))
		t.n = 0
		for i, x := range vals {
			if x != 0 {
				t.put(keys[i], x-1)
			}
		}
	}
	mask := uint64(len(t.keys) - 1)
	i := fp & mask
	for t.vals[i] != 0 {
		i = (i + 1) & mask
	}
	t.keys[i], t.vals[i] = fp, v+1
	t.n++
}

// chunk takes a merged chunk into the log's templates (merging
// goroutine): data holds whole lines, the first being line base+1 (its
// continuation when cont); hs are the engine's hits, lines relative to
// the chunk. The workers' counts come from mergeChunk; without them (no
// observer) the chunk is counted here.
func (lm *logMine) chunk(ms *memberScan, data []byte, base int, cont bool, hs []hit) {
	if lm.miner == nil {
		// (Here, not in newLogMine: a log allocates its miner when read.)
		lm.miner = drain.New(drain.Config{MaxTemplates: maxTemplatesPerLog})
		lm.shapes, lm.byCluster = map[uint64]*tplStat{}, map[*drain.Cluster]*tplStat{}
		lm.explains = explainers(ms)
	}
	if len(hs) > 0 {
		lm.known = true
	}
	p := lm.part
	lm.part = nil
	if p == nil {
		p = lm.scanPart(data)
	}
	// The first line of a chunk that continues a line longer than a chunk
	// was counted with the chunk before; workers do not know, so it is
	// taken out here.
	if cont && len(p.lineShape) > 0 && p.lineShape[0] >= 0 {
		lm.uncount(p, 0)
	}
	sts := lm.stats[:0]
	for k := range p.shapes {
		ps := &p.shapes[k]
		if ps.blank || ps.count == 0 {
			sts = append(sts, nil)
			continue
		}
		lm.lines += ps.count
		st := lm.shapes[ps.fp]
		if st == nil {
			c := lm.miner.AddTokens(ps.toks)
			if c == nil {
				lm.miner.Dropped += ps.count - 1 // the miner counted one
				sts = append(sts, nil)
				continue
			}
			if len(lm.shapes) < maxShapes {
				st = &tplStat{c: c, firstLine: base + 1 + ps.firstRel, example: ps.example, level: ps.level}
				lm.shapes[ps.fp] = st
				lm.order = append(lm.order, st)
			} else if st = lm.byCluster[c]; st == nil {
				// Beyond the cap of shapes, a shape's lines go to the
				// first stat of their template: memory stays bounded.
				st = &tplStat{c: c, firstLine: base + 1 + ps.firstRel, example: ps.example, level: ps.level}
				lm.order = append(lm.order, st)
			}
			if lm.byCluster[c] == nil {
				lm.byCluster[c] = st
			}
		}
		st.count += ps.count
		st.lastLine = base + 1 + ps.lastRel
		st.fold(ps)
		sts = append(sts, st)
	}
	lm.stats = sts
	// Explained lines: each once. The hits of a chunk come in line order
	// (a line's hits together), so a line is taken when it is not the
	// one taken last; sorted only if they ever do not.
	if lm.explainMS != ms {
		lm.explainMS = ms
		lm.explainIdx = make([]bool, len(ms.pats))
		for i, p := range ms.pats {
			lm.explainIdx[i] = lm.explains[p]
		}
	}
	hits := lm.hitScratch[:0]
	for i := range hs {
		if l := hs[i].line; lm.explainIdx[hs[i].pat] && (len(hits) == 0 || hits[len(hits)-1] != l) {
			hits = append(hits, l)
		}
	}
	if !slices.IsSorted(hits) {
		slices.Sort(hits)
		hits = slices.Compact(hits)
	}
	lm.hitScratch = hits
	for _, h := range hits {
		if int(h) >= len(p.lineShape) {
			continue
		}
		if k := p.lineShape[h]; k >= 0 {
			lm.matched++
			if st := sts[k]; st != nil {
				st.matched++
			}
		}
	}
	p.release()
}

// uncount takes line rel out of a part's counts (its shape's first and
// last lines stay as they were: a line longer than a chunk is rare).
func (lm *logMine) uncount(p *minePart, rel int) {
	k := p.lineShape[rel]
	p.lineShape[rel] = -1
	ps := &p.shapes[k]
	ps.count--
	if ps.timed {
		ps.inMin = max(0, ps.inMin-1)
	} else if ps.pre > 0 {
		ps.pre--
	}
}

// fold adds a chunk's times of one shape to the stat, as line did them
// one line at a time.
func (st *tplStat) fold(ps *partShape) {
	if !ps.first.IsZero() && (st.first.IsZero() || ps.first.Before(st.first)) {
		st.first = ps.first
	}
	if ps.last.After(st.last) {
		st.last = ps.last
	}
	if st.timed {
		st.inMin += ps.pre
	}
	if ps.runs == 0 {
		return
	}
	first := ps.firstCnt
	if ps.runs == 1 {
		first = ps.inMin
	}
	if st.timed && ps.firstMin == st.lastMin {
		st.inMin += first
	} else {
		if st.timed {
			st.peak = max(st.peak, st.inMin)
		}
		st.lastMin, st.inMin, st.timed = ps.firstMin, first, true
	}
	if ps.runs > 1 {
		st.peak = max(st.peak, st.inMin, ps.midPeak)
		st.lastMin, st.inMin = ps.lastMin, ps.inMin
	}
}

var headerWords = map[string]bool{
	"Jan": true, "Feb": true, "Mar": true, "Apr": true, "May": true, "Jun": true, "Jul": true,
	"Aug": true, "Sep": true, "Oct": true, "Nov": true, "Dec": true,
	"Mon": true, "Tue": true, "Wed": true, "Thu": true, "Fri": true, "Sat": true, "Sun": true,
}

var monthWords = map[string]bool{"Jan": true, "Feb": true, "Mar": true, "Apr": true, "May": true, "Jun": true,
	"Jul": true, "Aug": true, "Sep": true, "Oct": true, "Nov": true, "Dec": true}

// MessageTokens cuts a log line into masked tokens without its header:
// the leading tokens that are variable (time stamps, pids, thread ids) or
// month and weekday names, and after a syslog time stamp the host name.
func MessageTokens(line string, dst []string) []string {
	toks := drain.Tokenize(line, dst)
	n := 0
	month := false
	for n < len(toks)-1 && n < 8 && (toks[n] == drain.Wildcard || headerWords[strings.Trim(toks[n], "[],")]) {
		month = month || monthWords[toks[n]]
		n++
	}
	// Syslog: "Mar  4 09:44:51 host prog[pid]: ..." the host name too.
	if month && n == 3 && n < len(toks)-2 {
		n++
	}
	return toks[n:]
}

// Shapes and times (see line).
const (
	maxShapes = 20000
	timeFirst = 16
	timeEvery = 256
)

// levelOf returns the log's own level field when it says error or
// warning.
func levelOf(toks []string) string {
	for i, t := range toks {
		if i > 3 {
			break
		}
		w := strings.ToUpper(strings.Trim(t, "[]<>():,"))
		switch w {
		case "ERROR", "ERR", "FATAL", "CRIT", "CRITICAL", "SEVERE", "EMERG", "ALERT", "PANIC":
			return "ERROR"
		case "WARN", "WARNING":
			return "WARNING"
		}
	}
	return ""
}

// errorWords are the words that make a message look like a failure.
var errorWords = []string{"error", "fail", "fatal", "panic", "denied", "refused", "refusing", "reject",
	"timeout", "timed out", "cannot", "can't", "unable", "no space", "segfault", "segmentation fault",
	"killed", "abort", "crash", "corrupt", "invalid", "exception", "unreachable", "out of memory",
	"too many", "not found", "lost", "exhausted", "overflow", "dumped core", "core dumped"}

// groups returns the templates of a read log (see mineRun.finish).
func (lm *logMine) groups() []tplGroup { return lm.kept }

// benignMatch reports whether a mined template is covered by a known-benign
// one: as many tokens, and each benign token a wildcard or the same.
func benignMatch(benign [][]string, tpl []string) bool {
	for _, b := range benign {
		if len(b) != len(tpl) {
			continue
		}
		ok := true
		for i, t := range b {
			if t != drain.Wildcard && t != tpl[i] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// buildUnexplained fills the report's unexplained list and the per-log
// shares of lines explained.
func buildUnexplained(rep *report.Report, e *evaluator, states []*bundleState) {
	// What depends on a template's text alone is judged once per text (a
	// bundle of thousands of logs has the same templates in each).
	words := map[string]tplWords{}
	// One entry per template per log family (mine_family.go), in the order
	// each was first met.
	fams := map[famKey]*famSpan{}
	var order []*famTemplate
	for _, b := range states {
		for _, m := range b.members {
			lm := m.mine
			if lm == nil || lm.lines == 0 || !lm.isLog() {
				continue
			}
			lc := report.LogCoverage{Bundle: b.name, File: m.path, Lines: lm.lines, Templates: int(lm.nKept), Dropped: lm.dropped, Cap: maxTemplatesPerLog}
			// Its benign templates' lines are explained; its unexplained
			// templates are in its family's (mineRun.finish, foldLog).
			explained := lm.matched + lm.benign
			fk := famKey{b, logFamily(m.path)}
			if fams[fk] == nil {
				fams[fk] = &famSpan{}
			}
			fams[fk].add(lm)
			lc.Explained = explained
			// Unknown: no pattern of the profile matched a line, no line is
			// benign, and none had a time where the profile names a format:
			// not the log the profile expects.
			lc.Unknown = !lm.known && explained == 0 && !lm.dated()
			rep.Logs = append(rep.Logs, lc)
		}
		if b.tpls == nil {
			continue
		}
		for _, ft := range b.tpls.order {
			w, ok := words[ft.g.template]
			if !ok {
				w = templateWords(ft.g.template)
				words[ft.g.template] = w
			}
			ft.tw = w
			order = append(order, ft)
		}
	}
	rep.Unexplained = slices.Grow(rep.Unexplained, len(order))
	for _, ft := range order {
		rep.Unexplained = append(rep.Unexplained, ft.entry(e, *fams[ft.key]))
	}
	markUnknownInputs(rep)
	slices.SortStableFunc(rep.Unexplained, func(a, c report.Unexplained) int {
		if a.Score != c.Score {
			return c.Score - a.Score
		}
		return c.Count - a.Count
	})
}

// tplWords is what a template's text alone gives its entries: its id and
// the error words it holds (a reason, empty when none).
type tplWords struct {
	id, reason string
}

func templateWords(template string) tplWords {
	low := strings.ToLower(template)
	var words []string
	for _, w := range errorWords {
		if strings.Contains(low, w) {
			words = append(words, w)
		}
	}
	tw := tplWords{id: drain.ID(template)}
	if len(words) > 0 {
		tw.reason = "error words: " + strings.Join(words, ", ")
	}
	return tw
}

// dated reports whether a line of the log had a time: a log, not a
// config file or a command's output read for a fact.
func (lm *logMine) dated() bool {
	return lm.firstN != noMod || lm.m.tod && lm.m.todHave
}

// isLog reports whether the member is a log: a line had a time, or the
// profile names a time format for it (then no line having one says the
// file is not what the profile expects).
func (lm *logMine) isLog() bool {
	if lm.dated() {
		return true
	}
	sp := lm.m.spec
	return sp != nil && !sp.auto && sp.parser != nil
}

// logSpan is the time a log covers, in minutes (at least one).
func logSpan(lm *logMine) float64 {
	return max(1, lm.lastT().Sub(lm.firstT()).Minutes())
}

func unexplainedEntry(e *evaluator, b *bundleState, file string, g *tplGroup, tw tplWords, span float64) report.Unexplained {
	u := report.Unexplained{ID: tw.id, Template: g.template, Bundle: b.name, File: file, Count: g.count}
	ft, lt, level, peak := g.first, g.last, g.level, g.peak
	u.Example = report.Evidence{Bundle: b.name, File: file, Line: g.firstLine, Text: g.example}
	if !ft.IsZero() {
		f, l := ft.UTC(), lt.UTC()
		u.FirstSeen, u.LastSeen = &f, &l
		u.Example.Time = nil
	}
	if tw.reason != "" {
		u.Score += 4
		u.Reasons = append(u.Reasons, tw.reason)
	}
	switch level {
	case "ERROR":
		u.Score += 3
		u.Reasons = append(u.Reasons, "level error")
	case "WARNING":
		u.Score++
		u.Reasons = append(u.Reasons, "level warning")
	}
	if bg := float64(g.count) / span; peak >= 5 && float64(peak) >= 10*bg {
		u.Score += 3
		u.Reasons = append(u.Reasons, fmt.Sprintf("burst: %d in one minute", peak))
	}
	if e.incident != nil && u.FirstSeen != nil {
		inc := *e.incident
		if !u.FirstSeen.After(inc.Add(incidentWindow)) && !u.LastSeen.Before(inc.Add(-incidentWindow)) {
			u.NearIncident = true
			u.Score += 3
			u.Reasons = append(u.Reasons, "near the incident")
		}
	}
	if g.count <= 3 {
		u.Score++
		u.Reasons = append(u.Reasons, fmt.Sprintf("rare: %d %s", g.count, nounFor(g.count, "line", "lines")))
	}
	if u.Reasons == nil {
		u.Reasons = []string{}
	}
	return u
}

func nounFor(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// markUnknownInputs: a rule that "ran" on logs of which no line matched
// anything the profile knows did not really run: it is partial, and the
// reason names them.
func markUnknownInputs(rep *report.Report) {
	unknown := map[string]bool{}
	for _, l := range rep.Logs {
		if l.Unknown {
			unknown[l.Bundle+"\x00"+l.File] = true
		}
	}
	if len(unknown) == 0 {
		return
	}
	for i, c := range rep.Coverage {
		if c.Status != report.CoverageRan || len(c.Inputs) == 0 {
			continue
		}
		var bad []string
		for _, in := range c.Inputs {
			if unknown[c.Bundle+"\x00"+in] {
				bad = append(bad, in)
			}
		}
		if len(bad) == 0 {
			continue
		}
		c.Status = report.CoveragePartial
		c.Reason = joinReason(c.Reason, "no line of "+strings.Join(bad, ", ")+" matched anything the profile knows (an unknown format or the wrong file)")
		rep.Coverage[i] = c
	}
}
