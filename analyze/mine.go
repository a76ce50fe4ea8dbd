package analyze

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"casefile/analyze/report"
	"casefile/internal/drain"
)

// Template mining: every line of every log (a member the profile's logs
// section names) is given a message template during the pass, so that a
// report can say what no rule knows (the unexplained section) and what
// share of each log was explained. The pass calls the member's observer
// with each merged chunk, in line order, on the merging goroutine; the
// observer never changes what the pass does.

// miningOff turns mining off (benchmarks measure what it costs).
var miningOff = false

// maxTemplatesPerLog caps the templates mined per log: memory stays
// bounded whatever the log; lines beyond are counted as dropped.
const maxTemplatesPerLog = 2000

// logMine is the observer of one log member.
type logMine struct {
	m       *member
	tc      timeCtx
	miner   *drain.Miner
	shapes  map[uint64]*tplStat
	order   []*tplStat
	lines   int // lines mined
	matched int // lines a rule or fact matched
	toks    []string
	// explains holds the patterns whose matches explain a line.
	explains map[*pattern]bool
	jobs     chan mineJob
	done     chan struct{}
	ended    bool // jobs is closed (end)
	// known: some pattern of the profile (any rule, fact or context)
	// matched a line; set on the merging goroutine.
	known bool
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
	timedLine int   // the last line whose time was read
	lastMin   int64 // its minute
	timed     bool
	inMin     int // lines counted in lastMin
	peak      int // most lines in one minute before lastMin
}

func newLogMine(m *member, tc timeCtx) *logMine {
	return &logMine{m: m, tc: tc, miner: drain.New(drain.Config{MaxTemplates: maxTemplatesPerLog}), shapes: map[uint64]*tplStat{}}
}

// chunk observes a merged chunk: data holds whole lines, the first being
// line base+1 (its continuation when cont); recs are the chunk's records
// with absolute line numbers, in line order.
func (lm *logMine) chunk(ms *memberScan, data []byte, base int, cont bool, hs []hit) {
	if lm.explains == nil {
		lm.explains = explainers(ms)
	}
	if len(hs) > 0 {
		lm.known = true
	}
	var hits []int
	for i := range hs {
		if lm.explains[ms.pats[hs[i].pat]] {
			hits = append(hits, base+1+int(hs[i].line)) // hit lines are relative to the chunk
		}
	}
	// The pass's hits are in pattern order within a line range; the miner
	// wants each explained line once, ascending.
	slices.Sort(hits)
	hits = slices.Compact(hits)
	// The chunk is mined by the log's own goroutine, beside the pass:
	// a copy, as the pass reuses its buffers.
	bp := mineBufs.Get().(*[]byte)
	buf := append((*bp)[:0], data...)
	if lm.jobs == nil {
		lm.jobs = make(chan mineJob, 4)
		lm.done = make(chan struct{})
		go lm.loop()
	}
	lm.jobs <- mineJob{data: buf, bp: bp, base: base, cont: cont, hits: hits}
}

var mineBufs = sync.Pool{New: func() any { b := make([]byte, 0, chunkSize); return &b }}

type mineJob struct {
	data []byte
	bp   *[]byte
	base int
	cont bool
	hits []int // explained lines, ascending
}

func (lm *logMine) loop() {
	defer close(lm.done)
	for j := range lm.jobs {
		lm.mineChunk(j)
		*j.bp = j.data[:0]
		mineBufs.Put(j.bp)
	}
}

// finishMining waits until every log's chunks are mined (after the pass,
// whether it succeeded or not: no miner is left waiting).
func finishMining(states []*bundleState) {
	for _, b := range states {
		for _, m := range b.members {
			if m.mine != nil {
				m.mine.wait()
			}
		}
	}
}

// wait returns when every chunk observed was mined.
func (lm *logMine) wait() {
	lm.end()
	if lm.done != nil {
		<-lm.done
	}
}

// end says the member has no more chunks: its goroutine finishes the
// ones queued and ends (merger; a run of many small logs would otherwise
// hold a goroutine and its stack per log until the pass ends).
func (lm *logMine) end() {
	if lm.jobs != nil && !lm.ended {
		close(lm.jobs)
		lm.ended = true
	}
}

