package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"

	"casefile/redact"
)

// UTF-16 text (Windows logs, some exported configurations) is decoded to
// UTF-8 for the redaction rules, which read ASCII-compatible text, and
// the result is encoded back, so the bundle holds the file in the
// encoding it had on the host (its byte order mark kept) with every
// secret replaced. Other legacy encodings (ISO-8859-x, Shift_JIS,
// EUC-JP) are ASCII-compatible: the rules read them as they are.

// utf16Order tells the byte order of UTF-16 text from its BOM, or from
// where the NUL bytes of mostly ASCII text are.
func utf16Order(b []byte) (bigEndian, bom bool) {
	switch {
	case bytes.HasPrefix(b, []byte{0xff, 0xfe}):
		return false, true
	case bytes.HasPrefix(b, []byte{0xfe, 0xff}):
		return true, true
	}
	var even int
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 {
			even++
		}
	}
	return even*2 > len(b)/2, false
}

// utf16Reader decodes UTF-16 into UTF-8.
type utf16Reader struct {
	r    io.Reader
	be   bool
	in   []byte // undecoded bytes (an odd byte, a lone high surrogate)
	out  []byte // decoded, not yet returned
	buf  []byte
	eof  bool
	rerr error
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.eof {
			if len(u.in) > 0 { // a cut character at the end
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
				u.in = nil
				continue
			}
			return 0, u.rerr
		}
		if u.buf == nil {
			u.buf = make([]byte, 64<<10)
		}
		n, err := u.r.Read(u.buf)
		u.in = append(u.in, u.buf[:n]...)
		if err != nil {
			u.eof = true
			if err != io.EOF {
				u.rerr = err
			} else {
				u.rerr = io.EOF
			}
		}
		u.decode()
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

func (u *utf16Reader) unit(i int) uint16 {
	if u.be {
		return uint16(u.in[i])<<8 | uint16(u.in[i+1])
	}
	return uint16(u.in[i+1])<<8 | uint16(u.in[i])
}

func (u *utf16Reader) decode() {
	i := 0
	for i+1 < len(u.in) {
		c := u.unit(i)
		if utf16.IsSurrogate(rune(c)) && c < 0xdc00 {
			if i+3 >= len(u.in) {
				if u.eof {
					u.out = utf8.AppendRune(u.out, utf8.RuneError)
					i += 2
					continue
				}
				break // wait for the low half
			}
			r := utf16.DecodeRune(rune(c), rune(u.unit(i+2)))
			if r != utf8.RuneError {
				u.out = utf8.AppendRune(u.out, r)
				i += 4
				continue
			}
		}
		if utf16.IsSurrogate(rune(c)) {
			u.out = utf8.AppendRune(u.out, utf8.RuneError)
		} else {
			u.out = utf8.AppendRune(u.out, rune(c))
		}
		i += 2
	}
	u.in = append(u.in[:0], u.in[i:]...)
}

// utf16Writer encodes UTF-8 into UTF-16.
type utf16Writer struct {
	w       io.Writer
	be      bool
	pending []byte // an incomplete UTF-8 sequence
	out     []byte
}

func (u *utf16Writer) Write(p []byte) (int, error) {
	n := len(p)
	if len(u.pending) > 0 {
		p = append(u.pending, p...)
		u.pending = nil
	}
	u.out = u.out[:0]
	for len(p) > 0 {
		if !utf8.FullRune(p) {
			u.pending = append([]byte(nil), p...)
			break
		}
		r, size := utf8.DecodeRune(p)
		p = p[size:]
		for _, c := range utf16.AppendRune(nil, r) {
			if u.be {
				u.out = append(u.out, byte(c>>8), byte(c))
			} else {
				u.out = append(u.out, byte(c), byte(c>>8))
			}
		}
	}
	if _, err := u.w.Write(u.out); err != nil {
		return 0, err
	}
	return n, nil
}

// Close writes a trailing incomplete sequence as U+FFFD.
func (u *utf16Writer) Close() error {
	if len(u.pending) > 0 {
		u.pending = nil
		_, err := u.Write([]byte(string(utf8.RuneError)))
		return err
	}
	return nil
}

// readUTF16 stores UTF-16 text decoded, redacted and encoded back; over
// the cap it keeps the tail, from a line start.
func (c *collector) readUTF16(ctx context.Context, of *openedFile, hostPath string, o fileOptions, sp *spool, head []byte) (readResult, error) {
	be, bom := utf16Order(head)
	order := "LE"
	if be {
		order = "BE"
	}
	res := readResult{info: fmt.Sprintf("UTF-16%s text: decoded, redacted and stored in its encoding", order)}
	size := of.info.Size()
	start := int64(0)
	if bom {
		start = 2
		if _, err := sp.Write(head[:2]); err != nil {
			return res, fatalError{err}
		}
	}
	if size-start > o.maxSize {
		start = size - o.maxSize
		start += start & 1 // stay on a code unit
		res.dropped = start
	}
	var src io.Reader = &utf16Reader{r: ctxReader{ctx, io.NewSectionReader(of.file, start, size-start), nil}, be: be}
	if res.dropped > 0 {
		// The part of a line before the first line start is dropped too
		// (counted in UTF-8 bytes; the UTF-16 count is twice that or so).
		r, _, err := lineStart(src)
		if err != nil {
			return res, err
		}
		src = r
	}
	enc := &utf16Writer{w: bundleWriter{sp}, be: be}
	err := redactCopy(o.eng, enc, src, redact.Target{Path: hostPath}, &res.counts)
	if cerr := enc.Close(); err == nil && cerr != nil && !errors.As(cerr, new(fatalError)) {
		err = fatalError{cerr}
	} else if err == nil {
		err = cerr
	}
	return res, err
}
