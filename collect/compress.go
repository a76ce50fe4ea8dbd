package collect

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"casefile/redact"
)

// compression is a format of compressed log rotations (messages-*.gz):
// they are decompressed to be redacted, and compressed again in the same
// format so the member keeps its host name.
type compression struct {
	name   string
	reader func(io.Reader) (io.ReadCloser, error)
	writer func(io.Writer) (io.WriteCloser, error)
}

var compressions = map[string]*compression{
	".gz": {"gzip",
		func(r io.Reader) (io.ReadCloser, error) { return gzip.NewReader(r) },
		func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriterLevel(w, gzip.DefaultCompression) }},
	".bz2": {"bzip2",
		func(r io.Reader) (io.ReadCloser, error) { return bzip2.NewReader(r, nil) },
		func(w io.Writer) (io.WriteCloser, error) { return bzip2.NewWriter(w, nil) }},
	".xz": {"xz",
		func(r io.Reader) (io.ReadCloser, error) {
			x, err := xz.NewReader(r)
			return io.NopCloser(x), err
		},
		func(w io.Writer) (io.WriteCloser, error) { return xz.NewWriter(w) }},
	".zst": {"zstd",
		func(r io.Reader) (io.ReadCloser, error) {
			d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(128<<20))
			if err != nil {
				return nil, err
			}
			return d.IOReadCloser(), nil
		},
		func(w io.Writer) (io.WriteCloser, error) { return zstd.NewWriter(w, zstd.WithEncoderConcurrency(1)) }},
}

// compressionOf returns the compression a file name says it has, or nil.
func compressionOf(p string) *compression {
	for ext, c := range compressions {
		if strings.HasSuffix(strings.ToLower(p), ext) {
			return c
		}
	}
	return nil
}

// readCompressed decompresses a rotation, keeps the last maxSize bytes of
// its text, redacts it and compresses it again into sp. One that is
// truncated or corrupt keeps what could be read, with a note; one whose
// header cannot be read is stored as read only without redaction (else
// it is not stored: it may hold secrets).
// maxExpandRatio bounds how far a compressed rotation is decompressed,
// as a multiple of its compressed size: text logs compress 5 to 30 times,
// a bomb of zeros 1000 times.
const maxExpandRatio = 256

func (c *collector) readCompressed(ctx context.Context, of *openedFile, hostPath string, o fileOptions, sp *spool, comp *compression) (readResult, error) {
	var res readResult
	maxSize := o.maxSize
	size := of.info.Size()
	dr, err := comp.reader(bufio.NewReaderSize(ctxReader{ctx, io.NewSectionReader(of.file, 0, size), &c.read}, 256<<10))
	if err != nil {
		if o.eng != nil {
			res.unredactable, res.unredactableWhat = err, comp.name+" data could not be read for redaction"
			return res, nil
		}
		res2, err2 := c.readUncompressed(ctx, of, hostPath, o, sp)
		res2.note = fmt.Sprintf("not %s data (%v); stored as read", comp.name, err)
		return res2, err2
	}
	defer dr.Close()
	tb := newTailBuffer(c.tmpDir, maxSize)
	defer tb.Close()
	// Stream to the end, keeping the last maxSize bytes: the newest part
	// of the log. Only a decompression bomb stops early: more than
	// maxExpandRatio times the compressed size (and more than the
	// /proc-style bound of maxReadFactor times the cap).
	limit := max(maxReadFactor*maxSize, maxExpandRatio*size)
	n, err := io.Copy(tb, io.LimitReader(dr, limit))
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	if tb.err != nil {
		return res, fatalError{tb.err}
	}
	if err != nil {
		res.note = fmt.Sprintf("%s data truncated or corrupt after %s of text (%v); kept what was read", comp.name, HumanSize(n), err)
	} else if n == limit {
		res.note = fmt.Sprintf("stopped decompressing after %s of text (%d times its compressed size); the part kept ends there", HumanSize(n), n/max(size, 1))
	}
	r, dropped, err := tb.Reader()
	if err != nil {
		return res, fatalError{err}
	}
	if dropped > 0 && o.oversize == "skip" {
		return readResult{tooLarge: fmt.Sprintf("oversize: skip; %s of %s text", HumanSize(n), comp.name)}, nil
	}
	if dropped > 0 {
		var skipped int64
		if r, skipped, err = lineStart(r); err != nil {
			return res, err
		}
		dropped += skipped
		res.info = fmt.Sprintf("%s text of %s: its newest %s kept, from a line start (%s dropped from the start)", comp.name, HumanSize(n), HumanSize(n-dropped), HumanSize(dropped))
	}
	res.dropped = dropped
	cw, err := comp.writer(sp)
	if err != nil {
		return res, fatalError{err}
	}
	more, err := c.redactCapped(o.eng, cw, r, redact.Target{Path: hostPath}, &res.counts, maxSize, n-dropped)
	if err != nil {
		return res, err
	}
	res.dropped += more
	if err := cw.Close(); err != nil {
		return res, fatalError{err}
	}
	return res, nil
}
