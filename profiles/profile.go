// Package profiles holds casefile's product profiles, one YAML file per
// product, and the loader that parses and validates them.
//
// A profile says what to collect on a host (variables, files, listings,
// commands, redaction rules) and what to look for in a bundle (log time
// formats, facts, rules). The collector and the analyzer are generic; all
// product knowledge lives in these files. docs/profiles.md is the reference
// for the language; this file is its Go form.
package profiles

import (
	"maps"
	"slices"
	"time"
)

// Profile is one product's profile.
type Profile struct {
	Name        string `yaml:"name"`        // short name: ipsec, sms, myproduct...
	Title       string `yaml:"title"`       // product name
	Description string `yaml:"description"` // one line, for --list-profiles
	Version     string `yaml:"version"`     // profile version
	Source      string `yaml:"source"`      // the document the profile is based on
	// Language is the profile language's version: 1 (default) lets a
	// text's {hole} hold any expression; 2 allows only a name, a member
	// of one (holder.pid) or a helper call on names and literals
	// ({count_phrase(hits, first_seen, last_seen)}): branching goes into
	// vars and notes.
	Language int `yaml:"language"`

	Detect    Detect        `yaml:"detect"`
	Variables []Variable    `yaml:"variables"`
	Collect   []CollectItem `yaml:"collect"`
	Redact    []RedactRule  `yaml:"redact"`
	Analyze   Analyze       `yaml:"analyze"`

	// Set by the loader.
	File    string `yaml:"-"` // file name for messages ("myproduct.yaml" or a path)
	SHA256  string `yaml:"-"` // hex SHA-256 of the YAML text
	Builtin bool   `yaml:"-"`
	Raw     []byte `yaml:"-"`
	// Benign are the profile's known-benign message templates (see
	// benign.go): lines of these templates are explained.
	Benign []string `yaml:"-"`
}

// Detect says how `collect --profile auto` recognises an installed product.
// The product is present when any path exists or any process matches.
type Detect struct {
	Paths     []string  `yaml:"paths"`     // paths or globs, {variables} resolved
	Processes []Pattern `yaml:"processes"` // regexps over process command lines
}

// Variable is a named value used as {name} in paths, commands and
// conditions. Precedence: --set, then each detector in order, then the
// default for the host's OS, then Default.
type Variable struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Default     string            `yaml:"default"`
	Defaults    map[string]string `yaml:"defaults"` // per OS: linux, windows, aix, solaris
	Detect      []VarDetect       `yaml:"detect"`
	Line        int               `yaml:"-"`
}

// VarDetect is one way to find a variable's value on the host. Exactly one
// of Env, Process, FirstExisting or File is set.
type VarDetect struct {
	// Env reads an environment variable of the collector's process.
	Env string `yaml:"env"`
	// Process matches each process command line; the "value" group is the value.
	Process *Pattern `yaml:"process"`
	// FirstExisting takes the first candidate path (or glob) that exists.
	FirstExisting []string `yaml:"first_existing"`
	// File with Pattern reads the value from a file's "value" group.
	File    string   `yaml:"file"`
	Pattern *Pattern `yaml:"pattern"`
	// OS limits this detector to some operating systems.
	OS   []string `yaml:"os"`
	Line int      `yaml:"-"`
}

