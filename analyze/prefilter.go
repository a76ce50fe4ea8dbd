package analyze

import (
	"bytes"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"casefile/internal/slicesx"
)

// A literal is a string every match of some pattern must contain (or, for
// a set, one of several). fold literals are lower case and match any ASCII
// case. Lines that contain none of a pattern's literals are never given to
// its regular expression: that is what makes one pass over a gigabyte of
// logs cheap.
type literal struct {
	s    string
	fold bool
}

// minLiteral is the shortest literal worth searching for; a pattern whose
// best set has a shorter one runs on every line.
const minLiteral = 3

// maxLiterals bounds the alternatives of one set.
const maxLiterals = 16

// requiredLiterals returns literals one of which occurs in every match of
// the pattern, or nil when no useful set exists (the pattern then runs on
// every line of the members it reads).
func requiredLiterals(src string) []literal {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil
	}
	set := litsOf(re.Simplify()).best()
	if len(set) == 0 || len(set) > maxLiterals {
		return nil
	}
	for _, l := range set {
		if len(l.s) < minLiteral || strings.IndexByte(l.s, '\n') >= 0 {
			return nil
		}
	}
	return set
}

// litInfo is what the prefilter knows of a piece of a pattern: the
// strings it matches exactly (when few), and a set one of which every
// match contains.
type litInfo struct {
	exact    []string // nil: unknown or too many
	exactSet bool
	fold     bool // exact strings are lower case and match in any case
	req      []literal
	// small is a required set with as few strings as possible, for
	// alternations whose branches' best sets together are too many.
	small []literal
}

// score ranks a set: the length of its shortest literal, with fewer
// alternatives breaking ties.
func score(set []literal) int {
	if len(set) == 0 {
		return -1
	}
	m := len(set[0].s)
	for _, l := range set[1:] {
		m = min(m, len(l.s))
	}
	return m*100 - len(set)
}

// asLits turns exact strings into a required set (nil if one is empty).
func (li litInfo) asLits() []literal {
	if !li.exactSet || len(li.exact) == 0 || len(li.exact) > maxLiterals {
		return nil
	}
	out := make([]literal, 0, len(li.exact))
	for _, s := range li.exact {
		if s == "" {
			return nil
		}
		out = append(out, literal{s: s, fold: li.fold})
	}
	return slicesx.Uniq(out)
}

// best is the better of the required set and the exact strings.
func (li litInfo) best() []literal {
	a, b := li.req, li.asLits()
	if score(b) > score(a) {
		return b
	}
	return a
}

// smallest is the usable set with the fewest strings (then the best).
func (li litInfo) smallest() []literal {
	var out []literal
	for _, set := range [][]literal{li.small, li.req, li.asLits()} {
		if !usable(set) {
			continue
		}
		if out == nil || len(set) < len(out) || len(set) == len(out) && score(set) > score(out) {
			out = set
		}
	}
	return out
}

// usable: a set the prefilter can search for.
func usable(set []literal) bool {
	if len(set) == 0 || len(set) > maxLiterals {
		return false
	}
	for _, l := range set {
		if len(l.s) < minLiteral {
			return false
		}
	}
	return true
}

func exactInfo(fold bool, strs ...string) litInfo {
	li := litInfo{exact: strs, exactSet: true, fold: fold}
	li.req = li.asLits()
	return li
}

