package analyze

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSequenceAndStateKeysDoNotCollide: a sequence's and a state's key
// values are told apart as values, not by the space-joined key a finding
// shows: a="x y", b="z" and a="x", b="y z" both show "x y z" but are two
// keys (a reply of one does not answer a request of the other; each
// follows its own state). TestGroupByKeysDoNotCollide holds group_by to
// the same.
func TestSequenceAndStateKeysDoNotCollide(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.seq
  title: "{a}|{b}: {hits} unanswered"
  explanation: x
  remedy: x
  sequence:
    in: ["files/**/a.log"]
    start: [{pattern: 'req a=(?P<a>[^,]*), b=(?P<b>.*)$'}]
    expect: [{pattern: 'ack a=(?P<a>[^,]*), b=(?P<b>.*)$'}]
    key: [a, b]
    within: 1m
- id: t.st
  title: "{a}|{b}: {state}"
  explanation: x
  remedy: x
  state:
    in: ["files/**/b.log"]
    key: [a, b]
    track: [{pattern: 'set (?P<state>\w+) a=(?P<a>[^,]*), b=(?P<b>.*)$'}]`)
	path := bundleOf(t, "", map[string]string{
		"files/a.log": "2024-03-01 10:00:00 req a=x y, b=z\n2024-03-01 10:00:01 ack a=x, b=y z\n2024-03-01 10:30:00 end\n",
		"files/b.log": "2024-03-01 10:00:00 set UP a=x y, b=z\n2024-03-01 10:00:01 set DOWN a=x, b=y z\n",
	}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	want := []string{
		"t.seq info [x y z] x1: x y|z: 1 unanswered",
		"t.st info [x y z] x1: x y|z: UP",
		"t.st info [x y z] x1: x|y z: DOWN",
	}
	if diff := cmp.Diff(want, summary(rep)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
