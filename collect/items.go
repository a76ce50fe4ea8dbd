package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"casefile/bundle"
	"casefile/profiles"
	"casefile/redact"
)

// collectItem carries out one planned item. Problems with the item are
// recorded in it; an error means the bundle cannot be written (disk full,
// interrupted).
func (c *collector) collectItem(ctx context.Context, p *planned) (bundle.Item, error) {
	it := bundle.Item{ID: p.id, Kind: p.kind, NoRedact: c.redactor != nil && p.item.Redact != nil && !*p.item.Redact, Optional: p.item.Optional || p.notHere}
	if p.skip != "" {
		it.Source = c.skippedSource(p)
		it.ErrorKind, it.Error = bundle.ErrSkipped, p.skip
		return it, nil
	}
	it.Source = c.source(p)
	var err error
	switch {
	case p.files != nil:
		err = c.collectFiles(ctx, p, &it)
	case p.list != nil:
		err = c.collectList(ctx, p, &it)
	case p.builtin != "":
		err = c.collectBuiltin(ctx, p, &it)
	default:
		err = c.collectCommand(ctx, p, &it)
	}
	return it, err
}

// ctxReader stops a long read when the collection is cancelled, and
// counts what was read into n (when not nil) for the progress display.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
	n   *atomic.Int64
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := r.r.Read(p)
	if r.n != nil {
		r.n.Add(int64(n))
	}
	return n, err
}

// isFatal tells errors that stop the whole run (cannot write the bundle,
// interrupted) from problems with one item.
type fatalError struct{ err error }

func (f fatalError) Error() string { return f.err.Error() }
func (f fatalError) Unwrap() error { return f.err }

// collectFiles stores every file an item's paths and globs name.
func (c *collector) collectFiles(ctx context.Context, p *planned, it *bundle.Item) error {
	seen := map[string]bool{}
	var firstErr *bundle.Stored
	nothing := true
	for _, pat := range p.files {
		var paths []string
		if hasMeta(pat) {
			matches, err := c.fs.glob(pat)
			if err != nil {
				it.Stored = append(it.Stored, bundle.Stored{Path: bundle.HostFileMember(strings.NewReplacer("*", "_", "?", "_", "[", "_", "]", "_").Replace(pat)), Source: pat, ErrorKind: bundle.ErrOther, Error: err.Error()})
				continue
			}
			paths = c.filterGlob(pat, matches, it)
		} else {
			paths = []string{cleanHost(pat)}
		}
		for _, hp := range paths {
			if seen[hp] {
				continue
			}
			seen[hp] = true
			st, err := c.collectFile(ctx, hp, c.fileOptions(p), !hasMeta(pat))
			if err != nil {
				return err
			}
			if st == nil {
				continue
			}
			if st.ErrorKind == bundle.ErrNotFound && p.item.Optional {
				continue
			}
			it.Stored = append(it.Stored, *st)
			if st.SHA256 != "" {
				nothing = false
			} else if firstErr == nil && st.ErrorKind != bundle.ErrSkipped {
				firstErr = st
			}
		}
	}
	if nothing {
		switch {
		case firstErr != nil:
			it.ErrorKind, it.Error = firstErr.ErrorKind, firstErr.Error
		default:
			it.ErrorKind, it.Error = bundle.ErrNotFound, "no file matches "+strings.Join(p.files, " ")
			for _, s := range it.Stored {
				if s.ErrorKind == bundle.ErrSkipped {
					it.ErrorKind, it.Error = bundle.ErrSkipped, "every match is older than --since"
					break
				}
			}
		}
	}
	return nil
}

