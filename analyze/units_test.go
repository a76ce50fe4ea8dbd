package analyze

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casefile/profiles"
)

var berlin = func() *time.Location {
	l, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return l
}()

// TestTimeFormats parses one line per built-in format, good and bad.
func TestTimeFormats(t *testing.T) {
	ref := time.Date(2024, 1, 10, 12, 0, 0, 0, time.UTC)
	tc := &timeCtx{loc: berlin, ref: ref}
	utc := func(s string) string { return s }
	tests := []struct {
		format string
		line   string
		want   string // RFC 3339 in UTC with nanoseconds; "" = no time
	}{
		{"yymmdd", "01/12/18 17:38:06 3 161 routingManager: WHO command received", utc("2001-12-18T16:38:06Z")},
		{"yymmdd", "09/10/13 10:41:33 1 7731 routedSessionCreate", "2009-10-13T08:41:33Z"},
		{"yymmdd", "01/13/18 17:38:06 bad month", ""},
		{"yymmdd", "01/12/18 17:38:061 too many digits", ""},
		{"ymd", "2017/10/12 14:05:01 x", "2017-10-12T12:05:01Z"},
		{"ymd", "2017-10-12 14:05:01.250 x", "2017-10-12T12:05:01.25Z"},
		{"ymd", "2017-10-12 x", ""},
		{"iso8601", "2024-03-01T10:16:00Z FATAL", "2024-03-01T10:16:00Z"},
		{"iso8601", "2024-03-01T10:16:00.123+05:30 x", "2024-03-01T04:46:00.123Z"},
		{"iso8601", "2024-03-01T10:16:00-0600 x", "2024-03-01T16:16:00Z"},
		{"iso8601", "2024-03-01 10:16:00 local", "2024-03-01T09:16:00Z"},
		{"log4j", "2017-10-12 14:05:01,123 ERROR [main] x", "2017-10-12T12:05:01.123Z"},
		{"log4j", "12-10-2017 14:05:01,123", ""},
		{"syslog", "Oct 12 14:05:01 host sshd[1]: x", "2023-10-12T12:05:01Z"},
		{"syslog", "Jan  9 23:59:59 host x", "2024-01-09T22:59:59Z"},
		{"syslog", "Jan 11 13:00:00 host x", "2024-01-11T12:00:00Z"}, // within a day after ref: this year
		{"syslog", "Jan 12 13:00:00 host x", "2023-01-12T12:00:00Z"}, // more than a day after ref: last year
		{"syslog", "Aug  9 14:08:35.595762: NSS", "2023-08-09T12:08:35.595762Z"},
		{"syslog", "2024-01-02T03:04:05.123456+01:00 host x", "2024-01-02T02:04:05.123456Z"},
		{"syslog", "Foo 12 14:05:01 x", ""},
		{"iso_or_compact", "2017-10-12T14:05:01.123456Z 0 [ERROR] x", "2017-10-12T14:05:01.123456Z"},
		{"iso_or_compact", "171012 14:05:01 [ERROR] x", "2017-10-12T12:05:01Z"},
		{"iso_or_compact", "171012  9:05:01 InnoDB: x", "2017-10-12T07:05:01Z"},
		{"embedded_iso", "CRIT   :  [2011-04-29T18:41:19+0200] msg=<POLICY>", "2011-04-29T16:41:19Z"},
		{"embedded_iso", `<log sev="RCVT" tstamp="2014-03-16 10:16:26-0600" remote_host="moxz" >`, "2014-03-16T16:16:26Z"},
		{"embedded_iso", "no time [here]", ""},
		{"ctime", "[Sun Dec 04 04:47:44 2005] [notice] x", "2005-12-04T03:47:44Z"},
		{"ctime", "[Wed Oct 11 14:32:52.123456 2000] [core:error] x", "2000-10-11T12:32:52.123456Z"},
		{"ctime", "Wed Oct 11 14:32:52 2000 x", "2000-10-11T12:32:52Z"},
	}
	for _, tt := range tests {
		p, err := parserFor(&profiles.LogSpec{Time: tt.format})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if ts, ok := p.parse([]byte(tt.line), tc); ok {
			got = ts.UTC().Format(time.RFC3339Nano)
		}
		if got != tt.want {
			t.Errorf("%s %q: got %q, want %q", tt.format, tt.line, got, tt.want)
		}
	}
}

