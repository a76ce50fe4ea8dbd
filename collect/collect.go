// Package collect runs a profile's collect section on a host (or a fake
// host under a root folder) and writes one signed, redacted bundle.
package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"aead.dev/minisign"
	"filippo.io/age"

	"casefile/bundle"
	"casefile/internal/version"
	"casefile/profiles"
	"casefile/pseudo"
	"casefile/redact"
)

// Options control one collection.
type Options struct {
	// Profile is what to collect (its items, variables and redaction
	// rules); the host items of profiles/_host.yaml are added.
	Profile *profiles.Profile
	// Root is the host's filesystem root ("/" by default); tests use fake
	// hosts under testdata through it.
	Root string
	// Output is the bundle file, or a directory to put it in ("" = ".").
	Output string
	// Set holds --set variable values.
	Set map[string]string
	// SignKey signs SHA256SUMS; nil makes a one-time key (integrity only).
	SignKey *minisign.PrivateKey
	// Note is the operator's account of what happened and when.
	Note string
	// Case is the help desk's ticket id (bundle.CheckCase); it goes into
	// the bundle's name, manifest and signature.
	Case string
	// MaxFileSize caps each file (default 64 MiB); longer files keep their tail.
	MaxFileSize int64
	// CommandTimeout limits each command (default 30s).
	CommandTimeout time.Duration
	// MaxTime bounds the time spent running commands (default 10m, < 0:
	// no bound): once it has passed since the start, commands still to
	// run are recorded as skipped, and a running command's timeout is cut
	// to what is left. Files, listings and builtins are still collected.
	MaxTime time.Duration
	// Since skips rotated logs last modified before it (zero: keep all).
	Since time.Time
	// NoRedact stores secrets as they are (recorded in the manifest).
	NoRedact bool
	// Pseudonymize replaces host and domain names, addresses and users
	// by pseudonyms under this key (see package pseudo); nil: off.
	Pseudonymize *pseudo.Key
	// EncryptTo encrypts the finished bundle to these age recipients.
	EncryptTo []age.Recipient
	// Clock returns the current time; tests pin it for reproducible bundles.
	Clock func() time.Time
	// Progress receives a line per item (nil: silent).
	Progress io.Writer
	// RootExec lets a collection under a Root other than / run the root's
	// own programs (fake hosts in tests, whose bin/ holds scripts printing
	// fixtures), each only when it passes the ownership test. Without it
	// nothing runs under such a root. Under a root other than / the real
	// machine's programs never run and host facts come from the root only,
	// so fake-host bundles are reproducible and never describe this machine.
	RootExec bool
	// RootCommandsOnly is the former name of RootExec (either sets it).
	RootCommandsOnly bool
	// DryRun writes the resolved plan to Progress and collects nothing.
	DryRun bool
	// NoHostItems leaves out the host items of profiles/_host.yaml (for
	// tests that want a bundle of exactly the profile's items).
	NoHostItems bool
	// Request, when set, makes this a follow-up collection (collect
	// --request): see FollowUpRequest.
	Request *FollowUpRequest
}

// Result describes a written bundle.
type Result struct {
	Path     string // final file (.tar.gz, or .tar.gz.age when encrypted)
	Size     int64
	SHA256   string
	Manifest *bundle.Manifest
}

// Defaults of the limits.
const (
	DefaultMaxFileSize    = 64 << 20
	DefaultCommandTimeout = 30 * time.Second
	DefaultMaxTime        = 10 * time.Minute
)

// collector is the state of one Run.
type collector struct {
	opts     Options
	fs       *hostFS
	tmpDir   string
	host     bundle.Host
	loc      *time.Location
	vars     map[string]bundle.Variable
	redactor *redact.Engine
	// pseudo replaces names, addresses and users (nil: off); plain is
	// the engine of items stored without redaction then (filter only).
	pseudo  *pseudo.Replacer
	plain   *redact.Engine
	asm     *assembler
	out     io.Writer
	procs   *procList
	shimDir string // see rootShims
	shimErr error
	// deadline is when --max-time ends, on the real clock (zero: none).
	deadline time.Time
	// trustCache holds the ownership test's answer per real path.
	trustCache map[string]error
	// read counts the bytes read of the running item's files.
	read atomic.Int64
}

// ItemProgress is implemented by an Options.Progress writer that shows
// the running item (a terminal's progress bar): StartItem is called as
// each item starts, with a function giving the bytes of files read so
// far; the item's line, written when it ends, replaces it.
type ItemProgress interface {
	StartItem(index, total int, id, kind string, read func() int64)
}

func (c *collector) now() time.Time { return c.opts.Clock() }

