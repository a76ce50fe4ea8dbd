package profiles_test

// The public corpus (../shared/corpus, see its PROVENANCE.md) holds real
// pluto output: Openswan 2.6.38 and Libreswan 3.20/main test-suite
// transcripts, logs users pasted into forums and issues, and unrelated logs
// (Loghub) as negative controls. No corpus file is copied into this
// repository: the tests read them in place (CASEFILE_CORPUS overrides the
// location) and skip when they are absent. The seed article's log is read
// from ../shared/seeds the same way.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"casefile/profiles/profiletest"
)

// ipsecCorpusCases are the expectations per corpus file, chosen by reading
// each file: what it shows, not what its name suggests.
var ipsecCorpusCases = []struct {
	file   string
	want   []profiletest.Want
	absent []string
	why    string
}{
	// --- Libreswan 3.20 test suite ---
	{"ipsec/libreswan-3.20-testing/ikev1-algo-04-mismatch.east.console.txt",
		[]profiletest.Want{{ID: "ipsec.proposal-mismatch", Severity: "critical", Title: "we refused the peer's proposal"}}, []string{"ipsec.no-response", "ipsec.psk-mismatch"},
		"east sends NO_PROPOSAL_CHOSEN for Quick Mode (STATE_QUICK_R0 failed)"},
	{"ipsec/libreswan-3.20-testing/ikev1-algo-04-mismatch.west.console.txt",
		[]profiletest.Want{{ID: "ipsec.proposal-mismatch", Severity: "critical", Title: "phase 2"}, {ID: "ipsec.stuck", Severity: "critical", Title: "STATE_QUICK_I1"}}, []string{"ipsec.no-response"},
		"ISAKMP SA up, Quick Mode unanswered (peer likes no proposal), NO_PROPOSAL_CHOSEN ignored in the grep"},
	{"ipsec/libreswan-3.20-testing/basic-pluto-15-no-retransmit.west.console.txt",
		[]profiletest.Want{{ID: "ipsec.no-response", Severity: "critical", Title: `"westnet-eastnet"`}, {ID: "ipsec.proposal-mismatch", Severity: "", Title: `"westnet-eastnet-ikev2"`}}, []string{"ipsec.psk-mismatch"},
		"IKEv1: max retransmissions at STATE_MAIN_I1 without any answer; IKEv2: the peer answered v2N_NO_PROPOSAL_CHOSEN (east has no IKEv2 connection)"},
	{"ipsec/libreswan-3.20-testing/psk-pluto-02.road.console.txt",
		[]profiletest.Want{{ID: "ipsec.psk-mismatch", Severity: "critical", Title: "pre-shared key"}}, []string{"ipsec.id-mismatch"},
		"Aggressive Mode: received Hash Payload does not match computed value, INVALID_HASH_INFORMATION"},
	{"ipsec/libreswan-3.20-testing/nss-cert-05.west.console.txt",
		[]profiletest.Want{{ID: "ipsec.id-mismatch", Severity: "critical", Title: `"nss-cert"`}, {ID: "ipsec.stuck", Severity: "critical", Title: "STATE_MAIN_I3"}}, []string{"ipsec.psk-mismatch"},
		"the peer answers MI3 with INVALID_ID_INFORMATION (certificate signed by another CA)"},
	{"ipsec/libreswan-3.20-testing/nat-pluto-01.north.console.txt",
		[]profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "info", Title: "IPsec SA established"}, {ID: "ipsec.nat", Severity: "info", Title: "behind NAT"}}, ipsecFailures,
		"tunnel up through NAT (ESP/NAT, NATD=...:4500); the grep shows 'I am behind NAT'"},
	{"ipsec/libreswan-3.20-testing/dpd-01.west.console.txt",
		[]profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "info", Title: "IPsec SA established"}}, []string{"ipsec.stuck"},
		"the transcript shows DPD only through trafficstatus going empty and coming back: pluto's DPD verdict line is not in the console, so ipsec.dpd-dead cannot be claimed from it"},
	{"ipsec/libreswan-3.20-testing/xauth-pluto-03.road.console.txt",
		[]profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "info", Title: "IPsec SA established"}}, ipsecFailures, "healthy XAUTH road warrior"},
	// --- Libreswan main (5.x) test suite ---
	{"ipsec/libreswan-main-testing/ikev1-algo-04-mismatch.west.console.txt",
		[]profiletest.Want{{ID: "ipsec.proposal-mismatch", Severity: "critical", Title: "the peer refused ours"}}, []string{"ipsec.no-response"},
		"5.x wording: ignoring secured informational payload NO_PROPOSAL_CHOSEN"},
	{"ipsec/libreswan-main-testing/ikev1-algo-04-mismatch.east.console.txt",
		[]profiletest.Want{{ID: "ipsec.proposal-mismatch", Severity: "critical", Title: "we refused"}}, nil, "sending encrypted notification NO_PROPOSAL_CHOSEN"},
	{"ipsec/libreswan-main-testing/basic-pluto-15-no-retransmit.west.console.txt",
		[]profiletest.Want{{ID: "ipsec.no-response", Severity: "critical", Title: `"westnet-eastnet"`}, {ID: "ipsec.proposal-mismatch", Severity: "", Title: `"westnet-eastnet-ikev2"`}}, nil,
		"5.x: retransmit timeout on the first IKEv1 message; the IKEv2 attempt got NO_PROPOSAL_CHOSEN (not silent)"},
	{"ipsec/libreswan-main-testing/ikev2-asymmetric-16-auth-mismatch.west.console.txt",
		[]profiletest.Want{{ID: "ipsec.psk-mismatch", Severity: "critical", Title: "different authentication methods"}}, []string{"ipsec.no-response"},
		"authentication failed: peer attempted NULL authentication but we want RSASIG"},
	{"ipsec/libreswan-main-testing/psk-pluto-02.road.console.txt",
		[]profiletest.Want{{ID: "ipsec.psk-mismatch", Severity: "critical", Title: "pre-shared key"}}, nil, "Hash Payload does not match computed value"},
	{"ipsec/libreswan-main-testing/basic-pluto-01.west.console.txt",
		[]profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "info", Title: "IPsec SA established"}}, ipsecFailures, "5.x healthy IKEv1 (no state names in the messages)"},
	{"ipsec/libreswan-main-testing/nat-pluto-01.north.console.txt",
		[]profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "info", Title: "IPsec SA established"}, {ID: "ipsec.nat", Severity: "info", Title: ""}}, ipsecFailures, "5.x ESPinUDP through NAT"},
	// --- Openswan 2.6.38 test suite ---
	{"ipsec/openswan-2.6.38-testing/log.ref/ipsec-wk-rsa.wi-log",
		[]profiletest.Want{{ID: "ipsec.psk-mismatch", Severity: "critical", Title: "RSA signature"}}, nil, "Signature check failed (wrong key?), INVALID_KEY_INFORMATION"},
	{"ipsec/openswan-2.6.38-testing/log.ref/clear-neg-nc-pl.wi-log",
		[]profiletest.Want{{ID: "ipsec.no-connection", Severity: "", Title: "128.95.7.1"}}, nil, "initial Main Mode message ... but no connection has been authorized"},
	{"ipsec/openswan-2.6.38-testing/log.ref/ipsec-psk.wi-log",
		[]profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "info", Title: "IPsec SA established"}}, ipsecFailures, "healthy PSK Main + Quick Mode"},
	{"ipsec/openswan-2.6.38-testing/netkey-pluto-01.west-console.txt",
		[]profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "info", Title: "IPsec SA established"}}, ipsecFailures, "healthy NETKEY tunnel"},
	// --- field logs ---
	{"ipsec/field/F2_2012-06-28_openswan-2.6.37_client_peer-id-mismatch.auth.log",
		[]profiletest.Want{{ID: "ipsec.id-mismatch", Severity: "critical", Title: "10.0.1.2"}, {ID: "ipsec.stuck", Severity: "critical", Title: "STATE_MAIN_I3"}}, []string{"ipsec.psk-mismatch"},
		"we require peer to have ID '123.123.123.123', but peer declares '10.0.1.2'; the malformed payload after it is the INVALID_ID exchange, not a PSK problem"},
	{"ipsec/field/F3_2012-06-29_openswan-2.6.37_l2tp-ipsec-vpn-manager_quick-mode-fail.log",
		[]profiletest.Want{{ID: "ipsec.proposal-mismatch", Severity: "warning", Title: "probable"}, {ID: "ipsec.stuck", Severity: "critical", Title: "STATE_QUICK_I1"}, {ID: "ipsec.nat", Severity: "info", Title: "both are NATed"}},
		[]string{"ipsec.no-response", "ipsec.psk-mismatch"}, "Quick Mode gives up: perhaps peer likes no proposal"},
	{"ipsec/field/F4_2012-08-01_netgear-dgn2200-router_ipsec-responder.log",
		[]profiletest.Want{{ID: "ipsec.no-connection", Severity: "", Title: "192.168.0.3"}}, nil, "Netgear responder: no suitable connection for peer '192.168.0.3'"},
	{"ipsec/field/F5_2012-08-01_openswan-2.6.37_l2tp-ipsec-vpn-manager_main-mode-auth-fail.log",
		[]profiletest.Want{{ID: "ipsec.id-mismatch", Severity: "critical", Title: `"Office"`}, {ID: "ipsec.stuck", Severity: "critical", Title: "STATE_MAIN_I3"}}, []string{"ipsec.psk-mismatch", "ipsec.no-response"},
		"MI3 answered with INVALID_ID_INFORMATION (the router of F4: no suitable connection for our ID)"},
	{"ipsec/field/F6_2012-07-10_openswan-2.6.23_server_no-connection-authorized.auth.log",
		[]profiletest.Want{{ID: "ipsec.no-connection", Severity: "warning", Title: "xxx.xxx.xxx.xxx"}}, nil, "no connection has been authorized with policy=PSK"},
	{"ipsec/field/F7_2010-02-17_openswan_whack-up_cisco-peer_malformed-auth-fail.txt",
		[]profiletest.Want{{ID: "ipsec.psk-mismatch", Severity: "critical", Title: "pre-shared key"}, {ID: "ipsec.stuck", Severity: "critical", Title: "STATE_MAIN_I3"}}, []string{"ipsec.id-mismatch"},
		"malformed payload right after MI3, then possible authentication failure"},
	{"ipsec/field/F8_2014-05-13_openswan_aws-to-azure_hourly-disconnect.auth.log",
		[]profiletest.Want{{ID: "ipsec.proposal-mismatch", Severity: "warning", Title: `"amzncapbreton/8x0"`}, {ID: "ipsec.tunnel-state", Severity: "info", Title: `"amznazure/1x0": IPsec SA established`}},
		[]string{"ipsec.no-response"}, "one connection's Quick Mode keeps failing (keying attempt 48, 49), the Azure ones re-key fine"},
	{"ipsec/field/F1_2014-08-09_openswan-2.6.37_l2tp-psk-nat-server_mobile-client.auth.log",
		[]profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "", Title: `"L2TP-PSK-NAT" (178.82.150.18)`}, {ID: "ipsec.nat", Severity: "info", Title: "both are NATed"}},
		[]string{"ipsec.psk-mismatch", "ipsec.no-response", "ipsec.stuck"}, "the excerpt ends while a new Main Mode is in progress: not stuck"},
	{"ipsec/field/G2_hwdsl2-setup-ipsec-vpn-issue343_libreswan_auth.log-restart.log", nil, ipsecCatalog, "a restart: nothing to say"},
	{"ipsec/field/G3_hwdsl2-docker-ipsec-vpn-server-issue199_libreswan_shutdown.log", nil, ipsecFailures, "a shutdown deleting half-open states"},
}

