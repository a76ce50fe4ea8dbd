package slicesx

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUniq(t *testing.T) {
	in := []string{"b", "a", "b", "c", "a"}
	if d := cmp.Diff([]string{"b", "a", "c"}, Uniq(in)); d != "" {
		t.Errorf("Uniq (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"b", "a", "b", "c", "a"}, in); d != "" {
		t.Errorf("Uniq changed its input (-want +got):\n%s", d)
	}
	type pair struct{ a, b string }
	if got := Uniq([]pair{{"x", "y"}, {"x", "y"}, {"y", "x"}}); len(got) != 2 {
		t.Errorf("Uniq of structs = %v", got)
	}
	if got := Uniq([]string{}); got != nil {
		t.Errorf("Uniq of nothing = %#v, want nil", got)
	}
}

func TestSortedUniq(t *testing.T) {
	if d := cmp.Diff([]string{"a", "b", "c"}, SortedUniq([]string{"c", "a", "b", "a", "c"})); d != "" {
		t.Errorf("SortedUniq (-want +got):\n%s", d)
	}
	if got := SortedUniq([]string(nil)); got != nil {
		t.Errorf("SortedUniq(nil) = %#v", got)
	}
}
