package profiles

import (
	"strings"
	"testing"
)

// TestYAMLTabNamed: a tab indenting a line inside a mapping (where yaml.v3
// says only "found character that cannot start any token") is named as a
// tab, with its line; the same message for another character is not.
func TestYAMLTabNamed(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"nested tab", "name: t\ndescription: d\nanalyze:\n  rules:\n  - id: t.x\n\ttitle: x\n", "t.yaml:6: a tab character indents this line"},
		{"tab after spaces", "name: t\ndescription: d\nanalyze:\n  rules:\n  - id: t.x\n    \ttitle: x\n", "t.yaml:6: a tab character indents this line"},
		{"after a quoted value", "name: t\ndescription: d\nanalyze:\n  rules:\n    - id: t.x\n      title: 'x'\n\tseverity: warning\n", "t.yaml:7: a tab character indents this line"},
		{"not a tab", "name: t\ndescription: d\nanalyze:\n  rules:\n  - id: t.x\n    title: @x\n", "cannot start any token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant it to contain %q", err, tc.want)
			}
			if err != nil && tc.name == "not a tab" && strings.Contains(err.Error(), "tab") {
				t.Errorf("a line without a tab is said to have one: %v", err)
			}
		})
	}
}
