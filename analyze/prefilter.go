package analyze

import (
	"bytes"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
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
	set := litsOf(re.Simplify())
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

func litsOf(re *syntax.Regexp) []literal {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if re.Flags&syntax.FoldCase != 0 {
			s = foldSafe(s)
			if s == "" {
				return nil
			}
			return []literal{{s: s, fold: true}}
		}
		return []literal{{s: s}}
	case syntax.OpCapture, syntax.OpPlus:
		return litsOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return litsOf(re.Sub[0])
		}
		return nil
	case syntax.OpConcat:
		var best []literal
		for _, sub := range re.Sub {
			if s := litsOf(sub); len(s) > 0 && len(s) <= maxLiterals && score(s) > score(best) {
				best = s
			}
		}
		return best
	case syntax.OpAlternate:
		var out []literal
		for _, sub := range re.Sub {
			s := litsOf(sub)
			if len(s) == 0 {
				return nil
			}
			out = append(out, s...)
			if len(out) > maxLiterals {
				return nil
			}
		}
		return dedupeLits(out)
	}
	return nil
}

// foldSafe returns the longest run of s that ASCII case folding matches
// exactly: Unicode folding also maps 'k' to the Kelvin sign and 's' to the
// long s, and non-ASCII letters have several forms, so those split runs.
func foldSafe(s string) string {
	best, cur := "", strings.Builder{}
	flush := func() {
		if cur.Len() > len(best) {
			best = cur.String()
		}
		cur.Reset()
	}
	for _, r := range strings.ToLower(s) {
		if r >= utf8.RuneSelf || r == 'k' || r == 's' {
			flush()
			continue
		}
		cur.WriteRune(r)
	}
	flush()
	return best
}

func dedupeLits(in []literal) []literal {
	seen := map[literal]bool{}
	out := in[:0]
	for _, l := range in {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// lowerASCII writes the ASCII-lowered form of src into dst (same length,
// so offsets stay valid) and returns it.
func lowerASCII(dst, src []byte) []byte {
	dst = append(dst[:0], src...)
	for i, c := range dst {
		if c >= 'A' && c <= 'Z' {
			dst[i] = c + 'a' - 'A'
		}
	}
	return dst
}

// byteRank estimates how common a byte is in log text (higher: more
// common). Searching for a literal's rarest byte first keeps the number of
// candidate positions to verify small.
var byteRank = func() [256]uint8 {
	var r [256]uint8
	for c := 0; c < 256; c++ {
		r[c] = 10
	}
	common := " etaoinsrhldcumfpgwybvkTEASIONRxjqz0123456789:/.-_,=[]()"
	for i := 0; i < len(common); i++ {
		r[common[i]] = uint8(255 - i*3)
	}
	return r
}()

// rareIndex returns the offset of the rarest byte of lit.
func rareIndex(lit string) int {
	best := 0
	for i := 1; i < len(lit); i++ {
		if byteRank[lit[i]] < byteRank[lit[best]] {
			best = i
		}
	}
	return best
}

// finder searches a chunk for one literal.
type finder struct {
	lit  []byte
	rare int // offset of the rarest byte in lit
	fold bool
	pats []int32 // patterns (indexes into memberScan.pats) that need it
}

func newFinder(l literal) *finder {
	return &finder{lit: []byte(l.s), rare: rareIndex(l.s), fold: l.fold}
}

// each calls fn with the start of each line (and the index after its
// end) of hay that holds the literal, at most once per line, in order.
func (f *finder) each(hay []byte, fn func(start, end int)) {
	lit := f.lit
	n := len(lit)
	rb := lit[f.rare]
	pos := 0
	for pos+n <= len(hay) {
		i := bytes.IndexByte(hay[pos+f.rare:], rb)
		if i < 0 {
			return
		}
		at := pos + i // candidate start of the literal
		if at+n > len(hay) {
			return
		}
		if !bytes.Equal(hay[at:at+n], lit) {
			pos = at + 1
			continue
		}
		start := bytes.LastIndexByte(hay[:at], '\n') + 1
		end := bytes.IndexByte(hay[at+n:], '\n')
		if end < 0 {
			end = len(hay)
		} else {
			end += at + n
		}
		fn(start, end)
		pos = end + 1
	}
}
