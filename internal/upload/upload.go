// Package upload sends a finished bundle to the help desk: to an SFTP drop
// (sftp://user@host[:port]/path/) or to a presigned HTTPS PUT URL (S3, GCS,
// Azure SAS). It confirms what arrived before it reports success: over
// SFTP the file is written under a temporary name, its size and SHA-256
// (read back) checked, then renamed into place; over HTTPS the server's
// answer is checked against the checksums it was given or returns.
//
// Credentials never leave this package in text: errors, progress lines
// and result locations carry the URL with its query string and any
// userinfo password removed (Redact). SFTP passwords are not accepted at
// all (a key file or the ssh agent authenticates); plain http:// is only
// accepted to a loopback address (a local test server or an ssh -L
// tunnel), since a presigned URL's signature and the bundle would
// otherwise travel in clear.
//
// Nothing waits forever: dialing, the SSH and TLS handshakes and every
// read or write have their own timeouts, and Options.Timeout bounds the
// whole upload, retries included.
package upload

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of the timeouts.
const (
	DefaultTimeout     = 30 * time.Minute // the whole upload, retries included
	DefaultDialTimeout = 30 * time.Second // TCP connect, and each handshake (SSH, TLS)
	DefaultIdleTimeout = 60 * time.Second // a read or write that makes no progress
)

// Options are how an upload authenticates and how long it may take.
type Options struct {
	// KeyFile is the SSH private key (OpenSSH or PEM format, without a
	// passphrase; keys with one are used through the agent).
	KeyFile string
	// AgentSocket is the ssh-agent's socket (SSH_AUTH_SOCK); "" uses no
	// agent.
	AgentSocket string
	// KnownHosts is the known_hosts file the server's host key must be
	// in. Required for sftp.
	KnownHosts string

	Timeout     time.Duration // 0: DefaultTimeout
	DialTimeout time.Duration // 0: DefaultDialTimeout
	IdleTimeout time.Duration // 0: DefaultIdleTimeout

	// Log receives one line per retry (already redacted); nil: none.
	Log io.Writer

	// RetryBase is the first pause between HTTPS attempts (doubling up
	// to 30s); 0: one second. Tests shorten it.
	RetryBase time.Duration
}

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = DefaultDialTimeout
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.RetryBase <= 0 {
		o.RetryBase = time.Second
	}
}

func (o *Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", args...)
	}
}

// Result is what arrived where.
type Result struct {
	Location string // the object or file, redacted (no query, no password)
	Size     int64
	SHA256   string // hex, of the bytes sent
	// Checked says how the server confirmed the content, e.g. "SHA-256
	// read back" or "server checked Content-MD5".
	Checked string
}

// Target is a parsed upload URL. Its String is redacted.
type Target struct {
	u *url.URL // the full URL: never printed

	// sftp
	user, host, port string
	dir, name        string // name "": the bundle's own base name
}

// Parse checks an upload URL. Its errors never hold the URL's query or
// password.
func Parse(raw string) (*Target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole URL: give only the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("upload URL: %v", err)
	}
	t := &Target{u: u}
	switch u.Scheme {
	case "sftp":
		if _, has := u.User.Password(); has {
			return nil, fmt.Errorf("upload URL %s: a password in the URL is not used (it would show in the process list); authenticate with --upload-key or ssh-agent", t)
		}
		if u.Hostname() == "" {
			return nil, fmt.Errorf("upload URL %s: no host; want sftp://user@host[:port]/path/", t)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("upload URL %s: an sftp URL takes no query or fragment", t)
		}
		t.host = u.Hostname()
		t.port = u.Port()
		if t.port == "" {
			t.port = "22"
		}
		if u.User != nil {
			t.user = u.User.Username()
		}
		if t.user == "" {
			return nil, fmt.Errorf("upload URL %s: no user; want sftp://user@host[:port]/path/", t)
		}
		p := u.Path
		// curl's convention: /~/ is the user's home directory, and a
		// path relative to the home is how SFTP servers take it.
		if p == "/~" || strings.HasPrefix(p, "/~/") {
			p = strings.TrimPrefix(strings.TrimPrefix(p, "/~"), "/")
		}
		if p == "" || strings.HasSuffix(p, "/") {
			t.dir = p
		} else {
			i := strings.LastIndex(p, "/")
			t.dir, t.name = p[:i+1], p[i+1:]
		}
		for _, el := range strings.Split(p, "/") {
			if el == ".." {
				return nil, fmt.Errorf("upload URL %s: .. in the path", t)
			}
		}
		if t.name == "." {
			return nil, fmt.Errorf("upload URL %s: the path names no file or folder", t)
		}
	case "https", "http":
		if u.User != nil {
			return nil, fmt.Errorf("upload URL %s: credentials in the URL are not used; give the presigned URL the storage service issued", t)
		}
		if u.Hostname() == "" {
			return nil, fmt.Errorf("upload URL %s: no host", t)
		}
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("upload URL %s: plain http is refused (the signature and the bundle would travel in clear); use https (http only to 127.0.0.1, ::1 or localhost, e.g. an ssh -L tunnel)", t)
		}
		if strings.HasSuffix(u.Path, "/") || u.Path == "" {
			return nil, fmt.Errorf("upload URL %s: a presigned URL names one object, not a folder", t)
		}
	case "":
		return nil, fmt.Errorf("upload URL %s: want sftp://user@host[:port]/path/ or a presigned https:// URL", t)
	default:
		return nil, fmt.Errorf("upload URL %s: unsupported scheme %q; want sftp:// or https://", t, u.Scheme)
	}
	return t, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Scheme is sftp, https or http.
func (t *Target) Scheme() string { return t.u.Scheme }

