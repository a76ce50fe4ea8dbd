// Package input opens what the help desk is given (bundles, archives that
// customers re-packed them into, encrypted bundles, folders, raw logs) as
// a stream of members, never extracting to disk, and verifies bundles
// against SHA256SUMS and its minisign signature while they are read.
package input

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"time"

	"filippo.io/age"

	"casefile/analyze/report"
	"casefile/bundle"
)

// Options control opening inputs.
type Options struct {
	// Identities decrypt .age inputs (--identity).
	Identities []age.Identity
	// Raw allows inputs without manifest.json (analyze --profile given);
	// their files are mapped to files/<path inside the input>, and a file
	// whose base name without extension is one of CommandIDs also to
	// commands/<id>.out.
	Raw        bool
	CommandIDs []string
	// Content recognises raw files by what they hold: a raw file whose
	// path Claimed does not claim (no glob of the profile reads it) and
	// whose first lines (at most ContentLines lines, ContentBytes bytes)
	// include one matching a line shape of an entry is handed over as
	// that entry's As path (the first such entry wins; "{name}" in As is
	// the file's base name), with Member.Original and Member.ReadAs set.
	// A path already handed over is never used twice.
	Content []ContentShape
	Claimed func(path string) bool
	// Trust holds the keys the help desk trusts (--trust).
	Trust []bundle.TrustedKey
	// Limits against hostile input; zero values mean the defaults.
	MaxTotalBytes  int64 // all members, decompressed (default 16 GiB; --max-expanded)
	MaxMemberBytes int64 // one member, decompressed (default 16 GiB)
	MaxRatio       int64 // decompressed/compressed per member (default 1000)
	MaxMembers     int   // default 1,000,000
	// MaxTotalRatio bounds all members, decompressed, to this many times
	// the size of the input as given (the archive file; a folder's files
	// as read), once they exceed TotalFloor. Default 100; negative: no
	// ratio, MaxTotalBytes only (what --max-expanded asks for).
	MaxTotalRatio int64
	TotalFloor    int64 // default 1 GiB
	// Stdin is read for the path "-": it is copied once to an unlinked
	// temporary file (mode 0600, at most MaxTotalBytes), so that it can be
	// read twice like any file (Open reads the manifest, Walk the rest).
	Stdin io.Reader
	// RequireSignature (--require-signature) makes Walk return an *Error
	// (after the walk, with the Verification) unless the input is a
	// bundle whose members all match SHA256SUMS, signed by a trusted key.
	RequireSignature bool
}

// Input is one bundle (or one set of raw logs) found in what was given.
type Input struct {
	Path string // as given on the command line (plus "!inner" for nested)
	Name string // bundle name (top folder), or the base name for raw input
	Kind string // "bundle" or "raw"
	// Manifest is nil for raw input. Its Items are nil once Open has
	// moved them into a compact table: read them with Input.Items.
	Manifest *bundle.Manifest

	items *Items // the manifest's items, compact

	opts           Options
	spool          *os.File // "-": standard input, copied
	loc            locator  // how to reach the container again
	prefix         string   // the bundle's folder in the container ("name/"), or ""
	manifestRaw    []byte   // manifest.json as Open read it (flate-compressed when manifestPacked)
	manifestPacked bool
	manifestMember Member
	// whole is set when the archive is the bundle (its first member is
	// the manifest, as the collector writes it): entries outside the top
	// folder are then reported as extra.
	whole bool
}

// Member is one file of an input as the engine sees it.
type Member struct {
	// Path is relative to the bundle's top folder and has passed
	// bundle.CheckMemberPath. Members of a nested archive (diag.tar.gz)
	// appear as <archive member path>/<inner path>.
	Path    string
	Size    int64 // stored size
	Mode    fs.FileMode
	ModTime time.Time
	// Compression is "gz", "bz2", "xz" or "zst" when the stored bytes were
	// compressed and the reader yields them decompressed; else "".
	Compression string
	// Original is, for a raw file recognised by its content, the path it
	// has in the input (files/console.txt); Path is then the path it is
	// read as, and ReadAs names the log ("audit log"). Else both "".
	Original string
	ReadAs   string
	// Archive is, for a member read from an archive inside the input
	// (files/opt/product/diag.tar.gz), that archive's member path; the
	// archive itself is hashed but not handed to fn. Else "".
	Archive string
}

// ContentShape is one log's line shapes (a profile's logs content).
type ContentShape struct {
	Name  string           // what the log is: "audit log"
	As    string           // member path it is read as; {name}: the file's base name
	Lines []*regexp.Regexp // a file is this log when one of its first lines matches one
}

// How much of a raw file content recognition looks at.
const (
	ContentLines = 200
	ContentBytes = 64 << 10
)

// Verification is what reading an input proved about it.
type Verification struct {
	Signature report.Signature
	Integrity report.Integrity
	// Members is the number of members handed to fn.
	Members int
}

