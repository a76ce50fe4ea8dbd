package profiles

import (
	"strings"
	"testing"
)

// TestValidateV2: what the validator catches for language 2 and the
// typed sources, and YAML errors in the profile's words.
func TestValidateV2(t *testing.T) {
	head := "name: t\ndescription: d\nanalyze:\n"
	rule := func(body string) string {
		return head + "  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n" + body
	}
	tests := []struct{ name, src, want string }{
		{"did you mean", rule("    match: {in: [files/a], pattern: a}\n    max_finding: 3\n"), `t.yaml:10: unknown key "max_finding" (did you mean "max_findings"?)`},
		{"no Go type names", head + "  rules: {a: 1}\n", "t.yaml:4: expected a list, found a mapping"},
		{"number expected", rule("    max_findings: lots\n    check: {}\n    when: 'true'\n"), `t.yaml:9: expected a number, found a string ("lots")`},
		{"tab", "name: t\ndescription: d\n\tanalyze: x\n", "t.yaml:3: a tab character indents this line"},
		{"duplicate id", rule("    check: {}\n    when: 'true'\n  - id: t.x\n    title: y\n    explanation: y\n    remedy: y\n    check: {}\n    when: 'true'\n"), `t.yaml:11: rule id "t.x" used twice (first at line 5)`},
		{"fact member", head + "  facts:\n  - {name: me, expr: '\"a\"'}\n  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n    scope: all\n    check: {}\n    when: 'any(bundles, bundles[0].facts.mee == \"a\")'\n", `no fact "mee" (did you mean "me"?)`},
		{"bundle member", rule("    check: {}\n    when: 'bundle.hots != \"\"'\n"), `a bundle has no "hots" (did you mean "host"?)`},
		{"expression in a text", "name: t\ndescription: d\nlanguage: 2\nanalyze:\n  rules:\n  - id: t.x\n    title: '{hits > 1 ? \"many\" : \"one\"}'\n    explanation: x\n    remedy: x\n    match: {in: [files/a], pattern: a}\n", "t.yaml:7: rule t.x: {hits > 1 ? \"many\" : \"one\"} is an expression"},
		{"shared var out of scope", head + "  vars: {many: 'hits > 1'}\n  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n    check: {}\n    when: many\n", "t.yaml:4: shared var many uses hits, which rule t.x does not have"},
		{"shared var hidden", head + "  vars: {many: 'hits > 1'}\n  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n    match: {in: [files/a], pattern: a}\n    vars: {many: 'true'}\n", `var "many" would hide a shared var`},
		{"unknown format", head + "  facts:\n  - {name: f, in: [files/a], format: toml}\n", `t.yaml:5: fact "f": unknown format "toml"`},
		{"format with pattern", head + "  facts:\n  - {name: f, in: [files/a], format: ini, pattern: x}\n", "no pattern or expr"},
		{"separator elsewhere", head + "  facts:\n  - {name: f, in: [files/a], format: ini, separator: ':'}\n", "separator is for format keyvalue"},
		{"column is a record field", head + "  facts:\n  - {name: f, in: [files/a], format: columns, columns: [pid, time]}\n", `column name "time" is a record field`},
		{"map without format", head + "  facts:\n  - {name: f, in: [files/a], pattern: x, pick: map}\n", "pick map needs a format"},
		{"commands glob naming no item", "name: t\ndescription: d\ncollect:\n- {id: ps-start, command: [ps]}\nanalyze:\n  facts:\n  - {name: f, in: [commands/ps-strat.out], pattern: x}\n", `t.yaml:7: fact "f": member glob "commands/ps-strat.out" names no collect item of this profile or of _host.yaml (did you mean "commands/ps-start.out"?)`},
		{"title_when without title", rule("    check: {}\n    when: 'true'\n    title_when: [{when: 'true'}]\n"), "title_when entry needs when and title"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// TestLanguage2Loads: a language 2 profile with shared vars, title_when,
// inline notes, the text names and helpers, and typed sources loads; the
// shared var goes before the rule's own vars of the rule that names it
// only.
func TestLanguage2Loads(t *testing.T) {
	src := `name: t
description: d
language: 2
analyze:
  facts:
  - {name: conf, in: [files/a.ini], format: ini, pick: map}
  vars:
    many: 'hits >= 2'
  rules:
  - id: t.a
    title: '{plural(hits, "line")} {occurrences}'
    title_when: [{when: many, title: 'many: {and_list(peers)}'}]
    explanation: 'at least {min} within {within}; {conf.port}'
    notes: [{when: many, inline: true, remedy: 'Do it.'}]
    vars: {peers: 'uniq(map(records, .peer))'}
    match: {in: [files/b.log], pattern: 'x (?P<peer>\w+)', min: 2, within: 5m}
  - id: t.b
    title: x
    explanation: x
    remedy: x
    match: {in: [files/b.log], pattern: 'y'}
`
	p, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, b := p.Analyze.Rules[0], p.Analyze.Rules[1]
	if len(a.Vars) != 2 || a.Vars[0].Name != "many" || !a.Vars[0].Shared || a.Vars[1].Name != "peers" {
		t.Errorf("t.a vars %+v", a.Vars)
	}
	if len(b.Vars) != 0 {
		t.Errorf("t.b vars %+v", b.Vars)
	}
	if s := ExprStats(p); s.TextExprs != 0 {
		t.Errorf("text expressions %d", s.TextExprs)
	}
}
