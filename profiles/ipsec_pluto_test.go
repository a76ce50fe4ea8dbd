package profiles_test

// TestIpsecRealPluto runs two real Libreswan pluto daemons (Debian's
// libreswan package) in two network namespaces joined by a veth pair,
// through scripts/pluto-lab.sh: once with matching settings, once with a
// wrong pre-shared key, once with proposals that do not overlap, once with
// the responder's firewall dropping UDP 500/4500 from the initiator, each
// for IKEv1 and IKEv2, and once with IKEv1 XAUTH and a wrong password.
// Each side is then turned into a fake host (its
// configuration, secrets and pluto log at the usual paths, the status,
// ip xfrm, iptables and process outputs captured from the lab as bin/
// scripts), collected with the collector library and analyzed, both sides
// together, and the diagnosis is checked.
//
// It needs root (network namespaces, XFRM), ip(8), iptables and
// /usr/libexec/ipsec/pluto, and it skips with -short. The addresses
// (192.0.2.1, 192.0.2.2) exist only inside the namespaces; the daemons,
// namespaces and veth pair are removed whatever happens.
//
// A kernel without ESP support (CONFIG_INET_ESP off, no modules) refuses
// the IPsec SA: the "matching settings" runs then end with the IKE SA up
// and the kernel's refusal in the responder's log, and the test expects
// ipsec.kernel-sa-failed instead of an established tunnel.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"casefile/analyze/report"
	"casefile/collect"
	"casefile/internal/testenv"
	"casefile/profiles/profiletest"
)

const plutoBin = "/usr/libexec/ipsec/pluto"

// ipsecLabScenario is one run of the lab and what the analysis must say.
type ipsecLabScenario struct {
	name string
	// check judges the report of both sides analyzed together; up is
	// whether the kernel could install IPsec SAs in the namespaces.
	check func(t *testing.T, rep *report.Report, left, right string, up bool)
	// logs, when set, judges shapes customers post, made from the two
	// sides' real pluto logs (ipsec_shapes_test.go).
	logs func(t *testing.T, left, right string)
}

