package profiles_test

// Tests of the ipsec profile (profiles/ipsec.yaml): the catalog, the
// message formats of every pluto generation the rules read, redaction of
// the bundles collected from the fake hosts. The public corpus is read by
// ipsec_corpus_test.go, real pluto daemons by ipsec_pluto_test.go.

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"casefile/profiles"
	"casefile/profiles/profiletest"
)

// ipsecCatalog is every finding id of the profile: the catalog
// first, then the ones the corpus and the lab added.
var ipsecCatalog = []string{
	"ipsec.tunnel-state", "ipsec.no-response", "ipsec.proposal-mismatch", "ipsec.id-mismatch",
	"ipsec.psk-mismatch", "ipsec.no-connection", "ipsec.dpd-dead", "ipsec.stuck", "ipsec.nat",
	"ipsec.firewall", "ipsec.pluto-down",
	"ipsec.conn-not-loaded", "ipsec.kernel-sa-failed",
	"ipsec.xauth-failed", "ipsec.cert-invalid", "ipsec.nat-not-encapsulated",
}

// ipsecFailures are the ids that say something is wrong (tunnel-state and
// nat are reports, at info when all is well).
var ipsecFailures = []string{
	"ipsec.no-response", "ipsec.proposal-mismatch", "ipsec.id-mismatch", "ipsec.psk-mismatch",
	"ipsec.no-connection", "ipsec.dpd-dead", "ipsec.stuck", "ipsec.firewall", "ipsec.pluto-down",
	"ipsec.conn-not-loaded", "ipsec.kernel-sa-failed",
	"ipsec.xauth-failed", "ipsec.cert-invalid", "ipsec.nat-not-encapsulated",
}

func TestIpsecCatalog(t *testing.T) {
	p := profiletest.Load(t, "ipsec")
	have := map[string]bool{}
	for _, r := range p.Analyze.Rules {
		have[r.ID] = true
	}
	for _, id := range ipsecCatalog {
		if !have[id] {
			t.Errorf("rule %s is missing from ipsec.yaml", id)
		}
		delete(have, id)
	}
	for id := range have {
		t.Errorf("rule %s is not in the test catalog (ipsecCatalog)", id)
	}
	// The catalog document describes every id.
	doc, err := os.ReadFile(filepath.Join(profiletest.RepoRoot(t), "docs", "profiles", "ipsec.md"))
	if err != nil {
		t.Fatalf("the finding catalog docs/profiles/ipsec.md: %v", err)
	}
	for _, id := range ipsecCatalog {
		if !strings.Contains(string(doc), "`"+id+"`") {
			t.Errorf("docs/profiles/ipsec.md does not describe `%s`", id)
		}
	}
	// What the issue asks to collect is there, and barf is not.
	items := map[string]profiles.CollectItem{}
	for _, it := range p.Collect {
		items[it.ID] = it
	}
	for _, id := range []string{"ipsec-conf", "ipsec-secrets", "pluto-log", "syslog-messages", "syslog-secure", "ipsec-status",
		"xfrm-state", "xfrm-policy", "ip-route", "ip-addr", "iptables", "nft", "capture"} {
		if _, ok := items[id]; !ok {
			t.Errorf("collect item %s is missing", id)
		}
	}
	for _, it := range p.Collect {
		all := strings.Join(append(append([]string{it.Shell}, it.Command...), ipsecFlatten(it.Commands)...), " ")
		if strings.Contains(all, "barf") {
			t.Errorf("item %s runs ipsec barf, which dumps secrets unredacted", it.ID)
		}
		for _, verb := range []string{" --up", " --down", " --initiate", " --terminate", " --delete", " --add", " start", " stop", " restart", " --replace", " --rereadsecrets"} {
			if strings.Contains(" "+all, verb) && strings.Contains(all, "ipsec") {
				t.Errorf("item %s would change the VPN (%q): the collector must only read", it.ID, strings.TrimSpace(verb))
			}
		}
	}
	// The packet capture is opt-in and bounded.
	c := items["capture"]
	if !strings.Contains(c.When.Src, "capture") || c.Timeout.Duration == 0 || c.Timeout.Duration > 10*time.Minute || c.MaxSize.Bytes == 0 {
		t.Errorf("capture must be opt-in (when), with a timeout and a size cap: %+v", c)
	}
	if !slices.Contains(c.Command, "-c") || c.Command[0] != "timeout" {
		t.Errorf("capture must stop by packet count (-c) and by time (timeout): %v", c.Command)
	}
}

