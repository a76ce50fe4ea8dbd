package analyze

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWrapHelper: wrap puts text around a value that is there and prints
// nothing for nil, "" and an empty list; lists and numbers print as in
// any hole.
func TestWrapHelper(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.w
  title: 'fail{wrap(n, " (", ")")}{wrap(blank, " (", ")")}{wrap(empty, ": ")}{wrap(hits, ", ", " times")}'
  explanation: 'x{wrap(names, ": ")}{wrap(nothing, ": ")}'
  remedy: x
  vars:
    blank: '""'
    empty: '[]'
    names: '["a", "b"]'
    nothing: 'nil'
  match: {in: ["files/**/a.log"], pattern: 'fail (?P<n>\w+)', group_by: [n]}`)
	path := bundleOf(t, "", map[string]string{
		"files/a.log": "2024-03-01 10:00:00 fail a\n2024-03-01 10:00:01 fail a\n",
	}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	want := []string{"t.w info [a] x2: fail (a), 2 times"}
	if diff := cmp.Diff(want, summary(rep)); diff != "" {
		t.Fatalf("findings (-want +got):\n%s", diff)
	}
	if got := rep.Findings[0].Explanation; got != "x: a, b" {
		t.Errorf("explanation %q, want %q", got, "x: a, b")
	}
}
