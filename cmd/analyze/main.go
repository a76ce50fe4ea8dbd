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

	_ "time/tzdata" // zones for --timezone and raw logs on hosts without a zone database (Windows)
)

func main() {
	crash.Setup()
	if os.Getenv("GOMEMLIMIT") == "" {
		// Collect garbage harder near 192 MiB rather than let the heap
		// double: peak memory stays near what is live (docs/input.md).
		debug.SetMemoryLimit(192 << 20)
	}
	// The pass keeps a bounded set of records but makes garbage at the
	// speed of the input: collecting at half the live heap instead of
	// all of it keeps peak memory near 100 MiB on dense logs for about 4%
	// more CPU (docs/engine.md, Cost). GOGC overrides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}
