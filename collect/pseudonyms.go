package collect

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"path/filepath"

	"casefile/bundle"
	"casefile/profiles"
	"casefile/pseudo"
	"casefile/redact"
)

// Pseudonymization (--pseudonymize KEYFILE) replaces, in every stored
// text, command output, member path and the manifest, the host's names
// and domains, IP and MAC addresses and user names by keyed pseudonyms
// (package pseudo). The names to replace are the host's own, those of
// /etc/hosts and /etc/hostname, the resolver's search domains, the users
// of /etc/passwd with a uid of 1000 or more, and the names the profile's
// name sources find (redact rules whose pattern has a "host" or "user"
// group) as text passes; addresses are found by their shape.

// nameFiles are read before collecting to learn the host's names.
var nameFiles = []string{"/etc/hostname", "/etc/mailname", "/etc/hosts", "/etc/resolv.conf", "/etc/passwd"}

func (c *collector) setupPseudonyms() {
	r := pseudo.NewReplacer(pseudo.NewMapper(c.opts.Pseudonymize))
	c.pseudo = r
	r.AddHost(c.host.Hostname)
	for _, f := range nameFiles {
		c.learnNames(r, f)
	}
	for _, rule := range c.opts.Profile.Redact {
		if redact.NameSource(rule.Pattern.Re) {
			r.AddSource(pseudo.Source{Pattern: rule.Pattern.Re})
		}
	}
	filter := func(w io.Writer) io.WriteCloser { return r.NewWriter(w) }
	if c.redactor != nil {
		c.redactor = c.redactor.Filtered(filter)
	}
	c.plain = (*redact.Engine)(nil).Filtered(filter) // items stored unredacted
	c.host.Hostname = r.String(c.host.Hostname)
	c.host.User = r.String(c.host.User)
}

// learnNames reads names from one of nameFiles under the root.
func (c *collector) learnNames(r *pseudo.Replacer, hostPath string) {
	of, _, err := c.fs.open(hostPath)
	if err != nil {
		return
	}
	defer of.file.Close()
	sc := bufio.NewScanner(io.LimitReader(of.file, 4<<20))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 && hostPath != "/etc/passwd" {
			line = line[:i]
		}
		f := strings.Fields(line)
		switch hostPath {
		case "/etc/hostname", "/etc/mailname":
			if len(f) > 0 {
				r.AddHost(f[0])
			}
		case "/etc/hosts":
			for _, n := range f[min(1, len(f)):] {
				r.AddHost(n)
			}
		case "/etc/resolv.conf":
			if len(f) > 1 && (f[0] == "search" || f[0] == "domain") {
				for _, d := range f[1:] {
					r.AddDomain(d)
				}
			}
		case "/etc/passwd":
			p := strings.Split(line, ":")
			if len(p) < 3 {
				continue
			}
			if uid, err := strconv.Atoi(p[2]); err == nil && uid >= 1000 && uid < 60000 {
				r.AddUser(p[0])
			}
		}
	}
}

// pseudonymizeManifest replaces values in every text of the manifest
// and records what was done.
func (c *collector) pseudonymizeManifest(m *bundle.Manifest) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	v = c.pseudoJSON(v, "")
	data, err = json.Marshal(v)
	if err != nil {
		return err
	}
	var out bundle.Manifest
	if err := json.Unmarshal(data, &out); err != nil {
		return fmt.Errorf("pseudonymizing the manifest: %w", err)
	}
	out.Name = m.Name // the top folder was named with the pseudonym already
	*m = out
	m.Pseudonymization = &bundle.Pseudonymization{
		KeyID:   c.pseudo.Mapper().KeyID(),
		Classes: pseudo.Classes,
		Counts:  c.pseudo.Counts(),
	}
	return nil
}

// keepKeys are manifest fields whose values are never names: hashes,
// keys and times.
var keepKeys = map[string]bool{"sha256": true, "public_key": true, "key_id": true, "start_utc": true, "end_utc": true,
	"start_local": true, "end_local": true, "mtime": true, "format_version": true,
	"path": true, "name": true} // member paths and archive member names: pseudonymized when stored

func (c *collector) pseudoJSON(v any, key string) any {
	switch x := v.(type) {
	case string:
		if keepKeys[key] {
			return x
		}
		return c.pseudo.String(x)
	case []any:
		for i := range x {
			x[i] = c.pseudoJSON(x[i], key)
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[k] = c.pseudoJSON(val, k) // keys are field, variable and rule names
		}
		return out
	}
	return v
}

// prescanNames reads, before anything is stored, the planned files that
// a name source names (by its files globs), so that a name is replaced
// in files collected before the one that names it.
func (c *collector) prescanNames(plan []*planned) {
	var globs []string
	for _, rule := range c.opts.Profile.Redact {
		if redact.NameSource(rule.Pattern.Re) {
			globs = append(globs, rule.Files...)
		}
	}
	if len(globs) == 0 {
		return
	}
	for _, p := range plan {
		if p.files == nil || p.skip != "" {
			continue
		}
		for _, pat := range p.files {
			paths := []string{cleanHost(pat)}
			if hasMeta(pat) {
				m, err := c.fs.glob(pat)
				if err != nil {
					continue
				}
				paths = m
			}
			for _, hp := range paths {
				rel := strings.TrimPrefix(filepath.ToSlash(hp), "/")
				for _, g := range globs {
					if ok, _ := profiles.MatchGlob(strings.TrimPrefix(g, "/"), rel); ok {
						c.learnFrom(hp)
						break
					}
				}
			}
		}
	}
}

// learnFrom runs the name sources over a text file's first 16 MiB.
func (c *collector) learnFrom(hostPath string) {
	of, fi, err := c.fs.open(hostPath)
	if err != nil || fi.IsDir() {
		return
	}
	defer of.file.Close()
	sc := bufio.NewScanner(io.LimitReader(of.file, 16<<20))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		c.pseudo.Learn(sc.Bytes())
	}
}
