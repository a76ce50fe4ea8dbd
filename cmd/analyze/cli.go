package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/spf13/cobra"

	"casefile/analyze"
	"casefile/analyze/input"
	"casefile/analyze/report"
	"casefile/bundle"
	"casefile/internal/safefile"
	"casefile/internal/suggest"
	"casefile/internal/version"
	"casefile/internal/versioncmd"
	"casefile/profiles"
)

// Exit statuses (DESIGN.md).
const (
	exitOK       = 0 // no finding at or above --fail-on
	exitFindings = 1 // a finding at or above --fail-on
	exitRefused  = 2 // input error, bad usage, bad profile: nothing written
	exitNothing  = 3 // nothing could be checked: no rule ran on any input
)

// exitError ends the command with a status and, unless msg is empty, one
// line on stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// refuse is an exit 2 with "analyze: <what>: <why>".
func refuse(format string, args ...any) error {
	return &exitError{code: exitRefused, msg: "analyze: " + fmt.Sprintf(format, args...)}
}

// runFunc is analyze.Run; tests substitute it.
type runFunc func(ctx context.Context, paths []string, opts analyze.Options) (*report.Report, error)

// env is what the command sees of its process.
type env struct {
	stdin          io.Reader // read for the input "-"
	stdout, stderr io.Writer
	// stdoutTerm and stderrTerm say whether they are terminals; width is
	// the terminal's (0: unknown).
	stdoutTerm, stderrTerm bool
	width                  int
	getenv                 func(string) string
	run                    runFunc
	now                    func() time.Time
	local                  *time.Location
}

// Main runs analyze with args and returns the exit status.
func Main(args []string, stdout, stderr *os.File) int {
	e := &env{
		stdin:  os.Stdin,
		stdout: stdout,
		stderr: stderr,
		getenv: os.Getenv,
		run:    analyze.Run,
		now:    time.Now,
		local:  time.Local,
	}
	e.stdoutTerm, e.width = terminal(stdout)
	e.stderrTerm, _ = terminal(stderr)
	return e.main(args)
}

// main runs the command and maps its outcome to an exit status.
func (e *env) main(args []string) int {
	cmd := newCommand(e)
	cmd.SetArgs(args)
	err := cmd.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(e.stderr, oneLine(ee.msg))
		}
		return ee.code
	}
	// Flag parsing and other usage errors from cobra.
	fmt.Fprintln(e.stderr, oneLine("analyze: "+err.Error()+" (see analyze --help)"))
	return exitRefused
}

// oneLine keeps an error message to one clean line: it may quote a path
// or a profile line, which are not ours.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\r\n", "; ")
	s = strings.ReplaceAll(s, "\n", "; ")
	return report.CleanLine(s)
}

// options holds the flags.
type options struct {
	format       string
	output       string
	profile      string
	trust        string
	requireSig   bool
	failOn       string
	at           string
	identities   []string
	timezone     string
	rules        []string
	explain      string
	checkProfile string
	noColor      bool
	verbose      bool
	maxExpanded  string
	facts        bool
	test         string
	draftRule    string
	baseline     string
	saveBaseline string
	each         eachFlags   // --each, --jobs (each.go)
	request      requestOpts // request.go
}

