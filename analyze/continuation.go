package analyze

import (
	"bytes"
	"regexp"
	"strconv"

	"casefile/analyze/report"
)

// Multi-line records (docs/profiles.md, "Multi-line records"). A logs
// entry's continuation pattern says which lines belong to the record
// above: stack frames, indented lines, a database's DETAIL and
// STATEMENT lines. A record is its first line (the head) and the
// continuation lines under it. The pass keeps a record in one chunk
// (recordCut), a pattern that matches any line of a record makes one
// hit for the record (at the head's line number, with the captures of
// the line it matched), and evidence quotes the record's lines, each
// with its number (recordEvidence).

// Evidence quotes at most recordLines lines of a record and
// recordBytes bytes of them; the last line quoted says how many more
// the record has.
const (
	recordLines = 40
	recordBytes = 16 << 10
)

// contRe is the continuation pattern of a member's logs entry (nil:
// every line is a record).
func (ms *memberScan) contRe() *regexp.Regexp {
	if ms.m.spec == nil || ms.m.spec.spec == nil || ms.m.spec.spec.Continuation == nil {
		return nil
	}
	return ms.m.spec.spec.Continuation.Re
}

// isCont reports whether a line (without its newline) continues the
// record above.
func isCont(re *regexp.Regexp, line []byte) bool {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	return re.Match(matchable(line))
}

// recordCut moves a chunk's cut (i, the index of its last newline)
// back to the newline before the chunk's last head line, so that no
// record is split between chunks: the last record may still go on in
// the bytes that follow. It gives up (keeps i) when the chunk's last
// lines are all continuation lines for more than half a chunk, or the
// only head is the chunk's first line: such a record is longer than a
// chunk and is cut there (the lines after the cut are a record of
// their own).
func recordCut(re *regexp.Regexp, data []byte, i int) int {
	if re == nil {
		return i
	}
	for e := i; e > 0; {
		s := bytes.LastIndexByte(data[:e], '\n') + 1
		if len(data)-s > len(data)/2 {
			return i // the carry would be more than half a chunk
		}
		if !isCont(re, data[s:e]) {
			if s == 0 {
				return i
			}
			return s - 1
		}
		e = s - 1
	}
	return i
}

// recSpan is the record of a hit: its head's line number (relative to
// the chunk) and its bytes in the chunk.
type recSpan struct {
	line       int32
	start, end int32
}

// recScan finds the records of the lines a worker's scan matched, in
// order (worker scratch, reset per chunk).
type recScan struct {
	re   *regexp.Regexp
	data []byte
	// the record found last: head at start (line number line), ending
	// at end (exclusive, before its newline).
	have       bool
	start, end int
	line       int
	// last is, per pattern, the head of the record its last hit was
	// in (-1: none): a pattern counts a record once.
	last []int
}

// begin readies the scan of a chunk; ok false: the member has no
// continuation.
func (rs *recScan) begin(ms *memberScan, data []byte) bool {
	rs.re = ms.contRe()
	if rs.re == nil {
		return false
	}
	rs.data, rs.have = data, false
	rs.last = rs.last[:0]
	for range ms.pats {
		rs.last = append(rs.last, -1)
	}
	return true
}

// place finds the record of the line data[start:end] (line number
// lineNo) for a hit of pattern pi: false when the pattern has a hit in
// that record already.
func (rs *recScan) place(pi int32, start, end, lineNo int) (recSpan, bool) {
	if !rs.have || start < rs.start || start > rs.end {
		rs.find(start, end, lineNo)
	}
	if rs.last[pi] == rs.start {
		return recSpan{}, false
	}
	rs.last[pi] = rs.start
	return recSpan{line: int32(rs.line), start: int32(rs.start), end: int32(rs.end)}, true
}

// find works out the record holding the line data[start:end].
func (rs *recScan) find(start, end, lineNo int) {
	data := rs.data
	head, line := start, lineNo
	if isCont(rs.re, data[start:end]) {
		// Back to the head: the first line above that does not continue.
		for s := start; s > 0; {
			ps := bytes.LastIndexByte(data[:s-1], '\n') + 1
			line--
			head = ps
			if !isCont(rs.re, data[ps:s-1]) {
				break
			}
			s = ps
		}
	}
	// Forward over the continuation lines.
	e := end
	for e < len(data) {
		ns := e + 1
		if ns >= len(data) {
			break
		}
		ne := bytes.IndexByte(data[ns:], '\n')
		if ne < 0 {
			ne = len(data)
		} else {
			ne += ns
		}
		if !isCont(rs.re, data[ns:ne]) {
			break
		}
		e = ne
	}
	rs.have, rs.start, rs.end, rs.line = true, head, e, line
}

// recBody is the text of a hit's record: its bytes in the chunk while
// the record is not owned, then its lines (at most recordLines) and how
// many more it has.
type recBody struct {
	raw   []byte
	lines []string
	cut   int
}

// owned returns the body with its own lines (itself when it has them).
func (b *recBody) owned() *recBody {
	if b == nil || b.raw == nil {
		return b
	}
	o := &recBody{}
	data, size := b.raw, 0
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		l := data
		if i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(o.lines) >= recordLines || size >= recordBytes {
			o.cut++
			continue
		}
		t := cleanText(bytes.TrimSuffix(l, []byte{'\r'}), min(maxLineText, recordBytes-size))
		size += len(t)
		o.lines = append(o.lines, t)
	}
	return o
}

// size estimates the memory a body holds.
func (b *recBody) size() int {
	if b == nil {
		return 0
	}
	n := len(b.raw) + 32
	for _, l := range b.lines {
		n += 16 + len(l)
	}
	return n
}

// recordEvidence quotes a record: one line, or a multi-line record's
// lines, each with its number; lines after the head have the role
// "continuation", and the last one quoted says how many lines of the
// record were left out.
func recordEvidence(r *record, role string) []report.Evidence {
	ev := evidenceOf(r, role)
	b := r.body.owned()
	if b == nil || len(b.lines) <= 1 && b.cut == 0 {
		return []report.Evidence{ev}
	}
	out := make([]report.Evidence, 0, len(b.lines))
	for i, l := range b.lines {
		e := report.Evidence{Bundle: ev.Bundle, File: ev.File, Line: r.line + i, Text: l, Role: "continuation"}
		if i == 0 {
			e.Role, e.Time = role, ev.Time
		}
		out = append(out, e)
	}
	if b.cut > 0 {
		out[len(out)-1].Text += " …[record cut: " + strconv.Itoa(b.cut) + " more lines]"
	}
	return out
}

// spanOf gives the i-th hit's record its head line and, for a record of
// several lines, its body.
func (j *job) spanOf(r *record, i int) {
	sp := j.spans[i]
	r.line = int(sp.line)
	if raw := j.data[sp.start:sp.end]; bytes.IndexByte(raw, '\n') >= 0 {
		r.body = &recBody{raw: raw}
	}
}

// headText is the text of a record's line r.line: of a multi-line
// record, its head (the pattern may have matched a line under it).
func headText(r *record) string {
	if b := r.body.owned(); b != nil && len(b.lines) > 0 {
		return b.lines[0]
	}
	return r.text
}
