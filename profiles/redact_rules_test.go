package profiles

import (
	"strings"
	"testing"
)

// TestRedactEntries: a redact entry has a pattern or a parser, not both
// and not neither; an unknown parser is refused when the redact package
// says which exist (it sets RedactParser).
func TestRedactEntries(t *testing.T) {
	head := "name: t\ndescription: d\nredact:\n"
	for _, tc := range []struct{ body, want string }{
		{"  - {name: a, files: [x]}\n", `t.yaml:4: redaction rule "a" needs a pattern or a parser`},
		{"  - {name: a, parser: p, pattern: x}\n", `t.yaml:4: redaction rule "a": a pattern or a parser, not both`},
		{"  - {name: a, parser: nope}\n", `t.yaml:4: redaction rule "a": no parser "nope"`},
		{"  - {name: a, parser: known, files: ['**/x.secrets']}\n", ""},
		{"  - {name: a, pattern: 'peer (?P<host>\\S+)'}\n", ""},
	} {
		old := RedactParser
		RedactParser = func(n string) bool { return n == "known" }
		_, err := Parse("t.yaml", []byte(head+tc.body))
		RedactParser = old
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.body, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: got %v, want %s", tc.body, err, tc.want)
		}
	}
}
