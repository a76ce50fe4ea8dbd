package analyze

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"casefile/profiles"

	"github.com/google/go-cmp/cmp"
)

func TestParseWeight(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"5", 5}, {"", 1}, {"0", 1}, {"12,345", 12345}, {"1_000", 1000}, {"x3", 1}, {"3x", 1},
		{",5", 1}, {"99999999999999999999", maxWeight}, {"-4", 1},
	} {
		if got := parseWeight([]byte(c.in)); got != c.want {
			t.Errorf("parseWeight(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

// weightLog is an sshd log in syslog's shape, with rsyslog's
// "message repeated N times: [ ... ]" lines (the shape of Loghub's
// OpenSSH_2k.log).
const weightLog = `Dec 10 07:13:43 gw sshd[1]: Failed password for root from 5.36.59.76 port 42393 ssh2
Dec 10 07:13:56 gw sshd[1]: message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]
Dec 10 07:20:00 gw sshd[2]: Failed password for admin from 10.0.0.9 port 1 ssh2
Dec 10 09:00:00 gw sshd[3]: message repeated 2 times: [ Failed password for admin from 10.0.0.9 port 1 ssh2]
`

// TestWeight: a weighted line counts its capture's value in hits, group
// counts, matched and rate, both when the rule is counted in the pass
// and when where reads a fact (judged on the kept lines).
func TestWeight(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "auth.log"), []byte(weightLog), 0o644); err != nil {
		t.Fatal(err)
	}
	rule := func(extra string) string {
		return `logs:
- files: ["files/**/auth.log"]
  time: syslog
facts:
- name: nobody
  expr: '"nobody"'
rules:
- id: t.fail
  title: '{hits} failures from {src}, {rate} in an hour, {matched.pw} by pw'
  explanation: x
  remedy: x
  match:
    in: ["files/**/auth.log"]
    pattern: '(?:message repeated (?P<n>\d+) times: \[ )?Failed password for (?P<user>\S+) from (?P<src>\S+)'
    label: pw
    group_by: [src]
    within: 1h
` + extra
	}
	cases := []struct {
		name, extra string
		want        []string
	}{
		{"unweighted: lines", "", []string{
			"t.fail info [5.36.59.76] x2: 2 failures from 5.36.59.76, 2 in an hour, 2 by pw",
			"t.fail info [10.0.0.9] x2: 2 failures from 10.0.0.9, 1 in an hour, 2 by pw"}},
		{"weighted in the pass", "    weight: n\n", []string{
			"t.fail info [5.36.59.76] x6: 6 failures from 5.36.59.76, 6 in an hour, 6 by pw",
			"t.fail info [10.0.0.9] x3: 3 failures from 10.0.0.9, 2 in an hour, 3 by pw"}},
		{"weighted, where reads a fact", "    weight: n\n    where: 'user != nobody'\n", []string{
			"t.fail info [5.36.59.76] x6: 6 failures from 5.36.59.76, 6 in an hour, 6 by pw",
			"t.fail info [10.0.0.9] x3: 3 failures from 10.0.0.9, 2 in an hour, 3 by pw"}},
		{"min counts the weight", "    weight: n\n    min: 5\n", []string{
			"t.fail info [5.36.59.76] x6: 6 failures from 5.36.59.76, 6 in an hour, 6 by pw"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := testProfile(t, rule(c.extra))
			rep := runWith(t, p, []string{dir}, Options{Timezone: time.UTC})
			if diff := cmp.Diff(c.want, summary(rep)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWeightRefused: weight must name a capture of the rule.
func TestWeightRefused(t *testing.T) {
	_, err := profiles.Parse("t.yaml", []byte("name: t\ndescription: x\nanalyze:\n"+indent2(`rules:
- id: t.x
  title: x
  explanation: x
  remedy: x
  match: {in: ["files/x"], pattern: 'a (?P<n>\d+)', weight: count}`)))
	if err == nil || !strings.Contains(err.Error(), `weight "count" is not a named capture`) {
		t.Fatalf("err = %v", err)
	}
}

// TestWeightLoghub counts the real "message repeated" lines of Loghub's
// OpenSSH_2k.log (rsyslog's output, read in place): every failed
// password of the file with the weights, as grep and the repeat counts
// give them.
func TestWeightLoghub(t *testing.T) {
	dir := corpusDir(t, "loghub2k")
	data, err := os.ReadFile(filepath.Join(dir, "OpenSSH_2k.log"))
	if err != nil {
		t.Fatal(err)
	}
	// The expectation from the text itself: plain lines count 1, a
	// "message repeated N times" line N.
	want := 0
	for _, l := range strings.Split(string(data), "\n") {
		if !strings.Contains(l, "Failed password for") {
			continue
		}
		n := 1
		if _, err := fmt.Sscanf(l[strings.Index(l, "message repeated ")+len("message repeated "):], "%d", &n); err != nil || !strings.Contains(l, "message repeated ") {
			n = 1
		}
		want += n
	}
	raw := t.TempDir()
	if err := os.WriteFile(filepath.Join(raw, "auth.log"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	p := testProfile(t, `logs:
- files: ["files/**/auth.log"]
  time: syslog
rules:
- id: t.fail
  title: '{hits}'
  explanation: x
  remedy: x
  match:
    in: ["files/**/auth.log"]
    pattern: '(?:message repeated (?P<n>\d+) times: \[ )?Failed password for'
    weight: n`)
	rep := runWith(t, p, []string{raw}, Options{Timezone: time.UTC})
	if len(rep.Findings) != 1 {
		t.Fatalf("findings: %v", summary(rep))
	}
	if got := rep.Findings[0].Count; got != want || want <= strings.Count(string(data), "Failed password for") {
		t.Errorf("count %d, want %d (lines: %d)", got, want, strings.Count(string(data), "Failed password for"))
	}
}

// indent2 indents a YAML body under analyze:.
func indent2(body string) string {
	return "  " + strings.ReplaceAll(body, "\n", "\n  ")
}

// corpusDir is profiletest.Corpus for this package (which profiletest
// imports): the folder sub of ../shared/corpus beside the clone, or of
// $CASEFILE_CORPUS; the test skips, saying so, when it is absent.
func corpusDir(t *testing.T, sub string) string {
	t.Helper()
	dir := os.Getenv("CASEFILE_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus")
	}
	dir = filepath.Join(dir, sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("public log corpus not found at %s (set CASEFILE_CORPUS): %v", dir, err)
	}
	return dir
}
