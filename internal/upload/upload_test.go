package upload

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const secret = "deadbeefSIGNATURE0123456789"

// TestParse: the URL forms taken, those refused, and that no error or
// rendering ever holds a password or a query string.
func TestParse(t *testing.T) {
	type want struct {
		Scheme, User, Host, Port, Dir, Name, String string
		NamesFile, Secret                           bool
	}
	ok := []struct {
		raw  string
		want want
	}{
		{"sftp://help@drop.example.com/incoming/", want{"sftp", "help", "drop.example.com", "22", "/incoming/", "", "sftp://help@drop.example.com/incoming/", false, false}},
		{"sftp://help@10.0.0.5:2222/incoming/t42.tar.gz", want{"sftp", "help", "10.0.0.5", "2222", "/incoming/", "t42.tar.gz", "sftp://help@10.0.0.5:2222/incoming/t42.tar.gz", true, false}},
		{"sftp://help@[::1]:2222/~/drop/", want{"sftp", "help", "::1", "2222", "drop/", "", "sftp://help@[::1]:2222/~/drop/", false, false}},
		{"sftp://help@h", want{"sftp", "help", "h", "22", "", "", "sftp://help@h", false, false}},
		{"https://b.s3.amazonaws.com/t42/x.tar.gz?X-Amz-Signature=" + secret, want{"https", "", "", "", "", "", "https://b.s3.amazonaws.com/t42/x.tar.gz?…", true, true}},
		{"http://127.0.0.1:9000/b/k?sig=" + secret, want{"http", "", "", "", "", "", "http://127.0.0.1:9000/b/k?…", true, true}},
		{"http://localhost/b/k", want{"http", "", "", "", "", "", "http://localhost/b/k", true, false}},
	}
	for _, tc := range ok {
		tg, err := Parse(tc.raw)
		if err != nil {
			t.Errorf("Parse(%s): %v", tc.raw, err)
			continue
		}
		got := want{tg.Scheme(), tg.user, tg.host, tg.port, tg.dir, tg.name, tg.String(), tg.NamesFile(), tg.Secret()}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("Parse(%s) (-want +got):\n%s", tc.raw, d)
		}
	}
	bad := []struct{ raw, want string }{
		{"sftp://help:" + secret + "@h/x/", "a password in the URL is not used"},
		{"sftp://h/x/", "no user"},
		{"sftp://help@/x/", "no host"},
		{"sftp://help@h/x/?" + secret, "no query"},
		{"sftp://help@h/../etc/", ".. in the path"},
		{"https://user:" + secret + "@h/b/k", "credentials in the URL are not used"},
		{"http://example.com/b/k?X-Amz-Signature=" + secret, "plain http is refused"},
		{"https://h/b/?X-Amz-Signature=" + secret, "not a folder"},
		{"ftp://h/x?" + secret, `unsupported scheme "ftp"`},
		{"/tmp/x", "want sftp://"},
		{"https://h/%zz?" + secret, "invalid URL escape"},
	}
	for _, tc := range bad {
		_, err := Parse(tc.raw)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%s) = %v, want %q", tc.raw, err, tc.want)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("Parse(%s): the error holds the secret: %v", tc.raw, err)
		}
	}
}

// TestHeadersFor: only the headers the URL signed (S3, GCS), or Azure's
// own; never an unsigned x-amz header.
func TestHeadersFor(t *testing.T) {
	s := sums{size: 3, sha256: []byte("0123456789abcdef0123456789abcdef"), md5: []byte("0123456789abcdef")}
	b64 := base64.StdEncoding.EncodeToString
	tests := []struct {
		name, url string
		want      http.Header
		sent      string
	}{
		{"s3 host only", "https://b.s3.amazonaws.com/k?X-Amz-SignedHeaders=host&X-Amz-Signature=x", http.Header{}, ""},
		{"s3 checksum", "https://b.s3.amazonaws.com/k?X-Amz-SignedHeaders=host%3Bx-amz-checksum-sha256%3Bx-amz-sdk-checksum-algorithm", http.Header{
			"X-Amz-Checksum-Sha256": {b64(s.sha256)}, "X-Amz-Sdk-Checksum-Algorithm": {"SHA256"}}, "server checked SHA-256 (x-amz-checksum-sha256)"},
		{"s3 md5 and type", "https://b.s3.amazonaws.com/k?x-amz-signedheaders=content-md5;content-type;host", http.Header{
			"Content-Md5": {b64(s.md5)}, "Content-Type": {"application/gzip"}}, "server checked Content-MD5"},
		{"gcs", "https://storage.googleapis.com/b/k?X-Goog-SignedHeaders=content-md5%3Bhost", http.Header{"Content-Md5": {b64(s.md5)}}, "server checked Content-MD5"},
		{"gcs v2", "https://storage.googleapis.com/b/k?GoogleAccessId=a&Expires=1&Signature=x", http.Header{}, ""},
		{"azure", "https://a.blob.core.windows.net/c/k?sv=2022-11-02&sr=b&sp=cw&sig=x", http.Header{
			"Content-Md5": {b64(s.md5)}, "X-Ms-Blob-Type": {"BlockBlob"}}, "server checked Content-MD5"},
	}
	for _, tc := range tests {
		u, _ := url.Parse(tc.url)
		h, sent := headersFor(u, s, "application/gzip")
		if d := cmp.Diff(tc.want, h); d != "" || sent != tc.sent {
			t.Errorf("%s: sent %q, want %q; headers (-want +got):\n%s", tc.name, sent, tc.sent, d)
		}
	}
}

