package report

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Severities in report order, most severe first.
var Severities = []string{SeverityCritical, SeverityWarning, SeverityInfo}

// Finding severities.
const (
	SeverityCritical = "critical"
	SeverityWarning  = "warning"
	SeverityInfo     = "info"
)

// severityRank orders severities: critical 3, warning 2, info 1, others 0.
func severityRank(s string) int {
	switch s {
	case SeverityCritical:
		return 3
	case SeverityWarning:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

// ValidSeverity reports whether s is critical, warning or info.
func ValidSeverity(s string) bool { return severityRank(s) > 0 }

// AtOrAbove reports whether severity is at or above threshold (both
// critical, warning or info). An unknown severity is never at or above a
// known threshold.
func AtOrAbove(severity, threshold string) bool {
	r := severityRank(severity)
	return r > 0 && r >= severityRank(threshold)
}

// CountAtOrAbove is the number of findings at or above threshold: what
// decides analyze's exit status with --fail-on.
func (r *Report) CountAtOrAbove(threshold string) int {
	n := 0
	for _, f := range r.Findings {
		if AtOrAbove(f.Severity, threshold) {
			n++
		}
	}
	return n
}

// SeverityCounts counts findings per severity.
func (r *Report) SeverityCounts() map[string]int {
	c := map[string]int{}
	for _, f := range r.Findings {
		c[f.Severity]++
	}
	return c
}

// sortedFindings returns the findings most severe first, keeping the
// engine's order within a severity.
func sortedFindings(fs []Finding) []Finding {
	out := append([]Finding(nil), fs...)
	sort.SliceStable(out, func(i, j int) bool {
		return severityRank(out[i].Severity) > severityRank(out[j].Severity)
	})
	return out
}

// Trust levels of a bundle's verification, for colouring and badges.
const (
	levelOK   = "ok"
	levelWarn = "warn"
	levelBad  = "bad"
	levelNone = "none"
)

// SignatureLabel says in a few words what a bundle's signature proves:
// "valid, trusted: NAME", "valid but untrusted key KEYID", "INVALID",
// "unsigned", or "none (raw logs)".
func SignatureLabel(b Bundle) string {
	label, _ := signatureLabel(b)
	return label
}

func signatureLabel(b Bundle) (string, string) {
	s := b.Signature
	switch s.Status {
	case "valid":
		if s.Trusted {
			who := s.Signer
			if who == "" {
				who = s.KeyID
			}
			return "valid, trusted: " + who, levelOK
		}
		key := s.KeyID
		if key == "" {
			key = s.Signer
		}
		if key == "" {
			return "valid but untrusted key (integrity only)", levelWarn
		}
		return "valid but untrusted key " + key + " (integrity only)", levelWarn
	case "invalid":
		return "INVALID", levelBad
	case "unsigned", "":
		if b.Kind == "raw" {
			return "none (raw logs)", levelNone
		}
		return "unsigned", levelWarn
	}
	return "unknown status " + s.Status, levelBad
}

// IntegrityLabel says whether a bundle's members match SHA256SUMS: "ok",
// "N problems", "not checked: no SHA256SUMS", or for raw logs "not
// checked (raw logs)"; notes that are not tampering (lines that are not
// UTF-8) are counted apart.
func IntegrityLabel(b Bundle) string {
	label, _ := integrityLabel(b)
	return label
}

// noteProblem reports whether an integrity problem says something about
// the content rather than about tampering (invalid UTF-8 lines, a file
// decoded from another encoding).
func noteProblem(p Problem) bool { return p.Kind == "invalid_utf8" || p.Kind == "encoding" }

// shownProblems drops what goes without saying: raw logs have no
// SHA256SUMS.
func shownProblems(b Bundle) []Problem {
	if b.Kind != "raw" {
		return b.Integrity.Problems
	}
	var out []Problem
	for _, p := range b.Integrity.Problems {
		if !(p.Kind == "missing" && p.Member == "SHA256SUMS") {
			out = append(out, p)
		}
	}
	return out
}

// seriousProblems counts the problems that mean a member is not what was
// collected.
func seriousProblems(b Bundle) int {
	n := 0
	for _, p := range shownProblems(b) {
		if !noteProblem(p) {
			n++
		}
	}
	return n
}

func integrityLabel(b Bundle) (string, string) {
	shown := shownProblems(b)
	serious := seriousProblems(b)
	notes := ""
	if n := len(shown) - serious; n > 0 {
		notes = " · " + plural(n, "note", "notes")
	}
	switch {
	case b.Kind == "raw" && serious == 0:
		return "not checked (raw logs)" + notes, levelNone
	case serious > 0:
		return plural(serious, "problem", "problems") + notes, levelBad
	case b.Integrity.Status == IntegrityOK:
		return "ok" + notes, levelOK
	case b.Integrity.Status == IntegrityMissing || b.Integrity.Status == "":
		return "not checked: no SHA256SUMS" + notes, levelWarn
	}
	return CleanLine(b.Integrity.Status) + notes, levelBad
}

// VerificationProblem returns why a bundle is not proven intact and signed
// by a trusted key ("" when it is): what --require-signature refuses.
func VerificationProblem(b Bundle) string {
	var why []string
	switch {
	case b.Kind == "raw":
		why = append(why, "raw logs carry no signature")
	case b.Signature.Status != "valid":
		s := "signature " + b.Signature.Status
		if b.Signature.Status == "" || b.Signature.Status == "unsigned" {
			s = "not signed"
		}
		if b.Signature.Detail != "" {
			s += " (" + b.Signature.Detail + ")"
		}
		why = append(why, s)
	case !b.Signature.Trusted:
		key := b.Signature.KeyID
		if key == "" {
			key = b.Signature.Signer
		}
		why = append(why, "signed by untrusted key "+key)
	}
	if b.Kind != "raw" && (b.Integrity.Status != IntegrityOK || seriousProblems(b) > 0) {
		var serious []Problem
		for _, p := range b.Integrity.Problems {
			if !noteProblem(p) {
				serious = append(serious, p)
			}
		}
		switch {
		case len(serious) > 0:
			p := serious[0]
			s := fmt.Sprintf("integrity: %s %s", p.Member, p.Kind)
			if len(serious) > 1 {
				s += fmt.Sprintf(" and %d more", len(serious)-1)
			}
			why = append(why, s)
		case b.Integrity.Status == IntegrityMissing:
			why = append(why, "integrity: no SHA256SUMS")
		default:
			why = append(why, "integrity: "+b.Integrity.Status)
		}
	}
	return strings.Join(why, "; ")
}

// What became of a manifest item, in the order the reports list them.
const (
	itemFailed    = iota // could not be collected: timeout, permission_denied, too_large, not_redactable...
	itemMissing          // expected, and not on the host: not_found, command_not_found
	itemCollected        // stored (maybe truncated or redacted)
	itemOptional         // not there, which is normal on this host (optional, when false)
)

// itemState says what became of an item. An item the collector could
// not find is expected but missing unless it is optional: the customer's
// host lacks it (another install directory? another host?). Anything
// else not collected failed, optional or not (a file that is there but
// could not be read is not "not on this host").
func itemState(it Item) int {
	if it.ErrorKind == "" && it.Error == "" || it.DeliveredBy != "" {
		return itemCollected
	}
	switch it.ErrorKind {
	case "not_found", "command_not_found":
		if it.Optional {
			return itemOptional
		}
		return itemMissing
	case "skipped":
		if it.Optional {
			return itemOptional
		}
	}
	return itemFailed
}

// Item outcomes (Item.Outcome).
const (
	ItemCollected = "collected" // stored, or delivered by a follow-up
	ItemMissing   = "missing"   // expected, and not on the host
	ItemFailed    = "failed"    // there, but could not be collected
	ItemOptional  = "optional"  // not there, which is normal on this host
)

// Outcome says what became of an item: ItemCollected (also when a
// follow-up delivered it), ItemMissing, ItemFailed or ItemOptional.
func (it Item) Outcome() string {
	switch itemState(it) {
	case itemCollected:
		return ItemCollected
	case itemMissing:
		return ItemMissing
	case itemOptional:
		return ItemOptional
	}
	return ItemFailed
}

// MissingItems lists, per bundle name, the ids of the expected items that
// are missing or failed and that no follow-up delivered: what the help
// desk would still have to ask for. Bundles lacking nothing are absent.
func MissingItems(r *Report) map[string][]string {
	out := map[string][]string{}
	for _, b := range r.Bundles {
		for _, it := range b.Items {
			if o := it.Outcome(); o == ItemMissing || o == ItemFailed {
				out[b.Name] = append(out[b.Name], it.ID)
			}
		}
	}
	return out
}

// itemStats summarises a bundle's manifest items.
type itemStats struct {
	Total, Collected, Failed, Missing, Optional int
	Truncated, Redacted, Redactions             int
	// MissingIDs are the expected items that are missing; FailedIDs the
	// failed ones as "id: error_kind". Both clean, in manifest order.
	MissingIDs, FailedIDs []string
}

func statsOf(items []Item) itemStats {
	var s itemStats
	for _, it := range items {
		s.Total++
		switch itemState(it) {
		case itemCollected:
			s.Collected++
		case itemOptional:
			s.Optional++
		case itemMissing:
			s.Missing++
			s.MissingIDs = append(s.MissingIDs, shortName(it.ID))
		default:
			s.Failed++
			kind := it.ErrorKind
			if kind == "" {
				kind = "error"
			}
			s.FailedIDs = append(s.FailedIDs, shortName(it.ID)+": "+shortName(kind))
		}
		if it.Truncated > 0 {
			s.Truncated++
		}
		if n := redactionCount(it); n > 0 {
			s.Redacted++
			s.Redactions += n
		}
	}
	return s
}

func redactionCount(it Item) int {
	n := 0
	for _, c := range it.Redactions {
		n += c
	}
	return n
}

// shortName is an item id or error kind as a summary names it: clean,
// and cut (ids are short; a hostile manifest's need not be).
func shortName(s string) string { return truncateWidth(CleanLine(clipBytes(s, 256)), 48) }

// summaryPart is one part of a bundle's item summary; warn marks what
// needs attention (expected items missing, failed items).
type summaryPart struct {
	Text string
	Warn bool
}

// parts says what became of the items: "40 items: 22 collected", "2
// expected but missing (app-log, app-cfg)", "1 failed (host.netstat:
// timeout)", "15 optional, not on this host", "1 truncated", "1
// redacted". Lists name at most maxIDs items (0: all).
func (s itemStats) parts(maxIDs int) []summaryPart {
	if s.Total == 0 {
		return []summaryPart{{Text: "no item list"}}
	}
	head := plural(s.Total, "item", "items") + ": "
	if s.Collected == s.Total {
		head += "all collected"
	} else {
		head += fmt.Sprintf("%d collected", s.Collected)
	}
	out := []summaryPart{{Text: head}}
	if s.Missing > 0 {
		out = append(out, summaryPart{fmt.Sprintf("%d expected but missing (%s)", s.Missing, idList(s.MissingIDs, maxIDs)), true})
	}
	if s.Failed > 0 {
		out = append(out, summaryPart{fmt.Sprintf("%d failed (%s)", s.Failed, idList(s.FailedIDs, maxIDs)), true})
	}
	if s.Optional > 0 {
		out = append(out, summaryPart{Text: fmt.Sprintf("%d optional, not on this host", s.Optional)})
	}
	if s.Truncated > 0 {
		out = append(out, summaryPart{Text: fmt.Sprintf("%d truncated", s.Truncated)})
	}
	if s.Redacted > 0 {
		out = append(out, summaryPart{Text: fmt.Sprintf("%d redacted", s.Redacted)})
	}
	return out
}

// String is the summary in one line (parts joined by " · ").
func (s itemStats) String() string {
	var ps []string
	for _, p := range s.parts(maxSummaryIDs) {
		ps = append(ps, p.Text)
	}
	return strings.Join(ps, " · ")
}

// maxSummaryIDs bounds the item ids a summary names per list.
const maxSummaryIDs = 3

// idList joins ids: the first n of them and "+N more" (n 0: all).
func idList(ids []string, n int) string {
	if n <= 0 || len(ids) <= n {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:n], ", ") + fmt.Sprintf(", +%d more", len(ids)-n)
}

// coverageStats counts rule runs per status.
type coverageStats struct {
	Ran, Partial, Skipped, Error, Total int
	// NotApplicable counts rules that do not concern their bundle (their
	// applies condition is false): not a gap, never alarming.
	NotApplicable int
	// Rules is the number of distinct rules (a rule runs once per bundle).
	Rules int
}

func coverageOf(cs []RuleCoverage) coverageStats {
	var s coverageStats
	rules := map[string]bool{}
	for _, c := range cs {
		s.Total++
		rules[c.Rule] = true
		switch c.Status {
		case CoverageRan:
			s.Ran++
		case CoveragePartial:
			s.Partial++
		case CoverageSkipped:
			s.Skipped++
		case CoverageNotApplicable:
			s.NotApplicable++
		default:
			s.Error++
		}
	}
	s.Rules = len(rules)
	return s
}

// Gaps is the number of rule runs that did not fully run: partial,
// skipped or failed (not those that do not apply).
func (s coverageStats) Gaps() int { return s.Partial + s.Skipped + s.Error }

// Applicable is the number of rule runs that concern their bundle.
func (s coverageStats) Applicable() int { return s.Total - s.NotApplicable }

// Incomplete reports whether some rules could not look at all (skipped:
// none of their inputs is there) or failed. Rules that ran without some
// of their inputs (partial) are counted apart: they looked.
func (s coverageStats) Incomplete() bool { return s.Skipped+s.Error > 0 }

// Headline is String prefixed with how many rules (or rule runs, when
// rules ran on several inputs) there were.
func (s coverageStats) Headline() string {
	if s.Total == 0 {
		return "no rules ran"
	}
	if s.Rules == s.Total {
		return plural(s.Total, "rule", "rules") + ": " + s.String()
	}
	return fmt.Sprintf("%d rule runs (%s on their inputs): %s", s.Total, plural(s.Rules, "rule", "rules"), s.String())
}

func (s coverageStats) String() string {
	if s.Total == 0 {
		return "no rules ran"
	}
	parts := []string{fmt.Sprintf("%d ran", s.Ran)}
	if s.Partial > 0 {
		parts = append(parts, fmt.Sprintf("%d partial", s.Partial))
	}
	if s.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", s.Skipped))
	}
	if s.Error > 0 {
		parts = append(parts, plural(s.Error, "failed", "failed"))
	}
	if s.NotApplicable > 0 {
		parts = append(parts, fmt.Sprintf("%d not applicable", s.NotApplicable))
	}
	return strings.Join(parts, ", ")
}

