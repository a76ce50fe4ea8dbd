package bundle

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxMemberPath bounds a member path's length.
const MaxMemberPath = 4096

// HostFileMember returns the member path that stores a copy of the host
// file at hostPath: files/ followed by the absolute path as on the host.
// Windows paths keep their drive letter as a folder (C:\x\y -> files/C/x/y).
func HostFileMember(hostPath string) string {
	p := strings.ReplaceAll(hostPath, `\`, "/")
	if len(p) >= 2 && p[1] == ':' && isLetter(p[0]) {
		p = p[:1] + p[2:]
	}
	p = path.Clean("/" + p)
	if p == "/" {
		// Only a directory can be the root; keep the member name valid anyway.
		return FilesDir + "/%2F"
	}
	return FilesDir + escapeMember(p)
}

// escapeMember percent-encodes what CheckMemberPath refuses (control
// characters, invalid UTF-8) and the percent sign itself, so that any host
// file name maps to a valid, reversible member name.
func escapeMember(p string) string {
	clean := true
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f || c == '%' || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return p
	}
	var b strings.Builder
	for len(p) > 0 {
		r, size := utf8.DecodeRuneInString(p)
		switch {
		case r == utf8.RuneError && size <= 1, r < 0x20, r == 0x7f, r == '%':
			fmt.Fprintf(&b, "%%%02X", p[0])
			size = 1
		default:
			b.WriteString(p[:size])
		}
		p = p[size:]
	}
	return b.String()
}

// HostPathOf is the inverse of HostFileMember for display: it returns the
// host path a files/ member was copied from, or "" for other members.
func HostPathOf(member string) string {
	if !strings.HasPrefix(member, FilesDir+"/") {
		return ""
	}
	return member[len(FilesDir):]
}

// CommandMember returns the member path for a command's standard output
// (or, with stderr, its standard error).
func CommandMember(id string, stderr bool) string {
	if stderr {
		return CommandsDir + "/" + id + ".err"
	}
	return CommandsDir + "/" + id + ".out"
}

// ValidID reports whether s can name an item or command output: it becomes
// part of a member path, so it is restricted to a safe alphabet.
var validID = reqItemID // the same pattern, compiled on first use

// ValidID reports whether s is usable as an item id.
func ValidID(s string) bool { return validID().MatchString(s) && !strings.Contains(s, "..") }

// CheckMemberPath rejects member paths that could escape the bundle or be
// read differently on another system: absolute paths, "..", backslashes,
// drive letters, empty or "." segments, control characters, invalid UTF-8.
// p is relative to the bundle's top folder.
func CheckMemberPath(p string) error {
	switch {
	case p == "":
		return errors.New("empty member path")
	case len(p) > MaxMemberPath:
		return fmt.Errorf("member path longer than %d bytes", MaxMemberPath)
	case !utf8.ValidString(p):
		return fmt.Errorf("member path %q is not valid UTF-8", p)
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("member path %q is absolute", p)
	case strings.Contains(p, `\`):
		return fmt.Errorf("member path %q contains a backslash", p)
	case len(p) >= 2 && p[1] == ':' && isLetter(p[0]):
		return fmt.Errorf("member path %q starts with a drive letter", p)
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("member path %q contains a control character", p)
		}
	}
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "":
			return fmt.Errorf("member path %q has an empty segment", p)
		case ".", "..":
			return fmt.Errorf("member path %q has a %q segment", p, seg)
		}
	}
	return nil
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// DefaultName returns the bundle name used when -o names no file:
// <profile>-<host>-<UTC yyyymmddThhmmssZ>. The host part is reduced to a
// safe alphabet.
func DefaultName(profile, host string, t time.Time) string {
	return CaseName(profile, host, "", t)
}

// CaseName is DefaultName with the ticket id between host and time
// (<profile>-<host>-<case>-<time>), or DefaultName when caseID is empty.
func CaseName(profile, host, caseID string, t time.Time) string {
	if caseID == "" {
		return fmt.Sprintf("%s-%s-%s", safeName(profile), safeName(host), t.UTC().Format("20060102T150405Z"))
	}
	return fmt.Sprintf("%s-%s-%s-%s", safeName(profile), safeName(host), safeName(caseID), t.UTC().Format("20060102T150405Z"))
}

// MaxCaseLen bounds a ticket id.
const MaxCaseLen = 64

// CheckCase says why id cannot be a ticket id, or nil. A ticket id goes
// into file names, the signature's trusted comment (space separated) and
// reports, so it is kept to letters, digits and ". _ -", starting with a
// letter or digit.
func CheckCase(id string) error {
	if id == "" {
		return errors.New("empty case id")
	}
	if len(id) > MaxCaseLen {
		return fmt.Errorf("case id %.20q... is longer than %d characters", id, MaxCaseLen)
	}
	for i, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || (i > 0 && (r == '-' || r == '_' || r == '.'))
		if !ok {
			return fmt.Errorf("case id %q: only letters, digits and . _ - (not first) are allowed, found %q", id, r)
		}
	}
	return nil
}

func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "unknown"
	}
	out := b.String()
	if len(out) > 64 {
		out = out[:64]
	}
	return strings.Trim(out, ".")
}
