package analyze

import (
	"bytes"
	"sort"
	"strings"
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
	// keepHead and keepTail bound the records kept per slot and bundle:
	// the first keepHead and the last keepTail; the ones between are
	// counted, not kept.
	keepHead = 5000
	keepTail = 1000
	// excerptRadius lines are kept before and after each evidence line.
	excerptRadius = 10
	// excerptsHead and excerptsTail bound the excerpts captured per member.
	excerptsHead = 64
	excerptsTail = 16
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
	// inherit marks a time to take from the chunks before (set by the
	// worker, resolved by the merger); inheritNext, in a newest-first
	// member, one to take from the chunks after.
	inherit     bool
	inheritNext bool
}

// capture returns a named group's text.
func (r *record) capture(name string) (string, bool) {
	for i, n := range r.pat.names {
		if n == name {
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
	if r.pat.value >= 0 {
		return r.caps[r.pat.value]
	}
	return r.match
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
	idx      int
	path     string
	size     int64
	modTime  time.Time
	spec     *logSpec
	parser   *timeParser
	tc       timeCtx
	first    time.Time // first line time
	last     time.Time // last line time
	lines    int       // newlines read so far
	invalid  int       // lines that are not valid UTF-8
	excerpts []*excerpt
	exTail   []*excerpt // ring of the last ones
	exTailAt int
	nExc     int
	retained []retainedChunk
	retBytes int
	ctxLines []ctxLine // parsed from retained, on first use
	ctxDone  bool
	// mine observes a log's lines in order (mine.go); nil: not a log.
	mine *logMine

	// newestFirst: the member lists its newest line first (order:
	// newest-first); first and last are then physical until fixTimes.
	newestFirst bool
	// tod: the member's time format has no date (time of day only). Its
	// line times hold the time of day and a day index (record.day) until
	// fixTimes dates them; the merger counts the days.
	tod      bool
	todHave  bool          // a timed line was merged
	todFirst time.Duration // time of day of the first timed line
	todLast  time.Duration // and of the last one merged so far
	rolls    int           // day changes counted so far
	firstDay int           // day index of first, lastDay of last
	lastDay  int
	// pendNext are untimed records of a newest-first member waiting for
	// the next timed line.
	pendNext []*record
	// dated, newestIdx: after fixTimes, the date of day index newestIdx.
	dated     time.Time
	newestIdx int
	timesDone bool
}

// excerpt is a run of lines around one record.
type excerpt struct {
	start int // line number of lines[0]
	lines []string
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

// slotStore keeps the records of one slot in one bundle.
type slotStore struct {
	head    []*record
	tail    []*record
	tailAt  int
	dropped int
}

func (s *slotStore) add(r *record) {
	if len(s.head) < keepHead {
		s.head = append(s.head, r)
		return
	}
	if len(s.tail) < keepTail {
		s.tail = append(s.tail, r)
		return
	}
	s.tail[s.tailAt] = r
	s.tailAt = (s.tailAt + 1) % keepTail
	s.dropped++
}

func (s *slotStore) records() []*record {
	out := make([]*record, 0, len(s.head)+len(s.tail))
	out = append(out, s.head...)
	out = append(out, s.tail[s.tailAt:]...)
	out = append(out, s.tail[:s.tailAt]...)
	return out
}

// bundleState is one input as the engine sees it during and after the pass.
type bundleState struct {
	idx      int
	src      source
	in       *input.Input
	name     string
	manifest *bundle.Manifest
	loc      *time.Location
	ref      time.Time // collection end (year inference, ago, pending sequences)
	plan     *plan
	group    *group

	members []*member
	byPath  map[string]*member
	// all holds every member path walked, read or not.
	all   []string
	slots []slotStore
	ver   *input.Verification

	facts     map[string]any
	factRecs  map[string][]*record
	factErrs  map[string]string
	sources   map[string]any
	bundleMap map[string]any
}

func (b *bundleState) slotRecords(s *slot) []*record {
	return b.slots[s.id].records()
}

// membersMatching returns the paths of walked members matching a glob.
func (b *bundleState) membersMatching(globs []string) []string {
	var out []string
	for _, p := range b.all {
		if matchAny(globs, p) {
			out = append(out, p)
		}
	}
	return out
}

// cleanText makes line bytes into evidence text: invalid UTF-8 becomes
// U+FFFD and more than limit bytes are cut with a marker.
func cleanText(b []byte, limit int) string {
	cut := 0
	if len(b) > limit {
		cut = len(b) - limit
		b = b[:limit]
		// Do not split a UTF-8 sequence.
		if ls := lastStart(b); !utf8.FullRune(b[ls:]) {
			cut += len(b) - ls
			b = b[:ls]
		}
	}
	s := string(b)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if cut > 0 {
		s += "…[" + itoa(cut) + " more bytes]"
	}
	return s
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
		m.pendNext = nil
		if m.tod && m.todHave {
			m.date()
			dated = true
		}
	}
	if dated {
		done := map[*record]bool{}
		for i := range b.slots {
			st := &b.slots[i]
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