// coverageLabel is a coverage status as the reports show it.
func coverageLabel(status string) string {
	if status == CoverageNotApplicable {
		return "n/a"
	}
	return CleanLine(status)
}

// coverageReason says why a rule did not fully run.
func coverageReason(c RuleCoverage) string {
	r := c.Reason
	if len(c.Missing) > 0 {
		m := "nothing matched " + strings.Join(c.Missing, ", ")
		if r == "" {
			r = m
		} else if !strings.Contains(r, c.Missing[0]) {
			r += "; " + m
		}
	}
	if r == "" {
		r = c.Status
	}
	return r
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Time formats of the renderers, to the second: "Z" in UTC, else the
// offset of the report's zone.
const (
	timeLayout = "2006-01-02 15:04:05Z07:00"
	dayLayout  = "2006-01-02"
	clockOnly  = "15:04:05Z07:00"
)

// clock shows every time the report computed in one zone: the report's
// Zone, UTC when it has none (or names one this system does not know).
type clock struct{ loc *time.Location }

func clockOf(r *Report) clock {
	if r == nil || r.Zone == "" || r.Zone == "UTC" {
		return clock{time.UTC}
	}
	if loc, err := time.LoadLocation(r.Zone); err == nil {
		return clock{loc}
	}
	// A fixed offset given as --timezone +02:00.
	if t, err := time.Parse("-07:00", r.Zone); err == nil {
		_, off := t.Zone()
		return clock{time.FixedZone(r.Zone, off)}
	}
	return clock{time.UTC}
}

// name is the zone's name for headings: "UTC" or "Europe/Berlin".
func (c clock) name() string { return c.loc.String() }

func (c clock) fmt(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "unknown time"
	}
	return t.In(c.loc).Format(timeLayout)
}

