package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Log lines, file names and even profile texts are data from a customer's
// host or a third party: they may hold terminal escape sequences, control
// characters, bidirectional overrides or bytes that are not UTF-8. The
// renderers show such characters as visible escapes (\x1b, \u202e, \xff)
// instead of passing them on, so that a report can neither drive the
// reader's terminal nor disguise what a line says.

// CleanLine returns s as one line of safe, valid UTF-8 text: control
// characters (C0, DEL, C1), line and paragraph separators, bidirectional
// formatting characters and invalid bytes are replaced by visible Go-style
// escapes; a tab becomes a space.
func CleanLine(s string) string { return clean(s, false) }

// CleanText is CleanLine for text of several lines: newlines are kept
// (a CR before a newline is dropped), everything else is escaped as by
// CleanLine.
func CleanText(s string) string { return clean(s, true) }

func clean(s string, multiline bool) string {
	if isPlainASCII(s, multiline) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			b.WriteByte(' ')
		case r == '\n' && multiline:
			b.WriteByte('\n')
		case r == '\r' && multiline && i+1 < len(s) && s[i+1] == '\n':
			// CRLF line ends: keep the newline only.
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isPlainASCII reports whether s is printable ASCII (plus newlines when
// multiline), which needs no cleaning.
func isPlainASCII(s string, multiline bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f || c == '\n' && multiline {
			continue
		}
		return false
	}
	return true
}

// needsEscape reports whether r is a non-ASCII character that must not
// reach a terminal or a page as it is: C1 controls (some terminals act on
// them), line and paragraph separators, and the bidirectional formatting
// characters that can make a line display differently from what it holds.
func needsEscape(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r == 0x2028, r == 0x2029:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0xfeff:
		// A byte order mark inside text: invisible, so show it.
		return true
	}
	return false
}

// runeWidth is the number of terminal columns r takes: 2 for East Asian
// wide and full-width characters (Japanese log messages), 0 for combining
// marks and format characters, else 1.
func runeWidth(r rune) int {
	if r < 0x300 {
		return 1
	}
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// displayWidth is the number of terminal columns s takes.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// truncateWidth cuts s to at most w columns, ending it with "…" when cut.
func truncateWidth(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if displayWidth(s) <= w {
		return s
	}
	n := 0
	for i, r := range s {
		rw := runeWidth(r)
		if n+rw > w-1 {
			return s[:i] + "…"
		}
		n += rw
	}
	return s
}

// clipBytes cuts s to at most n bytes at a character boundary and says
// how much was left out. The engine already bounds lines; this bounds
// what one field can cost a renderer whatever the engine did.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > n-utf8.UTFMax && cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf(" … [%d more bytes]", len(s)-cut)
}

// WrapText breaks clean text into lines of at most width terminal columns
// at spaces (wide characters count two), keeping its own line breaks.
func WrapText(text string, width int) []string { return wrapWidth(text, width) }

// wrapWidth breaks text into lines of at most w columns at spaces, keeping
// the text's own line breaks. A word longer than w is cut.
func wrapWidth(text string, w int) []string {
	if w < 10 {
		w = 10
	}
	var out []string
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		var line strings.Builder
		lw := 0
		for _, word := range words {
			ww := displayWidth(word)
			for ww > w {
				// Cut an overlong word (a URL, a path) into pieces.
				if lw > 0 {
					out = append(out, line.String())
					line.Reset()
					lw = 0
				}
				head := truncateRunes(word, w)
				out = append(out, head)
				word = word[len(head):]
				ww -= displayWidth(head) // not the rest again: linear in the word
			}
			if lw > 0 && lw+1+ww > w {
				out = append(out, line.String())
				line.Reset()
				lw = 0
			}
			if lw > 0 {
				line.WriteByte(' ')
				lw++
			}
			line.WriteString(word)
			lw += ww
		}
		if lw > 0 {
			out = append(out, line.String())
		}
	}
	// Drop trailing empty lines.
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// truncateRunes returns the longest prefix of s that fits in w columns
// (at least one character).
func truncateRunes(s string, w int) string {
	n := 0
	for i, r := range s {
		rw := runeWidth(r)
		if n+rw > w && i > 0 {
			return s[:i]
		}
		n += rw
	}
	return s
}
