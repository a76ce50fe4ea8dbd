package analyze

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"time"

	"casefile/profiles"
)

// timeCtx is what a timestamp parser needs besides the line: the zone for
// times that name none, and the reference time (collection end) from which
// formats without a year infer it.
type timeCtx struct {
	loc *time.Location
	ref time.Time
	// guessed: ref is not a collection time but the member's mtime or the
	// analysis clock; fixYears may replace it after the pass.
	guessed bool
	// zs resolves zone abbreviations after time stamps (logzone.go);
	// nil: none are read.
	zs *zoneState
}

// timeParser reads the timestamp a line carries. parse returns the time and
// where in b the timestamp starts; starts reports whether a timestamp begins
// exactly at b[0] (used to split physical lines holding several records).
type timeParser struct {
	name  string
	parse func(b []byte, c *timeCtx) (time.Time, bool)
	// at parses a timestamp starting exactly at b[0]; nil for formats
	// that look anywhere in the line (these cannot split).
	at func(b []byte, c *timeCtx) (time.Time, bool)
	// todOnly: the format has no date (a custom layout like "15:04:05").
	// Its times are the time of day on todDate (UTC); the pass counts day
	// changes and member.fixTimes dates them (docs/engine.md, Times).
	todOnly bool
	// yearless: the format's dates carry no year (syslog, a custom layout
	// without one): inferYear gives them one from the reference time.
	yearless bool
	// probe, when not 0, is a byte every timestamp at accepts has at
	// offset probeAt: splitAt looks for it rather than trying at on
	// every word of a line.
	probe   byte
	probeAt int
}

// todDate is the date time-of-day-only times carry until they are dated.
var todDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// todOf is the time of day of t (its clock reading).
func todOf(t time.Time) time.Duration {
	h, m, s := t.Clock()
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
}

// datelessLayout reports whether a Go time layout has no month or day.
func datelessLayout(layout string) bool {
	t0 := time.Date(2001, 7, 15, 13, 14, 15, 0, time.UTC)
	t, err := time.Parse(layout, t0.Format(layout))
	return err == nil && t.Month() == time.January && t.Day() == 1
}

// yearlessLayout reports whether a Go time layout has a date but no year.
func yearlessLayout(layout string) bool {
	t0 := time.Date(2001, 7, 15, 13, 14, 15, 0, time.UTC)
	t, err := time.Parse(layout, t0.Format(layout))
	return err == nil && t.Year() == 0
}

// builtinParsers are the named formats of profiles.TimeFormats, except
// auto, none and custom, in the order auto tries them.
var builtinParsers = []*timeParser{
	{name: "yymmdd", parse: parseYYMMDD, at: parseYYMMDD, probe: '/', probeAt: 2},
	{name: "iso8601", parse: parseISO, at: parseISO, probe: ':', probeAt: 13}, // parseDateTime's clock(b, 11)
	{name: "ymd", parse: parseYMD, at: parseYMD, probe: ':', probeAt: 13},
	{name: "log4j", parse: parseLog4j, at: parseLog4j, probe: ':', probeAt: 13},
	{name: "syslog", parse: parseSyslog, at: parseSyslog, yearless: true},
	{name: "iso_or_compact", parse: parseISOOrCompact, at: parseISOOrCompact},
	{name: "ctime", parse: parseCtime, at: parseCtime},
	{name: "embedded_iso", parse: parseEmbeddedISO},
}

// parserFor returns the parser of a log spec, or nil for "none".
// "auto" returns nil too: the caller detects the format from the first
// lines of each member with detectParser.
func parserFor(ls *profiles.LogSpec) (*timeParser, error) {
	switch ls.Time {
	case "none", "auto", "":
		return nil, nil
	case "custom":
		return customParser(ls.Regex.Re, ls.Layout)
	}
	name := profiles.TimeFormat(ls.Time)
	for _, p := range builtinParsers {
		if p.name == name {
			return p, nil
		}
	}
	return nil, fmt.Errorf("unknown time format %q", ls.Time)
}

