package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// Default limits against hostile input (see Options).
const (
	DefaultMaxTotalBytes  = 16 << 30
	DefaultMaxTotalRatio  = 100
	DefaultTotalFloor     = 1 << 30
	DefaultMaxMemberBytes = 16 << 30
	DefaultMaxRatio       = 1000
	DefaultMaxMembers     = 1_000_000
	// RatioFloor is how many bytes a member may yield before its
	// expansion ratio is checked. gzip turns a run of one byte (a file of
	// zeros, a 10 MiB line of "A") into 1/1030 of its size, above the
	// default ratio: members up to the collector's default size cap are
	// therefore never judged by ratio, only by size.
	RatioFloor = 64 << 20
	// MaxDepth is how many archives deep Open looks for bundles and Walk
	// streams nested archives (outer.zip!bundle.tar.gz!diag.tar.gz). A
	// deeper archive is not opened: Walk reports it as an "unreadable"
	// problem (TooDeep), which the analysis names in coverage.
	MaxDepth = 8
	// MaxInMemory bounds a zip or 7z read from a stream (inside a tar,
	// inside another zip, or age-encrypted with armor): those formats need
	// random access, so they are held in memory to be opened.
	MaxInMemory = 64 << 20
	// maxSigSize bounds SHA256SUMS.minisig.
	maxSigSize = 64 << 10
	// defaultSlack bounds the read-ahead of the synchronous decompressors
	// (a zstd block of 128 KiB, flate's and our buffers): input read before
	// a member started may have been that much.
	defaultSlack = 192 << 10
	// copyBufSize is the size of the reused buffer that drains members.
	copyBufSize = 256 << 10
)

func (o Options) withDefaults() Options {
	if o.MaxTotalBytes <= 0 {
		o.MaxTotalBytes = DefaultMaxTotalBytes
	}
	if o.MaxMemberBytes <= 0 {
		o.MaxMemberBytes = DefaultMaxMemberBytes
	}
	if o.MaxRatio <= 0 {
		o.MaxRatio = DefaultMaxRatio
	}
	if o.MaxTotalRatio == 0 {
		o.MaxTotalRatio = DefaultMaxTotalRatio
	}
	if o.TotalFloor <= 0 {
		o.TotalFloor = DefaultTotalFloor
	}
	if o.MaxMembers <= 0 {
		o.MaxMembers = DefaultMaxMembers
	}
	return o
}

// ErrUnreadable is wrapped by the read errors of a member whose stored
// bytes are intact but cannot be decoded (a corrupt rotated .gz, a
// damaged archive inside the bundle). fn may return such an error
// unchanged: Walk then records an "unreadable" problem and goes on.
var ErrUnreadable = errors.New("member content is unreadable")

// session holds the state of one Open or Walk: resolved options, the
// running totals the limits apply to, and the first fatal error raised
// inside a reader (so that fn swallowing it changes nothing).
type session struct {
	ctx     context.Context
	opts    Options
	path    string // display path of what was given, for errors
	total   int64
	entries int
	fatal   *Error
	buf     []byte
	spool   *os.File // standard input, copied (path "-")
	// tooDeep names the first archive not opened for being nested more
	// than MaxDepth deep.
	tooDeep string
	// buffered is how many bytes of zip/7z archives read from streams are
	// held in memory now (all nesting levels together, at most MaxInMemory).
	buffered int64
	// inSize is the size of the input as given: the archive file, or
	// the bytes read so far from a folder's files.
	inSize int64
}

// totalLimit is how many bytes members may expand to in total: the
// ratio to the input's size above the floor, never beyond MaxTotalBytes.
func (s *session) totalLimit() (limit int64, byRatio bool) {
	o := &s.opts
	if o.MaxTotalRatio < 0 {
		return o.MaxTotalBytes, false
	}
	r := o.TotalFloor
	if s.inSize > 0 && s.inSize <= o.MaxTotalBytes/o.MaxTotalRatio {
		r = max(r, s.inSize*o.MaxTotalRatio)
	} else if s.inSize > 0 {
		r = o.MaxTotalBytes
	}
	if r >= o.MaxTotalBytes {
		return o.MaxTotalBytes, false
	}
	return r, true
}

func newSession(ctx context.Context, path string, opts Options) *session {
	return &session{ctx: ctx, opts: opts.withDefaults(), path: path}
}

// errorf returns a refusal of the whole input without recording it.
func (s *session) errorf(format string, args ...any) *Error {
	return &Error{Path: s.path, Reason: fmt.Sprintf(format, args...)}
}

// refuse records and returns a refusal of the whole input.
func (s *session) refuse(format string, args ...any) *Error {
	e := s.errorf(format, args...)
	if s.fatal == nil {
		s.fatal = e
	}
	return e
}

// entry counts one archive entry against MaxMembers and checks for
// cancellation.
func (s *session) entry() error {
	if s.fatal != nil {
		return s.fatal
	}
	if err := s.ctx.Err(); err != nil {
		return err
	}
	s.entries++
	if s.entries > s.opts.MaxMembers {
		return s.refuse("more than %d members (limit)", s.opts.MaxMembers)
	}
	return nil
}

func (s *session) copyBuf() []byte {
	if s.buf == nil {
		s.buf = make([]byte, copyBufSize)
	}
	return s.buf
}

