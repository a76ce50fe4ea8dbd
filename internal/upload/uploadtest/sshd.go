// Package uploadtest starts the real servers the upload tests send to, on
// 127.0.0.1 and a free port, and stops them when the test ends: OpenSSH's
// sshd (its internal-sftp) with a private configuration, host key, user
// key and known_hosts file, and SeaweedFS's S3 gateway (weed server -s3,
// built by scripts/s3-server.sh), with a presigner for its URLs.
//
// A missing server stops the test through internal/testenv: a skip with
// the reason, or a failure under CI=true.
package uploadtest

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"casefile/internal/testenv"
)

// SSHD is a running sshd serving SFTP.
type SSHD struct {
	Port       int
	User       string
	Dir        string // a folder to upload to (ends in /)
	KeyFile    string // the user's private key, accepted by the server
	KnownHosts string // a known_hosts file holding the server's host key
	HostKey    ssh.PublicKey
	Log        *bytes.Buffer // sshd's own log (-e)
}

// URL is sftp://user@127.0.0.1:port<Dir>.
func (s *SSHD) URL() string {
	return fmt.Sprintf("sftp://%s@127.0.0.1:%d%s", s.User, s.Port, s.Dir)
}

// HostPort is how known_hosts names the server.
func (s *SSHD) HostPort() string { return knownhosts.Normalize("127.0.0.1:" + strconv.Itoa(s.Port)) }

// StartSSHD runs /usr/sbin/sshd -D on 127.0.0.1 with a private config.
// As root the login is root; otherwise sshd runs unprivileged and the
// login is the current user.
func StartSSHD(t testing.TB) *SSHD {
	t.Helper()
	return StartSSHDWith(t, SSHDConfig{})
}

// SSHDConfig varies the server.
type SSHDConfig struct {
	// WriteOnlyDrop: the login is nobody (needs root), the drop folder
	// is root's with mode 0733 and internal-sftp's umask 0444, so
	// uploads can be written and renamed but not read back: a typical
	// help-desk drop.
	WriteOnlyDrop bool
	// UserKeyFile, when set, is a private key (OpenSSH's format, as
	// WriteKey writes it) the server accepts instead of a new one: for
	// several servers one client logs in to with one key.
	UserKeyFile string
}

// StartSSHDWith is StartSSHD with a configuration.
func StartSSHDWith(t testing.TB, sc SSHDConfig) *SSHD {
	t.Helper()
	const sshd = "/usr/sbin/sshd"
	if _, err := os.Stat(sshd); err != nil {
		testenv.Unavailable(t, "%s not installed (Debian package openssh-server; scripts/test-deps.sh installs it)", sshd)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	lab := t.TempDir()
	sftpCmd := "internal-sftp"
	if sc.WriteOnlyDrop {
		testenv.Root(t, "logs in as nobody to a write-only drop")
		u = &user.User{Username: "nobody"}
		sftpCmd = "internal-sftp -u 0444"
		// nobody must reach the drop and read its authorized_keys.
		os.Chmod(filepath.Dir(lab), 0o711)
		os.Chmod(lab, 0o711)
	}
	hostPub := WriteKey(t, filepath.Join(lab, "hostkey"))
	s := &SSHD{
		User:       u.Username,
		Dir:        filepath.Join(lab, "drop") + "/",
		KeyFile:    filepath.Join(lab, "userkey"),
		KnownHosts: filepath.Join(lab, "known_hosts"),
		HostKey:    hostPub,
		Log:        &bytes.Buffer{},
	}
	if err := os.Mkdir(s.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if sc.WriteOnlyDrop {
		os.Chmod(s.Dir, 0o733)
	}
	var userPub ssh.PublicKey
	if sc.UserKeyFile != "" {
		s.KeyFile = sc.UserKeyFile
		pem, err := os.ReadFile(sc.UserKeyFile)
		if err != nil {
			t.Fatal(err)
		}
		signer, err := ssh.ParsePrivateKey(pem)
		if err != nil {
			t.Fatalf("%s: %v", sc.UserKeyFile, err)
		}
		userPub = signer.PublicKey()
	} else {
		userPub = WriteKey(t, s.KeyFile)
	}
	if err := os.WriteFile(filepath.Join(lab, "authorized_keys"), ssh.MarshalAuthorizedKey(userPub), 0o644); err != nil {
		t.Fatal(err)
	}
	for try := 0; ; try++ {
		s.Port = FreePort(t)
		conf := fmt.Sprintf(`ListenAddress 127.0.0.1
Port %d
HostKey %s/hostkey
PidFile %s/sshd.pid
AuthorizedKeysFile %s/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
Subsystem sftp %s
LogLevel VERBOSE
`, s.Port, lab, lab, lab, sftpCmd)
		if err := os.WriteFile(filepath.Join(lab, "sshd_config"), []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		// sshd wants its privilege separation folder even when unused.
		os.MkdirAll("/run/sshd", 0o755)
		cmd := exec.Command(sshd, "-D", "-e", "-f", filepath.Join(lab, "sshd_config"))
		cmd.Stdout, cmd.Stderr = s.Log, s.Log
		if err := cmd.Start(); err != nil {
			testenv.Unavailable(t, "cannot start %s: %v", sshd, err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		t.Cleanup(func() {
			cmd.Process.Kill()
			<-exited
		})
		if waitBanner(s.Port, exited, 10*time.Second) {
			break
		}
		if try == 2 {
			t.Fatalf("sshd did not start on 127.0.0.1:%d:\n%s", s.Port, s.Log)
		}
	}
	line := knownhosts.Line([]string{s.HostPort()}, hostPub)
	if err := os.WriteFile(s.KnownHosts, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return s
}

// waitBanner waits until the port answers with an SSH banner.
func waitBanner(port int, exited chan error, limit time.Duration) bool {
	end := time.Now().Add(limit)
	for time.Now().Before(end) {
		select {
		case err := <-exited:
			exited <- err
			return false
		default:
		}
		c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
		if err == nil {
			c.SetDeadline(time.Now().Add(2 * time.Second))
			l, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(l, "SSH-2.0-") {
				return true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// WriteKey writes a new ed25519 private key in OpenSSH's format (0600)
// and returns its public key.
func WriteKey(t testing.TB, path string) ssh.PublicKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	blk, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(blk), 0o600); err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// FreePort is a TCP port free on 127.0.0.1 a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
