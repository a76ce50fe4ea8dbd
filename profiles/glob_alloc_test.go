package profiles

import "testing"

// TestMatchGlobAllocs: matching allocates nothing for usual paths (the
// engine matches every member against every glob).
func TestMatchGlobAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		if ok, _ := MatchGlob("files/**/epp.log*", "files/opt/tivoli/EPProxy/epp.log.12"); !ok {
			t.Fatal("no match")
		}
	})
	if n != 0 {
		t.Errorf("%v allocations per match", n)
	}
}
