package profiles

import (
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary YAML to the loader: it must return a profile
// or an error naming the file, never panic.
func FuzzParse(f *testing.F) {
	f.Add(`name: t
description: d
analyze:
  logs: [{files: ["files/**/a.log*"], time: ymd, split: true}]
  facts:
  - {name: v, in: [commands/v.out], pattern: 'v(?P<value>\S+)', type: version}
  rules:
  - id: t.x
    title: "{hits} lines of {peer}"
    explanation: x
    remedy: x
    match: {in: ["files/**/a.log"], pattern: 'to (?P<peer>\w+)', group_by: [peer], within: 1m, min: 2}
    when: 'version_lt(v, "1.2")'
`)
	f.Add("name: t\ndescription: d\ncollect:\n  - id: x\n    command: [ls]\n    when: 'os == \"linux\"'\n")
	f.Add("name: [\n")
	f.Add("name: t\ndescription: d\nanalyze:\n  rules:\n  - id: t.a\n    title: '{'\n")
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Parse("f.yaml", []byte(src))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		if p.File != "f.yaml" {
			t.Errorf("file %q", p.File)
		}
	})
}

// FuzzParseText splits arbitrary texts into literal and {expression}
// parts; literal parts joined back give the text's literal characters.
func FuzzParseText(f *testing.F) {
	for _, s := range []string{"{hits} failures for {peer}", "{{literal}}", "{map(x, {a: 1})}", `{"}"}`, "{", "}", "a{b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		parts, err := ParseText(src, 1)
		if err != nil {
			return
		}
		for _, p := range parts {
			if p.Expr != nil && strings.TrimSpace(p.Expr.Src) == "" {
				t.Errorf("%q: empty expression part", src)
			}
		}
	})
}
