package collect

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"aead.dev/minisign"
	"filippo.io/age"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/pgzip"

	"casefile/bundle"
)

// The bundle is written in two steps so that manifest.json, known only at
// the end, can be the first member while nothing large sits in memory:
//
//  1. items are written as they are collected into <out>.partial-items: a
//     gzip member holding tar entries without the end-of-archive trailer;
//  2. <out>.partial is then written as a gzip member holding the tar entry
//     of manifest.json, the items' compressed bytes copied verbatim, and a
//     last gzip member holding SHA256SUMS, SHA256SUMS.minisig and the tar
//     trailer. It is synced and renamed to its final name.
//
// Concatenated gzip members are one gzip stream (RFC 1952), and the three
// parts hold one continuous tar stream, so the result is an ordinary
// .tar.gz that tar, gzip, Go's archive/tar and mholt/archives all read.

// itemsCompression is the gzip level of the item stream: parallel
// (pgzip) on every core at level 6, like gzip's default.
const itemsCompression = 6

type assembler struct {
	final     string // the bundle's final path (.tar.gz or .tar.gz.age)
	dir       string // where temporary files go: beside the output
	top       string // the top folder inside the tar
	itemsPath string
	partPath  string
	itemsFile *os.File
	itemsBuf  *bufio.Writer
	zw        *pgzip.Writer
	tw        *tar.Writer
	sums      bundle.Sums
	stored    map[string]bundle.Stored // member -> what was stored, for duplicates
	done      bool
	// now is the collection's clock: no member's time is after it.
	now func() time.Time

	// Members are compressed by a goroutine of their own, so that the
	// collector reads and redacts the next one meanwhile.
	jobs     chan job
	finished chan struct{}
	closed   bool
	aborting atomic.Bool
	mu       sync.Mutex
	werr     error
}

// job is one member waiting to be written.
type job struct {
	member string
	sp     *spool
	mtime  time.Time
}

func newAssembler(final, top string, now func() time.Time) (*assembler, error) {
	if now == nil {
		now = time.Now
	}
	a := &assembler{
		now:       now,
		final:     final,
		dir:       filepath.Dir(final),
		top:       top,
		itemsPath: final + ".partial-items",
		partPath:  final + ".partial",
		sums:      bundle.Sums{},
		stored:    map[string]bundle.Stored{},
	}
	f, err := createFile(a.itemsPath)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", a.itemsPath, err)
	}
	a.itemsFile = f
	unlinkEarly(f)
	a.itemsBuf = bufio.NewWriterSize(wrapOutput(f), 1<<20)
	zw, err := pgzip.NewWriterLevel(a.itemsBuf, itemsCompression)
	if err != nil {
		a.abort()
		return nil, err
	}
	if err := zw.SetConcurrency(1<<20, max(2, runtime.GOMAXPROCS(0))); err != nil {
		a.abort()
		return nil, err
	}
	a.zw = zw
	a.tw = tar.NewWriter(zw)
	a.jobs = make(chan job, 1)
	a.finished = make(chan struct{})
	go a.writeLoop()
	return a, nil
}

// writeLoop writes queued members in order; after an error (or on
// abort) it only releases them.
func (a *assembler) writeLoop() {
	defer close(a.finished)
	for j := range a.jobs {
		if a.failed() == nil && !a.aborting.Load() {
			if err := a.write(j); err != nil {
				a.mu.Lock()
				a.werr = err
				a.mu.Unlock()
			}
		}
		j.sp.release()
	}
}

// failed returns the first write error.
func (a *assembler) failed() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.werr
}

// stop closes the queue and waits for the writer.
func (a *assembler) stop() {
	if !a.closed {
		a.closed = true
		close(a.jobs)
	}
	<-a.finished
}

// createFile creates a file that must not exist yet; a variable so that
// tests can simulate a full disk.
var createFile = func(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
}

// wrapOutput wraps what the bundle's bytes are written to; tests make it
// fail like a full disk.
var wrapOutput = func(w io.Writer) io.Writer { return w }

// has reports whether member was already stored, and how.
func (a *assembler) has(member string) (bundle.Stored, bool) {
	s, ok := a.stored[member]
	return s, ok
}

// add queues one member for writing and takes its spool over (the
// caller's Close of it then does nothing). Its size and hash are final,
// so the manifest can use them at once. An error is that of an earlier
// write: the bundle cannot be written.
func (a *assembler) add(member string, sp *spool, mtime time.Time) error {
	if err := bundle.CheckMemberPath(member); err != nil {
		return fmt.Errorf("member %s: %w", member, err)
	}
	if err := a.failed(); err != nil {
		return err
	}
	if sp.err != nil {
		return sp.err
	}
	a.sums[member] = sp.Sum()
	a.stored[member] = bundle.Stored{Path: member, Size: sp.Size(), SHA256: sp.Sum()}
	sp.handedOff = true
	a.jobs <- job{member, sp, mtime}
	return nil
}

// write writes one member's tar entry.
func (a *assembler) write(j job) error {
	r, err := j.sp.Reader()
	if err != nil {
		return err
	}
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     a.top + "/" + j.member,
		Mode:     0o644,
		Size:     j.sp.Size(),
		ModTime:  memberTime(j.mtime, a.now()),
	}
	if err := a.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("writing bundle: %w", err)
	}
	if _, err := io.Copy(a.tw, r); err != nil {
		return fmt.Errorf("writing bundle: %w", err)
	}
	if err := a.tw.Flush(); err != nil {
		return fmt.Errorf("writing bundle: %w", err)
	}
	return nil
}

