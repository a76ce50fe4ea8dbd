// Package bundle defines casefile's bundle format v1: the member layout,
// manifest.json, the SHA256SUMS file and its minisign signature.
//
// Both the collector (which writes bundles) and the analyzer (which reads
// and verifies them) depend on this package and on nothing of each other.
package bundle

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// FormatVersion is the bundle format this package writes and reads.
const FormatVersion = 1

// Member names inside a bundle, relative to its top folder.
const (
	ManifestName  = "manifest.json"
	SumsName      = "SHA256SUMS"
	SignatureName = "SHA256SUMS.minisig"
	FilesDir      = "files"    // copies of host files: files/<absolute host path>
	CommandsDir   = "commands" // command outputs: commands/<id>.out and .err
)

// MaxManifestSize bounds how much of a manifest a reader accepts, so a
// hostile bundle cannot make the analyzer allocate without limit.
const MaxManifestSize = 64 << 20

// Manifest describes what was collected, from where and how. It is stored
// as manifest.json at the top of every bundle.
type Manifest struct {
	FormatVersion int        `json:"format_version"`
	Tool          Tool       `json:"tool"`
	Name          string     `json:"name"` // the bundle's top folder
	Profile       ProfileRef `json:"profile"`
	Host          Host       `json:"host"`
	// Root is the --root the collection ran under; "/" on a real host.
	Root       string     `json:"root"`
	Collection Collection `json:"collection"`
	Note       string     `json:"note,omitempty"`
	// Case is the help desk's ticket id (collect --case), so that bundles
	// of one ticket are grouped wherever they travel.
	Case string `json:"case,omitempty"`
	// FollowUp is set when the bundle answers a signed follow-up request
	// (collect --request): which request and which bundle it follows.
	FollowUp  *FollowUp           `json:"follow_up,omitempty"`
	Variables map[string]Variable `json:"variables,omitempty"`
	Redaction Redaction           `json:"redaction"`
	// Pseudonymization is set when names, addresses and users were
	// replaced by keyed pseudonyms (collect --pseudonymize).
	Pseudonymization *Pseudonymization `json:"pseudonymization,omitempty"`
	Options          Options           `json:"options"`
	Signer           Signer            `json:"signer"`
	Items            []Item            `json:"items"`
}

// Tool names the program that wrote the bundle.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ProfileRef identifies the profile a bundle was collected with.
type ProfileRef struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"` // of the profile's YAML text
	Source  string `json:"source"` // "builtin" or the file it was read from
}

// Host holds facts about the collected host that every bundle carries.
type Host struct {
	Hostname  string `json:"hostname"`
	OS        string `json:"os"`         // GOOS-style: linux, windows, aix, solaris
	OSRelease string `json:"os_release"` // e.g. PRETTY_NAME from /etc/os-release
	Kernel    string `json:"kernel"`
	Arch      string `json:"arch"`
	// Timezone is an IANA name when known ("Europe/Berlin"), else empty.
	Timezone string `json:"timezone"`
	// UTCOffset is the host's offset at collection time, "+01:00".
	UTCOffset string `json:"utc_offset"`
	Uptime    string `json:"uptime,omitempty"`
	User      string `json:"user,omitempty"` // who ran the collector
}

// Collection holds when the collection ran, in UTC and in host local time.
type Collection struct {
	StartUTC   time.Time `json:"start_utc"`
	EndUTC     time.Time `json:"end_utc"`
	StartLocal string    `json:"start_local"` // RFC 3339 with the host's offset
	EndLocal   string    `json:"end_local"`
}

// Variable is a resolved profile variable and where its value came from.
type Variable struct {
	Value string `json:"value"`
	// Source is "default", "set" (--set), "env", "path" (first existing
	// candidate) or "process" (captured from the process list).
	Source string `json:"source"`
	// Note says why a detected value is not trusted to run programs
	// ("programs under it are never run: /home/u/bin is owned by uid
	// 1000"); it is still used to read files.
	Note string `json:"note,omitempty"`
}

// Redaction records whether secrets were redacted and by which rules.
type Redaction struct {
	Enabled bool     `json:"enabled"`
	Rules   []string `json:"rules,omitempty"`
}

// Pseudonymization records that values were replaced by pseudonyms:
// which classes, how many, and the key's id. Never the key or a map.
type Pseudonymization struct {
	KeyID   string         `json:"key_id"`
	Classes []string       `json:"classes"`
	Counts  map[string]int `json:"counts,omitempty"`
}

// FollowUp ties a bundle to the request it answers and to the bundle
// that request was written for.
type FollowUp struct {
	// RequestID is the request's id (the SHA-256 of its signed body).
	RequestID string `json:"request_id"`
	// Follows is the SHA-256 of the earlier bundle's file.
	Follows string `json:"follows"`
	// SignerKeyID is the minisign key id that signed the request.
	SignerKeyID string `json:"signer_key_id"`
}

