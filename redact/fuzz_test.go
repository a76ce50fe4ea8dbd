package redact

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzWriter: whatever the input, the redactor does not fail, and its
// output and counts do not depend on how the input is cut into writes.
func FuzzWriter(f *testing.F) {
	for _, tc := range fileCases {
		if data, err := os.ReadFile(filepath.Join(testdata, tc.file)); err == nil {
			f.Add(data, uint16(7))
		}
	}
	f.Add([]byte("password=x\n-----BEGIN RSA PRIVATE KEY-----\nabc"), uint16(3))
	e, err := New(secretsParser)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, cut uint16) {
		whole, wc := redactAll(e, data, Target{Path: "/etc/ipsec.secrets"}, len(data)+1)
		size := int(cut%64) + 1
		parts, pc := redactAll(e, data, Target{Path: "/etc/ipsec.secrets"}, size)
		if whole != parts {
			t.Fatalf("output differs with %d-byte writes:\n%q\n%q", size, whole, parts)
		}
		for k, v := range wc {
			if pc[k] != v {
				t.Fatalf("counts differ: %v vs %v", wc, pc)
			}
		}
		if len(data) > 0 && len(whole) == 0 && !bytes.Contains(data, []byte("PRIVATE KEY")) && !reBase64Line().Match(bytes.TrimSpace(data)) {
			t.Fatalf("input %q vanished", data)
		}
	})
}
