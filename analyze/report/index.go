package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"casefile/internal/slicesx"
)

// IndexVersion is the version of the index rows analyze --each writes
// (docs/index.schema.json). Like the report, it only gains fields.
const IndexVersion = 1

// IndexRow is one line of index.json: one report of a batch (analyze
// --each), or one input that could not be analyzed.
type IndexRow struct {
	IndexVersion int `json:"index_version"`
	// N is the report's place in the batch (1-based, the order of the
	// inputs on the command line), whatever order they finished in.
	N int `json:"n"`
	// Report is the base name of the report files ("" when none was
	// written); Files are their names, relative to index.json.
	Report string   `json:"report"`
	Files  []string `json:"files"`
	// Inputs are the paths analyzed together, as given.
	Inputs []string `json:"inputs"`
	// Case is the ticket id the inputs share (collect --case), if any.
	Case     string   `json:"case,omitempty"`
	Hosts    []string `json:"hosts"`
	Bundles  []string `json:"bundles"`
	Profiles []string `json:"profiles"`
	// Verdict is critical, warning, info, incomplete or ok as the
	// report's verdict line says, or "error" when there is no report.
	Verdict string `json:"verdict"`
	// Exit is the status a single analyze of these inputs would have
	// ended with: 0, 1 (a finding at or above --fail-on), 2 (refused), 3
	// (nothing could be checked).
	Exit     int            `json:"exit"`
	Counts   map[string]int `json:"counts"`
	Findings []IndexFinding `json:"findings"`
	// Verification holds one line per input that is not intact or not
	// validly signed (unsigned, invalid signature, altered members...); a
	// valid signature by a key not in --trust is not listed.
	Verification []string `json:"verification,omitempty"`
	// Error is the one-line reason the inputs could not be analyzed.
	Error string `json:"error,omitempty"`
}

// IndexFinding is one finding id of a report: its severity (the highest
// when it occurs several times), how many findings carry it and on which
// hosts.
type IndexFinding struct {
	ID       string   `json:"id"`
	Severity string   `json:"severity"`
	Count    int      `json:"count"`
	Hosts    []string `json:"hosts"`
}

// Index verdicts beyond the report's own.
const VerdictError = "error"

// NewIndexRow summarises r for the index. The caller fills N, Report,
// Files, Inputs and Exit.
func NewIndexRow(r *Report) IndexRow {
	row := IndexRow{IndexVersion: IndexVersion, Counts: map[string]int{}, Files: []string{}, Inputs: []string{},
		Hosts: []string{}, Bundles: []string{}, Profiles: []string{}, Findings: []IndexFinding{}}
	hostOf := map[string]string{}
	var cases []string
	for _, b := range r.Bundles {
		host := b.Host
		if host == "" {
			host = b.Name
		}
		hostOf[b.Name] = host
		row.Hosts = append(row.Hosts, host)
		row.Bundles = append(row.Bundles, b.Name)
		row.Profiles = append(row.Profiles, b.Profile)
		if b.Case != "" {
			cases = append(cases, b.Case)
		}
		// A valid signature by a key not in --trust is common and
		// harmless (the collector's one-time key): not listed.
		vb := b
		if vb.Signature.Status == "valid" {
			vb.Signature.Trusted = true
		}
		if why := VerificationProblem(vb); why != "" {
			row.Verification = append(row.Verification, b.Name+": "+why)
		}
	}
	row.Hosts, row.Profiles, cases = slicesx.SortedUniq(row.Hosts), slicesx.SortedUniq(row.Profiles), slicesx.SortedUniq(cases)
	row.Case = strings.Join(cases, " ")
	byID := map[string]*IndexFinding{}
	for _, f := range r.Findings {
		row.Counts[f.Severity]++
		x := byID[f.ID]
		if x == nil {
			x = &IndexFinding{ID: f.ID, Severity: f.Severity}
			byID[f.ID] = x
		}
		x.Count++
		if severityRank(f.Severity) > severityRank(x.Severity) {
			x.Severity = f.Severity
		}
		names := f.Bundles
		if len(names) == 0 && f.Bundle != "" {
			names = []string{f.Bundle}
		}
		for _, n := range names {
			if h, ok := hostOf[n]; ok {
				x.Hosts = append(x.Hosts, h)
			} else {
				x.Hosts = append(x.Hosts, n)
			}
		}
	}
	for _, x := range byID {
		x.Hosts = slicesx.SortedUniq(x.Hosts)
		if x.Hosts == nil {
			x.Hosts = []string{}
		}
		row.Findings = append(row.Findings, *x)
	}
	sortIndexFindings(row.Findings)
	row.Verdict = verdictOf(r, r.SeverityCounts(), coverageOf(r.Coverage)).Level
	return row
}

