package upload

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"
)

// CheckKey reads an SSH private key file, so a bad --upload-key is found
// before anything is collected.
func CheckKey(path string) error {
	_, err := loadKey(path)
	return err
}

func loadKey(path string) (ssh.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ssh.ParsePrivateKey(b)
	if err != nil {
		var pm *ssh.PassphraseMissingError
		if errors.As(err, &pm) {
			return nil, fmt.Errorf("%s: the key is protected by a passphrase; load it into ssh-agent (ssh-add %s) and leave out --upload-key", path, path)
		}
		return nil, fmt.Errorf("%s: not an SSH private key (%v)", path, err)
	}
	return s, nil
}

// hostKeyError is a host key that is not known, or known differently.
type hostKeyError struct{ msg string }

func (e *hostKeyError) Error() string { return e.msg }

// hostKeys checks the server's key against the known_hosts file and
// returns the key algorithms to ask for: those of the keys known for the
// host, so a server that also has keys of other types is not refused for
// showing one of those.
func hostKeys(file, hostport string, remote net.Addr) (ssh.HostKeyCallback, []string, error) {
	var files []string
	if _, err := os.Stat(file); err == nil {
		files = append(files, file)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("known hosts %s: %v", file, err)
	}
	cb, err := knownhosts.New(files...)
	if err != nil {
		return nil, nil, fmt.Errorf("known hosts %s: %v", file, err)
	}
	// Which keys are known for the host: ask with a key no file holds.
	var algos []string
	var ke *knownhosts.KeyError
	if err := cb(hostport, remote, probeKey{}); errors.As(err, &ke) {
		seen := map[string]bool{}
		for _, k := range ke.Want {
			for _, a := range algorithmsFor(k.Key.Type()) {
				if !seen[a] {
					seen[a] = true
					algos = append(algos, a)
				}
			}
		}
	}
	name := knownhosts.Normalize(hostport)
	host, port, _ := net.SplitHostPort(hostport)
	check := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := cb(hostname, remote, key)
		if err == nil {
			return nil
		}
		fp := key.Type() + " " + ssh.FingerprintSHA256(key)
		var ke *knownhosts.KeyError
		var re *knownhosts.RevokedError
		switch {
		case errors.As(err, &ke) && len(ke.Want) == 0:
			scan := "ssh-keyscan " + host
			if port != "22" {
				scan = "ssh-keyscan -p " + port + " " + host
			}
			return &hostKeyError{fmt.Sprintf("the host key of %s (%s) is not in %s: check that fingerprint with the server's administrator, then add the key (%s >> %s)", name, fp, file, scan, file)}
		case errors.As(err, &ke):
			w := ke.Want[0]
			return &hostKeyError{fmt.Sprintf("the host key of %s (%s) is not the one %s:%d holds for it: refusing (the server's key changed, or someone is in between)", name, fp, w.Filename, w.Line)}
		case errors.As(err, &re):
			return &hostKeyError{fmt.Sprintf("the host key of %s (%s) is marked @revoked in %s:%d: refusing", name, fp, re.Revoked.Filename, re.Revoked.Line)}
		}
		return &hostKeyError{fmt.Sprintf("host key of %s (%s): %v", name, fp, err)}
	}
	return check, algos, nil
}

func algorithmsFor(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}

// probeKey is a public key of a type no known_hosts line has.
type probeKey struct{}

func (probeKey) Type() string                                 { return "casefile-probe" }
func (probeKey) Marshal() []byte                              { return []byte("casefile-probe") }
func (probeKey) Verify(data []byte, sig *ssh.Signature) error { return errors.New("probe") }

// sshConnect dials and authenticates.
func sshConnect(ctx context.Context, t *Target, o *Options) (*ssh.Client, error) {
	if o.KnownHosts == "" {
		return nil, errors.New("no known_hosts file to check the server's host key against")
	}
	var auth []ssh.AuthMethod
	what := ""
	switch {
	case o.KeyFile != "":
		s, err := loadKey(o.KeyFile)
		if err != nil {
			return nil, err
		}
		auth = append(auth, ssh.PublicKeys(s))
		what = "the key " + o.KeyFile + " (" + ssh.FingerprintSHA256(s.PublicKey()) + ")"
	case o.AgentSocket != "":
		d := net.Dialer{Timeout: o.DialTimeout}
		ac, err := d.DialContext(ctx, "unix", o.AgentSocket)
		if err != nil {
			return nil, fmt.Errorf("ssh-agent (SSH_AUTH_SOCK): %v", err)
		}
		stop := context.AfterFunc(ctx, func() { ac.Close() })
		defer func() { stop(); ac.Close() }()
		ag := agent.NewClient(newIdleConn(ac, o.IdleTimeout))
		signers, err := ag.Signers()
		if err != nil {
			return nil, fmt.Errorf("ssh-agent (SSH_AUTH_SOCK): %v", err)
		}
		if len(signers) == 0 {
			return nil, errors.New("ssh-agent (SSH_AUTH_SOCK) holds no keys; ssh-add one, or give --upload-key")
		}
		auth = append(auth, ssh.PublicKeys(signers...))
		what = fmt.Sprintf("the %d key(s) of ssh-agent", len(signers))
	default:
		return nil, errors.New("no SSH key: give --upload-key FILE, or run ssh-agent (SSH_AUTH_SOCK) with the key loaded")
	}
	addr := net.JoinHostPort(t.host, t.port)
	conn, err := dial(ctx, addr, o)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %v", addr, unwrapNet(err))
	}
	check, algos, err := hostKeys(o.KnownHosts, addr, conn.RemoteAddr())
	if err != nil {
		conn.Close()
		return nil, err
	}
	cfg := &ssh.ClientConfig{
		User:              t.user,
		Auth:              auth,
		HostKeyCallback:   check,
		HostKeyAlgorithms: algos,
		Timeout:           o.DialTimeout,
	}
	// The handshake has its own bound: a server that accepts and then
	// says nothing (or trickles) fails here.
	timer := time.AfterFunc(o.DialTimeout, func() { conn.Close() })
	c, chans, reqs, err := ssh.NewClientConn(conn, addr, cfg)
	handshakeDone := timer.Stop()
	if err != nil {
		conn.Close()
		var hk *hostKeyError
		switch {
		case errors.As(err, &hk):
			return nil, hk
		case strings.Contains(err.Error(), "unable to authenticate"):
			return nil, fmt.Errorf("%s@%s did not accept %s", t.user, addr, what)
		case !handshakeDone:
			return nil, fmt.Errorf("%s: no SSH handshake within %s", addr, o.DialTimeout)
		}
		return nil, fmt.Errorf("%s: %v", addr, printable(err.Error(), 200))
	}
	return ssh.NewClient(c, chans, reqs), nil
}

