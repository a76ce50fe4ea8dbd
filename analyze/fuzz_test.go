package analyze

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"casefile/analyze/input"
	"casefile/profiles"

	"github.com/google/go-cmp/cmp"
)

func inputMember(path string) input.Member { return input.Member{Path: path} }

// FuzzTimeParsers feeds arbitrary lines to every timestamp parser, to
// line splitting and to format detection: none may panic, and a time
// they return must be a real date.
func FuzzTimeParsers(f *testing.F) {
	for _, s := range []string{
		"01/12/18 17:38:06 3 161 routingManager: WHO command received",
		"2024-03-01T10:16:00.123+05:30 x", "2017-10-12 14:05:01,123 ERROR",
		"Aug  9 14:08:35.595762: NSS", "171012  9:05:01 InnoDB", "[Sun Dec 04 04:47:44 2005] x",
		`<log sev="RCVT" tstamp="2014-03-16 10:16:26-0600" >`, "CRIT : [2011-04-29T18:41:19+0200] m",
		"09/10/13 10:39:21 a 09/10/13 10:41:19 b", "[01/Mar/2024:10:15:00] x", "\xff\xfe[2011-", "99/99/99 99:99:99",
	} {
		f.Add(s)
	}
	custom, _ := customParser(regexp.MustCompile(`^\[(?P<time>[^\]]+)\]`), "02/Jan/2006:15:04:05")
	tc := &timeCtx{loc: time.UTC, ref: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}
	parsers := append(append([]*timeParser{}, builtinParsers...), custom)
	f.Fuzz(func(t *testing.T, line string) {
		b := []byte(line)
		for _, p := range parsers {
			if ts, ok := p.parse(b, tc); ok && (ts.Year() < 1900 || ts.Year() >= 2200) { // the parsers' plausible years
				t.Errorf("%s parsed %q as %v", p.name, line, ts)
			}
			if p.at != nil {
				segs := splitAt(nil, b, p, tc)
				n := 0
				for _, s := range segs {
					n += len(s)
				}
				if n > len(b) {
					t.Errorf("%s split %q into more bytes than it has", p.name, line)
				}
				if p.probe != 0 {
					np := *p
					np.probe = 0
					if diff := cmp.Diff(segs, splitAt(nil, b, &np, tc)); diff != "" {
						t.Errorf("%s split %q with its probe (-) and without (+):\n%s", p.name, line, diff)
					}
				}
			}
		}
		detectParser(firstLines(b, 20), tc)
	})
}

// FuzzIncidentNote reads times out of arbitrary notes.
func FuzzIncidentNote(f *testing.F) {
	for _, s := range []string{"HA failed on 2017-10-12 around 14:05", "13 Oct from about 10:40",
		"2017年10月12日 14時05分", "12.10.2017 14:05", "yesterday at 23:10", "99:99", "Dez 31 25:61"} {
		f.Add(s)
	}
	ref := time.Date(2017, 10, 13, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, note string) {
		if ts, ok := incidentFromNote(note, time.UTC, ref); ok && ts.IsZero() {
			t.Errorf("%q gave a zero time", note)
		}
	})
}

// FuzzPrefilter checks the prefilter's promise: a line a pattern matches
// holds one of the pattern's required literals, and the searcher reports
// that line for that pattern.
func FuzzPrefilter(f *testing.F) {
	seeds := [][2]string{
		{`routingManager: (WHO|TELL) reply`, "x routingManager: TELL reply y"},
		{`CLOSE[_-]WAIT\s.*\bepproxy\b`, "tcp CLOSE-WAIT 1/epproxy"},
		{`(?i)fatal error`, "FATAL ERROR disk"},
		{`(?i)disk check`, "DIS\u212a CHEC\u212a"},
		{`\(e ?=24\b|Too many open files`, "accept() failed (e =24)"},
		{`failur ?e`, "peer replied with failur e"},
		{`(?i)Fehler: übertragung`, "FEHLER: ÜBERTRAGUNG"},
		{`a{2,3}bc|x+yz`, "aabc"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, src, line string) {
		if strings.ContainsAny(line, "\n") || len(src) > 200 {
			return
		}
		re, err := regexp.Compile(src)
		if err != nil {
			return
		}
		lits := requiredLiterals(src)
		if len(lits) == 0 || !re.MatchString(line) {
			return
		}
		m := map[literal][]int32{}
		for _, l := range lits {
			m[l] = []int32{0}
		}
		s := newSearcher(m, []byte(line))
		hay := []byte(line)
		found := false
		s.find(hay, func(start, end int, pats []int32) { found = true })
		if !found && !(s.hasKS && kelvinOrLongS(hay)) {
			t.Errorf("%q matches %q but the prefilter (%v) skips it", src, line, lits)
		}
	})
}