func newCommand(e *env) *cobra.Command {
	o := &options{}
	cmd := &cobra.Command{
		Use:   "analyze BUNDLE... [flags]",
		Short: "Verify and diagnose casefile support bundles",
		Long: `analyze reads casefile bundles (and the folders or archives of raw logs
customers send instead) without extracting them, checks that they are
intact and who signed them, and diagnoses them: findings with a stable id,
severity, evidence lines, explanation and remedy, and a timeline.

Several inputs given together are analyzed together (both HA nodes, the
client and the server); findings that need both sides say so.

Exit status: 0 no finding at or above --fail-on, 1 there is one, 2 the
input or the command line was refused (one line on stderr, nothing
written), 3 the report was written but nothing could be checked (no rule
found any of its inputs): never read that as healthy.`,
		Example: `  analyze sms-sms01-20260227T081500Z.tar.gz
  analyze node1.tar.gz node2.tar.gz -o report.html --trust helpdesk.keys
  analyze --profile myproduct.yaml --timezone Europe/Berlin customer-logs.zip
  analyze --profile myproduct.yaml --rule myproduct.disk-full app.log   # try one rule on a log file
  analyze --explain ipsec.no-response
  analyze --explain all
  analyze --check-profile myproduct.yaml
  analyze --test myproduct.yaml            # runs myproduct.tests/<case>/ against expect.yaml
  analyze --facts --profile myproduct.yaml bundle.tar.gz   # every fact's value and source`,
		Version:       version.String(),
		Args:          cobra.ArbitraryArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.execute(cmd, o, args)
		},
	}
	cmd.SetOut(e.stdout)
	cmd.SetErr(e.stderr)
	cmd.SetVersionTemplate(version.Line("analyze") + "\n")
	cmd.AddCommand(versioncmd.New("analyze", e.stdout))
	f := cmd.Flags()
	f.SortFlags = false
	f.StringVar(&o.format, "format", "", "report `FORMAT`: text, json or html (default text, or from -o's extension)")
	f.StringVarP(&o.output, "output", "o", "", "write the report to `PATH` (atomically; a device or FIFO is written into; \"-\": stdout) instead of stdout")
	f.StringVar(&o.profile, "profile", "", "analyze with this profile: a built-in `NAME` or a YAML FILE (required for raw logs)")
	f.StringVar(&o.trust, "trust", "", "`FILE` of trusted minisign public keys, one per line, each with an optional name")
	f.BoolVar(&o.requireSig, "require-signature", false, "refuse (exit 2) unless every input is intact and signed by a trusted key")
	f.StringVar(&o.failOn, "fail-on", report.SeverityCritical, "exit 1 when a finding at or above this `SEVERITY` exists: info, warning or critical")
	f.StringVar(&o.at, "at", "", "incident `TIME`: RFC 3339, or \"2006-01-02 15:04[:05]\" in local time (or --timezone)")
	f.StringArrayVar(&o.identities, "identity", nil, "age identity `FILE` to decrypt .age inputs (repeatable)")
	f.StringVar(&o.timezone, "timezone", "", "time `ZONE` the report shows times in (default UTC), and of raw logs and --at (\"Europe/Berlin\", \"UTC\", \"+02:00\")")
	f.StringArrayVar(&o.rules, "rule", nil, "run only this rule `ID` (repeatable)")
	f.StringVar(&o.explain, "explain", "", "print what finding `ID` means and what its rule looks for; \"all\" lists every rule")
	f.StringVar(&o.checkProfile, "check-profile", "", "validate the profile `FILE` and exit (0 ok, 2 with the file:line of the error)")
	f.BoolVar(&o.noColor, "no-color", false, "no colours in the text report (also: NO_COLOR set)")
	f.StringVar(&o.maxExpanded, "max-expanded", "", "let an input decompress to this `SIZE` in total (default: 100 times its size above 1GiB, at most 16GiB)")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "text report: show info findings, every evidence line and every rule that did not fully run")
	f.StringVar(&o.test, "test", "", "run the test cases of `PROFILE` (a file x.yaml: the folder x.tests; a built-in name: profiles/NAME.tests) and print a diff")
	f.BoolVar(&o.facts, "facts", false, "print every fact's value and the lines it came from, per bundle, instead of the report")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return refuse("%v (see analyze --help)", err)
	})
	f.StringVar(&o.baseline, "baseline", "", "compare with a known-good state: a bundle, archive or folder, or a `FILE` from --save-baseline")
	f.StringVar(&o.saveBaseline, "save-baseline", "", "analyze the inputs as a known-good state and save it to `FILE` for --baseline")
	addRequestFlags(f, &o.request)
	f.StringVar(&o.draftRule, "draft-rule", "", "print a YAML match rule for the message template `ID` (analyze templates, or the report's unexplained list) found in the inputs")
	addEachFlags(f, &o.each)
	tc := templatesCommand(e)
	tc.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return refuse("%v (see analyze templates --help)", err)
	})
	cmd.AddCommand(tc)
	registerCompletions(cmd)
	return cmd
}

