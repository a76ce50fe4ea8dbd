package analyze

import (
	"io"
	"os"
	"runtime"
	"slices"

	"casefile/analyze/input"
)

// inputOptions are the input.Options every reading of the inputs starts
// from (Run, InputCases for --each, a baseline's pass over the config
// texts, Templates): built in one place, so that none lacks standard
// input or the --max-expanded bound.
func (o Options) inputOptions() input.Options {
	in := input.Options{Identities: o.Identities, Raw: o.Profile != nil, Trust: o.Trust, Stdin: o.Stdin}
	if o.MaxExpanded > 0 {
		in.MaxTotalBytes, in.MaxTotalRatio = o.MaxExpanded, -1
	}
	return in
}

// replayStdin is for callers that read the inputs more than once (a
// baseline: the analysis, then the config texts). When paths name
// standard input, it is copied once to an unlinked temporary file (at
// most the total bound and a byte, so that the reading refuses what is
// larger) and each call of next gives a reader of it from the start; else
// next gives opts.Stdin. done removes the copy.
func replayStdin(paths []string, opts Options) (next func() io.Reader, done func(), err error) {
	if opts.Stdin == nil || !slices.Contains(paths, input.StdinPath) {
		return func() io.Reader { return opts.Stdin }, func() {}, nil
	}
	limit := opts.MaxExpanded
	if limit <= 0 {
		limit = input.DefaultMaxTotalBytes
	}
	f, err := os.CreateTemp("", "casefile-stdin-*")
	if err != nil {
		return nil, nil, &input.Error{Path: input.StdinPath, Reason: "cannot hold standard input: " + err.Error()}
	}
	if runtime.GOOS != "windows" {
		os.Remove(f.Name())
	}
	n, err := io.Copy(f, io.LimitReader(opts.Stdin, limit+1))
	if err != nil {
		f.Close()
		return nil, nil, &input.Error{Path: input.StdinPath, Reason: "reading standard input: " + err.Error()}
	}
	return func() io.Reader { return io.NewSectionReader(f, 0, n) }, func() { f.Close() }, nil
}