func litsOf(re *syntax.Regexp) litInfo {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if re.Flags&syntax.FoldCase != 0 {
			low := strings.ToLower(s)
			if !isASCII(low) {
				// Other case forms may be other bytes: only an ASCII run
				// is safe, and nothing is known exactly.
				if run := asciiRun(low); run != "" {
					return litInfo{req: []literal{{s: run, fold: true}}}
				}
				return litInfo{}
			}
			return exactInfo(true, low)
		}
		return exactInfo(false, s)
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return litInfo{exact: []string{""}, exactSet: true}
	case syntax.OpCharClass:
		var strs []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if r >= utf8.RuneSelf || len(strs) >= 4 {
					return litInfo{}
				}
				strs = append(strs, string(r))
			}
		}
		if len(strs) == 0 {
			return litInfo{}
		}
		return litInfo{exact: strs, exactSet: true}
	case syntax.OpCapture:
		return litsOf(re.Sub[0])
	case syntax.OpQuest:
		sub := litsOf(re.Sub[0])
		if !sub.exactSet || len(sub.exact) >= maxLiterals {
			return litInfo{}
		}
		return litInfo{exact: append([]string{""}, sub.exact...), exactSet: true, fold: sub.fold}
	case syntax.OpPlus:
		sub := litsOf(re.Sub[0])
		return litInfo{req: sub.best(), small: sub.smallest()}
	case syntax.OpRepeat:
		if re.Min >= 1 {
			sub := litsOf(re.Sub[0])
			return litInfo{req: sub.best(), small: sub.smallest()}
		}
		return litInfo{}
	case syntax.OpAlternate:
		var out litInfo
		out.exactSet = true
		var req, small []literal
		reqOK, smallOK := true, true
		for _, sub := range re.Sub {
			li := litsOf(sub)
			if sm := li.smallest(); len(sm) > 0 {
				small = append(small, sm...)
			} else {
				smallOK = false
			}
			if out.exactSet && li.exactSet && len(out.exact)+len(li.exact) <= maxLiterals {
				out.exact = append(out.exact, li.exact...)
				out.fold = out.fold || li.fold
			} else {
				out.exactSet, out.exact = false, nil
			}
			b := li.best()
			if len(b) == 0 {
				reqOK = false
			}
			req = append(req, b...)
		}
		if out.fold {
			out.exact = lowerAll(out.exact)
		}
		if reqOK && len(req) <= maxLiterals {
			out.req = slicesx.Uniq(req)
		}
		if smallOK && len(small) <= maxLiterals {
			out.small = slicesx.Uniq(small)
		}
		if !usable(out.req) && usable(out.small) {
			out.req = out.small
		}
		if score(out.asLits()) > score(out.req) {
			out.req = out.asLits()
		}
		return out
	case syntax.OpConcat:
		infos := make([]litInfo, len(re.Sub))
		for i, sub := range re.Sub {
			infos[i] = litsOf(sub)
		}
		var best, small []literal
		consider := func(set []literal) {
			if len(set) > 0 && len(set) <= maxLiterals && score(set) > score(best) {
				best = set
			}
			if usable(set) && (small == nil || len(set) < len(small) || len(set) == len(small) && score(set) > score(small)) {
				small = set
			}
		}
		for _, li := range infos {
			consider(li.req)
			consider(li.small)
		}
		// Runs of pieces known exactly combine into longer literals.
		all := litInfo{exact: []string{""}, exactSet: true}
		run := litInfo{exact: []string{""}, exactSet: true}
		for _, li := range infos {
			if li.exactSet {
				if p, ok := product(run, li); ok {
					run = p
					consider(run.asLits())
				} else {
					run = li
				}
			} else {
				run = litInfo{exact: []string{""}, exactSet: true}
			}
			if all.exactSet {
				if p, ok := product(all, li); ok && li.exactSet {
					all = p
				} else {
					all = litInfo{}
				}
			}
		}
		out := litInfo{req: best, small: small}
		if all.exactSet {
			out.exact, out.exactSet, out.fold = all.exact, true, all.fold
			consider(all.asLits())
			out.req = best
		}
		return out
	}
	return litInfo{}
}

// product concatenates every string of a with every string of b.
func product(a, b litInfo) (litInfo, bool) {
	if len(a.exact)*len(b.exact) > maxLiterals {
		return litInfo{}, false
	}
	fold := a.fold || b.fold
	out := litInfo{exactSet: true, fold: fold}
	for _, x := range a.exact {
		for _, y := range b.exact {
			s := x + y
			if fold {
				s = strings.ToLower(s)
			}
			out.exact = append(out.exact, s)
		}
	}
	return out, true
}

func lowerAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(s)
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiRun returns the longest run of ASCII characters of s.
func asciiRun(s string) string {
	best, start := "", -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] < utf8.RuneSelf {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start > len(best) {
			best = s[start:i]
		}
		start = -1
	}
	return best
}

