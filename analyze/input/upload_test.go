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
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"

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

// TestEncodings: UTF-16 (with or without a BOM), Shift_JIS, EUC-JP and
// Latin-1 logs are handed over as UTF-8, with a note naming the encoding;
// UTF-8 and binary files as they are (issue 12: UTF-16 logs were silently
// not matched).
func TestEncodings(t *testing.T) {
	const text = "2024-03-01 12:00:00 接続に失敗しました: Too many open files\n2024-03-01 12:00:01 サービスを再起動します\n"
	const latin = "2024-03-01 12:00:00 Échec de la connexion: délai dépassé\n"
	enc := func(e encoding.Encoding, s string) string {
		out, err := e.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	binary := "\x00\x01\x02\x03\xff\xfe\x00\x00" + strings.Repeat("\x00\x07\x80\x01", 100)
	files := map[string]string{
		"files/utf16le-bom.log": enc(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), text),
		"files/utf16be-bom.log": enc(unicode.UTF16(unicode.BigEndian, unicode.UseBOM), text),
		"files/utf16le.log":     enc(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), text),
		"files/sjis.log":        enc(japanese.ShiftJIS, text),
		"files/eucjp.log":       enc(japanese.EUCJP, text),
		"files/latin1.log":      enc(charmap.ISO8859_1, latin),
		"files/utf8.log":        text,
		"files/wtmp":            binary,
	}
	want := map[string]string{
		"files/utf16le-bom.log": "UTF-16LE", "files/utf16be-bom.log": "UTF-16BE", "files/utf16le.log": "UTF-16LE",
		"files/sjis.log": "Shift_JIS", "files/eucjp.log": "EUC-JP", "files/latin1.log": "ISO-8859-1",
	}
	b := inputtest.Build(t, inputtest.Spec{Files: files})
	p := b.WriteTarGz(t, t.TempDir())
	ins, err := input.Open(context.Background(), p, input.Options{Trust: trust(b)})
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
	for path, name := range want {
		w := text
		if name == "ISO-8859-1" {
			w = latin
		}
		if got[path] != w {
			t.Errorf("%s: got %q", path, got[path])
		}
	}
	if got["files/utf8.log"] != text || got["files/wtmp"] != binary {
		t.Errorf("UTF-8 or binary content changed")
	}
	notes := map[string]string{}
	for _, pr := range v.Integrity.Problems {
		if pr.Kind == input.EncodingKind {
			notes[pr.Member] = pr.Detail
		}
	}
	for path, name := range want {
		if notes[path] != "decoded from "+name+" to UTF-8 before matching" {
			t.Errorf("%s: note %q, want %s", path, notes[path], name)
		}
	}
	if len(notes) != len(want) {
		t.Errorf("notes %v", notes)
	}
	if !v.Intact() {
		t.Errorf("not intact: %s", v.Shortfall())
	}
}
