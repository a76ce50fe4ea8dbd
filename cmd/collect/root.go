package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/spf13/cobra"

	"casefile/bundle"
	"casefile/collect"
	"casefile/internal/complete"
	"casefile/internal/version"
	"casefile/internal/versioncmd"
	"casefile/profiles"
	"casefile/pseudo"
)

// flags are the collect command's options.
type flags struct {
	profile      string
	listProfiles bool
	root         string
	output       string
	set          []string
	signKey      string
	note         string
	caseID       string
	dryRun       bool
	maxFileSize  string
	cmdTimeout   string
	maxTime      string
	noRedact     bool
	encryptTo    []string
	since        string
	rootOnly     bool
	rootExec     bool
	verbose      bool
	pseudonymize string
	request      requestFlags // request.go
	upload       uploadFlags  // upload.go
}

func newRootCmd(ctx context.Context, e *env) *cobra.Command {
	var f flags
	cmd := &cobra.Command{
		Use:   "collect --profile NAME|FILE|auto [flags]",
		Short: "Collect a product's troubleshooting data into one signed bundle",
		Long: `collect gathers what a product's troubleshooting procedure asks for on this
host (logs and their rotations, configuration files, command outputs,
process and socket tables, host facts), redacts secrets, and writes one
signed .tar.gz bundle to attach to a support ticket.

It only reads: nothing on the host changes except the bundle file. Items
that cannot be read (missing, permission denied, timed out) are recorded
in the bundle; run as root for a complete bundle.

Check a bundle with public tools:
  tar xzf BUNDLE.tar.gz && cd BUNDLE
  minisign -Vm SHA256SUMS -p key.pub && sha256sum -c SHA256SUMS`,
		Example: `  collect --profile auto --dry-run
  collect --profile myproduct.yaml --set install_dir=/opt/product --note "refused connections since 10:40"
  collect --profile ipsec --sign-key ~/.casefile/field.key -o /tmp/
  collect --profile myproduct.yaml --case SR-4711 --upload sftp://support@drop.example.com/incoming/ --upload-key ~/.ssh/drop_ed25519
  collect --list-profiles
  collect keygen -o ~/.casefile/field.key`,
		Version:       version.String(),
		Args:          cobra.NoArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.listProfiles {
				return listProfiles(e.stdout)
			}
			var err error
			if f.profile, err = f.request.load(f.profile); err != nil {
				return err
			}
			if f.profile == "" {
				return usagef("--profile is required (a built-in name, a profile file, or auto; see --list-profiles)")
			}
			up, err := f.upload.prepare(cmd.Flags())
			if err != nil {
				return err
			}
			return collectMain(ctx, e, &f, up)
		},
	}
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	cmd.SetVersionTemplate(version.Line("collect") + "\n")
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.StringVar(&f.profile, "profile", "", "built-in profile `NAME`, a profile YAML file, or auto (detect installed products)")
	fl.BoolVar(&f.listProfiles, "list-profiles", false, "list the built-in profiles and exit")
	fl.StringVar(&f.root, "root", "/", "treat `DIR` as the host's filesystem root (fake hosts, mounted images)")
	fl.StringVarP(&f.output, "output", "o", "", "bundle file `PATH`, or a folder to put it in (default: ./<profile>-<host>-<UTC time>.tar.gz)")
	fl.StringArrayVar(&f.set, "set", nil, "profile variable `KEY=VALUE` (repeatable), e.g. install_dir=/opt/product")
	fl.StringVar(&f.signKey, "sign-key", "", "minisign secret key `PATH` (see keygen); without it a one-time key proves integrity only")
	fl.StringVar(&f.caseID, "case", "", "the help desk's ticket `ID` (letters, digits, . _ -): in the bundle's name, manifest, signature and every report")
	fl.StringVar(&f.note, "note", "", "what happened and when, as free `TEXT`; stored in the bundle and shown in the report")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the plan (files, globs, commands, variables with their sources) and collect nothing")
	fl.StringVar(&f.maxFileSize, "max-file-size", "64MiB", "per-file cap `SIZE`; longer files keep their newest part (the tail)")
	fl.StringVar(&f.cmdTimeout, "command-timeout", "30s", "per-command limit `DUR`; the command's process group is then killed")
	fl.StringVar(&f.maxTime, "max-time", "10m", "bound `DUR` on the time spent running commands; after it, commands not yet run are skipped (0: no bound)")
	fl.BoolVar(&f.noRedact, "no-redact", false, "store secrets as they are (recorded in the bundle)")
	fl.StringVar(&f.pseudonymize, "pseudonymize", "", "replace host and domain names, IP and MAC addresses and user names by pseudonyms under the key in `KEYFILE` (see keygen --pseudonym; collect unmask reverses them)")
	fl.StringArrayVar(&f.encryptTo, "encrypt-to", nil, "encrypt the bundle to an age `RECIPIENT` (age1... key, or a file of them; repeatable)")
	fl.StringVar(&f.since, "since", "", "skip rotated logs last modified before `DUR|DATE` (7d, 48h, 2024-03-01); current logs are always kept")
	fl.BoolVar(&f.rootExec, "root-exec", false, "with --root other than /: run the root's own programs (only those owned by root or you and not writable by others); without it nothing runs under such a root")
	fl.BoolVar(&f.rootOnly, "root-commands-only", false, "former name of --root-exec")
	fl.MarkHidden("root-commands-only")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "on a terminal too, print a line per item instead of the one-line progress bar")
	addRequestFlags(cmd, &f.request)
	addUploadFlags(fl, &f.upload, true)
	cmd.AddCommand(newKeygenCmd(e), newUnmaskCmd(e), newUploadCmd(ctx, e), versioncmd.New("collect", e.stdout))
	cmd.RegisterFlagCompletionFunc("profile", complete.Profiles("auto"))
	cmd.RegisterFlagCompletionFunc("set", complete.Variables)
	cmd.RegisterFlagCompletionFunc("root", cobra.FixedCompletions(nil, cobra.ShellCompDirectiveFilterDirs))
	return cmd
}