func (lm *logMine) mineChunk(j mineJob) {
	data, hits := j.data, j.hits
	hi := 0
	k := 0
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		line := data
		if i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		no := j.base + k + 1
		k++
		if k == 1 && j.cont {
			continue
		}
		for hi < len(hits) && hits[hi] < no {
			hi++
		}
		lm.line(line, no, hi < len(hits) && hits[hi] == no)
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

func (lm *logMine) line(b []byte, no int, hit bool) {
	b = bytes.TrimSuffix(b, []byte{'\r'})
	if len(b) == 0 {
		return
	}
	lm.lines++
	if hit {
		lm.matched++
	}
	// Fast path: a line of the same shape (its bytes with each digit as
	// one mark) as one seen before has that line's template; the
	// miner sees each shape once.
	fp := fingerprint(b)
	st := lm.shapes[fp]
	if st == nil {
		if len(bytes.TrimSpace(b)) == 0 {
			lm.lines--
			if hit {
				lm.matched--
			}
			return
		}
		lm.toks = MessageTokens(string(b), lm.toks[:0])
		c := lm.miner.AddTokens(lm.toks)
		if c == nil {
			return // beyond the cap: counted by the miner
		}
		st = &tplStat{c: c, firstLine: no, example: cleanText(b, maxLineText), level: levelOf(lm.toks)}
		if len(lm.shapes) < maxShapes {
			lm.shapes[fp] = st
		}
		lm.order = append(lm.order, st)
	}
	st.count++
	st.lastLine = no
	if hit {
		st.matched++
	}
	// Times: each of the first lines of a shape, then one line in
	// timeEvery; the lines between count in the minute of the last timed
	// one (burst), and last_seen is that of the last timed line.
	if p := lm.m.parser; p != nil && !lm.m.tod {
		if st.count <= timeFirst || no-st.timedLine >= timeEvery {
			if t, ok := p.parse(b, &lm.tc); ok {
				st.timedLine = no
				if st.first.IsZero() || t.Before(st.first) {
					st.first = t
				}
				if t.After(st.last) {
					st.last = t
				}
				if m := t.Unix() / 60; m != st.lastMin || !st.timed {
					st.peak = max(st.peak, st.inMin)
					st.lastMin, st.inMin, st.timed = m, 0, true
				}
			}
		}
		if st.timed {
			st.inMin++
		}
	}
}

// Shapes and times (see line).
const (
	maxShapes = 20000
	timeFirst = 16
	timeEvery = 256
)

// fingerprint hashes a line's bytes with each digit as '#'. It runs on
// every line: eight bytes a step, a rotate-xor (no multiply on the path)
// and a final mix. Lines of one template whose numbers differ in length
// get different values (more shapes, same template); two shapes that
// collide share the first one's template.
func fingerprint(b []byte) uint64 {
	const (
		lo = 0x0f0f0f0f0f0f0f0f
		hi = 0x8080808080808080
	)
	var h, g uint64 = 0x9e3779b97f4a7c15, uint64(len(b))
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		// A byte is a digit when its high nibble is 3 and its low one 9
		// or less; these sums stay within each byte.
		z := ((w >> 4) & lo) ^ 0x0303030303030303
		l := w & lo
		if d := ^((z + 0x7f7f7f7f7f7f7f7f) | (l + 0x7676767676767676)) & hi; d != 0 {
			m := (d >> 7) * 0xff
			w = w&^m | 0x2323232323232323&m
		}
		h = bits.RotateLeft64(h, 7) ^ w
		g += h
	}
	for _, c := range b[i:] {
		if c-'0' < 10 {
			c = '#'
		}
		h = bits.RotateLeft64(h, 7) ^ uint64(c)
		g += h
	}
	h ^= bits.RotateLeft64(g, 29)
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	return h ^ h>>33
}

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

// tplGroup gathers the clusters of one log with the same final template.
type tplGroup struct {
	template string
	stats    []*tplStat
	count    int
	matched  int
}