// A searcher finds, in one chunk, the lines holding any literal of a
// member's patterns. Each literal is anchored on its rarest byte (by the
// byte counts of the member's first chunk); literals sharing an anchor
// share one bytes.IndexByte pass, which the runtime runs with vector
// instructions. Case-folded literals anchor on both cases of a letter.
type searcher struct {
	anchors []*anchor
	// ks: some folded literal holds a k or an s, which Unicode folding
	// also matches as U+212A and U+017F; chunks holding those run the
	// patterns of such literals on every line instead.
	ks    []int32
	hasKS bool
}

type anchor struct {
	b    byte
	lits []*anchored
	// The literals of the anchor, decided at each of its bytes: the
	// case-sensitive ones with the same offset of the anchor byte as one
	// tree (groups: literals sharing a word, as routingManager: WHO ...
	// and routingManager: TELL ..., are compared once up to where they
	// part), the folded ones one by one (folds). nodes counts the
	// trees' nodes where literals end.
	groups []litGroup
	folds  []int
	nodes  int
}

// A litGroup is the case-sensitive literals of an anchor whose anchor
// byte is at offset off, as a radix tree of their bytes from their start.
type litGroup struct {
	off  int
	root *litNode
}

// A litNode holds the bytes of an edge of a literal tree (after its
// parent's); where a literal ends (id >= 0), pats are the patterns of
// that literal and of every literal ending above it (a position where
// the node's literal starts holds them all), sorted.
type litNode struct {
	edge []byte
	id   int
	pats []int32
	kids []*litNode // by their edges' distinct first bytes
}

// buildGroups makes the anchor's literal trees (see anchor).
func (an *anchor) buildGroups() {
	an.groups, an.folds, an.nodes = nil, nil, 0
	byOff := map[int][]*anchored{}
	var offs []int
	for k, a := range an.lits {
		if a.fold {
			an.folds = append(an.folds, k)
			continue
		}
		if byOff[a.off] == nil {
			offs = append(offs, a.off)
		}
		byOff[a.off] = append(byOff[a.off], a)
	}
	sort.Ints(offs)
	for _, off := range offs {
		as := byOff[off]
		sort.Slice(as, func(i, j int) bool { return string(as[i].lit) < string(as[j].lit) })
		an.groups = append(an.groups, litGroup{off: off, root: an.tree(as, 0, nil)})
	}
}

// tree builds the node of literals as (sorted, distinct, each at least
// from bytes long, all sharing their first from bytes) from byte from on;
// above are the patterns of the literals ending above it.
func (an *anchor) tree(as []*anchored, from int, above []int32) *litNode {
	// The edge: the bytes all of as share from byte from.
	n := len(as[0].lit)
	for _, a := range as[1:] {
		k := from
		for k < n && k < len(a.lit) && a.lit[k] == as[0].lit[k] {
			k++
		}
		n = k
	}
	nd := &litNode{edge: as[0].lit[from:n], id: -1}
	if len(as[0].lit) == n {
		// The shortest sorts first: it ends here.
		nd.id = an.nodes
		an.nodes++
		above = mergePats(slices.Clone(above), as[0].pats)
		nd.pats = above
		as = as[1:]
	}
	for len(as) > 0 {
		c := as[0].lit[n]
		k := 1
		for k < len(as) && as[k].lit[n] == c {
			k++
		}
		nd.kids = append(nd.kids, an.tree(as[:k], n, above))
		as = as[k:]
	}
	return nd
}

// walk returns the deepest node of the tree whose literal starts at st
// in hay (nil: none).
func (nd *litNode) walk(hay []byte, st int) *litNode {
	var best *litNode
	pos := st
	for {
		e := nd.edge
		if len(e) > len(hay)-pos || string(hay[pos:pos+len(e)]) != string(e) {
			return best
		}
		pos += len(e)
		if nd.id >= 0 {
			best = nd
		}
		if pos >= len(hay) || len(nd.kids) == 0 {
			return best
		}
		c := hay[pos]
		var next *litNode
		for _, kid := range nd.kids {
			if kid.edge[0] == c {
				next = kid
				break
			}
		}
		if next == nil {
			return best
		}
		nd = next
	}
}

