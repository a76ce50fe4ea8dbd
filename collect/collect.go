// Package collect runs a profile's collect section on a host (or a fake
// host under a root folder) and writes one signed, redacted bundle.
package collect

import (
	"context"
	"errors"
	"io"
	"time"

	"aead.dev/minisign"
	"filippo.io/age"

	"casefile/bundle"
	"casefile/profiles"
)

// Options control one collection.
type Options struct {
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
	Note    string
	// MaxFileSize caps each file (default 64 MiB); longer files keep their tail.
	MaxFileSize int64
	// CommandTimeout limits each command (default 30s).
	CommandTimeout time.Duration
	// Since skips rotated logs last modified before it (zero: keep all).
	Since    time.Time
	NoRedact bool
	// EncryptTo encrypts the finished bundle to these age recipients.
	EncryptTo []age.Recipient
	// Clock returns the current time; tests pin it for reproducible bundles.
	Clock func() time.Time
	// Progress receives a line per item (nil: silent).
	Progress io.Writer
	// RootCommandsOnly runs only commands found under Root (fake hosts in
	// tests): a command the root does not supply is recorded as not found,
	// and host facts are read from the root only, so output is reproducible.
	RootCommandsOnly bool
	// DryRun writes the resolved plan to Progress and collects nothing.
	DryRun bool
}

// Result describes a written bundle.
type Result struct {
	Path     string // final file (.tar.gz, or .tar.gz.age when encrypted)
	Size     int64
	SHA256   string
	Manifest *bundle.Manifest
}

// Run collects opts.Profile and writes the bundle. Missing or unreadable
// items are recorded in the manifest, never fatal; an error means no
// bundle was written (and no partial file is left behind).
func Run(ctx context.Context, opts Options) (*Result, error) {
	return nil, errors.New("collect: not implemented yet")
}
