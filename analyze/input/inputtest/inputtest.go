// Package inputtest builds valid, signed casefile bundles in memory for
// tests: the members of a bundle (manifest.json first, SHA256SUMS and its
// minisign signature last), written as a .tar.gz the way the collector
// writes it (a multi-member gzip of one continuous tar stream), as a plain
// tar, as a zip, or into a folder.
//
// Tests tamper with a built bundle by editing Built.Members after Build
// and writing it again:
//
//	b := inputtest.Build(t, inputtest.Spec{Files: map[string]string{"files/var/log/messages": "boot\n"}})
//	b.Set("files/var/log/messages", "tampered\n") // SHA256SUMS is not updated
//	path := b.WriteTarGz(t, t.TempDir())
package inputtest

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"aead.dev/minisign"
	"github.com/klauspost/compress/gzip"

	"casefile/bundle"
)

// Time is the fixed collection time of built bundles.
var Time = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// DefaultName is the top folder of a bundle built without Spec.Name.
const DefaultName = "test-testhost-20240301T120000Z"

// Spec describes a bundle to build. Zero values give a small valid bundle.
type Spec struct {
	// Name is the top folder (default DefaultName).
	Name string
	// Files maps member paths relative to the top folder
	// ("files/var/log/messages", "commands/uname.out") to their content.
	// Nil gives a default set of a log, a config file and a command output.
	Files map[string]string
	// Key signs SHA256SUMS; nil generates a fresh key (see Built.Public).
	Key *minisign.PrivateKey
	// Unsigned leaves out SHA256SUMS.minisig.
	Unsigned bool
	// NoSums leaves out SHA256SUMS and SHA256SUMS.minisig.
	NoSums bool
	// DirEntries adds directory entries (top folder, files/, ...) to
	// archives, as GNU tar does.
	DirEntries bool
	// Edit, when set, may change the manifest before it is encoded and
	// hashed (so the change is covered by the signature).
	Edit func(m *bundle.Manifest)
	// TrustedComment, when set, is signed instead of the comment the
	// manifest gives (a signature made for another manifest).
	TrustedComment string
}

// Member is one member of a built bundle.
type Member struct {
	Path string // relative to the top folder
	Data []byte
}

// Built is a bundle built in memory.
type Built struct {
	Name     string
	Manifest *bundle.Manifest
	// Members in archive order: manifest.json, the Files sorted by path,
	// SHA256SUMS, SHA256SUMS.minisig.
	Members    []Member
	Public     minisign.PublicKey
	Private    minisign.PrivateKey
	DirEntries bool
}

// DefaultFiles is the content of a bundle built without Spec.Files.
func DefaultFiles() map[string]string {
	return map[string]string{
		"files/var/log/messages":        "Mar  1 11:59:58 testhost kernel: booted\nMar  1 11:59:59 testhost sshd[42]: started\n",
		"files/etc/product/product.cfg": "debug-level = 3\nport = 8443\n",
		"commands/uname.out":            "Linux testhost 6.1.0 x86_64\n",
	}
}