// filterGlob drops directories from a glob's matches and, with --since,
// rotations last modified before it. The current log (the match named
// like the pattern without its wildcard part, else the newest) is kept.
func (c *collector) filterGlob(pat string, matches []string, it *bundle.Item) []string {
	type match struct {
		path  string
		mtime time.Time
	}
	var files []match
	for _, m := range matches {
		fi, err := c.statHost(m)
		if err == nil && fi.IsDir() {
			continue
		}
		var mt time.Time
		if err == nil {
			mt = fi.ModTime()
		}
		files = append(files, match{m, mt})
	}
	if len(files) > maxGlobMatches {
		// Keep the newest: the current log and recent rotations matter,
		// epp.log.18996 does not.
		sort.SliceStable(files, func(i, j int) bool {
			if !files[i].mtime.Equal(files[j].mtime) {
				return files[i].mtime.After(files[j].mtime)
			}
			return files[i].path < files[j].path
		})
		oldest := files[maxGlobMatches-1].mtime.UTC()
		gc := bundle.GlobCap{Pattern: pat, Matched: len(files), Kept: maxGlobMatches}
		if !oldest.IsZero() {
			gc.Oldest = &oldest
		}
		it.GlobCaps = append(it.GlobCaps, gc)
		files = files[:maxGlobMatches]
		sort.SliceStable(files, func(i, j int) bool { return files[i].path < files[j].path })
	}
	if c.opts.Since.IsZero() || len(files) == 0 {
		out := make([]string, len(files))
		for i, f := range files {
			out[i] = f.path
		}
		return out
	}
	current := map[string]bool{}
	if i := strings.IndexAny(pat, "*?["); i >= 0 {
		current[cleanHost(strings.TrimRight(pat[:i], "."))] = true
	}
	newest := 0
	for i, f := range files {
		if f.mtime.After(files[newest].mtime) {
			newest = i
		}
	}
	current[files[newest].path] = true
	var out []string
	for _, f := range files {
		if current[f.path] || f.mtime.IsZero() || !f.mtime.Before(c.opts.Since) {
			out = append(out, f.path)
			continue
		}
		mt := f.mtime.UTC()
		it.Stored = append(it.Stored, bundle.Stored{
			Path: bundle.HostFileMember(f.path), Source: f.path, MTime: &mt,
			ErrorKind: bundle.ErrSkipped,
			Error:     fmt.Sprintf("%s: last modified %s, before --since %s", f.path, mt.Format(time.RFC3339), c.opts.Since.UTC().Format(time.RFC3339)),
		})
	}
	return out
}

// engineFor is the redactor of an item's content: nil with --no-redact
// or when the profile says redact: false for it.
func (c *collector) engineFor(p *planned) *redact.Engine {
	if p.item.Redact != nil && !*p.item.Redact || c.redactor == nil {
		return c.plain // nil unless pseudonymizing
	}
	return c.redactor
}

// fileOptions are how an item's files are read.
type fileOptions struct {
	maxSize  int64
	oversize string         // "tail", "skip" or "" (by content: text tail, binary skip)
	eng      *redact.Engine // nil: stored unredacted
}

func (c *collector) fileOptions(p *planned) fileOptions {
	return fileOptions{maxSize: p.maxSize, oversize: p.item.Oversize, eng: c.engineFor(p)}
}

