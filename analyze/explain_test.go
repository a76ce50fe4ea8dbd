package analyze

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"casefile/profiles"
)

// TestExplain describes every rule of the self-test profile; the text is
// pinned in testdata/engine/explain.golden (-update rewrites it).
func TestExplain(t *testing.T) {
	root := repoRoot(t)
	p, err := profiles.LoadFile(filepath.Join(root, "testdata/engine/selftest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, r := range p.Analyze.Rules {
		s, err := Explain(p, r.ID)
		if err != nil {
			t.Fatalf("%s: %v", r.ID, err)
		}
		all.WriteString(s + "\n----\n")
	}
	golden := filepath.Join(root, "testdata/engine/explain.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(all.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), all.String()); diff != "" {
		t.Errorf("explanations differ from %s (-want +got):\n%s", golden, diff)
	}
	if _, err := Explain(p, "selftest.nope"); err == nil || !strings.Contains(err.Error(), "selftest.connect-failed") {
		t.Errorf("unknown id: %v (should list the ids there are)", err)
	}
	if _, err := Explain(nil, "nosuchprofile.rule"); err == nil {
		t.Error("unknown profile: no error")
	}
}
