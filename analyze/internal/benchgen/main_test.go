package main

import "testing"

// TestToERE: \w inside a bracket expression keeps grep's meaning
// (issue 13: [\w.-] became [[[:alnum:]_].-], so grep never matched).
func TestToERE(t *testing.T) {
	for in, want := range map[string]string{
		`for (?P<peer>[\w.-]*[\w-])\s*$`: `for ([[:alnum:]_.-]*[[:alnum:]_-])[[:space:]]*$`,
		`\d\d:\d+ (?:WHO|TELL)`:          `[0-9][0-9]:[0-9]+ (WHO|TELL)`,
		`\[l=(?P<child>[^\]]*)\]`:        `\[l=([^]]*)\]`,
		`a.*?b\S+`:                       `a.*b[^[:space:]]+`,
		`[]x\d]`:                         `[]x0-9]`,
	} {
		if got := toERE(in); got != want {
			t.Errorf("toERE(%q) = %q, want %q", in, got, want)
		}
	}
}