func ipsecLabScenarios() []ipsecLabScenario {
	upCheck := func(t *testing.T, rep *report.Report, left, right string, up bool) {
		if up {
			ipsecCheckBundle(t, rep, left, []profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "info", Title: "IPsec SA established"}}, ipsecFailures)
			ipsecCheckBundle(t, rep, right, []profiletest.Want{{ID: "ipsec.tunnel-state", Severity: "info", Title: "IPsec SA established"}}, ipsecFailures)
			return
		}
		ipsecCheckBundle(t, rep, right, []profiletest.Want{{ID: "ipsec.kernel-sa-failed", Severity: "critical", Title: "kernel refused"}},
			[]string{"ipsec.psk-mismatch", "ipsec.no-response", "ipsec.firewall", "ipsec.pluto-down"})
		ipsecCheckBundle(t, rep, left, nil, []string{"ipsec.psk-mismatch", "ipsec.no-response", "ipsec.firewall", "ipsec.pluto-down"})
	}
	return []ipsecLabScenario{
		{"up-v1", upCheck, nil},
		{"up-v2", upCheck, nil},
		{"psk-v1", func(t *testing.T, rep *report.Report, left, right string, _ bool) {
			ipsecCheckBundle(t, rep, right, []profiletest.Want{{ID: "ipsec.psk-mismatch", Severity: "critical", Title: "pre-shared key mismatch"}}, []string{"ipsec.no-response", "ipsec.id-mismatch"})
			ipsecCheckBundle(t, rep, left, []profiletest.Want{{ID: "ipsec.psk-mismatch", Severity: "critical", Title: ""}, {ID: "ipsec.stuck", Severity: "", Title: ""}}, []string{"ipsec.no-response", "ipsec.id-mismatch"})
		}, nil},
		{"psk-v2", func(t *testing.T, rep *report.Report, left, right string, _ bool) {
			ipsecCheckBundle(t, rep, right, []profiletest.Want{{ID: "ipsec.psk-mismatch", Severity: "critical", Title: "pre-shared key mismatch"}}, []string{"ipsec.no-response"})
			ipsecCheckBundle(t, rep, left, []profiletest.Want{{ID: "ipsec.psk-mismatch", Severity: "critical", Title: "authentication failed"}}, []string{"ipsec.no-response"})
		}, ipsecLabNameless},
		{"proposal-v1", func(t *testing.T, rep *report.Report, left, right string, _ bool) {
			ipsecCheckBundle(t, rep, right, []profiletest.Want{{ID: "ipsec.proposal-mismatch", Severity: "critical", Title: "we refused the peer's proposal"}}, []string{"ipsec.psk-mismatch"})
			ipsecCheckBundle(t, rep, left, []profiletest.Want{{ID: "ipsec.proposal-mismatch", Severity: "critical", Title: "phase 2"}, {ID: "ipsec.stuck", Severity: "", Title: ""}}, []string{"ipsec.no-response", "ipsec.psk-mismatch"})
		}, nil},
		{"proposal-v2", func(t *testing.T, rep *report.Report, left, right string, _ bool) {
			ipsecCheckBundle(t, rep, right, []profiletest.Want{{ID: "ipsec.proposal-mismatch", Severity: "critical", Title: "phase 1"}}, nil)
			// The initiator's "no response (or no acceptable response)" follows
			// a NO_PROPOSAL_CHOSEN answer: not a silent peer.
			ipsecCheckBundle(t, rep, left, []profiletest.Want{{ID: "ipsec.proposal-mismatch", Severity: "critical", Title: "the peer refused ours"}}, []string{"ipsec.no-response"})
		}, nil},
		{"udp500-v1", func(t *testing.T, rep *report.Report, left, right string, _ bool) {
			ipsecCheckBundle(t, rep, left, []profiletest.Want{{ID: "ipsec.no-response", Severity: "critical", Title: `"hq-branch"`}, {ID: "ipsec.stuck", Severity: "", Title: "STATE_MAIN_I1"}}, []string{"ipsec.proposal-mismatch"})
			ipsecCheckBundle(t, rep, right, []profiletest.Want{{ID: "ipsec.firewall", Severity: "critical", Title: "UDP 500) from 192.0.2.1"}}, nil)
		}, ipsecLabStillRetransmitting},
		{"udp500-v2", func(t *testing.T, rep *report.Report, left, right string, _ bool) {
			ipsecCheckBundle(t, rep, left, []profiletest.Want{{ID: "ipsec.no-response", Severity: "critical", Title: "192.0.2.2"}}, []string{"ipsec.proposal-mismatch"})
			ipsecCheckBundle(t, rep, right, []profiletest.Want{{ID: "ipsec.firewall", Severity: "critical", Title: "from 192.0.2.1"}}, nil)
		}, ipsecLabStillRetransmitting},
		// XAUTH runs after phase 1, so a kernel without ESP does not matter.
		{"xauth-v1", func(t *testing.T, rep *report.Report, left, right string, _ bool) {
			ipsecCheckBundle(t, rep, right, []profiletest.Want{{ID: "ipsec.xauth-failed", Severity: "critical", Title: `"hq-branch": XAUTH user authentication failed for user lab-user`}}, []string{"ipsec.psk-mismatch", "ipsec.no-response"})
			ipsecCheckBundle(t, rep, left, []profiletest.Want{{ID: "ipsec.xauth-failed", Severity: "critical", Title: `"hq-branch": XAUTH user authentication failed for user lab-user`}}, []string{"ipsec.psk-mismatch", "ipsec.no-response"})
		}, nil},
	}
}

// ipsecCheckBundle checks the findings of one bundle of a report.
func ipsecCheckBundle(t *testing.T, rep *report.Report, bundle string, want []profiletest.Want, absent []string) {
	t.Helper()
	sub := &report.Report{}
	for _, f := range rep.Findings {
		if f.Bundle == bundle {
			sub.Findings = append(sub.Findings, f)
		}
	}
	profiletest.Check(t, bundle, sub, want, absent)
}

func ipsecLabUsable(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the real pluto lab takes about a minute")
	}
	testenv.Root(t, "network namespaces and XFRM")
	for _, p := range []string{plutoBin, "/usr/sbin/ipsec"} {
		if _, err := os.Stat(p); err != nil {
			testenv.Unavailable(t, "%s not installed (Debian package libreswan): %v", p, err)
		}
	}
	testenv.Program(t, "ip", "iproute2")
	testenv.Program(t, "iptables", "iptables")
	testenv.Program(t, "iptables-save", "iptables")
	testenv.Program(t, "timeout", "coreutils")
	name := fmt.Sprintf("cfprobe%d", os.Getpid()%100000)
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		testenv.Unavailable(t, "this machine refuses network namespaces (ip netns add): %v: %s", err, out)
	}
	exec.Command("ip", "netns", "del", name).Run()
	return filepath.Join(profiletest.RepoRoot(t), "scripts", "pluto-lab.sh")
}

