package analyze

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
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

// TestCompareFactsPerHost: facts are compared host by host. Host a moved
// to the version host b already had: across all inputs the values are
// the same set, host by host a changed. A host GOOD lacks is compared
// with all of GOOD; a baseline without hosts compares all inputs.
func TestCompareFactsPerHost(t *testing.T) {
	hf := func(kv ...string) map[string][]string {
		m := map[string][]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = append(m[kv[i]], kv[i+1])
		}
		return m
	}
	good := &Snapshot{Format: BaselineFormat,
		Facts:     hf("version", "1.0", "version", "2.0", "limit", "1024"),
		HostFacts: map[string]map[string][]string{"a": hf("version", "1.0", "limit", "1024"), "b": hf("version", "2.0", "limit", "1024")}}
	for _, c := range []struct {
		name string
		bad  *Snapshot
		want []report.FactChange
	}{
		{"same hosts", &Snapshot{Facts: hf("version", "2.0", "limit", "1024"),
			HostFacts: map[string]map[string][]string{"a": hf("version", "2.0", "limit", "1024"), "b": hf("version", "2.0", "limit", "1024")}},
			[]report.FactChange{{Fact: "version", Host: "a", Good: "1.0", Bad: "2.0"}}},
		{"a new host", &Snapshot{Facts: hf("version", "3.0", "limit", "1024"),
			HostFacts: map[string]map[string][]string{"c": hf("version", "3.0", "limit", "1024")}},
			[]report.FactChange{{Fact: "version", Host: "c", Good: "1.0 | 2.0", Bad: "3.0"}}},
		{"no hosts (an older baseline file)", &Snapshot{Facts: hf("version", "2.0", "limit", "512")},
			[]report.FactChange{{Fact: "limit", Good: "1024", Bad: "512"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if d := cmp.Diff(c.want, Compare(good, c.bad).FactsChanged); d != "" {
				t.Errorf("facts changed (-want +got):\n%s", d)
			}
		})
	}
}

// TestCompareCommands: a command's output with a few lines changed (a
// version) is diffed like a file; one with many lines changed (a process
// table) is listed; the same output, or one only one side has, is not.
func TestCompareCommands(t *testing.T) {
	var ps1, ps2 strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&ps1, "%d worker\n", 100+i)
		fmt.Fprintf(&ps2, "%d worker\n", 900+i)
	}
	good := &Snapshot{Commands: map[string]string{
		"commands/version.out": "product 1.3.1\nfix 0011\n",
		"commands/ps.out":      ps1.String(),
		"commands/uname.out":   "Linux 6.1\n",
		"commands/gone.out":    "x\n",
	}}
	bad := &Snapshot{Commands: map[string]string{
		"commands/version.out": "product 1.3.1\nfix 0009\n",
		"commands/ps.out":      ps2.String(),
		"commands/uname.out":   "Linux 6.1\n",
		"commands/new.out":     "y\n",
	}}
	c := Compare(good, bad)
	want := []report.ConfigDiff{{File: "commands/version.out",
		Diff: "--- good/commands/version.out\n+++ bad/commands/version.out\n@@ -1,2 +1,2 @@\n product 1.3.1\n-fix 0011\n+fix 0009\n"}}
	if d := cmp.Diff(want, c.ConfigDiffs); d != "" {
		t.Errorf("diffs (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"commands/ps.out (80 lines changed)"}, c.CommandsDiffer); d != "" {
		t.Errorf("commands listed (-want +got):\n%s", d)
	}
}

