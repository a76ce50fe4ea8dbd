//go:build linux

package collect

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casefile/bundle"
	"casefile/profiles"
	"casefile/redact"
)

// diagTime is the mtime of the test archives' members.
var diagTime = time.Date(2024, 2, 28, 2, 35, 17, 0, time.UTC)

// coreBytes looks like the start of an ELF core file, with a secret-like
// string inside that must not be touched.
func coreBytes() []byte {
	var b bytes.Buffer
	b.Write([]byte("\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x00\x03\x00\x01\x00\x00\x00"))
	for i := 0; i < 200; i++ {
		b.Write([]byte{0, 0, 0, 0, byte(i), 0x01, 0x02, 0x7f})
	}
	b.WriteString("password=not-a-line-in-a-core\n")
	b.Write(bytes.Repeat([]byte{0}, 300))
	return b.Bytes()
}

// tarEntry is one member of a test archive.
type tarEntry struct {
	hdr  tar.Header
	data []byte
}

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func tarBytesOf(t *testing.T, entries []tarEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := e.hdr
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.data))
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func reg(name string, mode int64, data string) tarEntry {
	return tarEntry{tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, ModTime: diagTime, Uid: 0, Gid: 0, Uname: "root", Gname: "root", Format: tar.FormatGNU}, []byte(data)}
}

// diagEntries is an F-Secure-like diag archive: secrets in several
// members, before and after others, in a nested archive and in a
// compressed rotation; a binary core; a link and a device.
func diagEntries(t *testing.T) []tarEntry {
	inner := gzipBytes(t, tarBytesOf(t, []tarEntry{
		reg("app/app.log", 0o640, "2024-02-28 02:30:00 login ok token=inner-T0ken-77 user=bob\n2024-02-28 02:31:00 plain line\n"),
		reg("app/notes.txt", 0o644, "nothing secret here\n"),
	}))
	return []tarEntry{
		{tar.Header{Typeflag: tar.TypeDir, Name: "system/", Mode: 0o755, ModTime: diagTime, Format: tar.FormatGNU}, nil},
		reg("system/netstat_anp.txt", 0o644, "tcp 0 0 0.0.0.0:9080 0.0.0.0:* LISTEN 2411/fsigk_http\n"),
		reg("conf/fsigk.ini", 0o600, "[general]\nadmin_password = Lo0ng-Adm1n-Secret-Value-42\nport = 9080\n"),
		reg("system/ps_elf.txt", 0o644, "4 S root 2411 1 0 80 0 - 1 - 02:00 ? 00:00:01 /opt/f-secure/fsigk/sbin/fsigk_http\n"),
		reg("etc/ipsec.secrets", 0o600, "@a @b : PSK \"x\"\n: XAUTH bob \"diag-Xauth-Pw\"\n"),
		reg("cores/core.2411", 0o600, string(coreBytes())),
		reg("logs/inner.tar.gz", 0o644, string(inner)),
		reg("log/error.log.1.gz", 0o644, string(gzipBytes(t, []byte("02:10 error: db connect failed password=rot-Pw-9\n02:11 retry\n")))),
		{tar.Header{Typeflag: tar.TypeSymlink, Name: "conf/current", Linkname: "fsigk.ini", ModTime: diagTime, Format: tar.FormatGNU}, nil},
		{tar.Header{Typeflag: tar.TypeChar, Name: "dev/null", Mode: 0o666, Devmajor: 1, Devminor: 3, ModTime: diagTime, Format: tar.FormatGNU}, nil},
		reg("system/uname_a.txt", 0o644, "Linux igk01 3.10.0 #1 SMP x86_64 GNU/Linux\n"),
	}
}

// diagSecrets must be gone from every byte of the bundle.
var diagSecrets = []string{"Lo0ng-Adm1n-Secret-Value-42", "diag-Xauth-Pw", "inner-T0ken-77", "rot-Pw-9"}

