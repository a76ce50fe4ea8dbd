package profiles_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"casefile/analyze"
	"casefile/profiles/profiletest"
)

// TestBaselineVersionAndConfig: a known-good endpoint proxy and the same
// host where only the interim fix and one config value changed. The
// comparison shows exactly those: the facts that derive from them, the
// config line, the finding the lower level brings; no message changed.
func TestBaselineVersionAndConfig(t *testing.T) {
	root := profiletest.RepoRoot(t)
	src := filepath.Join(root, "testdata", "hosts", "tfst", "epp-healthy")
	// One host, collected before and after the change (its root, which
	// collect's host facts and the install-dir listing show, is the same).
	bad := filepath.Join(t.TempDir(), "host")
	profiletest.CopyTree(t, src, bad)
	goodBundle := profiletest.Collect(t, "tfst", bad, nil)
	edit := func(rel, old, new string) {
		p := filepath.Join(bad, rel)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			t.Fatalf("%s has no %q", rel, old)
		}
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o755); err != nil {
			t.Fatal(err)
		}
		// The same time as before: only the version and the value change
		// (the install-dir listing shows the files' times).
		if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	edit("opt/tivoli/EPProxy/epproxy", "1.3.1-TFS-0011", "1.3.1-TFS-0009")
	edit("opt/tivoli/EPProxy/epp.cfg", "debug-level=8", "debug-level=3")

	ctx := context.Background()
	_, gs, err := analyze.RunSnapshot(ctx, []string{goodBundle}, analyze.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Through a saved baseline file, as --save-baseline writes it.
	saved := filepath.Join(t.TempDir(), "good.baseline")
	data, _ := json.Marshal(gs)
	if err := os.WriteFile(saved, data, 0o644); err != nil {
		t.Fatal(err)
	}
	gs, ok, err := analyze.LoadSnapshot(saved)
	if err != nil || !ok {
		t.Fatalf("LoadSnapshot: %v %v", ok, err)
	}
	_, bs, err := analyze.RunSnapshot(ctx, []string{profiletest.Collect(t, "tfst", bad, nil)}, analyze.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := analyze.Compare(gs, bs)

	facts := map[string]string{}
	for _, f := range c.FactsChanged {
		facts[f.Fact] = f.Good + " -> " + f.Bad
	}
	want := map[string]string{
		"fix_level":       "1.3.1-TFS-0011 -> 1.3.1-TFS-0009",
		"level":           "1.3.1-TFS-0011 -> 1.3.1-TFS-0009",
		"epp_debug_level": "8 -> 3",
		"min_debug_level": "8 -> 3",
	}
	if d := cmp.Diff(want, facts); d != "" {
		t.Errorf("facts changed (-want +got):\n%s", d)
	}
	// The config line, and the version command's output (a few lines
	// changed: diffed like a file); no other command's output differs.
	diffs := map[string]string{}
	for _, d := range c.ConfigDiffs {
		diffs[d.File] = d.Diff
	}
	if len(diffs) != 2 || !strings.Contains(diffs["files/opt/tivoli/EPProxy/epp.cfg"], "\n-debug-level=8\n+debug-level=3\n") ||
		!strings.Contains(diffs["commands/epproxy-version.out"], "-") || !strings.Contains(diffs["commands/epproxy-version.out"], "+") ||
		!strings.Contains(diffs["commands/epproxy-version.out"], "TFS-0009") {
		t.Errorf("config diffs: %+v", c.ConfigDiffs)
	}
	if len(c.CommandsDiffer) != 0 {
		t.Errorf("commands differ: %v", c.CommandsDiffer)
	}
	for _, f := range c.FactsChanged {
		if f.Host == "" {
			t.Errorf("fact %s compared without its host", f.Fact)
		}
	}
	if len(c.TemplatesNew)+len(c.TemplatesGone)+len(c.TemplatesRate) != 0 {
		t.Errorf("messages changed, though the logs did not: %+v %+v %+v", c.TemplatesNew, c.TemplatesGone, c.TemplatesRate)
	}
	if len(c.FindingsGone) != 0 || len(c.FindingsNew) != 1 || !strings.HasPrefix(c.FindingsNew[0], "tfst.log-level-low") {
		t.Errorf("findings new %v, gone %v; want only tfst.log-level-low new", c.FindingsNew, c.FindingsGone)
	}
}

// TestBaselineMessages: a log that gains a new message and repeats one
// tenfold shows both; one it no longer writes is gone.
func TestBaselineMessages(t *testing.T) {
	g := &analyze.Snapshot{Format: analyze.BaselineFormat, Templates: []analyze.SnapTemplate{
		{Log: "epp.log", ID: "T1", Template: "session <*> opened", Count: 10, Hours: 10},
		{Log: "epp.log", ID: "T2", Template: "keepalive sent", Count: 5, Hours: 10},
	}}
	b := &analyze.Snapshot{Format: analyze.BaselineFormat, Templates: []analyze.SnapTemplate{
		{Log: "epp.log", ID: "T1", Template: "session <*> opened", Count: 100, Hours: 10},
		{Log: "epp.log", ID: "T3", Template: "write failed: No space left on device", Count: 6, Hours: 10},
		{Log: "other.log", ID: "T4", Template: "a log the good state did not have", Count: 1, Hours: 1},
	}}
	c := analyze.Compare(g, b)
	if len(c.TemplatesNew) != 1 || c.TemplatesNew[0].ID != "T3" {
		t.Errorf("new: %+v", c.TemplatesNew)
	}
	if len(c.TemplatesGone) != 1 || c.TemplatesGone[0].ID != "T2" {
		t.Errorf("gone: %+v", c.TemplatesGone)
	}
	if len(c.TemplatesRate) != 1 || c.TemplatesRate[0].ID != "T1" || c.TemplatesRate[0].GoodRate != 1 || c.TemplatesRate[0].BadRate != 10 {
		t.Errorf("rate: %+v", c.TemplatesRate)
	}
}