// CollectItem is one thing to collect. Exactly one of Files, List, Command,
// Commands, Shell or Builtin is set. Items may share an id when their OS
// lists are disjoint: that is how per-OS variants are written.
type CollectItem struct {
	ID          string   `yaml:"id"`
	Description string   `yaml:"description"`
	OS          []string `yaml:"os"` // empty: every OS

	// Files are paths or globs ({variables} resolved); every match is stored
	// under files/<host path>. Rotations are globs too: "{log_dir}/ha.log*".
	Files []string `yaml:"files"`
	// List stores a listing (type, mode, owner, group, size, mtime, name) of
	// each directory, without contents, as commands/<id>.out.
	List []string `yaml:"list"`
	// Depth lists the subdirectories of a list item too, down to that
	// many levels (1, the default: the directory itself).
	Depth int `yaml:"depth"`
	// Command is an argv list, run without a shell.
	Command []string `yaml:"command"`
	// Commands are alternatives: the first that exists and exits 0 is kept
	// (ss, then netstat); if none succeeds the last attempt is recorded.
	Commands [][]string `yaml:"commands"`
	// Shell is run by /bin/sh -c (cmd /c on Windows): only where a pipe or
	// a shell builtin (ulimit) is truly needed.
	Shell string `yaml:"shell"`
	// Builtin names a collector implemented in Go: see BuiltinCollectors.
	Builtin string            `yaml:"builtin"`
	Args    map[string]string `yaml:"args"` // builtin arguments, {variables} resolved

	Timeout  Duration `yaml:"timeout"`  // per command; default --command-timeout
	MaxSize  Size     `yaml:"max_size"` // per file; default --max-file-size
	Optional bool     `yaml:"optional"` // not found is normal (one of several cfg names)
	// Oversize says what becomes of a file over the size cap: "tail"
	// keeps its newest part (the default for text), "skip" stores none
	// of it (the default for binary files; archives are always skipped).
	Oversize string `yaml:"oversize"`
	// Redact: false stores the item's content without redaction (a
	// product's diagnostics archive known to hold no secrets, core
	// files). Unset or true: redacted like everything else.
	Redact *bool `yaml:"redact"`
	// When is a condition over variables; the item is skipped when false,
	// e.g. `include_cores == "true"`.
	When Expr `yaml:"when"`
	Line int  `yaml:"-"`
}

// MaxListDepth is the deepest a list item's depth may go.
const MaxListDepth = 8

// Oversize policies of a files item (CollectItem.Oversize).
var OversizePolicies = []string{"tail", "skip"}

// BuiltinCollectors are the collectors implemented in Go, portable and
// usable where the host lacks a command (ss/netstat, ps) or where reading
// /proc directly is safer.
var BuiltinCollectors = map[string]string{
	"sockets":        "TCP/UDP sockets with state and owning process, from /proc/net (Linux)",
	"processes":      "process list (pid, ppid, user, command line), from /proc or the OS",
	"process-limits": "open-file limit and open descriptor count of processes matching args.process",
	"disk-free":      "free and total space of args.paths (comma-separated)",
	"matching-lines": "lines of args.files (comma-separated; ';' separates alternatives, the first that exists is read) matching args.pattern",
	"host-facts":     "hostname, OS release, kernel, architecture, uptime, time zone, clock",
}

// RedactRule is a profile's own redaction rule, applied on top of the
// built-in ones before anything is written. On each line matching Pattern,
// the "secret" group (or, without one, the whole match) is replaced by
// [REDACTED:<name>].
type RedactRule struct {
	Name     string   `yaml:"name"`
	Files    []string `yaml:"files"`    // host path globs; empty with no Commands: everything
	Commands []string `yaml:"commands"` // item ids whose output it applies to
	Pattern  Pattern  `yaml:"pattern"`
	// Parser names a built-in redactor for a file format whose secrets
	// span lines (redact.Parsers), instead of a pattern.
	Parser string `yaml:"parser"`
	Line   int    `yaml:"-"`
}

// RedactParser reports whether a named redactor exists; the redact
// package sets it (it imports this one). Nil: any name passes here and
// the collector refuses an unknown one.
var RedactParser func(name string) bool

// Analyze is what the analyzer does with a bundle of this profile.
type Analyze struct {
	Logs  []LogSpec `yaml:"logs"`
	Facts []Fact    `yaml:"facts"`
	// Vars are named expressions shared by rules: declared once, worked
	// out per finding (before the rule's own vars) for each rule that
	// names them, in the scope of that rule (its captures and kind
	// variables), each seeing the ones above it.
	Vars  Vars   `yaml:"vars"`
	Rules []Rule `yaml:"rules"`
}

