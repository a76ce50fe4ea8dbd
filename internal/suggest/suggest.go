// Package suggest finds the known name nearest to a mistyped one, for
// "did you mean" hints in error messages (profile names, rule ids, keys).
package suggest

import "strings"

// Nearest returns the candidate closest to name by edit distance (case
// folded), or "" when none is close enough to be a plausible typo: within
// a third of the name's length, and at least 1 edit. A candidate that name
// is a prefix or suffix of (a rule id given without its profile) also counts.
func Nearest(name string, candidates []string) string {
	n := strings.ToLower(name)
	if n == "" {
		return ""
	}
	best, bestD := "", -1
	limit := max(1, len([]rune(n))/3)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == n {
			return c
		}
		d := distance(n, lc)
		if strings.HasSuffix(lc, "."+n) || strings.HasPrefix(lc, n+".") {
			d = 1
		}
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

// Hint is " (did you mean X?)" for the nearest candidate, or "".
func Hint(name string, candidates []string) string {
	if s := Nearest(name, candidates); s != "" && s != name {
		return " (did you mean " + s + "?)"
	}
	return ""
}

// distance is the Levenshtein distance between a and b, in runes, with
// an adjacent transposition counted as one edit.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
