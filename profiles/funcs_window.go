package profiles

import (
	"fmt"
	"strings"
	"time"
)

// Helpers over records by time and over lists (docs/profiles.md,
// "Helpers"): the windows, runs and first values that profiles otherwise
// spell out with filter, ternaries and reduce. Written once here; they
// know nothing of a product.

// spread is spread(times): how far apart the earliest and the latest of
// the times are (nil and zero times left out); 0 for fewer than two.
func spread(list any) time.Duration {
	xs, _ := list.([]any)
	var lo, hi time.Time
	for _, x := range xs {
		t, ok := x.(time.Time)
		if !ok || t.IsZero() {
			continue
		}
		if lo.IsZero() || t.Before(lo) {
			lo = t
		}
		if hi.IsZero() || t.After(hi) {
			hi = t
		}
	}
	return hi.Sub(lo)
}

// helperDuration reads a window length: a time.Duration, a duration
// string ("10m", "1h", "0s"), or a number of seconds.
func helperDuration(x any) (time.Duration, error) {
	switch d := x.(type) {
	case nil:
		return 0, nil
	case time.Duration:
		return d, nil
	case string:
		if strings.TrimSpace(d) == "0" {
			return 0, nil
		}
		return ParseDuration(d)
	case int, int64, float64:
		return time.Duration(LeadingNumber(d) * float64(time.Second)), nil
	}
	return 0, fmt.Errorf("%v is not a duration", x)
}

// recordTime is the time of a record (a map with a "time" field).
func recordTime(x any) (time.Time, bool) {
	rec, ok := x.(map[string]any)
	if !ok {
		return time.Time{}, false
	}
	t, ok := rec["time"].(time.Time)
	return t, ok && !t.IsZero()
}

// inWindow keeps the records of list whose time lies in [from, to].
// Records without a time are left out.
func inWindow(list any, from, to time.Time) []any {
	xs, _ := list.([]any)
	out := []any{}
	for _, x := range xs {
		if t, ok := recordTime(x); ok && !t.Before(from) && !t.After(to) {
			out = append(out, x)
		}
	}
	return out
}

// nearHelper is near(records, t, before[, after]): the records whose time
// lies from before ahead of t to after past it (after defaults to 0), in
// their order; an empty list when t is nil.
func nearHelper(args ...any) ([]any, error) {
	if len(args) < 3 || len(args) > 4 {
		return nil, fmt.Errorf("near takes records, a time, the window before it and optionally the window after it")
	}
	t, ok := args[1].(time.Time)
	if !ok || t.IsZero() {
		return []any{}, nil
	}
	before, err := helperDuration(args[2])
	if err != nil {
		return nil, fmt.Errorf("near: %v", err)
	}
	var after time.Duration
	if len(args) == 4 {
		if after, err = helperDuration(args[3]); err != nil {
			return nil, fmt.Errorf("near: %v", err)
		}
	}
	return inWindow(args[0], t.Add(-before), t.Add(after)), nil
}

// betweenHelper is between(records, from[, to]): the records whose time
// lies from from to to, or from from on without to; an empty list when
// from (or a given to) is nil.
func betweenHelper(args ...any) ([]any, error) {
	if len(args) < 2 || len(args) > 3 {
		return nil, fmt.Errorf("between takes records, a time from and optionally a time to")
	}
	f, ok := args[1].(time.Time)
	if !ok || f.IsZero() {
		return []any{}, nil
	}
	to := time.Unix(1<<62, 0)
	if len(args) == 3 {
		t, ok := args[2].(time.Time)
		if !ok || t.IsZero() {
			return []any{}, nil
		}
		to = t
	}
	return inWindow(args[0], f, to), nil
}

// inSpan is in_span(t, span): span is [from, to] and t lies from from to
// to; false when any of them is nil (a log that reaches back to t and
// goes on past it).
func inSpan(t, span any) bool {
	x, ok := t.(time.Time)
	sp, _ := span.([]any)
	if !ok || x.IsZero() || len(sp) != 2 {
		return false
	}
	f, ok1 := sp[0].(time.Time)
	to, ok2 := sp[1].(time.Time)
	return ok1 && ok2 && !f.IsZero() && !to.IsZero() && !x.Before(f) && !x.After(to)
}

// beforeHelper is before(a, b): time a is earlier than time b; false when
// either is nil (an incident before the oldest line of a log).
func beforeHelper(a, b any) bool {
	x, ok1 := a.(time.Time)
	y, ok2 := b.(time.Time)
	return ok1 && ok2 && !x.IsZero() && !y.IsZero() && x.Before(y)
}

// changesHelper is changes(records[, field]): the records whose field
// (default "value") differs from the record before: the first record of
// each run of equal values (a state log's changes of state).
func changesHelper(list any, field ...string) ([]any, error) {
	if len(field) > 1 {
		return nil, fmt.Errorf("changes takes records and optionally one field name")
	}
	f := "value"
	if len(field) == 1 {
		f = field[0]
	}
	xs, _ := list.([]any)
	out := []any{}
	var prev any
	for i, x := range xs {
		var v any = x
		if rec, ok := x.(map[string]any); ok {
			v = rec[f]
		}
		if i == 0 || fmt.Sprint(v) != fmt.Sprint(prev) {
			out = append(out, x)
		}
		prev = v
	}
	return out, nil
}

// FirstSet is first_set(list): the first element that is not nil, "" or
// an empty list (the first bundle that knows a fact); nil when none is.
func FirstSet(list any) any {
	xs, _ := list.([]any)
	for _, x := range xs {
		switch v := x.(type) {
		case nil:
			continue
		case string:
			if v == "" {
				continue
			}
		case []any:
			if len(v) == 0 {
				continue
			}
		}
		return x
	}
	return nil
}

// pathDir is path_dir(path[, depth]): the folder of a path ("/usr/lib"
// for "/usr/lib/libc.so"), "" for a bare name; with depth, at most that
// many folders deep ("/usr/lib" for "/usr/lib/x86_64/libc.so" at 2).
func pathDir(p any, depth ...any) (string, error) {
	if len(depth) > 1 {
		return "", fmt.Errorf("path_dir takes a path and optionally a depth")
	}
	s := ToString(p)
	i := strings.LastIndex(s, "/")
	if i < 0 {
		return "", nil
	}
	dir := s[:i]
	if len(depth) == 1 {
		n := int(LeadingNumber(depth[0]))
		if strings.HasPrefix(dir, "/") {
			n++ // the empty part before the leading slash
		}
		if parts := strings.Split(dir, "/"); len(parts) > n {
			dir = strings.Join(parts[:n], "/")
		}
	}
	return dir, nil
}
