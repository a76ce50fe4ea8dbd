package profiles

// Record helpers of the profile language (docs/profiles.md, "Texts are
// templates"): list work written once in Go so that profiles do not
// carry state through reduce.

// carryDown returns copies of the records of list in which each named
// field left empty ("" or missing) takes the last value it had in the
// records above: a header line's value carries down to the lines under
// it (ls -R's "dir:" headers, "Ring parameters for eth0:"). Fields are
// named outermost first: a new value of one clears the fields after it
// (a new interface starts without a part). Other elements are kept as
// they are.
func carryDown(list any, fields ...string) []any {
	xs, _ := list.([]any)
	out := make([]any, 0, len(xs))
	state := make([]any, len(fields))
	for _, x := range xs {
		rec, ok := x.(map[string]any)
		if !ok {
			out = append(out, x)
			continue
		}
		cp := make(map[string]any, len(rec)+len(fields))
		for k, v := range rec {
			cp[k] = v
		}
		for i, f := range fields {
			if v := rec[f]; v != nil && v != "" {
				state[i] = v
				for j := i + 1; j < len(fields); j++ {
					if w := rec[fields[j]]; w == nil || w == "" {
						state[j] = nil
					}
				}
			}
		}
		for i, f := range fields {
			if v := rec[f]; v == nil || v == "" {
				if state[i] != nil {
					cp[f] = state[i]
				} else {
					cp[f] = ""
				}
			}
		}
		out = append(out, cp)
	}
	return out
}
