package gctune

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestTune: after each collection the memory limit is what is live grown
// by the percent plus the runtime's own memory, never under the floor nor
// over the ceiling, and the runtime has it.
func TestTune(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	const mib = 1 << 20
	hold := func(n int) {
		held = nil
		for range n {
			held = append(held, make([]byte, mib))
		}
	}
	// limit collects until the tuner has set a limit that ok accepts.
	limit := func(tu *tuner, ok func(int64) bool) int64 {
		t.Helper()
		var got int64
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
			runtime.GC()
			time.Sleep(10 * time.Millisecond) // the finalizer's goroutine
			tu.mu.Lock()
			got = tu.limit
			tu.mu.Unlock()
			if ok(got) {
				if set := debug.SetMemoryLimit(-1); set != got {
					t.Fatalf("the tuner set %d MiB, the runtime has %d MiB", got>>20, set>>20)
				}
				return got
			}
		}
		t.Fatalf("the tuner's limit is %d MiB", got>>20)
		return 0
	}
	stop := func(tu *tuner) {
		tu.mu.Lock()
		tu.stopped = true
		tu.mu.Unlock()
	}

	tu := start(16*mib, 1<<30, 50)
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("GOGC %d, want off", got)
	}
	hold(40)
	// 40 MiB live: 60 MiB and the runtime's few.
	got := limit(tu, func(l int64) bool { return l >= 60*mib })
	if got > 72*mib {
		t.Errorf("40 MiB live: limit %d MiB, want 60 and the runtime's own", got>>20)
	}
	hold(0)
	limit(tu, func(l int64) bool { return l == 16*mib }) // the floor
	stop(tu)

	tu = start(16*mib, 48*mib, 50)
	hold(40)
	limit(tu, func(l int64) bool { return l == 48*mib }) // the ceiling
	stop(tu)
	held = nil
}

// held is what the test keeps live.
var held [][]byte
