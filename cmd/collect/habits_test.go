package main

import (
	"strings"
	"testing"

	"casefile/internal/version"
)

// TestCLIHabits: `version` and `--version` say the same, -v is --verbose
// (not the version), completion completes profile names and variables,
// and a mistyped profile gets a suggestion.
func TestCLIHabits(t *testing.T) {
	want := version.Line("collect") + "\n"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, errOut := runCLI(t, args...)
		if code != 0 || out != want {
			t.Errorf("collect %v: code %d, stdout %q (want %q), stderr %q", args, code, out, want, errOut)
		}
	}
	code, out, _ := runCLI(t, "-v")
	if code != 2 || strings.Contains(out, "collect dev") {
		t.Errorf("collect -v alone: code %d, stdout %q: -v is --verbose, and --profile is missing", code, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "--profile", "a"}, "auto\n"},
		{[]string{"__complete", "--profile", "tf"}, "tfst\n"},
		{[]string{"__complete", "--set", "install_d"}, "install_dir=\n"},
	} {
		_, out, _ := runCLI(t, c.args...)
		if !strings.HasPrefix(out, c.want) {
			t.Errorf("%v: completions %q, want %q first", c.args, out, c.want)
		}
	}
	code, _, errOut := runCLI(t, "--profile", "tsft", "--dry-run")
	if code != 2 || !strings.Contains(errOut, "did you mean tfst?") {
		t.Errorf("mistyped profile: code %d, stderr %q", code, errOut)
	}
}
