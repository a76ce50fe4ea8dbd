package analyze

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
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
	// Findings are the finding ids (with their key, if any), as shown.
	Findings []string `json:"findings"`
	// FindingKeys are, per entry of Findings, its id and key parts
	// (report.Finding.KeyParts): keys that read the same when joined
	// with spaces stay apart. Absent in older baseline files, which are
	// compared by Findings.
	FindingKeys [][]string `json:"finding_keys,omitempty"`
	// Facts are the facts' values as text; a fact with several values
	// (several inputs) lists each once.
	Facts map[string][]string `json:"facts"`
	// HostFacts are the same by host: the manifest's host name ("" for
	// inputs without one). Compare matches hosts by name.
	HostFacts map[string]map[string][]string `json:"host_facts,omitempty"`
	// Templates are the templates of each log (by its folder and its base
	// name without a rotation suffix).
	Templates []SnapTemplate `json:"templates"`
	// Configs are the redacted texts of the inputs' other files, by path
	// (files/... inside the bundle), and Commands the texts of the
	// commands' outputs (commands/*.out), as older baseline files keep
	// them: one copy per path. Newer files leave them empty and keep
	// HostConfigs and HostCommands.
	Configs  map[string]string `json:"configs"`
	Commands map[string]string `json:"commands,omitempty"`
	// HostConfigs and HostCommands are the same texts by host (the
	// manifest's host name, "" for inputs without one), then by path:
	// with several hosts on one side, each host's copy is its own.
	HostConfigs  map[string]map[string]string `json:"host_configs,omitempty"`
	HostCommands map[string]map[string]string `json:"host_commands,omitempty"`
}

// ConfigCount is the number of config files the snapshot keeps (each
// host's copy counts).
func (s *Snapshot) ConfigCount() int {
	n := len(s.Configs)
	for _, m := range s.HostConfigs {
		n += len(m)
	}
	return n
}

// SnapTemplate is a template of a log in a snapshot.
type SnapTemplate struct {
	Log string `json:"log"` // base name without a rotation suffix
	// Dir is the log's folder (member path): two logs of the same name in
	// different folders are two logs. Absent in older baseline files,
	// which are compared by Log alone.
	Dir      string  `json:"dir,omitempty"`
	ID       string  `json:"id"`
	Template string  `json:"template"`
	Count    int     `json:"count"`
	Hours    float64 `json:"hours"` // the span of the log
}

type snapshotSink struct {
	snap  *Snapshot
	logs  map[string]bool   // bundle + "\x00" + member path of mined logs
	hosts map[string]string // bundle name: its manifest's host name
}

// RunSnapshot is Run, returning also what a baseline keeps of the inputs.
func RunSnapshot(ctx context.Context, paths []string, opts Options) (*report.Report, *Snapshot, error) {
	// Two passes over the inputs: standard input is read once and
	// replayed.
	stdin, done, err := replayStdin(paths, opts)
	if err != nil {
		return nil, nil, err
	}
	defer done()
	sink := &snapshotSink{}
	opts.snap = sink
	opts.Stdin = stdin()
	rep, err := Run(ctx, paths, opts)
	if err != nil {
		return nil, nil, err
	}
	opts.Stdin = stdin()
	if err := sink.configs(ctx, paths, opts); err != nil {
		return nil, nil, err
	}
	return rep, sink.snap, nil
}

// baselineKey is what tells a finding apart in a baseline: its id and its
// key's parts.
func baselineKey(f report.Finding) []string {
	key := []string{f.ID}
	switch {
	case f.KeyParts != nil:
		key = append(key, f.KeyParts...)
	case f.Key != "":
		key = append(key, f.Key)
	}
	return key
}

// findingText is a finding as a baseline shows it: "id key".
func findingText(id, key string) string {
	if key == "" {
		return id
	}
	return id + " " + key
}

var rotationSuffix = regexp.MustCompile(`(\.\d+)?(\.(gz|bz2|xz|zst))?$`)

func logKey(path string) string {
	base := path[strings.LastIndexByte(path, '/')+1:]
	return rotationSuffix.ReplaceAllString(base, "")
}

// logDir is the folder of a member path ("" for none).
func logDir(path string) string {
	return path[:max(strings.LastIndexByte(path, '/'), 0)]
}

