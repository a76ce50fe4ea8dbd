package collect

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"casefile/bundle"
	"casefile/internal/testenv"
	"casefile/profiles"
)

// TestRunBasicManifest collects the basic fake host and compares the
// manifest with a golden file: every item kind, variables and their
// sources, redaction counts, errors for missing things.
func TestRunBasicManifest(t *testing.T) {
	opts := testOptions(t, loadTestProfile(t, "basic"), basicHost())
	opts.Note = "appd refused connections from 10:00"
	res := run(t, opts)
	m, members := readBundle(t, res.Path)
	if res.Manifest == nil || res.Manifest.Name != m.Name {
		t.Fatalf("Result.Manifest does not describe the bundle")
	}
	if !strings.HasSuffix(res.Path, "basic-basic01-20240301T120000Z.tar.gz") {
		t.Errorf("bundle path %s", res.Path)
	}
	fi, err := os.Stat(res.Path)
	if err != nil || fi.Size() != res.Size {
		t.Errorf("Result.Size %d, file %v %v", res.Size, fi, err)
	}
	checkGolden(t, "basic.manifest.json", normaliseManifest(m))
	// Builtins are their own kind, with no binary.
	for _, id := range []string{"host.facts", "host.processes", "app-limits"} {
		if it := findItem(t, m, id); it.Kind != bundle.KindBuiltin || it.Binary != "" {
			t.Errorf("item %s: kind %q binary %q, want kind %q and no binary", id, it.Kind, it.Binary, bundle.KindBuiltin)
		}
	}
	// The stored bytes themselves, for a few members.
	checkGolden(t, "basic.members.json", map[string]string{
		"files/etc/app/app.conf":      memberData(t, members, "files/etc/app/app.conf"),
		"files/etc/ipsec.secrets":     memberData(t, members, "files/etc/ipsec.secrets"),
		"commands/app-dir.out":        normaliseListing(memberData(t, members, "commands/app-dir.out")),
		"commands/host.sockets.out":   memberData(t, members, "commands/host.sockets.out"),
		"commands/host.processes.out": memberData(t, members, "commands/host.processes.out"),
		"commands/app-limits.out":     memberData(t, members, "commands/app-limits.out"),
		"commands/host.facts.out":     strings.ReplaceAll(memberData(t, members, "commands/host.facts.out"), m.Root, "ROOT"),
		"commands/appctl-status.out":  memberData(t, members, "commands/appctl-status.out"),
		"commands/appctl-status.err":  memberData(t, members, "commands/appctl-status.err"),
	})
}

// TestItemsOptional: the manifest marks items whose absence is normal on
// this host (optional in the profile, found or not; skipped because
// their when is false; a builtin this root does not support), and only
// those: a missing file or command the profile expects, a failed read
// and a when that fails are not optional.
func TestItemsOptional(t *testing.T) {
	// One more collect item whose when fails.
	p := basicWithItem(t, "", "  - id: broken-when\n    files: [/etc/app/app.conf]\n    when: include_cores > 3")
	res := run(t, testOptions(t, p, basicHost()))
	want := map[string]bool{
		"optional-file":   true,  // optional, not found
		"host.os-release": true,  // optional, found
		"cores":           true,  // when is false
		"host.disk-free":  true,  // builtin unsupported under this root
		"app-config":      false, // collected
		"missing-file":    false, // expected, not found
		"no-such-command": false, // expected, command not found
		"loop":            false, // failed
		"broken-when":     false, // its when failed: a problem, not "not here"
	}
	for id, opt := range want {
		it := findItem(t, res.Manifest, id)
		if it.Optional != opt {
			t.Errorf("item %s (%s): optional %v, want %v", id, it.ErrorKind, it.Optional, opt)
		}
	}
	if it := findItem(t, res.Manifest, "broken-when"); it.ErrorKind != bundle.ErrSkipped {
		t.Errorf("broken-when: error_kind %q, want skipped", it.ErrorKind)
	}
}

// TestRunReproducible: with RootCommandsOnly and a pinned clock, two
// collections of the same fake host store the same members.
func TestRunReproducible(t *testing.T) {
	p := loadTestProfile(t, "basic")
	a := run(t, testOptions(t, p, basicHost()))
	b := run(t, testOptions(t, p, basicHost()))
	_, ma := readBundle(t, a.Path)
	_, mb := readBundle(t, b.Path)
	if len(ma) != len(mb) {
		t.Fatalf("%d members vs %d", len(ma), len(mb))
	}
	for i := range ma {
		if ma[i].name != mb[i].name {
			t.Fatalf("member %d: %s vs %s", i, ma[i].name, mb[i].name)
		}
		if ma[i].name == bundle.ManifestName || strings.HasPrefix(ma[i].name, bundle.SumsName) {
			continue // one-time keys differ
		}
		if !bytes.Equal(ma[i].data, mb[i].data) {
			t.Errorf("member %s differs between runs", ma[i].name)
		}
	}
}

