package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"casefile/bundle"
	"casefile/internal/testenv"
)

// TestSignedSumsVerifyWithMinisign signs a SHA256SUMS and checks it with
// the real minisign, as a user checking a download would.
func TestSignedSumsVerifyWithMinisign(t *testing.T) {
	mini := testenv.Program(t, "minisign", "minisign")
	dir := t.TempDir()
	key := filepath.Join(dir, "release.key")
	pub, priv, err := bundle.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := bundle.WriteKeyFiles(key, pub, priv); err != nil {
		t.Fatal(err)
	}
	sums := filepath.Join(dir, "SHA256SUMS")
	if err := os.WriteFile(sums, []byte("0123  collect-linux-amd64\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := sign(key, "casefile test release", sums); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(mini, "-Vm", sums, "-p", key+".pub").CombinedOutput()
	if err != nil {
		t.Fatalf("minisign -V: %v\n%s", err, out)
	}
	// A changed SHA256SUMS must fail the check.
	if err := os.WriteFile(sums, []byte("4567  collect-linux-amd64\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(mini, "-Vm", sums, "-p", key+".pub").CombinedOutput(); err == nil {
		t.Fatalf("minisign accepted an altered SHA256SUMS:\n%s", out)
	}
}
