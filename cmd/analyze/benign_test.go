package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestOwnBenignList: a help desk's own known-benign list, x.benign beside
// its profile file x.yaml, explains the lines of its templates: they are
// not listed as unexplained and count as explained in the log's share; a
// line marked '!' (reviewed, not benign) explains nothing (issue 17).
func TestOwnBenignList(t *testing.T) {
	dir := t.TempDir()
	prof := filepath.Join(dir, "local.yaml")
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(prof, "name: local\ndescription: d\nanalyze:\n  logs:\n    - files: [\"files/**/*.log\"]\n      time: auto\n")
	write(filepath.Join(dir, "local.benign"), "# ours\nINFO [db] connected to <*> in <*> ms\n!ERROR [spool] write of <*> failed: No space left on device\n")
	// exit 3: the profile has no rule, so nothing was checked
	r := real(t, "--profile", prof, "--format", "json", writeSample(t))
	if r.code != 3 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep struct {
		Unexplained []struct{ Template string }
		Logs        []struct{ Lines, Explained int }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Unexplained) != 1 || rep.Unexplained[0].Template != "ERROR [spool] write of <*> failed: No space left on device" {
		t.Errorf("unexplained %+v, want only the spool error", rep.Unexplained)
	}
	if len(rep.Logs) != 1 || rep.Logs[0].Lines != 5 || rep.Logs[0].Explained != 3 {
		t.Errorf("logs %+v, want 3 of 5 lines explained", rep.Logs)
	}
}
