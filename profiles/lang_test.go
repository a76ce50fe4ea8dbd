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
		{"bad order", "name: t\ndescription: d\nanalyze:\n  logs:\n  - {files: [files/a], time: ymd, order: backwards}\n", "t.yaml:5: order \"backwards\" must be oldest-first or newest-first"},
		{"content as not read by the entry", "name: t\ndescription: d\nanalyze:\n  logs:\n  - files: [files/**/a.log]\n    time: ymd\n    content: {name: a log, as: 'files/{name}/b.log', lines: ['^A ']}\n", "t.yaml:7: content: as \"files/{name}/b.log\" is not read by this entry's files globs"},
		{"content without lines", "name: t\ndescription: d\nanalyze:\n  logs:\n  - files: [files/**/a.log]\n    time: ymd\n    content: {name: a log, as: 'files/{name}/a.log'}\n", "t.yaml:7: content: needs lines"},
		{"content without name", "name: t\ndescription: d\nanalyze:\n  logs:\n  - files: [files/**/a.log]\n    time: ymd\n    content: {as: 'files/{name}/a.log', lines: ['^A ']}\n", "content: needs a name"},
		{"content as outside the bundle's folders", "name: t\ndescription: d\nanalyze:\n  logs:\n  - files: [\"**/a.log\"]\n    time: ymd\n    content: {name: a log, as: '/var/log/a.log', lines: ['^A ']}\n", "must be a member path under files/ or commands/"},
		{"content as with a glob", "name: t\ndescription: d\nanalyze:\n  logs:\n  - files: [\"files/**/a.log\"]\n    time: ymd\n    content: {name: a log, as: 'files/*/a.log', lines: ['^A ']}\n", "{name} is the only placeholder"},
		// let and closure variables are in scope; a let name is not outside it.
		{"let leaks", rule("    match: {in: [files/a], pattern: a}\n    when: '(let up = hits > 1; up) || up'\n"), "uses unknown name up"},
		{"closure brace", rule("    match: {in: [files/a], pattern: a}\n    when: 'len(map(records, {a: #})) > 0'\n"), "needs parentheses"},
		// Capture names that would be confused with other names.
		{"capture is a record field", rule("    match: {in: [files/a], pattern: '(?P<file>\\w+)'}\n"), `t.yaml:9: rule t.x: capture name "file" is a record field`},
		{"capture is a label field", rule("    match:\n      in: [files/a]\n      pattern: 'x'\n      any:\n      - pattern: '(?P<label>\\w+)'\n"), `t.yaml:13: rule t.x: capture name "label" is a record field`},
		{"capture is an expr builtin", rule("    match: {in: [files/a], pattern: '(?P<max>\\d+)'}\n"), `capture name "max" is a function or keyword`},
		{"capture is an analyzer builtin", rule("    match: {in: [files/a], pattern: '(?P<size>\\d+)'}\n"), `capture name "size" is a builtin of the analyzer`},
		{"capture is a rule variable", rule("    match: {in: [files/a], pattern: '(?P<hits>\\d+)'}\n"), `capture name "hits" is a variable of match rules`},
		{"file_pattern capture is a builtin", rule("    match: {in: [files/a], pattern: x, file_pattern: 'log/(?P<len>\\w+)'}\n"), `capture name "len" is a function or keyword`},
		{"fact capture is a record field", "name: t\ndescription: d\nanalyze:\n  facts:\n  - {name: f, in: [files/a], pattern: '(?P<time>\\d+)', pick: all}\n", `t.yaml:5: fact "f": capture name "time" is a record field`},
		{"bad file_pattern", rule("    match: {in: [files/a], pattern: x, file_pattern: '(unclosed'}\n"), "t.yaml:9: bad pattern"},
		{"group in both patterns", rule("    match: {in: [files/a], pattern: '(?P<s>x)', file_pattern: '(?P<s>y)'}\n"), `group "s" is in both pattern and file_pattern`},
		// vars.
		{"var not an identifier", rule("    match: {in: [files/a], pattern: a}\n    vars: {Up: 'true'}\n"), `t.yaml:10: rule t.x: var name "Up"`},
		{"var hides a capture", rule("    match: {in: [files/a], pattern: '(?P<peer>\\w+)'}\n    vars: {peer: 'hits'}\n"), `var "peer" would hide a capture`},
		{"var hides a builtin", rule("    match: {in: [files/a], pattern: a}\n    vars: {count: 'hits'}\n"), `var "count" is a builtin name`},
		{"var hides a rule variable", rule("    match: {in: [files/a], pattern: a}\n    vars: {rate: 'hits'}\n"), `var "rate" would hide a variable of match rules`},
		{"var uses a later var", rule("    match: {in: [files/a], pattern: a}\n    vars: {a1: 'a2', a2: 'hits'}\n"), "uses unknown name a2"},
		{"where does not see vars", rule("    match: {in: [files/a], pattern: a, where: 'v1'}\n    vars: {v1: 'true'}\n"), "uses unknown name v1"},
		{"vars not a mapping", rule("    match: {in: [files/a], pattern: a}\n    vars: [a]\n"), "t.yaml:10: vars must be a mapping"},
		// Other additions.
		{"anchor on a match rule", rule("    match: {in: [files/a], pattern: a}\n    anchor: first_seen\n"), "anchor is for check rules"},
		{"label without pattern", rule("    match: {in: [files/a], label: x, any: [{pattern: a}]}\n"), "label and file_pattern go with pattern"},
		{"join_on not a capture", rule("    match:\n      in: [files/a]\n      pattern: '(?P<id>\\d+)'\n      also: [{pattern: 'x(?P<other>\\d+)', join_on: [id]}]\n"), `join_on "id" must be a named capture of both`},
		// Type errors the checker sees at load (typecheck.go): rule
		// variables, facts of known pick, line captures, inferred vars.
		{"int rule variable against a string", rule("    match: {in: [files/a], pattern: a}\n    when: 'hits > \"3\"'\n"), `t.yaml:10: expression "hits > \"3\"": type error: invalid operation: > (mismatched types int and string)`},
		{"inferred int var against a string", rule("    match: {in: [files/a], pattern: a}\n    vars: {fails_before: 'count(records, .text contains \"fail\")'}\n    when: 'fails_before >= \"3\"'\n"), `t.yaml:11: expression "fails_before >= \"3\"": type error: invalid operation: >= (mismatched types int and string)`},
		{"exists fact in arithmetic", "name: t\ndescription: d\nanalyze:\n  facts:\n  - {name: root_login, in: [files/a], pattern: 'PermitRootLogin yes', pick: exists}\n  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n    check: {}\n    when: 'root_login + 1 > 2'\n", `t.yaml:12: expression "root_login + 1 > 2": type error: invalid operation: + (mismatched types bool and int)`},
		{"bool rule variable against a number", rule("    match: {in: [files/a], pattern: a}\n    when: 'resolved > 1'\n"), `t.yaml:10: expression "resolved > 1": type error: invalid operation: > (mismatched types bool and int)`},
		{"count fact against a string in applies", "name: t\ndescription: d\nanalyze:\n  facts:\n  - {name: fails, in: [files/a], pattern: 'fail', pick: count}\n  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n    applies: 'fails > \"0\"'\n    check: {}\n    when: 'true'\n", `t.yaml:11: expression "fails > \"0\"": type error: invalid operation: > (mismatched types int and string)`},
		{"string capture in arithmetic", rule("    match: {in: [files/a], pattern: '(?P<peer>\\w+)'}\n    notes: [{explanation: '{peer * 2}'}]\n"), `type error: invalid operation: * (mismatched types string and int)`},
		{"sequence answered against a string", rule("    sequence:\n      in: [files/a]\n      start: [{pattern: 'req'}]\n      expect: [{pattern: 'rep'}]\n    when: 'answered == 0 || answered > \"1\"'\n"), `type error: invalid operation: > (mismatched types int and string)`},
		{"sequence skew on one bundle", rule("    sequence:\n      in: [files/a]\n      start: [{pattern: 'req'}]\n      expect: [{pattern: 'rep'}]\n      skew: 5s\n"), `sequence skew is for scope all`},
		{"report_by outside the key", rule("    state:\n      in: [files/a]\n      key: [conn]\n      report_by: [serial]\n      track: [{pattern: '(?P<conn>\\w+) (?P<serial>\\d+) (?P<state>\\w+)'}]\n"), `report_by "serial" must be one of the key's captures`},
		{"state and event", rule("    state:\n      in: [files/a]\n      track: [{pattern: 'x', state: UP, event: e}]\n"), "state and event exclude each other"},
		{"in and in_first", "name: t\ndescription: d\nanalyze:\n  facts:\n  - {name: f, in: [files/a], in_first: [[files/b]], pattern: x}\n", "in and in_first exclude each other"},
		{"empty in_first alternative", "name: t\ndescription: d\nanalyze:\n  facts:\n  - {name: f, in_first: [[files/b], []], pattern: x}\n", "in_first alternative 2 is empty"},
		// applies: facts and globals only, judged before the rule runs.
		{"applies uses a rule variable", rule("    match: {in: [files/a], pattern: a}\n    applies: 'hits > 0'\n"), `t.yaml:10: expression "hits > 0" uses unknown name hits (applies sees the facts`},
		{"applies uses a capture", rule("    match: {in: [files/a], pattern: '(?P<peer>\\w+)'}\n    applies: 'peer != \"\"'\n"), "uses unknown name peer"},
		{"applies uses a var", rule("    match: {in: [files/a], pattern: a}\n    vars: {v1: 'true'}\n    applies: v1\n"), "uses unknown name v1"},
		{"applies uses an unknown fact", rule("    match: {in: [files/a], pattern: a}\n    applies: 'role == \"server\"'\n"), "uses unknown name role"},
		{"applies bad expression", rule("    match: {in: [files/a], pattern: a}\n    applies: 'role =='\n"), "t.yaml:10: bad expression"},
		{"optional expr fact", "name: t\ndescription: d\nanalyze:\n  facts:\n  - {name: f, expr: '1', optional: true}\n", "go with pattern, not expr"},
		// Calls of bindings by their arity (profiles.Bindings' Sig).
		{"too few arguments", rule("    match: {in: [files/a], pattern: a}\n    when: 'plural(hits) != \"\"'\n"), `t.yaml:10: expression "plural(hits) != \"\"": plural takes 2 or 3 arguments (plural(n, word[, words])), not 1`},
		{"too many arguments", rule("    match: {in: [files/a], pattern: a}\n    when: 'before(first_seen, last_seen, incident)'\n"), "before takes 2 arguments (before(a, b)), not 3"},
		{"no argument for at least one", rule("    match: {in: [files/a], pattern: a}\n    when: 'exists()'\n"), "exists takes at least 1 argument (exists(glob, ...)), not 0"},
		{"arity in a text", "language: 2\n" + rule("    match: {in: [files/a], pattern: a}\n    notes: [{explanation: '{near(records, first_seen)}'}]\n"), "near takes 3 or 4 arguments"},
	}
	for _, tt := range tests {
		_, err := Parse("t.yaml", []byte(tt.src))
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

// TestLanguageAccepts: what the language allows (let, closure variables,
// vars in order, the additions of docs/profiles.md) validates.
func TestLanguageAccepts(t *testing.T) {
	head := "name: t\ndescription: d\nanalyze:\n  facts:\n  - {name: nr, in_first: [[files/diag/nr], [files/nr]], pattern: '(?P<value>\\d+)', optional: true, file_pattern: '(?P<src>diag)?'}\n  rules:\n"
	rule := func(body string) string {
		return head + "  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n" + body
	}
	tests := []struct{ name, src string }{
		{"let", rule("    match: {in: [files/a], pattern: a}\n    when: 'let up = hits > 1; up || rate > 2'\n")},
		{"let in a closure", rule("    match: {in: [files/a], pattern: a}\n    when: 'len(map(records, let r = #; r.text)) > 0'\n")},
		{"closure variables", rule("    match: {in: [files/a], pattern: a}\n    when: 'reduce(records, #acc + 1, 0) > 0 && len(map(records, #index)) >= 0'\n")},
		{"parenthesized map literal", rule("    match: {in: [files/a], pattern: a}\n    when: 'len(map(records, ({t: #.text}))) > 0'\n")},
		{"vars in order", rule("    match: {in: [files/a], pattern: '(?P<peer>\\w+)'}\n    vars:\n      many: 'hits > 3'\n      say: 'many ? peer : \"\"'\n    when: many\n    notes: [{explanation: '{say}'}]\n")},
		{"where sees record fields", rule("    match: {in: [files/a], pattern: a, label: main, where: 'file != \"\" && line > 0 && label == \"main\" && time != nil && text != value && bundle != \"\"'}\n")},
		{"check anchor", rule("    check: {}\n    when: 'nr != nil'\n    anchor: 'incident'\n")},
		{"state events report_by", rule("    state:\n      in: [files/a]\n      key: [conn, serial]\n      report_by: [conn]\n      track:\n      - {pattern: '(?P<conn>\\w+) (?P<serial>\\d+) (?P<state>\\w+)'}\n      - {pattern: '(?P<conn>\\w+) (?P<serial>\\d+) dpd', event: dpd}\n    when: 'len(events) >= 0 && seen[\"dpd\"] == nil'\n")},
		{"also join", rule("    match:\n      in: [files/a]\n      pattern: '(?P<id>\\d+)'\n      also: [{pattern: 'x(?P<id>\\d+)', join_on: [id], within: 2s, before: 15m}]\n")},
		{"a binding's arities", rule("    match: {in: [files/a], pattern: a}\n    when: 'exists(\"a\", \"b\") && plural(hits, \"x\") != plural(hits, \"y\", \"ys\") && len(carry_down(records)) >= 0 && (let clock = 1; clock) > 0'\n")},
		{"fmt_time", rule("    match: {in: [files/a], pattern: a}\n    notes: [{explanation: '{fmt_time(first_seen)} {item(\"x\")?.truncated}'}]\n")},
		{"applies over facts and globals", rule("    match: {in: [files/a], pattern: a}\n    applies: 'nr != nil && bundle.os != \"windows\" && exists(\"files/b\") && len(bundles) > 0'\n")},
		// A scope all rule's applies is judged per bundle: it may name facts.
		{"applies of a scope all rule reads facts", rule("    scope: all\n    check: {}\n    when: 'len(bundles) > 1'\n    applies: 'nr != nil'\n")},
		// The type check refuses only what is certain: times may be nil,
		// vars of unknown type and pattern facts stay any.
		{"typed names used well", "name: t\ndescription: d\nanalyze:\n  facts:\n  - {name: root_login, in: [files/a], pattern: 'yes', pick: exists}\n  - {name: fails, in: [files/a], pattern: 'fail', pick: count}\n  - {name: lines, in: [files/a], pattern: '(?P<value>\\d+)', pick: all, type: number}\n  - {name: level, in: [files/a], pattern: '(?P<value>\\d+)', type: number}\n  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n    applies: 'root_login == true && root_login != nil && fails + 1 > 2 && fails != nil && len(lines) >= 0 && level > 3'\n    match: {in: [files/a], pattern: '(?P<peer>\\w+) (?P<n>\\d+)'}\n    vars:\n      many: 'hits > 3'\n      half: 'hits / 2'\n      odd: 'peer == \"\" ? nil : 1'\n    when: 'many && !resolved && half > 1.5 && int(n) > 2 && peer + \"x\" != \"\" && first_seen != nil && (first_seen == nil || last_seen >= first_seen) && odd != \"x\" && rate >= hits && group != \"\"'\n"},
		{"check for_each fields keep the fact's types", "name: t\ndescription: d\nanalyze:\n  facts:\n  - {name: levels, in: [files/a], pattern: '(?P<value>\\d+)', pick: all, type: number}\n  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n    check: {for_each: levels}\n    when: 'value < 8'\n"},
		{"newest first", "name: t\ndescription: d\nanalyze:\n  logs:\n  - {files: [files/a], time: custom, regex: '^(?P<time>\\S+)', layout: '15:04:05', order: newest-first}\n"},
	}
	for _, tt := range tests {
		if _, err := Parse("t.yaml", []byte(tt.src)); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
