package collect

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"casefile/bundle"
	"casefile/redact"
)

// An archive (a product's diag.tar.gz, a zip of logs) cannot be redacted
// as one text stream: a secret replaced by a longer or shorter marker
// changes a member's length and every later member is lost. So with
// redaction on it is rewritten member by member, in the same format
// (tar, tar compressed the same way, zip): a text member is redacted
// with the archive's path and the member's name as its target (so
// ipsec.secrets inside gets the secrets rules, a profile's "**/app.rc"
// rule applies), its size recomputed; a compressed member is
// decompressed, redacted and compressed again; a nested archive is
// rewritten in turn (up to maxArchiveDepth); a binary member is copied
// as it is. Names, modes, owners and times are kept. Links, devices and
// FIFOs are dropped and listed. Member contents pass through spools
// (memory up to 4 MiB, then a temporary file), so memory stays bounded.
//
// An archive that cannot be parsed (corrupt, truncated, an encrypted zip
// member, nested too deep, expanding beyond maxReadFactor times the cap)
// is not stored at all: it could hold secrets that were not redacted
// (bundle.ErrNotRedactable). With --no-redact, or an item's redact:
// false, it is stored byte for byte.

// maxArchiveDepth bounds archives inside archives.
const maxArchiveDepth = 4

// archiveExpansion: an archive's content may be this many times its
// size (or maxReadFactor times the cap, if more) before it is taken for
// an archive bomb: logs compress up to about 30 times.
const archiveExpansion = 64

// maxListedMembers bounds the members listed in a Stored entry.
const maxListedMembers = 1000

// archiveError marks a problem with the archive's content: it is then
// not stored. (Errors writing the bundle are fatalError.)
type archiveError struct{ err error }

func (e archiveError) Error() string { return e.err.Error() }
func (e archiveError) Unwrap() error { return e.err }

// asArchiveError wraps err unless it already says what it is.
func asArchiveError(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return err
	}
	if errors.As(err, new(archiveError)) || errors.As(err, new(fatalError)) {
		return err
	}
	return archiveError{err}
}

// archiveReader marks every read error as the archive's.
type archiveReader struct{ r io.Reader }

func (r archiveReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	return n, asArchiveError(err)
}

// bundleWriter marks every write error as the bundle's (fatal).
type bundleWriter struct{ w io.Writer }

func (w bundleWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	if err != nil && !errors.As(err, new(fatalError)) {
		err = fatalError{err}
	}
	return n, err
}

// archiveRewrite is the rewriting of one archive.
type archiveRewrite struct {
	c       *collector
	ctx     context.Context
	eng     *redact.Engine
	base    string // the archive's host path
	budget  int64  // content bytes that may still be read
	limit   int64  // the budget at the start, for messages
	counts  redact.Counts
	members []bundle.ArchiveMember
	omitted int
	n       struct{ files, redacted, binary, nested, dropped, notes int }
}

func (c *collector) newArchiveRewrite(ctx context.Context, eng *redact.Engine, base string, maxSize, size int64) *archiveRewrite {
	limit := max(maxReadFactor*maxSize, archiveExpansion*size)
	return &archiveRewrite{c: c, ctx: ctx, eng: eng, base: base, budget: limit, limit: limit, counts: redact.Counts{}}
}

// budgetReader counts content bytes against the archive's budget, so an
// archive bomb cannot fill the disk.
type budgetReader struct {
	ar *archiveRewrite
	r  io.Reader
}

func (b budgetReader) Read(p []byte) (int, error) {
	if err := b.ar.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := b.r.Read(p)
	b.ar.budget -= int64(n)
	if b.ar.budget < 0 {
		return n, archiveError{fmt.Errorf("expands to more than %s", HumanSize(b.ar.limit))}
	}
	return n, asArchiveError(err)
}

// list records a notable member.
func (ar *archiveRewrite) list(m bundle.ArchiveMember) {
	if len(ar.members) >= maxListedMembers {
		ar.omitted++
		return
	}
	ar.members = append(ar.members, m)
}

// summary describes the rewrite for the Stored entry's note.
func (ar *archiveRewrite) summary(format string) string {
	s := fmt.Sprintf("%s archive rewritten member by member: %d file(s)", format, ar.n.files)
	for _, p := range []struct {
		n    int
		what string
	}{
		{ar.n.redacted, "redacted"},
		{ar.n.binary, "binary (stored as is, not redacted)"},
		{ar.n.nested, "nested archive(s) rewritten"},
		{ar.n.dropped, "link(s) or special file(s) dropped"},
		{ar.n.notes, "with a problem (see members)"},
	} {
		if p.n > 0 {
			s += fmt.Sprintf(", %d %s", p.n, p.what)
		}
	}
	if ar.omitted > 0 {
		s += fmt.Sprintf("; %d more notable member(s) not listed", ar.omitted)
	}
	return s
}

