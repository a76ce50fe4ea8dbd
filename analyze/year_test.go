package analyze

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestYearInference: lines without a year (syslog) of a raw upload take
// their year from the upload's dated lines when its mtimes are not write
// times (a 2014 log copied today is not dated today), from their own
// mtime when the mtimes agree with the dated lines or nothing else is
// dated, and a bundle's collection time always wins (docs/engine.md,
// Times).
func TestYearInference(t *testing.T) {
	p := testProfile(t, `logs:
- files: ["files/**/auth.log", "files/**/syslog.log"]
  time: syslog
- files: ["files/**/journal.log"]
  time: ymd
rules:
- id: t.x
  title: x
  explanation: x
  remedy: x
  max_evidence: 10
  match: {in: ["files/**/*.log"], pattern: 'X (?P<w>\w+)'}`)
	copied := time.Date(2026, 12, 7, 11, 0, 0, 0, time.UTC)
	type file struct {
		text  string
		mtime time.Time
	}
	cases := []struct {
		name  string
		files map[string]file
		want  []string
	}{
		{"copied today: the dated lines decide", map[string]file{
			"auth.log":    {"Aug  9 10:00:01 gw pluto[1]: X one\nAug 10 23:59:00 gw pluto[1]: X two\n", copied},
			"journal.log": {"2014-08-09 11:00:00 gw pluto: X three\n", copied},
		}, []string{"2014-08-09 10:00:01 one", "2014-08-09 11:00:00 three", "2014-08-10 23:59:00 two"}},
		{"across new year", map[string]file{
			"auth.log":    {"Dec 31 23:00:00 gw pluto[1]: X one\nJan  1 01:00:00 gw pluto[1]: X two\n", copied},
			"journal.log": {"2015-01-02 08:00:00 gw pluto: X three\n", copied},
		}, []string{"2014-12-31 23:00:00 one", "2015-01-01 01:00:00 two", "2015-01-02 08:00:00 three"}},
		{"a syslog member with RFC 3339 stamps is dated", map[string]file{
			"auth.log":    {"Aug  9 10:00:01 gw pluto[1]: X one\n", copied},
			"journal.log": {"", copied},
			"syslog.log":  {"2014-08-09T11:00:00+00:00 gw pluto[1]: X three\n", copied},
		}, []string{"2014-08-09 10:00:01 one", "2014-08-09 11:00:00 three"}},
		{"mtimes that agree with the dated lines are kept", map[string]file{
			"auth.log":    {"Aug  9 10:00:01 gw pluto[1]: X one\n", time.Date(2016, 8, 9, 12, 0, 0, 0, time.UTC)},
			"journal.log": {"2014-08-09 11:00:00 gw pluto: X three\n", time.Date(2014, 8, 9, 11, 0, 5, 0, time.UTC)},
		}, []string{"2014-08-09 11:00:00 three", "2016-08-09 10:00:01 one"}},
		{"nothing else dated: the mtime", map[string]file{
			"auth.log": {"Aug  9 10:00:01 gw pluto[1]: X one\n", time.Date(2014, 9, 1, 0, 0, 0, 0, time.UTC)},
		}, []string{"2014-08-09 10:00:01 one"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, f := range c.files {
				path := filepath.Join(dir, name)
				if err := os.WriteFile(path, []byte(f.text), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Chtimes(path, f.mtime, f.mtime); err != nil {
					t.Fatal(err)
				}
			}
			rep := runWith(t, p, []string{dir}, Options{Timezone: time.UTC})
			var got []string
			for _, f := range rep.Findings {
				for _, ev := range f.Evidence {
					got = append(got, ev.Time.UTC().Format("2006-01-02 15:04:05")+" "+ev.Text[len(ev.Text)-len(lastWord(ev.Text)):])
				}
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("evidence times (-want +got):\n%s", diff)
			}
		})
	}
	// A bundle's collection time is not replaced by the dated lines.
	path := bundleOf(t, "h", map[string]string{
		"files/var/log/auth.log":    "Feb 28 10:00:01 gw pluto[1]: X one\n",
		"files/var/log/journal.log": "2014-08-09 11:00:00 gw pluto: X three\n",
	}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	for _, f := range rep.Findings {
		for _, ev := range f.Evidence {
			if ev.Text[len(ev.Text)-3:] == "one" && ev.Time.Year() != 2024 {
				t.Errorf("bundle collected in 2024: syslog line dated %v", ev.Time)
			}
		}
	}
}

func lastWord(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ' ' {
			return s[i+1:]
		}
	}
	return s
}
