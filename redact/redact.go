// Package redact removes secrets from text as it streams through: config
// passwords, PEM private keys, IPsec pre-shared keys and RSA private
// parts, xfrm keys, credentials in URLs, bearer tokens, SNMP communities,
// plus rules a profile adds. A secret is replaced by a marker naming the
// rule ([REDACTED:rule]) and counted; nothing else of the text changes.
//
// Text is processed line by line with bounded memory: a 1 GiB log passes
// through a small buffer. Lines that hold none of the rules' trigger words
// are copied without running a regular expression, which keeps the
// common case fast.
package redact

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strings"

	"casefile/internal/lazyre"
	"casefile/profiles"
)

// MaxLine is the longest line handled as one: a longer run without a
// newline (binary data) is processed in pieces of this size.
const MaxLine = 1 << 20

// maxHeld bounds the base64 lines held at the start of a stream while
// deciding whether they are the body of a private key cut by truncation.
const maxHeld = 1 << 20

// Rule is a profile's own redaction rule: on each line that Pattern
// matches, its "secret" group (or, without one, the whole match) is
// replaced by the rule's marker.
type Rule struct {
	Name string
	// Files are host path globs (profiles.MatchGlob syntax, e.g.
	// "**/app.rc"); Commands are collect item ids. With neither, the rule
	// applies to everything.
	Files    []string
	Commands []string
	Pattern  *regexp.Regexp
	// Parser names a built-in parser to run instead of a pattern on the
	// files and commands the rule applies to (see Parsers).
	Parser string
}

// Parsers are the named redactors a profile can turn on for its files
// (redact: - parser: NAME): formats whose secrets a line pattern cannot
// find because entries span lines.
var Parsers = map[string]string{
	"ipsec-secrets": `"selectors : TYPE value" entries (PSK, PPK, XAUTH, EAP, NTLM, PIN, RSA and other key types), across lines: secrets go, IDs, types, key file names and public key parts stay`,
}

func init() {
	profiles.RedactParser = func(name string) bool { _, ok := Parsers[name]; return ok }
}

// FromProfile converts a profile's redaction rules.
func FromProfile(rules []profiles.RedactRule) []Rule {
	out := make([]Rule, 0, len(rules))
	for _, r := range rules {
		if NameSource(r.Pattern.Re) {
			continue
		}
		out = append(out, Rule{Name: r.Name, Files: r.Files, Commands: r.Commands, Pattern: r.Pattern.Re, Parser: r.Parser})
	}
	return out
}

// Target says what a stream is, so that rules scoped to some files or
// commands apply to it.
type Target struct {
	Path    string // host path of a file ("/etc/ipsec.secrets"), or ""
	Command string // collect item id of a command's output, or ""
}

// Counts is the number of secrets replaced per rule.
type Counts map[string]int

// Add adds other's counts to c.
func (c Counts) Add(other Counts) {
	for k, v := range other {
		c[k] += v
	}
}

// Engine holds the rules of one collection.
type Engine struct {
	extra   []extraRule
	parsers []extraRule // rules with a Parser
	// rulesOff: no rule runs (redaction is off); only the filter does.
	rulesOff bool
	// filter wraps each writer's destination (pseudonymization), or nil.
	filter func(io.Writer) io.WriteCloser
}

// Filtered returns a copy of e whose writers pass their output through
// f (closed by Writer.Close). With e nil, the copy has no rules: text
// goes through f only.
func (e *Engine) Filtered(f func(io.Writer) io.WriteCloser) *Engine {
	if e == nil {
		return &Engine{rulesOff: true, filter: f}
	}
	c := *e
	c.filter = f
	return &c
}

// NameSource reports whether a profile rule only names values to
// pseudonymize (a pattern with a "host" or "user" group and no "secret"
// group): such a rule redacts nothing.
func NameSource(re *regexp.Regexp) bool {
	if re == nil || re.SubexpIndex("secret") >= 0 {
		return false
	}
	return re.SubexpIndex("host") >= 0 || re.SubexpIndex("user") >= 0
}