// TestCustomAndAuto covers custom formats (with and without a year) and
// auto detection.
func TestCustomAndAuto(t *testing.T) {
	tc := &timeCtx{loc: time.UTC, ref: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	p, err := customParser(profiles.MustPattern(`^\[(?P<time>[^\]]+)\]`).Re, "2006/01/02 15:04:05")
	if err != nil {
		t.Fatal(err)
	}
	if ts, ok := p.parse([]byte("[2017/10/12 14:05:01] x"), tc); !ok || ts.Format(time.RFC3339) != "2017-10-12T14:05:01Z" {
		t.Errorf("custom: %v %v", ts, ok)
	}
	p, _ = customParser(profiles.MustPattern(`^(\w{3} [ \d]\d \d\d:\d\d:\d\d)`).Re, "Jan _2 15:04:05")
	if ts, ok := p.parse([]byte("Dec 31 23:00:00 x"), tc); !ok || ts.Year() != 2023 {
		t.Errorf("custom without a year: %v %v, want 2023", ts, ok)
	}
	lines := [][]byte{[]byte("Oct 12 14:05:01 host a"), []byte("  continuation"), []byte("Oct 12 14:05:02 host b")}
	if d := detectParser(lines, tc); d == nil || d.name != "syslog" {
		t.Errorf("auto picked %v, want syslog", d)
	}
	if d := detectParser([][]byte{[]byte("no times at all")}, tc); d != nil {
		t.Errorf("auto picked %s for lines without times", d.name)
	}
}

// TestSplit cuts a physical line at each embedded timestamp.
func TestSplit(t *testing.T) {
	p, _ := parserFor(&profiles.LogSpec{Time: "yymmdd"})
	tc := &timeCtx{loc: time.UTC}
	line := "09/10/13 10:39:21 1 7456 failure for nti281-gwp 09/10/13 10:41:19 1 8503 peer replied 09/10/13 10:41:33 1 x (e =-2)"
	var got []string
	for _, s := range splitAt(nil, []byte(line), p, tc) {
		got = append(got, string(s))
	}
	want := []string{"09/10/13 10:39:21 1 7456 failure for nti281-gwp", "09/10/13 10:41:19 1 8503 peer replied", "09/10/13 10:41:33 1 x (e =-2)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("split (-want +got):\n%s", diff)
	}
}

// TestSplitProbe: a format's probe byte finds the same timestamps inside
// lines as trying every word.
func TestSplitProbe(t *testing.T) {
	tc := &timeCtx{loc: time.UTC}
	lines := []string{
		"09/10/13 10:39:21 1 7456 failure for nti281-gwp 09/10/13 10:41:19 1 8503 peer replied 09/10/13 10:41:33 1 x (e =-2)",
		"09/10/13 10:39:21 1 7456 routingManager: TELL command received [l=nti281-gwp]",
		"09/10/13 10:39:21 a/b/c x09/10/13 10:41:19 [09/10/13 10:41:19] 09/10/13 10:41:1",
		"2024-03-01 10:00:00 a 2024-03-01T10:00:01Z b 2024/03/01 10:00:02 c 2024-03-01 10:00:03,123 d",
		"2024-03-01 10:00:00 x2024-03-01 10:00:01 [2024-03-01 10:00:02] 2024-03-01 10:00:0",
		"", "/", "a:b", "x 09/10/13 10:39:21",
	}
	n := 0
	for _, p := range builtinParsers {
		if p.probe == 0 {
			continue
		}
		np := *p
		np.probe = 0
		for _, line := range lines {
			got, want := splitAt(nil, []byte(line), p, tc), splitAt(nil, []byte(line), &np, tc)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: %q with the probe (+) and without (-):\n%s", p.name, line, diff)
			}
			n += len(got) - 1
		}
	}
	if n < 8 {
		t.Errorf("%d timestamps inside lines found: the lines test too little", n)
	}
}

