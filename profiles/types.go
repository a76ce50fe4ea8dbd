package profiles

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"
)

// Pattern is a regular expression (RE2 syntax, as Go's regexp) written as
// a YAML string. It remembers the line it was written on.
type Pattern struct {
	Src  string
	Re   *regexp.Regexp
	Line int
}

// UnmarshalYAML compiles the pattern; a bad regexp is an error at its line.
func (p *Pattern) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a pattern must be a string", n.Line)
	}
	re, err := regexp.Compile(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: bad pattern: %v", n.Line, err)
	}
	*p = Pattern{Src: n.Value, Re: re, Line: n.Line}
	return nil
}

// MustPattern compiles a pattern for use in Go code and tests.
func MustPattern(src string) Pattern {
	return Pattern{Src: src, Re: regexp.MustCompile(src)}
}

// Captures returns the pattern's named groups.
func (p Pattern) Captures() []string {
	if p.Re == nil {
		return nil
	}
	var out []string
	for _, n := range p.Re.SubexpNames() {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// Expr is a condition or value in the expression language (expr-lang,
// https://expr-lang.org) written as a YAML string. It is compiled by the
// validator, which knows which names are in scope where it is used.
type Expr struct {
	Src     string
	Line    int
	Program *vm.Program
}

// UnmarshalYAML records the source; compiling waits for validation.
func (e *Expr) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: an expression must be a string", n.Line)
	}
	*e = Expr{Src: n.Value, Line: n.Line}
	return nil
}

// IsSet reports whether the expression was written.
func (e Expr) IsSet() bool { return strings.TrimSpace(e.Src) != "" }

// Text is a title, explanation or remedy. Parts between braces are
// expressions whose values are inserted: "{hits} failures for {peer}".
// "{{" and "}}" stand for literal braces.
type Text struct {
	Src   string
	Line  int
	Parts []TextPart
}

// TextPart is a literal run or an expression of a Text.
type TextPart struct {
	Literal string
	Expr    *Expr
}

// UnmarshalYAML splits the text into literal and expression parts.
func (t *Text) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: text must be a string", n.Line)
	}
	parts, err := ParseText(n.Value, n.Line)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*t = Text{Src: n.Value, Line: n.Line, Parts: parts}
	return nil
}

// ParseText splits src into literal and {expression} parts.
func ParseText(src string, line int) ([]TextPart, error) {
	var parts []TextPart
	var lit strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '{' && i+1 < len(src) && src[i+1] == '{':
			lit.WriteByte('{')
			i++
		case c == '}' && i+1 < len(src) && src[i+1] == '}':
			lit.WriteByte('}')
			i++
		case c == '}':
			return nil, fmt.Errorf("unmatched } at offset %d (write }} for a literal brace)", i)
		case c == '{':
			end, err := exprEnd(src, i+1)
			if err != nil {
				return nil, err
			}
			if lit.Len() > 0 {
				parts = append(parts, TextPart{Literal: lit.String()})
				lit.Reset()
			}
			code := strings.TrimSpace(src[i+1 : end])
			if code == "" {
				return nil, fmt.Errorf("empty {} at offset %d", i)
			}
			parts = append(parts, TextPart{Expr: &Expr{Src: code, Line: line}})
			i = end
		default:
			lit.WriteByte(c)
		}
	}
	if lit.Len() > 0 {
		parts = append(parts, TextPart{Literal: lit.String()})
	}
	return parts, nil
}

// exprEnd finds the } closing an expression that starts at i, skipping
// braces inside string literals and nested {} (map literals, closures).
func exprEnd(s string, i int) (int, error) {
	depth := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '"', '\'', '`':
			q := s[i]
			for i++; i < len(s) && s[i] != q; i++ {
				if s[i] == '\\' && q != '`' {
					i++
				}
			}
			if i >= len(s) {
				return 0, fmt.Errorf("unterminated string in {expression}")
			}
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return i, nil
			}
			depth--
		}
	}
	return 0, fmt.Errorf("unterminated {expression}")
}

// UnmarshalYAML parses "30s", "5m", "2h", "1d" or "1h30m".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*d = Duration{Duration: v, Line: n.Line}
	return nil
}

// ParseDuration accepts Go durations plus a "d" (24h) unit.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "d") {
		n, err := strconv.ParseFloat(strings.TrimSuffix(s, "d"), 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad duration %q", s)
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q (use 30s, 5m, 2h or 1d)", s)
	}
	return d, nil
}

// UnmarshalYAML parses sizes like "64MiB", "500KB", "1G" or "1048576".
func (z *Size) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseSize(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*z = Size{Bytes: v, Line: n.Line}
	return nil
}

// ParseSize parses a byte count with an optional unit: B, K/KB/KiB, M/MB/MiB,
// G/GB/GiB, T/TB/TiB. KB and KiB both mean 1024, as support engineers use them.
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) && r != '.' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = s[:i], strings.ToLower(strings.TrimSpace(s[i:]))
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	mult := map[string]float64{
		"": 1, "b": 1,
		"k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
		"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
		"g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
		"t": 1 << 40, "tb": 1 << 40, "tib": 1 << 40,
	}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("bad size unit in %q", s)
	}
	return int64(f * mult), nil
}

// Var is one named expression of a rule's vars.
type Var struct {
	Name string
	Expr Expr
	Line int
	// Shared marks a profile-level var the validator placed before the
	// rule's own (the rule names it).
	Shared bool
	// Cases: a var written as a choice of phrases (varcases.go) instead
	// of an expression.
	Cases []VarCase
}

// Vars are a rule's named expressions, written as a YAML mapping whose
// order is kept: `vars: {up: 'state == "UP"', late: 'up && hits > 3'}`.
type Vars []Var

// UnmarshalYAML reads a mapping of names to expression strings, in order.
func (v *Vars) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: vars must be a mapping of names to expressions, in order", n.Line)
	}
	out := Vars{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: a var name must be a string", k.Line)
		}
		if val.Kind == yaml.SequenceNode || val.Kind == yaml.MappingNode {
			cases, err := decodeVarCases(k.Value, val)
			if err != nil {
				return err
			}
			out = append(out, Var{Name: k.Value, Cases: cases, Line: k.Line})
			continue
		}
		var e Expr
		if err := e.UnmarshalYAML(val); err != nil {
			return err
		}
		out = append(out, Var{Name: k.Value, Expr: e, Line: k.Line})
	}
	*v = out
	return nil
}