// LogSpec declares how the lines of some members carry their time.
// Members are selected by globs over member paths ("files/**/epp.log*",
// "commands/ps.out"); ** matches any number of folders. Compressed
// members (.gz, .bz2, .xz, .zst) are read decompressed.
type LogSpec struct {
	Files []string `yaml:"files"`
	// Time is a built-in format name (see TimeFormats) or "custom" with
	// Regex and Layout.
	Time   string   `yaml:"time"`
	Regex  *Pattern `yaml:"regex"`  // custom: the first group (or "time") holds the time
	Layout string   `yaml:"layout"` // custom: Go time layout of that group
	// Split breaks a physical line that holds several timestamped records
	// at each timestamp (logs pasted or written without newlines).
	Split bool `yaml:"split"`
	// Order is "oldest-first" (default) or "newest-first": a member
	// written newest line first (a log web page) is evaluated in reverse
	// line order (ties, continuation lines and day changes of time-only
	// formats follow it); line numbers stay those of the member.
	Order string `yaml:"order"`
	// Content declares the line shapes of this log, so that a raw file
	// whose name matches none of the profile's globs (console.txt,
	// messages) is recognised by what it holds and read as this log.
	Content *LogContent `yaml:"content"`
	// Continuation: lines matching it belong to the record above (stack
	// frames, indented lines); see records.go.
	Continuation *Pattern `yaml:"continuation"`
	// Timezone is the zone of the log's times without one: a zone name
	// ("Europe/Berlin") or a fact ("{log_timezone}"); see records.go.
	Timezone string `yaml:"timezone"`
	Line     int    `yaml:"-"`
}

// LogContent is how a log's lines look, for recognising raw files by
// content (analyze with --profile).
type LogContent struct {
	// Name says what the log is, for coverage: "audit log".
	Name string `yaml:"name"`
	// As is the member path a recognised file is read as; "{name}" in it
	// is the raw file's base name. It must match one of the entry's
	// files globs.
	As string `yaml:"as"`
	// Lines are the line shapes: a raw file is this log when one of its
	// first lines (ContentLines, ContentBytes) matches one of them.
	Lines []Pattern `yaml:"lines"`
	Line  int       `yaml:"-"`
}

// A raw file is judged by its first ContentLines lines, at most
// ContentBytes bytes.
const (
	ContentLines = 200
	ContentBytes = 64 << 10
)

// TimeFormats are the built-in timestamp formats a LogSpec may name.
var TimeFormats = map[string]string{
	"yymmdd":         "YY/MM/DD HH:MM:SS at line start",
	"ymd":            "YYYY/MM/DD HH:MM:SS or YYYY-MM-DD HH:MM:SS at line start",
	"syslog":         "Mmm dd HH:MM:SS[.ffffff] at line start, year inferred from collection time; RFC 3339 syslog too",
	"iso8601":        "YYYY-MM-DDTHH:MM:SS[.fff][Z|±hh:mm] at line start",
	"log4j":          "YYYY-MM-DD HH:MM:SS,mmm at line start",
	"iso_or_compact": "YYYY-MM-DDTHH:MM:SS.ffffffZ, YYYY-MM-DD HH:MM:SS or YYMMDD HH:MM:SS (hour space-padded) at line start",
	"embedded_iso":   "[YYYY-MM-DDTHH:MM:SS±hhmm] or tstamp=\"YYYY-MM-DD HH:MM:SS±hhmm\" anywhere in the line",
	"ctime":          "[Www Mmm dd HH:MM:SS YYYY] or Www Mmm dd HH:MM:SS YYYY at line start",
	"auto":           "try each format above on the first lines and keep the first that fits",
	"none":           "lines carry no time",
}

// TimeFormatAliases are older names of built-in time formats, still
// accepted in profiles: formats are named by their shape, not by the
// product that writes them.
var TimeFormatAliases = map[string]string{
	"mysql":   "iso_or_compact",
	"samhain": "embedded_iso",
}

// TimeFormat is the built-in time format name stands for (itself, or the
// format an alias names).
func TimeFormat(name string) string {
	if n, ok := TimeFormatAliases[name]; ok {
		return n
	}
	return name
}