type extraRule struct {
	Rule
	block  *regexp.Regexp // Pattern in multi-line mode, to skip blocks fast
	secret int            // index of the "secret" group, or -1
}

// New makes an engine with the built-in rules and extra (a profile's).
func New(extra []Rule) (*Engine, error) {
	e := &Engine{}
	builtin := map[string]bool{}
	for _, b := range BuiltinRules {
		builtin[b.Name] = true
	}
	for _, r := range extra {
		if r.Parser != "" {
			if _, ok := Parsers[r.Parser]; !ok {
				return nil, fmt.Errorf("redaction rule %s: no parser %q", r.Name, r.Parser)
			}
			if r.Pattern != nil {
				return nil, fmt.Errorf("redaction rule %s: a parser or a pattern, not both", r.Name)
			}
			e.parsers = append(e.parsers, extraRule{Rule: r})
			continue
		}
		if r.Pattern == nil {
			return nil, fmt.Errorf("redaction rule %s: no pattern", r.Name)
		}
		if builtin[r.Name] {
			return nil, fmt.Errorf("redaction rule %s: name taken by a built-in rule", r.Name)
		}
		for _, g := range r.Files {
			if _, err := profiles.MatchGlob(strings.TrimPrefix(g, "/"), "x"); err != nil {
				return nil, fmt.Errorf("redaction rule %s: bad glob %q: %w", r.Name, g, err)
			}
		}
		block, err := regexp.Compile("(?m:" + r.Pattern.String() + ")")
		if err != nil {
			return nil, fmt.Errorf("redaction rule %s: %w", r.Name, err)
		}
		e.extra = append(e.extra, extraRule{Rule: r, block: block, secret: r.Pattern.SubexpIndex("secret")})
	}
	return e, nil
}

// RuleNames lists the rules in effect: built-in ones, then the profile's.
func (e *Engine) RuleNames() []string {
	var out []string
	if e.rulesOff {
		return nil
	}
	for _, b := range BuiltinRules {
		out = append(out, b.Name)
	}
	for _, r := range e.extra {
		out = append(out, r.Name)
	}
	for _, r := range e.parsers {
		out = append(out, r.Name)
	}
	return out
}

