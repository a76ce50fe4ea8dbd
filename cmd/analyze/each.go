package main

// analyze --each: many inputs analyzed independently, in parallel, each
// report written into one folder beside index.json, fleet.json and
// index.html (docs/report.md, "Batch analysis").

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"casefile/analyze"
	"casefile/analyze/input"
	"casefile/analyze/report"
	"casefile/internal/safefile"
	"casefile/internal/version"
	"casefile/profiles"
)

// eachFlags are --each's flags.
type eachFlags struct {
	on   bool
	jobs int
}

func addEachFlags(f *pflag.FlagSet, o *eachFlags) {
	f.BoolVar(&o.on, "each", false, "analyze each input on its own (inputs of one case id together), in parallel, and write the reports, index.json, fleet.json and index.html into the folder -o names")
	f.IntVar(&o.jobs, "jobs", 0, "with --each: analyze at most `N` reports at once (default: the number of CPUs)")
}

// Names of the files --each writes beside the reports.
const (
	indexJSON = "index.json"
	indexHTML = "index.html"
	fleetJSON = "fleet.json"
)

// eachUnit is one report of a batch: the inputs analyzed together.
type eachUnit struct {
	n      int // 1-based place in the batch
	caseID string
	paths  []string
	name   string // report file base name
}

// builtinCache loads each built-in profile once for the whole batch
// (parsing one costs tens of milliseconds; a batch may hold hundreds of
// bundles of the same product).
func builtinCache() func(string) (*profiles.Profile, error) {
	type entry struct {
		p   *profiles.Profile
		err error
	}
	var mu sync.Mutex
	cache := map[string]entry{}
	return func(name string) (*profiles.Profile, error) {
		mu.Lock()
		defer mu.Unlock()
		e, ok := cache[name]
		if !ok {
			e.p, e.err = profiles.Builtin(name)
			cache[name] = e
		}
		return e.p, e.err
	}
}

// checkEach refuses what --each cannot do, before anything is read.
func (e *env) checkEach(cmd *cobra.Command, o *options) error {
	switch {
	case o.output == "" || o.output == safefile.Stdout:
		return refuse("--each needs -o DIR: the folder for the reports and their index")
	case cmd.Flags().Changed("format"):
		return refuse("--each writes every format (HTML, JSON and text): drop --format")
	case o.facts:
		return refuse("--each cannot be combined with --facts")
	case o.baseline != "" || o.saveBaseline != "":
		return refuse("--each cannot be combined with --baseline or --save-baseline")
	case o.each.jobs < 0:
		return refuse("--jobs %d: want a positive number", o.each.jobs)
	}
	return nil
}

// eachDir makes sure -o is a folder (made when missing).
func eachDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return refuse("-o %s: not a folder (--each writes a folder of reports)", dir)
	case err == nil:
		return nil
	case !errors.Is(err, os.ErrNotExist):
		return refuse("-o %s: %v", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return refuse("-o %s: %v", dir, err)
	}
	return nil
}