// customParser parses the regexp's "time" group (or its first group, or
// the whole match) with a Go layout. A layout without a year takes one
// from the collection time, as syslog does.
func customParser(re *regexp.Regexp, layout string) (*timeParser, error) {
	if re == nil || layout == "" {
		return nil, fmt.Errorf("custom time needs regex and layout")
	}
	group := re.SubexpIndex("time")
	if group < 0 && re.NumSubexp() > 0 {
		group = 1
	}
	if group < 0 {
		group = 0
	}
	// For splitting, the same regexp without its leading anchor finds
	// timestamps inside a line.
	var inner *regexp.Regexp
	if src := re.String(); strings.HasPrefix(src, "^") {
		inner, _ = regexp.Compile(src[1:])
	}
	todOnly := datelessLayout(layout)
	yearless := !todOnly && yearlessLayout(layout)
	parseAt := func(b []byte, c *timeCtx, re *regexp.Regexp) (time.Time, bool) {
		m := re.FindSubmatchIndex(b)
		if m == nil || m[2*group] < 0 {
			return time.Time{}, false
		}
		t, err := time.ParseInLocation(layout, string(b[m[2*group]:m[2*group+1]]), c.loc)
		if err != nil || t.Year() != 0 && (t.Year() < 1900 || t.Year() >= 2200) {
			return time.Time{}, false
		}
		t = c.fabricated(t) // an abbreviation (MST) the zone does not know is not UTC
		if todOnly {
			return todDate.Add(todOf(t)), true
		}
		if t.Year() == 0 {
			t = inferYear(t, c)
		}
		return t, true
	}
	p := &timeParser{name: "custom", todOnly: todOnly, yearless: yearless, parse: func(b []byte, c *timeCtx) (time.Time, bool) { return parseAt(b, c, re) }}
	if inner != nil {
		anchored := re
		p.at = func(b []byte, c *timeCtx) (time.Time, bool) {
			if m := anchored.FindIndex(b); m == nil || m[0] != 0 {
				return time.Time{}, false
			}
			return parseAt(b, c, anchored)
		}
	}
	return p, nil
}

// detectParser picks the format that parses most of the given lines (at
// least one): the built-in ones, then extra (the profile's custom
// formats), the first of equals; nil when none does.
func detectParser(lines [][]byte, c *timeCtx, extra ...*timeParser) *timeParser {
	var best *timeParser
	bestN := 0
	for _, p := range append(append([]*timeParser{}, builtinParsers...), extra...) {
		n := 0
		for _, l := range lines {
			if _, ok := p.parse(l, c); ok {
				n++
			}
		}
		if n > bestN {
			best, bestN = p, n
		}
	}
	return best
}

