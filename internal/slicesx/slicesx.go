// Package slicesx holds the slice helpers the standard library's slices
// package lacks, used across casefile's packages (one copy each).
package slicesx

import (
	"cmp"
	"slices"
)

// Uniq returns the elements of s in their order, each once (its first
// occurrence), in a new slice; nil when s is empty.
func Uniq[T comparable](s []T) []T {
	seen := make(map[T]bool, len(s))
	var out []T
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// SortedUniq sorts s in place and returns it with repeated elements
// removed (slices.Sort, then slices.Compact).
func SortedUniq[T cmp.Ordered](s []T) []T {
	slices.Sort(s)
	return slices.Compact(s)
}