// collectFile stores one host file as files/<host path>. A problem with
// the file is returned in the Stored entry; an error only when the bundle
// cannot be written. Directories matched by a glob return nil.
func (c *collector) collectFile(ctx context.Context, hostPath string, o fileOptions, literal bool) (*bundle.Stored, error) {
	member := bundle.HostFileMember(hostPath)
	if c.pseudo != nil {
		member = c.pseudo.String(member)
	}
	if prev, ok := c.asm.has(member); ok {
		prev.Source = hostPath
		return &prev, nil
	}
	fail := func(err error, fi fs.FileInfo) *bundle.Stored {
		st := &bundle.Stored{Path: member, Source: hostPath, ErrorKind: errorKind(err), Error: hostPath + ": " + errorText(err)}
		if fi != nil {
			st.Mode = modeString(fi.Mode())
		}
		return st
	}
	of, fi, err := c.fs.open(hostPath)
	if err != nil {
		if fi != nil && fi.IsDir() && !literal {
			return nil, nil
		}
		return fail(err, fi), nil
	}
	defer of.file.Close()
	if c.secretFile(of.host) {
		st := fail(errSecret, fi)
		if of.host != cleanHost(hostPath) {
			st.Symlink = of.host
			st.Error = fmt.Sprintf("%s: links to %s, which is %s", hostPath, of.host, errorText(errSecret))
		}
		return st, nil
	}
	mtime := fi.ModTime().UTC()
	st := &bundle.Stored{Path: member, Source: hostPath, Mode: modeString(fi.Mode()), MTime: &mtime}
	if of.linkedTo != "" && of.linkedTo != cleanHost(hostPath) {
		st.Symlink = of.linkedTo
	}
	sp := newSpool(c.tmpDir)
	defer sp.Close()
	res, err := c.readFile(ctx, of, hostPath, o, sp)
	st.Content, st.Note, st.Members = res.content, res.info, res.members
	switch {
	case err != nil:
		if errors.As(err, new(fatalError)) || ctx.Err() != nil {
			return nil, err
		}
		st.ErrorKind, st.Error = errorKind(err), hostPath+": "+errorText(err)
		if sp.Size() == 0 {
			return st, nil
		}
	case res.tooLarge != "":
		st.ErrorKind, st.SourceSize = bundle.ErrTooLarge, of.info.Size()
		st.Error = fmt.Sprintf("%s: %s is over the %s cap; not collected (%s)", hostPath, HumanSize(of.info.Size()), HumanSize(o.maxSize), res.tooLarge)
		st.Members = nil
		return st, nil
	case res.unredactable != nil:
		st.ErrorKind = bundle.ErrNotRedactable
		st.Error = fmt.Sprintf("%s: %s; not collected (%v)", hostPath, res.unredactableWhat, res.unredactable)
		st.Members, st.Note = nil, ""
		return st, nil
	}
	st.Truncated = res.dropped
	if len(res.counts) > 0 {
		st.Redactions = res.counts
	}
	if res.note != "" {
		st.ErrorKind, st.Error = bundle.ErrOther, hostPath+": "+res.note
	}
	if err := c.asm.add(member, sp, fi.ModTime()); err != nil {
		return nil, fatalError{err}
	}
	st.Size, st.SHA256 = sp.Size(), sp.Sum()
	c.asm.stored[member] = *st
	return st, nil
}

// secretFile reports whether the file at resolved host path r is never
// collected: secretPaths, and a *.key file unless one of the profile's
// redaction rules names it in its files (the profile knows how to
// redact it).
func (c *collector) secretFile(r string) bool {
	if secretPaths.MatchString(r) {
		return true
	}
	if !strings.HasSuffix(strings.ToLower(r), ".key") {
		return false
	}
	for _, rule := range c.opts.Profile.Redact {
		for _, g := range rule.Files {
			if ok, _ := profiles.MatchGlob(cleanHost(c.expand(g)), r); ok {
				return false
			}
		}
	}
	return true
}

// readResult is what reading one file produced besides its bytes.
type readResult struct {
	dropped int64         // bytes dropped from the start (the cap keeps the tail)
	counts  redact.Counts // secrets replaced
	note    string        // a problem that still left content (corrupt rotation)

	content string                 // bundle.ContentBinary, ContentArchive or "" (text)
	info    string                 // how non-text content was handled (Stored.Note)
	members []bundle.ArchiveMember // notable members of a rewritten archive
	// tooLarge says why a file over the cap was not stored at all.
	tooLarge string
	// unredactable: content that could not be parsed to be redacted,
	// and so is not stored; unredactableWhat says what it was.
	unredactable     error
	unredactableWhat string
}

// maxReadFactor bounds how much of a file of unknown size (a /proc file)
// is read: this many times the cap. It also bounds what an archive or a
// compressed rotation may expand to.
const maxReadFactor = 16