// inferYear gives a time parsed without a year (year 0) the year of the
// reference time, or the year before when that would put it more than a
// day after the reference (a December line read in January).
func inferYear(t time.Time, c *timeCtx) time.Time {
	ref := c.ref
	if ref.IsZero() {
		ref = time.Now()
	}
	ref = ref.In(t.Location())
	y := ref.Year()
	out := time.Date(y, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	if out.After(ref.Add(24 * time.Hour)) {
		out = time.Date(y-1, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	}
	return out
}

// nearestYear gives t (its year inferred from another reference) the
// year that puts it closest to ref.
func nearestYear(t, ref time.Time) time.Time {
	ref = ref.In(t.Location())
	var best time.Time
	for y := ref.Year() - 1; y <= ref.Year()+1; y++ {
		c := time.Date(y, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
		if best.IsZero() || absDur(c.Sub(ref)) < absDur(best.Sub(ref)) {
			best = c
		}
	}
	return best
}

// mtimeSkew is how far a dated member's mtime may lie after its newest
// line for the input's mtimes to count as write times.
const mtimeSkew = 7 * 24 * time.Hour

// fixYears re-dates, after the pass, the lines of yearless members
// (syslog) of an input without a collection time, whose year was guessed
// from the member's mtime or the analysis clock. The input's dated
// members (formats with a year, and syslog members whose newest line
// carried its own: an RFC 3339 stamp) decide: when one of them has an mtime
// more than mtimeSkew after its newest line, the mtimes of this input
// are not write times (a copy, an extraction, an upload) and the newest
// dated line is the reference instead; a member without an mtime takes
// it too. Each line then gets the year that puts it nearest to that
// reference. With no dated member, or mtimes that agree with the dated
// lines, nothing changes.
func (b *bundleState) fixYears() {
	var ref time.Time
	mtimesOff := false
	for _, m := range b.members {
		if m.parser == nil || m.parser.todOnly || m.last.IsZero() {
			continue
		}
		if m.parser.yearless && yearInferred(m.last, &m.tc) {
			continue // a syslog member is dated only by lines with their own year (RFC 3339)
		}
		if m.last.After(ref) {
			ref = m.last
		}
		if !m.modTime().IsZero() && m.modTime().Sub(m.last) > mtimeSkew {
			mtimesOff = true
		}
	}
	if ref.IsZero() {
		return
	}
	moved := map[*member]bool{}
	for _, m := range b.members {
		if m.parser == nil || !m.parser.yearless || !m.tc.guessed || (!mtimesOff && !m.modTime().IsZero()) {
			continue
		}
		moved[m] = true
		m.yearFix = &yearFix{old: m.tc, ref: ref}
		m.tc.ref, m.tc.guessed = ref, false
	}
	if len(moved) == 0 {
		return
	}
	redate := func(m *member, t time.Time) time.Time {
		if m.yearFix == nil {
			return t
		}
		return m.yearFix.apply(t)
	}
	done := map[*record]bool{}
	fix := func(part []*record) {
		for _, r := range part {
			if !done[r] {
				done[r] = true
				r.t = redate(r.m, r.t)
			}
		}
	}
	for i := range b.slots {
		fix(b.slots[i].head)
		fix(b.slots[i].tail)
	}
	// The exact aggregates keep their own records (evidence, candidates,
	// pending starts); their event streams apply yearFix as they read.
	for _, fa := range b.factAggs {
		if fa != nil {
			fix(fa.records())
		}
	}
	for _, a := range b.aggs {
		if a != nil {
			for _, g := range a.order {
				fix(g.kept.head)
				fix(g.kept.tail)
				fix(g.cand.head)
				fix(g.cand.tail)
				fix(g.pend)
				fix(g.bursts.records())
			}
		}
	}
	for m := range moved {
		m.first, m.last = redate(m, m.first), redate(m, m.last)
	}
}

// yearFix moves a yearless line's guessed year to the one nearest ref
// (fixYears), unless the line carried its own year.
type yearFix struct {
	old timeCtx
	ref time.Time
}

func (f *yearFix) apply(t time.Time) time.Time {
	if t.IsZero() || !yearInferred(t, &f.old) {
		return t // no time, or the line carried its own year (an RFC 3339 syslog stamp)
	}
	return nearestYear(t, f.ref)
}

// applyNano is apply on Unix nanoseconds in the member's zone.
func (f *yearFix) applyNano(ns int64, loc *time.Location) int64 {
	if loc == nil {
		loc = time.UTC
	}
	return f.apply(time.Unix(0, ns).In(loc)).UnixNano()
}

// yearInferred reports whether t's year is the one inferYear gives its
// date under c (else the line carried a year of its own).
func yearInferred(t time.Time, c *timeCtx) bool {
	y0 := time.Date(0, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	return inferYear(y0, c).Equal(t)
}

// num reads n decimal digits at b[i:].
func num(b []byte, i, n int) (int, bool) {
	if i < 0 || i+n > len(b) {
		return 0, false
	}
	v := 0
	for _, c := range b[i : i+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// padded reads a two-digit number that may be written with a leading
// space (" 9") at b[i:i+2].
func padded(b []byte, i int) (int, bool) {
	if i+2 > len(b) {
		return 0, false
	}
	if b[i] == ' ' {
		return num(b, i+1, 1)
	}
	return num(b, i, 2)
}

// validDate checks the fields of a timestamp; y 0 stands for "no year"
// (syslog), else a year from 1900 to 2199 (anything else is not a time).
func validDate(y, mo, d, h, mi, s int) bool {
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 24 && mi <= 59 && s <= 60 &&
		(y == 0 || y >= 1900 && y < 2200)
}

// clock parses HH:MM:SS at b[i:] and returns the index after it.
func clock(b []byte, i int) (h, m, s, end int, ok bool) {
	if i+8 > len(b) || b[i+2] != ':' || b[i+5] != ':' {
		return 0, 0, 0, 0, false
	}
	h, ok1 := num(b, i, 2)
	m, ok2 := num(b, i+3, 2)
	s, ok3 := num(b, i+6, 2)
	return h, m, s, i + 8, ok1 && ok2 && ok3
}

// fraction parses an optional [.,]digits at b[i:] into nanoseconds.
func fraction(b []byte, i int, seps string) (ns, end int) {
	if i >= len(b) || strings.IndexByte(seps, b[i]) < 0 {
		return 0, i
	}
	j := i + 1
	scale := 100000000
	for ; j < len(b) && b[j] >= '0' && b[j] <= '9'; j++ {
		ns += int(b[j]-'0') * scale
		scale /= 10
	}
	if j == i+1 {
		return 0, i
	}
	return ns, j
}

// zone parses an optional Z, ±hh:mm, ±hhmm or ±hh at b[i:].
func zone(b []byte, i int) (loc *time.Location, end int) {
	if i >= len(b) {
		return nil, i
	}
	if b[i] == 'Z' {
		return time.UTC, i + 1
	}
	if b[i] != '+' && b[i] != '-' {
		return nil, i
	}
	sign := 1
	if b[i] == '-' {
		sign = -1
	}
	h, ok := num(b, i+1, 2)
	if !ok || h > 14 {
		return nil, i
	}
	j := i + 3
	m := 0
	if j < len(b) && b[j] == ':' {
		if v, ok := num(b, j+1, 2); ok {
			m, j = v, j+3
		}
	} else if v, ok := num(b, j, 2); ok {
		m, j = v, j+2
	}
	if m > 59 {
		return nil, i
	}
	off := sign * (h*3600 + m*60)
	if off == 0 {
		return time.UTC, j
	}
	return time.FixedZone("", off), j
}

// parseDateTime parses YYYY<sep>MM<sep>DD<T or space>HH:MM:SS[frac][zone]
// at b[0:]. dateSeps lists the allowed date separators; it returns the
// index after the timestamp.
func parseDateTime(b []byte, c *timeCtx, dateSeps, tSeps, fracSeps string, withZone bool) (time.Time, int, bool) {
	if len(b) < 19 {
		return time.Time{}, 0, false
	}
	sep := b[4]
	if strings.IndexByte(dateSeps, sep) < 0 || b[7] != sep || strings.IndexByte(tSeps, b[10]) < 0 {
		return time.Time{}, 0, false
	}
	y, ok1 := num(b, 0, 4)
	mo, ok2 := num(b, 5, 2)
	d, ok3 := num(b, 8, 2)
	h, mi, s, end, ok4 := clock(b, 11)
	if !(ok1 && ok2 && ok3 && ok4) || y == 0 || !validDate(y, mo, d, h, mi, s) {
		return time.Time{}, 0, false
	}
	ns, end := fraction(b, end, fracSeps)
	loc := c.loc
	if withZone {
		if z, e := zone(b, end); z != nil {
			loc, end = z, e
		}
	}
	if loc == c.loc {
		if t, e, ok := c.abbrevAt(b, end, y, mo, d, h, mi, s, ns); ok {
			return t, e, true // "2024-03-01 10:00:00 CET"
		}
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, ns, loc), end, true
}

// terminated reports whether b[i] ends a timestamp: end of line or a
// character that cannot continue it.
func terminated(b []byte, i int) bool {
	if i >= len(b) {
		return true
	}
	c := b[i]
	return !(c >= '0' && c <= '9' || c == ':')
}

// parseYYMMDD: "YY/MM/DD HH:MM:SS".
func parseYYMMDD(b []byte, c *timeCtx) (time.Time, bool) {
	if len(b) < 17 || b[2] != '/' || b[5] != '/' || b[8] != ' ' {
		return time.Time{}, false
	}
	y, ok1 := num(b, 0, 2)
	mo, ok2 := num(b, 3, 2)
	d, ok3 := num(b, 6, 2)
	h, mi, s, end, ok4 := clock(b, 9)
	if y < 70 {
		y += 2000
	} else {
		y += 1900
	}
	if !(ok1 && ok2 && ok3 && ok4) || !validDate(y, mo, d, h, mi, s) || !terminated(b, end) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, 0, c.loc), true
}

// parseYMD: "YYYY/MM/DD HH:MM:SS" or "YYYY-MM-DD HH:MM:SS", optional fraction.
func parseYMD(b []byte, c *timeCtx) (time.Time, bool) {
	t, end, ok := parseDateTime(b, c, "/-", " T", ".,", false)
	return t, ok && terminated(b, end)
}

// parseISO: "YYYY-MM-DDTHH:MM:SS[.fff][Z|±hh:mm]" (a space for T too).
func parseISO(b []byte, c *timeCtx) (time.Time, bool) {
	t, end, ok := parseDateTime(b, c, "-", "T ", ".,", true)
	return t, ok && terminated(b, end)
}

// parseLog4j: "YYYY-MM-DD HH:MM:SS,mmm" (or with a dot).
func parseLog4j(b []byte, c *timeCtx) (time.Time, bool) {
	t, end, ok := parseDateTime(b, c, "-", " T", ",.", false)
	return t, ok && terminated(b, end)
}

// parseISOOrCompact: ISO with zone, "YYYY-MM-DD HH:MM:SS", or the compact
// "YYMMDD HH:MM:SS" (hour possibly space-padded: "171012  9:05:01").
func parseISOOrCompact(b []byte, c *timeCtx) (time.Time, bool) {
	if t, end, ok := parseDateTime(b, c, "-", "T ", ".", true); ok && terminated(b, end) {
		return t, true
	}
	if len(b) < 15 || b[6] != ' ' {
		return time.Time{}, false
	}
	y, ok1 := num(b, 0, 2)
	mo, ok2 := num(b, 2, 2)
	d, ok3 := num(b, 4, 2)
	i := 7
	if b[i] == ' ' {
		i++
	}
	var h int
	var ok4 bool
	if i+1 < len(b) && b[i+1] == ':' {
		h, ok4 = num(b, i, 1)
		i++
	} else {
		h, ok4 = num(b, i, 2)
		i += 2
	}
	if !(ok1 && ok2 && ok3 && ok4) || i+6 > len(b) || b[i] != ':' || b[i+3] != ':' {
		return time.Time{}, false
	}
	mi, ok5 := num(b, i+1, 2)
	s, ok6 := num(b, i+4, 2)
	if !ok5 || !ok6 || !validDate(2000+y, mo, d, h, mi, s) || !terminated(b, i+6) {
		return time.Time{}, false
	}
	return time.Date(2000+y, time.Month(mo), d, h, mi, s, 0, c.loc), true
}

var months = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

func month(b []byte, i int) (int, bool) {
	if i+3 > len(b) {
		return 0, false
	}
	for m, name := range months {
		if b[i] == name[0] && b[i+1] == name[1] && b[i+2] == name[2] {
			return m + 1, true
		}
	}
	return 0, false
}

// parseSyslog: "Mmm dd HH:MM:SS[.ffffff]" with the year inferred, or an
// RFC 3339 timestamp (rsyslog's high-precision format).
func parseSyslog(b []byte, c *timeCtx) (time.Time, bool) {
	if len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
		t, end, ok := parseDateTime(b, c, "-", "T", ".", true)
		return t, ok && terminated(b, end)
	}
	if len(b) < 15 || b[3] != ' ' {
		return time.Time{}, false
	}
	mo, ok1 := month(b, 0)
	d, ok2 := padded(b, 4)
	if !ok1 || !ok2 || b[6] != ' ' {
		return time.Time{}, false
	}
	h, mi, s, end, ok3 := clock(b, 7)
	if !ok3 || !validDate(0, mo, d, h, mi, s) {
		return time.Time{}, false
	}
	ns, fend := fraction(b, end, ".")
	if fend == end && !terminated(b, end) {
		return time.Time{}, false
	}
	return inferYear(time.Date(0, time.Month(mo), d, h, mi, s, ns, c.loc), c), true
}

// parseCtime: "[Www Mmm dd HH:MM:SS[.ffffff] YYYY]" or without brackets.
func parseCtime(b []byte, c *timeCtx) (time.Time, bool) {
	i := 0
	if len(b) > 0 && b[0] == '[' {
		i = 1
	}
	if len(b) < i+24 || b[i+3] != ' ' || b[i+7] != ' ' {
		return time.Time{}, false
	}
	mo, ok1 := month(b, i+4)
	d, ok2 := padded(b, i+8)
	if !ok1 || !ok2 || b[i+10] != ' ' {
		return time.Time{}, false
	}
	h, mi, s, end, ok3 := clock(b, i+11)
	if !ok3 {
		return time.Time{}, false
	}
	ns, end := fraction(b, end, ".")
	if end >= len(b) || b[end] != ' ' {
		return time.Time{}, false
	}
	y, ok4 := num(b, end+1, 4)
	if !ok4 || y == 0 || !validDate(y, mo, d, h, mi, s) || !terminated(b, end+5) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, ns, c.loc), true
}

// parseEmbeddedISO finds "[YYYY-MM-DDTHH:MM:SS±hhmm]" (plain log) or
// tstamp="YYYY-MM-DD HH:MM:SS±hhmm" (XML log) anywhere in the line.
func parseEmbeddedISO(b []byte, c *timeCtx) (time.Time, bool) {
	for off := 0; off < len(b); {
		i := bytes.IndexAny(b[off:], `["`)
		if i < 0 {
			return time.Time{}, false
		}
		i += off + 1
		if t, _, ok := parseDateTime(b[i:], c, "-", "T ", ".", true); ok {
			return t, true
		}
		off = i
	}
	return time.Time{}, false
}
