package collect

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"syscall"

	"casefile/bundle"
)

// hostFS is the host's filesystem seen through --root: host paths are
// absolute, slash-separated paths as on the host ("/etc/hosts"); real
// paths are where they are on this machine (root joined with the host
// path). Symbolic links are resolved inside the root, the way a chroot
// would: an absolute link target starts again at the root, ".." stops at
// it, so a fake host never reaches the real machine's files.
type hostFS struct {
	root string // absolute real path of the root; "/" on a real host
}

// maxSymlinkHops bounds link resolution, as the kernel's ELOOP limit does.
const maxSymlinkHops = 40

// errSymlinkLoop reports a path whose links do not resolve in
// maxSymlinkHops steps.
var errSymlinkLoop = errors.New("too many levels of symbolic links (loop)")

// errNotRegular reports a FIFO, socket, device or directory where a file
// was expected; such paths are never opened.
var errNotRegular = errors.New("not a regular file")

// errForbidden reports a path that is never read (/proc/kcore...).
var errForbidden = errors.New("never read: reading it could harm the host or leak memory")

func newHostFS(root string) (*hostFS, error) {
	if root == "" {
		root = "/"
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("root %s: %w", root, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("root %s: %w", root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("root %s: not a directory", root)
	}
	return &hostFS{root: abs}, nil
}

// isRealRoot reports whether the host is this machine's own filesystem.
func (h *hostFS) isRealRoot() bool {
	return h.root == "/" || (runtime.GOOS == "windows" && (h.root == `\` || len(h.root) <= 3 && strings.HasSuffix(h.root, `:\`)))
}

// cleanHost normalises a host path: forward slashes, absolute, cleaned.
// A Windows drive path keeps its drive as the first element ("C:/x").
func cleanHost(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	if len(p) >= 2 && p[1] == ':' {
		rest := path.Clean("/" + p[2:])
		return p[:2] + rest
	}
	return path.Clean("/" + p)
}

// real returns where host path p is on this machine.
func (h *hostFS) real(p string) string {
	p = cleanHost(p)
	if h.isRealRoot() {
		return filepath.FromSlash(p)
	}
	if len(p) >= 2 && p[1] == ':' { // a drive path under a root: C/x
		p = "/" + p[:1] + p[2:]
	}
	return filepath.Join(h.root, filepath.FromSlash(p))
}

// resolve follows symbolic links in host path p inside the root and
// returns the host path of what it names, and whether any link was
// followed. A missing final element is an error (fs.ErrNotExist).
func (h *hostFS) resolve(p string) (string, bool, error) {
	p = cleanHost(p)
	vol := ""
	if len(p) >= 2 && p[1] == ':' {
		vol, p = p[:2], p[2:]
	}
	rest := splitPath(p)
	done := "/"
	followed := false
	hops := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			done = path.Dir(done)
			continue
		}
		next := path.Join(done, c)
		fi, err := os.Lstat(h.real(vol + next))
		if err != nil {
			return "", followed, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			hops++
			if hops > maxSymlinkHops {
				return "", true, errSymlinkLoop
			}
			target, err := os.Readlink(h.real(vol + next))
			if err != nil {
				return "", true, err
			}
			followed = true
			target = filepath.ToSlash(target)
			if len(target) >= 2 && target[1] == ':' { // Windows absolute target
				vol, target = target[:2], target[2:]
			}
			if strings.HasPrefix(target, "/") {
				done = "/"
			}
			rest = append(splitPath(target), rest...)
			continue
		}
		if len(rest) > 0 && !fi.IsDir() {
			return "", followed, &fs.PathError{Op: "open", Path: vol + next, Err: syscall.ENOTDIR}
		}
		done = next
	}
	return vol + done, followed, nil
}

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// forbiddenPaths are never read: kernel memory, the kernel log stream
// (reading consumes it) and process memory.
var forbiddenPaths = regexp.MustCompile(`^/proc/(kmsg|kcore|kpagecount|kpageflags|kpagecgroup|sysrq-trigger)$|^/proc/[^/]+/(task/[^/]+/)?(mem|pagemap|map_files(/.*)?)$|^/sys/kernel/debug(/.*)?$|^/dev/(mem|kmem|port)$`)

// secretPaths are files never collected whatever the path to them
// (checked on the resolved path, so a link to them is refused too): the
// password hashes, TLS private keys, ssh host keys.
var secretPaths = regexp.MustCompile(`^/etc/(shadow|gshadow)(-|\.bak|~)?$|^/etc/ssl/private/|^/etc/pki/tls/private/|^/etc/ssh/ssh_host_[^/]*_key$`)

// errSecret reports a file that is never collected (secretPaths, *.key).
var errSecret = errors.New("never collected: it holds secrets (password hashes or a private key), whatever the path to it")

// forbidden reports whether host path p must never be read.
func forbidden(p string) bool { return forbiddenPaths.MatchString(cleanHost(p)) }

// hasMeta reports whether a path holds glob characters.
func hasMeta(p string) bool { return strings.ContainsAny(p, "*?[") }

// maxGlobDepth bounds how deep "**" descends.
const maxGlobDepth = 16

// maxGlobMatches bounds the files one glob stores, so a glob like /**
// cannot make a bundle of the whole disk: the newest are kept
// (collector.filterGlob) and the cap is recorded in the manifest.
var maxGlobMatches = 10000 // a variable so that a test can lower it

// maxGlobWalk bounds the matches a glob's walk gathers (memory): past
// it the walk stops.
const maxGlobWalk = 200000

// glob expands a host path pattern under the root. Each element may use
// path.Match syntax; "**" matches any number of directories (symbolic
// links to directories are not descended by "**", so loops cannot
// recurse). Matches are host paths, sorted; directories are included
// only when the pattern's last element matched them.
func (h *hostFS) glob(pattern string) ([]string, error) {
	pattern = cleanHost(pattern)
	vol := ""
	if len(pattern) >= 2 && pattern[1] == ':' {
		vol, pattern = pattern[:2], pattern[2:]
	}
	segs := splitPath(pattern)
	for _, s := range segs {
		if s != "**" {
			if _, err := path.Match(s, ""); err != nil {
				return nil, fmt.Errorf("bad glob %s: %w", pattern, err)
			}
		}
	}
	seen := map[string]bool{}
	var out []string
	var walk func(dir string, segs []string, depth int) error
	walk = func(dir string, segs []string, depth int) error {
		if len(out) >= maxGlobWalk {
			return nil
		}
		if len(segs) == 0 {
			if !seen[dir] {
				seen[dir] = true
				out = append(out, dir)
			}
			return nil
		}
		s := segs[0]
		if s == "**" {
			// Zero directories...
			if err := walk(dir, segs[1:], depth); err != nil {
				return err
			}
			if depth >= maxGlobDepth {
				return nil
			}
			// ...or one more, then "**" again. Real directories only.
			for _, e := range h.readDir(vol + dir) {
				if e.IsDir() && e.Type()&fs.ModeSymlink == 0 {
					if err := walk(path.Join(dir, e.Name()), segs, depth+1); err != nil {
						return err
					}
				}
			}
			return nil
		}
		if !hasMeta(s) {
			next := path.Join(dir, s)
			if len(segs) == 1 {
				// The parent is resolved inside the root; the last
				// element itself may be a (dangling) link.
				parent, _, err := h.resolve(vol + dir)
				if err != nil {
					return nil
				}
				if _, err := os.Lstat(h.real(path.Join(parent, s))); err != nil {
					return nil
				}
			}
			return walk(next, segs[1:], depth)
		}
		for _, e := range h.readDir(vol + dir) {
			if ok, _ := path.Match(s, e.Name()); ok {
				if err := walk(path.Join(dir, e.Name()), segs[1:], depth); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk("/", segs, 0); err != nil {
		return nil, err
	}
	for i := range out {
		out[i] = vol + out[i]
	}
	sort.Strings(out)
	return out, nil
}

// readDir lists a host directory, following links to it inside the root.
// Errors yield no entries: a glob over an unreadable folder matches nothing.
func (h *hostFS) readDir(dir string) []fs.DirEntry {
	r, _, err := h.resolve(dir)
	if err != nil {
		return nil
	}
	entries, err := os.ReadDir(h.real(r))
	if err != nil {
		return nil
	}
	return entries
}

// exists reports whether a host path or glob names something.
func (h *hostFS) exists(p string) bool {
	if hasMeta(p) {
		m, _ := h.glob(p)
		return len(m) > 0
	}
	_, _, err := h.resolve(p)
	return err == nil
}

// readSmall reads a small host file (for host facts and variable
// detection), following links inside the root, refusing anything that is
// not a regular file, and reading at most limit bytes.
func (h *hostFS) readSmall(p string, limit int64) ([]byte, error) {
	f, _, err := h.open(p)
	if err != nil {
		return nil, err
	}
	defer f.file.Close()
	buf := make([]byte, 0, 4096)
	tmp := make([]byte, 4096)
	for int64(len(buf)) < limit {
		n, err := f.file.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if err != nil {
			break
		}
	}
	if int64(len(buf)) > limit {
		buf = buf[:limit]
	}
	return buf, nil
}

// openedFile is a regular file opened safely.
type openedFile struct {
	file     *os.File
	info     fs.FileInfo
	host     string // resolved host path
	linkedTo string // resolved host path when links were followed
}

// open resolves host path p inside the root and opens it for reading
// without following a final link and without blocking, then checks that
// it is a regular file. FIFOs, sockets and devices are refused before
// they are opened (and again after, against a race).
func (h *hostFS) open(p string) (*openedFile, fs.FileInfo, error) {
	p = cleanHost(p)
	if forbidden(p) {
		return nil, nil, errForbidden
	}
	r, followed, err := h.resolve(p)
	if err != nil {
		return nil, nil, err
	}
	if forbidden(r) {
		return nil, nil, errForbidden
	}
	real := h.real(r)
	fi, err := os.Lstat(real)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fi, notRegular(fi)
	}
	f, err := openNoFollow(real)
	if err != nil {
		return nil, fi, err
	}
	fi2, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fi, err
	}
	if !fi2.Mode().IsRegular() {
		f.Close()
		return nil, fi2, notRegular(fi2)
	}
	of := &openedFile{file: f, info: fi2, host: r}
	if followed {
		of.linkedTo = r
	}
	return of, fi2, nil
}

func notRegular(fi fs.FileInfo) error {
	m := fi.Mode()
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "is a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "is a FIFO (never opened)"
	case m&fs.ModeSocket != 0:
		what = "is a socket (never opened)"
	case m&fs.ModeCharDevice != 0:
		what = "is a character device (never opened)"
	case m&fs.ModeDevice != 0:
		what = "is a block device (never opened)"
	}
	return fmt.Errorf("%s: %w", what, errNotRegular)
}

// errorKind classifies an error into the manifest's error kinds.
func errorKind(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, errSymlinkLoop), errors.Is(err, syscall.ELOOP):
		return bundle.ErrSymlinkLoop
	case errors.Is(err, errNotRegular):
		return bundle.ErrNotRegular
	case errors.Is(err, errForbidden), errors.Is(err, errSecret):
		return bundle.ErrForbidden
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return bundle.ErrNotFound
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return bundle.ErrPermission
	}
	return bundle.ErrOther
}

// errorText is an error's reason in a few words, without the path that
// the caller names itself.
func errorText(err error) string {
	switch errorKind(err) {
	case bundle.ErrNotFound:
		return "not found"
	case bundle.ErrPermission:
		return "permission denied"
	case bundle.ErrSymlinkLoop:
		return "symbolic link loop"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// modeString formats a mode the way ls does: -rw-r--r--, drwxr-xr-x,
// lrwxrwxrwx, prw-------, srwxrwxrwx, crw-rw-rw-, brw-rw----, with s/S
// and t/T for setuid, setgid and sticky.
func modeString(m fs.FileMode) string {
	b := []byte("----------")
	switch {
	case m.IsDir():
		b[0] = 'd'
	case m&fs.ModeSymlink != 0:
		b[0] = 'l'
	case m&fs.ModeNamedPipe != 0:
		b[0] = 'p'
	case m&fs.ModeSocket != 0:
		b[0] = 's'
	case m&fs.ModeCharDevice != 0:
		b[0] = 'c'
	case m&fs.ModeDevice != 0:
		b[0] = 'b'
	}
	const rwx = "rwxrwxrwx"
	for i := 0; i < 9; i++ {
		if m&(1<<uint(8-i)) != 0 {
			b[i+1] = rwx[i]
		}
	}
	special := func(i int, set bool, lower, upper byte) {
		if !set {
			return
		}
		if b[i] == 'x' {
			b[i] = lower
		} else {
			b[i] = upper
		}
	}
	special(3, m&fs.ModeSetuid != 0, 's', 'S')
	special(6, m&fs.ModeSetgid != 0, 's', 'S')
	special(9, m&fs.ModeSticky != 0, 't', 'T')
	return string(b)
}