func uploadSFTP(ctx context.Context, f *os.File, sum sums, t *Target, base string, o *Options) (*Result, error) {
	loc := t.location(base)
	fail := func(format string, args ...any) (*Result, error) {
		return nil, fmt.Errorf("%s: %s", loc, fmt.Sprintf(format, args...))
	}
	sc, err := sshConnect(ctx, t, o)
	if err != nil {
		return nil, err
	}
	defer sc.Close()
	c, err := sftp.NewClient(sc)
	if err != nil {
		return fail("no SFTP service: %v", sftpErr(err))
	}
	defer c.Close()
	name := t.name
	if name == "" {
		name = base
	}
	final := t.dir + name
	var rnd [6]byte
	rand.Read(rnd[:])
	tmp := t.dir + "." + name + ".part-" + hex.EncodeToString(rnd[:])
	rf, err := c.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return fail("create %s: %v", tmp, sftpErr(err))
	}
	keep := false
	defer func() {
		if !keep {
			rf.Close()
			c.Remove(tmp)
		}
	}()
	hr := newHashingReader(ctx, f, sum.size)
	if _, err := rf.ReadFrom(hr); err != nil {
		return fail("write %s: %v", tmp, sftpErr(err))
	}
	if err := hr.check(sum); err != nil {
		return fail("%v", err)
	}
	if err := rf.Sync(); err != nil && !unsupported(err) {
		return fail("sync %s: %v", tmp, sftpErr(err))
	}
	if err := rf.Close(); err != nil {
		return fail("close %s: %v", tmp, sftpErr(err))
	}
	st, err := c.Stat(tmp)
	if err != nil {
		return fail("stat %s: %v", tmp, sftpErr(err))
	}
	if st.Size() != sum.size {
		return fail("the server holds %d bytes of the %d sent", st.Size(), sum.size)
	}
	// pkg/sftp sends no check-file request (and OpenSSH does not offer
	// one), so the file is read back unless the drop forbids reading.
	checked := "size matches; SHA-256 read back matches"
	back, err := c.Open(tmp)
	switch {
	case err == nil:
		h := sha256.New()
		_, err := back.WriteTo(&ctxWriter{ctx: ctx, w: h})
		back.Close()
		if err != nil {
			return fail("read back %s: %v", tmp, sftpErr(err))
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != sum.hex() {
			return fail("the server's copy has SHA-256 %s, not %s", got, sum.hex())
		}
	case errors.Is(err, fs.ErrPermission):
		checked = "size matches (the drop does not let us read back)"
	default:
		return fail("read back %s: %v", tmp, sftpErr(err))
	}
	if _, ok := c.HasExtension("posix-rename@openssh.com"); ok {
		err = c.PosixRename(tmp, final)
	} else {
		err = c.Rename(tmp, final)
	}
	if err != nil {
		return fail("rename %s to %s: %v", tmp, final, sftpErr(err))
	}
	keep = true
	if st, err := c.Stat(final); err == nil && st.Size() != sum.size {
		return fail("after the rename the server holds %d bytes of the %d sent", st.Size(), sum.size)
	}
	return &Result{Location: loc, Size: sum.size, SHA256: sum.hex(), Checked: checked}, nil
}

func unsupported(err error) bool {
	var se *sftp.StatusError
	return errors.As(err, &se) && se.FxCode() == sftp.ErrSSHFxOpUnsupported
}

// sftpErr is an SFTP error as one safe line.
func sftpErr(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	var se *sftp.StatusError
	if errors.As(err, &se) {
		switch se.FxCode() {
		case sftp.ErrSSHFxPermissionDenied:
			return "permission denied"
		case sftp.ErrSSHFxNoSuchFile:
			return "no such file or folder"
		case sftp.ErrSSHFxFailure:
			return "failure (" + printable(se.Error(), 120) + "; a folder missing, a file in the way, or the disk full?)"
		}
	}
	return printable(unwrapNet(err).Error(), 200)
}

type ctxWriter struct {
	ctx context.Context
	w   interface{ Write([]byte) (int, error) }
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// unwrapNet drops the address noise of net.OpError, keeping the reason.
func unwrapNet(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return errors.New("no progress within the I/O timeout")
		}
		return oe.Err
	}
	return err
}
