package input_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/dsnet/compress/bzip2"
	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"casefile/analyze/input"
	"casefile/analyze/input/inputtest"
	"casefile/bundle"
	"casefile/internal/testenv"
)

func zstdBytes(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	w, err := zstd.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

func xzBytes(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	w, err := xz.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

func bz2Bytes(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	w, err := bzip2.NewWriter(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

func gzBytes(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	w := newGzip(&buf)
	w.Write(data)
	w.Close()
	return buf.Bytes()
}

// zipOf makes a zip of name -> content, in the order given.
func zipOf(t testing.TB, files ...zipFile) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		hdr := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
		if f.mode != 0 {
			hdr.SetMode(f.mode)
		}
		w, err := zw.CreateHeader(hdr)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zipFile struct {
	name, data string
	mode       os.FileMode
}

// tarOf makes a tar of the given headers (Size filled from data for
// regular files).
func tarOf(t testing.TB, entries ...tarEntry) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := e.hdr
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Typeflag == tar.TypeReg && h.Size == 0 {
			h.Size = int64(len(e.data))
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if e.data != "" {
			if _, err := tw.Write([]byte(e.data)); err != nil {
				t.Fatal(err)
			}
		}
	}
	tw.Close()
	return buf.Bytes()
}

type tarEntry struct {
	hdr  tar.Header
	data string
}

func reg(name, data string) tarEntry { return tarEntry{hdr: tar.Header{Name: name}, data: data} }

func ageEncrypt(t testing.TB, data []byte, armored bool) ([]byte, age.Identity) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	var dst io.Writer = &buf
	var aw io.WriteCloser
	if armored {
		aw = armor.NewWriter(&buf)
		dst = aw
	}
	w, err := age.Encrypt(dst, id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	if aw != nil {
		aw.Close()
	}
	return buf.Bytes(), id
}

// sevenZip packs dir's content into a .7z with the 7z program.
func sevenZip(t *testing.T, dir, out string) string {
	t.Helper()
	bin := testenv.Program(t, "7z", "p7zip-full")
	cmd := exec.Command(bin, "a", "-bd", "-y", out, ".")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("7z: %v\n%s", err, b)
	}
	return out
}

// TestFormats reads the same bundle in every archive format a customer
// may re-pack it into.
func TestFormats(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	id0, _ := age.GenerateX25519Identity()
	tests := []struct {
		name     string
		path     func(t *testing.T) (string, []age.Identity)
		wantPath func(p string) string
	}{
		{"tar.zst", func(t *testing.T) (string, []age.Identity) {
			return writeTemp(t, "b.tar.zst", zstdBytes(t, b.Tar())), nil
		}, nil},
		{"tar.xz", func(t *testing.T) (string, []age.Identity) {
			return writeTemp(t, "b.tar.xz", xzBytes(t, b.Tar())), nil
		}, nil},
		{"tar.bz2", func(t *testing.T) (string, []age.Identity) {
			return writeTemp(t, "b.tar.bz2", bz2Bytes(t, b.Tar())), nil
		}, nil},
		{"7z of the folder", func(t *testing.T) (string, []age.Identity) {
			d := t.TempDir()
			b.WriteDir(t, d)
			return sevenZip(t, d, filepath.Join(t.TempDir(), "b.7z")), nil
		}, nil},
		{"7z of the bundle file", func(t *testing.T) (string, []age.Identity) {
			d := t.TempDir()
			b.WriteTarGz(t, d)
			return sevenZip(t, d, filepath.Join(t.TempDir(), "b.7z")), nil
		}, func(p string) string { return p + "!" + b.Name + ".tar.gz" }},
		{"bundle inside a zip", func(t *testing.T) (string, []age.Identity) {
			return writeTemp(t, "outer.zip", zipOf(t, zipFile{name: "notes.txt", data: "see ticket"}, zipFile{name: "attach/" + b.Name + ".tar.gz", data: string(b.TarGz())})), nil
		}, func(p string) string { return p + "!attach/" + b.Name + ".tar.gz" }},
		{"bundle inside a tar.gz", func(t *testing.T) (string, []age.Identity) {
			return writeTemp(t, "outer.tgz", gzBytes(t, tarOf(t, reg("readme", "x"), reg(b.Name+".tar.gz", string(b.TarGz()))))), nil
		}, func(p string) string { return p + "!" + b.Name + ".tar.gz" }},
		{"zip inside a zip", func(t *testing.T) (string, []age.Identity) {
			return writeTemp(t, "outer.zip", zipOf(t, zipFile{name: "inner.zip", data: string(b.Zip())})), nil
		}, func(p string) string { return p + "!inner.zip" }},
		{"age", func(t *testing.T) (string, []age.Identity) {
			enc, id := ageEncrypt(t, b.TarGz(), false)
			return writeTemp(t, b.Name+".tar.gz.age", enc), []age.Identity{id0, id}
		}, nil},
		{"age armored", func(t *testing.T) (string, []age.Identity) {
			enc, id := ageEncrypt(t, b.TarGz(), true)
			return writeTemp(t, b.Name+".tar.gz.age", enc), []age.Identity{id}
		}, nil},
		{"age of a zip", func(t *testing.T) (string, []age.Identity) {
			enc, id := ageEncrypt(t, b.Zip(), false)
			return writeTemp(t, "b.zip.age", enc), []age.Identity{id}
		}, nil},
		{"age inside a zip", func(t *testing.T) (string, []age.Identity) {
			enc, id := ageEncrypt(t, b.TarGz(), false)
			return writeTemp(t, "outer.zip", zipOf(t, zipFile{name: "b.tar.gz.age", data: string(enc)})), []age.Identity{id}
		}, func(p string) string { return p + "!b.tar.gz.age" }},
		{"re-packed tar with manifest.json last", func(t *testing.T) (string, []age.Identity) {
			var es []tarEntry
			for i := len(b.Members) - 1; i >= 0; i-- {
				es = append(es, reg(b.Name+"/"+b.Members[i].Path, string(b.Members[i].Data)))
			}
			return writeTemp(t, "b.tar.gz", gzBytes(t, tarOf(t, es...))), nil
		}, nil},
		{"zip without a top folder", func(t *testing.T) (string, []age.Identity) {
			var fs []zipFile
			for _, m := range b.Members {
				fs = append(fs, zipFile{name: m.Path, data: string(m.Data)})
			}
			return writeTemp(t, "b.zip", zipOf(t, fs...)), nil
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, ids := tc.path(t)
			in, g, v, err := walkAll(t, p, input.Options{Trust: trust(b), Identities: ids})
			if err != nil {
				t.Fatal(err)
			}
			want := p
			if tc.wantPath != nil {
				want = tc.wantPath(p)
			}
			if in.Path != want || in.Kind != "bundle" {
				t.Errorf("input %s %q, want bundle %q", in.Kind, in.Path, want)
			}
			if g.Order[0] != bundle.ManifestName {
				t.Errorf("first member %q, want manifest.json", g.Order[0])
			}
			if diff := cmp.Diff(wantContent(b), g.Content); diff != "" {
				t.Errorf("content (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(okVerification(b, true), v); diff != "" {
				t.Errorf("verification (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSeveralBundles: one archive or folder holding several bundles
// gives several inputs.
func TestSeveralBundles(t *testing.T) {
	a := inputtest.Build(t, inputtest.Spec{Name: "ha-node-a"})
	b := inputtest.Build(t, inputtest.Spec{Name: "ha-node-b"})
	tests := []struct {
		name  string
		path  func(t *testing.T) string
		paths func(p string) []string
	}{
		{"folder with two bundle files", func(t *testing.T) string {
			d := t.TempDir()
			a.WriteTarGz(t, d)
			b.WriteTarGz(t, d)
			return d
		}, func(p string) []string { return []string{p + "!ha-node-a.tar.gz", p + "!ha-node-b.tar.gz"} }},
		{"folder with two extracted bundles", func(t *testing.T) string {
			d := t.TempDir()
			a.WriteDir(t, d)
			b.WriteDir(t, d)
			return d
		}, func(p string) []string { return []string{p + "!ha-node-a", p + "!ha-node-b"} }},
		{"zip of two bundle files", func(t *testing.T) string {
			return writeTemp(t, "both.zip", zipOf(t, zipFile{name: "a.tar.gz", data: string(a.TarGz())}, zipFile{name: "b.tar.gz", data: string(b.TarGz())}))
		}, func(p string) []string { return []string{p + "!a.tar.gz", p + "!b.tar.gz"} }},
		{"tar of two bundle folders, as GNU tar writes it", func(t *testing.T) string {
			es := []tarEntry{{hdr: tar.Header{Name: "ha-node-a/", Typeflag: tar.TypeDir}}}
			for _, m := range a.Members {
				es = append(es, reg("ha-node-a/"+m.Path, string(m.Data)))
			}
			es = append(es, tarEntry{hdr: tar.Header{Name: "ha-node-b/", Typeflag: tar.TypeDir}})
			for _, m := range b.Members {
				es = append(es, reg("ha-node-b/"+m.Path, string(m.Data)))
			}
			return writeTemp(t, "both.tar", tarOf(t, es...))
		}, func(p string) []string { return []string{p + "!ha-node-a", p + "!ha-node-b"} }},
		{"tar.gz of two bundle files", func(t *testing.T) string {
			return writeTemp(t, "both.tar.gz", gzBytes(t, tarOf(t, reg("a.tar.gz", string(a.TarGz())), reg("b.tar.gz", string(b.TarGz())))))
		}, func(p string) []string { return []string{p + "!a.tar.gz", p + "!b.tar.gz"} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.path(t)
			ins, err := input.Open(context.Background(), p, input.Options{Trust: append(trust(a), trust(b)...)})
			if err != nil {
				t.Fatal(err)
			}
			var paths, names []string
			for _, in := range ins {
				paths = append(paths, in.Path)
				names = append(names, in.Manifest.Name)
				g, v, err := walkInput(t, in)
				if err != nil {
					t.Fatalf("%s: %v", in.Path, err)
				}
				src := a
				if in.Manifest.Name == b.Name {
					src = b
				}
				if diff := cmp.Diff(wantContent(src), g.Content); diff != "" {
					t.Errorf("%s content (-want +got):\n%s", in.Path, diff)
				}
				if !v.Intact() {
					t.Errorf("%s: not intact: %+v", in.Path, v)
				}
			}
			if diff := cmp.Diff(tc.paths(p), paths); diff != "" {
				t.Errorf("input paths (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"ha-node-a", "ha-node-b"}, names); diff != "" {
				t.Errorf("bundle names (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAgeErrors(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	enc, id := ageEncrypt(t, b.TarGz(), false)
	other, _ := age.GenerateX25519Identity()
	p := writeTemp(t, "b.tar.gz.age", enc)
	tampered := bytes.Clone(enc)
	tampered[len(tampered)-100] ^= 1
	pt := writeTemp(t, "t.tar.gz.age", tampered)
	tests := []struct {
		name string
		path string
		ids  []age.Identity
		want string
	}{
		{"no identity", p, nil, "encrypted with age; give --identity FILE"},
		{"wrong identity", p, []age.Identity{other}, "cannot be decrypted with the given --identity"},
		{"tampered ciphertext", pt, []age.Identity{id}, "tampered with or truncated"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := walkAll(t, tc.path, input.Options{Identities: tc.ids})
			refusal(t, err, tc.path, tc.want)
		})
	}
}

func TestParseIdentityFile(t *testing.T) {
	id, _ := age.GenerateX25519Identity()
	good := writeTemp(t, "key.txt", []byte("# created: today\n"+id.String()+"\n"))
	bad := writeTemp(t, "bad.txt", []byte("AGE-SECRET-KEY-NOPE\n"))
	ids, err := input.ParseIdentityFile(good)
	if err != nil || len(ids) != 1 {
		t.Fatalf("ParseIdentityFile = %d, %v; want 1 identity", len(ids), err)
	}
	if _, err := input.ParseIdentityFile(bad); err == nil || !strings.HasPrefix(err.Error(), bad+": ") {
		t.Errorf("bad identity file: err = %v, want one naming the file", err)
	}
}

// TestRaw maps raw logs (no manifest) onto files/ and commands/.
func TestRaw(t *testing.T) {
	ids := []string{"netstat", "uname"}
	tests := []struct {
		name string
		path func(t *testing.T) string
		want map[string]string
	}{
		{"folder", func(t *testing.T) string {
			d := t.TempDir()
			inputtest.WriteFile(t, filepath.Join(d, "ha.log"), []byte("a\n"))
			inputtest.WriteFile(t, filepath.Join(d, "old", "ha.log.1"), []byte("b\n"))
			inputtest.WriteFile(t, filepath.Join(d, "netstat.txt"), []byte("tcp LISTEN\n"))
			return d
		}, map[string]string{"files/ha.log": "a\n", "files/old/ha.log.1": "b\n", "files/netstat.txt": "tcp LISTEN\n", "commands/netstat.out": "tcp LISTEN\n"}},
		{"zip of rotations", func(t *testing.T) string {
			return writeTemp(t, "logs.zip", zipOf(t, zipFile{name: "logs/ha.log", data: "a\n"}, zipFile{name: "logs/ha.log.2.gz", data: string(gzBytes(t, []byte("c\n")))}, zipFile{name: "logs/uname", data: "Linux\n"}))
		}, map[string]string{"files/logs/ha.log": "a\n", "files/logs/ha.log.2.gz": "c\n", "files/logs/uname": "Linux\n", "commands/uname.out": "Linux\n"}},
		{"tar.gz", func(t *testing.T) string {
			return writeTemp(t, "logs.tar.gz", gzBytes(t, tarOf(t, reg("ha.log", "a\n"), reg("x/netstat.log", "n\n"))))
		}, map[string]string{"files/ha.log": "a\n", "files/x/netstat.log": "n\n", "commands/netstat.out": "n\n"}},
		{"command output inside a nested archive", func(t *testing.T) string {
			d := t.TempDir()
			inputtest.WriteFile(t, filepath.Join(d, "diag.tar.gz"), gzBytes(t, tarOf(t, reg("system/netstat.txt", "tcp\n"))))
			return d
		}, map[string]string{"files/diag.tar.gz/system/netstat.txt": "tcp\n", "commands/netstat.out": "tcp\n"}},
		{"single log file", func(t *testing.T) string { return writeTemp(t, "ha.log", []byte("a\n")) },
			map[string]string{"files/ha.log": "a\n"}},
		{"single compressed log file", func(t *testing.T) string { return writeTemp(t, "messages-20240101.gz", gzBytes(t, []byte("m\n"))) },
			map[string]string{"files/messages-20240101.gz": "m\n"}},
		{"single zstd log without extension", func(t *testing.T) string { return writeTemp(t, "messages.1", zstdBytes(t, []byte("z\n"))) },
			map[string]string{"files/messages.1": "z\n"}},
		{"odd names are escaped", func(t *testing.T) string {
			return writeTemp(t, "logs.zip", zipOf(t, zipFile{name: "a\x1b[31mred.log", data: "r\n"}, zipFile{name: "50%.log", data: "p\n"}))
		}, map[string]string{"files/a%1B[31mred.log": "r\n", "files/50%25.log": "p\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.path(t)
			if _, err := input.Open(context.Background(), p, input.Options{}); err == nil {
				t.Errorf("Open without Raw accepted raw logs")
			}
			in, g, v, err := walkAll(t, p, input.Options{Raw: true, CommandIDs: ids})
			if err != nil {
				t.Fatal(err)
			}
			if in.Kind != "raw" || in.Manifest != nil {
				t.Errorf("kind %q manifest %v, want raw without manifest", in.Kind, in.Manifest)
			}
			if diff := cmp.Diff(tc.want, g.Content); diff != "" {
				t.Errorf("content (-want +got):\n%s", diff)
			}
			if v.Signature.Status != "unsigned" || v.Integrity.Status != "missing" || v.Integrity.Problems[0].Detail == "" {
				t.Errorf("verification = %+v, want unsigned / missing with a detail", v)
			}
			if _, _, _, err := walkAll(t, p, input.Options{Raw: true, RequireSignature: true}); err == nil {
				t.Errorf("RequireSignature accepted raw logs")
			}
		})
	}
}

// TestNestingDepth: bundles are looked for MaxDepth archives deep, no
// deeper (recursive zip bombs stop there).
func TestNestingDepth(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	wrap := func(n int) []byte {
		data, name := b.TarGz(), "bundle.tar.gz"
		for i := range n {
			data = zipOf(t, zipFile{name: name, data: string(data)})
			name = fmt.Sprintf("level%d.zip", i)
		}
		return data
	}
	ins, err := input.Open(context.Background(), writeTemp(t, "outer.zip", wrap(input.MaxDepth)), input.Options{})
	if err != nil || len(ins) != 1 || ins[0].Kind != "bundle" {
		t.Fatalf("%d wrappers: %v", input.MaxDepth, err)
	}
	if want := "level1.zip!level0.zip!bundle.tar.gz"; !strings.HasSuffix(ins[0].Path, want) {
		t.Errorf("path %q, want ...%s", ins[0].Path, want)
	}
	if _, _, err := walkInput(t, ins[0]); err != nil {
		t.Fatal(err)
	}
	p := writeTemp(t, "outer.zip", wrap(input.MaxDepth+1))
	_, err = input.Open(context.Background(), p, input.Options{})
	refusal(t, err, p, fmt.Sprintf("not a casefile bundle (no manifest.json within %d nested archives; %s!level%d.zip!", input.MaxDepth, p, input.MaxDepth-1))
	refusal(t, err, p, "is nested deeper and was not opened)")
}

// TestRawContent: a raw file no glob claims is recognised by its first
// lines (Options.Content) and handed over as the log's path, with its own
// path in Original; a claimed file, a file of no shape, a shape beyond the
// first lines and a second file for a path already used keep their names.
func TestRawContent(t *testing.T) {
	big := strings.Repeat("noise\n", input.ContentLines+5) + "LOG: x\n"
	shapes := []input.ContentShape{
		{Name: "product log", As: "files/{name}/product_log", Lines: []*regexp.Regexp{regexp.MustCompile(`^LOG: `)}},
		{Name: "system log", As: "commands/syslog.out", Lines: []*regexp.Regexp{regexp.MustCompile(`^\w{3} [ \d]\d \S+ \S+ product\[\d+\]: `)}},
	}
	claimed := func(p string) bool { return strings.HasSuffix(p, "/product.log") }
	d := t.TempDir()
	inputtest.WriteFile(t, filepath.Join(d, "console.txt"), []byte("Starting...\n\nLOG: started\n"))
	inputtest.WriteFile(t, filepath.Join(d, "product.log"), []byte("LOG: by its name\n"))
	inputtest.WriteFile(t, filepath.Join(d, "messages"), []byte("Dec  7 12:00:00 web01 cron[1]: x\nDec  7 12:00:01 web01 product[42]: y\n"))
	inputtest.WriteFile(t, filepath.Join(d, "z-messages.2"), []byte("Dec  7 11:00:01 web01 product[41]: older\n"))
	inputtest.WriteFile(t, filepath.Join(d, "notes.txt"), []byte("the customer's notes\n"))
	inputtest.WriteFile(t, filepath.Join(d, "late.txt"), []byte(big))
	inputtest.WriteFile(t, filepath.Join(d, "old.gz"), gzBytes(t, []byte("LOG: compressed\n")))
	_, g, _, err := walkAll(t, d, input.Options{Raw: true, Content: shapes, Claimed: claimed})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"files/console.txt/product_log": "Starting...\n\nLOG: started\n",
		"files/product.log":             "LOG: by its name\n",
		"commands/syslog.out":           "Dec  7 12:00:00 web01 cron[1]: x\nDec  7 12:00:01 web01 product[42]: y\n",
		"files/z-messages.2":            "Dec  7 11:00:01 web01 product[41]: older\n",
		"files/notes.txt":               "the customer's notes\n",
		"files/late.txt":                big,
		"files/old/product_log":         "LOG: compressed\n",
	}
	if diff := cmp.Diff(want, g.Content); diff != "" {
		t.Errorf("content (-want +got):\n%s", diff)
	}
	for path, orig := range map[string]string{"files/console.txt/product_log": "files/console.txt", "commands/syslog.out": "files/messages", "files/old/product_log": "files/old.gz"} {
		m := g.Members[path]
		if m.Original != orig || m.ReadAs == "" {
			t.Errorf("%s: Original %q ReadAs %q, want %q and the log's name", path, m.Original, m.ReadAs, orig)
		}
	}
	if m := g.Members["files/notes.txt"]; m.Original != "" || m.ReadAs != "" {
		t.Errorf("notes.txt marked as recognised: %+v", m)
	}
	// without Raw (a bundle) nothing is recognised: tested by every bundle
	// test, whose members keep their paths; without shapes neither:
	_, g, _, err = walkAll(t, d, input.Options{Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Content["files/console.txt"]; !ok {
		t.Errorf("without content shapes console.txt is not files/console.txt: %v", g.Order)
	}
}