// TestRequiredLiterals pins what the prefilter looks for.
func TestRequiredLiterals(t *testing.T) {
	tests := []struct {
		re   string
		want []string // "~" marks a case-folded literal; nil: every line
	}{
		{`routingManager: (WHO|TELL) reply`, []string{"routingManager: TELL reply", "routingManager: WHO reply"}},
		{`routingManager: (?:WHO|TELL)(?: reply)? command received`, []string{"routingManager: TELL command received",
			"routingManager: TELL reply command received", "routingManager: WHO command received", "routingManager: WHO reply command received"}},
		{`CLOSE[_-]WAIT\s.*\bepproxy\b`, []string{"CLOSE-WAIT", "CLOSE_WAIT"}},
		{`\(e ?=24\b|Too many open files`, []string{"(e =24", "(e=24", "Too many open files"}},
		{`ERROR|Exception`, []string{"ERROR", "Exception"}},
		{`(?i)fatal error`, []string{"~fatal error"}},
		{`(?i)session failed`, []string{"~session failed"}},
		{`(?i)Fehler: übertragung`, []string{"~bertragung"}},
		{`^\s*debug-level\s*=\s*(?P<value>\d+)`, []string{"debug-level"}},
		{`^\d+ \d+$`, nil},
		{`a|bc`, nil},
		{`(?:open )?session`, []string{"session"}},
		{`x{2,}yz`, nil},
		{`(abc)+def`, []string{"abc"}},
		{`failur ?e`, []string{"failur e", "failure"}},
		{`(?i)(?:improper|unclean|abnormal|not (?:cleanly|properly)) shut ?down|was not shut ?down (?:cleanly|properly|normally)|InnoDB: Starting crash recovery`,
			[]string{"~ shut", "~innodb: starting crash recovery", "~was not shut"}},
		{`"(?P<c>[^"]+)" #(?P<n>\d+): (?:transition from state \S+ to state (?:STATE_MAIN_I3|STATE_MAIN_R2)\b|STATE_MAIN_I3:? (?:sent|retransmission)|STATE_MAIN_R2:? (?:sent|retransmission)|sent Main Mode (?:I3|R2)|STATE_AGGR_I1:? initiate|sent Aggressive Mode request|STATE_V2_PARENT_I2|sent IKE_AUTH request|STATE_PARENT_I2)`,
			[]string{"STATE_AGGR_I1", "STATE_MAIN_", "STATE_PARENT_I2", "STATE_V2_PARENT_I2", "sent Aggressive Mode request", "sent IKE_AUTH request", "sent Main Mode ", "transition from state "}},
	}
	for _, tt := range tests {
		var got []string
		for _, l := range requiredLiterals(tt.re) {
			s := l.s
			if l.fold {
				s = "~" + s
			}
			got = append(got, s)
		}
		sort.Strings(got)
		sort.Strings(tt.want)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.re, diff)
		}
	}
}

