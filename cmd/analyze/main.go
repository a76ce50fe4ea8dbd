// Command analyze reads casefile bundles (and the raw log folders and
// archives customers send instead) without extracting them, verifies
// their integrity and signer, and writes a diagnosis as text, JSON or one
// self-contained HTML page.
//
//	analyze BUNDLE... [flags]
//
// Exit status: 0 no finding at or above --fail-on, 1 there is one, 2 the
// input or the command line was refused (one line on stderr, no report
// written). A crash of the Go runtime (a fatal error, an unrecovered
// panic) never exits 2: it ends with SIGABRT (internal/crash). See
// docs/report.md.
package main

import (
	"os"
	"runtime/debug"

	"casefile/internal/crash"
	"casefile/internal/gctune"

	_ "time/tzdata" // zones for --timezone and raw logs on hosts without a zone database (Windows)
)

func main() {
	crash.Setup()
	tuneGC()
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// tuneGC sets the collector (docs/engine.md, Cost): collect when the
// memory in use reaches gcFloor or, above it, when the heap has grown by
// half of what is live (the pass keeps a bounded set of records but makes
// garbage at the speed of the input: collecting at half the live heap
// instead of all of it keeps peak memory near what is live for about 4%
// more CPU), and harder near 192 MiB rather than let the heap double.
// GOGC or GOMEMLIMIT in the environment override.
func tuneGC() {
	gogc, limit := os.Getenv("GOGC"), os.Getenv("GOMEMLIMIT")
	if gogc == "" && limit == "" {
		gctune.Start(gcFloor, 192<<20, 50)
		return
	}
	if limit == "" {
		debug.SetMemoryLimit(192 << 20)
	}
	if gogc == "" {
		debug.SetGCPercent(50)
	}
}

// gcFloor is the memory in use below which analyze does not collect
// (gctune): about what one bundle's pass takes anyway (its chunks in
// flight, the walk's buffers, the compiled profiles; measured with
// scripts/bench-analyze-dense.sh: 24 MiB made the 20 bundles' run collect
// by what was live again, 32 MiB raised one bundle's peak).
const gcFloor = 28 << 20
