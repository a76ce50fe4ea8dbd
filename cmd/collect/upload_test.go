package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"casefile/internal/upload/uploadtest"
)

// collectArgs collects the basic fake host into dir.
func collectArgs(dir string, more ...string) []string {
	return append([]string{"--profile", basicProfile, "--root", basicRoot, "--root-exec", "-o", dir + "/", "--case", "T42"}, more...)
}

var (
	bundleLine   = regexp.MustCompile(`(?m)^bundle: (\S+) \([^,]+, sha256 ([0-9a-f]{64})\)$`)
	uploadedLine = regexp.MustCompile(`uploaded: (\S+) \([^,]+, sha256 ([0-9a-f]{64}); ([^)]*)\)\n$`)
)

func fileSHA(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// bundleText is every member of a .tar.gz bundle, concatenated.
func bundleText(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		all.WriteString(h.Name + "\n")
		io.Copy(&all, tr)
	}
	return all.String()
}

// TestUploadSFTP: collect --upload to a real sshd. The last line names
// the remote file and the SHA-256 the "bundle:" line gave; the server's
// copy has that SHA-256; the local copy is removed (kept with
// --keep-local).
func TestUploadSFTP(t *testing.T) {
	s := uploadtest.StartSSHD(t)
	dir := t.TempDir()
	t.Setenv("SSH_AUTH_SOCK", "")
	code, out, errOut := runCLI(t, collectArgs(dir, "--upload", s.URL(), "--upload-key", s.KeyFile, "--known-hosts", s.KnownHosts)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s\nsshd: %s", code, out, errOut, s.Log)
	}
	b := bundleLine.FindStringSubmatch(out)
	u := uploadedLine.FindStringSubmatch(out)
	if b == nil || u == nil {
		t.Fatalf("output:\n%s", out)
	}
	name := filepath.Base(b[1])
	if !strings.Contains(name, "-T42-") || u[1] != s.URL()+name || u[2] != b[2] || u[3] != "size matches; SHA-256 read back matches; local copy removed" {
		t.Errorf("uploaded line %q, bundle %s", u[0], b[0])
	}
	if got := fileSHA(t, filepath.Join(s.Dir, name)); got != b[2] {
		t.Errorf("server copy sha256 %s, want %s", got, b[2])
	}
	if _, err := os.Stat(b[1]); !os.IsNotExist(err) {
		t.Errorf("local bundle still there: %v", err)
	}
	if !strings.Contains(errOut, "collect: uploading "+b[1]) {
		t.Errorf("stderr:\n%s", errOut)
	}

	// --keep-local keeps it.
	code, out, errOut = runCLI(t, collectArgs(dir, "--upload", s.URL(), "--upload-key", s.KeyFile, "--known-hosts", s.KnownHosts, "--keep-local")...)
	b = bundleLine.FindStringSubmatch(out)
	if code != 0 || b == nil || strings.Contains(out, "local copy removed") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(b[1]); err != nil {
		t.Errorf("--keep-local: %v", err)
	}
}

