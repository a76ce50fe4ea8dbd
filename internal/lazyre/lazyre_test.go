package lazyre

import (
	"sync"
	"testing"
)

// TestOnce: the expression is compiled once, the same for every caller,
// also from several goroutines at once; List keeps its order.
func TestOnce(t *testing.T) {
	re := New(`^a+$`)
	var wg sync.WaitGroup
	got := make([]any, 8)
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = re() }()
	}
	wg.Wait()
	for _, g := range got {
		if g != got[0] {
			t.Fatal("two compilations")
		}
	}
	if !re().MatchString("aaa") || re().MatchString("b") {
		t.Fatal("wrong expression")
	}
	l := List(`x`, `y`)()
	if len(l) != 2 || l[0].String() != "x" || l[1].String() != "y" {
		t.Fatalf("List = %v", l)
	}
}

// TestPanicsOnBadPattern: a bad pattern fails where it is first used, as
// regexp.MustCompile would at start-up (callers test that theirs compile).
func TestPanicsOnBadPattern(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	New(`(`)()
}
