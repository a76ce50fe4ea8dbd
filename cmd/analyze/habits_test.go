package main

import (
	"strings"
	"testing"

	"casefile/internal/version"
)

// TestCLIHabits: `version` and `--version` say the same; `help` is help,
// not a file name; -v is --verbose; shell completion completes values;
// a mistyped rule id gets a suggestion.
func TestCLIHabits(t *testing.T) {
	want := version.Line("analyze") + "\n"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		f := &fake{}
		r := cli(t, f, false, nil, args...)
		if r.code != 0 || r.stdout != want || f.called {
			t.Errorf("analyze %v: code %d, stdout %q (want %q), analyzed %v", args, r.code, r.stdout, want, f.called)
		}
	}
	f := &fake{}
	if r := cli(t, f, false, nil, "help"); r.code != 0 || !strings.Contains(r.stdout, "Usage:") || f.called {
		t.Errorf("analyze help: code %d, analyzed %v, stdout %.80q", r.code, f.called, r.stdout)
	}
	f = &fake{rep: loadFixture(t, "ha-pair")}
	if r := cli(t, f, false, nil, "-v", "x.tar.gz"); !f.called || r.code == 2 {
		t.Errorf("-v x.tar.gz: code %d, stderr %q: -v must be --verbose", r.code, r.stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "--fail-on", "w"}, "warning\n"},
		{[]string{"__complete", "--format", "h"}, "html\n"},
		{[]string{"__complete", "--explain", "tfst.fd-"}, "tfst.fd-exhaustion\n"},
		{[]string{"__complete", "--rule", "sms.active-a"}, "sms.active-active\n"},
		{[]string{"__complete", "--profile", "ip"}, "ipsec\n"},
		{[]string{"__complete", "--timezone", "UT"}, "UTC\n"},
	} {
		r := cli(t, &fake{}, false, nil, c.args...)
		if !strings.HasPrefix(r.stdout, c.want) {
			t.Errorf("%v: completions %q, want %q first", c.args, r.stdout, c.want)
		}
	}
	r := cli(t, &fake{}, false, nil, "--explain", "tfst.fd-exhaustoin")
	if r.code != 2 || !strings.Contains(r.stderr, "did you mean tfst.fd-exhaustion?") {
		t.Errorf("mistyped rule: code %d, stderr %q", r.code, r.stderr)
	}
}
