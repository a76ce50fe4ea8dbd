package input

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"casefile/analyze/input/inputtest"
	"casefile/bundle"
)

// decoded is a manifest with items as the collector writes them, as
// bundle.ParseManifest decodes it.
func decoded(t testing.TB, items []bundle.Item) *bundle.Manifest {
	t.Helper()
	m := bundle.Manifest{FormatVersion: bundle.FormatVersion, Items: items}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	out, err := bundle.ParseManifest(raw)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sumOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// TestItemsRoundTrip: the compact table gives back every item and member
// field as decoded, common and rare ones alike.
func TestItemsRoundTrip(t *testing.T) {
	mt := time.Date(2024, 3, 1, 11, 59, 0, 0, time.FixedZone("", 3600))
	exit := 3
	items := []bundle.Item{
		{ID: "syslog", Kind: bundle.KindFile, Source: "/var/log/syslog", Stored: []bundle.Stored{
			{Path: "files/var/log/syslog", Source: "/var/log/syslog", Size: 12, SHA256: sumOf("a"), Mode: "-rw-r-----", MTime: &mt}}},
		{ID: "logs", Kind: bundle.KindGlob, Source: "/var/log/app/*.log", Stored: []bundle.Stored{
			{Path: "files/var/log/app/a.log", Source: "/var/log/app/a.log", Size: 1, SHA256: sumOf("b"), Mode: "-rw-r--r--", MTime: &mt},
			{Path: "files/var/log/app/b.log", Source: "/srv/elsewhere/b.log", Size: 2, SHA256: sumOf("c"), Mode: "-rw-r--r--",
				Truncated: 40, Redactions: map[string]int{"password": 2}, Symlink: "/srv/x"},
			{Path: "files/var/log/app/c.log", Size: 3, SHA256: "ABCDEF"}, // not a SHA-256: kept as written
			{Path: "files/var/log/app/d.log", Size: 3, SHA256: "AB" + sumOf("d")[2:]},
			{Path: "files/var/log/app/e.log", ErrorKind: bundle.ErrTooLarge, Error: "too large", SourceSize: 1 << 30},
		}, GlobCaps: []bundle.GlobCap{{Pattern: "/var/log/app/*.log", Matched: 20000, Kept: 10000, Oldest: &mt}}},
		{ID: "uname", Kind: bundle.KindCommand, Source: "uname -a", Binary: "/usr/bin/uname", ExitCode: &exit, DurationMS: 4,
			Stored: []bundle.Stored{{Path: "commands/uname.out", Size: 5, SHA256: sumOf("e")}}},
		{ID: "ps", Kind: bundle.KindCommand, Source: "commands/ps.out", Stored: []bundle.Stored{{Path: "commands/ps.out", Size: 5, SHA256: sumOf("f")}}},
		{ID: "gone", Kind: bundle.KindFile, Source: "/etc/gone.conf", ErrorKind: bundle.ErrNotFound, Optional: true},
		{ID: "odd", Kind: "future-kind", Source: "", NoRedact: true, Stored: []bundle.Stored{{Path: "files/x.tar.gz", Size: 9, SHA256: sumOf("g"),
			Content: bundle.ContentArchive, Note: "rewritten", Members: []bundle.ArchiveMember{{Name: "a"}}}}},
		{ID: "plain", Kind: bundle.KindFile, Source: "/etc/hosts", Stored: []bundle.Stored{{Path: "files/etc/hosts", Size: 0}}},
	}
	want := decoded(t, items).Items
	tab := compactItems(decoded(t, items).Items)
	got := slices.Collect(tab.All())
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("items from the table differ from the decoded ones (-want +got):\n%s", d)
	}
	if n := tab.Len(); n != len(want) {
		t.Errorf("Len = %d, want %d", n, len(want))
	}
	// Plain members keep no decoded struct: their strings are in the block.
	if tab.st[0].rare != nil || tab.its[0].rare != nil || tab.its[3].rare != nil {
		t.Errorf("plain items or members kept their decoded form")
	}
	if unsafe.StringData(tab.its[0].source) != unsafe.StringData(tab.st[0].path[len("files"):]) {
		t.Errorf("the item's source does not share the member path's text")
	}
}

// plainItems are n items of one log each, as the collector writes them
// (path, host path, size, SHA-256, mode, mtime).
func plainItems(n int) []bundle.Item {
	mt := time.Date(2024, 3, 1, 11, 59, 0, 0, time.UTC)
	items := make([]bundle.Item, n)
	for i := range items {
		src := fmt.Sprintf("/opt/product/logs/service-%05d/trace.log", i)
		items[i] = bundle.Item{ID: fmt.Sprintf("trace-%05d", i), Kind: bundle.KindFile, Source: src,
			Stored: []bundle.Stored{{Path: "files" + src, Source: src, Size: int64(i), SHA256: sumOf(src), Mode: "-rw-r--r--", MTime: &mt}}}
	}
	return items
}

func heapNow() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestItemsHeld: what a bundle keeps per manifest item through its pass.
// Decoded, an item of one log holds about 700 bytes (the Item and Stored
// structs and six strings); the table holds about a third of that. The
// limit fails if the per-item form grows back toward the decoded one.
func TestItemsHeld(t *testing.T) {
	const n = 10000
	base := heapNow()
	m := decoded(t, plainItems(n))
	dec := heapNow() - base
	tab := compactItems(m.Items)
	m = nil
	held := heapNow() - base // the table, and the mtimes it shares with the decoded members
	runtime.KeepAlive(m)
	perDec, per := dec/n, held/n
	t.Logf("per item of one log: decoded %d bytes, compact %d bytes", perDec, per)
	if tab.Len() != n {
		t.Fatalf("Len = %d, want %d", tab.Len(), n)
	}
	if per > 300 {
		t.Errorf("the manifest table holds %d bytes an item (decoded: %d), want at most 300", per, perDec)
	}
	runtime.KeepAlive(tab)
}

