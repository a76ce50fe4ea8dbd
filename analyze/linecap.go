package analyze

// The line-length cap (issue 12): a hostile or broken log can hold lines
// of megabytes. Matching (the literal prefilter, rule and fact patterns,
// timestamps, splitting pasted records) sees only the first MaxMatchLine
// bytes of each line, so the pass is linear in input bytes whatever the
// line length. The rest of a longer line is still read, hashed and counted
// (it is one line), but nothing in it is matched. docs/engine.md and
// docs/input.md promise this; BenchmarkLongLine measures it.
//
// This file is the scanner's only hook for the cap: scan.go calls
// matchable on each line it matches, and skips the continuation of a line
// longer than a chunk (chunkSize > MaxMatchLine); prefilter.go stops
// searching a line at MaxMatchLine.

// MaxMatchLine is how many bytes of one line matching sees.
const MaxMatchLine = 64 << 10

// matchable is the part of line that matching sees.
func matchable(line []byte) []byte {
	if len(line) > MaxMatchLine {
		return line[:MaxMatchLine]
	}
	return line
}

// A chunk must be longer than the cap, so that only the first chunk of a
// long line is matched.
// (A negative constant does not convert to uint: this fails to compile
// otherwise.)
const _ = uint(chunkSize - MaxMatchLine - 1)
