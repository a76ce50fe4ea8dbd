package collect

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casefile/bundle"
	"casefile/profiles"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/collect/golden")

// testClock is the pinned collection time of the tests.
var testClock = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// repoPath returns a path relative to the repository root.
func repoPath(parts ...string) string {
	return filepath.Join(append([]string{"..", ""}, parts...)...)
}

// loadTestProfile loads testdata/collect/profiles/<name>.yaml.
func loadTestProfile(t *testing.T, name string) *profiles.Profile {
	t.Helper()
	p, err := profiles.LoadFile(repoPath("testdata", "collect", "profiles", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// basicHost is the fake host most tests collect.
func basicHost() string { return repoPath("testdata", "collect", "hosts", "basic") }

// testOptions are reproducible options for a fake host.
func testOptions(t *testing.T, p *profiles.Profile, root string) Options {
	return Options{
		Profile:          p,
		Root:             root,
		Output:           t.TempDir(),
		Clock:            func() time.Time { return testClock },
		RootCommandsOnly: true,
		CommandTimeout:   10 * time.Second,
	}
}

// run collects and fails the test on error.
func run(t *testing.T, opts Options) *Result {
	t.Helper()
	res, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// member is one tar entry of a bundle, name relative to the top folder.
type member struct {
	name string
	data []byte
}

// readBundle reads a bundle the way the analyzer does (one streaming
// pass over a multi-member gzip) and checks the format's invariants:
// one top folder, manifest.json first, SHA256SUMS and its signature
// last, every other member listed in SHA256SUMS with the right hash, and
// a signature that verifies with the manifest's public key.
func readBundle(t *testing.T, path string) (*bundle.Manifest, []member) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	zr.Multistream(true)
	tr := tar.NewReader(zr)
	var members []member
	top := ""
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading %s: %v", path, err)
		}
		dir, name, ok := strings.Cut(h.Name, "/")
		if !ok {
			t.Fatalf("member %s is not under a top folder", h.Name)
		}
		if top == "" {
			top = dir
		}
		if dir != top {
			t.Fatalf("member %s is not under the top folder %s", h.Name, top)
		}
		if h.Typeflag != tar.TypeReg {
			t.Fatalf("member %s has type %c", h.Name, h.Typeflag)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, member{name, data})
	}
	if len(members) < 3 {
		t.Fatalf("bundle has %d members", len(members))
	}
	if members[0].name != bundle.ManifestName {
		t.Fatalf("first member is %s, want %s", members[0].name, bundle.ManifestName)
	}
	n := len(members)
	if members[n-2].name != bundle.SumsName || members[n-1].name != bundle.SignatureName {
		t.Fatalf("last members are %s, %s; want %s, %s", members[n-2].name, members[n-1].name, bundle.SumsName, bundle.SignatureName)
	}
	m, err := bundle.ParseManifest(members[0].data)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != top {
		t.Errorf("manifest name %q, top folder %q", m.Name, top)
	}
	sums, err := bundle.ParseSums(members[n-2].data)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, mb := range members[:n-2] {
		if seen[mb.name] {
			t.Errorf("member %s stored twice", mb.name)
		}
		seen[mb.name] = true
		sum := sha256.Sum256(mb.data)
		if got := hex.EncodeToString(sum[:]); sums[mb.name] != got {
			t.Errorf("SHA256SUMS says %s for %s, content hashes to %s", sums[mb.name], mb.name, got)
		}
	}
	if len(sums) != n-2 {
		t.Errorf("SHA256SUMS lists %d members, bundle has %d", len(sums), n-2)
	}
	sig := bundle.VerifySignature(members[n-2].data, members[n-1].data, nil, m.Signer.PublicKey)
	if sig.Status != bundle.SigValid {
		t.Errorf("signature: %s (%s)", sig.Status, sig.Reason)
	}
	// The manifest describes what is stored.
	for _, it := range m.Items {
		if !bundle.ValidID(it.ID) {
			t.Errorf("item id %q is not valid", it.ID)
		}
		for _, s := range it.Stored {
			if s.SHA256 == "" {
				continue
			}
			if !seen[s.Path] {
				t.Errorf("item %s: stored member %s is not in the bundle", it.ID, s.Path)
			}
			if sums[s.Path] != s.SHA256 {
				t.Errorf("item %s: manifest sha256 of %s differs from SHA256SUMS", it.ID, s.Path)
			}
		}
	}
	return m, members
}

// memberData returns a member's content.
func memberData(t *testing.T, members []member, name string) string {
	t.Helper()
	for _, m := range members {
		if m.name == name {
			return string(m.data)
		}
	}
	t.Fatalf("no member %s", name)
	return ""
}

// hasMember reports whether a member exists.
func hasMember(members []member, name string) bool {
	for _, m := range members {
		if m.name == name {
			return true
		}
	}
	return false
}

// findItem returns the manifest item with id.
func findItem(t *testing.T, m *bundle.Manifest, id string) bundle.Item {
	t.Helper()
	for _, it := range m.Items {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("no item %s in the manifest", id)
	return bundle.Item{}
}

// normaliseManifest removes what differs between machines and checkouts
// (file times and modes, the root path, the one-time key) so that a
// manifest can be compared with a golden file.
func normaliseManifest(m *bundle.Manifest) *bundle.Manifest {
	c := *m
	c.Root = "ROOT"
	c.Tool.Version = "VERSION"
	c.Signer = bundle.Signer{OneTime: m.Signer.OneTime}
	c.Items = nil
	for _, it := range m.Items {
		it.Stored = append([]bundle.Stored(nil), it.Stored...)
		for i := range it.Stored {
			s := &it.Stored[i]
			s.MTime = nil
			// host.facts names the --root it ran under, so its size and
			// hash depend on where the repository is checked out; its
			// content is compared (with the root replaced) on its own.
			if s.Path == bundle.CommandMember("host.facts", false) {
				s.Size, s.SHA256 = 0, "DEPENDS-ON-ROOT"
			}
			// A listing shows the files' mtimes, which are the checkout's:
			// its content is compared with mtimes normalised on its own.
			if it.Kind == bundle.KindList {
				s.SHA256 = "DEPENDS-ON-MTIMES"
			}
			if s.Mode != "" {
				s.Mode = s.Mode[:1] + "MODE"
			}
		}
		it.Error = strings.ReplaceAll(it.Error, m.Root, "ROOT")
		c.Items = append(c.Items, it)
	}
	return &c
}

// checkGolden compares got (as indented JSON) with a golden file under
// testdata/collect/golden, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got any) {
	t.Helper()
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	path := repoPath("testdata", "collect", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./collect -update, then read the diff)", err)
	}
	if diff := cmp.Diff(string(want), string(data)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}

// basicWithItem is the basic test profile with one more collect item
// (YAML text, added before redact:), and with extra text inserted before
// collect: (variables), either may be "".
func basicWithItem(t *testing.T, vars, item string) *profiles.Profile {
	t.Helper()
	src, err := os.ReadFile(repoPath("testdata", "collect", "profiles", "basic.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	if vars != "" {
		text = strings.Replace(text, "\ncollect:\n", "\n"+vars+"\ncollect:\n", 1)
	}
	i := strings.Index(text, "\nredact:\n")
	if i < 0 {
		t.Fatal("basic.yaml has no redact section")
	}
	text = text[:i] + "\n" + item + text[i:]
	p, err := profiles.Parse("basic.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
