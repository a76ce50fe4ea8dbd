package collect

import (
	"fmt"
	"runtime"
	"strings"
)

// expandShell replaces {name} in a shell line with the variable's value
// as data, never as shell syntax: outside quotes as a single-quoted word,
// inside '...' with each ' closed and escaped, inside "..." with \, $,
// ` and " escaped. A value read from a host file ("/opt/x; rm -rf /")
// cannot then add commands to the line. On Windows (cmd /c) a value
// holding a character cmd would interpret (" % ^ & | < > ! or a line
// break) is refused: the item is not run.
func (c *collector) expandShell(s string) (string, error) {
	if !strings.Contains(s, "{") {
		return s, nil
	}
	if runtime.GOOS == "windows" {
		return c.expandCmd(s)
	}
	var b strings.Builder
	const (
		plain = iota
		single
		double
	)
	state := plain
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\\' && state != single && i+1 < len(s):
			b.WriteByte(ch)
			b.WriteByte(s[i+1])
			i++
			continue
		case ch == '\'' && state != double:
			if state == single {
				state = plain
			} else {
				state = single
			}
		case ch == '"' && state != single:
			if state == double {
				state = plain
			} else {
				state = double
			}
		case ch == '{':
			if loc := varRef.FindStringSubmatchIndex(s[i:]); loc != nil && loc[0] == 0 {
				if v, ok := c.vars[s[i+loc[2]:i+loc[3]]]; ok {
					switch state {
					case plain:
						b.WriteString(singleQuote(v.Value))
					case single:
						b.WriteString(strings.ReplaceAll(v.Value, "'", `'\''`))
					case double:
						b.WriteString(strings.NewReplacer(`\`, `\\`, `$`, `\$`, "`", "\\`", `"`, `\"`).Replace(v.Value))
					}
					i += loc[1] - 1
					continue
				}
			}
		}
		b.WriteByte(ch)
	}
	return b.String(), nil
}

// expandCmd is expandShell for cmd /c (see there).
func (c *collector) expandCmd(s string) (string, error) {
	var bad error
	out := varRef.ReplaceAllStringFunc(s, func(m string) string {
		name := m[1 : len(m)-1]
		v, ok := c.vars[name]
		if !ok {
			return m
		}
		if strings.ContainsAny(v.Value, "\"%^&|<>!\r\n") && bad == nil {
			bad = fmt.Errorf("variable %s = %q holds a character cmd would interpret; not run", name, v.Value)
		}
		return v.Value
	})
	return out, bad
}
