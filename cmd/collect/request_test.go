package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"aead.dev/minisign"

	"casefile/bundle"
)

// TestRequestRefusals: collect --request refuses, with one line and exit
// 2 and no bundle, every request it must not follow: no --trust, an
// untrusted signer, an altered or unsigned file, another profile, an
// item or variable the profile does not have, a value that fails the
// checks (signed all the same).
func TestRequestRefusals(t *testing.T) {
	dir := t.TempDir()
	hd := filepath.Join(dir, "hd.key")
	other := filepath.Join(dir, "other.key")
	for _, k := range []string{hd, other} {
		if code, _, errs := runCLI(t, "keygen", "-o", k); code != 0 {
			t.Fatal(errs)
		}
	}
	hdPriv, _ := bundle.LoadPrivateKey(hd, "")
	otherPriv, _ := bundle.LoadPrivateKey(other, "")
	base := func() *bundle.Request {
		return &bundle.Request{FormatVersion: 1, Kind: bundle.RequestKind, Created: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
			Profile: "tfst", Follows: bundle.RequestFollows{Bundle: "b", SHA256: strings.Repeat("0", 64), Host: "h"},
			Items: []bundle.RequestItem{{ID: "install-dir", Reason: "not_found"}}}
	}
	write := func(name string, r *bundle.Request, key minisign.PrivateKey, edit func([]byte) []byte) string {
		data, err := bundle.MarshalRequest(r)
		if err != nil {
			t.Fatal(err)
		}
		sig, err := bundle.SignRequest(key, data)
		if err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			data = edit(data)
		}
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		os.WriteFile(p+".minisig", sig, 0o644)
		return p
	}
	good := write("good.json", base(), hdPriv, nil)
	untrusted := write("untrusted.json", base(), otherPriv, nil)
	altered := write("altered.json", base(), hdPriv, func(b []byte) []byte { return bytes.Replace(b, []byte("install-dir"), []byte("install-dix"), 1) })
	unsigned := write("unsigned.json", base(), hdPriv, nil)
	os.Remove(unsigned + ".minisig")
	r := base()
	r.Items = append(r.Items, bundle.RequestItem{ID: "not-in-tfst"})
	unknownItem := write("unknown-item.json", r, hdPriv, nil)
	r = base()
	r.Variables = []bundle.RequestVariable{{Name: "shell", Value: "/bin/sh"}}
	unknownVar := write("unknown-var.json", r, hdPriv, nil)
	// A request the parser refuses, signed all the same by the trusted key.
	raw := []byte(strings.Replace(string(mustMarshal(t, base())), `"items": [`, `"command": ["sh", "-c", "id"], "items": [`, 1))
	rawPath := filepath.Join(dir, "command.json")
	os.WriteFile(rawPath, raw, 0o644)
	os.WriteFile(rawPath+".minisig", minisign.SignWithComments(hdPriv, raw, "x", "y"), 0o644)

	host := filepath.Join("..", "..", "testdata", "hosts", "tfst", "epp-closewait")
	pub := hd + ".pub"
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no trust", []string{"--request", good}, "give the help desk's public key with --trust"},
		{"untrusted", []string{"--request", untrusted, "--trust", pub}, "which is not a trusted key"},
		{"altered", []string{"--request", altered, "--trust", pub}, "does not match the request"},
		{"unsigned", []string{"--request", unsigned, "--trust", pub}, "not signed"},
		{"other profile", []string{"--request", good, "--trust", pub, "--profile", "sms"}, "the request is for profile tfst, not sms"},
		{"auto", []string{"--request", good, "--trust", pub, "--profile", "auto"}, "not with --profile auto"},
		{"unknown item", []string{"--request", unknownItem, "--trust", pub}, "names item(s) not-in-tfst, which profile tfst does not have"},
		{"unknown variable", []string{"--request", unknownVar, "--trust", pub}, "names variable shell, which profile tfst does not have"},
		{"command field", []string{"--request", rawPath, "--trust", pub}, `unknown field "command"`},
		{"bad trust file", []string{"--request", good, "--trust", good}, "--trust"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			args := append(tc.args, "--root", host, "--root-exec", "-o", out+"/")
			code, stdout, errs := runCLI(t, args...)
			if code != 2 {
				t.Errorf("exit %d, want 2: %s", code, errs)
			}
			if strings.Count(errs, "\n") != 1 || !strings.Contains(errs, tc.want) || !strings.HasPrefix(errs, "collect: ") {
				t.Errorf("stderr %q: want one line with %q", errs, tc.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
			if m, _ := filepath.Glob(filepath.Join(out, "*")); len(m) > 0 {
				t.Errorf("wrote %v", m)
			}
		})
	}
}

func mustMarshal(t *testing.T, r *bundle.Request) []byte {
	t.Helper()
	data, err := bundle.MarshalRequest(r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