// Options records the limits the collection ran with.
type Options struct {
	MaxFileSize    int64  `json:"max_file_size"`
	CommandTimeout string `json:"command_timeout"`
	Since          string `json:"since,omitempty"`
	// MaxTime is the bound on the time spent running commands (--max-time).
	MaxTime string `json:"max_time,omitempty"`
}

// Signer describes the key that signed SHA256SUMS.
type Signer struct {
	KeyID string `json:"key_id"` // minisign key id, upper-case hex
	// PublicKey is the minisign public key (base64) so that a bundle
	// signed with a one-time key can at least be checked for integrity.
	PublicKey string `json:"public_key"`
	OneTime   bool   `json:"one_time"`
}

// Item kinds.
const (
	KindFile    = "file"
	KindGlob    = "glob"
	KindList    = "list"
	KindCommand = "command"
	KindBuiltin = "builtin" // a collector written in Go (sockets, processes...)
)

// Error kinds recorded on items that could not be (fully) collected.
const (
	ErrNotFound        = "not_found"
	ErrPermission      = "permission_denied"
	ErrTimeout         = "timeout"
	ErrNotRegular      = "not_regular" // FIFO, socket, device: never opened
	ErrForbidden       = "forbidden"   // e.g. /proc/kcore: never read
	ErrSymlinkLoop     = "symlink_loop"
	ErrCommandNotFound = "command_not_found"
	ErrSkipped         = "skipped" // its when is false, a builtin not for this OS, --since, --max-time
	ErrOther           = "error"
	// ErrTooLarge: a file over the size cap that was not stored (a binary
	// file or an archive, whose tail is useless, or oversize: skip).
	ErrTooLarge = "too_large"
	// ErrNotRedactable: content that could not be parsed to be redacted
	// (a corrupt or encrypted archive) and so was not stored.
	ErrNotRedactable = "not_redactable"
)

// Content kinds of a stored member that is not plain text.
const (
	// ContentBinary: stored byte for byte, never redacted (a core file).
	ContentBinary = "binary"
	// ContentArchive: a tar or zip archive (possibly compressed); with
	// redaction on, rewritten member by member in the same format.
	ContentArchive = "archive"
)

// Item is one entry of a profile's collect section as it was carried out.
type Item struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Source string `json:"source"` // path, glob, directory or command line (redacted)
	// Stored lists the members written for this item. A glob has one
	// per matched file; a command has its .out and, if any, its .err.
	Stored []Stored `json:"stored,omitempty"`

	// Command results.
	Binary     string `json:"binary,omitempty"` // the executable that ran
	ExitCode   *int   `json:"exit_code,omitempty"`
	DurationMS int64  `json:"duration_ms,omitempty"`

	ErrorKind string `json:"error_kind,omitempty"`
	Error     string `json:"error,omitempty"`

	// NoRedact: the profile turned redaction off for this item
	// (redact: false); its content is stored as it is.
	NoRedact bool `json:"no_redact,omitempty"`

	// Optional: not finding the item is normal on this host. The
	// profile marks the item optional (one of several config names, a
	// file only some installs have), or it was skipped as not for this
	// host (its when is false, or it is a builtin this OS or root does
	// not support). Readers count an optional item that is not there
	// apart from expected items that are missing (the customer's host
	// lacks them: another install dir, another host?) and from items
	// that failed (timeout, permission_denied, too_large...).
	Optional bool `json:"optional,omitempty"`

	// GlobCaps records each glob of the item that matched more files than
	// the collector keeps (10,000): the newest are kept, the rest are
	// neither stored nor listed.
	GlobCaps []GlobCap `json:"glob_caps,omitempty"`

	// Attempts lists, for an item with alternatives (commands:), every
	// alternative in order as it was tried: not found, ran and failed,
	// the one kept, skipped. The item's own fields describe the kept one.
	Attempts []Attempt `json:"attempts,omitempty"`
}

// GlobCap is a glob that matched more files than were kept.
type GlobCap struct {
	Pattern string `json:"pattern"`
	Matched int    `json:"matched"` // files the glob matched (at least: the walk stops at 200,000)
	Kept    int    `json:"kept"`    // the newest, by modification time
	// Oldest is the modification time of the oldest file kept: files
	// last modified before it were left out.
	Oldest *time.Time `json:"oldest_kept,omitempty"`
}

// Attempt is one alternative of a commands: item as it was tried.
type Attempt struct {
	// Argv is the command line (argv quoted as a shell would read it),
	// redacted like Item.Source.
	Argv       string `json:"argv"`
	Binary     string `json:"binary,omitempty"` // the executable found; empty when not found
	ExitCode   *int   `json:"exit_code,omitempty"`
	DurationMS int64  `json:"duration_ms,omitempty"`
	ErrorKind  string `json:"error_kind,omitempty"` // command_not_found, timeout, skipped...
	Error      string `json:"error,omitempty"`
	// Stderr is the start of the attempt's standard error (at most
	// MaxAttemptStderr bytes, redacted); the kept attempt's whole
	// standard error is its commands/<id>.err member.
	Stderr string `json:"stderr,omitempty"`
	// Kept marks the attempt whose output the item stores.
	Kept bool `json:"kept,omitempty"`
}