// execute is the command: check the flags, analyze, verify, render, and
// decide the exit status.
func (e *env) execute(cmd *cobra.Command, o *options, args []string) error {
	if o.checkProfile != "" {
		return e.checkProfile(o.checkProfile, args)
	}
	if o.explain != "" {
		return e.explain(o, args)
	}
	if o.test != "" {
		return e.runTests(o.test, args)
	}
	if o.draftRule != "" {
		return e.draftRule(o, args)
	}
	if len(args) == 0 {
		return refuse("no input given (usage: analyze BUNDLE... [flags]; see analyze --help)")
	}
	if o.each.on {
		if err := e.checkEach(cmd, o); err != nil {
			return err
		}
	}

	format, err := chooseFormat(o.format, cmd.Flags().Changed("format"), o.output)
	if err != nil {
		return err
	}
	if !report.ValidSeverity(o.failOn) {
		return refuse("--fail-on %q: want info, warning or critical", o.failOn)
	}
	if o.output == safefile.Stdout {
		o.output = "" // -o -: standard output
	} else if o.output != "" && !o.each.on {
		if _, err := safefile.Check(o.output); err != nil {
			return refuse("%v", err)
		}
	}
	stdinArgs := 0
	for _, a := range args {
		if a == "-" {
			stdinArgs++
		}
	}
	if stdinArgs > 1 {
		return refuse("-: standard input can be given only once")
	}

	// CASEFILE_NO_MINING=1 (not a flag: for measuring what template
	// mining costs, docs/engine.md) leaves mining out.
	opts := analyze.Options{Rules: o.rules, NoMining: e.getenv("CASEFILE_NO_MINING") == "1"}
	if stdinArgs > 0 {
		opts.Stdin = e.stdin
	}
	if o.maxExpanded != "" {
		n, err := profiles.ParseSize(o.maxExpanded)
		if err != nil || n <= 0 {
			return refuse("--max-expanded %q: want a size like 64GiB", o.maxExpanded)
		}
		opts.MaxExpanded = n
	}
	if o.profile != "" {
		p, err := profiles.Load(o.profile)
		if err != nil {
			return refuse("--profile: %v", err)
		}
		opts.Profile = p
		if err := checkRules(p, o.rules); err != nil {
			return err
		}
	}
	if o.trust != "" {
		keys, err := bundle.ParseTrustFile(o.trust)
		if err != nil {
			return refuse("--trust: %v", err)
		}
		if len(keys) == 0 {
			return refuse("--trust %s: no public key in it", o.trust)
		}
		opts.Trust = keys
	}
	for _, path := range o.identities {
		ids, err := readIdentities(path)
		if err != nil {
			return err
		}
		opts.Identities = append(opts.Identities, ids...)
	}
	loc := e.local
	if o.timezone != "" {
		l, err := loadZone(o.timezone)
		if err != nil {
			return refuse("--timezone %q: %v", o.timezone, err)
		}
		loc = l
		opts.Timezone = l
		opts.DisplayZone = l
	}
	if o.at != "" {
		t, err := parseAt(o.at, loc)
		if err != nil {
			return refuse("--at %q: %v", o.at, err)
		}
		opts.At = &t
	}
	if e.now != nil {
		opts.Clock = e.now
	}
	if err := o.request.prepare(e, &opts); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if o.each.on {
		return e.runEach(ctx, o, args, opts)
	}
	if e.stderrTerm && !isWindows {
		opts.Progress = func(done, total int64, what string) {
			e.progress(progressLine(done, total, what))
		}
	}
	var facts []analyze.BundleFacts
	if o.facts {
		opts.Facts = func(bf analyze.BundleFacts) { facts = append(facts, bf) }
	}
	e.progress(fmt.Sprintf("analyze: reading %d input%s…", len(args), pluralS(len(args))))
	var rep *report.Report
	if o.baseline != "" || o.saveBaseline != "" {
		rep, err = e.baselineRun(ctx, o, args, opts)
		if err == nil && rep == nil {
			e.progress("")
			return nil
		}
	} else {
		rep, err = e.run(ctx, args, opts)
	}
	e.progress("")
	if err != nil {
		var ie *input.Error
		if errors.As(err, &ie) {
			return refuse("%s: %s", ie.Path, ie.Reason)
		}
		if ctx.Err() != nil {
			return refuse("interrupted")
		}
		return refuse("%v", err)
	}
	if rep == nil {
		return refuse("no report (internal error)")
	}

	if o.facts {
		bw := bufio.NewWriter(e.stdout)
		if err := analyze.WriteFacts(bw, facts); err != nil {
			return refuse("writing the facts: %v", err)
		}
		if err := bw.Flush(); err != nil {
			return refuse("writing the facts: %v", err)
		}
		return nil
	}
	if o.requireSig {
		for _, b := range rep.Bundles {
			if why := report.VerificationProblem(b); why != "" {
				return refuse("%s: %s (--require-signature)", b.Path, why)
			}
		}
	}

	color := format == "text" && o.output == "" && e.stdoutTerm && !o.noColor &&
		e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb" && enableColor()
	width := report.DefaultTextWidth
	if o.output == "" && e.stdoutTerm && e.width > 0 {
		width = e.width
	}
	render := func(w io.Writer) error {
		switch format {
		case "json":
			return report.WriteJSON(w, rep)
		case "html":
			return report.WriteHTML(w, rep)
		}
		return report.WriteText(w, rep, report.TextOptions{Color: color, Width: width, Verbose: o.verbose})
	}
	if o.output == "" {
		bw := bufio.NewWriter(e.stdout)
		if err := render(bw); err != nil {
			return refuse("writing the report: %v", err)
		}
		if err := bw.Flush(); err != nil {
			return refuse("writing the report: %v", err)
		}
	} else {
		if err := safefile.WriteFile(o.output, 0o644, render); err != nil {
			var se *safefile.Error
			if errors.As(err, &se) {
				return refuse("%v", err)
			}
			return refuse("%s: %v", o.output, err)
		}
		if e.stderrTerm {
			fmt.Fprintf(e.stderr, "analyze: wrote %s (%s)\n", report.CleanLine(o.output), countsLine(rep))
		}
	}

	if err := o.request.write(e); err != nil {
		return err
	}
	if n := rep.CountAtOrAbove(o.failOn); n > 0 {
		return &exitError{code: exitFindings}
	}
	if rep.NothingChecked() {
		return &exitError{code: exitNothing, msg: "analyze: nothing could be checked: no rule found any of its inputs (wrong files, or the wrong --profile?)"}
	}
	return nil
}

