package profiles_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"casefile/profiles"
	"casefile/profiles/profiletest"
)

// TestTFSTCatalogMatchesProfile keeps docs/profiles/tfst.md (the ids help
// desks quote) and the profile's rules in step, both ways.
func TestTFSTCatalogMatchesProfile(t *testing.T) {
	p := profiletest.Load(t, "tfst")
	doc, err := os.ReadFile(filepath.Join(profiletest.RepoRoot(t), "docs", "profiles", "tfst.md"))
	if err != nil {
		t.Fatal(err)
	}
	inTable := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `(tfst\\.[a-z0-9-]+)` \\|").FindAllStringSubmatch(string(doc), -1) {
		inTable[m[1]] = true
	}
	sections := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^### (tfst\.[a-z0-9-]+)\s*$`).FindAllStringSubmatch(string(doc), -1) {
		sections[m[1]] = true
	}
	inProfile := map[string]bool{}
	for _, r := range p.Analyze.Rules {
		inProfile[r.ID] = true
		if !inTable[r.ID] {
			t.Errorf("rule %s is not in the catalog table of docs/profiles/tfst.md", r.ID)
		}
		if !sections[r.ID] {
			t.Errorf("rule %s has no ### section in docs/profiles/tfst.md", r.ID)
		}
	}
	for id := range inTable {
		if !inProfile[id] {
			t.Errorf("docs/profiles/tfst.md lists %s, which the profile does not have", id)
		}
	}
	// The ids the issue requires.
	for _, id := range []string{"tfst.version", "tfst.fd-exhaustion", "tfst.closewait-buildup",
		"tfst.parent-unreachable", "tfst.handshake-incomplete", "tfst.routed-session-failure",
		"tfst.log-level-low", "tfst.not-running"} {
		if !inProfile[id] {
			t.Errorf("required rule %s is missing", id)
		}
	}
}

// TestTFSTLevelOrder pins the level comparisons the rules make: the fix
// for APAR IY55176 is in 1.3.1-TFS-0003, the newest named level is
// 1.3.1-TFS-0011, and a release without an interim fix (level "1.3.1")
// or a 1.3 level counts as older than both.
func TestTFSTLevelOrder(t *testing.T) {
	older := [][2]string{
		{"1.3.1-TFS-0002", "1.3.1-TFS-0003"},
		{"1.3-TFS-0003A", "1.3.1-TFS-0003"},
		{"1.3.1", "1.3.1-TFS-0003"},
		{"1.3.1-TFS-0009", "1.3.1-TFS-0011"},
		{"1.3.1-TFS-0003", "1.3.1-TFS-0011"},
	}
	for _, c := range older {
		if profiles.CompareVersions(c[0], c[1]) >= 0 {
			t.Errorf("%s should be older than %s", c[0], c[1])
		}
	}
	for _, v := range []string{"1.3.1-TFS-0011", "1.3.1-TFS-0012"} {
		if profiles.CompareVersions(v, "1.3.1-TFS-0011") < 0 {
			t.Errorf("%s should not be older than 1.3.1-TFS-0011", v)
		}
	}
}

