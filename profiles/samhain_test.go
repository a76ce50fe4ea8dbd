package profiles_test

// Tests of the samhain profile's patterns against the message formats of
// samhain's catalog (both log formats). The helpers (Load, Matchers,
// MatchAny, FactPattern, Corpus, ...) are profiletest's.

import (
	"regexp"
	"testing"
	"time"

	"casefile/profiles"
	"casefile/profiles/profiletest"
)

// shFailureRules are the rules whose patterns must stay quiet on a healthy log.
var shFailureRules = []string{
	"samhain.server-unreachable", "samhain.libwrap-refused", "samhain.password-mismatch",
	"samhain.client-name-mismatch", "samhain.file-not-accessible", "samhain.concurrent-clients",
	"samhain.restart-without-exit", "samhain.client-lookup-errors",
	"samhain.untrusted-path", "samhain.config-not-accessible", "samhain.start-panic",
	"samhain.config-invalid-line", "samhain.second-instance",
}

// TestSamhainSelfReportFormats: the rules of what samhain reports about
// itself read each line in every shape it takes: the log file (plain),
// the XML log format, a system log line and a journal short-iso line. The
// plain lines are the real Debian binary's (TestSamhainScenariosLive);
// the XML ones are the same messages in sh_cat.c's XML layout.
func TestSamhainSelfReportFormats(t *testing.T) {
	p := profiletest.Load(t, "samhain")
	shapes := func(plain, xml string) []string {
		m := regexp.MustCompile(`^\S+\s+:\s+\[(\S+)\] (.*)$`).FindStringSubmatch(plain)
		if m == nil {
			t.Fatalf("not a plain samhain line: %q", plain)
		}
		return []string{
			plain, xml,
			"Dec  7 12:33:45 web01 Samhain[5854]: " + plain,
			"2026-12-07T12:33:45+0000 web01 samhain[4242]: " + plain,
		}
	}
	cases := []struct {
		rule, label, plain, xml string
		want                    map[string]string
	}{
		{"samhain.policy-alerts", "",
			`CRIT   :  [2026-12-07T12:33:21+0000] msg=<POLICY [ReadOnly] C-------TS>, path=</opt/vendor/bin/vctl>, size_old=<15>, size_new=<20>, ctime_old=<[2026-12-07T12:33:19]>`,
			`<log sev="CRIT" tstamp="2026-12-07T12:33:21+0000" msg="POLICY [ReadOnly] C-------TS" path="/opt/vendor/bin/vctl" size_old="15" size_new="20" />`,
			map[string]string{"cls": "ReadOnly", "flags": "C-------TS", "path": "/opt/vendor/bin/vctl"}},
		{"samhain.policy-alerts", "",
			`CRIT   :  [2026-12-07T12:33:22+0000] msg=<POLICY ADDED>, path=</opt/vendor/lib/mod150.so>, mode_new=<-rw-r--r-->`,
			`<log sev="CRIT" tstamp="2026-12-07T12:33:22+0000" msg="POLICY ADDED" path="/opt/vendor/lib/mod150.so" mode_new="-rw-r--r--" />`,
			map[string]string{"cls": "ADDED", "path": "/opt/vendor/lib/mod150.so"}},
		{"samhain.policy-alerts", "",
			`CRIT   :  [2026-12-07T11:59:33+0000] msg=<POLICY [ServiceNew] port: 127.0.0.1:2024/tcp (unknown)> path=<-> pid=<0> userid=<->`,
			`<log sev="CRIT" tstamp="2026-12-07T11:59:33+0000" msg="POLICY [ServiceNew] port: 127.0.0.1:2024/tcp (unknown)" path="-" pid="0" userid="-" />`,
			map[string]string{"cls": "ServiceNew"}},
		{"samhain.file-changed", "",
			`CRIT   :  [2026-12-07T12:33:23+0000] msg=<POLICY [ReadOnly] -----M---->, path=</srv/www/site.css>, mode_old=<-rw-r--r-->, mode_new=<-rw-rw-rw->`,
			`<log sev="CRIT" tstamp="2026-12-07T12:33:23+0000" msg="POLICY [ReadOnly] -----M----" path="/srv/www/site.css" mode_old="-rw-r--r--" />`,
			map[string]string{"flags": "-----M----", "path": "/srv/www/site.css"}},
		{"samhain.untrusted-path", "panic",
			`ALERT  :  [2026-12-07T11:59:46+0000] msg=<PANIC - Untrusted path>, userid=<0>, path=</etc/samhain/samhainrc>`,
			`<log sev="ALRT" tstamp="2026-12-07T11:59:46+0000" msg="PANIC - Untrusted path" userid="0" path="/etc/samhain/samhainrc" />`,
			map[string]string{"path": "/etc/samhain/samhainrc"}},
		{"samhain.untrusted-path", "why",
			`ERROR  :  [2026-12-07T11:59:46+0000] msg=<World writeable>, subroutine=<trustfile>, path=</etc/samhain/samhainrc>, obj=</etc/samhain/samhainrc>`,
			`<log sev="ERRO" tstamp="2026-12-07T11:59:46+0000" msg="World writeable" subroutine="trustfile" path="/etc/samhain/samhainrc" obj="/etc/samhain/samhainrc" />`,
			map[string]string{"why": "World writeable", "obj": "/etc/samhain/samhainrc"}},
		{"samhain.config-not-accessible", "",
			`ALERT  :  [2026-12-07T12:00:41+0000] msg=<PANIC - File not accessible>, userid=<0>, path=</etc/samhain/samhainrc>`,
			`<log sev="ALRT" tstamp="2026-12-07T12:00:41+0000" msg="PANIC - File not accessible" userid="0" path="/etc/samhain/samhainrc" />`,
			map[string]string{"path": "/etc/samhain/samhainrc", "uid": "0"}},
		{"samhain.database-missing", "",
			`CRIT   :  [2026-12-07T12:00:44+0000] msg=<File not accessible>, userid=<0>, path=</var/lib/samhain/samhain_file>`,
			`<log sev="CRIT" tstamp="2026-12-07T12:00:44+0000" msg="File not accessible" userid="0" path="/var/lib/samhain/samhain_file" />`,
			map[string]string{"path": "/var/lib/samhain/samhain_file"}},
		{"samhain.start-panic", "",
			`ALERT  :  [2026-12-07T12:00:44+0000] msg=<PANIC - No data in file>, path=</var/lib/samhain/samhain_file>`,
			`<log sev="ALRT" tstamp="2026-12-07T12:00:44+0000" msg="PANIC - No data in file" path="/var/lib/samhain/samhain_file" />`,
			map[string]string{"panic": "PANIC - No data in file", "path": "/var/lib/samhain/samhain_file"}},
		{"samhain.config-invalid-line", "",
			`WARN   :  [2026-12-07T12:00:56+0000] msg=<Invalid line 4 in configuration file: incorrect format, unrecognized option, or missing section header>`,
			`<log sev="WARN" tstamp="2026-12-07T12:00:56+0000" msg="Invalid line 4 in configuration file: incorrect format, unrecognized option, or missing section header" />`,
			map[string]string{"lineno": "4"}},
		{"samhain.second-instance", "",
			`ERROR  :  [2026-12-07T12:01:12+0000] msg=<File lock error>, userid=<0>, path=</var/log/samhain/samhain.log>, obj=</var/log/samhain/samhain.log.lock>`,
			`<log sev="ERRO" tstamp="2026-12-07T12:01:12+0000" msg="File lock error" userid="0" path="/var/log/samhain/samhain.log" obj="/var/log/samhain/samhain.log.lock" />`,
			map[string]string{"lockmsg": "File lock error"}},
		{"samhain.second-instance", "",
			`ERROR  :  [2026-12-07T12:01:12+0000] msg=<Cannot remove stale PID file, PID may be a running process>, subroutine=<sh_unix_test_and_lock>`,
			`<log sev="ERRO" tstamp="2026-12-07T12:01:12+0000" msg="Cannot remove stale PID file, PID may be a running process" subroutine="sh_unix_test_and_lock" />`,
			map[string]string{"lockmsg": "Cannot remove stale PID file, PID may be a running process"}},
	}
	for _, c := range cases {
		for i, line := range shapes(c.plain, c.xml) {
			caps, ok := profiletest.MatchAny(profiletest.Matchers(t, p, c.rule, c.label), line)
			if !ok {
				t.Errorf("%s/%s does not match %q", c.rule, c.label, line)
				continue
			}
			for k, v := range c.want {
				if caps[k] != v {
					t.Errorf("%s on %q: %s = %q, want %q", c.rule, line, k, caps[k], v)
				}
			}
			if i == 2 && c.rule == "samhain.second-instance" && caps["spid"] != "5854" {
				t.Errorf("second-instance on a syslog line: spid = %q, want 5854", caps["spid"])
			}
		}
	}
	// samhain's severity, plain and XML, for the policy summary's severity
	for _, l := range []string{
		`CRIT   :  [2026-12-07T12:33:21+0000] msg=<POLICY MISSING>, path=</a>`,
		`<log sev="CRIT" tstamp="2026-12-07T12:33:21+0000" msg="POLICY MISSING" path="/a" />`,
	} {
		caps, _ := profiletest.MatchAny(profiletest.Matchers(t, p, "samhain.policy-alerts", ""), l)
		if caps["sev"]+caps["xsev"] != "CRIT" {
			t.Errorf("policy severity on %q: sev %q xsev %q", l, caps["sev"], caps["xsev"])
		}
	}
}

