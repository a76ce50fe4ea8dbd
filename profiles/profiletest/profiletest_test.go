package profiletest

import (
	"testing"

	"casefile/analyze/report"
)

func TestMatchersAndMatchAny(t *testing.T) {
	p := Load(t, "tfst")
	res := Matchers(t, p, "tfst.fd-exhaustion", "")
	caps, ok := MatchAny(res, "03/09/09 16:41:01 1 1779102 upcallSender [line=3505]: accept() failed (e=24 - Too many open files)")
	if !ok {
		t.Fatalf("the document's accept() line does not fire tfst.fd-exhaustion (patterns %v)", res)
	}
	if _, ok := MatchAny(res, "03/09/09 16:41:02 1 1779106 LEAVE open_db (abdb_open failed)"); ok {
		t.Errorf("the aftermath line alone fires tfst.fd-exhaustion (captures %v)", caps)
	}
}

// TestCheck proves Check reports a missing and an unexpected finding.
func TestCheck(t *testing.T) {
	rep := &report.Report{Findings: []report.Finding{{ID: "x.a", Severity: "critical", Title: "disk full on n1"}}}
	for _, tc := range []struct {
		want   []Want
		absent []string
		fail   bool
	}{
		{want: []Want{{ID: "x.a", Severity: "critical", Title: "n1"}}},
		{want: []Want{{ID: "x.a", Severity: "warning"}}, fail: true},
		{want: []Want{{ID: "x.b"}}, fail: true},
		{absent: []string{"x.a"}, fail: true},
		{absent: []string{"x.b"}},
	} {
		ft := &recorder{TB: t}
		Check(ft, "case", rep, tc.want, tc.absent)
		if ft.failed != tc.fail {
			t.Errorf("Check(want %v, absent %v) failed=%v, want %v", tc.want, tc.absent, ft.failed, tc.fail)
		}
	}
}

// recorder is a testing.TB that notes failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Error(...any)          { r.failed = true }