// readFile copies an opened file into sp, as its content calls for (see
// content.go): text redacted and capped, compressed text decompressed,
// redacted and compressed again, an archive rewritten member by member,
// binary content as it is.
//
// A regular file is read up to the size it had when opened, so a log
// that grows meanwhile is stored as the consistent snapshot that its hash
// describes; text over the cap keeps its tail, starting at a line
// (oversize: skip stores none of it); binary content and archives over
// the cap are not stored (a tail of either is useless; a binary file's
// oversize: tail keeps its last bytes). A file that says it is empty
// (/proc, /sys) is read as text to its end, keeping the last cap bytes.
// A compressed rotation's cap applies to its text.
func (c *collector) readFile(ctx context.Context, of *openedFile, hostPath string, o fileOptions, sp *spool) (readResult, error) {
	size := of.info.Size()
	if size == 0 {
		return c.readUncompressed(ctx, of, hostPath, o, sp)
	}
	head := readHead(of.file, size)
	kind, comp := sniff(head, func(cp *compression) []byte {
		return decompressedHead(cp, io.NewSectionReader(of.file, 0, size))
	})
	switch kind {
	case kindTar, kindZip:
		format := archiveFormat(kind, comp)
		res := readResult{content: bundle.ContentArchive}
		if size > o.maxSize {
			res.tooLarge = format + " archive: a part of it is useless"
			return res, nil
		}
		if o.eng == nil {
			res.info = format + " archive stored as it is (not redacted)"
			return res, c.copyRaw(ctx, of, 0, sp)
		}
		ar := c.newArchiveRewrite(ctx, o.eng, hostPath, o.maxSize, size)
		err := ar.archive(kind, comp, of.file, size, sp, "", 0)
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			if errors.As(err, new(fatalError)) {
				return res, err
			}
			res.unredactable, res.unredactableWhat = err, format+" archive could not be parsed for redaction"
			return res, nil
		}
		res.counts, res.members, res.info = ar.counts, ar.members, ar.summary(format)
		return res, nil
	case kindBinary:
		if isUTF16(head) && o.eng != nil {
			return c.readUTF16(ctx, of, hostPath, o, sp, head)
		}
		res := readResult{content: bundle.ContentBinary, info: "binary content: stored as it is, not redacted"}
		if isUTF16(head) {
			res.info = "UTF-16 text: stored as it is (redaction is off)"
		}
		var start int64
		if size > o.maxSize {
			if o.oversize != "tail" {
				res.tooLarge = "binary content: a part of it is useless"
				return res, nil
			}
			start = size - o.maxSize
			res.dropped = start
		}
		return res, c.copyRaw(ctx, of, start, sp)
	case kindCompressed:
		if o.eng != nil || size > o.maxSize {
			return c.readCompressed(ctx, of, hostPath, o, sp, comp)
		}
		return c.readUncompressed(ctx, of, hostPath, o, sp)
	}
	if size > o.maxSize && o.oversize == "skip" {
		return readResult{tooLarge: "oversize: skip"}, nil
	}
	res, err := c.readUncompressed(ctx, of, hostPath, o, sp)
	if nc := compressionOf(hostPath); nc != nil && res.note == "" {
		res.note = fmt.Sprintf("not %s data; stored as read", nc.name)
	}
	return res, err
}

// copyRaw copies a file's bytes from start to the size it had when
// opened, as they are.
func (c *collector) copyRaw(ctx context.Context, of *openedFile, start int64, sp *spool) error {
	_, err := io.Copy(bundleWriter{sp}, ctxReader{ctx, io.NewSectionReader(of.file, start, of.info.Size()-start), &c.read})
	return err
}