// TestSamhainMessageFormats checks each rule's patterns against lines in
// both of samhain's log formats. The message texts and attributes are
// those of samhain's message catalog (sh_cat.c): plain
// `msg=<...>, attr=<...>` and XML `msg="..." attr="..."`; the names,
// addresses and times are invented.
func TestSamhainMessageFormats(t *testing.T) {
	p := profiletest.Load(t, "samhain")
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
		caps, ok := profiletest.MatchAny(profiletest.Matchers(t, p, c.rule, c.label), c.line)
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
	p := profiletest.Load(t, "samhain")
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
		// A PID file samhain cannot write (its directory missing) is no
		// second instance; "Checking [ReadOnly]" and the file counts are no
		// integrity alert; the trust check's own line is no PANIC.
		{"samhain.second-instance", "", `ERROR  :  [2011-08-04T19:09:52+0000] msg=<Could not write PID file>, userid=<0>, path=</var/run/samhain/samhain.pid>`},
		{"samhain.policy-alerts", "", `INFO   :  [2026-12-07T12:13:40+0000] msg=<Checking       [ReadOnly]>, path=</opt/vendor>`},
		{"samhain.policy-alerts", "", `INFO   :  [2026-12-07T12:13:40+0000] msg=<d:   2, -:   3, l:   0, |:   0, s:   0, c:   0, b:   0>`},
		{"samhain.start-panic", "", `ERROR  :  [2026-12-07T11:59:46+0000] msg=<World writeable>, subroutine=<trustfile>, path=</etc/samhain/samhainrc>, obj=</etc/samhain/samhainrc>`},
	}
	for _, q := range quiet {
		if caps, ok := profiletest.MatchAny(profiletest.Matchers(t, p, q.rule, q.label), q.line); ok {
			t.Errorf("%s/%s matches %q (%v)", q.rule, q.label, q.line, caps)
		}
	}
}

