package profiles

import (
	"strings"
	"testing"
)

// TestVarCasesValidate: a var written as cases is checked as vars and
// texts are: its keys, its text, the names of its whens and holes, a
// hole that is an expression under language 2; ExprStats counts the
// whens as expressions and the texts as texts.
func TestVarCasesValidate(t *testing.T) {
	rule := func(vars string) string {
		return "name: t\ndescription: d\nlanguage: 2\nanalyze:\n  rules:\n  - id: t.x\n    title: '{v}'\n    explanation: x\n    remedy: x\n    match: {in: [files/a], pattern: a}\n    vars:\n" + vars
	}
	bad := []struct{ name, vars, want string }{
		{"unknown key", "      v: [{when: 'hits > 1', txt: many}]\n", `t.yaml:12: var v: unknown key "txt" in a case (when, text)`},
		{"no text", "      v: [{when: 'hits > 1'}]\n", "var v: a case needs text"},
		{"not a mapping", "      v: [many]\n", "var v: a case is a mapping"},
		{"empty", "      v: []\n", "needs at least one"},
		{"unknown name", "      v: [{when: 'hitz > 1', text: many}]\n", "hitz"},
		{"unknown name in text", "      v: [{text: 'many {hitz}'}]\n", "hitz"},
		{"expression in text", "      v: [{text: '{len(records) + 1}'}]\n", "is an expression"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(rule(tc.vars)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
	p, err := Parse("t.yaml", []byte(rule("      many: 'hits > 1'\n      v:\n        - {when: many, text: 'many lines, {plural(hits, \"line\")}'}\n        - {when: 'hits == 1', text: one}\n        - text: none\n")))
	if err != nil {
		t.Fatal(err)
	}
	s := ExprStats(p)
	if want := len("hits > 1") + len("hits == 1"); s.ExprBytes != want || s.TextExprs != 0 {
		t.Errorf("ExprStats: %d expression bytes, %d in texts; want %d, 0", s.ExprBytes, s.TextExprs, want)
	}
}
