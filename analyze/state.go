package analyze

import (
	"bytes"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"casefile/analyze/input"
	"casefile/bundle"
)

// Limits that keep memory bounded whatever the input.
const (
	// maxLineText caps the text of a line kept as evidence.
	maxLineText = 4 << 10
	// maxExcerptText caps each line of an excerpt.
	maxExcerptText = 512
	// excerptRadius lines are kept before and after each evidence line.
	excerptRadius = 10
	// excerptsHead and excerptsTail bound the excerpts captured per chunk;
	// the merger keeps them while the run's budget lasts (and the first
	// excerptsFloor of each member whatever the budget).
	excerptsHead  = 64
	excerptsTail  = 16
	excerptsFloor = 0
	// retainPerMember and retainTotal bound the bytes kept of members read
	// whole as context.
	retainPerMember = 8 << 20
	retainTotal     = 48 << 20
)

// record is a matched line (or a segment of a split line).
type record struct {
	pat  *pattern
	b    *bundleState
	m    *member
	line int
	seg  int
	t    time.Time // zero: the line has no time
	// day is, for a member whose format has no date (member.tod), the
	// day the line is on, counted from the member's start (see
	// member.fixTimes); t then holds only the time of day until fixed.
	day   int
	text  string
	match string
	caps  []string // by pat.names; "" where a group did not take part
	// fnames and fcaps are the groups of the slot's file_pattern and their
	// values for this member (records of such slots are copies per slot).
	fnames []string
	fcaps  []string
	// sl is the rule slot whose aggregate keeps the record (its label).
	sl *slot
	// raw is the segment's bytes in the chunk and locs its submatch
	// indices (nil: not run yet) while the record is not owned: during the
	// merge of its chunk only. own makes text, match and caps.
	raw  []byte
	locs []int
	// inherit marks a time to take from the chunks before (set by the
	// worker, resolved by the merger); inheritNext, in a newest-first
	// member, one to take from the chunks after.
	inherit     bool
	inheritNext bool
	// body is the record's lines when its log has continuation lines
	// (continuation.go).
	body *recBody
}

// capture returns a named group's text.
func (r *record) capture(name string) (string, bool) {
	for i, n := range r.pat.names {
		if n == name {
			if r.raw != nil {
				return string(r.capBytes(i)), true
			}
			return r.caps[i], true
		}
	}
	for i, n := range r.fnames {
		if n == name {
			return r.fcaps[i], true
		}
	}
	return "", false
}

// value is the "value" group, or the whole match.
func (r *record) value() string {
	if r.raw != nil {
		r.ensureLocs()
		if r.pat.value >= 0 {
			return string(r.capBytes(r.pat.value))
		}
		if r.locs == nil {
			return ""
		}
		return string(r.raw[r.locs[0]:r.locs[1]])
	}
	if r.pat.value >= 0 {
		return r.caps[r.pat.value]
	}
	return r.match
}

// ensureLocs finds the submatches of a record not owned yet.
func (r *record) ensureLocs() {
	if r.locs != nil || r.raw == nil {
		return
	}
	if r.pat.litExact {
		r.locs = r.pat.litLoc(r.raw)
		return
	}
	r.locs = r.pat.re.FindSubmatchIndex(r.raw)
}

// capBytes is the bytes of the i-th named group of a record not owned
// yet (nil when it did not take part).
func (r *record) capBytes(i int) []byte {
	if r.pat.konst != nil && r.pat.konst[i] != nil {
		return r.pat.konst[i]
	}
	r.ensureLocs()
	if r.locs == nil {
		return nil
	}
	gi := r.pat.index[i]
	a, b := r.locs[2*gi], r.locs[2*gi+1]
	if a < 0 {
		return nil
	}
	if r.pat.alts != nil && r.pat.alts[i] != nil {
		for _, t := range r.pat.alts[i] {
			if len(t) == b-a {
				return t
			}
		}
	}
	return r.raw[a:b]
}

// appendCapture appends a named group's text (without allocating for a
// record not owned yet).
func (r *record) appendCapture(dst []byte, name string) []byte {
	for i, n := range r.pat.names {
		if n == name {
			if r.raw != nil {
				return append(dst, r.capBytes(i)...)
			}
			return append(dst, r.caps[i]...)
		}
	}
	for i, n := range r.fnames {
		if n == name {
			return append(dst, r.fcaps[i]...)
		}
	}
	return dst
}

