package drain

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTokenize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"accept() failed (e=24 - Too many open files)", "accept() failed (e=<*> - Too many open files)"},
		{"connect to 10.1.2.3:443 timed out after 30s", "connect to <*> timed out after <*>"},
		{`acquire lock=233570404, tag="View Lock", name=com.android.systemui, ws=null`, "acquire lock=<*>, tag=<*> name=<*>, ws=null"},
		{"received broadcast android.intent.action.TIME_TICK", "received broadcast <*>"},
		{"  spaced\tout  ", "spaced out"},
		{"loaded /opt/tivoli/EPProxy/epp.cfg [l=3] ok", "loaded <*> [l=<*>] ok"},
		{`unterminated "quote here`, `unterminated "quote here`},
	} {
		if got := strings.Join(Tokenize(c.in, nil), " "); got != c.want {
			t.Errorf("Tokenize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMine(t *testing.T) {
	m := New(Config{})
	lines := []string{
		"session opened for user root by sshd",
		"session opened for user alice by sshd",
		"Task Transitioned from NEW to SCHEDULED",
		"Task Transitioned from SCHEDULED to RUNNING",
		"Task Transitioned from NEW to SCHEDULED",
		"Fan speeds ( 3552 3534 **** )",
		"Fan speeds ( 3552 3534 3375 )",
		"write failed: No space left on device (/var/log/x.log)",
		"write failed: No space left on device (/var/log/y.log)",
	}
	for _, l := range lines {
		m.Add(l)
	}
	got := map[string]int{}
	for _, c := range m.Clusters() {
		got[c.Template()] += c.Count
	}
	want := map[string]int{
		"session opened for user <*> by sshd":         2,
		"Task Transitioned from NEW to SCHEDULED":     2,
		"Task Transitioned from SCHEDULED to RUNNING": 1,
		"Fan speeds ( <*> <*> **** )":                 1,
		"Fan speeds ( <*> <*> <*> )":                  1,
		"write failed: No space left on device <*>":   2,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("templates (-want +got):\n%s", d)
	}
	if m.Dropped != 0 {
		t.Errorf("Dropped = %d", m.Dropped)
	}
}

// TestCap: beyond MaxTemplates, lines that would start a template are
// dropped and counted; lines of known templates still join.
func TestCap(t *testing.T) {
	m := New(Config{MaxTemplates: 3})
	for i := 0; i < 10; i++ {
		m.Add(fmt.Sprintf("message kind%c here", 'a'+i))
	}
	if len(m.Clusters()) != 3 || m.Dropped != 7 {
		t.Errorf("%d clusters, %d dropped; want 3, 7", len(m.Clusters()), m.Dropped)
	}
	if c := m.Add("message kinda here"); c == nil || c.Count != 2 {
		t.Errorf("a known template's line was not counted: %v", c)
	}
}

func TestID(t *testing.T) {
	a, b := ID("x <*> y"), ID("x <*> y")
	if a != b || a == ID("x <*> z") || !strings.HasPrefix(a, "T") {
		t.Errorf("ID not stable or not distinct: %s %s %s", a, b, ID("x <*> z"))
	}
}

func BenchmarkMineLoghub(b *testing.B) {
	dir := loghubDir(b)
	var all []string
	bytes := 0
	for _, sys := range systems {
		msgs, _ := loghubSystem(b, dir, sys)
		for _, m := range msgs {
			bytes += len(m) + 1
		}
		all = append(all, msgs...)
	}
	b.SetBytes(int64(bytes))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := New(Config{})
		for _, s := range all {
			m.Add(s)
		}
	}
}