// listProfiles prints each built-in profile with its description.
func listProfiles(w io.Writer) error {
	names := profiles.Names()
	width := 4
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, n := range names {
		p, err := profiles.Builtin(n)
		if err != nil {
			fmt.Fprintf(w, "%-*s  (invalid: %v)\n", width, n, err)
			continue
		}
		fmt.Fprintf(w, "%-*s  %s: %s\n", width, n, p.Title, p.Description)
	}
	fmt.Fprintf(w, "%-*s  detect which of the above are installed and collect each\n", width, "auto")
	return nil
}

// options turns the flags into collect.Options (without the profile).
func (f *flags) options(e *env) (collect.Options, error) {
	opts := collect.Options{
		Root:     f.root,
		Output:   f.output,
		Note:     f.note,
		Case:     f.caseID,
		NoRedact: f.noRedact,
		DryRun:   f.dryRun,
		Set:      map[string]string{},

		RootExec: f.rootExec || f.rootOnly,
		Clock:    e.now,
	}
	if f.caseID != "" {
		if err := bundle.CheckCase(f.caseID); err != nil {
			return opts, usagef("--case: %v", err)
		}
	}
	for _, kv := range f.set {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return opts, usagef("--set %q: want KEY=VALUE", kv)
		}
		opts.Set[strings.TrimSpace(k)] = v
	}
	size, err := profiles.ParseSize(f.maxFileSize)
	if err != nil || size <= 0 {
		return opts, usagef("--max-file-size %q: want a size like 64MiB or 500KB", f.maxFileSize)
	}
	opts.MaxFileSize = size
	d, err := profiles.ParseDuration(f.cmdTimeout)
	if err != nil || d <= 0 {
		return opts, usagef("--command-timeout %q: want a duration like 30s or 2m", f.cmdTimeout)
	}
	opts.CommandTimeout = d
	mt, err := profiles.ParseDuration(f.maxTime)
	if err != nil || mt < 0 {
		return opts, usagef("--max-time %q: want a duration like 10m or 1h (0: no bound)", f.maxTime)
	}
	opts.MaxTime = mt
	if mt == 0 {
		opts.MaxTime = -1
	}
	if f.since != "" {
		t, err := parseSince(f.since, time.Now())
		if err != nil {
			return opts, usageError{err}
		}
		opts.Since = t
	}
	if fi, err := os.Stat(f.root); err != nil || !fi.IsDir() {
		return opts, usagef("--root %s: not a folder", f.root)
	}
	if f.pseudonymize != "" {
		k, err := pseudo.LoadKey(f.pseudonymize)
		if err != nil {
			return opts, usagef("--pseudonymize: %v", err)
		}
		opts.Pseudonymize = k
	}
	if f.signKey != "" {
		k, err := bundle.LoadPrivateKey(f.signKey, os.Getenv("CASEFILE_KEY_PASSWORD"))
		if err != nil {
			return opts, usagef("--sign-key: %v", err)
		}
		opts.SignKey = &k
	}
	for _, r := range f.encryptTo {
		rs, err := parseRecipients(r)
		if err != nil {
			return opts, usageError{err}
		}
		opts.EncryptTo = append(opts.EncryptTo, rs...)
	}
	return opts, nil
}