// TestSamhainVerifierRedaction: the Client= name survives, the verifier goes.
func TestSamhainVerifierRedaction(t *testing.T) {
	p := profiletest.Load(t, "samhain")
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
	names := profiletest.FactPattern(t, p, "yule_clients").FindStringSubmatch("Client=web01.example.com@8D7F1A22C3B4E5F6@[REDACTED:yule-verifier]")
	if names == nil || names[1] != "web01.example.com" {
		t.Errorf("client name not read from a redacted entry: %v", names)
	}
}

// TestSamhainYuleServerUp: yule's START and its "Server up" line (the
// texts of the corpus's yule log, sh_cat.c MSG_START_SRV) in both formats
// pair in samhain.yule-server-not-up; a client's START does not start it.
func TestSamhainYuleServerUp(t *testing.T) {
	p := profiletest.Load(t, "samhain")
	r := profiletest.Rule(t, p, "samhain.yule-server-not-up")
	if r.Sequence == nil {
		t.Fatal("samhain.yule-server-not-up is not a sequence rule")
	}
	var expect []*regexp.Regexp
	for _, m := range r.Sequence.Expect {
		expect = append(expect, m.Pattern.Re)
	}
	start := profiletest.Matchers(t, p, "samhain.yule-server-not-up", "")
	for _, c := range []struct {
		line          string
		start, answer bool
	}{
		{`ALERT  :  [2024-02-14T09:10:14+0200] msg=<START>, program=<Yule>, userid=<0>, path=</etc/yulerc>, hash=<517090D4>`, true, false},
		{`<log sev="ALRT" tstamp="2014-03-16T09:22:55-0600" msg="START" program="Yule" userid="1000" path="/usr/local/yule/etc/yulerc" hash="D1CBAE6C"  >`, true, false},
		{`MARK   :  [2024-02-14T09:10:14+0200] msg=<Server up, simultaneous connections: 1017>, socket_id=<3>`, false, true},
		{`<log sev="MARK" tstamp="2014-03-16T09:22:55-0600" msg="Server up, simultaneous connections: 1017" socket_id="3"  >`, false, true},
		{`ALERT  :  [2024-02-14T09:10:14+0200] msg=<START>, program=<Samhain>, userid=<0>, path=</etc/samhainrc>`, false, false},
	} {
		if _, ok := profiletest.MatchAny(start, c.line); ok != c.start {
			t.Errorf("start matches %q: %v, want %v", c.line, ok, c.start)
		}
		if _, ok := profiletest.MatchAny(expect, c.line); ok != c.answer {
			t.Errorf("expect matches %q: %v, want %v", c.line, ok, c.answer)
		}
	}

	// The engine over raw yule logs: the start at 09:10 is unanswered
	// although the one on 1 February was answered; with "Server up" after
	// it, nothing is reported. A raw log has no collection time: the data
	// ends with its last line, so a later line (a reload, as in the
	// corpus) must show that the minute after the start has passed.
	sof := "\n[SOF]\n"
	up := "ALERT  :  [2024-02-01T11:20:02+0200] msg=<START>, program=<Yule>, userid=<0>, path=</etc/yulerc>, hash=<AB>\n" +
		"MARK   :  [2024-02-01T11:20:02+0200] msg=<Server up, simultaneous connections: 1017>, socket_id=<3>\n" +
		"ALERT  :  [2024-02-14T09:10:12+0200] msg=<EXIT>, program=<Yule>, status=<exit_success>\n" + sof +
		"ALERT  :  [2024-02-14T09:10:14+0200] msg=<START>, program=<Yule>, userid=<0>, path=</etc/yulerc>, hash=<CD>\n"
	reload := "CRIT   :  [2024-02-14T10:00:09+0200] msg=<Runtime configuration reloaded>\n"
	rep := profiletest.Analyze(t, "samhain", time.UTC, profiletest.RawLog(t, "yule_log", up+reload))
	profiletest.Check(t, "restart without Server up", rep,
		[]profiletest.Want{{ID: "samhain.yule-server-not-up", Severity: "critical", Title: "2024-02-14 07:10:14"}}, nil)
	ok := up + "MARK   :  [2024-02-14T09:10:15+0200] msg=<Server up, simultaneous connections: 1017>, socket_id=<3>\n" + reload
	rep = profiletest.Analyze(t, "samhain", time.UTC, profiletest.RawLog(t, "yule_log", ok))
	profiletest.Check(t, "restart with Server up", rep, nil, []string{"samhain.yule-server-not-up"})
}

