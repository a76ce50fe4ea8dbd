package profiles

import (
	"strings"
	"testing"
)

// TestRecordFieldsValidated: continuation, timezone and weight are
// checked when the profile loads, with the line and the reason.
func TestRecordFieldsValidated(t *testing.T) {
	base := func(logs, match string) string {
		return "name: t\ndescription: x\nanalyze:\n  facts:\n  - name: log_timezone\n    in: [\"files/x.conf\"]\n    pattern: 'tz=(?P<value>\\S+)'\n" +
			"  logs:\n  - files: [\"files/**/a.log\"]\n    time: iso8601\n" + logs +
			"  rules:\n  - id: t.x\n    title: x\n    explanation: x\n    remedy: x\n    match: {in: [\"files/**/a.log\"], pattern: 'a (?P<n>\\d+)'" + match + "}\n"
	}
	cases := []struct {
		name, logs, match, err string
	}{
		{"all good", "    continuation: '^\\s+at '\n    timezone: '{log_timezone}'\n", ", weight: n", ""},
		{"zone name", "    timezone: Asia/Tokyo\n", "", ""},
		{"offset", "    timezone: '+05:30'\n", "", ""},
		{"continuation matching any line", "    continuation: '^\\s*'\n", "", "matches a line with a time stamp"},
		{"continuation matching a stamped line", "    continuation: '^\\S'\n", "", "matches a line with a time stamp"},
		{"continuation: lines not starting with a digit, blank ones too", "    continuation: '^(?:$|\\D)'\n", "", ""},
		{"continuation with split", "    continuation: '^\\s+at '\n    split: true\n", "", "continuation and split"},
		{"continuation newest first", "    continuation: '^\\s+at '\n    order: newest-first\n", "", "needs oldest-first"},
		{"timezone fact not declared", "    timezone: '{tz}'\n", "", `names fact "tz"`},
		{"timezone not a zone", "    timezone: Mars/Olympus\n", "", `"Mars/Olympus" is not known`},
		{"timezone half a template", "    timezone: 'Europe/{x}'\n", "", "one fact in braces"},
		{"weight not a capture", "", ", weight: count", `weight "count" is not a named capture`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(base(c.logs, c.match)))
			switch {
			case c.err == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Fatalf("err = %v, want %q", err, c.err)
			case c.err != "" && !strings.Contains(err.Error(), "t.yaml:"):
				t.Errorf("err %q names no line", err)
			}
		})
	}
}

func TestLoadZone(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"'Europe/Berlin'", "Europe/Berlin", true}, {" \"UTC\"\n", "UTC", true}, {"+09:00", "+09:00", true},
		{"-0500", "-0500", true}, {"", "", false}, {"Local", "", false}, {"../../etc/passwd", "", false}, {"+25:00", "", false},
	} {
		z, err := LoadZone(c.in)
		if (err == nil) != c.ok || err == nil && z.String() != c.want {
			t.Errorf("LoadZone(%q) = %v, %v", c.in, z, err)
		}
	}
}