// drain reads r to its end into the reused buffer.
func (s *session) drain(r io.Reader) error {
	buf := s.copyBuf()
	for {
		_, err := r.Read(buf)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// damage is a read error of an archive's own structure (truncation,
// corrupt compressed data, a bad header). For the input as a whole it is
// a refusal; for an archive inside a bundle member it is an "unreadable"
// problem of that member.
type damage struct {
	reason string
}

func (d *damage) Error() string { return d.reason }

// unreadable is the error a transparently decompressed member yields
// when its content cannot be decoded.
type unreadable struct {
	member string
	err    error
}

func (u *unreadable) Error() string {
	return fmt.Sprintf("%s: %v: %v", quoteName(u.member), ErrUnreadable, u.err)
}
func (u *unreadable) Unwrap() error { return ErrUnreadable }

// fnError carries fn's own error through the archive libraries.
type fnError struct{ err error }

func (f *fnError) Error() string { return f.err.Error() }
func (f *fnError) Unwrap() error { return f.err }

// errStop ends an archive walk early without error.
var errStop = errors.New("stop")

// meter counts the bytes one reading layer yields (an archive member, or
// a member's decompressed content) and enforces MaxMemberBytes, the
// expansion ratio against the bytes consumed below it, and, for leaves
// (what fn sees), MaxTotalBytes.
type meter struct {
	r    io.Reader
	s    *session
	name string       // member, for messages
	in   func() int64 // bytes consumed from below so far; nil: no ratio
	in0  int64
	// slack is how far the layer below may read ahead of what it yields
	// (decompressor buffers): added to the bytes consumed, so that input
	// read before the member started does not make it look like a bomb.
	slack int64
	n     int64
	leaf  bool
	// wrapErr turns an error of r into what the reader returns (and
	// records); nil passes errors through.
	wrapErr func(error) error
	err     error
}

func newMeter(s *session, r io.Reader, name string, in func() int64, leaf bool, wrapErr func(error) error) *meter {
	m := &meter{r: r, s: s, name: name, in: in, leaf: leaf, wrapErr: wrapErr, slack: defaultSlack}
	if in != nil {
		m.in0 = in()
	}
	return m
}

func (m *meter) Read(p []byte) (int, error) {
	if m.err != nil {
		return 0, m.err
	}
	if m.s.fatal != nil {
		m.err = m.s.fatal
		return 0, m.err
	}
	n, err := m.r.Read(p)
	if n > 0 {
		m.n += int64(n)
		if m.leaf {
			m.s.total += int64(n)
		}
		if e := m.check(); e != nil {
			m.err = e
			return n, e
		}
	}
	if err != nil && err != io.EOF {
		var fatal *Error
		if errors.As(err, &fatal) {
			m.err = err
		} else if m.wrapErr != nil {
			m.err = m.wrapErr(err)
		} else {
			m.err = err
		}
		return n, m.err
	}
	return n, err
}

func (m *meter) check() error {
	o := &m.s.opts
	switch {
	case m.n > o.MaxMemberBytes:
		return m.s.refuse("member %s expands beyond %s (limit; decompression bomb?)", quoteName(m.name), sizeString(o.MaxMemberBytes))
	case m.leaf && m.s.total > o.TotalFloor:
		limit, byRatio := m.s.totalLimit()
		if m.s.total <= limit {
			break
		}
		if byRatio {
			return m.s.refuse("members expand beyond %s in total, %d times the %s input (limit; decompression bomb? --max-expanded SIZE raises it) at %s", sizeString(limit), o.MaxTotalRatio, sizeString(m.s.inSize), quoteName(m.name))
		}
		return m.s.refuse("members expand beyond %s in total (limit; decompression bomb? --max-expanded SIZE raises it) at %s", sizeString(limit), quoteName(m.name))
	case m.leaf && m.s.total > o.MaxTotalBytes:
		return m.s.refuse("members expand beyond %s in total (limit; decompression bomb? --max-expanded SIZE raises it) at %s", sizeString(o.MaxTotalBytes), quoteName(m.name))
	case m.in != nil && m.n > RatioFloor:
		in := m.in() - m.in0 + m.slack
		if m.n/in > o.MaxRatio {
			return m.s.refuse("member %s expands more than %d times (limit; decompression bomb?)", quoteName(m.name), o.MaxRatio)
		}
	}
	return nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingReader) count() int64 { return c.n.Load() }

// countingReaderAt counts the bytes read through it (archive libraries
// may read concurrently).
type countingReaderAt struct {
	ra io.ReaderAt
	n  atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.ra.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingReaderAt) count() int64 { return c.n.Load() }

func sizeString(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// quoteName quotes an archive name for a message: Go syntax, so control
// characters, escape sequences and invalid UTF-8 can neither break the
// line nor reach a terminal.
func quoteName(s string) string {
	if len(s) > 256 {
		s = s[:256] + "..."
	}
	return strconv.Quote(s)
}

// oneLine makes s safe to print on one line: it is returned as is unless
// it holds control characters or invalid UTF-8, which are escaped.
func oneLine(s string) string {
	if !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }) >= 0 {
		q := strconv.Quote(s)
		return q[1 : len(q)-1]
	}
	return s
}

// tooDeepDetail is the detail of the problem of an archive nested deeper
// than MaxDepth.
var tooDeepDetail = fmt.Sprintf("an archive nested more than %d archives deep; not opened (limit)", MaxDepth)

// TooDeep reports whether p is the problem of an archive that was not
// opened because it is nested more than MaxDepth archives deep.
func TooDeep(kind, detail string) bool { return kind == "unreadable" && detail == tooDeepDetail }
