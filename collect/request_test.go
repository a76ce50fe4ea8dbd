package collect

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casefile/bundle"
	"casefile/profiles"
)

// TestFollowUpCollection: a follow-up collects exactly the requested
// profile items plus the host items, applies the request's variables
// (source request), and records follow_up and the request's case.
func TestFollowUpCollection(t *testing.T) {
	p := loadTestProfile(t, "basic")
	opts := testOptions(t, p, basicHost())
	fu := bundle.FollowUp{RequestID: strings.Repeat("a", 64), Follows: strings.Repeat("b", 64), SignerKeyID: "0123456789ABCDEF"}
	opts.Request = &FollowUpRequest{FollowUp: fu, Case: "TS-4711", Items: []string{"app-config", "missing-file"},
		Vars: map[string]string{"include_cores": "true"}}
	res := run(t, opts)
	m, _ := readBundle(t, res.Path)
	if diff := cmp.Diff(&fu, m.FollowUp); diff != "" {
		t.Errorf("follow_up (-want +got):\n%s", diff)
	}
	if m.Case != "TS-4711" {
		t.Errorf("case %q", m.Case)
	}
	if diff := cmp.Diff(bundle.Variable{Value: "true", Source: SourceRequest}, m.Variables["include_cores"]); diff != "" {
		t.Errorf("include_cores (-want +got):\n%s", diff)
	}
	var ids []string
	hostItems := 0
	for _, it := range m.Items {
		if strings.HasPrefix(it.ID, "host.") {
			hostItems++
			continue
		}
		ids = append(ids, it.ID)
	}
	sort.Strings(ids)
	if diff := cmp.Diff([]string{"app-config", "missing-file"}, ids); diff != "" {
		t.Errorf("profile items (-want +got):\n%s", diff)
	}
	if hostItems == 0 {
		t.Error("no host items in a follow-up")
	}
}

// TestNewFollowUp: request values win over --set (with a note); a
// variable named without a value drops a --set equal to the wrong value
// and keeps any other.
func TestNewFollowUp(t *testing.T) {
	p := loadTestProfile(t, "basic")
	host, err := profiles.HostProfile()
	if err != nil {
		t.Fatal(err)
	}
	req := &bundle.VerifiedRequest{ID: strings.Repeat("c", 64), SignerKeyID: "K", Request: &bundle.Request{
		FormatVersion: 1, Kind: bundle.RequestKind, Created: time.Now(), Profile: "basic",
		Follows: bundle.RequestFollows{SHA256: strings.Repeat("d", 64)},
		Items:   []bundle.RequestItem{{ID: "app-dir"}, {ID: "host.ps"}},
		Variables: []bundle.RequestVariable{{Name: "install_dir", Value: "/opt/app"},
			{Name: "log_dir", Was: "/wrong/logs", Reason: "nothing under it"}},
		Resample: []bundle.RequestResample{{Rule: "r", Items: []string{"netstat", "app-dir"}, After: "1h"}},
	}}
	set := map[string]string{"install_dir": "/usr/app", "log_dir": "/wrong/logs", "include_cores": "true"}
	fu, notes, err := NewFollowUp(req, p, host, set)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"app-dir", "host.ps", "netstat"}, fu.Items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"install_dir": "/opt/app"}, fu.Vars); diff != "" {
		t.Errorf("vars (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"install_dir": "/usr/app", "include_cores": "true"}, set); diff != "" {
		t.Errorf("--set after (-want +got):\n%s", diff)
	}
	if len(notes) != 2 || !strings.Contains(notes[0], "as the request says") || !strings.Contains(notes[1], "--set log_dir=/wrong/logs ignored") {
		t.Errorf("notes %q", notes)
	}
	req.Profile = "other"
	if _, _, err := NewFollowUp(req, p, host, nil); err == nil || !strings.Contains(err.Error(), "for profile other, not basic") {
		t.Errorf("other profile: %v", err)
	}
}
