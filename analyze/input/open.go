package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"casefile/bundle"
)

// locator says how to reach an input's container again: the path given,
// then the names of the archive members to descend into.
type locator struct {
	path  string
	steps []string
}

func (l locator) with(step string) locator {
	return locator{path: l.path, steps: append(append([]string(nil), l.steps...), step)}
}

// fileCloser closes the file under a top-level container.
type fileCloser struct {
	container
	f *os.File
}

func (c *fileCloser) close() error {
	err := c.container.close()
	c.f.Close()
	return err
}

// openTop opens what was given on the command line.
func (s *session) openTop(p string) (container, error) {
	if p == StdinPath && s.spool != nil {
		return s.openSpool()
	}
	fi, err := os.Stat(p)
	if err != nil {
		return nil, s.refuse("%v", unwrapPathError(err))
	}
	if fi.IsDir() {
		return s.openDir(p)
	}
	if !fi.Mode().IsRegular() {
		return nil, s.refuse("not a regular file or folder")
	}
	f, err := os.OpenFile(p, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, s.refuse("%v", unwrapPathError(err))
	}
	s.inSize = fi.Size()
	c, err := s.openContainer(source{name: p, base: filepath.Base(p), ra: f, size: fi.Size()}, 0)
	var na *errNotArchive
	switch {
	case errors.As(err, &na):
		if why := s.notArchive(filepath.Base(p), fi.Size(), na.comp); why != "" {
			f.Close()
			return nil, s.refuse("%s", why)
		}
		return &fileCloser{container: &fileContainer{s: s, name: filepath.Base(p), f: f, info: fi, comp: na.comp}, f: f}, nil
	case err != nil:
		f.Close()
		return nil, err
	}
	return &fileCloser{container: c, f: f}, nil
}

// notArchive says why a file given on the command line that holds no
// archive is refused ("" when it is a log to read raw): an empty file, a
// file whose name says archive (bundle.tar.gz) but whose bytes are not one
// ("not a gzip stream", "not an archive"). Without --profile, any other
// file is refused later as "no manifest.json".
func (s *session) notArchive(base string, size int64, comp string) string {
	named := bundleArchive(base, true)
	if size == 0 && (!s.opts.Raw || named) {
		return "empty file"
	}
	if !named {
		return ""
	}
	l := strings.ToLower(base)
	want := ""
	switch {
	case strings.HasSuffix(l, ".age"):
		return "not an age-encrypted file, although its name says so"
	case strings.HasSuffix(l, ".tar.gz"), strings.HasSuffix(l, ".tgz"):
		want = compGz
	case strings.HasSuffix(l, ".tar.zst"), strings.HasSuffix(l, ".tzst"):
		want = compZst
	case strings.HasSuffix(l, ".tar.xz"), strings.HasSuffix(l, ".txz"):
		want = compXz
	case strings.HasSuffix(l, ".tar.bz2"), strings.HasSuffix(l, ".tbz2"), strings.HasSuffix(l, ".tbz"):
		want = compBz2
	}
	names := map[string]string{compGz: "gzip", compZst: "zstd", compXz: "xz", compBz2: "bzip2"}
	switch {
	case want != "" && comp != want:
		return "not a " + names[want] + " stream, although its name says so"
	case comp != "":
		return "not an archive: a " + names[comp] + " stream that does not hold a tar archive"
	}
	return "not an archive, although its name says so"
}

// reach opens loc's container and calls final with it.
func (s *session) reach(loc locator, final func(c container, depth int) error) error {
	c, err := s.openTop(loc.path)
	if err != nil {
		return err
	}
	return s.descend(c, 0, loc.path, loc.steps, final)
}

func (s *session) descend(c container, depth int, display string, steps []string, final func(c container, depth int) error) error {
	defer c.close()
	if len(steps) == 0 {
		return final(c, depth)
	}
	found := false
	err := c.walk(func(e *entry) error {
		if e.typ != typeFile || e.name != steps[0] {
			return nil
		}
		found = true
		m, err := e.open()
		if err != nil {
			return err
		}
		name := display + "!" + cleanDisplay(e.name)
		sub, err := s.openContainer(source{name: name, base: baseOf(e.name), r: m}, depth+1)
		if err != nil {
			var na *errNotArchive
			if errors.As(err, &na) {
				return s.refuse("%s is no longer an archive (the input changed while it was read)", quoteName(e.name))
			}
			return err
		}
		if err := s.descend(sub, depth+1, name, steps[1:], final); err != nil {
			return err
		}
		return errStop
	})
	if err == nil && !found {
		return s.refuse("member %s is gone (the input changed while it was read)", quoteName(steps[0]))
	}
	return err
}

