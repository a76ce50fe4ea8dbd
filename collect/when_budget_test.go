package collect

import (
	"strings"
	"testing"

	"casefile/bundle"
)

// TestWhenBudget: a collect item's when runs on the analyzer's evaluator
// with the same budget (profiles.Eval): the nested loops that
// analyze's TestExprBudget stops as a rule's coverage error stop here too,
// with the same message, and the item is skipped as a failed when (not
// "not here"); the other items are collected.
func TestWhenBudget(t *testing.T) {
	p := basicWithItem(t, "", "  - id: loops-when\n    files: [/etc/app/app.conf]\n    when: 'let r = 1..2000; count(r, any(r, # == -1)) > 0'")
	res := run(t, testOptions(t, p, basicHost()))
	it := findItem(t, res.Manifest, "loops-when")
	const want = "expression exceeds its budget: more than 2000000 steps" // as analyze's TestExprBudget
	if it.ErrorKind != bundle.ErrSkipped || it.Optional || !strings.Contains(it.Error, want) {
		t.Errorf("loops-when: error_kind %q, optional %v, error %q; want a skipped item whose when failed with %q", it.ErrorKind, it.Optional, it.Error, want)
	}
	if it := findItem(t, res.Manifest, "app-config"); it.ErrorKind != "" {
		t.Errorf("app-config: %s %s, want it collected", it.ErrorKind, it.Error)
	}
}