// readUncompressed reads a file's bytes as they are (see readFile).
func (c *collector) readUncompressed(ctx context.Context, of *openedFile, hostPath string, o fileOptions, sp *spool) (readResult, error) {
	var res readResult
	maxSize := o.maxSize
	size := of.info.Size()
	var src io.Reader
	switch {
	case size > maxSize:
		if _, err := of.file.Seek(size-maxSize, io.SeekStart); err != nil {
			return res, err
		}
		r, skipped, err := lineStart(ctxReader{ctx, io.LimitReader(of.file, maxSize), &c.read})
		if err != nil {
			return res, err
		}
		src, res.dropped = r, size-maxSize+skipped
	case size > 0:
		src = ctxReader{ctx, io.LimitReader(of.file, size), &c.read}
	default:
		tb := newTailBuffer(c.tmpDir, maxSize)
		defer tb.Close()
		n, err := io.Copy(tb, ctxReader{ctx, io.LimitReader(of.file, maxReadFactor*maxSize), &c.read})
		if err != nil {
			return res, err
		}
		r, dropped, err := tb.Reader()
		if err != nil {
			return res, fatalError{err}
		}
		if dropped > 0 {
			var skipped int64
			if r, skipped, err = lineStart(r); err != nil {
				return res, err
			}
			dropped += skipped
		}
		if n == maxReadFactor*maxSize {
			res.note = fmt.Sprintf("stopped reading after %s", HumanSize(n))
		}
		src, res.dropped = r, dropped
	}
	in := size - res.dropped
	if size == 0 {
		in = -1
	}
	more, err := c.redactCapped(o.eng, sp, src, redact.Target{Path: hostPath}, &res.counts, maxSize, in)
	res.dropped += more
	return res, err
}

// redactCapped copies src into dst through eng, keeping at most maxSize
// bytes of the redacted text: a marker can be longer than its secret, so
// a text cut to the cap before redaction can come out over it. The text
// then keeps its newest part, from a line start; the bytes dropped are
// returned. in is how long src is (-1: unknown); when redaction cannot
// take it over the cap (a marker is at most 4 times its secret's line)
// it streams straight through.
func (c *collector) redactCapped(eng *redact.Engine, dst io.Writer, src io.Reader, t redact.Target, counts *redact.Counts, maxSize, in int64) (int64, error) {
	if eng == nil || (in >= 0 && in*4 <= maxSize) {
		return 0, redactCopy(eng, dst, src, t, counts)
	}
	tb := newTailBuffer(c.tmpDir, maxSize)
	defer tb.Close()
	if err := redactCopy(eng, tb, src, t, counts); err != nil {
		return 0, err
	}
	if tb.err != nil {
		return 0, fatalError{tb.err}
	}
	r, dropped, err := tb.Reader()
	if err != nil {
		return 0, fatalError{err}
	}
	if dropped > 0 {
		var skipped int64
		if r, skipped, err = lineStart(r); err != nil {
			return 0, err
		}
		dropped += skipped
	}
	if _, err := io.Copy(dst, r); err != nil {
		return 0, fatalError{err}
	}
	return dropped, nil
}

// redactCopy copies src into dst through eng (nil: as it is).
func redactCopy(eng *redact.Engine, dst io.Writer, src io.Reader, t redact.Target, counts *redact.Counts) error {
	var w io.Writer = dst
	var rw *redact.Writer
	if eng != nil {
		rw = eng.NewWriter(dst, t)
		w = rw
	}
	buf := make([]byte, 256<<10)
	for {
		n, rerr := src.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return fatalError{werr}
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if rw != nil {
				rw.Close()
				*counts = rw.Counts()
			}
			return rerr
		}
	}
	if rw != nil {
		if err := rw.Close(); err != nil {
			return fatalError{err}
		}
		*counts = rw.Counts()
	}
	return nil
}