// TestUploadFailureRetry: an unknown host key fails the upload after the
// bundle was written: exit 3, one line naming the host and its
// fingerprint, the bundle kept, and a retry line that, run as printed once
// the key is known, sends it.
func TestUploadFailureRetry(t *testing.T) {
	s := uploadtest.StartSSHD(t)
	dir := t.TempDir()
	kh := filepath.Join(t.TempDir(), "known_hosts")
	os.WriteFile(kh, nil, 0o600)
	t.Setenv("SSH_AUTH_SOCK", "")
	code, out, errOut := runCLI(t, collectArgs(dir, "--upload", s.URL(), "--upload-key", s.KeyFile, "--known-hosts", kh)...)
	if code != exitUpload {
		t.Fatalf("exit %d, want 3\n%s\n%s", code, out, errOut)
	}
	b := bundleLine.FindStringSubmatch(out)
	if b == nil || strings.Contains(out, "uploaded:") {
		t.Fatalf("stdout:\n%s", out)
	}
	if _, err := os.Stat(b[1]); err != nil {
		t.Errorf("bundle not kept: %v", err)
	}
	t.Logf("stderr:\n%s", errOut)
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	fail, retry := lines[len(lines)-2], lines[len(lines)-1]
	fp := ssh.FingerprintSHA256(s.HostKey)
	if !strings.HasPrefix(fail, "collect: upload failed: the host key of "+s.HostPort()+" (ssh-ed25519 "+fp+") is not in "+kh) {
		t.Errorf("failure line: %s", fail)
	}
	const kept = "collect: the bundle is kept at "
	want := kept + b[1] + "; retry with: collect upload " + b[1] + " " + s.URL() + " --upload-key " + s.KeyFile + " --known-hosts " + kh
	if retry != want {
		t.Errorf("retry line:\n%s\nwant:\n%s", retry, want)
	}
	if names, _ := os.ReadDir(s.Dir); len(names) != 0 {
		t.Errorf("something reached the server: %v", names)
	}

	// The administrator confirms the key; the printed command now works.
	os.WriteFile(kh, []byte(knownhosts.Line([]string{s.HostPort()}, s.HostKey)+"\n"), 0o600)
	_, cmdline, _ := strings.Cut(retry, "retry with: collect ")
	code, out, errOut = runCLI(t, strings.Fields(cmdline)...)
	u := uploadedLine.FindStringSubmatch(out)
	if code != 0 || u == nil || u[2] != b[2] {
		t.Fatalf("retry: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := fileSHA(t, filepath.Join(s.Dir, filepath.Base(b[1]))); got != b[2] {
		t.Errorf("server copy sha256 %s, want %s", got, b[2])
	}
	if _, err := os.Stat(b[1]); !os.IsNotExist(err) {
		t.Errorf("local bundle still there after the confirmed retry")
	}
}

// TestUploadWrongKey: a key the server refuses is exit 3, bundle kept.
func TestUploadWrongKey(t *testing.T) {
	s := uploadtest.StartSSHD(t)
	dir := t.TempDir()
	wrong := filepath.Join(t.TempDir(), "wrong")
	uploadtest.WriteKey(t, wrong)
	code, out, errOut := runCLI(t, collectArgs(dir, "--upload", s.URL(), "--upload-key", wrong, "--known-hosts", s.KnownHosts)...)
	b := bundleLine.FindStringSubmatch(out)
	if code != exitUpload || b == nil {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	t.Logf("stderr:\n%s", errOut)
	if !strings.Contains(errOut, "collect: upload failed: "+s.User+"@127.0.0.1:") || !strings.Contains(errOut, "did not accept the key "+wrong) {
		t.Errorf("stderr:\n%s", errOut)
	}
	if _, err := os.Stat(b[1]); err != nil {
		t.Errorf("bundle not kept: %v", err)
	}
}

// TestUploadUsage: bad upload flags are usage errors found before
// anything is collected, and never echo a credential.
func TestUploadUsage(t *testing.T) {
	const secret = "s3cr3tPassw0rd"
	dir := t.TempDir()
	key := filepath.Join(dir, "key")
	uploadtest.WriteKey(t, key)
	notKey := filepath.Join(dir, "notkey")
	os.WriteFile(notKey, []byte("hello"), 0o600)
	t.Setenv("SSH_AUTH_SOCK", "")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"password in url", []string{"--upload", "sftp://help:" + secret + "@127.0.0.1/x/", "--upload-key", key}, "a password in the URL is not used"},
		{"plain http", []string{"--upload", "http://example.com/b/k?X-Amz-Signature=" + secret}, "plain http is refused"},
		{"scheme", []string{"--upload", "ftp://example.com/x/"}, "unsupported scheme"},
		{"key without upload", []string{"--upload-key", key}, "--upload-key needs --upload URL"},
		{"not a key", []string{"--upload", "sftp://help@127.0.0.1/x/", "--upload-key", notKey}, "not an SSH private key"},
		{"no key no agent", []string{"--upload", "sftp://help@127.0.0.1/x/"}, "no SSH key"},
		{"missing known hosts", []string{"--upload", "sftp://help@127.0.0.1/x/", "--upload-key", key, "--known-hosts", filepath.Join(dir, "none")}, "--known-hosts"},
		{"bad timeout", []string{"--upload", "sftp://help@127.0.0.1/x/", "--upload-key", key, "--upload-timeout", "soon"}, "--upload-timeout"},
		{"key with https", []string{"--upload", "https://h/b/k?sig=" + secret, "--upload-key", key}, "are for sftp:// uploads"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, collectArgs(dir, tc.args...)...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) || strings.Contains(out+errOut, secret) {
				t.Errorf("exit %d\n%s\n%s", code, out, errOut)
			}
		})
	}
	if es, _ := os.ReadDir(dir); len(es) != 2 {
		t.Errorf("a usage error collected something: %v", es)
	}
	code, _, errOut := runCLI(t, "upload", filepath.Join(dir, "none.tar.gz"), "sftp://help@127.0.0.1/x/", "--upload-key", key)
	if code != exitUsage || !strings.Contains(errOut, "not a bundle file") {
		t.Errorf("upload of a missing file: exit %d: %s", code, errOut)
	}
	code, _, _ = runCLI(t, "upload", filepath.Join(dir, "none.tar.gz"))
	if code != exitUsage {
		t.Errorf("upload with one argument: exit %d", code)
	}
}

