package analyze

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"

	"casefile/analyze/input"
	"casefile/analyze/report"
)

// tgzOf is a .tar.gz holding one file.
func tgzOf(t *testing.T, name, data string) string {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Size: int64(len(data)), Mode: 0o644})
	tw.Write([]byte(data))
	tw.Close()
	zw.Close()
	return buf.String()
}

// TestCoverageTooDeep: a rule whose log is inside an archive nested more
// than input.MaxDepth deep says so in coverage, instead of only "none of
// its inputs is here" (issue 12).
func TestCoverageTooDeep(t *testing.T) {
	p := testProfile(t, logsYMD+`rules:
- id: t.busy
  title: "{hits} busy"
  severity: info
  explanation: x
  remedy: x
  match: {in: ["files/**/app.log"], pattern: 'busy'}`)
	data, name := "2024-03-01 10:00:00 busy\n", "app.log"
	for i := input.MaxDepth + 1; i >= 1; i-- {
		data = tgzOf(t, name, data)
		name = fmt.Sprintf("d%d.tar.gz", i)
	}
	path := bundleOf(t, "", map[string]string{"files/opt/diag.tar.gz": data}, nil)
	rep := runWith(t, p, []string{path}, Options{})
	if len(rep.Coverage) != 1 {
		t.Fatalf("coverage %v", coverageOf(rep))
	}
	c := rep.Coverage[0]
	want := fmt.Sprintf("d%d.tar.gz was not read: an archive nested more than %d archives deep; not opened (limit)", input.MaxDepth+1, input.MaxDepth)
	if c.Status != report.CoverageSkipped || !strings.Contains(c.Reason, want) {
		t.Errorf("coverage %s %q, want skipped saying %q", c.Status, c.Reason, want)
	}
}
