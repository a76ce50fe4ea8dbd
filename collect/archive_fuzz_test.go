//go:build linux

package collect

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"casefile/redact"
)

// FuzzArchiveRewrite: whatever bytes claim to be an archive, rewriting
// them never panics and either fails as the archive's problem (then
// nothing is stored) or yields a tar that reads to its end.
func FuzzArchiveRewrite(f *testing.F) {
	t := &testing.T{}
	plain := tarBytesOf(t, diagEntries(t))
	f.Add(plain)
	f.Add(gzipBytes(t, plain))
	f.Add(plain[:1500])
	eng, err := redact.New(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &collector{tmpDir: t.TempDir()}
		kind, comp := sniff(data, func(cp *compression) []byte { return decompressedHead(cp, bytes.NewReader(data)) })
		if kind != kindTar && kind != kindZip {
			return
		}
		ar := c.newArchiveRewrite(context.Background(), eng, "/x/diag.tar", 1<<20, int64(len(data)))
		var out bytes.Buffer
		err := ar.archive(kind, comp, bytes.NewReader(data), int64(len(data)), &out, "", 0)
		if err != nil {
			if !errors.As(err, new(archiveError)) {
				t.Fatalf("error that is not the archive's: %v", err)
			}
			return
		}
		if kind == kindTar && comp == nil {
			tr := tar.NewReader(&out)
			for {
				_, err := tr.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("rewritten tar does not read: %v", err)
				}
				if _, err := io.Copy(io.Discard, tr); err != nil {
					t.Fatalf("rewritten tar member: %v", err)
				}
			}
		}
	})
}