func (lm *logMine) groups() []*tplGroup {
	by := map[string]*tplGroup{}
	var out []*tplGroup
	for _, st := range lm.order {
		t := st.c.Template()
		g := by[t]
		if g == nil {
			g = &tplGroup{template: t}
			by[t] = g
			out = append(out, g)
		}
		g.stats = append(g.stats, st)
		g.count += st.count
		g.matched += st.matched
	}
	return out
}

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
	for _, b := range states {
		var benign [][]string
		if b.plan != nil && b.plan.prof != nil {
			for _, t := range b.plan.prof.Benign {
				benign = append(benign, strings.Fields(t))
			}
		}
		for _, m := range b.members {
			lm := m.mine
			if lm != nil {
				lm.wait()
			}
			if lm == nil || lm.lines == 0 || !lm.isLog() {
				continue
			}
			lc := report.LogCoverage{Bundle: b.name, File: m.path, Lines: lm.lines, Templates: 0, Dropped: lm.miner.Dropped, Cap: maxTemplatesPerLog}
			explained := lm.matched
			span := logSpan(lm)
			for _, g := range lm.groups() {
				lc.Templates++
				if benignMatch(benign, strings.Fields(g.template)) {
					explained += g.count - g.matched
					continue
				}
				if g.matched > 0 {
					continue
				}
				rep.Unexplained = append(rep.Unexplained, unexplainedEntry(e, b, m, g, span))
			}
			lc.Explained = explained
			// Unknown: no pattern of the profile matched a line, no line is
			// benign, and none had a time where the profile names a format:
			// not the log the profile expects.
			lc.Unknown = !lm.known && explained == 0 && !lm.dated()
			rep.Logs = append(rep.Logs, lc)
		}
	}
	markUnknownInputs(rep)
	sort.SliceStable(rep.Unexplained, func(i, j int) bool {
		a, c := rep.Unexplained[i], rep.Unexplained[j]
		if a.Score != c.Score {
			return a.Score > c.Score
		}
		return a.Count > c.Count
	})
}

// dated reports whether a line of the log had a time: a log, not a
// config file or a command's output read for a fact.
func (lm *logMine) dated() bool {
	for _, st := range lm.order {
		if !st.first.IsZero() {
			return true
		}
	}
	return lm.m.tod && lm.m.todHave
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
	var first, last time.Time
	for _, st := range lm.order {
		if st.first.IsZero() {
			continue
		}
		if first.IsZero() || st.first.Before(first) {
			first = st.first
		}
		if st.last.After(last) {
			last = st.last
		}
	}
	return max(1, last.Sub(first).Minutes())
}

func unexplainedEntry(e *evaluator, b *bundleState, m *member, g *tplGroup, span float64) report.Unexplained {
	u := report.Unexplained{ID: drain.ID(g.template), Template: g.template, Bundle: b.name, File: m.path, Count: g.count}
	first := g.stats[0]
	var ft, lt time.Time
	level := ""
	peak := 0
	for _, st := range g.stats {
		if st.firstLine < first.firstLine {
			first = st
		}
		if !st.first.IsZero() && (ft.IsZero() || st.first.Before(ft)) {
			ft = st.first
		}
		if st.last.After(lt) {
			lt = st.last
		}
		if st.level != "" && level != "ERROR" {
			level = st.level
		}
		peak = max(peak, st.peak, st.inMin)
	}
	u.Example = report.Evidence{Bundle: b.name, File: m.path, Line: first.firstLine, Text: first.example}
	if !ft.IsZero() {
		f, l := ft.UTC(), lt.UTC()
		u.FirstSeen, u.LastSeen = &f, &l
		u.Example.Time = nil
	}
	low := strings.ToLower(g.template)
	var words []string
	for _, w := range errorWords {
		if strings.Contains(low, w) {
			words = append(words, w)
		}
	}
	if len(words) > 0 {
		u.Score += 4
		u.Reasons = append(u.Reasons, "error words: "+strings.Join(words, ", "))
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
