package profiles

import (
	"strings"
	"testing"
)

// TestFollowUpRuleKeys: samples and resample are checked where they are
// written; a valid samples rule sees its variables.
func TestFollowUpRuleKeys(t *testing.T) {
	head := "name: t\ndescription: d\ncollect:\n- {id: ps, command: [ps]}\nanalyze:\n  facts:\n  - {name: n, in: [commands/ps.out], pattern: x, pick: count}\n"
	rule := func(body string) string {
		return head + "  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n" + body
	}
	for _, tc := range []struct{ name, src, want string }{
		{"samples needs scope all", rule("    check: {samples: n}\n    when: 'later > earlier'\n"), "t.yaml:13: rule t.x: samples compares bundles of one host: it needs scope: all"},
		{"samples names a fact", rule("    scope: all\n    check: {samples: m}\n    when: 'true'\n"), `samples must name a fact ("m" is none)`},
		{"samples and for_each", rule("    scope: all\n    check: {samples: n, for_each: n}\n    when: 'true'\n"), "samples and for_each exclude each other"},
		{"resample unknown item", rule("    check: {}\n    when: 'true'\n    resample: {items: [pss], after: 1h}\n"), `t.yaml:15: rule t.x: resample item "pss" is not a collect item`},
		{"resample without after", rule("    check: {}\n    when: 'true'\n    resample: {items: [ps]}\n"), "resample needs after"},
		{"resample after too long for a request", rule("    check: {}\n    when: 'true'\n    resample: {items: [ps], after: 2h46m40s}\n"), `resample after 2h46m40s does not fit a request (10000s:`},
		{"resample without items", rule("    check: {}\n    when: 'true'\n    resample: {after: 1h}\n"), "resample needs items"},
		{"sample vars only with samples", rule("    check: {}\n    when: 'later > 1'\n"), "later"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
	ok := rule("    scope: all\n    check: {samples: n}\n    when: 'growth != nil && per_hour > 1 && hours > 0 && interval != \"\" && later_at != nil && earlier_bundle.name != later_bundle.name'\n    resample: {items: [ps, host.netstat], after: 90m}\n")
	p, err := Parse("t.yaml", []byte(ok))
	if err != nil {
		t.Fatal(err)
	}
	if got := FormatAfter(p.Analyze.Rules[0].Resample.After); got != "90m" {
		t.Errorf("FormatAfter = %q", got)
	}
}
