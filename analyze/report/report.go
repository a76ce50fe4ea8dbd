// Package report defines the analyzer's report (JSON schema v1, see
// docs/report.schema.json) and renders it as text, JSON and HTML.
//
// The engine fills a Report; renderers only read it. Field names and
// meanings are a contract with users' scripts: add fields, never rename.
package report

import (
	"slices"
	"time"
)

// SchemaVersion is the version of the JSON report schema.
const SchemaVersion = 1

// Report is the outcome of analyzing one or more bundles together.
type Report struct {
	SchemaVersion int       `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	GeneratedAt   time.Time `json:"generated_at"`
	// IncidentTime is --at, or the time found in a bundle's note.
	IncidentTime *time.Time `json:"incident_time"`
	// IncidentSource says where IncidentTime came from: "--at" or "note of <bundle>".
	IncidentSource string         `json:"incident_source,omitempty"`
	Bundles        []Bundle       `json:"bundles"`
	Findings       []Finding      `json:"findings"`
	Timeline       []Event        `json:"timeline"`
	Coverage       []RuleCoverage `json:"coverage"`
	// Excerpts hold lines around each evidence line, for the HTML file view.
	Excerpts []Excerpt `json:"excerpts,omitempty"`
	// Zone is the time zone every time the report computed is shown in
	// (an IANA name such as "Europe/Berlin"; empty means UTC). Log lines
	// quoted as evidence keep the host's local time as written.
	Zone string `json:"zone,omitempty"`
	// Unexplained lists the message templates of the logs that no rule,
	// fact or known-benign template explains, highest score first
	// (absent when there is none).
	Unexplained []Unexplained `json:"unexplained,omitempty"`
	// Logs says, per log read, what share of its lines was explained.
	Logs []LogCoverage `json:"logs,omitempty"`
	// Baseline compares the inputs with a known-good state (--baseline).
	Baseline *Baseline `json:"baseline,omitempty"`
	// Cases groups the inputs by the ticket id they were collected for
	// (collect --case), in the order of their first input; absent when
	// no input has one.
	Cases []Case `json:"cases,omitempty"`
}

// Case is one ticket id among the inputs: its bundles and their hosts.
type Case struct {
	ID      string   `json:"id"`
	Bundles []string `json:"bundles"`
	Hosts   []string `json:"hosts"`
}

// CasesOf groups bundles by case id (Report.Cases): nil when none has one.
func CasesOf(bs []Bundle) []Case {
	var out []Case
	at := map[string]int{}
	for _, b := range bs {
		if b.Case == "" {
			continue
		}
		i, ok := at[b.Case]
		if !ok {
			i = len(out)
			at[b.Case] = i
			out = append(out, Case{ID: b.Case, Bundles: []string{}, Hosts: []string{}})
		}
		c := &out[i]
		c.Bundles = append(c.Bundles, b.Name)
		if b.Host != "" && !slices.Contains(c.Hosts, b.Host) {
			c.Hosts = append(c.Hosts, b.Host)
		}
	}
	return out
}

// Unexplained is one message template nothing explains.
type Unexplained struct {
	// ID is the template's id (analyze templates, --draft-rule).
	ID       string `json:"id"`
	Template string `json:"template"`
	Bundle   string `json:"bundle"`
	// File is the newest file of the log's family (the log and its
	// rotations: epp.log, epp.log.1, epp.log.2.gz) the template is in.
	File string `json:"file"`
	// Files are all the files of the family the template is in, newest
	// first, and FileCount how many; both absent when it is only in File.
	Files     []string `json:"files,omitempty"`
	FileCount int      `json:"file_count,omitempty"`
	// Count is the number of lines of the template in its files.
	Count        int        `json:"count"`
	FirstSeen    *time.Time `json:"first_seen"`
	LastSeen     *time.Time `json:"last_seen"`
	NearIncident bool       `json:"near_incident,omitempty"`
	// Example is the template's first line (the earliest of its files).
	Example Evidence `json:"example"`
	// Score ranks the entries; Reasons say what it is made of ("error
	// words: refused", "level ERROR", "burst: 40 in one minute", "near the
	// incident", "rare: 1 line").
	Score   int      `json:"score"`
	Reasons []string `json:"reasons"`
}

// LogCoverage is the share of one log's lines that something explained.
type LogCoverage struct {
	Bundle string `json:"bundle"`
	File   string `json:"file"`
	Lines  int    `json:"lines"`
	// Explained lines matched a rule or fact or a known-benign template.
	Explained int `json:"explained"`
	// Unknown: no line matched anything the profile knows and none has a
	// time in the log's format (an unknown format or the wrong file).
	Unknown bool `json:"unknown,omitempty"`
	// Templates is the number of templates mined; Dropped the lines not
	// mined because the log reached the cap of templates (Cap).
	Templates int `json:"templates"`
	Dropped   int `json:"dropped,omitempty"`
	Cap       int `json:"cap"`
}

// Baseline is what changed between a known-good state and the inputs.
type Baseline struct {
	// Good names the known-good inputs (or the saved baseline file).
	Good          []string         `json:"good"`
	FindingsNew   []string         `json:"findings_new"`
	FindingsGone  []string         `json:"findings_gone"`
	FactsChanged  []FactChange     `json:"facts_changed"`
	TemplatesNew  []TemplateChange `json:"templates_new"`
	TemplatesGone []TemplateChange `json:"templates_gone"`
	TemplatesRate []TemplateChange `json:"templates_rate_changed"`
	ConfigDiffs   []ConfigDiff     `json:"config_diffs"`
	// CommandsDiffer lists the commands' outputs that differ too much to
	// diff here (process tables, counters): "path (N lines changed)".
	CommandsDiffer []string `json:"commands_differ,omitempty"`
}

// FactChange is a fact whose value differs from the known-good one.
type FactChange struct {
	Fact string `json:"fact"`
	// Host is the manifest's host name the values are of (absent: all
	// inputs, or inputs without a manifest).
	Host string `json:"host,omitempty"`
	Good string `json:"good"`
	Bad  string `json:"bad"`
}

// TemplateChange is a template new, gone, or with a rate changed tenfold:
// lines per hour of the logs' span, good and bad.
type TemplateChange struct {
	ID        string  `json:"id"`
	Template  string  `json:"template"`
	File      string  `json:"file"` // the log's member path without a rotation suffix
	GoodRate  float64 `json:"good_per_hour"`
	BadRate   float64 `json:"bad_per_hour"`
	GoodCount int     `json:"good_count"`
	BadCount  int     `json:"bad_count"`
}

// ConfigDiff is a unified diff of a config file's redacted text.
type ConfigDiff struct {
	File string `json:"file"`
	// Host is the manifest's host name the texts are of (absent: inputs
	// without a manifest, or an older baseline file's one copy).
	Host string `json:"host,omitempty"`
	Diff string `json:"diff"`
}

// Tool names the analyzer.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Bundle describes one input: a bundle, or a folder/archive of raw logs.
type Bundle struct {
	Path    string `json:"path"`    // as given on the command line
	Name    string `json:"name"`    // bundle name (top folder), or the input's base name
	Kind    string `json:"kind"`    // "bundle" or "raw"
	Profile string `json:"profile"` // profile used to analyze it
	// ProfileVersion and ProfileSHA256 are the collecting profile's, from the manifest.
	ProfileVersion string     `json:"profile_version,omitempty"`
	ProfileSHA256  string     `json:"profile_sha256,omitempty"`
	Host           string     `json:"host"`
	OS             string     `json:"os,omitempty"`
	OSRelease      string     `json:"os_release,omitempty"`
	Kernel         string     `json:"kernel,omitempty"`
	Timezone       string     `json:"timezone,omitempty"`
	CollectedAt    *time.Time `json:"collected_at"`
	Note           string     `json:"note,omitempty"`
	// Case is the ticket id the bundle was collected for (collect --case).
	Case        string    `json:"case,omitempty"`
	Redacted    bool      `json:"redacted"`
	ToolVersion string    `json:"tool_version,omitempty"`
	Signature   Signature `json:"signature"`
	Integrity   Integrity `json:"integrity"`
	// Items summarises the manifest: what was collected and what was not.
	Items []Item `json:"items,omitempty"`
	// Members is the number of members read.
	Members int `json:"members"`
	// FollowUp is set when the bundle answers a follow-up request
	// (docs/followup.md): which request, which bundle it follows, and
	// what it delivered of what that bundle lacked.
	FollowUp *FollowUp `json:"follow_up,omitempty"`
}

// FollowUp ties a follow-up bundle to the bundle it follows.
type FollowUp struct {
	RequestID   string `json:"request_id"`
	SignerKeyID string `json:"signer_key_id"`
	// FollowsSHA256 is the SHA-256 of the earlier bundle's file (from the
	// manifest); Follows is that bundle's name when it was analyzed too.
	FollowsSHA256 string `json:"follows_sha256"`
	Follows       string `json:"follows,omitempty"`
	// Delivered are the earlier bundle's missing or failed items that this
	// one collected; StillMissing those it did not.
	Delivered    []string `json:"delivered"`
	StillMissing []string `json:"still_missing"`
}

// Signature is the outcome of checking SHA256SUMS.minisig.
type Signature struct {
	Status         string `json:"status"` // valid, invalid, unsigned
	Trusted        bool   `json:"trusted"`
	Signer         string `json:"signer"` // trusted key's name, else key id
	KeyID          string `json:"key_id,omitempty"`
	TrustedComment string `json:"trusted_comment,omitempty"`
	Detail         string `json:"detail,omitempty"`
}

// Integrity is the outcome of checking members against SHA256SUMS.
type Integrity struct {
	Status   string    `json:"status"` // ok, mismatch, missing (no SHA256SUMS)
	Problems []Problem `json:"problems"`
}

// Integrity statuses.
const (
	IntegrityOK       = "ok"
	IntegrityMismatch = "mismatch"
	IntegrityMissing  = "missing"
)

// Problem is one integrity problem.
type Problem struct {
	Member string `json:"member"`
	// Kind: missing (listed, absent), extra (present, unlisted), altered
	// (hash differs), size (manifest size differs), invalid_utf8, unreadable.
	Kind   string `json:"kind"`
	Detail string `json:"detail,omitempty"`
}

// Item is a manifest item as the report shows it.
type Item struct {
	ID         string         `json:"id"`
	Kind       string         `json:"kind"`
	Source     string         `json:"source"`
	Stored     []string       `json:"stored,omitempty"`
	Size       int64          `json:"size"`
	Truncated  int64          `json:"truncated,omitempty"`
	Redactions map[string]int `json:"redactions,omitempty"`
	ExitCode   *int           `json:"exit_code,omitempty"`
	Binary     string         `json:"binary,omitempty"`
	ErrorKind  string         `json:"error_kind,omitempty"`
	Error      string         `json:"error,omitempty"`
	// Optional: not collecting the item is normal on this host (the
	// profile marks it optional, its when was false, or it is a builtin
	// this OS does not support). An optional item that is not there is
	// counted apart from expected items that are missing.
	Optional bool `json:"optional,omitempty"`
	// DeliveredBy names the follow-up bundle that collected this item
	// after it was missing or failed here: it is no longer missing.
	DeliveredBy string `json:"delivered_by,omitempty"`
}

// Finding is one diagnosis.
type Finding struct {
	ID          string `json:"id"`
	Severity    string `json:"severity"` // critical, warning, info
	Title       string `json:"title"`
	Explanation string `json:"explanation"`
	Remedy      string `json:"remedy"`
	// Bundle is the bundle the finding is about; for a rule over several
	// bundles, the first of Bundles.
	Bundle  string   `json:"bundle"`
	Bundles []string `json:"bundles,omitempty"`
	// Key identifies the group or state key ("abc", "nti281-gwp -2") when a
	// rule makes one finding per key.
	Key string `json:"key,omitempty"`
	// KeyParts are the values Key joins with spaces (group_by values, a
	// sequence or state key, a burst's start), so that keys that read the
	// same stay apart (("x y", "z") and ("x", "y z")); nil when Key is
	// one value. Not in the JSON report (--baseline keys findings by it).
	KeyParts  []string   `json:"-"`
	FirstSeen *time.Time `json:"first_seen"`
	LastSeen  *time.Time `json:"last_seen"`
	Count     int        `json:"count"`
	// NearIncident marks findings whose lines fall near the incident time.
	NearIncident bool       `json:"near_incident,omitempty"`
	Evidence     []Evidence `json:"evidence"`
	// Context holds lines of other members from around FirstSeen.
	Context []Evidence `json:"context,omitempty"`
	// Rule is where the rule is written: "myproduct.yaml:120".
	Rule string `json:"rule,omitempty"`
	// Inexact, when set, says which of the finding's values could not be
	// computed from every line (the memory budget kept only some of them).
	Inexact string `json:"inexact,omitempty"`
}

// Evidence is one quoted line.
type Evidence struct {
	Bundle string     `json:"bundle,omitempty"`
	File   string     `json:"file"` // member path
	Line   int        `json:"line"` // 1-based line number in the (decompressed) member
	Text   string     `json:"text"`
	Time   *time.Time `json:"time,omitempty"`
	// Role: match (made the rule fire), related (also), resolution,
	// continuation (a line of a multi-line record after its first),
	// fact (a cited value), context.
	Role string `json:"role,omitempty"`
}

// Event is one line of the timeline.
type Event struct {
	Time      time.Time `json:"time"`
	Bundle    string    `json:"bundle"`
	File      string    `json:"file"`
	Line      int       `json:"line"`
	Text      string    `json:"text"`
	FindingID string    `json:"finding_id,omitempty"`
	Severity  string    `json:"severity,omitempty"`
	// NearIncident marks events within the incident window.
	NearIncident bool `json:"near_incident,omitempty"`
}

// RuleCoverage says whether a rule could run on a bundle, so that a quiet
// report is never mistaken for a healthy system.
type RuleCoverage struct {
	Rule   string `json:"rule"`
	Bundle string `json:"bundle"`
	// Status: ran, partial (some inputs missing or failed), skipped (no
	// input at all), error (the rule failed; Reason says why),
	// not_applicable (the rule's applies condition is false for this
	// bundle: it does not concern it, and nothing is missing; Reason
	// gives the condition).
	Status   string   `json:"status"`
	Reason   string   `json:"reason,omitempty"`
	Inputs   []string `json:"inputs,omitempty"`  // members the rule read
	Missing  []string `json:"missing,omitempty"` // globs that matched nothing
	Findings int      `json:"findings"`
}

// Coverage statuses.
const (
	CoverageRan     = "ran"
	CoveragePartial = "partial"
	CoverageSkipped = "skipped"
	CoverageError   = "error"
	// CoverageNotApplicable: the rule does not apply to the bundle (its
	// applies condition is false there) and did not run. Not a gap.
	CoverageNotApplicable = "not_applicable"
)

// Excerpt is a run of lines of one member around evidence lines.
type Excerpt struct {
	Bundle string   `json:"bundle"`
	File   string   `json:"file"`
	Start  int      `json:"start"` // line number of Lines[0]
	Lines  []string `json:"lines"`
}
