package analyze

import (
	"context"

	"casefile/analyze/input"
)

// InputCases opens path as Run would and returns the case id (collect
// --case) of each input found in it, "" for an input without one (raw
// logs, a bundle collected without --case). It reads the manifests only,
// and keeps nothing: analyze --each groups inputs by case with it before
// analyzing each group. An error is the one Run would report for path,
// or a lesser one (InputCases does not know the profile's raw log
// shapes): the caller analyzes such an input alone and Run says why.
func InputCases(ctx context.Context, path string, opts Options) ([]string, error) {
	ins, err := input.Open(ctx, path, opts.inputOptions())
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ins))
	for i, in := range ins {
		if in.Manifest != nil {
			out[i] = in.Manifest.Case
		}
		in.Release()
	}
	return out, nil
}
