package profiles

import (
	"strings"
	"testing"
)

// TestExprCommandGlobs: a commands/... glob written in an expression
// (exists, members, oldest, newest) that names no collect item of the
// profile or of _host.yaml is refused like one in `in:`, with the
// expression's line and the nearest name; a known one, another folder and
// a glob built at run time pass.
func TestExprCommandGlobs(t *testing.T) {
	head := "name: t\ndescription: d\ncollect:\n- {id: ps-start, command: [ps]}\nanalyze:\n  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n    check: {}\n"
	for _, tc := range []struct{ when, want string }{
		{`exists("commands/ps-strat.out")`, `t.yaml:12: rule t.x: member glob "commands/ps-strat.out" names no collect item of this profile or of _host.yaml (did you mean "commands/ps-start.out"?)`},
		{`len(members("commands/nothing*")) > 0`, `member glob "commands/nothing*" names no collect item`},
		{`newest("commands/ps-strat.err") != nil`, `"commands/ps-strat.err"`},
		{`exists("files/a.log", "commands/ps-strat.out")`, `"commands/ps-strat.out"`},
		{`exists("commands/ps-start.out") && exists("commands/host.facts.out")`, ""},
		{`exists("commands/ps-*.out") && exists("files/whatever")`, ""},
		{`exists("commands/" + bundle.name)`, ""},
	} {
		t.Run(tc.when, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(head+"    when: '"+strings.ReplaceAll(tc.when, "'", "''")+"'\n"))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("%v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}
