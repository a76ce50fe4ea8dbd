// Package gctune sets the garbage collector of a command whose live heap
// is small and whose garbage comes at the speed of its input (analyze):
// it collects when the memory in use reaches a floor, or, once more is
// live than the floor leaves room for, when the heap has grown by a share
// of what is live (as GOGC does), up to a ceiling where it collects
// harder (as GOMEMLIMIT does).
//
// GOGC alone sets the heap's next goal from what was live at the last
// collection, so peak memory follows the largest live heap a collection
// happened to see: a run over 20 bundles, with a little more live and 20
// times more collections to catch a chunk in flight, peaked 20-25% above
// one bundle though it held 2 MiB more. With the floor, every run whose
// live heap fits collects at the same memory, so that peak memory is flat
// in the number of bundles and members until what they hold needs more
// (issue 13).
package gctune

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Start tunes the collector: floor and ceiling are bytes of memory in use
// (as runtime/debug.SetMemoryLimit counts it), percent the growth of the
// heap over what is live between collections above the floor (as GOGC).
func Start(floor, ceiling int64, percent int) {
	start(floor, ceiling, percent)
}

func start(floor, ceiling int64, percent int) *tuner {
	t := &tuner{floor: floor, ceiling: ceiling, percent: int64(percent), samples: []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
	}}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(floor)
	t.arm()
	return t
}

type tuner struct {
	mu                      sync.Mutex
	floor, ceiling, percent int64
	samples                 []metrics.Sample
	limit                   int64 // last set (tests)
	stopped                 bool  // tests: no more tuning
}

// sentinel is garbage made to learn of each collection (its finalizer
// runs after the collection that freed it). It holds a pointer, so that
// it is not in a tiny block whose finalizer might never run.
type sentinel struct {
	_ *byte
	_ [3]uintptr
}

func (t *tuner) arm() {
	runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
		if t.tune() {
			t.arm()
		}
	})
}

// tune sets the memory limit after a collection: what is live, grown by
// percent, plus the runtime's memory besides the heap, between the floor
// and the ceiling. It reports false once stopped.
func (t *tuner) tune() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return false
	}
	metrics.Read(t.samples)
	v := func(i int) int64 {
		if t.samples[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return int64(t.samples[i].Value.Uint64())
	}
	live := v(0)
	other := v(1) - v(2) - v(3) - v(4) - v(5) // stacks, GC metadata, the runtime's own
	limit := max(t.floor, min(t.ceiling, live+live*t.percent/100+max(0, other)))
	t.limit = limit
	debug.SetMemoryLimit(limit)
	return true
}
