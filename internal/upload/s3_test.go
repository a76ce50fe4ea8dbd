package upload

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"casefile/internal/upload/uploadtest"
)

// TestS3Presigned sends to a real S3 server (SeaweedFS) through
// presigned PUT URLs signed for host only, for the SHA-256 checksum
// header, and for Content-MD5. The server rejects unsigned x-amz headers
// on a presigned request, so the host-only case also proves none is sent;
// the checksum cases prove the server checked what was sent.
func TestS3Presigned(t *testing.T) {
	s3 := uploadtest.StartS3(t)
	path, _ := bundleFile(t, 2<<20+5)
	local, _ := os.ReadFile(path)
	sha := sha256.Sum256(local)
	md := md5.Sum(local)
	b64 := base64.StdEncoding.EncodeToString
	for _, tc := range []struct {
		name    string
		headers map[string]string
		checked string
	}{
		{"host only", nil, "ETag is the bundle's MD5"},
		{"sha256 signed", map[string]string{"x-amz-checksum-sha256": b64(sha[:])}, "server's SHA-256 matches"},
		{"md5 signed", map[string]string{"content-md5": b64(md[:])}, "server checked Content-MD5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "t/" + strings.ReplaceAll(tc.name, " ", "-") + ".tar.gz"
			res, err := Upload(context.Background(), path, mustParse(t, s3.Presign(http.MethodPut, key, 5*time.Minute, tc.headers)), Options{})
			if err != nil {
				t.Fatalf("upload: %v (weed log %s)", err, s3.Log)
			}
			if res.Checked != tc.checked || res.Location != s3.Endpoint+"/drop/"+key+"?…" {
				t.Errorf("result %+v, want checked %q", res, tc.checked)
			}
			if got := s3.Get(t, key); !bytes.Equal(got, local) {
				t.Errorf("the object (%d bytes) is not the file", len(got))
			}
		})
	}
	// A URL signed for another content's checksum: the server refuses it,
	// and nothing is retried.
	other := sha256.Sum256([]byte("other"))
	_, err := Upload(context.Background(), path, mustParse(t, s3.Presign(http.MethodPut, "t/wrong.tar.gz", 5*time.Minute, map[string]string{"x-amz-checksum-sha256": b64(other[:])})), Options{RetryBase: 10 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "HTTP 403") {
		t.Errorf("checksum of other content: %v", err)
	}
}
