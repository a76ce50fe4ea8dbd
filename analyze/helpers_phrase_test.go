package analyze

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestVarCases: a var written as cases is the text of the first case
// whose when holds (a case without when always holds), rendered as a
// text with its holes; "" when none holds; a shared var may be cases
// too, and a case may use the vars above it.
func TestVarCases(t *testing.T) {
	p := testProfile(t, logsYMD+`vars:
  how_often:
    - {when: 'hits >= 3', text: 'often ({hits} times)'}
    - {when: 'hits == 2', text: twice}
    - text: once
rules:
- id: t.a
  title: "x {how_often}{later}{tail}"
  explanation: Base.
  remedy: Fix.
  match: {in: ["files/**/*.log"], pattern: 'x (?P<peer>\w+)', group_by: [peer]}
  vars:
    many: 'hits > 1'
    later: {when: many, text: ', last at {clock(last_seen)}'}
    tail:
      - {when: 'peer == "b"', text: ' from {peer}'}`)
	path := bundleOf(t, "", map[string]string{
		"files/a.log": "2024-03-01 10:00:00 x a\n2024-03-01 10:00:01 x a\n2024-03-01 10:00:02 x a\n2024-03-01 10:00:03 x b\n2024-03-01 10:00:04 x b\n2024-03-01 10:00:05 x c\n",
	}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.Title)
	}
	want := []string{"x often (3 times), last at 10:00:02", "x twice, last at 10:00:04 from b", "x once"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestVarCasesExplain: --explain lists a var's cases in order, with the
// condition of each and "otherwise" for the one without.
func TestVarCasesExplain(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.a
  title: "x {how}"
  explanation: Base.
  remedy: Fix.
  match: {in: ["files/**/*.log"], pattern: 'x'}
  vars:
    how:
      - {when: 'hits >= 3', text: often}
      - text: 'rarely ({hits})'`)
	s, err := Explain(p, "t.a")
	if err != nil {
		t.Fatal(err)
	}
	want := "  var how, the first that holds:\n    when hits >= 3: \"often\"\n    otherwise: \"rarely ({hits})\"\n"
	if !strings.Contains(s, want) {
		t.Errorf("explain lacks\n%s\ngot:\n%s", want, s)
	}
}
