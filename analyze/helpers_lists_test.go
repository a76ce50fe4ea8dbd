package analyze

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestListHelpersInProfile: the helpers are bound for a profile's
// expressions and texts.
func TestListHelpersInProfile(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.l
  title: '{and_list(top)}; {and_list(cols)}; {len(restarts)} restart'
  explanation: x
  remedy: x
  vars:
    top: 'most_often(map(records, .path), 1)'
    cols: 'flags_set(map(records, .flags), ["c", "m"])'
    restarts: 'consecutive(records, "START", "START", "what")'
  match: {in: ["files/**/a.log"], pattern: '(?P<what>START|EXIT) (?P<flags>\S\S) (?P<path>\S+)'}`)
	path := bundleOf(t, "", map[string]string{
		"files/a.log": "2024-03-01 10:00:00 START -- /a\n2024-03-01 10:00:01 START C- /b\n2024-03-01 10:00:02 EXIT -- /b\n",
	}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	if diff := cmp.Diff([]string{"t.l info x3: /b (2); c; 1 restart"}, summary(rep)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
