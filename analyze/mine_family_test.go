package analyze

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"casefile/analyze/input/inputtest"
	"casefile/analyze/report"
	"casefile/profiles"
)

// TestUnexplainedFamily: a template in a log and its rotations (epp.log,
// epp.log.1, epp.log.2.gz) is listed once, with the summed count, the
// earliest first and latest last time, the earliest line as its example,
// the files it is in, and a score judged on the merged lines (six lines
// are not rare, though each file has two). The coverage lines stay one
// per file.
func TestUnexplainedFamily(t *testing.T) {
	prof, err := profiles.Builtin("tfst")
	if err != nil {
		t.Fatal(err)
	}
	const msg = "spoolKeeper: frobnicator 7 wedged, cannot reach spool"
	logOf := func(day int) string {
		var sb strings.Builder
		start := time.Date(2016, 3, day, 2, 0, 0, 0, time.UTC)
		for i := 0; i < 10; i++ {
			sb.WriteString(start.Add(time.Duration(i)*time.Minute).Format("06/01/02 15:04:05") + " 1 1779 multiplexer: session 4 opened\n")
		}
		for i := 0; i < 2; i++ {
			sb.WriteString(start.Add(time.Duration(30+i)*time.Minute).Format("06/01/02 15:04:05") + " 1 1779 " + msg + "\n")
		}
		return sb.String()
	}
	d := "files/opt/tivoli/EPProxy/"
	files := map[string]string{d + "epp.log": logOf(12), d + "epp.log.1": logOf(11), d + "epp.log.2.gz": gzipped(t, logOf(10))}
	dir := inputtest.Build(t, inputtest.Spec{Files: files}).WriteDir(t, t.TempDir())
	rep, err := Run(context.Background(), []string{dir}, Options{Profile: prof, Clock: func() time.Time { return inputtest.Time }})
	if err != nil {
		t.Fatal(err)
	}
	var got []report.Unexplained
	for _, u := range rep.Unexplained {
		if strings.HasPrefix(u.Template, "spoolKeeper:") {
			got = append(got, u)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d entries of the template, want 1: %+v", len(got), got)
	}
	u := got[0]
	first := time.Date(2016, 3, 10, 2, 30, 0, 0, time.UTC)
	last := time.Date(2016, 3, 12, 2, 31, 0, 0, time.UTC)
	p := "opt/tivoli/EPProxy/"
	want := struct {
		File, ExFile, ExText string
		Files                []string
		FileCount, Count     int
		ExLine               int
		First, Last          time.Time
	}{p + "epp.log", p + "epp.log.2.gz", "16/03/10 02:30:00 1 1779 " + msg, []string{p + "epp.log", p + "epp.log.1", p + "epp.log.2.gz"}, 3, 6, 11, first, last}
	have := want
	have.File, have.ExFile, have.ExText, have.Files, have.FileCount, have.Count, have.ExLine = u.File, u.Example.File, u.Example.Text, u.Files, u.FileCount, u.Count, u.Example.Line
	have.First, have.Last = time.Time{}, time.Time{}
	if u.FirstSeen != nil {
		have.First = *u.FirstSeen
	}
	if u.LastSeen != nil {
		have.Last = *u.LastSeen
	}
	// The paths as the report names them (a raw folder's members).
	trim := func(s string) string { return s[max(0, strings.Index(s, "opt/")):] }
	have.File, have.ExFile = trim(have.File), trim(have.ExFile)
	for i := range have.Files {
		have.Files[i] = trim(have.Files[i])
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("merged entry (-want +got):\n%s\n%+v", diff, u)
	}
	for _, r := range u.Reasons {
		if strings.HasPrefix(r, "rare") {
			t.Errorf("reasons %q: six lines over the family are not rare", u.Reasons)
		}
	}
	if !strings.Contains(strings.Join(u.Reasons, ";"), "error words: cannot") {
		t.Errorf("reasons %q: want the error word", u.Reasons)
	}
	logs := 0
	for _, l := range rep.Logs {
		if strings.Contains(l.File, "epp.log") {
			logs++
		}
	}
	if logs != 3 {
		t.Errorf("%d coverage lines of the epp.log family, want one per file (3): %+v", logs, rep.Logs)
	}
}

// TestLogFamily: a log's family is its folder and logKey; the rotation
// number orders its files.
func TestLogFamily(t *testing.T) {
	for _, c := range []struct {
		path, fam string
		rot       int
	}{
		{"var/log/epp.log", "var/log/epp.log", 0},
		{"var/log/epp.log.1", "var/log/epp.log", 1},
		{"var/log/epp.log.12.gz", "var/log/epp.log", 12},
		{"var/log/epp.log.gz", "var/log/epp.log", 0},
		{"other/epp.log.2", "other/epp.log", 2},
		{"epp.log", "epp.log", 0},
	} {
		if f, r := logFamily(c.path), rotationNum(c.path); f != c.fam || r != c.rot {
			t.Errorf("%s: family %q, rotation %d; want %q, %d", c.path, f, r, c.fam, c.rot)
		}
	}
}
