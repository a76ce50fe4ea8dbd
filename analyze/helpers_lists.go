package analyze

import "reflect"

// List helpers of the profile language (docs/profiles.md, "Texts are
// templates"): list work written once in Go so that profiles do not
// fold lists with reduce.

// addListHelpers binds the list helpers.
func addListHelpers(m map[string]any) {
	m["squeeze"] = squeeze
}

// squeeze returns list with each run of equal consecutive elements
// folded into one: the steps a negotiation went through, a repeated
// state counted once (["A", "A", "B", "A"] is ["A", "B", "A"]). nil or a
// value that is not a list gives an empty list.
func squeeze(list any) []any {
	xs, _ := list.([]any)
	out := make([]any, 0, len(xs))
	for i, x := range xs {
		if i > 0 && reflect.DeepEqual(x, xs[i-1]) {
			continue
		}
		out = append(out, x)
	}
	return out
}
