package profiles_test

// Tests of the samhain profile's patterns against the message formats of
// samhain's catalog (both log formats), and shared helpers for the other
// samhain_*_test.go files.

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"casefile/profiles"
)

func samhainProfile(t *testing.T) *profiles.Profile {
	t.Helper()
	p, err := profiles.Builtin("samhain")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// samhainCorpus is ../shared/corpus beside the clone (CASEFILE_CORPUS
// overrides); the test skips when it is absent.
func samhainCorpus(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CASEFILE_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "samhain")); err != nil {
		t.Skipf("public log corpus not found at %s (set CASEFILE_CORPUS): %v", dir, err)
	}
	return dir
}

// shRulePatterns returns the trigger patterns of a match rule, by label
// ("" for all labels).
func shRulePatterns(t *testing.T, p *profiles.Profile, id, label string) []*regexp.Regexp {
	t.Helper()
	for _, r := range p.Analyze.Rules {
		if r.ID != id {
			continue
		}
		if r.Match == nil {
			t.Fatalf("%s is not a match rule", id)
		}
		var out []*regexp.Regexp
		for _, m := range r.Match.Any {
			if label == "" || m.Label == label {
				out = append(out, m.Pattern.Re)
			}
		}
		if len(out) == 0 {
			t.Fatalf("%s has no pattern labelled %q", id, label)
		}
		return out
	}
	t.Fatalf("no rule %s", id)
	return nil
}

func shFactPattern(t *testing.T, p *profiles.Profile, name string) *regexp.Regexp {
	t.Helper()
	for _, f := range p.Analyze.Facts {
		if f.Name == name {
			if f.Pattern == nil {
				t.Fatalf("fact %s has no pattern", name)
			}
			return f.Pattern.Re
		}
	}
	t.Fatalf("no fact %s", name)
	return nil
}

// shMatchAny returns the named captures of the first pattern matching line.
func shMatchAny(res []*regexp.Regexp, line string) (map[string]string, bool) {
	for _, re := range res {
		m := re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		caps := map[string]string{}
		for i, n := range re.SubexpNames() {
			if n != "" && m[i] != "" {
				caps[n] = m[i]
			}
		}
		return caps, true
	}
	return nil, false
}

// shFailureRules are the rules whose patterns must stay quiet on a healthy log.
var shFailureRules = []string{
	"samhain.server-unreachable", "samhain.libwrap-refused", "samhain.password-mismatch",
	"samhain.client-name-mismatch", "samhain.file-not-accessible", "samhain.concurrent-clients",
	"samhain.restart-without-exit", "samhain.client-lookup-errors",
}

