package redact

import (
	"bytes"
	"strings"

	"casefile/internal/lazyre"
)

// IPsec secrets files (libreswan, Openswan, FreeS/WAN, strongSwan's
// ipsec.secrets) hold entries of the form
//
//	selectors : TYPE value...
//
// An entry starts at a line's first column; a line that starts with
// white space continues it (the type may be on the line after the
// colon); a quoted value may run over several lines; an RSA key's
// { ... } block spans lines, or sits on one. The values that are
// secrets depend on the type:
//
//	: PSK "secret"                       FreeS/WAN also: : "secret"
//	: PPK "ppk-id" "secret"              (PPKS too)
//	: XAUTH "secret"    : XAUTH user "secret"
//	: EAP "secret"      : EAP "user" "secret"     (NTLM alike)
//	: PIN %smartcard1:01 "1234"          : PIN "1234"
//	: RSA keyfile "passphrase"           : RSA { ... PrivateExponent: 0x... }
//
// Selectors (IDs), the type, key file names, %smartcard slots, %prompt,
// and the public parts of a key (Modulus, PublicExponent, #pubkey=) are
// kept. In a secrets file entries are parsed across lines (secretsState);
// elsewhere (logs, command output) only one line at a time, and only a
// quoted or 0x/0s-encoded value counts as a secret, so that a log line
// like "peer: PSK mismatch" keeps its words (ipsecLine).

// secretsPhase is where the parse of an entry stands.
type secretsPhase uint8

const (
	phIndex  secretsPhase = iota // the selectors, before the colon
	phType                       // after the colon: the type, or a bare quoted PSK
	phValues                     // the type's values
	phBlock                      // inside a key's { ... }
)

// secretsState carries the parse of a secrets file from line to line.
type secretsState struct {
	phase secretsPhase
	typ   string // upper-case type of the current entry
	n     int    // values of the entry seen so far
	quote byte   // the quote of a value still open at the end of a line
	rule  string // that value's rule when it is a secret ("" when kept)
}

// keyTypes are the types whose values are a key file (kept), then its
// passphrase, or a { ... } block.
var keyTypes = map[string]bool{"RSA": true, "ECDSA": true, "ED25519": true, "ED448": true, "BLISS": true,
	"P12": true, "PKCS8": true, "PKCS12": true, "PRIVATE": true}

// privateParts are the private fields of an RSA key block.
var privateParts = map[string]bool{"privateexponent": true, "prime1": true, "prime2": true,
	"exponent1": true, "exponent2": true, "coefficient": true}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' }

// closingQuote returns the index of the quote q closing a value whose
// inside starts at i, or -1. Double quotes allow backslash escapes.
func closingQuote(l []byte, i int, q byte) int {
	for ; i < len(l); i++ {
		if l[i] == '\\' && q == '"' {
			i++
			continue
		}
		if l[i] == q {
			return i
		}
	}
	return -1
}

// word returns the end of the bare word starting at i.
func word(l []byte, i int) int {
	for i < len(l) && !isBlank(l[i]) {
		i++
	}
	return i
}

// secretRule says whether value number st.n of the current entry, tok
// (quotes included), is a secret and of which rule ("" when it is kept).
// more tells whether another value follows on the same line.
func (st *secretsState) secretRule(tok []byte, more bool) string {
	v := strings.ToLower(strings.Trim(string(tok), `"'`))
	if v == "%prompt" {
		return ""
	}
	switch st.typ {
	case "PSK":
		return RuleIPsecPSK
	case "PPK", "PPKS":
		if st.n == 0 && more {
			return "" // the PPK's id
		}
		return RuleIPsecPSK
	case "XAUTH", "EAP", "NTLM":
		if st.n == 0 && more {
			return "" // the user name
		}
		return RuleIPsecPassword
	case "PIN":
		if strings.HasPrefix(v, "%smartcard") {
			return ""
		}
		return RuleIPsecPassword
	}
	if keyTypes[st.typ] && st.n > 0 {
		return RuleIPsecRSA // the key file's passphrase
	}
	return ""
}

// line parses one line (without its ending) of a secrets file and
// returns the ranges to replace. In strict mode (a line of a log or of
// command output, with st set up by ipsecLine) only quoted or 0x/0s
// values are secrets and nothing carries to the next line.
func (st *secretsState) line(l []byte, strict bool) []replacement {
	return st.lineFrom(l, 0, strict)
}

