package analyze

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestMinerMemoryFlat: what mining holds once the pass is over does not
// grow with the number of logs beyond a few hundred bytes a log (issue
// 13: one bundle of 10,000 members): each log's miner is freed when the
// log is read, and the templates kept share one budget across the logs;
// those beyond it are counted as dropped, not lost.
func TestMinerMemoryFlat(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.err
  title: "{hits} errors"
  explanation: x
  remedy: x
  match: {in: ["files/**/*.log*"], pattern: 'disk error \d+'}`)
	defer func(b int) { mineBudget = b }(mineBudget)
	mineBudget = 64 << 10
	// held returns the heap in use after the pass of n logs (each with a
	// few templates of its own and some shared), mining on less off, and
	// the lines dropped and the templates kept.
	held := func(n int) (int64, int, int) {
		files := map[string]string{}
		for i := 0; i < n; i++ {
			var b strings.Builder
			for j := 0; j < 12; j++ {
				fmt.Fprintf(&b, "%s disk error %d\n%s session %d opened by %s\n%s log%s says %s %s\n",
					stamp(j), j, stamp(j), j, word(j%3), stamp(j), word(i), word(i*7+j%4), word(j%2))
			}
			files[fmt.Sprintf("files/var/log/app%d.log", i)] = b.String()
		}
		dir := bundleDirOf(t, files)
		var heap [2]int64
		dropped, kept := 0, 0
		for k, off := range []bool{true, false} {
			miningOff = off
			afterPass = func(states []*bundleState, sc *scanner) {
				// Twice: the pools' buffers (a chunk is 1 MiB) go.
				runtime.GC()
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				heap[k] = int64(ms.HeapAlloc)

				for _, b := range states {
					for _, m := range b.members {
						if lm := m.mine; lm != nil {
							if lm.mineWork != nil {
								t.Fatalf("%s: the miner is kept after the pass", m.path)
							}
							dropped += lm.dropped
							kept += int(lm.nKept)
						}
					}
				}
			}
			runWith(t, p, []string{dir}, Options{})
		}
		miningOff, afterPass = false, nil
		return heap[1] - heap[0], dropped, kept
	}
	small, _, _ := held(100)
	big, dropped, kept := held(800)
	t.Logf("held: 100 logs %d B, 800 logs %d B; %d templates kept, %d lines dropped", small, big, kept, dropped)
	// 287 bytes a log when a finished log kept its miner's empty fields
	// and its families listed it by path; 143 since (mineWork, famFile).
	if perLog := (big - small) / 700; perLog > 224 {
		t.Errorf("mining holds %d bytes more per log after the pass (100 logs: %d, 800: %d), want at most 224", perLog, small, big)
	}
	// 800 logs of 4 templates each: more than the budget keeps.
	if kept >= 4*800 || kept < 100 || dropped == 0 {
		t.Errorf("%d templates kept, %d lines dropped; want the budget's share kept and the rest dropped", kept, dropped)
	}
}
