package input

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"

	"casefile/analyze/report"
	"casefile/bundle"
)

// layer is one container being walked: the input's own (top), or an
// archive inside one of its members (nested).
type layer struct {
	c       container
	depth   int
	prefix  string // container path prefix of the input ("name/"), top layer only
	display string // member path prefix of a nested layer ("files/x/diag.tar.gz/")
	top     bool
}

// walker streams one input's members to fn and collects what is needed
// to verify it.
type walker struct {
	s      *session
	in     *Input
	raw    bool
	fn     func(Member, io.Reader) error
	hashes map[string]memberSum // top-level members, filled by collectSums
	links  map[string]string    // top-level members that are links: what they point to
	seen   map[string]struct{}
	cmds   map[string]bool // raw: command ids already mapped
	// aliases are the member paths raw files were handed over as
	// (commands/<id>.out, content recognition): each is used once.
	aliases map[string]bool
	sums    []byte
	sig     []byte
	// haveSums and haveSig say whether SHA256SUMS and its signature were found.
	haveSums, haveSig bool
	manifestSeen      bool
	manifestSum       [sha256.Size]byte // of the manifest.json Open read
	problems          []report.Problem
	members           int
	hs                *hasher // started by the first large member
	// next is the manifest's member path the next member is expected to
	// be (the collector writes them in order): a member met there takes
	// the table's text as its path, so that the archive's header name is
	// not kept.
	next    int
	pending []pendingSum
}

func (w *walker) problem(member, kind, detail string) {
	w.problems = append(w.problems, report.Problem{Member: member, Kind: kind, Detail: detail})
}

// call hands one member to fn.
func (w *walker) call(m Member, r io.Reader) error {
	w.members++
	return w.fn(m, r)
}

// ours reports whether err was raised by this package's readers (and is
// therefore handled by the walker, whatever fn made of it).
func ours(err error) bool {
	var (
		fatal *Error
		d     *damage
		ur    *unreadable
	)
	return errors.As(err, &fatal) || errors.As(err, &d) || errors.As(err, &ur) || errors.Is(err, ErrUnreadable)
}

// visit handles one entry of layer l.
func (w *walker) visit(l *layer, e *entry) error {
	s := w.s
	if err := s.entry(); err != nil {
		return err
	}
	name, skip, err := s.cleanName(e.name)
	if err != nil || skip {
		return err
	}
	rel := name
	if l.top && l.prefix != "" {
		if !strings.HasPrefix(name, l.prefix) {
			// The top folder itself, or outside this bundle: not part of it.
			if w.in.whole && name+"/" != l.prefix && e.typ != typeDir {
				w.problem(oneLine(name), "extra", "outside the bundle's top folder; not read")
			}
			return nil
		}
		rel = name[len(l.prefix):]
	}
	mpath, err := w.memberPath(l, rel)
	if err != nil {
		return err
	}
	if l.top && !w.raw {
		mpath = w.shared(mpath)
	}
	switch e.typ {
	case typeDir:
		return nil
	case typeSymlink, typeHardlink:
		return w.link(l, e, name, mpath)
	case typeOther:
		if _, ok := l.c.(*dirContainer); ok {
			w.problem(mpath, "unreadable", "not a regular file (FIFO, socket or device); not read")
			return nil
		}
		return s.refuse("member %s is a device, FIFO or other special file", quoteName(e.name))
	}
	if _, dup := w.seen[mpath]; dup {
		return s.refuse("member %s appears twice", quoteName(mpath))
	}
	w.seen[mpath] = struct{}{}
	return w.file(l, e, rel, mpath)
}

// shared returns the manifest table's copy of member path p when p is
// where the walk stands in the manifest's order (or a few items on).
func (w *walker) shared(p string) string {
	for d := range 4 {
		if q, ok := w.in.items.storedPath(w.next + d); ok && q == p {
			w.next += d + 1
			return q
		}
	}
	return p
}

