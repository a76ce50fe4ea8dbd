// Package analyze is the analysis engine: it opens inputs, verifies them,
// runs the profiles' rules over their members in one streaming pass, and
// builds the report.
//
// The engine is generic: everything product specific is in the profiles
// (docs/profiles.md). How the pass works is described in docs/engine.md.
package analyze

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"filippo.io/age"

	"casefile/analyze/input"
	"casefile/analyze/report"
	"casefile/bundle"
	"casefile/internal/suggest"
	"casefile/internal/version"
	"casefile/profiles"
)

// Options control one analysis.
type Options struct {
	// Profile, when set (--profile), is used for every input; it is
	// required for raw logs that carry no manifest.
	Profile    *profiles.Profile
	Trust      []bundle.TrustedKey
	Identities []age.Identity
	// At is the incident time (--at); nil: from a bundle's note, if any.
	At *time.Time
	// Timezone interprets times of raw logs (bundles carry their own).
	Timezone *time.Location
	// DisplayZone is the one zone the report shows every computed time
	// in, texts included (nil: UTC). Quoted log lines keep their own.
	DisplayZone *time.Location
	// Rules restricts the analysis to these rule ids (--rule).
	Rules []string
	// Clock stamps the report; tests pin it.
	Clock func() time.Time
	// Workers is the number of goroutines scanning chunks (0: GOMAXPROCS).
	Workers int
	// Progress, when set, is told how far the pass has come: done and
	// total count the bytes of the inputs' members as stored (total is 0
	// while the size of some input is unknown: raw logs), what names the
	// input being read. It is called from the reading goroutines, one
	// call at a time, at most every 100 ms and once more at the end.
	Progress func(done, total int64, what string)
	// Stdin is read for the input path "-" (analyze -).
	Stdin io.Reader
	// MaxExpanded (--max-expanded), when set, replaces the bound on the
	// total decompressed size of an input (default: 100 times the input's
	// size above 1 GiB, at most 16 GiB; docs/input.md).
	MaxExpanded int64
	// Facts, when set (--facts), is given each bundle's facts once they
	// are worked out: every value and where it came from.
	Facts func(BundleFacts)

	// Builtin, when set, loads the built-in profile a bundle names
	// instead of profiles.Builtin: analyze --each parses each profile
	// once for the whole batch. The profiles it returns are only read,
	// so one may serve runs at the same time.
	Builtin func(name string) (*profiles.Profile, error)
	// Request, when set (--request-out), is filled with the follow-up
	// request for the inputs (see RequestSpec).
	Request *RequestSpec
	// NoMining turns template mining off: the report has no unexplained
	// list and no per-log shares of lines explained. It is for measuring
	// what mining costs (bin/analyze reads CASEFILE_NO_MINING=1;
	// docs/engine.md, Cost).
	NoMining bool

	// snap, when set, is given what a baseline keeps (RunSnapshot).
	snap *snapshotSink
}

// source is an opened input that can be walked once. It is an interface
// so that tests can feed the engine before the input package is done.
type source interface {
	Input() *input.Input
	Walk(ctx context.Context, fn func(m input.Member, r io.Reader) error) (*input.Verification, error)
}

type inputSource struct{ in *input.Input }

func (s inputSource) Input() *input.Input { return s.in }
func (s inputSource) Walk(ctx context.Context, fn func(m input.Member, r io.Reader) error) (*input.Verification, error) {
	return s.in.Walk(ctx, fn)
}