// lineFrom parses l from offset i on; i > 0 when st is set up for a
// position inside the line (ipsecLine).
func (st *secretsState) lineFrom(l []byte, i int, strict bool) []replacement {
	var reps []replacement
	switch {
	case i > 0:
	case st.quote != 0:
		// A value that began on an earlier line: its lines are removed
		// up to the closing quote (the marker is on its first line).
		end := closingQuote(l, 0, st.quote)
		stop := end
		if end < 0 {
			stop = len(l)
		}
		if st.rule != "" && stop > 0 {
			reps = append(reps, replacement{0, stop, st.rule, true})
		}
		if end < 0 {
			return reps
		}
		st.quote, st.rule = 0, ""
		i = end + 1
	case st.phase != phBlock && len(l) > 0 && !isBlank(l[0]):
		*st = secretsState{} // the first column starts a new entry
	}
	for i < len(l) {
		c := l[i]
		if isBlank(c) {
			i++
			continue
		}
		if c == '#' {
			break // a comment, to the line's end
		}
		switch st.phase {
		case phIndex:
			switch {
			case c == '"' || c == '\'':
				end := closingQuote(l, i+1, c)
				if end < 0 {
					return reps
				}
				i = end + 1
			case c == ':':
				st.phase = phType
				i++
			default:
				j := word(l, i)
				if l[j-1] == ':' { // "%any:" is a selector and the colon
					st.phase = phType
				}
				i = j
			}
		case phType:
			if c == '"' || c == '\'' || bytes.HasPrefix(l[i:], []byte("0x")) || bytes.HasPrefix(l[i:], []byte("0s")) {
				st.typ, st.phase = "PSK", phValues // FreeS/WAN: ": "secret""
				continue
			}
			j := word(l, i)
			if bytes.IndexByte(l[i:j], '{') >= 0 {
				j = i + bytes.IndexByte(l[i:j], '{')
			}
			if t := string(l[i:j]); t != ":" {
				st.typ, st.phase = strings.ToUpper(t), phValues
			}
			i = j
		case phValues:
			if c == '{' {
				st.phase = phBlock
				i++
				continue
			}
			start, end, closed := i, 0, true
			if c == '"' || c == '\'' {
				if e := closingQuote(l, i+1, c); e >= 0 {
					end = e + 1
				} else {
					end, closed = len(l), false
				}
			} else {
				end = word(l, i)
			}
			k := end
			for k < len(l) && isBlank(l[k]) {
				k++
			}
			more := k < len(l) && l[k] != '#'
			rule := st.secretRule(l[start:end], more)
			quoted := c == '"' || c == '\''
			if rule != "" && strict && !quoted && !bytes.HasPrefix(l[start:end], []byte("0x")) && !bytes.HasPrefix(l[start:end], []byte("0s")) {
				rule = ""
			}
			if rule != "" {
				s, e := start, end
				if quoted {
					s++
					if closed {
						e--
					}
				}
				if e > s {
					reps = append(reps, replacement{s, e, rule, false})
				}
			}
			if !closed && !strict {
				st.quote, st.rule = c, rule
			}
			st.n++
			i = end
		case phBlock:
			if c == '}' {
				st.phase = phValues
				st.n++
				i++
				continue
			}
			// Name: value
			j := i
			for j < len(l) && l[j] != ':' && l[j] != '}' && !isBlank(l[j]) {
				j++
			}
			name := strings.ToLower(string(l[i:j]))
			k := j
			for k < len(l) && isBlank(l[k]) {
				k++
			}
			if k >= len(l) || l[k] != ':' {
				i = j
				if i == k {
					i++
				}
				continue
			}
			k++
			for k < len(l) && isBlank(l[k]) {
				k++
			}
			e := k
			for e < len(l) && !isBlank(l[e]) && l[e] != '}' {
				e++
			}
			if privateParts[name] && e > k {
				reps = append(reps, replacement{k, e, RuleIPsecRSA, false})
			}
			i = e
		}
	}
	return reps
}

// reIPsecEntry finds "selectors : TYPE " in a line of a log or of command
// output; reRSAPrivateAny a private part of an RSA key anywhere in a
// line (a key block written on one line).
var (
	reIPsecEntry    = lazyre.New(`(?i)^[^#]*?:[ \t]*(PSK|PPKS?|XAUTH|EAP|NTLM|PIN|RSA|ECDSA|ED25519|ED448|BLISS|P12|PKCS8|PKCS12|PRIVATE)(?:[ \t]+|[ \t]*\{)`)
	reRSAPrivateAny = lazyre.New(`(?i)(?:^|[\s{])(?:PrivateExponent|Prime1|Prime2|Exponent1|Exponent2|Coefficient)[ \t]*:[ \t]*([^\s}]+)`)
)

// ipsecLine finds IPsec secrets in one line outside a secrets file: an
// entry's quoted or encoded secret values, and RSA private parts.
func ipsecLine(l []byte) []replacement {
	var reps []replacement
	if m := reIPsecEntry().FindSubmatchIndex(l); m != nil {
		st := secretsState{phase: phValues, typ: strings.ToUpper(string(l[m[2]:m[3]]))}
		reps = st.lineFrom(l, m[3], true)
	}
	return append(reps, rsaPrivateParts(l)...)
}

// rsaPrivateParts finds every RSA private part in a line.
func rsaPrivateParts(l []byte) []replacement {
	var reps []replacement
	for _, m := range reRSAPrivateAny().FindAllSubmatchIndex(l, -1) {
		reps = append(reps, replacement{m[2], m[3], RuleIPsecRSA, false})
	}
	return reps
}
