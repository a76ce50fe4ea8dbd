package bundle

import (
	"bytes"
	"path"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// Fuzz targets: scripts/fuzz.sh runs each for a short time in CI. Seed
// corpora are the f.Add calls and testdata/fuzz/<target>/.

// FuzzParseManifest: never panics; what it accepts is version 1 with
// member paths that pass CheckMemberPath, and survives a round trip.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"format_version":1,"name":"b","items":[{"id":"x","kind":"file","stored":[{"path":"files/etc/hosts","size":3,"sha256":"00"}]}]}`))
	f.Add([]byte(`{"format_version":1,"signer":{"key_id":"AB","public_key":"RWQ"},"host":{"timezone":"Europe/Berlin","utc_offset":"+01:00"}}`))
	f.Add([]byte(`{"format_version":1,"items":[{"id":"x","stored":[{"path":"../x"}]}]}`))
	f.Add([]byte(`{"format_version":1,"collection":{"start_utc":"2024-03-01T12:00:00Z"},"variables":{"a":{"value":"b","source":"set"}}}`))
	f.Add([]byte(`{"format_version":2}`))
	f.Add([]byte(`{"format_version":1e400}`))
	f.Add([]byte(`[]`))
	f.Add([]byte("\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			if m != nil {
				t.Fatalf("manifest and error: %v", err)
			}
			return
		}
		if m.FormatVersion != FormatVersion {
			t.Fatalf("accepted format_version %d", m.FormatVersion)
		}
		for _, it := range m.Items {
			for _, s := range it.Stored {
				if err := CheckMemberPath(s.Path); err != nil {
					t.Fatalf("accepted stored path %q: %v", s.Path, err)
				}
			}
		}
		var buf bytes.Buffer
		if err := m.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		m2, err := ParseManifest(buf.Bytes())
		if err != nil {
			t.Fatalf("re-encoded manifest does not parse: %v", err)
		}
		if len(m2.Items) != len(m.Items) || m2.Name != m.Name || m2.Signer != m.Signer {
			t.Fatalf("round trip changed the manifest")
		}
		_ = m.Host.Location() // never panics
	})
}

// FuzzParseSums: never panics; accepted paths pass CheckMemberPath and
// hashes are lower-case hex; Format then ParseSums gives the same sums.
func FuzzParseSums(f *testing.F) {
	h := strings.Repeat("ab", 32)
	f.Add([]byte(h + "  manifest.json\n" + h + " *files/etc/hosts\n"))
	f.Add([]byte("\\" + h + "  files/a\\\\b\n"))
	f.Add([]byte("\\" + h + "  files/a\\nb\n"))
	f.Add([]byte(h + "  ./files/x\r\n\n"))
	f.Add([]byte(h + "  ../x\n"))
	f.Add([]byte(strings.ToUpper(h) + "  files/x\n" + h + "  files/x\n"))
	f.Add([]byte(h + "  C:/x\n"))
	f.Add([]byte("\\"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSums(data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		for p, sum := range s {
			if err := CheckMemberPath(p); err != nil {
				t.Fatalf("accepted path %q: %v", p, err)
			}
			if len(sum) != 64 || strings.ToLower(sum) != sum {
				t.Fatalf("accepted hash %q", sum)
			}
		}
		s2, err := ParseSums(s.Bytes())
		if err != nil {
			t.Fatalf("formatted sums do not parse: %v", err)
		}
		if diff := cmp.Diff(s, s2); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s", diff)
		}
	})
}

// FuzzCheckMemberPath: an accepted path is relative, clean, valid UTF-8
// without control characters, backslashes or drive letters; and any host
// path maps (HostFileMember) to an accepted path.
func FuzzCheckMemberPath(f *testing.F) {
	for _, s := range []string{"files/etc/hosts", "../x", "/abs", "a//b", "a/./b", `a\b`, "C:/x", "x\x1b[2J", "\xff", "files/日本", "a/..", "..", ".", "", "%2e%2e/x", "files/ /x", "files/x\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if err := CheckMemberPath(p); err == nil {
			switch {
			case !utf8.ValidString(p):
				t.Fatalf("accepted invalid UTF-8 %q", p)
			case path.IsAbs(p), path.Clean(p) != p, p == ".", strings.HasPrefix(p, "../"), p == "..":
				t.Fatalf("accepted unclean path %q", p)
			case strings.ContainsAny(p, "\\\x00\n\r\x1b\x7f"):
				t.Fatalf("accepted %q", p)
			case len(p) >= 2 && p[1] == ':' && isLetter(p[0]):
				t.Fatalf("accepted drive letter %q", p)
			}
			for _, seg := range strings.Split(p, "/") {
				if seg == ".." {
					t.Fatalf("accepted %q", p)
				}
			}
		} else if strings.ContainsAny(err.Error(), "\n\r\x1b") {
			t.Fatalf("error is not one clean line: %q", err)
		}
		// Whatever a host file is called, its member path is valid (paths
		// longer than the limit are refused by the collector).
		m := HostFileMember(p)
		if len(m) > MaxMemberPath {
			return
		}
		if len(p) >= 2 && p[1] == ':' && isLetter(p[0]) && len(strings.Trim(p[2:], `/\`)) == 0 {
			return // a bare drive: "C:" or "C:\"
		}
		if err := CheckMemberPath(m); err != nil {
			t.Fatalf("HostFileMember(%q) = %q: %v", p, m, err)
		}
		if !strings.HasPrefix(m, FilesDir+"/") {
			t.Fatalf("HostFileMember(%q) = %q is not under files/", p, m)
		}
	})
}

// FuzzVerifySignature: never panics, never reports valid for a signature
// that does not verify.
func FuzzVerifySignature(f *testing.F) {
	pub, priv, _ := GenerateKey()
	sums := []byte(strings.Repeat("ab", 32) + "  manifest.json\n")
	sig := Sign(priv, sums, "bundle:b")
	f.Add(sums, sig)
	f.Add(sums, []byte("untrusted comment: x\nRWQ\ntrusted comment: y\nZZ\n"))
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, s, g []byte) {
		res := VerifySignature(s, g, []TrustedKey{{Key: pub, Name: "k"}}, pub.String())
		switch res.Status {
		case SigValid:
			if !bytes.Equal(s, sums) || !res.Trusted {
				t.Fatalf("valid for other content: %+v", res)
			}
		case SigInvalid, SigUnsigned:
			if res.Trusted {
				t.Fatalf("trusted but %s", res.Status)
			}
		default:
			t.Fatalf("status %q", res.Status)
		}
	})
}
