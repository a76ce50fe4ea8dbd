package collect

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"runtime"
)

// memSpoolMax is how much of one member is held in memory before it is
// spooled to a temporary file next to the output.
const memSpoolMax = 4 << 20

// spool holds one member's final (redacted) bytes until its size is known
// and the tar header can be written. Small members stay in memory; larger
// ones go to a temporary file in dir. The SHA-256 is computed as bytes
// arrive.
type spool struct {
	dir  string
	mem  bytes.Buffer
	file *os.File
	size int64
	h    hash.Hash
	err  error
	// handedOff is set when the bundle writer took the spool over: the
	// writer releases it once written, and Close does nothing.
	handedOff bool
}

func newSpool(dir string) *spool { return &spool{dir: dir, h: sha256.New()} }

// Write implements io.Writer.
func (s *spool) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.file == nil && s.mem.Len()+len(p) > memSpoolMax {
		f, err := createTemp(s.dir, ".casefile-spool-*")
		if err != nil {
			s.err = fmt.Errorf("spool: %w", err)
			return 0, s.err
		}
		unlinkEarly(f)
		s.file = f
		if _, err := f.Write(s.mem.Bytes()); err != nil {
			s.err = fmt.Errorf("spool: %w", err)
			return 0, s.err
		}
		s.mem = bytes.Buffer{}
	}
	var n int
	var err error
	if s.file != nil {
		n, err = s.file.Write(p)
		if err != nil {
			s.err = fmt.Errorf("spool: %w", err)
		}
	} else {
		n, _ = s.mem.Write(p)
	}
	s.h.Write(p[:n])
	s.size += int64(n)
	return n, err
}

// Size is the number of bytes spooled.
func (s *spool) Size() int64 { return s.size }

// Sum is the hex SHA-256 of the spooled bytes.
func (s *spool) Sum() string { return hex.EncodeToString(s.h.Sum(nil)) }

// Reader returns the spooled bytes from the start.
func (s *spool) Reader() (io.Reader, error) {
	if s.err != nil {
		return nil, s.err
	}
	if s.file == nil {
		return bytes.NewReader(s.mem.Bytes()), nil
	}
	return io.NewSectionReader(s.file, 0, s.size), nil
}

// readerAt gives random access to the spooled bytes.
func (s *spool) readerAt() io.ReaderAt {
	if s.file != nil {
		return s.file
	}
	return bytes.NewReader(s.mem.Bytes())
}

// Bytes returns small spooled content (used for tests and dry runs).
func (s *spool) Bytes() ([]byte, error) {
	r, err := s.Reader()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// Close removes the temporary file, if any, unless the bundle writer
// took the spool over.
func (s *spool) Close() {
	if s == nil || s.handedOff {
		return
	}
	s.release()
}

// release frees the spool's memory and temporary file.
func (s *spool) release() {
	if s.file != nil {
		name := s.file.Name()
		s.file.Close()
		os.Remove(name)
		s.file = nil
	}
	s.mem = bytes.Buffer{}
}

// tailBuffer keeps the last limit bytes written to it: the newest part of
// a stream whose length is not known in advance (command output, /proc
// files, decompressed rotations). It is a ring, in memory while small and
// in a temporary file beyond memSpoolMax, so memory stays bounded
// whatever the stream's length.
type tailBuffer struct {
	dir   string
	limit int64
	mem   []byte // ring storage while in memory (len <= limit)
	file  *os.File
	total int64
	err   error
}

func newTailBuffer(dir string, limit int64) *tailBuffer {
	if limit <= 0 {
		limit = 1
	}
	return &tailBuffer{dir: dir, limit: limit}
}

// Write implements io.Writer; it never fails short of a disk error.
func (t *tailBuffer) Write(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	n := len(p)
	if int64(len(p)) > t.limit { // only the last limit bytes can survive
		skip := int64(len(p)) - t.limit
		t.total += skip
		p = p[skip:]
	}
	if t.file == nil && t.limit > memSpoolMax && t.total+int64(len(p)) > memSpoolMax {
		f, err := createTemp(t.dir, ".casefile-tail-*")
		if err != nil {
			t.err = fmt.Errorf("spool: %w", err)
			return 0, t.err
		}
		unlinkEarly(f)
		// Until now total <= memSpoolMax < limit: mem holds [0,total) unwrapped.
		if _, err := f.Write(t.mem); err != nil {
			f.Close()
			os.Remove(f.Name())
			t.err = fmt.Errorf("spool: %w", err)
			return 0, t.err
		}
		t.file, t.mem = f, nil
	}
	for len(p) > 0 {
		pos := t.total % t.limit
		chunk := p
		if room := t.limit - pos; int64(len(chunk)) > room {
			chunk = chunk[:room]
		}
		if t.file != nil {
			if _, err := t.file.WriteAt(chunk, pos); err != nil {
				t.err = fmt.Errorf("spool: %w", err)
				return 0, t.err
			}
		} else {
			end := pos + int64(len(chunk))
			if int64(len(t.mem)) < end {
				if int64(cap(t.mem)) >= end {
					t.mem = t.mem[:end]
				} else {
					grown := make([]byte, end, min(t.limit, max(end, 2*int64(cap(t.mem)))))
					copy(grown, t.mem)
					t.mem = grown
				}
			}
			copy(t.mem[pos:end], chunk)
		}
		t.total += int64(len(chunk))
		p = p[len(chunk):]
	}
	return n, nil
}

// Reader returns the kept bytes, oldest first, and how many bytes were
// dropped from the start of the stream.
func (t *tailBuffer) Reader() (io.Reader, int64, error) {
	if t.err != nil {
		return nil, 0, t.err
	}
	var at io.ReaderAt
	if t.file != nil {
		at = t.file
	} else {
		at = bytes.NewReader(t.mem)
	}
	if t.total <= t.limit {
		return io.NewSectionReader(at, 0, t.total), 0, nil
	}
	start := t.total % t.limit
	return io.MultiReader(io.NewSectionReader(at, start, t.limit-start), io.NewSectionReader(at, 0, start)),
		t.total - t.limit, nil
}

// Total is the number of bytes written, kept or not.
func (t *tailBuffer) Total() int64 { return t.total }

// Close removes the temporary file, if any.
func (t *tailBuffer) Close() {
	if t == nil {
		return
	}
	if t.file != nil {
		name := t.file.Name()
		t.file.Close()
		os.Remove(name)
		t.file = nil
	}
	t.mem = nil
}

// lineStart skips the partial first line of a tail: when bytes were
// dropped, the kept part starts mid-line, so everything up to the first
// newline (within the first 64 KiB) is dropped too. It returns the reader
// positioned at a line start and how many more bytes were skipped.
func lineStart(r io.Reader) (io.Reader, int64, error) {
	const window = 64 << 10
	buf := make([]byte, window)
	n, err := io.ReadFull(r, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, 0, err
	}
	buf = buf[:n]
	i := bytes.IndexByte(buf, '\n')
	if i < 0 {
		return io.MultiReader(bytes.NewReader(buf), r), 0, nil
	}
	return io.MultiReader(bytes.NewReader(buf[i+1:]), r), int64(i + 1), nil
}

// createTemp makes a temporary file; a variable so that tests can make
// the disk "full".
var createTemp = os.CreateTemp

// unlinkEarly removes a temporary file's name while keeping it open, where
// the OS allows (not Windows): then not even a killed collector leaves it
// behind.
func unlinkEarly(f *os.File) {
	if runtime.GOOS != "windows" {
		os.Remove(f.Name())
	}
}