// TestTFSTPatterns checks the profile's patterns on the message forms
// the TFST notes show, so a pattern edit that stops matching them fails
// here and not only in a golden report.
func TestTFSTPatterns(t *testing.T) {
	p := profiletest.Load(t, "tfst")
	value := func(fact, line string) string {
		re := profiletest.FactPattern(t, p, fact)
		m := re.FindStringSubmatch(line)
		if m == nil {
			return "<no match>"
		}
		if i := re.SubexpIndex("value"); i > 0 {
			return m[i]
		}
		return m[0]
	}
	for _, c := range []struct{ fact, line, want string }{
		{"fix_level", "Interim fix ID = 1.3.1-TFS-0009.", "1.3.1-TFS-0009"},
		{"product_version", "Tivoli Firewall Security Toolbox ver. 1.3.1 - level 20061016A.", "1.3.1"},
		{"build_level", "Tivoli Firewall Security Toolbox ver. 1.3.1 - level 20061016A.", "20061016A"},
		{"debug_levels", "debug-level=8", "8"},
		{"debug_levels", "  debug-level = 3", "3"},
		{"debug_levels", "# debug-level=8", "<no match>"},
		{"endpoint_thresholds", "log_threshold=1", "1"},
		{"cw_epp_netstat", "tcp        1      0 10.1.1.5:41873   10.1.1.9:9494   CLOSE_WAIT  4242/epproxy", "CLOSE_WAIT  4242/epproxy"},
		{"cw_epp_netstat", `CLOSE-WAIT 1 0 10.1.1.5:41873 10.1.1.9:9494 users:(("epproxy",pid=4242,fd=17))`, `CLOSE-WAIT 1 0 10.1.1.5:41873 10.1.1.9:9494 users:(("epproxy`},
		{"cw_gwp_netstat", "tcp        1      0 10.1.1.5:41873   10.1.1.9:9494   CLOSE_WAIT  4242/epproxy", "<no match>"},
		{"win_closewait", "  TCP    10.1.1.5:41873    10.1.1.9:9494    CLOSE_WAIT      1234", "1234"},
		{"win_epp_pids", `"epproxy.exe","1234","Services","0","12,345 K"`, "1234"},
		{"win_epp_pids", "epproxy.exe                   1234 Services                   0     12,345 K Running", "1234"},
		{"epp_started", " 4242 Mon Mar  8 05:30:44 2010 /opt/tivoli/EPProxy/epproxy /opt/tivoli/EPProxy", "Mon Mar  8 05:30:44 2010"},
		{"session_codes", "routedSessionCreate: [rs=8128] open session failed (e =-2)", "-2"},
		{"installed", "-rwxr-xr-x        0        0          256 2010-03-16T08:50:00+01:00 epproxy", "epproxy"},
		{"installed", "-rw-r--r--        0        0         6593 2010-03-16T08:50:00+01:00 epproxy.cfg", "<no match>"},
		{"lcfd_procs", "4 S root      1822     1  0  80   0 - 68414 -      Jan28 ?        00:01:02 /opt/Tivoli/lcf/bin/linux-ix86/mrt/lcfd", "/lcfd"},
	} {
		if got := value(c.fact, c.line); got != c.want {
			t.Errorf("fact %s on %q = %q, want %q", c.fact, c.line, got, c.want)
		}
	}
	for _, c := range []struct {
		id, label, line string
		want            bool
		caps            map[string]string
	}{
		{"tfst.fd-exhaustion", "", "03/09/09 16:41:01 1 1779102 upcallSender [line=3505]: accept() failed (e=24 - Too many open files)", true, nil},
		{"tfst.parent-unreachable", "", "01/12/18 17:43:07 1 130 ERROR multiplex.newsessopen: cannot open connection (-1)", true, map[string]string{"code": "-1"}},
		// each failure is written twice; only the level-1 form (no dot) counts
		{"tfst.routed-session-failure", "", "09/10/13 10:41:33 1 7731 gatewayProxySender [gw=9] failure creating a routed session for nti281-gwp", true,
			map[string]string{"peer": "nti281-gwp", "tid": "7731"}},
		{"tfst.routed-session-failure", "", "09/10/13 10:41:33 2 7731 gatewayProxySender [gw=9] failure creating a routed session for nti281-gwp.", false, nil},
		{"tfst.routed-session-failure", "", "09/10/13 10:39:21 1 7456 gatewayProxySender [gw=8] failure creating a routed s ession for nti281-gwp", true, nil},
		// the requests of the handshake (the replies are the sequence's expects)
		{"tfst.handshake-incomplete", "who", "01/12/18 17:38:06 3 161 routingManager: WHO command received [l=null]", true, map[string]string{"cmd": "WHO"}},
		{"tfst.handshake-incomplete", "tell", "01/12/18 17:51:27 3 47 routingManager: TELL command received [l=ascotti_gwp1]", true,
			map[string]string{"cmd": "TELL", "child": "ascotti_gwp1"}},
		{"tfst.handshake-incomplete", "", "01/12/18 17:53:34 3 248 routingManager: WHO reply command received [l=ascotti_gwp1]", false, nil},
		{"tfst.handshake-not-logged", "", "01/12/18 17:40:16 3 179 routingManager: TELL reply command received", true, nil},
	} {
		caps, ok := profiletest.MatchAny(profiletest.Matchers(t, p, c.id, c.label), c.line)
		if ok != c.want {
			t.Errorf("rule %s on %q: matched %v, want %v", c.id, c.line, ok, c.want)
			continue
		}
		for k, v := range c.caps {
			if caps[k] != v {
				t.Errorf("rule %s on %q: %s = %q, want %q", c.id, c.line, k, caps[k], v)
			}
		}
	}
	// The replies the handshake requests wait for, keyed on the command.
	seq := profiletest.Rule(t, p, "tfst.handshake-incomplete").Sequence
	var expect []*regexp.Regexp
	for _, m := range seq.Expect {
		expect = append(expect, m.Pattern.Re)
	}
	for line, cmd := range map[string]string{
		"01/12/18 17:53:34 3 248 routingManager: WHO reply command received [l=ascotti_gwp1]": "WHO",
		"01/12/18 17:40:16 3 179 routingManager: TELL reply command received":                 "TELL",
	} {
		if caps, ok := profiletest.MatchAny(expect, line); !ok || caps["cmd"] != cmd {
			t.Errorf("handshake reply %q: cmd %q, want %q", line, caps["cmd"], cmd)
		}
	}
}

