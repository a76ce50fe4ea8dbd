package uploadtest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"casefile/internal/testenv"
)

// S3 is a running SeaweedFS S3 gateway with one identity and one bucket.
type S3 struct {
	Endpoint  string // http://127.0.0.1:port
	Bucket    string
	Region    string
	AccessKey string
	SecretKey string
	Log       string // weed's log file
}

// RepoRoot is the repository's top folder.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// WeedPath is the weed binary scripts/s3-server.sh built, or stops the
// test (testenv.Unavailable).
func WeedPath(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("sh", filepath.Join(RepoRoot(), "scripts", "s3-server.sh"), "-n").Output()
	p := strings.TrimSpace(string(out))
	if err != nil || p == "" {
		testenv.Unavailable(t, "weed (SeaweedFS, the S3 server) not built: run scripts/s3-server.sh (make test-deps does; the first build takes many minutes)")
	}
	return p
}

// StartS3 runs weed server -s3 on 127.0.0.1 (every port free, no
// telemetry) with a private data folder, waits until it takes a bucket,
// and stops it when the test ends.
func StartS3(t testing.TB) *S3 {
	t.Helper()
	weed := WeedPath(t)
	dir := t.TempDir()
	s := &S3{Bucket: "drop", Region: "us-east-1", AccessKey: "CASEFILETESTKEY", SecretKey: "casefile-test-secret-key-0123456789", Log: filepath.Join(dir, "weed.log")}
	conf := fmt.Sprintf(`{"identities":[{"name":"helpdesk","credentials":[{"accessKey":%q,"secretKey":%q}],"actions":["Admin","Read","List","Tagging","Write"]}]}`, s.AccessKey, s.SecretKey)
	if err := os.WriteFile(filepath.Join(dir, "s3.json"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	os.Mkdir(data, 0o700)
	ports := make([]int, 8)
	for i := range ports {
		ports[i] = FreePort(t)
	}
	s.Endpoint = "http://127.0.0.1:" + strconv.Itoa(ports[6])
	logf, err := os.Create(s.Log)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"server", "-s3", "-filer",
		"-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir=" + data,
		"-master.port=" + strconv.Itoa(ports[0]), "-master.port.grpc=" + strconv.Itoa(ports[1]),
		"-volume.port=" + strconv.Itoa(ports[2]), "-volume.port.grpc=" + strconv.Itoa(ports[3]),
		"-filer.port=" + strconv.Itoa(ports[4]), "-filer.port.grpc=" + strconv.Itoa(ports[5]),
		"-s3.port=" + strconv.Itoa(ports[6]), "-s3.port.grpc=" + strconv.Itoa(ports[7]),
		"-s3.port.iceberg=0", "-s3.port.lance=0",
		"-filer.localSocket=" + filepath.Join(dir, "filer.sock"), "-s3.localSocket=" + filepath.Join(dir, "s3.sock"),
		"-master.telemetry=false", "-master.volumeSizeLimitMB=64", "-volume.max=16",
		"-s3.config=" + filepath.Join(dir, "s3.json"),
	}
	cmd := exec.Command(weed, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		testenv.Unavailable(t, "cannot start %s: %v", weed, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); logf.Close(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		// weed puts its local gRPC sockets at fixed /tmp paths.
		for kind, port := range map[string]int{"master": ports[1], "volume": ports[3], "filer": ports[5], "s3": ports[7]} {
			os.Remove(fmt.Sprintf("/tmp/seaweedfs-%s-grpc-%d.sock", kind, port))
		}
	})
	// Ready when the bucket can be made (the gateway needs the filer,
	// the filer the master).
	end := time.Now().Add(60 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodPut, s.Presign(http.MethodPut, "", time.Minute, nil), nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 || strings.Contains(string(body), "BucketAlreadyOwnedByYou") {
				return s
			}
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(s.Log)
			t.Fatalf("weed exited:\n%s", tail(log))
		default:
		}
		if time.Now().After(end) {
			log, _ := os.ReadFile(s.Log)
			t.Fatalf("weed S3 not ready within 60s (last: %v):\n%s", err, tail(log))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func tail(b []byte) string {
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// Get fetches an object with a presigned GET.
func (s *S3) Get(t testing.TB, key string) []byte {
	t.Helper()
	resp, err := http.Get(s.Presign(http.MethodGet, key, time.Minute, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s: %s", key, resp.Status, b)
	}
	return b
}

// Presign returns a presigned URL for method on the bucket's key ("" for
// the bucket itself), valid for expires, AWS Signature Version 4 in the
// query string (as the AWS SDKs' presigners make them). headers are
// extra headers to sign (lower-case names) with the values the request
// must then carry; host is always signed.
func (s *S3) Presign(method, key string, expires time.Duration, headers map[string]string) string {
	return PresignV4(method, s.Endpoint+"/"+s.Bucket+keyPath(key), s.Region, s.AccessKey, s.SecretKey, time.Now().UTC(), expires, headers)
}

func keyPath(key string) string {
	if key == "" {
		return ""
	}
	return "/" + key
}

// PresignV4 signs rawURL (without a query) for method per AWS SigV4's
// query-string authentication, payload UNSIGNED-PAYLOAD.
func PresignV4(method, rawURL, region, accessKey, secretKey string, now time.Time, expires time.Duration, headers map[string]string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	date := now.Format("20060102")
	amzDate := now.Format("20060102T150405Z")
	scope := date + "/" + region + "/s3/aws4_request"
	hs := map[string]string{"host": u.Host}
	for k, v := range headers {
		hs[strings.ToLower(k)] = strings.TrimSpace(v)
	}
	names := make([]string, 0, len(hs))
	for k := range hs {
		names = append(names, k)
	}
	sort.Strings(names)
	q := url.Values{}
	q.Set("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
	q.Set("X-Amz-Credential", accessKey+"/"+scope)
	q.Set("X-Amz-Date", amzDate)
	q.Set("X-Amz-Expires", strconv.Itoa(int(expires/time.Second)))
	q.Set("X-Amz-SignedHeaders", strings.Join(names, ";"))
	var canonHeaders strings.Builder
	for _, k := range names {
		canonHeaders.WriteString(k + ":" + hs[k] + "\n")
	}
	canon := strings.Join([]string{
		method,
		uriEncode(u.Path, false),
		canonicalQuery(q),
		canonHeaders.String(),
		strings.Join(names, ";"),
		"UNSIGNED-PAYLOAD",
	}, "\n")
	ch := sha256.Sum256([]byte(canon))
	sts := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(ch[:])
	k := hmacSHA256([]byte("AWS4"+secretKey), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, "s3")
	k = hmacSHA256(k, "aws4_request")
	sig := hex.EncodeToString(hmacSHA256(k, sts))
	u.RawQuery = canonicalQuery(q) + "&X-Amz-Signature=" + sig
	return u.String()
}

func hmacSHA256(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// canonicalQuery sorts by key and encodes per SigV4.
func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, uriEncode(k, true)+"="+uriEncode(v, true))
		}
	}
	return strings.Join(parts, "&")
}

// uriEncode is SigV4's UriEncode: unreserved characters as they are,
// everything else %XX; "/" kept unless encodeSlash.
func uriEncode(s string, encodeSlash bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
