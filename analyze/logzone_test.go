package analyze

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"casefile/profiles"

	"github.com/google/go-cmp/cmp"
)

// TestZoneAbbrevs: an abbreviation after a time stamp is resolved
// against the log's zone (exactly, both sides of a change of offset),
// UTC and GMT everywhere, a known one of another zone by its offset
// with a note, an ambiguous one in the log's zone with a note, and a
// word that is no zone is not read as one.
func TestZoneAbbrevs(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	iso, _ := parserFor(logSpecOf("iso8601"))
	log4j, _ := parserFor(logSpecOf("log4j"))
	custom, err := customParser(regexp.MustCompile(`^(?P<time>\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \w+ \d{4})`), "Mon Jan _2 15:04:05 MST 2006")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		p    *timeParser
		loc  *time.Location
		line string
		want string // UTC
		note string
	}{
		{"own, winter", iso, berlin, "2024-03-01 10:00:00.123 CET [1] LOG: x", "2024-03-01T09:00:00.123Z", ""},
		{"own, summer", iso, berlin, "2024-07-01 10:00:00 CEST [1] LOG: x", "2024-07-01T08:00:00Z", ""},
		{"the hour turned back, first", iso, berlin, "2024-10-27 02:30:00 CEST x", "2024-10-27T00:30:00Z", ""},
		{"the hour turned back, second", iso, berlin, "2024-10-27 02:30:00 CET x", "2024-10-27T01:30:00Z", ""},
		{"UTC", iso, berlin, "2024-03-01 10:00:00 UTC x", "2024-03-01T10:00:00Z", ""},
		{"GMT at the end", iso, berlin, "2024-03-01 10:00:00 GMT", "2024-03-01T10:00:00Z", ""},
		{"known, of another zone", iso, berlin, "2024-03-01 10:00:00 JST x", "2024-03-01T01:00:00Z", "JST is not one of Europe/Berlin's: its lines are read as UTC+09:00"},
		{"ambiguous", iso, berlin, "2024-03-01 10:00:00 IST x", "2024-03-01T09:00:00Z", "IST is ambiguous (India, Ireland or Israel) and not one of Europe/Berlin's: its lines are read in Europe/Berlin"},
		{"ambiguous but the zone's own", iso, kolkata, "2024-03-01 10:00:00 IST x", "2024-03-01T04:30:00Z", ""},
		{"a word, not a zone", log4j, berlin, "2024-03-01 10:00:00,000 INFO x", "2024-03-01T09:00:00Z", ""},
		{"a six-letter word", log4j, berlin, "2024-03-01 10:00:00,000 NOTICE x", "2024-03-01T09:00:00Z", ""},
		{"numeric offset wins", iso, berlin, "2024-03-01T10:00:00+05:30 IST x", "2024-03-01T04:30:00Z", ""},
		{"the host's zone, UTC", iso, time.UTC, "2024-03-01 10:00:00 CET x", "2024-03-01T09:00:00Z", "CET is not one of UTC's: its lines are read as UTC+01:00"},
		{"custom layout, own", custom, berlin, "Fri Mar  1 10:00:00 CET 2024 x", "2024-03-01T09:00:00Z", ""},
		{"custom layout, ambiguous: not UTC", custom, berlin, "Fri Mar  1 10:00:00 IST 2024 x", "2024-03-01T09:00:00Z", "IST is ambiguous (India, Ireland or Israel) and not one of Europe/Berlin's: its lines are read in Europe/Berlin"},
		{"custom layout, unknown: not UTC", custom, berlin, "Fri Mar  1 10:00:00 XYZT 2024 x", "2024-03-01T09:00:00Z", "XYZT is not known: its lines are read in Europe/Berlin"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tc := &timeCtx{loc: c.loc, zs: newZoneState(c.loc), ref: time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)}
			got, ok := c.p.parse([]byte(c.line), tc)
			if !ok {
				t.Fatalf("%q not parsed", c.line)
			}
			if g := got.UTC().Format(time.RFC3339Nano); g != c.want {
				t.Errorf("%q read as %s, want %s", c.line, g, c.want)
			}
			var note string
			if ns := tc.zs.noteList("f"); len(ns) > 0 {
				note = strings.TrimPrefix(ns[0], "f: zone abbreviation ")
			}
			if note != c.note {
				t.Errorf("note %q, want %q", note, c.note)
			}
		})
	}
}

// pgConf and pgLog are a PostgreSQL server's config and log (the log
// written with log_line_prefix '%m [%p] ', which names the zone).
const pgConf = "# -----\nlisten_addresses = '*'\nlog_timezone = 'Asia/Tokyo'\n"

const pgLog = `2024-03-01 10:00:00.100 JST [42] ERROR:  could not serialize access due to concurrent update
2024-03-01 10:00:30.000 JST [42] ERROR:  could not serialize access due to concurrent update
2024-03-01 10:01:00 [42] ERROR:  could not serialize access due to concurrent update
2024-03-01 10:02:00.000 IST [43] ERROR:  could not serialize access due to concurrent update
`

func pgProfile(tz string) string {
	return `facts:
- name: log_timezone
  in: ["files/**/postgresql.conf"]
  pattern: '^\s*log_timezone\s*=\s*(?P<value>\S+)'
logs:
- files: ["files/**/pg_log/*.log"]
  time: iso8601
  timezone: '` + tz + `'
rules:
- id: t.serialize
  title: '{hits}'
  explanation: x
  remedy: x
  max_evidence: 10
  match: {in: ["files/**/pg_log/*.log"], pattern: 'could not serialize access'}`
}

