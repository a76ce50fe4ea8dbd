package analyze

import (
	"strings"
	"testing"

	"casefile/profiles"

	"github.com/google/go-cmp/cmp"
)

// TestDataFact: a data fact is the profile's own list or mapping, seen by
// expressions like any fact (numbers as numbers, mappings by key), and
// the helpers of the window file work on it from a profile; a list as a
// condition holds when it is not empty, a record when it is there, a
// text when it is not "".
func TestDataFact(t *testing.T) {
	p := testProfile(t, logsYMD+`facts:
- name: troubles
  data:
  - {label: crash, says: crashed}
  - {label: full, says: disk full}
- name: scripts
  data: {epp: ./epp.sh, gwp: ./gwp.sh}
- name: limit
  data: 3
rules:
- id: t.d
  title: '{and_list(what)} via {script} over {limit}'
  explanation: 'near: {len(near(records, last_seen, "1m"))}, changes: {len(changes(records, "label"))}'
  remedy: x
  vars:
    what: 'map(filter(troubles, (matched[.label] ?? 0) > 0), .says)'
    script: 'scripts["gwp"]'
    nothing: '[]'
    blank: '""'
    first_trouble: 'first(troubles)'
    no_record: 'first([])'
  when: 'hits >= limit'
  notes:
  - {when: what, inline: true, explanation: 'Listed.'}
  - {when: nothing, inline: true, explanation: 'Never.'}
  - {when: first_trouble, inline: true, explanation: 'A record.'}
  - {when: no_record, inline: true, explanation: 'No record.'}
  - {when: script, inline: true, explanation: 'A text.'}
  - {when: blank, inline: true, explanation: 'Blank.'}
  match:
    in: ["files/**/a.log"]
    any:
    - {pattern: 'crash', label: crash}
    - {pattern: 'full', label: full}`)
	path := bundleOf(t, "", map[string]string{
		"files/a.log": "2024-03-01 10:00:00 crash\n2024-03-01 10:00:01 crash\n2024-03-01 10:05:00 full\n",
	}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	want := []string{"t.d info x3: crashed and disk full via ./gwp.sh over 3"}
	if diff := cmp.Diff(want, summary(rep)); diff != "" {
		t.Fatalf("findings (-want +got):\n%s", diff)
	}
	if got, want := rep.Findings[0].Explanation, "near: 1, changes: 2 Listed. A record. A text."; got != want {
		t.Errorf("explanation %q, want %q", got, want)
	}
}

// TestDataFactValidation: a fact is exactly one of pattern, expr and data.
func TestDataFactValidation(t *testing.T) {
	_, err := profiles.Parse("t.yaml", []byte("name: t\ndescription: d\nanalyze:\n  facts:\n  - {name: f, expr: '1', data: [1]}\n"))
	if err == nil || !strings.Contains(err.Error(), "exactly one of pattern (with in), expr or data") {
		t.Errorf("expr and data: %v", err)
	}
}
