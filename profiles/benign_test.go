package profiles_test

import (
	"context"
	"flag"
	"time"

	"casefile/analyze"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"casefile/analyze/report"
	"casefile/profiles"
	"casefile/profiles/profiletest"
)

var updateBenign = flag.Bool("update-benign", false, "rewrite profiles/*.benign from the healthy fake hosts (then review the diff)")

// healthyHosts are the fake hosts of the healthy golden cases: what they
// log is what the known-benign lists hold.
var healthyHosts = map[string][]string{
	"tfst":    {"tfst/epp-healthy", "tfst/gwp-healthy", "tfst/tmr-server"},
	"sms":     {"sms/sms-hq-1", "sms/sms-hq-2"},
	"ipsec":   {"ipsec/ipcop-ok", "ipsec/lsw5-ok"},
	"samhain": {"samhain/web-ok", "samhain/yule-ok", "samhain/real-healthy"},
	"fsigk":   {"fsigk/igk-healthy"},
}

const benignHeader = `# Known-benign message templates of the %s profile: lines of these are
# explained, never listed as unexplained. Generated from the healthy fake
# hosts by go test ./profiles -run TestBenignLists -update-benign, then
# reviewed; a line a reviewer removes stays removed only if the host stops
# logging it. One template a line, <*> for a variable part; a line that
# starts with ! was reviewed and is not benign: it stays unexplained.
`

// TestBenignLists: the known-benign list of each profile explains every
// template its healthy fake hosts log (so a healthy host reports nothing
// unexplained), and holds nothing else (no stale entries).
func TestBenignLists(t *testing.T) {
	root := profiletest.RepoRoot(t)
	for _, name := range profiles.Names() {
		hosts := healthyHosts[name]
		if len(hosts) == 0 {
			t.Errorf("%s: no healthy fake host to generate its known-benign list from", name)
			continue
		}
		var reps []*report.Report
		// Analyzed without the list too: every template the healthy hosts
		// log, what the list is generated from and checked against.
		seen := map[string]bool{}
		var tpls []string
		for _, h := range hosts {
			b := profiletest.Collect(t, name, filepath.Join(root, "testdata", "hosts", h), nil)
			reps = append(reps, profiletest.Analyze(t, "", nil, b))
			p := profiletest.Load(t, name)
			p.Benign = nil
			for _, u := range analyzeWith(t, p, b).Unexplained {
				if !seen[u.Template] {
					seen[u.Template] = true
					tpls = append(tpls, u.Template)
				}
			}
		}
		path := filepath.Join(root, "profiles", name+".benign")
		old, _ := os.ReadFile(path)
		notBenign := map[string]bool{}
		for _, x := range profiles.ReviewedNotBenign(old) {
			notBenign[x] = true
		}
		if *updateBenign {
			sort.Strings(tpls)
			var lines []string
			for _, x := range tpls {
				if notBenign[x] {
					x = "!" + x
				}
				lines = append(lines, x)
			}
			text := strings.Replace(benignHeader, "%s", name, 1) + strings.Join(lines, "\n") + "\n"
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		for i, rep := range reps {
			for _, u := range rep.Unexplained {
				if notBenign[u.Template] {
					continue
				}
				t.Errorf("%s: %s: %s (%s) is not in %s.benign (go test ./profiles -run TestBenignLists -update-benign, then review)", name, hosts[i], u.Template, u.ID, name)
			}
		}
		// stale entries: a template (benign or reviewed "!") that no
		// healthy host logs any more
		listed := profiles.ParseBenign(old)
		for x := range notBenign {
			listed = append(listed, x)
		}
		sort.Strings(listed)
		for _, x := range listed {
			if !seen[x] {
				t.Errorf("%s.benign: %q is stale: no healthy host of %v logs it (go test ./profiles -run TestBenignLists -update-benign, then review)", name, x, hosts)
			}
		}
	}
}

func analyzeWith(t *testing.T, p *profiles.Profile, paths ...string) *report.Report {
	t.Helper()
	rep, err := analyze.Run(context.Background(), paths, analyze.Options{Profile: p, Timezone: time.UTC, Clock: func() time.Time { return profiletest.Clock }})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
