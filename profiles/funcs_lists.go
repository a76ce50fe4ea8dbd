package profiles

import (
	"fmt"
	"sort"
	"strconv"
)

// List helpers of the profile language (docs/profiles.md, "Texts are
// templates"): runs, tallies and flag columns that profiles otherwise
// spell out with index arithmetic, groupBy and sortBy. They know nothing
// of a product.

// fieldOfElem is an element's field (of a record) or the element itself
// (a plain value), as changes reads it.
func fieldOfElem(x any, f string) any {
	if rec, ok := x.(map[string]any); ok {
		return rec[f]
	}
	return x
}

// consecutive is consecutive(list, a, b[, field]): each pair of
// neighbours whose values are a, then b, as [first, second]: a START
// logged right after another START (consecutive(starts, "START",
// "START")), a reply before its request. Records are read by field
// (default value); a pair may share an element with the next.
func consecutive(list, a, b any, field ...string) ([]any, error) {
	if len(field) > 1 {
		return nil, fmt.Errorf("consecutive takes a list, two values and optionally one field name")
	}
	f := "value"
	if len(field) == 1 {
		f = field[0]
	}
	xs, _ := list.([]any)
	out := []any{}
	sa, sb := fmt.Sprint(a), fmt.Sprint(b)
	for i := 1; i < len(xs); i++ {
		if fmt.Sprint(fieldOfElem(xs[i-1], f)) == sa && fmt.Sprint(fieldOfElem(xs[i], f)) == sb {
			out = append(out, []any{xs[i-1], xs[i]})
		}
	}
	return out, nil
}

// duplicates is duplicates(values): the values that occur more than
// once, each once, in the order of their first occurrence (a name
// registered twice). nil is left out.
func duplicates(list any) []any {
	xs, _ := list.([]any)
	count := map[string]int{}
	for _, x := range xs {
		if x != nil {
			count[ToString(x)]++
		}
	}
	out := []any{}
	for _, x := range xs {
		if k := ToString(x); x != nil && count[k] > 1 {
			out = append(out, x)
			count[k] = 0
		}
	}
	return out
}

// mostOften is most_often(values[, n]): the distinct values with how
// often each occurs, as "value (count)", most often first and equals in
// the values' order as text; at most n of them when n is given. nil is
// left out.
func mostOften(list any, n ...any) ([]any, error) {
	if len(n) > 1 {
		return nil, fmt.Errorf("most_often takes a list and optionally how many")
	}
	xs, _ := list.([]any)
	count := map[string]int{}
	var keys []string
	for _, x := range xs {
		if x == nil {
			continue
		}
		k := ToString(x)
		if _, seen := count[k]; !seen {
			keys = append(keys, k)
		}
		count[k]++
	}
	sort.Slice(keys, func(i, j int) bool {
		if count[keys[i]] != count[keys[j]] {
			return count[keys[i]] > count[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if len(n) == 1 {
		if m := int(LeadingNumber(n[0])); m >= 0 && m < len(keys) {
			keys = keys[:m]
		}
	}
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k + " (" + strconv.Itoa(count[k]) + ")"
	}
	return out, nil
}

// flagsSet is flags_set(flags, names[, unset]): the names of the
// columns set in any of the flag strings, one character a column
// ("C-----UG--": a column is set when its character is not unset, "-"
// by default; "." for rpm -V's "S.5....T."), in the order of names.
// Strings of another length than names are left out.
func flagsSet(flags, names any, unset ...string) ([]any, error) {
	if len(unset) > 1 {
		return nil, fmt.Errorf("flags_set takes flag strings, column names and optionally the unset character")
	}
	off := "-"
	if len(unset) == 1 {
		off = unset[0]
	}
	cols, _ := names.([]any)
	var strs []string
	switch v := flags.(type) {
	case string:
		strs = []string{v}
	case []any:
		for _, x := range v {
			strs = append(strs, ToString(x))
		}
	}
	set := make([]bool, len(cols))
	for _, s := range strs {
		r := []rune(s)
		if len(r) != len(cols) {
			continue
		}
		for i, c := range r {
			if string(c) != off {
				set[i] = true
			}
		}
	}
	out := []any{}
	for i, ok := range set {
		if ok {
			out = append(out, cols[i])
		}
	}
	return out, nil
}