// Fact is a named value taken from a bundle: by a pattern over members, or
// computed by an expression over other facts. Facts are evaluated per
// bundle; rules and other facts use them by name.
type Fact struct {
	Name string   `yaml:"name"`
	In   []string `yaml:"in"` // member globs
	// InFirst are alternatives instead of In: the first list whose globs
	// match a member of the bundle is read, the others are ignored (a
	// diag.tar.gz copy of /proc, else the live /proc).
	InFirst [][]string `yaml:"in_first"`
	// FilePattern is matched against the member path; its named groups
	// join each record's fields. Members it does not match are not read.
	FilePattern *Pattern `yaml:"file_pattern"`
	// Optional inputs never make a rule that uses the fact partial when
	// no member matches them (a fallback source).
	Optional bool `yaml:"optional"`
	// Pattern's "value" group (or whole match) is the value; its other
	// named groups are fields of each match (see Pick "all").
	Pattern *Pattern `yaml:"pattern"`
	// Pick says which value the fact holds:
	//   last (default), first: one value;
	//   count: number of matching lines; exists: whether any line matched;
	//   min, max, sum: over numeric values;
	//   distinct: list of distinct values, in order of first appearance;
	//   all: list of match records {value, file, line, text, time, <groups>}.
	Pick string `yaml:"pick"`
	// Type converts values: string (default), number, version, size, duration.
	Type string `yaml:"type"`
	// Expr computes the fact from other facts instead of a pattern.
	Expr Expr `yaml:"expr"`
	// Data is a fact written out in the profile instead: a list, a
	// mapping or a scalar, the same in every bundle (a table of phrases,
	// of start scripts, of the states that mean "off"). No expression.
	Data any `yaml:"data"`
	// Across joins the fact's values over the bundles analyzed together
	// (AcrossKinds: any, all, sum, max, min, list, first): a scope all
	// rule sees the joined value by the fact's name (across.go).
	Across string `yaml:"across"`

	// Format reads the members as typed data instead of a pattern (see
	// SourceFormats): each row (an ini key, a table row, a JSON leaf) is
	// a record with its own fields and the file:line it came from.
	Format string `yaml:"format"`
	// Key keeps only rows whose key is this (ini: "section.key", or
	// "key" in any section; keyvalue: the key; json/yaml/xml: the
	// last element of the path). Case-insensitive.
	Key string `yaml:"key"`
	// Separator (keyvalue) splits key from value: "=" (default), ":",
	// " " (white space).
	Separator string `yaml:"separator"`
	// Columns (columns) names a table's columns in order; without it
	// the first line of each member is the header and its words are the
	// names. The last column takes the rest of the line.
	Columns []string `yaml:"columns"`
	// Rows (columns) keeps only lines matching this pattern as rows (a
	// table with lines of other kinds: netstat's UDP and UNIX sockets).
	Rows *Pattern `yaml:"rows"`
	// Value (columns) names the column that is the record's value
	// (default: the first).
	Value string `yaml:"value"`
	// Path (json, yaml, xml) selects the values: keys or elements
	// separated by "." (json, yaml) or "/" (xml), "*" for any one,
	// a final "@name" for an XML attribute.
	Path string `yaml:"path"`
	Line int    `yaml:"-"`
}

// SourceFormats are the typed fact sources (Fact.Format) and the fields
// of their records (besides value, file, line, text, time, bundle, label).
var SourceFormats = map[string]string{
	"ini":      "section, key: [section] headers and key = value lines; ; and # start comments",
	"keyvalue": "key: key<separator>value lines (separator \"=\" by default); # starts a comment",
	"columns":  "one field per column name: a table of white-space separated columns (ps, ss, netstat, df)",
	"json":     "key, path: the leaves selected by path",
	"yaml":     "key, path: the leaves selected by path",
	"xml":      "key, path: the element texts or attributes selected by path",
}

