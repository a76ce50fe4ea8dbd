package analyze

import "fmt"

// The span a log covers, written once: from its oldest line to the
// collection (a live log is silent, not ended, until it is collected), or
// to its newest line (docs/profiles.md, "Helpers"). It knows nothing of
// a product.

// addSpanHelpers binds log_span over the oldest and newest helpers of m.
func addSpanHelpers(m map[string]any) {
	m["log_span"] = func(args ...any) ([]any, error) { return logSpanHelper(m, args...) }
}

// logSpanHelper is log_span(globs[, end]): [from, to], where from is the oldest
// line time of the first glob whose members have one and to is end when
// end is set, else the newest line time of the first glob that has one.
// A glob may be given alone, as a string.
func logSpanHelper(m map[string]any, args ...any) ([]any, error) {
	if len(args) < 1 || len(args) > 2 {
		return nil, fmt.Errorf("log_span takes a list of globs and optionally the end")
	}
	var globs []any
	switch g := args[0].(type) {
	case []any:
		globs = g
	case string:
		globs = []any{g}
	default:
		return nil, fmt.Errorf("log_span: the globs must be a list of strings, not %T", args[0])
	}
	first := func(name string) (any, error) {
		f, ok := m[name].(func(any) (any, error))
		if !ok {
			return nil, fmt.Errorf("log_span: no %s here", name)
		}
		for _, g := range globs {
			t, err := f(g)
			if err != nil {
				return nil, err
			}
			if t != nil {
				return t, nil
			}
		}
		return nil, nil
	}
	from, err := first("oldest")
	if err != nil {
		return nil, err
	}
	var end any
	if len(args) == 2 {
		end = args[1]
	}
	if end == nil {
		if end, err = first("newest"); err != nil {
			return nil, err
		}
	}
	return []any{from, end}, nil
}