type anchored struct {
	lit  []byte
	off  int // offset of the anchor byte in lit
	fold bool
	pats []int32
}

// newSearcher builds the search of a member's literals (each with the
// patterns that need it), given a sample of its text.
func newSearcher(lits map[literal][]int32, sample []byte) *searcher {
	var count [256]int
	for _, c := range sample {
		count[c]++
	}
	// Letters count in both cases for folded literals.
	freq := func(c byte, fold bool) int {
		if fold && c >= 'a' && c <= 'z' {
			return count[c] + count[c-'a'+'A']
		}
		return count[c]
	}
	s := &searcher{}
	byByte := map[byte]*anchor{}
	keys := make([]literal, 0, len(lits))
	for l := range lits {
		keys = append(keys, l)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].s != keys[j].s {
			return keys[i].s < keys[j].s
		}
		return !keys[i].fold
	})
	add := func(b byte, a *anchored) {
		an := byByte[b]
		if an == nil {
			an = &anchor{b: b}
			byByte[b] = an
			s.anchors = append(s.anchors, an)
		}
		an.lits = append(an.lits, a)
	}
	for _, l := range keys {
		off := 0
		for i := 1; i < len(l.s); i++ {
			// Prefer the rarer byte; on a tie, one that is not a letter of
			// a folded literal (one pass instead of two).
			fi, fo := freq(l.s[i], l.fold), freq(l.s[off], l.fold)
			if fi < fo || fi == fo && l.fold && isLower(l.s[off]) && !isLower(l.s[i]) {
				off = i
			}
		}
		if !l.fold {
			// A byte another literal is anchored on, when not much more
			// frequent: literals sharing a word (routingManager: WHO ...,
			// routingManager: TELL ...) then share one pass, which finds a
			// line they are all in once, not once per anchor.
			fo := freq(l.s[off], false)
			for i := 0; i < len(l.s); i++ {
				if fi := freq(l.s[i], false); byByte[l.s[i]] != nil && fi <= 4*fo+len(sample)>>10 {
					off = i
					break
				}
			}
		}
		a := &anchored{lit: []byte(l.s), off: off, fold: l.fold, pats: lits[l]}
		c := l.s[off]
		add(c, a)
		if l.fold && isLower(c) {
			add(c-'a'+'A', a)
		}
		if l.fold && strings.ContainsAny(l.s, "ks") {
			s.ks = append(s.ks, a.pats...)
			s.hasKS = true
		}
	}
	for _, an := range s.anchors {
		an.buildGroups()
	}
	return s
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }

// equalFold compares ASCII text with a lower-case literal.
func equalFold(hay, lit []byte) bool {
	for i, c := range hay {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lit[i] {
			return false
		}
	}
	return true
}

// lineAround returns the line of hay holding position p.
func lineAround(hay []byte, p int) (start, end int) {
	start = bytes.LastIndexByte(hay[:p], '\n') + 1
	end = bytes.IndexByte(hay[p:], '\n')
	if end < 0 {
		return start, len(hay)
	}
	return start, p + end
}

// find calls fn for each line of hay holding a literal, with the literal's
// patterns. A line may be reported more than once (by different anchors).
// Only the first MaxMatchLine bytes of a line are searched, each line's
// bounds are found once per anchor (when a literal holds: most anchor
// bytes are in none), and each literal is reported once
// per line: the search is linear in len(hay) whatever the line length
// (one line of 1 MiB holding a literal 65,000 times used to cost 65,000
// scans of the line).
func (s *searcher) find(hay []byte, fn func(start, end int, pats []int32)) {
	for _, an := range s.anchors {
		an.find(hay, fn)
	}
}

