package profiles

import (
	"strings"
	"testing"
	"time"
)

// TestHelpersPrintInDisplayZone: helpers that print a time print it in the
// report's zone, whatever zone the bundle's times were read in (one clock
// per report: a count phrase said 06:12:41+01:00 beside 05:12:41Z).
func TestHelpersPrintInDisplayZone(t *testing.T) {
	bundleZone := time.FixedZone("CET", 3600)
	m := map[string]any{}
	Bind(m, &fakeScope{zone: bundleZone, display: time.UTC, end: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)})
	first := time.Date(2026, 3, 1, 6, 12, 41, 0, bundleZone)
	last := first.Add(2 * time.Hour)

	countPhrase := m["count_phrase"].(func(n, first, last any) string)
	clock := m["clock"].(func(t any) string)
	andList := m["and_list"].(func(x any) string)
	for _, tc := range []struct{ name, got, want string }{
		{"count_phrase once", countPhrase(1, first, first), "05:12:41"},
		{"count_phrase", countPhrase(3, first, last), "07:12:41"},
		{"clock", clock(first), "05:12:41"},
		{"and_list", andList([]any{first, last}), "07:12:41"},
	} {
		if !strings.Contains(tc.got, tc.want) || strings.Contains(tc.got, "+01:00") {
			t.Errorf("%s = %q, want the time in UTC (%s)", tc.name, tc.got, tc.want)
		}
	}
}