// capturesAre tells whether the named groups' texts are vals, in order
// (as capture gives them: "" for a name the record does not have),
// without allocating.
func (r *record) capturesAre(names, vals []string) bool {
next:
	for k, name := range names {
		for i, n := range r.pat.names {
			if n == name {
				if r.raw != nil {
					if string(r.capBytes(i)) != vals[k] {
						return false
					}
				} else if r.caps[i] != vals[k] {
					return false
				}
				continue next
			}
		}
		for i, n := range r.fnames {
			if n == name {
				if r.fcaps[i] != vals[k] {
					return false
				}
				continue next
			}
		}
		if vals[k] != "" {
			return false
		}
	}
	return true
}

// own returns the record with its own text, match and captures (itself
// when it has them already): a record kept beyond the merge of its
// chunk must be owned.
func (r *record) own() *record {
	if r.raw == nil {
		return r
	}
	r.ensureLocs()
	c := new(record)
	*c = *r
	seg, loc := r.raw, r.locs
	text := cleanText(seg, maxLineText)
	exact := len(text) == len(seg) // text is seg verbatim: captures can share it
	sub := func(a, b int) string {
		if a < 0 {
			return ""
		}
		if exact {
			return text[a:b]
		}
		return cleanText(seg[a:b], maxLineText)
	}
	c.text = text
	c.caps = make([]string, len(r.pat.names))
	if loc != nil {
		c.match = sub(loc[0], loc[1])
		for k, gi := range r.pat.index {
			c.caps[k] = sub(loc[2*gi], loc[2*gi+1])
		}
	}
	c.raw, c.locs = nil, nil
	c.body = r.body.owned()
	return c
}

// before orders records: by time (undated first), then bundle, member,
// line and segment.
func (r *record) before(o *record) bool {
	if !r.t.Equal(o.t) {
		return r.t.Before(o.t)
	}
	if r.b.idx != o.b.idx {
		return r.b.idx < o.b.idx
	}
	if r.m.idx != o.m.idx {
		return r.m.idx < o.m.idx
	}
	if r.line != o.line {
		if r.m.newestFirst {
			return r.line > o.line
		}
		return r.line < o.line
	}
	return r.seg < o.seg
}

func sortRecords(rs []*record) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].before(rs[j]) })
}

// member is one member of an input as the engine keeps it.
type member struct {
	// yearFix, when set, moves the guessed years of this member's
	// yearless lines (fixYears); the event streams apply it as they read.
	yearFix *yearFix
	path    string
	size    int64
	// modNano is the member's mtime in Unix nanoseconds (noMod: none);
	// see modTime.
	modNano int64
	spec    *logSpec
	parser  *timeParser
	tc      timeCtx
	first   time.Time // first line time
	last    time.Time // last line time
	lines   int       // newlines read so far
	// ex holds the member's excerpts (nil: none kept).
	ex *memberEx
	// ctx is what a context keeps of the member (nil: none).
	ctx *memberCtx
	// mine observes a log's lines in order (mine.go); nil: not a log.
	mine *logMine
	// *todState: the day counting of a time-of-day or newest-first
	// member; the other members share noTod, which nothing writes.
	*todState

	// A bundle keeps every member it reads to its end (10,000 logs:
	// 10,000 of these): the small fields are together (issue 13).
	idx     int
	invalid int32 // lines that are not valid UTF-8 (saturating)
	// newestFirst: the member lists its newest line first (order:
	// newest-first); first and last are then physical until fixTimes.
	newestFirst bool
	// tod: the member's time format has no date (time of day only). Its
	// line times hold the time of day and a day index (record.day) until
	// fixTimes dates them; the merger counts the days.
	tod       bool
	timesDone bool
}