func sortIndexFindings(fs []IndexFinding) {
	sort.Slice(fs, func(i, j int) bool {
		if a, b := severityRank(fs[i].Severity), severityRank(fs[j].Severity); a != b {
			return a > b
		}
		return fs[i].ID < fs[j].ID
	})
}

// FleetFinding is one finding id across a batch: on how many hosts it
// occurs, which, and in which reports.
type FleetFinding struct {
	ID       string   `json:"id"`
	Severity string   `json:"severity"`
	Hosts    []string `json:"hosts"`
	Reports  []string `json:"reports"`
}

// Fleet gathers the fleet view of a batch from its index rows: it keeps
// finding ids and host names only, never a report.
type Fleet struct {
	by map[string]*fleetAcc
}

type fleetAcc struct {
	sev     string
	hosts   map[string]bool
	reports map[string]bool
}

// Add counts one row's findings.
func (f *Fleet) Add(row IndexRow) {
	if f.by == nil {
		f.by = map[string]*fleetAcc{}
	}
	for _, x := range row.Findings {
		a := f.by[x.ID]
		if a == nil {
			a = &fleetAcc{sev: x.Severity, hosts: map[string]bool{}, reports: map[string]bool{}}
			f.by[x.ID] = a
		}
		if severityRank(x.Severity) > severityRank(a.sev) {
			a.sev = x.Severity
		}
		for _, h := range x.Hosts {
			a.hosts[h] = true
		}
		if row.Report != "" {
			a.reports[row.Report] = true
		}
	}
}

// Findings lists the finding ids, most hosts first, then most severe,
// then by id.
func (f *Fleet) Findings() []FleetFinding {
	out := []FleetFinding{}
	for id, a := range f.by {
		ff := FleetFinding{ID: id, Severity: a.sev, Hosts: keys(a.hosts), Reports: keys(a.reports)}
		out = append(out, ff)
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := len(out[i].Hosts), len(out[j].Hosts); a != b {
			return a > b
		}
		if a, b := severityRank(out[i].Severity), severityRank(out[j].Severity); a != b {
			return a > b
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// FleetFile is fleet.json.
type FleetFile struct {
	IndexVersion int            `json:"index_version"`
	Reports      int            `json:"reports"`
	Hosts        int            `json:"hosts"`
	Findings     []FleetFinding `json:"findings"`
}

// IndexMeta is what index.html says about the batch as a whole.
type IndexMeta struct {
	Generated time.Time
	Tool      string
	FailOn    string
	Exit      int
	Zone      *time.Location
}

var (
	//go:embed assets/index.css
	indexCSS string
	//go:embed assets/index.js
	indexJS string
	//go:embed assets/index.html.tmpl
	indexTemplate string
)

// indexTmpl is parsed on first use (analyze --each writes the index).
var indexTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("index").Parse(indexTemplate))
})

// IndexContentSecurityPolicy is index.html's policy: its own script and
// style by hash, nothing from the network; links go to the report files
// beside it.
func IndexContentSecurityPolicy() string {
	return "default-src 'none'; script-src " + cspHash(indexJS) +
		"; style-src " + cspHash(indexCSS) +
		"; img-src data:; base-uri 'none'; form-action 'none'"
}

type indexView struct {
	CSP       string
	CSS       template.CSS
	JS        template.JS
	Title     string
	Tool      string
	Generated string
	FailOn    string
	Exit      int
	Counts    []countView
	Rows      []indexRowView
	Fleet     []fleetView
	Hosts     int
}

