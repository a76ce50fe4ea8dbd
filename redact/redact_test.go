package redact

import (
	"bytes"
	"flag"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the .redacted golden files")

// testdata holds real-looking files with secrets; each has a .redacted
// golden file beside it.
var testdata = filepath.Join("..", "testdata", "collect", "redact")

// fileCases: each rule on a file where it occurs in the wild. secrets
// must be gone from the output, keep must still be there (what a
// support engineer needs, and look-alikes that are not secrets).
var fileCases = []struct {
	file    string
	path    string // host path the file is collected from
	counts  Counts
	secrets []string
	keep    []string
}{
	{
		file: "app.properties", path: "/opt/appd/conf/appd.properties",
		counts: Counts{RuleConfigSecret: 7, RuleURLCreds: 0},
		secrets: []string{"Zq7!rT0p#2024", "C4ll-Me Maybe", "7f3c9a1e5b2d4c6e8f0a1b2c3d4e5f60",
			"wJalrXUtnFEMI/K7MDENG", "s3cr3t pwd", "mailpass!1", "server.key.pass"},
		keep: []string{"# password policy: minimum 12 characters", "password_file = /etc/appd/db.pass",
			"token_url = https://auth.example.net/oauth/token", "keystore.path=/etc/appd/keystore.jks",
			"keyexchange=ikev2", "PWD=/opt/appd", "OLDPWD=/root", "admin.password=********", "secret=\n",
			"db.user=appsvc", "ldap.bind.password = \"[REDACTED:config-secret]\""},
	},
	{
		file: "server.xml", path: "/opt/tomcat/conf/server.xml",
		counts:  Counts{RuleConfigSecret: 5},
		secrets: []string{"changeit-Not", "trust-me-42", "P@ss w0rd", "xml-Secret-9", "cs-55aa77"},
		keep:    []string{`keyAlias="tomcat"`, `keystoreFile="conf/keystore.jks"`, "<passwordPolicy>strict</passwordPolicy>", `username="appsvc"`},
	},
	{
		file: "settings.json", path: "/etc/appd/settings.json",
		counts:  Counts{RuleConfigSecret: 3},
		secrets: []string{"json-pa55:word", "tok_live_4eC39HqLyjWDarjtT1zdp7dc", "shh-its-a-secret"},
		keep:    []string{`"token_ttl": 3600`, `"passwordMinLength": 12`, `"host": "db01"`},
	},
	{
		file: "config.yaml", path: "/etc/appd/config.yaml",
		counts:  Counts{RuleConfigSecret: 5},
		secrets: []string{"yaml-Pa55word", "k3y-for-jwt-signing", "oauth-cl13nt", "c0mmun1ty-rw"},
		keep:    []string{"passwordRotationDays: 90", "user: appsvc"},
	},
	{
		file: "app.log", path: "/var/log/appd/app.log",
		counts: Counts{RuleConfigSecret: 2, RuleURLCreds: 2, RuleBearer: 1, RuleHTTPAuth: 1},
		secrets: []string{"Zq7!rT0p#2024", "Zx9-pass", "eyJhbGciOiJIUzI1NiJ9", "YXBwZDpodW50ZXIy",
			"tok_live_4eC39HqLyjWDarjtT1zdp7dc", "LdapPw0rd"},
		keep: []string{
			"WARN  [main] password policy: passwords expire after 90 days",
			"Password policy enforced for 12 users",
			"invalid password for user bob from 192.0.2.50",
			"Failed password for root from 192.0.2.51",
			"Accepted publickey for admin",
			"keyFile=/etc/appd/tls/server.key keySize=2048 keyAlgorithm=RSA",
			"primary key violation in table sessions; key = 42 duplicated",
			"https://sync:[REDACTED:url-credentials]@updates.example.net/feed?channel=stable",
		},
	},
	{
		file: "ipsec.secrets", path: "/etc/ipsec.secrets",
		counts:  Counts{RuleIPsecPSK: 3, RuleIPsecPassword: 2, RuleIPsecRSA: 7},
		secrets: []string{"Sup3r-S3cret PSK", "0sZGVtby1wc2stYmFzZTY0", "single quoted psk", "xauth-pass-1", "eap-pass-2", "key-passphrase", "0x90c2ca7e7f4e73a97f6b", "0xf4bb2e7c2b5e1d3a", "0xe37a0c8c1e2f9b71", "0xa327744d72e93e26", "0x97a6b3085ec1bd4b", "0x5e9f2a6c4d8b0e13"},
		keep: []string{`@gw01.example.net @gw02.example.net : PSK "[REDACTED:ipsec-psk]"`, "192.0.2.10 198.51.100.20 : PSK [REDACTED:ipsec-psk]",
			"Modulus: 0xd9a42fbdbf75ad7e3f1bd", "PublicExponent: 0x03", "#pubkey=0sAQPZpL9v3fVbYd", "@gw01.example.net : RSA {",
			"include /etc/ipsec.d/*.secrets", `roadwarrior : XAUTH "[REDACTED:ipsec-password]"`},
	},
	{
		// libreswan syntax: multi-line quoted PSKs, the type on a
		// continuation line, PPKs, XAUTH/EAP with user names, smartcard
		// PINs, key file passphrases, an RSA key block on one line.
		file: "libreswan.secrets", path: "/etc/ipsec.d/gw-hq.secrets",
		counts: Counts{RuleIPsecPSK: 9, RuleIPsecPassword: 7, RuleIPsecRSA: 13},
		secrets: []string{"first-half-Qz81", "second-half-Lk29", "c0ntinued-line-s3cret", "0x3f1e9a77c2d04b18", "Phone-Users-Share-This-1",
			"oqs-ppk-Xz0r9Hq2mV", "PostQuantum-extra-key", "alice-xauth-Pw1", "bob-xauth-Pw2", "eap-pass-3", "dave-eap-Pw4", "ntlm-Pw5",
			`"1234"`, "987654", "key-file-passphrase", "0x7e11aa22bb33cc44", "0xd00dfeed0", "0x5eC4e7b10c", "legacy-bare-Psk7",
			"multi-1-Aa", "multi-2-Bb", "multi-3-Cc", "after-multi-Dd"},
		keep: []string{
			"include /etc/ipsec.d/roadwarriors/*.secrets",
			"@gw-hq.example.net @gw-branch.example.net : PSK \"[REDACTED:ipsec-psk]\n\"\n",
			"@gw-hq.example.net 203.0.113.91 :\n\tPSK \"[REDACTED:ipsec-psk]\"",
			"2001:db8:1::10 2001:db8:2::20 : PSK [REDACTED:ipsec-psk]\n",
			`192.0.2.150 %any: PSK "[REDACTED:ipsec-psk]"`,
			`: PPKS "PPK_ID_1" "[REDACTED:ipsec-psk]"`, `: PPK "site-ppk" "[REDACTED:ipsec-psk]"`,
			`@alice : XAUTH "[REDACTED:ipsec-password]"`, `: XAUTH bob "[REDACTED:ipsec-password]"`, ": XAUTH carol %prompt\n",
			`carol@example.net : EAP "[REDACTED:ipsec-password]"`, `: EAP "dave@example.net" "[REDACTED:ipsec-password]"`,
			`eve : NTLM "[REDACTED:ipsec-password]"`,
			`: PIN %smartcard1:01 "[REDACTED:ipsec-password]"`, `: PIN %smartcard "[REDACTED:ipsec-password]"`, ": PIN %smartcard1:45 %prompt\n",
			`: RSA /etc/ipsec.d/private/gw-hq.key "[REDACTED:ipsec-rsa]"`, ": RSA gw-hq-2.key %prompt\n",
			"RSA { Modulus: 0xc1a2b3d4e5f60718 PublicExponent: 0x03 PrivateExponent: [REDACTED:ipsec-rsa] Prime1: [REDACTED:ipsec-rsa]",
			"Coefficient: [REDACTED:ipsec-rsa] }\n", "#pubkey=0sAwEAAbk3q9", "Modulus: 0xb7c0ffee11", "PublicExponent: 0x010001",
			`10.0.0.1 10.0.0.2 : "[REDACTED:ipsec-psk]"`,
			"@a.example.net @b.example.net : PSK \"[REDACTED:ipsec-psk]\n\n\" # rotated 2024-02\n@c.example.net @d.example.net : PSK \"[REDACTED:ipsec-psk]\"",
		},
	},
	{
		file: "ipsec.conf", path: "/etc/ipsec.conf",
		counts: Counts{},
		keep:   []string{"leftrsasigkey=0sAQPZpL9v3fVbYdxyz", "authby=secret", "keyexchange=ikev1", "ike=aes256-sha2;modp2048"},
	},
	{
		file: "xfrm-state.txt", path: "",
		counts:  Counts{RuleXfrmKey: 3},
		secrets: []string{"0x5a2f8c3e1d9b7a6f", "0x8f1e3d5c7b9a2f4e", "0x0102030405060708"},
		keep:    []string{"auth-trunc hmac(sha256) [REDACTED:xfrm-key] 128", "enc cbc(aes) [REDACTED:xfrm-key]", "spi 0xc0ffee01", "aead rfc4106(gcm(aes)) [REDACTED:xfrm-key] 128", "oseq 0x1a"},
	},
	{
		file: "keys.pem", path: "/etc/appd/tls/keys.pem",
		counts:  Counts{RulePEMPrivateKey: 5},
		secrets: []string{"PRIVATEKEYBODY", "ECPRIVATEKEYBODY", "ENCRYPTEDKEYBODY", "OPENSSHKEYBODY", "JSONKEYBODY", "Proc-Type"},
		keep:    []string{"MIIBszCCAVmgAwIBAgIUQ0VSVElGSUNBVEUtSVMtUFVCTElDMAoGCCqGSM49BAMC", "-----BEGIN RSA PRIVATE KEY-----\n[REDACTED:pem-private-key]\n-----END RSA PRIVATE KEY-----"},
	},
	{
		file: "truncated-key.txt", path: "/var/log/big.log",
		counts:  Counts{RulePEMPrivateKey: 1},
		secrets: []string{"TRUNCATEDKEYBODY"},
		keep:    []string{"-----END RSA PRIVATE KEY-----\nafter the key"},
	},
	{
		file: "snmpd.conf", path: "/etc/snmp/snmpd.conf",
		counts:  Counts{RuleSNMPCommunity: 4},
		secrets: []string{"pub1icR0", "pr1vateRW", "c0m2secR0", "c0m2secRW"},
		keep:    []string{"sysLocation    Server room 2", "10.0.0.0/8", "com2sec -Cn ctx1 rwuser 10.1.0.0/16 [REDACTED:snmp-community]"},
	},
	{
		file: "crlf.ini", path: `C:\ProgramData\appd\app.ini`,
		counts:  Counts{RuleConfigSecret: 1},
		secrets: []string{"crlf-Secret"},
		keep:    []string{"password = [REDACTED:config-secret]\r\nport = 8443\r\n"},
	},
}

// secretsParser turns the ipsec-secrets parser on for secrets files, as
// the ipsec profile does.
var secretsParser = []Rule{{Name: "ipsec-secrets-file", Parser: "ipsec-secrets", Files: []string{"**/*.secrets", "**/ipsec.secrets"}}}

func TestBuiltinRulesOnFiles(t *testing.T) {
	e, err := New(secretsParser)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range fileCases {
		t.Run(tc.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join(testdata, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			w := e.NewWriter(&out, Target{Path: tc.path})
			if _, err := w.Write(in); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			for _, s := range tc.secrets {
				if strings.Contains(got, s) {
					t.Errorf("secret %q survived", s)
				}
			}
			for _, k := range tc.keep {
				if !strings.Contains(got, k) {
					t.Errorf("output lacks %q", k)
				}
			}
			want := Counts{}
			for k, v := range tc.counts {
				if v > 0 {
					want[k] = v
				}
			}
			if diff := cmp.Diff(want, w.Counts()); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
			golden := filepath.Join(testdata, tc.file+".redacted")
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantOut, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./redact -update, then read the diff)", err)
			}
			if diff := cmp.Diff(string(wantOut), got); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// TestIPsecOutsideSecretsFiles: in logs and command output a secrets
// entry is redacted on its line when its secret is quoted or encoded,
// with the same per-type rules (user names, PPK ids, smartcard slots
// stay), and words in log lines stay.
func TestIPsecOutsideSecretsFiles(t *testing.T) {
	e, _ := New(nil)
	for _, tc := range []struct{ in, want string }{
		{`Mar  1 10:00:01 gw pluto[812]: "hq-branch": peer: PSK mismatch` + "\n", `Mar  1 10:00:01 gw pluto[812]: "hq-branch": peer: PSK mismatch` + "\n"},
		{`+ echo '@a @b : PSK "dbg-Psk-1"'` + "\n", `+ echo '@a @b : PSK "[REDACTED:ipsec-psk]"'` + "\n"},
		{`cfg: : XAUTH bob "dbg-xauth-2"` + "\n", `cfg: : XAUTH bob "[REDACTED:ipsec-password]"` + "\n"},
		{`cfg: : EAP "dave" "dbg-eap-3"` + "\n", `cfg: : EAP "dave" "[REDACTED:ipsec-password]"` + "\n"},
		{`cfg: : PPK "ppk-id" "dbg-ppk-4"` + "\n", `cfg: : PPK "ppk-id" "[REDACTED:ipsec-psk]"` + "\n"},
		{`cfg: : PIN %smartcard1:01 "4321"` + "\n", `cfg: : PIN %smartcard1:01 "[REDACTED:ipsec-password]"` + "\n"},
		{`cfg: : RSA { Modulus: 0xaa PrivateExponent: 0xbb Prime1: 0xcc }` + "\n", `cfg: : RSA { Modulus: 0xaa PrivateExponent: [REDACTED:ipsec-rsa] Prime1: [REDACTED:ipsec-rsa] }` + "\n"},
		{`xauth: user bob: XAUTH authentication failed` + "\n", `xauth: user bob: XAUTH authentication failed` + "\n"},
	} {
		if got, _ := e.String(tc.in, Target{Command: "ipsec-status", Path: "/var/log/pluto.log"}); got != tc.want {
			t.Errorf("%q\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// TestChunkBoundaries: the output does not depend on how the input is
// cut into writes (a line split across writes is still one line).
func TestChunkBoundaries(t *testing.T) {
	e, _ := New([]Rule{{Name: "app-license", Pattern: regexp.MustCompile(`license_key_id\s*=\s*(?P<secret>\S+)`)}})
	rng := rand.New(rand.NewSource(1))
	for _, tc := range fileCases {
		in, err := os.ReadFile(filepath.Join(testdata, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		whole, _ := redactAll(e, in, Target{Path: tc.path}, len(in))
		for _, size := range []int{1, 2, 3, 7, 64} {
			got, counts := redactAll(e, in, Target{Path: tc.path}, size)
			if got != whole {
				t.Errorf("%s in %d-byte writes differs from one write", tc.file, size)
			}
			_ = counts
		}
		// Random cuts.
		var out bytes.Buffer
		w := e.NewWriter(&out, Target{Path: tc.path})
		for rest := in; len(rest) > 0; {
			n := 1 + rng.Intn(len(rest))
			w.Write(rest[:n])
			rest = rest[n:]
		}
		w.Close()
		if out.String() != whole {
			t.Errorf("%s in random writes differs from one write", tc.file)
		}
	}
}

func redactAll(e *Engine, in []byte, t Target, size int) (string, Counts) {
	var out bytes.Buffer
	w := e.NewWriter(&out, t)
	for i := 0; i < len(in); i += size {
		w.Write(in[i:min(i+size, len(in))])
	}
	w.Close()
	return out.String(), w.Counts()
}

// TestIsSecretKey decides which key names hold secrets.
func TestIsSecretKey(t *testing.T) {
	tests := map[string]bool{
		"password": true, "db_password": true, "ldap.bind.password": true, "dbPassword": true,
		"PASSWD": true, "passphrase": true, "Passwort": true, "secret": true, "client_secret": true,
		"jwtSecret": true, "token": true, "api_token": true, "apiKey": true, "api-key": true,
		"private_key": true, "secret_key": true, "AWS_SECRET_ACCESS_KEY": true, "community": true,
		"credentials": true, "psk": true, "key": true, "db_pwd": true, "smtpPass": true, "rootsecret": true,
		"pwd": false, "PWD": false, "OLDPWD": false, "pass": false, "password_file": false,
		"passwordPolicy": false, "token_url": false, "token_ttl": false, "keyexchange": false,
		"leftrsasigkey": false, "keystore": false, "keyFile": false, "public_key": false, "key_id": false,
		"monkey": false, "authby": false, "bypass": false,
	}
	for name, want := range tests {
		if got := isSecretKey(name); got != want {
			t.Errorf("isSecretKey(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestProfileRules: a profile's rule applies to the files or command
// outputs it names, replaces its secret group (or whole match), and is
// counted under its own name.
func TestProfileRules(t *testing.T) {
	rules := []Rule{
		{Name: "yule-verifier", Files: []string{"**/yulerc"}, Pattern: regexp.MustCompile(`^\s*Client\s*=\s*[^@\s]+@[0-9A-Fa-f]+@(?P<secret>[0-9A-Fa-f]+)`)},
		{Name: "license", Commands: []string{"app-license"}, Pattern: regexp.MustCompile(`LIC-[0-9]{4}-[A-Z]{3}`)},
		{Name: "everywhere", Pattern: regexp.MustCompile(`(?i)serial=(?P<secret>\w+)`)},
	}
	e, err := New(rules)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		target Target
		in     string
		want   string
		counts Counts
	}{
		{"file glob matches", Target{Path: "/etc/yulerc"}, "[Clients]\nClient=host1.example.net@0A1B@DEADBEEF00\n",
			"[Clients]\nClient=host1.example.net@0A1B@[REDACTED:yule-verifier]\n", Counts{"yule-verifier": 1}},
		{"file glob does not match", Target{Path: "/etc/samhainrc"}, "Client=host1@0A1B@DEADBEEF00\n",
			"Client=host1@0A1B@DEADBEEF00\n", Counts{}},
		{"command id matches", Target{Command: "app-license"}, "licensed: LIC-0042-XYZ and LIC-0043-ABC\n",
			"licensed: [REDACTED:license] and [REDACTED:license]\n", Counts{"license": 2}},
		{"other command", Target{Command: "app-status"}, "licensed: LIC-0042-XYZ\n", "licensed: LIC-0042-XYZ\n", Counts{}},
		{"unscoped rule", Target{Command: "x"}, "hw serial=ABC123 ok\n", "hw serial=[REDACTED:everywhere] ok\n", Counts{"everywhere": 1}},
		{"nsswitch.conf is not key: value", Target{Path: "/etc/nsswitch.conf"}, "passwd:         files systemd\nshadow: files\n",
			"passwd:         files systemd\nshadow: files\n", Counts{}},
		{"but a key=value line in it is", Target{Path: "/etc/nsswitch.conf"}, "# password=x\n", "# password=[REDACTED:config-secret]\n", Counts{RuleConfigSecret: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, counts := e.String(tc.in, tc.target)
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if diff := cmp.Diff(tc.counts, counts); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := New([]Rule{{Name: RuleBearer, Pattern: regexp.MustCompile("x")}}); err == nil {
		t.Errorf("a profile rule may not take a built-in rule's name")
	}
	names := e.RuleNames()
	if names[len(names)-1] != "everywhere" || names[0] != RuleConfigSecret {
		t.Errorf("RuleNames = %v", names)
	}
}

// countingWriter counts what reaches it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// TestStreaming: output leaves the writer as input arrives, so a large
// log never sits in memory; only an unfinished line is held, and a run
// without newline is cut at MaxLine.
func TestStreaming(t *testing.T) {
	e, _ := New(nil)
	var cw countingWriter
	w := e.NewWriter(&cw, Target{Path: "/var/log/big.log"})
	line := []byte("2024-03-01 10:00:00 INFO request served from cache, key=abc password=hunter2 in 3ms\n")
	var written int64
	for written < 8<<20 {
		n, err := w.Write(line)
		if err != nil {
			t.Fatal(err)
		}
		written += int64(n)
	}
	// Everything but nothing-at-all has come out already.
	if cw.n < written-int64(len(line))*2 {
		t.Fatalf("only %d of %d bytes came out before Close: the writer buffers", cw.n, written)
	}
	if len(w.pending) != 0 {
		t.Errorf("%d bytes pending after complete lines", len(w.pending))
	}
	// A long run without newline is cut, not held.
	w.Write(bytes.Repeat([]byte("x"), 3*MaxLine+5))
	if len(w.pending) >= MaxLine {
		t.Errorf("%d bytes held without newline (max %d)", len(w.pending), MaxLine)
	}
	w.Close()
	if got := w.Counts()[RuleConfigSecret]; got == 0 {
		t.Errorf("no secret redacted in the stream")
	}
}

// TestWriteErrorStops: a failing destination fails the writer.
func TestWriteErrorStops(t *testing.T) {
	e, _ := New(nil)
	w := e.NewWriter(failWriter{}, Target{})
	if _, err := w.Write([]byte("a line\n")); err == nil {
		t.Errorf("write error not reported")
	}
	if _, err := w.Write([]byte("more\n")); err == nil {
		t.Errorf("write after an error succeeded")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

// BenchmarkWriterPlainLog measures the common case: log lines without
// secrets or trigger words.
func BenchmarkWriterPlainLog(b *testing.B) {
	e, _ := New(nil)
	line := "01/12/18 17:38:06 epproxy[123]: routing manager connection established from gw01.example.net:1234 session 77 handshake ok\n"
	buf := []byte(strings.Repeat(line, 4096))
	b.SetBytes(int64(len(buf)))
	for i := 0; i < b.N; i++ {
		w := e.NewWriter(io.Discard, Target{})
		w.Write(buf)
		w.Close()
	}
}

// TestParserRule: the ipsec-secrets parser runs only where a profile's
// rule turns it on (an unquoted PSK is a secret there, a word elsewhere);
// unknown parsers and a parser with a pattern are refused; a profile's
// name source (a host group, no secret group) redacts nothing.
func TestParserRule(t *testing.T) {
	in := "@a @b : PSK bare-Psk-1\n"
	off, _ := New(nil)
	if got, _ := off.String(in, Target{Path: "/etc/ipsec.secrets"}); got != in {
		t.Errorf("without the parser rule: %q", got)
	}
	on, _ := New(secretsParser)
	if got, _ := on.String(in, Target{Path: "/etc/ipsec.secrets"}); got != "@a @b : PSK [REDACTED:ipsec-psk]\n" {
		t.Errorf("with the parser rule: %q", got)
	}
	if got, _ := on.String(in, Target{Path: "/var/log/secure"}); got != in {
		t.Errorf("parser outside its files: %q", got)
	}
	if _, err := New([]Rule{{Name: "x", Parser: "nope"}}); err == nil || !strings.Contains(err.Error(), `no parser "nope"`) {
		t.Errorf("unknown parser: %v", err)
	}
	if _, err := New([]Rule{{Name: "x", Parser: "ipsec-secrets", Pattern: regexp.MustCompile(`x`)}}); err == nil {
		t.Error("parser with a pattern accepted")
	}
	if !NameSource(regexp.MustCompile(`peer (?P<host>\S+)`)) || NameSource(regexp.MustCompile(`(?P<secret>\S+) (?P<host>\S+)`)) {
		t.Error("NameSource")
	}
}