// fill takes what a snapshot keeps from a finished analysis.
func (s *snapshotSink) fill(rep *report.Report, states []*bundleState) {
	snap := &Snapshot{Format: BaselineFormat, Facts: map[string][]string{}, HostFacts: map[string]map[string][]string{},
		Configs: map[string]string{}, Commands: map[string]string{}}
	type sf struct {
		text string
		key  []string
	}
	var fs []sf
	seenF := map[string]bool{}
	for _, f := range rep.Findings {
		key := baselineKey(f)
		if id := groupID(key); !seenF[id] {
			seenF[id] = true
			fs = append(fs, sf{findingText(key[0], f.Key), key})
		}
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].text < fs[j].text })
	for _, f := range fs {
		snap.Findings = append(snap.Findings, f.text)
		snap.FindingKeys = append(snap.FindingKeys, f.key)
	}
	type tk struct{ dir, log, tpl string }
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
				dir, log := logDir(m.path), logKey(m.path)
				k := tk{dir, log, g.template}
				t := tpls[k]
				if t == nil {
					t = &SnapTemplate{Log: log, Dir: dir, Template: g.template}
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
	s.hosts = map[string]string{}
	for _, b := range states {
		if b.manifest != nil {
			s.hosts[b.name] = b.manifest.Host.Hostname
		}
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
	iopts := opts.inputOptions()
	s.snap.HostConfigs, s.snap.HostCommands = map[string]map[string]string{}, map[string]map[string]string{}
	nConfigs, nCommands := 0, 0
	names := map[string]int{}
	for _, path := range paths {
		srcs, err := openSources(ctx, path, iopts)
		if err != nil {
			return err
		}
		for _, src := range srcs {
			// The bundle's name as Run gave it (a second input of the
			// same name is name#2), and its host.
			in := src.Input()
			name := in.Name
			if n := names[in.Name]; n > 0 {
				name = fmt.Sprintf("%s#%d", in.Name, n+1)
			}
			names[in.Name]++
			host := s.hosts[name]
			redacted := in.Manifest != nil && in.Manifest.Redaction.Enabled
			hostFacts := map[string]bool{}
			if in.Manifest != nil {
				for it := range in.Items() {
					if it.Kind == bundle.KindBuiltin && it.Source == hostFactsSource {
						for _, st := range it.Stored {
							hostFacts[st.Path] = true
						}
					}
				}
			}
			_, err := src.Walk(ctx, func(m input.Member, r io.Reader) error {
				command := strings.HasPrefix(m.Path, "commands/") && strings.HasSuffix(m.Path, ".out")
				byHost, n := s.snap.HostConfigs, &nConfigs
				if command {
					byHost, n = s.snap.HostCommands, &nCommands
				}
				if !command && !strings.HasPrefix(m.Path, "files/") || m.Archive != "" || m.Compression != "" ||
					m.Size > maxSnapshotConfig || *n >= maxSnapshotConfigs || s.logs[name+"\x00"+m.Path] {
					return nil
				}
				data, err := io.ReadAll(io.LimitReader(r, maxSnapshotConfig+1))
				if err != nil {
					return err
				}
				if len(data) > maxSnapshotConfig || bytes.IndexByte(data, 0) >= 0 {
					return nil
				}
				into := byHost[host]
				if into == nil {
					into = map[string]string{}
					byHost[host] = into
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
					*n++
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
	out.FindingsNew, out.FindingsGone = compareFindings(good, bad)
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
	// Templates by log (folder and name; by name alone when a side is an
	// older baseline file, whose templates have no folder).
	byDir := hasDirs(good.Templates) && hasDirs(bad.Templates)
	type lk struct{ dir, log string }
	logOf := func(t SnapTemplate) lk {
		if byDir {
			return lk{t.Dir, t.Log}
		}
		return lk{"", t.Log}
	}
	type tk struct {
		log lk
		tpl string
	}
	gt := map[tk]SnapTemplate{}
	logs := map[lk]bool{}
	for _, t := range good.Templates {
		gt[tk{logOf(t), t.Template}] = t
		logs[logOf(t)] = true
	}
	bt := map[tk]SnapTemplate{}
	blogs := map[lk]bool{}
	for _, t := range bad.Templates {
		bt[tk{logOf(t), t.Template}] = t
		blogs[logOf(t)] = true
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
		file := t.Log
		if byDir && t.Dir != "" {
			file = t.Dir + "/" + t.Log
		}
		return report.TemplateChange{ID: t.ID, Template: t.Template, File: file, GoodRate: round2(rate(g)), BadRate: round2(rate(b)), GoodCount: g.Count, BadCount: b.Count}
	}
	for _, t := range bad.Templates {
		g, ok := gt[tk{logOf(t), t.Template}]
		switch {
		case !ok && logs[logOf(t)]:
			out.TemplatesNew = append(out.TemplatesNew, change(SnapTemplate{}, t))
		case ok:
			gr, br := rate(g), rate(t)
			if max(g.Count, t.Count) >= 5 && (br >= 10*gr || gr >= 10*br) {
				out.TemplatesRate = append(out.TemplatesRate, change(g, t))
			}
		}
	}
	for _, t := range good.Templates {
		if _, ok := bt[tk{logOf(t), t.Template}]; !ok && blogs[logOf(t)] {
			out.TemplatesGone = append(out.TemplatesGone, change(t, SnapTemplate{}))
		}
	}
	// Files and commands' outputs host by host, as the facts.
	for _, c := range textChanges(hostTexts(good, good.HostConfigs, good.Configs), hostTexts(bad, bad.HostConfigs, bad.Configs)) {
		out.ConfigDiffs = append(out.ConfigDiffs, report.ConfigDiff{File: c.path, Host: c.host, Diff: unifiedDiff(c.path, c.good, c.bad)})
	}
	// Commands' outputs: those that read like configuration (a version,
	// a listing: few lines changed) are diffed after the files; the
	// others (process and socket tables, counters) are listed by name
	// (and host, when there are several).
	badCmds := hostTexts(bad, bad.HostCommands, bad.Commands)
	for _, c := range textChanges(hostTexts(good, good.HostCommands, good.Commands), badCmds) {
		name := c.path
		if len(badCmds) > 1 && c.host != "" {
			name = c.host + ": " + c.path
		}
		gl, bl := len(splitLines(c.good)), len(splitLines(c.bad))
		if gl > maxCommandDiff || bl > maxCommandDiff {
			out.CommandsDiffer = append(out.CommandsDiffer, fmt.Sprintf("%s (%d → %d lines)", name, gl, bl))
			continue
		}
		d := unifiedDiff(c.path, c.good, c.bad)
		if changed := diffChanged(d); changed <= maxCommandChange {
			out.ConfigDiffs = append(out.ConfigDiffs, report.ConfigDiff{File: c.path, Host: c.host, Diff: d})
		} else {
			out.CommandsDiffer = append(out.CommandsDiffer, fmt.Sprintf("%s (%d lines changed)", name, changed))
		}
	}
	return out
}

// hostTexts are a snapshot's file or command texts by host: as kept by
// host, or (an older baseline file) the one copy per path, of its one
// host when it has one.
func hostTexts(s *Snapshot, byHost map[string]map[string]string, flat map[string]string) map[string]map[string]string {
	if byHost != nil || len(flat) == 0 {
		return byHost
	}
	host := ""
	if len(s.HostFacts) == 1 {
		for h := range s.HostFacts {
			host = h
		}
	}
	return map[string]map[string]string{host: flat}
}

// textChange is a text that differs from the known-good one.
type textChange struct{ host, path, good, bad string }

// textChanges lists, host by host and path by path, the texts of bad
// that differ from good's: a host's text is compared with the same
// host's; a host good does not have with every good host's copy (no
// change if one is the same, else the first host's, in name order).
// Paths only one side has are not listed.
func textChanges(good, bad map[string]map[string]string) []textChange {
	var out []textChange
	for _, h := range slices.Sorted(maps.Keys(bad)) {
		for _, p := range slices.Sorted(maps.Keys(bad[h])) {
			b := bad[h][p]
			g, ok := "", false
			if gh, same := good[h]; same {
				g, ok = gh[p]
			} else {
				for _, gh := range slices.Sorted(maps.Keys(good)) {
					if t, has := good[gh][p]; has && (!ok || t == b) {
						g, ok = t, true
					}
				}
			}
			if ok && g != b {
				out = append(out, textChange{h, p, g, b})
			}
		}
	}
	return out
}

// compareFindings lists the findings of bad that good does not have, and
// those of good that bad does not have: by id and key parts when both
// snapshots have them, else (an older baseline file) by the text shown.
// Entries that read the same show their key parts quoted.
func compareFindings(good, bad *Snapshot) (added, gone []string) {
	gk, bk := findingIDs(good), findingIDs(bad)
	if gk == nil || bk == nil {
		gk, bk = good.Findings, bad.Findings
	}
	type entry struct {
		text string
		key  []string
	}
	diff := func(from *Snapshot, ids, others []string) []entry {
		var out []entry
		for i, id := range ids {
			if !contains(others, id) {
				e := entry{text: from.Findings[i]}
				if len(from.FindingKeys) == len(from.Findings) {
					e.key = from.FindingKeys[i]
				}
				out = append(out, e)
			}
		}
		return out
	}
	a, g := diff(bad, bk, gk), diff(good, gk, bk)
	n := map[string]int{}
	for _, e := range append(a, g...) {
		n[e.text]++
	}
	show := func(es []entry) []string {
		out := []string{}
		for _, e := range es {
			if n[e.text] > 1 && len(e.key) > 2 {
				q := make([]string, len(e.key)-1)
				for i, p := range e.key[1:] {
					q[i] = strconv.Quote(p)
				}
				e.text = e.key[0] + " " + strings.Join(q, " ")
			}
			out = append(out, e.text)
		}
		return out
	}
	return show(a), show(g)
}

// findingIDs are the identities of a snapshot's findings (nil: it has no
// key parts).
func findingIDs(s *Snapshot) []string {
	if len(s.FindingKeys) != len(s.Findings) {
		return nil
	}
	ids := make([]string, len(s.FindingKeys))
	for i, k := range s.FindingKeys {
		ids[i] = groupID(k)
	}
	return ids
}

// hasDirs reports whether templates carry their log's folder (not an
// older baseline file's).
func hasDirs(ts []SnapTemplate) bool {
	for _, t := range ts {
		if t.Dir != "" {
			return true
		}
	}
	return false
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