// parseSince reads --since: a duration back from now (7d, 48h) or a date
// (2024-03-01, 2024-03-01 10:00, RFC 3339) in local time unless it says.
func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := profiles.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--since %q: want a duration (7d, 48h) or a date (2024-03-01, 2024-03-01 10:00)", s)
}

// parseRecipients reads an age recipient, or a file of them.
func parseRecipients(s string) ([]age.Recipient, error) {
	if strings.HasPrefix(s, "age1") {
		rs, err := age.ParseRecipients(strings.NewReader(s))
		if err != nil {
			return nil, fmt.Errorf("--encrypt-to %s: %v", s, err)
		}
		return rs, nil
	}
	fh, err := os.Open(s)
	if err != nil {
		return nil, fmt.Errorf("--encrypt-to %s: not an age1... recipient, and %v", s, err)
	}
	defer fh.Close()
	rs, err := age.ParseRecipients(fh)
	if err != nil {
		return nil, fmt.Errorf("--encrypt-to %s: %v", s, err)
	}
	return rs, nil
}

// collectMain runs one collection, or one per detected product.
func collectMain(ctx context.Context, e *env, f *flags, up *uploader) error {
	opts, err := f.options(e)
	if err != nil {
		return err
	}
	if opts.NoRedact {
		fmt.Fprintf(e.stderr, "collect: warning: --no-redact: secrets are stored as they are\n")
	}
	var todo []*profiles.Profile
	if f.profile == "auto" {
		todo, err = autoProfiles(ctx, e, opts)
		if err != nil {
			return err
		}
		if len(todo) > 1 && opts.Output != "" && !isDir(opts.Output) {
			return usagef("with --profile auto, -o must name a folder (%d products found)", len(todo))
		}
	} else {
		p, err := profiles.Load(f.profile)
		if err != nil {
			return usageError{err}
		}
		if err := checkSet(opts.Set, p); err != nil {
			return err
		}
		if err := f.request.apply(e, &opts, p, e.clock()); err != nil {
			return err
		}
		todo = []*profiles.Profile{p}
	}
	if up != nil && len(todo) > 1 && up.target.NamesFile() {
		return usagef("--upload %s names one file, and --profile auto found %d products; give an sftp:// folder ending in /", up.target, len(todo))
	}
	var failed []string
	var upErr error
	for _, p := range todo {
		o := opts
		o.Profile = p
		o.Set = setFor(opts.Set, p)
		if opts.DryRun {
			o.Progress = e.stdout
		} else if f.verbose {
			o.Progress = e.stderr
		} else {
			o.Progress = newProgress(e)
		}
		res, err := collect.Run(ctx, o)
		if pw, ok := o.Progress.(*progress); ok {
			pw.finish()
		}
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("interrupted; partial bundle removed")
			}
			if len(todo) == 1 {
				return err
			}
			fmt.Fprintf(e.stderr, "collect: %s: %v\n", p.Name, err)
			failed = append(failed, p.Name)
			continue
		}
		if opts.DryRun {
			if up != nil {
				fmt.Fprintf(e.stdout, "upload: the bundle would go to %s\n", up.target)
			}
			fmt.Fprintln(e.stdout)
			continue
		}
		reportResult(e, res)
		if up != nil {
			if err := up.send(ctx, e, res.Path); err != nil {
				upErr = err
			}
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("no bundle written for %s", strings.Join(failed, ", "))
	}
	return upErr
}

