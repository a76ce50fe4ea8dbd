package input_test

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"casefile/analyze/input"
	"casefile/analyze/input/inputtest"
	"casefile/analyze/report"
	"casefile/bundle"
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

// TestProvenance: a valid signature's trusted comment names the bundle,
// host, profile and time; a renamed top folder, or a signature made for
// another bundle's description, is an integrity problem.
func TestProvenance(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	resign := func(comment string) *inputtest.Built {
		c := inputtest.Build(t, inputtest.Spec{Key: &b.Private})
		c.Set("SHA256SUMS.minisig", string(bundle.Sign(c.Private, c.Get("SHA256SUMS"), comment)))
		return c
	}
	m := b.Manifest
	good := bundle.TrustedComment(m)
	tests := []struct {
		name string
		data []byte
		want []string // provenance details
	}{
		{"as signed", b.TarGz(), nil},
		{"renamed top folder", gzBytes(t, tarOf(t, renamed(b, "prod-db01-20240301T120000Z")...)), []string{
			`the signature names bundle "` + b.Name + `", but its top folder is "prod-db01-20240301T120000Z" (renamed?)`}},
		{"signed for another host", resign(strings.Replace(good, "host:testhost", "host:othernode", 1)).TarGz(), []string{
			`the signature names host "othernode", the manifest "testhost"`}},
		{"signed for another bundle, profile and time", resign("bundle:x-y-20200101T000000Z host:testhost profile:other time:2020-01-01T00:00:00Z").TarGz(), []string{
			`the signature names bundle "x-y-20200101T000000Z", but its top folder is "` + b.Name + `" (renamed?)`,
			`the signature names bundle "x-y-20200101T000000Z", the manifest "` + m.Name + `"`,
			`the signature names profile "other", the manifest "` + m.Profile.Name + `"`,
			`the signature names time 2020-01-01T00:00:00Z, the manifest 2024-03-01T12:00:00Z`}},
		{"another tool's comment is not compared", resign("timestamp:1700000000 file:SHA256SUMS").TarGz(), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := inputtest.WriteFile(t, filepath.Join(t.TempDir(), "b.tar.gz"), tc.data)
			vs, err := walkEager(p, input.Options{Trust: trust(b)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, pr := range vs[0].Integrity.Problems {
				if pr.Kind == "provenance" {
					if pr.Member != "SHA256SUMS.minisig" {
						t.Errorf("problem on %q", pr.Member)
					}
					got = append(got, pr.Detail)
				}
			}
			sort.Strings(got)
			sort.Strings(tc.want)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("provenance problems (-want +got):\n%s", diff)
			}
			if vs[0].Signature.Status != bundle.SigValid || !vs[0].Signature.Trusted {
				t.Errorf("signature %+v", vs[0].Signature)
			}
			wantStatus := report.IntegrityOK
			if len(tc.want) > 0 {
				wantStatus = report.IntegrityMismatch
			}
			if vs[0].Integrity.Status != wantStatus {
				t.Errorf("integrity %s, want %s", vs[0].Integrity.Status, wantStatus)
			}
		})
	}
}

// renamed is b's members under another top folder.
func renamed(b *inputtest.Built, top string) []tarEntry {
	var es []tarEntry
	for _, m := range b.Members {
		es = append(es, reg(top+"/"+m.Path, string(m.Data)))
	}
	return es
}

// TestNestedInBundle: archives inside a bundle member are read MaxDepth
// deep (five used to be silently not read); a deeper one is reported as
// not opened.
func TestNestedInBundle(t *testing.T) {
	nest := func(k int) string {
		data, name := []byte("2024-03-01 12:00:00 deep line\n"), "app.log"
		for i := k; i >= 1; i-- {
			data = gzBytes(t, tarOf(t, reg(name, string(data))))
			name = fmt.Sprintf("d%d.tar.gz", i)
		}
		return string(data)
	}
	for _, k := range []int{5, input.MaxDepth, input.MaxDepth + 1} {
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			b := inputtest.Build(t, inputtest.Spec{Files: map[string]string{"files/opt/app/diag.tar.gz": nest(k)}})
			p := b.WriteTarGz(t, t.TempDir())
			ins, err := input.Open(context.Background(), p, input.Options{})
			if err != nil {
				t.Fatal(err)
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
			deep := "files/opt/app/diag.tar.gz"
			for i := 2; i <= min(k, input.MaxDepth); i++ {
				deep += fmt.Sprintf("/d%d.tar.gz", i)
			}
			var tooDeep []string
			for _, pr := range v.Integrity.Problems {
				if input.TooDeep(pr.Kind, pr.Detail) {
					tooDeep = append(tooDeep, pr.Member)
				}
			}
			if k <= input.MaxDepth {
				if got[deep+"/app.log"] != "2024-03-01 12:00:00 deep line\n" || len(tooDeep) > 0 {
					t.Errorf("%d deep: not read (members %v, too deep %v)", k, keys(got), tooDeep)
				}
			} else if want := deep + fmt.Sprintf("/d%d.tar.gz", input.MaxDepth+1); len(tooDeep) != 1 || tooDeep[0] != want {
				t.Errorf("%d deep: too deep %v, want [%s]", k, tooDeep, want)
			}
			if v.Integrity.Status != report.IntegrityOK {
				t.Errorf("integrity %s", v.Integrity.Status)
			}
		})
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
