// Package input opens what the help desk is given (bundles, archives that
// customers re-packed them into, encrypted bundles, folders, raw logs) as
// a stream of members, never extracting to disk, and verifies bundles
// against SHA256SUMS and its minisign signature while they are read.
package input

import (
	"context"
	"errors"
	"io"
	"io/fs"
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
	// Trust holds the keys the help desk trusts (--trust).
	Trust []bundle.TrustedKey
	// Limits against hostile input; zero values mean the defaults.
	MaxTotalBytes  int64 // all members, decompressed (default 64 GiB)
	MaxMemberBytes int64 // one member, decompressed (default 16 GiB)
	MaxRatio       int64 // decompressed/compressed per member (default 1000)
	MaxMembers     int   // default 1,000,000
}

// Input is one bundle (or one set of raw logs) found in what was given.
type Input struct {
	Path     string           // as given on the command line (plus "!inner" for nested)
	Name     string           // bundle name (top folder), or the base name for raw input
	Kind     string           // "bundle" or "raw"
	Manifest *bundle.Manifest // nil for raw input
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
}

// Verification is what reading an input proved about it.
type Verification struct {
	Signature report.Signature
	Integrity report.Integrity
}

// Open identifies path (archive, nested archive, encrypted archive or
// folder) and returns the inputs found in it, each with its manifest read.
// A hostile or unreadable input is an *Error.
func Open(ctx context.Context, path string, opts Options) ([]*Input, error) {
	return nil, errors.New("input: not implemented yet")
}

// Walk streams every member of in once, in archive order (manifest.json
// first when the archive allows), calling fn with the member's content.
// fn need not read to EOF: the rest is drained for hashing. Each member is
// hashed as it streams; after the last one, SHA256SUMS and its signature
// are checked and the result returned. An error from fn stops the walk.
// A hostile archive (escaping names, links, bombs, truncation) is an *Error.
func (in *Input) Walk(ctx context.Context, fn func(m Member, r io.Reader) error) (*Verification, error) {
	return nil, errors.New("input: not implemented yet")
}

// Error is an input the analyzer must refuse: one line naming the file and
// the reason. The analyzer exits 2 on it.
type Error struct {
	Path   string
	Reason string
}

func (e *Error) Error() string { return e.Path + ": " + e.Reason }
