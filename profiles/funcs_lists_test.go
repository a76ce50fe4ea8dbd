package profiles

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestConsecutive: the neighbours whose values are a then b, as pairs;
// records by their value or a named field, plain values as they are; a
// run of three gives two overlapping pairs.
func TestConsecutive(t *testing.T) {
	rec := func(v, s string) any { return map[string]any{"value": v, "state": s} }
	s1, s2, e1, s3, s4, s5 := rec("START", "a"), rec("START", "b"), rec("EXIT", "b"), rec("START", "c"), rec("START", "c"), rec("START", "d")
	got, err := consecutive([]any{s1, s2, e1, s3, s4, s5}, "START", "START")
	if err != nil {
		t.Fatal(err)
	}
	want := []any{[]any{s1, s2}, []any{s3, s4}, []any{s4, s5}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("consecutive START START (-want +got):\n%s", diff)
	}
	got, _ = consecutive([]any{s1, s2, e1, s3, s4, s5}, "b", "c", "state")
	if diff := cmp.Diff([]any{[]any{e1, s3}}, got); diff != "" {
		t.Errorf("by field state (-want +got):\n%s", diff)
	}
	got, _ = consecutive([]any{"up", "down", "up", "down"}, "down", "up")
	if diff := cmp.Diff([]any{[]any{"down", "up"}}, got); diff != "" {
		t.Errorf("plain values (-want +got):\n%s", diff)
	}
	if got, _ := consecutive(nil, "a", "a"); len(got) != 0 {
		t.Errorf("nil list: %v", got)
	}
	if _, err := consecutive(nil, "a", "a", "x", "y"); err == nil {
		t.Error("two field names: no error")
	}
}

// TestDuplicates: values seen more than once, each once, in the order
// they first appear; nil left out.
func TestDuplicates(t *testing.T) {
	got := duplicates([]any{"b", "a", nil, "c", "a", "b", "b", nil})
	if diff := cmp.Diff([]any{"b", "a"}, got); diff != "" {
		t.Errorf("duplicates (-want +got):\n%s", diff)
	}
	if got := duplicates([]any{"a", "b"}); len(got) != 0 {
		t.Errorf("no duplicates: %v", got)
	}
}

// TestMostOften: counts, most often first, equals by value; a limit; nil
// left out, "" counted like any value.
func TestMostOften(t *testing.T) {
	vals := []any{"/etc/b", "/etc/a", "/etc/c", "/etc/b", nil, "/etc/c", "/etc/b", ""}
	got, err := mostOften(vals)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{"/etc/b (3)", "/etc/c (2)", " (1)", "/etc/a (1)"}, got); diff != "" {
		t.Errorf("most_often (-want +got):\n%s", diff)
	}
	got, _ = mostOften(vals, 2)
	if diff := cmp.Diff([]any{"/etc/b (3)", "/etc/c (2)"}, got); diff != "" {
		t.Errorf("most_often 2 (-want +got):\n%s", diff)
	}
	if got, _ := mostOften(nil, 5); len(got) != 0 {
		t.Errorf("nil: %v", got)
	}
}

// TestFlagsSet: a column is set when any flag string of the right length
// has another character there than the unset one.
func TestFlagsSet(t *testing.T) {
	names := []any{"checksum", "link", "mode", "owner"}
	got, err := flagsSet([]any{"C---", "---U", "", "CLMUX"}, names)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{"checksum", "owner"}, got); diff != "" {
		t.Errorf("flags_set (-want +got):\n%s", diff)
	}
	got, _ = flagsSet("S.5.", names, ".")
	if diff := cmp.Diff([]any{"checksum", "mode"}, got); diff != "" {
		t.Errorf("one string, unset '.' (-want +got):\n%s", diff)
	}
	if got, _ := flagsSet(nil, names); len(got) != 0 {
		t.Errorf("nil flags: %v", got)
	}
}