// MaxAttemptStderr bounds Attempt.Stderr.
const MaxAttemptStderr = 4 << 10

// Stored is one member of the bundle and how it relates to its source.
type Stored struct {
	Path   string     `json:"path"`             // member path, e.g. files/etc/hosts
	Source string     `json:"source,omitempty"` // host path it was read from
	Size   int64      `json:"size"`             // bytes stored
	SHA256 string     `json:"sha256"`           // of the stored (redacted) bytes
	Mode   string     `json:"mode,omitempty"`   // e.g. -rw-r-----
	MTime  *time.Time `json:"mtime,omitempty"`
	// Truncated is the number of bytes dropped from the start of the
	// file to keep it under the size cap (the tail is kept).
	Truncated int64 `json:"truncated,omitempty"`
	// Redactions counts replaced secrets per redaction rule.
	Redactions map[string]int `json:"redactions,omitempty"`
	// Symlink is the link target when the source path was a symlink.
	Symlink   string `json:"symlink,omitempty"`
	ErrorKind string `json:"error_kind,omitempty"`
	Error     string `json:"error,omitempty"`

	// Content is ContentBinary or ContentArchive; empty for text.
	Content string `json:"content,omitempty"`
	// Note says in words how the content was handled when it was not
	// plain text ("binary: stored as is, not redacted").
	Note string `json:"note,omitempty"`
	// SourceSize is the size of the host file when it was not stored
	// (too_large).
	SourceSize int64 `json:"source_size,omitempty"`
	// Members lists the notable members of a rewritten archive: those
	// with redactions, binary ones (not redacted), nested archives, and
	// those dropped (links, devices). Plain members are not listed.
	Members []ArchiveMember `json:"members,omitempty"`
}

// ArchiveMember is a member of a stored archive that was redacted,
// stored as binary, or dropped.
type ArchiveMember struct {
	// Name is the member's name in the archive; a member of a nested
	// archive is named "inner.tar.gz/its/name".
	Name       string         `json:"name"`
	Size       int64          `json:"size,omitempty"`    // bytes stored
	Content    string         `json:"content,omitempty"` // ContentBinary, ContentArchive
	Redactions map[string]int `json:"redactions,omitempty"`
	// Dropped says why the member is not in the stored archive: a
	// symbolic or hard link, a device, a FIFO (never copied).
	Dropped string `json:"dropped,omitempty"`
	// Note is a problem that still left content (a truncated rotation
	// inside: what could be decompressed was kept).
	Note string `json:"note,omitempty"`
}

// Encode writes m as indented JSON.
func (m *Manifest) Encode(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

// DecodeManifest reads a manifest, refusing more than MaxManifestSize bytes
// and format versions this package does not know.
func DecodeManifest(r io.Reader) (*Manifest, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxManifestSize+1))
	if err != nil {
		return nil, err
	}
	return ParseManifest(data)
}

// ParseManifest parses manifest JSON and checks what a reader relies on.
func ParseManifest(data []byte) (*Manifest, error) {
	if len(data) > MaxManifestSize {
		return nil, fmt.Errorf("manifest larger than %d bytes", MaxManifestSize)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("manifest is not valid JSON: %w", err)
	}
	if m.FormatVersion == 0 {
		return nil, errors.New("manifest has no format_version")
	}
	if m.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("manifest format_version %d is not supported (want %d)", m.FormatVersion, FormatVersion)
	}
	for i, it := range m.Items {
		for _, s := range it.Stored {
			if err := CheckMemberPath(s.Path); err != nil {
				return nil, fmt.Errorf("manifest item %d (%s): %w", i, it.ID, err)
			}
		}
	}
	return &m, nil
}

// Location returns the host's time zone for interpreting log times that
// carry none: the IANA zone if it loads, else a fixed zone from UTCOffset,
// else UTC.
func (h Host) Location() *time.Location {
	if h.Timezone != "" {
		if loc, err := time.LoadLocation(h.Timezone); err == nil {
			return loc
		}
	}
	if off, ok := parseOffset(h.UTCOffset); ok {
		return time.FixedZone(h.UTCOffset, off)
	}
	return time.UTC
}

// parseOffset parses "+01:00", "-0530" or "Z" into seconds east of UTC.
func parseOffset(s string) (int, bool) {
	if s == "Z" || s == "+00:00" || s == "UTC" {
		return 0, true
	}
	if len(s) != 6 && len(s) != 5 {
		return 0, false
	}
	sign := 1
	switch s[0] {
	case '+':
	case '-':
		sign = -1
	default:
		return 0, false
	}
	digits := s[1:]
	if len(digits) == 5 {
		if digits[2] != ':' {
			return 0, false
		}
		digits = digits[:2] + digits[3:]
	}
	n := 0
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	h, m := n/100, n%100
	if h > 14 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}
