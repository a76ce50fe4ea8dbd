package profiles

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestLogSpan: the span starts at the oldest line of the first glob that
// has a timed line and ends at the given end, else at the newest line of
// the first glob that has one; a bad glob argument is an error.
func TestLogSpan(t *testing.T) {
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	times := map[string][2]time.Time{
		"b.log": {t0, t0.Add(time.Hour)},
		"c.log": {t0.Add(-time.Hour), t0.Add(2 * time.Hour)},
	}
	m := map[string]any{}
	Bind(m, &fakeScope{times: times})
	span := m["log_span"].(func(...any) ([]any, error))
	end := t0.Add(3 * time.Hour)
	for _, c := range []struct {
		name string
		args []any
		want []any
	}{
		{"first with lines", []any{[]any{"a.log", "b.log", "c.log"}}, []any{t0, t0.Add(time.Hour)}},
		{"end given", []any{[]any{"a.log", "c.log"}, end}, []any{t0.Add(-time.Hour), end}},
		{"nil end", []any{[]any{"c.log"}, nil}, []any{t0.Add(-time.Hour), t0.Add(2 * time.Hour)}},
		{"one glob", []any{"b.log"}, []any{t0, t0.Add(time.Hour)}},
		{"no lines", []any{[]any{"a.log"}}, []any{nil, nil}},
	} {
		got, err := span(c.args...)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
	if _, err := span(42); err == nil {
		t.Error("log_span(42): no error")
	}
	if _, err := span(); err == nil {
		t.Error("log_span(): no error")
	}
}