// NamesFile reports whether the URL names the uploaded file itself (a
// presigned URL, or an sftp path not ending in /), so it cannot take
// several bundles.
func (t *Target) NamesFile() bool { return t.u.Scheme != "sftp" || t.name != "" }

// Secret reports whether the URL carries a credential (a query string:
// a presigned URL's signature), so it must not be printed whole, not even
// in a retry hint.
func (t *Target) Secret() bool { return t.u.RawQuery != "" }

// String is the URL without its query string and without any password.
func (t *Target) String() string { return Redact(t.u) }

// Redact renders u without userinfo password, query or fragment; a
// removed query shows as "?…".
func Redact(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User(c.User.Username())
	}
	q := c.RawQuery != "" || c.ForceQuery
	c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = "", false, "", ""
	s := c.String()
	if q {
		s += "?…"
	}
	return s
}

// location is where a file named base lands (sftp) or the object (https),
// redacted.
func (t *Target) location(base string) string {
	if t.u.Scheme != "sftp" {
		return t.String()
	}
	c := url.URL{Scheme: "sftp", User: url.User(t.user), Host: t.u.Host}
	p := t.u.Path
	if t.name == "" {
		p += base
	}
	c.Path = p
	return c.String()
}

// Upload sends the file at path to t. The local file is only read.
func Upload(ctx context.Context, path string, t *Target, o Options) (*Result, error) {
	o.defaults()
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	sum, err := digest(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if sum.size != fi.Size() {
		return nil, fmt.Errorf("%s: changed while being read", path)
	}
	var res *Result
	switch t.u.Scheme {
	case "sftp":
		res, err = uploadSFTP(ctx, f, sum, t, fileBase(path), &o)
	default:
		res, err = uploadHTTP(ctx, f, sum, t, &o)
	}
	if err != nil {
		if ctx.Err() != nil && !errors.Is(err, context.Canceled) && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%v (the upload timeout of %s ran out)", err, o.Timeout)
		}
		return nil, err
	}
	return res, nil
}

func fileBase(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// sums are the local file's size and checksums.
type sums struct {
	size   int64
	sha256 []byte
	md5    []byte
}

func (s sums) hex() string { return hex.EncodeToString(s.sha256) }

func digest(ctx context.Context, r io.ReaderAt) (sums, error) {
	h, m := sha256.New(), md5.New()
	n, err := io.Copy(io.MultiWriter(h, m), &ctxReader{ctx: ctx, r: io.NewSectionReader(r, 0, 1<<62)})
	if err != nil {
		return sums{}, err
	}
	return sums{size: n, sha256: h.Sum(nil), md5: m.Sum(nil)}, nil
}

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// hashingReader hashes what is read through it; sent is compared with the
// local file's checksum after sending, so a file that changed under the
// upload is never reported as sent.
type hashingReader struct {
	mu   sync.Mutex // net/http may still be sending when the answer came
	r    io.Reader
	h    hash.Hash
	n    int64
	size int64
}

func newHashingReader(ctx context.Context, f io.ReaderAt, size int64) *hashingReader {
	return &hashingReader{r: &ctxReader{ctx: ctx, r: io.NewSectionReader(f, 0, size)}, h: sha256.New(), size: size}
}

func (h *hashingReader) Read(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// Size lets pkg/sftp write concurrently.
func (h *hashingReader) Size() int64 { return h.size }

// sent is how many bytes were read.
func (h *hashingReader) sent() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

func (h *hashingReader) check(s sums) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n != s.size || hex.EncodeToString(h.h.Sum(nil)) != s.hex() {
		return errors.New("the local file changed during the upload")
	}
	return nil
}

// idleConn fails a read or write that makes no progress for idle. A read
// that waits while writes make progress (an HTTP response awaited during
// the upload of the body, SSH's reader between acknowledgements) waits on.
type idleConn struct {
	net.Conn
	idle time.Duration
	last atomic.Int64 // unix nanoseconds of the last byte moved
}

func (c *idleConn) progress() { c.last.Store(time.Now().UnixNano()) }

func (c *idleConn) Read(p []byte) (int, error) {
	for {
		c.Conn.SetReadDeadline(time.Now().Add(c.idle))
		n, err := c.Conn.Read(p)
		if n > 0 {
			c.progress()
		}
		if n == 0 && errors.Is(err, os.ErrDeadlineExceeded) && time.Since(time.Unix(0, c.last.Load())) < c.idle {
			continue
		}
		return n, err
	}
}

func (c *idleConn) Write(p []byte) (int, error) {
	written := 0
	for written < len(p) {
		c.Conn.SetWriteDeadline(time.Now().Add(c.idle))
		n, err := c.Conn.Write(p[written:])
		written += n
		if n > 0 {
			c.progress()
		}
		if err != nil {
			if n > 0 && errors.Is(err, os.ErrDeadlineExceeded) {
				continue // slow, not stuck
			}
			return written, err
		}
	}
	return written, nil
}

func newIdleConn(c net.Conn, idle time.Duration) *idleConn {
	ic := &idleConn{Conn: c, idle: idle}
	ic.progress()
	return ic
}

// dial connects with the dial timeout, and closes the connection when ctx
// ends, which fails whatever is waiting on it.
func dial(ctx context.Context, addr string, o *Options) (net.Conn, error) {
	d := net.Dialer{Timeout: o.DialTimeout}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	return newIdleConn(&stopConn{Conn: c, stop: stop}, o.IdleTimeout), nil
}

type stopConn struct {
	net.Conn
	stop func() bool
}

func (c *stopConn) Close() error {
	c.stop()
	return c.Conn.Close()
}

// printable keeps a server's text to one safe line of at most n runes.
func printable(s string, n int) string {
	var b strings.Builder
	count := 0
	space := false
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			r = ' '
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		if count == n {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		count++
	}
	return strings.TrimSpace(b.String())
}