// TestSearcher finds the lines holding literals, in any case for folded
// ones, and says which patterns each needs.
func TestSearcher(t *testing.T) {
	hay := []byte("alpha beta\nno match here\nBETA and FATAL error\nlast gamma beta\nfatal Error")
	s := newSearcher(map[literal][]int32{{s: "beta"}: {0}, {s: "fatal error", fold: true}: {1}, {s: "gamma"}: {2}}, hay)
	got := map[string][]int32{}
	s.find(hay, func(st, e int, pats []int32) {
		got[string(hay[st:e])] = mergePats(append([]int32(nil), got[string(hay[st:e])]...), pats)
	})
	want := map[string][]int32{
		"alpha beta":           {0},
		"BETA and FATAL error": {1},
		"last gamma beta":      {0, 2},
		"fatal Error":          {1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if !s.hasKS && kelvinOrLongS([]byte("x")) {
		t.Error("kelvin check")
	}
}

// TestFoldKS: Unicode case folding matches the Kelvin sign for k and the
// long s for s; the prefilter must not lose such lines.
func TestFoldKS(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- {id: t.k, title: x, explanation: x, remedy: x, match: {in: ["files/**/a.log"], pattern: '(?i)disk check'}}`)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.log"), []byte("2024-03-01 10:00:00 DIS\u212a CHEC\u212a\n2024-03-01 10:00:01 nothing\n"), 0o644)
	rep := runWith(t, p, []string{dir}, Options{})
	if len(rep.Findings) != 1 {
		t.Errorf("findings: %v", summary(rep))
	}
}

// TestIncidentFromNote reads times out of operators' notes.
func TestIncidentFromNote(t *testing.T) {
	ref := time.Date(2017, 10, 13, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		note string
		want string // RFC 3339 in the note's zone (Berlin); "" = none
	}{
		{"HA failed on 2017-10-12 around 14:05", "2017-10-12T14:05:00+02:00"},
		{"epproxy refused connections on 13 Oct from about 10:40", "2017-10-13T10:40:00+02:00"},
		{"Störung am 12.10.2017 gegen 14:05 Uhr", "2017-10-12T14:05:00+02:00"},
		{"since Oct 12, 2017 2:05 pm", "2017-10-12T14:05:00+02:00"},
		{"2017年10月12日 14時05分に接続エラー", "2017-10-12T14:05:00+02:00"},
		{"at 2017-10-12T14:05:00Z the tunnel dropped", "2017-10-12T14:05:00Z"},
		{"yesterday at 23:10", "2017-10-12T23:10:00+02:00"},
		{"around 09:30", "2017-10-13T09:30:00+02:00"},
		{"around 15:30", "2017-10-12T15:30:00+02:00"}, // later than the collection: the day before
		{"10/12/2017 14:05", "2017-10-12T14:05:00+02:00"},
		{"13/10/2017 14:05", "2017-10-13T14:05:00+02:00"},
		{"the box is slow", ""},
		{"upgraded to 1.3.1 on 2017-10-12", ""},
	}
	for _, tt := range tests {
		got := ""
		if ts, ok := incidentFromNote(tt.note, berlin, ref); ok {
			got = ts.Format(time.RFC3339)
		}
		if got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.note, got, tt.want)
		}
	}
}

// TestFormatValue prints values the way texts show them.
func TestFormatValue(t *testing.T) {
	ts := time.Date(2024, 3, 1, 9, 10, 0, 0, time.UTC)
	tests := []struct {
		v    any
		want string
	}{
		{nil, ""},
		{"x", "x"},
		{3.0, "3"},
		{2.50, "2.5"},
		{42, "42"},
		{true, "true"},
		{ts, "2024-03-01 10:10:00+01:00"},
		{90 * time.Minute, "1h30m"},
		{26*time.Hour + 5*time.Second, "1d2h5s"},
		{150 * time.Millisecond, "150ms"},
		{[]any{"a", 1.0, nil}, "a, 1, "},
		{map[string]any{"file": "f", "text": "the line"}, "the line"},
		{map[string]any{"b": 1, "a": "x"}, "a=x, b=1"},
	}
	for _, tt := range tests {
		if got := formatValue(tt.v, berlin); got != tt.want {
			t.Errorf("formatValue(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

// TestBindingsMatch: the base environment holds profiles.Bindings and
// nothing else, each rule kind binds its variables (profiles.RuleVars),
// and records carry profiles.RecordFields.
func TestBindingsMatch(t *testing.T) {
	b := &bundleState{loc: time.UTC, plan: &plan{prof: &profiles.Profile{}}, in: nil}
	b.group = &group{bundles: []*bundleState{b}}
	b.bundleMap = map[string]any{}
	e := &evaluator{}
	env := e.baseEnv([]*bundleState{b}, true)
	var got []string
	for k := range env {
		got = append(got, k)
	}
	var want []string
	for i := range profiles.Bindings {
		want = append(want, profiles.Bindings[i].Name())
	}
	sort.Strings(got)
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("base environment (-profiles +engine):\n%s", diff)
	}
	for _, k := range []profiles.RuleKind{&profiles.MatchSpec{}, &profiles.AbsentSpec{}, &profiles.SequenceSpec{}, &profiles.StateSpec{}, &profiles.CheckSpec{}, &profiles.SamplesKind{CheckSpec: &profiles.CheckSpec{}}} {
		kind := k.Name()
		rp := &rulePlan{kind: kind, rule: &profiles.Rule{Kind: k}}
		renv := e.ruleEnv(rp, []*bundleState{b}, false)
		for _, v := range k.Vars() {
			if _, ok := renv[v]; !ok && kind != "check" {
				t.Errorf("%s rules: variable %s is not bound", kind, v)
			}
		}
	}
	// Records carry the record fields.
	pat := &pattern{names: []string{"peer"}, value: -1}
	r := &record{pat: pat, b: b, m: &member{path: "files/x"}, caps: []string{"a"}, text: "t", match: "m"}
	var fields []string
	for k := range recordMap(r, "v", "", nil) {
		if k != "peer" {
			fields = append(fields, k)
		}
	}
	sort.Strings(fields)
	wantFields := append([]string{}, profiles.RecordFields...)
	sort.Strings(wantFields)
	if diff := cmp.Diff(wantFields, fields); diff != "" {
		t.Errorf("record fields (-profiles +engine):\n%s", diff)
	}
}

// TestCleanText caps lines without splitting a character.
func TestCleanText(t *testing.T) {
	s := cleanText([]byte(strings.Repeat("é", 10)), 5)
	if !strings.HasPrefix(s, "éé…[") || !strings.Contains(s, "16 more bytes") {
		t.Errorf("cleanText = %q", s)
	}
	if s := cleanText([]byte("a\xffb"), 100); s != "a\uFFFDb" {
		t.Errorf("cleanText = %q", s)
	}
}

// TestTimeFormatAliases: the older product names of time formats still
// name the same parser, and the validator accepts them.
func TestTimeFormatAliases(t *testing.T) {
	for alias, name := range map[string]string{"samhain": "embedded_iso", "mysql": "iso_or_compact", "syslog": "syslog"} {
		p, err := parserFor(&profiles.LogSpec{Time: alias})
		if err != nil || p == nil || p.name != name {
			t.Errorf("time %s: parser %v, %v; want %s", alias, p, err, name)
		}
		y := "name: x\ndescription: x\nanalyze:\n  logs:\n    - {files: [\"files/x.log\"], time: " + alias + "}\n"
		if _, err := profiles.Parse("x.yaml", []byte(y)); err != nil {
			t.Errorf("time %s: %v", alias, err)
		}
	}
	if _, err := parserFor(&profiles.LogSpec{Time: "product"}); err == nil {
		t.Error("time product: no error")
	}
}