// TestUploadS3: collect --upload with a presigned PUT URL to a real S3
// server (SeaweedFS): the object holds the bundle, the final line names it
// without the signature, and no output line nor the bundle holds the
// signature. An expired URL is exit 3 with the bundle kept and a retry
// line that does not print the URL.
func TestUploadS3(t *testing.T) {
	s3 := uploadtest.StartS3(t)
	dir := t.TempDir()
	put := s3.Presign(http.MethodPut, "T42/bundle.tar.gz", 10*time.Minute, nil)
	sig := put[strings.Index(put, "X-Amz-Signature=")+len("X-Amz-Signature="):]
	code, out, errOut := runCLI(t, collectArgs(dir, "--upload", put)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s\nweed log: %s", code, out, errOut, s3.Log)
	}
	b := bundleLine.FindStringSubmatch(out)
	u := uploadedLine.FindStringSubmatch(out)
	if b == nil || u == nil {
		t.Fatalf("output:\n%s", out)
	}
	if u[1] != s3.Endpoint+"/drop/T42/bundle.tar.gz?…" || u[2] != b[2] || u[3] != "ETag is the bundle's MD5; local copy removed" {
		t.Errorf("uploaded line: %s", u[0])
	}
	got := s3.Get(t, "T42/bundle.tar.gz")
	h := sha256.Sum256(got)
	if hex.EncodeToString(h[:]) != b[2] {
		t.Errorf("the object is not the bundle")
	}
	for what, text := range map[string]string{"stdout": out, "stderr": errOut, "bundle": bundleText(t, got)} {
		if strings.Contains(text, sig) || strings.Contains(text, "X-Amz-") {
			t.Errorf("the %s holds the URL's query", what)
		}
	}
	if !strings.Contains(bundleText(t, got), "T42") {
		t.Errorf("bundle text unreadable?")
	}

	// Signed an hour ago for ten minutes: expired.
	old := uploadtest.PresignV4(http.MethodPut, s3.Endpoint+"/drop/T42/late.tar.gz", s3.Region, s3.AccessKey, s3.SecretKey, time.Now().UTC().Add(-time.Hour), 10*time.Minute, nil)
	code, out, errOut = runCLI(t, collectArgs(dir, "--upload", old)...)
	b = bundleLine.FindStringSubmatch(out)
	if code != exitUpload || b == nil {
		t.Fatalf("expired: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(b[1]); err != nil {
		t.Errorf("bundle not kept: %v", err)
	}
	oldSig := old[strings.Index(old, "X-Amz-Signature=")+len("X-Amz-Signature="):]
	if strings.Contains(out+errOut, oldSig) || strings.Contains(out+errOut, "X-Amz-") {
		t.Errorf("output holds the URL's query:\n%s\n%s", out, errOut)
	}
	want := "collect: the bundle is kept at " + b[1] + "; retry with: collect upload " + b[1] + " 'URL' (the presigned URL for " + s3.Endpoint + "/drop/T42/late.tar.gz?…; ask for a new one if it has expired)"
	if !strings.Contains(errOut, "collect: upload failed: "+s3.Endpoint+"/drop/T42/late.tar.gz?…: HTTP 403 Forbidden: AccessDenied") || !strings.HasSuffix(errOut, want+"\n") {
		t.Errorf("stderr:\n%s\nwant the last line:\n%s", errOut, want)
	}

	// The retry path with a fresh URL.
	fresh := s3.Presign(http.MethodPut, "T42/late.tar.gz", 10*time.Minute, nil)
	code, out, errOut = runCLI(t, "upload", b[1], fresh)
	if u := uploadedLine.FindStringSubmatch(out); code != 0 || u == nil || u[2] != b[2] {
		t.Fatalf("retry: exit %d\n%s\n%s", code, out, errOut)
	}
}