// runEach is --each: plan the units, analyze them with a bounded number
// of workers, and write each report as it is done. Rows of the index are
// written in the order of the inputs, whatever order the reports finish
// in: only rows are kept (a few hundred bytes each), never a report.
func (e *env) runEach(ctx context.Context, o *options, args []string, opts analyze.Options) error {
	for _, a := range args {
		if a == input.StdinPath {
			return refuse("--each reads files, not standard input (-)")
		}
	}
	dir := o.output
	if err := eachDir(dir); err != nil {
		return err
	}
	jobs := o.each.jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	e.progress(fmt.Sprintf("analyze: opening %d input%s…", len(args), pluralS(len(args))))
	units := planUnits(ctx, args, opts, jobs)
	jobs = max(1, min(jobs, len(units)))
	// The cores are shared between the reports made at once.
	per := opts
	per.Workers = max(1, runtime.GOMAXPROCS(0)/jobs)
	per.Progress, per.Facts = nil, nil
	per.Builtin = builtinCache()

	idx, err := safefile.Create(filepath.Join(dir, indexJSON), 0o644)
	if err != nil {
		return refuse("%v", err)
	}
	defer idx.Abort()
	enc := json.NewEncoder(idx)
	enc.SetEscapeHTML(false)

	type done struct {
		i   int
		row report.IndexRow
	}
	work := make(chan int)
	results := make(chan done, jobs)
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				results <- done{i, e.eachOne(ctx, o, dir, units[i], per)}
			}
		}()
	}
	go func() {
		defer close(work)
		for i := range units {
			select {
			case work <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	var (
		rows    []report.IndexRow
		fleet   report.Fleet
		worst   = exitOK
		next    int
		pending = map[int]report.IndexRow{}
		werr    error
	)
	for d := range results {
		pending[d.i] = d.row
		for {
			row, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if err := enc.Encode(row); err != nil && werr == nil {
				werr = err
			}
			if row.Error != "" {
				e.progress("")
				fmt.Fprintln(e.stderr, oneLine("analyze: "+row.Error))
			}
			// The fleet view and index.html need only the row.
			fleet.Add(row)
			row.Verification = trimList(row.Verification)
			rows = append(rows, row)
			worst = worseExit(worst, row.Exit)
			e.progress(fmt.Sprintf("analyze: %d of %d reports…", next, len(units)))
		}
	}
	e.progress("")
	if ctx.Err() != nil {
		return refuse("interrupted")
	}
	if werr != nil {
		return refuse("%s: %v", filepath.Join(dir, indexJSON), werr)
	}
	if err := idx.Commit(); err != nil {
		return refuse("%v", err)
	}
	ff := fleet.Findings()
	hosts := map[string]bool{}
	for _, r := range rows {
		for _, h := range r.Hosts {
			hosts[h] = true
		}
	}
	if err := writeJSONFile(filepath.Join(dir, fleetJSON), report.FleetFile{
		IndexVersion: report.IndexVersion, Reports: len(rows), Hosts: len(hosts), Findings: ff}); err != nil {
		return refuse("%v", err)
	}
	meta := report.IndexMeta{Generated: e.clock(), Tool: version.Tool + " " + version.String(), FailOn: o.failOn, Exit: worst, Zone: opts.DisplayZone}
	if err := safefile.WriteFile(filepath.Join(dir, indexHTML), 0o644, func(w io.Writer) error {
		return report.WriteIndexHTML(w, rows, ff, meta)
	}); err != nil {
		return refuse("%v", err)
	}
	fmt.Fprintf(e.stderr, "analyze: %d report%s in %s (%s); open %s\n", len(rows), pluralS(len(rows)),
		report.CleanLine(dir), verdictCounts(rows), report.CleanLine(filepath.Join(dir, indexHTML)))
	if worst != exitOK {
		return &exitError{code: worst}
	}
	return nil
}

func (e *env) clock() time.Time {
	if e.now != nil {
		return e.now()
	}
	return time.Now()
}

// trimList keeps index.html's copy of a list short.
func trimList(ss []string) []string {
	if len(ss) > 20 {
		return append(ss[:20:20], fmt.Sprintf("+%d more", len(ss)-20))
	}
	return ss
}

// worseExit orders exit statuses for a batch: refused (2) is worst, then
// a finding at or above --fail-on (1), then nothing checked (3), then 0:
// the order a single analyze decides in.
func worseExit(a, b int) int {
	rank := func(c int) int {
		switch c {
		case exitRefused:
			return 3
		case exitFindings:
			return 2
		case exitNothing:
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

func verdictCounts(rows []report.IndexRow) string {
	c := map[string]int{}
	for _, r := range rows {
		c[r.Verdict]++
	}
	var parts []string
	for _, v := range []string{report.VerdictError, "critical", "warning", "incomplete", "info", "ok"} {
		if c[v] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[v], v))
		}
	}
	return strings.Join(parts, ", ")
}

// eachOne analyzes one unit and writes its report files; what went wrong
// is the row's one-line error, never the batch's end.
func (e *env) eachOne(ctx context.Context, o *options, dir string, u eachUnit, opts analyze.Options) report.IndexRow {
	fail := func(msg string) report.IndexRow {
		return report.IndexRow{IndexVersion: report.IndexVersion, N: u.n, Files: []string{}, Inputs: u.paths, Case: u.caseID,
			Hosts: []string{}, Bundles: []string{}, Profiles: []string{}, Verdict: report.VerdictError, Exit: exitRefused,
			Counts: map[string]int{}, Findings: []report.IndexFinding{}, Error: oneLine(msg)}
	}
	rep, err := e.run(ctx, u.paths, opts)
	if err != nil {
		var ie *input.Error
		switch {
		case errors.As(err, &ie):
			return fail(ie.Path + ": " + ie.Reason)
		case ctx.Err() != nil:
			return fail("interrupted")
		}
		return fail(strings.Join(u.paths, " ") + ": " + err.Error())
	}
	if rep == nil {
		return fail(strings.Join(u.paths, " ") + ": no report (internal error)")
	}
	if o.requireSig {
		for _, b := range rep.Bundles {
			if why := report.VerificationProblem(b); why != "" {
				return fail(b.Path + ": " + why + " (--require-signature)")
			}
		}
	}
	row := report.NewIndexRow(rep)
	row.N, row.Inputs, row.Report = u.n, u.paths, u.name
	if row.Case == "" {
		row.Case = u.caseID
	}
	files := []struct {
		ext    string
		render func(io.Writer) error
	}{
		{".html", func(w io.Writer) error { return report.WriteHTML(w, rep) }},
		{".json", func(w io.Writer) error { return report.WriteJSON(w, rep) }},
		{".txt", func(w io.Writer) error {
			return report.WriteText(w, rep, report.TextOptions{Width: report.DefaultTextWidth, Verbose: o.verbose})
		}},
	}
	for _, f := range files {
		name := u.name + f.ext
		if err := safefile.WriteFile(filepath.Join(dir, name), 0o644, f.render); err != nil {
			r := fail(err.Error())
			r.Files = row.Files
			return r
		}
		row.Files = append(row.Files, name)
	}
	switch {
	case rep.CountAtOrAbove(o.failOn) > 0:
		row.Exit = exitFindings
	case rep.NothingChecked():
		row.Exit = exitNothing
	}
	return row
}

// planUnits opens every input for its case id (manifests only, jobs at a
// time) and groups the inputs: those sharing one case id make one unit,
// at the place of the first of them; every other input is a unit of its
// own. An input that cannot be opened is a unit of its own, whose
// analysis then says why.
func planUnits(ctx context.Context, args []string, opts analyze.Options, jobs int) []eachUnit {
	keys := make([]string, len(args))
	sem := make(chan struct{}, max(1, jobs))
	var wg sync.WaitGroup
	for i, p := range args {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			cs, err := analyze.InputCases(ctx, p, opts)
			if err != nil || len(cs) == 0 {
				return
			}
			for _, c := range cs[1:] {
				if c != cs[0] {
					return
				}
			}
			keys[i] = cs[0]
		}()
	}
	wg.Wait()
	var units []eachUnit
	byCase := map[string]int{}
	for i, p := range args {
		k := keys[i]
		if k != "" {
			if j, ok := byCase[k]; ok {
				units[j].paths = append(units[j].paths, p)
				continue
			}
			byCase[k] = len(units)
		}
		units = append(units, eachUnit{caseID: k, paths: []string{p}})
	}
	width := max(3, len(strconv.Itoa(len(units))))
	for i := range units {
		u := &units[i]
		u.n = i + 1
		base := u.caseID
		if base == "" {
			base = input.StripArchiveExt(filepath.Base(filepath.Clean(u.paths[0])))
		}
		u.name = fmt.Sprintf("%0*d-%s", width, u.n, safeFileName(base))
	}
	return units
}

// safeFileName reduces s to letters, digits and "._-", at most 60 bytes,
// not starting with a dot or dash: the part of a report's file name that
// comes from a case id or an input's name. The batch number before it
// keeps names unique.
func safeFileName(s string) string {
	var b strings.Builder
	under := false
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if !ok {
			if !under {
				b.WriteByte('_')
			}
			under = true
			continue
		}
		under = false
		b.WriteRune(r)
		if b.Len() >= 60 {
			break
		}
	}
	out := strings.Trim(b.String(), "._-")
	if out == "" {
		return "input"
	}
	return out
}

// writeJSONFile writes v as indented JSON through safefile.
func writeJSONFile(path string, v any) error {
	return safefile.WriteFile(path, 0o644, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
		return bw.Flush()
	})
}