// Rule is a diagnosis. Exactly one of Match, Absent, Sequence, State or
// Check says what the rule looks for; the fields around it say what the
// finding says and how severe it is.
type Rule struct {
	ID          string `yaml:"id"` // "<profile>.<name>", stable: help desks quote it
	Title       Text   `yaml:"title"`
	Severity    string `yaml:"severity"` // critical, warning or info (default)
	Explanation Text   `yaml:"explanation"`
	Remedy      Text   `yaml:"remedy"`

	// Scope "bundle" (default) runs the rule on each bundle of this
	// profile; "all" runs it once over every bundle of this profile given
	// together (both HA nodes, client and server).
	Scope string `yaml:"scope"`

	// Applies says on which bundles the rule makes sense at all (a
	// server-side rule on a server, an endpoint rule on an endpoint
	// proxy): a condition over facts, bundle, bundles and the functions,
	// judged per bundle before the rule runs. Where it is false the rule
	// does not run and coverage lists it as not_applicable, not as
	// skipped or partial. A scope "all" rule applies to its group when it
	// applies to any bundle of it. Unset: the rule applies everywhere.
	Applies Expr `yaml:"applies"`

	// Vars are named expressions of the rule, worked out per finding in
	// order after the kind's variables and captures are known; later ones
	// may use earlier ones, and every other expression of the rule (but
	// where) may use them.
	Vars Vars `yaml:"vars"`
	// When must hold for a finding to be reported (for Check: the condition
	// itself). It sees the rule's variables, facts and builtins.
	When Expr `yaml:"when"`
	// Anchor (check rules) is an expression giving the finding's time:
	// context is taken around it, near_incident is judged by it, and it is
	// first_seen/last_seen when the evidence has no time.
	Anchor Expr `yaml:"anchor"`
	// TitleWhen overrides Title: the first entry whose condition holds
	// wins (branching out of the text: language 2).
	TitleWhen []TitleWhen `yaml:"title_when"`
	// SeverityWhen overrides Severity: the first entry whose condition holds wins.
	SeverityWhen []SeverityWhen `yaml:"severity_when"`
	// Notes add text to the explanation or remedy when their condition holds.
	Notes []Note `yaml:"notes"`
	// Cite adds evidence: each is an expression yielding a match record or a
	// list of them (a fact picked "all", or a fact's name for its source line).
	Cite []Expr `yaml:"cite"`
	// Context attaches lines of other members from around the finding's time.
	Context *Context `yaml:"context"`
	// MaxEvidence caps evidence lines (default 5: first ones and the last).
	MaxEvidence int `yaml:"max_evidence"`
	// MaxFindings caps the findings the rule makes per bundle (default
	// 200): the most severe are kept, then those with the most lines.
	MaxFindings int `yaml:"max_findings"`

	Match    *MatchSpec    `yaml:"match"`
	Absent   *AbsentSpec   `yaml:"absent"`
	Sequence *SequenceSpec `yaml:"sequence"`
	State    *StateSpec    `yaml:"state"`
	Check    *CheckSpec    `yaml:"check"`
	// Kind is the rule's kind, decided once by the loader from the one
	// kind block above (RuleKind, kind.go).
	Kind RuleKind `yaml:"-"`

	// Resample, when the rule makes a finding, asks for a second sample
	// of some items (analyze --request-out writes it into the follow-up
	// request; docs/followup.md).
	Resample *Resample `yaml:"resample"`

	Line int `yaml:"-"`
}

// Resample names items a rule wants collected again, no earlier than
// After past the bundle's collection, so that two samples can be compared
// (a check rule with samples: reads both).
type Resample struct {
	Items []string `yaml:"items"`
	After Duration `yaml:"after"`
	Line  int      `yaml:"-"`
}

// Severities, lowest first.
const (
	SeverityInfo     = "info"
	SeverityWarning  = "warning"
	SeverityCritical = "critical"
)

// SeverityRank orders severities; unknown ones rank below info.
func SeverityRank(s string) int {
	switch s {
	case SeverityInfo:
		return 1
	case SeverityWarning:
		return 2
	case SeverityCritical:
		return 3
	}
	return 0
}

// SeverityWhen sets the severity when a condition holds.
type SeverityWhen struct {
	When     Expr   `yaml:"when"`
	Severity string `yaml:"severity"`
	Line     int    `yaml:"-"`
}

// TitleWhen sets the title when a condition holds.
type TitleWhen struct {
	When  Expr `yaml:"when"`
	Title Text `yaml:"title"`
	Line  int  `yaml:"-"`
}

