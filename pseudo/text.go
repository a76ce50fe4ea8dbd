package pseudo

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Source is a pattern that finds names in text (a product's peer names
// in its logs): each match's group "host" is a host name, "user" a user
// name. Found names are replaced from then on, everywhere.
type Source struct {
	Pattern *regexp.Regexp
}

// Replacer finds values in text and replaces them by their pseudonyms.
// It knows the names to replace (the host's own, those its files name)
// and learns more from Sources as text passes; addresses of every kind
// are found by their shape. It is safe for concurrent use.
type Replacer struct {
	m       *Mapper
	mu      sync.Mutex
	names   map[string]bool // host names and labels, lower case
	domains map[string]bool // domain suffixes, lower case
	users   map[string]bool
	sources []Source
	re      *regexp.Regexp // names and domains; nil: none
	userRe  *regexp.Regexp
	dirty   bool
	counts  map[string]int
	// reverse: turn pseudonyms back into values (Unmasker).
	reverse bool
}

// NewUnmasker makes a replacer that turns the pseudonyms m makes back
// into the values: addresses of every kind, and names and users (found
// by their shape and checked against the key: other words stay).
func NewUnmasker(m *Mapper) *Replacer {
	r := NewReplacer(m)
	r.reverse = true
	return r
}

var rePseudonym = regexp.MustCompile(`(?:^|[^A-Za-z0-9_])([hu][a-z2-7]{8,})(?:$|[^A-Za-z0-9_])`)

func (r *Replacer) ip(a netip.Addr) netip.Addr {
	if r.reverse {
		return r.m.UnIP(a)
	}
	return r.m.IP(a)
}

// NewReplacer makes a replacer under m.
func NewReplacer(m *Mapper) *Replacer {
	return &Replacer{m: m, names: map[string]bool{}, domains: map[string]bool{}, users: map[string]bool{}, counts: map[string]int{}}
}

// Mapper returns the replacer's mapper.
func (r *Replacer) Mapper() *Mapper { return r.m }

var reHostName = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*$`)
var reUserName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// AddHost adds a host name (short or dotted); a dotted name's domain is
// added as a domain too.
func (r *Replacer) AddHost(n string) {
	n = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(n)), ".")
	if len(n) < 2 || !reHostName.MatchString(n) || keptNames[n] {
		return
	}
	if _, err := netip.ParseAddr(n); err == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.names[n] {
		r.names[n], r.dirty = true, true
	}
	if i := strings.IndexByte(n, '.'); i > 0 {
		first := n[:i]
		if !r.names[first] && !keptNames[first] {
			r.names[first], r.dirty = true, true
		}
		r.addDomainLocked(n[i+1:])
	}
}

// AddDomain adds a domain: every name under it is replaced.
func (r *Replacer) AddDomain(d string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addDomainLocked(d)
}

func (r *Replacer) addDomainLocked(d string) {
	d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
	// A bare top-level domain ("com") is no domain to replace under.
	if !strings.Contains(d, ".") || !reHostName.MatchString(d) || keptNames[d] {
		return
	}
	if !r.domains[d] {
		r.domains[d], r.dirty = true, true
	}
}

// AddUser adds a user name.
func (r *Replacer) AddUser(u string) {
	if len(u) < 2 || !reUserName.MatchString(u) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.users[u] {
		r.users[u], r.dirty = true, true
	}
}

// AddSource adds a pattern that finds names.
func (r *Replacer) AddSource(s Source) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sources = append(r.sources, s)
}

// Counts returns how many values of each class were replaced.
func (r *Replacer) Counts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for k, v := range r.counts {
		out[k] = v
	}
	return out
}

// Known returns the known host names, domains and users (for tests).
func (r *Replacer) Known() (names, domains, users []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.names {
		names = append(names, k)
	}
	for k := range r.domains {
		domains = append(domains, k)
	}
	for k := range r.users {
		users = append(users, k)
	}
	sort.Strings(names)
	sort.Strings(domains)
	sort.Strings(users)
	return
}

func alternation(set map[string]bool) string {
	var l []string
	for k := range set {
		l = append(l, regexp.QuoteMeta(k))
	}
	sort.Slice(l, func(i, j int) bool { return len(l[i]) > len(l[j]) || len(l[i]) == len(l[j]) && l[i] < l[j] })
	return strings.Join(l, "|")
}

// compile rebuilds the name expressions; r.mu is held.
func (r *Replacer) compile() {
	if !r.dirty {
		return
	}
	r.dirty = false
	var alts []string
	if len(r.names) > 0 {
		alts = append(alts, `(?:[A-Za-z0-9_-]+\.)*(?:`+alternation(r.names)+`)(?:\.[A-Za-z][A-Za-z0-9_-]*)*`)
	}
	if len(r.domains) > 0 {
		alts = append(alts, `(?:[A-Za-z0-9_-]+\.)*(?:`+alternation(r.domains)+`)`)
	}
	r.re = nil
	if len(alts) > 0 {
		r.re = regexp.MustCompile(`(?i)(?:^|[^A-Za-z0-9_.\-])(` + strings.Join(alts, "|") + `)(?:$|[^A-Za-z0-9_\-])`)
	}
	r.userRe = nil
	if len(r.users) > 0 {
		r.userRe = regexp.MustCompile(`(?:^|[^A-Za-z0-9_.\-])(` + alternation(r.users) + `)(?:$|[^A-Za-z0-9_\-])`)
	}
}

type span struct {
	s, e  int
	class string
	repl  string
}

var (
	reIPv4 = regexp.MustCompile(`\d{1,3}(?:\.\d{1,3}){3}`)
	// The dotted tail goes first: "::0:1.0.0.0" is one address, not
	// "::0:1" followed by ".0.0.0" (leftmost-first alternation).
	reIPv6 = regexp.MustCompile(`(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?`)
	reMAC  = regexp.MustCompile(`[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}`)
)

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// versionBefore reports whether the text before an address says it is a
// version ("version 1.2.3.4", "v1.2.3.4").
func versionBefore(b []byte) bool {
	t := strings.ToLower(strings.TrimRight(string(b[max(0, len(b)-24):]), " \t:=\"'("))
	if i := strings.LastIndexAny(t, " \t:=\"'(,;[/"); i >= 0 {
		t = t[i+1:]
	}
	switch t {
	case "version", "ver", "release", "build", "rev", "revision", "v", "fw", "firmware", "kernel":
		return true
	}
	return false
}

// name replaces a dotted name found in text. Labels left of a known
// name are not part of it ("rc." in "rc.web06.example.net", a file
// name) and stay; otherwise every label but the last is replaced.
func (r *Replacer) name(v string) string {
	labels := strings.Split(v, ".")
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := 1; i < len(labels); i++ {
		if r.names[strings.ToLower(strings.Join(labels[i:], "."))] {
			return strings.Join(labels[:i], ".") + "." + r.m.Name(strings.Join(labels[i:], "."))
		}
	}
	return r.m.Name(v)
}

// Learn runs the name sources over one line and adds what they find.
func (r *Replacer) Learn(l []byte) {
	r.mu.Lock()
	sources := r.sources
	r.mu.Unlock()
	for _, s := range sources {
		for _, m := range s.Pattern.FindAllSubmatchIndex(l, -1) {
			for i, n := range s.Pattern.SubexpNames() {
				if m[2*i] < 0 || m[2*i+1] <= m[2*i] {
					continue
				}
				switch v := string(l[m[2*i]:m[2*i+1]]); n {
				case "host":
					r.AddHost(strings.TrimPrefix(v, "@"))
				case "user":
					r.AddUser(v)
				}
			}
		}
	}
}

// Line replaces the values in one line (without its line ending).
func (r *Replacer) Line(l []byte) []byte {
	r.Learn(l)
	r.mu.Lock()
	r.compile()
	re, userRe := r.re, r.userRe
	r.mu.Unlock()

	var spans []span
	for _, m := range reIPv4.FindAllIndex(l, -1) {
		s, e := m[0], m[1]
		if s > 0 && (isWordByte(l[s-1]) || l[s-1] == '.') {
			continue
		}
		if e < len(l) && (isWordByte(l[e]) || l[e] == '.' && e+1 < len(l) && l[e+1] >= '0' && l[e+1] <= '9') {
			continue
		}
		a, err := netip.ParseAddr(string(l[s:e]))
		if err != nil || versionBefore(l[:s]) {
			continue
		}
		if p := r.ip(a); p != a {
			spans = append(spans, span{s, e, ClassIP, p.String()})
		}
	}
	if bytes.Count(l, []byte(":")) >= 2 {
		for _, m := range reIPv6.FindAllIndex(l, -1) {
			s, e := m[0], m[1]
			if s > 0 && (isWordByte(l[s-1]) || l[s-1] == '.' || l[s-1] == ':') {
				continue
			}
			for e > s && l[e-1] == ':' && !(e-s >= 2 && l[e-2] == ':') {
				e-- // a colon after the address ("fe80::1: ...")
			}
			if e < len(l) && (isWordByte(l[e]) || l[e] == ':' || l[e] == '.' && e+1 < len(l) && l[e+1] >= '0' && l[e+1] <= '9') {
				continue // runs on into a word, or into dotted digits that are not an IPv4 tail
			}
			text := string(l[s:e])
			if !strings.Contains(text, "::") && strings.Count(text, ":") != 7 {
				continue
			}
			a, err := netip.ParseAddr(text)
			if err != nil || !a.Is6() {
				continue
			}
			if p := r.ip(a); p != a {
				spans = append(spans, span{s, e, ClassIP, p.String()})
			}
		}
		for _, m := range reMAC.FindAllIndex(l, -1) {
			s, e := m[0], m[1]
			if s > 0 && (isHex(l[s-1]) || l[s-1] == ':' || l[s-1] == '-') || e < len(l) && (isHex(l[e]) || l[e] == ':') {
				continue
			}
			spans = append(spans, r.macSpan(l, s, e))
		}
	} else if bytes.Count(l, []byte("-")) >= 5 {
		for _, m := range reMAC.FindAllIndex(l, -1) {
			s, e := m[0], m[1]
			if s > 0 && (isHex(l[s-1]) || l[s-1] == '-') || e < len(l) && (isHex(l[e]) || l[e] == '-') {
				continue
			}
			spans = append(spans, r.macSpan(l, s, e))
		}
	}
	if r.reverse {
		spans = append(spans, findAll(l, rePseudonym, func(v string) (string, string) {
			if u, ok := r.m.open(v); ok {
				return u, ClassHost
			}
			return v, ""
		})...)
		re, userRe = nil, nil
	}
	if re != nil {
		spans = append(spans, findAll(l, re, func(v string) (string, string) { return r.name(v), ClassHost })...)
	}
	if userRe != nil {
		spans = append(spans, findAll(l, userRe, func(v string) (string, string) { return r.m.User(v), ClassUser })...)
	}
	if len(spans) == 0 {
		return l
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].s < spans[j].s })
	// Overlaps: the first span wins, except that a dotted name running
	// into an address ("web01.00:0c:29:...") ends at the dot before it.
	var kept []span
	for _, sp := range spans {
		if sp.repl == "" {
			continue
		}
		if n := len(kept); n > 0 && sp.s < kept[n-1].e {
			last := &kept[n-1]
			if last.class != ClassHost || sp.class == ClassHost || sp.s <= last.s {
				continue
			}
			dot := bytes.LastIndexByte(l[last.s:sp.s], '.')
			if dot <= 0 {
				continue
			}
			last.e = last.s + dot
			last.repl = r.name(string(l[last.s:last.e]))
		}
		kept = append(kept, sp)
	}
	out := make([]byte, 0, len(l)+32)
	prev := 0
	counts := map[string]int{}
	for _, sp := range kept {
		out = append(out, l[prev:sp.s]...)
		out = append(out, sp.repl...)
		prev = sp.e
		counts[sp.class]++
	}
	out = append(out, l[prev:]...)
	r.mu.Lock()
	for k, v := range counts {
		r.counts[k] += v
	}
	r.mu.Unlock()
	return out
}

func (r *Replacer) macSpan(l []byte, s, e int) span {
	var a [6]byte
	for i := 0; i < 6; i++ {
		a[i] = unhex(l[s+3*i])<<4 | unhex(l[s+3*i+1])
	}
	p := r.m.MAC(a)
	if r.reverse {
		p = r.m.UnMAC(a)
	}
	if p == a {
		return span{s, e, ClassMAC, ""}
	}
	return span{s, e, ClassMAC, formatMAC(p, l[s+2], l[s:e])}
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// formatMAC writes a MAC with the separator and letter case of like.
func formatMAC(a [6]byte, sep byte, like []byte) string {
	digits := "0123456789abcdef"
	if bytes.ContainsAny(like, "ABCDEF") {
		digits = "0123456789ABCDEF"
	}
	var b []byte
	for i, c := range a {
		if i > 0 {
			b = append(b, sep)
		}
		b = append(b, digits[c>>4], digits[c&15])
	}
	return string(b)
}

// findAll returns the spans of re's group 1, continuing after each group
// (the boundary characters around it may be shared by the next match).
func findAll(l []byte, re *regexp.Regexp, repl func(string) (string, string)) []span {
	var out []span
	for pos := 0; pos < len(l); {
		m := re.FindSubmatchIndex(l[pos:])
		if m == nil {
			break
		}
		s, e := pos+m[2], pos+m[3]
		p, class := repl(string(l[s:e]))
		if p != string(l[s:e]) {
			out = append(out, span{s, e, class, p})
		}
		pos = e
		if e == pos+m[0] {
			pos++
		}
	}
	return out
}

// String replaces the values in a text of any number of lines.
func (r *Replacer) String(s string) string {
	var b bytes.Buffer
	w := r.NewWriter(&b)
	io.WriteString(w, s)
	w.Close()
	return b.String()
}

// maxLine is the longest run handled as one line.
const maxLine = 1 << 20

// Writer replaces values in a stream, line by line.
type Writer struct {
	r       *Replacer
	dst     io.Writer
	pending []byte
	err     error
}

// NewWriter returns a writer that replaces values in what is written to
// it and writes the result to dst. Close writes the last line (it does
// not close dst).
func (r *Replacer) NewWriter(dst io.Writer) *Writer { return &Writer{r: r, dst: dst} }

func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.pending = append(w.pending, p...)
			for len(w.pending) >= maxLine {
				w.line(w.pending[:maxLine], nil)
				w.pending = append(w.pending[:0], w.pending[maxLine:]...)
			}
			break
		}
		if len(w.pending) > 0 {
			w.pending = append(w.pending, p[:i]...)
			w.line(w.pending, []byte("\n"))
			w.pending = w.pending[:0]
		} else {
			w.line(p[:i], []byte("\n"))
		}
		p = p[i+1:]
	}
	if w.err != nil {
		return 0, w.err
	}
	return n, nil
}

func (w *Writer) line(l, eol []byte) {
	if w.err != nil {
		return
	}
	out := w.r.Line(l)
	if _, err := w.dst.Write(out); err != nil {
		w.err = err
		return
	}
	if len(eol) > 0 {
		_, w.err = w.dst.Write(eol)
	}
}

// Close writes the last line.
func (w *Writer) Close() error {
	if len(w.pending) > 0 {
		w.line(w.pending, nil)
		w.pending = nil
	}
	return w.err
}

// UnmaskReport turns the pseudonyms m made back into the values in a
// report (text, JSON or HTML: the values need no escaping in any of
// them, as names, addresses and users are letters, digits, '.', '-',
// '_' and ':').
func UnmaskReport(m *Mapper, report []byte) ([]byte, error) {
	if !utf8.Valid(report) || bytes.IndexByte(report, 0) >= 0 {
		return nil, errors.New("not a text, JSON or HTML report")
	}
	return []byte(NewUnmasker(m).String(string(report))), nil
}
