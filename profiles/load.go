package profiles

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	"casefile/internal/suggest"

	"gopkg.in/yaml.v3"
)

//go:embed *.yaml *.benign
var builtinFS embed.FS

// MaxProfileSize bounds a profile file.
const MaxProfileSize = 4 << 20

// Names returns the names of the built-in profiles, sorted.
func Names() []string {
	entries, _ := builtinFS.ReadDir(".")
	var names []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasSuffix(n, ".yaml") && !strings.HasPrefix(n, "_") {
			names = append(names, strings.TrimSuffix(n, ".yaml"))
		}
	}
	sort.Strings(names)
	return names
}

// Builtin loads a built-in profile by name.
func Builtin(name string) (*Profile, error) {
	if !validName.MatchString(name) {
		return nil, fmt.Errorf("no built-in profile %q%s (have %s)", name, suggest.Hint(name, Names()), strings.Join(Names(), ", "))
	}
	data, err := builtinFS.ReadFile(name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("no built-in profile %q%s (have %s)", name, suggest.Hint(name, Names()), strings.Join(Names(), ", "))
	}
	p, err := Parse(name+".yaml", data)
	if err != nil {
		return nil, err
	}
	p.Builtin = true
	if data, err := builtinFS.ReadFile(name + ".benign"); err == nil {
		p.Benign = ParseBenign(data)
	}
	return p, nil
}

// HostProfile loads the built-in profile of host facts that every bundle
// carries (_host.yaml). Its items are collected along with any profile's.
func HostProfile() (*Profile, error) {
	data, err := builtinFS.ReadFile("_host.yaml")
	if err != nil {
		return nil, err
	}
	p, err := Parse("_host.yaml", data)
	if err != nil {
		return nil, err
	}
	p.Builtin = true
	return p, nil
}

