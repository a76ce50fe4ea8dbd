package collect

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"casefile/profiles"
)

// TestBuiltinProfilesOnFakeHosts dry-runs, then collects, every built-in
// profile on each of its fake hosts (testdata/hosts/<profile>/<host>):
// the plan names every item for this OS with its variables resolved, and
// the bundle satisfies the format's invariants.
func TestBuiltinProfilesOnFakeHosts(t *testing.T) {
	ran := 0
	for _, name := range profiles.Names() {
		p, err := profiles.Builtin(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		hosts, _ := filepath.Glob(repoPath("testdata", "hosts", name, "*"))
		for _, host := range hosts {
			if fi, err := os.Stat(host); err != nil || !fi.IsDir() {
				continue
			}
			ran++
			t.Run(name+"/"+filepath.Base(host), func(t *testing.T) {
				var plan bytes.Buffer
				opts := testOptions(t, p, host)
				opts.DryRun = true
				opts.Progress = &plan
				if _, err := Run(t.Context(), opts); err != nil {
					t.Fatalf("dry run: %v", err)
				}
				out := plan.String()
				for _, it := range p.Collect {
					if forOS(it.OS) && !strings.Contains(out, "  "+it.ID+" (") {
						t.Errorf("plan lacks item %s", it.ID)
					}
				}
				if strings.Contains(out, "{") && strings.Contains(out, "}") {
					for _, v := range p.Variables {
						if strings.Contains(out, "{"+v.Name+"}") {
							t.Errorf("plan has unresolved {%s}", v.Name)
						}
					}
				}
				entries, _ := os.ReadDir(opts.Output)
				if len(entries) != 0 {
					t.Errorf("dry run wrote files")
				}
				opts.DryRun = false
				opts.Progress = nil
				res := run(t, opts)
				m, _ := readBundle(t, res.Path)
				if m.Profile.Name != name || m.Profile.SHA256 != p.SHA256 || m.Profile.Source != "builtin" {
					t.Errorf("manifest profile %+v", m.Profile)
				}
			})
		}
	}
	if ran == 0 {
		t.Skip("no fake hosts under testdata/hosts yet")
	}
}
