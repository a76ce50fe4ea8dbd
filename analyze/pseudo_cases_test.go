package analyze

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"casefile/analyze/report"
	"casefile/bundle"
	"casefile/collect"
	"casefile/pseudo"
)

// TestCasesPseudonymized collects every golden case's fake hosts with a
// pseudonym key, analyzes the bundles together and checks that the
// diagnosis is kept (the same finding ids, severities and counts as the
// golden report made in the clear) and that no host name, address or
// user of the fake hosts survives anywhere in the bundles (member names
// and contents, manifest included).
//
// make test runs the HA pairs and IPsec pairs and one case of each other
// profile (the whole set takes minutes); CASEFILE_PSEUDO_ALL=1 runs every
// case (make pseudo-all).
func TestCasesPseudonymized(t *testing.T) {
	all := os.Getenv("CASEFILE_PSEUDO_ALL") != ""
	quick := regexp.MustCompile(`^(sms|ipsec)/|^tfst/(healthy-pair|broken-handshake-both-sides)$|^samhain/(download-both|healthy-pair)$|^fsigk/(healthy|port-in-use)$|^engine-selftest/`)
	root := repoRoot(t)
	files, _ := filepath.Glob(filepath.Join(root, "testdata/cases/*/*/case.yaml"))
	if len(files) == 0 {
		t.Fatal("no golden cases")
	}
	key, err := pseudo.LoadKey(filepath.Join(root, "testdata/keys/pseudonym.key"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	for _, f := range files {
		dir := filepath.Dir(f)
		name, _ := filepath.Rel(filepath.Join(root, "testdata/cases"), dir)
		if !all && !quick.MatchString(filepath.ToSlash(name)) {
			continue
		}
		t.Run(filepath.ToSlash(name), func(t *testing.T) { runPseudoCase(t, dir, key) })
	}
}

type findingKey struct {
	ID, Severity string
	Count        int
}

func findingKeys(fs []report.Finding) []findingKey {
	var out []findingKey
	for _, f := range fs {
		out = append(out, findingKey{f.ID, f.Severity, f.Count})
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}

func runPseudoCase(t *testing.T, dir string, key *pseudo.Key) {
	data, err := os.ReadFile(filepath.Join(dir, "case.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c caseFile
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	clock := c.Clock
	if clock.IsZero() {
		clock = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	}
	mtime := c.MTime
	if mtime.IsZero() {
		mtime = clock.Add(-time.Hour)
	}
	trusted, keyPath := testKeys(t)
	tmp := t.TempDir()
	defaultProfile := filepath.Base(filepath.Dir(dir))
	var paths []string
	var originals []string
	// pseudonyms of the hosts' addresses: prefix preservation maps a
	// private /24 to one of 256, so an address's pseudonym can be another
	// original address of the same range (a /24 that maps onto itself);
	// such an address in the bundle may be that pseudonym, not a leak.
	pseudonyms := map[string]bool{}
	for i, b := range c.Bundles {
		if b.Host == "" {
			dst := filepath.Join(tmp, "raw", strconv.Itoa(i), filepath.Base(b.Raw))
			copyRaw(t, filepath.Join(dir, b.Raw), dst, clock)
			paths = append(paths, dst)
			continue
		}
		pname := b.Profile
		if pname == "" {
			pname = defaultProfile
		}
		prof, err := loadProfile(dir, pname)
		if err != nil {
			t.Fatal(err)
		}
		sk, err := bundle.LoadPrivateKey(keyPath, "")
		if err != nil {
			t.Fatal(err)
		}
		host := filepath.Join(dir, b.Host)
		touchHost(t, host, mtime)
		out := filepath.Join(tmp, "bundles", strconv.Itoa(i))
		os.MkdirAll(out, 0o755)
		res, err := collect.Run(context.Background(), collect.Options{
			Profile: prof, Root: host, Output: out, Set: b.Set,
			SignKey: &sk, Note: b.Note, Clock: func() time.Time { return clock },
			RootCommandsOnly: true, Pseudonymize: key,
		})
		if err != nil {
			t.Fatalf("collect %s: %v", b.Host, err)
		}
		if res.Manifest.Pseudonymization == nil || res.Manifest.Pseudonymization.KeyID != key.ID() {
			t.Errorf("manifest does not record the pseudonymization: %+v", res.Manifest.Pseudonymization)
		}
		paths = append(paths, res.Path)
		o, ps := hostOriginals(t, host)
		originals = append(originals, o...)
		for _, p := range ps {
			pseudonyms[p] = true
		}
	}
	opts := Options{Trust: []bundle.TrustedKey{trusted}, Clock: func() time.Time { return clock }, Rules: c.Analyze.Rules}
	if c.Analyze.Profile != "" {
		if opts.Profile, err = loadProfile(dir, c.Analyze.Profile); err != nil {
			t.Fatal(err)
		}
	}
	if c.Analyze.Timezone != "" {
		if opts.Timezone, err = time.LoadLocation(c.Analyze.Timezone); err != nil {
			t.Fatal(err)
		}
	}
	if c.Analyze.At != "" {
		at, _ := time.Parse(time.RFC3339, c.Analyze.At)
		opts.At = &at
	}
	rep, err := Run(context.Background(), paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	gdata, err := os.ReadFile(filepath.Join(dir, "report.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want report.Report
	if err := json.Unmarshal(gdata, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(findingKeys(want.Findings), findingKeys(rep.Findings)); diff != "" {
		t.Errorf("findings differ from the clear golden report (-clear +pseudonymized):\n%s", diff)
	}
	// No original survives.
	for _, p := range paths {
		if !strings.HasSuffix(p, ".tar.gz") {
			continue
		}
		for _, m := range bundleMembers(t, p) {
			if strings.HasSuffix(m.name, "/manifest.json") {
				// The operator's note is free text: a name in it is
				// replaced where the host knows it, and a case's note
				// names the other host of a pair (documented).
				var mf map[string]any
				json.Unmarshal([]byte(m.data), &mf)
				delete(mf, "note")
				b, _ := json.Marshal(mf)
				m.data = string(b)
			}
			for _, o := range originals {
				if pseudonyms[o] {
					continue
				}
				re := wordRe(o)
				if re.MatchString(m.name) {
					t.Errorf("%s: %q in the member name %s", filepath.Base(p), o, m.name)
				}
				if loc := re.FindStringIndex(m.data); loc != nil {
					s, e := max(0, loc[0]-40), min(len(m.data), loc[1]+40)
					t.Errorf("%s: %q survives in %s: ...%s...", filepath.Base(p), o, m.name, m.data[s:e])
				}
			}
		}
	}
}

var wordCache = map[string]*regexp.Regexp{}

func wordRe(s string) *regexp.Regexp {
	if re, ok := wordCache[s]; ok {
		return re
	}
	re := regexp.MustCompile(`(?i)(?:^|[^A-Za-z0-9_.\-])` + regexp.QuoteMeta(s) + `(?:$|[^A-Za-z0-9_\-]|\.[^0-9])`)
	wordCache[s] = re
	return re
}

type pmember struct{ name, data string }

func bundleMembers(t *testing.T, p string) []pmember {
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out []pmember
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out = append(out, pmember{h.Name, string(b)})
	}
	return out
}

var reV4 = regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}\b`)

// hostOriginals lists what must not survive from a fake host: its names
// (/etc/hostname, /etc/hosts), its users (/etc/passwd, uid >= 1000) and
// the addresses its files hold that pseudonymization changes.
func hostOriginals(t *testing.T, root string) (out, pseudonyms []string) {
	read := func(p string) string { b, _ := os.ReadFile(filepath.Join(root, p)); return string(b) }
	if h := strings.TrimSpace(read("etc/hostname")); h != "" {
		out = append(out, h)
	}
	for _, l := range strings.Split(read("etc/hosts"), "\n") {
		f := strings.Fields(strings.SplitN(l, "#", 2)[0])
		if len(f) > 1 {
			for _, n := range f[1:] {
				if !strings.Contains(n, "localhost") && !strings.HasPrefix(n, "ip6-") && n != "localdomain" && n != "broadcasthost" {
					out = append(out, n)
				}
			}
		}
	}
	for _, l := range strings.Split(read("etc/passwd"), "\n") {
		p := strings.Split(l, ":")
		if len(p) > 2 {
			if uid, err := strconv.Atoi(p[2]); err == nil && uid >= 1000 && uid < 60000 {
				out = append(out, p[0])
			}
		}
	}
	m := pseudo.NewMapper(mustKey(t))
	seen := map[string]bool{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(p, "/bin/") {
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, ip := range reV4.FindAllString(string(b), -1) {
			if seen[ip] {
				continue
			}
			seen[ip] = true
			if a, err := parseIPText(ip); err == nil && m.IP(a) != a {
				out = append(out, ip)
				pseudonyms = append(pseudonyms, m.IP(a).String())
			}
		}
		return nil
	})
	return out, pseudonyms
}

func mustKey(t *testing.T) *pseudo.Key {
	k, err := pseudo.LoadKey(filepath.Join(repoRoot(t), "testdata/keys/pseudonym.key"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func parseIPText(s string) (netip.Addr, error) { return netip.ParseAddr(s) }
