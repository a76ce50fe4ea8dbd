package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"casefile/analyze"
	"casefile/analyze/report"
)

// TestPseudonymizedPairs is the end-to-end check: an HA pair (sms) and an
// IPsec pair, collected through the command line once in the clear and
// once with --pseudonymize and the same key on both hosts, give the same
// findings (ids, severities, counts); the pseudonymized reports name
// neither host nor their addresses; collect unmask turns the text, JSON
// and HTML reports back into ones holding the real names and addresses.
func TestPseudonymizedPairs(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "pseudo.key")
	if code, out, errs := runCLI(t, "keygen", "--pseudonym", "-o", key); code != 0 || !strings.Contains(out, "key id:") {
		t.Fatalf("keygen --pseudonym: %d %s %s", code, out, errs)
	}
	if fi, err := os.Stat(key); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	if code, _, errs := runCLI(t, "keygen", "--pseudonym", "-o", key); code == 0 || !strings.Contains(errs, "already exists") {
		t.Errorf("keygen overwrote a key: %d %s", code, errs)
	}
	hosts := filepath.Join("..", "..", "testdata", "hosts")
	pairs := []struct {
		profile string
		hosts   []string
		clock   time.Time
		names   []string // must not be in the pseudonymized report, must be back after unmask
	}{
		{"sms", []string{"sms/sms-ams-1", "sms/sms-ams-2"}, time.Date(2017, 10, 12, 10, 5, 0, 0, time.UTC), []string{"sms-ams-1", "sms-ams-2", "10.70.1.12"}},
		{"ipsec", []string{"ipsec/osw-proposal-hq", "ipsec/osw-proposal-shop"}, time.Date(2024, 3, 4, 9, 20, 0, 0, time.UTC), nil},
	}
	for _, p := range pairs {
		t.Run(p.profile, func(t *testing.T) {
			collectPair := func(extra ...string) []string {
				out := t.TempDir()
				var paths []string
				for _, h := range p.hosts {
					args := append([]string{"--profile", p.profile, "--root", filepath.Join(hosts, h), "--root-commands-only", "-o", out + "/"}, extra...)
					code, _, errs := runCLI(t, args...)
					if code != 0 {
						t.Fatalf("collect %s: %d %s", h, code, errs)
					}
				}
				m, _ := filepath.Glob(filepath.Join(out, "*.tar.gz"))
				paths = append(paths, m...)
				if len(paths) != len(p.hosts) {
					t.Fatalf("bundles: %v", paths)
				}
				return paths
			}
			opts := analyze.Options{Clock: func() time.Time { return p.clock }}
			clear, err := analyze.Run(context.Background(), collectPair(), opts)
			if err != nil {
				t.Fatal(err)
			}
			masked, err := analyze.Run(context.Background(), collectPair("--pseudonymize", key), opts)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := keys(clear.Findings), keys(masked.Findings); a != b || len(clear.Findings) == 0 {
				t.Errorf("findings in the clear:\n%s\npseudonymized:\n%s", a, b)
			}
			names := p.names
			for _, b := range clear.Bundles {
				names = append(names, b.Host)
			}
			for _, format := range []string{"text", "json", "html"} {
				var buf bytes.Buffer
				var err error
				switch format {
				case "text":
					err = report.WriteText(&buf, masked, report.TextOptions{})
				case "json":
					err = report.WriteJSON(&buf, masked)
				case "html":
					err = report.WriteHTML(&buf, masked)
				}
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range names {
					if strings.Contains(buf.String(), n) {
						t.Errorf("%s report names %q", format, n)
					}
				}
				in := filepath.Join(t.TempDir(), "report."+format)
				os.WriteFile(in, buf.Bytes(), 0o644)
				code, out, errs := runCLI(t, "unmask", "--key", key, in)
				if code != 0 {
					t.Fatalf("unmask: %d %s", code, errs)
				}
				for _, n := range names {
					if format == "text" && strings.Count(n, ".") == 3 {
						continue // the text report cuts long evidence lines, addresses with them
					}
					if !strings.Contains(out, n) {
						t.Errorf("unmasked %s report lacks %q", format, n)
					}
				}
			}
		})
	}
	if code, _, errs := runCLI(t, "unmask", "--key", filepath.Join(dir, "nokey"), key); code != 2 || !strings.Contains(errs, "nokey") {
		t.Errorf("unmask with a missing key: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, "--profile", "sms", "--pseudonymize", key+".pub"); code != 2 || !strings.Contains(errs, "--pseudonymize") {
		t.Errorf("--pseudonymize with a missing key: %d %s", code, errs)
	}
}

func keys(fs []report.Finding) string {
	var l []string
	for _, f := range fs {
		l = append(l, fmt.Sprintf("%s %s %d", f.ID, f.Severity, f.Count))
	}
	sort.Strings(l)
	return strings.Join(l, "\n")
}
