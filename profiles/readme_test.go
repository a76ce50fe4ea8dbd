package profiles

import (
	"fmt"
	"os"
	"regexp"
	"testing"
)

// TestReadmeProfileTable keeps the README's table of built-in profiles
// true: one row per profile, with its rule count.
func TestReadmeProfileTable(t *testing.T) {
	text, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `(\\w+)` \\| [^|]+\\| (\\d+) \\|")
	rows := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(text), -1) {
		rows[m[1]] = m[2]
	}
	for _, name := range Names() {
		p, err := Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprint(len(p.Analyze.Rules))
		if got, ok := rows[name]; !ok {
			t.Errorf("README.md has no row for profile %s", name)
		} else if got != want {
			t.Errorf("README.md says profile %s has %s rules; it has %s", name, got, want)
		}
	}
	if len(rows) != len(Names()) {
		t.Errorf("README.md lists %d profiles, there are %d", len(rows), len(Names()))
	}
}