// todState is what a time-of-day or newest-first member counts of its
// days and keeps waiting (issue 13: most members have none of it).
type todState struct {
	todHave  bool          // a timed line was merged
	todFirst time.Duration // time of day of the first timed line
	todLast  time.Duration // and of the last one merged so far
	rolls    int           // day changes counted so far
	firstDay int           // day index of first, lastDay of last
	lastDay  int
	// pendNext are untimed records of a newest-first member waiting for
	// the next timed line.
	pendNext []pending
	// dated, newestIdx: after fixTimes, the date of day index newestIdx.
	dated     time.Time
	newestIdx int
}

// memberOf is the member read at path (nil: none), after the pass.
func (b *bundleState) memberOf(path string) *member {
	b.byPathOnce.Do(func() {
		if b.byPath == nil {
			b.byPath = make(map[string]*member, len(b.members))
		}
		for _, m := range b.members {
			b.byPath[m.path] = m
		}
	})
	return b.byPath[path]
}

// noTod is the todState of members that count no days: all zero, never
// written.
var noTod todState

// needTod gives the member its own todState once it is time-of-day or
// newest-first (on the walking goroutine, before its chunks are queued).
func (m *member) needTod() {
	if (m.tod || m.newestFirst) && m.todState == &noTod {
		m.todState = &todState{}
	}
}

// memberEx is the member's excerpts: the first ones and a ring of the
// last ones.
type memberEx struct {
	excerpts []*excerpt
	exTail   []*excerpt // ring of the last ones
	exTailAt int32
	exFull   bool // the budget refused an excerpt: no more first ones
}

// noMod is modNano of a member without an mtime.
const noMod = math.MinInt64

// modNanoOf is t in Unix nanoseconds, noMod for the zero time; times
// beyond what that holds (before 1678, after 2262) are clamped, which
// keeps them before or after any line's time.
func modNanoOf(t time.Time) int64 {
	switch {
	case t.IsZero():
		return noMod
	case t.Before(minNano):
		return minNano.UnixNano()
	case t.After(maxNano):
		return maxNano.UnixNano()
	}
	return t.UnixNano()
}

var minNano, maxNano = time.Unix(0, math.MinInt64+1), time.Unix(0, math.MaxInt64)

// modTime is the member's mtime (zero: none).
func (m *member) modTime() time.Time { return timeOfNano(m.modNano) }