// Build makes a valid bundle from spec and signs it.
func Build(tb testing.TB, spec Spec) *Built {
	tb.Helper()
	name := spec.Name
	if name == "" {
		name = DefaultName
	}
	files := spec.Files
	if files == nil {
		files = DefaultFiles()
	}
	var pub minisign.PublicKey
	var priv minisign.PrivateKey
	if spec.Key != nil {
		priv = *spec.Key
		pub = priv.Public().(minisign.PublicKey)
	} else {
		var err error
		pub, priv, err = bundle.GenerateKey()
		if err != nil {
			tb.Fatal(err)
		}
	}
	pubText := PublicKeyBase64(pub)
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)

	m := &bundle.Manifest{
		FormatVersion: bundle.FormatVersion,
		Tool:          bundle.Tool{Name: "casefile-collect", Version: "test"},
		Name:          name,
		Profile:       bundle.ProfileRef{Name: "test", Version: "1.0", Source: "builtin"},
		Host: bundle.Host{Hostname: "testhost", OS: "linux", OSRelease: "Debian GNU/Linux 12",
			Kernel: "6.1.0", Arch: "amd64", Timezone: "UTC", UTCOffset: "+00:00"},
		Root: "/",
		Collection: bundle.Collection{StartUTC: Time.Add(-time.Minute), EndUTC: Time,
			StartLocal: Time.Add(-time.Minute).Format(time.RFC3339), EndLocal: Time.Format(time.RFC3339)},
		Redaction: bundle.Redaction{Enabled: true},
		Options:   bundle.Options{MaxFileSize: 64 << 20, CommandTimeout: "30s"},
		Signer:    bundle.Signer{KeyID: bundle.KeyID(pub.ID()), PublicKey: pubText, OneTime: spec.Key == nil},
	}
	for _, p := range paths {
		data := []byte(files[p])
		sum := sha256.Sum256(data)
		st := bundle.Stored{Path: p, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Mode: "-rw-r--r--"}
		it := bundle.Item{Stored: []bundle.Stored{st}}
		switch {
		case strings.HasPrefix(p, bundle.CommandsDir+"/"):
			id := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(p, bundle.CommandsDir+"/"), ".out"), ".err")
			it.ID, it.Kind, it.Source = id, bundle.KindCommand, id
			code := 0
			it.ExitCode = &code
		default:
			it.ID, it.Kind, it.Source = itemID(p), bundle.KindFile, bundle.HostPathOf(p)
			it.Stored[0].Source = bundle.HostPathOf(p)
		}
		m.Items = append(m.Items, it)
	}
	if spec.Edit != nil {
		spec.Edit(m)
	}
	var mbuf bytes.Buffer
	if err := m.Encode(&mbuf); err != nil {
		tb.Fatal(err)
	}
	b := &Built{Name: name, Manifest: m, Public: pub, Private: priv, DirEntries: spec.DirEntries}
	b.Members = append(b.Members, Member{Path: bundle.ManifestName, Data: mbuf.Bytes()})
	for _, p := range paths {
		b.Members = append(b.Members, Member{Path: p, Data: []byte(files[p])})
	}
	if !spec.NoSums {
		sums := bundle.Sums{}
		for _, mb := range b.Members {
			sum := sha256.Sum256(mb.Data)
			sums[mb.Path] = hex.EncodeToString(sum[:])
		}
		sb := sums.Bytes()
		b.Members = append(b.Members, Member{Path: bundle.SumsName, Data: sb})
		comment := spec.TrustedComment
		if comment == "" {
			comment = bundle.TrustedComment(m)
		}
		if !spec.Unsigned {
			b.Members = append(b.Members, Member{Path: bundle.SignatureName, Data: bundle.Sign(priv, sb, comment)})
		}
	}
	return b
}

func itemID(p string) string {
	base := p[strings.LastIndex(p, "/")+1:]
	var sb strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			sb.WriteRune(r)
		default:
			sb.WriteByte('_')
		}
	}
	s := strings.Trim(sb.String(), "._-")
	if s == "" {
		s = "file"
	}
	return s
}

// Get returns the content of the member at path, or nil.
func (b *Built) Get(path string) []byte {
	for _, m := range b.Members {
		if m.Path == path {
			return m.Data
		}
	}
	return nil
}

// Set replaces (or appends) the member at path without updating
// SHA256SUMS: the bundle is then tampered with.
func (b *Built) Set(path, data string) {
	for i := range b.Members {
		if b.Members[i].Path == path {
			b.Members[i].Data = []byte(data)
			return
		}
	}
	b.Members = append(b.Members, Member{Path: path, Data: []byte(data)})
}

// Remove deletes the member at path without updating SHA256SUMS.
func (b *Built) Remove(path string) {
	out := b.Members[:0]
	for _, m := range b.Members {
		if m.Path != path {
			out = append(out, m)
		}
	}
	b.Members = out
}

// TrustedKey returns the bundle's public key as a trusted key with name.
func (b *Built) TrustedKey(name string) bundle.TrustedKey {
	return bundle.TrustedKey{Key: b.Public, Name: name}
}

// Tar returns the bundle as an uncompressed tar: every member under the
// top folder, in Members order.
func (b *Built) Tar() []byte {
	var buf bytes.Buffer
	if err := b.writeTar(&buf, nil); err != nil {
		panic(err) // writing to memory does not fail
	}
	return buf.Bytes()
}

