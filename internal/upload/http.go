package upload

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// maxAttempts bounds the HTTPS attempts (the timeout bounds their time).
const maxAttempts = 8

// rootCAs, when set, replaces the system's roots (tests).
var rootCAs *x509.CertPool

// headersFor chooses what to send besides the body: only what the URL
// signed (a presigned S3 or GCS URL refuses unsigned extra headers), or
// what the service needs and checks (Azure: the blob type, Content-MD5).
func headersFor(u *url.URL, sum sums, contentType string) (h http.Header, sent string) {
	h = http.Header{}
	q := queryValues(u.RawQuery)
	signed := map[string]bool{}
	for k, vs := range q {
		if strings.EqualFold(k, "X-Amz-SignedHeaders") || strings.EqualFold(k, "X-Goog-SignedHeaders") {
			for _, v := range vs {
				for _, name := range strings.Split(v, ";") {
					signed[strings.ToLower(strings.TrimSpace(name))] = true
				}
			}
		}
	}
	azure := q.Has("sig") && q.Has("sv")
	if signed["x-amz-checksum-sha256"] {
		h.Set("x-amz-checksum-sha256", base64.StdEncoding.EncodeToString(sum.sha256))
		sent = "server checked SHA-256 (x-amz-checksum-sha256)"
	}
	if signed["x-amz-sdk-checksum-algorithm"] {
		h.Set("x-amz-sdk-checksum-algorithm", "SHA256")
	}
	if signed["content-md5"] || azure {
		h.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum.md5))
		if sent == "" {
			sent = "server checked Content-MD5"
		}
	}
	if signed["content-type"] {
		h.Set("Content-Type", contentType)
	}
	if azure {
		h.Set("x-ms-blob-type", "BlockBlob")
	}
	return h, sent
}

// queryValues splits a query at & only: url.Query drops pairs holding a
// ";", and a presigner may leave the ";" of X-Amz-SignedHeaders unescaped.
func queryValues(raw string) url.Values {
	q := url.Values{}
	for _, kv := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(kv, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 == nil && err2 == nil && k != "" {
			q.Add(k, v)
		}
	}
	return q
}

func contentTypeOf(name string) string {
	if strings.HasSuffix(name, ".tar.gz") || strings.HasSuffix(name, ".tgz") {
		return "application/gzip"
	}
	return "application/octet-stream"
}

func uploadHTTP(ctx context.Context, f *os.File, sum sums, t *Target, o *Options) (*Result, error) {
	hdr, sent := headersFor(t.u, sum, contentTypeOf(f.Name()))
	tr := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: func(dctx context.Context, network, addr string) (net.Conn, error) {
			d := net.Dialer{Timeout: o.DialTimeout}
			c, err := d.DialContext(dctx, network, addr)
			if err != nil {
				return nil, err
			}
			// The whole upload's context, not the dial's, closes it.
			stop := context.AfterFunc(ctx, func() { c.Close() })
			return newIdleConn(&stopConn{Conn: c, stop: stop}, o.IdleTimeout), nil
		},
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: rootCAs},
		TLSHandshakeTimeout:    o.DialTimeout,
		ExpectContinueTimeout:  2 * time.Second,
		DisableKeepAlives:      true,
		DisableCompression:     true,
		MaxResponseHeaderBytes: 64 << 10,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		// A presigned URL names the final endpoint; a redirect would
		// send the bundle where nobody signed for it.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	deadline, _ := ctx.Deadline()
	pause := o.RetryBase
	for attempt := 1; ; attempt++ {
		res, retryAfter, err := putOnce(ctx, client, f, sum, t, hdr, sent)
		if err == nil {
			return res, nil
		}
		if retryAfter < 0 || ctx.Err() != nil {
			return nil, err
		}
		wait := max(pause, retryAfter)
		if attempt == maxAttempts {
			return nil, fmt.Errorf("%v (gave up after %d attempts)", err, attempt)
		}
		if !deadline.IsZero() && time.Until(deadline) < wait {
			return nil, fmt.Errorf("%v (gave up after %d attempts: the upload timeout leaves no time for another)", err, attempt)
		}
		o.logf("upload attempt %d to %s failed: %v; retrying in %s", attempt, t, err, wait.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
		pause = min(pause*2, 30*time.Second)
	}
}

