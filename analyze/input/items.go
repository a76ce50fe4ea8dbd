package input

import (
	"crypto/sha256"
	"encoding/hex"
	"iter"
	"slices"
	"strings"
	"time"
	"unsafe"

	"casefile/bundle"
)

// Items is a bundle manifest's items as the analyzer keeps them through
// the pass: compact, since a bundle may list 10,000 members and more.
// bundle.Item and bundle.Stored, as decoded from JSON, are 192 and 224
// bytes of mostly empty fields plus one string per field; here an item
// whose members are plain files (path, size, SHA-256, mode, mtime, host
// path) holds its strings in one shared block (the host path shares the
// member path's text), the SHA-256 as 32 bytes, and the rare fields
// (command results, errors, redactions, truncation...) only when set,
// as the decoded struct itself. All gives back bundle.Items equal to the
// decoded ones.
type Items struct {
	its []citem
	st  []cstored
}

type citem struct {
	id, kind, source string
	first, n         int32
	rare             *bundle.Item // all but Stored, when any other field is set
}

type cstored struct {
	path, source, mode string
	mtime              *time.Time
	size               int64
	sum                [sha256.Size]byte
	hasSum             bool           // SHA256 is the lowercase hex of sum (else it is "")
	rare               *bundle.Stored // the whole member when any other field is set
}

// interned strings that repeat across items.
var kindNames = map[string]string{}

func init() {
	for _, k := range []string{bundle.KindFile, bundle.KindGlob, bundle.KindCommand, bundle.KindList, bundle.KindBuiltin} {
		kindNames[k] = k
	}
}

// compactItems turns decoded items into an Items table.
func compactItems(items []bundle.Item) *Items {
	t := &Items{its: make([]citem, len(items))}
	nst := 0
	size := 0
	for i := range items {
		it := &items[i]
		nst += len(it.Stored)
		size += len(it.ID)
		shared := false
		for j := range it.Stored {
			s := &it.Stored[j]
			size += len(s.Path)
			shared = shared || strings.HasSuffix(s.Path, it.Source)
			if !strings.HasSuffix(s.Path, s.Source) {
				size += len(s.Source)
			}
		}
		if !shared {
			size += len(it.Source)
		}
	}
	t.st = make([]cstored, nst)
	// One block holds the strings; a string already in the block (the
	// host path inside the member path) is not copied again.
	block := make([]byte, 0, size)
	type span struct{ off, n int }
	var spans []span
	add := func(s string) int {
		spans = append(spans, span{len(block), len(s)})
		block = append(block, s...)
		return len(spans) - 1
	}
	sub := func(of int, s string) int { // s is a suffix of span of
		sp := spans[of]
		spans = append(spans, span{sp.off + sp.n - len(s), len(s)})
		return len(spans) - 1
	}
	type refs struct{ id, source, path, hsrc []int }
	r := refs{id: make([]int, len(items)), source: make([]int, len(items)), path: make([]int, nst), hsrc: make([]int, nst)}
	modes := map[string]string{}
	k := 0
	for i := range items {
		it := &items[i]
		r.id[i] = add(it.ID)
		r.source[i] = -1
		for j := range it.Stored {
			s := &it.Stored[j]
			r.path[k+j] = add(s.Path)
			if r.source[i] < 0 && strings.HasSuffix(s.Path, it.Source) {
				r.source[i] = sub(r.path[k+j], it.Source)
			}
			switch {
			case s.Source == "":
				r.hsrc[k+j] = -1
			case strings.HasSuffix(s.Path, s.Source):
				r.hsrc[k+j] = sub(r.path[k+j], s.Source)
			default:
				r.hsrc[k+j] = add(s.Source)
			}
		}
		if r.source[i] < 0 {
			r.source[i] = add(it.Source)
		}
		k += len(it.Stored)
	}
	all := unsafe.String(unsafe.SliceData(block), len(block))
	str := func(n int) string {
		if n < 0 {
			return ""
		}
		sp := spans[n]
		return all[sp.off : sp.off+sp.n]
	}
	k = 0
	for i := range items {
		it := &items[i]
		c := &t.its[i]
		c.id, c.source = str(r.id[i]), str(r.source[i])
		c.kind = it.Kind
		if kn, ok := kindNames[it.Kind]; ok {
			c.kind = kn
		}
		c.first, c.n = int32(k), int32(len(it.Stored))
		if it.Binary != "" || it.ExitCode != nil || it.DurationMS != 0 || it.ErrorKind != "" || it.Error != "" ||
			it.NoRedact || it.Optional || it.GlobCaps != nil || it.Attempts != nil || it.Stored == nil {
			rare := *it
			rare.Stored = nil
			c.rare = &rare
		}
		for j := range it.Stored {
			s := &it.Stored[j]
			cs := &t.st[k+j]
			cs.path, cs.source, cs.size, cs.mtime = str(r.path[k+j]), str(r.hsrc[k+j]), s.Size, s.MTime
			if s.Mode != "" {
				m, ok := modes[s.Mode]
				if !ok {
					m = strings.Clone(s.Mode)
					modes[m] = m
				}
				cs.mode = m
			}
			if s.SHA256 != "" {
				if n, err := hex.Decode(cs.sum[:], []byte(s.SHA256)); err == nil && n == sha256.Size && hex.EncodeToString(cs.sum[:]) == s.SHA256 {
					cs.hasSum = true
				}
			}
			if (s.SHA256 != "" && !cs.hasSum) || s.Truncated != 0 || s.Redactions != nil || s.Symlink != "" || s.ErrorKind != "" ||
				s.Error != "" || s.Content != "" || s.Note != "" || s.SourceSize != 0 || s.Members != nil {
				rare := *s
				cs.rare = &rare
			}
		}
		k += len(it.Stored)
	}
	return t
}