func TestIpsecRealPluto(t *testing.T) {
	script := ipsecLabUsable(t)
	work := t.TempDir()
	scenarios := ipsecLabScenarios()

	// Run every scenario at once: each has its own pair of namespaces.
	type result struct {
		out  string
		err  error
		logs string
	}
	results := make([]result, len(scenarios))
	var wg sync.WaitGroup
	for i, sc := range scenarios {
		id := fmt.Sprintf("%x%d", os.Getpid()%4096, i)
		out := filepath.Join(work, sc.name)
		t.Cleanup(func() { ipsecLabCleanup(id, out) })
		wg.Add(1)
		go func(i int, sc ipsecLabScenario, id, out string) {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", script, sc.name, out, id)
			b, err := cmd.CombinedOutput()
			results[i] = result{out: out, err: err, logs: string(b)}
		}(i, sc, id, out)
	}
	wg.Wait()

	for i, sc := range scenarios {
		r := results[i]
		t.Run(sc.name, func(t *testing.T) {
			if r.err != nil {
				t.Fatalf("pluto-lab.sh %s: %v\n%s", sc.name, r.err, profiletest.LastLines(r.logs, 10))
			}
			// Did the kernel install IPsec SAs here? (It does not without ESP support.)
			rightLog, _ := os.ReadFile(filepath.Join(r.out, "right", "pluto.log"))
			up := !strings.Contains(string(rightLog), "netlink response for Add SA")
			if !up {
				t.Logf("this kernel refuses ESP SAs: %s", ipsecFirstMatch(string(rightLog), "netlink response for Add SA"))
			}
			var bundles []string
			names := map[string]string{}
			for _, side := range []string{"left", "right"} {
				root := ipsecLabRoot(t, r.out, side)
				outDir := filepath.Join(r.out, "bundle-"+side)
				os.MkdirAll(outDir, 0o755)
				res, err := collect.Run(context.Background(), collect.Options{
					Profile: profiletest.Load(t, "ipsec"), Root: root, Output: outDir, RootCommandsOnly: true,
					Note: "pluto lab " + sc.name + ", " + side + " side",
				})
				if err != nil {
					t.Fatalf("collect %s: %v", side, err)
				}
				bundles = append(bundles, res.Path)
				// Secrets never reach the bundle.
				files := profiletest.Members(t, res.Path)
				for name, body := range files {
					if strings.Contains(body, "lab-psk-") {
						t.Errorf("%s side: the pre-shared key is in %s", side, name)
					}
				}
				names[side] = strings.TrimSuffix(filepath.Base(res.Path), ".tar.gz")
			}
			rep := profiletest.Analyze(t, "ipsec", nil, bundles...)
			t.Logf("findings:%s", profiletest.List(rep))
			left, right := ipsecBundleName(rep, names["left"]), ipsecBundleName(rep, names["right"])
			sc.check(t, rep, left, right, up)
			if sc.logs != nil {
				leftLog, _ := os.ReadFile(filepath.Join(r.out, "left", "pluto.log"))
				sc.logs(t, string(leftLog), string(rightLog))
			}
		})
	}
}

// ipsecBundleName finds the report's name of a bundle from its file name.
func ipsecBundleName(rep *report.Report, file string) string {
	for _, b := range rep.Bundles {
		if strings.Contains(b.Path, file) || b.Name == file {
			return b.Name
		}
	}
	return file
}

