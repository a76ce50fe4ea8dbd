package profiles

import (
	"strings"
	"testing"
)

// TestValidateErrors: a profile that does not validate fails with
// file:line and the reason.
func TestValidateErrors(t *testing.T) {
	head := "name: t\ndescription: d\nanalyze:\n  rules:\n"
	rule := func(body string) string {
		return head + "  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n" + body
	}
	tests := []struct {
		name, src, want string
	}{
		{"bad regexp", rule("    match: {in: [files/a], pattern: '(unclosed'}\n"), "t.yaml:9: bad pattern"},
		{"two kinds", rule("    match: {in: [files/a], pattern: a}\n    absent: {in: [files/a], pattern: b}\n"), "t.yaml:5: rule t.x: needs exactly one of"},
		{"unknown name", rule("    match: {in: [files/a], pattern: a}\n    when: 'nosuch > 1'\n"), `t.yaml:10: expression "nosuch > 1" uses unknown name nosuch`},
		{"bare first", rule("    match: {in: [files/a], pattern: a}\n    when: 'first != nil'\n"), "first(records) and last(records)"},
		{"group_by not a capture", rule("    match: {in: [files/a], pattern: 'a', group_by: [peer]}\n"), `key "peer" is not a named capture`},
		{"negative max_findings", rule("    max_findings: -1\n    match: {in: [files/a], pattern: a}\n"), "must not be negative"},
		{"absolute glob", rule("    match: {in: [/var/log/a], pattern: a}\n"), "must be relative to the bundle"},
		{"check without when", rule("    check: {}\n"), "a check rule needs when"},
		{"text brace", head + "  - id: t.x\n    title: 'a } b'\n    explanation: x\n    remedy: x\n    check: {}\n    when: 'true'\n", "t.yaml:6: unmatched }"},
		{"scope all reads a fact", "name: t\ndescription: d\nanalyze:\n  facts:\n  - {name: f, in: [files/a], pattern: a}\n  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n    scope: all\n    check: {}\n    when: 'f != nil'\n", "uses unknown name f"},
		{"custom time without layout", "name: t\ndescription: d\nanalyze:\n  logs:\n  - {files: [files/a], time: custom, regex: '^(x)'}\n", "t.yaml:5: custom time needs regex and layout"},
	}
	for _, tt := range tests {
		_, err := Parse("t.yaml", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}
