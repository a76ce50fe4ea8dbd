package collect

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
)

// TestEncryptTo: with recipients the finished, signed bundle is written
// encrypted as NAME.tar.gz.age; each recipient's identity decrypts it to
// a bundle that verifies; no plaintext copy is left.
func TestEncryptTo(t *testing.T) {
	id1, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	id2, _ := age.GenerateX25519Identity()
	other, _ := age.GenerateX25519Identity()
	opts := testOptions(t, loadTestProfile(t, "basic"), basicHost())
	opts.EncryptTo = []age.Recipient{id1.Recipient(), id2.Recipient()}
	res := run(t, opts)
	if !strings.HasSuffix(res.Path, ".tar.gz.age") {
		t.Errorf("encrypted bundle named %s", res.Path)
	}
	entries, _ := os.ReadDir(opts.Output)
	if len(entries) != 1 {
		t.Errorf("output folder holds %d files, want the encrypted bundle only", len(entries))
	}
	data, err := os.ReadFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("age-encryption.org/v1\n")) {
		t.Fatalf("bundle is not an age file")
	}
	if bytes.Contains(data, []byte("manifest.json")) || bytes.Contains(data, []byte("basic01")) {
		t.Errorf("plaintext visible in the encrypted bundle")
	}
	for i, id := range []age.Identity{id1, id2} {
		r, err := age.Decrypt(bytes.NewReader(data), id)
		if err != nil {
			t.Fatalf("identity %d: %v", i, err)
		}
		plain := filepath.Join(t.TempDir(), "bundle.tar.gz")
		f, _ := os.Create(plain)
		if _, err := io.Copy(f, r); err != nil {
			t.Fatal(err)
		}
		f.Close()
		m, _ := readBundle(t, plain)
		if m.Host.Hostname != "basic01" {
			t.Errorf("decrypted manifest host %q", m.Host.Hostname)
		}
	}
	if _, err := age.Decrypt(bytes.NewReader(data), other); err == nil {
		t.Errorf("a stranger's identity decrypted the bundle")
	}
}

// failingRecipient cannot wrap a file key.
type failingRecipient struct{}

func (failingRecipient) Wrap([]byte) ([]*age.Stanza, error) {
	return nil, errors.New("recipient unavailable")
}

// TestEncryptFailsClosed: when encryption fails, no bundle (encrypted or
// plain) and no partial file is left behind.
func TestEncryptFailsClosed(t *testing.T) {
	opts := testOptions(t, loadTestProfile(t, "basic"), basicHost())
	opts.EncryptTo = []age.Recipient{failingRecipient{}}
	res, err := Run(context.Background(), opts)
	if err == nil {
		t.Fatalf("wrote %s although encryption failed", res.Path)
	}
	if !strings.Contains(err.Error(), "encrypt") || !strings.Contains(err.Error(), "partial bundle removed") {
		t.Errorf("error %q", err)
	}
	entries, _ := os.ReadDir(opts.Output)
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}
