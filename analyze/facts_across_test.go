package analyze

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"casefile/profiles"
)

const acrossFacts = `facts:
- {name: up, in: ["files/**/up"], pattern: 'up', pick: exists, across: any}
- {name: up_all, expr: 'up', across: all}
- {name: errs, in: ["files/**/a.log"], pattern: 'err', pick: count, across: sum}
- {name: most, expr: 'errs', across: max}
- {name: fewest, expr: 'errs', across: min}
- {name: ports, in: ["files/**/ports"], pattern: '(?P<value>\d+)', pick: distinct, type: number, across: list}
- {name: port_lines, in: ["files/**/ports"], pattern: '\d+', pick: all, across: list}
- {name: role, in: ["files/**/role"], pattern: '(?P<value>\w+)', across: first}
- {name: own, in: ["files/**/role"], pattern: '(?P<value>\w+)'}
- {name: gone, in: ["files/**/gone"], pattern: 'x', pick: exists, across: any}
`

// TestAcrossFacts: a scope all rule sees a fact with across by its name,
// joined over the bundles in their order (any, all, sum, max, min, list,
// first); a bare name in cite quotes the records of the joined list; a
// bundle rule still sees each bundle's own value; the joined facts are
// not inputs of the rule (no "partial" for the bundle without them).
func TestAcrossFacts(t *testing.T) {
	p := testProfile(t, logsYMD+acrossFacts+`rules:
- id: t.all
  scope: all
  title: 'up {up}, all {up_all}, errs {errs}, most {most}, fewest {fewest}, ports {ports}, role {role}'
  explanation: x
  remedy: x
  match: {in: ["files/**/a.log"], pattern: 'err', where: 'up && !up_all && !gone'}
  cite: [port_lines]
- id: t.each
  title: 'own {own} up {up} errs {errs}'
  explanation: x
  remedy: x
  check: {}
  when: 'true'`)
	a := bundleOf(t, "a", map[string]string{
		"files/a.log": "2024-03-01 10:00:00 err\n",
		"files/ports": "80\n443\n",
	}, nil)
	b := bundleOf(t, "b", map[string]string{
		"files/a.log": "2024-03-01 10:00:01 err\n2024-03-01 10:00:02 err\n",
		"files/up":    "up\n",
		"files/role":  "server\n",
		"files/ports": "8080\n",
	}, nil)
	rep := runWith(t, p, []string{a, b}, Options{})
	want := []string{
		"t.all info x3: up true, all false, errs 3, most 2, fewest 1, ports 80, 443, 8080, role server",
		"t.each info x0: own  up false errs 1",
		"t.each info x0: own server up true errs 2",
	}
	if diff := cmp.Diff(want, summary(rep)); diff != "" {
		t.Fatalf("findings (-want +got):\n%s", diff)
	}
	var cited []string
	for _, ev := range rep.Findings[0].Evidence {
		if strings.HasSuffix(ev.File, "ports") {
			cited = append(cited, strings.TrimSpace(ev.Text))
		}
	}
	if diff := cmp.Diff([]string{"80", "443", "8080"}, cited); diff != "" {
		t.Errorf("cited port lines (-want +got):\n%s", diff)
	}
	for _, c := range rep.Coverage {
		if c.Rule == "t.all" && c.Status != "ran" {
			t.Errorf("coverage of t.all on %s: %s (%s)", c.Bundle, c.Status, c.Reason)
		}
	}
}

// TestAcrossFactError: a joined value that is not what its across asks
// for (a count as a condition) is the rule's error, with the fact named.
func TestAcrossFactError(t *testing.T) {
	p := testProfile(t, logsYMD+`facts:
- {name: errs, in: ["files/**/a.log"], pattern: 'err', pick: count, across: any}
rules:
- id: t.all
  scope: all
  title: x
  explanation: x
  remedy: x
  check: {}
  when: errs`)
	a := bundleOf(t, "a", map[string]string{"files/a.log": "2024-03-01 10:00:00 err\n"}, nil)
	rep := runWith(t, p, []string{a}, Options{})
	if len(rep.Coverage) != 1 || rep.Coverage[0].Status != "error" || !strings.Contains(rep.Coverage[0].Reason, "fact errs across any: the condition gave int (1)") {
		t.Fatalf("coverage %+v", rep.Coverage)
	}
}

// TestAcrossFactValidation: across takes one of its kinds; a scope all
// rule names only facts joined across bundles, and no capture of it may
// take such a fact's name.
func TestAcrossFactValidation(t *testing.T) {
	head := "name: t\ndescription: d\nanalyze:\n  facts:\n"
	for _, tc := range []struct{ body, want string }{
		{"  - {name: f, expr: '1', across: anny}\n", `fact "f": across "anny" must be one of all, any, first, list, max, min, sum (did you mean "any"?)`},
		{"  - {name: f, expr: '1'}\n  rules:\n  - {id: t.r, scope: all, title: x, explanation: x, remedy: x, check: {}, when: 'f > 0'}\n", `unknown name f`},
		{"  - {name: f, expr: '1', across: sum}\n  rules:\n  - {id: t.r, scope: all, title: x, explanation: x, remedy: x, match: {in: [a], pattern: '(?P<f>x)'}}\n", `capture name "f" is a fact this rule sees across bundles`},
	} {
		_, err := profiles.Parse("t.yaml", []byte(head+tc.body))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.body, err, tc.want)
		}
	}
	if _, err := profiles.Parse("t.yaml", []byte(head+"  - {name: f, expr: '1', across: sum}\n  rules:\n  - {id: t.r, scope: all, title: x, explanation: x, remedy: x, check: {}, when: 'f > 0'}\n")); err != nil {
		t.Errorf("a scope all rule naming an across fact: %v", err)
	}
}