// timeOfNano is the time of Unix nanoseconds n (modNanoOf), zero for
// noMod.
func timeOfNano(n int64) time.Time {
	if n == noMod {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// exHead and exRing are the member's first excerpts and the ring of its
// last ones (nil: none).
func (m *member) exHead() []*excerpt {
	if m.ex == nil {
		return nil
	}
	return m.ex.excerpts
}

func (m *member) exRing() []*excerpt {
	if m.ex == nil {
		return nil
	}
	return m.ex.exTail
}

// memberCtx is the tail of a member a context keeps.
type memberCtx struct {
	retained []retainedChunk
	retBytes int
	ctxLines []ctxLine // parsed from retained, on first use
	ctxDone  bool
}

// retainedChunks are the chunks a context keeps of the member.
func (m *member) retainedChunks() []retainedChunk {
	if m.ctx == nil {
		return nil
	}
	return m.ctx.retained
}

// excerptBudget is the bytes of excerpts kept in a run (see budget).
const excerptBudget = 4 << 20

func excerptSize(e *excerpt) int {
	if e.lazy {
		return e.size
	}
	n := 48 + 24*len(e.lines)
	for _, l := range e.lines {
		n += len(l)
	}
	return n
}

// addExcerpt keeps an excerpt of the member: the first ones while the
// budget lasts (the first excerptsFloor whatever it says), then a ring
// of the last excerptsTail, each drawn from the budget too.
func (m *member) addExcerpt(e *excerpt, bud *budget) {
	size := excerptSize(e)
	if m.ex == nil {
		m.ex = &memberEx{}
	}
	x := m.ex
	if !x.exFull && len(x.excerpts) < excerptsHead {
		if len(x.excerpts) < excerptsFloor || bud.take(size) {
			x.excerpts = append(x.excerpts, e)
			return
		}
	}
	x.exFull = true
	if len(x.exTail) < excerptsTail {
		if bud.take(size) {
			x.exTail = append(x.exTail, e)
		}
		return
	}
	old := x.exTail[x.exTailAt]
	bud.give(excerptSize(old))
	if bud.take(size) {
		x.exTail[x.exTailAt] = e
		x.exTailAt = (x.exTailAt + 1) % excerptsTail
	} else {
		bud.take(excerptSize(old))
	}
}

// excerpt is a run of lines around one record.
type excerpt struct {
	start int // line number of lines[0]
	lines []string
	// lazy: the lines are not built yet (excerptSpan): they are
	// data[from:to] of the chunk being merged, and size is excerptSize.
	lazy     bool
	from, to int
	size     int
}

type retainedChunk struct {
	data  []byte
	buf   *[]byte
	start int // line number of the first line
	cont  bool
	// For time-of-day members: the day changes counted and the time of
	// day of the last timed line before the chunk.
	rolls   int
	todLast time.Duration
	todHave bool
}

type ctxLine struct {
	line int
	t    time.Time
	text string
}

// slotStore keeps the records of one slot in one bundle: a floor of the
// first and last ones, and more first ones while the run's budget lasts.
type slotStore = recKeep

// bundleState is one input as the engine sees it during and after the pass.
type bundleState struct {
	// fileSum memoizes fileSHA256 (hashing a large bundle file is slow).
	fileSum  *string
	idx      int
	src      source
	in       *input.Input
	name     string
	manifest *bundle.Manifest
	loc      *time.Location
	ref      time.Time // collection end (year inference, ago, pending sequences)
	plan     *plan
	group    *group
	// logZones are the zones of logs entries whose timezone names a
	// fact, and zoneNotes what became of such a fact (logzone.go).
	logZones  map[*logSpec]*time.Location
	zoneNotes map[*logSpec]string

	members []*member
	// byPath finds a member by path once the pass is over (memberOf
	// fills it on first use: 10,000 members made a map of 0.35 MiB
	// through the pass).
	byPath     map[string]*member
	byPathOnce sync.Once
	// all holds every member path walked, read or not.
	all   []string
	slots []slotStore
	// aggs holds the aggregate of each rule of the plan (nil: none);
	// factAggs that of each pattern fact's slot, by slot id.
	aggs     []*ruleAgg
	factAggs []*factAgg
	ver      *input.Verification

	facts    map[string]any
	factRecs map[string][]*record
	factErrs map[string]string
	// factNotes say what of a fact's value is not exact (factAgg.note).
	factNotes map[string]string
	sources   map[string]any
	bundleMap map[string]any
	// readAs says, per member path, which raw file was read as it by
	// content ("console.txt read as audit log by content").
	readAs map[string]string
	// passDone: the bundle's pass is finished (endBundle).
	passDone bool
	// tpls: what its finished logs' templates give the report (mine_fold.go).
	tpls *logTemplates
	// exEnded are small members whose pass ended, queued for pruning
	// their excerpts, exEndedSize the bytes of those (endedMember).
	exEnded     []endedEx
	exEndedSize int
	// matching remembers membersMatching's lists, by glob list.
	matching map[string]matched
}

func (b *bundleState) slotRecords(s *slot) []*record {
	return b.slots[s.id].records()
}

// membersMatching returns the paths of walked members matching a glob
// (not to be changed: the list is remembered per glob list, as the
// coverage of every rule asks for its inputs' members, and a bundle of
// 10,000 members made each rule match every glob against each of them).
func (b *bundleState) membersMatching(globs []string) []string {
	key := strings.Join(globs, "\x00")
	if c, ok := b.matching[key]; ok && c.n == len(b.all) {
		return c.paths
	}
	var out []string
	for _, p := range b.all {
		if matchAny(globs, p) {
			out = append(out, p)
		}
	}
	if b.matching == nil {
		b.matching = map[string]matched{}
	}
	b.matching[key] = matched{len(b.all), out}
	return out
}

// matched is what membersMatching found of n members walked.
type matched struct {
	n     int
	paths []string
}

// cleanText makes line bytes into evidence text: invalid UTF-8 becomes
// U+FFFD and more than limit bytes are cut with a marker.
func cleanText(b []byte, limit int) string {
	b, cut := cutText(b, limit)
	s := string(b)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if cut > 0 {
		s += "…[" + itoa(cut) + " more bytes]"
	}
	return s
}

// cleanLen is len(cleanText(b, limit)), without building it; valid: b
// is known to be valid UTF-8.
func cleanLen(b []byte, limit int, valid bool) int {
	b, cut := cutText(b, limit)
	n := len(b)
	if !valid && !utf8.Valid(b) {
		n = len(strings.ToValidUTF8(string(b), "\uFFFD"))
	}
	if cut > 0 {
		n += len("…[") + len(itoa(cut)) + len(" more bytes]")
	}
	return n
}

// cutText cuts b to at most limit bytes, never inside a UTF-8 sequence,
// and says how many bytes it cut (cleanText and cleanLen cut alike).
func cutText(b []byte, limit int) ([]byte, int) {
	if len(b) <= limit {
		return b, 0
	}
	cut := len(b) - limit
	b = b[:limit]
	if ls := lastStart(b); !utf8.FullRune(b[ls:]) {
		cut += len(b) - ls
		b = b[:ls]
	}
	return b, cut
}

func lastStart(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-4; i-- {
		if utf8.RuneStart(b[i]) {
			return i
		}
	}
	return len(b) - 1
}

func indexNL(b []byte) int { return bytes.IndexByte(b, '\n') }

func itoa(n int) string {
	var buf [20]byte
	i := len(buf)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}

// fixTimes finishes the times of a bundle's members after the pass:
// lines of time-of-day-only members get their dates, waiting untimed
// lines of newest-first members stay untimed, and a newest-first
// member's first and last times are put in time order.
func (b *bundleState) fixTimes() {
	dated := false
	for _, m := range b.members {
		if m.todState != &noTod {
			m.pendNext = nil
		}
		if m.tod && m.todHave {
			m.date()
			dated = true
		}
	}
	if dated {
		done := map[*record]bool{}
		fix := func(st *recKeep) {
			for _, part := range [][]*record{st.head, st.tail} {
				for _, r := range part {
					if !r.m.tod || r.t.IsZero() || done[r] {
						continue
					}
					done[r] = true
					r.t = r.m.dateOf(r.day, todOf(r.t))
				}
			}
		}
		for i := range b.slots {
			fix(&b.slots[i])
		}
		for _, a := range b.aggs {
			if a != nil {
				for _, g := range a.order {
					fix(&g.kept)
					fix(&g.cand)
					fix(&recKeep{head: g.pend})
					fix(&recKeep{head: g.bursts.records()})
				}
			}
		}
		for _, fa := range b.factAggs {
			if fa != nil {
				fix(&recKeep{head: fa.records()})
			}
		}
	}
	for _, m := range b.members {
		if m.tod && m.todHave {
			m.first = m.dateOf(m.firstDay, m.todFirst)
			m.last = m.dateOf(m.lastDay, m.todLast)
		}
		if m.newestFirst && m.first.After(m.last) {
			m.first, m.last = m.last, m.first
		}
		m.timesDone = true
	}
}

// date works out the date of a time-of-day member's newest line: the day
// of the reference time (collection end, else the member's mtime), or
// the day before when the newest line's time of day is later than the
// reference's (the log ended before midnight).
func (m *member) date() {
	loc := m.tc.loc
	if loc == nil {
		loc = time.UTC
	}
	ref := m.tc.ref
	if ref.IsZero() {
		ref = time.Now()
	}
	ref = ref.In(loc)
	newestTod, idx := m.todLast, m.lastDay
	if m.newestFirst {
		newestTod, idx = m.todFirst, m.firstDay
	}
	day := time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, loc)
	if newestTod > todOf(ref)+time.Minute {
		day = day.AddDate(0, 0, -1)
	}
	m.dated, m.newestIdx = day, idx
}

// dateOf is the time of day d on the member's day index i.
func (m *member) dateOf(i int, d time.Duration) time.Time {
	y, mo, dd := m.dated.Date()
	h := int(d / time.Hour)
	mi := int(d % time.Hour / time.Minute)
	s := int(d % time.Minute / time.Second)
	ns := int(d % time.Second)
	return time.Date(y, mo, dd+(i-m.newestIdx), h, mi, s, ns, m.dated.Location())
}