// TestHTTPRetry: 5xx and dropped connections are retried with backoff,
// the retries logged without the signature; a 4xx is final and its S3
// error code shown.
func TestHTTPRetry(t *testing.T) {
	path, _ := bundleFile(t, 100<<10)
	var mu sync.Mutex
	calls := 0
	var got []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		switch {
		case strings.HasSuffix(r.URL.Path, "/denied"):
			w.WriteHeader(403)
			io.WriteString(w, `<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired
second line</Message><X-Amz-Signature>`+secret+`</X-Amz-Signature></Error>`)
		case n == 1:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(503)
			io.WriteString(w, `<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`)
		case n == 2:
			hj, _ := w.(http.Hijacker)
			c, _, _ := hj.Hijack()
			c.Close()
		default:
			if r.Method != http.MethodPut || r.ContentLength != 100<<10 || r.URL.Query().Get("X-Amz-Signature") != secret {
				w.WriteHeader(400)
				return
			}
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			got = b
			mu.Unlock()
			m := md5.Sum(b)
			w.Header().Set("ETag", `"`+hex.EncodeToString(m[:])+`"`)
		}
	}))
	defer srv.Close()
	var log strings.Builder
	start := time.Now()
	res, err := Upload(context.Background(), path, mustParse(t, srv.URL+"/b/k?X-Amz-Signature="+secret), Options{Log: &log, RetryBase: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	if calls != 3 || len(got) != 100<<10 || res.Checked != "ETag is the bundle's MD5" {
		t.Errorf("calls %d, got %d bytes, checked %q", calls, len(got), res.Checked)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("Retry-After: 1 not honoured (%s)", d)
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "HTTP 503 Service Unavailable: SlowDown: Please reduce your request rate.") || strings.Contains(log.String(), secret) {
		t.Errorf("retry log:\n%s", log.String())
	}
	calls = 0
	_, err = Upload(context.Background(), path, mustParse(t, srv.URL+"/b/denied?X-Amz-Signature="+secret), Options{Log: &log, RetryBase: 10 * time.Millisecond})
	if err == nil || calls != 1 || !strings.HasSuffix(err.Error(), "HTTP 403 Forbidden: AccessDenied: Request has expired") || strings.Contains(err.Error(), secret) {
		t.Errorf("403: calls %d, err %v", calls, err)
	}
}

// TestHTTPNeverHangs: a server that reads nothing and answers nothing
// fails on the idle timeout; one that never accepts fails on the total
// timeout; neither error holds the signature.
func TestHTTPNeverHangs(t *testing.T) {
	path, _ := bundleFile(t, 8<<20)
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
			defer c.Close() // hold it open, read nothing
		}
	}()
	start := time.Now()
	_, err = Upload(context.Background(), path, mustParse(t, "http://"+l.Addr().String()+"/b/k?X-Amz-Signature="+secret),
		Options{IdleTimeout: 300 * time.Millisecond, Timeout: 3 * time.Second, RetryBase: 50 * time.Millisecond})
	// Each attempt ends on the idle timeout (the error says so), not on
	// the total one alone.
	if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "no progress within the I/O timeout") {
		t.Errorf("err = %v, want the idle timeout named and no signature", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	t.Logf("silent server: %v", err)

	// A closed port: refused at once, retried until the timeout.
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	start = time.Now()
	_, err = Upload(context.Background(), path, mustParse(t, "http://127.0.0.1:"+strconv.Itoa(port)+"/b/k?X-Amz-Signature="+secret),
		Options{Timeout: 500 * time.Millisecond, RetryBase: 50 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "gave up after") || strings.Contains(err.Error(), secret) {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s", d)
	}
}

// TestPrintable: a server's text cannot break the line or steer the
// terminal.
func TestPrintable(t *testing.T) {
	if got := printable("a\x1b[31mred\r\n\u202eevil\tx", 100); got != "a [31mred evil x" {
		t.Errorf("got %q", got)
	}
	if got := printable(strings.Repeat("x", 50), 10); got != "xxxxxxxxxx…" {
		t.Errorf("got %q", got)
	}
}

// FuzzParse: whatever the URL around it, a query-string signature or a
// userinfo password never shows in Parse's error or the target's String.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"h/b/k", "127.0.0.1:9/x/", "[::1]:22/~/d/", "h/%zz", "h:bad/x", "@h/x#frag", "h/b/k?a=b&c"} {
		f.Add(s)
	}
	const marker = "Zq9SECRETq9Z"
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Contains(s, marker) || strings.Contains(s, "Zq9") {
			return
		}
		for _, raw := range []string{
			"https://" + s + "?X-Amz-Signature=" + marker,
			"http://" + s + "?sig=" + marker,
			"https://u:" + marker + "@" + s,
			"sftp://u:" + marker + "@" + s,
			"sftp://u@" + s + "?" + marker,
		} {
			tg, err := Parse(raw)
			var text string
			if err != nil {
				text = err.Error()
			} else {
				text = tg.String() + tg.location("b.tar.gz")
			}
			if strings.Contains(text, marker) {
				t.Fatalf("Parse(%q) shows the secret: %s", raw, text)
			}
		}
	})
}