func ipsecFlatten(cs [][]string) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c...)
	}
	return out
}

// TestIpsecMessageFormats feeds each diagnosis in every log format the
// profile reads (lines written in pluto's formats, with invented names and
// addresses) and checks the finding and its connection name.
func TestIpsecMessageFormats(t *testing.T) {
	syslog := func(lines ...string) string {
		var b strings.Builder
		for i, l := range lines {
			b.WriteString("Mar  4 10:0" + string(rune('0'+i/10)) + ":" + ipsecPad2(i%60) + " gw pluto[4242]: " + l + "\n")
		}
		return b.String()
	}
	logfile := func(lines ...string) string {
		var b strings.Builder
		for i, l := range lines {
			b.WriteString("Mar  4 10:00:" + ipsecPad2(i) + ".104233: " + l + "\n")
		}
		return b.String()
	}
	whack := func(lines ...string) string { return strings.Join(lines, "\n") + "\n" }
	cases := []struct {
		name, file, text string
		want             []profiletest.Want
		absent           []string
	}{
		{"openswan syslog, typographic quotes: healthy", "messages", syslog(
			"\u201cabc\u201d #7: responding to Main Mode",
			"\u201cabc\u201d #7: transition from state (null) to state STATE_MAIN_R1",
			"\u201cabc\u201d #7: transition from state STATE_MAIN_R1 to state STATE_MAIN_R2",
			"\u201cabc\u201d #7: transition from state STATE_MAIN_R2 to state STATE_MAIN_R3",
			"\u201cabc\u201d #7: sent MR3, ISAKMP SA established",
			"\"abc\" #8: STATE_QUICK_R2: IPsec SA established {ESP=>0x1a2b3c4d <0x5e6f7a8b}"),
			[]profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "info", Title: `"abc": IPsec SA established`}}, ipsecFailures},
		{"openswan syslog: no answer to Main Mode", "secure", syslog(
			"\"hq-lab\" #3: initiating Main Mode",
			"\"hq-lab\" #3: STATE_MAIN_I1: initiate",
			"\"hq-lab\" #3: max number of retransmissions (2) reached STATE_MAIN_I1.  No response (or no acceptable response) to our first IKE message",
			"\"hq-lab\" #3: starting keying attempt 2 of at most 3"),
			[]profiletest.Want{{ID: "ipsec.no-response", Severity: "critical", Title: `"hq-lab"`}, {ID: "ipsec.stuck", Severity: "critical", Title: "STATE_MAIN_I1"}}, []string{"ipsec.psk-mismatch"}},
		{"libreswan 4 logfile: IKEv2 no proposal chosen is not a silent peer", "pluto.log", logfile(
			"\"v2lab\" #1: initiating IKEv2 connection",
			"\"v2lab\" #1: sent IKE_SA_INIT request to 192.0.2.2:500",
			"\"v2lab\" #1: dropping unexpected IKE_SA_INIT message containing NO_PROPOSAL_CHOSEN notification; message payloads: N; missing payloads: SA,KE,Ni",
			"\"v2lab\" #1: STATE_V2_PARENT_I1: 60 second timeout exceeded after 6 retransmits.  No response (or no acceptable response) to our first IKEv2 message"),
			[]profiletest.Want{{ID: "ipsec.proposal-mismatch", Severity: "critical", Title: "phase 1"}}, []string{"ipsec.no-response"}},
		{"libreswan 4 logfile: responder with a different PSK", "pluto.log", logfile(
			"\"psklab\" #1: responding to Main Mode",
			"\"psklab\" #1: sent Main Mode R1",
			"\"psklab\" #1: sent Main Mode R2",
			"\"psklab\" #1: probable authentication failure (mismatch of preshared secrets?): malformed payload in packet"),
			[]profiletest.Want{{ID: "ipsec.psk-mismatch", Severity: "critical", Title: "pre-shared key mismatch"}}, []string{"ipsec.id-mismatch"}},
		{"libreswan 5 whack output: IKEv2 authentication failed", "up.txt", whack(
			"\"auth5\" #1: initiating IKEv2 connection to 192.0.2.2 using UDP",
			"\"auth5\" #1: sent IKE_SA_INIT request to 192.0.2.2:UDP/500",
			"\"auth5\" #1: processed IKE_SA_INIT response from 192.0.2.2:UDP/500 {cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 ke=DH19}, initiating IKE_AUTH",
			"\"auth5\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with shared-key-mac and IPV4_ADDR '192.0.2.1'; Child SA #2 {ESP <0x11223344}",
			"\"auth5\" #1: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED"),
			[]profiletest.Want{{ID: "ipsec.psk-mismatch", Severity: "critical", Title: "authentication failed"}}, []string{"ipsec.no-response"}},
		{"whack output with codes: peer ID mismatch", "auto-up.txt", whack(
			"104 \"idlab\" #1: STATE_MAIN_I1: initiate",
			"106 \"idlab\" #1: STATE_MAIN_I2: sent MI2, expecting MR2",
			"108 \"idlab\" #1: STATE_MAIN_I3: sent MI3, expecting MR3",
			"003 \"idlab\" #1: we require peer to have ID '198.51.100.9', but peer declares '10.9.9.9'"),
			[]profiletest.Want{{ID: "ipsec.id-mismatch", Severity: "critical", Title: "10.9.9.9"}}, []string{"ipsec.psk-mismatch"}},
		{"IKEv2 traffic selectors", "pluto.log", logfile(
			"\"tslab\" #1: initiator established IKE SA; authenticated peer using authby=secret and ID_IPV4_ADDR '192.0.2.2'",
			"\"tslab\" #2: IKE_AUTH response rejected Child SA with TS_UNACCEPTABLE"),
			[]profiletest.Want{{ID: "ipsec.id-mismatch", Severity: "critical", Title: "subnets"}, {ID: "ipsec.tunnel-state", Severity: "warning", Title: "no IPsec SA"}}, nil},
		{"no connection for a peer", "auth.log", syslog(
			"packet from 203.0.113.77:500: initial Main Mode message received on 192.0.2.1:500 but no connection has been authorized with policy=PSK"),
			[]profiletest.Want{{ID: "ipsec.no-connection", Severity: "warning", Title: "203.0.113.77"}}, nil},
		{"libreswan 4 DPD action", "pluto.log", logfile(
			"\"dpdlab\" #2: IPsec SA established tunnel mode {ESP=>0x01020304 <0x05060708 xfrm=AES_CBC_128-HMAC_SHA1_96 NATOA=none NATD=none DPD=active}",
			"\"dpdlab\" #1: DPD action - clearing connection kind CK_PERMANENT"),
			[]profiletest.Want{{ID: "ipsec.dpd-dead", Severity: "critical", Title: `"dpdlab"`}}, nil},
		{"kernel refuses the SA", "pluto.log", logfile(
			"\"klab\" #2: responding to Quick Mode proposal {msgid:21932d9f}",
			"ERROR: \"klab\" #2: netlink response for Add SA esp.d13901e3@192.0.2.1: Protocol not supported (errno 93)",
			"\"klab\" #2: setup_half_ipsec_sa() hit fail:"),
			[]profiletest.Want{{ID: "ipsec.kernel-sa-failed", Severity: "critical", Title: "Protocol not supported"}}, nil},
		{"IKEv1 refused by ikev1-policy", "pluto.log", logfile(
			"\"oldpeer\": failed to add IKEv1 connection: global ikev1-policy does not allow IKEv1 connections"),
			[]profiletest.Want{{ID: "ipsec.conn-not-loaded", Severity: "critical", Title: "oldpeer"}}, nil},
		{"road-warrior instance with its peer", "auth.log", syslog(
			"\"L2TP\"[4] 198.51.100.23 #9: responding to Quick Mode proposal {msgid:01000000}",
			"\"L2TP\"[4] 198.51.100.23 #9: STATE_QUICK_R2: IPsec SA established transport mode {ESP=>0xfc1ca0c8 <0x98e83936 xfrm=AES_128-HMAC_SHA1 NATOA=10.0.0.5 NATD=198.51.100.23:4500 DPD=none}"),
			[]profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "info", Title: "198.51.100.23"}, {ID: "ipsec.nat", Severity: "info", Title: "NAT-T in use"}}, nil},
		// Libreswan 4.0-4.4 name neither initiator nor responder
		{"libreswan 4 logfile: bare established wording", "pluto.log", logfile(
			"\"v2bare\" #1: initiating IKEv2 connection",
			"\"v2bare\" #1: established IKE SA; authenticated using RSA with SHA2_512 and preloaded certificate '@east'",
			"\"v2bare\" #2: established Child SA; IPsec tunnel [192.0.1.0-192.0.1.255:0-65535 0] -> [192.0.2.0-192.0.2.255:0-65535 0] {ESP=>0x5c1a2b3c <0x9d8e7f6a xfrm=AES_GCM_16_256-NONE DPD=passive}"),
			[]profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "info", Title: `"v2bare": IPsec SA established`}}, ipsecFailures},
		{"libreswan 5 rekey wording", "pluto.log", logfile(
			"\"v2rekey\" #1: initiator established IKE SA; authenticated peer using authby=secret and ID_IPV4_ADDR '192.0.2.2'",
			"\"v2rekey\" #2: initiator established Child SA using #1; IPsec tunnel [192.0.1.0/24===192.0.2.0/24] {ESP/ESN=>0x11111111 <0x22222222 xfrm=AES_GCM_16_256-NONE DPD=passive}",
			"\"v2rekey\" #3: initiator rekeyed Child SA #2 using #1; IPsec tunnel [192.0.1.0/24===192.0.2.0/24] {ESP/ESN=>0x33333333 <0x44444444 xfrm=AES_GCM_16_256-NONE DPD=passive}",
			"\"v2rekey\" #4: initiator rekeyed IKE SA #1"),
			[]profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "info", Title: `"v2rekey": IPsec SA established`}}, ipsecFailures},
		// pluto's messages for certificates (Libreswan 3 to 5, Openswan)
		{"libreswan 4/5: peer certificate expired", "pluto.log", logfile(
			"\"certlab\" #1: responding to IKE_SA_INIT request from 192.0.2.1:UDP/500",
			"\"certlab\" #1: NSS: ERROR: IPsec certificate CN=west-expired invalid: SEC_ERROR_EXPIRED_CERTIFICATE: Peer's Certificate has expired."),
			[]profiletest.Want{{ID: "ipsec.cert-invalid", Severity: "critical", Title: `"certlab": certificate "CN=west-expired" rejected: expired`}}, nil},
		{"libreswan 3: unknown issuer", "secure", syslog(
			"\"certlab\" #1: NSS ERROR: Peer's Certificate issuer is not recognized."),
			[]profiletest.Want{{ID: "ipsec.cert-invalid", Severity: "critical", Title: "issued by a CA this gateway does not trust"}}, nil},
		{"libreswan 4/5: not yet valid", "pluto.log", logfile(
			"\"certlab\" #1: NSS: ERROR: IPsec certificate E=user-notyetvalid@example.org,CN=notyetvalid.example.org invalid: SEC_ERROR_EXPIRED_CERTIFICATE: Peer's Certificate is not yet valid."),
			[]profiletest.Want{{ID: "ipsec.cert-invalid", Severity: "critical", Title: "not yet valid"}}, nil},
		{"openswan: no RSA public key", "auth.log", syslog(
			"\"rw\"[3] 198.51.100.7 #4: no RSA public key known for 'CN=client1'",
			"\"rw\"[3] 198.51.100.7 #4: sending encrypted notification INVALID_KEY_INFORMATION to 198.51.100.7:500"),
			[]profiletest.Want{{ID: "ipsec.cert-invalid", Severity: "critical", Title: `"rw": certificate "CN=client1" rejected: no public key known for the peer`}}, nil},
		{"masked peer without a connection", "auth.log", syslog(
			"packet from <Remote IP>:500: initial Main Mode message received on 192.0.2.1:500 but no connection has been authorized with policy=PSK"),
			[]profiletest.Want{{ID: "ipsec.no-connection", Severity: "warning", Title: "<Remote IP>"}}, nil},
		{"the issue's line: authentication rejected, connection tied by SA number", "secure", syslog(
			"\"office\"[1] 82.132.XXX.XXX #6: sent IKE_AUTH request to 82.132.XXX.XXX:UDP/4500",
			"#6: IKE SA authentication request rejected: AUTHENTICATION_FAILED"),
			[]profiletest.Want{{ID: "ipsec.psk-mismatch", Severity: "critical", Title: `"office": authentication failed`}}, nil},
		{"certificate line without the connection, tied by SA number", "secure", syslog(
			"\"certlab\" #4: responding to IKE_SA_INIT request from 192.0.2.1:UDP/500",
			"#4: NSS: ERROR: IPsec certificate CN=road.example.org invalid: SEC_ERROR_UNKNOWN_ISSUER: Peer's Certificate issuer is not recognized."),
			[]profiletest.Want{{ID: "ipsec.cert-invalid", Severity: "critical", Title: `"certlab": certificate "CN=road.example.org" rejected: issued by a CA`}}, nil},
		{"a web server's expired certificate is not pluto's", "error.log", whack(
			"[Mon Aug 04 10:00:01.000000 2014] [ssl:warn] [pid 12] AH01909: server certificate has expired"),
			nil, []string{"ipsec.cert-invalid"}},
		{"no private key in NSS", "pluto.log", logfile(
			"\"certlab\" #1: unable to locate my private key for RSA Signature"),
			[]profiletest.Want{{ID: "ipsec.cert-invalid", Severity: "critical", Title: "no private key for our certificate"}}, nil},
		{"xauth server refuses a user", "secure", syslog(
			"\"xauthsrv\"[2] 203.0.113.8 #3: XAUTH: User jdoe: Authentication Failed: Incorrect Username or Password"),
			[]profiletest.Want{{ID: "ipsec.xauth-failed", Severity: "critical", Title: `"xauthsrv": XAUTH user authentication failed for user jdoe`}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := profiletest.Analyze(t, "ipsec", nil, profiletest.RawLog(t, c.file, c.text))
			profiletest.Check(t, c.name, rep, c.want, c.absent)
		})
	}
}