// Note is text added to a finding when a condition holds (or always,
// without When): a paragraph of its own, or (Inline) a sentence added to
// the paragraph before it.
type Note struct {
	When        Expr `yaml:"when"`
	Explanation Text `yaml:"explanation"`
	Remedy      Text `yaml:"remedy"`
	Inline      bool `yaml:"inline"`
	Line        int  `yaml:"-"`
}

// Matcher is one pattern over the lines of some members.
type Matcher struct {
	In      []string `yaml:"in"` // member globs; default: the spec's In
	Pattern Pattern  `yaml:"pattern"`
	// Label names the matcher in expressions: matched.<label> counts its
	// lines, and the label field of each of its records is it.
	Label string `yaml:"label"`
	// FilePattern is matched against the member path; its named groups
	// join the record's captures. Members it does not match are not read.
	FilePattern *Pattern `yaml:"file_pattern"`
	// Optional: no member for this matcher's globs never makes the rule
	// partial (a fallback source).
	Optional bool `yaml:"optional"`
	Line     int  `yaml:"-"`
}

// Related is an `also` entry: lines quoted as the aftermath of a match.
// By default a related line is quoted when it lies between the first
// match and 10 minutes after the last.
type Related struct {
	Matcher `yaml:",inline"`
	// JoinOn: only lines whose captures of these names equal those of a
	// match line of the finding.
	JoinOn []string `yaml:"join_on"`
	// Within: only lines this close in time (before or after) to a match
	// line of the finding (sharing JoinOn, if set).
	Within Duration `yaml:"within"`
	// Before widens the window to this long before the first match.
	Before Duration `yaml:"before"`
}

// MatchSpec finds lines. A finding is made when at least Min lines match
// (within Within, if set); with GroupBy, one finding per distinct group.
type MatchSpec struct {
	In      []string `yaml:"in"`
	Pattern *Pattern `yaml:"pattern"` // shorthand for Any with one matcher
	Label   string   `yaml:"label"`   // the shorthand matcher's label
	// FilePattern is the shorthand matcher's file_pattern.
	FilePattern *Pattern  `yaml:"file_pattern"`
	Any         []Matcher `yaml:"any"`
	// Where filters matched lines by their captures (and facts).
	Where   Expr     `yaml:"where"`
	Min     int      `yaml:"min"`    // default 1
	Within  Duration `yaml:"within"` // Min lines within this window; sets `rate`
	GroupBy []string `yaml:"group_by"`
	// SplitGap makes one finding per burst of a group: a gap longer than
	// this between its lines starts the next (analyze/burst.go).
	SplitGap Duration `yaml:"split_gap"`
	// Also are related lines (an aftermath) quoted as evidence when the
	// rule fires; they never make it fire.
	Also []Related `yaml:"also"`
	// ResolvedBy downgrades a finding whose trigger is followed by a
	// success line (a transient error that cleared).
	ResolvedBy *Resolution `yaml:"resolved_by"`
	// Weight names a capture holding how many lines a line stands for
	// ("message repeated 5 times"); see records.go.
	Weight string `yaml:"weight"`
	Line   int    `yaml:"-"`
}

// Resolution is a success line that clears earlier matches.
type Resolution struct {
	In      []string `yaml:"in"`
	Pattern *Pattern `yaml:"pattern"`
	Label   string   `yaml:"label"` // the shorthand matcher's label
	// FilePattern is the shorthand matcher's file_pattern.
	FilePattern *Pattern  `yaml:"file_pattern"`
	Any         []Matcher `yaml:"any"`
	// Within: the success must come within this time after the last match
	// (default: any time after).
	Within Duration `yaml:"within"`
	// Severity after resolution (default info).
	Severity string `yaml:"severity"`
	Line     int    `yaml:"-"`
}

// AbsentSpec reports that a line a healthy system writes is missing. The
// rule is skipped (and says so in coverage) when none of its inputs exist.
type AbsentSpec struct {
	In      []string `yaml:"in"`
	Pattern *Pattern `yaml:"pattern"`
	Label   string   `yaml:"label"` // the shorthand matcher's label
	// FilePattern is the shorthand matcher's file_pattern.
	FilePattern *Pattern  `yaml:"file_pattern"`
	Any         []Matcher `yaml:"any"`
	Line        int       `yaml:"-"`
}

