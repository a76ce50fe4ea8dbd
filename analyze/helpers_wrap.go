package analyze

import (
	"fmt"
	"time"
)

// wrapHelper is wrap(x, before[, after]), the text helper for an optional
// piece of a sentence: before + x + after when x has a value, "" when x
// is nil, "" or an empty list, so that a text need not write
// `x != "" ? " (" + x + ")" : ""`. x prints as a text's hole does.
func wrapHelper(loc *time.Location) func(args ...any) (string, error) {
	return func(args ...any) (string, error) {
		if len(args) < 2 || len(args) > 3 {
			return "", fmt.Errorf("wrap takes a value, the text before it and optionally the text after it")
		}
		s := formatValue(args[0], loc)
		if s == "" {
			return "", nil
		}
		after := ""
		if len(args) == 3 {
			after = toString(args[2])
		}
		return toString(args[1]) + s + after, nil
	}
}