// TestWalkSharesManifestPaths: members met in the manifest's order take
// the table's text as their path (the archive's header names are not
// kept), and integrity is checked as before.
func TestWalkSharesManifestPaths(t *testing.T) {
	files := map[string]string{}
	for i := range 20 {
		files[fmt.Sprintf("files/var/log/app/app%02d.log", i)] = fmt.Sprintf("line %d\n", i)
	}
	b := inputtest.Build(t, inputtest.Spec{Files: files})
	path := b.WriteTarGz(t, t.TempDir())
	ins, err := Open(context.Background(), path, Options{Trust: []bundle.TrustedKey{b.TrustedKey("t")}})
	if err != nil {
		t.Fatal(err)
	}
	in := ins[0]
	if in.Manifest.Items != nil || in.items.Len() == 0 {
		t.Fatalf("Open did not move the manifest's items into the table")
	}
	block := map[*byte]bool{}
	for k := range in.items.st {
		block[unsafe.StringData(in.items.st[k].path)] = true
	}
	shared := 0
	ver, err := in.Walk(context.Background(), func(m Member, r io.Reader) error {
		if filepath.Dir(m.Path) == "files/var/log/app" && block[unsafe.StringData(m.Path)] {
			shared++
		}
		_, err := io.Copy(io.Discard, r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if shared != len(files) {
		t.Errorf("%d of %d members share the manifest's path text", shared, len(files))
	}
	if ver.Integrity.Status != "ok" || !ver.Intact() {
		t.Errorf("integrity %s, intact %v; want ok: %+v", ver.Integrity.Status, ver.Intact(), ver.Integrity.Problems)
	}
}

// TestManifestPacked: a large manifest.json is kept compressed between
// Open and the walks, and every walk hands over the bytes Open read.
func TestManifestPacked(t *testing.T) {
	files := map[string]string{}
	for i := range 2000 {
		files[fmt.Sprintf("files/var/log/app/service-%04d/app.log", i)] = fmt.Sprintf("line %d\n", i)
	}
	b := inputtest.Build(t, inputtest.Spec{Files: files})
	want := b.Get(bundle.ManifestName)
	if len(want) < packMin {
		t.Fatalf("manifest of %d bytes, want at least %d for this test", len(want), packMin)
	}
	ins, err := Open(context.Background(), b.WriteTarGz(t, t.TempDir()), Options{Trust: []bundle.TrustedKey{b.TrustedKey("t")}})
	if err != nil {
		t.Fatal(err)
	}
	in := ins[0]
	if !in.manifestPacked || len(in.manifestRaw)*2 > len(want) {
		t.Errorf("manifest of %d bytes kept as %d bytes (packed %v), want compressed", len(want), len(in.manifestRaw), in.manifestPacked)
	}
	for walk := range 2 {
		var got []byte
		ver, err := in.Walk(context.Background(), func(m Member, r io.Reader) error {
			data, err := io.ReadAll(r)
			if m.Path == bundle.ManifestName {
				got = data
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("walk %d: manifest.json handed over differs from the bundle's (%d bytes, want %d)", walk, len(got), len(want))
		}
		if !ver.Intact() {
			t.Errorf("walk %d: not intact: %+v", walk, ver.Integrity.Problems)
		}
	}
	in.Release()
	if _, err := in.Walk(context.Background(), func(Member, io.Reader) error { return nil }); err == nil {
		t.Errorf("a released input was walked")
	}
}

// FuzzItemsRoundTrip: whatever a manifest's items hold, the compact
// table gives back the items as decoded.
func FuzzItemsRoundTrip(f *testing.F) {
	exit := 0
	mt := time.Date(2024, 3, 1, 11, 59, 0, 0, time.UTC)
	for _, items := range [][]bundle.Item{plainItems(3), {
		{ID: "a", Kind: bundle.KindCommand, Source: "x", ExitCode: &exit, Stored: []bundle.Stored{{Path: "commands/a.out", SHA256: "zz"}}},
		{ID: "b", Kind: bundle.KindGlob, Source: "/l/*", Stored: []bundle.Stored{{Path: "files/l/1", Source: "/l/1", MTime: &mt, Mode: "-rw-------"}, {Path: "files/l/2", Truncated: 1}}},
		{ID: "c", Kind: bundle.KindFile, Source: "/c", ErrorKind: bundle.ErrNotFound},
	}} {
		raw, err := json.Marshal(bundle.Manifest{FormatVersion: bundle.FormatVersion, Items: items})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := bundle.ParseManifest(raw)
		if err != nil {
			return
		}
		want, err := bundle.ParseManifest(raw)
		if err != nil {
			t.Fatal(err)
		}
		got := slices.Collect(compactItems(m.Items).All())
		// An empty, non-nil list of members may come back nil: readers
		// only range over it.
		for i := range want.Items {
			if len(want.Items[i].Stored) == 0 && i < len(got) && len(got[i].Stored) == 0 {
				want.Items[i].Stored, got[i].Stored = nil, nil
			}
		}
		if len(want.Items) == 0 && len(got) == 0 {
			return
		}
		if d := cmp.Diff(want.Items, got); d != "" {
			t.Errorf("items from the table differ from the decoded ones (-want +got):\n%s", d)
		}
	})
}
