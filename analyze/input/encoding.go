package input

import (
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Text that is not UTF-8 (issue 12): Windows writes UTF-16 logs, and
// Japanese products write Shift_JIS or EUC-JP. The engine matches UTF-8,
// so members are decoded to UTF-8 before fn sees them, when their first
// sniffSize bytes show an encoding:
//
//   - a UTF-16 byte order mark, or (without one) text whose every other
//     byte is zero: UTF-16LE / UTF-16BE;
//   - not valid UTF-8, but mostly printable, and decoding cleanly (no
//     invalid sequence) as Shift_JIS or EUC-JP into kana or kanji: the
//     one of the two giving more (EUC-JP text decodes as Shift_JIS too,
//     but into half-width katakana, which are not counted);
//   - else not valid UTF-8, mostly printable, with no valid multi-byte
//     UTF-8 character and more than a stray few bytes above 0x7f:
//     ISO-8859-1 (Latin-1). A UTF-8 file with a few damaged bytes stays
//     as it is (the engine quotes them as U+FFFD).
//
// Valid UTF-8 (and so ASCII) and binary content are handed over as they
// are. The member's stored bytes are hashed as stored. Walk records each
// decoded member as a problem of kind "encoding" (a note about content,
// like invalid_utf8: integrity stays ok).

// sniffSize is how much of a member is looked at to find its encoding.
const sniffSize = 64 << 10

// EncodingKind is the problem kind that notes a decoded member.
const EncodingKind = "encoding"

// sniffEncoding names the encoding of text starting with b ("" when it is
// UTF-8, ASCII or binary) and returns its decoder.
func sniffEncoding(b []byte, complete bool) (string, encoding.Encoding) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return "UTF-16LE", unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return "UTF-16BE", unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	}
	if n := min(len(b), 4096) / 2; n >= 16 {
		evenZero, oddZero := 0, 0
		for i := 0; i < 2*n; i += 2 {
			if b[i] == 0 {
				evenZero++
			}
			if b[i+1] == 0 {
				oddZero++
			}
		}
		switch {
		case oddZero*10 >= n*7 && evenZero*20 <= n:
			return "UTF-16LE", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
		case evenZero*10 >= n*7 && oddZero*20 <= n:
			return "UTF-16BE", unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
		}
	}
	s := b
	if !complete {
		// The sample may end inside a character.
		s = s[:max(0, len(s)-3)]
	}
	if utf8.Valid(s) || !texty(s) {
		return "", nil
	}
	best, bestScore := "", 0
	var bestEnc encoding.Encoding
	for _, c := range []struct {
		name string
		enc  encoding.Encoding
	}{{"Shift_JIS", japanese.ShiftJIS}, {"EUC-JP", japanese.EUCJP}} {
		if score, ok := japaneseScore(c.enc, s); ok && score > bestScore {
			best, bestScore, bestEnc = c.name, score, c.enc
		}
	}
	if best != "" {
		return best, bestEnc
	}
	if latin1(s) {
		return "ISO-8859-1", charmap.ISO8859_1
	}
	return "", nil
}

// latin1 reports whether text that is not UTF-8 looks like Latin-1: no
// valid multi-byte UTF-8 character (that would be UTF-8 with a damaged
// byte), and bytes above 0x7f are not a stray few (at least 3, and one in
// 200).
func latin1(b []byte) bool {
	multi, bad := 0, 0
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			bad++
		case n > 1:
			multi++
		}
		i += n
	}
	return multi == 0 && bad >= 3 && bad*200 >= len(b)
}

// texty reports whether b is mostly printable (not a binary file): at
// most 1 byte in 100 is a control character other than tab, CR, LF, FF.
func texty(b []byte) bool {
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f {
			ctl++
		}
	}
	return ctl*100 <= len(b)
}

// japaneseScore decodes b with enc: ok when no sequence is invalid,
// score the number of kana (full width) and kanji.
func japaneseScore(enc encoding.Encoding, b []byte) (int, bool) {
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return 0, false
	}
	score := 0
	for _, r := range string(out) {
		if r >= 0x3040 && r <= 0x30FF || r >= 0x4E00 && r <= 0x9FFF {
			score++
		}
	}
	return score, true
}

// text hands fn a member's content decoded to UTF-8 (decodeText) and
// notes the encoding it was decoded from.
func (w *walker) text(mem Member, r io.Reader, size int64) error {
	r, name := decodeText(r, size)
	if name != "" {
		w.problem(mem.Path, EncodingKind, "decoded from "+name+" to UTF-8 before matching")
	}
	// Decoded first, so that a log in UTF-16 is recognised by content too.
	return w.recognize(mem, r)
}

// decodeText returns r decoded to UTF-8 when its start shows another
// encoding (see above), with the encoding's name; else r itself and "".
// size is the member's size when known (it bounds the sample).
func decodeText(r io.Reader, size int64) (io.Reader, string) {
	n := sniffSize
	if size > 0 && size < int64(n) {
		n = int(size)
	}
	if n == 0 {
		return r, ""
	}
	head, all, err := peek(r, n)
	if err != nil {
		return all, "" // the reader yields the error again
	}
	name, enc := sniffEncoding(head, len(head) < n || size > 0 && int64(len(head)) >= size)
	if enc == nil {
		return all, ""
	}
	return transform.NewReader(all, enc.NewDecoder()), name
}