// archiveFormat names an archive's format: tar, tar.gz, zip...
func archiveFormat(kind contentKind, comp *compression) string {
	if kind == kindZip {
		return "zip"
	}
	if comp == nil {
		return "tar"
	}
	return "tar." + map[string]string{"gzip": "gz", "bzip2": "bz2", "xz": "xz", "zstd": "zst"}[comp.name]
}

// archive rewrites an archive (kind and comp from sniff) read from ra
// into dst.
func (ar *archiveRewrite) archive(kind contentKind, comp *compression, ra io.ReaderAt, size int64, dst io.Writer, prefix string, depth int) error {
	if depth > maxArchiveDepth {
		return archiveError{fmt.Errorf("archives nested more than %d deep", maxArchiveDepth)}
	}
	if kind == kindZip {
		return ar.zip(ra, size, dst, prefix, depth)
	}
	return ar.tarStream(io.NewSectionReader(ra, 0, size), comp, dst, prefix, depth)
}

// tarStream rewrites a tar stream, compressed with comp (or not), into
// dst, compressed the same way.
func (ar *archiveRewrite) tarStream(r io.Reader, comp *compression, dst io.Writer, prefix string, depth int) error {
	in := io.Reader(archiveReader{ctxReader{ar.ctx, r, nil}})
	if comp == nil {
		return ar.tar(budgetReader{ar, in}, dst, prefix, depth)
	}
	dr, err := comp.reader(bufio.NewReaderSize(in, 256<<10))
	if err != nil {
		return archiveError{fmt.Errorf("%s: %w", comp.name, err)}
	}
	defer dr.Close()
	cw, err := comp.writer(bundleWriter{dst})
	if err != nil {
		return fatalError{err}
	}
	if err := ar.tar(budgetReader{ar, archiveReader{dr}}, cw, prefix, depth); err != nil {
		cw.Close()
		return err
	}
	if err := cw.Close(); err != nil {
		return writerError(err)
	}
	return nil
}

// tarDropped says why a tar member of this type is not copied.
func tarDropped(h *tar.Header) string {
	switch h.Typeflag {
	case tar.TypeSymlink:
		return "symbolic link to " + h.Linkname
	case tar.TypeLink:
		return "hard link to " + h.Linkname
	case tar.TypeChar:
		return "character device"
	case tar.TypeBlock:
		return "block device"
	case tar.TypeFifo:
		return "FIFO"
	}
	return fmt.Sprintf("tar entry of type %q", h.Typeflag)
}

// tar rewrites an uncompressed tar stream from r into dst.
func (ar *archiveRewrite) tar(r io.Reader, dst io.Writer, prefix string, depth int) error {
	tr := tar.NewReader(r)
	tw := tar.NewWriter(bundleWriter{dst})
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			return asArchiveError(err)
		}
		if ar.c.pseudo != nil { // member names hold host names too
			h.Name, h.Linkname = ar.c.pseudo.String(h.Name), ar.c.pseudo.String(h.Linkname)
		}
		name := prefix + h.Name
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeGNUSparse, tar.TypeCont: // (TypeRegA is read as TypeReg)
			if err := ar.tarFile(tr, tw, h, name, depth); err != nil {
				return err
			}
		case tar.TypeDir:
			if err := writeTarHeader(tw, h, 0); err != nil {
				return err
			}
		case tar.TypeXGlobalHeader: // git archive's comment: only its records
			g := &tar.Header{Typeflag: h.Typeflag, Name: h.Name, PAXRecords: h.PAXRecords, Format: tar.FormatPAX}
			if err := tw.WriteHeader(g); err != nil {
				return writerError(err)
			}
		default:
			ar.n.dropped++
			ar.list(bundle.ArchiveMember{Name: name, Dropped: tarDropped(h)})
		}
	}
	return writerError(tw.Close())
}

// writeTarHeader writes a copy of h with a new size, in h's format when
// it can be (else in whichever the writer picks).
func writeTarHeader(tw *tar.Writer, h *tar.Header, size int64) error {
	c := *h
	c.Size = size
	if c.Typeflag == tar.TypeGNUSparse {
		c.Typeflag = tar.TypeReg
	}
	if len(h.PAXRecords) > 0 {
		c.PAXRecords = map[string]string{}
		for k, v := range h.PAXRecords {
			if !strings.HasPrefix(k, "GNU.sparse.") && k != "size" {
				c.PAXRecords[k] = v
			}
		}
	}
	if err := tw.WriteHeader(&c); err != nil {
		if errors.As(err, new(fatalError)) {
			return err
		}
		c.Format = tar.FormatUnknown
		if err2 := tw.WriteHeader(&c); err2 != nil {
			return writerError(err2)
		}
	}
	return nil
}

