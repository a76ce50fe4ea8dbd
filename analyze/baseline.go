package analyze

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"casefile/analyze/input"
	"casefile/analyze/report"
	"casefile/bundle"
	"casefile/internal/drain"
	"casefile/redact"
)

// Baselines: what an analysis knew of the inputs, kept so that another
// analysis can say what changed since (--baseline, --save-baseline).

// BaselineFormat marks a saved baseline file.
const BaselineFormat = "casefile-baseline/1"

// Limits of what a snapshot keeps.
const (
	maxSnapshotConfig   = 1 << 20 // bytes of one config file
	maxSnapshotConfigs  = 200     // config files per snapshot
	maxSnapshotFactText = 200     // characters of one fact value
	maxDiffLines        = 5000    // lines of a file diffed
)

// Snapshot is what a baseline keeps of an analysis.
type Snapshot struct {
	Format string   `json:"format"`
	Good   []string `json:"good"`
	// Findings are the finding ids (with their key, if any).
	Findings []string `json:"findings"`
	// Facts are the facts' values as text; a fact with several values
	// (several inputs) lists each once.
	Facts map[string][]string `json:"facts"`
	// HostFacts are the same by host: the manifest's host name ("" for
	// inputs without one). Compare matches hosts by name.
	HostFacts map[string]map[string][]string `json:"host_facts,omitempty"`
	// Templates are the templates of each log (by its base name, without
	// a rotation suffix).
	Templates []SnapTemplate `json:"templates"`
	// Configs are the redacted texts of the inputs' other files, by path
	// (files/... inside the bundle).
	Configs map[string]string `json:"configs"`
	// Commands are the texts of the commands' outputs (commands/*.out),
	// by path.
	Commands map[string]string `json:"commands,omitempty"`
}

// SnapTemplate is a template of a log in a snapshot.
type SnapTemplate struct {
	Log      string  `json:"log"`
	ID       string  `json:"id"`
	Template string  `json:"template"`
	Count    int     `json:"count"`
	Hours    float64 `json:"hours"` // the span of the log
}

type snapshotSink struct {
	snap *Snapshot
	logs map[string]bool // bundle + "\x00" + member path of mined logs
}

// RunSnapshot is Run, returning also what a baseline keeps of the inputs.
func RunSnapshot(ctx context.Context, paths []string, opts Options) (*report.Report, *Snapshot, error) {
	sink := &snapshotSink{}
	opts.snap = sink
	rep, err := Run(ctx, paths, opts)
	if err != nil {
		return nil, nil, err
	}
	if err := sink.configs(ctx, paths, opts); err != nil {
		return nil, nil, err
	}
	return rep, sink.snap, nil
}

var rotationSuffix = regexp.MustCompile(`(\.\d+)?(\.(gz|bz2|xz|zst))?$`)

func logKey(path string) string {
	base := path[strings.LastIndexByte(path, '/')+1:]
	return rotationSuffix.ReplaceAllString(base, "")
}

// fill takes what a snapshot keeps from a finished analysis.
func (s *snapshotSink) fill(rep *report.Report, states []*bundleState) {
	snap := &Snapshot{Format: BaselineFormat, Facts: map[string][]string{}, HostFacts: map[string]map[string][]string{},
		Configs: map[string]string{}, Commands: map[string]string{}}
	seenF := map[string]bool{}
	for _, f := range rep.Findings {
		id := f.ID
		if f.Key != "" {
			id += " " + f.Key
		}
		if !seenF[id] {
			seenF[id] = true
			snap.Findings = append(snap.Findings, id)
		}
	}
	sort.Strings(snap.Findings)
	type tk struct{ log, tpl string }
	tpls := map[tk]*SnapTemplate{}
	var order []tk
	for _, b := range states {
		snap.Good = append(snap.Good, b.name)
		host := ""
		if b.manifest != nil {
			host = b.manifest.Host.Hostname
		}
		hf := snap.HostFacts[host]
		if hf == nil {
			hf = map[string][]string{}
			snap.HostFacts[host] = hf
		}
		for name, v := range b.facts {
			text, ok := factText(v)
			if !ok {
				continue
			}
			if !contains(snap.Facts[name], text) {
				snap.Facts[name] = append(snap.Facts[name], text)
			}
			if !contains(hf[name], text) {
				hf[name] = append(hf[name], text)
			}
		}
		for _, m := range b.members {
			lm := m.mine
			if lm == nil || lm.lines == 0 || !lm.dated() {
				continue
			}
			hours := logSpan(lm) / 60
			for _, g := range lm.groups() {
				k := tk{logKey(m.path), g.template}
				t := tpls[k]
				if t == nil {
					t = &SnapTemplate{Log: k.log, Template: g.template}
					tpls[k] = t
					order = append(order, k)
				}
				t.Count += g.count
				t.Hours += hours
			}
		}
	}
	for _, k := range order {
		t := tpls[k]
		t.ID = drain.ID(t.Template)
		snap.Templates = append(snap.Templates, *t)
	}
	s.snap = snap
	s.logs = map[string]bool{}
	for _, b := range states {
		for _, m := range b.members {
			if m.mine != nil && m.mine.dated() {
				s.logs[b.name+"\x00"+m.path] = true
			}
		}
	}
}