// collectList stores a listing of each directory as commands/<id>.out.
// With the item's depth above 1, the subdirectories are listed too
// (each under its own "# <path>" header, after their parent), down to
// that many levels; symbolic links are shown, never followed.
func (c *collector) collectList(ctx context.Context, p *planned, it *bundle.Item) error {
	var b bytes.Buffer
	users, groups := c.passwdNames("passwd"), c.passwdNames("group")
	depth := p.item.Depth
	if depth < 1 {
		depth = 1
	}
	listed := 0
	var firstErr error
	type dirAt struct {
		path  string
		level int
	}
	var queue []dirAt
	for _, dir := range p.list {
		queue = append(queue, dirAt{dir, 1})
	}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		if err := ctx.Err(); err != nil {
			return err
		}
		dir := d.path
		fmt.Fprintf(&b, "# %s\n", dir)
		r, followed, err := c.fs.resolve(dir)
		if err == nil && followed {
			fmt.Fprintf(&b, "# (symbolic link to %s)\n", r)
		}
		var entries []fs.DirEntry
		if err == nil {
			entries, err = readDirReal(c.fs.real(r))
		}
		if err != nil {
			fmt.Fprintf(&b, "# error: %s\n\n", errorText(err))
			if firstErr == nil && d.level == 1 {
				firstErr = fmt.Errorf("%s: %s", dir, errorText(err))
				it.ErrorKind = errorKind(err)
			}
			continue
		}
		if d.level == 1 {
			listed++
		}
		var subdirs []dirAt
		for _, e := range entries {
			fi, err := e.Info()
			if err != nil {
				fmt.Fprintf(&b, "?????????? %8s %8s %12s %-25s %s\n", "?", "?", "?", "?", e.Name())
				continue
			}
			uid, gid := fileOwner(fi)
			line := fmt.Sprintf("%s %8s %8s %12d %-25s %s", modeString(fi.Mode()), idName(users, uid), idName(groups, gid), fi.Size(), fi.ModTime().In(c.loc).Format(time.RFC3339), e.Name())
			if fi.Mode()&fs.ModeSymlink != 0 {
				if t, err := readlink(c.fs.real(path.Join(r, e.Name()))); err == nil {
					line += " -> " + t
				}
			} else if fi.IsDir() && d.level < depth {
				subdirs = append(subdirs, dirAt{path.Join(dir, e.Name()), d.level + 1})
			}
			b.WriteString(line + "\n")
		}
		b.WriteString("\n")
		queue = append(subdirs, queue...)
	}
	if listed == 0 && firstErr != nil {
		it.Error = firstErr.Error()
	} else {
		it.ErrorKind = ""
		if firstErr != nil {
			it.Error = firstErr.Error()
		}
	}
	return c.storeOutput(ctx, p, false, &b, it, c.now())
}

// idName names a user or group id, or prints the number.
func idName(names map[int]string, id int) string {
	if id < 0 {
		return "-"
	}
	if n, ok := names[id]; ok {
		return n
	}
	return fmt.Sprint(id)
}

// storeOutput stores command output (or a builtin's or listing's) as
// commands/<id>.out or .err, redacted (unless the item says redact:
// false); mtime is when the command ended (or the output was made).
func (c *collector) storeOutput(ctx context.Context, p *planned, stderr bool, src io.Reader, it *bundle.Item, mtime time.Time) error {
	id := p.id
	member := bundle.CommandMember(id, stderr)
	sp := newSpool(c.tmpDir)
	defer sp.Close()
	var counts redact.Counts
	dropped, err := c.redactCapped(c.engineFor(p), sp, ctxReader{ctx, src, nil}, redact.Target{Command: id}, &counts, p.maxSize, -1)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	if err := c.asm.add(member, sp, mtime); err != nil {
		return err
	}
	st := bundle.Stored{Path: member, Size: sp.Size(), SHA256: sp.Sum(), Truncated: dropped}
	if len(counts) > 0 {
		st.Redactions = counts
	}
	it.Stored = append(it.Stored, st)
	return nil
}

