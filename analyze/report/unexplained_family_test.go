package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestUnexplainedFamilyRender: an entry merged over a log and its
// rotations says so: the text report "in ha.log and 2 rotated files",
// the HTML table every file, and an entry of one file neither.
func TestUnexplainedFamilyRender(t *testing.T) {
	tm := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	r := &Report{SchemaVersion: SchemaVersion, GeneratedAt: tm, Zone: "UTC", Unexplained: []Unexplained{
		{ID: "Tfam", Template: "peer <*> lost", Bundle: "b", File: "var/log/ha.log",
			Files: []string{"var/log/ha.log", "var/log/ha.log.1", "var/log/ha.log.2.gz"}, FileCount: 3, Count: 9,
			FirstSeen: &tm, LastSeen: &tm, Example: Evidence{Bundle: "b", File: "var/log/ha.log.2.gz", Line: 4, Text: "peer 1 lost"},
			Score: 4, Reasons: []string{"error words: lost"}},
		{ID: "Tone", Template: "disk <*> failed", Bundle: "b", File: "var/log/ha.log", Count: 2,
			FirstSeen: &tm, LastSeen: &tm, Example: Evidence{Bundle: "b", File: "var/log/ha.log", Line: 7, Text: "disk 1 failed"},
			Score: 5, Reasons: []string{"error words: fail"}},
	}}
	var txt, html bytes.Buffer
	if err := WriteText(&txt, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, r); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(txt.String(), "in ha.log and 2 rotated files"); n != 1 {
		t.Errorf("text names the rotated files %d times, want once:\n%s", n, txt.String())
	}
	if strings.Contains(txt.String(), "rotated file ") || strings.Contains(txt.String(), "and 0 ") {
		t.Errorf("text of a one-file entry names rotations:\n%s", txt.String())
	}
	if !strings.Contains(html.String(), "var/log/ha.log.2.gz:4 (in 3 files: var/log/ha.log, var/log/ha.log.1, var/log/ha.log.2.gz)") {
		t.Errorf("HTML does not list the family's files")
	}
	if !strings.Contains(html.String(), "var/log/ha.log:7") || strings.Contains(html.String(), "var/log/ha.log:7 (") {
		t.Errorf("HTML lists files for a one-file entry")
	}
}
