package collect

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"casefile/pseudo"
)

// TestPseudonymizeEverywhere: with a key, the host's names, /etc/hosts
// names, resolver domains, users and addresses are replaced in files,
// in a UTF-16 file, in the members and member names of a rewritten
// archive, in member paths, command lines and the manifest; system
// users, loopback, ports and times stay; secrets are still redacted;
// the manifest records the key id and classes, never the key; the same
// collection without a key keeps every value.
func TestPseudonymizeEverywhere(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "etc/hostname", "gw-secret01\n")
	writeFile(t, root, "etc/hosts", "127.0.0.1 localhost\n10.9.8.7 peer-host.corp.example peer-host\n")
	writeFile(t, root, "etc/resolv.conf", "search corp.example\nnameserver 10.9.0.53\n")
	writeFile(t, root, "etc/passwd", "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n")
	writeFile(t, root, "var/log/app/gw-secret01.log",
		"2024-03-01 10:00:00 gw-secret01 connected to peer-host.corp.example (10.9.8.7:9494) as alice; root ok; db password=Pw-1\n"+
			"2024-03-01 10:00:01 ldap01.corp.example at 10.9.0.10 mac 52:54:00:12:34:56 loopback 127.0.0.1:8080\n")
	le := "\xff\xfe"
	for _, r := range "user alice on gw-secret01\r\n" {
		le += string([]byte{byte(r), 0})
	}
	writeFile(t, root, "var/log/app/win.log", le)
	var tb bytes.Buffer
	zw := gzip.NewWriter(&tb)
	tw := tar.NewWriter(zw)
	body := "trace from gw-secret01 10.9.8.7\n"
	tw.WriteHeader(&tar.Header{Name: "diag/gw-secret01.trace", Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
	tw.Write([]byte(body))
	tw.Close()
	zw.Close()
	writeFile(t, root, "var/log/app/diag.tar.gz", tb.String())
	p := profileYAML(t, `  - id: logs
    files: ["/var/log/app/*", /etc/hosts, /etc/resolv.conf]
`)
	k, err := pseudo.NewKey()
	if err != nil {
		t.Fatal(err)
	}
	opts := testOptions(t, p, root)
	opts.NoHostItems = true
	opts.Pseudonymize = k
	res := run(t, opts)
	m, members := readBundle(t, res.Path)
	originals := []string{"gw-secret01", "peer-host", "corp.example", "alice", "10.9.8.7", "10.9.0.53", "10.9.0.10", "ldap01", "12:34:56", "Pw-1"}
	var all strings.Builder
	for _, mb := range members {
		all.WriteString(mb.name + "\n")
		data := mb.data
		if strings.HasSuffix(mb.name, ".tar.gz") {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			tr := tar.NewReader(zr)
			for {
				h, err := tr.Next()
				if err != nil {
					break
				}
				b, _ := io.ReadAll(tr)
				all.WriteString(h.Name + "\n" + string(b))
			}
			continue
		}
		if strings.HasSuffix(mb.name, "win.log") {
			data = bytes.ReplaceAll(data, []byte{0}, nil)
		}
		all.Write(data)
	}
	got := all.String()
	for _, o := range originals {
		if strings.Contains(got, o) {
			t.Errorf("%q survives in the bundle", o)
		}
	}
	for _, kept := range []string{"root ok", "127.0.0.1:8080", ":9494)", "2024-03-01 10:00:01", "52:54:00:", "[REDACTED:config-secret]", ".example", "trace from "} {
		if !strings.Contains(got, kept) {
			t.Errorf("%q lost", kept)
		}
	}
	ps := m.Pseudonymization
	if ps == nil || ps.KeyID != k.ID() || len(ps.Classes) != 4 || ps.Counts["host"] == 0 || ps.Counts["ip"] == 0 || ps.Counts["user"] == 0 || ps.Counts["mac"] == 0 {
		t.Errorf("manifest pseudonymization: %+v", ps)
	}
	if strings.Contains(got, strings.Fields(string(k.Marshal()))[4]) {
		t.Error("the key is in the bundle")
	}
	if !strings.HasPrefix(m.Host.Hostname, "h") || strings.Contains(res.Path, "gw-secret01") {
		t.Errorf("host name %q, bundle %s", m.Host.Hostname, res.Path)
	}
	// Unmasked, the log reads as on the host.
	for _, mb := range members {
		if strings.HasSuffix(mb.name, ".log") && !strings.HasSuffix(mb.name, "win.log") {
			back := pseudo.NewUnmasker(pseudo.NewMapper(k)).String(string(mb.data))
			if !strings.Contains(back, "gw-secret01 connected to peer-host.corp.example (10.9.8.7:9494) as alice") {
				t.Errorf("unmasked: %s", back)
			}
		}
	}
	// Without a key nothing is replaced.
	opts.Pseudonymize, opts.Output = nil, t.TempDir()
	m, members = readBundle(t, run(t, opts).Path)
	if m.Pseudonymization != nil || !strings.Contains(memberData(t, members, "files/var/log/app/gw-secret01.log"), "peer-host.corp.example (10.9.8.7:9494) as alice") {
		t.Error("values replaced without --pseudonymize")
	}
}

// TestPseudonymizeDryRun: the plan says pseudonyms are on, with the key
// id, and names the bundle with the host's pseudonym.
func TestPseudonymizeDryRun(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "etc/hostname", "gw-secret02\n")
	p := profileYAML(t, "  - id: hosts\n    files: [/etc/hostname]\n")
	k, _ := pseudo.NewKey()
	var out bytes.Buffer
	opts := testOptions(t, p, root)
	opts.NoHostItems, opts.DryRun, opts.Pseudonymize, opts.Progress = true, true, k, &out
	res := run(t, opts)
	if !strings.Contains(out.String(), ", pseudonyms with key "+k.ID()) || strings.Contains(res.Manifest.Name, "gw-secret02") {
		t.Errorf("plan:\n%s\nbundle %s", out.String(), res.Manifest.Name)
	}
}
