package input_test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/klauspost/compress/gzip"

	"casefile/analyze/input"
	"casefile/analyze/input/inputtest"
	"casefile/analyze/report"
	"casefile/bundle"
)

// got is what a walk delivered.
type got struct {
	Order   []string          // member paths in delivery order
	Content map[string]string // path -> content read
	Members map[string]input.Member
}

// walkAll opens path, expects exactly one input and walks it, reading
// every member fully.
func walkAll(t *testing.T, path string, opts input.Options) (*input.Input, *got, *input.Verification, error) {
	t.Helper()
	ins, err := input.Open(context.Background(), path, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(ins) != 1 {
		t.Fatalf("Open(%s): %d inputs, want 1", path, len(ins))
	}
	g, v, err := walkInput(t, ins[0])
	return ins[0], g, v, err
}

func walkInput(t *testing.T, in *input.Input) (*got, *input.Verification, error) {
	t.Helper()
	g := &got{Content: map[string]string{}, Members: map[string]input.Member{}}
	v, err := in.Walk(context.Background(), func(m input.Member, r io.Reader) error {
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		g.Order = append(g.Order, m.Path)
		g.Content[m.Path] = string(data)
		g.Members[m.Path] = m
		return nil
	})
	return g, v, err
}

func trust(b *inputtest.Built) []bundle.TrustedKey {
	return []bundle.TrustedKey{b.TrustedKey("help desk test key")}
}

// wantContent is the members of b as Walk should deliver them.
func wantContent(b *inputtest.Built) map[string]string {
	m := map[string]string{}
	for _, mb := range b.Members {
		m[mb.Path] = string(mb.Data)
	}
	return m
}

func okVerification(b *inputtest.Built, trusted bool) *input.Verification {
	v := &input.Verification{
		Signature: report.Signature{Status: "valid", Trusted: trusted, Signer: bundle.KeyID(b.Public.ID()),
			KeyID: bundle.KeyID(b.Public.ID()), TrustedComment: bundle.TrustedComment(b.Manifest)},
		Integrity: report.Integrity{Status: "ok", Problems: []report.Problem{}},
		Members:   len(b.Members),
	}
	if trusted {
		v.Signature.Signer = "help desk test key"
	} else {
		v.Signature.Detail = "signed by a key that is not in the trust file (integrity only)"
	}
	return v
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	return inputtest.WriteFile(t, filepath.Join(t.TempDir(), name), data)
}

// TestValidBundle reads one valid bundle in every form it can arrive in.
func TestValidBundle(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	bd := inputtest.Build(t, inputtest.Spec{DirEntries: true, Key: &b.Private})
	tests := []struct {
		name string
		b    *inputtest.Built
		path func(t *testing.T, b *inputtest.Built) string
	}{
		{"tar.gz as collected", b, func(t *testing.T, b *inputtest.Built) string { return b.WriteTarGz(t, t.TempDir()) }},
		{"tar.gz with directory entries", bd, func(t *testing.T, b *inputtest.Built) string { return b.WriteTarGz(t, t.TempDir()) }},
		{"plain tar", b, func(t *testing.T, b *inputtest.Built) string { return writeTemp(t, "b.tar", b.Tar()) }},
		{"zip", b, func(t *testing.T, b *inputtest.Built) string { return writeTemp(t, "b.zip", b.Zip()) }},
		{"zip with directory entries", bd, func(t *testing.T, b *inputtest.Built) string { return writeTemp(t, "b.zip", b.Zip()) }},
		{"extracted folder", b, func(t *testing.T, b *inputtest.Built) string { return b.WriteDir(t, t.TempDir()) }},
		{"folder holding the extracted folder", b, func(t *testing.T, b *inputtest.Built) string {
			d := t.TempDir()
			b.WriteDir(t, d)
			return d
		}},
		{"misleading extension", b, func(t *testing.T, b *inputtest.Built) string { return writeTemp(t, "bundle.zip", b.TarGz()) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b
			p := tc.path(t, b)
			in, g, v, err := walkAll(t, p, input.Options{Trust: trust(b)})
			if err != nil {
				t.Fatal(err)
			}
			if in.Kind != "bundle" || in.Name != b.Name || in.Path != p {
				t.Errorf("input = kind %q name %q path %q, want bundle %q %q", in.Kind, in.Name, in.Path, b.Name, p)
			}
			if in.Manifest == nil || in.Manifest.Host.Hostname != "testhost" {
				t.Errorf("manifest not read: %+v", in.Manifest)
			}
			if len(g.Order) == 0 || g.Order[0] != bundle.ManifestName {
				t.Errorf("first member = %v, want manifest.json first", g.Order)
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

// TestUntrustedAndUnsigned covers the signature panel.
func TestUntrustedAndUnsigned(t *testing.T) {
	b := inputtest.Build(t, inputtest.Spec{})
	other := inputtest.Build(t, inputtest.Spec{})
	unsigned := inputtest.Build(t, inputtest.Spec{Unsigned: true})
	nosums := inputtest.Build(t, inputtest.Spec{NoSums: true})
	// A signature by another key than the manifest names.
	foreign := inputtest.Build(t, inputtest.Spec{})
	foreign.Set(bundle.SignatureName, string(bundle.Sign(other.Private, foreign.Get(bundle.SumsName), "x")))
	// A signature over other content.
	wrongSig := inputtest.Build(t, inputtest.Spec{Key: &b.Private})
	wrongSig.Set(bundle.SignatureName, string(b.Get(bundle.SignatureName)))
	tests := []struct {
		name      string
		b         *inputtest.Built
		trust     []bundle.TrustedKey
		wantSig   report.Signature
		wantInteg string
	}{
		{"untrusted one-time key", b, nil, report.Signature{Status: "valid", Trusted: false, Signer: bundle.KeyID(b.Public.ID())}, "ok"},
		{"trusted", b, trust(b), report.Signature{Status: "valid", Trusted: true, Signer: "help desk test key"}, "ok"},
		{"trusted key of someone else", b, trust(other), report.Signature{Status: "valid", Trusted: false, Signer: bundle.KeyID(b.Public.ID())}, "ok"},
		{"unsigned", unsigned, trust(b), report.Signature{Status: "unsigned"}, "ok"},
		{"no SHA256SUMS", nosums, nil, report.Signature{Status: "unsigned"}, "missing"},
		{"signed by a key the manifest does not name", foreign, nil, report.Signature{Status: "invalid", Signer: bundle.KeyID(other.Public.ID())}, "ok"},
		{"signature of other content", wrongSig, trust(b), report.Signature{Status: "invalid", Signer: bundle.KeyID(b.Public.ID())}, "ok"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, v, err := walkAll(t, tc.b.WriteTarGz(t, t.TempDir()), input.Options{Trust: tc.trust})
			if err != nil {
				t.Fatal(err)
			}
			gotSig := report.Signature{Status: v.Signature.Status, Trusted: v.Signature.Trusted, Signer: v.Signature.Signer}
			if diff := cmp.Diff(tc.wantSig, gotSig); diff != "" {
				t.Errorf("signature (-want +got):\n%s\ndetail: %s", diff, v.Signature.Detail)
			}
			if v.Integrity.Status != tc.wantInteg {
				t.Errorf("integrity = %s %v, want %s", v.Integrity.Status, v.Integrity.Problems, tc.wantInteg)
			}
			if tc.wantSig.Status != "valid" && v.Signature.Detail == "" {
				t.Errorf("no detail for signature status %s", v.Signature.Status)
			}
			// --require-signature refuses anything short of intact and trusted.
			_, _, _, err = walkAll(t, tc.b.WriteTarGz(t, t.TempDir()), input.Options{Trust: tc.trust, RequireSignature: true})
			intact := tc.wantSig.Status == "valid" && tc.wantSig.Trusted && tc.wantInteg == "ok"
			var ie *input.Error
			if intact != (err == nil) || (err != nil && !errors.As(err, &ie)) {
				t.Errorf("with RequireSignature: err = %v, want refusal %v", err, !intact)
			}
		})
	}
}

// TestIntegrityProblems tampers with members after signing.
func TestIntegrityProblems(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(b *inputtest.Built)
		spec   inputtest.Spec
		want   []report.Problem
		status string
	}{
		{"altered member", func(b *inputtest.Built) { b.Set("files/var/log/messages", "all is well\n") }, inputtest.Spec{},
			[]report.Problem{{Member: "files/var/log/messages", Kind: "altered"}}, "mismatch"},
		{"altered large member (hashed on the hasher goroutine)", func(b *inputtest.Built) {
			big := []byte(b.Get("files/var/log/big.log"))
			big[len(big)/2] ^= 1
			b.Set("files/var/log/big.log", string(big))
		}, inputtest.Spec{Files: map[string]string{"files/var/log/big.log": strings.Repeat("0123456789abcdef", 200_000), "files/var/log/big2.log": strings.Repeat("fedcba9876543210", 200_000)}},
			[]report.Problem{{Member: "files/var/log/big.log", Kind: "altered"}}, "mismatch"},
		{"missing member", func(b *inputtest.Built) { b.Remove("commands/uname.out") }, inputtest.Spec{},
			[]report.Problem{{Member: "commands/uname.out", Kind: "missing"}}, "mismatch"},
		{"extra member", func(b *inputtest.Built) { b.Set("files/etc/shadow", "root::0:0\n") }, inputtest.Spec{},
			[]report.Problem{{Member: "files/etc/shadow", Kind: "extra"}}, "mismatch"},
		{"manifest lies about a size", nil, inputtest.Spec{Edit: func(m *bundle.Manifest) { m.Items[0].Stored[0].Size = 99999 }},
			[]report.Problem{{Member: "commands/uname.out", Kind: "size"}}, "mismatch"},
		{"manifest lists a member that is not there", nil, inputtest.Spec{Edit: func(m *bundle.Manifest) {
			m.Items = append(m.Items, bundle.Item{ID: "ghost", Kind: "file", Stored: []bundle.Stored{{Path: "files/ghost", Size: 1}}})
		}}, []report.Problem{{Member: "files/ghost", Kind: "missing"}}, "mismatch"},
		{"manifest lists a member that could not be collected", nil, inputtest.Spec{Edit: func(m *bundle.Manifest) {
			m.Items = append(m.Items, bundle.Item{ID: "ghost", Kind: "file", ErrorKind: bundle.ErrNotFound})
		}}, nil, "ok"},
		{"SHA256SUMS unparseable", func(b *inputtest.Built) { b.Set(bundle.SumsName, "not a sum\n") }, inputtest.Spec{},
			[]report.Problem{{Member: bundle.SumsName, Kind: "altered"}}, "mismatch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := inputtest.Build(t, tc.spec)
			if tc.tamper != nil {
				tc.tamper(b)
			}
			for _, form := range []string{"tar.gz", "folder"} {
				var p string
				if form == "folder" {
					p = b.WriteDir(t, t.TempDir())
				} else {
					p = b.WriteTarGz(t, t.TempDir())
				}
				_, _, v, err := walkAll(t, p, input.Options{Trust: trust(b)})
				if err != nil {
					t.Fatalf("%s: %v", form, err)
				}
				if diff := cmp.Diff(tc.want, v.Integrity.Problems, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(report.Problem{}, "Detail")); diff != "" {
					t.Errorf("%s: problems (-want +got):\n%s", form, diff)
				}
				for _, p := range v.Integrity.Problems {
					if p.Detail == "" {
						t.Errorf("%s: problem %+v has no detail", form, p)
					}
				}
				if v.Integrity.Status != tc.status {
					t.Errorf("%s: integrity status = %s, want %s", form, v.Integrity.Status, tc.status)
				}
				_, _, _, err = walkAll(t, p, input.Options{Trust: trust(b), RequireSignature: true})
				if (err == nil) != (tc.status == "ok") {
					t.Errorf("%s: with RequireSignature err = %v", form, err)
				}
			}
		})
	}
}

// refusal asserts err is an *input.Error naming path whose reason
// contains want, on one line.
func refusal(t *testing.T, err error, path, want string) {
	t.Helper()
	var ie *input.Error
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v (%T), want *input.Error containing %q", err, err, want)
	}
	msg := ie.Error()
	if strings.ContainsAny(msg, "\n\r\x1b") {
		t.Errorf("error message is not one clean line: %q", msg)
	}
	if !strings.HasPrefix(msg, path+": ") {
		t.Errorf("error %q does not start with the path %q", msg, path)
	}
	if !strings.Contains(msg, want) {
		t.Errorf("error %q does not say %q", msg, want)
	}
}

func TestNotABundle(t *testing.T) {
	d := t.TempDir()
	inputtest.WriteFile(t, filepath.Join(d, "ha.log"), []byte("x\n"))
	_, err := input.Open(context.Background(), d, input.Options{})
	refusal(t, err, d, "not a casefile bundle (no manifest.json); give --profile NAME")
	missing := filepath.Join(d, "nope.tar.gz")
	_, err = input.Open(context.Background(), missing, input.Options{})
	refusal(t, err, missing, "no such file")
}

func newGzip(w io.Writer) *gzip.Writer { return gzip.NewWriter(w) }