// putOnce sends the file once. retryAfter < 0: do not retry; else retry
// after at least that long.
func putOnce(ctx context.Context, client *http.Client, f *os.File, sum sums, t *Target, hdr http.Header, sent string) (res *Result, retryAfter time.Duration, err error) {
	hr := newHashingReader(ctx, f, sum.size)
	var body io.Reader = hr
	if sum.size == 0 {
		body = http.NoBody
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, t.u.String(), body)
	if err != nil {
		return nil, -1, fmt.Errorf("%s: %v", t, errors.Unwrap(err))
	}
	req.ContentLength = sum.size
	for k, v := range hdr {
		req.Header[k] = v
	}
	if sum.size > 0 {
		req.Header.Set("Expect", "100-continue")
	}
	resp, err := client.Do(req)
	if err != nil {
		// url.Error holds the whole URL, signature included: keep the
		// reason only.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if errors.Is(err, context.Canceled) {
			return nil, -1, fmt.Errorf("%s: interrupted", t)
		}
		return nil, 0, fmt.Errorf("%s: %v", t, printable(unwrapNet(err).Error(), 200))
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<10))
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
	case code >= 500 || code == http.StatusRequestTimeout || code == http.StatusTooManyRequests:
		ra := time.Duration(0)
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 && s < 600 {
			ra = time.Duration(s) * time.Second
		}
		return nil, ra, fmt.Errorf("%s: %s", t, statusText(resp, msg))
	case code >= 300 && code < 400:
		return nil, -1, fmt.Errorf("%s: the server redirects (HTTP %d); a presigned URL must name the final endpoint", t, code)
	default:
		return nil, -1, fmt.Errorf("%s: %s", t, statusText(resp, msg))
	}
	if n := hr.sent(); n < sum.size {
		return nil, 0, fmt.Errorf("%s: the server answered HTTP %d after %d of %d bytes", t, resp.StatusCode, n, sum.size)
	}
	if err := hr.check(sum); err != nil {
		return nil, -1, fmt.Errorf("%s: %v", t, err)
	}
	checked := sent
	md5hex := hex.EncodeToString(sum.md5)
	if v := resp.Header.Get("x-amz-checksum-sha256"); v != "" {
		if got, err := base64.StdEncoding.DecodeString(v); err != nil || !bytes.Equal(got, sum.sha256) {
			return nil, 0, fmt.Errorf("%s: the server's SHA-256 of the object (%s) is not the bundle's", t, printable(v, 60))
		}
		checked = "server's SHA-256 matches"
	}
	if v := resp.Header.Get("Content-MD5"); v != "" && checked == "" {
		if got, err := base64.StdEncoding.DecodeString(v); err == nil && bytes.Equal(got, sum.md5) {
			checked = "server's Content-MD5 matches"
		}
	}
	if etag := strings.Trim(strings.TrimPrefix(resp.Header.Get("ETag"), "W/"), `"`); checked == "" && strings.EqualFold(etag, md5hex) {
		checked = "ETag is the bundle's MD5"
	}
	if checked == "" {
		checked = fmt.Sprintf("accepted (HTTP %d; the server returned no checksum to compare)", resp.StatusCode)
	}
	return &Result{Location: t.String(), Size: sum.size, SHA256: sum.hex(), Checked: checked}, 0, nil
}

// statusText is an HTTP error status with the service's error code and
// message (S3, GCS and Azure answer with an XML <Error>), on one line.
func statusText(resp *http.Response, body []byte) string {
	s := "HTTP " + resp.Status
	var e struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	if xml.Unmarshal(body, &e) == nil && e.Code != "" {
		m, _, _ := strings.Cut(e.Message, "\n")
		s += ": " + printable(e.Code, 60)
		if m != "" {
			s += ": " + printable(m, 160)
		}
	}
	return printable(s, 260)
}