type indexRowView struct {
	N            int
	Case         string
	Hosts        string
	Profiles     string
	Verdict      string
	VerdictRank  int
	Exit         int
	Findings     []IndexFinding
	FindingsText string
	Critical     int
	Warning      int
	Info         int
	Links        []indexLink
	Inputs       string
	Error        string
	Verification string
}

type indexLink struct {
	Href  string
	Label string
}

type fleetView struct {
	ID       string
	Severity string
	NHosts   int
	Hosts    string
	Reports  []indexLink
}

// verdictRank orders verdicts for sorting: error worst.
func verdictRank(v string) int {
	switch v {
	case VerdictError:
		return 5
	case "critical":
		return 4
	case "warning":
		return 3
	case "incomplete":
		return 2
	case "info":
		return 1
	}
	return 0
}

// WriteIndexHTML writes index.html: one self-contained page with a table
// of the batch's reports (sortable by any column, by its own inline
// script) linking each, and the fleet view: which finding ids occur on
// how many hosts. Like the report, it loads nothing and its CSP lets only
// its own script and style run.
func WriteIndexHTML(w io.Writer, rows []IndexRow, fleet []FleetFinding, meta IndexMeta) error {
	zone := meta.Zone
	if zone == nil {
		zone = time.UTC
	}
	v := indexView{
		CSP:       IndexContentSecurityPolicy(),
		CSS:       template.CSS(indexCSS),
		JS:        template.JS(indexJS),
		Tool:      h(meta.Tool),
		Generated: meta.Generated.In(zone).Format(timeLayout),
		FailOn:    meta.FailOn,
		Exit:      meta.Exit,
	}
	counts := map[string]int{}
	hosts := map[string]bool{}
	for _, r := range rows {
		counts[r.Verdict]++
		for _, hst := range r.Hosts {
			hosts[hst] = true
		}
		rv := indexRowView{
			N: r.N, Case: h(r.Case), Hosts: h(strings.Join(r.Hosts, ", ")), Profiles: h(strings.Join(r.Profiles, ", ")),
			Verdict: r.Verdict, VerdictRank: verdictRank(r.Verdict), Exit: r.Exit,
			Critical: r.Counts[SeverityCritical], Warning: r.Counts[SeverityWarning], Info: r.Counts[SeverityInfo],
			Inputs: h(strings.Join(r.Inputs, " ")), Error: h(r.Error), Verification: h(strings.Join(r.Verification, "; ")),
		}
		var ids []string
		for _, f := range r.Findings {
			rv.Findings = append(rv.Findings, IndexFinding{ID: h(f.ID), Severity: f.Severity, Count: f.Count})
			ids = append(ids, f.ID)
		}
		rv.FindingsText = h(strings.Join(ids, " "))
		for _, f := range r.Files {
			rv.Links = append(rv.Links, indexLink{Href: f, Label: strings.TrimPrefix(fileExt(f), ".")})
		}
		v.Rows = append(v.Rows, rv)
	}
	v.Hosts = len(hosts)
	for _, s := range []string{VerdictError, "critical", "warning", "incomplete", "info", "ok"} {
		if counts[s] > 0 {
			v.Counts = append(v.Counts, countView{Severity: s, Label: s, N: counts[s]})
		}
	}
	for _, f := range fleet {
		fv := fleetView{ID: h(f.ID), Severity: f.Severity, NHosts: len(f.Hosts), Hosts: h(strings.Join(f.Hosts, ", "))}
		for _, rep := range f.Reports {
			fv.Reports = append(fv.Reports, indexLink{Href: rep + ".html", Label: rep})
		}
		v.Fleet = append(v.Fleet, fv)
	}
	v.Title = fmt.Sprintf("casefile batch · %d reports · %d hosts", len(rows), v.Hosts)
	var buf bytes.Buffer
	if err := indexTmpl().Execute(&buf, v); err != nil {
		return fmt.Errorf("report: index html: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func fileExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}