func ipsecFirstMatch(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// ipsecLabRoot builds a fake host root from one side of a lab run: the
// files at the paths the profile collects, the captured command outputs
// behind small scripts in bin/.
func ipsecLabRoot(t *testing.T, out, side string) string {
	t.Helper()
	src := filepath.Join(out, side)
	root := filepath.Join(out, "root-"+side)
	copyFile := func(from, to string) {
		b, err := os.ReadFile(filepath.Join(src, from))
		if err != nil {
			t.Fatalf("lab output %s: %v", from, err)
		}
		p := filepath.Join(root, to)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("ipsec.conf", "etc/ipsec.conf")
	copyFile("ipsec.secrets", "etc/ipsec.secrets")
	copyFile("pluto.log", "var/log/pluto.log")
	hostname := "lab-" + side
	kernel, _ := os.ReadFile(filepath.Join(src, "uname.txt"))
	files := map[string]string{
		"etc/hostname":              hostname + "\n",
		"etc/timezone":              "UTC\n",
		"etc/os-release":            "PRETTY_NAME=\"pluto lab\"\nID=debian\n",
		"proc/sys/kernel/osrelease": string(kernel),
		"fixtures/uname.txt":        "Linux " + hostname + " " + strings.TrimSpace(string(kernel)) + " x86_64 GNU/Linux\n",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	for _, f := range []string{"status.txt", "trafficstatus.txt", "xfrm-state.txt", "xfrm-policy.txt", "ip-route.txt", "ip-addr.txt", "ip-link.txt", "iptables-save.txt", "nft.txt", "ss.txt", "ps.txt"} {
		copyFile(f, "fixtures/"+f)
	}
	scripts := map[string]string{
		"ipsec": `case "$*" in
  "status"|"whack --status"|"auto --status") cat "$d/status.txt" ;;
  "whack --trafficstatus"|"trafficstatus") cat "$d/trafficstatus.txt" ;;
  "--version") echo "Libreswan 4.10" ;;
  *) echo "ipsec: not in this lab host: $*" >&2; exit 2 ;;
esac`,
		"ip": `case "$*" in
  "-s xfrm state"|"xfrm state") cat "$d/xfrm-state.txt" ;;
  "xfrm policy") cat "$d/xfrm-policy.txt" ;;
  "route show table all"|"route") cat "$d/ip-route.txt" ;;
  "addr") cat "$d/ip-addr.txt" ;;
  "-s link") cat "$d/ip-link.txt" ;;
  *) echo "ip: not in this lab host: $*" >&2; exit 2 ;;
esac`,
		"iptables-save": `cat "$d/iptables-save.txt"`,
		"nft":           `cat "$d/nft.txt"`,
		"ss":            `cat "$d/ss.txt"`,
		"ps":            `cat "$d/ps.txt"`,
		"uname":         `cat "$d/uname.txt"`,
	}
	for name, body := range scripts {
		p := filepath.Join(root, "bin", name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("#!/bin/sh\nd=\"$(dirname \"$0\")/../fixtures\"\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// ipsecLabCleanup removes what a lab run may have left when the script
// itself could not (killed by a timeout): its two pluto daemons (by the pid
// files it wrote, and only if they are still this run's pluto) and its
// namespaces and veth pair.
func ipsecLabCleanup(id, out string) {
	for _, side := range []string{"left", "right"} {
		b, err := os.ReadFile(filepath.Join(out, side, "pluto.pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 1 {
			continue
		}
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil || !strings.Contains(string(cmdline), "pluto") || !strings.Contains(string(cmdline), out) {
			continue
		}
		if p, err := os.FindProcess(pid); err == nil {
			p.Kill()
		}
	}
	id = id[:min(len(id), 8)]
	exec.Command("ip", "netns", "del", "cfl-"+id+"-l").Run()
	exec.Command("ip", "netns", "del", "cfl-"+id+"-r").Run()
	exec.Command("ip", "link", "del", "cfl"+id+"l").Run()
}

// ipsecLabNameless: the initiator's log of a refused IKEv2 authentication
// with the connection cut from the failure line (tied back by its SA
// number), then from every line (not named).
func ipsecLabNameless(t *testing.T, left, _ string) {
	lines := ipsecPluto(strings.Split(strings.TrimSpace(left), "\n"))
	fail := func(s string) bool { return strings.Contains(s, "AUTHENTICATION_FAILED") }
	rep := profiletest.Analyze(t, "ipsec", nil, profiletest.RawLog(t, "pluto.log", ipsecJournal(ipsecStripConn(lines, fail))))
	profiletest.Check(t, "failure line without the connection", rep,
		[]profiletest.Want{{ID: "ipsec.psk-mismatch", Severity: "critical", Title: `"hq-branch": authentication failed`}}, []string{"ipsec.no-response"})
	rep = profiletest.Analyze(t, "ipsec", nil, profiletest.RawLog(t, "pluto.log", ipsecJournal(ipsecStripConn(lines, func(string) bool { return true }))))
	profiletest.Check(t, "no line naming the connection", rep,
		[]profiletest.Want{{ID: "ipsec.psk-mismatch", Severity: "critical", Title: "connection not named in the log: authentication failed"}}, nil)
}

// ipsecLabStillRetransmitting: the initiator's log cut before pluto gives
// up on its first message.
func ipsecLabStillRetransmitting(t *testing.T, left, _ string) {
	var cut []string
	for _, l := range strings.Split(strings.TrimSpace(left), "\n") {
		if strings.Contains(l, "timeout exceeded") || strings.Contains(l, "max number of retransmissions") {
			break
		}
		cut = append(cut, l)
	}
	rep := profiletest.Analyze(t, "ipsec", nil, profiletest.RawLog(t, "pluto.log", strings.Join(cut, "\n")+"\n"))
	profiletest.Check(t, "log cut while retransmitting", rep,
		[]profiletest.Want{{ID: "ipsec.no-response", Severity: "critical", Title: "still retransmitting when the log ends"}}, nil)
}
