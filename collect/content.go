package collect

import (
	"bytes"
	"io"
	"unicode/utf8"
)

// What a file (or an archive member) holds decides how it is stored:
// text is redacted line by line (and its tail kept when over the cap);
// compressed text is decompressed, redacted and compressed again; an
// archive is rewritten member by member; binary content is copied as it
// is, never redacted (line rules could corrupt it), and never cut (a
// tail of a core dump is useless). The kind is told by the content, not
// by the name.

// contentKind is what sniffing found.
type contentKind int

const (
	kindText       contentKind = iota
	kindBinary                 // stored as is
	kindCompressed             // compressed text (a log rotation)
	kindTar                    // a tar archive, possibly compressed
	kindZip                    // a zip archive
)

func (k contentKind) String() string {
	return [...]string{"text", "binary", "compressed text", "tar", "zip"}[k]
}

// sniffSize is how much of the content is looked at.
const sniffSize = 8 << 10

// magicCompression returns the compression whose magic number starts b.
func magicCompression(b []byte) *compression {
	switch {
	case len(b) >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8:
		return compressions[".gz"]
	case len(b) >= 4 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h' && b[3] >= '1' && b[3] <= '9':
		return compressions[".bz2"]
	case bytes.HasPrefix(b, []byte("\xfd7zXZ\x00")):
		return compressions[".xz"]
	case bytes.HasPrefix(b, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return compressions[".zst"]
	}
	return nil
}

// isZip reports a zip archive's local file header (or an empty zip's
// end record).
func isZip(b []byte) bool {
	return bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06"))
}

// isTar reports whether b starts with a tar header: the ustar magic, or
// a header block whose checksum adds up (old V7 and GNU tars).
func isTar(b []byte) bool {
	if len(b) < 512 {
		return false
	}
	h := b[:512]
	if bytes.Equal(h[257:262], []byte("ustar")) {
		return true
	}
	field := bytes.TrimRight(bytes.TrimLeft(h[148:156], " \x00"), " \x00")
	if len(field) == 0 {
		return false
	}
	var want int64
	for _, c := range field {
		if c < '0' || c > '7' {
			return false
		}
		want = want*8 + int64(c-'0')
	}
	var unsigned, signed int64
	for i, c := range h {
		if i >= 148 && i < 156 {
			c = ' '
		}
		unsigned += int64(c)
		signed += int64(int8(c))
	}
	return want != 0 && (want == unsigned || want == signed)
}

// isBinary tells binary content from text by a sample of its start.
// Text may hold NUL bytes (the NUL-separated /proc/*/environ, a log
// with a zero-filled hole after a crash) and bytes that are not UTF-8 (a
// Latin-1 log, a Shift_JIS or EUC-JP log in Japanese: legacy encodings
// are ASCII-compatible, so the rules read them as they are), and must
// then still be redacted; so content is binary when more than 5% of the
// sample are control bytes other than white space and ESC, or when it
// holds NUL bytes together with control bytes or bytes that are not
// UTF-8 and those make more than 5%.
//
// UTF-16 text counts as binary here; readFile decodes it (utf16.go).
func isBinary(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if isUTF16(b) {
		return true
	}
	var nul, ctrl, bad int
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == 0:
			nul++
			i++
		case c < 0x20:
			if c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != '\b' && c != 0x1b {
				ctrl++
			}
			i++
		case c == 0x7f:
			ctrl++
			i++
		case c < 0x80:
			i++
		default:
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				if len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:]) {
					i = len(b) // a character cut by the end of the sample
					continue
				}
				bad++
				n = 1
			}
			i += n
		}
	}
	return ctrl*20 > len(b) || (nul > 0 && ctrl+bad > 0 && (nul+ctrl+bad)*20 > len(b))
}

// isUTF16 reports UTF-16 text: a byte order mark, or (mostly ASCII
// text) NUL in nearly every other byte and in almost none of the rest.
func isUTF16(b []byte) bool {
	if bytes.HasPrefix(b, []byte{0xff, 0xfe}) || bytes.HasPrefix(b, []byte{0xfe, 0xff}) {
		return true
	}
	pairs := len(b) / 2
	if pairs < 8 {
		return false
	}
	var even, odd int
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	return (odd*10 >= pairs*8 && even*10 < pairs) || (even*10 >= pairs*8 && odd*10 < pairs)
}

// sniff classifies content from its first bytes. For compressed content
// inner returns the first bytes of what it decompresses to (nil when
// that cannot be read), so a compressed tar is told from a compressed
// log and a compressed core file.
func sniff(head []byte, inner func(*compression) []byte) (contentKind, *compression) {
	if comp := magicCompression(head); comp != nil {
		in := inner(comp)
		switch {
		case isTar(in):
			return kindTar, comp
		case isBinary(in):
			return kindBinary, nil
		}
		return kindCompressed, comp
	}
	switch {
	case isZip(head):
		return kindZip, nil
	case isTar(head):
		return kindTar, nil
	case isBinary(head):
		return kindBinary, nil
	}
	return kindText, nil
}

// decompressedHead decompresses the start of a compressed stream: at
// most sniffSize bytes of its content (fewer when it is short or
// corrupt; nil when nothing can be read).
func decompressedHead(comp *compression, r io.Reader) []byte {
	dr, err := comp.reader(r)
	if err != nil {
		return nil
	}
	defer dr.Close()
	buf := make([]byte, sniffSize)
	n, _ := io.ReadFull(dr, buf)
	return buf[:n]
}

// readHead reads up to sniffSize bytes at the start of ra.
func readHead(ra io.ReaderAt, size int64) []byte {
	buf := make([]byte, min(int64(sniffSize), size))
	n, _ := ra.ReadAt(buf, 0)
	return buf[:n]
}
