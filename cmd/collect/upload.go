package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"casefile/collect"
	"casefile/internal/upload"
	"casefile/profiles"
)

// exitUpload: the bundle was written but not uploaded (it is kept).
const exitUpload = 3

// uploadFailed is returned once the failure and the retry command have
// been printed; runMain only turns it into exit status 3.
type uploadFailed struct{ n int }

func (u uploadFailed) Error() string { return fmt.Sprintf("%d upload(s) failed", u.n) }

// uploadFlags are the flags of collect --upload and collect upload.
type uploadFlags struct {
	url        string
	key        string
	knownHosts string
	timeout    string
	keepLocal  bool
}

func addUploadFlags(fl *pflag.FlagSet, u *uploadFlags, withURL bool) {
	if withURL {
		fl.StringVar(&u.url, "upload", "", "send the finished bundle to `URL`: sftp://user@host[:port]/path/ or a presigned https:// PUT URL; the local copy is removed once the server confirmed it (see --keep-local); a failed upload exits 3 and keeps the bundle")
	}
	fl.StringVar(&u.key, "upload-key", "", "SSH private key `FILE` for an sftp:// upload (default: the keys of ssh-agent, SSH_AUTH_SOCK)")
	fl.StringVar(&u.knownHosts, "known-hosts", "", "known_hosts `FILE` the sftp server's host key must be in (default ~/.ssh/known_hosts); an unknown key is refused")
	fl.StringVar(&u.timeout, "upload-timeout", "30m", "bound `DUR` on the whole upload, retries included")
	fl.BoolVar(&u.keepLocal, "keep-local", false, "keep the local bundle after a confirmed upload")
}

// uploader is a checked upload target with its options.
type uploader struct {
	target *upload.Target
	opts   upload.Options
	flags  *uploadFlags
}

// prepare checks the upload flags before anything is collected; nil
// when there is no upload.
func (u *uploadFlags) prepare(fl *pflag.FlagSet) (*uploader, error) {
	if u.url == "" {
		for _, name := range []string{"upload-key", "known-hosts", "upload-timeout", "keep-local"} {
			if f := fl.Lookup(name); f != nil && f.Changed {
				return nil, usagef("--%s needs --upload URL", name)
			}
		}
		return nil, nil
	}
	t, err := upload.Parse(u.url)
	if err != nil {
		return nil, usageError{err}
	}
	up := &uploader{target: t, flags: u}
	d, err := profiles.ParseDuration(u.timeout)
	if err != nil || d <= 0 {
		return nil, usagef("--upload-timeout %q: want a duration like 30m or 2h", u.timeout)
	}
	up.opts.Timeout = d
	if t.Scheme() != "sftp" {
		if u.key != "" || u.knownHosts != "" {
			return nil, usagef("--upload-key and --known-hosts are for sftp:// uploads")
		}
		return up, nil
	}
	if u.key != "" {
		if err := upload.CheckKey(u.key); err != nil {
			return nil, usagef("--upload-key %v", err)
		}
		up.opts.KeyFile = u.key
	} else {
		up.opts.AgentSocket = os.Getenv("SSH_AUTH_SOCK")
		if up.opts.AgentSocket == "" {
			return nil, usagef("--upload %s: no SSH key: give --upload-key FILE, or run ssh-agent (SSH_AUTH_SOCK) with the key loaded", t)
		}
	}
	up.opts.KnownHosts = u.knownHosts
	if u.knownHosts != "" {
		if fi, err := os.Stat(u.knownHosts); err != nil || !fi.Mode().IsRegular() {
			return nil, usagef("--known-hosts %s: not a readable file", u.knownHosts)
		}
	} else {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, usagef("--upload: no home folder for ~/.ssh/known_hosts; give --known-hosts FILE")
		}
		up.opts.KnownHosts = filepath.Join(home, ".ssh", "known_hosts")
	}
	return up, nil
}

