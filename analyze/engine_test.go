package analyze

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casefile/analyze/input"
	"casefile/analyze/input/inputtest"
	"casefile/analyze/report"
	"casefile/bundle"
	"casefile/profiles"
)

// testProfile parses a profile whose analyze section is body (YAML,
// written at column 0 as the content of `analyze:`).
func testProfile(t testing.TB, body string) *profiles.Profile {
	t.Helper()
	var b strings.Builder
	b.WriteString("name: t\ndescription: engine test\nanalyze:\n")
	for _, l := range strings.Split(body, "\n") {
		b.WriteString("  " + l + "\n")
	}
	p, err := profiles.Parse("t.yaml", []byte(b.String()))
	if err != nil {
		t.Fatalf("profile: %v\n%s", err, b.String())
	}
	return p
}

// testPlan parses a whole profile (src, named name) and compiles its
// plan, for tests of the pass's parts.
func testPlan(t testing.TB, name, src string) *plan {
	t.Helper()
	p, err := profiles.Parse(name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	pl, err := compile(p)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// bundleOf writes a signed bundle holding files (collected at
// inputtest.Time, 2024-03-01 12:00 UTC, zone UTC) and returns its path.
func bundleOf(t testing.TB, name string, files map[string]string, edit func(*bundle.Manifest)) string {
	t.Helper()
	b := inputtest.Build(t, inputtest.Spec{Name: name, Files: files, Edit: edit})
	return b.WriteTarGz(t, t.TempDir())
}

// bundleDirOf is bundleOf written as a folder: for contents so repetitive
// that a .tar.gz of them trips the decompression-bomb limit.
func bundleDirOf(t testing.TB, files map[string]string) string {
	t.Helper()
	b := inputtest.Build(t, inputtest.Spec{Files: files})
	return b.WriteDir(t, t.TempDir())
}

// run analyzes bundles with a test profile.
func runWith(t testing.TB, p *profiles.Profile, paths []string, opts Options) *report.Report {
	t.Helper()
	opts.Profile = p
	if opts.Clock == nil {
		opts.Clock = func() time.Time { return inputtest.Time }
	}
	rep, err := Run(context.Background(), paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// summary is a finding in one line: "id severity [key] xN: title".
func summary(rep *report.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		s := fmt.Sprintf("%s %s", f.ID, f.Severity)
		if f.Key != "" {
			s += " [" + f.Key + "]"
		}
		s += fmt.Sprintf(" x%d: %s", f.Count, f.Title)
		out = append(out, s)
	}
	return out
}

func coverageOf(rep *report.Report) []string {
	var out []string
	for _, c := range rep.Coverage {
		out = append(out, fmt.Sprintf("%s %s %s", c.Rule, c.Bundle, c.Status))
	}
	return out
}

const logsYMD = `logs:
- files: ["files/**/*.log*"]
  time: ymd
`

// TestRuleKinds pins the semantics of each rule kind (docs/profiles.md)
// on small logs.
func TestRuleKinds(t *testing.T) {
	tests := []struct {
		name  string
		rules string
		files map[string]string
		want  []string
	}{
		{
			name: "match min within rate severity_when",
			rules: `- id: t.burst
  title: "{hits} lines, rate {rate}"
  severity: info
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'busy', min: 3, within: 1m}
  severity_when: [{when: 'rate >= 4', severity: critical}]`,
			files: map[string]string{"files/a.log": "2024-03-01 10:00:00 busy\n2024-03-01 10:00:30 busy\n2024-03-01 10:05:00 busy\n2024-03-01 10:05:10 busy\n2024-03-01 10:05:20 busy\n"},
			want:  []string{"t.burst info x5: 5 lines, rate 3"},
		},
		{
			name: "match below min makes nothing",
			rules: `- id: t.burst
  title: x
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'busy', min: 3, within: 1m}`,
			files: map[string]string{"files/a.log": "2024-03-01 10:00:00 busy\n2024-03-01 10:02:00 busy\n2024-03-01 10:04:00 busy\n"},
		},
		{
			name: "group_by where labels",
			rules: `- id: t.fail
  title: "{peer}: {hits} ({matched.hard} hard)"
  severity: warning
  explanation: x
  remedy: x
  match:
    in: ["files/**/a.log"]
    any:
    - {pattern: 'fail to (?P<peer>\w+) code=(?P<code>\d+)', label: hard}
    - {pattern: 'soft failure to (?P<peer>\w+)', label: soft}
    where: 'code != "0"'
    group_by: [peer]`,
			files: map[string]string{"files/a.log": "2024-03-01 10:00:00 fail to alpha code=1\n2024-03-01 10:00:01 fail to beta code=0\n2024-03-01 10:00:02 soft failure to beta\n2024-03-01 10:00:03 fail to alpha code=7\n"},
			want: []string{
				"t.fail warning [alpha] x2: alpha: 2 (2 hard)",
				"t.fail warning [beta] x1: beta: 1 (0 hard)",
			},
		},
		{
			name: "resolved_by downgrades only within its window and group",
			rules: `- id: t.conn
  title: "{peer} resolved={resolved}"
  severity: critical
  explanation: x
  remedy: x
  match:
    in: ["files/**/a.log"]
    pattern: 'cannot reach (?P<peer>\w+)'
    group_by: [peer]
    resolved_by: {pattern: 'reached (?P<peer>\w+)$', within: 10m, severity: warning}`,
			files: map[string]string{"files/a.log": "2024-03-01 10:00:00 cannot reach a\n2024-03-01 10:00:00 cannot reach b\n2024-03-01 10:00:00 cannot reach c\n2024-03-01 10:05:00 reached a\n2024-03-01 10:30:00 reached b\n"},
			want: []string{
				"t.conn critical [b] x1: b resolved=false",
				"t.conn critical [c] x1: c resolved=false",
				"t.conn warning [a] x1: a resolved=true",
			},
		},
		{
			name: "absent fires when the line is missing",
			rules: `- id: t.quiet
  title: no heartbeat
  severity: warning
  explanation: x
  remedy: x
  absent: {in: ["files/**/a.log"], pattern: 'heartbeat'}
- id: t.present
  title: has heartbeat
  explanation: x
  remedy: x
  absent: {in: ["files/**/b.log"], pattern: 'heartbeat'}
- id: t.gone
  title: no input
  explanation: x
  remedy: x
  absent: {in: ["files/**/missing.log"], pattern: 'heartbeat'}`,
			files: map[string]string{"files/a.log": "2024-03-01 10:00:00 started\n", "files/b.log": "2024-03-01 10:00:00 heartbeat\n"},
			want:  []string{"t.quiet warning x0: no heartbeat"},
		},
		{
			name: "sequence: key, window, pending at the end of the data",
			rules: `- id: t.req
  title: "req {rid}: {hits} unanswered, {answered} answered"
  severity: warning
  explanation: x
  remedy: x
  sequence:
    in: ["files/**/a.log"]
    start: [{pattern: 'req (?P<rid>\d+) out'}]
    expect: [{pattern: 'req (?P<rid>\d+) back'}]
    key: [rid]
    within: 5m`,
			files: map[string]string{"files/a.log": "2024-03-01 10:00:00 req 1 out\n2024-03-01 10:00:00 req 1 back\n" +
				"2024-03-01 10:01:00 req 2 out\n2024-03-01 10:09:00 req 2 back\n" +
				"2024-03-01 10:02:00 req 3 out\n" +
				"2024-03-01 10:03:00 req 1 out\n2024-03-01 10:04:00 req 1 back\n" +
				"2024-03-01 11:58:00 req 4 out\n"},
			want: []string{
				"t.req warning [2] x1: req 2: 1 unanswered, 0 answered",
				"t.req warning [3] x1: req 3: 1 unanswered, 0 answered",
			},
		},
		{
			name: "state: last state per key, fixed states, history",
			rules: `- id: t.st
  title: "{node} {state} after {history}"
  severity: info
  explanation: x
  remedy: x
  state:
    in: ["files/**/a.log"]
    key: [node]
    track:
    - pattern: '(?P<node>\w+) -> (?P<state>\w+)'
    - {pattern: '(?P<node>\w+) crashed', state: DOWN}
  when: 'state != "UP"'
  severity_when: [{when: 'seen["UP"] != nil', severity: critical}]`,
			files: map[string]string{"files/a.log": "2024-03-01 10:00:00 n1 -> INIT\n2024-03-01 10:01:00 n1 -> UP\n2024-03-01 10:02:00 n2 -> INIT\n2024-03-01 10:03:00 n1 crashed\n2024-03-01 10:04:00 n3 -> UP\n"},
			want: []string{
				"t.st critical [n1] x3: n1 DOWN after INIT, UP, DOWN",
				"t.st info [n2] x1: n2 INIT after INIT",
			},
		},
		{
			name: "check once and for_each",
			rules: `- id: t.ver
  title: "old {v}"
  severity: warning
  explanation: x
  remedy: x
  check: {}
  when: 'version_lt(v, "1.10")'
- id: t.lim
  title: "{name}={value}"
  explanation: x
  remedy: x
  check: {for_each: lims}
  when: 'value < 10'`,
			files: map[string]string{"commands/ver.out": "v1.9.2\n", "files/etc/x.cfg": "a=5\nb=50\nc=1\n"},
			want: []string{
				"t.ver warning x0: old 1.9.2",
				"t.lim info [files/etc/x.cfg:1] x1: a=5",
				"t.lim info [files/etc/x.cfg:3] x1: c=1",
			},
		},
	}
	facts := `facts:
- {name: v, in: [commands/ver.out], pattern: 'v(?P<value>\S+)', type: version}
- {name: lims, in: ["files/etc/x.cfg"], pattern: '^(?P<name>\w+)=(?P<value>\d+)', pick: all, type: number}
`
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testProfile(t, logsYMD+facts+"rules:\n"+tt.rules)
			rep := runWith(t, p, []string{bundleOf(t, "", tt.files, nil)}, Options{})
			if diff := cmp.Diff(tt.want, summary(rep)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScopeAll joins two bundles: both sides claim a role, and a request
// seen on one side is answered on the other.
func TestScopeAll(t *testing.T) {
	p := testProfile(t, logsYMD+`facts:
- {name: role, in: ["files/**/role"], pattern: '(?P<value>\w+)'}
rules:
- id: t.both
  title: "both active: {join(map(filter(bundles, .facts.role == 'active'), .name), ' and ')}"
  severity: critical
  scope: all
  explanation: x
  remedy: x
  check: {}
  when: 'len(filter(bundles, .facts.role == "active")) >= 2'
  cite: ['flatten(map(bundles, .sources.role))']
- id: t.cross
  title: "{rid} lost"
  scope: all
  explanation: x
  remedy: x
  sequence:
    in: ["files/**/a.log"]
    start: [{pattern: 'send (?P<rid>\d+)'}]
    expect: [{pattern: 'got (?P<rid>\d+)'}]
    key: [rid]`)
	a := bundleOf(t, "node-a", map[string]string{"files/role": "active\n", "files/a.log": "2024-03-01 10:00:00 send 1\n2024-03-01 10:00:01 send 2\n"}, nil)
	b := bundleOf(t, "node-b", map[string]string{"files/role": "active\n", "files/a.log": "2024-03-01 10:00:02 got 1\n"}, nil)
	rep := runWith(t, p, []string{a, b}, Options{})
	want := []string{"t.both critical x2: both active: node-a and node-b", "t.cross info [2] x1: 2 lost"}
	if diff := cmp.Diff(want, summary(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	both := rep.Findings[0]
	if diff := cmp.Diff([]string{"node-a", "node-b"}, both.Bundles); diff != "" {
		t.Errorf("bundles of the joint finding (-want +got):\n%s", diff)
	}
	var cited []string
	for _, ev := range both.Evidence {
		cited = append(cited, ev.Bundle+":"+ev.File+":"+ev.Text)
	}
	if diff := cmp.Diff([]string{"node-a:files/role:active", "node-b:files/role:active"}, cited); diff != "" {
		t.Errorf("cited evidence (-want +got):\n%s", diff)
	}
}

// TestSequenceSkew: a reply logged by another host whose clock runs a
// little behind answers the request within skew, never beyond it, and
// never from the same host (one clock: a reply before its request is no
// answer).
func TestSequenceSkew(t *testing.T) {
	rule := func(skew string) string {
		return logsYMD + `rules:
- id: t.cross
  title: "{rid} lost"
  scope: all
  explanation: x
  remedy: x
  sequence:
    in: ["files/**/a.log"]
    start: [{pattern: 'send (?P<rid>\d+)'}]
    expect: [{pattern: 'got (?P<rid>\d+)'}]
    key: [rid]` + skew
	}
	a := bundleOf(t, "node-a", map[string]string{"files/a.log": "" +
		"2024-03-01 10:00:05 send 1\n" + // answered by node-b 3s "earlier"
		"2024-03-01 10:00:05 send 2\n" + // node-b's reply is 2 minutes earlier
		"2024-03-01 10:00:05 send 3\n" + // only its own earlier reply
		"2024-03-01 10:00:00 got 3\n"}, nil)
	b := bundleOf(t, "node-b", map[string]string{"files/a.log": "" +
		"2024-03-01 09:58:05 got 2\n" +
		"2024-03-01 10:00:02 got 1\n"}, nil)
	for _, tc := range []struct {
		skew string
		want []string
	}{
		{"", []string{"t.cross info [1] x1: 1 lost", "t.cross info [2] x1: 2 lost", "t.cross info [3] x1: 3 lost"}},
		{"\n    skew: 10s", []string{"t.cross info [2] x1: 2 lost", "t.cross info [3] x1: 3 lost"}},
	} {
		rep := runWith(t, testProfile(t, rule(tc.skew)), []string{a, b}, Options{})
		if diff := cmp.Diff(tc.want, summary(rep)); diff != "" {
			t.Errorf("skew %q: findings (-want +got):\n%s", tc.skew, diff)
		}
	}
}

// TestCoverage: ran, partial (a group without members, an item that
// timed out), skipped, error (a run-time expression failure).
func TestCoverage(t *testing.T) {
	p := testProfile(t, logsYMD+`facts:
- {name: lvl, in: ["files/**/x.cfg"], pattern: 'level=(?P<value>\d+)', type: number}
- {name: sockets, in: [commands/netstat.out], pattern: 'CLOSE_WAIT', pick: count}
rules:
- id: t.ran
  title: x
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'boom'}
- id: t.partial
  title: x
  explanation: x
  remedy: x
  match:
    any:
    - {in: ["files/**/a.log"], pattern: 'boom'}
    - {in: ["files/**/b.log"], pattern: 'bang'}
- id: t.timeout
  title: "{sockets}"
  explanation: x
  remedy: x
  check: {}
  when: 'sockets > 0'
- id: t.skipped
  title: x
  explanation: x
  remedy: x
  absent: {in: ["files/**/c.log"], pattern: 'ok'}
- id: t.error
  title: x
  explanation: x
  remedy: x
  check: {}
  when: 'lvl < 3'`)
	path := bundleOf(t, "", map[string]string{
		"files/a.log":          "2024-03-01 10:00:00 boom\n",
		"files/etc/x.cfg":      "other=1\n",
		"commands/netstat.out": "tcp 0 0 1.2.3.4:1 5.6.7.8:2 CLOSE_WAIT\n",
	}, func(m *bundle.Manifest) {
		for i := range m.Items {
			if m.Items[i].ID == "netstat" {
				m.Items[i].ErrorKind, m.Items[i].Error = bundle.ErrTimeout, "killed after 30s"
			}
		}
	})
	rep := runWith(t, p, []string{path}, Options{})
	got := map[string]report.RuleCoverage{}
	for _, c := range rep.Coverage {
		got[c.Rule] = c
	}
	want := map[string]string{"t.ran": "ran", "t.partial": "partial", "t.timeout": "partial", "t.skipped": "skipped", "t.error": "error"}
	for id, st := range want {
		if got[id].Status != st {
			t.Errorf("%s: status %q (%s), want %q", id, got[id].Status, got[id].Reason, st)
		}
	}
	if r := got["t.timeout"].Reason; !strings.Contains(r, "netstat: timeout") {
		t.Errorf("t.timeout reason %q does not name the timed-out item", r)
	}
	if r := got["t.error"].Reason; !strings.Contains(r, "t.yaml:") || !strings.Contains(r, "lvl < 3") {
		t.Errorf("t.error reason %q does not place the failing expression", r)
	}
	if c := got["t.partial"]; len(c.Missing) != 1 || c.Missing[0] != "files/**/b.log" {
		t.Errorf("t.partial missing = %v", c.Missing)
	}
}

// TestTimes: continuation lines inherit the time before them, also
// across chunk boundaries; line numbers survive chunking and \r\n.
func TestTimes(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.trace
  title: x
  explanation: x
  remedy: x
  max_evidence: 10
  match: {in: ["files/**/a.log"], pattern: 'at Frame\.(?P<n>\d+)'}`)
	var b strings.Builder
	b.WriteString("2024-03-01 10:00:00 ERROR boom\r\n    at Frame.1\r\n")
	pad := strings.Repeat("x", 100)
	lines := 2
	for b.Len() < chunkSize+chunkSize/2 {
		fmt.Fprintf(&b, "2024-03-01 10:01:00 filler %s\n", pad)
		lines++
	}
	b.WriteString("    at Frame.2\n") // untimed, in the second chunk
	lines++
	path := bundleDirOf(t, map[string]string{"files/a.log": b.String()})
	rep := runWith(t, p, []string{path}, Options{})
	if len(rep.Findings) != 1 {
		t.Fatalf("findings: %v", summary(rep))
	}
	var got []string
	for _, ev := range rep.Findings[0].Evidence {
		got = append(got, fmt.Sprintf("%d %s %q", ev.Line, ev.Time.UTC().Format("15:04:05"), ev.Text))
	}
	want := []string{`2 10:00:00 "    at Frame.1"`, fmt.Sprintf(`%d 10:01:00 "    at Frame.2"`, lines)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
}

// TestHostileLines: a 10 MiB line, markup, escapes and invalid UTF-8 are
// read without trouble; evidence is capped and valid UTF-8.
func TestHostileLines(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.any
  title: x
  explanation: x
  remedy: x
  max_evidence: 10
  match: {in: ["files/**/a.log"], pattern: 'EVIL'}`)
	huge := "2024-03-01 10:00:00 EVIL " + strings.Repeat("A", 10<<20) + "\n"
	content := huge + "2024-03-01 10:00:01 EVIL <script>alert(1)</script>\x1b[31m\xff\xfe\n"
	path := bundleDirOf(t, map[string]string{"files/a.log": content})
	rep := runWith(t, p, []string{path}, Options{})
	if len(rep.Findings) != 1 {
		t.Fatalf("findings: %v", summary(rep))
	}
	ev := rep.Findings[0].Evidence
	if len(ev) != 2 {
		t.Fatalf("evidence: %d lines", len(ev))
	}
	if n := len(ev[0].Text); n > maxLineText+64 || !strings.Contains(ev[0].Text, "more bytes]") {
		t.Errorf("long line kept as %d bytes without a marker", n)
	}
	if ev[1].Line != 2 {
		t.Errorf("line after the huge one numbered %d, want 2", ev[1].Line)
	}
	if want := "2024-03-01 10:00:01 EVIL <script>alert(1)</script>\x1b[31m\uFFFD"; ev[1].Text != want {
		t.Errorf("hostile line kept as %q, want %q", ev[1].Text, want)
	}
	var invalid bool
	for _, pr := range rep.Bundles[0].Integrity.Problems {
		if pr.Kind == "invalid_utf8" && pr.Member == "files/a.log" {
			invalid = true
		}
	}
	if !invalid {
		t.Errorf("invalid UTF-8 not reported: %+v", rep.Bundles[0].Integrity.Problems)
	}
}

// TestIncidentAndContext: the note gives the incident time; findings and
// timeline entries near it are marked; context lines come from a member
// read whole.
func TestIncidentAndContext(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.down
  title: x
  severity: critical
  explanation: x
  remedy: x
  match: {in: ["files/**/ha.log"], pattern: 'FAILED'}
  context: {in: ["files/**/info.log"], before: 5m, after: 1m, max: 2}
- id: t.early
  title: x
  explanation: x
  remedy: x
  match: {in: ["files/**/ha.log"], pattern: 'started'}`)
	path := bundleOf(t, "", map[string]string{
		"files/ha.log":   "2024-03-01 08:00:00 started\n2024-03-01 14:06:00 state FAILED\n",
		"files/info.log": "2024-03-01 13:50:00 too early\n2024-03-01 14:02:00 a\n2024-03-01 14:04:00 b\n2024-03-01 14:05:30 c\n2024-03-01 14:08:00 too late\n",
	}, func(m *bundle.Manifest) {
		m.Note = "HA failed on 2024-03-01 around 14:05"
		m.Collection.EndUTC = time.Date(2024, 3, 1, 15, 0, 0, 0, time.UTC)
	})
	rep := runWith(t, p, []string{path}, Options{})
	if rep.IncidentTime == nil || !rep.IncidentTime.Equal(time.Date(2024, 3, 1, 14, 5, 0, 0, time.UTC)) || !strings.HasPrefix(rep.IncidentSource, "note of ") {
		t.Fatalf("incident %v from %q", rep.IncidentTime, rep.IncidentSource)
	}
	near := map[string]bool{}
	for _, f := range rep.Findings {
		near[f.ID] = f.NearIncident
	}
	if !near["t.down"] || near["t.early"] {
		t.Errorf("near_incident: %v", near)
	}
	var ctx []string
	for _, c := range rep.Findings[0].Context {
		ctx = append(ctx, c.Text)
	}
	if diff := cmp.Diff([]string{"2024-03-01 14:04:00 b", "2024-03-01 14:05:30 c"}, ctx); diff != "" {
		t.Errorf("context (-want +got):\n%s", diff)
	}
	for _, ev := range rep.Timeline {
		if ev.NearIncident != (ev.Text == "2024-03-01 14:06:00 state FAILED") {
			t.Errorf("timeline %q near_incident=%v", ev.Text, ev.NearIncident)
		}
	}
}

// TestRunErrors: raw logs without a profile, unknown rule ids.
func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.log"), []byte("x\n"), 0o644)
	_, err := Run(context.Background(), []string{dir}, Options{})
	var ie *input.Error
	if !errors.As(err, &ie) {
		t.Errorf("raw input without a profile: %v, want an *input.Error", err)
	}
	p := testProfile(t, logsYMD+"rules: []")
	if _, err := Run(context.Background(), []string{dir}, Options{Profile: p, Rules: []string{"t.nope"}}); err == nil || !strings.Contains(err.Error(), "t.nope") {
		t.Errorf("unknown rule id: %v", err)
	}
}

// TestRulesOption: --rule runs only the named rules, on raw logs.
func TestRulesOption(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- {id: t.a, title: a, explanation: x, remedy: x, match: {in: ["files/**/*.log"], pattern: 'boom'}}
- {id: t.b, title: b, explanation: x, remedy: x, match: {in: ["files/**/*.log"], pattern: 'boom'}}`)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x.log"), []byte("2024-03-01 10:00:00 boom\n"), 0o644)
	rep := runWith(t, p, []string{dir}, Options{Rules: []string{"t.b"}})
	if diff := cmp.Diff([]string{"t.b info x1: b"}, summary(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"t.b " + filepath.Base(dir) + " ran"}, coverageOf(rep)); diff != "" {
		t.Errorf("coverage (-want +got):\n%s", diff)
	}
}

// TestFindingCap: a rule making more findings than maxFindingsPerRule
// keeps the first ones and says how many it left out.
func TestFindingCap(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- {id: t.each, title: "{n}", explanation: x, remedy: x, match: {in: ["files/**/a.log"], pattern: 'item (?P<n>\d+)', group_by: [n]}}`)
	var b strings.Builder
	for i := 0; i < maxFindingsPerRule+7; i++ {
		fmt.Fprintf(&b, "2024-03-01 10:00:00 item %d\n", i)
	}
	rep := runWith(t, p, []string{bundleOf(t, "", map[string]string{"files/a.log": b.String()}, nil)}, Options{})
	if len(rep.Findings) != maxFindingsPerRule {
		t.Errorf("%d findings, want %d", len(rep.Findings), maxFindingsPerRule)
	}
	if r := rep.Coverage[0].Reason; !strings.Contains(r, "7 more findings left out") {
		t.Errorf("coverage reason %q", r)
	}
}

// TestContextSkipsEvidence: a line quoted as evidence (matched or cited)
// is not quoted again as context.
func TestContextSkipsEvidence(t *testing.T) {
	p := testProfile(t, logsYMD+`facts:
- {name: hints, in: ["files/**/info.log"], pattern: 'hint', pick: all}
rules:
- id: t.down
  title: x
  explanation: x
  remedy: x
  match: {in: ["files/**/ha.log"], pattern: 'FAILED'}
  cite: ['filter(hints, true)']
  context: {in: ["files/**/info.log"], before: 5m}`)
	path := bundleOf(t, "", map[string]string{
		"files/ha.log":   "2024-03-01 10:05:00 FAILED\n",
		"files/info.log": "2024-03-01 10:02:00 hint one\n2024-03-01 10:03:00 other\n",
	}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	f := rep.Findings[0]
	var ev, ctx []string
	for _, e := range f.Evidence {
		ev = append(ev, e.Role+": "+e.Text)
	}
	for _, e := range f.Context {
		ctx = append(ctx, e.Text)
	}
	if diff := cmp.Diff([]string{"match: 2024-03-01 10:05:00 FAILED", "fact: 2024-03-01 10:02:00 hint one"}, ev); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"2024-03-01 10:03:00 other"}, ctx); diff != "" {
		t.Errorf("context (-want +got):\n%s", diff)
	}
}

// TestMaxFindings keeps the groups with the most lines.
func TestMaxFindings(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- {id: t.ex, title: "{n}", explanation: x, remedy: x, max_findings: 2, match: {in: ["files/**/a.log"], pattern: 'ex (?P<n>\w+)', group_by: [n]}}`)
	log := "2024-03-01 10:00:00 ex a\n2024-03-01 10:00:01 ex b\n2024-03-01 10:00:02 ex b\n2024-03-01 10:00:03 ex c\n2024-03-01 10:00:04 ex c\n2024-03-01 10:00:05 ex c\n"
	rep := runWith(t, p, []string{bundleOf(t, "", map[string]string{"files/a.log": log}, nil)}, Options{})
	if diff := cmp.Diff([]string{"t.ex info [b] x2: b", "t.ex info [c] x3: c"}, summary(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if r := rep.Coverage[0].Reason; !strings.Contains(r, "1 more findings left out") {
		t.Errorf("coverage reason %q", r)
	}
}

// TestFailedItemsKinds: a rule's coverage names the manifest item behind a
// missing input whatever the item's kind, builtins included.
func TestFailedItemsKinds(t *testing.T) {
	for _, kind := range []string{bundle.KindCommand, bundle.KindList, bundle.KindBuiltin} {
		mf := &bundle.Manifest{Items: []bundle.Item{{ID: "host.sockets", Kind: kind, ErrorKind: bundle.ErrTimeout, Error: "killed after 30s"}}}
		got := failedItems(slices.Values(mf.Items), []string{"commands/host.sockets.out"})
		if len(got) != 1 || !strings.Contains(got[0], "host.sockets: timeout") {
			t.Errorf("kind %s: failedItems = %q, want the timed-out item named", kind, got)
		}
	}
}
