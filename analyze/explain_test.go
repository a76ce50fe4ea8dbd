package analyze

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"casefile/profiles"
)

// TestExplain describes every rule of the self-test profile; the text is
// pinned in testdata/engine/explain.golden (-update rewrites it).
func TestExplain(t *testing.T) {
	root := repoRoot(t)
	p, err := profiles.LoadFile(filepath.Join(root, "testdata/engine/selftest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, r := range p.Analyze.Rules {
		s, err := Explain(p, r.ID)
		if err != nil {
			t.Fatalf("%s: %v", r.ID, err)
		}
		all.WriteString(s + "\n----\n")
	}
	golden := filepath.Join(root, "testdata/engine/explain.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(all.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), all.String()); diff != "" {
		t.Errorf("explanations differ from %s (-want +got):\n%s", golden, diff)
	}
	if _, err := Explain(p, "selftest.nope"); err == nil || !strings.Contains(err.Error(), "selftest.connect-failed") {
		t.Errorf("unknown id: %v (should list the ids there are)", err)
	}
	if _, err := Explain(nil, "nosuchprofile.rule"); err == nil {
		t.Error("unknown profile: no error")
	}
}

// TestReadable: texts as people read a rule: values as ‹placeholders›,
// conditional parts as [a | b], optional ones as [text], plural endings
// as (s); short (catalog) titles keep the first case.
func TestReadable(t *testing.T) {
	tests := []struct{ src, want, short string }{
		{"{hits} failure{hits == 1 ? '' : 's'} for {peer}", "‹hits› failure(s) for ‹peer›", "‹hits› failure(s) for ‹peer›"},
		{"HA went to Failed{state == 'failed' ? ' and is still Failed' : ''}", "HA went to Failed[ and is still Failed]", "HA went to Failed"},
		{"{resolved ? 'Cleared' : 'Down since ' + string(first_seen)}", "[Cleared | Down since ‹first_seen›]", "Cleared…"},
		{"at {hits > 1 ? last_seen : ''}", "at [‹last_seen›]", "at "},
		{"{len(filter(bundles, .facts.role == 'primary'))} primaries", "‹…› primaries", "‹…› primaries"},
		{"{{literal}} {matched.max}", "{literal} ‹matched.max›", "{literal} ‹matched.max›"},
	}
	for _, tt := range tests {
		parts, err := profiles.ParseText(tt.src, 1)
		if err != nil {
			t.Fatal(err)
		}
		text := profiles.Text{Src: tt.src, Parts: parts}
		if got := Readable(text); got != tt.want {
			t.Errorf("Readable(%q) = %q, want %q", tt.src, got, tt.want)
		}
		if got := readableText(&text, true); got != tt.short {
			t.Errorf("short(%q) = %q, want %q", tt.src, got, tt.short)
		}
	}
}

// TestCatalog lists every rule of every built-in profile once, with its
// kind and severity, and titles without expression code.
func TestCatalog(t *testing.T) {
	cat, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	n := 0
	for _, name := range profiles.Names() {
		p, err := profiles.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Analyze.Rules {
			seen[r.ID] = true
			n++
		}
	}
	if len(cat) != n {
		t.Errorf("catalog has %d rules, the profiles %d", len(cat), n)
	}
	for _, r := range cat {
		if !seen[r.ID] || !strings.HasPrefix(r.ID, r.Profile+".") {
			t.Errorf("%s: not a rule of profile %s", r.ID, r.Profile)
		}
		if profiles.SeverityRank(r.Severity) == 0 || r.Kind == "" || (r.Scope != "bundle" && r.Scope != "all") || !strings.Contains(r.Rule, ".yaml:") {
			t.Errorf("%s: %+v", r.ID, r)
		}
		if r.Title == "" || strings.ContainsAny(r.Title, "{}") || strings.Contains(r.Title, "? \"") {
			t.Errorf("%s: title %q shows expression code", r.ID, r.Title)
		}
	}
	var tfst []RuleInfo
	for _, r := range cat {
		if r.ID == "tfst.fd-exhaustion" || r.ID == "tfst.handshake-incomplete" {
			tfst = append(tfst, r)
		}
	}
	want := []RuleInfo{
		{Profile: "tfst", ID: "tfst.fd-exhaustion", Severity: "critical", Kind: "match", Scope: "bundle", Title: `TFST component ran out of file descriptors (‹hits› "Too many open files" errors)`, Applies: "tfst_host"},
		{Profile: "tfst", ID: "tfst.handshake-incomplete", Severity: "critical", Kind: "sequence", Scope: "all", Applies: "tfst_host"},
	}
	for i := range tfst {
		tfst[i].Rule = ""
		if i == 1 {
			tfst[i].Title = ""
		}
	}
	if diff := cmp.Diff(want, tfst); diff != "" {
		t.Errorf("tfst entries (-want +got):\n%s", diff)
	}
}
