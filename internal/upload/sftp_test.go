package upload

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"casefile/internal/testenv"
	"casefile/internal/upload/uploadtest"
)

// bundleFile writes n random bytes as a .tar.gz-named file.
func bundleFile(t *testing.T, n int) (path string, sum string) {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	path = filepath.Join(t.TempDir(), "app-host01-20260301T120000Z.tar.gz")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return path, hex.EncodeToString(h[:])
}

func mustParse(t *testing.T, raw string) *Target {
	t.Helper()
	tg, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// dropFiles lists the drop folder, temporary files included.
func dropFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestSFTP uploads to a real sshd: the file lands under its own name with
// the same bytes, read back and checked, and no temporary file is left.
func TestSFTP(t *testing.T) {
	s := uploadtest.StartSSHD(t)
	path, sum := bundleFile(t, 3<<20+17)
	res, err := Upload(context.Background(), path, mustParse(t, s.URL()), Options{KeyFile: s.KeyFile, KnownHosts: s.KnownHosts})
	if err != nil {
		t.Fatalf("upload: %v\nsshd: %s", err, s.Log)
	}
	want := s.URL() + filepath.Base(path)
	if res.Location != want || res.SHA256 != sum || res.Size != 3<<20+17 {
		t.Errorf("result %+v, want location %s sha256 %s", res, want, sum)
	}
	if !strings.Contains(res.Checked, "SHA-256 read back matches") {
		t.Errorf("checked = %q, want the read-back check", res.Checked)
	}
	got, err := os.ReadFile(filepath.Join(s.Dir, filepath.Base(path)))
	if err != nil {
		t.Fatal(err)
	}
	local, _ := os.ReadFile(path)
	if !bytes.Equal(got, local) {
		t.Errorf("the server's copy differs from the bundle")
	}
	if names := dropFiles(t, s.Dir); len(names) != 1 {
		t.Errorf("drop folder holds %v, want only the bundle", names)
	}
}

// TestSFTPFileName: a URL not ending in / names the file; /~/ is the home.
func TestSFTPFileName(t *testing.T) {
	s := uploadtest.StartSSHD(t)
	path, _ := bundleFile(t, 1000)
	res, err := Upload(context.Background(), path, mustParse(t, s.URL()+"ticket-42.tar.gz"), Options{KeyFile: s.KeyFile, KnownHosts: s.KnownHosts})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "ticket-42.tar.gz")); err != nil || !strings.HasSuffix(res.Location, "/ticket-42.tar.gz") {
		t.Errorf("named upload: %v, location %s", err, res.Location)
	}
	// An empty file is a file too.
	empty := filepath.Join(t.TempDir(), "empty.tar.gz")
	os.WriteFile(empty, nil, 0o600)
	if _, err := Upload(context.Background(), empty, mustParse(t, s.URL()), Options{KeyFile: s.KeyFile, KnownHosts: s.KnownHosts}); err != nil {
		t.Errorf("empty file: %v", err)
	}
}

// TestSFTPWriteOnlyDrop: a drop where the upload cannot be read back
// (nobody, umask 0444 in a 0733 folder) is confirmed by size, and the
// result says so.
func TestSFTPWriteOnlyDrop(t *testing.T) {
	s := uploadtest.StartSSHDWith(t, uploadtest.SSHDConfig{WriteOnlyDrop: true})
	path, _ := bundleFile(t, 300<<10)
	res, err := Upload(context.Background(), path, mustParse(t, s.URL()), Options{KeyFile: s.KeyFile, KnownHosts: s.KnownHosts})
	if err != nil {
		t.Fatalf("upload: %v\nsshd: %s", err, s.Log)
	}
	if res.Checked != "size matches (the drop does not let us read back)" {
		t.Errorf("checked %q", res.Checked)
	}
	dst := filepath.Join(s.Dir, filepath.Base(path))
	got, _ := os.ReadFile(dst)
	local, _ := os.ReadFile(path)
	fi, err := os.Stat(dst)
	if err != nil || !bytes.Equal(got, local) || fi.Mode().Perm() != 0o222 {
		t.Errorf("server copy: %v, equal %v, mode %v", err, bytes.Equal(got, local), fi.Mode())
	}
}