// cleanDisplay is an archive member name as shown in Input.Path.
func cleanDisplay(name string) string { return oneLine(strings.TrimPrefix(name, "./")) }

// asError turns what a walk returned into the error Open and Walk return.
func (s *session) asError(err error) error {
	if err == nil {
		return nil
	}
	var (
		fatal *Error
		d     *damage
		fe    *fnError
		ur    *unreadable
	)
	switch {
	case errors.As(err, &fatal):
		return fatal
	case errors.As(err, &fe):
		return fe.err
	case errors.As(err, &d):
		return s.refuse("%s", d.reason)
	case errors.As(err, &ur):
		return s.refuse("%s", ur.Error())
	}
	if s.ctx.Err() != nil {
		return s.ctx.Err()
	}
	return s.refuse("%v", err)
}

// cleanName normalises an archive entry name ("./" prefixes and a
// trailing "/" go) and refuses names that could escape or be read
// differently elsewhere. skip is set for the archive root itself.
func (s *session) cleanName(raw string) (name string, skip bool, err error) {
	name = raw
	for strings.HasPrefix(name, "./") {
		name = name[2:]
	}
	if strings.HasSuffix(name, "/") && !strings.HasSuffix(name, "//") {
		name = name[:len(name)-1]
	}
	if name == "" || name == "." {
		if raw == "" {
			return "", false, s.refuse("member with an empty name")
		}
		return "", true, nil
	}
	if reason := structuralProblem(name); reason != "" {
		return "", false, s.refuse("member %s %s", quoteName(raw), reason)
	}
	return name, false, nil
}

