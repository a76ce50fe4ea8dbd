package input_test

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/klauspost/compress/zstd"

	"casefile/analyze/input"
	"casefile/analyze/input/inputtest"
	"casefile/analyze/report"
	"casefile/bundle"
	"casefile/internal/testenv"
)

// bundleEntries returns b's members as tar entries under its top folder,
// followed by extra.
func bundleEntries(b *inputtest.Built, extra ...tarEntry) []tarEntry {
	var es []tarEntry
	for _, m := range b.Members {
		es = append(es, reg(b.Name+"/"+m.Path, string(m.Data)))
	}
	return append(es, extra...)
}

// snapshot lists the files under dirs, to prove nothing was written.
func snapshot(t *testing.T, dirs ...string) []string {
	t.Helper()
	var out []string
	for _, d := range dirs {
		filepath.WalkDir(d, func(p string, de fs.DirEntry, err error) error {
			if err == nil {
				out = append(out, p)
			}
			return nil
		})
	}
	sort.Strings(out)
	return out
}

// zeros is a reader of n zero bytes.
func zeros(n int64) io.Reader { return io.LimitReader(zeroReader{}, n) }

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// zstdTar returns a .tar.zst of entries followed by a member name of n
// zero bytes, streamed (the zeros are never held in memory).
func zstdTar(t testing.TB, name string, n int64, entries ...tarEntry) []byte {
	var out bytes.Buffer
	zw, err := zstd.NewWriter(&out)
	if err != nil {
		t.Fatal(err)
	}
	writeTarZeros(t, zw, name, n, entries)
	return out.Bytes()
}

// gzTar is zstdTar with gzip.
func gzTar(t testing.TB, name string, n int64, entries ...tarEntry) []byte {
	var out bytes.Buffer
	zw := newGzip(&out)
	writeTarZeros(t, zw, name, n, entries)
	return out.Bytes()
}

// zstdZeroFile is a .zst of n zero bytes.
func zstdZeroFile(t testing.TB, n int64) []byte {
	var out bytes.Buffer
	zw, err := zstd.NewWriter(&out)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(zw, zeros(n))
	zw.Close()
	return out.Bytes()
}

func writeTarZeros(t testing.TB, zw io.WriteCloser, name string, n int64, entries []tarEntry) {
	zw.Write(tarOf(t, entries...)[:tarLen(entries)])
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Size: n, Mode: 0o644})
	io.Copy(tw, zeros(n))
	tw.Close()
	zw.Close()
}

// tarLen is the length of the tar of entries without its end marker.
func tarLen(entries []tarEntry) int {
	n := 0
	for _, e := range entries {
		n += 512 + (len(e.data)+511)/512*512
	}
	return n
}

func zstdZeros(t testing.TB, name string, n int64) []byte { return zstdTar(t, name, n) }

var _ = tarLen

// bomb is the size of the decompression bombs of the tests: beyond the
// ratio floor, far below the size limits.
const bomb = 4 * input.RatioFloor