// applies reports whether a profile rule applies to t.
func (r *extraRule) applies(t Target) bool {
	if len(r.Files) == 0 && len(r.Commands) == 0 {
		return true
	}
	if t.Command != "" {
		for _, c := range r.Commands {
			if c == t.Command {
				return true
			}
		}
	}
	if t.Path != "" {
		p := strings.TrimPrefix(strings.ReplaceAll(t.Path, `\`, "/"), "/")
		for _, g := range r.Files {
			if ok, _ := profiles.MatchGlob(strings.TrimPrefix(g, "/"), p); ok {
				return true
			}
		}
	}
	return false
}

// colonTables are files whose lines start "name:" without being
// settings: nsswitch.conf's "passwd: files systemd", /etc/passwd and
// /etc/group records.
var colonTables = map[string]bool{"nsswitch.conf": true, "passwd": true, "passwd-": true, "group": true, "group-": true}

func isColonTable(p string) bool {
	return colonTables[strings.ToLower(path.Base(strings.ReplaceAll(p, `\`, "/")))]
}

// NewWriter returns a writer that redacts what is written to it and
// writes the result to dst. Close flushes the last line (it does not
// close dst).
func (e *Engine) NewWriter(dst io.Writer, t Target) *Writer {
	w := &Writer{dst: dst, counts: Counts{}, lead: true, colonTable: isColonTable(t.Path), kind: kindOfFile(t.Path)}
	if e != nil && e.filter != nil {
		f := e.filter(dst)
		w.dst, w.closer = f, f
	}
	if e != nil && e.rulesOff {
		w.rulesOff, w.lead = true, false
		return w
	}
	if e != nil {
		for i := range e.extra {
			if e.extra[i].applies(t) {
				w.extra = append(w.extra, &e.extra[i])
			}
		}
		for i := range e.parsers {
			// One parser exists; in a file it applies to, any value
			// after a PSK or XAUTH type is a secret, quoted or not.
			if e.parsers[i].applies(t) && e.parsers[i].Parser == "ipsec-secrets" {
				w.secretsFile = true
			}
		}
	}
	return w
}

// String redacts a short text, such as a command line or a variable's
// value, and returns it with the counts.
func (e *Engine) String(s string, t Target) (string, Counts) {
	var b bytes.Buffer
	w := e.NewWriter(&b, t)
	io.WriteString(w, s)
	w.Close()
	return b.String(), w.Counts()
}

// Writer redacts a stream; see Engine.NewWriter.
type Writer struct {
	dst         io.Writer
	closer      io.Closer // the filter around dst, or nil
	rulesOff    bool
	extra       []*extraRule
	secretsFile bool     // a parser rule "ipsec-secrets" applies
	colonTable  bool     // "name:" starts a record, not a key (nsswitch.conf)
	kind        fileKind // the file's name says a field of its lines is a secret
	counts      Counts
	pending     []byte // an incomplete last line
	out         []byte // scratch for a rewritten line
	err         error

	inPEM     bool // inside a private key block: lines are dropped
	pemMarked bool // the marker for the current block was written

	// secrets is the parse of an IPsec secrets file (secretsFile only).
	secrets secretsState

	// lead is true until the first line that is not base64: a tail cut
	// from a large file may start inside a private key block, with its
	// BEGIN line dropped. Those lines are held until it is clear.
	lead bool
	held []byte
}

// Counts returns the number of secrets replaced per rule so far.
func (w *Writer) Counts() Counts { return w.counts }

// Write implements io.Writer.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n := len(p)
	if len(w.pending) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.pending = append(w.pending, p...)
			w.flushLong()
			return n, w.err
		}
		w.pending = append(w.pending, p[:i+1]...)
		w.block(w.pending)
		w.pending = w.pending[:0]
		p = p[i+1:]
	}
	if j := bytes.LastIndexByte(p, '\n'); j >= 0 {
		w.block(p[:j+1])
		p = p[j+1:]
	}
	if len(p) > 0 {
		w.pending = append(w.pending, p...)
		w.flushLong()
	}
	if w.err != nil {
		return 0, w.err
	}
	return n, nil
}

// flushLong processes a run without newline once it reaches MaxLine.
func (w *Writer) flushLong() {
	for len(w.pending) >= MaxLine {
		w.line(w.pending[:MaxLine])
		rest := copy(w.pending, w.pending[MaxLine:])
		w.pending = w.pending[:rest]
	}
}

// Close processes the last line, which has no newline.
func (w *Writer) Close() error {
	if len(w.pending) > 0 {
		w.line(w.pending)
		w.pending = w.pending[:0]
	}
	if w.lead && len(w.held) > 0 {
		w.emit(w.held)
		w.held = nil
	}
	w.lead = false
	if w.closer != nil {
		if err := w.closer.Close(); err != nil && w.err == nil {
			w.err = err
		}
		w.closer = nil
	}
	return w.err
}

func (w *Writer) emit(b []byte) {
	if w.err != nil || len(b) == 0 {
		return
	}
	_, w.err = w.dst.Write(b)
}

// block handles complete lines. Lines holding no needle are written as
// they are; only lines with one run the rules.
func (w *Writer) block(b []byte) {
	if w.rulesOff {
		w.emit(b)
		return
	}
	slow := w.inPEM || w.lead || w.secretsFile || w.kind != plainFile // secrets files: entries span lines
	if !slow {
		for _, r := range w.extra {
			if r.block.Match(b) {
				slow = true
				break
			}
		}
	}
	for len(b) > 0 && w.err == nil {
		if slow || w.inPEM || w.lead {
			l, rest := cutLine(b)
			w.line(l)
			b = rest
			continue
		}
		pos := scan(b)
		if pos < 0 {
			w.emit(b)
			return
		}
		ls := bytes.LastIndexByte(b[:pos], '\n') + 1
		w.emit(b[:ls])
		l, rest := cutLine(b[ls:])
		w.line(l)
		b = rest
	}
}

func cutLine(b []byte) ([]byte, []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1], b[i+1:]
	}
	return b, nil
}

func splitEOL(l []byte) ([]byte, []byte) {
	n := len(l)
	if n > 0 && l[n-1] == '\n' {
		if n > 1 && l[n-2] == '\r' {
			return l[:n-2], l[n-2:]
		}
		return l[:n-1], l[n-1:]
	}
	return l, nil
}

var reBase64Line = lazyre.New(`^[A-Za-z0-9+/=]{16,}$`)

// line handles one line (with its line ending, if any).
func (w *Writer) line(l []byte) {
	if w.rulesOff {
		w.emit(l)
		return
	}
	body, eol := splitEOL(l)
	if w.lead {
		if reBase64Line().Match(body) && len(w.held) < maxHeld {
			w.held = append(w.held, l...)
			return
		}
		w.lead = false
		if len(w.held) > 0 {
			if rePEMEnd().Match(body) {
				w.counts[RulePEMPrivateKey]++
				w.emit([]byte(Marker(RulePEMPrivateKey) + "\n"))
				w.held = nil
				w.emit(l)
				return
			}
			w.emit(w.held)
			w.held = nil
		}
	}
	if w.inPEM {
		if rePEMEnd().Match(body) {
			w.inPEM = false
			w.emit(l)
			return
		}
		if !w.pemMarked {
			w.pemMarked = true
			w.emit([]byte(Marker(RulePEMPrivateKey)))
			w.emit(eol)
		}
		return
	}

	var reps []replacement
	if w.kind != plainFile {
		reps = append(reps, fileFields(w.kind, body)...)
	}
	if w.secretsFile {
		// Earlier rules win: the entry parse first, then a stray RSA
		// private part anywhere.
		reps = append(w.secrets.line(body, false), rsaPrivateParts(body)...)
	}
	if b := rePEMBegin().FindIndex(body); b != nil {
		if e := rePEMEnd().FindIndex(body[b[1]:]); e != nil {
			reps = append(reps, replacement{b[1], b[1] + e[0], RulePEMPrivateKey, false})
		} else {
			w.inPEM, w.pemMarked = true, false
			w.counts[RulePEMPrivateKey]++
			w.emit(l)
			return
		}
	}
	mask := lineMask(body)
	for i, r := range builtinLineRules {
		if mask&(1<<uint(i)) != 0 {
			if r.name == RuleConfigSecret && w.colonTable {
				reps = append(reps, keyValueEquals(body)...)
				continue
			}
			reps = append(reps, r.find(body, w.secretsFile)...)
		}
	}
	for _, r := range w.extra {
		for _, m := range r.Pattern.FindAllSubmatchIndex(body, -1) {
			s, e := m[0], m[1]
			if r.secret >= 0 {
				s, e = m[2*r.secret], m[2*r.secret+1]
			}
			if s >= 0 && e > s {
				reps = append(reps, replacement{s, e, r.Name, false})
			}
		}
	}
	if len(reps) == 0 {
		w.emit(l)
		return
	}
	// Earlier rules win where ranges overlap.
	var kept []replacement
	for _, r := range reps {
		ok := true
		for _, k := range kept {
			if r.start < k.end && k.start < r.end {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, r)
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].start < kept[j].start })
	out := w.out[:0]
	prev := 0
	for _, r := range kept {
		out = append(out, body[prev:r.start]...)
		prev = r.end
		if r.silent {
			continue
		}
		out = append(out, Marker(r.rule)...)
		w.counts[r.rule]++
	}
	out = append(out, body[prev:]...)
	out = append(out, eol...)
	w.out = out
	w.emit(out)
}
