// Package drain mines message templates from log lines online, one line at
// a time, with the fixed-depth prefix tree of Drain (He et al., "Drain: An
// Online Log Parsing Approach with Fixed Depth Tree", ICWS 2017; IBM's
// Drain3 is the reference implementation).
//
// A line (the message after its header: timestamp, level, pid) is cut
// into tokens at white space. Tokens that are variable by their shape
// (anything holding a digit: numbers, addresses, ids, times, hex; paths;
// quoted values; the value of key=value) are masked first, so they never
// split a template. The masked tokens then walk the tree: token count,
// then the first Depth tokens (a masked token walks the wildcard branch),
// to a leaf holding the clusters seen there; the line joins the most
// similar cluster when at least Sim of its tokens agree, and the
// template's differing positions become wildcards, else it starts a new
// cluster.
//
// Beyond Drain: clusters whose templates become equal are one template
// (the id is the template's text), and a template cap bounds memory: once
// MaxTemplates clusters exist, a line that would start a new one is
// dropped (counted) instead.
package drain

import (
	"hash/fnv"
	"strconv"
	"strings"
)

// Wildcard stands for a variable part in a template.
const Wildcard = "<*>"

// Config tunes the miner. The zero value of a field means its default.
type Config struct {
	// Depth is the number of leading tokens that pick a leaf (default 2).
	Depth int
	// Sim is the share of a template's constant tokens a line must match
	// to join it (default 0.5).
	Sim float64
	// MaxChildren caps the branches of one tree node; further tokens take
	// the wildcard branch (default 100).
	MaxChildren int
	// MaxTemplates caps the clusters of one miner (default 2000); 0 after
	// defaults means the default, a negative value no cap.
	MaxTemplates int
}

func (c Config) withDefaults() Config {
	if c.Depth <= 0 {
		c.Depth = 2
	}
	if c.Sim <= 0 {
		c.Sim = 0.7
	}
	if c.MaxChildren <= 0 {
		c.MaxChildren = 100
	}
	if c.MaxTemplates == 0 {
		c.MaxTemplates = 2000
	}
	return c
}

// Cluster is one template and the lines that joined it.
type Cluster struct {
	tokens []string
	// Count is the number of lines that joined the cluster.
	Count int
	// seq is the cluster's creation order.
	seq int
}

// Tokens returns the template's tokens (wildcards as Wildcard).
func (c *Cluster) Tokens() []string { return c.tokens }

// Template returns the template's text: tokens joined by one space.
func (c *Cluster) Template() string { return strings.Join(c.tokens, " ") }

// ID returns a short id derived from the template's text alone, so the
// same template has the same id in every run and every log.
func ID(template string) string {
	h := fnv.New64a()
	h.Write([]byte(template))
	return "T" + strconv.FormatUint(h.Sum64()&0xffffffffff, 36)
}

type node struct {
	children map[string]*node
	clusters []*Cluster
}

// Miner is an online template miner. It is not safe for concurrent use.
type Miner struct {
	cfg      Config
	root     map[int]*node // by token count
	clusters []*Cluster
	// Dropped counts lines that would have started a template beyond the
	// cap.
	Dropped int
	toks    []string
}

// New returns a miner with the configuration cfg.
func New(cfg Config) *Miner {
	return &Miner{cfg: cfg.withDefaults(), root: map[int]*node{}}
}

// Clusters returns the clusters in creation order. Clusters whose
// templates are equal are separate entries; group them by Template.
func (m *Miner) Clusters() []*Cluster { return m.clusters }

// Add mines one message and returns the cluster it joined, or nil when
// the template cap dropped it (the message is empty: nil too).
func (m *Miner) Add(msg string) *Cluster {
	m.toks = Tokenize(msg, m.toks[:0])
	return m.AddTokens(m.toks)
}

// AddTokens mines one message already cut by Tokenize (the caller may
// have dropped a header from its front). toks is not kept.
func (m *Miner) AddTokens(toks []string) *Cluster {
	if len(toks) == 0 {
		return nil
	}
	leaf := m.leaf(toks)
	if c := m.best(leaf.clusters, toks); c != nil {
		c.Count++
		for i, t := range c.tokens {
			if t != Wildcard && t != toks[i] {
				c.tokens = append([]string(nil), c.tokens...)
				for j := i; j < len(c.tokens); j++ {
					if c.tokens[j] != toks[j] {
						c.tokens[j] = generalize(c.tokens[j], toks[j])
					}
				}
				break
			}
		}
		return c
	}
	if m.cfg.MaxTemplates > 0 && len(m.clusters) >= m.cfg.MaxTemplates {
		m.Dropped++
		return nil
	}
	c := &Cluster{tokens: cloneTokens(toks), Count: 1, seq: len(m.clusters)}
	m.clusters = append(m.clusters, c)
	leaf.clusters = append(leaf.clusters, c)
	return c
}

func cloneTokens(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		if t != Wildcard {
			t = strings.Clone(t)
		}
		out[i] = t
	}
	return out
}

// leaf walks (and grows) the tree to the leaf of toks.
func (m *Miner) leaf(toks []string) *node {
	n := m.root[len(toks)]
	if n == nil {
		n = &node{}
		m.root[len(toks)] = n
	}
	depth := m.cfg.Depth
	if depth > len(toks) {
		depth = len(toks)
	}
	for i := 0; i < depth; i++ {
		key := toks[i]
		child := n.children[key]
		if child == nil {
			if key != Wildcard && len(n.children) >= m.cfg.MaxChildren {
				key = Wildcard
				child = n.children[key]
			}
			if child == nil {
				if n.children == nil {
					n.children = map[string]*node{}
				}
				child = &node{}
				n.children[strings.Clone(key)] = child
			}
		}
		n = child
	}
	return n
}

