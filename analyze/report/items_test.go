package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestItemStates: what became of an item, as the summaries count it.
func TestItemStates(t *testing.T) {
	tests := []struct {
		it   Item
		want int
	}{
		{Item{ID: "a"}, itemCollected},
		{Item{ID: "a", Optional: true}, itemCollected},
		{Item{ID: "a", ErrorKind: "not_found"}, itemMissing},
		{Item{ID: "a", ErrorKind: "command_not_found"}, itemMissing},
		{Item{ID: "a", ErrorKind: "not_found", Optional: true}, itemOptional},
		{Item{ID: "a", ErrorKind: "command_not_found", Optional: true}, itemOptional},
		{Item{ID: "a", ErrorKind: "skipped", Optional: true}, itemOptional}, // when false, builtin not for this OS
		{Item{ID: "a", ErrorKind: "skipped"}, itemFailed},                   // --max-time, a failing when
		{Item{ID: "a", ErrorKind: "timeout", Stored: []string{"commands/a.out"}}, itemFailed},
		{Item{ID: "a", ErrorKind: "permission_denied", Optional: true}, itemFailed}, // there, but unreadable
		{Item{ID: "a", ErrorKind: "too_large"}, itemFailed},
		{Item{ID: "a", ErrorKind: "not_redactable"}, itemFailed},
		{Item{ID: "a", Error: "something"}, itemFailed},
	}
	for _, tt := range tests {
		if got := itemState(tt.it); got != tt.want {
			t.Errorf("itemState(%+v) = %d, want %d", tt.it, got, tt.want)
		}
	}
}

// wrongLogs is a bundle whose customer sent the wrong logs: expected
// files missing, a command timed out, optional items absent.
func wrongLogs(missing int) Bundle {
	b := Bundle{Name: "tfst-tivgw07", Kind: "bundle", Host: "tivgw07", Redacted: true, Signature: Signature{Status: "valid", Trusted: true, Signer: "x"}, Integrity: Integrity{Status: IntegrityOK}}
	for i := range 22 {
		b.Items = append(b.Items, Item{ID: fmt.Sprintf("ok-%d", i), Stored: []string{"x"}})
	}
	b.Items[3].Redactions = map[string]int{"password": 2}
	for i := range missing {
		b.Items = append(b.Items, Item{ID: []string{"epp-log", "epproxy-cfg", "gwp-log", "gwp-cfg", "relay-log"}[i], ErrorKind: "not_found"})
	}
	b.Items = append(b.Items, Item{ID: "host.netstat", ErrorKind: "timeout", Error: "killed after 30s"})
	for i := range 15 {
		b.Items = append(b.Items, Item{ID: fmt.Sprintf("opt-%d", i), ErrorKind: "not_found", Optional: true})
	}
	return b
}

// TestItemSummary: the bundle summaries tell expected items that are
// missing and failed ones (named, highlighted) from optional ones that
// are not on this host; the text adds one line asking for what is
// missing; the HTML items table lists failed, then missing, then the rest.
func TestItemSummary(t *testing.T) {
	r := &Report{Bundles: []Bundle{wrongLogs(2)}}
	want := "40 items: 22 collected · 2 expected but missing (epp-log, epproxy-cfg) · 1 failed (host.netstat: timeout) · 15 optional, not on this host · 1 redacted"
	if got := statsOf(r.Bundles[0].Items).String(); got != want {
		t.Errorf("summary\n got %q\nwant %q", got, want)
	}
	if got, want := statsOf(wrongLogs(5).Items).String(), "5 expected but missing (epp-log, epproxy-cfg, gwp-log, +2 more)"; !strings.Contains(got, want) {
		t.Errorf("long list: %q does not contain %q", got, want)
	}

	var buf bytes.Buffer
	if err := WriteText(&buf, r, TextOptions{Color: true, Width: 200}); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, want := range []string{
		ansiYellow + "2 expected but missing (epp-log, epproxy-cfg)" + ansiReset,
		ansiYellow + "1 failed (host.netstat: timeout)" + ansiReset,
		" · 15 optional, not on this host · ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	var hints []string
	for _, l := range strings.Split(stripANSI(text), "\n") {
		if strings.HasPrefix(l, "Ask the customer") {
			hints = append(hints, l)
		}
	}
	if diff := cmp.Diff([]string{"Ask the customer for epp-log, epproxy-cfg: expected but not sent (wrong install dir? wrong host?)"}, hints); diff != "" {
		t.Errorf("hint (-want +got):\n%s", diff)
	}

	// Optional items not there, a failure: no hint (nothing to ask for).
	quiet := wrongLogs(0)
	buf.Reset()
	if err := WriteText(&buf, &Report{Bundles: []Bundle{quiet}}, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Ask the customer") {
		t.Errorf("hint without expected items missing:\n%s", buf.String())
	}

	page := renderHTML(t, r)
	var order []string
	for _, row := range strings.Split(page, "\n") {
		if i := strings.Index(row, `<tr class="`); i >= 0 && strings.Contains(row, `<td class="card-title"><code>`) {
			order = append(order, strings.SplitN(row[i+len(`<tr class="`):], `"`, 2)[0])
		} else if strings.Contains(row, `<tr><td class="card-title"><code>`) {
			order = append(order, "")
		}
	}
	if len(order) != 40 || order[0] != "failed" || order[1] != "missing" || order[2] != "missing" || order[39] != "optional" {
		t.Errorf("items table order %v: want failed, then missing, then the rest, optional last", order)
	}
	for _, want := range []string{
		`<span class="warn">2 expected but missing (epp-log, epproxy-cfg)</span>`,
		`<span class="warn">1 failed (host.netstat: timeout)</span>`,
		`<span>15 optional, not on this host</span>`,
		`class="alert warn"><a href="#b0">tfst-tivgw07: 2 items expected but not sent (epp-log, epproxy-cfg): ask the customer for them`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
