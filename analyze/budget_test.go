package analyze

import (
	"strings"
	"testing"

	"casefile/analyze/report"
)

// TestExprBudget: an expression that would build terabytes or loop
// for hours is stopped and reported as that rule's coverage error; the
// other rules run (issue 12: reduce(1..40, #acc + #acc, "ab") reached
// 23 GiB).
func TestExprBudget(t *testing.T) {
	for _, tc := range []struct{ name, when, want string }{
		{"doubling string", `reduce(1..40, #acc + #acc, "ab") != ""`, "expression exceeds its budget"},
		{"repeat of a big string", `len(repeat(reduce(1..22, #acc + #acc, "ab"), 10)) > 0`, "expression exceeds its budget: repeat"},
		{"join of big strings", `let s = reduce(1..20, #acc + #acc, "ab"); len(join([s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s])) > 0`, "expression exceeds its budget"},
		{"replace that grows", `let s = reduce(1..20, #acc + #acc, "ab"); len(replace(s, "a", s)) > 0`, "expression exceeds its budget"},
		{"nested loops", `let r = 1..2000; count(r, any(r, # == -1)) > 0`, "expression exceeds its budget: more than 2000000 steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testProfile(t, logsYMD+`rules:
- id: t.bomb
  title: x
  severity: info
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'busy'}
  when: '`+tc.when+`'
- id: t.fine
  title: "{hits} busy"
  severity: info
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'busy'}`)
			dir := bundleDirOf(t, map[string]string{"files/a.log": "2024-03-01 10:00:00 busy\n"})
			rep := runWith(t, p, []string{dir}, Options{})
			var bomb, fine *report.RuleCoverage
			for i, c := range rep.Coverage {
				switch c.Rule {
				case "t.bomb":
					bomb = &rep.Coverage[i]
				case "t.fine":
					fine = &rep.Coverage[i]
				}
			}
			if bomb == nil || bomb.Status != report.CoverageError || !strings.Contains(bomb.Reason, tc.want) {
				t.Errorf("t.bomb coverage %+v, want an error saying %q", bomb, tc.want)
			}
			if fine == nil || fine.Status != report.CoverageRan || fine.Findings != 1 {
				t.Errorf("t.fine coverage %+v, want it to run", fine)
			}
		})
	}
}

// TestSharedVarBudget: a profile-level var runs with the same budget as
// every other expression (it was compiled without the budget's patch,
// so its loops were not counted): nested loops in it are the rule's
// coverage error.
func TestSharedVarBudget(t *testing.T) {
	p := testProfile(t, logsYMD+`vars:
  loops: 'let r = 1..2000; count(r, any(r, # == -1)) > 0'
rules:
- id: t.bomb
  title: x
  severity: info
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'busy'}
  when: 'loops'`)
	dir := bundleDirOf(t, map[string]string{"files/a.log": "2024-03-01 10:00:00 busy\n"})
	rep := runWith(t, p, []string{dir}, Options{})
	const want = "expression exceeds its budget: more than 2000000 steps"
	for _, c := range rep.Coverage {
		if c.Rule == "t.bomb" {
			if c.Status != report.CoverageError || !strings.Contains(c.Reason, want) {
				t.Errorf("t.bomb coverage %+v, want an error saying %q", c, want)
			}
			return
		}
	}
	t.Error("no coverage of t.bomb")
}
