package analyze

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Parsing the incident time out of an operator's note: "HA failed on
// 2017-10-12 around 14:05", "appd refused connections on 13 Oct from
// about 10:40", "12.10.2017 14:05", "2017年10月12日 14時05分". A date and a
// time are looked for separately anywhere in the note; a missing year
// comes from the collection time, a missing date is the collection day.

var monthNames = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "mär": 3, "mae": 3, "apr": 4, "may": 5, "mai": 5,
	"jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12, "dez": 12,
}

const monthAlt = `(jan|feb|mär|mae|mar|apr|may|mai|jun|jul|aug|sep|oct|okt|nov|dec|dez)[a-zäöü]*\.?`

type datePattern struct {
	re    *regexp.Regexp
	order string // positions of y, m, d (M: month name) in the groups
}

var datePatterns = []datePattern{
	{regexp.MustCompile(`\b(\d{4})-(\d{1,2})-(\d{1,2})`), "ymd"},
	{regexp.MustCompile(`\b(\d{4})/(\d{1,2})/(\d{1,2})\b`), "ymd"},
	{regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`), "ymd"},
	{regexp.MustCompile(`\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b`), "dmy"},
	{regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})/(\d{4})\b`), "mdy"},
	{regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\.?\s+` + monthAlt + `,?\s+(\d{4})\b`), "dMy"},
	{regexp.MustCompile(`(?i)\b` + monthAlt + `\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`), "Mdy"},
	{regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\.?\s+` + monthAlt + `(?:\s|$|[,.;])`), "dM"},
	{regexp.MustCompile(`(?i)\b` + monthAlt + `\s+(\d{1,2})(?:st|nd|rd|th)?\b`), "Md"},
	{regexp.MustCompile(`(\d{1,2})\s*月\s*(\d{1,2})\s*日`), "md"},
}

var (
	clockRe    = regexp.MustCompile(`(?i)(?:^|[^0-9:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*(a\.?m\.?|p\.?m\.?)?(?:\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})\b)?`)
	jaClockRe  = regexp.MustCompile(`(\d{1,2})\s*時\s*(?:(\d{1,2})\s*分)?`)
	relativeRe = regexp.MustCompile(`(?i)\b(yesterday|today|gestern|heute)\b|昨日|今日`)
)

// incidentFromNote finds a time in a note, in loc, taking a missing year
// or date from ref (the collection end). ok is false when the note names
// no time of day.
func incidentFromNote(note string, loc *time.Location, ref time.Time) (time.Time, bool) {
	if strings.TrimSpace(note) == "" {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.UTC
	}
	if ref.IsZero() {
		ref = time.Now()
	}
	ref = ref.In(loc)
	// A clock time is required: a date alone is a day, not a moment.
	h, mi, s := -1, 0, 0
	zone := loc
	timeAt := -1
	if m := clockRe.FindStringSubmatchIndex(note); m != nil {
		g := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return note[m[2*i]:m[2*i+1]]
		}
		h, _ = strconv.Atoi(g(1))
		mi, _ = strconv.Atoi(g(2))
		s, _ = strconv.Atoi(g(3))
		switch ap := strings.ToLower(strings.ReplaceAll(g(4), ".", "")); {
		case ap == "pm" && h < 12:
			h += 12
		case ap == "am" && h == 12:
			h = 0
		}
		if z := g(5); z != "" {
			zone = parseNoteZone(z, loc)
		}
		timeAt = m[0]
	} else if m := jaClockRe.FindStringSubmatch(note); m != nil {
		h, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			mi, _ = strconv.Atoi(m[2])
		}
	}
	if h < 0 || h > 23 || mi > 59 || s > 59 {
		return time.Time{}, false
	}
	y, mo, d, found := findDate(note, timeAt)
	switch {
	case found && y == 0:
		t := time.Date(0, mo, d, h, mi, s, 0, zone)
		return inferYear(t, &timeCtx{loc: zone, ref: ref}), true
	case found:
		if mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970 {
			return time.Time{}, false // year 1 at midnight was the zero time; no log is that old
		}
		return time.Date(y, mo, d, h, mi, s, 0, zone), true
	}
	day := ref
	if rm := relativeRe.FindString(note); rm != "" {
		if l := strings.ToLower(rm); l == "yesterday" || l == "gestern" || rm == "昨日" {
			day = ref.AddDate(0, 0, -1)
		}
		t := time.Date(day.Year(), day.Month(), day.Day(), h, mi, s, 0, zone)
		return t, true
	}
	t := time.Date(day.Year(), day.Month(), day.Day(), h, mi, s, 0, zone)
	if t.After(ref) {
		t = t.AddDate(0, 0, -1) // a time later than the collection was the day before
	}
	return t, true
}

// findDate returns the first date in the note (year 0 when it has none).
func findDate(note string, timeAt int) (y int, mo time.Month, d int, ok bool) {
	for _, dp := range datePatterns {
		m := dp.re.FindStringSubmatch(note)
		if m == nil {
			continue
		}
		vals := map[byte]string{}
		for i, c := range []byte(dp.order) {
			vals[c] = m[i+1]
		}
		if v, has := vals['y']; has {
			y, _ = strconv.Atoi(v)
		}
		if v, has := vals['M']; has {
			mo = monthNames[strings.ToLower(firstRunes(v, 3))]
		}
		if v, has := vals['m']; has {
			n, _ := strconv.Atoi(v)
			mo = time.Month(n)
		}
		if v, has := vals['d']; has {
			d, _ = strconv.Atoi(v)
		}
		if dp.order == "mdy" && mo > 12 { // 13/10/2017: day first
			d, mo = int(mo), time.Month(d)
		}
		if mo < 1 || mo > 12 || d < 1 || d > 31 {
			continue
		}
		return y, mo, d, true
	}
	return 0, 0, 0, false
}

func firstRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

func parseNoteZone(z string, loc *time.Location) *time.Location {
	switch strings.ToUpper(z) {
	case "Z", "UTC", "GMT":
		return time.UTC
	}
	if l, _ := zone([]byte(z), 0); l != nil {
		return l
	}
	if len(z) == 5 { // +0200
		if l, _ := zone([]byte(z[:3]+":"+z[3:]), 0); l != nil {
			return l
		}
	}
	return loc
}
