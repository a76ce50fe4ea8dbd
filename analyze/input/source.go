package input

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/klauspost/compress/gzip"
	kzip "github.com/klauspost/compress/zip"
	"github.com/klauspost/compress/zstd"
	"github.com/mholt/archives"
)

// Entry types.
const (
	typeFile     = 'f'
	typeDir      = 'd'
	typeSymlink  = 'l'
	typeHardlink = 'h'
	typeOther    = 'o' // device, FIFO, socket, unknown tar type
)

// entry is one entry of a container, valid during the walk callback.
type entry struct {
	name  string // as stored in the archive
	typ   byte
	link  string // link target
	size  int64  // declared size
	mode  fs.FileMode
	mtime time.Time
	// comp is the compression found by content, for a single file given
	// directly whose name may not say it ("" otherwise).
	comp string
	// open returns the entry's content through a meter; the container
	// closes it after the callback. Regular files only.
	open func() (*meter, error)
}

// container is an archive (or folder, or single file) whose entries can
// be streamed in storage order.
type container interface {
	// walk calls fn for each entry in storage order. fn's error stops the
	// walk and is returned (errStop: stop without error).
	walk(fn func(e *entry) error) error
	// sequential reports whether the entries come from one compressed
	// stream (tar), where skipping an entry costs its decompression.
	sequential() bool
	// format names the container format ("tar.gz", "zip", "folder", ...).
	format() string
	close() error
}

// source is a byte stream to identify: a file, a decrypted file, or an
// archive member.
type source struct {
	name string // display path ("bundle.zip!inner.tar.gz")
	base string // base name, for the extension
	r    io.Reader
	ra   io.ReaderAt // random access, when possible; size is then set
	size int64
}

// Compressions recognised by content.
const (
	compGz  = "gz"
	compBz2 = "bz2"
	compXz  = "xz"
	compZst = "zst"
)

type kind int

const (
	kindPlain kind = iota
	kindTar
	kindZip
	kind7z
	kindAge
	kindAgeArmor
)

var (
	magic7z    = []byte("7z\xBC\xAF\x27\x1C")
	magicAge   = []byte("age-encryption.org/v1\n")
	magicArmor = []byte("-----BEGIN AGE ENCRYPTED FILE-----")
)

