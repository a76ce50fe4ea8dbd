package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casefile/analyze"
	"casefile/analyze/report"
	"casefile/bundle"
	"casefile/profiles/profiletest"
)

// runAt runs collect in process with its clock pinned.
func runAt(t *testing.T, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, width: func() int { return 80 }, stopSignals: func() {}, now: func() time.Time { return now }}
	code := runMain(context.Background(), args, e)
	return code, out.String(), errb.String()
}

func onlyBundle(t *testing.T, dir string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "*.tar.gz"))
	if len(m) != 1 {
		t.Fatalf("bundles in %s: %v", dir, m)
	}
	return m[0]
}

// TestFollowUpLoop is the follow-up loop end to end on the fake TFST
// endpoint proxy with sockets in CLOSE_WAIT (docs/followup.md):
//
//  1. collect with a wrong install dir (so neither its log, its cfg, its
//     -v nor the install-dir listing is collected);
//  2. analyze it and work out the request: install-dir missing, the items
//     under install_dir, install_dir wrong (the help desk gives the right
//     one), and the socket table again an hour later
//     (tfst.closewait-buildup's resample); sign it;
//  3. an hour and five minutes later, with the socket count grown, collect
//     --request --trust: exactly those items plus the host items, the
//     request's install_dir, follow_up in the manifest;
//  4. analyze both: the first bundle's missing item is delivered (no
//     longer missing), and tfst.closewait-growth compares the two counts.
func TestFollowUpLoop(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the fake TFST host's programs are shell scripts for Linux")
	}
	repo := filepath.Join("..", "..")
	dir := t.TempDir()
	host := filepath.Join(dir, "host")
	profiletest.CopyTree(t, filepath.Join(repo, "testdata", "hosts", "tfst", "epp-closewait"), host)
	fieldKey := filepath.Join(repo, "testdata", "keys", "test.key")
	trusted, err := bundle.ParseTrustFile(fieldKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	helpdesk := filepath.Join(dir, "helpdesk.key")
	if code, _, errs := runCLI(t, "keygen", "-o", helpdesk); code != 0 {
		t.Fatalf("keygen: %s", errs)
	}
	hdKeys, err := bundle.ParseTrustFile(helpdesk + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	hdPriv, err := bundle.LoadPrivateKey(helpdesk, "")
	if err != nil {
		t.Fatal(err)
	}

	// 1. The first bundle, with a wrong install dir.
	t0 := time.Date(2010, 4, 7, 14, 25, 0, 0, time.UTC)
	out1 := filepath.Join(dir, "b1")
	os.Mkdir(out1, 0o755)
	code, _, errs := runAt(t, t0, "--profile", "tfst", "--root", host, "--root-exec", "--set", "install_dir=/opt/tivoli/EPProxx",
		"--case", "TS-1234", "--sign-key", fieldKey, "-o", out1+"/")
	if code != 0 {
		t.Fatalf("first collect: exit %d: %s", code, errs)
	}
	b1 := onlyBundle(t, out1)
	b1Sum := bundle.RequestID(mustRead(t, b1)) // the SHA-256 of the file

	// 2. The request.
	spec := &analyze.RequestSpec{Note: "please run this on tivgw10 again", Set: map[string]string{"install_dir": "/opt/tivoli/EPProxy"}}
	rep1, err := analyze.Run(context.Background(), []string{b1}, analyze.Options{Trust: trusted, Request: spec,
		Clock: func() time.Time { return t0.Add(10 * time.Minute) }})
	if err != nil {
		t.Fatal(err)
	}
	b1Name := rep1.Bundles[0].Name
	if diff := cmp.Diff(map[string][]string{b1Name: {"install-dir"}}, report.MissingItems(rep1)); diff != "" {
		t.Errorf("first bundle's missing items (-want +got):\n%s", diff)
	}
	under := "under install_dir, which was wrong or missing"
	wantReq := &bundle.Request{
		FormatVersion: 1, Kind: bundle.RequestKind, Created: t0.Add(10 * time.Minute), Profile: "tfst", Case: "TS-1234",
		Follows: bundle.RequestFollows{Bundle: b1Name, SHA256: b1Sum, Host: "tivgw10", CollectedAt: t0},
		Items: []bundle.RequestItem{
			{ID: "install-dir", Reason: "expected but not sent (not_found: /opt/tivoli/EPProxx: not found)"},
			{ID: "epp-log", Reason: under}, {ID: "epp-cfg", Reason: under}, {ID: "epproxy-version", Reason: under},
			{ID: "gwp-log", Reason: under}, {ID: "gwp-cfg", Reason: under}, {ID: "gwproxy-version", Reason: under},
			{ID: "relay-cfg", Reason: under}, {ID: "relay-log", Reason: under},
			{ID: "eventsink-cfg", Reason: under}, {ID: "eventsink-log", Reason: under},
		},
		Variables: []bundle.RequestVariable{{Name: "install_dir", Value: "/opt/tivoli/EPProxy", Was: "/opt/tivoli/EPProxx",
			Reason: "install_dir = /opt/tivoli/EPProxx (set): none of the 11 items under it was found (" +
				"epp-log, epp-cfg, epproxy-version, gwp-log, gwp-cfg, gwproxy-version, relay-cfg, relay-log, eventsink-cfg, eventsink-log, install-dir)"}},
		Resample: []bundle.RequestResample{{Rule: "tfst.closewait-buildup", Items: []string{"host.netstat", "host.sockets", "host.process-limits"},
			After: "1h", NotBefore: t0.Add(time.Hour)}},
		Note: "please run this on tivgw10 again",
	}
	if diff := cmp.Diff(wantReq, spec.Result); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	if spec.Result == nil {
		t.FailNow()
	}
	reqData, err := bundle.MarshalRequest(spec.Result)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := bundle.SignRequest(hdPriv, reqData)
	if err != nil {
		t.Fatal(err)
	}
	reqPath := filepath.Join(dir, "REQ.json")
	os.WriteFile(reqPath, reqData, 0o644)
	os.WriteFile(reqPath+".minisig", sig, 0o644)

	// 3. An hour and five minutes later the proxy holds 300 sockets in
	// CLOSE_WAIT; the follow-up is collected with the request (the
	// operator's old --set loses to the request's value).
	growSockets(t, filepath.Join(host, "fixtures", "netstat-anp.txt"), 300)
	t1 := t0.Add(65 * time.Minute)
	out2 := filepath.Join(dir, "b2")
	os.Mkdir(out2, 0o755)
	code, _, errs = runAt(t, t1, "--request", reqPath, "--trust", helpdesk+".pub", "--root", host, "--root-exec",
		"--set", "install_dir=/opt/tivoli/EPProxx", "--sign-key", fieldKey, "-o", out2+"/")
	if code != 0 {
		t.Fatalf("follow-up collect: exit %d: %s", code, errs)
	}
	for _, want := range []string{"follow-up request " + bundle.RequestID(reqData)[:16], "please run this on tivgw10 again",
		"install_dir = /opt/tivoli/EPProxy as the request says (not --set /opt/tivoli/EPProxx)"} {
		if !strings.Contains(errs, want) {
			t.Errorf("follow-up collect's stderr lacks %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, "too early") {
		t.Errorf("warned a sample after not_before is early:\n%s", errs)
	}
	b2 := onlyBundle(t, out2)
	if !strings.Contains(filepath.Base(b2), "-TS-1234-") {
		t.Errorf("follow-up bundle %s is not named with the request's case", filepath.Base(b2))
	}
	m2 := readManifest(t, b2)
	if m2.Case != "TS-1234" {
		t.Errorf("follow-up manifest case %q, want the request's TS-1234", m2.Case)
	}
	wantFU := &bundle.FollowUp{RequestID: bundle.RequestID(reqData), Follows: b1Sum, SignerKeyID: bundle.KeyID(hdKeys[0].Key.ID())}
	if diff := cmp.Diff(wantFU, m2.FollowUp); diff != "" {
		t.Errorf("manifest follow_up (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(bundle.Variable{Value: "/opt/tivoli/EPProxy", Source: "request"}, m2.Variables["install_dir"]); diff != "" {
		t.Errorf("install_dir (-want +got):\n%s", diff)
	}
	var ids []string
	for _, it := range m2.Items {
		if !strings.HasPrefix(it.ID, "host.") {
			ids = append(ids, it.ID)
		}
	}
	sort.Strings(ids)
	wantIDs := []string{"epp-cfg", "epp-log", "epproxy-version", "eventsink-cfg", "eventsink-log", "gwp-cfg", "gwp-log",
		"gwproxy-version", "install-dir", "relay-cfg", "relay-log"}
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Errorf("follow-up's profile items: exactly the request's, (-want +got):\n%s", diff)
	}

	// 4. Both together: one host at two times.
	rep, err := analyze.Run(context.Background(), []string{b1, b2}, analyze.Options{Trust: trusted,
		Clock: func() time.Time { return t1.Add(10 * time.Minute) }})
	if err != nil {
		t.Fatal(err)
	}
	b2Name := rep.Bundles[1].Name
	wantLink := &report.FollowUp{RequestID: wantFU.RequestID, SignerKeyID: wantFU.SignerKeyID, FollowsSHA256: b1Sum,
		Follows: b1Name, Delivered: []string{"install-dir"}, StillMissing: []string{}}
	if diff := cmp.Diff(wantLink, rep.Bundles[1].FollowUp); diff != "" {
		t.Errorf("report follow_up (-want +got):\n%s", diff)
	}
	noted := false
	for _, c := range rep.Coverage {
		if c.Rule == "tfst.version" && c.Bundle == b1Name {
			noted = c.Status == report.CoverageSkipped && strings.HasSuffix(c.Reason, "; ran on its follow-up "+b2Name)
			if !noted {
				t.Errorf("coverage of tfst.version on the first bundle does not say it ran on the follow-up: %+v", c)
			}
		}
	}
	if !noted {
		t.Error("no coverage of tfst.version on the first bundle")
	}
	if diff := cmp.Diff(map[string][]string{}, report.MissingItems(rep)); diff != "" {
		t.Errorf("merged missing items (-want +got):\n%s", diff)
	}
	type brief struct {
		ID, Severity, Title string
		Bundles             []string
	}
	var got []brief
	for _, f := range rep.Findings {
		if f.ID == "tfst.closewait-growth" {
			got = append(got, brief{f.ID, f.Severity, f.Title, f.Bundles})
		}
	}
	want := []brief{{"tfst.closewait-growth", "critical", "CLOSE_WAIT count grew from 64 to 300 in 65 minutes: a leak, not a spike", []string{b2Name, b1Name}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("two-sample comparison (-want +got):\n%s", diff)
	}
	var text bytes.Buffer
	if err := report.WriteText(&text, rep, report.TextOptions{Width: 200}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text.String(), "Ask the customer") {
		t.Errorf("the text report still asks for what the follow-up delivered:\n%s", text.String())
	}
	wantLine := "follow-up of " + b1Name + " (request " + wantFU.RequestID[:16] + "…, key " + wantFU.SignerKeyID + "): delivered install-dir"
	if !strings.Contains(text.String(), wantLine) {
		t.Errorf("the text report lacks %q:\n%s", wantLine, text.String())
	}
	var page bytes.Buffer
	if err := report.WriteHTML(&page, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), "<dt>Follow-up</dt><dd>follow-up of "+b1Name) || strings.Contains(page.String(), "ask the customer for") {
		t.Error("the HTML report does not name the follow-up, or still asks for what it delivered")
	}
	// The first bundle alone still asks for it.
	text.Reset()
	if err := report.WriteText(&text, rep1, report.TextOptions{Width: 200}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "Ask the customer for install-dir") {
		t.Errorf("the first bundle's report does not ask for install-dir:\n%s", text.String())
	}

	// A sample taken before not_before is collected, with a warning.
	out3 := filepath.Join(dir, "b3")
	os.Mkdir(out3, 0o755)
	code, _, errs = runAt(t, t0.Add(20*time.Minute), "--request", reqPath, "--trust", helpdesk+".pub", "--root", host, "--root-exec",
		"--sign-key", fieldKey, "-o", out3+"/")
	if code != 0 || !strings.Contains(errs, "no earlier than 2010-04-07T15:25:00Z (40m0s from now); this one may be too early to compare") {
		t.Errorf("early follow-up: exit %d, stderr:\n%s", code, errs)
	}
}

// growSockets adds CLOSE_WAIT sockets of epproxy to a netstat -anp
// fixture until it holds n.
func growSockets(t *testing.T, path string, n int) {
	t.Helper()
	data := string(mustRead(t, path))
	have := strings.Count(data, "CLOSE_WAIT")
	var b strings.Builder
	b.WriteString(data)
	for i := have; i < n; i++ {
		fmt.Fprintf(&b, "tcp        1      0 127.0.0.1:%d             127.0.0.1:9494              CLOSE_WAIT  4410/epproxy\n", 40000+i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