// Len is the number of items.
func (t *Items) Len() int {
	if t == nil {
		return 0
	}
	return len(t.its)
}

// Item is item i as decoded from the manifest.
func (t *Items) Item(i int) bundle.Item {
	c := &t.its[i]
	var it bundle.Item
	if c.rare != nil {
		it = *c.rare
	}
	it.ID, it.Kind, it.Source = c.id, c.kind, c.source
	if c.rare == nil || c.n > 0 {
		it.Stored = make([]bundle.Stored, c.n)
		for j := range it.Stored {
			cs := &t.st[int(c.first)+j]
			if cs.rare != nil {
				it.Stored[j] = *cs.rare
				continue
			}
			s := bundle.Stored{Path: cs.path, Source: cs.source, Size: cs.size, Mode: cs.mode, MTime: cs.mtime}
			if cs.hasSum {
				s.SHA256 = hex.EncodeToString(cs.sum[:])
			}
			it.Stored[j] = s
		}
	}
	return it
}

// All yields the items in manifest order.
func (t *Items) All() iter.Seq[bundle.Item] {
	return func(yield func(bundle.Item) bool) {
		for i := range t.Len() {
			if !yield(t.Item(i)) {
				return
			}
		}
	}
}

// storedPath is member path k of the table (in manifest order), for the
// walker to share its text.
func (t *Items) storedPath(k int) (string, bool) {
	if t == nil || k < 0 || k >= len(t.st) {
		return "", false
	}
	return t.st[k].path, true
}

// Items yields the manifest's items (none for raw input).
func (in *Input) Items() iter.Seq[bundle.Item] {
	if in == nil {
		return func(func(bundle.Item) bool) {}
	}
	if in.items != nil {
		return in.items.All()
	}
	if in.Manifest != nil {
		return slices.Values(in.Manifest.Items)
	}
	return func(func(bundle.Item) bool) {}
}

// compactManifest moves the manifest's items into a compact table;
// Manifest.Items is then nil (Input.Items yields them).
func (in *Input) compactManifest() {
	if in.Manifest == nil || in.Manifest.Items == nil {
		return
	}
	in.items = compactItems(in.Manifest.Items)
	in.Manifest.Items = nil
}