func ipsecPad2(n int) string {
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// TestIpsecRedaction collects every fake host and checks that no secret of
// its ipsec.secrets, nor an xfrm key, is in the bundle, while the IDs and
// secret types the diagnosis reads are.
func TestIpsecRedaction(t *testing.T) {
	root := profiletest.RepoRoot(t)
	hosts, _ := filepath.Glob(filepath.Join(root, "testdata", "hosts", "ipsec", "*", "etc"))
	hosts2, _ := filepath.Glob(filepath.Join(root, "testdata", "hosts", "ipsec", "*", "var"))
	seen := map[string]bool{}
	for _, h := range append(hosts, hosts2...) {
		seen[filepath.Dir(h)] = true
	}
	if len(seen) == 0 {
		t.Fatal("no fake hosts under testdata/hosts/ipsec")
	}
	// A secret: the quoted value after PSK/XAUTH/PPK <id>, or a 0x key in xfrm state.
	secretRe := regexp.MustCompile(`(?:PSK|XAUTH|EAP|PIN \S+)\s+"([^"]+)"|PPK\s+"[^"]*"\s+"([^"]+)"|^\s*(?:PSK)\s+"([^"]+)"`)
	xfrmKey := regexp.MustCompile(`^\s*(?:enc|auth-trunc|auth|aead)\s+\S+\s+(0x[0-9a-f]{8,})`)
	var names []string
	for h := range seen {
		names = append(names, h)
	}
	sort.Strings(names)
	for _, host := range names {
		t.Run(filepath.Base(host), func(t *testing.T) {
			var secrets []string
			filepath.Walk(host, func(p string, fi os.FileInfo, err error) error {
				if err != nil || fi.IsDir() {
					return nil
				}
				data, _ := os.ReadFile(p)
				for _, l := range strings.Split(string(data), "\n") {
					if strings.HasSuffix(p, ".secrets") {
						for _, m := range secretRe.FindAllStringSubmatch(l, -1) {
							for _, g := range m[1:] {
								if g != "" {
									secrets = append(secrets, g)
								}
							}
						}
					}
					if m := xfrmKey.FindStringSubmatch(l); m != nil {
						secrets = append(secrets, m[1])
					}
				}
				return nil
			})
			files := ipsecCollect(t, host)
			var all strings.Builder
			for name, body := range files {
				all.WriteString(name + "\n" + body + "\n")
			}
			for _, s := range secrets {
				if strings.Contains(all.String(), s) {
					t.Errorf("secret %q is in the bundle", s)
				}
			}
			for name, body := range files {
				if !strings.HasSuffix(name, ".secrets") || !strings.Contains(body, ":") {
					continue // only an include line
				}
				if !strings.Contains(body, "PSK") || !strings.Contains(body, "[REDACTED:") {
					t.Errorf("%s: the secret type (PSK) must stay and the secret be marked:\n%s", name, body)
				}
			}
		})
	}
}

// ipsecCollect collects a fake host with the ipsec profile (only the
// root's own commands) and returns the bundle's members by name.
func ipsecCollect(t *testing.T, host string) map[string]string {
	t.Helper()
	return profiletest.Members(t, profiletest.Collect(t, "ipsec", host, nil))
}