// TarGz returns the bundle as the collector writes it: one tar stream
// compressed as several gzip members (multi-member gzip): one for
// manifest.json, one for the collected items, one for SHA256SUMS, its
// signature and the end of the archive.
func (b *Built) TarGz() []byte {
	var buf bytes.Buffer
	mw := &multiGzip{dst: &buf}
	if err := b.writeTar(mw, mw.cut); err != nil {
		panic(err)
	}
	if err := mw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// Zip returns the bundle as a zip (deflate) with the top folder.
func (b *Built) Zip() []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	if b.DirEntries {
		for _, d := range b.dirs() {
			if _, err := zw.CreateHeader(&zip.FileHeader{Name: d + "/", Modified: Time}); err != nil {
				panic(err)
			}
		}
	}
	for _, m := range b.Members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: b.Name + "/" + m.Path, Method: zip.Deflate, Modified: Time})
		if err != nil {
			panic(err)
		}
		w.Write(m.Data)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func (b *Built) dirs() []string {
	seen := map[string]bool{b.Name: true}
	out := []string{b.Name}
	for _, m := range b.Members {
		p := b.Name + "/" + m.Path
		for i := len(b.Name) + 1; i < len(p); i++ {
			if p[i] == '/' && !seen[p[:i]] {
				seen[p[:i]] = true
				out = append(out, p[:i])
			}
		}
	}
	return out
}

func (b *Built) writeTar(w io.Writer, cut func() error) error {
	tw := tar.NewWriter(w)
	if b.DirEntries {
		for _, d := range b.dirs() {
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755, ModTime: Time}); err != nil {
				return err
			}
		}
	}
	for i, m := range b.Members {
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: b.Name + "/" + m.Path, Mode: 0o644, Size: int64(len(m.Data)), ModTime: Time}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(m.Data); err != nil {
			return err
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		next := ""
		if i+1 < len(b.Members) {
			next = b.Members[i+1].Path
		}
		if cut != nil && (i == 0 || next == bundle.SumsName) {
			if err := cut(); err != nil {
				return err
			}
		}
	}
	return tw.Close()
}

// multiGzip compresses into a new gzip member after each cut.
type multiGzip struct {
	dst io.Writer
	gz  *gzip.Writer
}

func (m *multiGzip) Write(p []byte) (int, error) {
	if m.gz == nil {
		m.gz, _ = gzip.NewWriterLevel(m.dst, gzip.BestSpeed)
	}
	return m.gz.Write(p)
}

func (m *multiGzip) cut() error {
	if m.gz == nil {
		return nil
	}
	err := m.gz.Close()
	m.gz = nil
	return err
}

func (m *multiGzip) Close() error {
	if m.gz == nil {
		m.gz, _ = gzip.NewWriterLevel(m.dst, gzip.BestSpeed)
	}
	return m.cut()
}

// WriteTarGz writes TarGz to dir/<Name>.tar.gz and returns the path.
func (b *Built) WriteTarGz(tb testing.TB, dir string) string {
	tb.Helper()
	return WriteFile(tb, filepath.Join(dir, b.Name+".tar.gz"), b.TarGz())
}

// WriteDir writes the members into dir/<Name>/ as an extracted bundle
// and returns that folder.
func (b *Built) WriteDir(tb testing.TB, dir string) string {
	tb.Helper()
	top := filepath.Join(dir, b.Name)
	for _, m := range b.Members {
		WriteFile(tb, filepath.Join(top, filepath.FromSlash(m.Path)), m.Data)
	}
	return top
}

// WriteFile writes data to path, creating folders, and returns path.
func WriteFile(tb testing.TB, path string, data []byte) string {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// WriteTrustFile writes the bundle's public key with name to dir/trust
// and returns its path, for --trust.
func (b *Built) WriteTrustFile(tb testing.TB, dir, name string) string {
	tb.Helper()
	return WriteFile(tb, filepath.Join(dir, "trust"), []byte(PublicKeyBase64(b.Public)+" "+name+"\n"))
}

// PublicKeyBase64 returns the base64 line of a minisign public key, as
// manifest.json's signer.public_key and trust files hold it.
func PublicKeyBase64(pub minisign.PublicKey) string {
	text, _ := pub.MarshalText() // never fails
	line := strings.TrimSpace(string(text))
	if i := strings.LastIndex(line, "\n"); i >= 0 {
		line = line[i+1:]
	}
	return line
}