// TestTFSTFakeHostsUsed: every fake host is used by a golden case,
// and every case's host exists.
func TestTFSTFakeHostsUsed(t *testing.T) {
	root := profiletest.RepoRoot(t)
	hostsDir := filepath.Join(root, "testdata", "hosts", "tfst")
	entries, err := os.ReadDir(hostsDir)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	cases, _ := filepath.Glob(filepath.Join(root, "testdata", "cases", "tfst", "*", "case.yaml"))
	if len(cases) == 0 {
		t.Fatal("no golden cases for tfst")
	}
	hostRef := regexp.MustCompile(`host: \.\./\.\./\.\./hosts/tfst/([\w.-]+)`)
	for _, c := range cases {
		b, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range hostRef.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
			if _, err := os.Stat(filepath.Join(hostsDir, m[1])); err != nil {
				t.Errorf("%s: host %s does not exist", c, m[1])
			}
		}
	}
	var unused []string
	for _, e := range entries {
		if e.IsDir() && !used[e.Name()] {
			unused = append(unused, e.Name())
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Errorf("fake hosts no case uses: %s", strings.Join(unused, ", "))
	}
}

// TestTFSTHandshakePeerCoverage: a WHO the child received counts as
// unanswered only when the parent's log covers the moment: it reaches back
// to the request and goes on past it. A parent log that ended before the
// request (another day, another restart) proves nothing.
func TestTFSTHandshakePeerCoverage(t *testing.T) {
	child := profiletest.RawLog(t, "gwp.log", ""+
		"12/09/25 14:20:30 1 1 gwproxy: gateway proxy starting, install directory /opt/tivoli/GWProxy\n"+
		"12/09/25 14:20:40 3 161 routingManager: WHO command received [l=null]\n"+
		"12/09/25 14:20:41 3 179 routingManager: TELL reply command received\n"+
		"12/09/25 14:40:00 5 14 multiplex: session opened to parent 10.20.3.15:7443\n")
	parentLog := func(last string) string {
		return profiletest.RawLog(t, "epp.log", ""+
			"12/09/25 14:10:04 1 1 epproxy: endpoint proxy starting, install directory /opt/tivoli/EPProxy\n"+
			"12/09/25 14:10:05 5 12 multiplex: session opened to gateway 127.0.0.1:9494\n"+
			last)
	}
	for _, tc := range []struct {
		name, last string
		want       int
	}{
		{"parent log ends before the request", "", 0},
		{"parent log goes on, no WHO reply", "12/09/25 14:30:00 5 12 multiplex: session opened to gateway 127.0.0.1:9494\n", 1},
	} {
		rep := profiletest.Analyze(t, "tfst", nil, child, parentLog(tc.last))
		if got := len(profiletest.Findings(rep, "tfst.handshake-incomplete")); got != tc.want {
			t.Errorf("%s: %d tfst.handshake-incomplete findings, want %d:\n%s", tc.name, got, tc.want, profiletest.List(rep))
		}
	}
}