// SequenceSpec pairs each Start line with a later Expect line that has the
// same Key captures (within Within, if set). Starts left unanswered make
// findings, one per key. With scope "all", start and expect may come from
// different bundles (a request seen by one side, its reply by the other).
type SequenceSpec struct {
	In     []string  `yaml:"in"`
	Start  []Matcher `yaml:"start"`
	Expect []Matcher `yaml:"expect"`
	Key    []string  `yaml:"key"`
	Within Duration  `yaml:"within"`
	// Skew (scope "all") is how far two hosts' clocks may disagree: an
	// expect from another bundle up to this much earlier than a start
	// still answers it.
	Skew Duration `yaml:"skew"`
	Line int      `yaml:"-"`
}

// StateSpec follows a state per key through time-ordered lines and judges
// the last one: one finding per key, its severity from SeverityWhen.
type StateSpec struct {
	In  []string `yaml:"in"`
	Key []string `yaml:"key"` // captures forming the key; empty: one state
	// Track lines set the state: from the "state" capture, or to State.
	Track []Tracker `yaml:"track"`
	// ReportBy (a subset of Key): one finding per distinct value of these
	// captures, for its most severe key (then the one seen last).
	ReportBy []string `yaml:"report_by"`
	Line     int      `yaml:"-"`
}

// Tracker is a matcher that sets a key's state, or records an event.
type Tracker struct {
	Matcher `yaml:",inline"`
	State   string `yaml:"state"` // fixed state; else the "state" capture
	// Event records the line as this event (seen[event], events) and
	// leaves the state as it is.
	Event string `yaml:"event"`
}

// CheckSpec judges facts alone. With ForEach (a fact picked "all"), the
// rule's When is evaluated for each record, whose fields become variables,
// and each record that passes makes a finding with its line as evidence.
type CheckSpec struct {
	ForEach string `yaml:"for_each"`
	// Samples names a fact to compare across two samples of one host: the
	// rule (scope all) is judged once per host that has two bundles or
	// more (the earliest and the latest with a value), with SampleVars.
	Samples string `yaml:"samples"`
	Line    int    `yaml:"-"`
}

// SampleVars are the variables of a check rule with samples: the fact's
// earlier and later values, their times, the time between them (interval
// as text, "55 minutes"; hours as a number), growth (later - earlier)
// and per_hour (growth / hours) when both values are numbers (else nil),
// and the two bundles (earlier_bundle, later_bundle: as in bundles).
var SampleVars = []string{"earlier", "later", "earlier_at", "later_at", "interval", "hours", "growth", "per_hour", "earlier_bundle", "later_bundle"}

// Context selects lines of other members around a finding's first time.
type Context struct {
	In      []string `yaml:"in"`
	Pattern *Pattern `yaml:"pattern"` // optional filter
	Before  Duration `yaml:"before"`
	After   Duration `yaml:"after"`
	Max     int      `yaml:"max"` // default 20: the lines nearest the time
	Line    int      `yaml:"-"`
}

// Duration is a time.Duration written as "30s", "5m", "2h" or "1d".
type Duration struct {
	time.Duration
	Line int
}

// Size is a byte count written as "64MiB", "500KB", "1GiB" or a number.
type Size struct {
	Bytes int64
	Line  int
}

// Texts returns every text of the item that may hold a {variable}: shell,
// files, listings, command words and builtin arguments (by name).
func (it CollectItem) Texts() []string {
	out := append(append(append([]string{it.Shell}, it.Files...), it.List...), it.Command...)
	for _, c := range it.Commands {
		out = append(out, c...)
	}
	for _, k := range slices.Sorted(maps.Keys(it.Args)) {
		out = append(out, it.Args[k])
	}
	return out
}

// ForOS reports whether the item is collected on a host of this OS (an
// item without os: on every OS; an unknown OS "": yes).
func (it CollectItem) ForOS(os string) bool {
	return len(it.OS) == 0 || os == "" || slices.Contains(it.OS, os)
}