// progress shows a transient status line on a terminal's stderr; "" clears it.
func (e *env) progress(s string) {
	if !e.stderrTerm || isWindows {
		return
	}
	if s == "" {
		fmt.Fprint(e.stderr, "\r\x1b[K")
		return
	}
	fmt.Fprint(e.stderr, "\r\x1b[K"+s)
}

// progressLine is the status line while inputs are read: "analyze:
// reading NAME… 45% (120.0 of 266.7 MiB)", or without a total (raw logs)
// the bytes read so far.
func progressLine(done, total int64, what string) string {
	mib := func(n int64) string { return fmt.Sprintf("%.1f", float64(n)/(1<<20)) }
	s := "analyze: reading " + report.CleanLine(what) + "…"
	if total > 0 {
		pct := done * 100 / total
		return fmt.Sprintf("%s %d%% (%s of %s MiB)", s, pct, mib(done), mib(total))
	}
	return fmt.Sprintf("%s %s MiB", s, mib(done))
}

func countsLine(r *report.Report) string {
	c := r.SeverityCounts()
	var parts []string
	for _, s := range report.Severities {
		if c[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[s], s))
		}
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// chooseFormat picks the report format: --format when given, else from
// -o's extension, else text.
func chooseFormat(format string, given bool, output string) (string, error) {
	if given {
		switch format {
		case "text", "json", "html":
			return format, nil
		}
		return "", refuse("--format %q: want text, json or html", format)
	}
	switch strings.ToLower(filepath.Ext(output)) {
	case ".json":
		return "json", nil
	case ".html", ".htm":
		return "html", nil
	}
	return "text", nil
}

