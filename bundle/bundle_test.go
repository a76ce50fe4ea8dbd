package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"aead.dev/minisign"
	"github.com/google/go-cmp/cmp"
)

func TestCheckMemberPath(t *testing.T) {
	tests := []struct {
		path string
		want string // substring of the error; "" for valid
	}{
		{"manifest.json", ""},
		{"files/var/log/messages", ""},
		{"files/C/Windows/System32/drivers/etc/hosts", ""},
		{"files/var/log/<script>alert(1)</script>.log", ""},
		{"files/日本語/ログ.txt", ""},
		{"", "empty member path"},
		{"/etc/passwd", "is absolute"},
		{"../etc/passwd", `has a ".." segment`},
		{"files/../../etc/passwd", `has a ".." segment`},
		{"files/./x", `has a "." segment`},
		{"files//x", "empty segment"},
		{"files/x/", "empty segment"},
		{`files\..\x`, "backslash"},
		{"C:/Windows", "drive letter"},
		{"c:x", "drive letter"},
		{"files/x\x1b[31m", "control character"},
		{"files/x\ny", "control character"},
		{"files/x\x7f", "control character"},
		{"files/\xff\xfe", "not valid UTF-8"},
		{strings.Repeat("a/", MaxMemberPath), "longer than"},
	}
	for _, tc := range tests {
		err := CheckMemberPath(tc.path)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("CheckMemberPath(%q) = %v, want nil", tc.path, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("CheckMemberPath(%q) = %v, want an error containing %q", tc.path, err, tc.want)
		case err != nil && strings.ContainsAny(err.Error(), "\n\x1b"):
			t.Errorf("CheckMemberPath(%q): error %q is not one clean line", tc.path, err)
		}
	}
}