// TestSamhainAppliesByRole: a raw client log makes a client, not a
// server: the server rules do not apply, the client rules run.
func TestSamhainAppliesByRole(t *testing.T) {
	log := "\n[SOF]\nALERT  :  [2024-02-14T09:10:14+0200] msg=<START>, program=<Samhain>, userid=<0>, path=</etc/samhainrc>, hash=<AB>\n" +
		"INFO   :  [2024-02-14T09:10:15+0200] msg=<Session key negotiated>\n"
	rep := profiletest.Analyze(t, "samhain", time.UTC, profiletest.RawLog(t, "samhain_log", log))
	status := map[string]string{}
	for _, c := range rep.Coverage {
		status[c.Rule] = string(c.Status)
	}
	for _, id := range []string{"samhain.yule-not-listening", "samhain.yule-server-not-up", "samhain.client-lookup-errors",
		"samhain.severity-lookup-lowered", "samhain.duplicate-client-entry"} {
		if status[id] != "not_applicable" {
			t.Errorf("%s on a client log: coverage %q, want not_applicable", id, status[id])
		}
	}
	for _, id := range []string{"samhain.unclean-restart", "samhain.self-name-unresolved", "samhain.server-unreachable"} {
		if status[id] == "not_applicable" || status[id] == "" {
			t.Errorf("%s on a client log: coverage %q, want it to run", id, status[id])
		}
	}
}

// TestSamhainPortHolders reads the program on each listening port from
// ss -tlnp, so a foreign program on yule's port is named.
func TestSamhainPortHolders(t *testing.T) {
	re := profiletest.FactPattern(t, profiletest.Load(t, "samhain"), "port_listeners")
	for line, want := range map[string][2]string{
		`LISTEN 0      1            0.0.0.0:49777      0.0.0.0:*     users:(("nc",pid=2290,fd=3))`:   {"49777", "nc"},
		`LISTEN 0      64           0.0.0.0:49777      0.0.0.0:*     users:(("yule",pid=1187,fd=5))`: {"49777", "yule"},
		`LISTEN 0      128             [::]:22            [::]:*     users:(("sshd",pid=702,fd=4))`:  {"22", "sshd"},
	} {
		m := re.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("port_listeners does not read %q", line)
			continue
		}
		if got := [2]string{m[re.SubexpIndex("value")], m[re.SubexpIndex("prog")]}; got != want {
			t.Errorf("port_listeners on %q = %v, want %v", line, got, want)
		}
	}
}