// openSources opens one path given on the command line.
var openSources = func(ctx context.Context, path string, opts input.Options) ([]source, error) {
	ins, err := input.Open(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	out := make([]source, len(ins))
	for i, in := range ins {
		out[i] = inputSource{in}
	}
	return out, nil
}

// incidentWindow is how near the incident a line must be to be marked.
const incidentWindow = 30 * time.Minute

// walksAtOnce is how many inputs are walked side by side. One: two walks
// side by side each hold a decompressor, hasher buffers, a copy buffer
// and a bundle in progress, about 5 MiB more live than one, which made
// 20 bundles of 50 MiB peak at 1.4x the RSS of one (issue 13: memory flat
// in the number of bundles). Decompression is the walk's bottleneck, so
// two walks ran 20 such bundles in about the same CPU, and wall time on
// an idle machine a little shorter (docs/engine.md, Cost).
var walksAtOnce = 1

// afterPass, when set (by tests), sees the bundles and the scanner after
// the pass.
var afterPass func(states []*bundleState, sc *scanner)

// Run analyzes the inputs together and returns the report. Inputs that
// cannot be trusted to be read safely are an *input.Error (exit 2).
func Run(ctx context.Context, paths []string, opts Options) (*report.Report, error) {
	clock := opts.Clock
	if clock == nil {
		clock = time.Now
	}
	now := clock()
	var cmdIDs []string
	if opts.Profile != nil {
		seen := map[string]bool{}
		for _, it := range opts.Profile.Collect {
			if it.Files == nil && !seen[it.ID] {
				seen[it.ID] = true
				cmdIDs = append(cmdIDs, it.ID)
			}
		}
	}
	iopts := opts.inputOptions()
	iopts.CommandIDs = cmdIDs

	// Open every input and give it a profile.
	plans := map[*profiles.Profile]*plan{}
	if opts.Profile != nil {
		// Raw files that no glob reads are recognised by their lines.
		pl, err := compile(opts.Profile)
		if err != nil {
			return nil, err
		}
		plans[opts.Profile] = pl
		iopts.Content, iopts.Claimed = pl.contentShapes(), pl.claims
	}
	builtins := map[string]*profiles.Profile{}
	var groups []*group
	groupOf := map[*plan]*group{}
	var states []*bundleState
	names := map[string]int{}
	for _, path := range paths {
		srcs, err := openSources(ctx, path, iopts)
		if err != nil {
			return nil, err
		}
		for _, src := range srcs {
			in := src.Input()
			prof := opts.Profile
			if prof == nil {
				if in.Manifest == nil {
					return nil, &input.Error{Path: in.Path, Reason: "raw logs carry no manifest: name a profile with --profile"}
				}
				name := in.Manifest.Profile.Name
				prof = builtins[name]
				if prof == nil {
					load := profiles.Builtin
					if opts.Builtin != nil {
						load = opts.Builtin
					}
					prof, err = load(name)
					if err != nil {
						return nil, &input.Error{Path: in.Path, Reason: fmt.Sprintf("collected with profile %q, which is not built in: name its file with --profile (%v)", name, err)}
					}
					builtins[name] = prof
				}
			}
			pl := plans[prof]
			if pl == nil {
				pl, err = compile(prof)
				if err != nil {
					return nil, err
				}
				plans[prof] = pl
			}
			g := groupOf[pl]
			if g == nil {
				g = &group{plan: pl}
				groupOf[pl] = g
				groups = append(groups, g)
			}
			b := &bundleState{idx: len(states), src: src, in: in, manifest: in.Manifest, plan: pl, group: g}
			b.slots = make([]slotStore, len(pl.slots))
			b.name = in.Name
			if n := names[b.name]; n > 0 {
				b.name = fmt.Sprintf("%s#%d", in.Name, n+1)
			}
			names[in.Name]++
			b.loc = time.UTC
			if opts.Timezone != nil {
				b.loc = opts.Timezone
			}
			if in.Manifest != nil {
				b.loc = in.Manifest.Host.Location()
				b.ref = in.Manifest.Collection.EndUTC
			}
			g.bundles = append(g.bundles, b)
			states = append(states, b)
		}
	}
	if len(opts.Rules) > 0 {
		for _, id := range opts.Rules {
			found := false
			var all []string
			for _, g := range groups {
				if g.plan.ruleByID(id) != nil {
					found = true
				}
				for _, r := range g.plan.rules {
					all = append(all, r.rule.ID)
				}
			}
			if !found {
				return nil, fmt.Errorf("no rule %q%s in the profiles used (%s)", id, suggest.Hint(id, all), profileNames(groups))
			}
		}
	}

	// The pass: every input walked once, one at a time (walksAtOnce):
	// the walk decompresses in its own goroutine, the scanning workers
	// scan its chunks in parallel.
	sc := newScanner(opts.Workers)
	if !miningOff && !opts.NoMining {
		sc.observers = append(sc.observers, mineObserver{})
		sc.mine = newMineRun()
	}
	if sc.mine != nil {
		sc.mine.keepGroups = opts.snap != nil // a baseline reads each log's templates
	}
	prog := newProgress(opts.Progress, states)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(states))
	sem := make(chan struct{}, walksAtOnce)
	var wg sync.WaitGroup
	for i, b := range states {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ver, err := b.src.Walk(wctx, func(m input.Member, r io.Reader) error {
				if m.Original != "" {
					b.noteReadAs(m)
				}
				ms := sc.setup(b, m, now)
				if ms == nil {
					prog.member(b, m, 0)
					return nil
				}
				if prog != nil && m.Compression == "" && m.Archive == "" {
					r = &countingReader{r: r, add: func(n int) { prog.add(b, int64(n)) }}
					err := sc.read(wctx, ms, r)
					prog.member(b, m, -1)
					sc.memberDone(b, ms.m)
					return err
				}
				err := sc.read(wctx, ms, r)
				prog.member(b, m, 0)
				sc.memberDone(b, ms.m)
				return err
			})
			prog.finish(b)
			if in := b.src.Input(); in != nil && len(b.plan.zoneFactLogs()) == 0 {
				in.Release() // keep little per bundle after its pass (rewalkZones may read it again)
			}
			if err != nil {
				errs[i] = err
				cancel()
				return
			}
			b.ver = ver
			sc.bundleDone(b)
		}()
	}
	wg.Wait()
	sc.close()
	// The first input's own error, not the cancellation it caused in others.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, err
		}
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for _, b := range states {
		sc.endBundle(b) // done in the pass, unless the bundle's marker was not sent
	}
	if err := rewalkZones(ctx, states, opts, now, sc.mine); err != nil {
		return nil, err
	}
	if sc.mine != nil {
		sc.mine.end(states)
	}
	if afterPass != nil {
		afterPass(states, sc)
	}

	e := &evaluator{opts: opts, capped: map[string]int{}}
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: version.Tool, Version: version.String()},
		GeneratedAt:   now.UTC(),
		Zone:          zoneName(opts.DisplayZone),
		Bundles:       []report.Bundle{},
		Findings:      []report.Finding{},
		Timeline:      []report.Event{},
		Coverage:      []report.RuleCoverage{},
	}
	switch {
	case opts.At != nil:
		t := *opts.At
		e.incident = &t
		rep.IncidentSource = "--at"
	default:
		for _, b := range states {
			if b.manifest == nil {
				continue
			}
			if t, ok := incidentFromNote(b.manifest.Note, b.loc, b.ref); ok {
				e.incident = &t
				rep.IncidentSource = "note of " + b.name
				break
			}
		}
	}
	if e.incident != nil {
		t := *e.incident
		rep.IncidentTime = &t
	}

	wanted := func(id string) bool {
		if len(opts.Rules) == 0 {
			return true
		}
		return contains(opts.Rules, id)
	}
	cov := map[*bundleState][]report.RuleCoverage{}
	for _, g := range groups {
		for _, b := range g.bundles {
			e.prepare(b)
		}
		for _, b := range g.bundles {
			e.evalFacts(b)
			if opts.Facts != nil {
				opts.Facts(factsOf(b))
			}
		}
		for rank, rp := range g.plan.rules {
			if !wanted(rp.rule.ID) {
				continue
			}
			if rp.rule.Scope == "all" {
				// The rule applies to the group when it applies to any
				// bundle of it; it then reads them all, as without applies.
				applies := false
				aerrs := make([]error, len(g.bundles))
				for i, b := range g.bundles {
					ok, err := e.applies(rp, b)
					aerrs[i] = err
					applies = applies || ok
				}
				if !applies {
					for _, b := range g.bundles {
						cov[b] = append(cov[b], notApplicable(rp, b))
					}
					continue
				}
				if sampleRule(rp.rule) && !twoSamples(g.bundles) {
					for _, b := range g.bundles {
						cov[b] = append(cov[b], oneSample(rp, b))
					}
					continue
				}
				var covs []report.RuleCoverage
				run := false
				for _, b := range g.bundles {
					c := e.coverageOf(rp, b, g.bundles)
					covs = append(covs, c)
					if c.Status != report.CoverageSkipped {
						run = true
					}
				}
				var fs []*finding
				var err error
				if run {
					fs, err = e.evalRule(rp, g.bundles, true)
				}
				for i, b := range g.bundles {
					c := covs[i]
					for _, f := range fs {
						if contains(f.Bundles, b.name) || (len(f.Bundles) == 0 && f.Bundle == b.name) {
							c.Findings++
						}
					}
					if err != nil {
						c.Status = report.CoverageError
						c.Reason = joinReason(err.Error(), c.Reason)
					}
					if aerrs[i] != nil {
						c.Status = report.CoverageError
						c.Reason = joinReason(aerrs[i].Error(), c.Reason)
					}
					// A scope all rule's cap counts against the group's
					// first bundle (evalRule's key): say so on each.
					if n := e.capped[rp.rule.ID+"\x00"+g.bundles[0].name]; n > 0 {
						c.Reason = joinReason(c.Reason, fmt.Sprintf("%d more findings left out (max_findings)", n))
					}
					cov[b] = append(cov[b], c)
				}
				for _, f := range fs {
					f.rank = rank
				}
				e.findings = append(e.findings, fs...)
				continue
			}
			for _, b := range g.bundles {
				ok, aerr := e.applies(rp, b)
				if !ok {
					cov[b] = append(cov[b], notApplicable(rp, b))
					continue
				}
				c := e.coverageOf(rp, b, nil)
				if c.Status != report.CoverageSkipped {
					fs, err := e.evalRule(rp, []*bundleState{b}, false)
					c.Findings = len(fs)
					if err != nil {
						c.Status = report.CoverageError
						c.Reason = joinReason(err.Error(), c.Reason)
					}
					if n := e.capped[rp.rule.ID+"\x00"+b.name]; n > 0 {
						c.Reason = joinReason(c.Reason, fmt.Sprintf("%d more findings left out (max_findings)", n))
					}
					for _, f := range fs {
						f.rank = rank
					}
					e.findings = append(e.findings, fs...)
				}
				if aerr != nil {
					c.Status = report.CoverageError
					c.Reason = joinReason(aerr.Error(), c.Reason)
				}
				cov[b] = append(cov[b], c)
			}
		}
	}
	for _, b := range states {
		rep.Bundles = append(rep.Bundles, bundleReport(b))
		rep.Coverage = append(rep.Coverage, cov[b]...)
	}
	rep.Cases = report.CasesOf(rep.Bundles)
	linkFollowUps(rep, states)
	buildFindings(rep, e, states)
	buildUnexplained(rep, e, states)
	if opts.Request != nil {
		if err := buildRequest(rep, states, opts.Request, now); err != nil {
			return nil, err
		}
	}
	if opts.snap != nil {
		opts.snap.fill(rep, states)
	}
	return rep, nil
}

