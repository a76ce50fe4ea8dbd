package analyze

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// needProgram skips when a program is missing, and fails under CI=true
// (scripts/test-deps.sh installs it there).
func needProgram(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (scripts/test-deps.sh installs it): %v", name, err)
		}
		t.Skipf("%s is not installed (scripts/test-deps.sh installs it): %v", name, err)
	}
	return p
}

// boomJava logs three failures the way a Java server does: a log line,
// then the exception's printStackTrace (chained: Caused by, "... N
// more"), then the next log line.
const boomJava = `public class Boom {
    static void send(int i) { Integer.parseInt("x" + i); }
    static void alert(int i) {
        try { send(i); } catch (Exception e) { throw new IllegalStateException("alert " + i + " not sent", e); }
    }
    public static void main(String[] a) {
        for (int i = 0; i < 3; i++) {
            System.out.println("2024-03-01 10:0" + i + ":00,000 INFO  [main] Boom - polling");
            try { alert(i); } catch (Exception e) {
                System.out.println("2024-03-01 10:0" + i + ":30,000 ERROR [main] Boom - Could not send alert " + i);
                e.printStackTrace(System.out);
            }
        }
        System.out.println("2024-03-01 10:09:00,000 INFO  [main] Boom - done");
    }
}
`

// TestContinuationRealJava reads a real Java stack trace (java runs
// Boom.java): each failure is one record from its ERROR line to the
// line before the next time stamp, quoted whole; the Caused by lines
// count once per record.
func TestContinuationRealJava(t *testing.T) {
	java := needProgram(t, "java")
	dir := t.TempDir()
	src := filepath.Join(dir, "Boom.java")
	if err := os.WriteFile(src, []byte(boomJava), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(java, src).Output()
	if err != nil {
		t.Fatalf("java Boom.java: %v", err)
	}
	raw := filepath.Join(dir, "raw")
	if err := os.MkdirAll(raw, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(raw, "app.log"), out, 0o644); err != nil {
		t.Fatal(err)
	}
	// The records, from the output itself: an ERROR line and the lines
	// up to the next one starting with a digit.
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	var want []string
	for i, l := range lines {
		if !strings.Contains(l, " ERROR ") {
			continue
		}
		want = append(want, fmt.Sprintf("%d match %s", i+1, l))
		for k := i + 1; k < len(lines) && (lines[k] == "" || lines[k][0] < '0' || lines[k][0] > '9'); k++ {
			want = append(want, fmt.Sprintf("%d continuation %s", k+1, lines[k]))
		}
	}
	if strings.Count(string(out), "Caused by: ") != 3 || !strings.Contains(string(out), "... ") {
		t.Fatalf("java wrote no chained traces:\n%s", out)
	}
	p := testProfile(t, `logs:
- files: ["files/**/app.log"]
  time: log4j
  continuation: '^(?:$|\D)'
rules:
- id: t.alert
  title: '{hits}'
  explanation: x
  remedy: x
  max_evidence: 3
  match: {in: ["files/**/app.log"], pattern: 'ERROR .* Could not send alert'}
- id: t.cause
  title: '{hits} {cause}'
  explanation: x
  remedy: x
  match: {in: ["files/**/app.log"], pattern: '(?:Caused by: |^\s+\.\.\. \d+ more)(?P<cause>[\w.]*)'}`)
	rep := runWith(t, p, []string{raw}, Options{Timezone: time.UTC})
	if diff := cmp.Diff([]string{"t.alert info x3: 3", "t.cause info x3: 3 java.lang.NumberFormatException"}, summary(rep)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	var got []string
	for _, e := range rep.Findings[0].Evidence {
		got = append(got, strconv.Itoa(e.Line)+" "+e.Role+" "+e.Text)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
}

// TestZoneAbbrevsRealDate reads time stamps GNU date writes with the
// system's zone database (%Z: CET, CEST, JST, EST, EDT, IST in
// Asia/Kolkata), around changes of offset, and checks each against the
// instant date was given.
func TestZoneAbbrevsRealDate(t *testing.T) {
	date := needProgram(t, "date")
	iso, _ := parserFor(logSpecOf("iso8601"))
	for _, zone := range []string{"Europe/Berlin", "America/New_York", "Asia/Tokyo", "Asia/Kolkata", "Europe/London"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Skipf("no zone database: %v", err)
		}
		// Every 20 minutes across the autumn change of 2024 (the hour
		// read twice), and two dates in winter and summer.
		var instants []int64
		for t0 := time.Date(2024, 10, 26, 23, 0, 0, 0, time.UTC); t0.Before(time.Date(2024, 10, 27, 3, 0, 0, 0, time.UTC)); t0 = t0.Add(20 * time.Minute) {
			instants = append(instants, t0.Unix())
		}
		for t0 := time.Date(2024, 11, 3, 4, 0, 0, 0, time.UTC); t0.Before(time.Date(2024, 11, 3, 8, 0, 0, 0, time.UTC)); t0 = t0.Add(20 * time.Minute) {
			instants = append(instants, t0.Unix())
		}
		instants = append(instants, time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC).Unix(), time.Date(2024, 7, 15, 12, 0, 0, 0, time.UTC).Unix())
		for _, sec := range instants {
			cmd := exec.Command(date, "-d", "@"+strconv.FormatInt(sec, 10), "+%Y-%m-%d %H:%M:%S %Z [1] LOG:  x")
			cmd.Env = append(os.Environ(), "TZ="+zone, "LC_ALL=C")
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("date: %v", err)
			}
			line := strings.TrimSpace(string(out))
			tc := &timeCtx{loc: loc, zs: newZoneState(loc)}
			got, ok := iso.parse([]byte(line), tc)
			if !ok || got.Unix() != sec {
				t.Errorf("%s: %q read as %v (%v), want %v", zone, line, got.UTC(), ok, time.Unix(sec, 0).UTC())
			}
			if ns := tc.zs.noteList("f"); len(ns) > 0 {
				t.Errorf("%s: %q noted %v", zone, line, ns)
			}
		}
	}
}