// sniffCompression names the compression of data starting with head.
func sniffCompression(head []byte) string {
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return compGz
	case len(head) >= 4 && bytes.Equal(head[:4], []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return compZst
	case len(head) >= 6 && bytes.Equal(head[:6], []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return compXz
	case len(head) >= 4 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' && head[3] >= '1' && head[3] <= '9':
		return compBz2
	}
	return ""
}

// sniffKind names the (uncompressed) format of data starting with head.
func sniffKind(head []byte) kind {
	switch {
	case bytes.HasPrefix(head, magicAge):
		return kindAge
	case bytes.HasPrefix(head, magicArmor):
		return kindAgeArmor
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return kindZip
	case bytes.HasPrefix(head, magic7z):
		return kind7z
	case isTarHeader(head):
		return kindTar
	}
	return kindPlain
}

func isTarHeader(head []byte) bool {
	return len(head) >= 263 && bytes.Equal(head[257:262], []byte("ustar"))
}

// decompressor opens a synchronous reader for comp: no goroutines, and
// read-ahead stays within defaultSlack, which keeps the ratio check tight.
// (Parallel gzip read-ahead measured no faster on 2 cores: docs/input.md.)
func decompressor(comp string, r io.Reader) (io.ReadCloser, error) {
	switch comp {
	case compGz:
		return gzip.NewReader(bufio.NewReaderSize(r, gzReadSize))
	case compZst:
		// Synchronous: read-ahead stays small, so the ratio check is tight.
		return archives.Zstd{DecoderOptions: []zstd.DOption{
			zstd.WithDecoderMaxWindow(128 << 20),
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
		}}.OpenReader(r)
	case compXz:
		return archives.Xz{}.OpenReader(r)
	case compBz2:
		return archives.Bz2{}.OpenReader(r)
	}
	return nil, fmt.Errorf("unknown compression %q", comp)
}

// gzReadSize is how much the gzip decompressor reads from below at a
// time (it reads through a bufio.Reader it is given as is). Its own is
// 4 KiB: 13,700 pread calls for a 56 MB bundle, 7% of the system calls'
// time (docs/engine.md, Cost). It stays within defaultSlack.
const gzReadSize = 64 << 10

// errNotArchive is returned by openContainer for a source that holds no
// archive (a plain or compressed single file).
type errNotArchive struct{ comp string }

func (e *errNotArchive) Error() string { return "not an archive" }

// openContainer identifies src and returns its container. Encrypted
// sources are decrypted with the session's identities.
func (s *session) openContainer(src source, depth int) (container, error) {
	var head []byte
	var stream io.Reader
	var counter func() int64
	if src.ra != nil {
		cra := &countingReaderAt{ra: src.ra}
		head = make([]byte, 512)
		n, err := src.ra.ReadAt(head, 0)
		if err != nil && err != io.EOF {
			return nil, &damage{reason: "cannot read: " + err.Error()}
		}
		head = head[:n]
		stream = io.NewSectionReader(cra, 0, src.size)
		counter = cra.count
		switch sniffKind(head) {
		case kindAge:
			return s.openAgeAt(src, depth)
		case kindZip:
			return s.openZip(src, cra, depth)
		case kind7z:
			return s.open7z(src, cra, depth)
		}
	} else {
		cr := &countingReader{r: src.r}
		var err error
		head, stream, err = peek(cr, 512)
		if err != nil {
			return nil, err
		}
		br := stream
		counter = cr.count
		switch sniffKind(head) {
		case kindAge:
			return s.openAgeStream(src, br, depth)
		case kindZip, kind7z:
			return s.openBuffered(src, br, depth)
		}
	}
	if sniffKind(head) == kindAgeArmor {
		return s.openAgeStream(src, armor.NewReader(stream), depth)
	}
	if sniffKind(head) == kindTar {
		return newTarContainer(s, src, stream, nil, "tar", counter, depth), nil
	}
	comp := sniffCompression(head)
	if comp == "" {
		return nil, &errNotArchive{}
	}
	dec, err := decompressor(comp, stream)
	if err != nil {
		return nil, &damage{reason: fmt.Sprintf("not a valid %s stream: %v", comp, err)}
	}
	dhead, dbr, err := peek(dec, 512)
	if err != nil {
		dec.Close()
		var fatal *Error
		if errors.As(err, &fatal) {
			return nil, fatal
		}
		return nil, &damage{reason: fmt.Sprintf("corrupt %s data: %v", comp, err)}
	}
	if !isTarHeader(dhead) {
		dec.Close()
		return nil, &errNotArchive{comp: comp}
	}
	return newTarContainer(s, src, dbr, dec, "tar."+comp, counter, depth), nil
}

// peek reads the first n bytes of r (fewer if r is shorter) and returns
// them with a reader that yields all of r. Unlike bufio, it adds no copy
// of the bytes that follow.
func peek(r io.Reader, n int) ([]byte, io.Reader, error) {
	head := make([]byte, n)
	got, err := io.ReadFull(r, head)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	head = head[:got]
	return head, io.MultiReader(bytes.NewReader(head), r), err
}

// openBuffered reads a zip or 7z from a stream into memory (at most
// MaxInMemory bytes) to get the random access the format needs.
func (s *session) openBuffered(src source, r io.Reader, depth int) (container, error) {
	room := MaxInMemory - s.buffered
	data, err := io.ReadAll(io.LimitReader(r, room+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > room {
		return nil, &damage{reason: fmt.Sprintf("%s is a zip or 7z archive inside a stream, and those held in memory would exceed %s; extract the outer archive first", quoteName(src.base), sizeString(MaxInMemory))}
	}
	c, err := s.openContainer(source{name: src.name, base: src.base, ra: bytes.NewReader(data), size: int64(len(data))}, depth)
	if rc, ok := c.(*raContainer); ok && err == nil {
		rc.held = int64(len(data))
		s.buffered += rc.held
	}
	return c, err
}

func (s *session) needIdentities(src source) error {
	if len(s.opts.Identities) == 0 {
		return s.refuse("%sencrypted with age; give --identity FILE", innerPrefix(src))
	}
	return nil
}

func innerPrefix(src source) string {
	if i := strings.LastIndex(src.name, "!"); i >= 0 {
		return quoteName(src.name[i+1:]) + " is "
	}
	return ""
}

func (s *session) openAgeAt(src source, depth int) (container, error) {
	if err := s.needIdentities(src); err != nil {
		return nil, err
	}
	ra, size, err := age.DecryptReaderAt(src.ra, src.size, s.opts.Identities...)
	if err != nil {
		return nil, s.ageError(src, err)
	}
	return s.openContainer(source{name: src.name, base: strings.TrimSuffix(src.base, ".age"), ra: &ageReaderAt{ra: ra, s: s}, size: size}, depth)
}

func (s *session) openAgeStream(src source, r io.Reader, depth int) (container, error) {
	if err := s.needIdentities(src); err != nil {
		return nil, err
	}
	pr, err := age.Decrypt(r, s.opts.Identities...)
	if err != nil {
		return nil, s.ageError(src, err)
	}
	return s.openContainer(source{name: src.name, base: strings.TrimSuffix(src.base, ".age"), r: &ageReader{r: pr}}, depth)
}

func (s *session) ageError(src source, err error) error {
	var nm *age.NoIdentityMatchError
	if errors.As(err, &nm) {
		return s.refuse("%scannot be decrypted with the given --identity (no matching key)", innerPrefix(src))
	}
	if strings.Contains(err.Error(), "header") {
		return s.refuse("%snot a valid age file: %v", innerPrefix(src), err)
	}
	return s.refuse("%sencrypted data is tampered with or truncated: %v", innerPrefix(src), err)
}

// ageReader and ageReaderAt turn decryption failures (tampered or
// truncated ciphertext) into damage.
type ageReader struct{ r io.Reader }

func (a *ageReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if err != nil && err != io.EOF {
		err = &damage{reason: "encrypted data is tampered with or truncated: " + err.Error()}
	}
	return n, err
}

type ageReaderAt struct {
	ra io.ReaderAt
	s  *session
}

func (a *ageReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := a.ra.ReadAt(p, off)
	if err != nil && err != io.EOF {
		err = &damage{reason: "encrypted data is tampered with or truncated: " + err.Error()}
	}
	return n, err
}

// ---- tar ----

type tarContainer struct {
	s       *session
	src     source
	stream  io.Reader
	dec     io.Closer
	name    string
	counter func() int64
	depth   int
	slack   int64
}

func newTarContainer(s *session, src source, stream io.Reader, dec io.Closer, name string, counter func() int64, depth int) *tarContainer {
	return &tarContainer{s: s, src: src, stream: stream, dec: dec, name: name, counter: counter, depth: depth, slack: defaultSlack}
}

func (t *tarContainer) sequential() bool { return true }
func (t *tarContainer) format() string   { return t.name }

func (t *tarContainer) close() error {
	if t.dec != nil {
		return t.dec.Close()
	}
	return nil
}

func (t *tarContainer) damaged(member string) func(error) error {
	return func(err error) error {
		var d *damage
		if errors.As(err, &d) {
			return d
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return &damage{reason: fmt.Sprintf("truncated %s archive (in member %s)", t.name, quoteName(member))}
		}
		return &damage{reason: fmt.Sprintf("corrupt %s archive (in member %s): %v", t.name, quoteName(member), err)}
	}
}

func (t *tarContainer) walk(fn func(e *entry) error) error {
	var cur *meter
	err := archives.Tar{}.Extract(t.s.ctx, t.stream, func(ctx context.Context, fi archives.FileInfo) error {
		hdr, _ := fi.Header.(*tar.Header)
		if hdr == nil {
			return errors.New("tar entry without header")
		}
		e := &entry{name: hdr.Name, size: hdr.Size, mode: fi.Mode(), mtime: hdr.ModTime, link: hdr.Linkname}
		switch hdr.Typeflag {
		case tar.TypeReg, '\x00', tar.TypeCont, tar.TypeGNUSparse: // '\x00': pre-POSIX regular file
			e.typ = typeFile
		case tar.TypeDir:
			e.typ = typeDir
		case tar.TypeSymlink:
			e.typ = typeSymlink
		case tar.TypeLink:
			e.typ = typeHardlink
		default:
			e.typ = typeOther
		}
		cur = nil
		if e.typ == typeFile {
			if hdr.Size > t.s.opts.MaxMemberBytes || hdr.Size < 0 {
				return t.s.refuse("member %s claims %d bytes, more than the %s limit", quoteName(hdr.Name), hdr.Size, sizeString(t.s.opts.MaxMemberBytes))
			}
			f, err := fi.Open()
			if err != nil {
				return err
			}
			cur = newMeter(t.s, f, hdr.Name, t.counter, true, t.damaged(hdr.Name))
			cur.slack = t.slack
			e.open = func() (*meter, error) { return cur, nil }
		}
		if err := fn(e); err != nil {
			return err
		}
		if cur != nil {
			// Skip what fn did not read through the meter, so that the
			// limits hold for skipped members too.
			if err := t.s.drain(cur); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return t.walkError(err, cur)
	}
	return t.trailing()
}

func (t *tarContainer) walkError(err error, cur *meter) error {
	var (
		fatal *Error
		d     *damage
		fe    *fnError
	)
	switch {
	case errors.Is(err, errStop):
		return nil
	case errors.As(err, &fatal):
		return fatal
	case errors.As(err, &fe):
		return fe
	case errors.As(err, &d):
		return d
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &damage{reason: fmt.Sprintf("truncated %s archive", t.name)}
	}
	// Unwrap the library's "handling file: ..." prefix of our own errors.
	var ur *unreadable
	if errors.As(err, &ur) {
		return ur
	}
	return &damage{reason: fmt.Sprintf("corrupt %s archive: %v", t.name, err)}
}

// trailing reads what follows the tar's end-of-archive marker: zero
// padding is normal; anything else is reported by the walker as data
// that is not part of the bundle.
func (t *tarContainer) trailing() error {
	m := newMeter(t.s, t.stream, "(after the end of the archive)", t.counter, true, nil)
	m.slack = t.slack
	buf := t.s.copyBuf()
	var nonZero int64
	for {
		n, err := m.Read(buf)
		for _, c := range buf[:n] {
			if c != 0 {
				nonZero += int64(n)
				break
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			var fatal *Error
			if errors.As(err, &fatal) {
				return fatal
			}
			if isGzipHeaderErr(err) {
				// Garbage after the last gzip member.
				return &trailingData{bytes: -1}
			}
			return t.damaged("(after the end of the archive)")(err)
		}
	}
	if nonZero > 0 {
		return &trailingData{bytes: m.n}
	}
	return nil
}

func isGzipHeaderErr(err error) bool {
	return errors.Is(err, gzip.ErrHeader)
}

// trailingData reports data after the end of a tar archive.
type trailingData struct{ bytes int64 }

func (t *trailingData) Error() string {
	if t.bytes < 0 {
		return "data that is not gzip follows the compressed archive; it was ignored"
	}
	return fmt.Sprintf("%d bytes follow the end of the tar archive (another archive appended?); they were ignored", t.bytes)
}

// ---- zip and 7z ----

type raContainer struct {
	held  int64 // bytes held in memory (a zip or 7z read from a stream)
	s     *session
	src   source
	cra   *countingReaderAt
	name  string // zip or 7z
	depth int
}

func (s *session) checkDeclared(src source, names []string, sizes []uint64) error {
	var total uint64
	for i, n := range sizes {
		if n > uint64(s.opts.MaxMemberBytes) {
			return s.refuse("member %s declares %d bytes, more than the %s limit (decompression bomb?)", quoteName(names[i]), n, sizeString(s.opts.MaxMemberBytes))
		}
		total += n
		if total > uint64(s.opts.MaxTotalBytes) {
			return s.refuse("members declare more than %s in total (limit; decompression bomb?)", sizeString(s.opts.MaxTotalBytes))
		}
	}
	if total > RatioFloor && src.size > 0 && total/uint64(src.size) > uint64(s.opts.MaxRatio) {
		return s.refuse("members declare %d bytes from a %d-byte archive, more than %d times (limit; decompression bomb?)", total, src.size, s.opts.MaxRatio)
	}
	return nil
}

func (s *session) openZip(src source, cra *countingReaderAt, depth int) (container, error) {
	zr, err := kzip.NewReader(cra, src.size)
	if err != nil {
		return nil, &damage{reason: "not a valid zip archive: " + err.Error()}
	}
	names := make([]string, len(zr.File))
	sizes := make([]uint64, len(zr.File))
	type span struct{ start, end int64 }
	spans := make([]span, 0, len(zr.File))
	for i, f := range zr.File {
		if f.Flags&0x1 != 0 {
			return nil, s.refuse("member %s is encrypted (password-protected zip), which is not supported", quoteName(f.Name))
		}
		names[i], sizes[i] = f.Name, f.UncompressedSize64
		if off, err := f.DataOffset(); err == nil && f.CompressedSize64 > 0 {
			spans = append(spans, span{off, off + int64(f.CompressedSize64)})
		}
	}
	if len(zr.File) > s.opts.MaxMembers {
		return nil, s.refuse("more than %d members (limit)", s.opts.MaxMembers)
	}
	if err := s.checkDeclared(src, names, sizes); err != nil {
		return nil, err
	}
	// Members whose data overlap are the trick of non-recursive zip
	// bombs; no archiver writes them.
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			return nil, s.refuse("zip members share data (overlapping entries: a zip bomb)")
		}
	}
	return &raContainer{s: s, src: src, cra: cra, name: "zip", depth: depth}, nil
}

func (s *session) open7z(src source, cra *countingReaderAt, depth int) (container, error) {
	return &raContainer{s: s, src: src, cra: cra, name: "7z", depth: depth}, nil
}

func (z *raContainer) sequential() bool { return false }
func (z *raContainer) format() string   { return z.name }
func (z *raContainer) close() error {
	z.s.buffered -= z.held
	z.held = 0
	return nil
}

func (z *raContainer) walk(fn func(e *entry) error) error {
	var ex archives.Extractor = archives.Zip{}
	if z.name == "7z" {
		ex = archives.SevenZip{}
	}
	sr := io.NewSectionReader(z.cra, 0, z.src.size)
	first := true
	err := ex.Extract(z.s.ctx, sr, func(ctx context.Context, fi archives.FileInfo) error {
		if first && z.name == "7z" {
			// 7z: the library has read the header; check the declared sizes
			// before anything is decompressed.
			first = false
		}
		mode := fi.Mode()
		e := &entry{name: fi.NameInArchive, size: fi.Size(), mode: mode, mtime: fi.ModTime(), link: fi.LinkTarget}
		switch {
		case mode.IsDir():
			e.typ = typeDir
		case mode&fs.ModeSymlink != 0:
			e.typ = typeSymlink
			if e.link == "" {
				// 7z stores the target as the entry's content.
				e.link = readLinkTarget(fi)
			}
		case mode.IsRegular():
			e.typ = typeFile
		default:
			e.typ = typeOther
		}
		var cur *meter
		var f fs.File
		if e.typ == typeFile {
			if e.size > z.s.opts.MaxMemberBytes {
				return z.s.refuse("member %s declares %d bytes, more than the %s limit", quoteName(e.name), e.size, sizeString(z.s.opts.MaxMemberBytes))
			}
			e.open = func() (*meter, error) {
				if cur != nil {
					return cur, nil
				}
				var err error
				f, err = fi.Open()
				if err != nil {
					return nil, &damage{reason: fmt.Sprintf("corrupt %s archive (member %s): %v", z.name, quoteName(e.name), err)}
				}
				cur = newMeter(z.s, f, e.name, z.cra.count, true, func(err error) error {
					var d *damage
					if errors.As(err, &d) {
						return d
					}
					return &damage{reason: fmt.Sprintf("corrupt %s archive (member %s): %v", z.name, quoteName(e.name), err)}
				})
				return cur, nil
			}
		}
		err := fn(e)
		if f != nil {
			f.Close()
		}
		return err
	})
	if err != nil {
		return z.walkError(err)
	}
	return nil
}

// readLinkTarget reads a link's target stored as its content (at most
// 4 KiB; "" if unreadable, which counts as pointing outside).
func readLinkTarget(fi archives.FileInfo) string {
	f, err := fi.Open()
	if err != nil {
		return ""
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 4097))
	if err != nil || len(data) > 4096 {
		return ""
	}
	return string(data)
}

func (z *raContainer) walkError(err error) error {
	var (
		fatal *Error
		d     *damage
		fe    *fnError
		ur    *unreadable
	)
	switch {
	case errors.Is(err, errStop):
		return nil
	case errors.As(err, &fatal):
		return fatal
	case errors.As(err, &fe):
		return fe
	case errors.As(err, &d):
		return d
	case errors.As(err, &ur):
		return ur
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return &damage{reason: fmt.Sprintf("corrupt %s archive: %v", z.name, err)}
}

// ---- folders ----

type dirContainer struct {
	s    *session
	root *os.Root
}

func (s *session) openDir(p string) (container, error) {
	root, err := os.OpenRoot(p)
	if err != nil {
		return nil, s.refuse("%v", unwrapPathError(err))
	}
	return &dirContainer{s: s, root: root}, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (d *dirContainer) sequential() bool { return false }
func (d *dirContainer) format() string   { return "folder" }
func (d *dirContainer) close() error     { return d.root.Close() }

func (d *dirContainer) walk(fn func(e *entry) error) error {
	err := fs.WalkDir(d.root.FS(), ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return &damage{reason: unwrapPathError(err).Error()}
			}
			// An unreadable sub-folder: report it, go on.
			return fn(&entry{name: p, typ: typeFile, open: func() (*meter, error) {
				return nil, &unreadable{member: p, err: unwrapPathError(err)}
			}})
		}
		if p == "." {
			return nil
		}
		e := &entry{name: p}
		info, ierr := de.Info()
		if ierr == nil {
			e.size, e.mode, e.mtime = info.Size(), info.Mode(), info.ModTime()
		}
		switch t := de.Type(); {
		case t.IsDir():
			e.typ = typeDir
		case t&fs.ModeSymlink != 0:
			e.typ = typeSymlink
			e.link, _ = d.root.Readlink(p)
		case t.IsRegular():
			e.typ = typeFile
		default:
			e.typ = typeOther
		}
		var f *os.File
		if e.typ == typeFile {
			e.open = func() (*meter, error) {
				var err error
				f, err = d.root.OpenFile(p, os.O_RDONLY|nonBlock, 0)
				if err != nil {
					return nil, &unreadable{member: p, err: unwrapPathError(err)}
				}
				if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
					f.Close()
					f = nil
					return nil, &unreadable{member: p, err: errors.New("not a regular file any more")}
				}
				return newMeter(d.s, &inputCounter{r: f, s: d.s}, p, nil, true, func(err error) error {
					return &unreadable{member: p, err: err}
				}), nil
			}
		}
		err = fn(e)
		if f != nil {
			f.Close()
		}
		if err == nil && e.typ == typeDir && d.s.fatal != nil {
			return d.s.fatal
		}
		return err
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// inputCounter adds the bytes read from a folder's file to the input's
// size, which the total expansion limit is a ratio of.
type inputCounter struct {
	r io.Reader
	s *session
}

func (c *inputCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.s.inSize += int64(n)
	return n, err
}

// ---- a single file ----

type fileContainer struct {
	s    *session
	name string
	f    *os.File
	info fs.FileInfo
	comp string
}

func (f *fileContainer) sequential() bool { return false }
func (f *fileContainer) format() string   { return "file" }
func (f *fileContainer) close() error     { return nil }

func (f *fileContainer) walk(fn func(e *entry) error) error {
	e := &entry{name: f.name, typ: typeFile, size: f.info.Size(), mode: f.info.Mode(), mtime: f.info.ModTime(), comp: f.comp}
	e.open = func() (*meter, error) {
		return newMeter(f.s, io.NewSectionReader(f.f, 0, f.info.Size()), f.name, nil, true, nil), nil
	}
	err := fn(e)
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// baseOf returns the last element of a slash path.
func baseOf(p string) string { return path.Base(p) }
