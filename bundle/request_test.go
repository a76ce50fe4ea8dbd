package bundle

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func sampleRequest() *Request {
	return &Request{
		FormatVersion: RequestFormatVersion,
		Kind:          RequestKind,
		Created:       time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		Profile:       "tfst",
		Case:          "TS-1234",
		Follows: RequestFollows{Bundle: "tfst-h-20260302T080000Z", SHA256: strings.Repeat("ab", 32),
			Host: "h", CollectedAt: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)},
		Items:     []RequestItem{{ID: "install-dir", Reason: "not_found"}, {ID: "epp-log", Reason: "under install_dir"}},
		Variables: []RequestVariable{{Name: "install_dir", Value: "/opt/tivoli/EPProxy", Was: "/opt/x", Reason: "nothing under it"}},
		Resample:  []RequestResample{{Rule: "tfst.closewait-buildup", Items: []string{"host.netstat", "epp-log"}, After: "1h", NotBefore: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}},
		Note:      "please run this on the endpoint proxy\nthanks",
	}
}

// TestRequestSignVerify: what is signed verifies with the trusted key
// only; any change of a byte, another key, or no trust is refused.
func TestRequestSignVerify(t *testing.T) {
	pub, priv, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	otherPub, otherPriv, _ := GenerateKey()
	data, err := MarshalRequest(sampleRequest())
	if err != nil {
		t.Fatal(err)
	}
	sig, err := SignRequest(priv, data)
	if err != nil {
		t.Fatal(err)
	}
	trusted := []TrustedKey{{Key: pub, Name: "helpdesk"}}
	v, err := VerifyRequest(data, sig, trusted)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sampleRequest(), v.Request); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if v.Signer != "helpdesk" || v.SignerKeyID != KeyID(pub.ID()) || v.ID != RequestID(data) {
		t.Errorf("signer %q key %q id %q", v.Signer, v.SignerKeyID, v.ID)
	}
	if got := v.ItemIDs(); !cmp.Equal(got, []string{"install-dir", "epp-log", "host.netstat"}) {
		t.Errorf("ItemIDs = %v", got)
	}

	altered := bytes.Replace(data, []byte("/opt/tivoli/EPProxy"), []byte("/opt/tivoli/EPProxz"), 1)
	otherSig, _ := SignRequest(otherPriv, data)
	for _, tc := range []struct {
		name      string
		data, sig []byte
		trusted   []TrustedKey
		want      string
	}{
		{"altered", altered, sig, trusted, "does not match the request"},
		{"untrusted key", data, otherSig, trusted, "not a trusted key"},
		{"no trust", data, sig, nil, "no trusted key"},
		{"unsigned", data, nil, trusted, "not signed"},
		{"garbage signature", data, []byte("untrusted comment: x\nnope\n"), trusted, "malformed"},
		{"other trusted key", data, sig, []TrustedKey{{Key: otherPub}}, "not a trusted key"},
	} {
		if _, err := VerifyRequest(tc.data, tc.sig, tc.trusted); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestParseRequestRefuses: each kind of bad request gets its reason.
func TestParseRequestRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(r *Request)
		want string
	}{
		{"kind", func(r *Request) { r.Kind = "x" }, "not a follow-up request"},
		{"version", func(r *Request) { r.FormatVersion = 2 }, "format_version 2"},
		{"profile", func(r *Request) { r.Profile = "../tfst" }, "not a profile name"},
		{"item id", func(r *Request) { r.Items[0].ID = "x; rm -rf /" }, "not an item id"},
		{"var name", func(r *Request) { r.Variables[0].Name = "a-b" }, "not a variable name"},
		{"var newline", func(r *Request) { r.Variables[0].Value = "/opt\n/x" }, "control character"},
		{"var reference", func(r *Request) { r.Variables[0].Value = "{dbdir}/x" }, "{variable} reference"},
		{"var twice", func(r *Request) { r.Variables = append(r.Variables, r.Variables[0]) }, "twice"},
		{"follows", func(r *Request) { r.Follows.SHA256 = "abc" }, "SHA-256"},
		{"after", func(r *Request) { r.Resample[0].After = "soon" }, "after"},
		{"resample empty", func(r *Request) { r.Resample[0].Items = nil }, "names 0 items"},
	} {
		r := sampleRequest()
		tc.edit(r)
		if _, err := MarshalRequest(r); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}
	data, _ := MarshalRequest(sampleRequest())
	for _, tc := range []struct{ name, data, want string }{
		{"unknown field", strings.Replace(string(data), `"profile"`, `"command": ["sh"], "profile"`, 1), "unknown field"},
		{"trailing", string(data) + "{}", "data after"},
		{"not json", "hello", "not a follow-up request"},
	} {
		if _, err := ParseRequest([]byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}
}

// FuzzParseRequest: never panics; what it accepts marshals again and
// parses to the same request, and names only ids and checked values.
func FuzzParseRequest(f *testing.F) {
	data, _ := MarshalRequest(sampleRequest())
	f.Add(data)
	f.Add([]byte(`{"format_version":1,"kind":"casefile-follow-up-request","profile":"tfst","follows":{"sha256":"` + strings.Repeat("0", 64) + `"},"items":[]}`))
	f.Add([]byte(`{"format_version":1,"kind":"casefile-follow-up-request","profile":"a","follows":{"sha256":"` + strings.Repeat("0", 64) + `"},"items":[{"id":"x"}],"variables":[{"name":"v","value":"{a}"}]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte("\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRequest(data)
		if err != nil {
			if r != nil {
				t.Fatal("request returned with an error")
			}
			return
		}
		for _, id := range r.ItemIDs() {
			if !reqItemID().MatchString(id) {
				t.Fatalf("accepted item id %q", id)
			}
		}
		for _, v := range r.Variables {
			if CheckVariableValue(v.Value) != nil || strings.ContainsAny(v.Value, "\n\r\x00") {
				t.Fatalf("accepted value %q", v.Value)
			}
		}
		again, err := MarshalRequest(r)
		if err != nil {
			t.Fatalf("accepted request does not marshal: %v", err)
		}
		r2, err := ParseRequest(again)
		if err != nil {
			t.Fatalf("marshalled request does not parse: %v", err)
		}
		if diff := cmp.Diff(r, r2); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}