// best returns the most similar cluster of cs at or above the threshold.
func (m *Miner) best(cs []*Cluster, toks []string) *Cluster {
	var best *Cluster
	bestSim, bestWild := -1.0, -1
	for _, c := range cs {
		same, wild := 0, 0
		conflict := false
		for i, t := range c.tokens {
			if t != toks[i] && enumConflict(t, toks[i]) {
				conflict = true
				break
			}
			if t == Wildcard {
				wild++
				if toks[i] == Wildcard {
					same++
				}
				continue
			}
			if t == toks[i] {
				same++
			}
		}
		if conflict {
			continue
		}
		sim := float64(same) / float64(len(c.tokens))
		if sim > bestSim || (sim == bestSim && wild > bestWild) {
			best, bestSim, bestWild = c, sim, wild
		}
	}
	if best == nil || bestSim < m.cfg.Sim {
		return nil
	}
	return best
}

// Tokenize appends the masked tokens of msg to dst. A double-quoted
// value (at a token's start or after its '=') is one token however many
// spaces it holds, and is masked.
func Tokenize(msg string, dst []string) []string {
	start := -1
	quoted := false
	for i := 0; i <= len(msg); i++ {
		if i == len(msg) || msg[i] == ' ' || msg[i] == '\t' || msg[i] == '\r' || msg[i] == '\n' {
			if start >= 0 {
				t := msg[start:i]
				if quoted {
					t = maskQuoted(t)
				} else {
					t = Mask(t)
				}
				dst = append(dst, t)
				start, quoted = -1, false
			}
			continue
		}
		if start < 0 {
			start = i
		}
		if msg[i] == '"' && (i == start || msg[i-1] == '=') {
			if j := strings.IndexByte(msg[i+1:], '"'); j >= 0 {
				i += j + 1
				quoted = true
			}
		}
	}
	return dst
}

func maskQuoted(t string) string {
	if i := strings.IndexByte(t, '='); i > 0 && i < strings.IndexByte(t, '"') {
		return t[:i+1] + Wildcard
	}
	return Wildcard
}

// Mask returns Wildcard for a token that is variable by its shape (it
// holds a digit, is a dotted name or a path), key=<*> for a key=value
// token whose value is (closing brackets and punctuation after the value
// are kept), or the token.
func Mask(t string) string {
	if hasDigit(t) || dotted(t) || isPath(t) {
		if i := strings.IndexByte(t, '='); i > 0 && !hasDigit(t[:i]) {
			end := len(t)
			for end > i+1 && strings.IndexByte("]),;}>", t[end-1]) >= 0 {
				end--
			}
			if end == len(t) {
				return t[:i+1] + Wildcard
			}
			return t[:i+1] + Wildcard + t[end:]
		}
		return Wildcard
	}
	return t
}

// isPath reports whether t is an absolute path of two parts or more.
func isPath(t string) bool {
	return len(t) > 2 && t[0] == '/' && strings.IndexByte(t[1:], '/') > 0
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// enumConflict reports whether two different tokens never share a
// template: a key with and without a value (key= and key=<*>), two words
// in capitals (states such as NEW and RUNNING), a mark of no letters or
// digits (****) and a value.
func enumConflict(a, b string) bool {
	if a == Wildcard || b == Wildcard {
		// A mark such as **** or -- (no letter or digit) where a value
		// stands elsewhere says the value is missing: another message.
		return symbols(a) || symbols(b)
	}
	if i := strings.IndexByte(a, '='); i > 0 {
		return strings.HasPrefix(b, a[:i+1]) && (len(a) == i+1 || len(b) == i+1)
	}
	return isCaps(a) && isCaps(b)
}

// symbols reports whether t is a mark: one character other than a letter,
// digit or bracket, repeated (****, --).
func symbols(t string) bool {
	if len(t) < 2 || t == Wildcard {
		return false
	}
	c := t[0]
	if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 || strings.IndexByte("()[]{}<>", c) >= 0 {
		return false
	}
	for i := 1; i < len(t); i++ {
		if t[i] != c {
			return false
		}
	}
	return true
}

// isCaps reports whether t is a word in capitals (letters and
// underscores, at least two letters), such as a state name.
func isCaps(t string) bool {
	if len(t) < 2 {
		return false
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; (c < 'A' || c > 'Z') && c != '_' {
			return false
		}
	}
	return true
}

// generalize returns the template token that covers both a and b: key=<*>
// for two values of one key, else the wildcard.
func generalize(a, b string) string {
	if i := strings.IndexByte(a, '='); i > 0 && strings.HasPrefix(b, a[:i+1]) {
		if strings.HasSuffix(a, Wildcard) && len(a) == i+1+len(Wildcard) {
			return a
		}
		return a[:i+1] + Wildcard
	}
	return Wildcard
}

// dotted reports whether t is a dotted name (host name, class or
// property name: two dots or more between letters).
func dotted(t string) bool {
	dots := 0
	for i := 1; i < len(t)-1; i++ {
		if t[i] == '.' && t[i-1] != '.' && t[i+1] != '.' {
			dots++
		}
	}
	return dots >= 2
}