// collectCommand runs an item's command (or the first of its
// alternatives that exists and succeeds, or its shell line) and stores
// its output. Every alternative tried is recorded in it.Attempts (for
// items with more than one). Once the collection's --max-time has passed,
// commands are not started: they are recorded as skipped.
func (c *collector) collectCommand(ctx context.Context, p *planned, it *bundle.Item) error {
	alternatives := p.argvs
	shell := p.shell != ""
	if shell {
		alternatives = [][]string{shellArgv(p.shell)}
	}
	target := redact.Target{Command: p.id}
	var (
		last     *cmdRun
		kept     = -1
		attempts []bundle.Attempt
		missing  []string
		refused  string // the first alternative refused by the ownership test
		noExec   string // not run under a root without --root-exec
		overtime string
		dur      time.Duration
		end      time.Time
	)
	defer func() {
		if last != nil {
			last.close()
		}
	}()
	for i, argv := range alternatives {
		att := bundle.Attempt{Argv: c.redactString(quoteArgs(argv), target, 0)}
		if shell {
			att.Argv = c.redactString(p.shell, target, 0)
		}
		var bin binary
		var err error
		if shell {
			bin, err = c.shellBinary(argv[0])
		} else {
			bin, err = c.lookPath(argv[0])
			if err == nil {
				// A program named through a variable whose value fails
				// the ownership test is never run, whatever it resolves to.
				err = c.untrustedVarIn(p.rawArgv0(i))
			}
		}
		if err != nil {
			switch att.ErrorKind = lookupErrorKind(err); att.ErrorKind {
			case bundle.ErrForbidden:
				att.Error = notRunText(err, argv)
				if refused == "" {
					refused = att.Error
				}
			case bundle.ErrSkipped:
				att.Error = err.Error()
				noExec = att.Error
			default:
				missing = append(missing, argv[0])
				att.ErrorKind, att.Error = bundle.ErrCommandNotFound, c.notFoundText(argv[0])
			}
			attempts = append(attempts, att)
			continue
		}
		att.Binary = bin.shown
		timeout, capped, ok := c.commandBudget(p.timeout)
		if !ok {
			overtime = c.overtimeText()
			att.ErrorKind, att.Error = bundle.ErrSkipped, overtime
			attempts = append(attempts, att)
			continue
		}
		t0 := c.now()
		r := c.run(ctx, bin, argv, timeout, p.maxSize, shell)
		end = c.now()
		if ctx.Err() != nil {
			r.close()
			return ctx.Err()
		}
		if capped && r.timedOut {
			r.err = fmt.Errorf("timed out after %s, what was left of --max-time %s; process group killed", timeout.Round(time.Millisecond), c.opts.MaxTime)
		}
		dur = end.Sub(t0)
		att.ExitCode, att.DurationMS = r.exitCode, dur.Milliseconds()
		if r.err != nil {
			att.ErrorKind, att.Error = commandErrorKind(r), quoteArgs(argv[:1])+": "+r.err.Error()
		}
		att.Stderr = c.stderrExcerpt(r, target)
		attempts = append(attempts, att)
		if last != nil {
			last.close()
		}
		last, kept = r, len(attempts)-1
		if overtime == "" && r.err == nil && r.exitCode != nil && *r.exitCode == 0 {
			break
		}
	}
	if len(alternatives) > 1 {
		if kept >= 0 {
			attempts[kept].Kept = true
		}
		it.Attempts = attempts
	}
	if last == nil {
		switch {
		case overtime != "":
			it.ErrorKind, it.Error = bundle.ErrSkipped, overtime
		case refused != "":
			it.ErrorKind, it.Error = bundle.ErrForbidden, refused
		case noExec != "":
			it.ErrorKind, it.Error = bundle.ErrSkipped, noExec
		default:
			it.ErrorKind = bundle.ErrCommandNotFound
			it.Error = strings.Join(missing, ", ") + ": command not found"
			if !c.fs.isRealRoot() {
				it.Error += " under the root"
			}
		}
		return nil
	}
	if !shell {
		it.Source = c.redactString(quoteArgs(last.argv), target, 0)
	}
	it.Binary = last.bin.shown
	it.ExitCode = last.exitCode
	it.DurationMS = dur.Milliseconds()
	if last.err != nil {
		it.ErrorKind = commandErrorKind(last)
		it.Error = quoteArgs(last.argv[:1]) + ": " + last.err.Error()
	}
	if last.err != nil && last.stdout.Total() == 0 && last.stderr.Total() == 0 && !last.timedOut {
		return nil // never ran
	}
	out, dropped, err := last.stdout.Reader()
	if err != nil {
		return fatalError{err}
	}
	if dropped > 0 {
		var skipped int64
		if out, skipped, err = lineStart(out); err != nil {
			return err
		}
		dropped += skipped
	}
	if err := c.storeOutput(ctx, p, false, out, it, end); err != nil {
		return err
	}
	it.Stored[len(it.Stored)-1].Truncated += dropped
	if last.stderr.Total() > 0 {
		errOut, dropped, err := last.stderr.Reader()
		if err != nil {
			return fatalError{err}
		}
		if err := c.storeOutput(ctx, p, true, errOut, it, end); err != nil {
			return err
		}
		it.Stored[len(it.Stored)-1].Truncated += dropped
	}
	return nil
}

