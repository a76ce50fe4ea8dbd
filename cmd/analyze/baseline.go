package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"casefile/analyze"
	"casefile/analyze/report"
	"casefile/internal/safefile"
)

// baselineRun analyzes args for --baseline and --save-baseline. With
// --save-baseline it writes the file and returns a nil report.
func (e *env) baselineRun(ctx context.Context, o *options, args []string, opts analyze.Options) (*report.Report, error) {
	if o.saveBaseline != "" {
		_, snap, err := analyze.RunSnapshot(ctx, args, opts)
		if err != nil {
			return nil, err
		}
		err = safefile.WriteFile(o.saveBaseline, 0o644, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", " ")
			return enc.Encode(snap)
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %v", o.saveBaseline, err)
		}
		fmt.Fprintf(e.stdout, "analyze: baseline of %d %s saved to %s: %d findings, %d facts, %d templates, %d files\n",
			len(snap.Good), pluralWord(len(snap.Good), "input", "inputs"), report.CleanLine(o.saveBaseline),
			len(snap.Findings), len(snap.Facts), len(snap.Templates), snap.ConfigCount())
		return nil, nil
	}
	good, ok, err := analyze.LoadSnapshot(o.baseline)
	if err != nil {
		return nil, fmt.Errorf("--baseline %v", err)
	}
	if !ok {
		_, good, err = analyze.RunSnapshot(ctx, []string{o.baseline}, opts)
		if err != nil {
			return nil, err
		}
	}
	rep, bad, err := analyze.RunSnapshot(ctx, args, opts)
	if err != nil {
		return nil, err
	}
	rep.Baseline = analyze.Compare(good, bad)
	if ok {
		rep.Baseline.Good = append([]string{o.baseline + ":"}, rep.Baseline.Good...)
	}
	return rep, nil
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
