package profiles

import (
	"strings"
	"testing"
)

// TestValidateBursts: the validator refuses split_gap and the window
// variables where they cannot apply, naming the line; a rule that uses
// them right loads.
func TestValidateBursts(t *testing.T) {
	rule := func(body string) string {
		return "name: t\ndescription: d\nlanguage: 2\nanalyze:\n  facts:\n  - {name: f, expr: '1'}\n" +
			"  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n" + body
	}
	tests := []struct{ name, src, want string }{
		{"window without within",
			rule("    notes:\n    - {when: 'true', explanation: 'from {window_start}'}\n    match: {in: [files/a], pattern: a}\n"),
			"t.yaml:13: rule t.x: window_start is the densest match.within window, and the rule has no within"},
		{"window in a var without within",
			rule("    vars: {w: window_end}\n    match: {in: [files/a], pattern: a}\n"),
			"t.yaml:12: rule t.x: window_end is the densest match.within window"},
		{"window on a sequence",
			rule("    title_when: [{when: 'window_start != nil', title: y}]\n    sequence: {in: [files/a], start: [{pattern: a}], expect: [{pattern: b}], within: 1m}\n"),
			"unknown name window_start"},
		{"zero split_gap",
			rule("    match:\n      in: [files/a]\n      pattern: a\n      split_gap: 0s\n"),
			"t.yaml:15: rule t.x: split_gap must be a second or more"},
		{"split_gap with a where on facts",
			rule("    match:\n      in: [files/a]\n      pattern: '(?P<n>\\d+)'\n      where: 'n != \"\" && f > 0'\n      split_gap: 1h\n"),
			"t.yaml:16: rule t.x: split_gap needs a where that reads only the line (its captures and record fields), not f"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
	ok := rule("    notes:\n    - {when: 'true', explanation: '{rate} from {window_start} to {window_end}'}\n" +
		"    match:\n      in: [files/a]\n      pattern: '(?P<n>\\d+)'\n      where: 'n != \"0\"'\n      within: 5m\n      split_gap: 1h\n")
	if _, err := Parse("t.yaml", []byte(ok)); err != nil {
		t.Errorf("a rule with within, split_gap and a where on its line: %v", err)
	}
}