// notFoundText is the error of a command found nowhere.
func (c *collector) notFoundText(name string) string {
	s := name + ": command not found"
	if !c.fs.isRealRoot() {
		s += " under the root"
	}
	return s
}

// commandBudget is how long a command may run: its timeout, cut to what
// is left of --max-time (capped then). ok is false when nothing is left:
// the command is not started.
func (c *collector) commandBudget(timeout time.Duration) (d time.Duration, capped, ok bool) {
	if c.deadline.IsZero() {
		return timeout, false, true
	}
	left := time.Until(c.deadline)
	if left <= 0 {
		return 0, false, false
	}
	if left < timeout {
		return left, true, true
	}
	return timeout, false, true
}

// overtimeText says why a command was not started.
func (c *collector) overtimeText() string {
	return fmt.Sprintf("not run: the collection reached --max-time %s", c.opts.MaxTime)
}

// stderrExcerpt is the start of a command's standard error for its
// attempt record: at most bundle.MaxAttemptStderr bytes, cut at a line
// (or character) end, redacted.
func (c *collector) stderrExcerpt(r *cmdRun, t redact.Target) string {
	if r.stderr.Total() == 0 {
		return ""
	}
	rd, _, err := r.stderr.Reader()
	if err != nil {
		return ""
	}
	const more = "[...]"
	limit := bundle.MaxAttemptStderr - len(more)
	buf := make([]byte, limit)
	n, _ := io.ReadFull(rd, buf)
	cut := r.stderr.Total() > int64(n)
	s := c.redactString(string(buf[:n]), t, 0)
	if len(s) > limit { // a marker is longer than its secret
		s, cut = s[:limit], true
	}
	if cut {
		if i := strings.LastIndexByte(s, '\n'); i >= len(s)/2 {
			s = s[:i+1]
		}
		for k := 0; k < 3 && len(s) > 0 && !utf8.ValidString(s); k++ {
			s = s[:len(s)-1]
		}
		s += more
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// shellBinary finds the shell of shell items: the running system's own
// (a shell is the interpreter, not a command of the host), under the
// same rules as any program (lookPath): not under a root without
// RootExec, and only when it passes the ownership test.
func (c *collector) shellBinary(name string) (binary, error) {
	if !c.fs.isRealRoot() && !c.opts.RootExec {
		return binary{}, errNoRootExec
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return binary{}, errCommandNotFound
	}
	if err := c.trustedRealPath(p); err != nil {
		return binary{}, err
	}
	return binary{real: p, shown: name}, nil
}

// collectBuiltin runs a collector written in Go. The item's kind says
// so (bundle.KindBuiltin); it has no binary.
func (c *collector) collectBuiltin(ctx context.Context, p *planned, it *bundle.Item) error {
	t0 := c.now()
	out, err := c.builtin(ctx, p.builtin, p.args)
	end := c.now()
	it.DurationMS = end.Sub(t0).Milliseconds()
	if err != nil {
		it.ErrorKind, it.Error = builtinErrorKind(err), p.builtin+": "+err.Error()
		if it.ErrorKind == bundle.ErrSkipped {
			it.Optional = true // not for this OS or root: not missing
		}
		if len(out) == 0 {
			return nil
		}
	}
	return c.storeOutput(ctx, p, false, bytes.NewReader(out), it, end)
}
