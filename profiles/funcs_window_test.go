package profiles

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func recAt(v string, t time.Time) map[string]any {
	r := map[string]any{"value": v, "time": nil}
	if !t.IsZero() {
		r["time"] = t
	}
	return r
}

func values(xs []any) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x.(map[string]any)["value"].(string))
	}
	return out
}

// TestNearBetween: near keeps the records in [t-before, t+after], both
// ends included, leaves out records without a time, and gives an empty
// list for a nil time; between does the same for two times.
func TestNearBetween(t *testing.T) {
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	recs := []any{
		recAt("early", t0.Add(-61*time.Minute)),
		recAt("hour", t0.Add(-time.Hour)),
		recAt("untimed", time.Time{}),
		recAt("at", t0),
		recAt("after5", t0.Add(5*time.Minute)),
		recAt("after6", t0.Add(6*time.Minute)),
	}
	got, err := nearHelper(recs, t0, "1h", "5m")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"hour", "at", "after5"}, values(got)); diff != "" {
		t.Errorf("near 1h 5m (-want +got):\n%s", diff)
	}
	got, _ = nearHelper(recs, t0, 0, time.Duration(6*time.Minute))
	if diff := cmp.Diff([]string{"at", "after5", "after6"}, values(got)); diff != "" {
		t.Errorf("near 0 6m (-want +got):\n%s", diff)
	}
	got, _ = nearHelper(recs, t0, "0")
	if diff := cmp.Diff([]string{"at"}, values(got)); diff != "" {
		t.Errorf("near 0 (-want +got):\n%s", diff)
	}
	if got, err := nearHelper(recs, nil, "1h"); err != nil || len(got) != 0 || got == nil {
		t.Errorf("near of a nil time = %#v, %v; want an empty list", got, err)
	}
	if _, err := nearHelper(recs, t0, "soon"); err == nil {
		t.Error("near with a bad duration: no error")
	}
	if _, err := nearHelper(recs, t0); err == nil {
		t.Error("near without a window: no error")
	}
	got, _ = betweenHelper(recs, t0.Add(-time.Hour), t0)
	if diff := cmp.Diff([]string{"hour", "at"}, values(got)); diff != "" {
		t.Errorf("between (-want +got):\n%s", diff)
	}
	got, _ = betweenHelper(recs, t0.Add(time.Minute))
	if diff := cmp.Diff([]string{"after5", "after6"}, values(got)); diff != "" {
		t.Errorf("between without an end (-want +got):\n%s", diff)
	}
	if got, _ := betweenHelper(recs, nil, t0); len(got) != 0 {
		t.Errorf("between from nil = %v", got)
	}
	if got, _ := betweenHelper(recs, t0, nil); len(got) != 0 {
		t.Errorf("between to nil = %v", got)
	}
	if !inSpan(t0, []any{t0, t0.Add(time.Hour)}) || inSpan(t0, []any{t0.Add(time.Second), t0.Add(time.Hour)}) || inSpan(t0, []any{nil, t0}) || inSpan(nil, []any{t0, t0}) {
		t.Error("in_span: wrong for a time inside, outside or a nil end")
	}
	if !beforeHelper(t0, t0.Add(time.Second)) || beforeHelper(t0, t0) || beforeHelper(nil, t0) || beforeHelper(t0, nil) {
		t.Error("before: wrong for ordered, equal or nil times")
	}
}

// TestChangesFirstSetPathDir: changes keeps the first record of each run
// of equal values; first_set skips nil, "" and empty lists; path_dir cuts
// a path to its folder, at most depth deep.
func TestChangesFirstSetPathDir(t *testing.T) {
	var t0 time.Time
	recs := []any{recAt("active", t0), recAt("active", t0), recAt("failed", t0), recAt("active", t0)}
	got, err := changesHelper(recs)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"active", "failed", "active"}, values(got)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	byState := []any{map[string]any{"value": "1", "state": "a"}, map[string]any{"value": "2", "state": "a"}}
	if got, _ := changesHelper(byState, "state"); len(got) != 1 {
		t.Errorf("changes by state kept %d records, want 1", len(got))
	}
	if got, _ := changesHelper(nil); got == nil || len(got) != 0 {
		t.Errorf("changes of nil = %#v, want an empty list", got)
	}
	if got := FirstSet([]any{nil, "", []any{}, "b", "c"}); got != "b" {
		t.Errorf("first_set = %v, want b", got)
	}
	if got := FirstSet([]any{nil, ""}); got != nil {
		t.Errorf("first_set of nothing = %v, want nil", got)
	}
	for _, c := range []struct {
		path  string
		depth []any
		want  string
	}{
		{"/usr/lib/x86_64/libc.so", nil, "/usr/lib/x86_64"},
		{"/usr/lib/x86_64/libc.so", []any{2}, "/usr/lib"},
		{"/etc/passwd", []any{2}, "/etc"},
		{"/passwd", []any{2}, ""},
		{"a/b/c/d", []any{2}, "a/b"},
		{"name", nil, ""},
	} {
		if got, _ := pathDir(c.path, c.depth...); got != c.want {
			t.Errorf("path_dir(%q, %v) = %q, want %q", c.path, c.depth, got, c.want)
		}
	}
}

// TestSpread: the distance between the earliest and the latest time, nil
// left out, 0 for fewer than two times.
func TestSpread(t *testing.T) {
	t0 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	if got := spread([]any{t0.Add(time.Hour), nil, t0, t0.Add(30 * time.Minute)}); got != time.Hour {
		t.Errorf("spread = %v, want 1h", got)
	}
	if got := spread([]any{t0, nil}); got != 0 {
		t.Errorf("spread of one time = %v, want 0", got)
	}
}

// TestChangesOfValues: of plain values, changes folds each run of equal
// consecutive values into one (the steps a negotiation went through);
// equal values apart stay; nil or a non-list is an empty list.
func TestChangesOfValues(t *testing.T) {
	tests := []struct {
		in   any
		want []any
	}{
		{[]any{"A", "A", "B", "A", "A"}, []any{"A", "B", "A"}},
		{[]any{1, 1, 1}, []any{1}},
		{[]any{}, []any{}},
		{nil, []any{}},
		{"A", []any{}},
	}
	for _, tc := range tests {
		got, err := changesHelper(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("changes(%v) (-want +got):\n%s", tc.in, diff)
		}
	}
}