// TestLogZoneFact: a log's zone from a fact of the bundle (read in a
// second pass where it differs from the host's): lines without a zone
// are read in it, its own abbreviation exactly, an ambiguous one is
// noted in the coverage of the rule that read the file; with a zone
// name in the profile the same; a fact without a value is noted.
func TestLogZoneFact(t *testing.T) {
	if _, err := time.LoadLocation("Asia/Tokyo"); err != nil {
		t.Skipf("no zone database: %v", err)
	}
	ambiguous := "files/var/lib/pgsql/pg_log/postgresql-Fri.log: zone abbreviation IST is ambiguous (India, Ireland or Israel) and not one of Asia/Tokyo's: its lines are read in Asia/Tokyo"
	want := []string{"2024-03-01T01:00:00.1Z", "2024-03-01T01:00:30Z", "2024-03-01T01:01:00Z", "2024-03-01T01:02:00Z"}
	cases := []struct {
		name, tz, conf string
		bundle         bool
		want           []string
		reason         string
	}{
		{"fact, raw folder", "{log_timezone}", pgConf, false, want, ambiguous},
		{"fact, bundle", "{log_timezone}", pgConf, true, want, ambiguous},
		{"zone name", "Asia/Tokyo", "", true, want, ambiguous},
		{"fact without a value", "{log_timezone}", "listen_addresses = '*'\n", true,
			[]string{"2024-03-01T01:00:00.1Z", "2024-03-01T01:00:30Z", "2024-03-01T10:01:00Z", "2024-03-01T10:02:00Z"},
			"files/var/lib/pgsql/pg_log/postgresql-Fri.log: zone abbreviation IST is ambiguous (India, Ireland or Israel) and not one of UTC's: its lines are read in UTC; files/var/lib/pgsql/pg_log/postgresql-Fri.log: zone abbreviation JST is not one of UTC's: its lines are read as UTC+09:00; timezone fact log_timezone has no value: files/**/pg_log/*.log read in UTC"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := map[string]string{"files/var/lib/pgsql/pg_log/postgresql-Fri.log": pgLog}
			if c.conf != "" {
				fs["files/etc/postgresql/postgresql.conf"] = c.conf
			}
			var path string
			if c.bundle {
				path = bundleOf(t, "pg", fs, nil)
			} else {
				path = t.TempDir()
				for name, text := range fs {
					p := filepath.Join(path, strings.TrimPrefix(name, "files/"))
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			rep := runWith(t, testProfile(t, pgProfile(c.tz)), []string{path}, Options{})
			if len(rep.Findings) != 1 {
				t.Fatalf("findings %v", summary(rep))
			}
			var got []string
			for _, e := range rep.Findings[0].Evidence {
				got = append(got, e.Time.UTC().Format(time.RFC3339Nano))
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("times (-want +got):\n%s", diff)
			}
			var reason string
			for _, cv := range rep.Coverage {
				if cv.Rule == "t.serialize" {
					reason = cv.Reason
				}
			}
			if reason != c.reason {
				t.Errorf("coverage reason\n%q, want\n%q", reason, c.reason)
			}
		})
	}
}

func logSpecOf(format string) *profiles.LogSpec { return &profiles.LogSpec{Time: format} }

// FuzzZoneAbbrevs reads arbitrary lines with abbreviations resolved in
// a zone with daylight saving time: no panic, and a time read is a real
// date whose wall clock is the line's (an abbreviation changes only the
// offset).
func FuzzZoneAbbrevs(f *testing.F) {
	for _, s := range []string{"2024-03-01 10:00:00.123 CET [1] x", "2024-10-27 02:30:00 CEST", "2024-03-01 10:00:00 IST",
		"2024-03-01 10:00:00,000 INFO x", "2024-03-01 10:00:00 ABCDEF", "2024-03-01 10:00:00 Z", "2024-03-01T10:00:00 UTC"} {
		f.Add(s)
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Skipf("no zone database: %v", err)
	}
	iso, _ := parserFor(logSpecOf("iso8601"))
	ymd, _ := parserFor(logSpecOf("ymd"))
	f.Fuzz(func(t *testing.T, line string) {
		tc := &timeCtx{loc: loc, zs: newZoneState(loc), ref: time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)}
		for _, p := range []*timeParser{iso, ymd} {
			got, ok := p.parse([]byte(line), tc)
			if !ok {
				continue
			}
			if got.Year() < 1900 || got.Year() >= 2200 {
				t.Fatalf("%s read %q as %v", p.name, line, got)
			}
			plain, ok0 := p.parse([]byte(line), &timeCtx{loc: loc, ref: tc.ref})
			const wall = "2006-01-02 15:04:05.999999999"
			if ok0 && got.Format(wall) != plain.Format(wall) {
				t.Fatalf("%s read %q as %v, %v without abbreviations: not its wall clock", p.name, line, got, plain)
			}
		}
		tc.zs.noteList("f")
	})
}

// TestZoneAbbrevNoAlloc: a word after the stamp (the level of a log4j
// line) costs no allocation.
func TestZoneAbbrevNoAlloc(t *testing.T) {
	log4j, _ := parserFor(logSpecOf("log4j"))
	tc := &timeCtx{loc: time.UTC, zs: newZoneState(time.UTC)}
	line := []byte("2024-03-01 10:00:00,000 INFO  x")
	if n := testing.AllocsPerRun(100, func() { log4j.parse(line, tc) }); n != 0 {
		t.Errorf("%v allocations a line", n)
	}
}