// memberPath maps a container path (relative to the input) to the path
// fn sees.
func (w *walker) memberPath(l *layer, rel string) (string, error) {
	if w.raw {
		esc := strings.TrimPrefix(bundle.HostFileMember("/"+rel), bundle.FilesDir+"/")
		if l.top {
			return bundle.FilesDir + "/" + esc, nil
		}
		return l.display + esc, nil
	}
	p := l.display + rel
	if err := bundle.CheckMemberPath(p); err != nil {
		return "", w.s.refuse("%v", err)
	}
	return p, nil
}

func (w *walker) link(l *layer, e *entry, name, mpath string) error {
	within := ""
	if l.top {
		within = l.prefix
	}
	if linkEscapes(e.typ, name, e.link, within) {
		where := "the bundle"
		if w.raw || !l.top {
			where = "the archive"
		}
		return w.s.refuse("member %s is a link to %s, outside %s", quoteName(e.name), quoteName(e.link), where)
	}
	what := "symbolic link"
	if e.typ == typeHardlink {
		what = "hard link"
	}
	desc := fmt.Sprintf("%s to %s; links are not followed", what, quoteName(e.link))
	if l.top && !w.raw {
		w.links[mpath] = desc
		return nil
	}
	w.problem(mpath, "unreadable", desc)
	return nil
}

// file reads one regular entry: hashes its stored bytes and hands fn
// its content (decompressed, or as inner members of a nested archive).
func (w *walker) file(l *layer, e *entry, rel, mpath string) error {
	s := w.s
	m, err := e.open()
	if err != nil {
		var ur *unreadable
		if errors.As(err, &ur) {
			w.problem(mpath, "unreadable", ur.err.Error())
			return nil
		}
		return err
	}
	topBundle := l.top && !w.raw
	hr := &hashReader{r: m}
	if topBundle {
		// Only the bundle's own members are checked against SHA256SUMS.
		hr.h = sha256.New()
		if e.size >= asyncHashMin {
			if w.hs == nil {
				w.hs = newHasher()
			}
			hr.hs = w.hs
		}
	}
	mem := Member{Path: mpath, Size: e.size, Mode: e.mode, ModTime: e.mtime}
	if l.display != "" {
		mem.Archive = strings.TrimSuffix(l.display, "/")
	}
	var ferr error
	switch {
	case topBundle && rel == bundle.ManifestName:
		w.manifestSeen = true // delivered first, from what Open read
	case topBundle && (rel == bundle.SumsName || rel == bundle.SignatureName):
		limit := int64(bundle.MaxSumsSize)
		if rel == bundle.SignatureName {
			limit = maxSigSize
		}
		data, err := io.ReadAll(io.LimitReader(hr, limit+1))
		if err != nil {
			return w.readErr(m, err)
		}
		if int64(len(data)) > limit {
			return s.refuse("%s is larger than %s", rel, sizeString(limit))
		}
		if rel == bundle.SumsName {
			w.sums, w.haveSums = data, true
		} else {
			w.sig, w.haveSig = data, true
		}
		ferr = w.call(mem, bytes.NewReader(data))
	case l.depth < MaxDepth && bundleArchive(rel, false):
		ferr = w.nested(l, m, hr, mpath)
	case bundleArchive(rel, false):
		w.problem(mpath, "unreadable", tooDeepDetail)
	case e.comp != "" || compressionOf(rel) != "":
		comp := e.comp
		if comp == "" {
			comp = compressionOf(rel)
		}
		ferr = w.decompressed(mem, hr, comp)
	case w.raw && w.commandID(rel) != "":
		ferr = w.rawCommand(mem, hr, w.commandID(rel))
	default:
		ferr = w.text(mem, hr, e.size)
	}
	if s.fatal != nil {
		return s.fatal
	}
	if ferr != nil && !ours(ferr) {
		var fe *fnError
		if errors.As(ferr, &fe) {
			return fe
		}
		return &fnError{err: ferr}
	}
	if err := s.drain(hr); err != nil {
		return w.readErr(m, err)
	}
	if m.err != nil {
		return m.err
	}
	if ferr != nil {
		var fatal *Error
		var d *damage
		if errors.As(ferr, &fatal) || errors.As(ferr, &d) {
			return ferr
		}
	}
	if topBundle {
		w.pending = append(w.pending, pendingSum{path: mpath, sum: hr.finish(), size: hr.n})
	}
	return nil
}

