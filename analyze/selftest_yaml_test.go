package analyze

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExpectYAMLErrors: a mistake in a case's expect.yaml is one line
// naming the file and line in the author's words: an unknown key with
// the nearest one and the keys that place takes, a value of the wrong
// kind; never a Go type name (analyze.Expect).
func TestExpectYAMLErrors(t *testing.T) {
	p := testProfile(t, logsYMD)
	for _, c := range []struct{ yaml, want string }{
		{"findings: []\nabsnt: [t.x]\n", `expect.yaml:2: unknown key "absnt" (did you mean "absent"?) (known here: inputs, timezone, clock, findings, absent)`},
		{"findings:\n  - {id: t.x, cout: 3}\n", `expect.yaml:2: unknown key "cout" (did you mean "count"?) (known here: id, severity, count, title, key)`},
		{"findings:\n  - {id: t.x, count: many}\n", `expect.yaml:2: expected a number, found a string ("many")`},
		{"findings: []\nclock: yesterday\n", `expect.yaml:2: expected a time (2024-03-01T12:00:00Z), found a string ("yesterday")`},
		{"findings: [\n", `expect.yaml:1: did not find expected node content`},
		{"absent: t.x\n", `expect.yaml:1: expected a list, found a string ("t.x")`},
	} {
		dir := filepath.Join(t.TempDir(), "tests")
		cs := filepath.Join(dir, "one")
		if err := os.MkdirAll(cs, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cs, "expect.yaml"), []byte(c.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := RunProfileTests(context.Background(), p, dir)
		if err == nil || !strings.HasSuffix(err.Error(), c.want) || strings.Contains(err.Error(), "analyze.") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: got %v\nwant it to end in %q", c.yaml, err, c.want)
		}
	}
}