// newCollector checks opts and works out the host facts.
func newCollector(opts Options) (*collector, error) {
	if opts.Profile == nil {
		return nil, errors.New("collect: no profile")
	}
	if opts.Root == "" {
		opts.Root = string(filepath.Separator)
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.CommandTimeout <= 0 {
		opts.CommandTimeout = DefaultCommandTimeout
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.MaxTime == 0 {
		opts.MaxTime = DefaultMaxTime
	}
	if opts.RootCommandsOnly {
		opts.RootExec = true
	}
	fsys, err := newHostFS(opts.Root)
	if err != nil {
		return nil, err
	}
	c := &collector{opts: opts, fs: fsys, out: opts.Progress, vars: map[string]bundle.Variable{}}
	if c.out == nil {
		c.out = io.Discard
	}
	c.tmpDir = os.TempDir()
	c.host, c.loc = c.hostIdentity(c.now())
	if !opts.NoRedact {
		c.redactor, err = redact.New(redact.FromProfile(opts.Profile.Redact))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", opts.Profile.File, err)
		}
	}
	if opts.Pseudonymize != nil {
		c.setupPseudonyms()
	}
	return c, nil
}

// Run collects opts.Profile and writes the bundle. Missing or unreadable
// items are recorded in the manifest, never fatal; an error means no
// bundle was written (and no partial file is left behind).
func Run(ctx context.Context, opts Options) (*Result, error) {
	c, err := newCollector(opts)
	if err != nil {
		return nil, err
	}
	opts = c.opts
	if opts.MaxTime > 0 {
		c.deadline = time.Now().Add(opts.MaxTime)
	}
	start := c.now()
	c.resolveVars(ctx, opts.Profile)
	c.markUntrustedVars()

	var hostProfile *profiles.Profile
	if !opts.NoHostItems {
		if hostProfile, err = profiles.HostProfile(); err != nil {
			return nil, fmt.Errorf("host items: %w", err)
		}
	}
	plan := c.plan(opts.Profile, hostProfile)
	if c.pseudo != nil && !opts.DryRun {
		c.prescanNames(plan)
	}
	caseID := opts.Case
	if caseID == "" && opts.Request != nil {
		caseID = opts.Request.Case // a follow-up keeps the ticket of the bundle it follows
	}
	name := bundle.CaseName(opts.Profile.Name, c.host.Hostname, caseID, start)
	m := c.manifest(name, start)

	if opts.DryRun {
		c.printPlan(ctx, plan, name)
		return &Result{Manifest: m}, nil
	}

	final, err := outputPath(opts.Output, name, len(opts.EncryptTo) > 0)
	if err != nil {
		return nil, err
	}
	if err := outputProblem(final); err != nil {
		return nil, err
	}
	c.tmpDir = filepath.Dir(final)
	c.asm, err = newAssembler(final, name, c.now)
	if err != nil {
		return nil, err
	}
	defer c.asm.abort()
	defer c.removeShims()

	fmt.Fprintf(c.out, "collecting %s (%s) on %s into %s\n", opts.Profile.Name, opts.Profile.Title, c.host.Hostname, final)
	ip, _ := c.out.(ItemProgress)
	for i, p := range plan {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("interrupted; partial bundle removed: %w", err)
		}
		c.read.Store(0)
		if ip != nil {
			ip.StartItem(i+1, len(plan), p.id, p.kind, c.read.Load)
		}
		it, err := c.collectItem(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w; partial bundle removed", p.id, err)
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("interrupted; partial bundle removed: %w", err)
		}
		m.Items = append(m.Items, it)
		fmt.Fprintf(c.out, "[%*d/%d] %s\n", digits(len(plan)), i+1, len(plan), summary(it))
	}

	end := c.now()
	m.Collection.EndUTC = end.UTC()
	m.Collection.EndLocal = end.In(c.loc).Format(time.RFC3339)

	key := opts.SignKey
	if key == nil {
		_, k, err := bundle.GenerateKey()
		if err != nil {
			return nil, fmt.Errorf("making a one-time signing key: %w", err)
		}
		key = &k
		m.Signer.OneTime = true
	}
	pub := key.Public().(minisign.PublicKey)
	m.Signer.KeyID = bundle.KeyID(pub.ID())
	m.Signer.PublicKey = pub.String()

	if c.pseudo != nil {
		if err := c.pseudonymizeManifest(m); err != nil {
			return nil, err
		}
	}
	size, sum, err := c.asm.finish(m, *key, opts.EncryptTo)
	if err != nil {
		return nil, fmt.Errorf("%w; partial bundle removed", err)
	}
	return &Result{Path: final, Size: size, SHA256: sum, Manifest: m}, nil
}