// pendingSum is a member's SHA-256, valid once the hasher has stopped.
type pendingSum struct {
	path string
	sum  *[sha256.Size]byte
	size int64 // bytes stored
}

// memberSum is a top-level member's SHA-256 and stored size.
type memberSum struct {
	sum  [sha256.Size]byte
	size int64
}

// sums waits for the hasher and fills w.hashes; it checks that the
// manifest.json the walk met holds the bytes Open read.
func (w *walker) collectSums() error {
	w.hs.stop()
	w.hs = nil
	w.hashes = make(map[string]memberSum, len(w.pending))
	for _, p := range w.pending {
		w.hashes[p.path] = memberSum{sum: *p.sum, size: p.size}
	}
	w.pending = nil
	if got, ok := w.hashes[bundle.ManifestName]; ok && got.sum != w.manifestSum {
		return w.s.refuse("%s changed while it was read", bundle.ManifestName)
	}
	return nil
}

// readErr turns an error met while reading a member's stored bytes into
// the walk's error.
func (w *walker) readErr(m *meter, err error) error {
	if w.s.fatal != nil {
		return w.s.fatal
	}
	if m.err != nil {
		var ur *unreadable
		if errors.As(m.err, &ur) {
			// A folder's file that cannot be read: a problem, not a refusal.
			w.problem(ur.member, "unreadable", ur.err.Error())
			return nil
		}
		return m.err
	}
	return err
}

// compressionOf names the compression a member's name says it has.
func compressionOf(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".gz"):
		return compGz
	case strings.HasSuffix(n, ".bz2"):
		return compBz2
	case strings.HasSuffix(n, ".xz"):
		return compXz
	case strings.HasSuffix(n, ".zst"):
		return compZst
	}
	return ""
}

// errReader yields err on the first read.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// decompressed hands fn a compressed member's content, decompressed and
// metered against the stored bytes it came from.
func (w *walker) decompressed(mem Member, hr *hashReader, comp string) error {
	mem.Compression = comp
	var failed error
	fail := func(err error) error {
		if failed == nil {
			failed = err
			w.problem(mem.Path, "unreadable", fmt.Sprintf("cannot decompress (%s): %v", comp, err))
		}
		return &unreadable{member: mem.Path, err: err}
	}
	dec, err := decompressor(comp, hr)
	if err != nil {
		if w.s.fatal != nil {
			return w.s.fatal
		}
		return w.call(mem, errReader{fail(err)})
	}
	defer dec.Close()
	dm := newMeter(w.s, dec, mem.Path, func() int64 { return hr.n }, true, func(err error) error {
		var d *damage
		if errors.As(err, &d) {
			return d // the archive around the member is damaged
		}
		return fail(err)
	})
	return w.text(mem, dm, 0)
}

// nested streams the inner members of an archive member.
func (w *walker) nested(l *layer, m *meter, hr *hashReader, mpath string) error {
	s := w.s
	c, err := s.openContainer(source{name: mpath, base: baseOf(mpath), r: hr}, l.depth+1)
	if err != nil {
		var (
			fatal *Error
			na    *errNotArchive
		)
		switch {
		case errors.As(err, &fatal):
			return fatal
		case m.err != nil:
			return m.err
		case errors.As(err, &na):
			w.problem(mpath, "unreadable", "not an archive, although its name says so")
			return nil
		}
		w.problem(mpath, "unreadable", err.Error())
		return nil
	}
	defer c.close()
	child := &layer{c: c, depth: l.depth + 1, display: mpath + "/"}
	err = c.walk(func(e *entry) error { return w.visit(child, e) })
	if err == nil {
		return nil
	}
	var (
		fatal *Error
		fe    *fnError
		td    *trailingData
	)
	switch {
	case errors.As(err, &fatal):
		return fatal
	case errors.As(err, &fe):
		return fe
	case m.err != nil:
		return m.err
	case errors.As(err, &td):
		return nil
	}
	if s.ctx.Err() != nil {
		return s.ctx.Err()
	}
	w.problem(mpath, "unreadable", err.Error())
	return nil
}

