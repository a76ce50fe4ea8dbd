package analyze

import (
	"fmt"
	"slices"
	"testing"
	"unsafe"
)

// TestShareLines: overlapping excerpts of a member keep their lines but
// hold one copy of each (windows into one run); excerpts apart, and a
// run whose copies of a line differ, are left as they are.
func TestShareLines(t *testing.T) {
	ex := func(start, n int, tag string) *excerpt {
		e := &excerpt{start: start}
		for i := range n {
			e.lines = append(e.lines, fmt.Sprintf("line %d%s", start+i, tag))
		}
		return e
	}
	a, b, c, far := ex(1, 21, ""), ex(11, 21, ""), ex(31, 5, ""), ex(100, 21, "")
	m := &member{ex: &memberEx{excerpts: []*excerpt{a, far}, exTail: []*excerpt{c, b}}}
	want := map[*excerpt][]string{}
	before := 0
	for _, e := range []*excerpt{a, b, c, far} {
		want[e] = slices.Clone(e.lines)
		before += excerptSize(e)
	}
	saved := m.shareLines()
	for e, w := range want {
		if !slices.Equal(e.lines, w) {
			t.Errorf("excerpt at %d: %q, want %q", e.start, e.lines, w)
		}
		if e != far && cap(e.lines) != len(e.lines) {
			t.Errorf("excerpt at %d: capacity %d beyond its %d lines (an append would write into the run)", e.start, cap(e.lines), len(e.lines))
		}
	}
	// b's line 11 is a's: one string, one array.
	if unsafe.StringData(a.lines[10]) != unsafe.StringData(b.lines[0]) || &a.lines[10] != &b.lines[0] || &b.lines[20] != &c.lines[0] {
		t.Error("overlapping excerpts do not share their lines")
	}
	// a, b and c hold 47 lines, 35 distinct: lines 11-21 and 31 are
	// saved, their strings and slots.
	dup := 0
	for _, n := range []int{11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 31} {
		dup += 24 + len(fmt.Sprintf("line %d", n))
	}
	if saved != dup {
		t.Errorf("saved %d bytes, want %d", saved, dup)
	}

	// The same line read differently: left alone.
	d, e := ex(1, 5, ""), ex(3, 5, "x")
	m = &member{ex: &memberEx{excerpts: []*excerpt{d, e}}}
	if saved := m.shareLines(); saved != 0 || d.lines[2] != "line 3" || e.lines[0] != "line 3x" {
		t.Errorf("differing lines: saved %d, lines %q and %q", saved, d.lines, e.lines)
	}
}
