package analyze

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"casefile/analyze/report"
)

// Tests of profile language 2 (docs/profiles.md "Texts" and "Typed
// sources"): text helpers, the rule's thresholds in texts, shared vars,
// notes, typed fact sources with file:line, the address and time
// functions, and the fixes (a failing cite keeps its finding).

// TestTextHelpers: the count phrase, plural, list joining, sizes,
// numbers, durations and thresholds quoted from the rule's own fields.
func TestTextHelpers(t *testing.T) {
	p := testProfile(t, logsYMD+`vars:
  who: 'and_list(uniq(map(records, .n)))'
rules:
- id: t.h
  title: "{plural(hits, 'failure')} of {who} {occurrences}"
  explanation: "at least {min} within {within}; {count_phrase(1, first_seen, nil)}; {bytes(73400320)}, {bytes(1536)}, {number(48213)}, {elapsed(5400)}, {clock(first_seen)}, {default(nothing, 'none')}, {or_list(names)}"
  remedy: "{plural(1, 'entry', 'entries')} {plural(2, 'entry', 'entries')}"
  vars:
    nothing: 'nil'
    names: '["x", "y"]'
  match: {in: ["files/**/a.log"], pattern: 'fail (?P<n>\w+)', min: 2, within: 5m}
- id: t.once
  title: "{who}: {occurrences}"
  explanation: x
  remedy: x
  match: {in: ["files/**/b.log"], pattern: 'fail (?P<n>\w+)'}`)
	path := bundleOf(t, "", map[string]string{
		"files/a.log": "2024-03-01 10:00:00 fail a\n2024-03-01 10:00:01 fail b\n2024-03-01 10:02:00 fail c\n",
		"files/b.log": "2024-03-01 11:00:00 fail z\n",
	}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	want := []string{
		"t.h info x3: 3 failures of a, b and c 3 times between 2024-03-01 10:00:00Z and 2024-03-01 10:02:00Z",
		"t.once info x1: z: once, at 2024-03-01 11:00:00Z",
	}
	if diff := cmp.Diff(want, summary(rep)); diff != "" {
		t.Fatalf("findings (-want +got):\n%s", diff)
	}
	f := rep.Findings[0]
	if want := "at least 2 within 5m; once, at 2024-03-01 10:00:00Z; 70 MiB, 1.5 KiB, 48,213, 1h30m, 10:00:00, none, x or y"; f.Explanation != want {
		t.Errorf("explanation\n got %q\nwant %q", f.Explanation, want)
	}
	if f.Remedy != "1 entry 2 entries" {
		t.Errorf("remedy %q", f.Remedy)
	}
}

// TestNotesAndSharedVars: branching lives in notes with their own when
// and in vars; a shared var is declared once and used by two rules of
// different kinds, each in its own scope.
func TestNotesAndSharedVars(t *testing.T) {
	p := testProfile(t, logsYMD+`vars:
  many: 'hits >= 2'
rules:
- id: t.a
  title: "{hits} in a"
  explanation: Base.
  remedy: Fix.
  match: {in: ["files/**/a.log"], pattern: 'x'}
  notes:
  - {when: many, explanation: "More than once.", remedy: "Look twice."}
  - {when: '!many', explanation: "Only once."}
- id: t.b
  title: "{hits} in b"
  explanation: Base.
  remedy: Fix.
  match: {in: ["files/**/b.log"], pattern: 'x'}
  notes:
  - {when: many, explanation: "More than once."}
  - {when: '!many', explanation: "Only once."}`)
	path := bundleOf(t, "", map[string]string{
		"files/a.log": "2024-03-01 10:00:00 x\n2024-03-01 10:00:01 x\n",
		"files/b.log": "2024-03-01 10:00:00 x\n",
	}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.ID+": "+f.Explanation+" / "+f.Remedy)
	}
	want := []string{"t.a: Base.\n\nMore than once. / Fix.\n\nLook twice.", "t.b: Base.\n\nOnly once. / Fix."}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestTypedSources: ini (sections, last and first wins, map), keyvalue,
// columns (a header's names; named columns with a row filter), json,
// yaml and xml (paths), each value cited with its own file:line.
func TestTypedSources(t *testing.T) {
	p := testProfile(t, `facts:
- {name: conf, in: ["files/**/app.ini"], format: ini, pick: map}
- {name: port, in: ["files/**/app.ini"], format: ini, key: http.port}
- {name: first_port, in: ["files/**/app.ini"], format: ini, key: port, pick: first}
- {name: limits, in: ["files/**/limits.conf"], format: keyvalue, separator: ":", pick: map}
- {name: procs, in: ["commands/ps.out"], format: columns, pick: all}
- {name: listen, in: ["commands/netstat.out"], format: columns, columns: [proto, recvq, sendq, local, remote, state, program], rows: '^tcp', pick: all}
- {name: dbhost, in: ["files/**/app.json"], format: json, path: db.host}
- {name: replicas, in: ["files/**/app.json"], format: json, path: 'db.replicas.*', pick: distinct}
- {name: yport, in: ["files/**/app.yaml"], format: yaml, path: server.port, type: number}
- {name: xport, in: ["files/**/app.xml"], format: xml, path: config/server/@port}
- {name: xname, in: ["files/**/app.xml"], format: xml, path: config/server/name}
rules:
- id: t.c
  title: "{conf['http.port']} {port} {first_port} {limits.nofile} {procs[1].cmd} {procs[1].pid} {listen[0].local} {len(listen)} {dbhost} {join(replicas, '+')} {yport + 1} {xport} {xname}"
  explanation: x
  remedy: x
  check: {}
  when: 'true'
  cite: [port, dbhost, xport, yport]`)
	path := bundleOf(t, "", map[string]string{
		"files/etc/app.ini":     "; comment\nport = 1\n[HTTP]\nport = 8080\n[smtp]\nport=25\n[http]\nport = \"8081\"\n",
		"files/etc/limits.conf": "# limits\nnofile: 4096\nnproc : 100\n",
		"commands/ps.out":       "  PID USER     CMD\n    1 root     /sbin/init splash\n  812 www-data /usr/sbin/nginx -g daemon off;\n",
		"commands/netstat.out":  "Active Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address Foreign Address State PID/Program name\ntcp 0 0 0.0.0.0:22 0.0.0.0:* LISTEN 1/sshd\nudp 0 0 0.0.0.0:68 0.0.0.0:* 2/dhclient\n",
		"files/etc/app.json":    "{\n  \"db\": {\n    \"host\": \"db1\",\n    \"replicas\": [\"r1\",\n      \"r2\"]\n  }\n}\n",
		"files/etc/app.yaml":    "server:\n  # the port\n  port: 9090\n",
		"files/etc/app.xml":     "<config>\n  <server port=\"7070\">\n    <name>gw</name>\n  </server>\n</config>\n",
	}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	if len(rep.Findings) != 1 {
		t.Fatalf("findings %v; coverage %+v", summary(rep), rep.Coverage)
	}
	f := rep.Findings[0]
	if want := "8081 8081 1 4096 /usr/sbin/nginx -g daemon off; 812 0.0.0.0:22 1 db1 r1+r2 9091 7070 gw"; f.Title != want {
		t.Errorf("title\n got %q\nwant %q", f.Title, want)
	}
	var ev []string
	for _, e := range f.Evidence {
		ev = append(ev, e.File+":"+itoa(e.Line)+": "+e.Text)
	}
	want := []string{
		"files/etc/app.ini:8: port = \"8081\"",
		"files/etc/app.json:3:     \"host\": \"db1\",",
		"files/etc/app.xml:2:   <server port=\"7070\">",
		"files/etc/app.yaml:3:   port: 9090",
	}
	if diff := cmp.Diff(want, ev); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
}

// TestTypedSourceError: a document that does not parse is the fact's
// error (coverage error naming member and line), not a silent nil.
func TestTypedSourceError(t *testing.T) {
	p := testProfile(t, `facts:
- {name: j, in: ["files/**/app.json"], format: json, path: a}
rules:
- id: t.j
  title: "{j}"
  explanation: x
  remedy: x
  check: {}
  when: 'j != nil'`)
	path := bundleOf(t, "", map[string]string{"files/app.json": "{\n  \"a\": [1,\n}\n"}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	if len(rep.Findings) != 0 {
		t.Errorf("findings %v", summary(rep))
	}
	c := rep.Coverage[0]
	if c.Status != report.CoverageError || !strings.Contains(c.Reason, "files/app.json") || !strings.Contains(c.Reason, ": line ") {
		t.Errorf("coverage %s: %q", c.Status, c.Reason)
	}
}

// TestAddressAndTimeFunctions: ip, cidr_contains, same_subnet, parse_time.
func TestAddressAndTimeFunctions(t *testing.T) {
	p := testProfile(t, `rules:
- id: t.f
  title: "{a} {b} {c} {d} {e} {f} {g} {h}"
  explanation: x
  remedy: x
  check: {}
  when: 'true'
  vars:
    a: 'ip("::ffff:10.1.2.3")'
    b: 'ip("[fe80::1]:22")'
    c: 'cidr_contains("10.1.0.0/16", "10.1.200.9:443")'
    d: 'cidr_contains("10.1.0.0/16", "10.2.0.1")'
    e: 'same_subnet("192.168.1.7", "192.168.1.200", "255.255.255.0")'
    f: 'same_subnet("192.168.1.7", "192.168.2.7", 24)'
    g: 'fmt_time(parse_time("Fri Mar  1 10:41:07 2024", "ctime"))'
    h: 'parse_time("garbage", "ctime") == nil && ip("x") == nil'`)
	path := bundleOf(t, "", map[string]string{"files/x": "x\n"}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	want := []string{"t.f info x0: 10.1.2.3 fe80::1 true false true false 2024-03-01 10:41:07Z true"}
	if diff := cmp.Diff(want, summary(rep)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestCiteFailureKeepsFinding: a cite that fails at run time loses its
// evidence and says so in coverage; the finding stays.
func TestCiteFailureKeepsFinding(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.c
  title: "{hits} x"
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'x'}
  cite: ['int("not a number")']`)
	path := bundleOf(t, "", map[string]string{"files/a.log": "2024-03-01 10:00:00 x\n"}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	if diff := cmp.Diff([]string{"t.c info x1: 1 x"}, summary(rep)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if c := rep.Coverage[0]; c.Status != report.CoverageError || !strings.Contains(c.Reason, "cite") {
		t.Errorf("coverage %s: %q", c.Status, c.Reason)
	}
}

// TestMaxFindingsScopeAll: a scope all rule's max_findings says in
// coverage what it left out.
func TestMaxFindingsScopeAll(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.m
  title: "{n}"
  explanation: x
  remedy: x
  scope: all
  max_findings: 1
  match: {in: ["files/**/a.log"], pattern: 'x (?P<n>\w+)', group_by: [n]}`)
	a := bundleOf(t, "a", map[string]string{"files/a.log": "2024-03-01 10:00:00 x 1\n2024-03-01 10:00:01 x 2\n"}, nil)
	b := bundleOf(t, "b", map[string]string{"files/a.log": "2024-03-01 10:00:00 x 3\n"}, nil)
	rep := runWith(t, p, []string{a, b}, Options{})
	if len(rep.Findings) != 1 {
		t.Fatalf("findings %v", summary(rep))
	}
	for _, c := range rep.Coverage {
		if !strings.Contains(c.Reason, "2 more findings left out (max_findings)") {
			t.Errorf("coverage of %s: %q", c.Bundle, c.Reason)
		}
	}
}

// TestGroupByKeysDoNotCollide: two groups whose values joined with a
// space read the same are still two findings.
func TestGroupByKeysDoNotCollide(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.g
  title: "{a}|{b}"
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'a=(?P<a>[^,]*), b=(?P<b>.*)$', group_by: [a, b]}`)
	path := bundleOf(t, "", map[string]string{"files/a.log": "2024-03-01 10:00:00 a=x y, b=z\n2024-03-01 10:00:01 a=x, b=y z\n"}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	want := []string{"t.g info [x y z] x1: x y|z", "t.g info [x y z] x1: x|y z"}
	if diff := cmp.Diff(want, summary(rep)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
