package redact

import "strings"

// The needle scanner finds, in one pass over a block, the first place
// where any built-in rule's needle starts, case-insensitively. It looks
// each pair of bytes up in a table of the needles' first two bytes (in
// every letter case) and compares the rest only there, so a block of
// ordinary log lines costs one table lookup per byte.

type needleRef struct {
	s    string // lower case
	mask uint32 // the rules it triggers
}

var (
	lowerTab [256]byte
	pairTab  [1 << 16]uint16 // byte pair -> index into pairList; 0: no needle starts so
	pairList = [][]needleRef{nil}
)

func init() {
	for i := range lowerTab {
		c := byte(i)
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lowerTab[i] = c
	}
	if len(builtinLineRules) > 32 {
		panic("redact: more than 32 built-in line rules")
	}
	for i, r := range builtinLineRules {
		for _, n := range r.needles {
			n = strings.ToLower(n)
			if len(n) < 2 {
				panic("redact: needle shorter than 2 bytes: " + n)
			}
			k := uint16(n[0])<<8 | uint16(n[1])
			idx := pairTab[k]
			if idx == 0 {
				pairList = append(pairList, nil)
				idx = uint16(len(pairList) - 1)
				for _, a := range caseVariants(n[0]) {
					for _, b := range caseVariants(n[1]) {
						pairTab[uint16(a)<<8|uint16(b)] = idx
					}
				}
			}
			merged := false
			for j := range pairList[idx] {
				if pairList[idx][j].s == n {
					pairList[idx][j].mask |= 1 << uint(i)
					merged = true
				}
			}
			if !merged {
				pairList[idx] = append(pairList[idx], needleRef{n, 1 << uint(i)})
			}
		}
	}
}

func caseVariants(c byte) []byte {
	if c >= 'a' && c <= 'z' {
		return []byte{c, c - ('a' - 'A')}
	}
	return []byte{c}
}

// hasFoldPrefix reports whether b starts with needle (lower case),
// ignoring ASCII case.
func hasFoldPrefix(b []byte, needle string) bool {
	if len(b) < len(needle) {
		return false
	}
	for i := 2; i < len(needle); i++ {
		if lowerTab[b[i]] != needle[i] {
			return false
		}
	}
	return true
}

// scan returns the offset of the first needle in b, or -1.
func scan(b []byte) int {
	for i := 0; i+1 < len(b); i++ {
		if idx := pairTab[uint16(b[i])<<8|uint16(b[i+1])]; idx != 0 {
			for _, n := range pairList[idx] {
				if hasFoldPrefix(b[i:], n.s) {
					return i
				}
			}
		}
	}
	return -1
}

// lineMask returns the set of built-in rules whose needles occur in line.
func lineMask(line []byte) uint32 {
	var mask uint32
	for i := 0; i+1 < len(line); i++ {
		if idx := pairTab[uint16(line[i])<<8|uint16(line[i+1])]; idx != 0 {
			for _, n := range pairList[idx] {
				if hasFoldPrefix(line[i:], n.s) {
					mask |= n.mask
				}
			}
		}
	}
	return mask
}