// reportResult prints what could not be read, then the final line.
func reportResult(e *env, res *collect.Result) {
	denied, unredactable, other := 0, 0, 0
	for _, it := range res.Manifest.Items {
		kinds := []string{it.ErrorKind}
		if (it.Kind == bundle.KindFile || it.Kind == bundle.KindGlob) && len(it.Stored) > 0 {
			kinds = nil // its files' own errors say it, once each
		}
		for _, s := range it.Stored {
			kinds = append(kinds, s.ErrorKind)
		}
		for _, k := range kinds {
			switch k {
			case "", bundle.ErrSkipped, bundle.ErrNotFound, bundle.ErrCommandNotFound:
			case bundle.ErrPermission:
				denied++
			case bundle.ErrNotRedactable:
				unredactable++
			default:
				other++
			}
		}
	}
	if unredactable > 0 {
		fmt.Fprintf(e.stderr, "collect: %d file(s) could not be parsed for redaction and were not collected (they could hold secrets); see the progress lines marked !. Collect them with --no-redact, or the profile's redact: false, if they hold none.\n", unredactable)
	}
	if denied > 0 {
		fmt.Fprintf(e.stderr, "collect: %d item(s) could not be read (permission denied); they are listed in the bundle. Run as root for a complete bundle.\n", denied)
	}
	if other > 0 {
		fmt.Fprintf(e.stderr, "collect: %d problem(s) recorded in the bundle (timeouts, unreadable files); see the progress lines marked !\n", other)
	}
	if res.Manifest.Signer.OneTime {
		fmt.Fprintf(e.stderr, "collect: signed with a one-time key (integrity only); use --sign-key for a signature the help desk trusts\n")
	}
	fmt.Fprintf(e.stdout, "bundle: %s (%s, sha256 %s)\n", res.Path, collect.HumanSize(res.Size), res.SHA256)
}

// autoProfiles detects which built-in products are installed.
func autoProfiles(ctx context.Context, e *env, opts collect.Options) ([]*profiles.Profile, error) {
	var all []*profiles.Profile
	for _, n := range profiles.Names() {
		p, err := profiles.Builtin(n)
		if err != nil {
			fmt.Fprintf(e.stderr, "collect: warning: skipping built-in profile %s: %v\n", n, err)
			continue
		}
		all = append(all, p)
	}
	for k := range opts.Set {
		known := false
		for _, p := range all {
			for _, v := range p.Variables {
				known = known || v.Name == k
			}
		}
		if !known {
			return nil, usagef("--set %s: no built-in profile has a variable %q", k, k)
		}
	}
	dets, err := collect.Detect(ctx, opts, all)
	if err != nil {
		return nil, err
	}
	w := e.stderr
	if opts.DryRun {
		w = e.stdout
	}
	var out []*profiles.Profile
	for _, d := range dets {
		fmt.Fprintf(w, "detected %s: %s\n", d.Profile.Name, strings.Join(d.Reasons, "; "))
		out = append(out, d.Profile)
	}
	if len(out) == 0 {
		host, err := profiles.HostProfile()
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "no known product detected (tried %s); collecting host facts only\n", strings.Join(profiles.Names(), ", "))
		out = append(out, host)
	}
	if opts.DryRun {
		fmt.Fprintln(w)
	}
	return out, nil
}