// maxCommandAlias bounds a raw file that is also handed over as
// commands/<id>.out: it is held in memory to be read twice.
const maxCommandAlias = 16 << 20

// commandID returns the command id a raw file stands for ("netstat.txt"
// and "netstat" for id netstat), or "" when none, or when that id was
// already mapped.
func (w *walker) commandID(rel string) string {
	base := baseOf(rel)
	noExt := base
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		noExt = base[:i]
	}
	for _, id := range w.in.opts.CommandIDs {
		if (id == base || id == noExt) && !w.cmds[id] && bundle.ValidID(id) {
			return id
		}
	}
	return ""
}

// rawCommand hands fn a raw file as files/<path> and as commands/<id>.out.
func (w *walker) rawCommand(mem Member, hr *hashReader, id string) error {
	dr, name := decodeText(hr, mem.Size)
	data, err := io.ReadAll(io.LimitReader(dr, maxCommandAlias+1))
	if err != nil {
		return err
	}
	if name != "" {
		w.problem(mem.Path, EncodingKind, "decoded from "+name+" to UTF-8 before matching")
	}
	if len(data) > maxCommandAlias {
		return w.call(mem, io.MultiReader(bytes.NewReader(data), dr))
	}
	w.cmds[id] = true
	w.alias(bundle.CommandMember(id, false))
	if err := w.call(mem, bytes.NewReader(data)); err != nil {
		return err
	}
	alias := mem
	alias.Path = bundle.CommandMember(id, false)
	return w.call(alias, bytes.NewReader(data))
}

// alias marks a member path as used by a raw file's alias; false when it
// was already used.
func (w *walker) alias(path string) bool {
	if w.aliases == nil {
		w.aliases = map[string]bool{}
	}
	if w.aliases[path] {
		return false
	}
	w.aliases[path] = true
	return true
}

// recognize hands fn a member, recognising a raw file that no glob of
// the profile reads by its first lines (Options.Content): it is then
// handed over as the matching log's path.
func (w *walker) recognize(mem Member, r io.Reader) error {
	opts := w.in.opts
	if !w.raw || len(opts.Content) == 0 || mem.Archive != "" || (opts.Claimed != nil && opts.Claimed(mem.Path)) {
		return w.call(mem, r)
	}
	head := make([]byte, ContentBytes)
	n, err := io.ReadFull(r, head)
	head = head[:n]
	var rest io.Reader
	switch {
	case err == nil:
		rest = r
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		rest = bytes.NewReader(nil)
	default:
		rest = errReader{err}
	}
	body := io.MultiReader(bytes.NewReader(head), rest)
	if shape := shapeOf(opts.Content, head); shape != nil {
		name := baseOf(mem.Path)
		if mem.Compression != "" {
			name = strings.TrimSuffix(name, "."+mem.Compression)
		}
		as := strings.ReplaceAll(shape.As, "{name}", name)
		if bundle.CheckMemberPath(as) == nil && !w.seenPath(as) && w.alias(as) {
			mem.Original, mem.ReadAs, mem.Path = mem.Path, shape.Name, as
		}
	}
	return w.call(mem, body)
}

// seenPath reports whether a member of the input already has the path.
func (w *walker) seenPath(p string) bool {
	_, ok := w.seen[p]
	return ok
}

// shapeOf returns the first shape one of the head's first lines matches.
func shapeOf(shapes []ContentShape, head []byte) *ContentShape {
	var lines [][]byte
	for len(head) > 0 && len(lines) < ContentLines {
		i := bytes.IndexByte(head, '\n')
		if i < 0 {
			i = len(head)
		}
		l := bytes.TrimRight(head[:i], "\r")
		if len(bytes.TrimSpace(l)) > 0 {
			lines = append(lines, l)
		}
		if i == len(head) {
			break
		}
		head = head[i+1:]
	}
	for i := range shapes {
		for _, re := range shapes[i].Lines {
			for _, l := range lines {
				if re.Match(l) {
					return &shapes[i]
				}
			}
		}
	}
	return nil
}