// checkRules refuses --rule ids the profile does not have.
func checkRules(p *profiles.Profile, ids []string) error {
	have := map[string]bool{}
	var all []string
	for _, r := range p.Analyze.Rules {
		have[r.ID] = true
		all = append(all, r.ID)
	}
	for _, id := range ids {
		if !have[id] {
			return refuse("--rule %s: profile %s has no such rule%s (see analyze --explain all)", id, p.Name, suggest.Hint(id, all))
		}
	}
	return nil
}

// readIdentities reads age identities from a file (age-keygen's format).
func readIdentities(path string) ([]age.Identity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, refuse("--identity: %v", err)
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		return nil, refuse("--identity %s: %v", path, err)
	}
	return ids, nil
}

// loadZone accepts an IANA zone name, "UTC", "Local", or a fixed offset
// "+02:00" / "-0500".
func loadZone(name string) (*time.Location, error) {
	if len(name) > 0 && (name[0] == '+' || name[0] == '-') {
		for _, layout := range []string{"-07:00", "-0700", "-07"} {
			if t, err := time.Parse(layout, name); err == nil {
				_, off := t.Zone()
				return time.FixedZone(name, off), nil
			}
		}
		return nil, errors.New("want a zone name (Europe/Berlin) or an offset (+02:00)")
	}
	return time.LoadLocation(name)
}

// parseAt reads --at: RFC 3339 with its own offset, or a wall-clock time
// "2006-01-02 15:04[:05]" (a T instead of the space is fine) in loc.
func parseAt(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New(`want RFC 3339 ("2009-10-13T10:40:00Z") or "2009-10-13 10:40[:00]" in local time or --timezone`)
}

// checkProfile validates a profile file: "ok: N rules" and exit 0, or the
// file:line error and exit 2.
func (e *env) checkProfile(path string, args []string) error {
	if len(args) > 0 {
		return refuse("--check-profile takes no inputs (got %s)", args[0])
	}
	p, err := profiles.LoadFile(path)
	if err != nil {
		return refuse("%v", err)
	}
	fmt.Fprintf(e.stdout, "ok: %d rules (profile %s: %d facts, %d collect items)\n",
		len(p.Analyze.Rules), report.CleanLine(p.Name), len(p.Analyze.Facts), len(p.Collect))
	return nil
}

// runTests is --test: the profile's own cases, a diff per failing case,
// exit 1 when one fails.
func (e *env) runTests(name string, args []string) error {
	if len(args) > 0 {
		return refuse("--test takes no input (the cases hold their own)")
	}
	p, err := profiles.Load(name)
	if err != nil {
		return refuse("--test: %v", err)
	}
	dir := analyze.TestsDir(name)
	if p.Builtin {
		dir = filepath.Join("profiles", p.Name+".tests")
	}
	rs, err := analyze.RunProfileTests(context.Background(), p, dir)
	if err != nil {
		return refuse("--test: %v", err)
	}
	bw := bufio.NewWriter(e.stdout)
	failed := analyze.WriteTestResults(bw, p.Name, rs)
	if err := bw.Flush(); err != nil {
		return refuse("writing the results: %v", err)
	}
	if failed > 0 {
		return &exitError{code: exitFindings}
	}
	return nil
}