// TestSamhainMessageFormats checks each rule's patterns against lines in
// both of samhain's log formats. The message texts and attributes are
// those of samhain's message catalog (sh_cat.c): plain
// `msg=<...>, attr=<...>` and XML `msg="..." attr="..."`; the names,
// addresses and times are invented.
func TestSamhainMessageFormats(t *testing.T) {
	p := samhainProfile(t)
	cases := []struct {
		rule, label, line string
		want              map[string]string
	}{
		// client: MSG_E_NET (connect failed), MSG_TCP_ECONN
		{"samhain.server-unreachable", "client",
			`ERROR  :  [2024-05-14T09:12:01+0200] msg=<Connection refused>, subroutine=<connect>, service=<export>, host=<yule.example.com>`,
			map[string]string{"reason": "Connection refused", "server": "yule.example.com"}},
		{"samhain.server-unreachable", "client",
			`<log sev="ERRO" tstamp="2024-05-14T09:12:01+0200" msg="No route to host" subroutine="connect" service="export" host="10.1.2.3" />`,
			map[string]string{"reason": "No route to host", "server": "10.1.2.3"}},
		{"samhain.server-unreachable", "client",
			`ERROR  :  [2024-05-14T09:12:01+0200] msg=<Connection error: Connection refused>`,
			map[string]string{"reason": "Connection refused"}},
		{"samhain.server-unreachable", "server",
			`ALERT  :  [2024-05-14T09:00:00+0200] msg=<EXIT>, program=<Yule>, status=<exit_success>`,
			map[string]string{"yule_exit": "EXIT"}},
		// server: MSG_E_SUBGEN from the libwrap check
		{"samhain.libwrap-refused", "server",
			`ERROR  :  [2024-05-14T09:12:01+0200] msg=<Refused connection from 192.0.2.15>, subroutine=<libwrap>`,
			map[string]string{"peer": "192.0.2.15"}},
		{"samhain.libwrap-refused", "server",
			`<log sev="ERRO" tstamp="2024-05-14T09:12:01+0200" msg="Refused connection from web01.example.com" subroutine="libwrap" />`,
			map[string]string{"peer": "web01.example.com"}},
		{"samhain.libwrap-refused", "client_reset",
			`ERROR  :  [2024-05-14T09:12:01+0200] msg=<Connection error: Connection reset by peer>`, nil},
		{"samhain.libwrap-refused", "client_auth",
			`ERROR  :  [2024-05-14T09:12:03+0200] msg=<Session key negotiation failed>`, nil},
		// server: MSG_TCP_BADCONN (plain: client=<>, XML: host="")
		{"samhain.password-mismatch", "server",
			`CRIT   :  [2024-05-14T09:12:01+0200] msg=<Invalid connection attempt: Session key mismatch>, client=<web01.example.com>`,
			map[string]string{"client": "web01.example.com"}},
		{"samhain.password-mismatch", "server",
			`<log sev="CRIT" tstamp="2024-05-14T09:12:01+0200" msg="Invalid connection attempt: Session key mismatch" host="web01.example.com" />`,
			map[string]string{"client": "web01.example.com"}},
		{"samhain.password-mismatch", "client",
			`<log sev="ERRO" tstamp="2024-05-14T09:12:01+0200" msg="Session key negotiation failed" />`, nil},
		{"samhain.client-name-mismatch", "server",
			`CRIT   :  [2024-05-14T09:12:01+0200] msg=<Invalid connection attempt: Not in client list>, client=<localhost>`,
			map[string]string{"client": "localhost"}},
		{"samhain.client-name-mismatch", "server",
			`<log sev="CRIT" tstamp="2024-05-14T09:12:01+0200" msg="Invalid connection attempt: Not in client list" client="client.mydomain.com" />`,
			map[string]string{"client": "client.mydomain.com"}},
		// server: MSG_E_ACCESS for the data file; client: MSG_TCP_FBAD
		{"samhain.file-not-accessible", "server",
			`ERROR  :  [2024-05-14T09:12:01+0200] msg=<File not accessible>, userid=<117>, path=</var/lib/yule/rc.web01.example.com>`,
			map[string]string{"uid": "117", "path": "/var/lib/yule/rc.web01.example.com", "fname": "rc.web01.example.com"}},
		{"samhain.file-not-accessible", "server",
			`<log sev="ERRO" tstamp="2024-05-14T09:12:01+0200" msg="File not accessible" userid="117" path="/var/lib/yule/file" />`,
			map[string]string{"fname": "file"}},
		{"samhain.file-not-accessible", "client",
			`ERROR  :  [2024-05-14T09:12:01+0200] msg=<File download failed>`, nil},
		// client: MSG_E_NETST; server: MSG_TCP_BADCONN "Signature mismatch"
		{"samhain.concurrent-clients", "client",
			`ERROR  :  [2024-05-14T09:12:01+0200] msg=<Invalid connection state>, expect=<TALK>, received=<INIT>`, nil},
		{"samhain.concurrent-clients", "server",
			`CRIT   :  [2024-05-14T09:12:01+0200] msg=<Invalid connection attempt: Signature mismatch>, client=<web01.example.com>`,
			map[string]string{"client": "web01.example.com", "sig": "Signature"}},
		// server: MSG_TCP_ILL; client host: kernel and systemd lines
		{"samhain.restart-without-exit", "server",
			`CRIT   :  [2024-05-14T09:12:01+0200] msg=<Restart without prior exit>, client=<web01.example.com>`,
			map[string]string{"client": "web01.example.com"}},
		{"samhain.restart-without-exit", "crash",
			`May 14 09:10:44 web01 kernel: [812345.123456] samhain[2231]: segfault at 0 ip 000055d1c2a1b3c4 sp 00007ffd4e1c8a10 error 4 in samhain[55d1c2a00000+5e000]`,
			map[string]string{"pid": "2231"}},
		{"samhain.restart-without-exit", "crash",
			`May 14 09:10:44 web01 kernel: Out of memory: Killed process 2231 (samhain) total-vm:812340kB, anon-rss:640112kB`,
			map[string]string{"kpid": "2231"}},
	}
	for _, c := range cases {
		caps, ok := shMatchAny(shRulePatterns(t, p, c.rule, c.label), c.line)
		if !ok {
			t.Errorf("%s/%s does not match %q", c.rule, c.label, c.line)
			continue
		}
		for k, v := range c.want {
			if caps[k] != v {
				t.Errorf("%s/%s on %q: %s = %q, want %q", c.rule, c.label, c.line, k, caps[k], v)
			}
		}
	}
}