// iso is the machine-readable form for <time datetime>, always UTC.
func (c clock) iso(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// span shows first..last, the date once when they share it.
func (c clock) span(first, last *time.Time) string {
	switch {
	case first == nil && last == nil:
		return ""
	case first == nil:
		return "until " + c.fmt(last)
	case last == nil || last.Equal(*first):
		return c.fmt(first)
	}
	a, b := first.In(c.loc), last.In(c.loc)
	if a.Format(dayLayout) == b.Format(dayLayout) {
		return a.Format(timeLayout) + " – " + b.Format(clockOnly)
	}
	return a.Format(timeLayout) + " – " + b.Format(timeLayout)
}

// countLabel says how often a finding's lines were seen.
func countLabel(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

// bestEvidence picks the line that best shows why a finding was made: the
// first that made the rule fire, else the first cited.
func bestEvidence(f Finding) (Evidence, bool) {
	for _, e := range f.Evidence {
		if e.Role == "" || e.Role == "match" {
			return e, true
		}
	}
	if len(f.Evidence) > 0 {
		return f.Evidence[0], true
	}
	return Evidence{}, false
}

// bundlesOf names the bundles a finding is about.
func bundlesOf(f Finding) []string {
	if len(f.Bundles) > 0 {
		return f.Bundles
	}
	if f.Bundle != "" {
		return []string{f.Bundle}
	}
	return nil
}

// bundleLabels maps bundle names to short clean labels: the host name
// when no other input has the same host, else the bundle name.
func bundleLabels(bs []Bundle) map[string]string {
	hosts := map[string]int{}
	for _, b := range bs {
		hosts[b.Host]++
	}
	m := map[string]string{}
	for _, b := range bs {
		l := b.Host
		if l == "" || hosts[b.Host] > 1 {
			l = b.Name
		}
		m[b.Name] = CleanLine(l)
	}
	return m
}

// alteredMembers lists, per bundle name, the members whose content does
// not match SHA256SUMS (altered, size), so that evidence quoted from them
// can say so.
func alteredMembers(bs []Bundle) map[string]bool {
	m := map[string]bool{}
	for _, b := range bs {
		for _, p := range b.Integrity.Problems {
			if p.Kind == "altered" || p.Kind == "size" || p.Kind == "extra" {
				m[b.Name+"\x00"+p.Member] = true
			}
		}
	}
	return m
}

// NothingChecked reports whether the report checked nothing: no finding,
// and no rule ran on any input (every rule was skipped for want of its
// inputs, failed, or does not apply). Such a report must never pass for a
// healthy one: analyze exits 3 on it.
func (r *Report) NothingChecked() bool {
	if len(r.Findings) > 0 {
		return false
	}
	s := coverageOf(r.Coverage)
	return s.Ran+s.Partial == 0
}

// integrityOnly counts the bundles whose signature is valid but made with
// a key the help desk does not trust (the collector's one-time key, or a
// key not in --trust): intact, signer not proven.
func integrityOnly(bs []Bundle) int {
	n := 0
	for _, b := range bs {
		if b.Signature.Status == "valid" && !b.Signature.Trusted {
			n++
		}
	}
	return n
}