// TestBundleVerifiesWithPublicTools checks a real bundle with the real
// tar, sha256sum and minisign, signed with a key from keygen's writer.
func TestBundleVerifiesWithPublicTools(t *testing.T) {
	testenv.Program(t, "tar", "tar")
	testenv.Program(t, "sha256sum", "coreutils")
	testenv.Program(t, "minisign", "minisign")
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "casefile.key")
	pub, priv, err := bundle.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := bundle.WriteKeyFiles(keyPath, pub, priv); err != nil {
		t.Fatal(err)
	}
	key, err := bundle.LoadPrivateKey(keyPath, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		signKey bool
	}{{"signed", true}, {"one-time key", false}} {
		t.Run(tc.name, func(t *testing.T) {
			opts := testOptions(t, loadTestProfile(t, "basic"), basicHost())
			pubPath := keyPath + ".pub"
			if tc.signKey {
				opts.SignKey = &key
			}
			res := run(t, opts)
			m, _ := readBundle(t, res.Path)
			if m.Signer.OneTime == tc.signKey {
				t.Errorf("signer one_time = %v", m.Signer.OneTime)
			}
			if !tc.signKey {
				// The one-time public key is in the manifest.
				pubPath = filepath.Join(t.TempDir(), "onetime.pub")
				if err := os.WriteFile(pubPath, []byte("untrusted comment: one-time key\n"+m.Signer.PublicKey+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			x := t.TempDir()
			if out, err := exec.Command("tar", "-xzf", res.Path, "-C", x).CombinedOutput(); err != nil {
				t.Fatalf("tar -xzf: %v\n%s", err, out)
			}
			top := filepath.Join(x, m.Name)
			cmd := exec.Command("sha256sum", "-c", "--strict", bundle.SumsName)
			cmd.Dir = top
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("sha256sum -c: %v\n%s", err, out)
			}
			cmd = exec.Command("minisign", "-Vm", bundle.SumsName, "-p", pubPath)
			cmd.Dir = top
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("minisign -V: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "bundle:"+m.Name) {
				t.Errorf("trusted comment does not name the bundle:\n%s", out)
			}
			// A tampered member fails sha256sum.
			if err := os.WriteFile(filepath.Join(top, "files/etc/hostname"), []byte("evil\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd = exec.Command("sha256sum", "-c", "--quiet", bundle.SumsName)
			cmd.Dir = top
			if err := cmd.Run(); err == nil {
				t.Errorf("sha256sum -c accepted a tampered member")
			}
		})
	}
}

// TestRunOutputRules: -o as a folder or a file; an existing file is not
// overwritten; a missing folder is an error and leaves nothing behind.
func TestRunOutputRules(t *testing.T) {
	p := loadTestProfile(t, "basic")
	dir := t.TempDir()
	opts := testOptions(t, p, basicHost())
	opts.NoHostItems = true
	opts.Output = filepath.Join(dir, "custom.tar.gz")
	res := run(t, opts)
	if res.Path != opts.Output {
		t.Errorf("path %s, want %s", res.Path, opts.Output)
	}
	if _, err := Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second run over the same file: %v", err)
	}
	opts.Output = filepath.Join(dir, "no", "such", "folder", "x.tar.gz")
	if _, err := Run(context.Background(), opts); err == nil {
		t.Errorf("output in a missing folder: no error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("output folder holds %v, want only custom.tar.gz", names)
	}
}

// normaliseListing keeps the type, name and link target of each listing
// line: owners, modes, sizes of folders and times depend on the checkout.
func normaliseListing(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		f := strings.Fields(l)
		if len(f) < 6 || strings.HasPrefix(l, "#") {
			out = append(out, l)
			continue
		}
		out = append(out, l[:1]+" "+strings.Join(f[5:], " "))
	}
	return strings.Join(out, "\n")
}

// TestNoSecretInBundle: with redaction on, none of the fake host's
// secrets reaches any byte of the bundle: members, manifest (variables,
// recorded command lines), sums.
func TestNoSecretInBundle(t *testing.T) {
	p := loadTestProfile(t, "basic")
	p.Collect = append(p.Collect, profiles.CollectItem{ID: "with-secret-arg", Command: []string{"appctl", "status", "--password=Hunter2-cli"}})
	p.Variables = append(p.Variables, profiles.Variable{Name: "db_password"})
	opts := testOptions(t, p, basicHost())
	opts.Set = map[string]string{"db_password": "Set-S3cret"}
	res := run(t, opts)
	m, members := readBundle(t, res.Path)
	secrets := []string{"Tr0ub4dor", "LIC-0042-XYZ", "Zx9-pass", "vEry-s3cret-psk", "6f1e2d3c4b5a6978",
		"hunter22", "abcdef0123456789", "eyJhbGciOiJIUzI1NiJ9", "Hunter2-cli", "Set-S3cret"}
	for _, mb := range members {
		for _, s := range secrets {
			if bytes.Contains(mb.data, []byte(s)) {
				t.Errorf("secret %q in member %s", s, mb.name)
			}
		}
	}
	if v := m.Variables["db_password"]; v.Value != "[REDACTED:config-secret]" || v.Source != SourceSet {
		t.Errorf("variable db_password recorded as %+v", v)
	}
	if it := findItem(t, m, "with-secret-arg"); !strings.Contains(it.Source, "--password=[REDACTED:config-secret]") {
		t.Errorf("command line recorded as %q", it.Source)
	}
	// The same collection without redaction keeps them (and says so).
	opts = testOptions(t, p, basicHost())
	opts.Set = map[string]string{"db_password": "Set-S3cret"}
	opts.NoRedact = true
	m, members = readBundle(t, run(t, opts).Path)
	if m.Redaction.Enabled || len(m.Redaction.Rules) != 0 {
		t.Errorf("manifest redaction %+v with --no-redact", m.Redaction)
	}
	if !strings.Contains(memberData(t, members, "files/etc/app/app.conf"), "Tr0ub4dor&3") {
		t.Errorf("--no-redact still redacted")
	}
}
