package profiles

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Record-level parsing of logs (docs/profiles.md, "Multi-line records",
// "Counted lines: weight" and "A log's time zone"): a log's continuation
// lines, the weight capture of a match rule and a log's time zone.

// zoneFactRe is a timezone written as a fact: "{log_timezone}".
var zoneFactRe = regexp.MustCompile(`^\{\s*([a-z][a-z0-9_]*)\s*\}$`)

// ZoneFact returns the fact a log's timezone names ("{log_timezone}"),
// or "" when it is a zone name or empty.
func ZoneFact(tz string) string {
	if m := zoneFactRe.FindStringSubmatch(strings.TrimSpace(tz)); m != nil {
		return m[1]
	}
	return ""
}

// LoadZone reads a zone as a log's timezone or a fact's value may give
// it: an IANA name ("Europe/Berlin", "UTC"), a fixed offset ("+02:00",
// "-0500", "+09"), or the same with surrounding quotes and spaces, as a
// config file writes it (log_timezone = 'Europe/Berlin').
func LoadZone(name string) (*time.Location, error) {
	name = strings.Trim(strings.TrimSpace(name), `'"`)
	switch {
	case name == "":
		return nil, fmt.Errorf("empty time zone")
	case name == "Local" || strings.ContainsAny(name, " \t\\") || strings.Contains(name, ".."):
		return nil, fmt.Errorf("time zone %q: want a zone name (Europe/Berlin) or an offset (+02:00)", name)
	case name[0] == '+' || name[0] == '-':
		for _, layout := range []string{"-07:00", "-0700", "-07"} {
			if t, err := time.Parse(layout, name); err == nil {
				_, off := t.Zone()
				return time.FixedZone(name, off), nil
			}
		}
		return nil, fmt.Errorf("time zone %q: want a zone name (Europe/Berlin) or an offset (+02:00)", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q is not known", name)
	}
	return loc, nil
}

// stampedLines are a line of each built-in format: a continuation
// pattern must not take it.
var stampedLines = map[string]string{
	"yymmdd": "24/03/01 10:00:00 x", "ymd": "2024-03-01 10:00:00 x", "syslog": "Mar  1 10:00:00 host x",
	"iso8601": "2024-03-01T10:00:00Z x", "log4j": "2024-03-01 10:00:00,000 INFO x",
	"iso_or_compact": "2024-03-01 10:00:00 x", "ctime": "[Fri Mar 01 10:00:00 2024] x",
	"embedded_iso": "ERROR : [2024-03-01T10:00:00+0000] x",
}

// checkLogRecords validates a logs entry's continuation and timezone.
func checkLogRecords(l LogSpec, facts []Fact) error {
	if c := l.Continuation; c != nil {
		sample, ok := stampedLines[TimeFormat(l.Time)]
		if !ok {
			sample = "2024-03-01 10:00:00 x"
		}
		if c.Re.MatchString(sample) {
			return fmt.Errorf("continuation %q matches a line with a time stamp (%q): every line would join the record above (anchor it: '^\\s+at ')", c.Src, sample)
		}
		if l.Split {
			return fmt.Errorf("continuation and split cannot be used together (a record is whole lines)")
		}
		if l.Order == "newest-first" {
			return fmt.Errorf("continuation needs oldest-first order (the record's first line comes before its continuation lines)")
		}
	}
	if tz := strings.TrimSpace(l.Timezone); tz != "" {
		if f := ZoneFact(tz); f != "" {
			for _, x := range facts {
				if x.Name == f {
					return nil
				}
			}
			return fmt.Errorf("timezone names fact %q, which the profile does not declare", f)
		}
		if strings.ContainsAny(tz, "{}") {
			return fmt.Errorf("timezone %q: write a zone name (Europe/Berlin) or one fact in braces ('{log_timezone}')", tz)
		}
		if _, err := LoadZone(tz); err != nil {
			return err
		}
	}
	return nil
}

// checkWeight validates a match rule's weight: one of its captures.
func checkWeight(r *Rule, captures []string) error {
	if r.Match == nil || r.Match.Weight == "" {
		return nil
	}
	for _, c := range captures {
		if c == r.Match.Weight {
			return nil
		}
	}
	return fmt.Errorf("weight %q is not a named capture of the rule's patterns", r.Match.Weight)
}