// writerError classifies an error of an archive or compression writer:
// a failed write to the bundle's spool is fatal (bundleWriter marks it
// so); anything else (a header the writer refuses, a member shorter
// than its header said) is the archive's problem: it is then not stored.
func writerError(err error) error {
	if err == nil || errors.As(err, new(fatalError)) {
		return err
	}
	return asArchiveError(err)
}

// tarFile rewrites one regular tar member.
func (ar *archiveRewrite) tarFile(tr io.Reader, tw *tar.Writer, h *tar.Header, name string, depth int) error {
	br := bufio.NewReaderSize(tr, sniffSize)
	head, _ := br.Peek(sniffSize)
	kind, comp, src, cleanup, err := ar.classify(br, head, h.Size)
	defer cleanup()
	if err != nil {
		return err
	}
	if kind == kindBinary {
		// Copied as it is: the size is known, no spool needed.
		if err := writeTarHeader(tw, h, h.Size); err != nil {
			return err
		}
		n, err := io.Copy(tw, src.reader())
		if err != nil {
			return asArchiveError(err)
		}
		if n != h.Size {
			return archiveError{fmt.Errorf("%s: %d of %d bytes", name, n, h.Size)}
		}
		ar.record(name, kind, nil, n, "")
		return nil
	}
	out := newSpool(ar.c.tmpDir)
	defer out.Close()
	counts, note, err := ar.content(kind, comp, src, bundleWriter{out}, name, depth)
	if err != nil {
		return err
	}
	if out.err != nil {
		return fatalError{out.err}
	}
	if err := writeTarHeader(tw, h, out.Size()); err != nil {
		return err
	}
	rd, err := out.Reader()
	if err != nil {
		return fatalError{err}
	}
	if _, err := io.Copy(tw, rd); err != nil {
		return writerError(err)
	}
	ar.record(name, kind, counts, out.Size(), note)
	return nil
}

// memberSource is an archive member's content: a stream, or a spool of
// it when random access is needed (a zip, a compressed member).
type memberSource struct {
	r    io.Reader
	ra   io.ReaderAt
	size int64
}

func (s memberSource) reader() io.Reader {
	if s.ra != nil {
		return io.NewSectionReader(s.ra, 0, s.size)
	}
	return s.r
}

// classify sniffs a member from its head; a compressed member or a zip
// is spooled first, for random access.
func (ar *archiveRewrite) classify(br *bufio.Reader, head []byte, size int64) (contentKind, *compression, memberSource, func(), error) {
	src := memberSource{r: br, size: size}
	nothing := func() {}
	if magicCompression(head) == nil && !isZip(head) {
		kind, comp := sniff(head, nil)
		return kind, comp, src, nothing, nil
	}
	raw := newSpool(ar.c.tmpDir)
	n, err := io.Copy(bundleWriter{raw}, br)
	if err != nil {
		raw.Close()
		return 0, nil, src, nothing, asArchiveError(err)
	}
	if raw.err != nil {
		raw.Close()
		return 0, nil, src, nothing, fatalError{raw.err}
	}
	src = memberSource{ra: raw.readerAt(), size: n}
	kind, comp := sniff(head, func(c *compression) []byte { return decompressedHead(c, src.reader()) })
	return kind, comp, src, raw.Close, nil
}

// content writes a (non-binary) member's rewritten content into dst and
// returns its redaction counts and a note on a problem that still left
// content.
func (ar *archiveRewrite) content(kind contentKind, comp *compression, src memberSource, dst io.Writer, name string, depth int) (redact.Counts, string, error) {
	target := redact.Target{Path: ar.base + "/" + name}
	switch kind {
	case kindTar, kindZip:
		ra := src.ra
		if ra == nil { // an uncompressed nested tar, streamed
			if depth+1 > maxArchiveDepth {
				return nil, "", archiveError{fmt.Errorf("archives nested more than %d deep", maxArchiveDepth)}
			}
			return nil, "", ar.tar(src.reader(), dst, name+"/", depth+1)
		}
		return nil, "", ar.archive(kind, comp, ra, src.size, dst, name+"/", depth+1)
	case kindCompressed:
		dr, err := comp.reader(src.reader())
		if err != nil {
			return nil, "", archiveError{fmt.Errorf("%s: %s: %w", name, comp.name, err)}
		}
		defer dr.Close()
		cw, err := comp.writer(dst)
		if err != nil {
			return nil, "", fatalError{err}
		}
		counts, rerr := ar.redactText(budgetReader{ar, dr}, cw, target)
		note := ""
		if rerr != nil {
			// A truncated rotation keeps what could be decompressed
			// (redacted), like one on the host; anything else ends the
			// archive.
			if !errors.As(rerr, new(archiveError)) || ar.budget < 0 || ar.ctx.Err() != nil {
				cw.Close()
				return nil, "", rerr
			}
			note = fmt.Sprintf("%s data truncated or corrupt (%v); kept what was read", comp.name, errors.Unwrap(rerr))
		}
		if err := cw.Close(); err != nil {
			return nil, "", writerError(err)
		}
		return counts, note, nil
	case kindBinary:
		_, err := io.Copy(dst, src.reader())
		return nil, "", asArchiveError(err)
	}
	counts, err := ar.redactText(src.reader(), dst, target)
	return counts, "", err
}

