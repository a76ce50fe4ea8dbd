package analyze

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casefile/analyze/report"
	"casefile/analyze/report/reporttest"
	"casefile/bundle"
	"casefile/profiles"
)

// Tests of the language features the profile authors asked for
// (docs/profiles.md): let, vars, labels and record fields, coverage of
// scope-all rules, optional and in_first inputs, cite picks, check times,
// file patterns, time-of-day and newest-first logs, fmt_time, item
// truncation, state events and report_by, also join_on/within/before.

// TestLetAndVars: let-bound names and closure variables in expressions,
// and a rule's vars in order, used by when, severity_when, texts and cite.
func TestLetAndVars(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.v
  title: "{ups} of {hits} up; {verdict}; {join(map(records, let r = #; r.n + '!'), ' ')}; {reduce(records, #acc + 1, 0)}; {join(map(records, string(#index)), '')}"
  explanation: 'let in text: {let x = hits * 2; x}'
  remedy: x
  vars:
    ups: 'let u = filter(records, .st == "UP"); len(u)'
    verdict: 'ups > 1 ? "many" : "few"'
    up_lines: 'filter(records, .st == "UP")'
  match: {in: ["files/**/a.log"], pattern: 'node (?P<n>\w+) (?P<st>[A-Z]+)'}
  when: 'let k = ups; k >= 1'
  severity_when: [{when: 'verdict == "many"', severity: warning}]
  cite: [up_lines]`)
	path := bundleOf(t, "", map[string]string{"files/a.log": "2024-03-01 10:00:00 node a UP\n2024-03-01 10:00:01 node b DOWN\n2024-03-01 10:00:02 node c UP\n"}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	want := []string{"t.v warning x3: 2 of 3 up; many; a! b! c!; 3; 012"}
	if diff := cmp.Diff(want, summary(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if got := rep.Findings[0].Explanation; got != "let in text: 6" {
		t.Errorf("explanation %q", got)
	}
	// A var that fails at run time is an error in coverage, placed.
	p = testProfile(t, logsYMD+`rules:
- id: t.bad
  title: x
  explanation: x
  remedy: x
  vars: {bad: 'int(string(hits) + "x")'}
  match: {in: ["files/**/a.log"], pattern: 'node'}`)
	rep = runWith(t, p, []string{path}, Options{})
	if c := rep.Coverage[0]; c.Status != report.CoverageError || !strings.Contains(c.Reason, "var bad") {
		t.Errorf("coverage %s: %s", c.Status, c.Reason)
	}
}

// TestLabelsAndWhereFields: the main pattern takes a label; records carry
// it; where sees the line's fields; records expose every capture of the
// rule ("" where the line has none).
func TestLabelsAndWhereFields(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.l
  title: "{join(map(records, .label + ':' + .peer + ':' + .code), ' ')} / {matched.connect}"
  explanation: x
  remedy: x
  match:
    in: ["files/**/*.log"]
    pattern: 'connect to (?P<peer>\w+)'
    label: connect
    any:
    - {pattern: 'error (?P<code>\d+)', label: err}
    where: 'file endsWith "a.log" && line > 1 && label != "" && bundle != "" && time != nil && text contains value'`)
	path := bundleOf(t, "", map[string]string{
		"files/a.log": "2024-03-01 10:00:00 connect to skipped\n2024-03-01 10:00:01 connect to db\n2024-03-01 10:00:02 error 7\n",
		"files/b.log": "2024-03-01 10:00:03 connect to other\n",
	}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	want := []string{"t.l info x2: connect:db: err::7 / 1"}
	if diff := cmp.Diff(want, summary(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestScopeAllCoverage: an input of a scope-all rule that one bundle has
// counts for the whole group.
func TestScopeAllCoverage(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.pair
  title: x
  explanation: x
  remedy: x
  scope: all
  sequence:
    start: [{in: ["files/**/client.log"], pattern: 'send (?P<id>\d+)'}]
    expect: [{in: ["files/**/server.log"], pattern: 'got (?P<id>\d+)'}]
    key: [id]
- id: t.own
  title: x
  explanation: x
  remedy: x
  match:
    any:
    - {in: ["files/**/client.log"], pattern: 'send'}
    - {in: ["files/**/server.log"], pattern: 'got'}`)
	c := bundleOf(t, "client", map[string]string{"files/client.log": "2024-03-01 10:00:00 send 1\n"}, nil)
	s := bundleOf(t, "server", map[string]string{"files/server.log": "2024-03-01 10:00:01 got 1\n"}, nil)
	rep := runWith(t, p, []string{c, s}, Options{})
	want := []string{"t.pair client ran", "t.own client partial", "t.pair server ran", "t.own server partial"}
	if diff := cmp.Diff(want, coverageOf(rep)); diff != "" {
		t.Errorf("coverage (-want +got):\n%s", diff)
	}
}

// TestOptionalAndInFirst: an optional fact or matcher never makes a rule
// partial; in_first reads the first alternative that has a member and
// ignores the others (no double count).
func TestOptionalAndInFirst(t *testing.T) {
	p := testProfile(t, logsYMD+`facts:
- name: nr
  in_first: [["files/diag/proc/sys/fs/file-nr"], ["files/proc/sys/fs/file-nr"]]
  pattern: '^(?P<value>\d+)'
  type: number
- name: lines
  in_first: [["files/diag/**/x.log"], ["files/live/**/x.log"]]
  pattern: 'x'
  pick: count
- {name: extra, in: ["files/nowhere/y"], pattern: 'y', optional: true}
- {name: needed, in: ["files/nowhere/z"], pattern: 'z'}
rules:
- {id: t.nr, title: "{nr} {lines}", explanation: x, remedy: x, check: {}, when: 'nr > 0 && extra == nil'}
- {id: t.partial, title: x, explanation: x, remedy: x, check: {}, when: 'nr > 0 && needed == nil'}
- id: t.m
  title: x
  explanation: x
  remedy: x
  match:
    any:
    - {in: ["files/**/a.log"], pattern: 'boom'}
    - {in: ["files/**/fallback.log"], pattern: 'boom', optional: true}`)
	path := bundleOf(t, "", map[string]string{
		"files/diag/proc/sys/fs/file-nr": "900\t0\t1000\n",
		"files/proc/sys/fs/file-nr":      "5\t0\t1000\n",
		"files/live/a/x.log":             "x\nx\n",
		"files/a.log":                    "2024-03-01 10:00:00 boom\n",
	}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	if diff := cmp.Diff([]string{"t.m info x1: x", "t.nr info x0: 900 2", "t.partial info x0: x"}, summary(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	want := []string{"t.nr " + bundleName(rep) + " ran", "t.partial " + bundleName(rep) + " partial", "t.m " + bundleName(rep) + " ran"}
	if diff := cmp.Diff(want, coverageOf(rep)); diff != "" {
		t.Errorf("coverage (-want +got):\n%s", diff)
	}
}

func bundleName(rep *report.Report) string { return rep.Bundles[0].Name }

// parseProfile parses a whole profile.
func parseProfile(t *testing.T, src string) *profiles.Profile {
	t.Helper()
	p, err := profiles.Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatalf("profile: %v", err)
	}
	return p
}

// TestCiteFactPick: citing a fact by name quotes the records behind its
// value: first, last, min or max picks one record; count, all, distinct,
// exists and sum quote all (up to max_evidence).
func TestCiteFactPick(t *testing.T) {
	facts := `facts:
- {name: f_first, in: ["files/**/v.cfg"], pattern: 'v=(?P<value>\d+)', pick: first, type: number}
- {name: f_last, in: ["files/**/v.cfg"], pattern: 'v=(?P<value>\d+)', type: number}
- {name: f_min, in: ["files/**/v.cfg"], pattern: 'v=(?P<value>\d+)', pick: min, type: number}
- {name: f_max, in: ["files/**/v.cfg"], pattern: 'v=(?P<value>\d+)', pick: max, type: number}
- {name: f_count, in: ["files/**/v.cfg"], pattern: 'v=(?P<value>\d+)', pick: count}
`
	// v=50 (line 1), v=7, v=1, v=20 (line 4).
	tests := []struct{ fact, want string }{
		{"f_first", "1"}, {"f_last", "4"}, {"f_min", "3"}, {"f_max", "1"}, {"f_count", "1 2 3"},
	}
	for _, tt := range tests {
		t.Run(tt.fact, func(t *testing.T) {
			p := testProfile(t, logsYMD+facts+`rules:
- {id: t.c, title: x, explanation: x, remedy: x, max_evidence: 3, check: {}, when: 'true', cite: [`+tt.fact+`]}`)
			path := bundleOf(t, "", map[string]string{"files/v.cfg": "v=50\nv=7\nv=1\nv=20\n"}, nil)
			rep := runWith(t, p, []string{path}, Options{})
			var lines []string
			for _, ev := range rep.Findings[0].Evidence {
				lines = append(lines, fmt.Sprint(ev.Line))
			}
			if got := strings.Join(lines, " "); got != tt.want {
				t.Errorf("cited lines %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCheckTimes: a check finding takes first_seen, last_seen and count
// from its evidence, is near the incident by them or by its anchor, and
// anchor gives the time of a finding whose evidence has none.
func TestCheckTimes(t *testing.T) {
	p := testProfile(t, logsYMD+`facts:
- {name: errs, in: ["files/**/a.log"], pattern: 'ERROR', pick: all}
- {name: cfg, in: ["files/**/x.cfg"], pattern: 'mode=(?P<value>\w+)'}
- {name: old, in: ["files/**/a.log"], pattern: 'OLD start'}
rules:
- {id: t.errs, title: x, explanation: x, remedy: x, check: {}, when: 'len(errs) > 0', cite: [errs]}
- {id: t.cfg, title: x, explanation: x, remedy: x, check: {}, when: 'cfg == "bad"', cite: [cfg], anchor: 'last(errs)?.time'}
- {id: t.plain, title: x, explanation: x, remedy: x, check: {}, when: 'true'}
- {id: t.old, title: x, explanation: x, remedy: x, check: {}, when: 'old != nil', cite: [old], anchor: 'last(errs)?.time'}`)
	path := bundleOf(t, "", map[string]string{
		"files/a.log": "2024-02-01 08:00:00 OLD start\n2024-03-01 10:00:00 ERROR one\n2024-03-01 10:20:00 ERROR two\n",
		"files/x.cfg": "mode=bad\n",
	}, nil)
	at := time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC)
	rep := runWith(t, p, []string{path}, Options{At: &at})
	got := map[string]string{}
	for _, f := range rep.Findings {
		s := fmt.Sprintf("x%d", f.Count)
		if f.FirstSeen != nil {
			s += " " + f.FirstSeen.UTC().Format("15:04") + "-" + f.LastSeen.UTC().Format("15:04")
		}
		s += fmt.Sprintf(" near=%v", f.NearIncident)
		got[f.ID] = s
	}
	want := map[string]string{
		"t.errs":  "x2 10:00-10:20 near=true",
		"t.cfg":   "x1 10:20-10:20 near=true",
		"t.plain": "x0 near=false",
		// its evidence is a month old, but the anchor is 10 minutes before
		"t.old": "x1 08:00-08:00 near=true",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("check findings (-want +got):\n%s", diff)
	}
}

// TestFilePattern: the groups of a matcher's or fact's file_pattern join
// the captures (group_by, texts, records); members it does not match are
// not read.
func TestFilePattern(t *testing.T) {
	p := testProfile(t, logsYMD+`facts:
- {name: sizes, in: ["files/**/size"], file_pattern: 'svc/(?P<svc>\w+)/size$', pattern: '(?P<value>\d+)', pick: all, type: number}
rules:
- id: t.err
  title: "{service}: {hits} ({join(map(records, .service), ',')})"
  explanation: x
  remedy: x
  match:
    in: ["files/**/error.log"]
    file_pattern: 'log/(?P<service>\w+)/error\.log$'
    pattern: 'ERROR'
    group_by: [service]
- id: t.size
  title: "{svc}={value}"
  explanation: x
  remedy: x
  check: {for_each: sizes}
  when: 'value > 10'`)
	path := bundleOf(t, "", map[string]string{
		"files/log/http/error.log":  "2024-03-01 10:00:00 ERROR a\n2024-03-01 10:00:01 ERROR b\n",
		"files/log/smtp/error.log":  "2024-03-01 10:00:02 ERROR c\n",
		"files/other/x/error.log":   "2024-03-01 10:00:03 ERROR not read\n",
		"files/svc/web/size":        "50\n",
		"files/svc/mail/size":       "5\n",
		"files/svc/mail/sub/x/size": "99\n",
	}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	want := []string{
		"t.err info [http] x2: http: 2 (http,http)",
		"t.err info [smtp] x1: smtp: 1 (smtp)",
		"t.size info [files/svc/web/size:1] x1: web=50",
	}
	if diff := cmp.Diff(want, summary(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestTimeOfDay: a log whose lines carry only the time of day is dated
// from the collection day backwards across midnight, also across chunks
// and newest first; time: auto tries the profile's custom formats.
func TestTimeOfDay(t *testing.T) {
	logs := `logs:
- {files: ["files/**/pluto.log"], time: custom, regex: '^(?P<time>\d\d:\d\d:\d\d) ', layout: "15:04:05"}
- {files: ["files/**/page.log"], time: custom, regex: '^(?P<time>\d\d:\d\d:\d\d) ', layout: "15:04:05", order: newest-first}
- {files: ["files/**/auto.log"], time: auto}
`
	rules := `rules:
- id: t.p
  title: x
  explanation: x
  remedy: x
  max_evidence: 10
  match: {in: ["files/**/*.log"], pattern: 'pluto\[\d+\]: (?P<what>.*)', group_by: [what]}
`
	p := testProfile(t, logs+rules)
	oldest := "22:49:47 pluto[585]: a\n23:59:59 pluto[585]: b\n00:00:05 pluto[585]: c\n11:00:00 pluto[585]: d\n"
	newest := "11:00:00 pluto[585]: d\n    untimed continuation pluto[585]: e\n00:00:05 pluto[585]: c\n23:59:59 pluto[585]: b\n22:49:47 pluto[585]: a\n"
	want := map[string]string{
		"a": "2024-02-29 22:49:47", "b": "2024-02-29 23:59:59", "c": "2024-03-01 00:00:05",
		"d": "2024-03-01 11:00:00", "e": "2024-03-01 00:00:05",
	}
	for _, tt := range []struct{ name, file, content string }{
		{"oldest first", "files/pluto.log", oldest},
		{"newest first", "files/page.log", newest},
		{"auto", "files/auto.log", oldest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep := runWith(t, p, []string{bundleOf(t, "", map[string]string{tt.file: tt.content}, nil)}, Options{})
			got := map[string]string{}
			for _, f := range rep.Findings {
				got[f.Key] = f.FirstSeen.UTC().Format("2006-01-02 15:04:05")
			}
			w := map[string]string{}
			for k, v := range want {
				if strings.Contains(tt.content, ": "+k+"\n") {
					w[k] = v
				}
			}
			if diff := cmp.Diff(w, got); diff != "" {
				t.Errorf("times (-want +got):\n%s", diff)
			}
		})
	}
	// The newest line after the collection's time of day is yesterday's.
	rep := runWith(t, p, []string{bundleOf(t, "", map[string]string{"files/pluto.log": "13:00:00 pluto[1]: late\n"}, nil)}, Options{})
	if got := rep.Findings[0].FirstSeen.UTC().Format("2006-01-02 15:04"); got != "2024-02-29 13:00" {
		t.Errorf("late line dated %s", got)
	}
	// Across chunks: days of filler lines (day changes at chunk edges
	// too) between a first and a last line.
	var b strings.Builder
	b.WriteString("05:00:00 pluto[9]: first\n")
	days := 0
	for b.Len() < 3*chunkSize {
		for h := 0; h < 24; h++ {
			fmt.Fprintf(&b, "%02d:00:00 filler %s\n", h, strings.Repeat("x", 200))
		}
		days++
	}
	b.WriteString("10:00:00 pluto[9]: last\n")
	rep = runWith(t, p, []string{bundleDirOf(t, map[string]string{"files/pluto.log": b.String()})}, Options{})
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.Key] = f.FirstSeen.UTC().Format("2006-01-02 15:04")
	}
	wantDays := map[string]string{
		"first": time.Date(2024, 3, 1-days-1, 5, 0, 0, 0, time.UTC).Format("2006-01-02 15:04"),
		"last":  "2024-03-01 10:00",
	}
	if diff := cmp.Diff(wantDays, got); diff != "" {
		t.Errorf("%d days of lines: times (-want +got):\n%s", days, diff)
	}
}

// TestNewestFirstOrder: lines of a newest-first member are evaluated in
// reverse order: a state follows them oldest first, ties included.
func TestNewestFirstOrder(t *testing.T) {
	p := testProfile(t, `logs:
- {files: ["files/**/page.log"], time: ymd, order: newest-first}
rules:
- id: t.st
  title: "{state} after {history}"
  explanation: x
  remedy: x
  state:
    in: ["files/**/page.log"]
    track: [{pattern: '-> (?P<state>\w+)'}]`)
	log := "2024-03-01 10:00:02 -> DOWN\n2024-03-01 10:00:01 -> UP\n2024-03-01 10:00:01 -> INIT\n"
	rep := runWith(t, p, []string{bundleOf(t, "", map[string]string{"files/page.log": log}, nil)}, Options{})
	if diff := cmp.Diff([]string{"t.st info x3: DOWN after INIT, UP, DOWN"}, summary(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestFmtTimeAndItem: fmt_time prints a time as texts do; item(id) says
// how many bytes of an item were cut.
func TestFmtTimeAndItem(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.f
  title: "{fmt_time(first_seen)}|{fmt_time(nil)}|{item('a')?.truncated}"
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'x'}`)
	path := bundleOf(t, "", map[string]string{"files/a.log": "2024-03-01 10:00:00 x\n"}, func(m *bundle.Manifest) {
		for i := range m.Items {
			if m.Items[i].ID == "a" || strings.HasSuffix(m.Items[i].Source, "/a.log") {
				m.Items[i].ID = "a"
				m.Items[i].Stored[0].Truncated = 4096
			}
		}
	})
	rep := runWith(t, p, []string{path}, Options{})
	if diff := cmp.Diff([]string{"t.f info x1: 2024-03-01 10:00:00Z||4096"}, summary(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestStateEventsReportBy: a tracker with event records it without
// changing the state; report_by reports one key per connection, the most
// severe (then the latest).
func TestStateEventsReportBy(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.sa
  title: "{conn} #{serial} {state} events={events} dpd={seen['dpd'] != nil}"
  explanation: x
  remedy: x
  state:
    in: ["files/**/a.log"]
    key: [conn, serial]
    report_by: [conn]
    track:
    - pattern: '"(?P<conn>\w+)" #(?P<serial>\d+): state (?P<state>\w+)'
    - {pattern: '"(?P<conn>\w+)" #(?P<serial>\d+): DPD timeout', event: dpd}
  severity_when: [{when: 'state != "UP"', severity: warning}]`)
	log := "2024-03-01 10:00:00 \"a\" #1: state UP\n" +
		"2024-03-01 10:00:01 \"a\" #1: DPD timeout\n" +
		"2024-03-01 10:00:02 \"a\" #2: state INIT\n" +
		"2024-03-01 10:00:03 \"a\" #3: state UP\n" +
		"2024-03-01 10:00:04 \"b\" #4: state UP\n" +
		"2024-03-01 10:00:05 \"b\" #5: state UP\n"
	rep := runWith(t, p, []string{bundleOf(t, "", map[string]string{"files/a.log": log}, nil)}, Options{})
	want := []string{
		"t.sa warning [a 2] x1: a #2 INIT events= dpd=false",
		"t.sa info [b 5] x1: b #5 UP events= dpd=false",
	}
	if diff := cmp.Diff(want, summary(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	// Without report_by every key reports; the event is noted.
	p2 := strings.Replace(string(p.Raw), "      report_by: [conn]\n", "", 1)
	rep = runWith(t, parseProfile(t, p2), []string{bundleOf(t, "", map[string]string{"files/a.log": log}, nil)}, Options{})
	if got := summary(rep); len(got) != 5 || !strings.Contains(strings.Join(got, "\n"), "a #1 UP events=dpd dpd=true") {
		t.Errorf("findings without report_by:\n%s", strings.Join(got, "\n"))
	}
}

// TestAlsoJoin: related lines by default from the first match to 10
// minutes after the last; before widens the window; join_on and within
// keep only lines of the same request close to a match.
func TestAlsoJoin(t *testing.T) {
	log := "2024-03-01 09:50:00 warn early for 1\n" +
		"2024-03-01 10:00:00 fail req 1\n" +
		"2024-03-01 10:00:01 detail req 1\n" +
		"2024-03-01 10:00:01 detail req 2\n" +
		"2024-03-01 10:05:00 detail req 1\n"
	tests := []struct{ name, also, want string }{
		{"default", `{pattern: 'detail req (?P<id>\d+)'}`, "2 3 4 5"},
		{"before", `{pattern: '(?:detail req|warn early for) (?P<id>\d+)', before: 15m}`, "2 1 3 4 5"},
		{"join_on", `{pattern: 'detail req (?P<id>\d+)', join_on: [id]}`, "2 3 5"},
		{"join_on within", `{pattern: 'detail req (?P<id>\d+)', join_on: [id], within: 2s}`, "2 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testProfile(t, logsYMD+`rules:
- id: t.a
  title: x
  explanation: x
  remedy: x
  max_evidence: 10
  match:
    in: ["files/**/a.log"]
    pattern: 'fail req (?P<id>\d+)'
    also: [`+tt.also+`]`)
			rep := runWith(t, p, []string{bundleOf(t, "", map[string]string{"files/a.log": log}, nil)}, Options{})
			var lines []string
			for _, ev := range rep.Findings[0].Evidence {
				lines = append(lines, fmt.Sprint(ev.Line))
			}
			if got := strings.Join(lines, " "); got != tt.want {
				t.Errorf("evidence lines %q, want %q", got, tt.want)
			}
		})
	}
}

// TestProgress: Options.Progress counts the bytes of the inputs' members
// as stored, never backwards, and ends with all of them (total 0 when an
// input's size is unknown: raw logs).
func TestProgress(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- {id: t.x, title: x, explanation: x, remedy: x, match: {in: ["files/**/a.log"], pattern: 'boom'}}`)
	big := strings.Repeat("2024-03-01 10:00:00 filler line\n", 100000)
	a := bundleOf(t, "node-a", map[string]string{"files/a.log": big + "2024-03-01 10:00:01 boom\n", "files/other.cfg": "x=1\n"}, nil)
	b := bundleOf(t, "node-b", map[string]string{"files/a.log": "2024-03-01 10:00:00 boom\n"}, nil)
	type call struct {
		done, total int64
		what        string
	}
	var calls []call
	opts := Options{Progress: func(done, total int64, what string) { calls = append(calls, call{done, total, what}) }}
	runWith(t, p, []string{a, b}, opts)
	if len(calls) < 2 {
		t.Fatalf("%d progress calls", len(calls))
	}
	last := calls[len(calls)-1]
	if last.total <= int64(len(big)) || last.done != last.total {
		t.Errorf("last call %+v: want done == total > %d", last, len(big))
	}
	names := map[string]bool{}
	for i, c := range calls {
		names[c.what] = true
		if c.total != last.total || i > 0 && c.done < calls[i-1].done {
			t.Errorf("call %d %+v after %+v", i, c, calls[max(i-1, 0)])
		}
	}
	if !names["node-a"] || !names["node-b"] {
		t.Errorf("inputs named: %v", names)
	}
	// Raw logs: no total.
	calls = nil
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.log"), []byte("2024-03-01 10:00:00 boom\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runWith(t, p, []string{dir}, opts)
	if len(calls) == 0 || calls[len(calls)-1].total != 0 || calls[len(calls)-1].done == 0 {
		t.Errorf("raw input calls %+v", calls)
	}
}

// TestApplies: a rule whose applies condition is false for a bundle does
// not run there (no finding, even when its lines are there) and its
// coverage is not_applicable with the condition, not skipped or partial;
// where it holds the rule runs as without it. A scope all rule applies
// to its group when it applies to any bundle of it. A condition that
// fails counts as true: the rule runs and coverage says error.
func TestApplies(t *testing.T) {
	p := testProfile(t, logsYMD+`facts:
- {name: role, in: ["files/**/role"], pattern: '(?P<value>\w+)'}
- {name: is_server, expr: 'role == "server"'}
rules:
- id: t.server-only
  title: "boom on the server"
  explanation: x
  remedy: x
  applies: 'is_server'
  match: {in: ["files/**/*.log"], pattern: 'boom'}
- id: t.yule-log
  title: x
  explanation: x
  remedy: x
  applies: 'role == "server"'
  absent: {in: ["files/**/yule.log"], pattern: 'listening'}
- id: t.everywhere
  title: "boom"
  explanation: x
  remedy: x
  match: {in: ["files/**/*.log"], pattern: 'boom'}
- id: t.pair
  title: "{id} lost"
  explanation: x
  remedy: x
  scope: all
  applies: 'role == "server"'
  sequence:
    start: [{in: ["files/**/client.log"], pattern: 'send (?P<id>\d+)'}]
    expect: [{in: ["files/**/yule.log"], pattern: 'got (?P<id>\d+)'}]
    key: [id]
- id: t.broken
  title: "boom anyway"
  explanation: x
  remedy: x
  applies: 'role > 3'
  match: {in: ["files/**/*.log"], pattern: 'boom'}`)
	client := bundleOf(t, "client", map[string]string{"files/role": "client\n", "files/client.log": "2024-03-01 10:00:00 send 1\n2024-03-01 10:00:01 boom\n"}, nil)
	server := bundleOf(t, "server", map[string]string{"files/role": "server\n", "files/yule.log": "2024-03-01 10:00:02 got 1\n2024-03-01 10:00:03 listening\n2024-03-01 10:00:04 boom\n"}, nil)

	cov := func(rep *report.Report) map[string]report.RuleCoverage {
		m := map[string]report.RuleCoverage{}
		for _, c := range rep.Coverage {
			m[c.Rule+" "+c.Bundle] = c
		}
		return m
	}
	check := func(rep *report.Report) {
		t.Helper()
		raw, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		reporttest.Check(t, raw)
	}

	// Both sides: the server-side rules run on the server only.
	rep := runWith(t, p, []string{client, server}, Options{})
	check(rep)
	want := []string{
		"t.server-only client not_applicable", "t.yule-log client not_applicable", "t.everywhere client ran", "t.pair client ran", "t.broken client error",
		"t.server-only server ran", "t.yule-log server ran", "t.everywhere server ran", "t.pair server ran", "t.broken server error",
	}
	if diff := cmp.Diff(want, coverageOf(rep)); diff != "" {
		t.Errorf("coverage of the pair (-want +got):\n%s", diff)
	}
	var found []string
	for _, f := range rep.Findings {
		found = append(found, f.ID+" "+f.Bundle)
	}
	sort.Strings(found)
	if diff := cmp.Diff([]string{"t.broken client", "t.broken server", "t.everywhere client", "t.everywhere server", "t.server-only server"}, found); diff != "" {
		t.Errorf("findings of the pair (-want +got):\n%s", diff)
	}
	c := cov(rep)
	na := c["t.yule-log client"]
	if na.Reason != `applies only where role == "server"` || len(na.Missing) > 0 || len(na.Inputs) > 0 || na.Findings != 0 {
		t.Errorf("not applicable entry = %+v, want the condition as reason and no inputs", na)
	}
	if r := c["t.broken client"].Reason; !strings.Contains(r, "t.yaml:") || !strings.Contains(r, "role > 3") || !strings.Contains(r, "ran anyway") {
		t.Errorf("failing applies: reason %q should place the condition and say the rule ran", r)
	}

	// The client alone: the scope all rule applies to no bundle of the
	// group, and the absent rule is not skipped for want of yule.log.
	rep = runWith(t, p, []string{client}, Options{})
	check(rep)
	want = []string{"t.server-only client not_applicable", "t.yule-log client not_applicable", "t.everywhere client ran", "t.pair client not_applicable", "t.broken client error"}
	if diff := cmp.Diff(want, coverageOf(rep)); diff != "" {
		t.Errorf("coverage of the client alone (-want +got):\n%s", diff)
	}
	if r := cov(rep)["t.pair client"].Reason; !strings.Contains(r, `role == "server"`) || !strings.Contains(r, "none") {
		t.Errorf("scope all not applicable: reason %q", r)
	}
	for _, f := range rep.Findings {
		if f.ID == "t.pair" || f.ID == "t.server-only" {
			t.Errorf("finding %s from a rule that does not apply", f.ID)
		}
	}

	// --explain shows the condition, and for scope all how it is judged.
	for id, want := range map[string]string{
		"t.yule-log": `Applies:   only to bundles where role == "server"`,
		"t.pair":     `Applies:   when this holds for at least one of the bundles: role == "server"`,
	} {
		text, err := Explain(p, id)
		if err != nil || !strings.Contains(text, want) || !strings.Contains(text, "not_applicable") {
			t.Errorf("Explain(%s) = %q, %v; want it to say %q", id, text, err, want)
		}
	}

	// The server alone: everything applies; the pair's request side is
	// missing, as without applies.
	rep = runWith(t, p, []string{server}, Options{})
	check(rep)
	want = []string{"t.server-only server ran", "t.yule-log server ran", "t.everywhere server ran", "t.pair server partial", "t.broken server error"}
	if diff := cmp.Diff(want, coverageOf(rep)); diff != "" {
		t.Errorf("coverage of the server alone (-want +got):\n%s", diff)
	}
}

// TestLogContent: a raw file whose name no glob reads is recognised by its
// lines (logs content) and read as that log: its times are parsed, rules
// see it, and coverage says so; in a bundle nothing is recognised.
func TestLogContent(t *testing.T) {
	p := testProfile(t, `logs:
- files: ["files/**/app.log*"]
  time: ymd
  content:
    name: app log
    as: "files/{name}/app.log"
    lines: ['^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d app\[\d+\]: ']
rules:
- id: t.fail
  title: "{hits} failures, first {fmt_time(first_seen)}"
  explanation: x
  remedy: x
  match: {in: ["files/**/app.log*"], pattern: 'app\[\d+\]: FAIL'}`)
	d := t.TempDir()
	console := "$ ./app --start\n2024-03-01 10:00:00 app[7]: starting\n2024-03-01 10:00:01 app[7]: FAIL disk\n"
	if err := os.WriteFile(filepath.Join(d, "console.txt"), []byte(console), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "notes.txt"), []byte("2024-03-01 10:00:05 app FAIL in a note\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := runWith(t, p, []string{d}, Options{})
	if diff := cmp.Diff([]string{"t.fail info x1: 1 failures, first 2024-03-01 10:00:01Z"}, summary(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if ev := rep.Findings[0].Evidence; len(ev) == 0 || ev[0].File != "files/console.txt/app.log" || ev[0].Line != 3 {
		t.Errorf("evidence %+v, want files/console.txt/app.log:3", ev)
	}
	if c := rep.Coverage[0]; c.Status != report.CoverageRan || c.Reason != "console.txt read as app log by content" {
		t.Errorf("coverage %+v, want ran, saying console.txt was read as app log by content", c)
	}
	// A bundle's members keep their names: no recognition there.
	path := bundleOf(t, "", map[string]string{"files/console.txt": console}, nil)
	rep = runWith(t, p, []string{path}, Options{})
	if len(rep.Findings) != 0 || rep.Coverage[0].Status != report.CoverageSkipped {
		t.Errorf("a bundle's console.txt was read as the log: %v %+v", summary(rep), rep.Coverage[0])
	}
}