func joinReason(a, b string) string {
	switch {
	case b == "":
		return a
	case a == "":
		return b
	}
	return a + "; " + b
}

func profileNames(groups []*group) string {
	var out []string
	for _, g := range groups {
		out = append(out, g.plan.prof.Name)
	}
	return strings.Join(out, ", ")
}

// progress reports the pass's progress to Options.Progress.
type progress struct {
	fn    func(done, total int64, what string)
	mu    sync.Mutex
	total int64
	done  int64
	// per input: bytes counted, and its size (-1: unknown)
	counted map[*bundleState]int64
	size    map[*bundleState]int64
	last    time.Time
}

// newProgress sizes the inputs from their manifests; nil without fn.
func newProgress(fn func(done, total int64, what string), states []*bundleState) *progress {
	if fn == nil {
		return nil
	}
	p := &progress{fn: fn, counted: map[*bundleState]int64{}, size: map[*bundleState]int64{}}
	known := true
	for _, b := range states {
		if b.manifest == nil {
			p.size[b] = -1
			known = false
			continue
		}
		var n int64
		for it := range b.in.Items() {
			for _, st := range it.Stored {
				n += st.Size
			}
		}
		p.size[b] = n
		p.total += n
	}
	if !known {
		p.total = 0
	}
	return p
}

