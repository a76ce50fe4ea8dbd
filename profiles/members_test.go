package profiles

import (
	"strings"
	"testing"
)

// TestClosureMembers: in a closure over bundles (any(bundles, ...)), the
// element's members are a bundle's: .facts.mee (the example of issue 14)
// and .hots are caught; a closure over something else is not judged, and
// the element of a nested closure is that closure's.
func TestClosureMembers(t *testing.T) {
	head := "name: t\ndescription: d\nanalyze:\n  facts:\n  - {name: me, expr: '\"a\"'}\n  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n    scope: all\n    check: {}\n"
	for _, tc := range []struct{ name, when, want string }{
		{"fact", `any(bundles, .facts.mee == "a")`, `no fact "mee" (did you mean "me"?)`},
		{"fact with #", `any(bundles, #.facts.mee == "a")`, `no fact "mee" (did you mean "me"?)`},
		{"source", `any(bundles, .sources.mee != nil)`, `no fact "mee"`},
		{"bundle key", `all(bundles, .hots != "")`, `a bundle has no "hots" (did you mean "host"?)`},
		{"filter then count", `count(filter(bundles, .facts.me == "a"), .facts.mee == "a") > 0`, ""},
		{"known", `any(bundles, .facts.me == "a" && .host != "")`, ""},
		{"other list", `any(["x"], len(#) > 0)`, ""},
		{"nested closure", `any(bundles, any(.facts.me ?? [], .mee == "a"))`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(head+"    when: '"+strings.ReplaceAll(tc.when, "'", "''")+"'\n"))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("%s: %v", tc.when, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("%s: got %v\nwant it to contain %q", tc.when, err, tc.want)
			}
		})
	}
}