// TestHostile: archives that must be refused with one clear line, without
// crashing, hanging or writing anything.
func TestHostile(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	n := b.Name
	tgz := func(es ...tarEntry) []byte { return gzBytes(t, tarOf(t, es...)) }
	lnk := func(name, target string, typ byte) tarEntry {
		return tarEntry{hdr: tar.Header{Name: name, Linkname: target, Typeflag: typ}}
	}
	truncated := b.TarGz()
	truncated = truncated[:len(truncated)*2/3]
	nested := func(inner []byte) []byte {
		return tgz(bundleEntries(b, reg(n+"/files/opt/app/diag.tar.gz", string(inner)))...)
	}
	tests := []struct {
		name string
		file string
		data []byte
		opts input.Options
		want string // in the error
		// lazyOK: a walk whose fn reads nothing succeeds (nothing expands).
		lazyOK bool
	}{
		{"dot-dot member", "b.tar.gz", tgz(bundleEntries(b, reg(n+"/../../etc/passwd", "x"))...), input.Options{}, `member "test-testhost-20240301T120000Z/../../etc/passwd" escapes the bundle`, false},
		{"dot-dot first member", "b.tar.gz", tgz(reg("../evil", "x")), input.Options{}, `"../evil" escapes the bundle`, false},
		{"absolute member", "b.tar.gz", tgz(bundleEntries(b, reg("/etc/cron.d/x", "x"))...), input.Options{}, `"/etc/cron.d/x" is an absolute path`, false},
		{"drive letter", "b.zip", zipOf(t, zipFile{name: n + "/manifest.json", data: string(b.Get("manifest.json"))}, zipFile{name: "C:/Windows/x.dll", data: "x"}), input.Options{}, `"C:/Windows/x.dll" starts with a drive letter`, false},
		{"backslash", "b.zip", zipOf(t, zipFile{name: n + "/manifest.json", data: string(b.Get("manifest.json"))}, zipFile{name: `..\..\x.bat`, data: "x"}), input.Options{}, `contains a backslash`, false},
		{"escape sequence in a member name", "b.tar.gz", tgz(bundleEntries(b, reg(n+"/files/x\x1b[2J.log", "x"))...), input.Options{}, `contains a control character`, false},
		{"newline in a member name", "b.tar.gz", tgz(bundleEntries(b, reg(n+"/files/x\nfake: line", "x"))...), input.Options{}, `contains a control character`, false},
		{"invalid UTF-8 member name", "b.tar.gz", tgz(bundleEntries(b, reg(n+"/files/\xff\xfe.log", "x"))...), input.Options{}, `is not valid UTF-8`, false},
		{"duplicate member", "b.tar.gz", tgz(bundleEntries(b, reg(n+"/files/var/log/messages", "second copy"))...), input.Options{}, `"files/var/log/messages" appears twice`, false},
		{"duplicate nested bundle", "b.zip", zipOf(t, zipFile{name: "a.tar.gz", data: string(b.TarGz())}, zipFile{name: "a.tar.gz", data: string(b.TarGz())}), input.Options{}, `"a.tar.gz" appears twice`, false},
		{"duplicate via ./", "b.tar.gz", tgz(bundleEntries(b, reg("./"+n+"/commands/uname.out", "second copy"))...), input.Options{}, `"commands/uname.out" appears twice`, false},
		{"symlink outside", "b.tar.gz", tgz(bundleEntries(b, lnk(n+"/files/etc/passwd", "../../../../etc/passwd", tar.TypeSymlink))...), input.Options{}, `is a link to "../../../../etc/passwd", outside the bundle`, false},
		{"absolute symlink", "b.tar.gz", tgz(bundleEntries(b, lnk(n+"/files/x", "/etc/shadow", tar.TypeSymlink))...), input.Options{}, `is a link to "/etc/shadow", outside the bundle`, false},
		{"symlink to another bundle folder", "b.tar.gz", tgz(bundleEntries(b, lnk(n+"/files/x", "../../other/secret", tar.TypeSymlink))...), input.Options{}, `outside the bundle`, false},
		{"hard link outside", "b.tar.gz", tgz(bundleEntries(b, lnk(n+"/files/x", "../etc/passwd", tar.TypeLink))...), input.Options{}, `is a link to "../etc/passwd", outside the bundle`, false},
		{"symlink outside the archive before any manifest", "b.tar.gz", tgz(lnk("x", "/etc", tar.TypeSymlink), reg("x/passwd", "")), input.Options{}, `outside the archive`, false},
		{"fifo member", "b.tar.gz", tgz(bundleEntries(b, tarEntry{hdr: tar.Header{Name: n + "/files/fifo", Typeflag: tar.TypeFifo}})...), input.Options{}, `is a device, FIFO or other special file`, false},
		{"device member", "b.tar.gz", tgz(bundleEntries(b, tarEntry{hdr: tar.Header{Name: n + "/files/dev/sda", Typeflag: tar.TypeBlock, Devmajor: 8}})...), input.Options{}, `is a device, FIFO or other special file`, false},
		{"truncated gzip", "b.tar.gz", truncated, input.Options{}, `truncated tar.gz archive`, false},
		{"truncated in the first member", "b.tar.gz", b.TarGz()[:100], input.Options{}, `truncated`, false},
		{"not gzip after all", "b.tar.gz", append([]byte{0x1f, 0x8b}, bytes.Repeat([]byte("garbage"), 100)...), input.Options{}, `gz`, false},
		{"zstd bomb", "b.tar.zst", zstdZeros(t, n+"/files/zero", bomb), input.Options{}, `member "test-testhost-20240301T120000Z/files/zero" expands more than 1000 times (limit; decompression bomb?)`, false},
		{"zstd bomb after the manifest", "b.tar.zst", zstdTar(t, n+"/files/zero", bomb, bundleEntries(b)...), input.Options{}, `expands more than 1000 times`, false},
		{"bomb outside the bundle folder", "b.tar.zst", zstdTar(t, "elsewhere/zero", bomb, bundleEntries(b)...), input.Options{}, `"elsewhere/zero" expands more than 1000 times`, false},
		{"gzip bomb with a lower ratio", "b.tar.gz", gzTar(t, n+"/files/zero", bomb, bundleEntries(b)...), input.Options{MaxRatio: 100}, `expands more than 100 times`, false},
		{"member size limit", "b.tar.gz", b.TarGz(), input.Options{MaxMemberBytes: 100}, `more than the 100 bytes limit`, false},
		{"total size limit", "b.tar.gz", b.TarGz(), input.Options{MaxTotalBytes: 1000}, `members expand beyond 1000 bytes in total`, false},
		{"member count limit", "b.tar.gz", b.TarGz(), input.Options{MaxMembers: 3}, `more than 3 members (limit)`, false},
		{"zip member size limit", "b.zip", b.Zip(), input.Options{MaxMemberBytes: 100}, `more than the 100 bytes limit`, false},
		{"zip member count limit", "b.zip", b.Zip(), input.Options{MaxMembers: 3}, `more than 3 members (limit)`, false},
		{"zip bomb with overlapping entries", "b.zip", overlappingZip(t, zipOf(t, zipFile{name: "a.log", data: strings.Repeat("x", 1000)})), input.Options{}, `overlapping entries`, false},
		{"bomb in a rotated log", "b.tar.gz", tgz(bundleEntries(b, reg(n+"/files/var/log/zero.zst", string(zstdZeroFile(t, bomb))))...), input.Options{}, `"files/var/log/zero.zst" expands more than 1000 times`, true},
		{"bomb in a nested archive", "b.tar.gz", nested(zstdZeros(t, "zero", bomb)), input.Options{}, `"zero" expands more than 1000 times`, false},
		{"escape in a nested archive", "b.tar.gz", nested(gzBytes(t, tarOf(t, reg("../../../x", "x")))), input.Options{}, `"../../../x" escapes the bundle`, false},
		{"link out of a nested archive", "b.tar.gz", nested(gzBytes(t, tarOf(t, lnk("x", "../../y", tar.TypeSymlink)))), input.Options{}, `outside the archive`, false},
		{"manifest with a hostile stored path", "b.tar.gz", inputtest.Build(t, inputtest.Spec{Edit: func(m *bundle.Manifest) { m.Items[0].Stored[0].Path = "../x" }}).TarGz(), input.Options{}, `manifest.json": manifest item 0`, false},
		{"manifest of an unknown format version", "b.tar.gz", inputtest.Build(t, inputtest.Spec{Edit: func(m *bundle.Manifest) { m.FormatVersion = 99 }}).TarGz(), input.Options{}, `format_version 99 is not supported`, false},
		{"tampered with RequireSignature", "b.tar.gz", tgz(bundleEntries(b, reg(n+"/files/new", "x"))...), input.Options{RequireSignature: true, Trust: trust(b)}, `signature required: 1 integrity problem(s), first: extra "files/new"`, false},
		{"untrusted with RequireSignature", "b.tar.gz", b.TarGz(), input.Options{RequireSignature: true}, `signature required: signed by key ` + bundle.KeyID(b.Public.ID()) + `, which is not in --trust`, false},
		{"empty file", "b.tar.gz", nil, input.Options{}, `: empty file`, false},
		{"empty file with --profile", "b.tar.gz", nil, input.Options{Raw: true}, `: empty file`, false},
		{"random bytes named .tar.gz", "b.tar.gz", bytes.Repeat([]byte("\x07random"), 500), input.Options{}, `: not a gzip stream, although its name says so`, false},
		{"random bytes named .tar.gz with --profile", "b.tar.gz", bytes.Repeat([]byte("\x07random"), 500), input.Options{Raw: true}, `: not a gzip stream`, false},
		{"gzip of no tar named .tar.gz", "b.tar.gz", gzBytes(t, bytes.Repeat([]byte("\x07random"), 500)), input.Options{}, `: not an archive: a gzip stream that does not hold a tar archive`, false},
		{"random bytes named .zip", "b.zip", bytes.Repeat([]byte("\x07random"), 500), input.Options{}, `: not an archive, although its name says so`, false},
		{"manifest too deeply nested", "b.tar.gz", tgz(reg(n+"/manifest.json", `{"format_version":1,"x":`+strings.Repeat("[", 20000)+strings.Repeat("]", 20000)+"}")), input.Options{}, `manifest is nested too deeply for the JSON decoder`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := inputtest.WriteFile(t, filepath.Join(dir, tc.file), tc.data)
			cwd, _ := os.Getwd()
			before := snapshot(t, dir, cwd)
			_, err := walkEager(p, tc.opts)
			refusal(t, err, p, tc.want)
			// fn reads nothing: limits must hold for what Walk drains itself.
			_, err = walkLazy(p, tc.opts)
			if tc.lazyOK {
				if err != nil {
					t.Errorf("lazy walk: %v", err)
				}
			} else {
				refusal(t, err, p, tc.want)
			}
			if diff := cmp.Diff(before, snapshot(t, dir, cwd)); diff != "" {
				t.Errorf("files appeared or vanished (-before +after):\n%s", diff)
			}
		})
	}
}