// find is one anchor's pass of searcher.find: lines in order.
func (an *anchor) find(hay []byte, fn func(start, end int, pats []int32)) {
	pos := 0
	ls, le := -1, -1 // the line of the last hit
	var seen []int   // per literal node of an: ls+1 of the line it was last reported on
	// report reports node k's patterns for the line at p unless reported
	// already; false when the rest of the line is not searched.
	report := func(p, k int, pats []int32) bool {
		// The line's bounds, once a literal holds (most anchor bytes
		// are not in one).
		if ls < 0 || p > le {
			ls, le = lineAround(hay, p)
		}
		if p-ls >= MaxMatchLine {
			pos = le + 1 // the rest of this line is not matched
			return false
		}
		if seen == nil {
			seen = make([]int, an.nodes+len(an.folds))
		}
		if seen[k] != ls+1 {
			seen[k] = ls + 1
			fn(ls, le, pats)
		}
		return true
	}
scan:
	for pos < len(hay) {
		i := bytes.IndexByte(hay[pos:], an.b)
		if i < 0 {
			break
		}
		p := pos + i
		pos = p + 1
		if ls >= 0 && p <= le && p-ls >= MaxMatchLine {
			pos = le + 1 // the rest of this line is not matched
			continue
		}
		for g := range an.groups {
			gr := &an.groups[g]
			st := p - gr.off
			if st < 0 {
				continue
			}
			if nd := gr.root.walk(hay, st); nd != nil && !report(p, nd.id, nd.pats) {
				continue scan
			}
		}
		for f, k := range an.folds {
			a := an.lits[k]
			st := p - a.off
			if st < 0 || st+len(a.lit) > len(hay) || !equalFold(hay[st:st+len(a.lit)], a.lit) {
				continue
			}
			if !report(p, an.nodes+f, a.pats) {
				continue scan
			}
		}
	}
}

// kelvinOrLongS reports whether hay holds U+212A or U+017F.
func kelvinOrLongS(hay []byte) bool {
	return bytes.Contains(hay, []byte("\u212a")) || bytes.Contains(hay, []byte("\u017f"))
}

// exactLiterals returns the strings a pattern matches exactly when it is
// made of case-sensitive literals, small character classes, alternations
// and optional pieces only (no capture, anchor, boundary or repetition),
// and its required literals (lits) are those strings: then a line holds
// a match exactly when it holds one of them. nil otherwise.
func exactLiterals(src string, lits []literal) []string {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil || len(lits) == 0 {
		return nil
	}
	re = re.Simplify()
	if !plainLiteral(re) {
		return nil
	}
	li := litsOf(re)
	if !li.exactSet || li.fold || len(li.exact) == 0 || len(li.exact) != len(slicesx.Uniq(li.exact)) {
		return nil
	}
	set := map[string]bool{}
	for _, l := range lits {
		if l.fold {
			return nil
		}
		set[l.s] = true
	}
	if len(set) != len(li.exact) {
		return nil
	}
	for _, s := range li.exact {
		if !set[s] {
			return nil
		}
	}
	return li.exact
}

func plainLiteral(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		return re.Flags&syntax.FoldCase == 0
	case syntax.OpCharClass, syntax.OpEmptyMatch:
		return true
	case syntax.OpConcat, syntax.OpAlternate, syntax.OpQuest:
		for _, s := range re.Sub {
			if !plainLiteral(s) {
				return false
			}
		}
		return true
	}
	return false
}

// digitUniform reports whether a pattern treats every ASCII digit alike:
// no digit in its literals, and each character class holding all of
// 0-9 or none. Lines that differ only in their digits then match alike,
// at the same offsets: the scan memoises its decisions on the line with
// every digit made 0 (worker.memoMatch).
func digitUniform(src string) bool {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return false
	}
	var ok func(re *syntax.Regexp) bool
	ok = func(re *syntax.Regexp) bool {
		switch re.Op {
		case syntax.OpLiteral:
			for _, r := range re.Rune {
				if r >= '0' && r <= '9' {
					return false
				}
			}
		case syntax.OpCharClass:
			n := 0
			for d := '0'; d <= '9'; d++ {
				for i := 0; i+1 < len(re.Rune); i += 2 {
					if d >= re.Rune[i] && d <= re.Rune[i+1] {
						n++
						break
					}
				}
			}
			if n != 0 && n != 10 {
				return false
			}
		case syntax.OpRepeat:
			// counted repetition of digits would still be alike; fine
		}
		for _, sub := range re.Sub {
			if !ok(sub) {
				return false
			}
		}
		return true
	}
	return ok(re)
}
