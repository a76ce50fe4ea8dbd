package input_test

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"casefile/analyze/input"
	"casefile/analyze/input/inputtest"
)

// Hostile uploads at the help desk, part 2 (issue 12 and 18): the cases
// that are not a row of TestHostile.

// TestStdin: "analyze -" reads a bundle from standard input: Open reads
// the manifest and Walk the whole bundle, as for a file.
func TestStdin(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	for _, tc := range []struct {
		name string
		data []byte
	}{{"tar.gz", b.TarGz()}, {"zip", b.Zip()}} {
		t.Run(tc.name, func(t *testing.T) {
			opts := input.Options{Stdin: bytes.NewReader(tc.data), Trust: trust(b)}
			ins, err := input.Open(context.Background(), "-", opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(ins) != 1 || ins[0].Path != "-" || ins[0].Name != b.Name {
				t.Fatalf("inputs %+v", ins)
			}
			got := map[string]string{}
			v, err := ins[0].Walk(context.Background(), func(m input.Member, r io.Reader) error {
				data, err := io.ReadAll(r)
				got[m.Path] = string(data)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !v.Intact() {
				t.Errorf("not intact: %s", v.Shortfall())
			}
			if len(got) != len(wantContent(b)) {
				t.Errorf("got %d members, want %d", len(got), len(wantContent(b)))
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		_, err := input.Open(context.Background(), "-", input.Options{Stdin: bytes.NewReader(nil)})
		refusal(t, err, "-", "empty file")
	})
	t.Run("larger than the limit", func(t *testing.T) {
		_, err := input.Open(context.Background(), "-", input.Options{Stdin: bytes.NewReader(b.TarGz()), MaxTotalBytes: 100})
		refusal(t, err, "-", "standard input is larger than 100 bytes")
	})
}

// full says whether the slow full-size hostile cases run (make hostile).
func full(t *testing.T) bool {
	t.Helper()
	return os.Getenv("CASEFILE_HOSTILE_FULL") != ""
}

// zeroMembers is a .tar.gz of b's members followed by k members of n zero
// bytes each (each below RatioFloor, so that only the total bound can
// stop them), streamed to a file.
func zeroMembers(t *testing.T, b *inputtest.Built, k int, n int64) string {
	p := filepath.Join(t.TempDir(), "bomb.tar.gz")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := newGzip(f)
	tw := tar.NewWriter(zw)
	for _, m := range b.Members {
		tw.WriteHeader(&tar.Header{Name: b.Name + "/" + m.Path, Typeflag: tar.TypeReg, Size: int64(len(m.Data)), Mode: 0o644})
		tw.Write(m.Data)
	}
	for i := range k {
		tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("%s/files/var/log/zero.%d", b.Name, i), Typeflag: tar.TypeReg, Size: n, Mode: 0o644})
		io.Copy(tw, zeros(n))
	}
	tw.Close()
	zw.Close()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBombTotalRatio: members that each stay below the per-member ratio
// check (60 GiB of zeros in 60 MB took 80 s) are stopped by the bound on
// the total: 100 times the input's size above a floor. --max-expanded
// (MaxTotalBytes with no ratio) raises it.
func TestBombTotalRatio(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	k, n := 8, int64(8<<20) // 64 MiB from ~64 KiB
	opts := input.Options{TotalFloor: 16 << 20}
	if full(t) {
		k, n, opts = 64, 63<<20, input.Options{} // ~4 GiB from ~4 MB: stopped at the 1 GiB floor
	}
	p := zeroMembers(t, b, k, n)
	_, err := walkEager(p, opts)
	refusal(t, err, p, "times the")
	if !strings.Contains(err.Error(), "--max-expanded SIZE raises it") {
		t.Errorf("the refusal does not say how to raise the limit: %v", err)
	}
	_, err = walkLazy(p, opts)
	refusal(t, err, p, "times the")
	// Raised: the same input is read whole.
	opts.MaxTotalBytes, opts.MaxTotalRatio = int64(k+1)*n, -1
	if _, err := walkLazy(p, opts); err != nil {
		t.Errorf("with the limit raised: %v", err)
	}
}