// Load returns a built-in profile when nameOrFile is a profile name, else
// reads and validates the YAML file it names.
func Load(nameOrFile string) (*Profile, error) {
	if validName.MatchString(nameOrFile) && !strings.ContainsAny(nameOrFile, `/\`) {
		if _, err := builtinFS.Open(nameOrFile + ".yaml"); err == nil {
			return Builtin(nameOrFile)
		}
		if _, err := os.Stat(nameOrFile); err != nil {
			return nil, fmt.Errorf("no built-in profile %q%s (have %s) and no such file", nameOrFile, suggest.Hint(nameOrFile, Names()), strings.Join(Names(), ", "))
		}
	}
	return LoadFile(nameOrFile)
}

// LoadFile reads and validates a profile file.
func LoadFile(path string) (*Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxProfileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > MaxProfileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, MaxProfileSize)
	}
	p, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	benign, err := readBenign(strings.TrimSuffix(strings.TrimSuffix(path, ".yaml"), ".yml") + ".benign")
	if err != nil {
		return nil, err
	}
	p.Benign = benign
	return p, nil
}

// Parse decodes and validates profile YAML, then compiles it. Errors
// name file:line.
func Parse(file string, data []byte) (*Profile, error) {
	p, err := decode(file, data)
	if err != nil {
		return nil, err
	}
	c, err := validate(p)
	if err != nil {
		return nil, err
	}
	c.write(p)
	return p, nil
}

// decode reads profile YAML into a Profile with its lines and its rules'
// kinds, not yet validated.
func decode(file string, data []byte) (*Profile, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, placeErr(file, plainYAMLErr(yamlErr(err), data))
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Profile
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty profile", file)
		}
		return nil, placeErr(file, plainYAMLErr(yamlErr(err), data))
	}
	p.File = file
	p.Raw = data
	sum := sha256.Sum256(data)
	p.SHA256 = hex.EncodeToString(sum[:])
	setLines(&root, &p)
	if err := decideKinds(&p); err != nil {
		return nil, err
	}
	return &p, nil
}

// lineMsg is a message that starts with the line it is about.
var lineMsg = regexp.MustCompile(`^line (\d+): (.*)$`)

// placeErr makes "line 12: reason" into "file:12: reason".
func placeErr(file, msg string) error {
	if m := lineMsg.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s:%s: %s", file, m[1], m[2])
	}
	return fmt.Errorf("%s: %s", file, msg)
}

// yamlErr makes yaml.v3's messages one line: "line 12: field foo not found".
func yamlErr(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		return strings.TrimPrefix(te.Errors[0], "yaml: ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// setLines copies the YAML line of each list entry into its Line field, so
// that validation errors can point at it.
func setLines(root *yaml.Node, p *Profile) {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	seq := func(n *yaml.Node, key string) []*yaml.Node {
		if c := child(n, key); c != nil && c.Kind == yaml.SequenceNode {
			return c.Content
		}
		return nil
	}
	for i, n := range seq(doc, "variables") {
		if i < len(p.Variables) {
			p.Variables[i].Line = n.Line
			for j, d := range seq(n, "detect") {
				if j < len(p.Variables[i].Detect) {
					p.Variables[i].Detect[j].Line = d.Line
				}
			}
		}
	}
	for i, n := range seq(doc, "collect") {
		if i < len(p.Collect) {
			p.Collect[i].Line = n.Line
		}
	}
	for i, n := range seq(doc, "redact") {
		if i < len(p.Redact) {
			p.Redact[i].Line = n.Line
		}
	}
	an := child(doc, "analyze")
	for i, n := range seq(an, "logs") {
		if i < len(p.Analyze.Logs) {
			p.Analyze.Logs[i].Line = n.Line
			if c := child(n, "content"); c != nil && p.Analyze.Logs[i].Content != nil {
				p.Analyze.Logs[i].Content.Line = c.Line
			}
		}
	}
	for i, n := range seq(an, "facts") {
		if i < len(p.Analyze.Facts) {
			p.Analyze.Facts[i].Line = n.Line
		}
	}
	for i, n := range seq(an, "rules") {
		if i >= len(p.Analyze.Rules) {
			break
		}
		r := &p.Analyze.Rules[i]
		r.Line = n.Line
		for j, s := range seq(n, "severity_when") {
			if j < len(r.SeverityWhen) {
				r.SeverityWhen[j].Line = s.Line
			}
		}
		for j, s := range seq(n, "title_when") {
			if j < len(r.TitleWhen) {
				r.TitleWhen[j].Line = s.Line
			}
		}
		for j, s := range seq(n, "notes") {
			if j < len(r.Notes) {
				r.Notes[j].Line = s.Line
			}
		}
		setLine := func(key string, line *int) {
			if c := child(n, key); c != nil {
				*line = c.Line
			}
		}
		if r.Match != nil {
			setLine("match", &r.Match.Line)
		}
		if r.Absent != nil {
			setLine("absent", &r.Absent.Line)
		}
		if r.Sequence != nil {
			setLine("sequence", &r.Sequence.Line)
		}
		if r.State != nil {
			setLine("state", &r.State.Line)
		}
		if r.Check != nil {
			setLine("check", &r.Check.Line)
		}
		if r.Context != nil {
			setLine("context", &r.Context.Line)
		}
		if r.Resample != nil {
			setLine("resample", &r.Resample.Line)
		}
	}
}

func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var (
	validName  = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)
	validIdent = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,63}$`)
	validItem  = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)
	varRef     = regexp.MustCompile(`\{([a-zA-Z_][a-zA-Z0-9_]*)\}`)
	knownOS    = map[string]bool{"linux": true, "windows": true, "aix": true, "solaris": true, "darwin": true, "freebsd": true}
	knownPick  = map[string]bool{"": true, "last": true, "first": true, "count": true, "exists": true, "min": true, "max": true, "sum": true, "distinct": true, "all": true, "map": true}
	knownType  = map[string]bool{"": true, "string": true, "number": true, "version": true, "size": true, "duration": true}
	knownScope = map[string]bool{"": true, "bundle": true, "all": true}
	knownOrder = map[string]bool{"": true, "oldest-first": true, "newest-first": true}
)

// VarRefs returns the {variable} names used in s.
func VarRefs(s string) []string {
	var out []string
	for _, m := range varRef.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}