// redactText copies text through the redactor.
func (ar *archiveRewrite) redactText(r io.Reader, dst io.Writer, t redact.Target) (redact.Counts, error) {
	w := ar.eng.NewWriter(bundleWriter{dst}, t)
	_, err := io.Copy(w, r)
	if cerr := w.Close(); err == nil && cerr != nil {
		err = writerError(cerr)
	}
	return w.Counts(), err
}

// record counts a rewritten member and lists it when notable.
func (ar *archiveRewrite) record(name string, kind contentKind, counts redact.Counts, size int64, note string) {
	ar.n.files++
	m := bundle.ArchiveMember{Name: name, Size: size, Note: note}
	switch kind {
	case kindBinary:
		ar.n.binary++
		m.Content = bundle.ContentBinary
	case kindTar, kindZip:
		ar.n.nested++
		m.Content = bundle.ContentArchive
	}
	if len(counts) > 0 {
		ar.n.redacted++
		m.Redactions = counts
		ar.counts.Add(counts)
	}
	if note != "" {
		ar.n.notes++
	}
	if m.Content != "" || len(counts) > 0 || note != "" {
		ar.list(m)
	}
}

// zip rewrites a zip archive read from ra into dst.
func (ar *archiveRewrite) zip(ra io.ReaderAt, size int64, dst io.Writer, prefix string, depth int) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return archiveError{fmt.Errorf("zip: %w", err)}
	}
	zw := zip.NewWriter(bundleWriter{dst})
	if zr.Comment != "" {
		if err := zw.SetComment(zr.Comment); err != nil {
			return archiveError{err}
		}
	}
	for _, f := range zr.File {
		if err := ar.ctx.Err(); err != nil {
			return err
		}
		if ar.c.pseudo != nil {
			f.Name = ar.c.pseudo.String(f.Name)
		}
		name := prefix + f.Name
		mode := f.Mode()
		if mode&fs.ModeType&^fs.ModeDir != 0 {
			ar.n.dropped++
			ar.list(bundle.ArchiveMember{Name: name, Dropped: "special file (" + modeString(mode)[:1] + ")"})
			continue
		}
		if f.Flags&0x1 != 0 {
			return archiveError{fmt.Errorf("%s is encrypted", name)}
		}
		fh := &zip.FileHeader{Name: f.Name, Comment: f.Comment, NonUTF8: f.NonUTF8, CreatorVersion: f.CreatorVersion,
			ExternalAttrs: f.ExternalAttrs, Method: f.Method, Modified: f.Modified}
		if strings.HasSuffix(f.Name, "/") {
			fh.Method = zip.Store
			if _, err := zw.CreateHeader(fh); err != nil {
				return writerError(err)
			}
			continue
		}
		if err := ar.zipFile(zw, f, fh, name, depth); err != nil {
			return err
		}
	}
	return writerError(zw.Close())
}

// zipFile rewrites one zip member.
func (ar *archiveRewrite) zipFile(zw *zip.Writer, f *zip.File, fh *zip.FileHeader, name string, depth int) error {
	rc, err := f.Open()
	if err != nil {
		return archiveError{fmt.Errorf("%s: %w", name, err)}
	}
	defer rc.Close()
	br := bufio.NewReaderSize(budgetReader{ar, archiveReader{rc}}, sniffSize)
	head, _ := br.Peek(sniffSize)
	kind, comp, src, cleanup, err := ar.classify(br, head, int64(f.UncompressedSize64))
	defer cleanup()
	if err != nil {
		return err
	}
	w, err := zw.CreateHeader(fh)
	if err != nil {
		return writerError(err)
	}
	cw := &countWriter{w: bundleWriter{w}}
	counts, note, err := ar.content(kind, comp, src, cw, name, depth)
	if err != nil {
		return err
	}
	ar.record(name, kind, counts, cw.n, note)
	return nil
}

// countWriter counts what passes through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