// TestBaselineRotation: a message new in a log and in its rotations
// (epp.log, epp.log.1, epp.log.2.gz) is one new template with the lines
// of all of them.
func TestBaselineRotation(t *testing.T) {
	prof, err := profiles.Builtin("tfst")
	if err != nil {
		t.Fatal(err)
	}
	logOf := func(day int, failures int) string {
		var sb strings.Builder
		start := time.Date(2016, 3, day, 2, 0, 0, 0, time.UTC)
		for i := 0; i < 20; i++ {
			sb.WriteString(start.Add(time.Duration(i)*time.Minute).Format("06/01/02 15:04:05") + " 1 1779 multiplexer: session 4 opened\n")
		}
		for i := 0; i < failures; i++ {
			sb.WriteString(start.Add(time.Duration(30+i)*time.Minute).Format("06/01/02 15:04:05") + " 1 1779 logWriter: trace buffer write failed: No space left on device\n")
		}
		return sb.String()
	}
	snap := func(failures int) *Snapshot {
		t.Helper()
		d := "files/opt/tivoli/EPProxy/"
		files := map[string]string{d + "epp.log": logOf(12, failures), d + "epp.log.1": logOf(11, failures), d + "epp.log.2.gz": gzipped(t, logOf(10, failures))}
		dir := inputtest.Build(t, inputtest.Spec{Files: files}).WriteDir(t, t.TempDir())
		_, s, err := RunSnapshot(context.Background(), []string{dir}, Options{Profile: prof, Clock: func() time.Time { return inputtest.Time }})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	c := Compare(snap(0), snap(2))
	if len(c.TemplatesNew) != 1 || c.TemplatesNew[0].BadCount != 6 || c.TemplatesNew[0].File != "files/opt/tivoli/EPProxy/epp.log" ||
		!strings.Contains(c.TemplatesNew[0].Template, "No space left on device") {
		t.Errorf("new messages: %+v; want one, No space left on device, 6 lines in files/opt/tivoli/EPProxy/epp.log", c.TemplatesNew)
	}
}

func gzipped(t *testing.T, s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestBaselineFindingKeys: findings are told apart by their key's parts,
// not by the key shown: a="x y", b="z" in the good state and a="x",
// b="y z" now both show "t.g x y z", yet one is gone and one is new (the
// parts quoted, as they read the same). An older baseline file, without
// key parts, still compares by the text shown.
func TestBaselineFindingKeys(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.g
  title: "{a}|{b}"
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'a=(?P<a>[^,]*), b=(?P<b>.*)$', group_by: [a, b]}
- id: t.one
  title: x
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'c=(?P<c>.*)$', group_by: [c]}`)
	snap := func(log string) *Snapshot {
		t.Helper()
		path := bundleOf(t, "", map[string]string{"files/a.log": log}, nil)
		_, s, err := RunSnapshot(context.Background(), []string{path}, Options{Profile: p, Clock: func() time.Time { return inputtest.Time }})
		if err != nil {
			t.Fatal(err)
		}
		// Through the file --save-baseline writes.
		data, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Snapshot
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		return &back
	}
	good := snap("2024-03-01 10:00:00 a=x y, b=z\n2024-03-01 10:00:01 c=p q\n")
	bad := snap("2024-03-01 10:00:00 a=x, b=y z\n2024-03-01 10:00:01 c=p q\n")
	c := Compare(good, bad)
	if d := cmp.Diff([]string{`t.g "x" "y z"`}, c.FindingsNew); d != "" {
		t.Errorf("findings new (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{`t.g "x y" "z"`}, c.FindingsGone); d != "" {
		t.Errorf("findings gone (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"t.g x y z", "t.one p q"}, bad.Findings); d != "" {
		t.Errorf("findings shown (-want +got):\n%s", d)
	}
	good.FindingKeys = nil // an older baseline file
	if c := Compare(good, bad); len(c.FindingsNew)+len(c.FindingsGone) != 0 {
		t.Errorf("older baseline: new %q, gone %q; want none (compared as shown)", c.FindingsNew, c.FindingsGone)
	}
}

// TestBaselineLogFolders: two logs of the same name in different folders
// are two logs. The messages moved from one to the other: each folder's
// log has one new and one gone; an older baseline file (templates without
// folders) compares by name alone and sees no change.
func TestBaselineLogFolders(t *testing.T) {
	p := quietProfile(t)
	lines := func(text string) string {
		var sb strings.Builder
		for i := 0; i < 5; i++ {
			fmt.Fprintf(&sb, "2024-03-01 10:00:0%d %s\n", i, text)
		}
		return sb.String()
	}
	snap := func(x, y string) *Snapshot {
		t.Helper()
		path := bundleOf(t, "", map[string]string{"files/x/a.log": lines(x), "files/y/a.log": lines(y)}, nil)
		return snapshotOf(t, p, path)
	}
	good := snap("session opened by the operator", "disk quota checked and fine")
	bad := snap("disk quota checked and fine", "session opened by the operator")
	files := func(cs []report.TemplateChange) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.File+": "+c.Template)
		}
		sort.Strings(out)
		return out
	}
	c := Compare(good, bad)
	if d := cmp.Diff([]string{"files/x/a.log: disk quota checked and fine", "files/y/a.log: session opened by the operator"}, files(c.TemplatesNew)); d != "" {
		t.Errorf("messages new (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"files/x/a.log: session opened by the operator", "files/y/a.log: disk quota checked and fine"}, files(c.TemplatesGone)); d != "" {
		t.Errorf("messages gone (-want +got):\n%s", d)
	}
	for i := range good.Templates {
		good.Templates[i].Dir = "" // an older baseline file
	}
	if c := Compare(good, bad); len(c.TemplatesNew)+len(c.TemplatesGone) != 0 {
		t.Errorf("older baseline: new %+v, gone %+v; want none", c.TemplatesNew, c.TemplatesGone)
	}
}

// TestBaselineConfigsPerHost: with two hosts on each side, each host's
// config file and command output is compared with the same host's (not
// the first host's copy for all); the diff names its host. An older
// baseline file (one copy per path) is compared with every host's.
func TestBaselineConfigsPerHost(t *testing.T) {
	p := quietProfile(t)
	snap := func(cfgA, cfgB string) *Snapshot {
		t.Helper()
		var paths []string
		for _, h := range []struct{ name, cfg string }{{"gw-a", cfgA}, {"gw-b", cfgB}} {
			files := map[string]string{"files/etc/app.cfg": h.cfg, "commands/version.out": "app " + h.cfg}
			paths = append(paths, bundleOf(t, "", files, func(m *bundle.Manifest) { m.Host.Hostname = h.name }))
		}
		return snapshotOf(t, p, paths...)
	}
	good := snap("limit=1\n", "limit=2\n")
	bad := snap("limit=1\n", "limit=3\n")
	if n := good.ConfigCount(); n != 2 {
		t.Errorf("ConfigCount = %d, want 2 (app.cfg of each host)", n)
	}
	want := []report.ConfigDiff{
		{File: "files/etc/app.cfg", Host: "gw-b", Diff: "--- good/files/etc/app.cfg\n+++ bad/files/etc/app.cfg\n@@ -1,1 +1,1 @@\n-limit=2\n+limit=3\n"},
		{File: "commands/version.out", Host: "gw-b", Diff: "--- good/commands/version.out\n+++ bad/commands/version.out\n@@ -1,1 +1,1 @@\n-app limit=2\n+app limit=3\n"},
	}
	if d := cmp.Diff(want, Compare(good, bad).ConfigDiffs); d != "" {
		t.Errorf("diffs (-want +got):\n%s", d)
	}
	// An older baseline file kept host gw-a's copy only: gw-b's text
	// differs from it, gw-a's does not.
	old := &Snapshot{Format: BaselineFormat, HostFacts: good.HostFacts,
		Configs: good.HostConfigs["gw-a"], Commands: good.HostCommands["gw-a"]}
	got := Compare(old, bad).ConfigDiffs
	if len(got) != 2 || got[0].Host != "gw-b" || got[1].Host != "gw-b" || !strings.Contains(got[0].Diff, "-limit=1\n+limit=3\n") {
		t.Errorf("older baseline: diffs %+v; want gw-b's two, against gw-a's copy", got)
	}
}

// TestBaselineStdin: a baseline reads its inputs twice (the analysis,
// then the config texts); standard input (analyze --save-baseline F -)
// is read once and gives both passes the same bundle.
func TestBaselineStdin(t *testing.T) {
	p := quietProfile(t)
	path := bundleOf(t, "", map[string]string{"files/etc/app.cfg": "limit=1\n", "files/a.log": "2024-03-01 10:00:00 started\n"},
		func(m *bundle.Manifest) { m.Host.Hostname = "gw-a" })
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Profile: p, Clock: func() time.Time { return inputtest.Time }}
	_, want, err := RunSnapshot(context.Background(), []string{path}, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Stdin = bytes.NewReader(data)
	_, got, err := RunSnapshot(context.Background(), []string{input.StdinPath}, opts)
	if err != nil {
		t.Fatalf("from standard input: %v", err)
	}
	if d := cmp.Diff(map[string]map[string]string{"gw-a": {"files/etc/app.cfg": "limit=1\n"}}, got.HostConfigs); d != "" {
		t.Errorf("config texts from standard input (-want +got):\n%s", d)
	}
	if d := cmp.Diff(want.Templates, got.Templates); d != "" || len(got.Templates) == 0 {
		t.Errorf("templates from standard input (-file +stdin):\n%s", d)
	}
}

// TestInputOptions: every reading of the inputs gets standard input and
// the --max-expanded bound (a baseline's second pass had neither).
func TestInputOptions(t *testing.T) {
	stdin := strings.NewReader("x")
	in := Options{Stdin: stdin, MaxExpanded: 1 << 40, Profile: &profiles.Profile{}}.inputOptions()
	if in.Stdin != stdin || in.MaxTotalBytes != 1<<40 || in.MaxTotalRatio != -1 || !in.Raw {
		t.Errorf("inputOptions = %+v", in)
	}
	if in := (Options{}).inputOptions(); in.MaxTotalBytes != 0 || in.MaxTotalRatio != 0 || in.Raw {
		t.Errorf("inputOptions without flags = %+v; want the input package's defaults", in)
	}
}

// quietProfile reads files/**/*.log (YY-MM-DD times) and finds nothing:
// for tests of what a baseline keeps besides findings.
func quietProfile(t *testing.T) *profiles.Profile {
	return testProfile(t, logsYMD+`rules:
- id: t.none
  title: x
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'never matches'}`)
}

// snapshotOf is RunSnapshot of paths with profile p at the test clock.
func snapshotOf(t *testing.T, p *profiles.Profile, paths ...string) *Snapshot {
	t.Helper()
	_, s, err := RunSnapshot(context.Background(), paths, Options{Profile: p, Clock: func() time.Time { return inputtest.Time }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestFindingKeyParts: a finding's key parts are the values its key
// joins: a burst's group value and its start, a group_by's values.
func TestFindingKeyParts(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.burst
  title: x
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'fail to (?P<peer>.*)$', group_by: [peer], within: 1m, split_gap: 10m}
- id: t.pair
  title: x
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'a=(?P<a>[^,]*), b=(?P<b>.*)$', group_by: [a, b]}`)
	path := bundleOf(t, "", map[string]string{"files/a.log": "2024-03-01 10:00:00 fail to x y\n2024-03-01 10:00:01 fail to x y\n" +
		"2024-03-01 10:00:02 a=x y, b=z\n"}, nil)
	var got []string
	for _, f := range runWith(t, p, []string{path}, Options{}).Findings {
		got = append(got, fmt.Sprintf("%s %q %q", f.ID, f.Key, f.KeyParts))
	}
	want := []string{`t.burst "x y @2024-03-01T10:00:00Z" ["x y" "@2024-03-01T10:00:00Z"]`, `t.pair "x y z" ["x y" "z"]`}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("keys (-want +got):\n%s", d)
	}
}