func TestHostFileMember(t *testing.T) {
	tests := []struct{ host, want string }{
		{"/etc/hosts", "files/etc/hosts"},
		{`C:\Program Files\App\app.log`, "files/C/Program Files/App/app.log"},
		{"/var/log/../log/messages", "files/var/log/messages"},
		{"/tmp/50%", "files/tmp/50%25"},
		{"/tmp/a\x1bb", "files/tmp/a%1Bb"},
		{"/tmp/\xff", "files/tmp/%FF"},
		{"relative/x", "files/relative/x"},
		{"/", "files/%2F"},
		{"", "files/%2F"},
	}
	for _, tc := range tests {
		got := HostFileMember(tc.host)
		if got != tc.want {
			t.Errorf("HostFileMember(%q) = %q, want %q", tc.host, got, tc.want)
		}
		if err := CheckMemberPath(got); err != nil {
			t.Errorf("HostFileMember(%q) = %q fails CheckMemberPath: %v", tc.host, got, err)
		}
	}
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestSumsRoundTrip(t *testing.T) {
	s := Sums{
		"manifest.json":           sum("m"),
		"files/var/log/messages":  sum("a"),
		"commands/uname.out":      sum("d"),
		"files/with space/x y.ok": sum("e"),
	}
	got, err := ParseSums(s.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// A name no bundle may hold is escaped the coreutils way when written,
	// and refused when read.
	odd := Sums{"files/odd\\name": sum("b")}
	text := odd.Bytes()
	if want := "\\" + sum("b") + "  files/odd\\\\name\n"; string(text) != want {
		t.Errorf("Format = %q, want %q", text, want)
	}
	if _, err := ParseSums(text); err == nil || !strings.Contains(err.Error(), "backslash") {
		t.Errorf("ParseSums of a backslash name: err = %v", err)
	}
}

func TestParseSums(t *testing.T) {
	h := sum("x")
	tests := []struct {
		name, in string
		want     Sums
		err      string
	}{
		{"text mode", h + "  files/a\n", Sums{"files/a": h}, ""},
		{"binary mode", h + " *files/a\n", Sums{"files/a": h}, ""},
		{"dot slash", h + "  ./files/a\n", Sums{"files/a": h}, ""},
		{"upper-case hex", strings.ToUpper(h) + "  files/a\n", Sums{"files/a": h}, ""},
		{"CRLF", h + "  files/a\r\n", Sums{"files/a": h}, ""},
		{"empty", "", Sums{}, ""},
		{"short line", "abc  x\n", nil, "line 1: too short"},
		{"not hex", strings.Repeat("g", 64) + "  files/a\n", nil, "not a hex SHA-256"},
		{"one separator", h + " files/a\n", nil, "two separators"},
		{"listed twice", h + "  files/a\n" + h + "  files/a\n", nil, "line 2: files/a listed twice"},
		{"escape", h + "  ../../etc/passwd\n", nil, `".." segment`},
		{"absolute", h + "  /etc/passwd\n", nil, "absolute"},
		{"bad escape", "\\" + h + "  files/\\q\n", nil, "unknown escape"},
		{"dangling escape", "\\" + h + "  files/\\\n", nil, "dangling escape"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSums([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := ParseSums(make([]byte, MaxSumsSize+1)); err == nil {
		t.Errorf("oversized SHA256SUMS accepted")
	}
}

func TestParseManifest(t *testing.T) {
	valid := `{"format_version":1,"name":"b","items":[{"id":"x","kind":"file","stored":[{"path":"files/etc/hosts","size":3}]}]}`
	tests := []struct{ name, in, err string }{
		{"valid", valid, ""},
		{"not JSON", "{", "not valid JSON"},
		{"no version", `{"name":"b"}`, "no format_version"},
		{"future version", `{"format_version":2}`, "format_version 2 is not supported"},
		{"hostile stored path", `{"format_version":1,"items":[{"id":"x","stored":[{"path":"../x"}]}]}`, `manifest item 0 (x)`},
		{"absolute stored path", `{"format_version":1,"items":[{"id":"x","stored":[{"path":"/etc/passwd"}]}]}`, "absolute"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseManifest([]byte(tc.in))
			if tc.err == "" {
				if err != nil || m.Items[0].Stored[0].Size != 3 {
					t.Fatalf("ParseManifest = %+v, %v", m, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
		})
	}
	big := bytes.Repeat([]byte(" "), MaxManifestSize+1)
	if _, err := DecodeManifest(bytes.NewReader(big)); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized manifest: err = %v", err)
	}
}

func TestManifestEncodeDecode(t *testing.T) {
	end := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	code := 0
	m := &Manifest{FormatVersion: FormatVersion, Name: "b", Host: Host{Hostname: "h", Timezone: "UTC"},
		Collection: Collection{EndUTC: end}, Items: []Item{{ID: "x", Kind: KindCommand, ExitCode: &code,
			Stored: []Stored{{Path: "commands/x.out", Size: 1, SHA256: sum("x")}}}}}
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeManifest(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestHostLocation(t *testing.T) {
	tests := []struct {
		h    Host
		want string
		off  int
	}{
		{Host{Timezone: "Europe/Berlin"}, "Europe/Berlin", 3600},
		{Host{Timezone: "Nowhere/Else", UTCOffset: "+05:30"}, "+05:30", 19800},
		{Host{UTCOffset: "-0800"}, "-0800", -28800},
		{Host{UTCOffset: "+99:00"}, "UTC", 0},
		{Host{}, "UTC", 0},
	}
	winter := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	for _, tc := range tests {
		loc := tc.h.Location()
		_, off := winter.In(loc).Zone()
		if loc.String() != tc.want || off != tc.off {
			t.Errorf("%+v.Location() = %s (offset %d), want %s (%d)", tc.h, loc, off, tc.want, tc.off)
		}
	}
}

func TestVerifySignature(t *testing.T) {
	pub, priv, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	otherPub, otherPriv, _ := GenerateKey()
	pubText := pub.String()
	sums := []byte(sum("m") + "  manifest.json\n")
	sig := Sign(priv, sums, "bundle:b host:h profile:p time:t")
	otherSig := Sign(otherPriv, sums, "x")
	tk := []TrustedKey{{Key: pub, Name: "ACME support"}}
	id := KeyID(pub.ID())
	tests := []struct {
		name     string
		sums     []byte
		sig      []byte
		trusted  []TrustedKey
		embedded string
		want     SignatureResult
	}{
		{"trusted", sums, sig, tk, pubText, SignatureResult{Status: SigValid, Trusted: true, Signer: "ACME support", KeyID: id}},
		{"trusted without embedded key", sums, sig, tk, "", SignatureResult{Status: SigValid, Trusted: true, Signer: "ACME support", KeyID: id}},
		{"embedded only", sums, sig, nil, pubText, SignatureResult{Status: SigValid, Signer: id, KeyID: id}},
		{"unsigned", sums, nil, tk, pubText, SignatureResult{Status: SigUnsigned}},
		{"altered sums", append(bytes.Clone(sums), 'x'), sig, tk, pubText, SignatureResult{Status: SigInvalid, Signer: id, KeyID: id}},
		{"altered sums, embedded key", append(bytes.Clone(sums), 'x'), sig, nil, pubText, SignatureResult{Status: SigInvalid, Signer: id, KeyID: id}},
		{"other key than the manifest names", sums, otherSig, nil, pubText, SignatureResult{Status: SigInvalid, Signer: KeyID(otherPub.ID()), KeyID: KeyID(otherPub.ID())}},
		{"no key at all", sums, sig, nil, "", SignatureResult{Status: SigInvalid, Signer: id, KeyID: id}},
		{"malformed signature", sums, []byte("nonsense"), tk, pubText, SignatureResult{Status: SigInvalid}},
		{"malformed embedded key", sums, sig, nil, "nonsense", SignatureResult{Status: SigInvalid, Signer: id, KeyID: id}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := VerifySignature(tc.sums, tc.sig, tc.trusted, tc.embedded)
			if got.Status != SigValid || !got.Trusted {
				if got.Reason == "" {
					t.Errorf("no reason given for %s", got.Status)
				}
			}
			got.Reason, got.TrustedComment = "", ""
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// minisign's own format: verifiable by `minisign -V`.
	var s minisign.Signature
	if err := s.UnmarshalText(sig); err != nil || s.TrustedComment != "bundle:b host:h profile:p time:t" {
		t.Errorf("signature: %v, trusted comment %q", err, s.TrustedComment)
	}
}

func TestParseTrustFile(t *testing.T) {
	pub, _, _ := GenerateKey()
	pub2, _, _ := GenerateKey()
	dir := t.TempDir()
	good := filepath.Join(dir, "trust")
	os.WriteFile(good, []byte("# help desk keys\n\n"+pub.String()+" ACME support EU\nuntrusted comment: minisign public key\n"+pub2.String()+"\n"), 0o644)
	keys, err := ParseTrustFile(good)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, k := range keys {
		got = append(got, KeyID(k.Key.ID())+"="+k.Name)
	}
	want := []string{KeyID(pub.ID()) + "=ACME support EU", KeyID(pub2.ID()) + "="}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte(pub.String()+"\nnot-a-key\n"), 0o644)
	if _, err := ParseTrustFile(bad); err == nil || !strings.Contains(err.Error(), bad+":2:") {
		t.Errorf("bad trust file: err = %v, want one naming %s:2", err, bad)
	}
}

func TestKeyFiles(t *testing.T) {
	pub, priv, _ := GenerateKey()
	p := filepath.Join(t.TempDir(), "key")
	if err := WriteKeyFiles(p, pub, priv); err != nil {
		t.Fatal(err)
	}
	if err := WriteKeyFiles(p, pub, priv); err == nil {
		t.Errorf("WriteKeyFiles overwrote an existing key")
	}
	got, err := LoadPrivateKey(p, "")
	if err != nil || !got.Equal(priv) {
		t.Fatalf("LoadPrivateKey = %v", err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("secret key mode %v, want 0600", st.Mode().Perm())
	}
	if keys, err := ParseTrustFile(p + ".pub"); err != nil || len(keys) != 1 || keys[0].Key.ID() != pub.ID() {
		t.Errorf("the .pub file is not a usable trust file: %v", err)
	}
}

func TestDefaultName(t *testing.T) {
	at := time.Date(2024, 3, 1, 12, 0, 0, 0, time.FixedZone("x", 3600))
	tests := []struct{ profile, host, want string }{
		{"tfst", "epp01.example.com", "tfst-epp01.example.com-20240301T110000Z"},
		{"sms", "../../etc", "sms-_.._etc-20240301T110000Z"},
		{"sms", "", "sms-unknown-20240301T110000Z"},
		{"sms", "host name\x1b", "sms-host_name_-20240301T110000Z"},
	}
	for _, tc := range tests {
		got := DefaultName(tc.profile, tc.host, at)
		if got != tc.want {
			t.Errorf("DefaultName(%q, %q) = %q, want %q", tc.profile, tc.host, got, tc.want)
		}
		if strings.ContainsAny(got, "/\\") {
			t.Errorf("DefaultName(%q, %q) = %q holds a separator", tc.profile, tc.host, got)
		}
	}
}

func TestCaseName(t *testing.T) {
	at := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	if got, want := CaseName("tfst", "epp01", "SR-4711", at), "tfst-epp01-SR-4711-20240301T120000Z"; got != want {
		t.Errorf("CaseName = %q, want %q", got, want)
	}
	if got, want := CaseName("tfst", "epp01", "", at), DefaultName("tfst", "epp01", at); got != want {
		t.Errorf("CaseName without a case = %q, want DefaultName's %q", got, want)
	}
}

func TestCheckCase(t *testing.T) {
	for _, ok := range []string{"SR-4711", "4711", "case_12.b", strings.Repeat("a", MaxCaseLen)} {
		if err := CheckCase(ok); err != nil {
			t.Errorf("CheckCase(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", "-x", ".hidden", "a/b", "a b", "case:1", "x\n", strings.Repeat("a", MaxCaseLen+1), "ünï"} {
		if err := CheckCase(bad); err == nil {
			t.Errorf("CheckCase(%q) = nil, want an error", bad)
		}
	}
}

func TestTrustedCommentCase(t *testing.T) {
	m := &Manifest{Name: "n", Case: "SR-1"}
	if got := TrustedComment(m); !strings.HasSuffix(got, " case:SR-1") {
		t.Errorf("TrustedComment = %q, want it to end in case:SR-1", got)
	}
	m.Case = ""
	if got := TrustedComment(m); strings.Contains(got, "case:") {
		t.Errorf("TrustedComment without a case = %q", got)
	}
}