// Open identifies path (archive, nested archive, encrypted archive or
// folder) and returns the inputs found in it, each with its manifest read.
// A hostile or unreadable input is an *Error.
//
// A bundle as the collector writes it costs Open the decompression of its
// first member only. Other archives are listed (zip, 7z, folders: cheap;
// a tar whose first member is not manifest.json: one decompressing pass).
func Open(ctx context.Context, path string, opts Options) ([]*Input, error) {
	s := newSession(ctx, path, opts)
	if path == StdinPath {
		if err := s.spoolStdin(); err != nil {
			return nil, s.asError(err)
		}
	}
	c, err := s.openTop(path)
	if err != nil {
		return nil, s.asError(err)
	}
	defer c.close()
	ins, err := s.classify(c, 0, locator{path: path}, path)
	if err != nil {
		var td *trailingData
		if errors.As(err, &td) && len(ins) > 0 {
			for _, in := range ins {
				in.spool = s.spool
			}
			return ins, nil
		}
		return nil, s.asError(err)
	}
	for _, in := range ins {
		in.spool = s.spool
	}
	return ins, nil
}

// Walk streams every member of in once, in archive order (manifest.json
// always first), calling fn with the member's content.
// fn need not read to EOF: the rest is drained for hashing. Each member is
// hashed as it streams; after the last one, SHA256SUMS and its signature
// are checked and the result returned. An error from fn stops the walk.
// A hostile archive (escaping names, links, bombs, truncation) is an *Error.
//
// manifest.json is always handed to fn first (from the bytes Open read;
// its place in the archive is checked to hold the same bytes). Members
// ending in .gz, .bz2, .xz or .zst are handed over decompressed (see
// Member.Compression); a read error wrapping ErrUnreadable means their
// content is corrupt: fn may return it, and Walk records an "unreadable"
// problem and goes on. Archives inside the input (diag.tar.gz) are hashed
// as one member and their files handed to fn as <member>/<inner path>.
//
// fn is never called concurrently. The Verification is returned with an
// *Error when opts.RequireSignature is set and the input falls short.
func (in *Input) Walk(ctx context.Context, fn func(m Member, r io.Reader) error) (*Verification, error) {
	s := newSession(ctx, in.Path, in.opts)
	s.spool = in.spool
	w := &walker{s: s, in: in, raw: in.Kind == "raw", fn: fn,
		links: map[string]string{},
		seen:  map[string]struct{}{}, cmds: map[string]bool{}}
	if !w.raw {
		if in.manifestRaw == nil {
			return nil, s.refuse("input was not opened with Open, or was released")
		}
		raw, err := in.manifestBytes()
		if err != nil {
			return nil, s.refuse("%s kept in memory: %v", bundle.ManifestName, err)
		}
		w.manifestSum = sha256.Sum256(raw)
		if err := w.call(in.manifestMember, bytes.NewReader(raw)); err != nil {
			return nil, err
		}
	}
	defer func() { w.hs.stop() }()
	err := s.reach(in.loc, func(c container, depth int) error {
		l := &layer{c: c, depth: depth, prefix: in.prefix, top: true}
		return c.walk(func(e *entry) error { return w.visit(l, e) })
	})
	if serr := w.collectSums(); serr != nil && err == nil {
		err = serr
	}
	var td *trailingData
	if errors.As(err, &td) {
		w.problem(trailingMember, "extra", td.Error())
		err = nil
	}
	if err != nil {
		return nil, s.asError(err)
	}
	if !w.raw && !w.manifestSeen {
		return nil, s.refuse("%s is gone (the input changed while it was read)", bundle.ManifestName)
	}
	v := w.verify()
	if in.opts.RequireSignature && !v.Intact() {
		reason := "signature required: " + v.Shortfall()
		if w.raw {
			reason = "signature required: raw logs carry no signature"
		}
		return v, s.errorf("%s", reason)
	}
	return v, nil
}

// Release drops what the input holds to be walked (the raw manifest.json:
// tens of MiB for 100,000 members), so that what is kept of a bundle after
// its pass stays small; Input.Manifest stays. Walk refuses a released
// input. (A copy of standard input is shared by the inputs found in it
// and stays open until the process ends.)
func (in *Input) Release() {
	in.manifestRaw = nil
}

// ParseIdentityFile reads age identities (--identity FILE): one
// AGE-SECRET-KEY-1... per line, '#' comments and blank lines ignored.
func ParseIdentityFile(path string) ([]age.Identity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ids, err := age.ParseIdentities(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return ids, nil
}

// Error is an input the analyzer must refuse: one line naming the file and
// the reason. The analyzer exits 2 on it.
type Error struct {
	Path   string
	Reason string
}

// Error returns "<path>: <reason>" on one line: control characters and
// invalid UTF-8 that came from an archive are escaped.
func (e *Error) Error() string { return oneLine(e.Path) + ": " + oneLine(e.Reason) }