// walkLazy opens p and walks every input without reading members.
func walkLazy(p string, opts input.Options) ([]*input.Verification, error) {
	return walkWith(p, opts, func(input.Member, io.Reader) error { return nil })
}

// walkEager opens p and walks every input reading all members.
func walkEager(p string, opts input.Options) ([]*input.Verification, error) {
	return walkWith(p, opts, func(_ input.Member, r io.Reader) error {
		_, err := io.Copy(io.Discard, r)
		return err
	})
}

func walkWith(p string, opts input.Options, fn func(input.Member, io.Reader) error) ([]*input.Verification, error) {
	ins, err := input.Open(context.Background(), p, opts)
	if err != nil {
		return nil, err
	}
	var vs []*input.Verification
	for _, in := range ins {
		v, err := in.Walk(context.Background(), fn)
		if err != nil {
			return vs, err
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// overlappingZip adds a second central directory entry pointing at the
// first member's data, the trick of non-recursive zip bombs.
func overlappingZip(t *testing.T, z []byte) []byte {
	eocd := bytes.LastIndex(z, []byte("PK\x05\x06"))
	cdSize := binary.LittleEndian.Uint32(z[eocd+12:])
	cdOff := binary.LittleEndian.Uint32(z[eocd+16:])
	cd := z[cdOff : cdOff+cdSize]
	nameLen := binary.LittleEndian.Uint16(cd[28:])
	extraLen := binary.LittleEndian.Uint16(cd[30:])
	commentLen := binary.LittleEndian.Uint16(cd[32:])
	entry := bytes.Clone(cd[:46+int(nameLen)+int(extraLen)+int(commentLen)])
	entry[46] = 'b' // another name, same data
	var out bytes.Buffer
	out.Write(z[:cdOff])
	out.Write(cd)
	out.Write(entry)
	end := bytes.Clone(z[eocd:])
	binary.LittleEndian.PutUint16(end[8:], binary.LittleEndian.Uint16(end[8:])+1)
	binary.LittleEndian.PutUint16(end[10:], binary.LittleEndian.Uint16(end[10:])+1)
	binary.LittleEndian.PutUint32(end[12:], cdSize+uint32(len(entry)))
	out.Write(end)
	return out.Bytes()
}

// TestDamagedButTrustworthy: problems that leave the rest of a bundle
// readable are reported, not refused.
func TestDamagedButTrustworthy(t *testing.T) {
	corruptGz := gzBytes(t, []byte(strings.Repeat("rotated line\n", 1000)))
	corruptGz[len(corruptGz)/2] ^= 0xff
	innerTar := gzBytes(t, tarOf(t, reg("diag/info.txt", "product 1.2\n"), reg("diag/logs/fsaua.log", "started\n")))
	truncatedInner := innerTar[:len(innerTar)-30]
	b := inputtest.Build(t, inputtest.Spec{Files: map[string]string{
		"files/var/log/messages":                         "ok\n",
		"files/var/log/messages-20240101.gz":             string(corruptGz),
		"files/var/log/messages-20231201.gz":             string(gzBytes(t, []byte("older\n"))),
		"files/var/log/secure-20231201.xz":               string(xzBytes(t, []byte("xz line\n"))),
		"files/var/log/secure-20231101.zst":              string(zstdBytes(t, []byte("zst line\n"))),
		"files/var/log/secure-20231001.bz2":              string(bz2Bytes(t, []byte("bz2 line\n"))),
		"files/opt/f-secure/diag.tar.gz":                 string(innerTar),
		"files/opt/f-secure/broken-diag.tar.gz":          string(truncatedInner),
		"files/opt/f-secure/notreally.zip":               "just text",
		"files/var/log/html.log":                         "<script>alert(1)</script>\x1b[31mred\x1b[0m \xff\xfe invalid UTF-8\n",
		"files/var/log/<img src=x onerror=alert(1)>.log": "name with HTML\n",
	}})
	p := b.WriteTarGz(t, t.TempDir())
	ins, err := input.Open(context.Background(), p, input.Options{Trust: trust(b)})
	if err != nil {
		t.Fatal(err)
	}
	content := map[string]string{}
	members := map[string]input.Member{}
	var unreadable []string
	v, err := ins[0].Walk(context.Background(), func(m input.Member, r io.Reader) error {
		data, err := io.ReadAll(r)
		members[m.Path] = m
		if errors.Is(err, input.ErrUnreadable) {
			unreadable = append(unreadable, m.Path)
			return err // returned as is: Walk goes on
		}
		if err != nil {
			return err
		}
		content[m.Path] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantContent := map[string]string{
		"files/var/log/messages":                              "ok\n",
		"files/var/log/messages-20231201.gz":                  "older\n",
		"files/var/log/secure-20231201.xz":                    "xz line\n",
		"files/var/log/secure-20231101.zst":                   "zst line\n",
		"files/var/log/secure-20231001.bz2":                   "bz2 line\n",
		"files/opt/f-secure/diag.tar.gz/diag/info.txt":        "product 1.2\n",
		"files/opt/f-secure/diag.tar.gz/diag/logs/fsaua.log":  "started\n",
		"files/var/log/html.log":                              "<script>alert(1)</script>\x1b[31mred\x1b[0m \xff\xfe invalid UTF-8\n",
		"files/var/log/<img src=x onerror=alert(1)>.log":      "name with HTML\n",
		"files/opt/f-secure/broken-diag.tar.gz/diag/info.txt": "product 1.2\n",
	}
	for _, m := range []string{"manifest.json", "SHA256SUMS", "SHA256SUMS.minisig"} {
		delete(content, m)
	}
	if diff := cmp.Diff(wantContent, content); diff != "" {
		t.Errorf("content (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"files/var/log/messages-20240101.gz"}, unreadable); diff != "" {
		t.Errorf("members read with ErrUnreadable (-want +got):\n%s", diff)
	}
	wantComp := map[string]string{"files/var/log/messages-20231201.gz": "gz", "files/var/log/secure-20231201.xz": "xz",
		"files/var/log/secure-20231101.zst": "zst", "files/var/log/secure-20231001.bz2": "bz2", "files/var/log/messages": ""}
	for p, c := range wantComp {
		if members[p].Compression != c {
			t.Errorf("%s: Compression = %q, want %q", p, members[p].Compression, c)
		}
	}
	if a := members["files/opt/f-secure/diag.tar.gz/diag/info.txt"].Archive; a != "files/opt/f-secure/diag.tar.gz" {
		t.Errorf("nested member Archive = %q", a)
	}
	if _, ok := members["files/opt/f-secure/diag.tar.gz"]; ok {
		t.Errorf("the nested archive itself was handed to fn")
	}
	want := []report.Problem{
		{Member: "files/opt/f-secure/broken-diag.tar.gz", Kind: "unreadable"},
		{Member: "files/opt/f-secure/notreally.zip", Kind: "unreadable"},
		{Member: "files/var/log/messages-20240101.gz", Kind: "unreadable"},
	}
	if diff := cmp.Diff(want, v.Integrity.Problems, cmpopts.IgnoreFields(report.Problem{}, "Detail")); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if !v.Intact() {
		t.Errorf("stored bytes are intact, but Intact() = false: %+v", v)
	}
}

// TestLinksInside: links that stay inside the bundle are skipped and
// reported, never followed.
func TestLinksInside(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	n := b.Name
	data := gzBytes(t, tarOf(t, bundleEntries(b,
		tarEntry{hdr: tar.Header{Name: n + "/files/var/log/current", Linkname: "messages", Typeflag: tar.TypeSymlink}},
		tarEntry{hdr: tar.Header{Name: n + "/files/hard", Linkname: n + "/commands/uname.out", Typeflag: tar.TypeLink}},
	)...))
	p := writeTemp(t, "b.tar.gz", data)
	_, g, v, err := walkAll(t, p, input.Options{Trust: trust(b)})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Content["files/var/log/current"]; ok {
		t.Errorf("a link was handed to fn")
	}
	want := []report.Problem{{Member: "files/hard", Kind: "extra"}, {Member: "files/var/log/current", Kind: "extra"}}
	if diff := cmp.Diff(want, v.Integrity.Problems, cmpopts.IgnoreFields(report.Problem{}, "Detail")); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	// A listed member replaced by a link is altered.
	es := bundleEntries(b)
	for i := range es {
		if es[i].hdr.Name == n+"/commands/uname.out" {
			es[i] = tarEntry{hdr: tar.Header{Name: es[i].hdr.Name, Linkname: "../manifest.json", Typeflag: tar.TypeSymlink}}
		}
	}
	_, _, v, err = walkAll(t, writeTemp(t, "b.tar.gz", gzBytes(t, tarOf(t, es...))), input.Options{Trust: trust(b)})
	if err != nil {
		t.Fatal(err)
	}
	want = []report.Problem{{Member: "commands/uname.out", Kind: "altered"}}
	if diff := cmp.Diff(want, v.Integrity.Problems, cmpopts.IgnoreFields(report.Problem{}, "Detail")); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestFolderHazards: links and FIFOs in a folder given to analyze.
func TestFolderHazards(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	t.Run("symlink outside is refused", func(t *testing.T) {
		top := b.WriteDir(t, t.TempDir())
		if err := os.Symlink("/etc/passwd", filepath.Join(top, "files", "passwd")); err != nil {
			t.Skip("cannot make symlinks:", err)
		}
		_, _, _, err := walkAll(t, top, input.Options{})
		refusal(t, err, top, `is a link to "/etc/passwd", outside the folder`)
	})
	t.Run("symlink inside is reported", func(t *testing.T) {
		top := b.WriteDir(t, t.TempDir())
		if err := os.Symlink("messages", filepath.Join(top, "files", "var", "log", "current")); err != nil {
			t.Skip("cannot make symlinks:", err)
		}
		_, _, v, err := walkAll(t, top, input.Options{Trust: trust(b)})
		if err != nil {
			t.Fatal(err)
		}
		want := []report.Problem{{Member: "files/var/log/current", Kind: "extra"}}
		if diff := cmp.Diff(want, v.Integrity.Problems, cmpopts.IgnoreFields(report.Problem{}, "Detail")); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
	t.Run("FIFO is reported, not opened", func(t *testing.T) {
		top := b.WriteDir(t, t.TempDir())
		if err := mkfifo(filepath.Join(top, "files", "fifo"), 0o644); err != nil {
			t.Skip("cannot make a FIFO:", err)
		}
		_, _, v, err := walkAll(t, top, input.Options{Trust: trust(b)})
		if err != nil {
			t.Fatal(err)
		}
		want := []report.Problem{{Member: "files/fifo", Kind: "unreadable"}}
		if diff := cmp.Diff(want, v.Integrity.Problems, cmpopts.IgnoreFields(report.Problem{}, "Detail")); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
	t.Run("FIFO given directly is refused", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "b.tar.gz")
		if err := mkfifo(p, 0o644); err != nil {
			t.Skip("cannot make a FIFO:", err)
		}
		_, err := input.Open(context.Background(), p, input.Options{})
		refusal(t, err, p, "not a regular file or folder")
	})
}

// TestTrailingData: data after the end of the tar is reported as extra.
func TestTrailingData(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	other := inputtest.Build(t, inputtest.Spec{Name: "appended"})
	tests := []struct {
		name string
		data []byte
	}{
		{"another tar appended inside the gzip", gzBytes(t, append(b.Tar(), other.Tar()...))},
		{"garbage after the gzip", append(b.TarGz(), []byte("this is not gzip")...)},
		{"another bundle appended", append(b.TarGz(), other.TarGz()...)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, g, v, err := walkAll(t, writeTemp(t, "b.tar.gz", tc.data), input.Options{Trust: trust(b)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantContent(b), g.Content); diff != "" {
				t.Errorf("content (-want +got):\n%s", diff)
			}
			want := []report.Problem{{Member: "(after the end of the archive)", Kind: "extra"}}
			if diff := cmp.Diff(want, v.Integrity.Problems, cmpopts.IgnoreFields(report.Problem{}, "Detail")); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if v.Integrity.Status != "mismatch" {
				t.Errorf("status %s, want mismatch", v.Integrity.Status)
			}
		})
	}
	// Zero padding (tar's record size) is normal.
	padded := append(b.Tar(), make([]byte, 10240)...)
	_, _, v, err := walkAll(t, writeTemp(t, "b.tar.gz", gzBytes(t, padded)), input.Options{Trust: trust(b)})
	if err != nil || !v.Intact() {
		t.Errorf("zero padding: err %v, verification %+v", err, v)
	}
}

// TestLongLine: a 10 MiB line passes through unchanged.
func TestLongLine(t *testing.T) {
	line := strings.Repeat("A", 10<<20) + "\n"
	b := inputtest.Build(t, inputtest.Spec{Files: map[string]string{"files/var/log/long.log": line}})
	_, g, v, err := walkAll(t, b.WriteTarGz(t, t.TempDir()), input.Options{Trust: trust(b)})
	if err != nil {
		t.Fatal(err)
	}
	if g.Content["files/var/log/long.log"] != line || !v.Intact() {
		t.Errorf("long line: got %d bytes, intact %v", len(g.Content["files/var/log/long.log"]), v.Intact())
	}
}

// TestFnError: fn's own error stops the walk and comes back unchanged.
func TestFnError(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	ins, err := input.Open(context.Background(), b.WriteTarGz(t, t.TempDir()), input.Options{})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("engine says stop")
	calls := 0
	_, err = ins[0].Walk(context.Background(), func(m input.Member, r io.Reader) error {
		calls++
		if m.Path == "files/etc/product/product.cfg" {
			return stop
		}
		return nil
	})
	if err != stop || calls != 3 {
		t.Errorf("err = %v after %d calls, want the engine's error after 3", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ins[0].Walk(ctx, func(input.Member, io.Reader) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled walk: err = %v", err)
	}
}

// TestManyMembers: 100k tiny members are fine.
func TestManyMembers(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	files := map[string]string{}
	for i := range 100_000 {
		files["files/var/spool/m/"+strings.Repeat("x", i%7)+itoa(i)] = "m"
	}
	b := inputtest.Build(t, inputtest.Spec{Files: files})
	p := b.WriteTarGz(t, t.TempDir())
	vs, err := walkLazy(p, input.Options{Trust: trust(b)})
	if err != nil {
		t.Fatal(err)
	}
	if !vs[0].Intact() || vs[0].Members != 100_003 {
		t.Errorf("members %d intact %v", vs[0].Members, vs[0].Intact())
	}
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[n:])
		}
	}
}

// TestOutsideTopFolder: in an archive written as the collector writes it,
// entries beside the top folder are tamper evidence; in a re-packed
// archive (a zip with the customer's notes) they are not part of the
// bundle and are ignored.
func TestOutsideTopFolder(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	tests := []struct {
		name string
		file string
		data []byte
		want []report.Problem
	}{
		{"collector archive with an added entry", "b.tar.gz", gzBytes(t, tarOf(t, bundleEntries(b, reg("run-me.sh", "rm -rf /"))...)),
			[]report.Problem{{Member: "run-me.sh", Kind: "extra"}}},
		{"re-packed zip with notes", "b.zip", zipOf(t, append([]zipFile{{name: "notes.txt", data: "see ticket"}}, zipMembers(b)...)...), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, g, v, err := walkAll(t, writeTemp(t, tc.file, tc.data), input.Options{Trust: trust(b)})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantContent(b), g.Content); diff != "" {
				t.Errorf("content (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, v.Integrity.Problems, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(report.Problem{}, "Detail")); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func zipMembers(b *inputtest.Built) []zipFile {
	var fs []zipFile
	for _, m := range b.Members {
		fs = append(fs, zipFile{name: b.Name + "/" + m.Path, data: string(m.Data)})
	}
	return fs
}

// TestZipAnd7zHazards: links and encryption in zip and 7z archives.
func TestZipAnd7zHazards(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	t.Run("zip symlink outside", func(t *testing.T) {
		p := writeTemp(t, "b.zip", zipOf(t, append(zipMembers(b), zipFile{name: b.Name + "/files/passwd", data: "/etc/passwd", mode: os.ModeSymlink | 0o777})...))
		_, _, _, err := walkAll(t, p, input.Options{})
		refusal(t, err, p, `is a link to "/etc/passwd", outside the archive`)
	})
	t.Run("zip symlink inside", func(t *testing.T) {
		p := writeTemp(t, "b.zip", zipOf(t, append(zipMembers(b), zipFile{name: b.Name + "/files/current", data: "../commands/uname.out", mode: os.ModeSymlink | 0o777})...))
		_, _, v, err := walkAll(t, p, input.Options{Trust: trust(b)})
		if err != nil {
			t.Fatal(err)
		}
		want := []report.Problem{{Member: "files/current", Kind: "extra"}}
		if diff := cmp.Diff(want, v.Integrity.Problems, cmpopts.IgnoreFields(report.Problem{}, "Detail")); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
	t.Run("zip named FIFO", func(t *testing.T) {
		p := writeTemp(t, "b.zip", zipOf(t, append(zipMembers(b), zipFile{name: b.Name + "/files/fifo", mode: os.ModeNamedPipe | 0o644})...))
		_, _, _, err := walkAll(t, p, input.Options{})
		refusal(t, err, p, `"test-testhost-20240301T120000Z/files/fifo" is a device, FIFO or other special file`)
	})
	t.Run("encrypted zip", func(t *testing.T) {
		z := zipOf(t, zipMembers(b)...)
		// Set the "encrypted" flag of the first entry, in its local header
		// and in the central directory.
		z[6] |= 1
		cd := bytes.Index(z, []byte("PK\x01\x02"))
		z[cd+8] |= 1
		p := writeTemp(t, "b.zip", z)
		_, _, _, err := walkAll(t, p, input.Options{})
		refusal(t, err, p, `is encrypted (password-protected zip), which is not supported`)
	})
	t.Run("7z symlink outside", func(t *testing.T) {
		d := t.TempDir()
		top := b.WriteDir(t, d)
		if err := os.Symlink("/etc/passwd", filepath.Join(top, "files", "passwd")); err != nil {
			t.Skip(err)
		}
		out := filepath.Join(t.TempDir(), "b.7z")
		bin := sevenZipBin(t)
		cmd := exec.Command(bin, "a", "-bd", "-y", "-snl", out, ".")
		cmd.Dir = d
		if o, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("7z: %v\n%s", err, o)
		}
		_, _, _, err := walkAll(t, out, input.Options{})
		refusal(t, err, out, `is a link to "/etc/passwd", outside`)
	})
	t.Run("truncated 7z", func(t *testing.T) {
		d := t.TempDir()
		b.WriteDir(t, d)
		out := sevenZip(t, d, filepath.Join(t.TempDir(), "b.7z"))
		data, _ := os.ReadFile(out)
		p := writeTemp(t, "t.7z", data[:len(data)-40])
		_, _, _, err := walkAll(t, p, input.Options{})
		refusal(t, err, p, "7z")
	})
}

func sevenZipBin(t *testing.T) string {
	return testenv.Program(t, "7z", "p7zip-full")
}