// structuralProblem says why name could escape the bundle or be read
// differently on another system, or "" when it cannot. Control
// characters and invalid UTF-8 are left to the caller (refused in
// bundles, escaped in raw input).
func structuralProblem(name string) string {
	switch {
	case len(name) > bundle.MaxMemberPath:
		return fmt.Sprintf("is longer than %d bytes", bundle.MaxMemberPath)
	case strings.HasPrefix(name, "/"):
		return "is an absolute path"
	case strings.Contains(name, `\`):
		return "contains a backslash"
	case len(name) >= 2 && name[1] == ':' && ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')):
		return "starts with a drive letter"
	}
	for _, seg := range strings.Split(name, "/") {
		switch seg {
		case "..":
			return "escapes the bundle (\"..\")"
		case "", ".":
			return "has an empty or \".\" segment"
		}
	}
	return ""
}

// linkEscapes reports whether a link entry at name (container path)
// with target points outside within (a container path prefix ending in
// "/", or "" for the whole container).
func linkEscapes(typ byte, name, target, within string) bool {
	if target == "" {
		return true
	}
	t := strings.ReplaceAll(target, `\`, "/")
	if strings.HasPrefix(t, "/") || (len(t) >= 2 && t[1] == ':') {
		return true
	}
	var joined string
	if typ == typeHardlink {
		for strings.HasPrefix(t, "./") {
			t = t[2:]
		}
		joined = path.Clean(t)
	} else {
		joined = path.Join(path.Dir(name), t)
	}
	if joined == ".." || strings.HasPrefix(joined, "../") {
		return true
	}
	if within == "" {
		return false
	}
	return !strings.HasPrefix(joined+"/", within) || joined+"/" == within
}

// candidate is a manifest.json found while identifying a container.
type candidate struct {
	dir      string // container folder holding it ("" for the root)
	raw      []byte
	m        *bundle.Manifest
	err      error
	casefile bool // has a format_version: meant as a casefile manifest
	member   Member
}

func depthOf(p string) int {
	if p == "" {
		return 0
	}
	return strings.Count(p, "/") + 1
}

// bundleArchive reports whether name looks like an archive that may hold
// a bundle (searched by Open) or nested content (streamed by Walk).
func bundleArchive(name string, ageToo bool) bool {
	n := strings.ToLower(name)
	if ageToo && strings.HasSuffix(n, ".age") {
		return true
	}
	for _, ext := range archiveExts {
		if strings.HasSuffix(n, ext) {
			return true
		}
	}
	return false
}

var archiveExts = []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".zip", ".7z"}

// classify finds the inputs in c: bundle folders (holding a casefile
// manifest.json), else bundles in archive members, else (at the top, with
// opts.Raw) the whole container as raw logs.
func (s *session) classify(c container, depth int, loc locator, display string) ([]*Input, error) {
	var (
		cands     []candidate
		nested    []*Input
		nestedErr *Error
		later     []string
		first     = true
		fast      = c.sequential()
		whole     = false
		seen      = map[string]struct{}{}
	)
	inCandidate := func(name string) bool {
		for _, cd := range cands {
			if cd.casefile && cd.m != nil && (cd.dir == "" || strings.HasPrefix(name, cd.dir+"/")) {
				return true
			}
		}
		return false
	}
	look := func(e *entry, name string) error {
		ins, inner, err := s.classifyMember(e, depth, loc, display, name)
		if err != nil {
			return err
		}
		if inner != nil && nestedErr == nil {
			nestedErr = s.errorf("%s: %s", quoteName(name), inner.Error())
		}
		nested = append(nested, ins...)
		return nil
	}
	err := c.walk(func(e *entry) error {
		if err := s.entry(); err != nil {
			return err
		}
		name, skip, err := s.cleanName(e.name)
		if err != nil || skip {
			return err
		}
		// Only an archive whose very first entry is the manifest is a bundle
		// as the collector writes it (GNU tar starts with a folder entry).
		isFirst := first
		first = false
		if e.typ != typeDir {
			if _, dup := seen[name]; dup {
				return s.refuse("member %s appears twice", quoteName(name))
			}
			seen[name] = struct{}{}
		}
		switch e.typ {
		case typeDir:
			return nil
		case typeSymlink, typeHardlink:
			if linkEscapes(e.typ, name, e.link, "") {
				where := "the archive"
				if _, ok := c.(*dirContainer); ok {
					where = "the folder"
				}
				return s.refuse("member %s is a link to %s, outside %s", quoteName(e.name), quoteName(e.link), where)
			}
			return nil
		case typeOther:
			if _, ok := c.(*dirContainer); ok {
				return nil
			}
			return s.refuse("member %s is a device, FIFO or other special file", quoteName(e.name))
		}
		if baseOf(name) == bundle.ManifestName {
			cd, err := s.readCandidate(e, name)
			if err != nil {
				return err
			}
			cands = append(cands, cd)
			if fast && isFirst && cd.m != nil && depthOf(cd.dir) <= 1 {
				whole = true
				return errStop // a bundle as the collector writes it
			}
			return nil
		}
		if depth >= MaxDepth && bundleArchive(name, true) && s.tooDeep == "" {
			s.tooDeep = display + "!" + cleanDisplay(name)
		}
		if depth < MaxDepth && bundleArchive(name, true) {
			if !fast {
				later = append(later, e.name)
				return nil
			}
			if inCandidate(name) {
				return nil
			}
			return look(e, name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	roots, err := s.roots(cands)
	if err != nil {
		return nil, err
	}
	if len(roots) == 0 && len(later) > 0 {
		want := map[string]bool{}
		for _, n := range later {
			want[n] = true
		}
		err := c.walk(func(e *entry) error {
			if e.typ != typeFile || !want[e.name] {
				return nil
			}
			name, _, err := s.cleanName(e.name)
			if err != nil {
				return err
			}
			return look(e, name)
		})
		if err != nil {
			return nil, err
		}
	}
	var out []*Input
	for _, cd := range roots {
		in := &Input{Path: display, Kind: "bundle", Manifest: cd.m, opts: s.opts, loc: loc, manifestMember: cd.member, whole: whole}
		in.setManifestRaw(cd.raw)
		if cd.dir != "" {
			in.prefix = cd.dir + "/"
			in.Name = oneLine(path.Base(cd.dir))
		} else {
			in.Name = oneLine(cd.m.Name)
			if in.Name == "" {
				in.Name = StripArchiveExt(path.Base(filepath.ToSlash(display)))
			}
		}
		if len(roots) > 1 {
			in.Path = display + "!" + cleanDisplay(cd.dir)
		}
		in.compactManifest()
		out = append(out, in)
	}
	if len(out) > 0 {
		return out, nil
	}
	if len(nested) > 0 {
		return nested, nil
	}
	if depth > 0 {
		return nil, nil
	}
	if nestedErr != nil {
		s.fatal = nestedErr
		return nil, nestedErr
	}
	if !s.opts.Raw {
		if s.tooDeep != "" {
			return nil, s.refuse("not a casefile bundle (no manifest.json within %d nested archives; %s is nested deeper and was not opened)", MaxDepth, s.tooDeep)
		}
		return nil, s.refuse("not a casefile bundle (no manifest.json); give --profile NAME to analyze raw logs")
	}
	return []*Input{{Path: display, Name: StripArchiveExt(filepath.Base(display)), Kind: "raw", opts: s.opts, loc: loc}}, nil
}

// classifyMember looks for bundles in the archive member e. inner is
// damage of that member's archive (not fatal by itself); err is fatal.
func (s *session) classifyMember(e *entry, depth int, loc locator, display, name string) (ins []*Input, inner, err error) {
	m, err := e.open()
	if err != nil {
		return nil, nil, err
	}
	sub, err := s.openContainer(source{name: display + "!" + cleanDisplay(name), base: baseOf(name), r: m}, depth+1)
	if err == nil {
		ins, err = s.classify(sub, depth+1, loc.with(e.name), display+"!"+cleanDisplay(name))
		sub.close()
	}
	if m.err != nil {
		return nil, nil, m.err // the outer archive is damaged (or a limit tripped)
	}
	var (
		na *errNotArchive
		td *trailingData
		d  *damage
	)
	switch {
	case err == nil, errors.As(err, &na), errors.As(err, &td):
		return ins, nil, nil
	case errors.As(err, &d):
		return nil, d, nil
	}
	return nil, nil, err
}

// readCandidate reads a manifest.json found while identifying.
func (s *session) readCandidate(e *entry, name string) (candidate, error) {
	cd := candidate{dir: path.Dir(name)}
	if cd.dir == "." {
		cd.dir = ""
	}
	m, err := e.open()
	if err != nil {
		var ur *unreadable
		if errors.As(err, &ur) {
			return cd, nil // a folder's unreadable file: not a candidate
		}
		return cd, err
	}
	// Read into a buffer of the declared size (bounded), not a growing one.
	buf := bytes.NewBuffer(make([]byte, 0, min(max(e.size, 0), bundle.MaxManifestSize)+512))
	if _, err := buf.ReadFrom(io.LimitReader(m, bundle.MaxManifestSize+1)); err != nil {
		return cd, err
	}
	raw := buf.Bytes()
	cd.raw = raw
	cd.member = Member{Path: bundle.ManifestName, Size: int64(len(raw)), Mode: e.mode, ModTime: e.mtime}
	cd.m, cd.err = bundle.ParseManifest(raw)
	if cd.err == nil || len(raw) > bundle.MaxManifestSize {
		cd.casefile = true
		return cd, nil
	}
	// Another program's manifest.json (raw logs may hold one) is not a
	// bundle; a casefile manifest that fails to parse is refused.
	var probe struct {
		FormatVersion *json.RawMessage `json:"format_version"`
	}
	perr := json.Unmarshal(raw, &probe)
	cd.casefile = perr == nil && probe.FormatVersion != nil
	if perr != nil && strings.Contains(perr.Error(), "exceeded max depth") {
		// Not "no manifest.json": name the real reason.
		cd.casefile = true
		cd.err = errors.New("manifest is nested too deeply for the JSON decoder (more than 10000 levels of objects or arrays)")
	}
	cd.m = nil
	return cd, nil
}

// roots picks the bundle roots among the candidates: the shallowest
// casefile manifests, none inside another bundle.
func (s *session) roots(cands []candidate) ([]candidate, error) {
	sort.SliceStable(cands, func(i, j int) bool {
		if di, dj := depthOf(cands[i].dir), depthOf(cands[j].dir); di != dj {
			return di < dj
		}
		return cands[i].dir < cands[j].dir
	})
	var roots []candidate
	for _, cd := range cands {
		if !cd.casefile {
			continue
		}
		inside := false
		for _, r := range roots {
			if r.dir == "" || strings.HasPrefix(cd.dir+"/", r.dir+"/") {
				inside = true
				break
			}
		}
		if inside {
			continue
		}
		if cd.err != nil {
			where := bundle.ManifestName
			if cd.dir != "" {
				where = cd.dir + "/" + where
			}
			return nil, s.refuse("%s: %v", quoteName(where), cd.err)
		}
		roots = append(roots, cd)
	}
	return roots, nil
}

// StripArchiveExt drops archive and encryption extensions from a name
// ("x.tar.gz.age" -> "x"): the name an input is known by.
func StripArchiveExt(name string) string {
	n := name
	for {
		l := strings.ToLower(n)
		trimmed := false
		for _, ext := range append([]string{".age", ".gz", ".bz2", ".xz", ".zst"}, archiveExts...) {
			if strings.HasSuffix(l, ext) && len(n) > len(ext) {
				n = n[:len(n)-len(ext)]
				trimmed = true
				break
			}
		}
		if !trimmed {
			return oneLine(n)
		}
	}
}

var _ fs.FileMode // keep io/fs for Member docs