// manifest fills everything but the items, the end time and the signer.
func (c *collector) manifest(name string, start time.Time) *bundle.Manifest {
	p := c.opts.Profile
	src := "builtin"
	if !p.Builtin {
		src = p.File
	}
	m := &bundle.Manifest{
		FormatVersion: bundle.FormatVersion,
		Tool:          bundle.Tool{Name: version.Tool, Version: version.String()},
		Name:          name,
		Profile:       bundle.ProfileRef{Name: p.Name, Version: p.Version, SHA256: p.SHA256, Source: src},
		Host:          c.host,
		Root:          c.fs.root,
		Collection: bundle.Collection{
			StartUTC:   start.UTC(),
			EndUTC:     start.UTC(),
			StartLocal: start.In(c.loc).Format(time.RFC3339),
			EndLocal:   start.In(c.loc).Format(time.RFC3339),
		},
		Note:      c.opts.Note,
		Case:      c.opts.Case,
		Variables: map[string]bundle.Variable{},
		Redaction: bundle.Redaction{Enabled: !c.opts.NoRedact},
		Options: bundle.Options{
			MaxFileSize:    c.opts.MaxFileSize,
			CommandTimeout: c.opts.CommandTimeout.String(),
		},
		Items: []bundle.Item{},
	}
	if c.redactor != nil {
		m.Redaction.Rules = c.redactor.RuleNames()
	}
	if r := c.opts.Request; r != nil {
		fu := r.FollowUp
		m.FollowUp = &fu
		if m.Case == "" {
			m.Case = r.Case
		}
	}
	if c.opts.MaxTime > 0 {
		m.Options.MaxTime = c.opts.MaxTime.String()
	}
	if !c.opts.Since.IsZero() {
		m.Options.Since = c.opts.Since.UTC().Format(time.RFC3339)
	}
	for k, v := range c.vars {
		v.Value = c.redactString(k+" = "+v.Value, redact.Target{}, len(k)+3)
		m.Variables[k] = v
	}
	return m
}

// redactString redacts s and returns it from offset skip.
func (c *collector) redactString(s string, t redact.Target, skip int) string {
	if c.redactor == nil {
		return s[skip:]
	}
	out, _ := c.redactor.String(s, t)
	if len(out) < skip {
		return out
	}
	return out[skip:]
}

// outputPath works out the bundle's file name from -o.
func outputPath(output, name string, encrypted bool) (string, error) {
	if output == "" {
		output = "."
	}
	file := output
	if fi, err := os.Stat(output); (err == nil && fi.IsDir()) || strings.HasSuffix(output, string(filepath.Separator)) || strings.HasSuffix(output, "/") {
		if err != nil {
			return "", fmt.Errorf("output folder %s: %w", output, err)
		}
		file = filepath.Join(output, name+".tar.gz")
	}
	if encrypted && !strings.HasSuffix(file, ".age") {
		file += ".age"
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", fmt.Errorf("output %s: %w", output, err)
	}
	if fi, err := os.Stat(filepath.Dir(abs)); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("output %s: folder %s does not exist", output, filepath.Dir(abs))
	}
	return abs, nil
}

func digits(n int) int { return len(fmt.Sprint(n)) }

// summary is an item's progress line. Problems are marked "!"; an
// optional item that is not on this host is "absent", not a problem.
func summary(it bundle.Item) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-28s %-7s ", it.ID, it.Kind)
	var size int64
	stored, failed := 0, 0
	for _, s := range it.Stored {
		if s.SHA256 != "" {
			stored++
			size += s.Size
		} else if s.ErrorKind != bundle.ErrSkipped {
			failed++
		}
	}
	switch {
	case it.Optional && stored == 0 && (it.ErrorKind == "" || it.ErrorKind == bundle.ErrNotFound || it.ErrorKind == bundle.ErrCommandNotFound || it.ErrorKind == bundle.ErrSkipped):
		b.WriteString("absent (optional)")
		if it.Error != "" {
			b.WriteString(": " + it.Error)
		}
	case it.ErrorKind == bundle.ErrSkipped && stored == 0:
		fmt.Fprintf(&b, "skipped: %s", it.Error)
	case it.ErrorKind != "" && stored == 0:
		fmt.Fprintf(&b, "! %s", it.Error)
	default:
		if it.Kind == bundle.KindFile || it.Kind == bundle.KindGlob {
			fmt.Fprintf(&b, "%d file(s), %s", stored, HumanSize(size))
		} else {
			fmt.Fprintf(&b, "%s", HumanSize(size))
			if it.ExitCode != nil {
				fmt.Fprintf(&b, ", exit %d", *it.ExitCode)
			}
		}
		for _, gc := range it.GlobCaps {
			fmt.Fprintf(&b, " (the newest %d of %d matches)", gc.Kept, gc.Matched)
		}
		if failed > 0 {
			fmt.Fprintf(&b, " ! %d not read", failed)
		}
		if it.Error != "" {
			fmt.Fprintf(&b, " ! %s", it.Error)
		}
	}
	return b.String()
}

// HumanSize formats a byte count: 512 B, 1.5 KiB, 12.0 MiB.
func HumanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// currentOS is the OS name profiles use for this host.
func currentOS() string { return runtime.GOOS }