// send uploads one bundle. On success the last line on stdout says where
// it went and its SHA-256; on failure two lines on stderr say why and how
// to retry, and the bundle stays.
func (up *uploader) send(ctx context.Context, e *env, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "collect: uploading %s (%s) to %s\n", path, collect.HumanSize(fi.Size()), up.target)
	o := up.opts
	o.Log = prefixWriter{w: e.stderr, prefix: "collect: "}
	res, err := upload.Upload(ctx, path, up.target, o)
	if err != nil {
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled) {
			err = errors.New("interrupted")
		}
		fmt.Fprintf(e.stderr, "collect: upload failed: %v\n", err)
		fmt.Fprintf(e.stderr, "collect: the bundle is kept at %s; retry with: %s\n", path, up.retry(path))
		return uploadFailed{1}
	}
	removed := ""
	if !up.flags.keepLocal {
		if err := os.Remove(path); err != nil {
			fmt.Fprintf(e.stderr, "collect: warning: uploaded, but the local copy stays: %v\n", err)
		} else {
			removed = "; local copy removed"
		}
	}
	fmt.Fprintf(e.stdout, "uploaded: %s (%s, sha256 %s; %s%s)\n", res.Location, collect.HumanSize(res.Size), res.SHA256, res.Checked, removed)
	return nil
}

// retry is the command that sends the kept bundle again. A presigned URL
// is a credential: the hint names it without printing it.
func (up *uploader) retry(path string) string {
	var b strings.Builder
	b.WriteString("collect upload ")
	b.WriteString(shellQuote(path))
	if up.target.Secret() {
		fmt.Fprintf(&b, " 'URL' (the presigned URL for %s; ask for a new one if it has expired)", up.target)
	} else {
		b.WriteString(" " + shellQuote(up.target.String()))
	}
	if up.flags.key != "" {
		b.WriteString(" --upload-key " + shellQuote(up.flags.key))
	}
	if up.flags.knownHosts != "" {
		b.WriteString(" --known-hosts " + shellQuote(up.flags.knownHosts))
	}
	if up.flags.timeout != "30m" {
		b.WriteString(" --upload-timeout " + shellQuote(up.flags.timeout))
	}
	if up.flags.keepLocal {
		b.WriteString(" --keep-local")
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./-_", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

type prefixWriter struct {
	w      io.Writer
	prefix string
}

func (p prefixWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, p.prefix); err != nil {
		return 0, err
	}
	return p.w.Write(b)
}

// newUploadCmd is `collect upload BUNDLE URL`: the retry path.
func newUploadCmd(ctx context.Context, e *env) *cobra.Command {
	var f uploadFlags
	cmd := &cobra.Command{
		Use:   "upload BUNDLE URL",
		Short: "Send an existing bundle to an sftp:// drop or a presigned https:// URL",
		Long: `upload sends a bundle that collect wrote (for example one whose upload
failed) exactly as collect --upload does: to sftp://user@host[:port]/path/
(host key checked against known_hosts, key from --upload-key or ssh-agent;
written under a temporary name, checked, then renamed) or to a presigned
https:// PUT URL (S3, GCS, Azure SAS; retried on server and network
errors). The local file is removed once the server confirmed it, unless
--keep-local. Exit status 3 when the upload failed (the file is kept).`,
		Example: `  collect upload myproduct-gw04-T42-20240301T120000Z.tar.gz sftp://support@drop.example.com/incoming/
  collect upload myproduct-gw04-T42-20240301T120000Z.tar.gz 'https://bucket.s3.amazonaws.com/T42/b.tar.gz?X-Amz-...'`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			f.url = args[1]
			up, err := f.prepare(cmd.Flags())
			if err != nil {
				return err
			}
			if fi, err := os.Stat(args[0]); err != nil || !fi.Mode().IsRegular() {
				return usagef("upload: %s: not a bundle file", args[0])
			}
			return up.send(ctx, e, args[0])
		},
	}
	addUploadFlags(cmd.Flags(), &f, false)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	return cmd
}
