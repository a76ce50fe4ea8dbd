package input

import (
	"bytes"
	"io"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeText: whatever a member holds, decodeText either hands it
// over unchanged or yields valid UTF-8, and never panics.
func FuzzDecodeText(f *testing.F) {
	for _, s := range []string{"", "plain ascii\n", "\xff\xfeh\x00i\x00", "\xfe\xff\x00h\x00i", "h\x00e\x00l\x00l\x00o\x00 \x00w\x00o\x00r\x00l\x00d\x00!\x00!\x00!\x00!\x00!\x00!\x00!\x00",
		"\x90\xda\x91\xb1\x82\xc9\x8e\xb8\x94\x73", "\xc0\xdc\xc2\xb3\xa4\xcb\xbc\xba\xc7\xd4", "caf\xe9 cr\xe8me br\xfbl\xe9e", "ok \xff\xfe damaged"} {
		f.Add([]byte(s), int64(len(s)))
	}
	f.Fuzz(func(t *testing.T, data []byte, size int64) {
		r, name := decodeText(bytes.NewReader(data), size)
		out, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if name == "" && !bytes.Equal(out, data) {
			t.Fatalf("not decoded, yet changed: %q -> %q", data, out)
		}
		if name != "" && !utf8.Valid(out) {
			t.Fatalf("decoded from %s into invalid UTF-8: %q", name, out)
		}
	})
}
