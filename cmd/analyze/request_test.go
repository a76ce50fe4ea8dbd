package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"casefile/analyze/input/inputtest"
	"casefile/bundle"
	"casefile/internal/testenv"
)

// TestRequestOut: --request-out writes REQ.json and REQ.json.minisig for
// a bundle whose install dir was wrong; the signature covers the file's
// exact bytes (checked here and with the minisign program), the request
// asks for the missing item and the variable with the help desk's value;
// the flags refuse what they must.
func TestRequestOut(t *testing.T) {
	dir := t.TempDir()
	b := tfstBundle(t, "tfst-epp01-20091013T120000Z", calmLine, inputtest.Spec{Edit: func(m *bundle.Manifest) {
		m.Case = "TS-4711"
		m.Variables = map[string]bundle.Variable{"install_dir": {Value: "/opt/tivoli/EPProxx", Source: "set"}}
		m.Items = append(m.Items, bundle.Item{ID: "install-dir", Kind: bundle.KindList, Source: "/opt/tivoli/EPProxx",
			ErrorKind: bundle.ErrNotFound, Error: "not found"})
	}})
	path := b.WriteTarGz(t, dir)
	key := filepath.Join(dir, "hd.key")
	pub, priv, err := bundle.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := bundle.WriteKeyFiles(key, pub, priv); err != nil {
		t.Fatal(err)
	}
	req := filepath.Join(dir, "REQ.json")
	got := real(t, path, "--request-out", req, "--request-key", key, "--request-set", "install_dir=/opt/tivoli/EPProxy",
		"--request-note", "again, please")
	if got.code == 2 || !strings.Contains(got.stderr, "wrote follow-up request") {
		t.Fatalf("exit %d: %s", got.code, got.stderr)
	}
	data, err := os.ReadFile(req)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := os.ReadFile(req + ".minisig")
	if err != nil {
		t.Fatal(err)
	}
	v, err := bundle.VerifyRequest(data, sig, []bundle.TrustedKey{{Key: pub}})
	if err != nil {
		t.Fatal(err)
	}
	sum := bundle.RequestID(mustReadFile(t, path))
	if v.Follows.SHA256 != sum || v.Case != "TS-4711" || v.Profile != "tfst" || v.Note != "again, please" {
		t.Errorf("follows %s (want %s), case %q, profile %q, note %q", v.Follows.SHA256, sum, v.Case, v.Profile, v.Note)
	}
	wantItems := []bundle.RequestItem{{ID: "install-dir", Reason: "expected but not sent (not_found: not found)"}}
	if diff := cmp.Diff(wantItems, v.Items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	wantVars := []bundle.RequestVariable{{Name: "install_dir", Value: "/opt/tivoli/EPProxy", Was: "/opt/tivoli/EPProxx",
		Reason: "install_dir = /opt/tivoli/EPProxx (set): none of the 1 items under it was found (install-dir)"}}
	if diff := cmp.Diff(wantVars, v.Variables); diff != "" {
		t.Errorf("variables (-want +got):\n%s", diff)
	}
	// Public tools check it alone (in a subtest: without minisign only this
	// check skips, visibly, and the cases below still run).
	t.Run("minisign", func(t *testing.T) {
		mini := testenv.Program(t, "minisign", "minisign")
		out, err := exec.Command(mini, "-Vm", req, "-p", key+".pub").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Signature and comment signature verified") {
			t.Errorf("minisign -V: %v\n%s", err, out)
		}
	})

	other := tfstBundle(t, "tfst-epp02-20091013T120000Z", calmLine, inputtest.Spec{Edit: func(m *bundle.Manifest) { m.Host.Hostname = "epp02" }})
	otherPath := other.WriteTarGz(t, dir)
	// Nothing missing: nothing to ask for, no file.
	calmReq := filepath.Join(dir, "CALM.json")
	got = real(t, otherPath, "--request-out", calmReq, "--request-key", key)
	if got.code == 2 || !strings.Contains(got.stderr, "nothing to ask for") {
		t.Errorf("nothing to ask for: exit %d, stderr %q", got.code, got.stderr)
	}
	if _, err := os.Stat(calmReq); err == nil {
		t.Error("wrote a request with nothing to ask for")
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"two hosts", []string{path, otherPath, "--request-out", req, "--request-key", key}, "a request is for one host"},
		{"no key", []string{path, "--request-out", req}, "needs --request-key"},
		{"bad key", []string{path, "--request-out", req, "--request-key", req}, "--request-key"},
		{"key without out", []string{path, "--request-key", key}, "go with --request-out"},
		{"bad set", []string{path, "--request-out", req, "--request-key", key, "--request-set", "install_dir=/a\x01b"}, "control character"},
		{"unknown variable", []string{path, "--request-out", req, "--request-key", key, "--request-set", "nope=1"}, "--request-set nope: profile tfst has no such variable"},
	} {
		got := real(t, tc.args...)
		if got.code != 2 || !strings.Contains(got.stderr, tc.want) || strings.Count(got.stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q; want 2 and one line with %q", tc.name, got.code, got.stderr, tc.want)
		}
	}
}

func mustReadFile(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