// readTar reads a (gzip-compressed, if gz) tar into name -> entry.
func readTar(t *testing.T, data []byte, gz bool) (map[string]tarEntry, []string) {
	t.Helper()
	var r io.Reader = bytes.NewReader(data)
	if gz {
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	tr := tar.NewReader(r)
	out := map[string]tarEntry{}
	var order []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading the stored archive: %v", err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out[h.Name] = tarEntry{*h, b}
		order = append(order, h.Name)
	}
	return out, order
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestArchiveRedactedMemberByMember: a diag.tar.gz with secrets in
// several members, before and after others, is stored as a tar.gz that
// archive/tar reads whole: every member is there with its name, mode,
// owner and time; text members are redacted (also inside a nested
// archive and a compressed rotation), the binary core is unchanged, the
// link and the device are dropped and listed; the manifest counts the
// redactions per member.
func TestArchiveRedactedMemberByMember(t *testing.T) {
	root := copyHost(t)
	entries := diagEntries(t)
	orig := gzipBytes(t, tarBytesOf(t, entries))
	writeFile(t, root, "opt/f-secure/fsigk/diag.tar.gz", string(orig))
	p := profileYAML(t, `  - id: diag
    files: [/opt/f-secure/fsigk/diag.tar.gz]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	m, members := readBundle(t, run(t, opts).Path)
	for _, mb := range members {
		for _, s := range diagSecrets {
			if bytes.Contains(mb.data, []byte(s)) {
				t.Errorf("secret %q in member %s", s, mb.name)
			}
		}
	}
	st := findItem(t, m, "diag").Stored[0]
	got, order := readTar(t, []byte(memberData(t, members, "files/opt/f-secure/fsigk/diag.tar.gz")), true)
	// Every entry but the link and the device, in order.
	var want []string
	for _, e := range entries {
		if e.hdr.Typeflag == tar.TypeReg || e.hdr.Typeflag == tar.TypeDir {
			want = append(want, e.hdr.Name)
		}
	}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Fatalf("members of the stored archive (-want +got):\n%s", diff)
	}
	for _, e := range entries {
		g, ok := got[e.hdr.Name]
		if !ok {
			continue
		}
		if g.hdr.Mode != e.hdr.Mode || !g.hdr.ModTime.Equal(e.hdr.ModTime) || g.hdr.Uname != e.hdr.Uname || g.hdr.Typeflag != e.hdr.Typeflag {
			t.Errorf("%s: header %+v, want mode %o time %s owner %s", e.hdr.Name, g.hdr, e.hdr.Mode, e.hdr.ModTime, e.hdr.Uname)
		}
	}
	if s := string(got["conf/fsigk.ini"].data); s != "[general]\nadmin_password = [REDACTED:config-secret]\nport = 9080\n" {
		t.Errorf("fsigk.ini stored as %q", s)
	}
	if s := string(got["etc/ipsec.secrets"].data); s != "@a @b : PSK \"[REDACTED:ipsec-psk]\"\n: XAUTH bob \"[REDACTED:ipsec-password]\"\n" {
		t.Errorf("ipsec.secrets inside stored as %q (the secrets-file rules apply by member name)", s)
	}
	if !bytes.Equal(got["cores/core.2411"].data, coreBytes()) {
		t.Errorf("the binary core was changed")
	}
	for _, name := range []string{"system/netstat_anp.txt", "system/ps_elf.txt", "system/uname_a.txt"} {
		for _, e := range entries {
			if e.hdr.Name == name && !bytes.Equal(got[name].data, e.data) {
				t.Errorf("%s changed: %q", name, got[name].data)
			}
		}
	}
	inner, _ := readTar(t, got["logs/inner.tar.gz"].data, true)
	if s := string(inner["app/app.log"].data); !strings.Contains(s, "token=[REDACTED:config-secret] user=bob") || !strings.Contains(s, "02:31:00 plain line") {
		t.Errorf("nested archive's log stored as %q", s)
	}
	if s := string(gunzip(t, got["log/error.log.1.gz"].data)); s != "02:10 error: db connect failed password=[REDACTED:config-secret]\n02:11 retry\n" {
		t.Errorf("compressed rotation inside stored as %q", s)
	}

	if st.Content != bundle.ContentArchive || !strings.Contains(st.Note, "tar.gz archive rewritten member by member") || st.ErrorKind != "" {
		t.Errorf("stored entry: content %q note %q error %s %s", st.Content, st.Note, st.ErrorKind, st.Error)
	}
	wantCounts := map[string]int{redact.RuleConfigSecret: 3, redact.RuleIPsecPSK: 1, redact.RuleIPsecPassword: 1}
	if diff := cmp.Diff(wantCounts, st.Redactions); diff != "" {
		t.Errorf("total redactions (-want +got):\n%s", diff)
	}
	listed := map[string]bundle.ArchiveMember{}
	for _, am := range st.Members {
		listed[am.Name] = am
	}
	var names []string
	for n := range listed {
		names = append(names, n)
	}
	sort.Strings(names)
	wantNames := []string{"conf/current", "conf/fsigk.ini", "cores/core.2411", "dev/null", "etc/ipsec.secrets", "log/error.log.1.gz", "logs/inner.tar.gz", "logs/inner.tar.gz/app/app.log"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("listed members (-want +got):\n%s", diff)
	}
	if am := listed["conf/fsigk.ini"]; am.Redactions[redact.RuleConfigSecret] != 1 || am.Size != int64(len(got["conf/fsigk.ini"].data)) {
		t.Errorf("fsigk.ini listed as %+v", am)
	}
	if am := listed["cores/core.2411"]; am.Content != bundle.ContentBinary || len(am.Redactions) != 0 {
		t.Errorf("core listed as %+v", am)
	}
	if am := listed["conf/current"]; am.Dropped != "symbolic link to fsigk.ini" {
		t.Errorf("link listed as %+v", am)
	}
	if am := listed["dev/null"]; am.Dropped != "character device" {
		t.Errorf("device listed as %+v", am)
	}
	if am := listed["logs/inner.tar.gz"]; am.Content != bundle.ContentArchive {
		t.Errorf("nested archive listed as %+v", am)
	}
	// GNU tar reads it too.
	if _, err := exec.LookPath("tar"); err == nil {
		f := filepath.Join(t.TempDir(), "diag.tar.gz")
		if err := os.WriteFile(f, []byte(memberData(t, members, "files/opt/f-secure/fsigk/diag.tar.gz")), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("tar", "-tzvf", f).CombinedOutput()
		if err != nil || strings.Count(string(out), "\n") != len(want) {
			t.Errorf("tar -tzvf: %v\n%s", err, out)
		}
	}
}

// TestArchiveBombRefused: an archive whose content expands far beyond
// its size and the cap is not stored.
func TestArchiveBombRefused(t *testing.T) {
	root := copyHost(t)
	bomb := gzipBytes(t, tarBytesOf(t, []tarEntry{reg("zeros.log", 0o644, strings.Repeat("\x00", 20<<20))}))
	writeFile(t, root, "opt/x/bomb.tar.gz", string(bomb))
	p := profileYAML(t, `  - id: bomb
    files: [/opt/x/bomb.tar.gz]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	opts.MaxFileSize = 256 << 10
	m, members := readBundle(t, run(t, opts).Path)
	if it := findItem(t, m, "bomb"); it.ErrorKind != bundle.ErrNotRedactable || !strings.Contains(it.Error, "expands to more than 4.0 MiB") || hasMember(members, "files/opt/x/bomb.tar.gz") {
		t.Errorf("bomb: %s %q", it.ErrorKind, it.Error)
	}
}

// TestArchiveByContent: an uncompressed tar without a telling name and
// a zip are told by their content and rewritten in their format.
func TestArchiveByContent(t *testing.T) {
	root := copyHost(t)
	entries := diagEntries(t)
	writeFile(t, root, "var/tmp/support.dat", string(tarBytesOf(t, entries)))
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for _, e := range entries {
		if e.hdr.Typeflag != tar.TypeReg {
			continue
		}
		fh := &zip.FileHeader{Name: e.hdr.Name, Method: zip.Deflate, Modified: diagTime}
		fh.SetMode(os.FileMode(e.hdr.Mode))
		w, err := zw.CreateHeader(fh)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	zw.Close()
	writeFile(t, root, "var/tmp/logs.zip", zb.String())
	p := profileYAML(t, `  - id: dat
    files: [/var/tmp/support.dat]
  - id: zip
    files: [/var/tmp/logs.zip]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	m, members := readBundle(t, run(t, opts).Path)
	for _, mb := range members {
		for _, s := range diagSecrets {
			if bytes.Contains(mb.data, []byte(s)) {
				t.Errorf("secret %q in member %s", s, mb.name)
			}
		}
	}
	got, _ := readTar(t, []byte(memberData(t, members, "files/var/tmp/support.dat")), false)
	if s := string(got["conf/fsigk.ini"].data); !strings.Contains(s, "admin_password = [REDACTED:config-secret]") {
		t.Errorf("tar member stored as %q", s)
	}
	if st := findItem(t, m, "dat").Stored[0]; st.Content != bundle.ContentArchive || !strings.HasPrefix(st.Note, "tar archive") {
		t.Errorf("tar: %+v", st)
	}
	zdata := memberData(t, members, "files/var/tmp/logs.zip")
	zr, err := zip.NewReader(strings.NewReader(zdata), int64(len(zdata)))
	if err != nil {
		t.Fatalf("stored zip: %v", err)
	}
	n := 0
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		n++
		switch f.Name {
		case "conf/fsigk.ini":
			if !strings.Contains(string(b), "admin_password = [REDACTED:config-secret]") || f.Mode().Perm() != 0o600 || !f.Modified.Equal(diagTime) {
				t.Errorf("zip member %s: %q mode %s time %s", f.Name, b, f.Mode(), f.Modified)
			}
		case "cores/core.2411":
			if !bytes.Equal(b, coreBytes()) {
				t.Errorf("binary zip member changed")
			}
		}
	}
	if n != 8 {
		t.Errorf("stored zip has %d members, want 8", n)
	}
	if st := findItem(t, m, "zip").Stored[0]; st.Content != bundle.ContentArchive || st.Redactions[redact.RuleConfigSecret] != 3 {
		t.Errorf("zip: %+v", st)
	}
}

// TestArchiveWithGlobalHeader: a tar with a pax global header (git
// archive writes one with the commit id) is rewritten, the header kept.
func TestArchiveWithGlobalHeader(t *testing.T) {
	root := copyHost(t)
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header", PAXRecords: map[string]string{"comment": "3f1e9a77c2d04b18"}}); err != nil {
		t.Fatal(err)
	}
	data := "db.password = git-Archived-Pw\n"
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "app/app.conf", Mode: 0o644, Size: int64(len(data)), ModTime: diagTime}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte(data))
	tw.Close()
	writeFile(t, root, "opt/app/src.tar.gz", string(gzipBytes(t, b.Bytes())))
	p := profileYAML(t, `  - id: src
    files: [/opt/app/src.tar.gz]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	m, members := readBundle(t, run(t, opts).Path)
	if it := findItem(t, m, "src"); it.ErrorKind != "" {
		t.Fatalf("src: %s %s", it.ErrorKind, it.Error)
	}
	zr, err := gzip.NewReader(strings.NewReader(memberData(t, members, "files/opt/app/src.tar.gz")))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	h, err := tr.Next()
	if err != nil || h.Typeflag != tar.TypeXGlobalHeader || h.PAXRecords["comment"] != "3f1e9a77c2d04b18" {
		t.Fatalf("first entry %+v, %v; want the global header", h, err)
	}
	h, err = tr.Next()
	if err != nil || h.Name != "app/app.conf" {
		t.Fatalf("second entry %+v, %v", h, err)
	}
	if got, _ := io.ReadAll(tr); string(got) != "db.password = [REDACTED:config-secret]\n" {
		t.Errorf("app.conf stored as %q", got)
	}
}

// TestUnparseableArchiveFailsClosed: an archive that cannot be parsed
// for redaction is not stored (it could hold secrets), unless redaction
// is off for the run or, by the profile, for the item.
func TestUnparseableArchiveFailsClosed(t *testing.T) {
	root := copyHost(t)
	full := gzipBytes(t, tarBytesOf(t, diagEntries(t)))
	// A gzip of a tar cut in the middle of a member: the first members
	// read, then the stream ends.
	cut := gzipBytes(t, tarBytesOf(t, diagEntries(t))[:3000])
	writeFile(t, root, "opt/a/diag.tar.gz", string(cut))
	writeFile(t, root, "opt/b/diag.tar.gz", string(cut))
	writeFile(t, root, "opt/c/diag.tar.gz", string(full[:len(full)/2]))
	p := profileYAML(t, `  - id: cut
    files: [/opt/a/diag.tar.gz]
  - id: cut-no-redact
    files: [/opt/b/diag.tar.gz]
    redact: false
  - id: half-gzip
    files: [/opt/c/diag.tar.gz]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	m, members := readBundle(t, run(t, opts).Path)
	for _, id := range []string{"cut", "half-gzip"} {
		it := findItem(t, m, id)
		if it.ErrorKind != bundle.ErrNotRedactable || !strings.Contains(it.Error, "archive could not be parsed for redaction; not collected") || it.Stored[0].SHA256 != "" {
			t.Errorf("%s: %s %q, want not_redactable and nothing stored", id, it.ErrorKind, it.Error)
		}
	}
	if hasMember(members, "files/opt/a/diag.tar.gz") || hasMember(members, "files/opt/c/diag.tar.gz") {
		t.Errorf("an unparseable archive was stored")
	}
	it := findItem(t, m, "cut-no-redact")
	if !it.NoRedact || it.ErrorKind != "" || memberData(t, members, "files/opt/b/diag.tar.gz") != string(cut) {
		t.Errorf("redact: false item: no_redact %v, %s %q; want the archive byte for byte", it.NoRedact, it.ErrorKind, it.Error)
	}
	// --no-redact stores all of them as they are.
	opts = testOptions(t, p, root)
	opts.NoHostItems = true
	opts.NoRedact = true
	m, members = readBundle(t, run(t, opts).Path)
	if memberData(t, members, "files/opt/a/diag.tar.gz") != string(cut) || findItem(t, m, "cut").ErrorKind != "" {
		t.Errorf("--no-redact did not store the archive as it is")
	}
}

// TestBinaryFilesNotRedacted: a core file is stored byte for byte and
// marked binary; text with NUL separators (/proc/*/environ) and a log
// with a zero-filled hole are still text, and redacted.
func TestBinaryFilesNotRedacted(t *testing.T) {
	root := copyHost(t)
	writeFile(t, root, "opt/f-secure/fsigk/core.2411", string(coreBytes()))
	writeFile(t, root, "opt/app/environ", "PATH=/usr/bin\x00DB_PASSWORD=env-S3cret\x00HOME=/root\x00")
	writeFile(t, root, "opt/app/logs/hole.log", "02:00 start password=hole-Pw\n"+strings.Repeat("\x00", 4096)+"02:05 after the crash\n")
	le := func(s string) string {
		out := "\xff\xfe"
		for _, r := range s {
			out += string([]byte{byte(r), byte(r >> 8)})
		}
		return out
	}
	be := func(s string) string { // no byte order mark: told by the NUL bytes
		out := ""
		for _, r := range s {
			out += string([]byte{byte(r >> 8), byte(r)})
		}
		return out
	}
	utf16 := le("2024-03-01 10:00:00 service started\r\n2024-03-01 10:00:01 db password=Win-Pw-1 user=süß\r\n")
	utf16be := be("2024-03-01 10:00:00 curl -u admin:Win-Pw-2 http://10.1.1.1/\n2024-03-01 10:00:01 AKIAIOSFODNN7EXAMPL3 used\n")
	writeFile(t, root, "opt/app/logs/win.log", utf16)
	writeFile(t, root, "opt/app/logs/win-be.log", utf16be)
	// Shift_JIS ("エラー" over and over) and Latin-1 text: mostly bytes
	// that are not UTF-8, still text, and redacted.
	sjis := strings.Repeat("\x83\x47\x83\x89\x81\x5b", 20)
	writeFile(t, root, "opt/app/logs/ja.log", "2024-02-28 10:25:02 "+sjis+" password=Sjis-Pw-1\n")
	writeFile(t, root, "opt/app/logs/de.log", strings.Repeat("Gr\xfc\xdfe \xe4\xf6\xfc ", 10)+"passwort=Latin-Pw-2\n")
	p := profileYAML(t, `  - id: cores
    files: [/opt/f-secure/fsigk/core.*]
  - id: text
    files: [/opt/app/environ, /opt/app/logs/hole.log, /opt/app/logs/ja.log, /opt/app/logs/de.log]
  - id: utf16
    files: [/opt/app/logs/win.log, /opt/app/logs/win-be.log]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	m, members := readBundle(t, run(t, opts).Path)
	st := findItem(t, m, "cores").Stored[0]
	if memberData(t, members, st.Path) != string(coreBytes()) || st.Content != bundle.ContentBinary || st.Note != "binary content: stored as it is, not redacted" || len(st.Redactions) != 0 {
		t.Errorf("core stored as %+v", st)
	}
	if s := memberData(t, members, "files/opt/app/environ"); strings.Contains(s, "env-S3cret") {
		t.Errorf("environ not redacted: %q", s)
	}
	if s := memberData(t, members, "files/opt/app/logs/hole.log"); strings.Contains(s, "hole-Pw") || !strings.HasSuffix(s, "02:05 after the crash\n") {
		t.Errorf("log with a NUL hole: %q", s)
	}
	for f, secret := range map[string]string{"ja.log": "Sjis-Pw-1", "de.log": "Latin-Pw-2"} {
		if s := memberData(t, members, "files/opt/app/logs/"+f); strings.Contains(s, secret) || !strings.Contains(s, "[REDACTED:config-secret]") {
			t.Errorf("%s not redacted: %q", f, s)
		}
	}
	for _, s := range findItem(t, m, "text").Stored {
		if s.Content != "" {
			t.Errorf("%s: content %q, want text", s.Path, s.Content)
		}
	}
	// UTF-16 text is decoded, redacted and stored in its encoding.
	want := map[string]string{
		"files/opt/app/logs/win.log":    le("2024-03-01 10:00:00 service started\r\n2024-03-01 10:00:01 db password=[REDACTED:config-secret] user=süß\r\n"),
		"files/opt/app/logs/win-be.log": be("2024-03-01 10:00:00 curl -u admin:[REDACTED:command-line-secret] http://10.1.1.1/\n2024-03-01 10:00:01 [REDACTED:token] used\n"),
	}
	for _, st := range findItem(t, m, "utf16").Stored {
		if st.Content != "" || !strings.HasPrefix(st.Note, "UTF-16") || len(st.Redactions) == 0 {
			t.Errorf("UTF-16 log stored as %+v", st)
		}
		if got := memberData(t, members, st.Path); got != want[st.Path] {
			t.Errorf("%s: got %q, want %q", st.Path, got, want[st.Path])
		}
	}
	opts.NoRedact, opts.Output = true, t.TempDir()
	m, members = readBundle(t, run(t, opts).Path)
	if st := findItem(t, m, "utf16").Stored[0]; memberData(t, members, st.Path) != utf16 {
		t.Errorf("--no-redact: UTF-16 log not stored as it is")
	}
}

// TestOversizePolicy: over the cap, text keeps its tail (or, with
// oversize: skip, is not stored), binary files and archives are not
// stored (a binary file's oversize: tail keeps its last bytes); what is
// not stored is too_large with its size.
func TestOversizePolicy(t *testing.T) {
	root := copyHost(t)
	core := bytes.Repeat(coreBytes(), 20)
	writeFile(t, root, "opt/f-secure/fsigk/core.1", string(core))
	writeFile(t, root, "opt/f-secure/fsigk/core.2", string(core))
	rng := rand.New(rand.NewSource(1))
	var noise strings.Builder
	for noise.Len() < 20000 {
		fmt.Fprintf(&noise, "%x\n", rng.Int63())
	}
	writeFile(t, root, "opt/f-secure/fsigk/diag.tar.gz", string(gzipBytes(t, tarBytesOf(t, []tarEntry{reg("big.txt", 0o644, noise.String())}))))
	writeFile(t, root, "opt/app/logs/big.log", strings.Repeat("2024-03-01 10:00:00 a log line of some length\n", 400))
	p := profileYAML(t, `  - id: core
    files: [/opt/f-secure/fsigk/core.1]
  - id: core-tail
    files: [/opt/f-secure/fsigk/core.2]
    oversize: tail
  - id: diag
    files: [/opt/f-secure/fsigk/diag.tar.gz]
    oversize: tail
  - id: log
    files: [/opt/app/logs/big.log]
`)
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	opts.MaxFileSize = 4000
	m, members := readBundle(t, run(t, opts).Path)
	for _, tc := range []struct {
		id, path string
		size     int64
	}{
		{"core", "files/opt/f-secure/fsigk/core.1", int64(len(core))},
		{"diag", "files/opt/f-secure/fsigk/diag.tar.gz", 0},
	} {
		it := findItem(t, m, tc.id)
		st := it.Stored[0]
		if it.ErrorKind != bundle.ErrTooLarge || st.ErrorKind != bundle.ErrTooLarge || st.SHA256 != "" || hasMember(members, tc.path) ||
			!strings.Contains(st.Error, "over the 3.9 KiB cap; not collected") || (tc.size > 0 && st.SourceSize != tc.size) || st.SourceSize == 0 {
			t.Errorf("%s: %s %+v, want too_large, with its size, not stored", tc.id, it.ErrorKind, st)
		}
	}
	st := findItem(t, m, "core-tail").Stored[0]
	if got := memberData(t, members, st.Path); got != string(core[len(core)-4000:]) || st.Truncated != int64(len(core)-4000) || st.Content != bundle.ContentBinary {
		t.Errorf("core with oversize: tail: %d bytes, truncated %d", len(got), st.Truncated)
	}
	if st := findItem(t, m, "log").Stored[0]; st.Truncated == 0 || st.SHA256 == "" {
		t.Errorf("text over the cap: %+v, want its tail", st)
	}
	p = profileYAML(t, `  - id: log-skip
    files: [/opt/app/logs/big.log]
    oversize: skip
`)
	opts = testOptions(t, p, root)
	opts.NoHostItems = true
	opts.MaxFileSize = 4000
	m, members = readBundle(t, run(t, opts).Path)
	if it := findItem(t, m, "log-skip"); it.ErrorKind != bundle.ErrTooLarge || hasMember(members, "files/opt/app/logs/big.log") {
		t.Errorf("oversize: skip on text: %+v", it)
	}
}

// TestOversizeValidated: oversize is tail or skip, on files items.
func TestOversizeValidated(t *testing.T) {
	for _, bad := range []string{"  - id: x\n    files: [/a]\n    oversize: head\n", "  - id: x\n    command: [ls]\n    oversize: skip\n"} {
		src := "name: v\ndescription: v\nversion: \"1\"\ncollect:\n" + bad
		if _, err := profiles.Parse("v.yaml", []byte(src)); err == nil {
			t.Errorf("accepted:\n%s", bad)
		}
	}
}