// hashWriter counts and hashes what passes through it.
type hashWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (h *hashWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// finish writes the final bundle around the items and returns its size
// and SHA-256. m must be complete; key signs SHA256SUMS.
func (a *assembler) finish(m *bundle.Manifest, key minisign.PrivateKey, recipients []age.Recipient) (int64, string, error) {
	a.stop()
	if err := a.failed(); err != nil {
		return 0, "", err
	}
	// End the items' gzip member without a tar trailer.
	if err := a.tw.Flush(); err != nil {
		return 0, "", fmt.Errorf("writing bundle: %w", err)
	}
	if err := a.zw.Close(); err != nil {
		return 0, "", fmt.Errorf("writing bundle: %w", err)
	}
	if err := a.itemsBuf.Flush(); err != nil {
		return 0, "", fmt.Errorf("writing bundle: %w", err)
	}
	itemsSize, err := a.itemsFile.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, "", fmt.Errorf("writing bundle: %w", err)
	}

	var manifest bytes.Buffer
	if err := m.Encode(&manifest); err != nil {
		return 0, "", fmt.Errorf("encoding manifest: %w", err)
	}
	msum := sha256.Sum256(manifest.Bytes())
	a.sums[bundle.ManifestName] = hex.EncodeToString(msum[:])
	sums := a.sums.Bytes()
	sig := bundle.Sign(key, sums, bundle.TrustedComment(m))

	out, err := createFile(a.partPath)
	if err != nil {
		return 0, "", fmt.Errorf("creating %s: %w", a.partPath, err)
	}
	defer out.Close()
	hw := &hashWriter{w: wrapOutput(out), h: sha256.New()}
	bw := bufio.NewWriterSize(hw, 1<<20)
	var dst io.Writer = bw
	var enc io.WriteCloser
	if len(recipients) > 0 {
		enc, err = age.Encrypt(bw, recipients...)
		if err != nil {
			return 0, "", fmt.Errorf("encrypting bundle: %w", err)
		}
		dst = enc
	}
	mtime := memberTime(m.Collection.EndUTC, a.now())
	// First gzip member: manifest.json.
	if err := writeMember(dst, func(tw *tar.Writer) error {
		return tarBytes(tw, a.top+"/"+bundle.ManifestName, manifest.Bytes(), mtime)
	}, false); err != nil {
		return 0, "", fmt.Errorf("writing bundle: %w", err)
	}
	// The items, compressed already.
	if _, err := io.Copy(dst, io.NewSectionReader(a.itemsFile, 0, itemsSize)); err != nil {
		return 0, "", fmt.Errorf("writing bundle: %w", err)
	}
	// Last gzip member: sums, signature, trailer.
	if err := writeMember(dst, func(tw *tar.Writer) error {
		if err := tarBytes(tw, a.top+"/"+bundle.SumsName, sums, mtime); err != nil {
			return err
		}
		return tarBytes(tw, a.top+"/"+bundle.SignatureName, sig, mtime)
	}, true); err != nil {
		return 0, "", fmt.Errorf("writing bundle: %w", err)
	}
	if enc != nil {
		if err := enc.Close(); err != nil {
			return 0, "", fmt.Errorf("encrypting bundle: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return 0, "", fmt.Errorf("writing bundle: %w", err)
	}
	if err := out.Sync(); err != nil {
		return 0, "", fmt.Errorf("writing bundle: %w", err)
	}
	if err := out.Close(); err != nil {
		return 0, "", fmt.Errorf("writing bundle: %w", err)
	}
	if err := outputProblem(a.final); err != nil {
		return 0, "", err
	}
	// Atomically: whatever appeared at the path meanwhile (a link to
	// /etc/passwd, a FIFO) stays, and the bundle is not written.
	if err := renameNoReplace(a.partPath, a.final); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return 0, "", fmt.Errorf("%s: %w", a.final, errOutputExists)
		}
		return 0, "", fmt.Errorf("writing bundle: %w", err)
	}
	syncDir(a.dir)
	a.done = true
	a.cleanup()
	return hw.n, hex.EncodeToString(hw.h.Sum(nil)), nil
}

// writeMember writes one gzip member holding what fill puts in a tar
// writer; with trailer, the tar end-of-archive blocks too.
func writeMember(w io.Writer, fill func(*tar.Writer) error, trailer bool) error {
	zw, err := gzip.NewWriterLevel(w, gzip.DefaultCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	if err := fill(tw); err != nil {
		return err
	}
	if trailer {
		err = tw.Close()
	} else {
		err = tw.Flush()
	}
	if err != nil {
		return err
	}
	return zw.Close()
}

// memberTime is the time written in a member's tar header: t (a file's
// mtime, a command's end, the collection's end), never after written (the
// time of writing: tar warns about times in the future), in whole seconds
// rounded down (archive/tar would round to the nearest second, up to half
// a second into the future).
func memberTime(t, written time.Time) time.Time {
	if t.IsZero() || t.After(written) {
		t = written
	}
	return t.Truncate(time.Second)
}

func tarBytes(tw *tar.Writer, name string, data []byte, mtime time.Time) error {
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: mtime}); err != nil {
		return err
	}
	_, err := tw.Write(data)
	return err
}

// cleanup removes the temporary files (and, unless finished, the partial
// bundle). It is safe to call more than once.
func (a *assembler) cleanup() {
	if a.itemsFile != nil {
		a.itemsFile.Close()
		a.itemsFile = nil
	}
	os.Remove(a.itemsPath)
	if !a.done {
		os.Remove(a.partPath)
	}
}

// abort stops writing and removes every partial file.
func (a *assembler) abort() {
	if a.jobs != nil {
		a.aborting.Store(true)
		a.stop()
	}
	if a.zw != nil {
		a.zw.Close()
	}
	a.cleanup()
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// errOutputExists is returned when the output file is already there.
var errOutputExists = errors.New("already exists; not overwriting")