// FuzzScanChunk runs the worker over arbitrary member content: no panic,
// line numbers within the content, texts valid UTF-8.
func FuzzScanChunk(f *testing.F) {
	f.Add([]byte("2024-03-01 10:00:00 boom\n  at x\n2024-03-01 10:00:01 boom\r\n"), true)
	f.Add([]byte("\xff\xfeboom\x00\n\n\nboom"), false)
	f.Add([]byte("\x0109:00:00 boom a\n  at y\n23:59:59 boom b\n00:00:01 x\n12:00:00 boom c 12:00:01 boom d\n"), false)
	// Data whose first byte is odd is a member of time-of-day lines,
	// newest first.
	pl := testPlan(f, "f.yaml", `name: f
description: fuzz
analyze:
  logs:
  - {files: ["files/**/page.log"], time: custom, regex: '^(?P<time>\d\d:\d\d:\d\d) ', layout: "15:04:05", order: newest-first, split: true}
  - {files: ["files/**"], time: ymd, split: true}
  rules:
  - {id: f.a, title: x, explanation: x, remedy: x, match: {in: ["files/**"], pattern: 'boom(?P<rest>.*)'}}
  - {id: f.b, title: x, explanation: x, remedy: x, match: {in: ["files/**"], pattern: '^\s*at (?P<frame>\S+)'}}
`)
	f.Fuzz(func(t *testing.T, data []byte, cont bool) {
		b := &bundleState{plan: pl, loc: time.UTC, byPath: map[string]*member{}}
		b.slots = make([]slotStore, len(pl.slots))
		sc := &scanner{}
		name := "files/x.log"
		if len(data) > 0 && data[0]%2 == 1 {
			name = "files/page.log"
		}
		ms := sc.setup(b, inputMember(name), time.Now())
		ms.search = newSearcher(ms.lits, data)
		j := &job{ms: ms, data: data, cont: cont}
		(&worker{}).scan(j)
		lines := bytes.Count(data, []byte{'\n'})
		for i := range j.hits {
			var raw record
			j.recInto(&raw, i)
			r := raw.own()
			if r.line < 0 || r.line > lines {
				t.Errorf("record at line %d of %d", r.line, lines)
			}
			if !utf8.ValidString(r.text) {
				t.Errorf("text %q is not UTF-8", r.text)
			}
			if len(r.text) > maxLineText+32 {
				t.Errorf("text of %d bytes", len(r.text))
			}
			if r.day < 0 || r.day > j.tod.rolls+1 {
				t.Errorf("record on day %d of a chunk with %d day changes", r.day, j.tod.rolls)
			}
			if ms.m.tod && !r.t.IsZero() && !r.t.Truncate(24*time.Hour).Equal(todDate) {
				t.Errorf("time of day %v not on the placeholder date", r.t)
			}
		}
	})
}

// FuzzFormatValue prints arbitrary strings and numbers.
func FuzzFormatValue(f *testing.F) {
	f.Add("x", 1.5, int64(90))
	f.Fuzz(func(t *testing.T, s string, x float64, d int64) {
		formatValue([]any{s, x, time.Duration(d), map[string]any{"k": s}}, time.UTC)
		compactDuration(time.Duration(d))
	})
}

// FuzzTypedSources: the typed fact sources (ini, keyvalue, columns,
// json, yaml, xml) never panic on any member text, and every row they
// make stands on a line of the member.
func FuzzTypedSources(f *testing.F) {
	f.Add("[http]\nport = 8080\n; c\nname='x'\n")
	f.Add("  PID USER CMD\n  1 root /sbin/init splash\n")
	f.Add("{\n \"a\": {\"b\": [1, 2]},\n \"c\": \"d\"\n}\n")
	f.Add("a:\n  b: [x, y]\n  c: &k 1\n  d: *k\n")
	f.Add("a: &x\n  b: *x\nl: &l [*l, *l]\n")
	f.Add("<a x=\"1\"><b>t</b><b/></a>\n")
	f.Fuzz(func(t *testing.T, text string) {
		b := &bundleState{name: "b", loc: time.UTC}
		m := &member{path: "files/x"}
		for _, format := range []string{"ini", "keyvalue", "columns", "json", "yaml", "xml"} {
			fact := &profiles.Fact{Name: "f", Format: format, Separator: ":", Path: ""}
			sp := profiles.SourcePattern(fact)
			pat := &pattern{src: sp.Src, re: sp.Re, value: -1}
			for i, n := range sp.Re.SubexpNames() {
				if n != "" {
					if n == "value" {
						pat.value = len(pat.names)
					}
					pat.names = append(pat.names, n)
					pat.index = append(pat.index, i)
				}
			}
			var recs []*record
			for i, line := range strings.Split(text, "\n") {
				sm := sp.Re.FindStringSubmatch(line)
				if sm == nil {
					continue
				}
				caps := make([]string, len(pat.names))
				for j, idx := range pat.index {
					caps[j] = sm[idx]
				}
				recs = append(recs, &record{pat: pat, b: b, m: m, line: i + 1, text: line, match: sm[0], caps: caps})
			}
			rows, _ := typedRecords(fact, recs)
			for _, r := range rows {
				if r.line < 1 || r.line > strings.Count(text, "\n")+1 {
					t.Fatalf("%s: row at line %d of a %d-line text", format, r.line, strings.Count(text, "\n")+1)
				}
				if len(r.caps) != len(r.pat.names) {
					t.Fatalf("%s: %d values for %d fields", format, len(r.caps), len(r.pat.names))
				}
			}
		}
	})
}