// TestSFTPHostKeyRefused: a host key not in known_hosts, or different from
// the one there, is refused with one line naming the host and the
// server's fingerprint, before anything is sent.
func TestSFTPHostKeyRefused(t *testing.T) {
	s := uploadtest.StartSSHD(t)
	path, _ := bundleFile(t, 1000)
	fp := ssh.FingerprintSHA256(s.HostKey)
	dir := t.TempDir()

	other := uploadtest.WriteKey(t, filepath.Join(dir, "otherhost"))
	changed := filepath.Join(dir, "changed_hosts")
	os.WriteFile(changed, []byte("# another\n"+knownhosts.Line([]string{s.HostPort()}, other)+"\n"), 0o600)
	otherHost := filepath.Join(dir, "other_hosts")
	os.WriteFile(otherHost, []byte(knownhosts.Line([]string{"[127.0.0.1]:1"}, s.HostKey)+"\n"), 0o600)

	for _, tc := range []struct {
		name, file, want string
	}{
		{"missing file", filepath.Join(dir, "none"), "is not in " + filepath.Join(dir, "none")},
		{"other host", otherHost, "is not in " + otherHost},
		{"changed key", changed, "is not the one " + changed + ":2 holds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Upload(context.Background(), path, mustParse(t, s.URL()), Options{KeyFile: s.KeyFile, KnownHosts: tc.file, DialTimeout: 5 * time.Second})
			var hk *hostKeyError
			if !errors.As(err, &hk) {
				t.Fatalf("err = %v, want a host key error", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || !strings.Contains(msg, s.HostPort()) || !strings.Contains(msg, fp) || strings.Contains(msg, "\n") {
				t.Errorf("message %q: want one line with %q, host %s and fingerprint %s", msg, tc.want, s.HostPort(), fp)
			}
		})
	}
	if names := dropFiles(t, s.Dir); len(names) != 0 {
		t.Errorf("something was written: %v", names)
	}
}

// TestSFTPWrongKey: a key the server does not know is refused, naming it.
func TestSFTPWrongKey(t *testing.T) {
	s := uploadtest.StartSSHD(t)
	path, _ := bundleFile(t, 1000)
	wrong := filepath.Join(t.TempDir(), "wrong")
	pub := uploadtest.WriteKey(t, wrong)
	_, err := Upload(context.Background(), path, mustParse(t, s.URL()), Options{KeyFile: wrong, KnownHosts: s.KnownHosts})
	if err == nil || !strings.Contains(err.Error(), "did not accept the key "+wrong+" ("+ssh.FingerprintSHA256(pub)+")") {
		t.Errorf("err = %v, want the key refused", err)
	}
	// No key at all.
	_, err = Upload(context.Background(), path, mustParse(t, s.URL()), Options{KnownHosts: s.KnownHosts})
	if err == nil || !strings.Contains(err.Error(), "no SSH key") {
		t.Errorf("err = %v, want no SSH key", err)
	}
}

// TestSFTPAgent authenticates with OpenSSH's ssh-agent holding the key.
func TestSFTPAgent(t *testing.T) {
	s := uploadtest.StartSSHD(t)
	agentBin := testenv.Program(t, "ssh-agent", "openssh-client")
	add := testenv.Program(t, "ssh-add", "openssh-client")
	sock := filepath.Join(t.TempDir(), "agent.sock")
	ag := exec.Command(agentBin, "-D", "-a", sock)
	if err := ag.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ag.Process.Kill(); ag.Wait() })
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd := exec.Command(add, s.KeyFile)
	cmd.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v: %s", err, out)
	}
	path, sum := bundleFile(t, 200<<10)
	res, err := Upload(context.Background(), path, mustParse(t, s.URL()), Options{AgentSocket: sock, KnownHosts: s.KnownHosts})
	if err != nil || res.SHA256 != sum {
		t.Fatalf("upload with the agent: %v %+v", err, res)
	}
}

// TestSFTPMissingFolder: a folder that does not exist fails at once.
func TestSFTPMissingFolder(t *testing.T) {
	s := uploadtest.StartSSHD(t)
	path, _ := bundleFile(t, 1000)
	_, err := Upload(context.Background(), path, mustParse(t, s.URL()+"nosuch/"), Options{KeyFile: s.KeyFile, KnownHosts: s.KnownHosts})
	if err == nil || !strings.Contains(err.Error(), "no such file or folder") {
		t.Errorf("err = %v", err)
	}
}

// TestSFTPRenameFails: when the final name cannot be taken (a folder is
// in the way) the upload fails and its temporary file is removed.
func TestSFTPRenameFails(t *testing.T) {
	s := uploadtest.StartSSHD(t)
	path, _ := bundleFile(t, 1000)
	os.Mkdir(filepath.Join(s.Dir, filepath.Base(path)), 0o755)
	_, err := Upload(context.Background(), path, mustParse(t, s.URL()), Options{KeyFile: s.KeyFile, KnownHosts: s.KnownHosts})
	if err == nil || !strings.Contains(err.Error(), "rename ") {
		t.Errorf("err = %v", err)
	}
	if names := dropFiles(t, s.Dir); len(names) != 1 || names[0] != filepath.Base(path) {
		t.Errorf("drop holds %v, want only the folder in the way", names)
	}
}

// TestSFTPSilentServer: a server that accepts and never speaks fails
// within the handshake timeout instead of hanging.
func TestSFTPSilentServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	path, _ := bundleFile(t, 1000)
	key := filepath.Join(t.TempDir(), "k")
	uploadtest.WriteKey(t, key)
	start := time.Now()
	_, err = Upload(context.Background(), path, mustParse(t, "sftp://u@"+l.Addr().String()+"/x/"),
		Options{KeyFile: key, KnownHosts: filepath.Join(t.TempDir(), "kh"), DialTimeout: 300 * time.Millisecond, IdleTimeout: 5 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "no SSH handshake within 300ms") {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}