// factText is a fact's value as a baseline compares it: scalars as they
// are, a list by its length (records of processes, sockets, lines: their
// count is what changes when something breaks); ok is false for what is
// not comparable (nil, maps).
func factText(v any) (string, bool) {
	var s string
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		s = x
	case float64, int, int64, bool, time.Duration:
		s = fmt.Sprint(x)
	case time.Time:
		return "", false
	case []any:
		s = fmt.Sprintf("%d items", len(x))
	case []map[string]any:
		s = fmt.Sprintf("%d items", len(x))
	default:
		return "", false
	}
	if len(s) > maxSnapshotFactText {
		s = s[:maxSnapshotFactText] + "…"
	}
	return s, true
}

// configs reads the text of the inputs' files that are not logs (config
// files, small text files under files/) and of the commands' outputs
// (commands/*.out), redacted: as stored by collect, and by the redactor
// here when collect did not (raw logs, a bundle collected with
// --no-redact), with the built-in rules and those of --profile.
func (s *snapshotSink) configs(ctx context.Context, paths []string, opts Options) error {
	if s.snap == nil {
		return nil
	}
	var rules []redact.Rule
	if opts.Profile != nil {
		rules = redact.FromProfile(opts.Profile.Redact)
	}
	red, err := redact.New(rules)
	if err != nil {
		return err
	}
	iopts := input.Options{Identities: opts.Identities, Raw: opts.Profile != nil, Trust: opts.Trust}
	for _, path := range paths {
		srcs, err := openSources(ctx, path, iopts)
		if err != nil {
			return err
		}
		for _, src := range srcs {
			name := src.Input().Name
			in := src.Input()
			redacted := in.Manifest != nil && in.Manifest.Redaction.Enabled
			hostFacts := map[string]bool{}
			if in.Manifest != nil {
				for _, it := range in.Manifest.Items {
					if it.Kind == bundle.KindBuiltin && it.Source == hostFactsSource {
						for _, st := range it.Stored {
							hostFacts[st.Path] = true
						}
					}
				}
			}
			_, err := src.Walk(ctx, func(m input.Member, r io.Reader) error {
				command := strings.HasPrefix(m.Path, "commands/") && strings.HasSuffix(m.Path, ".out")
				into := s.snap.Configs
				if command {
					into = s.snap.Commands
				}
				if !command && !strings.HasPrefix(m.Path, "files/") || m.Archive != "" || m.Compression != "" ||
					m.Size > maxSnapshotConfig || len(into) >= maxSnapshotConfigs {
					return nil
				}
				for k := range s.logs {
					if strings.HasSuffix(k, "\x00"+m.Path) && strings.HasPrefix(k, name) {
						return nil
					}
				}
				data, err := io.ReadAll(io.LimitReader(r, maxSnapshotConfig+1))
				if err != nil {
					return err
				}
				if len(data) > maxSnapshotConfig || bytes.IndexByte(data, 0) >= 0 {
					return nil
				}
				if _, dup := into[m.Path]; !dup {
					text := string(data)
					if !redacted {
						tg := redact.Target{Path: strings.TrimPrefix(m.Path, "files")}
						if command {
							tg = redact.Target{Command: strings.TrimSuffix(strings.TrimPrefix(m.Path, "commands/"), ".out")}
						}
						text, _ = red.String(text, tg)
					}
					if hostFacts[m.Path] {
						text = withoutClock(text)
					}
					into[m.Path] = text
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// hostFactsSource is the manifest source of collect's host facts
// (_host.yaml's host.facts item, collect/hostinfo.go).
const hostFactsSource = "builtin host-facts"

// withoutClock drops the host facts' lines of the moment of collection
// (clock_utc, clock_local): they differ between any two bundles, and the
// report states each bundle's collection time.
func withoutClock(text string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(text, "\n") {
		if strings.HasPrefix(l, "clock_utc:") || strings.HasPrefix(l, "clock_local:") {
			continue
		}
		b.WriteString(l)
	}
	return b.String()
}

// LoadSnapshot reads a baseline file written by --save-baseline; ok is
// false when path is not one (then it is an input to analyze).
func LoadSnapshot(path string) (snap *Snapshot, ok bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		return nil, false, nil
	}
	head := make([]byte, 64)
	n, _ := io.ReadFull(f, head)
	if !bytes.Contains(head[:n], []byte(`"format"`)) {
		return nil, false, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, false, err
	}
	var s Snapshot
	dec := json.NewDecoder(io.LimitReader(f, 256<<20))
	if err := dec.Decode(&s); err != nil {
		return nil, true, fmt.Errorf("%s: not a baseline file: %v", path, err)
	}
	if s.Format != BaselineFormat {
		return nil, true, fmt.Errorf("%s: baseline format %q, want %q", path, s.Format, BaselineFormat)
	}
	return &s, true, nil
}

// Compare says what changed from the good snapshot to the bad one.
func Compare(good, bad *Snapshot) *report.Baseline {
	out := &report.Baseline{
		Good:          good.Good,
		FindingsNew:   []string{},
		FindingsGone:  []string{},
		FactsChanged:  []report.FactChange{},
		TemplatesNew:  []report.TemplateChange{},
		TemplatesGone: []report.TemplateChange{},
		TemplatesRate: []report.TemplateChange{},
		ConfigDiffs:   []report.ConfigDiff{},
	}
	if out.Good == nil {
		out.Good = []string{}
	}
	for _, f := range bad.Findings {
		if !contains(good.Findings, f) {
			out.FindingsNew = append(out.FindingsNew, f)
		}
	}
	for _, f := range good.Findings {
		if !contains(bad.Findings, f) {
			out.FindingsGone = append(out.FindingsGone, f)
		}
	}
	// Facts host by host (by the manifest's host name) when both sides
	// say which host each fact is of; a host GOOD does not have is
	// compared with all of GOOD.
	if len(good.HostFacts) > 0 && len(bad.HostFacts) > 0 {
		hosts := make([]string, 0, len(bad.HostFacts))
		for h := range bad.HostFacts {
			hosts = append(hosts, h)
		}
		sort.Strings(hosts)
		for _, h := range hosts {
			g, ok := good.HostFacts[h]
			if !ok {
				g = good.Facts
			}
			out.FactsChanged = append(out.FactsChanged, factChanges(h, g, bad.HostFacts[h])...)
		}
	} else {
		out.FactsChanged = append(out.FactsChanged, factChanges("", good.Facts, bad.Facts)...)
	}
	type tk struct{ log, tpl string }
	gt := map[tk]SnapTemplate{}
	logs := map[string]bool{}
	for _, t := range good.Templates {
		gt[tk{t.Log, t.Template}] = t
		logs[t.Log] = true
	}
	bt := map[tk]SnapTemplate{}
	blogs := map[string]bool{}
	for _, t := range bad.Templates {
		bt[tk{t.Log, t.Template}] = t
		blogs[t.Log] = true
	}
	rate := func(t SnapTemplate) float64 {
		if t.Hours <= 0 {
			return float64(t.Count)
		}
		return float64(t.Count) / t.Hours
	}
	change := func(g, b SnapTemplate) report.TemplateChange {
		t := b
		if t.Template == "" {
			t = g
		}
		return report.TemplateChange{ID: t.ID, Template: t.Template, File: t.Log, GoodRate: round2(rate(g)), BadRate: round2(rate(b)), GoodCount: g.Count, BadCount: b.Count}
	}
	for _, t := range bad.Templates {
		g, ok := gt[tk{t.Log, t.Template}]
		switch {
		case !ok && logs[t.Log]:
			out.TemplatesNew = append(out.TemplatesNew, change(SnapTemplate{}, t))
		case ok:
			gr, br := rate(g), rate(t)
			if max(g.Count, t.Count) >= 5 && (br >= 10*gr || gr >= 10*br) {
				out.TemplatesRate = append(out.TemplatesRate, change(g, t))
			}
		}
	}
	for _, t := range good.Templates {
		if _, ok := bt[tk{t.Log, t.Template}]; !ok && blogs[t.Log] {
			out.TemplatesGone = append(out.TemplatesGone, change(t, SnapTemplate{}))
		}
	}
	paths := make([]string, 0, len(bad.Configs))
	for p := range bad.Configs {
		if _, ok := good.Configs[p]; ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		if good.Configs[p] == bad.Configs[p] {
			continue
		}
		out.ConfigDiffs = append(out.ConfigDiffs, report.ConfigDiff{File: p, Diff: unifiedDiff(p, good.Configs[p], bad.Configs[p])})
	}
	// Commands' outputs: those that read like configuration (a version,
	// a listing: few lines changed) are diffed after the files; the
	// others (process and socket tables, counters) are listed by name.
	cmds := make([]string, 0, len(bad.Commands))
	for p := range bad.Commands {
		if g, ok := good.Commands[p]; ok && g != bad.Commands[p] {
			cmds = append(cmds, p)
		}
	}
	sort.Strings(cmds)
	for _, p := range cmds {
		g, b := good.Commands[p], bad.Commands[p]
		gl, bl := len(splitLines(g)), len(splitLines(b))
		if gl > maxCommandDiff || bl > maxCommandDiff {
			out.CommandsDiffer = append(out.CommandsDiffer, fmt.Sprintf("%s (%d → %d lines)", p, gl, bl))
			continue
		}
		d := unifiedDiff(p, g, b)
		if changed := diffChanged(d); changed <= maxCommandChange {
			out.ConfigDiffs = append(out.ConfigDiffs, report.ConfigDiff{File: p, Diff: d})
		} else {
			out.CommandsDiffer = append(out.CommandsDiffer, fmt.Sprintf("%s (%d lines changed)", p, changed))
		}
	}
	return out
}

// A command's output of more lines than maxCommandDiff, or with more
// lines changed than maxCommandChange, is listed, not diffed.
const (
	maxCommandDiff   = 500
	maxCommandChange = 12
)

// diffChanged counts the lines a unified diff removes and adds.
func diffChanged(diff string) int {
	n := 0
	lines := strings.Split(diff, "\n")
	for _, l := range lines[min(2, len(lines)):] { // after the --- and +++ lines
		if strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-") {
			n++
		}
	}
	return n
}

// factChanges lists the facts of one host (host "": all inputs) whose
// values in bad are not among those in good, or that bad lacks.
func factChanges(host string, good, bad map[string][]string) []report.FactChange {
	var out []report.FactChange
	names := make([]string, 0, len(bad))
	for n := range bad {
		names = append(names, n)
	}
	for n := range good {
		if _, ok := bad[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		g, b := good[n], bad[n]
		changed := false
		for _, v := range b {
			if !contains(g, v) {
				changed = true
			}
		}
		if len(b) == 0 && len(g) > 0 {
			changed = true
		}
		if changed {
			out = append(out, report.FactChange{Fact: n, Host: host, Good: strings.Join(g, " | "), Bad: strings.Join(b, " | ")})
		}
	}
	return out
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

// unifiedDiff is a unified diff (3 lines of context) of two texts.
func unifiedDiff(name, a, b string) string {
	al, bl := splitLines(a), splitLines(b)
	if len(al) > maxDiffLines || len(bl) > maxDiffLines {
		return fmt.Sprintf("--- good/%s\n+++ bad/%s\n(%d and %d lines: too long to diff here)\n", name, name, len(al), len(bl))
	}
	// LCS table.
	n, m := len(al), len(bl)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if al[i] == bl[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		kind byte // ' ', '-', '+'
		text string
		ai   int
		bi   int
	}
	var ops []op
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && al[i] == bl[j]:
			ops = append(ops, op{' ', al[i], i, j})
			i++
			j++
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', al[i], i, j})
			i++
		default:
			ops = append(ops, op{'+', bl[j], i, j})
			j++
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- good/%s\n+++ bad/%s\n", name, name)
	const ctx = 3
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		start := max(0, k-ctx)
		end := k
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run-end > 2*ctx || run == len(ops) {
				end = min(len(ops), end+ctx)
				break
			}
			end = run
		}
		na, nb := 0, 0
		for _, o := range ops[start:end] {
			if o.kind != '+' {
				na++
			}
			if o.kind != '-' {
				nb++
			}
		}
		fmt.Fprintf(&sb, "@@ -%d,%d +%d,%d @@\n", ops[start].ai+1, na, ops[start].bi+1, nb)
		for _, o := range ops[start:end] {
			sb.WriteByte(o.kind)
			sb.WriteString(o.text)
			sb.WriteByte('\n')
		}
		k = end
	}
	return sb.String()
}

func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