// add counts bytes read of an input's member.
func (p *progress) add(b *bundleState, n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.addLocked(b, n)
	p.report(b, false)
}

func (p *progress) addLocked(b *bundleState, n int64) {
	if s := p.size[b]; s >= 0 && p.counted[b]+n > s {
		n = s - p.counted[b] // the manifest's sizes are the bound
	}
	if n > 0 {
		p.counted[b] += n
		p.done += n
	}
}

// member counts a member the pass is done with: its stored size, less
// read bytes already counted (counted < 0: all of it was counted). Members
// of archives inside the input are counted with the archive, at the end.
func (p *progress) member(b *bundleState, m input.Member, counted int64) {
	if p == nil || counted < 0 || m.Archive != "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.addLocked(b, m.Size-counted)
	p.report(b, false)
}

// finish counts an input as read whole.
func (p *progress) finish(b *bundleState) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.size[b]; s > p.counted[b] {
		p.addLocked(b, s-p.counted[b])
	}
	p.report(b, true)
}

func (p *progress) report(b *bundleState, force bool) {
	now := time.Now()
	if !force && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	p.fn(p.done, p.total, b.name)
}

// countingReader tells add how many bytes each Read gave.
type countingReader struct {
	r   io.Reader
	add func(int)
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if n > 0 {
		c.add(n)
	}
	return n, err
}

// zoneName is the report's Zone: "" for UTC (the default), else the
// location's name.
func zoneName(loc *time.Location) string {
	if loc == nil || loc.String() == "UTC" {
		return ""
	}
	return loc.String()
}

// displayZone is where texts show times: --timezone, else UTC.
func (o *Options) displayZone() *time.Location {
	if o.DisplayZone != nil {
		return o.DisplayZone
	}
	return time.UTC
}