func TestIpsecCorpus(t *testing.T) {
	dir := filepath.Dir(profiletest.Corpus(t, "ipsec"))
	for _, c := range ipsecCorpusCases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			p := filepath.Join(dir, c.file)
			if _, err := os.Stat(p); err != nil {
				t.Skipf("corpus file missing: %v", err)
			}
			rep := profiletest.Analyze(t, "ipsec", nil, p)
			profiletest.Check(t, c.file+" ("+c.why+")", rep, c.want, c.absent)
		})
	}
}

// TestIpsecCorpusBackground: Linux, OpenSSH and Apache logs trip no ipsec
// rule at all.
func TestIpsecCorpusBackground(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(profiletest.Corpus(t, "background"), "*.log"))
	if len(files) == 0 {
		t.Skip("no background logs in the corpus")
	}
	for _, f := range files {
		rep := profiletest.Analyze(t, "ipsec", nil, f)
		if len(rep.Findings) > 0 {
			t.Errorf("%s: the ipsec profile reports on an unrelated log:%s", filepath.Base(f), profiletest.List(rep))
		}
	}
}

// TestIpsecSeedLog reads the article's example (a healthy Main Mode and
// Quick Mode exchange as IPCop's log page shows it: time of day only,
// newest line first, the connection name in typographic quotes) saved
// under an IPCop export name, and finds the tunnel up.
func TestIpsecSeedLog(t *testing.T) {
	seeds := os.Getenv("CASEFILE_SEEDS")
	if seeds == "" {
		seeds = filepath.Join(profiletest.RepoRoot(t), "..", "shared", "seeds")
	}
	data, err := os.ReadFile(filepath.Join(seeds, "002_8438ff39fc9bd12f.txt"))
	if err != nil {
		t.Skipf("seed document not found (set CASEFILE_SEEDS): %v", err)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, " pluto[") {
			lines = append(lines, l)
		}
	}
	if len(lines) < 8 {
		t.Fatalf("expected the article's pluto lines, found %d", len(lines))
	}
	rep := profiletest.Analyze(t, "ipsec", nil, profiletest.RawLog(t, "ipcop-ipsec-log.txt", strings.Join(lines, "\n")+"\n"))
	profiletest.Check(t, "seed article log", rep,
		[]profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "info", Title: `"abc": IPsec SA established`}, {ID: "ipsec.nat", Severity: "info", Title: "no NAT detected"}}, ipsecFailures)
}