// checkSet rejects --set keys the profile does not define.
func checkSet(set map[string]string, p *profiles.Profile) error {
	var unknown, known []string
	for k := range set {
		ok := false
		for _, v := range p.Variables {
			ok = ok || v.Name == k
		}
		if !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	for _, v := range p.Variables {
		known = append(known, v.Name)
	}
	sort.Strings(unknown)
	return usagef("--set %s: profile %s has no such variable (it has: %s)", strings.Join(unknown, ", "), p.Name, strings.Join(known, ", "))
}

// setFor keeps the --set values a profile defines.
func setFor(set map[string]string, p *profiles.Profile) map[string]string {
	out := map[string]string{}
	for _, v := range p.Variables {
		if val, ok := set[v.Name]; ok {
			out[v.Name] = val
		}
	}
	return out
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return (err == nil && fi.IsDir()) || strings.HasSuffix(p, "/") || strings.HasSuffix(p, string(filepath.Separator))
}

// newKeygenCmd is `collect keygen -o PATH`.
func newKeygenCmd(e *env) *cobra.Command {
	var out string
	var pseudonym bool
	cmd := &cobra.Command{
		Use:   "keygen [--pseudonym] -o PATH",
		Short: "Write a minisign key pair for signing bundles (PATH and PATH.pub)",
		Long: `keygen writes a new minisign key pair: the secret key to PATH (mode 0600,
unencrypted: keep it on the engineer's machine) and the public key to
PATH.pub, in minisign's formats. Give PATH.pub to the help desk for its
--trust file; collect --sign-key PATH signs bundles with the secret key.
Existing files are never overwritten.

With --pseudonym it writes a pseudonym key instead (mode 0600): the key
collect --pseudonymize uses, which the customer keeps. Bundles collected
with the same key on several hosts use the same pseudonyms; collect
unmask --key turns them back into the real values in a report.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("keygen: -o PATH is required")
			}
			if pseudonym {
				k, err := pseudo.NewKey()
				if err != nil {
					return err
				}
				f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
				if err != nil {
					if errors.Is(err, os.ErrExist) {
						return fmt.Errorf("keygen: %s already exists; not overwriting", out)
					}
					return fmt.Errorf("keygen: %w", err)
				}
				if _, err := f.Write(k.Marshal()); err != nil {
					f.Close()
					os.Remove(out)
					return fmt.Errorf("keygen: %w", err)
				}
				if err := f.Close(); err != nil {
					os.Remove(out)
					return fmt.Errorf("keygen: %w", err)
				}
				fmt.Fprintf(e.stdout, "pseudonym key: %s (keep it: it reverses the pseudonyms)\nkey id:        %s\n", out, k.ID())
				return nil
			}
			pub, priv, err := bundle.GenerateKey()
			if err != nil {
				return err
			}
			if err := bundle.WriteKeyFiles(out, pub, priv); err != nil {
				if errors.Is(err, os.ErrExist) {
					return fmt.Errorf("keygen: %s or %s.pub already exists; not overwriting", out, out)
				}
				return fmt.Errorf("keygen: %w", err)
			}
			fmt.Fprintf(e.stdout, "secret key: %s (keep it private)\npublic key: %s.pub (for the help desk's --trust file)\nkey id:     %s\n",
				out, out, bundle.KeyID(pub.ID()))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "secret key file `PATH`; the public key goes to PATH.pub")
	cmd.Flags().BoolVar(&pseudonym, "pseudonym", false, "write a pseudonym key (for --pseudonymize) instead of a signing key pair")
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	return cmd
}

// newUnmaskCmd is `collect unmask --key KEYFILE REPORT`.
func newUnmaskCmd(e *env) *cobra.Command {
	var keyFile, out string
	cmd := &cobra.Command{
		Use:   "unmask --key KEYFILE REPORT",
		Short: "Turn the pseudonyms in a report back into the real names, addresses and users",
		Long: `unmask reads a report the help desk sent back (text, JSON or HTML; "-" for
standard input) and writes it with every pseudonym made with KEYFILE
replaced by the real value: host and domain names, IP and MAC addresses,
user names. Host names come back in lower case. The key stays on the
customer's side; nothing else is needed (no map is kept anywhere).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keyFile == "" {
				return usagef("unmask: --key KEYFILE is required")
			}
			k, err := pseudo.LoadKey(keyFile)
			if err != nil {
				return usagef("unmask: %v", err)
			}
			var in []byte
			if args[0] == "-" {
				in, err = io.ReadAll(os.Stdin)
			} else {
				in, err = os.ReadFile(args[0])
			}
			if err != nil {
				return usagef("unmask: %v", err)
			}
			res, err := pseudo.UnmaskReport(pseudo.NewMapper(k), in)
			if err != nil {
				return usagef("unmask: %s: %v", args[0], err)
			}
			if out == "" || out == "-" {
				_, err = e.stdout.Write(res)
				return err
			}
			tmp := out + ".tmp"
			if err := os.WriteFile(tmp, res, 0o600); err != nil {
				return fmt.Errorf("unmask: %w", err)
			}
			return os.Rename(tmp, out)
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "pseudonym key `KEYFILE` the bundles were collected with")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the unmasked report to `PATH` (default: standard output)")
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	return cmd
}