// TestSamhainNotConfused keeps lines that look alike apart.
func TestSamhainNotConfused(t *testing.T) {
	p := samhainProfile(t)
	quiet := []struct{ rule, label, line string }{
		// A standalone or client samhain reports unreadable files it checks
		// with the same message as yule's data file error.
		{"samhain.file-not-accessible", "server", `ERROR  :  [2026-11-22T00:50:33+0000] msg=<File not accessible>, userid=<0>, path=</var/run/utmp>`},
		// The server's own "reset by peer" (MSG_TCP_RESET) is no client reset.
		{"samhain.libwrap-refused", "client_reset", `NOTICE :  [2024-05-14T09:12:01+0200] msg=<Connection reset by peer>, client=<web01>`},
		// A samhain client's EXIT is not yule stopping.
		{"samhain.server-unreachable", "server", `ALERT  :  [2024-05-14T09:00:00+0200] msg=<EXIT>, program=<Samhain>, status=<exit_success>`},
		// "Msg signature mismatch" counts, a successful session does not.
		{"samhain.concurrent-clients", "server", `INFO   :  [2024-05-14T09:12:01+0200] msg=<Session key negotiated>`},
	}
	for _, q := range quiet {
		if caps, ok := shMatchAny(shRulePatterns(t, p, q.rule, q.label), q.line); ok {
			t.Errorf("%s/%s matches %q (%v)", q.rule, q.label, q.line, caps)
		}
	}
}

// TestSamhainVerifierRedaction: the Client= name survives, the verifier goes.
func TestSamhainVerifierRedaction(t *testing.T) {
	p := samhainProfile(t)
	var rule *profiles.RedactRule
	for i := range p.Redact {
		if p.Redact[i].Name == "yule-verifier" {
			rule = &p.Redact[i]
		}
	}
	if rule == nil {
		t.Fatal("no yule-verifier redaction rule")
	}
	line := "Client=web01.example.com@8D7F1A22C3B4E5F6@4A0B9C8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F"
	m := rule.Pattern.Re.FindStringSubmatchIndex(line)
	if m == nil {
		t.Fatalf("redaction pattern does not match %q", line)
	}
	i := rule.Pattern.Re.SubexpIndex("secret")
	secret := line[m[2*i]:m[2*i+1]]
	if secret != "4A0B9C8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F" {
		t.Errorf("secret group = %q, want the verifier only", secret)
	}
	if got := line[:m[2*i]]; got != "Client=web01.example.com@8D7F1A22C3B4E5F6@" {
		t.Errorf("kept part = %q", got)
	}
	names := shFactPattern(t, p, "yule_clients").FindStringSubmatch("Client=web01.example.com@8D7F1A22C3B4E5F6@[REDACTED:yule-verifier]")
	if names == nil || names[1] != "web01.example.com" {
		t.Errorf("client name not read from a redacted entry: %v", names)
	}
}
